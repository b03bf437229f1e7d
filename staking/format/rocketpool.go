package format

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/ethereum/go-ethereum/accounts/abi"
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
	Fmt       Name   `json:"format"`
	Fork      string `json:"fork"`
	Preset    string `json:"preset"`
	Network   string `json:"network,omitempty"`
	BlockFork string `json:"blockFork,omitempty"`
	// NetworkConfig is the network's facts, when the prover knew them.
	NetworkConfig    *NetworkConfig              `json:"networkConfig,omitempty"`
	Anchor           staking.Anchor              `json:"anchor"`
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

// needBlockAnchor fails for an anchor that is not a block's: the
// protocols' verifiers read the block root EIP-4788 stores.
func needBlockAnchor(format Name, a staking.Anchor) error {
	if a.Kind != staking.AnchorBlock {
		return fmt.Errorf("%w: %s proofs lead to the beacon block root that EIP-4788 stores, not to a %s root: anchor them to the block",
			ErrUnsupported, format, a.Kind)
	}
	return nil
}

// rocketPoolFormat is Rocket Pool's format: its document and calldata.
func rocketPoolFormat() protocolFormat {
	return protocolFormat{
		name:  RocketPool,
		emit:  func(in Input) (Document, error) { return NewRocketPool(in) },
		empty: func() Document { return new(RocketPoolDocument) },
		calldata: func(doc Document) *CalldataDocument {
			d, ok := doc.(*RocketPoolDocument)
			if !ok {
				return nil
			}
			return &CalldataDocument{Fmt: Calldata, Protocol: RocketPool, Fork: d.Fork, Preset: d.Preset, Network: d.Network, BlockFork: d.BlockFork,
				NetworkConfig: d.NetworkConfig, Anchor: d.Anchor}
		},
		encode:   func(doc Document, b *calldataBuilder) error { return doc.(*RocketPoolDocument).encode(b) },
		deployed: rocketPoolDeployed,
		decoder: func(c *CalldataDocument) (Document, func(calldataItem) error) {
			d := &RocketPoolDocument{Fmt: RocketPool, Fork: c.Fork, Preset: c.Preset, Network: c.Network, BlockFork: c.BlockFork,
				NetworkConfig: c.NetworkConfig, Anchor: c.Anchor}
			return d, d.decodeValue
		},
	}
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
		NetworkConfig: NetworkConfigOf(in.NetworkConfig), Anchor: in.Anchor,
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
	case staking.KindSlot:
		slot, err := claimValue[staking.SlotValue](c)
		if err != nil {
			return err
		}
		if d.SlotProof != nil {
			return fmt.Errorf("%w: a second slot proof", proof.ErrMalformed)
		}
		d.SlotProof = &RocketPoolSlotProof{Slot: U64(slot), Witnesses: w, Gindex: g}
	case staking.KindValidator:
		v, err := claimValue[staking.ValidatorValue](c)
		if err != nil {
			return err
		}
		d.ValidatorProofs = append(d.ValidatorProofs, RocketPoolValidatorProof{
			ValidatorIndex: U64(v.Index), Validator: rpValidator(v.Validator), Witnesses: w, Gindex: g,
		})
	case staking.KindWithdrawal, staking.KindHistoricalWithdrawal:
		v, err := claimValue[staking.WithdrawalValue](c)
		if err != nil {
			return err
		}
		d.WithdrawalProofs = append(d.WithdrawalProofs, RocketPoolWithdrawalProof{
			WithdrawalSlot: U64(v.Slot), WithdrawalNum: U64(v.Num), Withdrawal: rpWithdrawal(v.Withdrawal), Witnesses: w, Gindex: g,
		})
	case staking.KindBalance:
		v, err := claimValue[staking.BalanceValue](c)
		if err != nil {
			return err
		}
		d.BalanceProofs = append(d.BalanceProofs, RocketPoolBalanceProof{
			ValidatorIndex: v.ValidatorIndex, Balance: v.Balance, BalanceChunk: c.Proof.Leaf, Witnesses: w, Gindex: g,
		})
	default:
		return fmt.Errorf("%w: Rocket Pool's verifier has no %s proofs (it takes slot, validator, withdrawal and balance proofs)", ErrUnsupported, c.Kind)
	}
	return nil
}

