package proof

import (
	"encoding/json"
	"errors"
	"math/big"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The spec's functions, transcribed literally over big.Int (keyed by
// decimal string) as an independent reference.

func refSibling(v *big.Int) *big.Int { return new(big.Int).Xor(v, big.NewInt(1)) }
func refParent(v *big.Int) *big.Int  { return new(big.Int).Rsh(v, 1) }

var one = big.NewInt(1)

func refBranchIndices(v *big.Int) []*big.Int {
	o := []*big.Int{refSibling(v)}
	for o[len(o)-1].Cmp(one) > 0 {
		o = append(o, refSibling(refParent(o[len(o)-1])))
	}
	return o[:len(o)-1]
}

func refPathIndices(v *big.Int) []*big.Int {
	o := []*big.Int{v}
	for o[len(o)-1].Cmp(one) > 0 {
		o = append(o, refParent(o[len(o)-1]))
	}
	return o[:len(o)-1]
}

func refHelperIndices(indices []*big.Int) []*big.Int {
	helper, path := map[string]*big.Int{}, map[string]bool{}
	for _, i := range indices {
		for _, b := range refBranchIndices(i) {
			helper[b.String()] = b
		}
		for _, p := range refPathIndices(i) {
			path[p.String()] = true
		}
	}
	var out []*big.Int
	for k, v := range helper {
		if !path[k] {
			out = append(out, v)
		}
	}
	sort.Slice(out, func(a, b int) bool { return out[a].Cmp(out[b]) > 0 })
	return out
}

// refMultiRoot is calculate_multi_merkle_root, including its queue of keys.
func refMultiRoot(leaves, proof [][32]byte, indices []*big.Int) [32]byte {
	if len(leaves) != len(indices) {
		panic("leaves")
	}
	helpers := refHelperIndices(indices)
	if len(proof) != len(helpers) {
		panic("proof")
	}
	objects := map[string][32]byte{}
	var keys []*big.Int
	for i, idx := range indices {
		objects[idx.String()] = leaves[i]
		keys = append(keys, idx)
	}
	for i, idx := range helpers {
		objects[idx.String()] = proof[i]
		keys = append(keys, idx)
	}
	sort.Slice(keys, func(a, b int) bool { return keys[a].Cmp(keys[b]) > 0 })
	for pos := 0; pos < len(keys); pos++ {
		k := keys[pos]
		_, hasK := objects[k.String()]
		_, hasSib := objects[refSibling(k).String()]
		_, hasParent := objects[refParent(k).String()]
		if hasK && hasSib && !hasParent {
			left := new(big.Int).Xor(new(big.Int).Or(k, one), one)
			right := new(big.Int).Or(k, one)
			objects[refParent(k).String()] = refHash(objects[left.String()], objects[right.String()])
			keys = append(keys, refParent(k))
		}
	}
	return objects["1"]
}

func bigs(g []Gindex) []*big.Int {
	out := make([]*big.Int, len(g))
	for i, x := range g {
		out[i] = x.Big()
	}
	return out
}

func strs[T interface{ String() string }](xs []T) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = x.String()
	}
	return out
}

func TestHelperIndices(t *testing.T) {
	tests := []struct {
		in, want []Gindex
	}{
		{gs(9, 14), gs(15, 8, 6, 5)},
		{gs(8, 9), gs(5, 3)},
		{gs(4, 5, 6, 7), nil},
		{gs(2), gs(3)},
		{gs(3, 2), nil},
		{gs(10, 13, 14), gs(15, 12, 11, 4)},
		{gs(31), gs(30, 14, 6, 2)},
		{nil, nil},
	}
	for _, tc := range tests {
		got := HelperIndices(tc.in)
		if diff := cmp.Diff(strs(tc.want), strs(got)); diff != "" {
			t.Errorf("HelperIndices(%v) (-want +got)\n%s", strs(tc.in), diff)
		}
		if diff := cmp.Diff(strs(refHelperIndices(bigs(tc.in))), strs(got)); diff != "" {
			t.Errorf("HelperIndices(%v) vs reference (-want +got)\n%s", strs(tc.in), diff)
		}
	}
}

