package bench

import (
	"encoding/binary"
	"fmt"
	"math/bits"

	"github.com/beaconproof/beaconproof/ssz"
)

// CountHashes returns how many 64-byte SHA-256 hashes computing the hash
// tree root of the value b of type t takes at least: one per inner node of
// every Merkle tree in the value that is not the root of an all-zero
// subtree (those are precomputed constants), plus the length mix-ins of
// lists and the active_fields mix-ins of progressive containers. It counts
// from the schema and the value's actual list lengths; b must be valid.
//
// Each such hash is two SHA-256 compressions: the 64-byte message block and
// the padding block. gohashtree (like every SSZ hasher) precomputes the
// padding block's message schedule but still runs its 64 rounds, so a hash
// costs two compressions there too; the lower bound divides the count by
// gohashtree's measured rate in hashes per second, which holds both.
func CountHashes(t *ssz.Type, b []byte) (uint64, error) {
	c := counter{fixed: map[*ssz.Type]uint64{}}
	return c.count(t, b)
}

type counter struct {
	fixed map[*ssz.Type]uint64 // hashes of one value of a fixed-size type
}

// treeHashes returns the hashes of a chunk tree of n chunks padded to
// depth: one per node above the chunks that covers at least one chunk.
func treeHashes(n uint64, depth int) uint64 {
	if n == 0 {
		return 0
	}
	var h uint64
	top := 0
	for c := n; c > 1; top++ {
		c = (c + 1) / 2
		h += c
	}
	if depth > top {
		h += uint64(depth - top)
	}
	return h
}

// progressiveHashes returns the hashes of an EIP-7916 progressive tree of n
// chunks: subtree j holds up to 4^j chunks at depth 2j, and each subtree's
// root is hashed with the rest of the tree.
func progressiveHashes(n uint64) uint64 {
	var h uint64
	var start uint64
	for j := 0; start < n; j++ {
		size := uint64(1) << (2 * j)
		h += treeHashes(min(size, n-start), 2*j) + 1
		start += size
	}
	return h
}

func ceilLog2(n uint64) int {
	if n <= 1 {
		return 0
	}
	return bits.Len64(n - 1)
}

// chunksOf returns (bytes+31)/32 without overflow.
func chunksOf(count, size uint64) uint64 {
	hi, lo := bits.Mul64(count, size)
	if hi != 0 || lo > ^uint64(0)-31 {
		return 1 << 63
	}
	return (lo + 31) / 32
}

func isPackedKind(t *ssz.Type) bool {
	switch t.Kind {
	case ssz.KindByteVector, ssz.KindByteList, ssz.KindBitvector, ssz.KindBitlist, ssz.KindProgressiveBitlist:
		return true
	case ssz.KindVector, ssz.KindList, ssz.KindProgressiveList:
		return t.Elem.IsBasic()
	}
	return false
}

func (c *counter) count(t *ssz.Type, b []byte) (uint64, error) {
	if t.IsBasic() {
		return 0, nil
	}
	if t.IsFixed() {
		if h, ok := c.fixed[t]; ok {
			return h, nil
		}
	}
	h, err := c.countValue(t, b)
	if err == nil && t.IsFixed() {
		c.fixed[t] = h
	}
	return h, err
}

func (c *counter) countValue(t *ssz.Type, b []byte) (uint64, error) {
	if isPackedKind(t) {
		return packedHashes(t, b)
	}
	switch t.Kind {
	case ssz.KindVector, ssz.KindList, ssz.KindProgressiveList:
		n, elems, err := c.elements(t, b)
		if err != nil {
			return 0, err
		}
		switch t.Kind {
		case ssz.KindVector:
			return treeHashes(n, ceilLog2(t.Size)) + elems, nil
		case ssz.KindList:
			return treeHashes(n, ceilLog2(t.Limit)) + 1 + elems, nil
		default:
			return progressiveHashes(n) + 1 + elems, nil
		}
	case ssz.KindContainer, ssz.KindProgressiveContainer:
		spans, err := containerSpans(t, b)
		if err != nil {
			return 0, err
		}
		var h uint64
		for i, f := range t.Fields {
			fh, err := c.count(f.Type, b[spans[i][0]:spans[i][1]])
			if err != nil {
				return 0, fmt.Errorf("%s.%s: %w", t.Name, f.Name, err)
			}
			h += fh
		}
		if t.Kind == ssz.KindContainer {
			return h + treeHashes(uint64(len(t.Fields)), ceilLog2(uint64(len(t.Fields)))), nil
		}
		return h + progressiveHashes(uint64(len(t.ActiveFields))) + 1, nil
	}
	return 0, fmt.Errorf("bench: cannot count hashes of %s", t.Kind)
}