func rpValidator(v beaconstate.Validator) RocketPoolValidator {
	return RocketPoolValidator{
		Pubkey: v.Pubkey[:], WithdrawalCredentials: v.WithdrawalCredentials, EffectiveBalance: U64(v.EffectiveBalance),
		Slashed: v.Slashed, ActivationEligibilityEpoch: U64(v.ActivationEligibilityEpoch), ActivationEpoch: U64(v.ActivationEpoch),
		ExitEpoch: U64(v.ExitEpoch), WithdrawableEpoch: U64(v.WithdrawableEpoch),
	}
}

func rpWithdrawal(w beaconstate.Withdrawal) RocketPoolWithdrawal {
	return RocketPoolWithdrawal{Index: U64(w.Index), ValidatorIndex: U64(w.ValidatorIndex), WithdrawalCredentials: w.Address, AmountInGwei: U64(w.Amount)}
}

// validator returns the record, checking the pubkey's length.
func (v RocketPoolValidator) validator() (beaconstate.Validator, error) {
	if len(v.Pubkey) != 48 {
		return beaconstate.Validator{}, fmt.Errorf("%w: pubkey is %d bytes, want 48", proof.ErrMalformed, len(v.Pubkey))
	}
	out := beaconstate.Validator{
		WithdrawalCredentials: v.WithdrawalCredentials, EffectiveBalance: uint64(v.EffectiveBalance), Slashed: v.Slashed,
		ActivationEligibilityEpoch: uint64(v.ActivationEligibilityEpoch), ActivationEpoch: uint64(v.ActivationEpoch),
		ExitEpoch: uint64(v.ExitEpoch), WithdrawableEpoch: uint64(v.WithdrawableEpoch),
	}
	copy(out.Pubkey[:], v.Pubkey)
	return out, nil
}

// Verify recomputes every leaf from the document's values (the validator
// root from its 8 fields, the withdrawal root from its 4, the slot, the
// balance in its lane) and every gindex from the fork, the indices and the
// slots, and checks each witness list against the anchor's block root. The
// slot proof must prove the anchor's slot.
func (d *RocketPoolDocument) Verify() error { return verifyProtocolDoc(RocketPool, d.Anchor, d.verify) }

// verify checks the proofs, the anchor checked.
func (d *RocketPoolDocument) verify() error {
	if err := checkFacts(d.NetworkConfig); err != nil {
		return err
	}
	if d.SlotProof == nil && len(d.ValidatorProofs) == 0 && len(d.WithdrawalProofs) == 0 && len(d.BalanceProofs) == 0 {
		return fmt.Errorf("%w to verify", beaconstate.ErrNoProofs)
	}
	if p := d.SlotProof; p != nil {
		if err := d.verifySlot(p); err != nil {
			return itemErr("slotProof", err)
		}
	}
	for k, p := range d.ValidatorProofs {
		if err := d.verifyValidator(p); err != nil {
			return itemErr(fmt.Sprintf("validatorProofs[%d] (validator %d)", k, p.ValidatorIndex), err)
		}
	}
	for k, p := range d.WithdrawalProofs {
		if err := d.verifyWithdrawal(p); err != nil {
			return itemErr(fmt.Sprintf("withdrawalProofs[%d] (slot %d, withdrawal %d)", k, p.WithdrawalSlot, p.WithdrawalNum), err)
		}
	}
	for k, p := range d.BalanceProofs {
		if err := d.verifyBalance(p); err != nil {
			return itemErr(fmt.Sprintf("balanceProofs[%d] (validator %d)", k, p.ValidatorIndex), err)
		}
	}
	return nil
}

