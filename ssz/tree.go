package ssz

import (
	"encoding/binary"
	"fmt"
	"hash/maphash"
	"sync"

	"github.com/beaconproof/beaconproof/proof"
)

// Tree answers the hash of any node of an SSZ value's Merkle tree, reading
// the encoded bytes in place. The first request hashes the value once; the
// trees of big members (validators, balances, block_roots, ...) are kept as
// flat per-level arrays, so that every later proof from the same value is a
// few lookups. A Tree is safe for concurrent use.
type Tree struct {
	t     *Type
	b     []byte
	cache bool

	mu      sync.RWMutex
	entries map[nodeKey]*entry

	// prev is the tree of the previous version of the value (see Next),
	// dropped once this tree's root is known.
	prev      *Tree
	spansOnce sync.Once
	spans     []span // byte ranges of the root container's fields

	// seed keys the fingerprints of the bytes (see fingerprint.go): one
	// seed per chain of versions, made by NewTree, passed on by Next.
	seed     maphash.Seed
	root     [32]byte // the root, once known
	hasRoot  bool
	released bool // Release dropped the bytes
	consumed bool // released, and Next took its nodes
}

type nodeKey struct {
	off int
	t   *Type
}

// entry is a cached chunk tree; ready is closed once m and err are set.
type entry struct {
	ready chan struct{}
	m     merkle
	err   error
}

// merkle is the chunk tree of one composite value: *levels or *progressive.
type merkle interface{ root() [32]byte }

// parallelFieldsMin is the encoded size of a top-level container from
// which its small fields are hashed beside its big ones, and the size of a
// big field.
const parallelFieldsMin = 1 << 20

// cacheMinChunks is the size from which a member's tree is kept.
const cacheMinChunks = 64

// NewTree validates b as a value of type t and returns its Merkle tree. The
// Tree keeps a reference to b, which must not change while the tree is used.
func NewTree(t *Type, b []byte) (*Tree, error) {
	if err := Validate(t, b); err != nil {
		return nil, err
	}
	return NewValidatedTree(t, b), nil
}

// NewValidatedTree is NewTree for bytes that Validate has already accepted
// (for instance by a loader): it skips the second check. Passing bytes that
// were not validated may make the tree's answers wrong, never unsafe: every
// read is still bounds-checked.
func NewValidatedTree(t *Type, b []byte) *Tree {
	return &Tree{t: t, b: b, cache: true, entries: make(map[nodeKey]*entry), seed: maphash.MakeSeed()}
}

// HashTreeRoot validates b as a value of type t and returns its hash tree
// root. It keeps no tree: use NewTree to prove more than the root.
func HashTreeRoot(t *Type, b []byte) ([32]byte, error) {
	if err := Validate(t, b); err != nil {
		return [32]byte{}, err
	}
	tr := &Tree{t: t, b: b}
	return tr.rootOf(t, b, 0)
}

// Type returns the tree's type.
func (tr *Tree) Type() *Type { return tr.t }

// Bytes returns the encoded value the tree reads (nil after Release).
func (tr *Tree) Bytes() []byte {
	b, _ := tr.bytes()
	return b
}

// bytes returns the encoded value, or ErrReleased.
func (tr *Tree) bytes() ([]byte, error) {
	tr.mu.RLock()
	defer tr.mu.RUnlock()
	if tr.released {
		return nil, fmt.Errorf("ssz: %s: %w", tr.t.Name, ErrReleased)
	}
	return tr.b, nil
}

// Root returns the hash tree root of the value.
func (tr *Tree) Root() ([32]byte, error) {
	tr.mu.RLock()
	r, ok, b := tr.root, tr.hasRoot, tr.b
	tr.mu.RUnlock()
	if ok {
		return r, nil
	}
	r, err := tr.rootOf(tr.t, b, 0)
	if err == nil {
		tr.mu.Lock()
		tr.root, tr.hasRoot = r, true
		tr.prev = nil // every member that could reuse it is built
		tr.mu.Unlock()
	}
	return r, err
}