// randIndexSet picks a random valid index set (no duplicates or ancestors)
// of up to n nodes from a tree of the given depth.
func randIndexSet(r *rand.Rand, depth, n int) []Gindex {
	var out []Gindex
	for range n * 4 {
		if len(out) == n {
			break
		}
		g := randGindexAtDepth(r, 1+r.IntN(depth))
		ok := true
		for _, h := range out {
			if g.IsAncestorOf(h) || h.IsAncestorOf(g) {
				ok = false
				break
			}
		}
		if ok {
			out = append(out, g)
		}
	}
	return out
}

func TestMultiproofRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	tr := newTree(r, 6)
	for iter := range 300 {
		idx := randIndexSet(r, 6, 1+r.IntN(12))
		m, err := NewMultiproof(idx, tr.nodeAt)
		if err != nil {
			t.Fatalf("%v: %v", strs(idx), err)
		}
		helpers := HelperIndices(idx)
		if len(m.Hashes) != len(helpers) || m.Size() != len(idx)+len(helpers) {
			t.Fatalf("%v: %d hashes, %d helpers, size %d", strs(idx), len(m.Hashes), len(helpers), m.Size())
		}
		if diff := cmp.Diff(strs(refHelperIndices(bigs(idx))), strs(helpers)); diff != "" {
			t.Fatalf("%v: helper indices vs reference (-want +got)\n%s", strs(idx), diff)
		}
		for i, g := range helpers {
			if want, _ := tr.nodeAt(g); m.Hashes[i] != want {
				t.Fatalf("%v: hash %d is not node %s", strs(idx), i, g)
			}
		}
		if err := m.Verify(tr.root()); err != nil {
			t.Fatalf("%v: %v", strs(idx), err)
		}
		if got := refMultiRoot(m.Leaves, m.Hashes, bigs(m.Gindices)); got != tr.root() {
			t.Fatalf("%v: reference root differs", strs(idx))
		}
		if !isDescending(m.Gindices) || len(m.Gindices) != len(idx) {
			t.Fatalf("%v: NewMultiproof gives gindices %v, want them in descending order", strs(idx), strs(m.Gindices))
		}
		for i, g := range m.Gindices {
			if want, _ := tr.nodeAt(g); m.Leaves[i] != want {
				t.Fatalf("%v: leaf %d is not node %s", strs(idx), i, g)
			}
		}
		// Single-bit flips: every bit for some proofs, a sample for others.
		step := 1
		if iter%20 != 0 {
			step = 37
		}
		for _, field := range []string{"leaves", "hashes"} {
			src := m.Leaves
			if field == "hashes" {
				src = m.Hashes
			}
			for j := range src {
				for b := 0; b < 256; b += step {
					c := slices.Clone(src)
					c[j][b/8] ^= 1 << (b % 8)
					q := *m
					if field == "leaves" {
						q.Leaves = c
					} else {
						q.Hashes = c
					}
					if q.Verify(tr.root()) == nil {
						t.Fatalf("%v: %s[%d] bit %d flip verifies", strs(idx), field, j, b)
					}
				}
			}
		}
		for j, g := range m.Gindices {
			for b := 0; b <= g.Depth()+1; b++ {
				f, ok := flipBit(g, b)
				if !ok {
					continue
				}
				q := *m
				q.Gindices = slices.Clone(m.Gindices)
				q.Gindices[j] = f
				if q.Verify(tr.root()) == nil {
					t.Fatalf("%v: gindices[%d] bit %d flip verifies", strs(idx), j, b)
				}
			}
		}
		// Reordering gindices together with their leaves states the same
		// facts, but only the descending order is accepted (one encoding
		// per multiproof).
		if len(m.Gindices) > 1 {
			q := Multiproof{Gindices: slices.Clone(m.Gindices), Leaves: slices.Clone(m.Leaves), Hashes: m.Hashes}
			slices.Reverse(q.Gindices)
			slices.Reverse(q.Leaves)
			if err := q.Verify(tr.root()); !errors.Is(err, ErrUnsorted) {
				t.Fatalf("%v reordered: %v, want ErrUnsorted", strs(idx), err)
			}
		}
	}
}

