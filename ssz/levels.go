package ssz

// chunker writes chunks [i0, i1) of a value's Merkle tree to out, which
// holds (i1-i0)*32 zeroed bytes.
type chunker func(i0, i1 int, out []byte) error

// levels is the Merkle tree of n chunks padded to depth `depth`, stored as
// flat per-level arrays. Levels below `keep` are not stored: a node there is
// recomputed from at most 2^keep chunks when a proof asks for it. Above
// keep, levels of more than storeEveryLevel nodes are stored every other
// one (keep, keep+2, ...): a node of a level in between is the hash of its
// two children, one hash away. Smaller levels are all stored. Together
// this keeps a big list's tree a small fraction of the list: for 2.2M
// validators, 22 MiB of nodes, where their roots alone would be 67 MiB.
type levels struct {
	n     int
	depth int
	keep  int
	top   int      // lowest level with a single node (ceilLog2(n))
	lv    [][]byte // lv[d-keep] holds the nodes of level d when stored, else nil
	upper [][32]byte
	chunk chunker
	// fp holds, when the tree is kept for a later version of the value,
	// the fingerprint of the bytes behind each node of level keep.
	fp []uint64
}

// reuse fingerprints the bytes behind each stored node of the lowest
// stored level (see fingerprint.go) and lets a tree take the nodes of a
// previous tree of the same member wherever the fingerprints match: the
// previous tree's bytes are not needed, only its fingerprints and stored
// levels. Above the lowest level, a node none of whose children changed
// is taken too.
type reuse struct {
	prev *levels // nil: fingerprint only
	// print returns the fingerprint of the bytes behind chunks [c0, c1).
	print func(c0, c1 int) uint64
	// steal: prev belongs to a released tree, which feeds one Next: its
	// arrays of the same size become this tree's, updated in place.
	steal bool
	// fresh marks the level-keep nodes that were hashed, not taken.
	fresh []bool
}

// level returns the previous tree's stored level d, or nil.
func (re *reuse) level(d int) []byte {
	if re == nil || re.prev == nil || d < re.prev.keep || d-re.prev.keep >= len(re.prev.lv) {
		return nil
	}
	return re.prev.lv[d-re.prev.keep]
}

// array returns room for the count nodes of level d: the previous tree's
// array when it may be taken and has the same size, else a new one (with
// room for the zero node that pads an odd count).
func (re *reuse) array(d, count int) []byte {
	if old := re.level(d); re != nil && re.steal && len(old) == count*32 && cap(old) >= count*32+32 {
		return old
	}
	return make([]byte, count*32, count*32+32)
}

// keepMode says what a tree's lowest stored level is chosen for.
type keepMode int

const (
	// keepForProofs: chunks that cost hashing to recompute (the roots of
	// validators, of other containers, of lists).
	keepForProofs keepMode = iota
	// keepPacked: chunks that are a copy of the bytes (balances, scores,
	// participation flags), cheap to recompute 16 at a time.
	keepPacked
	// keepRootOnly: the caller wants the root, not proofs.
	keepRootOnly
)

// keepFor picks the lowest stored level for a tree of n chunks.
func keepFor(n int, mode keepMode) int {
	switch {
	case mode == keepRootOnly:
		return ceilLog2(blockChunks)
	case n <= 1<<12:
		return 0
	case mode == keepPacked:
		return 4
	}
	return 2
}

const blockChunks = 1 << 12

// storeEveryLevel is the node count from which down levels are stored only
// every other one: smaller levels (256 KiB at most, their sum a fraction
// of the tree) are all kept, so that a proof recomputes only the few
// in-between nodes of the lowest levels.
const storeEveryLevel = 1 << 13

