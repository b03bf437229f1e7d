package ssz

import (
	"errors"
	"sync"
	"sync/atomic"
	"time"
)

// Hasher hashes the big members of a container (a beacon state's
// validators, balances, participation flags, inactivity scores, block and
// state roots, randao mixes) while its encoding arrives, so that the hashing
// of a download runs beside it rather than after it. The reader of the
// bytes writes them in order into one buffer and reports each advance with
// Arrived; a goroutine follows, hashing every block of 4,096 chunks of a
// member as soon as its bytes are in, into the same flat level arrays that
// Tree builds. Tree then builds the value's Tree from them: the members'
// remaining blocks and their upper levels, and the small members, are all
// that is left to hash. The Tree's root and every proof are the ones NewTree
// gives for the same bytes.
//
// The members hashed ahead are the fields of the container, of at least
// 256 KiB, that are lists or vectors of fixed-size elements or of basic
// values (a progressive list's too); their byte ranges come from the fixed
// part's offsets, once it has arrived. When the final size is not known,
// the last variable-size field is left to Tree. Bytes that are not a valid
// encoding cost only wasted hashing: Tree takes nothing from the Hasher
// for a field whose range differs in the final bytes, which the caller
// validates first.
type Hasher struct {
	t    *Type
	buf  []byte // where the bytes arrive
	size int    // the final size, or -1

	mu      sync.Mutex
	cond    *sync.Cond
	n       int  // buf[:n] has arrived
	final   bool // n is the final size
	started bool // the delay before hashing has passed
	stopped atomic.Bool
	done    chan struct{}

	fields []*streamField // set by the goroutine once the fixed part is in
	ahead  int            // chunks hashed before the input was complete, once it was
	ended  bool           // ahead is set
}

// streamField is one member hashed as it arrives.
type streamField struct {
	index  int // in t.Fields
	t      *Type
	lo, hi int // its bytes in the value
	n      int // its chunks
	unit   int // bytes per chunk: an element's size, or 32 when packed
	mode   keepMode
	segs   []*streamSeg // one chunk tree, or a progressive list's subtrees
}

// streamSeg is one chunk tree of a member (a progressive list's subtree
// j): its chunks [start, start+cnt) and the level keep that buildLevels
// stores first, filled block by block.
type streamSeg struct {
	start, cnt, depth, keep, blk int
	base                         []byte
	done                         []bool // blocks computed, by index
	next                         int    // the next block to compute
}

// streamMin is the size from which a member is hashed as it arrives.
const streamMin = 1 << 18

// errStopped ends the work of a stopped Hasher.
var errStopped = errors.New("ssz: hasher stopped")

// NewHasher starts following the encoding of a value of the container
// type t as it arrives in buf (of its final size when size >= 0, else of
// at least the largest size it may have), and returns the Hasher. It
// hashes nothing until after has passed or the value is complete: a
// download that ends sooner is hashed after it, on all cores, which is
// faster than hashing while the download takes a core (on a machine that
// also serves the bytes, or copies them from a fast network). Call Arrived
// as bytes come in order, then Tree; or Stop, which also must be called
// before buf is written again from the start. A Hasher of a type that is
// not a container hashes nothing ahead.
func NewHasher(t *Type, buf []byte, size int, after time.Duration) *Hasher {
	h := &Hasher{t: t, buf: buf, size: size, done: make(chan struct{}), started: after <= 0}
	h.cond = sync.NewCond(&h.mu)
	if size > len(buf) {
		h.size = -1
	}
	if after > 0 {
		timer := time.AfterFunc(after, func() {
			h.mu.Lock()
			h.started = true
			h.cond.Broadcast()
			h.mu.Unlock()
		})
		go func() { <-h.done; timer.Stop() }()
	}
	go h.run()
	return h
}

// Arrived reports that buf[:n] holds the value's first n bytes, final.
func (h *Hasher) Arrived(n int) {
	h.mu.Lock()
	if n > h.n && n <= len(h.buf) {
		h.n = n
		h.cond.Signal()
	}
	h.mu.Unlock()
}