// Next returns the tree of b, a new encoding of a value of the same type —
// typically the same state an epoch later. Where the bytes behind a node
// of the lowest stored level of a top-level member (a list or vector of
// fixed-size values, or of packed basic values) have the fingerprint they
// had in tr, the new tree takes the node from tr instead of hashing it
// again: a watcher that re-proves every epoch rehashes only what changed.
// b is validated. tr stays usable, unless it was released (Release):
// then Next reads only its fingerprints and stored nodes, and takes them
// over (one Next per released tree).
//
// A fingerprint is a 64-bit keyed hash (hash/maphash, its seed random and
// kept in memory), so the new root is wrong only if bytes that changed
// keep their fingerprint: a chance of 2^-64 for each changed node, which
// no input can aim at without the seed (about 10^-15 for a mainnet epoch).
// A caller that knows the root to expect (a block's state_root) should
// check it and, on a mismatch, hash b with NewTree.
func (tr *Tree) Next(b []byte) (*Tree, error) {
	if err := Validate(tr.t, b); err != nil {
		return nil, err
	}
	return tr.NextValidated(b)
}

// NextValidated is Next for bytes that Validate has already accepted (for
// instance by a loader): it skips the second check, a tenth of Next's
// work on a mainnet state. Bytes that were not validated may make the
// tree's answers wrong, never unsafe, as with NewValidatedTree.
func (tr *Tree) NextValidated(b []byte) (*Tree, error) {
	if err := tr.fingerprint(); err != nil {
		return nil, err
	}
	tr.mu.Lock()
	used := tr.consumed
	tr.consumed = tr.released
	tr.mu.Unlock()
	if used {
		return nil, fmt.Errorf("ssz: %s: Next: %w", tr.t.Name, ErrConsumed)
	}
	return &Tree{t: tr.t, b: b, cache: true, entries: make(map[nodeKey]*entry), prev: tr, seed: tr.seed}, nil
}

// rootSpans returns the byte ranges of the root container's fields.
func (tr *Tree) rootSpans() []span {
	tr.spansOnce.Do(func() {
		if tr.t.IsContainer() {
			tr.spans, _ = containerSpans(tr.t, tr.b, nil)
		}
	})
	return tr.spans
}

// previous returns, for the top-level member of type t at byte off whose
// chunks a later version may take (see reusable), the fingerprint
// function of its bytes b and the previous tree's chunk tree of the same
// member (nil when it has none); print is nil for other members and
// trees that Next did not make.
func (tr *Tree) previous(t *Type, b []byte, off int) (pm merkle, print func(c0, c1 int) uint64, steal bool) {
	tr.mu.RLock()
	prev := tr.prev
	tr.mu.RUnlock()
	if prev == nil || off == 0 || reusableUnit(t) == 0 {
		return nil, nil, false
	}
	prev.mu.RLock()
	steal = prev.released
	prev.mu.RUnlock()
	spans, pspans := tr.rootSpans(), prev.rootSpans()
	for i, f := range tr.t.Fields {
		if i >= len(spans) || spans[i].lo != off || f.Type != t {
			continue
		}
		print = printer(tr.seed, t, b)
		if len(pspans) != len(spans) {
			return nil, print, false
		}
		prev.mu.RLock()
		e := prev.entries[nodeKey{pspans[i].lo, t}]
		prev.mu.RUnlock()
		if e == nil {
			return nil, print, false
		}
		select {
		case <-e.ready:
		default:
			return nil, print, false // still being built: nothing to take yet
		}
		return e.m, print, steal
	}
	return nil, nil, false
}

// rootOf returns the hash tree root of the value of type t encoded in b,
// which starts at byte off of the tree's value.
func (tr *Tree) rootOf(t *Type, b []byte, off int) ([32]byte, error) {
	var out [32]byte
	if t.IsBasic() {
		copy(out[:], b)
		return out, nil
	}
	// A small fixed-size value (a Validator, a Withdrawal, a root) is hashed
	// straight from its bytes: it is never cached unless it is the whole
	// value, so a tree of its chunks would be thrown away.
	if t.IsFixed() && t.fixedSize <= 4096 && (!tr.cache || (off != 0 && (t.fixedSize+31)/32 < cacheMinChunks)) {
		fixedRoots(t, b, 1, out[:])
		return out, nil
	}
	if isPacked(t) && !t.IsFixed() && (!tr.cache || off != 0) {
		// A short list or bitlist inside the value (a transaction, an
		// aggregation bitlist): one chunk at most, hashed without a tree.
		if r, ok, err := smallPackedRoot(t, b); ok || err != nil {
			if err != nil {
				return out, at(t, "", off, err)
			}
			return r, nil
		}
	}
	m, err := tr.merkleOf(t, b, off)
	if err != nil {
		return out, err
	}
	r := m.root()
	switch t.Kind {
	case KindByteList:
		return mixIn(r, uint64(len(b))), nil
	case KindBitlist, KindProgressiveBitlist:
		n, _ := bitlistLen(b)
		return mixIn(r, n), nil
	case KindList, KindProgressiveList:
		n, err := elemCount(t, b)
		if err != nil {
			return out, at(t, "", off, err)
		}
		return mixIn(r, uint64(n)), nil
	case KindProgressiveContainer:
		return hash2(r, activeFieldsChunk(t.ActiveFields)), nil
	}
	return r, nil
}

