package staking

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"strings"
	"sync"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/capella"
	"github.com/attestantio/go-eth2-client/spec/deneb"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/fulu"
	"github.com/attestantio/go-eth2-client/spec/gloas"
	dynssz "github.com/pk910/dynamic-ssz"
	"github.com/pk910/dynamic-ssz/treeproof"

	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

var ctx = context.Background()

// This file holds what the staking tests share: the independent
// implementation (go-eth2-client v0.30.1's types, hashed by their generated
// code and, for nodes below the root, by dynamic-ssz), tampering, and
// decoding of the vectors' hex and values.

// e2Object is what go-eth2-client's generated SSZ code gives every type.
type e2Object interface {
	UnmarshalSSZ(buf []byte) error
	HashTreeRoot() ([32]byte, error)
}

// e2Types are go-eth2-client's types of one fork.
type e2Types struct {
	state, block, envelope func() e2Object
}

var e2ByFork = map[string]e2Types{
	"capella": {
		state: func() e2Object { return new(capella.BeaconState) },
		block: func() e2Object { return new(capella.BeaconBlock) },
	},
	"deneb": {
		state: func() e2Object { return new(deneb.BeaconState) },
		block: func() e2Object { return new(deneb.BeaconBlock) },
	},
	"electra": {
		state: func() e2Object { return new(electra.BeaconState) },
		block: func() e2Object { return new(electra.BeaconBlock) },
	},
	"fulu": {
		state: func() e2Object { return new(fulu.BeaconState) },
		block: func() e2Object { return new(electra.BeaconBlock) }, // fulu reuses electra's block
	},
	"gloas": {
		state:    func() e2Object { return new(gloas.BeaconState) },
		block:    func() e2Object { return new(gloas.BeaconBlock) },
		envelope: func() e2Object { return new(gloas.ExecutionPayloadEnvelope) },
	},
}

// peer is one object decoded and hashed by go-eth2-client.
type peer struct {
	obj  e2Object
	root [32]byte

	once    sync.Once
	tree    *treeproof.Node
	treeErr error
}

// e2Decode decodes b with a go-eth2-client type and hashes it.
func e2Decode(t *testing.T, what string, newObj func() e2Object, b []byte) *peer {
	t.Helper()
	obj := newObj()
	if err := obj.UnmarshalSSZ(b); err != nil {
		t.Fatalf("go-eth2-client: %s (%T): UnmarshalSSZ: %v", what, obj, err)
	}
	root, err := obj.HashTreeRoot()
	if err != nil {
		t.Fatalf("go-eth2-client: %s (%T): HashTreeRoot: %v", what, obj, err)
	}
	return &peer{obj: obj, root: root}
}

// node returns the node at gindex g of the peer's tree, built by
// dynamic-ssz from go-eth2-client's struct (not by our code).
func (p *peer) node(t *testing.T, g proof.Gindex) [32]byte {
	t.Helper()
	gi, ok := g.Uint64()
	if !ok || gi > 1<<62 {
		t.Fatalf("gindex %s is too deep for the peer's tree", g)
	}
	p.once.Do(func() {
		p.tree, p.treeErr = dynssz.GetGlobalDynSsz().GetTree(p.obj)
		if p.treeErr == nil {
			if r := p.tree.Hash(); [32]byte(r) != p.root {
				p.treeErr = fmt.Errorf("dynamic-ssz root of %T is %x, go-eth2-client's %x", p.obj, r, p.root)
			}
		}
	})
	if p.treeErr != nil {
		t.Fatalf("dynamic-ssz GetTree(%T): %v", p.obj, p.treeErr)
	}
	n, err := p.tree.Get(int(gi))
	if err != nil {
		t.Fatalf("dynamic-ssz %T node %s: %v", p.obj, g, err)
	}
	return [32]byte(n.Hash())
}

// flipBit returns g with bit i flipped.
func flipBit(g proof.Gindex, i int) proof.Gindex {
	v := g.Big()
	v.SetBit(v, i, v.Bit(i)^1)
	out, err := proof.GindexFromBig(v)
	if err != nil {
		panic(err)
	}
	return out
}

func cloneProof(p proof.Proof) proof.Proof {
	return proof.Proof{Gindex: p.Gindex, Leaf: p.Leaf, Branch: append([][32]byte(nil), p.Branch...)}
}