func TestMultiproofBigGindices(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	st := newSparseTree(90)
	var idx []Gindex
	for range 4 {
		g := randGindexAtDepth(r, 90)
		st.set(g, randHash(r))
		idx = append(idx, g)
	}
	// Add nearby nodes too, so that paths share helpers.
	idx = append(idx, idx[0].Sibling(), idx[1].Parent().Sibling())
	m, err := NewMultiproof(idx, st.nodeAt)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Verify(st.root()); err != nil {
		t.Fatal(err)
	}
	if got := refMultiRoot(m.Leaves, m.Hashes, bigs(m.Gindices)); got != st.root() {
		t.Fatal("reference root differs")
	}
	for j, g := range m.Gindices {
		for _, b := range []int{0, 1, 45, 63, 64, 65, 89} {
			f, _ := flipBit(g, b)
			q := *m
			q.Gindices = slices.Clone(m.Gindices)
			q.Gindices[j] = f
			if q.Verify(st.root()) == nil {
				t.Fatalf("gindices[%d] bit %d flip verifies", j, b)
			}
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var back Multiproof
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m, &back, cmp.Comparer(Gindex.Equal)); diff != "" {
		t.Fatalf("JSON round trip (-want +got)\n%s", diff)
	}
}

func TestMultiproofErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	tr := newTree(r, 4)
	good, err := NewMultiproof(gs(9, 14), tr.nodeAt)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		m       Multiproof
		want    error
		contain string
	}{
		{"empty", Multiproof{}, ErrMalformed, "no gindices"},
		{"zero gindex", Multiproof{Gindices: []Gindex{{}}, Leaves: make([][32]byte, 1)}, ErrInvalidGindex, "gindices[0]"},
		{"root gindex", Multiproof{Gindices: gs(1), Leaves: make([][32]byte, 1)}, ErrInvalidGindex, "gindex ≥ 2"},
		{"duplicate", Multiproof{Gindices: gs(14, 9, 9), Leaves: make([][32]byte, 3), Hashes: good.Hashes}, ErrInvalidGindex, "gindices[1] and gindices[2] are both 9"},
		{"ancestor", Multiproof{Gindices: gs(14, 9, 7), Leaves: make([][32]byte, 3), Hashes: good.Hashes}, ErrInvalidGindex, "gindices[2] = 7 is an ancestor of gindices[0] = 14"},
		{"descendant", Multiproof{Gindices: gs(9, 2), Leaves: make([][32]byte, 2)}, ErrInvalidGindex, "gindices[1] = 2 is an ancestor of gindices[0] = 9"},
		{"ascending", Multiproof{Gindices: gs(9, 14), Leaves: good.Leaves, Hashes: good.Hashes}, ErrUnsorted, "gindices[0] = 9 is below gindices[1] = 14"},
		{"unsorted in the middle", Multiproof{Gindices: gs(30, 9, 14), Leaves: make([][32]byte, 3), Hashes: good.Hashes}, ErrUnsorted, "gindices[1] = 9 is below gindices[2] = 14"},
		{"leaves short", Multiproof{Gindices: good.Gindices, Leaves: good.Leaves[:1], Hashes: good.Hashes}, ErrMalformed, "2 gindices but 1 leaves"},
		{"hashes short", Multiproof{Gindices: good.Gindices, Leaves: good.Leaves, Hashes: good.Hashes[:3]}, ErrBranchLength, "need 4 helper hashes, got 3"},
		{"hashes long", Multiproof{Gindices: good.Gindices, Leaves: good.Leaves, Hashes: append(slices.Clone(good.Hashes), [32]byte{})}, ErrBranchLength, "need 4 helper hashes, got 5"},
		{"hashes swapped", Multiproof{Gindices: good.Gindices, Leaves: good.Leaves, Hashes: [][32]byte{good.Hashes[1], good.Hashes[0], good.Hashes[2], good.Hashes[3]}}, ErrRootMismatch, FormatHash(tr.root())},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.m.Verify(tr.root())
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.contain) {
				t.Fatalf("Verify = %v, want %v containing %q", err, tc.want, tc.contain)
			}
			if tc.want == ErrRootMismatch {
				return
			}
			if _, err := NewMultiproof(tc.m.Gindices, tr.nodeAt); tc.want == ErrInvalidGindex || len(tc.m.Gindices) == 0 {
				if !errors.Is(err, tc.want) {
					t.Errorf("NewMultiproof = %v, want %v", err, tc.want)
				}
			}
			b, err := json.Marshal(tc.m)
			if err != nil {
				return // zero gindex cannot be encoded
			}
			var back Multiproof
			if err := json.Unmarshal(b, &back); !errors.Is(err, tc.want) {
				t.Errorf("UnmarshalJSON = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := NewMultiproof(gs(9, 40), tr.nodeAt); err == nil || !strings.Contains(err.Error(), "leaf 40") {
		t.Errorf("NewMultiproof outside the tree: %v", err)
	}
}

