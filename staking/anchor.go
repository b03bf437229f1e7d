package staking

import (
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
	return "", fmt.Errorf("beaconstate: unknown anchor %q (want %q or %q)", s, AnchorState, AnchorBlock)
}

// Anchor is the root that a Claim's proof verifies against: a state root,
// or a block root as the EIP-4788 contract returns it (for the timestamp
// of the next block after Slot).
type Anchor struct {
	Kind AnchorKind   `json:"kind"`
	Root proof.Hash32 `json:"root"`
	// Slot is the slot of the anchor block (or state); in JSON a decimal
	// string.
	Slot uint64 `json:"slot,string"`
}