// smallPackedRoot returns the root of a variable-size packed value (a
// ByteList, a List of basic values or a Bitlist) whose data fits in one
// chunk, with its length mixed in; ok is false for longer values and for
// progressive kinds, which go through a chunk tree.
func smallPackedRoot(t *Type, b []byte) (root [32]byte, ok bool, err error) {
	var chunk [32]byte
	var n uint64 // the length mixed in
	var size int // bytes of data
	switch t.Kind {
	case KindByteList:
		size, n = len(b), uint64(len(b))
	case KindList:
		size, n = len(b), uint64(len(b))/t.Elem.fixedSize
	case KindBitlist:
		if n, err = bitlistLen(b); err != nil {
			return root, false, err
		}
		size = int((n + 7) / 8)
	default:
		return root, false, nil
	}
	if size > 32 {
		return root, false, nil
	}
	depth := ceilLog2(chunkLimit(t))
	if size == 0 {
		return mixIn(zeroHashes[depth], n), true, nil
	}
	copy(chunk[:], b[:size])
	if t.Kind == KindBitlist && n%8 != 0 {
		chunk[size-1] &^= 1 << (n % 8) // the length bit
	}
	root = chunk
	for d := 0; d < depth; d++ {
		root = hash2(root, zeroHashes[d])
	}
	return mixIn(root, n), true, nil
}

func elemCount(t *Type, b []byte) (int, error) {
	s, err := sequenceOf(t, b)
	return s.n, err
}

// merkleOf returns the chunk tree of a composite value, from the cache when
// the tree keeps one.
func (tr *Tree) merkleOf(t *Type, b []byte, off int) (merkle, error) {
	k := nodeKey{off, t}
	if tr.cache {
		tr.mu.RLock()
		e, ok := tr.entries[k]
		tr.mu.RUnlock()
		if ok {
			<-e.ready
			return e.m, e.err
		}
	}
	n, chunk, err := tr.chunks(t, b, off)
	if err != nil {
		return nil, err
	}
	mode := keepForProofs
	switch {
	case !tr.cache:
		mode = keepRootOnly
	case isPacked(t):
		mode = keepPacked
	}
	build := func() (merkle, error) {
		pm, print, steal := tr.previous(t, b, off)
		switch t.Kind {
		case KindProgressiveList, KindProgressiveBitlist, KindProgressiveContainer:
			pp, _ := pm.(*progressive)
			return buildProgressive(n, chunk, pp, print, steal, mode)
		}
		var re *reuse
		if print != nil {
			pl, _ := pm.(*levels)
			re = &reuse{prev: pl, print: print, steal: steal}
		}
		return buildLevels(n, ceilLog2(chunkLimit(t)), chunk, re, mode)
	}
	if !tr.cache || (n < cacheMinChunks && off != 0) {
		return build()
	}
	tr.mu.Lock()
	e, ok := tr.entries[k]
	if !ok {
		e = &entry{ready: make(chan struct{})}
		tr.entries[k] = e
	}
	tr.mu.Unlock()
	if ok {
		<-e.ready
		return e.m, e.err
	}
	e.m, e.err = build()
	close(e.ready)
	return e.m, e.err
}

// chunks returns the number of chunks of a composite value and a function
// that computes them.
func (tr *Tree) chunks(t *Type, b []byte, off int) (int, chunker, error) {
	if isPacked(t) {
		return packedChunks(t, b, off)
	}
	switch t.Kind {
	case KindVector, KindList, KindProgressiveList:
		return tr.elemChunks(t, b, off)
	case KindContainer, KindProgressiveContainer:
		return tr.fieldChunks(t, b, off)
	}
	return 0, nil, at(t, "", off, errf(ErrValue, "kind %v has no chunks", t.Kind))
}

