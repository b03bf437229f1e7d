package ssz

import (
	"crypto/sha256"
	"encoding/binary"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/prysmaticlabs/gohashtree"
)

// maxDepth bounds the depth of any chunk tree: a limit of 2^64 chunks.
const maxDepth = 64

// zeroHashes[d] is the root of a tree of depth d whose leaves are all zero.
var zeroHashes [maxDepth + 2][32]byte

func init() {
	for d := 1; d < len(zeroHashes); d++ {
		zeroHashes[d] = sha256.Sum256(append(zeroHashes[d-1][:], zeroHashes[d-1][:]...))
	}
}

// ZeroHash returns the root of a depth-d tree of zero chunks.
func ZeroHash(d int) [32]byte { return zeroHashes[d] }

// hash2 returns SHA-256(a || b).
func hash2(a, b [32]byte) [32]byte {
	// The hasher's slices escape; a pooled triple keeps this allocation-free.
	p := pairPool.Get().(*[3][32]byte)
	p[0], p[1] = a, b
	gohashtree.HashChunks(p[2:3], p[0:2])
	out := p[2]
	pairPool.Put(p)
	return out
}

var pairPool = sync.Pool{New: func() any { return new([3][32]byte) }}

// hashLevel hashes consecutive pairs of 32-byte nodes of src into dst, which
// must hold len(src)/2 bytes; len(src) must be a multiple of 64. Large levels
// are split across cores.
func hashLevel(dst, src []byte) {
	n := len(src) / 64
	if n == 0 {
		return
	}
	workers := runtime.GOMAXPROCS(0)
	if n < 1<<14 || workers < 2 {
		hashPairs(dst, src)
		return
	}
	per := (n + workers - 1) / workers
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		lo, hi := w*per, min((w+1)*per, n)
		if lo >= hi {
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			hashPairs(dst[lo*32:hi*32], src[lo*64:hi*64])
		}()
	}
	wg.Wait()
}

// hashTwoLevels hashes level d of a tree (src, one 32-byte node after
// another) two levels up into dst, which must hold ceil(ceil(n/2)/2) nodes
// for the n nodes of src. Odd counts are padded with the zero hashes of
// their level. Level d+1 is never stored whole: blocks of src go through a
// small scratch buffer, on all cores when src is large.
func hashTwoLevels(dst, src []byte, d int) {
	n := len(src) / 32
	const blk = 1 << 12 // nodes of level d per block: a multiple of 4
	_ = forEach((n+blk-1)/blk, func(k int) error {
		ss := getBuf(blk / 2 * 32)
		defer putBuf(ss)
		lo, hi := k*blk, min((k+1)*blk, n)
		mid := hashUp(ss.b, src[lo*32:hi*32], d)
		hashUp(dst[lo/4*32:], mid, d+1)
		return nil
	})
}

