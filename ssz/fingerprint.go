package ssz

import (
	"errors"
	"hash/maphash"
)

// ErrReleased reports a Tree used for proofs after Release dropped its
// bytes.
var ErrReleased = errors.New("released: the bytes were dropped (Release); only the root and Next remain")

// ErrConsumed reports a second Next from a released Tree: the first one
// took its stored nodes, updating them in place.
var ErrConsumed = errors.New("a released tree feeds one Next, which took its nodes")

// Fingerprints: a Tree that a later version of its value may reuse (Next)
// records, for each node of the lowest stored level of each top-level
// member made of fixed-size elements or packed basic values, a keyed
// 64-bit hash of the bytes behind the node (4 validator records, 16
// chunks of balances, ...): 8 bytes for every 484 bytes of validators,
// about 2% of a state. Next compares the new bytes' fingerprints with
// them, so that the previous value's bytes can be dropped (Release)
// before the new value is even read.

// reusableUnit returns the bytes behind one chunk of a value of type t
// whose chunk tree a later version may reuse: 32 for packed basic values,
// the element's size for a sequence of fixed-size composite elements; 0
// for other types (bitlists, whose chunks are not their bytes; variable
// elements, which are not looked up by position).
func reusableUnit(t *Type) int {
	switch {
	case t.Kind == KindBitlist || t.Kind == KindProgressiveBitlist:
		return 0
	case isPacked(t):
		return 32
	case (t.Kind == KindVector || t.Kind == KindList || t.Kind == KindProgressiveList) && t.Elem.IsFixed():
		return int(t.Elem.fixedSize)
	}
	return 0
}

// printer returns the fingerprint function of the bytes b of a value of
// type t: the keyed hash of the bytes behind chunks [c0, c1), which ends
// with the value's last byte when c1 is past it.
func printer(seed maphash.Seed, t *Type, b []byte) func(c0, c1 int) uint64 {
	unit := reusableUnit(t)
	return func(c0, c1 int) uint64 {
		lo, hi := min(c0*unit, len(b)), min(c1*unit, len(b))
		return maphash.Bytes(seed, b[lo:hi])
	}
}

// fingerprint hashes the tree (its root) and records the fingerprints of
// its reusable members that its build did not record (a tree NewTree
// made records none while hashing, so that a one-off proof does not pay
// for them).
func (tr *Tree) fingerprint() error {
	if _, err := tr.Root(); err != nil {
		return err
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.released {
		return nil
	}
	spans := tr.rootSpans()
	for i, f := range tr.t.Fields {
		if i >= len(spans) || reusableUnit(f.Type) == 0 {
			continue
		}
		e := tr.entries[nodeKey{spans[i].lo, f.Type}]
		if e == nil || e.m == nil {
			continue // small: never cached, hashed again each time
		}
		print := printer(tr.seed, f.Type, tr.b[spans[i].lo:spans[i].hi])
		switch m := e.m.(type) {
		case *levels:
			m.fillPrints(print)
		case *progressive:
			start := 0
			for j, sub := range m.subs {
				s := start
				sub.fillPrints(func(c0, c1 int) uint64 { return print(s+c0, s+c1) })
				start += 1 << (2 * j)
			}
		}
	}
	return nil
}

// fillPrints records the fingerprints of the level-keep nodes, on all
// cores, when the build did not.
func (l *levels) fillPrints(print func(c0, c1 int) uint64) {
	if l.fp != nil || l.n == 0 {
		return
	}
	step := 1 << l.keep
	fp := make([]uint64, (l.n+step-1)>>l.keep)
	const blk = 1 << 12 // nodes per task
	_ = forEach((len(fp)+blk-1)/blk, func(k int) error {
		for i := k * blk; i < min((k+1)*blk, len(fp)); i++ {
			fp[i] = print(i<<l.keep, min((i+1)<<l.keep, l.n))
		}
		return nil
	})
	l.fp = fp
}

// Release drops the tree's bytes, keeping only its root and what Next
// needs: the fingerprints and the stored levels of the reusable top-level
// members (for a mainnet state, about 27 MiB against 300 MiB of bytes).
// The caller may then drop or reuse the bytes, and read the next version
// of the value before calling Next, which takes the kept levels over and
// updates them in place: a released tree feeds one Next (a second fails
// with ErrConsumed). After Release, Root answers; Node, Prove and
// ProveMany fail with ErrReleased. Release must not run while proofs from
// the tree do. It hashes the tree first if needed.
func (tr *Tree) Release() error {
	if err := tr.fingerprint(); err != nil {
		return err
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if tr.released {
		return nil
	}
	kept := make(map[nodeKey]*entry)
	spans := tr.rootSpans()
	for i, f := range tr.t.Fields {
		if i >= len(spans) || reusableUnit(f.Type) == 0 {
			continue
		}
		k := nodeKey{spans[i].lo, f.Type}
		if e := tr.entries[k]; e != nil && e.m != nil {
			r := &entry{ready: make(chan struct{}), m: releasedMerkle(e.m)}
			close(r.ready)
			kept[k] = r
		}
	}
	tr.entries, tr.b, tr.released = kept, nil, true
	return nil
}

// releasedMerkle returns the part of a chunk tree that Next reads — its
// size, its stored levels and its fingerprints — without its chunk
// function, which holds the bytes. The tree itself is left as it is, for
// proofs still running on it (Next then updates the stored levels in
// place: Release must not run while proofs do).
func releasedMerkle(m merkle) merkle {
	trim := func(l *levels) *levels {
		return &levels{n: l.n, depth: l.depth, keep: l.keep, top: l.top, lv: l.lv, upper: l.upper, fp: l.fp, chunk: releasedChunks}
	}
	switch m := m.(type) {
	case *levels:
		return trim(m)
	case *progressive:
		p := &progressive{n: m.n, rest: m.rest}
		for _, s := range m.subs {
			p.subs = append(p.subs, trim(s))
		}
		return p
	}
	return m
}

// releasedChunks is the chunk function of a released tree.
func releasedChunks(int, int, []byte) error { return ErrReleased }