// packedChunks are the chunks of packed basic values or bits: the bytes
// themselves, without a bitlist's length bit.
func packedChunks(t *Type, b []byte, off int) (int, chunker, error) {
	data := b
	if t.Kind == KindBitlist || t.Kind == KindProgressiveBitlist {
		n, err := bitlistLen(b)
		if err != nil {
			return 0, nil, at(t, "", off, err)
		}
		data = bitlistData(b, n)
	}
	n := (len(data) + 31) / 32
	return n, func(i0, i1 int, out []byte) error {
		copy(out, data[i0*32:min(i1*32, len(data))])
		return nil
	}, nil
}

// elemChunks are the chunks of a sequence of composite elements: their
// roots.
func (tr *Tree) elemChunks(t *Type, b []byte, off int) (int, chunker, error) {
	s, err := sequenceOf(t, b)
	if err != nil {
		return 0, nil, at(t, "", off, err)
	}
	if t.Elem.IsFixed() {
		es := int(t.Elem.fixedSize)
		return s.n, func(i0, i1 int, out []byte) error {
			fixedRoots(t.Elem, b[i0*es:i1*es], i1-i0, out)
			return nil
		}, nil
	}
	return s.n, func(i0, i1 int, out []byte) error {
		for i := i0; i < i1; i++ {
			lo, hi, err := s.bounds(i)
			if err != nil {
				return at(t, fmt.Sprintf("[%d]", i), off, err)
			}
			r, err := tr.rootOf(t.Elem, b[lo:hi], off+lo)
			if err != nil {
				return err
			}
			copy(out[(i-i0)*32:], r[:])
		}
		return nil
	}, nil
}

// fieldChunks are the chunks of a container: its fields' roots by
// position (a progressive container's inactive positions are zero).
func (tr *Tree) fieldChunks(t *Type, b []byte, off int) (int, chunker, error) {
	spans, err := containerSpans(t, b, nil)
	if err != nil {
		return 0, nil, at(t, "", off, err)
	}
	n := len(t.Fields)
	if t.Kind == KindProgressiveContainer {
		n = len(t.ActiveFields)
	}
	byPos := make([]int, n)
	for i := range byPos {
		byPos[i] = -1
	}
	for i, f := range t.Fields {
		byPos[f.Position] = i
	}
	field := func(p int, out []byte) error {
		i := byPos[p]
		if i < 0 {
			return nil
		}
		sp := spans[i]
		r, err := tr.rootOf(t.Fields[i].Type, b[sp.lo:sp.hi], off+sp.lo)
		copy(out, r[:])
		return err
	}
	if off != 0 || len(b) < parallelFieldsMin {
		return n, func(i0, i1 int, out []byte) error {
			for p := i0; p < i1; p++ {
				if err := field(p, out[(p-i0)*32:]); err != nil {
					return err
				}
			}
			return nil
		}, nil
	}
	big := func(p int) bool {
		i := byPos[p]
		return i >= 0 && spans[i].hi-spans[i].lo >= parallelFieldsMin
	}
	return n, func(i0, i1 int, out []byte) error { return bigAndSmall(i0, i1, out, big, field) }, nil
}

// bigAndSmall computes the top-level value's (a state's) field roots p in
// [i0, i1): its big fields, each hashed on all cores, one after another;
// meanwhile its small fields, which would each leave a core idle, on one
// more goroutine. Hashing two big fields at once would only add their
// scratch memory.
func bigAndSmall(i0, i1 int, out []byte, big func(p int) bool, field func(p int, out []byte) error) error {
	errs := make([]error, i1-i0)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for p := i0; p < i1; p++ {
			if !big(p) {
				errs[p-i0] = field(p, out[(p-i0)*32:])
			}
		}
	}()
	for p := i0; p < i1; p++ {
		if big(p) {
			errs[p-i0] = field(p, out[(p-i0)*32:])
		}
	}
	<-done
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// bitlistData returns the bytes of a bitlist's bits without the length bit.
func bitlistData(b []byte, n uint64) []byte {
	nb := int((n + 7) / 8)
	if n%8 == 0 {
		return b[:nb]
	}
	d := append([]byte(nil), b[:nb]...)
	d[nb-1] &^= 1 << (n % 8)
	return d
}