func TestMultiproofJSON(t *testing.T) {
	m := Multiproof{Gindices: gs(2), Leaves: [][32]byte{{1}}, Hashes: [][32]byte{{2}}}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"gindices":["2"],"leaves":["0x0100000000000000000000000000000000000000000000000000000000000000"],"hashes":["0x0200000000000000000000000000000000000000000000000000000000000000"]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	if b2, _ := json.Marshal(&m); string(b2) != want {
		t.Fatalf("pointer marshal differs: %s", b2)
	}
	h := "0x" + strings.Repeat("00", 32)
	tests := []struct {
		name, in string
		want     error
		contain  string
	}{
		{"ok", `{"gindices":["2"],"leaves":["` + h + `"],"hashes":["` + h + `"]}`, nil, ""},
		{"missing hashes", `{"gindices":["2"],"leaves":["` + h + `"]}`, ErrMalformed, `"hashes"`},
		{"missing leaves", `{"gindices":["2"],"hashes":["` + h + `"]}`, ErrMalformed, `"leaves"`},
		{"missing gindices", `{"leaves":["` + h + `"],"hashes":["` + h + `"]}`, ErrMalformed, `"gindices"`},
		{"bad gindex", `{"gindices":["2","x"],"leaves":["` + h + `"],"hashes":["` + h + `"]}`, ErrInvalidGindex, "gindices[1]"},
		{"bad leaf", `{"gindices":["2"],"leaves":["0x00"],"hashes":["` + h + `"]}`, ErrMalformed, "leaves[0]"},
		{"bad hash", `{"gindices":["2"],"leaves":["` + h + `"],"hashes":["` + h + "0" + `"]}`, ErrMalformed, "hashes[0]"},
		{"hash count", `{"gindices":["2"],"leaves":["` + h + `"],"hashes":[]}`, ErrBranchLength, "need 1 helper hashes, got 0"},
		{"not an object", `"x"`, ErrMalformed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var m Multiproof
			err := json.Unmarshal([]byte(tc.in), &m)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.contain) {
				t.Fatalf("got %v, want %v containing %q", err, tc.want, tc.contain)
			}
		})
	}
}

