package difftest

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"

	"github.com/beaconproof/beaconproof/ssz"
)

// schemaGen makes random, well-formed SSZ encodings of values of an
// *ssz.Type. It knows nothing of the peer libraries: what it makes is what
// this module's schema says a value looks like, so a peer that cannot decode
// it (or re-encodes it differently) has found a schema of the wrong shape.
type schemaGen struct {
	r *rand.Rand
}

func newSchemaGen(seed uint64) *schemaGen {
	return &schemaGen{r: rand.New(rand.NewPCG(seed, 0x5eed_d1ff))}
}

// value returns the encoding of a random value of t.
func (g *schemaGen) value(t *ssz.Type) []byte { return g.gen(nil, t, 0) }

// gen appends a random value of t to dst. depth counts the lists entered,
// so that nested lists stay short.
func (g *schemaGen) gen(dst []byte, t *ssz.Type, depth int) []byte {
	switch t.Kind {
	case ssz.KindUint, ssz.KindByteVector:
		return g.randBytes(dst, int(t.FixedSize()))
	case ssz.KindBool:
		return append(dst, byte(g.r.IntN(2)))
	case ssz.KindBitvector:
		dst = g.randBytes(dst, int(t.FixedSize()))
		if r := t.Size % 8; r != 0 {
			dst[len(dst)-1] &= byte(1)<<r - 1
		}
		return dst
	case ssz.KindByteList:
		return g.randBytes(dst, g.length(min(t.Limit, 100)))
	case ssz.KindBitlist, ssz.KindProgressiveBitlist:
		limit := uint64(300)
		if t.Kind == ssz.KindBitlist {
			limit = min(limit, t.Limit)
		}
		n := g.length(limit)
		return appendBitlist(dst, g.r, n)
	case ssz.KindVector:
		if freeBytes(t) {
			return g.randBytes(dst, int(t.FixedSize()))
		}
		for i := uint64(0); i < t.Size; i++ {
			dst = g.gen(dst, t.Elem, depth)
		}
		return dst
	case ssz.KindList, ssz.KindProgressiveList:
		limit := ^uint64(0)
		if t.Kind == ssz.KindList {
			limit = t.Limit
		}
		n := g.length(min(limit, g.listCap(t, depth)))
		if freeBytes(t.Elem) {
			return g.randBytes(dst, n*int(t.Elem.FixedSize()))
		}
		return g.sequence(dst, t.Elem, n, depth+1)
	case ssz.KindContainer, ssz.KindProgressiveContainer:
		return g.container(dst, t, depth)
	}
	panic(fmt.Sprintf("schemaGen: kind %v of %s", t.Kind, t.Name))
}

// listCap is the largest length gen picks for a list of type t: a few
// dozen small fixed-size elements (validators, balances, pending deposits),
// a handful of larger ones, and for progressive lists now and then enough to
// fill several of their subtrees (1, 4, 16, 64 chunks).
func (g *schemaGen) listCap(t *ssz.Type, depth int) uint64 {
	e := t.Elem
	progressive := t.Kind == ssz.KindProgressiveList
	switch {
	case e.IsBasic():
		chunks := uint64(12)
		if progressive && g.r.IntN(3) == 0 {
			chunks = 90
		}
		return chunks * 32 / e.FixedSize()
	case depth > 0:
		return 4
	case e.IsFixed() && e.FixedSize() <= 256:
		if progressive && g.r.IntN(3) == 0 {
			return 90
		}
		return 40
	default:
		if progressive && g.r.IntN(3) == 0 {
			return 23
		}
		return 5
	}
}

// length picks a length in [0, limit], favouring the ends.
func (g *schemaGen) length(limit uint64) int {
	switch g.r.IntN(8) {
	case 0:
		return 0
	case 1:
		return int(limit)
	default:
		return int(g.r.Uint64N(limit + 1))
	}
}

// sequence appends n elements of type elem, with offsets when elem is
// variable-size.
func (g *schemaGen) sequence(dst []byte, elem *ssz.Type, n, depth int) []byte {
	if elem.IsFixed() {
		for i := 0; i < n; i++ {
			dst = g.gen(dst, elem, depth)
		}
		return dst
	}
	start := len(dst)
	dst = append(dst, make([]byte, 4*n)...)
	for i := 0; i < n; i++ {
		binary.LittleEndian.PutUint32(dst[start+4*i:], uint32(len(dst)-start))
		dst = g.gen(dst, elem, depth)
	}
	return dst
}

func (g *schemaGen) container(dst []byte, t *ssz.Type, depth int) []byte {
	start := len(dst)
	var offsets []int // positions of the offsets of the variable fields
	for _, f := range t.Fields {
		if f.Type.IsFixed() {
			dst = g.gen(dst, f.Type, depth)
			continue
		}
		offsets = append(offsets, len(dst))
		dst = append(dst, 0, 0, 0, 0)
	}
	k := 0
	for _, f := range t.Fields {
		if f.Type.IsFixed() {
			continue
		}
		binary.LittleEndian.PutUint32(dst[offsets[k]:], uint32(len(dst)-start))
		k++
		dst = g.gen(dst, f.Type, depth)
	}
	return dst
}

func (g *schemaGen) randBytes(dst []byte, n int) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, n)...)
	fillRandom(g.r, dst[start:])
	return dst
}

// fillRandom fills b with random bytes.
func fillRandom(r *rand.Rand, b []byte) {
	for len(b) >= 8 {
		binary.LittleEndian.PutUint64(b, r.Uint64())
		b = b[8:]
	}
	for i := range b {
		b[i] = byte(r.Uint32())
	}
}

// appendBitlist appends a random bitlist of n bits with its length bit.
func appendBitlist(dst []byte, r *rand.Rand, n int) []byte {
	start := len(dst)
	dst = append(dst, make([]byte, n/8+1)...)
	b := dst[start:]
	fillRandom(r, b)
	b[len(b)-1] &= byte(1)<<(n%8) - 1
	b[len(b)-1] |= byte(1) << (n % 8)
	return dst
}

// freeBytes reports whether every byte pattern of t's size is a valid value
// of t (uints, byte vectors and fixed vectors and containers of them), so
// that a value can be made as one run of random bytes.
func freeBytes(t *ssz.Type) bool {
	switch t.Kind {
	case ssz.KindUint, ssz.KindByteVector:
		return true
	case ssz.KindVector:
		return freeBytes(t.Elem)
	case ssz.KindBitvector:
		return t.Size%8 == 0
	case ssz.KindContainer:
		if !t.IsFixed() {
			return false
		}
		for _, f := range t.Fields {
			if !freeBytes(f.Type) {
				return false
			}
		}
		return true
	}
	return false
}