// packedHashes counts a value whose chunks are its bytes.
func packedHashes(t *ssz.Type, b []byte) (uint64, error) {
	switch t.Kind {
	case ssz.KindByteVector:
		return treeHashes(chunksOf(t.Size, 1), ceilLog2(chunksOf(t.Size, 1))), nil
	case ssz.KindBitvector:
		n := (t.Size + 255) / 256
		return treeHashes(n, ceilLog2(n)), nil
	case ssz.KindByteList:
		return treeHashes(chunksOf(uint64(len(b)), 1), ceilLog2(chunksOf(t.Limit, 1))) + 1, nil
	case ssz.KindBitlist, ssz.KindProgressiveBitlist:
		nbits, err := bitlistLen(b)
		if err != nil {
			return 0, err
		}
		n := (nbits + 255) / 256
		if t.Kind == ssz.KindBitlist {
			return treeHashes(n, ceilLog2((t.Limit+255)/256)) + 1, nil
		}
		return progressiveHashes(n) + 1, nil
	case ssz.KindVector:
		n := chunksOf(t.Size, t.Elem.FixedSize())
		return treeHashes(n, ceilLog2(n)), nil
	case ssz.KindList:
		return treeHashes(chunksOf(uint64(len(b)), 1), ceilLog2(chunksOf(t.Limit, t.Elem.FixedSize()))) + 1, nil
	case ssz.KindProgressiveList:
		return progressiveHashes(chunksOf(uint64(len(b)), 1)) + 1, nil
	}
	return 0, fmt.Errorf("bench: %s is not packed", t.Kind)
}

// bitlistLen returns the number of bits of an encoded bitlist.
func bitlistLen(b []byte) (uint64, error) {
	if len(b) == 0 || b[len(b)-1] == 0 {
		return 0, fmt.Errorf("bench: bitlist without delimiter bit")
	}
	return uint64(len(b)-1)*8 + uint64(bits.Len8(b[len(b)-1])) - 1, nil
}

// elements returns the number of elements of a sequence of composite
// elements and the hashes of all of them.
func (c *counter) elements(t *ssz.Type, b []byte) (uint64, uint64, error) {
	e := t.Elem
	if e.IsFixed() {
		es := e.FixedSize()
		n := uint64(len(b)) / es
		if n == 0 {
			return 0, 0, nil
		}
		h, err := c.count(e, b[:es])
		return n, h * n, err
	}
	var n uint64
	if len(b) > 0 {
		if len(b) < 4 {
			return 0, 0, fmt.Errorf("bench: %s: %d bytes", t.Name, len(b))
		}
		n = uint64(binary.LittleEndian.Uint32(b)) / 4
	}
	if t.Kind == ssz.KindVector && n != t.Size {
		return 0, 0, fmt.Errorf("bench: %s: %d elements", t.Name, n)
	}
	var h uint64
	for i := uint64(0); i < n; i++ {
		lo := int(binary.LittleEndian.Uint32(b[4*i:]))
		hi := len(b)
		if i+1 < n {
			hi = int(binary.LittleEndian.Uint32(b[4*(i+1):]))
		}
		if lo > hi || hi > len(b) {
			return 0, 0, fmt.Errorf("bench: %s[%d]: bad offsets", t.Name, i)
		}
		eh, err := c.count(e, b[lo:hi])
		if err != nil {
			return 0, 0, err
		}
		h += eh
	}
	return n, h, nil
}

// containerSpans returns the byte range of each field of a container value.
func containerSpans(t *ssz.Type, b []byte) ([][2]int, error) {
	spans := make([][2]int, len(t.Fields))
	pos := 0
	var vars []int
	for i, f := range t.Fields {
		if f.Type.IsFixed() {
			sz := int(f.Type.FixedSize())
			spans[i] = [2]int{pos, pos + sz}
			pos += sz
			continue
		}
		if pos+4 > len(b) {
			return nil, fmt.Errorf("bench: %s: value too short", t.Name)
		}
		spans[i][0] = int(binary.LittleEndian.Uint32(b[pos:]))
		vars = append(vars, i)
		pos += 4
	}
	if pos > len(b) {
		return nil, fmt.Errorf("bench: %s: value too short", t.Name)
	}
	for k, i := range vars {
		end := len(b)
		if k+1 < len(vars) {
			end = spans[vars[k+1]][0]
		}
		if spans[i][0] < pos || spans[i][0] > end || end > len(b) {
			return nil, fmt.Errorf("bench: %s.%s: bad offset", t.Name, t.Fields[i].Name)
		}
		spans[i][1] = end
	}
	return spans, nil
}