// checkTamper checks that p verifies against root and that tampered copies
// do not: each byte of the leaf and of every branch hash changed
// (exhaustive) or one byte of each (not exhaustive), every gindex bit
// flipped where the sibling differs from the node it pairs with (where
// they are equal the order of the pair does not change the hash), the
// gindex one level deeper or shallower, and the branch one hash shorter or
// longer.
func checkTamper(t *testing.T, name string, p proof.Proof, root [32]byte, exhaustive bool) {
	t.Helper()
	if err := p.Verify(root); err != nil {
		t.Fatalf("%s: untampered proof: %v", name, err)
	}
	reject := func(what string, q proof.Proof) {
		t.Helper()
		if err := q.Verify(root); err == nil {
			t.Errorf("%s: proof with %s verifies", name, what)
		}
	}
	bytesOf := func(k int) []int {
		if exhaustive {
			out := make([]int, 32)
			for i := range out {
				out[i] = i
			}
			return out
		}
		return []int{k % 32}
	}
	for _, i := range bytesOf(0) {
		q := cloneProof(p)
		q.Leaf[i] ^= 0xff
		reject("leaf byte "+itoa(i)+" changed", q)
	}
	for k := range p.Branch {
		for _, i := range bytesOf(k) {
			q := cloneProof(p)
			q.Branch[k][i] ^= 0x5a
			reject("branch["+itoa(k)+"] byte "+itoa(i)+" changed", q)
		}
	}
	// The node at each level, to know where a sibling differs.
	node := p.Leaf
	flipped := 0
	for i, sib := range p.Branch {
		if sib != node {
			q := cloneProof(p)
			q.Gindex = flipBit(p.Gindex, i)
			reject("gindex bit "+itoa(i)+" flipped", q)
			flipped++
		}
		if p.Gindex.Bit(i) == 1 {
			node = sha256.Sum256(append(sib[:], node[:]...))
		} else {
			node = sha256.Sum256(append(node[:], sib[:]...))
		}
	}
	if flipped == 0 && len(p.Branch) > 0 {
		t.Errorf("%s: no gindex bit could be tested", name)
	}
	q := cloneProof(p)
	q.Gindex = flipBit(p.Gindex, p.Gindex.Depth()+1) // one level deeper
	reject("a deeper gindex", q)
	q = cloneProof(p)
	q.Branch = q.Branch[:len(q.Branch)-1]
	reject("a shorter branch", q)
	q = cloneProof(p)
	q.Branch = append(q.Branch, [32]byte{})
	reject("a longer branch", q)
	if d := p.Gindex.Depth(); d > 1 {
		q = cloneProof(p)
		q.Gindex = p.Gindex.Subindex(d - 1) // one level shallower
		reject("a shallower gindex", q)
	}
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

func mustHash(t *testing.T, s string) [32]byte {
	t.Helper()
	h, err := proof.ParseHash(s)
	if err != nil {
		t.Fatalf("bad hash %q: %v", s, err)
	}
	return h
}

func mustHashes(t *testing.T, ss []string) [][32]byte {
	t.Helper()
	out := make([][32]byte, len(ss))
	for i, s := range ss {
		out[i] = mustHash(t, s)
	}
	return out
}

func mustGindex(t *testing.T, s string) proof.Gindex {
	t.Helper()
	g, err := proof.ParseGindex(s)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil {
		t.Fatalf("bad hex %q: %v", s, err)
	}
	return b
}

// uintChunk is the 32-byte chunk of a uint64 leaf.
func uintChunk(v uint64) [32]byte {
	var c [32]byte
	binary.LittleEndian.PutUint64(c[:], v)
	return c
}

// valueRoot encodes the fields of value that type typ has (dropping the
// others, such as validator_index or withdrawal_slot) with our schema and
// returns the hash tree root.
func valueRoot(t *testing.T, typ *ssz.Type, value map[string]any) [32]byte {
	t.Helper()
	fields := map[string]any{}
	for _, f := range typ.Fields {
		v, ok := value[f.Name]
		if !ok {
			t.Fatalf("value %v has no %s of %s", value, f.Name, typ.Name)
		}
		fields[f.Name] = v
	}
	data, err := json.Marshal(fields)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ssz.FromJSON(typ, data)
	if err != nil {
		t.Fatalf("%s from %s: %v", typ.Name, data, err)
	}
	r, err := ssz.HashTreeRoot(typ, b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// valueJSON returns the JSON of a claim's value, as a document has it.
func valueJSON(t *testing.T, c Claim) string {
	t.Helper()
	b, err := json.Marshal(c.Value)
	if err != nil {
		t.Fatalf("%s %s: value: %v", c.Kind, c.Path, err)
	}
	return string(b)
}

// valueMap reads the JSON of a claim's value as a map.
func valueMap(t *testing.T, c Claim) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal([]byte(valueJSON(t, c)), &v); err != nil {
		t.Fatalf("%s %s: value %s: %v", c.Kind, c.Path, valueJSON(t, c), err)
	}
	return v
}

func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", target)
	}
	if target != nil && !errors.Is(err, target) {
		t.Fatalf("error %v, want %v", err, target)
	}
}
