package ssz

import (
	"hash/maphash"
	"math/rand/v2"
	"sync/atomic"
	"testing"
)

// TestReuseHashesOnlyChanges checks that a tree built from the previous
// one's fingerprints computes only the chunks of the nodes whose bytes
// changed, and finds the root of a fresh build, for a few node sizes.
func TestReuseHashesOnlyChanges(t *testing.T) {
	for _, tc := range []struct {
		name    string
		n, unit int
		mode    keepMode
		changed []int // chunks whose bytes change
	}{
		{"records", 50_000, 121, keepForProofs, []int{0, 7, 4095, 4096, 31_337, 49_999}},
		{"packed", 40_000, 32, keepPacked, []int{1, 2, 3, 20_000}},
		{"small", 1_000, 48, keepForProofs, []int{999}},
		{"none", 9_000, 64, keepForProofs, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seed := maphash.MakeSeed()
			old := make([]byte, tc.n*tc.unit)
			for i := range old {
				old[i] = byte(i * 7)
			}
			var calls atomic.Int64
			chunker := func(b []byte) chunker {
				return func(i0, i1 int, out []byte) error {
					calls.Add(int64(i1 - i0))
					for i := i0; i < i1; i++ {
						r := hashBytes(b[i*tc.unit : (i+1)*tc.unit])
						copy(out[(i-i0)*32:], r[:])
					}
					return nil
				}
			}
			depth := ceilLog2(uint64(tc.n))
			prev, err := buildLevels(tc.n, depth, chunker(old), &reuse{print: printer(seed, List(Vector(Uint8, uint64(tc.unit)), 1<<30), old)}, tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			nb := append([]byte(nil), old...)
			nodes := map[int]bool{}
			for _, c := range tc.changed {
				nb[c*tc.unit] ^= 0xff
				nodes[c>>prev.keep] = true
			}
			clear(old) // the previous tree must not need them
			calls.Store(0)
			got, err := buildLevels(tc.n, depth, chunker(nb), &reuse{prev: releasedMerkle(prev).(*levels), print: printer(seed, List(Vector(Uint8, uint64(tc.unit)), 1<<30), nb)}, tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			if want := int64(len(nodes) << prev.keep); calls.Load() != want {
				t.Errorf("%d chunks computed, want %d (%d changed nodes of %d chunks)", calls.Load(), want, len(nodes), 1<<prev.keep)
			}
			fresh, err := buildLevels(tc.n, depth, chunker(nb), nil, tc.mode)
			if err != nil {
				t.Fatal(err)
			}
			if got.root() != fresh.root() {
				t.Fatalf("root %x, fresh %x", got.root(), fresh.root())
			}
		})
	}
}

// hashBytes is a test chunk: the bytes, 32 at a time, folded with hash2.
func hashBytes(b []byte) [32]byte {
	var r [32]byte
	copy(r[:], b)
	for len(b) > 32 {
		var x [32]byte
		b = b[min(32, len(b)):]
		copy(x[:], b)
		r = hash2(r, x)
	}
	return r
}

// TestUpdateLevel checks that a level updated from the previous tree's
// (its nodes whose children did not change taken, the others hashed)
// equals the level hashed whole, when the level below grew, shrank or
// kept its size, one or two levels up.
func TestUpdateLevel(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ cOld, c, s int }{
		{1000, 1000, 1}, {1000, 1000, 2}, {1001, 1000, 1}, {1000, 1003, 2}, {1003, 1000, 2},
		{999, 1000, 1}, {4, 5, 2}, {5, 4, 2}, {2, 3, 1}, {64, 64, 2},
	} {
		const d = 3
		level := func(c int) []byte {
			b := make([]byte, c*32, c*32+32)
			for i := range b {
				b[i] = byte(rng.Uint32())
			}
			return b
		}
		up := func(cur []byte) []byte {
			c := len(cur) / 32
			n := (c + 1<<tc.s - 1) >> tc.s
			next := make([]byte, n*32, n*32+32)
			if tc.s == 1 {
				hashUp(next, cur, d)
			} else {
				hashTwoLevels(next, cur, d)
			}
			return next
		}
		prevCur := level(tc.cOld)
		old := up(prevCur)
		cur := make([]byte, tc.c*32, tc.c*32+32)
		copy(cur, prevCur)
		dirty := make([]bool, tc.c)
		for i := range dirty {
			if i >= tc.cOld || rng.IntN(50) == 0 {
				dirty[i] = true
				cur[i*32] ^= 1
			}
		}
		want := up(cur)
		next := make([]byte, len(want), len(want)+32)
		if changed := updateLevel(next, cur, old, dirty, d, tc.s, tc.cOld); changed == nil {
			t.Logf("%+v: hashed whole", tc)
			continue
		}
		if string(next) != string(want) {
			t.Errorf("%+v: updated level differs from the level hashed whole", tc)
		}
	}
}
