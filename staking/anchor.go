package staking

import (
	"encoding/json"
	"fmt"

	"github.com/beaconproof/beaconproof/proof"
)

// AnchorKind says which root a proof leads to.
type AnchorKind string

const (
	// AnchorState anchors proofs to the state's hash tree root.
	AnchorState AnchorKind = "state"
	// AnchorBlock anchors proofs to the root of the block whose post-state
	// is the state: the root that the EIP-4788 contract returns for the
	// timestamp of the block's child.
	AnchorBlock AnchorKind = "block"
)

// ParseAnchorKind parses "state" or "block".
func ParseAnchorKind(s string) (AnchorKind, error) {
	switch AnchorKind(s) {
	case AnchorState, AnchorBlock:
		return AnchorKind(s), nil
	}
	return "", fmt.Errorf("staking: unknown anchor %q (want %q or %q)", s, AnchorState, AnchorBlock)
}

// Anchor is the root that a Claim's proof verifies against: a state root,
// or a block root as the EIP-4788 contract returns it (for the timestamp
// of the next block after Slot).
type Anchor struct {
	Kind AnchorKind
	Root proof.Hash32
	// Slot is the slot of the anchor block (or state).
	Slot uint64
	// Timestamp is the EIP-4788 key under which the beacon roots contract
	// stores Root (the timestamp of the anchor block's child); 0 when
	// unknown. A StateProver does not know it: its claims' anchors have
	// none, and documents add it.
	Timestamp uint64
}

// anchorJSON is an Anchor as documents write it: slot and timestamp as
// decimal strings (read also as numbers), timestamp null when unknown.
type anchorJSON struct {
	Kind      AnchorKind   `json:"kind"`
	Root      proof.Hash32 `json:"root"`
	Slot      U64          `json:"slot"`
	Timestamp *U64         `json:"timestamp"`
}

// MarshalJSON writes {"kind", "root", "slot", "timestamp"}, the timestamp
// null when unknown.
func (a Anchor) MarshalJSON() ([]byte, error) {
	j := anchorJSON{Kind: a.Kind, Root: a.Root, Slot: U64(a.Slot)}
	if a.Timestamp != 0 {
		t := U64(a.Timestamp)
		j.Timestamp = &t
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes. It does not check the kind
// (see Anchor.Check).
func (a *Anchor) UnmarshalJSON(b []byte) error {
	var j anchorJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*a = Anchor{Kind: j.Kind, Root: j.Root, Slot: uint64(j.Slot)}
	if j.Timestamp != nil {
		a.Timestamp = uint64(*j.Timestamp)
	}
	return nil
}

// Check checks that the anchor's kind is known.
func (a Anchor) Check() error {
	if _, err := ParseAnchorKind(string(a.Kind)); err != nil {
		return fmt.Errorf("anchor: %w", err)
	}
	return nil
}

// WithoutTimestamp returns the anchor without its timestamp: the root a claim leads
// to, as the claims of a StateProver carry it.
func (a Anchor) WithoutTimestamp() Anchor {
	a.Timestamp = 0
	return a
}
