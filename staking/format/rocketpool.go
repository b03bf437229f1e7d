package format

import (
	"fmt"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
)

// RocketPoolDocument is the "rocketpool" format: the proofs as the structs
// of Rocket Pool's BeaconStateVerifier take them (field names as in
// BeaconStateVerifierInterface.sol), every witness list bottom-up from the
// leaf to the beacon block root that EIP-4788 stores for Anchor.Timestamp.
// The contract's functions are verifySlot(_slotTimestamp, SlotProof),
// verifyValidator(_slotTimestamp, _slot, ValidatorProof) and
// verifyWithdrawal(_slotTimestamp, _slot, WithdrawalProof), with _slot the
// anchor's slot; the gindex fields are informational (the contract derives
// them, and so does Verify).
type RocketPoolDocument struct {
	Fmt              Name                        `json:"format"`
	Fork             string                      `json:"fork"`
	Preset           string                      `json:"preset"`
	Network          string                      `json:"network,omitempty"`
	BlockFork        string                      `json:"blockFork,omitempty"`
	Anchor           AnchorJSON                  `json:"anchor"`
	SlotProof        *RocketPoolSlotProof        `json:"slotProof,omitempty"`
	ValidatorProofs  []RocketPoolValidatorProof  `json:"validatorProofs,omitempty"`
	WithdrawalProofs []RocketPoolWithdrawalProof `json:"withdrawalProofs,omitempty"`
	BalanceProofs    []RocketPoolBalanceProof    `json:"balanceProofs,omitempty"`
}

// RocketPoolSlotProof is Rocket Pool's SlotProof{uint64 slot; bytes32[]
// witnesses}: state.slot under the block root.
type RocketPoolSlotProof struct {
	Slot      U64            `json:"slot"`
	Witnesses []proof.Hash32 `json:"witnesses"`
	Gindex    *proof.Gindex  `json:"gindex,omitempty"`
}

// RocketPoolValidator is Rocket Pool's Validator struct.
type RocketPoolValidator struct {
	Pubkey                     HexBytes     `json:"pubkey"`
	WithdrawalCredentials      proof.Hash32 `json:"withdrawalCredentials"`
	EffectiveBalance           U64          `json:"effectiveBalance"`
	Slashed                    bool         `json:"slashed"`
	ActivationEligibilityEpoch U64          `json:"activationEligibilityEpoch"`
	ActivationEpoch            U64          `json:"activationEpoch"`
	ExitEpoch                  U64          `json:"exitEpoch"`
	WithdrawableEpoch          U64          `json:"withdrawableEpoch"`
}

// RocketPoolValidatorProof is Rocket Pool's ValidatorProof{uint40
// validatorIndex; Validator validator; bytes32[] witnesses}.
type RocketPoolValidatorProof struct {
	ValidatorIndex U64                 `json:"validatorIndex"`
	Validator      RocketPoolValidator `json:"validator"`
	Witnesses      []proof.Hash32      `json:"witnesses"`
	Gindex         *proof.Gindex       `json:"gindex,omitempty"`
}

// RocketPoolWithdrawal is Rocket Pool's Withdrawal struct; its
// withdrawalCredentials is the 20-byte execution address.
type RocketPoolWithdrawal struct {
	Index                 U64     `json:"index"`
	ValidatorIndex        U64     `json:"validatorIndex"`
	WithdrawalCredentials Address `json:"withdrawalCredentials"`
	AmountInGwei          U64     `json:"amountInGwei"`
}

// RocketPoolWithdrawalProof is Rocket Pool's WithdrawalProof{uint64
// withdrawalSlot; uint16 withdrawalNum; Withdrawal withdrawal; bytes32[]
// witnesses}: through block_roots when withdrawalSlot + 8192 ≥ the anchor
// slot, through historical_summaries otherwise.
type RocketPoolWithdrawalProof struct {
	WithdrawalSlot U64                  `json:"withdrawalSlot"`
	WithdrawalNum  U64                  `json:"withdrawalNum"`
	Withdrawal     RocketPoolWithdrawal `json:"withdrawal"`
	Witnesses      []proof.Hash32       `json:"witnesses"`
	Gindex         *proof.Gindex        `json:"gindex,omitempty"`
}