func (d *RocketPoolDocument) verifySlot(p *RocketPoolSlotProof) error {
	if uint64(p.Slot) != d.Anchor.Slot {
		return fmt.Errorf("%w: the slot proof is for slot %d, the anchor is at slot %d", proof.ErrMalformed, p.Slot, d.Anchor.Slot)
	}
	g, err := stateGindex(d.Fork, d.Preset, staking.AnchorBlock, "slot")
	if err != nil {
		return err
	}
	return check(g, p.Gindex, ChunkUint64(uint64(p.Slot)), unhash(p.Witnesses), d.Anchor.Root)
}

func (d *RocketPoolDocument) verifyValidator(p RocketPoolValidatorProof) error {
	if p.ValidatorIndex >= 1<<40 {
		return fmt.Errorf("%w: validatorIndex %d does not fit a uint40", proof.ErrMalformed, p.ValidatorIndex)
	}
	v, err := p.Validator.validator()
	if err != nil {
		return err
	}
	g, err := stateGindex(d.Fork, d.Preset, staking.AnchorBlock, fmt.Sprintf("validators[%d]", p.ValidatorIndex))
	if err != nil {
		return err
	}
	s, err := schemasOf(d.Fork, d.Preset)
	if err != nil {
		return err
	}
	leaf, err := staking.ValidatorRoot(s, v)
	if err != nil {
		return err
	}
	return check(g, p.Gindex, leaf, unhash(p.Witnesses), d.Anchor.Root)
}

func (d *RocketPoolDocument) verifyWithdrawal(p RocketPoolWithdrawalProof) error {
	if p.WithdrawalNum >= 1<<16 {
		return fmt.Errorf("%w: withdrawalNum %d does not fit a uint16", proof.ErrMalformed, p.WithdrawalNum)
	}
	net, err := networkOf(d.Network, d.NetworkConfig)
	if err != nil {
		return err
	}
	g, _, err := withdrawalGindex(d.Fork, d.Preset, d.BlockFork, net, d.Anchor, uint64(p.WithdrawalSlot), uint64(p.WithdrawalNum))
	if err != nil {
		return err
	}
	blockFork := d.BlockFork
	if blockFork == "" {
		blockFork = d.Fork
	}
	s, err := schemasOf(blockFork, d.Preset)
	if err != nil {
		return err
	}
	w := p.Withdrawal
	leaf, err := staking.WithdrawalRoot(s, beaconstate.Withdrawal{Index: uint64(w.Index), ValidatorIndex: uint64(w.ValidatorIndex), Address: w.WithdrawalCredentials, Amount: uint64(w.AmountInGwei)})
	if err != nil {
		return err
	}
	return check(g, p.Gindex, leaf, unhash(p.Witnesses), d.Anchor.Root)
}

func (d *RocketPoolDocument) verifyBalance(p RocketPoolBalanceProof) error {
	if err := staking.CheckBalanceLane(p.BalanceChunk, uint64(p.ValidatorIndex), uint64(p.Balance)); err != nil {
		return err
	}
	g, err := stateGindex(d.Fork, d.Preset, staking.AnchorBlock, fmt.Sprintf("balances[%d]", p.ValidatorIndex))
	if err != nil {
		return err
	}
	return check(g, p.Gindex, p.BalanceChunk, unhash(p.Witnesses), d.Anchor.Root)
}

// Rocket Pool's calldata --------------------------------------------------

// The Solidity structs of BeaconStateVerifierInterface, as go-ethereum's abi
// package packs them.

type abiRPSlotProof struct {
	Slot      uint64
	Witnesses [][32]byte
}

type abiRPValidator struct {
	Pubkey                     []byte
	WithdrawalCredentials      [32]byte
	EffectiveBalance           uint64
	Slashed                    bool
	ActivationEligibilityEpoch uint64
	ActivationEpoch            uint64
	ExitEpoch                  uint64
	WithdrawableEpoch          uint64
}

