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
	network := d.Network
	if _, err := fork.NetworkByName(network); err != nil {
		network = ""
	}
	for i, c := range d.Cases {
		if err := c.verify(network); err != nil {
			return itemErr(fmt.Sprintf("cases[%d] (%s)", i, c.Name), err)
		}
	}
	return nil
}

func (c VectorsCase) verify(network string) error {
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
	var (
		g    proof.Gindex
		leaf [32]byte
		err  error
	)
	switch c.Kind {
	case "slot":
		var v struct {
			Slot U64 `json:"slot"`
		}
		if err := decodeStrict("slot value", c.Value, &v); err != nil {
			return err
		}
		leaf = ChunkUint64(uint64(v.Slot))
		g, _, err = stateGindex(c.Fork, "", anchor, "slot")
	case "validator":
		var v struct {
			ValidatorIndex U64 `json:"validator_index"`
			validatorJSON
		}
		if err := decodeStrict("validator value", c.Value, &v); err != nil {
			return err
		}
		val, err := v.validator()
		if err != nil {
			return err
		}
		leaf = ValidatorRoot(val)
		g, _, err = stateGindex(c.Fork, "", anchor, fmt.Sprintf("validators[%d]", v.ValidatorIndex))
		if err != nil {
			return err
		}
	case "state_root":
		var v struct {
			StateRoot proof.Hash32 `json:"state_root"`
		}
		if err := decodeStrict("state_root value", c.Value, &v); err != nil {
			return err
		}
		if anchor != staking.AnchorBlock {
			return nil
		}
		leaf = v.StateRoot
		g, _, err = stateGindex(c.Fork, "", anchor, "")
	case "withdrawal", "historical_withdrawal":
		if c.Slot == nil {
			return nil
		}
		var v withdrawalJSON
		if err := decodeStrict("withdrawal value", c.Value, &v); err != nil {
			return err
		}
		leaf = WithdrawalRoot(v.withdrawal())
		ref := withdrawalRef{
			Fork: c.Fork, BlockFork: c.WithdrawalBlockFork, Network: network, Anchor: anchor,
			StateSlot: uint64(*c.Slot), WithdrawalSlot: uint64(v.WithdrawalSlot), Num: uint64(v.WithdrawalNum),
		}
		var historical bool
		g, historical, _, err = ref.gindex()
		if err == nil && historical != (c.Kind == "historical_withdrawal") {
			err = fmt.Errorf("%w: the slots make this a historical withdrawal: %v", proof.ErrMalformed, historical)
		}
	default:
		return nil
	}
	if err != nil {
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