// RocketPoolBalanceProof is ValidatorBalanceProof{bytes32 balanceChunk;
// bytes32[] witnesses} of the newer BeaconStateVerifierInterface (final
// balance proofs, version 2): the balances chunk that holds the
// validator's balance, under the block root. ValidatorIndex and Balance
// are what the struct leaves implicit.
type RocketPoolBalanceProof struct {
	ValidatorIndex U64            `json:"validatorIndex"`
	Balance        U64            `json:"balance"`
	BalanceChunk   proof.Hash32   `json:"balanceChunk"`
	Witnesses      []proof.Hash32 `json:"witnesses"`
	Gindex         *proof.Gindex  `json:"gindex,omitempty"`
}

// Format returns RocketPool.
func (d *RocketPoolDocument) Format() Name { return RocketPool }

func gindexPtr(g proof.Gindex) *proof.Gindex { return &g }

func needBlockAnchor(format Name, a staking.Anchor) error {
	if a.Kind != staking.AnchorBlock {
		return fmt.Errorf("%w: %s proofs lead to the beacon block root that EIP-4788 stores, not to a %s root: anchor them to the block",
			ErrUnsupported, format, a.Kind)
	}
	return nil
}

// NewRocketPool returns the Rocket Pool document of the input's claims:
// slot, validator, withdrawal (recent or historical) and balance claims
// anchored to a block. Other kinds fail with ErrUnsupported. The document
// is verified before it is returned.
func NewRocketPool(in Input) (*RocketPoolDocument, error) {
	if err := needBlockAnchor(RocketPool, in.Anchor); err != nil {
		return nil, fmt.Errorf("format: rocketpool: %w", err)
	}
	d := &RocketPoolDocument{
		Fmt: RocketPool, Fork: in.Fork, Preset: orMainnet(in.Preset), Network: in.Network, BlockFork: in.BlockFork,
		Anchor: anchorJSON(in.Anchor, in.Timestamp),
	}
	for i, c := range in.Claims {
		if err := d.add(c); err != nil {
			return nil, fmt.Errorf("format: rocketpool: claims[%d] (%s %s): %w", i, c.Kind, c.Path, err)
		}
	}
	if err := d.Verify(); err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	return d, nil
}

func (d *RocketPoolDocument) add(c staking.Claim) error {
	g := gindexPtr(c.Proof.Gindex)
	w := hashes(c.Proof.Branch)
	switch c.Kind {
	case "slot":
		var slot U64
		if err := decodeStrict("slot value", c.Value, &slot); err != nil {
			return err
		}
		if d.SlotProof != nil {
			return fmt.Errorf("%w: a second slot proof", proof.ErrMalformed)
		}
		d.SlotProof = &RocketPoolSlotProof{Slot: slot, Witnesses: w, Gindex: g}
	case "validator":
		i, _, ok := pathIndex(c.Path, "validators")
		if !ok {
			return fmt.Errorf("%w: a validator's path is validators[i]", proof.ErrMalformed)
		}
		var v validatorJSON
		if err := decodeStrict("validator value", c.Value, &v); err != nil {
			return err
		}
		d.ValidatorProofs = append(d.ValidatorProofs, RocketPoolValidatorProof{
			ValidatorIndex: U64(i), Validator: rpValidator(v), Witnesses: w, Gindex: g,
		})
	case "withdrawal", "historical_withdrawal":
		var v withdrawalJSON
		if err := decodeStrict("withdrawal value", c.Value, &v); err != nil {
			return err
		}
		d.WithdrawalProofs = append(d.WithdrawalProofs, RocketPoolWithdrawalProof{
			WithdrawalSlot: v.WithdrawalSlot, WithdrawalNum: v.WithdrawalNum,
			Withdrawal: RocketPoolWithdrawal{Index: v.Index, ValidatorIndex: v.ValidatorIndex, WithdrawalCredentials: v.Address, AmountInGwei: v.Amount},
			Witnesses:  w, Gindex: g,
		})
	case "balance":
		i, _, ok := pathIndex(c.Path, "balances")
		if !ok {
			return fmt.Errorf("%w: a balance's path is balances[i]", proof.ErrMalformed)
		}
		var v balanceJSON
		if err := decodeStrict("balance value", c.Value, &v); err != nil {
			return err
		}
		d.BalanceProofs = append(d.BalanceProofs, RocketPoolBalanceProof{
			ValidatorIndex: U64(i), Balance: v.Balance, BalanceChunk: c.Proof.Leaf, Witnesses: w, Gindex: g,
		})
	default:
		return fmt.Errorf("%w: Rocket Pool's verifier has no %s proofs (it takes slot, validator, withdrawal and balance proofs)", ErrUnsupported, c.Kind)
	}
	return nil
}

func rpValidator(v validatorJSON) RocketPoolValidator { return RocketPoolValidator(v) }

