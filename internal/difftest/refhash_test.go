package difftest

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/beaconproof/beaconproof/ssz"
)

// refHasher is a deliberately plain, spec-literal hash_tree_root over our
// *ssz.Type schemas: recursion per value, no batching, no caching, no fast
// paths. It shares only the schema with the ssz package, so when a peer's
// root differs from ours it tells which side is wrong: refHasher agreeing
// with the peer points at the ssz package's hashing; refHasher agreeing
// with ssz points at the schema or the peer.
type refHasher struct {
	// restFirst selects the EIP-7916 progressive order hash(rest, subtree)
	// instead of hash(subtree, rest).
	restFirst bool
}

var zeroChunks = func() (z [65][32]byte) {
	for i := 1; i < len(z); i++ {
		z[i] = sha256.Sum256(append(z[i-1][:], z[i-1][:]...))
	}
	return
}()

func hashPair(a, b [32]byte) [32]byte { return sha256.Sum256(append(a[:], b[:]...)) }

// merkleize is the specs' merkleize(chunks, limit).
func merkleize(chunks [][32]byte, limit uint64) [32]byte {
	if uint64(len(chunks)) > limit {
		panic("merkleize: more chunks than the limit")
	}
	depth := 0
	if limit > 1 {
		depth = bits.Len64(limit - 1)
	}
	level := append([][32]byte(nil), chunks...)
	for d := 0; d < depth; d++ {
		if len(level)%2 == 1 {
			level = append(level, zeroChunks[d])
		}
		if len(level) == 0 {
			level = [][32]byte{zeroChunks[d+1]}
			continue
		}
		next := make([][32]byte, len(level)/2)
		for i := range next {
			next[i] = hashPair(level[2*i], level[2*i+1])
		}
		level = next
	}
	if len(level) == 0 {
		return zeroChunks[depth]
	}
	return level[0]
}

func (h refHasher) merkleizeProgressive(chunks [][32]byte, numLeaves uint64) [32]byte {
	if len(chunks) == 0 {
		return [32]byte{}
	}
	k := min(numLeaves, uint64(len(chunks)))
	sub := merkleize(chunks[:k], numLeaves)
	rest := h.merkleizeProgressive(chunks[k:], numLeaves*4)
	if h.restFirst {
		return hashPair(rest, sub)
	}
	return hashPair(sub, rest)
}

func pack(b []byte) [][32]byte {
	out := make([][32]byte, (len(b)+31)/32)
	for i := range out {
		copy(out[i][:], b[32*i:])
	}
	return out
}

func mixInLength(r [32]byte, n uint64) [32]byte {
	var c [32]byte
	binary.LittleEndian.PutUint64(c[:], n)
	return hashPair(r, c)
}

// bitlistBits returns a bitlist's length and its bytes without the
// length bit.
func bitlistBits(b []byte) (uint64, []byte) {
	last := b[len(b)-1]
	n := uint64(len(b)-1)*8 + uint64(bits.Len8(last)) - 1
	d := append([]byte(nil), b[:(n+7)/8]...)
	if n%8 != 0 {
		d[len(d)-1] &^= 1 << (n % 8)
	}
	return n, d
}

// elements splits an encoded sequence (vector or list) of elem values.
func elements(elem *ssz.Type, b []byte) [][]byte {
	var out [][]byte
	if elem.IsFixed() {
		es := int(elem.FixedSize())
		for i := 0; i+es <= len(b); i += es {
			out = append(out, b[i:i+es])
		}
		return out
	}
	if len(b) == 0 {
		return nil
	}
	n := int(binary.LittleEndian.Uint32(b)) / 4
	for i := 0; i < n; i++ {
		lo := int(binary.LittleEndian.Uint32(b[4*i:]))
		hi := len(b)
		if i+1 < n {
			hi = int(binary.LittleEndian.Uint32(b[4*i+4:]))
		}
		out = append(out, b[lo:hi])
	}
	return out
}

// fields splits an encoded container into its fields' encodings.
func fields(t *ssz.Type, b []byte) [][]byte {
	out := make([][]byte, len(t.Fields))
	pos := 0
	var varIdx []int
	var offs []int
	for i, f := range t.Fields {
		if f.Type.IsFixed() {
			sz := int(f.Type.FixedSize())
			out[i] = b[pos : pos+sz]
			pos += sz
			continue
		}
		varIdx = append(varIdx, i)
		offs = append(offs, int(binary.LittleEndian.Uint32(b[pos:])))
		pos += 4
	}
	for k, i := range varIdx {
		hi := len(b)
		if k+1 < len(offs) {
			hi = offs[k+1]
		}
		out[i] = b[offs[k]:hi]
	}
	return out
}

// root returns hash_tree_root of the value of type t encoded in b, which
// must be valid (check with ssz.Validate first).
func (h refHasher) root(t *ssz.Type, b []byte) [32]byte {
	switch t.Kind {
	case ssz.KindUint, ssz.KindBool:
		var c [32]byte
		copy(c[:], b)
		return c
	case ssz.KindByteVector:
		return merkleize(pack(b), (t.Size+31)/32)
	case ssz.KindBitvector:
		return merkleize(pack(b), (t.Size+255)/256)
	case ssz.KindByteList:
		return mixInLength(merkleize(pack(b), (t.Limit+31)/32), uint64(len(b)))
	case ssz.KindBitlist:
		n, d := bitlistBits(b)
		return mixInLength(merkleize(pack(d), (t.Limit+255)/256), n)
	case ssz.KindProgressiveBitlist:
		n, d := bitlistBits(b)
		return mixInLength(h.merkleizeProgressive(pack(d), 1), n)
	case ssz.KindVector, ssz.KindList, ssz.KindProgressiveList:
		var chunks [][32]byte
		var limit uint64
		count := uint64(0)
		if t.Elem.IsBasic() {
			chunks = pack(b)
			es := t.Elem.FixedSize()
			count = uint64(len(b)) / es
			n := t.Size
			if t.Kind == ssz.KindList {
				n = t.Limit
			}
			hi, lo := bits.Mul64(n, es)
			if hi != 0 {
				limit = 1 << 63
			} else {
				limit = (lo + 31) / 32
			}
		} else {
			es := elements(t.Elem, b)
			count = uint64(len(es))
			for _, e := range es {
				chunks = append(chunks, h.root(t.Elem, e))
			}
			limit = t.Size
			if t.Kind == ssz.KindList {
				limit = t.Limit
			}
		}
		switch t.Kind {
		case ssz.KindVector:
			return merkleize(chunks, limit)
		case ssz.KindList:
			return mixInLength(merkleize(chunks, limit), count)
		default:
			return mixInLength(h.merkleizeProgressive(chunks, 1), count)
		}
	case ssz.KindContainer:
		var chunks [][32]byte
		for i, fb := range fields(t, b) {
			chunks = append(chunks, h.root(t.Fields[i].Type, fb))
		}
		return merkleize(chunks, uint64(len(chunks)))
	case ssz.KindProgressiveContainer:
		chunks := make([][32]byte, len(t.ActiveFields))
		for i, fb := range fields(t, b) {
			chunks[t.Fields[i].Position] = h.root(t.Fields[i].Type, fb)
		}
		var active [32]byte
		for i, a := range t.ActiveFields {
			if a {
				active[i/8] |= 1 << (i % 8)
			}
		}
		return hashPair(h.merkleizeProgressive(chunks, 1), active)
	}
	panic(fmt.Sprintf("refHasher: kind %v", t.Kind))
}
