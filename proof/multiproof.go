package proof

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"slices"
)

// ErrUnsorted reports multiproof gindices that are not in the canonical
// order: strictly descending (see Multiproof).
var ErrUnsorted = errors.New("multiproof gindices not in descending order")

// Multiproof proves several nodes of one tree at once, as in the consensus
// specs' calculate_multi_merkle_root: Leaves[i] is the node at Gindices[i],
// and Hashes holds the nodes at HelperIndices(Gindices), in that order
// (descending gindex).
//
// Gindices are in one canonical order, strictly descending like the
// helpers. The specs leave their order free (each leaf goes with its
// gindex), but a fixed order makes the encoding of a multiproof unique, so
// that two encodings of the same proof cannot differ: NewMultiproof sorts
// the gindices (with their leaves), and Root, Verify and UnmarshalJSON
// reject any other order with ErrUnsorted.
type Multiproof struct {
	Gindices []Gindex
	Leaves   [][32]byte
	Hashes   [][32]byte
}

// cmpGindex is Gindex.Cmp without allocating: a value held in big is never
// below 2^64, so it is greater than any value held small.
func cmpGindex(a, b Gindex) int {
	switch {
	case a.big != nil && b.big != nil:
		return a.big.Cmp(b.big)
	case a.big != nil:
		return 1
	case b.big != nil:
		return -1
	}
	return cmp.Compare(a.small, b.small)
}

// sortDesc sorts gs in descending order.
func sortDesc(gs []Gindex) {
	slices.SortFunc(gs, func(a, b Gindex) int { return cmpGindex(b, a) })
}

// bitsAt returns n ≤ 64 bits of g from bit lo ≥ 0 up, (g >> lo) mod 2^n,
// without allocating.
func (g Gindex) bitsAt(lo, n int) uint64 {
	var v uint64
	if g.big == nil {
		if lo < 64 {
			v = g.small >> uint(lo)
		}
	} else {
		ws := g.big.Bits()
		for i, shift := lo/bits.UintSize, -(lo % bits.UintSize); i < len(ws) && shift < n; i, shift = i+1, shift+bits.UintSize {
			if w := uint64(ws[i]); shift < 0 {
				v |= w >> uint(-shift)
			} else {
				v |= w << uint(shift)
			}
		}
	}
	if n < 64 {
		v &= 1<<uint(n) - 1
	}
	return v
}

// pathBit returns 1 if the node at depth d on g's path (0 < d ≤ g's depth)
// is a right child.
func pathBit(g Gindex, d int) uint { return g.Bit(g.Depth() - d) }

// commonDepth returns the depth of the deepest common ancestor of a and b,
// looking at most m levels down (m at most both depths): the number of
// leading path bits they share, up to m. It compares 64 bits at a time
// and allocates nothing.
func commonDepth(a, b Gindex, m int) int {
	da, db := a.Depth(), b.Depth()
	for i := 0; i < m; i += 64 {
		n := min(64, m-i)
		if x, y := a.bitsAt(da-i-n, n), b.bitsAt(db-i-n, n); x != y {
			return i + n - bits.Len64(x^y)
		}
	}
	return m
}

// cmpPath orders valid gindices depth-first, left to right, each node
// before its descendants: the order of their paths as bit strings.
func cmpPath(a, b Gindex) int {
	da, db := a.Depth(), b.Depth()
	c := commonDepth(a, b, min(da, db))
	if c == da || c == db {
		return cmp.Compare(da, db)
	}
	return cmp.Compare(pathBit(a, c+1), pathBit(b, c+1))
}

// layout is a set of gindices ≥ 2, none an ancestor of another, in
// depth-first order: the shape of the tree their paths form. Everything a
// multiproof needs follows from it without building that tree: its k paths
// branch at exactly k−1 nodes, the common ancestors of neighbours in this
// order, so their union has pathNodes nodes and needs pathNodes − 2(k−1)
// helpers.
type layout struct {
	gs    []Gindex
	order []int // positions in gs, depth-first
	split []int // split[s]: depth of the common ancestor of order[s] and order[s+1]
}

// newLayout returns the layout of gs[order[0]], gs[order[1]], …, which
// must be in depth-first order.
func newLayout(gs []Gindex, order []int) *layout {
	l := &layout{gs: gs, order: order, split: make([]int, max(len(order)-1, 0))}
	for s := range l.split {
		a, b := gs[order[s]], gs[order[s+1]]
		l.split[s] = commonDepth(a, b, min(a.Depth(), b.Depth()))
	}
	return l
}

// at returns the s-th gindex in depth-first order.
func (l *layout) at(s int) Gindex { return l.gs[l.order[s]] }

