package proof

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"math/rand/v2"
)

// tree is a full in-memory Merkle tree of the given depth.
type tree struct {
	depth int
	nodes map[uint64][32]byte
}

func newTree(r *rand.Rand, depth int) *tree {
	t := &tree{depth: depth, nodes: make(map[uint64][32]byte)}
	first := uint64(1) << depth
	for g := first; g < 2*first; g++ {
		var h [32]byte
		for i := range h {
			h[i] = byte(r.Uint32())
		}
		t.nodes[g] = h
	}
	for g := first - 1; g >= 1; g-- {
		t.nodes[g] = refHash(t.nodes[2*g], t.nodes[2*g+1])
	}
	return t
}

func (t *tree) root() [32]byte { return t.nodes[1] }

func (t *tree) nodeAt(g Gindex) ([32]byte, error) {
	v, ok := g.Uint64()
	if !ok {
		return [32]byte{}, fmt.Errorf("gindex %s outside the tree", g)
	}
	h, ok := t.nodes[v]
	if !ok {
		return [32]byte{}, fmt.Errorf("gindex %s outside the tree", g)
	}
	return h, nil
}

// refHash is SHA-256(a ‖ b) written independently of hash.
func refHash(a, b [32]byte) [32]byte {
	return sha256.Sum256(append(append([]byte{}, a[:]...), b[:]...))
}

// sparseTree is a Merkle tree of any depth whose leaves are zero except a
// few; it computes nodes lazily with zero hashes for empty subtrees.
type sparseTree struct {
	depth  int
	leaves map[string][32]byte // keyed by decimal gindex
	memo   map[string][32]byte
	zero   [][32]byte // zero[i] is the root of an empty subtree of depth i
}

func newSparseTree(depth int) *sparseTree {
	s := &sparseTree{depth: depth, leaves: map[string][32]byte{}, memo: map[string][32]byte{}}
	s.zero = make([][32]byte, depth+1)
	for i := 1; i <= depth; i++ {
		s.zero[i] = refHash(s.zero[i-1], s.zero[i-1])
	}
	return s
}

func (s *sparseTree) set(g Gindex, h [32]byte) {
	if g.Depth() != s.depth {
		panic("leaf at wrong depth")
	}
	s.leaves[g.String()] = h
	s.memo = map[string][32]byte{}
}

func (s *sparseTree) nodeAt(g Gindex) ([32]byte, error) {
	d := g.Depth()
	if d < 0 || d > s.depth {
		return [32]byte{}, fmt.Errorf("gindex %s outside the tree", g)
	}
	if h, ok := s.memo[g.String()]; ok {
		return h, nil
	}
	var h [32]byte
	switch {
	case d == s.depth:
		h = s.leaves[g.String()]
	case !s.hasLeafUnder(g):
		h = s.zero[s.depth-d]
	default:
		l, _ := s.nodeAt(g.Left())
		r, _ := s.nodeAt(g.Right())
		h = refHash(l, r)
	}
	s.memo[g.String()] = h
	return h, nil
}

func (s *sparseTree) hasLeafUnder(g Gindex) bool {
	for k := range s.leaves {
		l, err := ParseGindex(k)
		if err != nil {
			panic(err)
		}
		if g.IsAncestorOf(l) {
			return true
		}
	}
	return false
}

func (s *sparseTree) root() [32]byte {
	h, _ := s.nodeAt(Root)
	return h
}

func randHash(r *rand.Rand) [32]byte {
	var h [32]byte
	for i := range h {
		h[i] = byte(r.Uint32())
	}
	return h
}

// randGindexAtDepth returns a uniformly random gindex of depth d.
func randGindexAtDepth(r *rand.Rand, d int) Gindex {
	v := big.NewInt(1)
	for range d {
		v.Lsh(v, 1)
		if r.IntN(2) == 1 {
			v.SetBit(v, 0, 1)
		}
	}
	g, err := GindexFromBig(v)
	if err != nil {
		panic(err)
	}
	return g
}

// flipBit returns g with bit i flipped and whether the result is valid.
func flipBit(g Gindex, i int) (Gindex, bool) {
	v := g.Big()
	v.SetBit(v, i, v.Bit(i)^1)
	f, err := GindexFromBig(v)
	return f, err == nil
}

func gs(vs ...uint64) []Gindex {
	out := make([]Gindex, len(vs))
	for i, v := range vs {
		out[i] = GindexFromUint64(v)
	}
	return out
}