// Stop ends the hashing and waits for the goroutine to return. The Hasher
// is then of no more use; Stop may be called more than once.
func (h *Hasher) Stop() {
	h.stopped.Store(true)
	h.mu.Lock()
	h.cond.Broadcast()
	h.mu.Unlock()
	<-h.done
}

// Tree reports that b, the value's whole encoding, has arrived in buf
// (b is buf[:len(b)]), waits for the hashing of its members to end, and
// returns b's Tree with their trees in it. b must have passed Validate
// against the Hasher's type, as for NewValidatedTree.
func (h *Hasher) Tree(b []byte) (*Tree, error) {
	if len(b) > len(h.buf) || (len(b) > 0 && &b[0] != &h.buf[0]) {
		h.Stop()
		return nil, errors.New("ssz: Hasher.Tree: the bytes are not the ones the hasher followed")
	}
	h.mu.Lock()
	h.n, h.final = len(b), true
	h.cond.Signal()
	h.mu.Unlock()
	<-h.done
	tr := NewValidatedTree(h.t, b)
	if h.stopped.Load() || len(h.fields) == 0 {
		return tr, nil
	}
	spans, err := containerSpans(h.t, b, nil)
	if err != nil {
		return nil, err
	}
	for _, f := range h.fields {
		if sp := spans[f.index]; sp.lo != f.lo || sp.hi != f.hi {
			continue // the bytes are not what the offsets said
		}
		m, err := f.build(b[f.lo:f.hi])
		if err != nil {
			return nil, err
		}
		e := &entry{ready: make(chan struct{}), m: m}
		close(e.ready)
		tr.entries[nodeKey{f.lo, f.t}] = e
	}
	return tr, nil
}

// wait returns the arrived size once it reaches need and the delay has
// passed, or the input is final, or the Hasher stops (stop).
func (h *Hasher) wait(need int) (n int, final, stop bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for (h.n < need || !h.started) && !h.final && !h.stopped.Load() {
		h.cond.Wait()
	}
	return h.n, h.final, h.stopped.Load()
}

// run is the goroutine that follows the bytes.
func (h *Hasher) run() {
	defer close(h.done)
	if !h.t.IsContainer() {
		return
	}
	fixedEnd := fixedPartSize(h.t)
	n, final, stop := h.wait(fixedEnd)
	if stop || n < fixedEnd {
		return
	}
	h.fields = h.plan(final, n)
	for {
		if final && !h.ended {
			h.ahead, _ = h.counts()
			h.ended = true
		}
		jobs, need := h.ready(n)
		err := forEach(len(jobs), func(k int) error {
			if h.stopped.Load() {
				return errStopped
			}
			jobs[k].f.compute(h.buf[jobs[k].f.lo:jobs[k].f.hi], jobs[k].s, jobs[k].k)
			return nil
		})
		if err != nil || final || need < 0 {
			return
		}
		if n, final, stop = h.wait(need); stop {
			return
		}
	}
}

// fixedPartSize returns the size of a container's fixed part.
func fixedPartSize(t *Type) int {
	n := 0
	for _, f := range t.Fields {
		if f.Type.IsFixed() {
			n += int(f.Type.fixedSize)
		} else {
			n += 4
		}
	}
	return n
}

// plan finds the members to hash ahead from the fixed part of the value,
// of which n bytes have arrived (all of them when final).
func (h *Hasher) plan(final bool, n int) []*streamField {
	size, known := h.size, h.size >= 0
	if final {
		size, known = n, true
	}
	if !known {
		size = len(h.buf)
	}
	spans, err := containerSpans(h.t, h.buf[:size], nil)
	if err != nil {
		return nil // Validate will say what is wrong
	}
	lastVar := -1
	for i, f := range h.t.Fields {
		if !f.Type.IsFixed() {
			lastVar = i
		}
	}
	var fields []*streamField
	for i, fd := range h.t.Fields {
		sp := spans[i]
		if sp.hi-sp.lo < streamMin || (i == lastVar && !known) {
			continue
		}
		if f := newStreamField(i, fd.Type, sp); f != nil {
			fields = append(fields, f)
		}
	}
	return fields
}