// pathNodes returns the number of nodes on the union of the paths, the
// root excluded.
func (l *layout) pathNodes() int {
	n := 0
	for s := range l.order {
		n += l.at(s).Depth()
		if s > 0 {
			n -= l.split[s-1]
		}
	}
	return n
}

// helperCount returns the number of helper nodes. Every node on the union
// of the paths has its sibling on the union too — the two children of
// one of the k−1 branching nodes — or as a helper.
func (l *layout) helperCount() int { return l.pathNodes() - 2*(len(l.order)-1) }

// helperRef names a helper by a path it hangs off: the sibling of the node
// at depth d on the path of the s-th gindex in depth-first order.
type helperRef struct{ s, d int }

// climb computes the root from the leaves, one path after the other in
// depth-first order, with a stack of the subtrees whose right sibling is
// still to come: each path climbs until it reaches the depth below where
// the next one branches off. leaf(s) gives the s-th leaf in that order and
// helper(r) the hash of helper r; helper is called once per helper, in an
// order that depends only on the layout. With a nil leaf nothing is
// hashed: the helpers are only listed.
func (l *layout) climb(leaf func(s int) [32]byte, helper func(r helperRef) [32]byte) [32]byte {
	type pending struct {
		d    int
		node [32]byte
	}
	var stack []pending
	var cur [32]byte
	for s := range l.order {
		g := l.at(s)
		if leaf != nil {
			cur = leaf(s)
		}
		stop := 0 // the last path climbs to the root
		if s < len(l.split) {
			stop = l.split[s] + 1
		}
		d := g.Depth()
		for ; d > stop; d-- {
			var left, right [32]byte
			if n := len(stack); n > 0 && stack[n-1].d == d {
				// The left sibling is on an earlier path.
				left, right = stack[n-1].node, cur
				stack = stack[:n-1]
			} else if h := helper(helperRef{s, d}); pathBit(g, d) == 1 {
				left, right = h, cur
			} else {
				left, right = cur, h
			}
			if leaf != nil {
				cur = hash(left, right)
			}
		}
		if s < len(l.split) {
			stack = append(stack, pending{d, cur})
		}
	}
	return cur
}

// helperRefs lists the helpers in the order climb asks for them.
func (l *layout) helperRefs() []helperRef {
	refs := make([]helperRef, 0, max(l.helperCount(), 0))
	l.climb(nil, func(r helperRef) [32]byte {
		refs = append(refs, r)
		return [32]byte{}
	})
	return refs
}

// cmpHelper compares the gindices of helpers a and b without computing
// them.
func (l *layout) cmpHelper(a, b helperRef) int {
	if a.d != b.d {
		return cmp.Compare(a.d, b.d)
	}
	ga, gb := l.at(a.s), l.at(b.s)
	c := commonDepth(ga, gb, a.d)
	if c == a.d {
		return 0
	}
	x, y := pathBit(ga, c+1), pathBit(gb, c+1)
	if c+1 == a.d { // the helpers are the siblings: their last bits are flipped
		x, y = y, x
	}
	return cmp.Compare(x, y)
}

// helperGindex returns the gindex of helper r.
func (l *layout) helperGindex(r helperRef) Gindex {
	g := l.at(r.s)
	up := g.Depth() - r.d
	if g.big == nil {
		return Gindex{small: g.small>>uint(up) ^ 1}
	}
	v := new(big.Int).Rsh(g.big, uint(up))
	return norm(v.SetBit(v, 0, v.Bit(0)^1))
}

// helperGindices returns the helpers' gindices in descending order.
func (l *layout) helperGindices() []Gindex {
	refs := l.helperRefs()
	out := make([]Gindex, len(refs))
	for i, r := range refs {
		out[i] = l.helperGindex(r)
	}
	sortDesc(out)
	return out
}

// HelperIndices returns the specs' get_helper_indices(gs): the generalized
// indices of the nodes, other than gs and their ancestors, needed to compute
// the root from the nodes at gs — the siblings of every path, minus the paths
// — sorted in descending order. gs may be in any order and may hold
// duplicates and ancestors of one another, which add nothing; indices below
// 2 contribute nothing. The work is that of sorting gs and the helpers: no
// node of the paths is built but the helpers returned.
func HelperIndices(gs []Gindex) []Gindex {
	set := make([]int, 0, len(gs))
	for i, g := range gs {
		if g.Depth() >= 1 {
			set = append(set, i)
		}
	}
	slices.SortFunc(set, func(a, b int) int { return cmpPath(gs[a], gs[b]) })
	// In depth-first order an index that is an ancestor of another, or a
	// copy of it, comes just before one of its descendants (or copies),
	// whose path covers its own.
	keep := set[:0]
	for s, i := range set {
		if s+1 < len(set) {
			g, h := gs[i], gs[set[s+1]]
			if d := g.Depth(); d <= h.Depth() && commonDepth(g, h, d) == d {
				continue
			}
		}
		keep = append(keep, i)
	}
	if len(keep) == 0 {
		return []Gindex{}
	}
	return newLayout(gs, keep).helperGindices()
}