// Node returns the hash of node g of the value's Merkle tree (1 is the root).
// g may point inside any member, down to a single chunk.
func (tr *Tree) Node(g proof.Gindex) ([32]byte, error) {
	if !g.IsValid() {
		return [32]byte{}, fmt.Errorf("ssz: %s: %w", tr.t.Name, proof.ErrInvalidGindex)
	}
	return tr.walk(g, nil)
}

// Prove returns the Merkle proof of node g against the value's root. The
// proof is verified against the root before it is returned.
func (tr *Tree) Prove(g proof.Gindex) (proof.Proof, error) {
	p := proof.Proof{Gindex: g}
	if !g.IsValid() || g.Depth() < 1 {
		return p, fmt.Errorf("ssz: %s: prove generalized index %s: %w", tr.t.Name, g, proof.ErrInvalidGindex)
	}
	p.Branch = make([][32]byte, g.Depth())
	leaf, err := tr.walk(g, p.Branch)
	if err != nil {
		return proof.Proof{}, err
	}
	p.Leaf = leaf
	root, err := tr.Root()
	if err != nil {
		return proof.Proof{}, err
	}
	if err := p.Verify(root); err != nil {
		return proof.Proof{}, fmt.Errorf("ssz: internal error: generated proof does not verify: %w", err)
	}
	return p, nil
}

// walk returns node g of the root value (type tr.t in tr.b). With a branch
// (of g.Depth() entries), it also writes the sibling of every node on the
// way: branch[k] is the sibling of the ancestor with k bits of g below it,
// as in a bottom-up Merkle branch.
func (tr *Tree) walk(g proof.Gindex, branch [][32]byte) ([32]byte, error) {
	b, err := tr.bytes()
	if err != nil {
		return [32]byte{}, err
	}
	w := walker{tr: tr, g: g, branch: branch}
	return w.walk(tr.t, b, 0, g.Depth())
}

// walker follows one generalized index down a Tree.
type walker struct {
	tr     *Tree
	g      proof.Gindex
	path   trail      // the member being walked, for errors
	branch [][32]byte // nil when only the node is wanted
}

// errAt wraps err with the walker's position in the value of type t at
// offset off.
func (w *walker) errAt(t *Type, off int, err error) error { return at(t, w.path.String(), off, err) }

// walk follows the bits of g below position pos (pos bits remain) inside
// the value of type t encoded in b at offset off, and returns the node.
func (w *walker) walk(t *Type, b []byte, off, pos int) ([32]byte, error) {
	var zero [32]byte
	if pos == 0 {
		return w.tr.rootOf(t, b, off)
	}
	if t.IsBasic() {
		return zero, w.errAt(t, off, errf(ErrPath, "generalized index %s goes below basic value", w.g))
	}
	if hasMixIn(t.Kind) {
		c, done, err := w.mixIn(t, b, off, &pos)
		if done || err != nil {
			return c, err
		}
	}
	m, err := w.tr.merkleOf(t, b, off)
	if err != nil {
		return zero, err
	}
	l, base, node, done, err := w.chunkTree(m, t, off, &pos)
	if done || err != nil {
		return node, err
	}
	if pos <= l.depth {
		// An inner node of this value's chunk tree.
		idx := readBits(w.g, pos)
		if w.branch != nil {
			return l.path(l.depth-pos, idx, w.branch[:pos])
		}
		return l.node(l.depth-pos, idx)
	}
	idx := readBits(w.g.Ancestor(pos-l.depth), l.depth)
	pos -= l.depth
	if w.branch != nil {
		if _, err := l.path(0, idx, w.branch[pos:pos+l.depth]); err != nil {
			return zero, err
		}
	}
	ci := base + idx
	if idx >= uint64(l.n) || isPacked(t) {
		return zero, w.errAt(t, off, errf(ErrPath, "generalized index %s goes below chunk %d", w.g, ci))
	}
	return w.descend(t, b, off, ci, pos)
}

// hasMixIn reports the kinds whose root mixes in a chunk: the left child is
// the data tree, the right the length or active_fields chunk.
func hasMixIn(k Kind) bool {
	switch k {
	case KindByteList, KindBitlist, KindList, KindProgressiveList, KindProgressiveBitlist, KindProgressiveContainer:
		return true
	}
	return false
}

