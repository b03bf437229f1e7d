package proof_test

import (
	"crypto/sha256"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/proof"
)

// manyProofs builds n proofs of different depths against one root, by
// hashing up a small tree of the given depth.
func manyProofs(t *testing.T, depth int) ([]proof.Proof, [32]byte) {
	t.Helper()
	n := 1 << depth
	levels := [][][32]byte{make([][32]byte, n)}
	for i := range levels[0] {
		levels[0][i] = sha256.Sum256([]byte{byte(i), byte(i >> 8)})
	}
	for d := 0; d < depth; d++ {
		cur := levels[d]
		next := make([][32]byte, len(cur)/2)
		for i := range next {
			next[i] = sha256.Sum256(append(cur[2*i][:], cur[2*i+1][:]...))
		}
		levels = append(levels, next)
	}
	root := levels[depth][0]
	var ps []proof.Proof
	// Every node of every level but the root: proofs of every depth, mixed.
	for i := 0; i < n; i++ {
		for d := 0; d < depth; d++ {
			j := i >> d
			if j<<d != i {
				continue
			}
			p := proof.Proof{Gindex: proof.GindexFromUint64(uint64(1)<<(depth-d) | uint64(j)), Leaf: levels[d][j]}
			for k := d; k < depth; k++ {
				p.Branch = append(p.Branch, levels[k][(j>>(k-d))^1])
			}
			ps = append(ps, p)
		}
	}
	return ps, root
}

func TestVerifyMany(t *testing.T) {
	for _, depth := range []int{1, 3, 9} {
		ps, root := manyProofs(t, depth)
		for _, p := range ps {
			if err := p.Verify(root); err != nil {
				t.Fatalf("depth %d: the test's own proof fails: %v", depth, err)
			}
		}
		if err := proof.VerifyMany(ps, root); err != nil {
			t.Fatalf("depth %d, %d proofs: %v", depth, len(ps), err)
		}
		if err := proof.VerifyMany(nil, root); err != nil {
			t.Fatalf("no proofs: %v", err)
		}
		// Any one change anywhere is caught, and named by position.
		last := len(ps) - 1
		cases := []struct {
			name string
			edit func(ps []proof.Proof)
			want error
		}{
			{"leaf", func(ps []proof.Proof) { ps[last].Leaf[0] ^= 1 }, proof.ErrRootMismatch},
			{"branch", func(ps []proof.Proof) { ps[0].Branch[len(ps[0].Branch)-1][31] ^= 0x80 }, proof.ErrRootMismatch},
			{"gindex", func(ps []proof.Proof) { ps[last].Gindex = ps[last].Gindex.Sibling() }, proof.ErrRootMismatch},
			{"branch length", func(ps []proof.Proof) { ps[last].Branch = ps[last].Branch[1:] }, proof.ErrBranchLength},
			{"root gindex", func(ps []proof.Proof) { ps[0].Gindex = proof.Root; ps[0].Branch = nil }, proof.ErrInvalidGindex},
		}
		for _, c := range cases {
			cp := make([]proof.Proof, len(ps))
			for i, p := range ps {
				cp[i] = proof.Proof{Gindex: p.Gindex, Leaf: p.Leaf, Branch: append([][32]byte(nil), p.Branch...)}
			}
			c.edit(cp)
			err := proof.VerifyMany(cp, root)
			if !errors.Is(err, c.want) {
				t.Errorf("depth %d, %s changed: %v, want %v", depth, c.name, err, c.want)
			}
		}
	}
}

// TestVerifyManyMerged checks the proofs that climb as one: copies of the
// same proofs, among which one copy is changed at its lowest level or its
// highest, must still each get their own answer.
func TestVerifyManyMerged(t *testing.T) {
	ps, root := manyProofs(t, 9)
	for _, c := range []struct {
		name  string
		level func(p proof.Proof) int
	}{
		{"lowest sibling", func(p proof.Proof) int { return 0 }},
		{"highest sibling", func(p proof.Proof) int { return len(p.Branch) - 1 }},
	} {
		for _, victim := range []int{0, len(ps) / 2, len(ps) - 1} {
			// Three copies of every proof; the middle copy of the victim is
			// changed.
			var all []proof.Proof
			for k := 0; k < 3; k++ {
				for _, p := range ps {
					all = append(all, proof.Proof{Gindex: p.Gindex, Leaf: p.Leaf, Branch: append([][32]byte(nil), p.Branch...)})
				}
			}
			if err := proof.VerifyMany(all, root); err != nil {
				t.Fatalf("%s: untouched copies fail: %v", c.name, err)
			}
			bad := len(ps) + victim
			all[bad].Branch[c.level(all[bad])][0] ^= 1
			err := proof.VerifyMany(all, root)
			if !errors.Is(err, proof.ErrRootMismatch) {
				t.Fatalf("%s of proof %d changed: %v", c.name, bad, err)
			}
			if want := "verify proof " + itoa(bad) + " "; !strings.Contains(err.Error(), want) {
				t.Errorf("%s of proof %d changed: the error names another proof: %v", c.name, bad, err)
			}
		}
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
