package format

import (
	"encoding/json"
	"fmt"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
)

// VectorsDocument is a file of protocol vectors (the shared vectors'
// protocols/*.json: real proofs from production verifiers' test suites),
// {"network", "cases": [{"name", "kind", "fork", "anchor", "root", "slot",
// "gindex", "leaf", "branch", "value", ...}]}. It is read, never written.
type VectorsDocument struct {
	Network string        `json:"network"`
	Cases   []VectorsCase `json:"cases"`
}

// VectorsCase is one proof of a VectorsDocument.
type VectorsCase struct {
	Name   string          `json:"name"`
	Kind   string          `json:"kind"`
	Fork   string          `json:"fork"`
	Anchor string          `json:"anchor"`
	Root   proof.Hash32    `json:"root"`
	Slot   *U64            `json:"slot"`
	Value  json.RawMessage `json:"value"`
	// WithdrawalBlockFork is the fork of a withdrawal's block.
	WithdrawalBlockFork string      `json:"withdrawal_block_fork"`
	Proof               proof.Proof `json:"-"`
}

// UnmarshalJSON reads a case and its proof (gindex, leaf, branch).
func (c *VectorsCase) UnmarshalJSON(b []byte) error {
	type plain VectorsCase
	var p plain
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	if err := p.Proof.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("case %q: %w", p.Name, err)
	}
	*c = VectorsCase(p)
	return nil
}

// Format returns JSON: a vectors file is a set of JSON proofs.
func (d *VectorsDocument) Format() Name { return JSON }

// Verify checks every case's proof against its root and, for the kinds
// this package knows (slot, validator, state_root, withdrawal,
// historical_withdrawal) under a block or state root, the leaf against the
// case's value and the gindex against the one its fork and indices give
// (mainnet preset).
func (d *VectorsDocument) Verify() error {
	if len(d.Cases) == 0 {
		return fmt.Errorf("%w to verify", beaconstate.ErrNoProofs)
	}
	net, err := fork.NetworkByName(d.Network)
	if err != nil {
		net, _ = networkOf("", nil)
	}
	for i, c := range d.Cases {
		if err := c.verify(net); err != nil {
			return itemErr(fmt.Sprintf("cases[%d] (%s)", i, c.Name), err)
		}
	}
	return nil
}

func (c VectorsCase) verify(net *fork.Network) error {
	if err := c.Proof.Verify(c.Root); err != nil {
		return err
	}
	var anchor staking.AnchorKind
	switch c.Anchor {
	case "block_root":
		anchor = staking.AnchorBlock
	case "state_root":
		anchor = staking.AnchorState
	default:
		return nil
	}
	g, leaf, ok, err := c.expected(anchor, net)
	if err != nil || !ok {
		return err
	}
	if leaf != c.Proof.Leaf {
		return fmt.Errorf("%w: the value gives the leaf %s, the case has %s", proof.ErrRootMismatch, proof.FormatHash(leaf), proof.FormatHash(c.Proof.Leaf))
	}
	if !g.Equal(c.Proof.Gindex) {
		return fmt.Errorf("%w: the case has gindex %s, its fork and indices give %s", proof.ErrMalformed, c.Proof.Gindex, g)
	}
	return nil
}

// expected returns the gindex and the leaf that the case's fork, indices
// and value give; ok is false for a case this package does not check.
func (c VectorsCase) expected(anchor staking.AnchorKind, net *fork.Network) (g proof.Gindex, leaf [32]byte, ok bool, err error) {
	switch c.Kind {
	case "slot":
		var v struct {
			Slot U64 `json:"slot"`
		}
		if err := decodeStrict("slot value", c.Value, &v); err != nil {
			return g, leaf, false, err
		}
		g, err = stateGindex(c.Fork, "", anchor, "slot")
		return g, ChunkUint64(uint64(v.Slot)), true, err
	case "validator":
		var v staking.ValidatorValue
		if err := decodeStrict("validator value", c.Value, &v); err != nil {
			return g, leaf, false, err
		}
		s, err := schemasOf(c.Fork, "")
		if err != nil {
			return g, leaf, false, err
		}
		if leaf, err = staking.ValidatorRoot(s, v.Validator); err != nil {
			return g, leaf, false, err
		}
		g, err = stateGindex(c.Fork, "", anchor, fmt.Sprintf("validators[%d]", v.Index))
		return g, leaf, true, err
	case "state_root":
		var v staking.StateRootValue
		if err := decodeStrict("state_root value", c.Value, &v); err != nil || anchor != staking.AnchorBlock {
			return g, leaf, false, err
		}
		g, err = stateGindex(c.Fork, "", anchor, "")
		return g, v.StateRoot, true, err
	case "withdrawal", "historical_withdrawal":
		if c.Slot == nil {
			return g, leaf, false, nil
		}
		return c.expectedWithdrawal(anchor, net)
	}
	return g, leaf, false, nil
}

func (c VectorsCase) expectedWithdrawal(anchor staking.AnchorKind, net *fork.Network) (g proof.Gindex, leaf [32]byte, ok bool, err error) {
	var v staking.WithdrawalValue
	if err := decodeStrict("withdrawal value", c.Value, &v); err != nil {
		return g, leaf, false, err
	}
	blockFork := c.WithdrawalBlockFork
	if blockFork == "" {
		blockFork = c.Fork
	}
	s, err := schemasOf(blockFork, "")
	if err != nil {
		return g, leaf, false, err
	}
	if leaf, err = staking.WithdrawalRoot(s, v.Withdrawal); err != nil {
		return g, leaf, false, err
	}
	a := staking.Anchor{Kind: anchor, Slot: uint64(*c.Slot)}
	g, historical, err := withdrawalGindex(c.Fork, "", c.WithdrawalBlockFork, net, a, v.Slot, v.Num)
	if err == nil && historical != (c.Kind == "historical_withdrawal") {
		err = fmt.Errorf("%w: the slots make this a historical withdrawal: %v", proof.ErrMalformed, historical)
	}
	return g, leaf, true, err
}
