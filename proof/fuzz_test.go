package proof

import (
	"bytes"
	"encoding/json"
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func FuzzParseGindex(f *testing.F) {
	for _, s := range []string{"1", "2", "3", "0", "-1", "+5", "0x10", "007", " 5", "1_000",
		"18446744073709551615", "18446744073709551616", "36893488147419103231",
		"1" + strings.Repeat("0", 999), "1" + strings.Repeat("0", 1000), "164926744166405"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g, err := ParseGindex(s)
		if err != nil {
			if g.IsValid() {
				t.Fatalf("error %v with valid %s", err, g)
			}
			return
		}
		want, ok := new(big.Int).SetString(s, 10)
		if !ok || want.Sign() <= 0 {
			t.Fatalf("accepted %q", s)
		}
		if g.Big().Cmp(want) != 0 || g.String() != want.String() {
			t.Fatalf("ParseGindex(%q) = %s", s, g)
		}
		// Values that fit in 64 bits are always held small, so that equal
		// values share one representation (and one map key).
		if _, small := g.Uint64(); small != want.IsUint64() {
			t.Fatalf("%s: small representation %v", g, small)
		}
		b, err := g.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var back Gindex
		if err := back.UnmarshalText(b); err != nil || !back.Equal(g) || back.big == nil != (g.big == nil) {
			t.Fatalf("text round trip of %s: %v %s", g, err, back)
		}
		d := g.Depth()
		if d != want.BitLen()-1 {
			t.Fatalf("depth of %s = %d", g, d)
		}
		for _, bit := range []uint{0, 1} {
			c := g.Child(bit)
			if c.Depth() != d+1 || !c.Parent().Equal(g) || c.Bit(0) != bit || !g.IsAncestorOf(c) || c.IsAncestorOf(g) {
				t.Fatalf("child %d of %s = %s", bit, g, c)
			}
		}
		if !Root.Concat(g).Equal(g) || !g.Concat(Root).Equal(g) || !Root.IsAncestorOf(g) {
			t.Fatalf("concat with root: %s", g)
		}
		if !g.Ancestor(d).Equal(Root) || g.Ancestor(d+1).IsValid() {
			t.Fatalf("ancestors of %s", g)
		}
		if d == 0 {
			return
		}
		s2 := g.Sibling()
		if !s2.Sibling().Equal(g) || s2.Equal(g) || !s2.Parent().Equal(g.Parent()) || s2.IsRight() == g.IsRight() {
			t.Fatalf("sibling of %s = %s", g, s2)
		}
		if !g.Parent().Child(g.Bit(0)).Equal(g) {
			t.Fatalf("parent/child of %s", g)
		}
		for _, k := range []int{0, 1, d / 2, d - 1, d, 62, 63, 64, 65} {
			if k > d {
				continue
			}
			a, sub := g.Ancestor(k), g.Subindex(k)
			if a.Depth() != d-k || sub.Depth() != k || !a.Concat(sub).Equal(g) || !a.IsAncestorOf(g) {
				t.Fatalf("%s split at %d: %s, %s", g, k, a, sub)
			}
		}
	})
}

