package robust

import (
	"encoding/json"
	"fmt"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/proof"
)

// watchdog crashes the process, with every goroutine's stack, when the
// returned stop function is not called within d: the fuzzing engine does
// not notice a hung input by itself, but saves the input of a crash.
func watchdog(d time.Duration) (stop func()) {
	timer := time.AfterFunc(d, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("fuzz input still running after %v: a hang\n%s", d, buf))
	})
	return func() { timer.Stop() }
}

const fuzzHang = 20 * time.Second

// tamperPaths are the members whose real proofs FuzzProofTamper changes.
var tamperPaths = []string{
	"validators[5].withdrawal_credentials", "balances[7]", "slot", "historical_summaries",
	"validators[100000]", // past the end of the list: equal siblings
	"latest_execution_payload_header.block_hash",
}

// FuzzProofTamper applies arbitrary changes to real proofs of the deneb
// oracle state — the fuzz input is a list of (target, position, xor mask)
// edits over the proof's root, gindex, leaf and branch, and of cuts and
// extensions of the branch — and checks that a changed proof verifies only
// if what it states is true of the state: the tree's node at its gindex is
// its leaf, under the real root. (Unchanged facts, and gindex changes
// within equal subtrees, are true; see TestNoSingleBitFlipVerifies.)
func FuzzProofTamper(f *testing.F) {
	typ, tr, root := oracleTree(f, "deneb")
	var proofs []proof.Proof
	for _, path := range tamperPaths {
		p, err := tr.Prove(mustGindex(f, typ, path))
		if err != nil {
			f.Fatal(err)
		}
		proofs = append(proofs, p)
	}
	f.Add(uint8(0), []byte{})
	f.Add(uint8(1), []byte{0, 5, 1})
	f.Add(uint8(2), []byte{1, 0, 2})
	f.Add(uint8(4), []byte{1, 0, 1, 1, 1, 1})
	f.Add(uint8(3), []byte{2, 31, 0x80, 3, 40, 0x10})
	f.Add(uint8(5), []byte{4, 0, 0, 5, 0, 0})
	f.Fuzz(func(t *testing.T, which uint8, edits []byte) {
		defer watchdog(fuzzHang)()
		orig := proofs[int(which)%len(proofs)]
		p := proof.Proof{Gindex: orig.Gindex, Leaf: orig.Leaf, Branch: slices.Clone(orig.Branch)}
		r := root
		g := orig.Gindex.Big()
		for len(edits) >= 3 && len(edits) <= 3*64 {
			target, pos, mask := edits[0]%6, int(edits[1]), edits[2]
			edits = edits[3:]
			switch target {
			case 0: // root
				r[pos%32] ^= mask
			case 1: // gindex bits
				bit := pos % (g.BitLen() + 8)
				g.SetBit(g, bit, g.Bit(bit)^uint(mask&1))
			case 2: // leaf
				p.Leaf[pos%32] ^= mask
			case 3: // a branch hash
				if len(p.Branch) > 0 {
					p.Branch[(pos/32)%len(p.Branch)][pos%32] ^= mask
				}
			case 4: // cut the branch
				if len(p.Branch) > 0 {
					p.Branch = p.Branch[:len(p.Branch)-1-int(mask)%len(p.Branch)]
				}
			case 5: // extend the branch with a hash of the input
				var h [32]byte
				h[pos%32] = mask
				p.Branch = append(p.Branch, h)
			}
		}
		gi, err := proof.GindexFromBig(g)
		if err != nil {
			return // zero: no gindex to build
		}
		p.Gindex = gi
		if err := p.Verify(r); err != nil {
			return
		}
		if r != root {
			t.Fatalf("verifies against a root that is not the state's: %x", r)
		}
		node, err := tr.Node(p.Gindex)
		if err != nil || node != p.Leaf {
			t.Fatalf("verifies, but the state's node at %s is %x (%v), not the leaf %x", p.Gindex, node, err, p.Leaf)
		}
	})
}

// FuzzMultiproofJSON reads arbitrary JSON as a proof.Multiproof and
// verifies it against the deneb oracle state's root: it must not panic,
// and what verifies must be true of the state (every leaf is the state's
// node at its gindex) and list its gindices in the canonical order,
// strictly descending (ROB-7). The seeds are real multiproofs.
func FuzzMultiproofJSON(f *testing.F) {
	typ, tr, root := oracleTree(f, "deneb")
	for _, paths := range [][]string{
		{"slot", "validators[5].withdrawal_credentials"},
		{"balances[5]", "validators[5]", "validators[6].exit_epoch", "historical_summaries"},
		{"validators[100000]", "latest_execution_payload_header.block_hash"},
	} {
		var gs []proof.Gindex
		for _, path := range paths {
			gs = append(gs, mustGindex(f, typ, path))
		}
		m, err := proof.NewMultiproof(gs, tr.Node)
		if err != nil {
			f.Fatal(err)
		}
		b, err := json.Marshal(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"gindices":["2","2"],"leaves":[],"hashes":[]}`))
	f.Add([]byte(`{"gindices":["1"],"leaves":["0x00"],"hashes":null}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		defer watchdog(fuzzHang)()
		var m proof.Multiproof
		if err := json.Unmarshal(data, &m); err != nil {
			return
		}
		if err := m.Verify(root); err != nil {
			return
		}
		for i, g := range m.Gindices {
			node, err := tr.Node(g)
			if err != nil || node != m.Leaves[i] {
				t.Fatalf("verifies, but the state's node at %s is %x (%v), not leaf %d %x", g, node, err, i, m.Leaves[i])
			}
			if i > 0 && m.Gindices[i-1].Cmp(g) <= 0 {
				t.Fatalf("verifies, but gindices[%d] = %s is not above gindices[%d] = %s", i-1, m.Gindices[i-1], i, g)
			}
		}
		// What verifies also survives a JSON round trip.
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back proof.Multiproof
		if err := json.Unmarshal(b, &back); err != nil || back.Verify(root) != nil {
			t.Fatalf("round trip: %v", err)
		}
	})
}
