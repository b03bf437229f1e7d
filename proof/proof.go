// Package proof holds the Merkle-proof math of the consensus specs'
// ssz/merkle-proofs.md: generalized indices, single-leaf proofs (the specs'
// is_valid_merkle_branch), their composition, and multiproofs. It knows
// nothing about SSZ schemas: callers supply gindices and node hashes.
package proof

import (
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/prysmaticlabs/gohashtree"
)

var (
	// ErrBranchLength reports a branch (or multiproof hash list) with the wrong
	// number of hashes for its generalized index (or indices).
	ErrBranchLength = errors.New("wrong proof length")
	// ErrRootMismatch reports a proof that does not lead to the expected root.
	ErrRootMismatch = errors.New("merkle root mismatch")
	// ErrMalformed reports a proof that cannot be decoded or is structurally
	// inconsistent (bad hex, missing fields, mismatched lengths).
	ErrMalformed = errors.New("malformed proof")
)

// Proof is a single-leaf Merkle proof: Leaf is the node at Gindex, and Branch
// lists its sibling hashes bottom-up as in the specs' is_valid_merkle_branch:
// Branch[0] is the leaf's sibling and the last entry is the sibling just
// under the root, so len(Branch) == Gindex.Depth().
type Proof struct {
	Gindex Gindex
	Leaf   [32]byte
	Branch [][32]byte
}

// hash returns SHA-256(a ‖ b), the hash of an inner Merkle node, with
// gohashtree's 64-byte SHA-256 (2.6× crypto/sha256 on one pair: it skips
// the padding block's compression, whose schedule is constant).
func hash(a, b [32]byte) [32]byte {
	var out [1][32]byte
	in := [2][32]byte{a, b}
	gohashtree.HashChunks(out[:], in[:])
	return out[0]
}

// checkGindex reports whether g can be the index of a proven node: valid and
// not the root itself.
func checkGindex(g Gindex) error {
	if !g.IsValid() {
		return fmt.Errorf("%w: zero", ErrInvalidGindex)
	}
	if g.Depth() < 1 {
		return fmt.Errorf("%w: %s is the root; a proof needs a gindex ≥ 2", ErrInvalidGindex, g)
	}
	return nil
}

// check validates the shape of p: a gindex ≥ 2 and one branch hash per level.
func (p Proof) check() error {
	if err := checkGindex(p.Gindex); err != nil {
		return err
	}
	if d := p.Gindex.Depth(); len(p.Branch) != d {
		return fmt.Errorf("%w: gindex %s needs a branch of %d hashes, got %d",
			ErrBranchLength, p.Gindex, d, len(p.Branch))
	}
	return nil
}

// Root returns the Merkle root that p implies: the leaf hashed up the branch,
// turning at each level as the gindex's bits say. It fails if the gindex is
// invalid or below 2, or if the branch length is not the gindex's depth.
func (p Proof) Root() ([32]byte, error) {
	if err := p.check(); err != nil {
		return [32]byte{}, fmt.Errorf("proof root: %w", err)
	}
	// buf[0:2] is the pair to hash, buf[2] the result: one allocation for
	// the whole branch (the hasher's slices escape).
	buf := make([][32]byte, 3)
	buf[0] = p.Leaf
	for i, sib := range p.Branch {
		if p.Gindex.Bit(i) == 1 {
			buf[0], buf[1] = sib, buf[0]
		} else {
			buf[1] = sib
		}
		gohashtree.HashChunks(buf[2:3], buf[0:2])
		buf[0] = buf[2]
	}
	return buf[0], nil
}

// Verify checks that p proves its leaf against root. The error wraps
// ErrInvalidGindex, ErrBranchLength or ErrRootMismatch.
func (p Proof) Verify(root [32]byte) error {
	got, err := p.Root()
	if err != nil {
		return fmt.Errorf("verify: %w", err)
	}
	if got != root {
		return fmt.Errorf("verify gindex %s: %w: proof gives %s, expected %s",
			p.Gindex, ErrRootMismatch, FormatHash(got), FormatHash(root))
	}
	return nil
}

