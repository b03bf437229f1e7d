package beaconstate

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
)

// MultiproofSet is one multiproof of several members of an object, with
// what it was taken from. Its JSON form is that of `beaconproof prove
// --multiproof`:
//
//	{"fork": "deneb", "preset": "mainnet", "type": "BeaconState", "root": "0x…",
//	 "paths": ["validators[5]", "slot"],
//	 "multiproof": {"gindices": ["…", "34"], "leaves": ["0x…", "0x…"], "hashes": ["0x…", …]}}
//
// Paths[i] names the member at Multiproof.Gindices[i] (descending, the
// canonical order of proof.Multiproof). Verify checks the multiproof
// against Root and, when the set names its fork, each path against its
// gindex, as ProofSet does; without a fork the paths are only labels
// (PathsChecked is false).
type MultiproofSet struct {
	Fork, Preset, Type string
	Root               [32]byte
	Paths              []string
	Multiproof         proof.Multiproof
}

type multiproofSetJSON struct {
	Fork       string            `json:"fork,omitempty"`
	Preset     string            `json:"preset,omitempty"`
	Type       string            `json:"type,omitempty"`
	Root       *proof.Hash32     `json:"root"`
	Paths      []string          `json:"paths"`
	Multiproof *proof.Multiproof `json:"multiproof"`
}

// MarshalJSON encodes s in the form shown on MultiproofSet.
func (s MultiproofSet) MarshalJSON() ([]byte, error) {
	root := proof.Hash32(s.Root)
	paths := s.Paths
	if paths == nil {
		paths = []string{}
	}
	return json.Marshal(multiproofSetJSON{Fork: s.Fork, Preset: s.Preset, Type: s.Type, Root: &root, Paths: paths, Multiproof: &s.Multiproof})
}

// UnmarshalJSON decodes the form shown on MultiproofSet; "root" and
// "multiproof" are required (the multiproof checked as by
// proof.Multiproof's UnmarshalJSON), "paths" is optional but, when given,
// names every gindex. Other keys are ignored.
func (s *MultiproofSet) UnmarshalJSON(b []byte) error {
	var w multiproofSetJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("%w: %v", proof.ErrMalformed, err)
	}
	switch {
	case w.Root == nil:
		return fmt.Errorf("%w: missing \"root\"", proof.ErrMalformed)
	case w.Multiproof == nil:
		return fmt.Errorf("%w: missing \"multiproof\"", proof.ErrMalformed)
	case w.Paths != nil && len(w.Paths) != len(w.Multiproof.Gindices):
		return fmt.Errorf("%w: %d paths for %d gindices", proof.ErrMalformed, len(w.Paths), len(w.Multiproof.Gindices))
	}
	*s = MultiproofSet{Fork: w.Fork, Preset: w.Preset, Type: w.Type, Root: *w.Root, Paths: w.Paths, Multiproof: *w.Multiproof}
	return nil
}

// PathsChecked reports whether Verify checks the paths: whether the set
// names its fork.
func (s *MultiproofSet) PathsChecked() bool { return s.Fork != "" }

// Verify checks the multiproof against s.Root and, when the set names its
// fork, every path against its gindex with CheckPath. The error wraps
// ErrNoProofs for a multiproof of nothing and ErrPathMismatch for a path
// that is not its gindex's, and names the path.
func (s *MultiproofSet) Verify() error {
	m := &s.Multiproof
	if len(m.Gindices) == 0 {
		return fmt.Errorf("%w to verify", ErrNoProofs)
	}
	if s.Paths != nil && len(s.Paths) != len(m.Gindices) {
		return fmt.Errorf("%w: %d paths for %d gindices", proof.ErrMalformed, len(s.Paths), len(m.Gindices))
	}
	if err := m.Verify(s.Root); err != nil {
		return fmt.Errorf("multiproof: %w", err)
	}
	if !s.PathsChecked() {
		return nil
	}
	preset, typ := withDefaults(s.Preset, s.Type)
	t, err := fork.TypeOf(s.Fork, preset, typ)
	if err != nil {
		return fmt.Errorf("multiproof of the %s %s %s: %w", preset, s.Fork, typ, err)
	}
	for i, path := range s.Paths {
		if err := checkPathIn(t, s.Fork, preset, typ, path, m.Gindices[i]); err != nil {
			return fmt.Errorf("multiproof paths[%d] (%q): %w", i, path, err)
		}
	}
	return nil
}

// MultiproofSet returns one multiproof of the members at paths (see
// Multiproof) with the object's fork, preset, type and root: the document
// that `beaconproof prove --multiproof` prints. Its paths are in the
// multiproof's gindex order.
func (p *Prover) MultiproofSet(paths []string) (*MultiproofSet, error) {
	m, err := p.Multiproof(paths)
	if err != nil {
		return nil, err
	}
	s := &MultiproofSet{Fork: p.object().Fork, Preset: p.object().Preset, Type: p.object().TypeName, Root: p.root, Multiproof: *m,
		Paths: make([]string, len(m.Gindices))}
	for _, path := range paths {
		g, err := p.Gindex(path)
		if err != nil {
			return nil, err
		}
		i := slices.IndexFunc(m.Gindices, g.Equal)
		if i < 0 {
			return nil, p.object().errorf("internal error: %q (gindex %s) is not in its multiproof", path, g)
		}
		s.Paths[i] = path
	}
	return s, nil
}