// checkIndices verifies that gs is a non-empty set of gindices ≥ 2 in
// strictly descending order (so without duplicates) with no index an
// ancestor of another, and returns its layout. Errors name gindices by
// their position in gs, or by pos[i] for gs[i] when pos is not nil. The
// work is a sort of gs, comparing 64 path bits at a time, and allocates
// nothing proportional to the gindices' depths.
func checkIndices(gs []Gindex, pos []int) (*layout, error) {
	name := func(i int) int {
		if pos != nil {
			return pos[i]
		}
		return i
	}
	if len(gs) == 0 {
		return nil, fmt.Errorf("%w: no gindices", ErrMalformed)
	}
	for i, g := range gs {
		if err := checkGindex(g); err != nil {
			return nil, fmt.Errorf("gindices[%d]: %w", name(i), err)
		}
	}
	for i := 1; i < len(gs); i++ {
		switch cmpGindex(gs[i-1], gs[i]) {
		case 0:
			return nil, fmt.Errorf("%w: gindices[%d] and gindices[%d] are both %s", ErrInvalidGindex, name(i-1), name(i), gs[i])
		case -1:
			return nil, fmt.Errorf("%w: gindices[%d] = %s is below gindices[%d] = %s",
				ErrUnsorted, name(i-1), gs[i-1], name(i), gs[i])
		}
	}
	order := make([]int, len(gs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmpPath(gs[a], gs[b]) })
	l := newLayout(gs, order)
	for s, c := range l.split {
		// In depth-first order an ancestor comes just before one of its
		// descendants.
		if a := l.at(s); c == a.Depth() {
			return nil, fmt.Errorf("%w: gindices[%d] = %s is an ancestor of gindices[%d] = %s",
				ErrInvalidGindex, name(order[s]), a, name(order[s+1]), l.at(s+1))
		}
	}
	return l, nil
}

// check validates the shape of m and returns its layout: the hash count is
// compared before any helper is listed, so the work is bounded by the size
// of m.
func (m *Multiproof) check() (*layout, error) {
	l, err := checkIndices(m.Gindices, nil)
	if err != nil {
		return nil, err
	}
	if len(m.Leaves) != len(m.Gindices) {
		return nil, fmt.Errorf("%w: %d gindices but %d leaves", ErrMalformed, len(m.Gindices), len(m.Leaves))
	}
	if n := l.helperCount(); len(m.Hashes) != n {
		return nil, fmt.Errorf("%w: gindices need %d helper hashes, got %d", ErrBranchLength, n, len(m.Hashes))
	}
	return l, nil
}

// NewMultiproof builds the multiproof of the nodes at gs, fetching the
// leaves and then the helper hashes through nodeAt. The multiproof lists
// the gindices in the canonical order, descending, each with its leaf,
// whatever their order in gs (which is not modified). It rejects an empty
// set, gindices below 2, duplicates and gindices that are ancestors of
// others, naming them by their position in gs.
func NewMultiproof(gs []Gindex, nodeAt func(Gindex) ([32]byte, error)) (*Multiproof, error) {
	pos := make([]int, len(gs))
	for i := range pos {
		pos[i] = i
	}
	slices.SortStableFunc(pos, func(a, b int) int { return cmpGindex(gs[b], gs[a]) })
	sorted := make([]Gindex, len(gs))
	for i, p := range pos {
		sorted[i] = gs[p]
	}
	l, err := checkIndices(sorted, pos)
	if err != nil {
		return nil, fmt.Errorf("new multiproof: %w", err)
	}
	m := &Multiproof{
		Gindices: sorted,
		Leaves:   make([][32]byte, len(sorted)),
	}
	for i, g := range sorted {
		h, err := nodeAt(g)
		if err != nil {
			return nil, fmt.Errorf("new multiproof: leaf %s: %w", g, err)
		}
		m.Leaves[i] = h
	}
	helpers := l.helperGindices()
	m.Hashes = make([][32]byte, len(helpers))
	for i, g := range helpers {
		h, err := nodeAt(g)
		if err != nil {
			return nil, fmt.Errorf("new multiproof: helper %s: %w", g, err)
		}
		m.Hashes[i] = h
	}
	return m, nil
}