type abiRPValidatorProof struct {
	ValidatorIndex *big.Int
	Validator      abiRPValidator
	Witnesses      [][32]byte
}

type abiRPWithdrawal struct {
	Index                 uint64
	ValidatorIndex        uint64
	WithdrawalCredentials [20]byte
	AmountInGwei          uint64
}

type abiRPWithdrawalProof struct {
	WithdrawalSlot uint64
	WithdrawalNum  uint16
	Withdrawal     abiRPWithdrawal
	Witnesses      [][32]byte
}

type abiRPBalanceProof struct {
	BalanceChunk [32]byte
	Witnesses    [][32]byte
}

type abiRPValidatorBundle struct {
	ValidatorProof abiRPValidatorProof
	SlotProof      abiRPSlotProof
}

var (
	solRPWithdrawal = solStruct{"Withdrawal", []abi.ArgumentMarshaling{
		field("index", "uint64"), field("validatorIndex", "uint64"), field("withdrawalCredentials", "bytes20"), field("amountInGwei", "uint64"),
	}}
	solRPValidator = solStruct{"Validator", []abi.ArgumentMarshaling{
		field("pubkey", "bytes"), field("withdrawalCredentials", "bytes32"), field("effectiveBalance", "uint64"), field("slashed", "bool"),
		field("activationEligibilityEpoch", "uint64"), field("activationEpoch", "uint64"), field("exitEpoch", "uint64"), field("withdrawableEpoch", "uint64"),
	}}
	solRPSlotProof = solStruct{"SlotProof", []abi.ArgumentMarshaling{
		field("slot", "uint64"), field("witnesses", "bytes32[]"),
	}}
	solRPValidatorProof = solStruct{"ValidatorProof", []abi.ArgumentMarshaling{
		field("validatorIndex", "uint40"), solRPValidator.arg("validator"), field("witnesses", "bytes32[]"),
	}}
	solRPWithdrawalProof = solStruct{"WithdrawalProof", []abi.ArgumentMarshaling{
		field("withdrawalSlot", "uint64"), field("withdrawalNum", "uint16"), solRPWithdrawal.arg("withdrawal"), field("witnesses", "bytes32[]"),
	}}
	solRPBalanceProof = solStruct{"ValidatorBalanceProof", []abi.ArgumentMarshaling{
		field("balanceChunk", "bytes32"), field("witnesses", "bytes32[]"),
	}}
	solRPValidatorBundle = solStruct{"ValidatorProofBundleV1", []abi.ArgumentMarshaling{
		solRPValidatorProof.arg("validatorProof"), solRPSlotProof.arg("slotProof"),
	}}
)

// Rocket Pool's verifier functions.
var (
	rpVerifySlot = method{"verifySlot", []abi.ArgumentMarshaling{
		field("_slotTimestamp", "uint64"), solRPSlotProof.arg("_proof"),
	}}
	rpVerifyValidator = method{"verifyValidator", []abi.ArgumentMarshaling{
		field("_slotTimestamp", "uint64"), field("_slot", "uint64"), solRPValidatorProof.arg("_proof"),
	}}
	rpVerifyWithdrawal = method{"verifyWithdrawal", []abi.ArgumentMarshaling{
		field("_slotTimestamp", "uint64"), field("_slot", "uint64"), solRPWithdrawalProof.arg("_proof"),
	}}
)

