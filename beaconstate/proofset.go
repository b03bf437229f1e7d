package beaconstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// ErrNoProofs reports a proof set without proofs, which proves nothing.
var ErrNoProofs = errors.New("no proofs")

// ErrPathMismatch reports a proof whose path, in the fork, preset and type
// its document states, does not name the node at the proof's gindex: it
// names another node, or none.
var ErrPathMismatch = errors.New("path does not match the gindex")

// CheckPath checks that path names the node at gindex g in the type of the
// fork and preset (preset "" means DefaultPreset, typeName "" DefaultType),
// as Gindex computes it. The error wraps ErrPathMismatch when the path
// names another node or none, or the error of an unknown fork, preset or
// type.
func CheckPath(forkName, preset, typeName, path string, g proof.Gindex) error {
	preset, typeName = withDefaults(preset, typeName)
	t, err := fork.TypeOf(forkName, preset, typeName)
	if err != nil {
		return err
	}
	return checkPathIn(t, forkName, preset, typeName, path, g)
}

// checkPathIn is CheckPath in the type t, already looked up.
func checkPathIn(t *ssz.Type, forkName, preset, typeName, path string, g proof.Gindex) error {
	want, _, err := t.Gindex(path)
	if err != nil {
		return fmt.Errorf("%w: %q is no path of the %s %s %s: %w", ErrPathMismatch, path, preset, forkName, typeName, err)
	}
	if !want.Equal(g) {
		return fmt.Errorf("%w: the proof has gindex %s, but %q is gindex %s in the %s %s %s",
			ErrPathMismatch, g, path, want, preset, forkName, typeName)
	}
	return nil
}

// PathProof is a proof of the member at Path. Its JSON form is
// {"path", "gindex", "leaf", "branch"}: the gindex a decimal string, the
// hashes 0x-hex, the branch bottom-up.
type PathProof struct {
	Path  string
	Proof proof.Proof
}

type pathProofJSON struct {
	Path   string         `json:"path"`
	Gindex string         `json:"gindex"`
	Leaf   proof.Hash32   `json:"leaf"`
	Branch []proof.Hash32 `json:"branch"`
}

// MarshalJSON encodes pp as {"path", "gindex", "leaf", "branch"}.
func (pp PathProof) MarshalJSON() ([]byte, error) {
	if !pp.Proof.Gindex.IsValid() {
		return nil, fmt.Errorf("marshal proof of %q: %w", pp.Path, proof.ErrInvalidGindex)
	}
	w := pathProofJSON{
		Path:   pp.Path,
		Gindex: pp.Proof.Gindex.String(),
		Leaf:   pp.Proof.Leaf,
		Branch: make([]proof.Hash32, len(pp.Proof.Branch)),
	}
	for i, h := range pp.Proof.Branch {
		w.Branch[i] = h
	}
	return json.Marshal(w)
}

// UnmarshalJSON decodes the form written by MarshalJSON. "path" is
// optional; "gindex", "leaf" and "branch" are required and checked as by
// proof.Proof's UnmarshalJSON. Other keys are ignored.
func (pp *PathProof) UnmarshalJSON(b []byte) error {
	var w struct {
		Path string `json:"path"`
	}
	// Errors about the shape are reported by the proof's decoder below.
	_ = json.Unmarshal(b, &w)
	var p proof.Proof
	if err := p.UnmarshalJSON(b); err != nil {
		return err
	}
	*pp = PathProof{Path: w.Path, Proof: p}
	return nil
}

// ProofSet is a set of proofs against one root, with what they were taken
// from. Its JSON form is that of the oracle vectors' vector.json and of
// `beaconproof prove`:
//
//	{"fork": "deneb", "preset": "mainnet", "type": "BeaconState", "root": "0x…",
//	 "proofs": [{"path": "slot", "gindex": "34", "leaf": "0x…", "branch": ["0x…", …]}]}
//
// Verify checks each proof's gindex, leaf and branch against root and,
// when the set names its fork, each proof's path against its gindex: the
// path's gindex in the fork, preset and type (by default mainnet and
// BeaconState, as `beaconproof prove` writes them) must be the proof's.
// Without a fork the paths are not checked (PathsChecked is false): such a
// set proves nodes at gindices, and its paths are only labels.
type ProofSet struct {
	Fork   string
	Preset string
	Type   string
	Root   [32]byte
	Proofs []PathProof
}

