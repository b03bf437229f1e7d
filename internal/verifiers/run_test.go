package verifiers

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
)

// callCase is one call of a verifier with valid arguments, and what the
// test knows about it.
type callCase struct {
	name   string
	d      *Deployed
	method string
	args   []any
	// printed is the calldata the CLI printed for the call, if it did.
	printed []byte
	// model tells from the arguments whether the contract accepts them:
	// the contract's own checks, restated in Go over the same data
	// (4788 root, gindex, witnesses).
	model func(args []any) bool
	// accepted tells from a result whether the contract accepted the call
	// (it returned true, or the values the proof is for).
	accepted func(d *Deployed, method string, r Result) bool
	// unbound are prefixes of mutations the contract does not check by
	// design (an argument it only range-checks); a changed copy may be
	// accepted there, and only there, as the model says.
	unbound []string
}

// returnsTrue accepts a call that returns true.
func returnsTrue(d *Deployed, method string, r Result) bool {
	out, err := d.Unpack(method, r)
	return err == nil && len(out) == 1 && out[0] == true
}

// succeeds accepts a call that does not revert.
func succeeds(_ *Deployed, _ string, r Result) bool { return r.Err == nil }

// run sends the call (checking that it is the calldata the CLI printed),
// checks that it is accepted, then sends every changed copy of it (under
// the race detector or -short a spread sample of 48) and checks that the
// contract accepts exactly those the model accepts, and that those are
// changes of unbound arguments. It returns the valid call's
// execution and transaction gas.
func (c callCase) run(t *testing.T, now uint64) (exec, tx uint64) {
	t.Helper()
	input, err := c.d.Pack(c.method, c.args...)
	if err != nil {
		t.Fatalf("%s: pack: %v", c.name, err)
	}
	if c.printed != nil && !bytes.Equal(input, c.printed) {
		t.Fatalf("%s: the CLI's calldata is not the contract ABI's encoding of its document\nCLI: %x\nABI: %x", c.name, c.printed, input)
	}
	r := c.d.Call(input, now)
	if !c.accepted(c.d, c.method, r) {
		t.Fatalf("%s: valid proof rejected: %v %s (0x%x)", c.name, r.Err, c.d.EVM.Revert(r.Return), r.Return)
	}
	if !c.model(c.args) {
		t.Fatalf("%s: the contract accepts the valid proof but the test's model of it does not", c.name)
	}
	exec = r.Gas
	if tx, err = c.d.EVM.TxGas(c.d.Address, input, exec); err != nil {
		t.Fatal(err)
	}
	all := mutations(c.d.Contract.ABI.Methods[c.method], c.args)
	ms := all
	if raceEnabled || testing.Short() {
		ms = sample(all, 48)
	}
	var acceptedChanges []string
	for _, m := range ms {
		margs := m.apply(c.args)
		in, err := c.d.Pack(c.method, margs...)
		if err != nil {
			continue // not encodable: cannot reach the contract
		}
		r := c.d.Call(in, now)
		got, want := c.accepted(c.d, c.method, r), c.model(margs)
		if got != want {
			t.Fatalf("%s: %s: contract accepts=%v, model accepts=%v (%v %s)", c.name, m.what, got, want, r.Err, c.d.EVM.Revert(r.Return))
		}
		if !got {
			continue
		}
		acceptedChanges = append(acceptedChanges, m.what)
		bound := true
		for _, p := range c.unbound {
			bound = bound && !strings.HasPrefix(m.what, p)
		}
		if bound {
			t.Errorf("%s: changed copy accepted: %s", c.name, m.what)
		}
	}
	if c.printed != nil {
		c.rawFlips(t, input, all, now)
	}
	if len(acceptedChanges) > 0 {
		t.Logf("%s: %d of %d changes rejected; accepted (unbound by the contract): %s", c.name,
			len(ms)-len(acceptedChanges), len(ms), summarize(acceptedChanges))
	}
	return exec, tx
}

// restore is is_valid_merkle_branch's root: the leaf hashed up the
// branch along the gindex's bits. ok is false when the branch length is
// not the gindex's depth.
func restore(leaf [32]byte, g *big.Int, branch [][32]byte) ([32]byte, bool) {
	if g.Sign() <= 0 || g.BitLen()-1 != len(branch) {
		return [32]byte{}, false
	}
	v := leaf
	for i, w := range branch {
		if g.Bit(i) == 1 {
			v = sha256.Sum256(append(w[:], v[:]...))
		} else {
			v = sha256.Sum256(append(v[:], w[:]...))
		}
	}
	return v, true
}

func pair(a, b [32]byte) [32]byte { return sha256.Sum256(append(a[:], b[:]...)) }

func le(v uint64) [32]byte {
	var c [32]byte
	binary.LittleEndian.PutUint64(c[:], v)
	return c
}

// merkleize returns the root of a power-of-two number of chunks.
func merkleize(chunks [][32]byte) [32]byte {
	layer := append([][32]byte(nil), chunks...)
	for len(layer) > 1 {
		next := make([][32]byte, len(layer)/2)
		for i := range next {
			next[i] = pair(layer[2*i], layer[2*i+1])
		}
		layer = next
	}
	return layer[0]
}