// Compose extends p, a proof inside the subtree whose root is parent's leaf,
// into a proof from p's leaf to parent's root: its gindex is
// parent.Gindex.Concat(p.Gindex) and its branch is p.Branch followed by
// parent.Branch. It fails unless both proofs are well formed and p's implied
// root equals parent.Leaf.
func (p Proof) Compose(parent Proof) (Proof, error) {
	inner, err := p.Root()
	if err != nil {
		return Proof{}, fmt.Errorf("compose: inner: %w", err)
	}
	if err := parent.check(); err != nil {
		return Proof{}, fmt.Errorf("compose: outer: %w", err)
	}
	if inner != parent.Leaf {
		return Proof{}, fmt.Errorf("compose: %w: inner proof (gindex %s) gives %s, outer leaf (gindex %s) is %s",
			ErrRootMismatch, p.Gindex, FormatHash(inner), parent.Gindex, FormatHash(parent.Leaf))
	}
	branch := make([][32]byte, 0, len(p.Branch)+len(parent.Branch))
	branch = append(branch, p.Branch...)
	branch = append(branch, parent.Branch...)
	return Proof{Gindex: parent.Gindex.Concat(p.Gindex), Leaf: p.Leaf, Branch: branch}, nil
}

// Compose chains proofs through nested subtrees, outermost first (the same
// order as Concat): proofs[0] proves a node against the overall root,
// proofs[i+1] proves a node against proofs[i].Leaf, and the result proves the
// last proof's leaf against the overall root. It fails on an empty list or if
// any link does not match.
func Compose(proofs ...Proof) (Proof, error) {
	if len(proofs) == 0 {
		return Proof{}, fmt.Errorf("compose: %w: no proofs", ErrMalformed)
	}
	acc := proofs[0]
	if err := acc.check(); err != nil {
		return Proof{}, fmt.Errorf("compose: proof 0: %w", err)
	}
	for i, p := range proofs[1:] {
		var err error
		if acc, err = p.Compose(acc); err != nil {
			return Proof{}, fmt.Errorf("compose: proof %d: %w", i+1, err)
		}
	}
	return acc, nil
}

// ParseHash parses a 32-byte value written as "0x" and 64 hex digits (either
// case). The error wraps ErrMalformed.
func ParseHash(s string) ([32]byte, error) {
	var h [32]byte
	if !strings.HasPrefix(s, "0x") {
		return h, fmt.Errorf("%w: hash %q lacks the 0x prefix", ErrMalformed, truncate(s))
	}
	if len(s) != 66 {
		return h, fmt.Errorf("%w: hash %q has %d hex digits, want 64", ErrMalformed, truncate(s), len(s)-2)
	}
	if _, err := hex.Decode(h[:], []byte(s[2:])); err != nil {
		return [32]byte{}, fmt.Errorf("%w: hash %q: %v", ErrMalformed, truncate(s), err)
	}
	return h, nil
}

// FormatHash writes h as "0x" and 64 lower-case hex digits.
func FormatHash(h [32]byte) string {
	var buf [66]byte
	buf[0], buf[1] = '0', 'x'
	hex.Encode(buf[2:], h[:])
	return string(buf[:])
}

// Hash32 is a 32-byte value that encodes to JSON and text as 0x-hex.
type Hash32 [32]byte

// String returns h as 0x-hex.
func (h Hash32) String() string { return FormatHash(h) }

// MarshalText encodes h as 0x-hex.
func (h Hash32) MarshalText() ([]byte, error) { return []byte(FormatHash(h)), nil }

// UnmarshalText decodes 0x-hex with exactly 64 digits.
func (h *Hash32) UnmarshalText(b []byte) error {
	v, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}

// proofJSON is the wire form of a Proof, as in the oracle vectors.
type proofJSON struct {
	Gindex *string   `json:"gindex"`
	Leaf   *string   `json:"leaf"`
	Branch *[]string `json:"branch"`
}