// buildLevels hashes the tree of n chunks, storing levels from the one
// keepFor(n, mode) picks. For keepRootOnly nothing below blocks of
// blockChunks chunks is stored, a few hundred bytes per million chunks.
func buildLevels(n, depth int, chunk chunker, re *reuse, mode keepMode) (*levels, error) {
	l := &levels{n: n, depth: depth, chunk: chunk}
	if n == 0 {
		return l, nil
	}
	l.top = ceilLog2(uint64(n))
	l.keep = keepFor(n, mode)
	if mode == keepRootOnly {
		re = nil
	}
	if l.keep > l.top {
		l.keep = l.top
	}
	nodes := (n + (1 << l.keep) - 1) >> l.keep
	if re != nil {
		if p := re.prev; p != nil && (p.keep != l.keep || p.n == 0 || len(p.fp) == 0) {
			re = &reuse{print: re.print}
		}
		re.fresh = make([]bool, nodes)
		if re.prev != nil && re.steal && len(re.prev.fp) == nodes {
			l.fp = re.prev.fp // each node's is read before it is written
		} else {
			l.fp = make([]uint64, nodes)
		}
	}
	// Every level gets room for the zero node that pads an odd count, so
	// that padding never copies a level.
	base := re.array(l.keep, nodes)
	if err := l.fillBase(base, re); err != nil {
		return nil, err
	}
	l.lv = make([][]byte, l.top-l.keep+1)
	l.lv[0] = base
	var dirty []bool
	if re != nil && re.prev != nil {
		dirty = re.fresh
	}
	cur := l.buildUpper(re, dirty)
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
func (l *levels) fillBase(base []byte, re *reuse) error {
	blk := blockChunks
	if blk < 1<<l.keep {
		blk = 1 << l.keep
	}
	if whole := ((l.n + (1 << l.keep) - 1) >> l.keep) << l.keep; whole < blk {
		blk = whole
	}
	return forEach((l.n+blk-1)/blk, func(k int) error {
		bs, ss := getBuf(blk*32), getBuf(max(blk*16, 32))
		defer putBuf(bs)
		defer putBuf(ss)
		return l.fillBlock(base, bs.b, ss.b, k*blk, min((k+1)*blk, l.n), re)
	})
}

// fillBlock computes the level-keep nodes of chunks [c0, c1) into base.
// With re, it fingerprints each node's bytes, copies the nodes whose
// fingerprint the previous tree recorded for the same chunks, and hashes
// only the runs of changed nodes.
func (l *levels) fillBlock(base, buf, scratch []byte, c0, c1 int, re *reuse) error {
	step := 1 << l.keep
	compute := func(a, z int) error {
		span := ((z - a + step - 1) >> l.keep) << l.keep
		b := buf[:span*32]
		clear(b)
		if err := l.chunk(a, z, b[:(z-a)*32]); err != nil {
			return err
		}
		copy(base[(a>>l.keep)*32:], merkleizeInPlace(b, scratch, l.keep))
		return nil
	}
	if re == nil {
		return compute(c0, c1)
	}
	run := -1 // start of a run of changed nodes
	for c := c0; c < c1; c += step {
		e := min(c+step, c1)
		k := c >> l.keep
		fp := re.print(c, e)
		same := re.same(k, c, e, fp)
		l.fp[k], re.fresh[k] = fp, !same
		if same {
			if run >= 0 {
				if err := compute(run, c); err != nil {
					return err
				}
				run = -1
			}
			if old := re.prev.lv[0]; &old[0] != &base[0] {
				copy(base[k*32:k*32+32], old[k*32:k*32+32])
			}
			continue
		}
		if run < 0 {
			run = c
		}
	}
	if run >= 0 {
		return compute(run, c1)
	}
	return nil
}

// same reports whether node k, chunks [c, e) with fingerprint fp, may be
// taken from the previous tree: it covered the same chunks there (a whole
// node, or the last node of both trees) and its bytes had the same
// fingerprint.
func (re *reuse) same(k, c, e int, fp uint64) bool {
	p := re.prev
	if p == nil || k >= len(p.fp) || e > p.n {
		return false
	}
	return (e-c == 1<<p.keep || e == p.n) && p.fp[k] == fp
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
		if lv := l.lv[d-l.keep]; lv != nil {
			copy(out[:], lv[i*32:])
			return out, nil
		}
		// Not stored: the hash of its children, which are.
		a, err := l.node(d-1, 2*i)
		if err != nil {
			return out, err
		}
		b, err := l.node(d-1, 2*i+1)
		if err != nil {
			return out, err
		}
		return hash2(a, b), nil
	}
	c0 := int(i << d)
	c1 := min(c0+1<<d, l.n)
	buf := make([]byte, (c1-c0)*32)
	if err := l.chunk(c0, c1, buf); err != nil {
		return out, err
	}
	return merkleizeChunks(buf, d), nil
}

// path writes the siblings of node i of level d and of its ancestors up to
// the tree's root into out (out[k] is the sibling at level d+k), and returns
// node i itself. Levels below keep are computed from one block of 2^keep
// chunks, which also gives the node.
func (l *levels) path(d int, i uint64, out [][32]byte) ([32]byte, error) {
	var self [32]byte
	L := d
	if L < l.keep {
		c0 := int((i << d) >> l.keep << l.keep)
		span := 1 << l.keep
		ms := getBuf(span * 32 * 2)
		defer putBuf(ms)
		mini, spare := ms.b[:span*32], ms.b[span*32:]
		clear(mini)
		if c0 < l.n {
			c1 := min(c0+span, l.n)
			if err := l.chunk(c0, c1, mini[:(c1-c0)*32]); err != nil {
				return self, err
			}
		}
		up := func() { // mini becomes the level above
			next := spare[:len(mini)/2]
			hashPairs(next, mini)
			mini, spare = next, mini
		}
		for k := 0; k < d; k++ {
			up()
		}
		copy(self[:], mini[(i-uint64(c0>>d))*32:])
		for ; L < l.keep; L++ {
			j := (i >> (L - d)) - uint64(c0>>L)
			copy(out[L-d][:], mini[(j^1)*32:])
			up()
		}
	} else {
		var err error
		if self, err = l.node(d, i); err != nil {
			return self, err
		}
	}
	for ; L < l.depth; L++ {
		h, err := l.node(L, (i>>(L-d))^1)
		if err != nil {
			return self, err
		}
		out[L-d] = h
	}
	return self, nil
}

// progressive is the Merkle tree of an EIP-7916 progressive list's chunks:
// subtree j holds 4^j chunks starting at chunk (4^j-1)/3; the data root is
// hash(subtree 0, hash(subtree 1, hash(subtree 2, ...))).
type progressive struct {
	n    int
	subs []*levels
	rest [][32]byte // rest[j]: root of the progressive tree of chunks from subtree j on
}

func buildProgressive(n int, chunk chunker, prev *progressive, print func(c0, c1 int) uint64, steal bool, mode keepMode) (*progressive, error) {
	p := &progressive{n: n}
	start := 0
	for j := 0; start < n; j++ {
		size := 1 << (2 * j)
		cnt := min(size, n-start)
		s := start
		var re *reuse
		if print != nil {
			re = &reuse{print: func(c0, c1 int) uint64 { return print(s+c0, s+c1) }, steal: steal}
			if prev != nil && j < len(prev.subs) {
				re.prev = prev.subs[j]
			}
		}
		sub, err := buildLevels(cnt, 2*j, func(i0, i1 int, out []byte) error {
			return chunk(s+i0, s+i1, out)
		}, re, mode)
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
