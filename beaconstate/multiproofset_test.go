package beaconstate

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
)

// TestMultiproofSet: a prover's multiproof set names each path beside its
// gindex, survives its JSON form, and Verify binds the paths to the
// gindices when the set names its fork.
func TestMultiproofSet(t *testing.T) {
	_, p := loadCase(t, "minimal/electra/state_0")
	paths := []string{"slot", "validators[5].withdrawal_credentials", "block_roots[3]"}
	set, err := p.MultiproofSet(paths)
	if err != nil {
		t.Fatal(err)
	}
	for i, path := range set.Paths {
		g, err := p.Gindex(path)
		if err != nil {
			t.Fatal(err)
		}
		if !g.Equal(set.Multiproof.Gindices[i]) {
			t.Errorf("paths[%d] %q is gindex %s, beside %s", i, path, g, set.Multiproof.Gindices[i])
		}
	}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	var back MultiproofSet
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if b2, _ := json.Marshal(back); string(b2) != string(b) {
		t.Fatalf("round trip:\n%s\n%s", b, b2)
	}
	if err := back.Verify(); err != nil || !back.PathsChecked() {
		t.Fatalf("Verify = %v, PathsChecked %v", err, back.PathsChecked())
	}
	for _, c := range []struct {
		name    string
		edit    func(s *MultiproofSet)
		want    error // nil: verifies
		contain string
	}{
		{"paths swapped", func(s *MultiproofSet) { s.Paths[0], s.Paths[1] = s.Paths[1], s.Paths[0] }, ErrPathMismatch, "multiproof paths[0]"},
		{"another fork", func(s *MultiproofSet) { s.Fork = "deneb" }, ErrPathMismatch, "multiproof paths["},
		{"unknown fork", func(s *MultiproofSet) { s.Fork = "london" }, fork.ErrUnknownFork, "london"},
		{"a path short", func(s *MultiproofSet) { s.Paths = s.Paths[1:] }, proof.ErrMalformed, "2 paths for 3 gindices"},
		{"a leaf changed", func(s *MultiproofSet) { s.Multiproof.Leaves[0][0] ^= 1 }, proof.ErrRootMismatch, "multiproof: "},
		{"nothing", func(s *MultiproofSet) { s.Multiproof = proof.Multiproof{}; s.Paths = nil }, ErrNoProofs, ""},
		{"no fork: paths not checked", func(s *MultiproofSet) { s.Fork = ""; s.Paths[0] = "genesis_time" }, nil, ""},
		{"no paths", func(s *MultiproofSet) { s.Paths = nil }, nil, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			var s MultiproofSet
			if err := json.Unmarshal(b, &s); err != nil {
				t.Fatal(err)
			}
			c.edit(&s)
			err := s.Verify()
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.contain) {
				t.Fatalf("Verify = %v, want %v containing %q", err, c.want, c.contain)
			}
		})
	}
	for _, bad := range []string{`{}`, `{"root": "0x` + strings.Repeat("00", 32) + `"}`, `{"multiproof": {"gindices": [], "leaves": [], "hashes": []}}`} {
		var s MultiproofSet
		if err := json.Unmarshal([]byte(bad), &s); !errors.Is(err, proof.ErrMalformed) {
			t.Errorf("%s: %v, want ErrMalformed", bad, err)
		}
	}
}
