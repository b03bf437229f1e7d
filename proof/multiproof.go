package proof

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
)

// Multiproof proves several nodes of one tree at once, as in the consensus
// specs' calculate_multi_merkle_root: Leaves[i] is the node at Gindices[i],
// and Hashes holds the nodes at HelperIndices(Gindices), in that order
// (descending gindex).
type Multiproof struct {
	Gindices []Gindex
	Leaves   [][32]byte
	Hashes   [][32]byte
}

// gkey is a cheap comparable map key for a Gindex: the value itself when it
// fits in 64 bits, otherwise its big-endian bytes.
type gkey struct {
	small uint64
	big   string
}

func (g Gindex) key() gkey {
	if g.big != nil {
		return gkey{big: string(g.big.Bytes())}
	}
	return gkey{small: g.small}
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

// HelperIndices returns the specs' get_helper_indices(gs): the generalized
// indices of the nodes, other than gs and their ancestors, needed to compute
// the root from the nodes at gs — the siblings of every path, minus the paths
// — sorted in descending order. Indices below 2 contribute nothing.
func HelperIndices(gs []Gindex) []Gindex {
	n := 0
	for _, g := range gs {
		n += max(g.Depth(), 0)
	}
	n = min(n, 1<<16) // a size hint only
	onPath := make(map[gkey]struct{}, n)
	for _, g := range gs {
		for n := g; n.Depth() > 0; n = n.Parent() {
			if _, ok := onPath[n.key()]; ok {
				break // the rest of the path is already recorded
			}
			onPath[n.key()] = struct{}{}
		}
	}
	seen := make(map[gkey]struct{}, n)
	out := make([]Gindex, 0, n)
	for _, g := range gs {
		for n := g; n.Depth() > 0; n = n.Parent() {
			s := n.Sibling()
			k := s.key()
			if _, ok := onPath[k]; ok {
				continue
			}
			if _, ok := seen[k]; ok {
				continue
			}
			seen[k] = struct{}{}
			out = append(out, s)
		}
	}
	sortDesc(out)
	return out
}

// checkIndices verifies that gs is a non-empty set of gindices ≥ 2 with no
// duplicates and no index an ancestor of another.
func checkIndices(gs []Gindex) error {
	if len(gs) == 0 {
		return fmt.Errorf("%w: no gindices", ErrMalformed)
	}
	pos := make(map[gkey]int, len(gs))
	for i, g := range gs {
		if err := checkGindex(g); err != nil {
			return fmt.Errorf("gindices[%d]: %w", i, err)
		}
		if j, ok := pos[g.key()]; ok {
			return fmt.Errorf("%w: gindices[%d] and gindices[%d] are both %s", ErrInvalidGindex, j, i, g)
		}
		pos[g.key()] = i
	}
	for i, g := range gs {
		for n := g.Parent(); n.Depth() > 0; n = n.Parent() {
			if j, ok := pos[n.key()]; ok {
				return fmt.Errorf("%w: gindices[%d] = %s is an ancestor of gindices[%d] = %s",
					ErrInvalidGindex, j, n, i, g)
			}
		}
	}
	return nil
}

// check validates the shape of m and returns its helper indices.
func (m *Multiproof) check() ([]Gindex, error) {
	if err := checkIndices(m.Gindices); err != nil {
		return nil, err
	}
	if len(m.Leaves) != len(m.Gindices) {
		return nil, fmt.Errorf("%w: %d gindices but %d leaves", ErrMalformed, len(m.Gindices), len(m.Leaves))
	}
	helpers := HelperIndices(m.Gindices)
	if len(m.Hashes) != len(helpers) {
		return nil, fmt.Errorf("%w: gindices need %d helper hashes, got %d", ErrBranchLength, len(helpers), len(m.Hashes))
	}
	return helpers, nil
}

// NewMultiproof builds the multiproof of the nodes at gs (kept in the given
// order), fetching the leaves and then the helper hashes through nodeAt. It
// rejects an empty set, gindices below 2, duplicates and gindices that are
// ancestors of others.
func NewMultiproof(gs []Gindex, nodeAt func(Gindex) ([32]byte, error)) (*Multiproof, error) {
	if err := checkIndices(gs); err != nil {
		return nil, fmt.Errorf("new multiproof: %w", err)
	}
	m := &Multiproof{
		Gindices: slices.Clone(gs),
		Leaves:   make([][32]byte, len(gs)),
	}
	for i, g := range gs {
		h, err := nodeAt(g)
		if err != nil {
			return nil, fmt.Errorf("new multiproof: leaf %s: %w", g, err)
		}
		m.Leaves[i] = h
	}
	helpers := HelperIndices(gs)
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
// NewMultiproof, one leaf per gindex and one hash per helper index.
func (m *Multiproof) Root() ([32]byte, error) {
	helpers, err := m.check()
	if err != nil {
		return [32]byte{}, fmt.Errorf("multiproof root: %w", err)
	}
	nodes := make(map[gkey][32]byte, len(m.Gindices)+len(helpers))
	// levels[d] lists the known nodes at depth d whose parent is still to
	// be computed.
	maxDepth := 0
	for _, g := range m.Gindices {
		maxDepth = max(maxDepth, g.Depth())
	}
	levels := make([][]Gindex, maxDepth+1)
	add := func(g Gindex, h [32]byte) {
		nodes[g.key()] = h
		levels[g.Depth()] = append(levels[g.Depth()], g)
	}
	for i, g := range m.Gindices {
		add(g, m.Leaves[i])
	}
	for i, g := range helpers {
		add(g, m.Hashes[i])
	}
	for d := maxDepth; d >= 1; d-- {
		for _, g := range levels[d] {
			p := g.Parent()
			if _, ok := nodes[p.key()]; ok {
				continue // computed from g's sibling already
			}
			sib, ok := nodes[g.Sibling().key()]
			if !ok { // unreachable once check has passed
				return [32]byte{}, fmt.Errorf("multiproof root: %w: no node for %s", ErrMalformed, g.Sibling())
			}
			if g.IsRight() {
				add(p, hash(sib, nodes[g.key()]))
			} else {
				add(p, hash(nodes[g.key()], sib))
			}
		}
		levels[d] = nil
	}
	root, ok := nodes[Root.key()]
	if !ok { // unreachable once check has passed
		return [32]byte{}, fmt.Errorf("multiproof root: %w: root not reached", ErrMalformed)
	}
	return root, nil
}

// Verify checks that m proves its leaves against root, as the specs'
// verify_merkle_multiproof. The error wraps ErrInvalidGindex, ErrMalformed,
// ErrBranchLength or ErrRootMismatch.
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