// newStreamField returns the plan of a member of type t at sp, or nil when
// it is not a kind hashed ahead.
func newStreamField(i int, t *Type, sp span) *streamField {
	f := &streamField{index: i, t: t, lo: sp.lo, hi: sp.hi, mode: keepForProofs}
	size := sp.hi - sp.lo
	switch {
	case t.Kind == KindBitlist || t.Kind == KindProgressiveBitlist:
		return nil
	case isPacked(t):
		f.unit, f.n, f.mode = 32, (size+31)/32, keepPacked
	case (t.Kind == KindVector || t.Kind == KindList || t.Kind == KindProgressiveList) && t.Elem.IsFixed():
		f.unit = int(t.Elem.fixedSize)
		if size%f.unit != 0 {
			return nil
		}
		f.n = size / f.unit
	default:
		return nil
	}
	if t.Kind == KindProgressiveList {
		for j, start := 0, 0; start < f.n; j++ {
			cnt := min(1<<(2*j), f.n-start)
			f.segs = append(f.segs, newStreamSeg(start, cnt, 2*j, f.mode))
			start += 1 << (2 * j)
		}
		return f
	}
	f.segs = []*streamSeg{newStreamSeg(0, f.n, ceilLog2(chunkLimit(t)), f.mode)}
	return f
}

// newStreamSeg plans the chunk tree of cnt chunks from start as
// buildLevels and fillBase lay it out: the same lowest stored level, the
// same blocks.
func newStreamSeg(start, cnt, depth int, mode keepMode) *streamSeg {
	s := &streamSeg{start: start, cnt: cnt, depth: depth, keep: keepFor(cnt, mode)}
	s.keep = min(s.keep, ceilLog2(uint64(cnt)))
	s.blk = max(blockChunks, 1<<s.keep)
	if whole := ((cnt + (1 << s.keep) - 1) >> s.keep) << s.keep; whole < s.blk {
		s.blk = whole
	}
	nb := ((cnt + (1 << s.keep) - 1) >> s.keep) * 32
	s.base = make([]byte, nb, nb+32)
	s.done = make([]bool, (cnt+s.blk-1)/s.blk)
	return s
}

// job is one block of a member to hash.
type job struct {
	f *streamField
	s *streamSeg
	k int
}

// ready returns the blocks whose bytes are within the first n, and the
// size the next block needs (-1 when none is left).
func (h *Hasher) ready(n int) (jobs []job, need int) {
	need = -1
	for _, f := range h.fields {
		for _, s := range f.segs {
			for ; s.next < len(s.done); s.next++ {
				end := f.lo + min((s.start+min((s.next+1)*s.blk, s.cnt))*f.unit, f.hi-f.lo)
				if end > n {
					if need < 0 || end < need {
						need = end
					}
					break
				}
				jobs = append(jobs, job{f, s, s.next})
			}
		}
	}
	return jobs, need
}

// chunks writes chunks [i0, i1) of the member encoded in b to out, as the
// Tree's chunkers do.
func (f *streamField) chunks(b []byte, i0, i1 int, out []byte) {
	if f.mode == keepPacked {
		copy(out, b[i0*32:min(i1*32, len(b))])
		return
	}
	fixedRoots(f.t.Elem, b[i0*f.unit:i1*f.unit], i1-i0, out)
}