// TestMultiproofMatchesSingleProofs checks that a one-index multiproof is
// the single proof with its branch sorted by descending gindex.
func TestMultiproofMatchesSingleProofs(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	tr := newTree(r, 5)
	for g := uint64(2); g < 64; g++ {
		p, err := NewProof(GindexFromUint64(g), tr.nodeAt)
		if err != nil {
			t.Fatal(err)
		}
		m, err := NewMultiproof(gs(g), tr.nodeAt)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(p.Branch, m.Hashes); diff != "" {
			t.Fatalf("gindex %d (-single +multi)\n%s", g, diff)
		}
	}
}

func isDescending(gs []Gindex) bool {
	for i := 1; i < len(gs); i++ {
		if gs[i-1].Cmp(gs[i]) <= 0 {
			return false
		}
	}
	return true
}

// TestHelperIndicesAnySet checks HelperIndices against the specs'
// get_helper_indices on random multisets in any order, with duplicates,
// ancestors, the root and gindices of up to 200 bits, whose paths share
// long prefixes (so that they are compared beyond one 64-bit word).
func TestHelperIndicesAnySet(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for range 400 {
		depth := 1 + r.IntN(200)
		base := randGindexAtDepth(r, r.IntN(depth))
		var in []Gindex
		for range 1 + r.IntN(10) {
			var g Gindex
			switch r.IntN(5) {
			case 0: // a random node
				g = randGindexAtDepth(r, r.IntN(depth+1))
			case 1: // a copy or an ancestor of one already there
				if len(in) > 0 {
					h := in[r.IntN(len(in))]
					g = h.Ancestor(r.IntN(h.Depth() + 1))
					break
				}
				fallthrough
			default: // a node under a shared prefix
				g = base.Concat(randGindexAtDepth(r, r.IntN(depth-base.Depth()+1)))
			}
			in = append(in, g)
		}
		got := HelperIndices(in)
		if diff := cmp.Diff(strs(refHelperIndices(bigs(in))), strs(got)); diff != "" {
			t.Fatalf("HelperIndices(%v) vs reference (-want +got)\n%s", strs(in), diff)
		}
	}
}

// TestNewMultiproofOrder checks that NewMultiproof emits the gindices in
// descending order with their leaves, whatever the order it is given, and
// names bad gindices by their position in its argument.
func TestNewMultiproofOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	tr := newTree(r, 5)
	for _, in := range [][]Gindex{gs(9, 14), gs(14, 9), gs(40, 11, 63, 24), gs(2)} {
		m, err := NewMultiproof(in, tr.nodeAt)
		if err != nil {
			t.Fatalf("%v: %v", strs(in), err)
		}
		want := slices.Clone(in)
		sortDesc(want)
		if diff := cmp.Diff(strs(want), strs(m.Gindices)); diff != "" {
			t.Fatalf("NewMultiproof(%v) gindices (-want +got)\n%s", strs(in), diff)
		}
		for i, g := range m.Gindices {
			if leaf, _ := tr.nodeAt(g); m.Leaves[i] != leaf {
				t.Fatalf("NewMultiproof(%v): leaf %d is not the node at %s", strs(in), i, g)
			}
		}
		if err := m.Verify(tr.root()); err != nil {
			t.Fatalf("%v: %v", strs(in), err)
		}
	}
	for _, tc := range []struct {
		in      []Gindex
		want    error
		contain string
	}{
		{gs(9, 14, 9), ErrInvalidGindex, "gindices[0] and gindices[2] are both 9"},
		{gs(14, 2, 9), ErrInvalidGindex, "gindices[1] = 2 is an ancestor of gindices[2] = 9"},
		{[]Gindex{GindexFromUint64(9), {}}, ErrInvalidGindex, "gindices[1]"},
		{gs(9, 1), ErrInvalidGindex, "gindices[1]"},
	} {
		_, err := NewMultiproof(tc.in, tr.nodeAt)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.contain) {
			t.Errorf("NewMultiproof(%v) = %v, want %v containing %q", tc.in, err, tc.want, tc.contain)
		}
	}
}
