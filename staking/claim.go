package staking

import (
	"encoding/json"
	"fmt"

	"github.com/beaconproof/beaconproof/proof"
)

// Claim is one verified proof with what it proves: the kind of fact, the
// path of the leaf from the anchor's object, the anchor (root and slot)
// the proof leads to, and the decoded leaf value.
type Claim struct {
	// Kind is the proof kind (the Kind constants: "validator",
	// "validator_field", "slot", "balance", "withdrawal", ...).
	Kind Kind
	// Path names the leaf in the state (or block); for proofs that cross
	// objects it joins the steps with " -> " (state, block, withdrawal).
	// With AnchorBlock the path starts below the block's state_root.
	Path string
	// Anchor is the root the proof leads to, with its kind and slot.
	Anchor Anchor
	// Proof leads from the leaf to Anchor.Root: Proof.Verify(Anchor.Root)
	// holds for every Claim this package returns. A verifier must check
	// Anchor.Root against a root it trusts (the EIP-4788 contract's).
	Proof proof.Proof
	// Value is the decoded leaf, of its kind's value type (a
	// ValidatorValue, BalanceValue, WithdrawalValue, ...; see ClaimValue).
	Value ClaimValue
}

type claimJSON struct {
	Kind   Kind           `json:"kind"`
	Path   string         `json:"path"`
	Anchor claimAnchor    `json:"anchor"`
	Gindex proof.Gindex   `json:"gindex"`
	Leaf   proof.Hash32   `json:"leaf"`
	Branch []proof.Hash32 `json:"branch"`
	Value  ClaimValue     `json:"value,omitempty"`
}

// claimAnchor is a claim's anchor in JSON: its root and slot; the
// timestamp belongs to the document.
type claimAnchor struct {
	Kind AnchorKind   `json:"kind"`
	Root proof.Hash32 `json:"root"`
	// Slot is a decimal string.
	Slot uint64 `json:"slot,string"`
}

// MarshalJSON writes the claim in the shape of the oracle vectors' proofs
// plus kind, anchor and value:
//
//	{"kind": "validator", "path": "validators[7]",
//	 "anchor": {"kind": "block", "root": "0x…", "slot": "13165000"},
//	 "gindex": "…", "leaf": "0x…", "branch": ["0x…", …], "value": {…}}
func (c Claim) MarshalJSON() ([]byte, error) {
	j := claimJSON{Kind: c.Kind, Path: c.Path, Anchor: claimAnchor{c.Anchor.Kind, c.Anchor.Root, c.Anchor.Slot}, Gindex: c.Proof.Gindex, Leaf: c.Proof.Leaf, Value: c.Value}
	j.Branch = make([]proof.Hash32, len(c.Proof.Branch))
	for i, h := range c.Proof.Branch {
		j.Branch[i] = h
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes; the kind says the type of
// the value (Kind.ParseValue). A value needs a known kind.
func (c *Claim) UnmarshalJSON(b []byte) error {
	var j struct {
		claimJSON
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("staking: claim: %w", err)
	}
	v, err := j.Kind.ParseValue(j.Value)
	if err != nil {
		return fmt.Errorf("staking: claim: %w", err)
	}
	*c = Claim{Kind: j.Kind, Path: j.Path, Anchor: Anchor{Kind: j.Anchor.Kind, Root: j.Anchor.Root, Slot: j.Anchor.Slot}, Proof: proof.Proof{Gindex: j.Gindex, Leaf: j.Leaf}, Value: v}
	c.Proof.Branch = make([][32]byte, len(j.Branch))
	for i, h := range j.Branch {
		c.Proof.Branch[i] = h
	}
	return nil
}

// Verify checks the claim's proof against root, which the caller trusts
// (a 4788 block root or a state root), and that root is the claim's
// anchor.
func (c Claim) Verify(root [32]byte) error {
	if c.Anchor.Root != root {
		return fmt.Errorf("staking: %s claim is anchored to %s, not to %s", c.Kind, proof.FormatHash(c.Anchor.Root), proof.FormatHash(root))
	}
	if err := c.Proof.Verify(root); err != nil {
		return fmt.Errorf("staking: %s claim %s: %w", c.Kind, c.Path, err)
	}
	return nil
}