// Root returns the root that m implies, as the specs'
// calculate_multi_merkle_root, after checking m's shape: gindices as for
// NewMultiproof and in descending order, one leaf per gindex and one hash
// per helper index. It keeps no node but those on a stack of pending
// subtrees (at most one per gindex), and allocates a few words per
// gindex and per helper hash.
func (m *Multiproof) Root() ([32]byte, error) {
	l, err := m.check()
	if err != nil {
		return [32]byte{}, fmt.Errorf("multiproof root: %w", err)
	}
	// Hashes are in descending order of the helpers' gindices; climb asks
	// for them in its own order: rank[i] is the position in Hashes of the
	// i-th helper climb asks for.
	refs := l.helperRefs()
	if len(refs) != len(m.Hashes) { // unreachable once check has passed
		return [32]byte{}, fmt.Errorf("multiproof root: %w: %d helpers, %d hashes", ErrMalformed, len(refs), len(m.Hashes))
	}
	byDesc := make([]int, len(refs))
	for i := range byDesc {
		byDesc[i] = i
	}
	slices.SortFunc(byDesc, func(a, b int) int { return l.cmpHelper(refs[b], refs[a]) })
	rank := make([]int, len(refs))
	for p, i := range byDesc {
		rank[i] = p
	}
	next := 0
	root := l.climb(
		func(s int) [32]byte { return m.Leaves[l.order[s]] },
		func(helperRef) [32]byte {
			h := m.Hashes[rank[next]]
			next++
			return h
		})
	return root, nil
}

// Verify checks that m proves its leaves against root, as the specs'
// verify_merkle_multiproof. The error wraps ErrInvalidGindex, ErrUnsorted,
// ErrMalformed, ErrBranchLength or ErrRootMismatch.
func (m *Multiproof) Verify(root [32]byte) error {
	got, err := m.Root()
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if got != root {
		return fmt.Errorf("verify multiproof of %d leaves: %w: proof gives %s, expected %s",
			len(m.Leaves), ErrRootMismatch, FormatHash(got), FormatHash(root))
	}
	return nil
}

// Size returns the number of 32-byte hashes in m, leaves included.
func (m *Multiproof) Size() int { return len(m.Leaves) + len(m.Hashes) }

// multiproofJSON is the wire form of a Multiproof.
type multiproofJSON struct {
	Gindices *[]string `json:"gindices"`
	Leaves   *[]string `json:"leaves"`
	Hashes   *[]string `json:"hashes"`
}

// MarshalJSON encodes m as {"gindices": [decimal strings], "leaves":
// [0x-hex], "hashes": [0x-hex]}. It fails if a gindex is zero.
func (m Multiproof) MarshalJSON() ([]byte, error) {
	gs := make([]string, len(m.Gindices))
	for i, g := range m.Gindices {
		if !g.IsValid() {
			return nil, fmt.Errorf("marshal multiproof: gindices[%d]: %w: zero", i, ErrInvalidGindex)
		}
		gs[i] = g.String()
	}
	leaves, hashes := formatHashes(m.Leaves), formatHashes(m.Hashes)
	return json.Marshal(multiproofJSON{Gindices: &gs, Leaves: &leaves, Hashes: &hashes})
}

// UnmarshalJSON decodes the form written by MarshalJSON. All three keys are
// required and other keys are ignored. Beyond well-formed values, it checks
// what Root checks short of hashing: a valid index set, one leaf per gindex
// and one hash per helper index.
func (m *Multiproof) UnmarshalJSON(b []byte) error {
	var w multiproofJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("unmarshal multiproof: %w: %v", ErrMalformed, err)
	}
	switch {
	case w.Gindices == nil:
		return fmt.Errorf("unmarshal multiproof: %w: missing \"gindices\"", ErrMalformed)
	case w.Leaves == nil:
		return fmt.Errorf("unmarshal multiproof: %w: missing \"leaves\"", ErrMalformed)
	case w.Hashes == nil:
		return fmt.Errorf("unmarshal multiproof: %w: missing \"hashes\"", ErrMalformed)
	}
	gs := make([]Gindex, len(*w.Gindices))
	for i, s := range *w.Gindices {
		g, err := ParseGindex(s)
		if err != nil {
			return fmt.Errorf("unmarshal multiproof: gindices[%d]: %w", i, err)
		}
		gs[i] = g
	}
	leaves, err := parseHashes("leaves", *w.Leaves)
	if err != nil {
		return fmt.Errorf("unmarshal multiproof: %w", err)
	}
	hashes, err := parseHashes("hashes", *w.Hashes)
	if err != nil {
		return fmt.Errorf("unmarshal multiproof: %w", err)
	}
	v := Multiproof{Gindices: gs, Leaves: leaves, Hashes: hashes}
	if _, err := v.check(); err != nil {
		return fmt.Errorf("unmarshal multiproof: %w", err)
	}
	*m = v
	return nil
}