func FuzzProofJSON(f *testing.F) {
	h := func(b byte) string { return `"` + FormatHash([32]byte{b, 31: b}) + `"` }
	f.Add([]byte(`{"gindex":"2","leaf":` + h(1) + `,"branch":[` + h(2) + `]}`))
	f.Add([]byte(`{"gindex":"13","leaf":` + h(1) + `,"branch":[` + h(2) + `,` + h(3) + `,` + h(4) + `]}`))
	f.Add([]byte(`{"path":"slot","gindex":"1","leaf":` + h(1) + `,"branch":[]}`))
	f.Add([]byte(`{"gindex":"0","leaf":` + h(1) + `,"branch":[]}`))
	f.Add([]byte(`{"gindex":"0008","leaf":` + h(1) + `,"branch":[` + h(2) + `,` + h(3) + `,` + h(4) + `]}`))
	f.Add([]byte(`{"gindex":"3","leaf":"0x01","branch":["0x` + strings.Repeat("0", 64) + `"]}`))
	f.Add([]byte(`{"gindex":"3","leaf":` + h(1) + `,"branch":null}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var p Proof
		if err := json.Unmarshal(data, &p); err != nil {
			return
		}
		if !p.Gindex.IsValid() || len(p.Branch) != p.Gindex.Depth() {
			t.Fatalf("accepted an inconsistent proof: gindex %s, %d hashes", p.Gindex, len(p.Branch))
		}
		root, err := p.Root()
		if err != nil {
			return // gindex 1
		}
		if err := p.Verify(root); err != nil {
			t.Fatalf("does not verify against its own root: %v", err)
		}
		b, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		var back Proof
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		if diff := cmp.Diff(p, back, cmp.Comparer(Gindex.Equal)); diff != "" {
			t.Fatalf("round trip (-want +got)\n%s", diff)
		}
		b2, err := json.Marshal(back)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("re-encoding differs: %s vs %s (%v)", b, b2, err)
		}
	})
}

// fuzzReader hands out bytes of a fuzz input, zeros once it runs out.
type fuzzReader struct{ b []byte }

func (r *fuzzReader) byte() byte {
	if len(r.b) == 0 {
		return 0
	}
	c := r.b[0]
	r.b = r.b[1:]
	return c
}

func (r *fuzzReader) bytes(n int) []byte {
	out := make([]byte, n)
	k := copy(out, r.b)
	r.b = r.b[k:]
	return out
}

func (r *fuzzReader) hash() [32]byte { return [32]byte(r.bytes(32)) }

// multiproofFromFuzz decodes a multiproof from fuzz bytes: a flags byte, up
// to 8 gindices of up to 16 bytes each (sorted in descending order when
// flags bit 1 is set, as a valid multiproof lists them), then leaves and
// hashes (counts taken from the input, or the right counts when flags bit
// 0 is set), capped so that the work per input stays small.
func multiproofFromFuzz(data []byte) (*Multiproof, [32]byte) {
	r := &fuzzReader{b: data}
	flags := r.byte()
	m := &Multiproof{}
	for range int(r.byte() % 9) {
		v := new(big.Int).SetBytes(r.bytes(int(r.byte() % 17)))
		g, _ := GindexFromBig(v) // zero stays an invalid Gindex
		m.Gindices = append(m.Gindices, g)
	}
	if flags&2 != 0 {
		sortDesc(m.Gindices)
	}
	nLeaves, nHashes := int(r.byte()%9), int(r.byte()%65)
	if flags&1 != 0 {
		nLeaves = len(m.Gindices)
		nHashes = min(len(HelperIndices(m.Gindices)), 2048)
	}
	for range nLeaves {
		m.Leaves = append(m.Leaves, r.hash())
	}
	for range nHashes {
		m.Hashes = append(m.Hashes, r.hash())
	}
	return m, r.hash()
}

func FuzzMultiproofVerify(f *testing.F) {
	seed := func(flags byte, gs [][]byte, rest ...byte) []byte {
		b := []byte{flags, byte(len(gs))}
		for _, g := range gs {
			b = append(b, byte(len(g)))
			b = append(b, g...)
		}
		return append(b, rest...)
	}
	f.Add(seed(1, [][]byte{{9}, {14}}, 0, 0, 1, 2, 3))
	f.Add(seed(3, [][]byte{{9}, {14}}, 0, 0, 1, 2, 3))
	f.Add(seed(1, [][]byte{{2}}, 0, 0, 7))
	f.Add(seed(2, [][]byte{{9}, {14}}, 2, 4))
	f.Add(seed(3, [][]byte{{9}, {9}}))
	f.Add(seed(3, [][]byte{{2}, {9}}))
	f.Add(seed(1, [][]byte{{1}}))
	f.Add(seed(1, [][]byte{{0}}))
	f.Add(seed(3, [][]byte{{1, 0, 0, 0, 0, 0, 0, 0, 5}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 77}}))
	f.Add(seed(3, [][]byte{{1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4}, {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 77}, {0xc0}}))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		m, root := multiproofFromFuzz(data)
		err := m.Verify(root)
		got, rerr := m.Root()
		if rerr != nil {
			if err == nil || errors.Is(err, ErrRootMismatch) {
				t.Fatalf("Root error %v but Verify error %v", rerr, err)
			}
			return
		}
		if (got == root) != (err == nil) || (err != nil && !errors.Is(err, ErrRootMismatch)) {
			t.Fatalf("root %x, Verify(%x) = %v", got, root, err)
		}
		if err := m.Verify(got); err != nil {
			t.Fatalf("does not verify against its own root: %v", err)
		}
		for i := 1; i < len(m.Gindices); i++ {
			if m.Gindices[i-1].Cmp(m.Gindices[i]) <= 0 {
				t.Fatalf("gindices %v not in descending order, but verify", m.Gindices)
			}
		}
		if ref := refMultiRoot(m.Leaves, m.Hashes, bigs(m.Gindices)); ref != got {
			t.Fatalf("root %x, reference %x", got, ref)
		}
		// Any change to a leaf is caught.
		i := int(root[0]) % len(m.Leaves)
		m.Leaves[i][root[1]%32] ^= 1 << (root[2] % 8)
		if m.Verify(got) == nil {
			t.Fatalf("flipped leaf %d verifies", i)
		}
		m.Leaves[i][root[1]%32] ^= 1 << (root[2] % 8)
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		var back Multiproof
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("re-decoding %s: %v", b, err)
		}
		if err := back.Verify(got); err != nil {
			t.Fatalf("decoded proof: %v", err)
		}
	})
}