type proofSetJSON struct {
	Fork   string       `json:"fork,omitempty"`
	Preset string       `json:"preset,omitempty"`
	Type   string       `json:"type,omitempty"`
	Root   proof.Hash32 `json:"root"`
	Proofs []PathProof  `json:"proofs"`
}

// MarshalJSON encodes s in the form shown on ProofSet.
func (s ProofSet) MarshalJSON() ([]byte, error) {
	proofs := s.Proofs
	if proofs == nil {
		proofs = []PathProof{}
	}
	return json.Marshal(proofSetJSON{Fork: s.Fork, Preset: s.Preset, Type: s.Type, Root: s.Root, Proofs: proofs})
}

// UnmarshalJSON decodes the form shown on ProofSet; "root" and "proofs"
// are required. An error about one proof names its index and path, as in
// `proofs[3] (path "slot"): ...`.
func (s *ProofSet) UnmarshalJSON(b []byte) error {
	var w struct {
		Fork   string            `json:"fork"`
		Preset string            `json:"preset"`
		Type   string            `json:"type"`
		Root   *string           `json:"root"`
		Proofs []json.RawMessage `json:"proofs"`
	}
	d := json.NewDecoder(bytes.NewReader(b))
	if err := d.Decode(&w); err != nil {
		return fmt.Errorf("%w: %v", proof.ErrMalformed, err)
	}
	if w.Root == nil {
		return fmt.Errorf("%w: missing \"root\"", proof.ErrMalformed)
	}
	root, err := proof.ParseHash(*w.Root)
	if err != nil {
		return fmt.Errorf("root: %w", err)
	}
	if w.Proofs == nil {
		return fmt.Errorf("%w: missing \"proofs\"", proof.ErrMalformed)
	}
	out := ProofSet{Fork: w.Fork, Preset: w.Preset, Type: w.Type, Root: root, Proofs: make([]PathProof, len(w.Proofs))}
	for i, raw := range w.Proofs {
		if err := out.Proofs[i].UnmarshalJSON(raw); err != nil {
			var p struct {
				Path string `json:"path"`
			}
			_ = json.Unmarshal(raw, &p)
			return &ProofError{Index: i, Path: p.Path, Err: err}
		}
	}
	*s = out
	return nil
}

// ProofError is the error about one proof of a ProofSet.
type ProofError struct {
	Index int    // the proof's index in ProofSet.Proofs
	Path  string // the proof's path, if it has one
	Err   error
}

// Error names the proof by index and path.
func (e *ProofError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("proofs[%d]: %v", e.Index, e.Err)
	}
	return fmt.Sprintf("proofs[%d] (path %q): %v", e.Index, e.Path, e.Err)
}

// Unwrap returns the underlying error.
func (e *ProofError) Unwrap() error { return e.Err }

// PathsChecked reports whether Verify checks the proofs' paths: whether
// the set names its fork.
func (s *ProofSet) PathsChecked() bool { return s.Fork != "" }

// Verify checks every proof against s.Root and, when the set names its
// fork, every path against its proof's gindex with CheckPath (a proof
// without a path claims nothing about one). The error is a *ProofError
// naming the first proof that fails (wrapping ErrPathMismatch for a path),
// wraps ErrNoProofs when there are none, or names an unknown fork, preset
// or type.
func (s *ProofSet) Verify() error {
	if len(s.Proofs) == 0 {
		return fmt.Errorf("%w to verify", ErrNoProofs)
	}
	preset, typ := withDefaults(s.Preset, s.Type)
	var t *ssz.Type
	if s.PathsChecked() {
		var err error
		if t, err = fork.TypeOf(s.Fork, preset, typ); err != nil {
			return fmt.Errorf("proof set of the %s %s %s: %w", preset, s.Fork, typ, err)
		}
	}
	for i, pp := range s.Proofs {
		if err := pp.Proof.Verify(s.Root); err != nil {
			return &ProofError{Index: i, Path: pp.Path, Err: err}
		}
		if t != nil && pp.Path != "" {
			if err := checkPathIn(t, s.Fork, preset, typ, pp.Path, pp.Proof.Gindex); err != nil {
				return &ProofError{Index: i, Path: pp.Path, Err: err}
			}
		}
	}
	return nil
}