// forEach calls fn(k) for every k in [0, n), on all cores when n > 1, each
// worker taking the next k as it finishes one. After an error no new k is
// started; the error returned is the first one seen.
func forEach(n int, fn func(k int) error) error {
	workers := min(runtime.GOMAXPROCS(0), n)
	if workers <= 1 {
		for k := 0; k < n; k++ {
			if err := fn(k); err != nil {
				return err
			}
		}
		return nil
	}
	var next atomic.Int64
	var failed atomic.Bool
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				if err := fn(k); err != nil {
					once.Do(func() { firstErr = err })
					failed.Store(true)
					return
				}
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// hashUp hashes the nodes of src (of level d) in pairs into dst, padding an
// odd count with the zero hash of level d, and returns the part of dst
// written.
func hashUp(dst, src []byte, d int) []byte {
	m := len(src) / 32
	even := m &^ 1
	if even > 0 {
		hashPairs(dst[:even*16], src[:even*32])
	}
	if m%2 == 1 {
		var pair [64]byte
		copy(pair[:32], src[even*32:])
		copy(pair[32:], zeroHashes[d][:])
		hashPairs(dst[even*16:even*16+32], pair[:])
	}
	return dst[:(m+1)/2*32]
}

func hashPairs(dst, src []byte) {
	if len(src) == 64 {
		s := sha256.Sum256(src)
		copy(dst, s[:])
		return
	}
	if err := gohashtree.HashByteSlice(dst, src); err != nil {
		// Only possible for lengths that are not multiples of 64, which
		// callers never pass.
		panic("ssz: " + err.Error())
	}
}

// ceilLog2 returns the smallest d with 2^d >= n (0 for n <= 1).
func ceilLog2(n uint64) int {
	if n <= 1 {
		return 0
	}
	return bits.Len64(n - 1)
}

// merkleizeInPlace hashes buf, which holds a whole number of trees of
// 2^depth chunks each, level by level, and returns a slice holding the
// trees' roots (one 32-byte root per tree). scratch must be at least half
// the size of buf; buf and scratch are used alternately.
func merkleizeInPlace(buf, scratch []byte, depth int) []byte {
	src := buf
	for d := 0; d < depth; d++ {
		dst := scratch[:len(src)/2]
		if d%2 == 1 {
			dst = buf[:len(src)/2]
		}
		hashLevel(dst, src)
		src = dst
	}
	return src
}

// merkleizeChunks returns the root of a depth-`depth` tree over the given
// chunks (padded with zero chunks). It does not modify chunks.
func merkleizeChunks(chunks []byte, depth int) [32]byte {
	var out [32]byte
	if len(chunks) == 0 {
		return zeroHashes[depth]
	}
	cur := chunks
	d := 0
	for ; len(cur) > 32; d++ {
		if (len(cur)/32)%2 == 1 {
			padded := make([]byte, len(cur)+32)
			copy(padded, cur)
			copy(padded[len(cur):], zeroHashes[d][:])
			cur = padded
		}
		next := make([]byte, len(cur)/2)
		hashLevel(next, cur)
		cur = next
	}
	copy(out[:], cur)
	for ; d < depth; d++ {
		out = hash2(out, zeroHashes[d])
	}
	return out
}

// mixIn returns hash(root, uint256(n)): the list length mix-in.
func mixIn(root [32]byte, n uint64) [32]byte {
	var c [32]byte
	binary.LittleEndian.PutUint64(c[:], n)
	return hash2(root, c)
}

// activeFieldsChunk packs a ProgressiveContainer's active_fields bits.
func activeFieldsChunk(active []bool) [32]byte {
	var c [32]byte
	for i, a := range active {
		if a {
			c[i/8] |= 1 << (i % 8)
		}
	}
	return c
}

// ceilDiv returns a/b rounded up, without overflow.
func ceilDiv(a, b uint64) uint64 { return a/b + min(a%b, 1) }

// chunkLimit returns how many chunks the type's Merkle tree has at most
// (its chunk limit), for the kinds with a fixed tree shape.
func chunkLimit(t *Type) uint64 {
	switch t.Kind {
	case KindUint, KindBool:
		return 1
	case KindByteVector:
		return ceilDiv(t.Size, 32)
	case KindByteList:
		return ceilDiv(t.Limit, 32)
	case KindBitvector:
		return ceilDiv(t.Size, 256)
	case KindBitlist:
		return ceilDiv(t.Limit, 256)
	case KindVector:
		if t.Elem.IsBasic() {
			return ceilDiv(t.Size, 32/t.Elem.fixedSize)
		}
		return t.Size
	case KindList:
		if t.Elem.IsBasic() {
			return ceilDiv(t.Limit, 32/t.Elem.fixedSize)
		}
		return t.Limit
	case KindContainer:
		return uint64(len(t.Fields))
	}
	return 0
}

// isPacked reports whether t's chunks are its bytes (basic sequences, byte
// and bit vectors and lists) rather than roots of members.
func isPacked(t *Type) bool {
	switch t.Kind {
	case KindByteVector, KindByteList, KindBitvector, KindBitlist, KindProgressiveBitlist:
		return true
	case KindVector, KindList, KindProgressiveList:
		return t.Elem.IsBasic()
	}
	return false
}

// fixedRoots writes the hash tree roots of n consecutive encoded values of
// the fixed-size type t (b holds n*t.FixedSize() bytes) to out (n*32 bytes).
// Values are hashed together level by level, so that SHA-256 runs over long
// batches. b must be valid.
func fixedRoots(t *Type, b []byte, n int, out []byte) {
	switch {
	case t.IsBasic():
		copyChunks(b, int(t.fixedSize), n, out)
		return
	case isPacked(t):
		packedRoots(t, b, n, out)
		return
	case t.Kind == KindProgressiveContainer:
		progressiveContainerRoots(t, b, n, out)
		return
	}
	// Containers and vectors of composite elements: gather member roots
	// into one matrix of n trees, then hash the trees together.
	members := len(t.Fields)
	if t.Kind == KindVector {
		members = int(t.Size)
	}
	depth := ceilLog2(uint64(members))
	w := 32 << depth
	bs := getBuf(n * w)
	defer putBuf(bs)
	buf := bs.b
	clear(buf)
	if t.Kind == KindVector {
		gatherElemRoots(t, b, n, members, buf, w)
	} else {
		gatherFieldRoots(t, b, n, buf, w)
	}
	ss := getBuf(len(buf) / 2)
	defer putBuf(ss)
	copy(out, merkleizeInPlace(buf, ss.b, depth))
}

// copyChunks writes n values of size bytes (at most 32) each into its own
// zero-padded chunk of out.
func copyChunks(b []byte, size, n int, out []byte) {
	clear(out[:n*32])
	for i := 0; i < n; i++ {
		copy(out[i*32:], b[i*size:(i+1)*size])
	}
}

// packedRoots writes the roots of n values of a fixed-size packed type
// (a byte vector, a bitvector, a vector of basic values).
func packedRoots(t *Type, b []byte, n int, out []byte) {
	size := int(t.fixedSize)
	depth := ceilLog2(uint64((size + 31) / 32))
	if depth == 0 {
		copyChunks(b, size, n, out)
		return
	}
	w := 32 << depth
	bs := getBuf(n * w)
	defer putBuf(bs)
	buf := bs.b
	clear(buf)
	for i := 0; i < n; i++ {
		copy(buf[i*w:], b[i*size:(i+1)*size])
	}
	ss := getBuf(len(buf) / 2)
	defer putBuf(ss)
	copy(out, merkleizeInPlace(buf, ss.b, depth))
}

// gatherElemRoots writes the element roots of n vectors of members
// composite elements into the rows (w bytes each) of buf.
func gatherElemRoots(t *Type, b []byte, n, members int, buf []byte, w int) {
	cs := getBuf(n * members * 32)
	defer putBuf(cs)
	col := cs.b
	fixedRoots(t.Elem, b, n*members, col)
	for i := 0; i < n; i++ {
		copy(buf[i*w:], col[i*members*32:(i+1)*members*32])
	}
}

// gatherFieldRoots writes the field roots of n containers into the rows
// (w bytes each, zeroed) of buf, one field of all n at a time.
func gatherFieldRoots(t *Type, b []byte, n int, buf []byte, w int) {
	size := int(t.fixedSize)
	var cs, gs *scratchBuf
	off := 0
	for j, f := range t.Fields {
		fs := int(f.Type.fixedSize)
		if f.Type.IsBasic() || (isPacked(f.Type) && fs <= 32) {
			// A field of one chunk is its own root: copy it in place
			// (buf is zeroed, which pads it).
			for i := 0; i < n; i++ {
				copy(buf[i*w+j*32:], b[i*size+off:i*size+off+fs])
			}
			off += fs
			continue
		}
		if cs == nil {
			cs, gs = getBuf(n*32), getBuf(n*fs)
			defer putBuf(cs)
			defer putBuf(gs)
		}
		if cap(gs.b) < n*fs {
			gs.b = make([]byte, n*fs)
		}
		g, col := gs.b[:n*fs], cs.b
		for i := 0; i < n; i++ {
			copy(g[i*fs:], b[i*size+off:i*size+off+fs])
		}
		fixedRoots(f.Type, g, n, col)
		for i := 0; i < n; i++ {
			copy(buf[i*w+j*32:], col[i*32:(i+1)*32])
		}
		off += fs
	}
}

// bufPool recycles the scratch buffers of fixedRoots, which hashes big
// lists in blocks of thousands of values, and a few values at a time for
// each proof.
var bufPool = sync.Pool{New: func() any { return new(scratchBuf) }}

// scratchBuf is a pooled buffer; the pool holds the struct, so that
// getting and putting one allocates nothing.
type scratchBuf struct{ b []byte }

// getBuf returns a pooled buffer whose b holds n bytes with arbitrary
// contents. Give it back with putBuf.
func getBuf(n int) *scratchBuf {
	s := bufPool.Get().(*scratchBuf)
	if cap(s.b) < n {
		s.b = make([]byte, n)
	}
	s.b = s.b[:n]
	return s
}

// putBuf returns a buffer to the pool.
func putBuf(s *scratchBuf) { bufPool.Put(s) }

// progressiveContainerRoots is fixedRoots for a fixed-size
// ProgressiveContainer: field roots at their active positions, merkleized
// progressively, mixed with the active_fields chunk.
func progressiveContainerRoots(t *Type, b []byte, n int, out []byte) {
	size := int(t.fixedSize)
	positions := len(t.ActiveFields)
	chunks := make([]byte, positions*32)
	var r [32]byte
	for i := 0; i < n; i++ {
		clear(chunks)
		off := 0
		e := b[i*size : (i+1)*size]
		for _, f := range t.Fields {
			fs := int(f.Type.fixedSize)
			fixedRoots(f.Type, e[off:off+fs], 1, r[:])
			copy(chunks[f.Position*32:], r[:])
			off += fs
		}
		root := hash2(progressiveRoot(chunks, 1), activeFieldsChunk(t.ActiveFields))
		copy(out[i*32:], root[:])
	}
}

// progressiveRoot is the specs' merkleize_progressive(chunks, numLeaves).
func progressiveRoot(chunks []byte, numLeaves int) [32]byte {
	if len(chunks) == 0 {
		return [32]byte{}
	}
	k := min(numLeaves*32, len(chunks))
	first := merkleizeChunks(chunks[:k], ceilLog2(uint64(numLeaves)))
	return hash2(first, progressiveRoot(chunks[k:], numLeaves*4))
}