// encode adds the document's structs and the calls of the verifier's
// functions.
func (d *RocketPoolDocument) encode(b *calldataBuilder) error {
	ts, slot := d.Anchor.Timestamp, d.Anchor.Slot
	if ts == 0 && (d.SlotProof != nil || len(d.ValidatorProofs) > 0 || len(d.WithdrawalProofs) > 0) {
		b.note = noTimestamp
	}
	var sp abiRPSlotProof
	if p := d.SlotProof; p != nil {
		sp = abiRPSlotProof{Slot: uint64(p.Slot), Witnesses: unhash(p.Witnesses)}
		if err := b.value("slotProof", solRPSlotProof, nil, sp); err != nil {
			return err
		}
		if ts != 0 {
			if err := b.call(rpVerifySlot, ts, sp); err != nil {
				return err
			}
		}
	}
	for k, p := range d.ValidatorProofs {
		v := rpValidatorABI(p)
		if err := b.value(fmt.Sprintf("validatorProofs[%d]", k), solRPValidatorProof, nil, v); err != nil {
			return err
		}
		if d.SlotProof != nil {
			if err := b.value(fmt.Sprintf("validatorProofBundles[%d]", k), solRPValidatorBundle, nil, abiRPValidatorBundle{ValidatorProof: v, SlotProof: sp}); err != nil {
				return err
			}
		}
		if ts != 0 {
			if err := b.call(rpVerifyValidator, ts, slot, v); err != nil {
				return err
			}
		}
	}
	for k, p := range d.WithdrawalProofs {
		w := rpWithdrawalABI(p)
		if err := b.value(fmt.Sprintf("withdrawalProofs[%d]", k), solRPWithdrawalProof, nil, w); err != nil {
			return err
		}
		if ts != 0 {
			if err := b.call(rpVerifyWithdrawal, ts, slot, w); err != nil {
				return err
			}
		}
	}
	for k, p := range d.BalanceProofs {
		bp := abiRPBalanceProof{BalanceChunk: p.BalanceChunk, Witnesses: unhash(p.Witnesses)}
		if err := b.value(fmt.Sprintf("balanceProofs[%d]", k), solRPBalanceProof, u64p(uint64(p.ValidatorIndex)), bp); err != nil {
			return err
		}
	}
	return nil
}

func rpValidatorABI(p RocketPoolValidatorProof) abiRPValidatorProof {
	v := p.Validator
	return abiRPValidatorProof{
		ValidatorIndex: new(big.Int).SetUint64(uint64(p.ValidatorIndex)),
		Validator: abiRPValidator{
			Pubkey: v.Pubkey, WithdrawalCredentials: v.WithdrawalCredentials, EffectiveBalance: uint64(v.EffectiveBalance),
			Slashed: v.Slashed, ActivationEligibilityEpoch: uint64(v.ActivationEligibilityEpoch), ActivationEpoch: uint64(v.ActivationEpoch),
			ExitEpoch: uint64(v.ExitEpoch), WithdrawableEpoch: uint64(v.WithdrawableEpoch),
		},
		Witnesses: unhash(p.Witnesses),
	}
}

func rpWithdrawalABI(p RocketPoolWithdrawalProof) abiRPWithdrawalProof {
	w := p.Withdrawal
	return abiRPWithdrawalProof{
		WithdrawalSlot: uint64(p.WithdrawalSlot), WithdrawalNum: uint16(p.WithdrawalNum),
		Withdrawal: abiRPWithdrawal{Index: uint64(w.Index), ValidatorIndex: uint64(w.ValidatorIndex), WithdrawalCredentials: w.WithdrawalCredentials, AmountInGwei: uint64(w.AmountInGwei)},
		Witnesses:  unhash(p.Witnesses),
	}
}

