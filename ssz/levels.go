package ssz

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// chunker writes chunks [i0, i1) of a value's Merkle tree to out, which
// holds (i1-i0)*32 zeroed bytes.
type chunker func(i0, i1 int, out []byte) error

// levels is the Merkle tree of n chunks padded to depth `depth`, stored as
// flat per-level arrays. Levels below `keep` are not stored: a node there is
// recomputed from at most 2^keep chunks when a proof asks for it, which keeps
// the memory of a big list's tree a small fraction of the list.
type levels struct {
	n     int
	depth int
	keep  int
	top   int      // lowest level with a single node (ceilLog2(n))
	lv    [][]byte // lv[d-keep] holds the nodes of level d, keep <= d <= top
	upper [][32]byte
	chunk chunker
}

// keepFor picks the lowest stored level for a tree of n chunks.
func keepFor(n int) int {
	switch {
	case n > 1<<16:
		return 4
	case n > 1<<12:
		return 2
	}
	return 0
}

const blockChunks = 1 << 12

func buildLevels(n, depth int, chunk chunker) (*levels, error) {
	l := &levels{n: n, depth: depth, chunk: chunk}
	if n == 0 {
		return l, nil
	}
	l.top = ceilLog2(uint64(n))
	l.keep = keepFor(n)
	if l.keep > l.top {
		l.keep = l.top
	}
	base := make([]byte, ((n+(1<<l.keep)-1)>>l.keep)*32)
	if err := l.fillBase(base); err != nil {
		return nil, err
	}
	l.lv = append(l.lv, base)
	cur := base
	for d := l.keep; len(cur) > 32; d++ {
		if (len(cur)/32)%2 == 1 {
			cur = append(cur[:len(cur):len(cur)], zeroHashes[d][:]...)
		}
		next := make([]byte, len(cur)/2)
		hashLevel(next, cur)
		l.lv = append(l.lv, next)
		cur = next
	}
	var r [32]byte
	copy(r[:], cur)
	l.upper = make([][32]byte, 0, depth-l.top+1)
	l.upper = append(l.upper, r)
	for d := l.top; d < depth; d++ {
		r = hash2(r, zeroHashes[d])
		l.upper = append(l.upper, r)
	}
	return l, nil
}

// fillBase computes level keep from the chunks, block by block, on all cores
// when the tree is large.
func (l *levels) fillBase(base []byte) error {
	blk := blockChunks
	if blk < 1<<l.keep {
		blk = 1 << l.keep
	}
	if whole := ((l.n + (1 << l.keep) - 1) >> l.keep) << l.keep; whole < blk {
		blk = whole
	}
	nblocks := (l.n + blk - 1) / blk
	workers := runtime.GOMAXPROCS(0)
	if nblocks < 2 {
		workers = 1
	}
	workers = min(workers, nblocks)
	var next atomic.Int64
	var firstErr error
	var once sync.Once
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			buf := make([]byte, blk*32)
			scratch := make([]byte, max(blk*16, 32))
			for {
				k := int(next.Add(1) - 1)
				if k >= nblocks {
					return
				}
				c0, c1 := k*blk, min((k+1)*blk, l.n)
				// round the block up to whole subtrees of 2^keep chunks
				span := ((c1 - c0 + (1 << l.keep) - 1) >> l.keep) << l.keep
				b := buf[:span*32]
				clear(b)
				if err := l.chunk(c0, c1, b[:(c1-c0)*32]); err != nil {
					once.Do(func() { firstErr = err })
					return
				}
				roots := merkleizeInPlace(b, scratch, l.keep)
				copy(base[(c0>>l.keep)*32:], roots)
			}
		}()
	}
	wg.Wait()
	return firstErr
}

// count returns the number of non-padding nodes at level d.
func (l *levels) count(d int) uint64 {
	if d >= 64 {
		if l.n > 0 {
			return 1
		}
		return 0
	}
	return (uint64(l.n) + (1 << d) - 1) >> d
}

// root returns the root of the padded tree.
func (l *levels) root() [32]byte {
	if l.n == 0 {
		return zeroHashes[l.depth]
	}
	return l.upper[len(l.upper)-1]
}

// node returns node i of level d (level 0 holds the chunks).
func (l *levels) node(d int, i uint64) ([32]byte, error) {
	var out [32]byte
	if i >= l.count(d) {
		return zeroHashes[d], nil
	}
	switch {
	case d >= l.top:
		return l.upper[d-l.top], nil
	case d >= l.keep:
		copy(out[:], l.lv[d-l.keep][i*32:])
		return out, nil
	}
	c0 := int(i << d)
	c1 := min(c0+1<<d, l.n)
	buf := make([]byte, (c1-c0)*32)
	if err := l.chunk(c0, c1, buf); err != nil {
		return out, err
	}
	return merkleizeChunks(buf, d), nil
}

// progressive is the Merkle tree of an EIP-7916 progressive list's chunks:
// subtree j holds 4^j chunks starting at chunk (4^j-1)/3; the data root is
// hash(subtree 0, hash(subtree 1, hash(subtree 2, ...))).
type progressive struct {
	n    int
	subs []*levels
	rest [][32]byte // rest[j]: root of the progressive tree of chunks from subtree j on
}

func buildProgressive(n int, chunk chunker) (*progressive, error) {
	p := &progressive{n: n}
	start := 0
	for j := 0; start < n; j++ {
		size := 1 << (2 * j)
		cnt := min(size, n-start)
		s := start
		sub, err := buildLevels(cnt, 2*j, func(i0, i1 int, out []byte) error {
			return chunk(s+i0, s+i1, out)
		})
		if err != nil {
			return nil, err
		}
		p.subs = append(p.subs, sub)
		start += size
	}
	p.rest = make([][32]byte, len(p.subs)+1)
	for j := len(p.subs) - 1; j >= 0; j-- {
		p.rest[j] = hash2(p.subs[j].root(), p.rest[j+1])
	}
	return p, nil
}

func (p *progressive) root() [32]byte { return p.rest[0] }

// subtreeStart returns the index of the first chunk of subtree j.
func subtreeStart(j int) uint64 { return ((uint64(1) << (2 * uint(j))) - 1) / 3 }