// validator returns the record, checking the pubkey's length.
func (v RocketPoolValidator) validator() (beaconstate.Validator, error) {
	return validatorJSON(v).validator()
}

// Verify recomputes every leaf from the document's values (the validator
// root from its 8 fields, the withdrawal root from its 4, the slot, the
// balance in its lane) and every gindex from the fork, the indices and the
// slots, and checks each witness list against the anchor's block root. The
// slot proof must prove the anchor's slot.
func (d *RocketPoolDocument) Verify() error {
	if err := d.verify(); err != nil {
		return fmt.Errorf("rocketpool: %w", err)
	}
	return nil
}

func (d *RocketPoolDocument) verify() error {
	if err := d.Anchor.check(); err != nil {
		return err
	}
	if err := needBlockAnchor(RocketPool, d.Anchor.Anchor()); err != nil {
		return err
	}
	if d.SlotProof == nil && len(d.ValidatorProofs) == 0 && len(d.WithdrawalProofs) == 0 && len(d.BalanceProofs) == 0 {
		return fmt.Errorf("%w to verify", beaconstate.ErrNoProofs)
	}
	root := [32]byte(d.Anchor.Root)
	anchor := staking.AnchorBlock
	if p := d.SlotProof; p != nil {
		err := func() error {
			if uint64(p.Slot) != uint64(d.Anchor.Slot) {
				return fmt.Errorf("%w: the slot proof is for slot %d, the anchor is at slot %d", proof.ErrMalformed, p.Slot, d.Anchor.Slot)
			}
			g, _, err := stateGindex(d.Fork, d.Preset, anchor, "slot")
			if err != nil {
				return err
			}
			return check(g, p.Gindex, ChunkUint64(uint64(p.Slot)), unhash(p.Witnesses), root)
		}()
		if err != nil {
			return itemErr("slotProof", err)
		}
	}
	for k, p := range d.ValidatorProofs {
		err := func() error {
			if p.ValidatorIndex >= 1<<40 {
				return fmt.Errorf("%w: validatorIndex %d does not fit a uint40", proof.ErrMalformed, p.ValidatorIndex)
			}
			v, err := p.Validator.validator()
			if err != nil {
				return err
			}
			g, _, err := stateGindex(d.Fork, d.Preset, anchor, fmt.Sprintf("validators[%d]", p.ValidatorIndex))
			if err != nil {
				return err
			}
			return check(g, p.Gindex, ValidatorRoot(v), unhash(p.Witnesses), root)
		}()
		if err != nil {
			return itemErr(fmt.Sprintf("validatorProofs[%d] (validator %d)", k, p.ValidatorIndex), err)
		}
	}
	for k, p := range d.WithdrawalProofs {
		err := func() error {
			if p.WithdrawalNum >= 1<<16 {
				return fmt.Errorf("%w: withdrawalNum %d does not fit a uint16", proof.ErrMalformed, p.WithdrawalNum)
			}
			ref := withdrawalRef{
				Fork: d.Fork, Preset: d.Preset, BlockFork: d.BlockFork, Network: d.Network, Anchor: anchor,
				StateSlot: uint64(d.Anchor.Slot), WithdrawalSlot: uint64(p.WithdrawalSlot), Num: uint64(p.WithdrawalNum),
			}
			g, _, _, err := ref.gindex()
			if err != nil {
				return err
			}
			w := p.Withdrawal
			leaf := WithdrawalRoot(beaconstate.Withdrawal{Index: uint64(w.Index), ValidatorIndex: uint64(w.ValidatorIndex), Address: w.WithdrawalCredentials, Amount: uint64(w.AmountInGwei)})
			return check(g, p.Gindex, leaf, unhash(p.Witnesses), root)
		}()
		if err != nil {
			return itemErr(fmt.Sprintf("withdrawalProofs[%d] (slot %d, withdrawal %d)", k, p.WithdrawalSlot, p.WithdrawalNum), err)
		}
	}
	for k, p := range d.BalanceProofs {
		err := func() error {
			if err := checkLane(p.BalanceChunk, uint64(p.ValidatorIndex), uint64(p.Balance)); err != nil {
				return err
			}
			g, _, err := stateGindex(d.Fork, d.Preset, anchor, fmt.Sprintf("balances[%d]", p.ValidatorIndex))
			if err != nil {
				return err
			}
			return check(g, p.Gindex, p.BalanceChunk, unhash(p.Witnesses), root)
		}()
		if err != nil {
			return itemErr(fmt.Sprintf("balanceProofs[%d] (validator %d)", k, p.ValidatorIndex), err)
		}
	}
	return nil
}