// compute hashes block k of segment s of the member encoded in b into the
// segment's base level, as levels.fillBlock does.
func (f *streamField) compute(b []byte, s *streamSeg, k int) {
	step := 1 << s.keep
	a, z := k*s.blk, min((k+1)*s.blk, s.cnt)
	span := ((z - a + step - 1) >> s.keep) << s.keep
	bs, ss := getBuf(s.blk*32), getBuf(max(s.blk*16, 32))
	defer putBuf(bs)
	defer putBuf(ss)
	buf := bs.b[:span*32]
	clear(buf)
	f.chunks(b, s.start+a, s.start+z, buf[:(z-a)*32])
	copy(s.base[(a>>s.keep)*32:], merkleizeInPlace(buf, ss.b, s.keep))
	s.done[k] = true
}

// same reports whether every block of chunks [c0, c1) of the segment was
// hashed ahead.
func (s *streamSeg) same(c0, c1 int) bool {
	if c1 <= c0 {
		return false
	}
	for k := c0 / s.blk; k <= (c1-1)/s.blk; k++ {
		if k >= len(s.done) || !s.done[k] {
			return false
		}
	}
	return true
}

// levels returns the segment's blocks hashed ahead as the previous tree
// of a reuse that steals its arrays: buildLevels hashes into the base
// level the nodes not hashed ahead and keeps the others, without a copy.
// Every node's "fingerprint" is 1, and the reuse's print function (same)
// gives 1 exactly for the nodes hashed ahead.
func (s *streamSeg) levels() *levels {
	fp := make([]uint64, len(s.base)/32)
	for i := range fp {
		fp[i] = 1
	}
	return &levels{n: s.cnt, keep: s.keep, lv: [][]byte{s.base}, fp: fp}
}

// same returns 1 when every block of chunks [c0, c1) of the segment was
// hashed ahead, else 0: the print function of the reuse that levels feeds.
func (s *streamSeg) print(c0, c1 int) uint64 {
	if s.same(c0, c1) {
		return 1
	}
	return 0
}

// build returns the member's chunk tree, taking the blocks hashed ahead
// and hashing the rest. The trees record no fingerprints (the reuse's are
// markers), as a NewTree's: Next or Release records them when asked.
func (f *streamField) build(b []byte) (merkle, error) {
	chunk := func(i0, i1 int, out []byte) error {
		f.chunks(b, i0, i1, out)
		return nil
	}
	if f.t.Kind != KindProgressiveList {
		s := f.segs[0]
		l, err := buildLevels(f.n, s.depth, chunk, &reuse{prev: s.levels(), print: s.print, steal: true}, f.mode)
		if l != nil {
			l.fp = nil
		}
		return l, err
	}
	prev := &progressive{subs: make([]*levels, len(f.segs))}
	for j, s := range f.segs {
		prev.subs[j] = s.levels()
	}
	print := func(c0, c1 int) uint64 {
		for _, s := range f.segs {
			if c0 >= s.start && c0 < s.start+s.cnt {
				return s.print(c0-s.start, c1-s.start)
			}
		}
		return 0
	}
	p, err := buildProgressive(f.n, chunk, prev, print, true, f.mode)
	if p != nil {
		for _, sub := range p.subs {
			sub.fp = nil
		}
	}
	return p, err
}

// HashedAhead returns how many chunks of the members followed were hashed
// as their bytes arrived, before the value was complete, of how many they
// have. It is meant for after Tree (or Stop); before, it returns zeros.
func (h *Hasher) HashedAhead() (chunks, of int) {
	select {
	case <-h.done:
	default:
		return 0, 0
	}
	chunks, of = h.counts()
	if h.ended {
		chunks = h.ahead
	}
	return chunks, of
}

// counts returns how many chunks of the members followed are hashed, of
// how many they have.
func (h *Hasher) counts() (chunks, of int) {
	for _, f := range h.fields {
		for _, s := range f.segs {
			of += s.cnt
			for k, d := range s.done {
				if d {
					chunks += min((k+1)*s.blk, s.cnt) - k*s.blk
				}
			}
		}
	}
	return chunks, of
}

// Type returns the type the Hasher follows.
func (h *Hasher) Type() *Type { return h.t }