// mixIn takes the step below a mixed-in root: to the mixed-in chunk (done:
// it is the node), or to the data tree, recording the other child.
func (w *walker) mixIn(t *Type, b []byte, off int, pos *int) (node [32]byte, done bool, err error) {
	*pos--
	c, err := mixInChunk(t, b)
	if err != nil {
		return c, true, w.errAt(t, off, err)
	}
	if w.g.Bit(*pos) == 0 {
		if w.branch != nil {
			w.branch[*pos] = c
		}
		return c, false, nil
	}
	if *pos != 0 {
		return c, true, w.errAt(t, off, errf(ErrPath, "generalized index %s goes below the length chunk", w.g))
	}
	if w.branch != nil {
		m, err := w.tr.merkleOf(t, b, off)
		if err != nil {
			return c, true, err
		}
		w.branch[*pos] = m.root()
	}
	return c, true, nil
}

// chunkTree returns the levels of the chunk tree that g goes into, and the
// index of its first chunk: m itself, or for a progressive tree the subtree
// g takes (done: g names a node of the progressive spine instead).
func (w *walker) chunkTree(m merkle, t *Type, off int, pos *int) (l *levels, base uint64, node [32]byte, done bool, err error) {
	p, ok := m.(*progressive)
	if !ok {
		return m.(*levels), 0, node, false, nil
	}
	for j := 0; ; j++ {
		if *pos == 0 {
			return nil, 0, p.rest[j], true, nil
		}
		if j >= len(p.subs) {
			// An empty progressive tree is a zero leaf with no children.
			return nil, 0, node, true, w.errAt(t, off, errf(ErrPath, "generalized index %s goes below an empty progressive subtree", w.g))
		}
		*pos--
		if w.g.Bit(*pos) == 0 {
			if w.branch != nil {
				w.branch[*pos] = p.rest[j+1]
			}
			return p.subs[j], subtreeStart(j), node, false, nil
		}
		if w.branch != nil {
			w.branch[*pos] = p.subs[j].root()
		}
	}
}

// descend walks on into the member of the value at chunk ci: an element of
// a sequence or a field of a container.
func (w *walker) descend(t *Type, b []byte, off int, ci uint64, pos int) ([32]byte, error) {
	var zero [32]byte
	switch t.Kind {
	case KindVector, KindList, KindProgressiveList:
		s, err := sequenceOf(t, b)
		if err != nil {
			return zero, w.errAt(t, off, err)
		}
		lo, hi, err := s.bounds(int(ci))
		if err != nil {
			return zero, w.errAt(t, off, err)
		}
		w.path.push("", int(ci))
		v, err := w.walk(t.Elem, b[lo:hi], off+lo, pos)
		w.path.pop()
		return v, err
	}
	var spans []span
	if off == 0 && t == w.tr.t {
		spans = w.tr.rootSpans() // the root container's, computed once
	}
	if spans == nil {
		var err error
		if spans, err = containerSpans(t, b, nil); err != nil {
			return zero, w.errAt(t, off, err)
		}
	}
	for i, f := range t.Fields {
		if uint64(f.Position) == ci {
			sp := spans[i]
			w.path.push(f.Name, 0)
			v, err := w.walk(f.Type, b[sp.lo:sp.hi], off+sp.lo, pos)
			w.path.pop()
			return v, err
		}
	}
	return zero, w.errAt(t, off, errf(ErrPath, "generalized index %s goes below an inactive field", w.g))
}

// mixInChunk returns the chunk mixed into a list's root (its length) or a
// ProgressiveContainer's (its active_fields).
func mixInChunk(t *Type, b []byte) ([32]byte, error) {
	var c [32]byte
	switch t.Kind {
	case KindProgressiveContainer:
		return activeFieldsChunk(t.ActiveFields), nil
	case KindByteList:
		binary.LittleEndian.PutUint64(c[:], uint64(len(b)))
	case KindBitlist, KindProgressiveBitlist:
		n, err := bitlistLen(b)
		if err != nil {
			return c, err
		}
		binary.LittleEndian.PutUint64(c[:], n)
	default:
		n, err := elemCount(t, b)
		if err != nil {
			return c, err
		}
		binary.LittleEndian.PutUint64(c[:], uint64(n))
	}
	return c, nil
}

// readBits returns the low n bits of g as an integer (n <= 64).
func readBits(g proof.Gindex, n int) uint64 {
	var v uint64
	for k := n - 1; k >= 0; k-- {
		v = v<<1 | uint64(g.Bit(k))
	}
	return v
}