// gindexOf concatenates (value, bits) path parts below a root: 1, then
// each value in its number of bits.
func gindexOf(parts ...[2]uint64) *big.Int {
	g := big.NewInt(1)
	for _, p := range parts {
		g.Lsh(g, uint(p[1]))
		g.Or(g, new(big.Int).SetUint64(p[0]))
	}
	return g
}

// deployReference deploys the project's own verifier, testdata/solidity's committed
// BeaconProofVerifier.
func deployReference(t *testing.T, e *EVM) *Deployed {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(ModuleRoot(), "testdata", "solidity", "BeaconProofVerifier.json"))
	if err != nil {
		t.Fatal(err)
	}
	var a struct {
		ContractName string                   `json:"contractName"`
		Compiler     struct{ Version string } `json:"compiler"`
		ABI          json.RawMessage          `json:"abi"`
		Bytecode     string                   `json:"bytecode"`
	}
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	code, err := hex.DecodeString(strings.TrimPrefix(a.Bytecode, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := abi.JSON(bytes.NewReader(a.ABI))
	if err != nil {
		t.Fatal(err)
	}
	c := &Contract{Name: "testdata/solidity:" + a.ContractName, Compiler: a.Compiler.Version, ABI: parsed, Bytecode: code}
	return Deploy(t, e, c)
}

// summarize groups changes of the bytes of one value: "_slot bytes 0-7".
func summarize(changes []string) string {
	var out []string
	byValue := map[string][]string{}
	for _, c := range changes {
		v, b, ok := strings.Cut(c, " byte ")
		if !ok {
			out = append(out, c)
			continue
		}
		if byValue[v] == nil {
			out = append(out, v)
		}
		byValue[v] = append(byValue[v], b)
	}
	for i, v := range out {
		if bs := byValue[v]; bs != nil {
			out[i] = fmt.Sprintf("%s bytes %s", v, strings.Join(bs, ","))
		}
	}
	return strings.Join(out, "; ")
}

// rawFlips changes bytes of the printed calldata itself: each selector
// byte and the first and last byte of every 32-byte word (offsets,
// lengths, padding and values alike; under the race detector or -short, of
// every 8th word). The contract may accept a changed
// copy only when go-ethereum's ABI decoder reads from it values the model
// accepts, and, when the copy is their canonical encoding, must then; a
// canonical copy it accepts must differ from the valid call only where an
// unbound argument is encoded. (A copy that is not canonical changed only
// padding the decoder ignores, or was rejected.)
func (c callCase) rawFlips(t *testing.T, input []byte, ms []mutation, now uint64) {
	t.Helper()
	m := c.d.Contract.ABI.Methods[c.method]
	unbound := map[int]bool{}
	for _, mu := range ms {
		for _, p := range c.unbound {
			if !strings.HasPrefix(mu.what, p) {
				continue
			}
			if b, err := c.d.Pack(c.method, mu.apply(c.args)...); err == nil && len(b) == len(input) {
				for i := range b {
					if b[i] != input[i] {
						unbound[i] = true
					}
				}
			}
		}
	}
	var positions []int
	for i := 0; i < len(input); i++ {
		word := (i - 4) / 32
		if (raceEnabled || testing.Short()) && i >= 4 && word%8 != 0 {
			continue
		}
		if i < 4 || (i-4)%32 == 0 || (i-4)%32 == 31 {
			positions = append(positions, i)
		}
	}
	var accepted []string
	for _, i := range positions {
		b := append([]byte(nil), input...)
		b[i] ^= 1
		r := c.d.Call(b, now)
		got := c.accepted(c.d, c.method, r)
		args, ok := decodeArgs(m, b, c.args)
		switch {
		case !ok && got:
			t.Fatalf("%s: calldata byte %d changed: accepted, but not ABI-decodable", c.name, i)
		case !ok:
			continue
		}
		want := c.model(args)
		canonical := false
		if re, err := c.d.Pack(c.method, args...); err == nil {
			canonical = bytes.Equal(re, b)
		}
		if got && !want || canonical && got != want {
			t.Fatalf("%s: calldata byte %d changed: contract accepts=%v, model accepts=%v (canonical %v; %v %s)",
				c.name, i, got, want, canonical, r.Err, c.d.EVM.Revert(r.Return))
		}
		if got && canonical && !unbound[i] {
			t.Errorf("%s: calldata byte %d changed: accepted", c.name, i)
		}
		if got {
			kind := "unbound argument"
			if !canonical {
				kind = "padding"
			}
			accepted = append(accepted, fmt.Sprintf("%d (%s)", i, kind))
		}
	}
	if len(accepted) > 0 {
		t.Logf("%s: %d calldata bytes changed, accepted at %s", c.name, len(positions), strings.Join(accepted, ", "))
	}
}

// decodeArgs reads calldata into values of the arguments' Go types.
func decodeArgs(m abi.Method, data []byte, like []any) (args []any, ok bool) {
	if len(data) < 4 || !bytes.Equal(data[:4], m.ID) {
		return nil, false
	}
	vals, err := m.Inputs.Unpack(data[4:])
	if err != nil || len(vals) != len(like) {
		return nil, false
	}
	defer func() {
		if recover() != nil {
			args, ok = nil, false
		}
	}()
	args = make([]any, len(like))
	for i := range like {
		p := reflect.New(reflect.TypeOf(like[i]))
		abi.ConvertType(vals[i], p.Interface())
		args[i] = p.Elem().Interface()
	}
	return args, true
}