// decodeValue adds one calldata value to the document.
func (d *RocketPoolDocument) decodeValue(it calldataItem) error {
	switch it.list {
	case "slotProof":
		var s abiRPSlotProof
		if err := solRPSlotProof.decode(it.Data, &s); err != nil {
			return err
		}
		d.SlotProof = &RocketPoolSlotProof{Slot: U64(s.Slot), Witnesses: hashes(s.Witnesses)}
	case "validatorProofs":
		if err := it.next(len(d.ValidatorProofs)); err != nil {
			return err
		}
		return d.decodeValidator(it)
	case "withdrawalProofs":
		if err := it.next(len(d.WithdrawalProofs)); err != nil {
			return err
		}
		var p abiRPWithdrawalProof
		if err := solRPWithdrawalProof.decode(it.Data, &p); err != nil {
			return err
		}
		w := p.Withdrawal
		d.WithdrawalProofs = append(d.WithdrawalProofs, RocketPoolWithdrawalProof{
			WithdrawalSlot: U64(p.WithdrawalSlot), WithdrawalNum: U64(p.WithdrawalNum),
			Withdrawal: RocketPoolWithdrawal{Index: U64(w.Index), ValidatorIndex: U64(w.ValidatorIndex), WithdrawalCredentials: w.WithdrawalCredentials, AmountInGwei: U64(w.AmountInGwei)},
			Witnesses:  hashes(p.Witnesses),
		})
	case "balanceProofs":
		return d.decodeBalance(it)
	case "validatorProofBundles":
	default:
		return errUnknownValue
	}
	return nil
}

func (d *RocketPoolDocument) decodeValidator(it calldataItem) error {
	var p abiRPValidatorProof
	if err := solRPValidatorProof.decode(it.Data, &p); err != nil {
		return err
	}
	if !p.ValidatorIndex.IsUint64() {
		return fmt.Errorf("%w: validatorIndex out of range", proof.ErrMalformed)
	}
	x := p.Validator
	d.ValidatorProofs = append(d.ValidatorProofs, RocketPoolValidatorProof{
		ValidatorIndex: U64(p.ValidatorIndex.Uint64()),
		Validator: RocketPoolValidator{
			Pubkey: x.Pubkey, WithdrawalCredentials: x.WithdrawalCredentials, EffectiveBalance: U64(x.EffectiveBalance),
			Slashed: x.Slashed, ActivationEligibilityEpoch: U64(x.ActivationEligibilityEpoch), ActivationEpoch: U64(x.ActivationEpoch),
			ExitEpoch: U64(x.ExitEpoch), WithdrawableEpoch: U64(x.WithdrawableEpoch),
		},
		Witnesses: hashes(p.Witnesses),
	})
	return nil
}

func (d *RocketPoolDocument) decodeBalance(it calldataItem) error {
	if err := it.next(len(d.BalanceProofs)); err != nil {
		return err
	}
	i, err := it.index()
	if err != nil {
		return err
	}
	var p abiRPBalanceProof
	if err := solRPBalanceProof.decode(it.Data, &p); err != nil {
		return err
	}
	d.BalanceProofs = append(d.BalanceProofs, RocketPoolBalanceProof{
		ValidatorIndex: U64(i), Balance: U64(lane(p.BalanceChunk, i)), BalanceChunk: p.BalanceChunk, Witnesses: hashes(p.Witnesses),
	})
	return nil
}

// rocketPoolRelease is the Rocket Pool release whose BeaconStateVerifier
// the rocketpool format targets (Saturn megapools).
const rocketPoolRelease = "rocket-pool/rocketpool@fef41a4 (Saturn)"

// rocketPoolDeployed: the deployed BeaconStateVerifier has the fixed
// generalized indices of the electra state and block, which fulu keeps;
// gloas moves them (progressive registry, payload out of the block).
func rocketPoolDeployed(forkName string) error {
	return fixedIndexForks(forkName, fork.Electra, rocketPoolRelease+"'s BeaconStateVerifier has the generalized indices of electra and fulu only")
}

// fixedIndexForks fails with msg for a fork before first, or one that
// moves the fixed generalized indices a deployed verifier has (the payload
// out of the block, the progressive registry: gloas).
func fixedIndexForks(forkName, first, msg string) error {
	f, err := fork.Lookup(forkName)
	if err != nil {
		return err
	}
	if !f.Descends(first) || f.Has(fork.PayloadInEnvelope) || f.Has(fork.ProgressiveRegistry) {
		return errors.New(msg)
	}
	return nil
}