// MarshalJSON encodes p as {"gindex": decimal string, "leaf": 0x-hex,
// "branch": [0x-hex, …]} (branch bottom-up). It fails if the gindex is zero.
func (p Proof) MarshalJSON() ([]byte, error) {
	if !p.Gindex.IsValid() {
		return nil, fmt.Errorf("marshal proof: %w: zero", ErrInvalidGindex)
	}
	g := p.Gindex.String()
	leaf := FormatHash(p.Leaf)
	branch := formatHashes(p.Branch)
	return json.Marshal(proofJSON{Gindex: &g, Leaf: &leaf, Branch: &branch})
}

// UnmarshalJSON decodes the form written by MarshalJSON. All three keys are
// required; other keys (such as the vectors' "path") are ignored. Hashes must
// be 0x and 64 hex digits, the gindex a positive decimal string, and the
// branch exactly as long as the gindex is deep. Errors name the offending
// field and index and wrap ErrMalformed, ErrInvalidGindex or ErrBranchLength.
func (p *Proof) UnmarshalJSON(b []byte) error {
	var w proofJSON
	if err := json.Unmarshal(b, &w); err != nil {
		return fmt.Errorf("unmarshal proof: %w: %v", ErrMalformed, err)
	}
	switch {
	case w.Gindex == nil:
		return fmt.Errorf("unmarshal proof: %w: missing \"gindex\"", ErrMalformed)
	case w.Leaf == nil:
		return fmt.Errorf("unmarshal proof: %w: missing \"leaf\"", ErrMalformed)
	case w.Branch == nil:
		return fmt.Errorf("unmarshal proof: %w: missing \"branch\"", ErrMalformed)
	}
	g, err := ParseGindex(*w.Gindex)
	if err != nil {
		return fmt.Errorf("unmarshal proof: gindex: %w", err)
	}
	leaf, err := ParseHash(*w.Leaf)
	if err != nil {
		return fmt.Errorf("unmarshal proof: leaf: %w", err)
	}
	if d := g.Depth(); len(*w.Branch) != d {
		return fmt.Errorf("unmarshal proof: %w: gindex %s needs a branch of %d hashes, got %d",
			ErrBranchLength, g, d, len(*w.Branch))
	}
	branch, err := parseHashes("branch", *w.Branch)
	if err != nil {
		return fmt.Errorf("unmarshal proof: %w", err)
	}
	*p = Proof{Gindex: g, Leaf: leaf, Branch: branch}
	return nil
}

func formatHashes(hs [][32]byte) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = FormatHash(h)
	}
	return out
}

func parseHashes(field string, ss []string) ([][32]byte, error) {
	out := make([][32]byte, len(ss))
	for i, s := range ss {
		h, err := ParseHash(s)
		if err != nil {
			return nil, fmt.Errorf("%s[%d]: %w", field, i, err)
		}
		out[i] = h
	}
	return out, nil
}

// NewProof builds the proof of node g, fetching the leaf and then each
// sibling bottom-up through nodeAt. It fails if g is below 2 or if nodeAt
// fails.
func NewProof(g Gindex, nodeAt func(Gindex) ([32]byte, error)) (Proof, error) {
	if err := checkGindex(g); err != nil {
		return Proof{}, fmt.Errorf("new proof: %w", err)
	}
	leaf, err := nodeAt(g)
	if err != nil {
		return Proof{}, fmt.Errorf("new proof: leaf %s: %w", g, err)
	}
	branch := make([][32]byte, 0, g.Depth())
	for n := g; n.Depth() > 0; n = n.Parent() {
		s := n.Sibling()
		h, err := nodeAt(s)
		if err != nil {
			return Proof{}, fmt.Errorf("new proof of %s: sibling %s: %w", g, s, err)
		}
		branch = append(branch, h)
	}
	return Proof{Gindex: g, Leaf: leaf, Branch: branch}, nil
}
