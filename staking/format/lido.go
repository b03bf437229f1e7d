package format

import (
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/ethereum/go-ethereum/accounts/abi"
)

// LidoDocument is the "lido" format: one withdrawal as Lido CSM's
// CSVerifier (lidofinance/community-staking-module, ICSVerifier.sol) takes
// it, its structs field for field in the order of their ABI:
//
//   - processWithdrawalProof(ProvableBeaconBlockHeader beaconBlock,
//     WithdrawalWitness witness, uint256 nodeOperatorId, uint256 keyIndex):
//     beaconBlock is the header of the block that paid the withdrawal
//     (hashed by the contract and compared with the EIP-4788 root at
//     rootsTimestamp), and the witness proves the withdrawal and the
//     validator against that header's state_root: the withdrawal through
//     the post-state's latest_execution_payload_header.withdrawals_root,
//     the validator in the same state;
//   - processHistoricalWithdrawalProof(beaconBlock, HistoricalHeaderWitness
//     oldBlock, witness, nodeOperatorId, keyIndex): beaconBlock is a later
//     block's header, oldBlock the paying block's header and its proof
//     under the later state's historical_summaries, and the witness is
//     against the old header's state_root.
//
// The contract reads the validator's pubkey from its module
// (getSigningKeys(nodeOperatorId, keyIndex)); the document carries it in
// Key, with the operator and key index when known, so that it verifies
// offline. Every proof is bottom-up, as CSVerifier's SSZ.verifyProof takes
// it; the generalized indices are the contract's own (see LidoGIndicesOf),
// recomputed by Verify.
type LidoDocument struct {
	Fmt    Name   `json:"format"`
	Fork   string `json:"fork"`
	Preset string `json:"preset"`
	// Network gives the historical_summaries offset ("" means mainnet).
	Network string `json:"network,omitempty"`
	// BlockFork is the fork of the old block when it is not Fork.
	BlockFork string `json:"blockFork,omitempty"`
	// NetworkConfig is the network's facts, when the prover knew them.
	NetworkConfig *NetworkConfig        `json:"networkConfig,omitempty"`
	Anchor        staking.Anchor        `json:"anchor"`
	BeaconBlock   LidoProvableHeader    `json:"beaconBlock"`
	OldBlock      *LidoHistoricalHeader `json:"oldBlock,omitempty"`
	Witness       LidoWithdrawalWitness `json:"witness"`
	Key           LidoKey               `json:"key"`
}

// LidoBeaconBlockHeader is Lido's BeaconBlockHeader struct (Types.sol).
type LidoBeaconBlockHeader struct {
	Slot          U64          `json:"slot"`
	ProposerIndex U64          `json:"proposerIndex"`
	ParentRoot    proof.Hash32 `json:"parentRoot"`
	StateRoot     proof.Hash32 `json:"stateRoot"`
	BodyRoot      proof.Hash32 `json:"bodyRoot"`
}

// LidoProvableHeader is ProvableBeaconBlockHeader{BeaconBlockHeader
// header; uint64 rootsTimestamp}: the header whose root the EIP-4788
// contract returns for rootsTimestamp.
type LidoProvableHeader struct {
	Header         LidoBeaconBlockHeader `json:"header"`
	RootsTimestamp U64                   `json:"rootsTimestamp"`
}

// LidoHistoricalHeader is HistoricalHeaderWitness{BeaconBlockHeader
// header; bytes32[] proof}: an old block's header and the proof of its
// root under the later header's state root, through
// historical_summaries.
type LidoHistoricalHeader struct {
	Header LidoBeaconBlockHeader `json:"header"`
	Proof  []proof.Hash32        `json:"proof"`
}

// LidoWithdrawalWitness is Lido's WithdrawalWitness: the withdrawal (its
// offset in the payload's withdrawals, its index, validator and amount;
// its address is the low 20 bytes of the withdrawal credentials), the
// validator's fields but the pubkey, and the two proofs against the
// state root.
type LidoWithdrawalWitness struct {
	WithdrawalOffset           U64            `json:"withdrawalOffset"`
	WithdrawalIndex            U64            `json:"withdrawalIndex"`
	ValidatorIndex             U64            `json:"validatorIndex"`
	Amount                     U64            `json:"amount"`
	WithdrawalCredentials      proof.Hash32   `json:"withdrawalCredentials"`
	EffectiveBalance           U64            `json:"effectiveBalance"`
	Slashed                    bool           `json:"slashed"`
	ActivationEligibilityEpoch U64            `json:"activationEligibilityEpoch"`
	ActivationEpoch            U64            `json:"activationEpoch"`
	ExitEpoch                  U64            `json:"exitEpoch"`
	WithdrawableEpoch          U64            `json:"withdrawableEpoch"`
	WithdrawalProof            []proof.Hash32 `json:"withdrawalProof"`
	ValidatorProof             []proof.Hash32 `json:"validatorProof"`
}

// LidoKey is what CSVerifier learns from its module rather than from the
// call's structs: the validator's pubkey, which getSigningKeys returns for
// the node operator and key index the call names. The calls are written
// only when NodeOperatorID and KeyIndex are known.
type LidoKey struct {
	Pubkey         HexBytes `json:"pubkey"`
	NodeOperatorID *U64     `json:"nodeOperatorId,omitempty"`
	KeyIndex       *U64     `json:"keyIndex,omitempty"`
}

// LidoOperator names a validator's key in Lido CSM: the node operator and
// the key's index in its key storage.
type LidoOperator struct {
	NodeOperatorID, KeyIndex uint64
}

// Format returns Lido.
func (d *LidoDocument) Format() Name { return Lido }

// lidoFormat is Lido CSM's format: its document and calldata.
func lidoFormat() protocolFormat {
	return protocolFormat{
		name:  Lido,
		emit:  func(in Input) (Document, error) { return NewLido(in) },
		empty: func() Document { return new(LidoDocument) },
		calldata: func(doc Document) *CalldataDocument {
			d, ok := doc.(*LidoDocument)
			if !ok {
				return nil
			}
			key := d.Key
			return &CalldataDocument{Fmt: Calldata, Protocol: Lido, Fork: d.Fork, Preset: d.Preset, Network: d.Network, BlockFork: d.BlockFork,
				NetworkConfig: d.NetworkConfig, Anchor: d.Anchor, Key: &key}
		},
		encode:   func(doc Document, b *calldataBuilder) error { return doc.(*LidoDocument).encode(b) },
		deployed: lidoDeployed,
		decoder: func(c *CalldataDocument) (Document, func(calldataItem) error) {
			d := &LidoDocument{Fmt: Lido, Fork: c.Fork, Preset: c.Preset, Network: c.Network, BlockFork: c.BlockFork,
				NetworkConfig: c.NetworkConfig, Anchor: c.Anchor}
			if c.Key != nil {
				d.Key = *c.Key
			}
			return d, d.decodeValue
		},
	}
}

func lidoHeader(h staking.BlockHeaderValue) LidoBeaconBlockHeader {
	return LidoBeaconBlockHeader{Slot: h.Slot, ProposerIndex: h.ProposerIndex, ParentRoot: h.ParentRoot, StateRoot: h.StateRoot, BodyRoot: h.BodyRoot}
}

func (h LidoBeaconBlockHeader) value() staking.BlockHeaderValue {
	return staking.BlockHeaderValue{Slot: h.Slot, ProposerIndex: h.ProposerIndex, ParentRoot: h.ParentRoot, StateRoot: h.StateRoot, BodyRoot: h.BodyRoot}
}

// lidoClaims are the claims a lido document is written from.
type lidoClaims struct {
	header, old, withdrawal, validator *staking.Claim
}

// sortLido sorts the input's claims by the part of the document they
// make; other kinds fail with ErrUnsupported.
func sortLido(claims []staking.Claim) (lidoClaims, error) {
	var lc lidoClaims
	for i := range claims {
		c := &claims[i]
		var slot **staking.Claim
		switch c.Kind {
		case staking.KindBlockHeader:
			slot = &lc.header
		case staking.KindHistoricalBlockHeader:
			slot = &lc.old
		case staking.KindPostStateWithdrawal:
			slot = &lc.withdrawal
		case staking.KindValidator:
			slot = &lc.validator
		default:
			return lc, fmt.Errorf("claims[%d]: %w: Lido's CSVerifier takes a block header, an old block's header under historical_summaries, "+
				"a withdrawal in its block's post-state and its validator, not a %s proof", i, ErrUnsupported, c.Kind)
		}
		if *slot != nil {
			return lc, fmt.Errorf("claims[%d]: %w: a second %s proof (a lido document is one withdrawal)", i, ErrUnsupported, c.Kind)
		}
		*slot = c
	}
	if lc.header == nil || lc.withdrawal == nil || lc.validator == nil {
		return lc, fmt.Errorf("%w: a lido document needs the anchor block's header, the withdrawal in its block's post-state and the validator", ErrUnsupported)
	}
	return lc, nil
}

// NewLido returns the Lido document of the input's claims: the anchor
// block's header (block_header), the withdrawal in its block's post-state
// (post_state_withdrawal) and its validator, all anchored to the input's
// block; or, for the historical call, also the old block's header under
// the anchor state's historical_summaries (historical_block_header), with
// the withdrawal and validator anchored to that old block. The anchor's
// EIP-4788 timestamp must be known (it is rootsTimestamp). The document is
// verified before it is returned.
func NewLido(in Input) (*LidoDocument, error) {
	d, err := newLido(in)
	if err != nil {
		return nil, fmt.Errorf("format: lido: %w", err)
	}
	if err := d.Verify(); err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	return d, nil
}

func newLido(in Input) (*LidoDocument, error) {
	if err := needBlockAnchor(Lido, in.Anchor); err != nil {
		return nil, err
	}
	if in.Anchor.Timestamp == 0 {
		return nil, fmt.Errorf("%w: CSVerifier takes the anchor's EIP-4788 timestamp (rootsTimestamp), which is unknown", ErrUnsupported)
	}
	lc, err := sortLido(in.Claims)
	if err != nil {
		return nil, err
	}
	d := &LidoDocument{Fmt: Lido, Fork: in.Fork, Preset: orMainnet(in.Preset), Network: in.Network, BlockFork: in.BlockFork,
		NetworkConfig: NetworkConfigOf(in.NetworkConfig), Anchor: in.Anchor}
	h, err := claimValue[staking.BlockHeaderValue](*lc.header)
	if err != nil {
		return nil, err
	}
	d.BeaconBlock = LidoProvableHeader{Header: lidoHeader(h), RootsTimestamp: U64(in.Anchor.Timestamp)}
	witnessRoot := in.Anchor.Root
	if lc.old != nil {
		old, err := claimValue[staking.BlockHeaderValue](*lc.old)
		if err != nil {
			return nil, err
		}
		branch, err := underStateRoot(*lc.old)
		if err != nil {
			return nil, err
		}
		d.OldBlock = &LidoHistoricalHeader{Header: lidoHeader(old), Proof: hashes(branch)}
		s, err := schemasOf(d.Fork, d.Preset)
		if err != nil {
			return nil, err
		}
		if witnessRoot, err = staking.BlockHeaderRoot(s, old); err != nil {
			return nil, err
		}
	}
	for _, c := range []*staking.Claim{lc.header, lc.old, lc.withdrawal, lc.validator} {
		if c == nil {
			continue
		}
		want := in.Anchor.Root
		if c == lc.withdrawal || c == lc.validator {
			want = witnessRoot
		}
		if c.Anchor.Root != want {
			return nil, fmt.Errorf("%w: the %s proof leads to %s, not to %s", proof.ErrMalformed, c.Kind, proof.FormatHash(c.Anchor.Root), proof.FormatHash(want))
		}
	}
	if d.Witness, d.Key, err = lidoWitness(*lc.withdrawal, *lc.validator); err != nil {
		return nil, err
	}
	if op := in.LidoOperator; op != nil {
		d.Key.NodeOperatorID, d.Key.KeyIndex = u64p(op.NodeOperatorID), u64p(op.KeyIndex)
	}
	return d, nil
}

// underStateRoot returns the branch of a block-anchored claim from its
// leaf to the state root: the claim's branch without the header's three
// hashes above state_root (CSVerifier checks its proofs against a
// header's stateRoot).
func underStateRoot(c staking.Claim) ([][32]byte, error) {
	if c.Anchor.Kind != staking.AnchorBlock {
		return c.Proof.Branch, nil
	}
	n := len(c.Proof.Branch) - 3
	if n < 0 || c.Proof.Gindex.Depth() != len(c.Proof.Branch) {
		return nil, fmt.Errorf("%w: the %s proof is not below a block header's state_root", proof.ErrMalformed, c.Kind)
	}
	return c.Proof.Branch[:n], nil
}

// lidoWitness writes the withdrawal and validator claims as a
// WithdrawalWitness, and the validator's pubkey. CSVerifier builds the
// withdrawal from the validator's index and credentials: the withdrawal
// must be that validator's, to the address of its credentials.
func lidoWitness(wc, vc staking.Claim) (LidoWithdrawalWitness, LidoKey, error) {
	w, err := claimValue[staking.WithdrawalValue](wc)
	if err != nil {
		return LidoWithdrawalWitness{}, LidoKey{}, err
	}
	v, err := claimValue[staking.ValidatorValue](vc)
	if err != nil {
		return LidoWithdrawalWitness{}, LidoKey{}, err
	}
	if w.ValidatorIndex != v.Index || [20]byte(v.WithdrawalCredentials[12:]) != w.Address {
		return LidoWithdrawalWitness{}, LidoKey{}, fmt.Errorf("%w: CSVerifier proves a withdrawal of the validator it proves, to the address of its credentials: "+
			"withdrawal of validator %d to %#x, validator %d with credentials %s", ErrUnsupported, w.ValidatorIndex, w.Address[:],
			v.Index, proof.FormatHash(v.WithdrawalCredentials))
	}
	wb, err := underStateRoot(wc)
	if err != nil {
		return LidoWithdrawalWitness{}, LidoKey{}, err
	}
	vb, err := underStateRoot(vc)
	if err != nil {
		return LidoWithdrawalWitness{}, LidoKey{}, err
	}
	x := v.Validator
	return LidoWithdrawalWitness{
		WithdrawalOffset: U64(w.Num), WithdrawalIndex: U64(w.Index), ValidatorIndex: U64(w.ValidatorIndex), Amount: U64(w.Amount),
		WithdrawalCredentials: x.WithdrawalCredentials, EffectiveBalance: U64(x.EffectiveBalance), Slashed: x.Slashed,
		ActivationEligibilityEpoch: U64(x.ActivationEligibilityEpoch), ActivationEpoch: U64(x.ActivationEpoch),
		ExitEpoch: U64(x.ExitEpoch), WithdrawableEpoch: U64(x.WithdrawableEpoch),
		WithdrawalProof: hashes(wb), ValidatorProof: hashes(vb),
	}, LidoKey{Pubkey: x.Pubkey[:]}, nil
}

// Verify checks the document as CSVerifier does, without trusting
// anything but the anchor: the header hashes to the anchor's root at its
// slot, and rootsTimestamp is the anchor's timestamp; the old block's
// header (historical) hashes to the leaf its proof takes to the header's
// state root through historical_summaries; the validator (the witness's
// fields and the key's pubkey) and the withdrawal (with the address of the
// credentials) prove against the state root of the block that paid it,
// at the gindices CSVerifier derives. It also fails where CSVerifier
// reverts whatever its deployment: a validator not yet withdrawable at
// the paying block's epoch, or a partial withdrawal (under 8 ETH of a
// validator not slashed).
func (d *LidoDocument) Verify() error { return verifyProtocolDoc(Lido, d.Anchor, d.verify) }

// verify checks the proofs, the anchor checked.
func (d *LidoDocument) verify() error {
	if err := checkFacts(d.NetworkConfig); err != nil {
		return err
	}
	if uint64(d.BeaconBlock.RootsTimestamp) != d.Anchor.Timestamp || d.Anchor.Timestamp == 0 {
		return itemErr("beaconBlock.rootsTimestamp", fmt.Errorf("%w: %d, the anchor's timestamp is %d", proof.ErrMalformed, d.BeaconBlock.RootsTimestamp, d.Anchor.Timestamp))
	}
	s, err := schemasOf(d.Fork, d.Preset)
	if err != nil {
		return err
	}
	h := d.BeaconBlock.Header
	if root, err := staking.BlockHeaderRoot(s, h.value()); err != nil {
		return itemErr("beaconBlock.header", err)
	} else if root != d.Anchor.Root || uint64(h.Slot) != d.Anchor.Slot {
		return itemErr("beaconBlock.header", fmt.Errorf("%w: the header at slot %d hashes to %s, the anchor is %s at slot %d",
			proof.ErrRootMismatch, h.Slot, proof.FormatHash(root), proof.FormatHash(d.Anchor.Root), d.Anchor.Slot))
	}
	stateRoot, slot, wFork := h.StateRoot, uint64(h.Slot), d.Fork
	if o := d.OldBlock; o != nil {
		if err := d.verifyOld(s, o); err != nil {
			return itemErr("oldBlock", err)
		}
		stateRoot, slot = o.Header.StateRoot, uint64(o.Header.Slot)
		if d.BlockFork != "" {
			wFork = d.BlockFork
		}
	}
	return itemErr("witness", d.verifyWitness(wFork, stateRoot, slot))
}

// verifyOld checks the old block's header under the anchor header's state
// root.
func (d *LidoDocument) verifyOld(s *fork.Schemas, o *LidoHistoricalHeader) error {
	net, err := networkOf(d.Network, d.NetworkConfig)
	if err != nil {
		return err
	}
	g, _, err := staking.HistoricalBlockRootGindex(d.Fork, d.Preset, net, staking.AnchorState, d.Anchor.Slot, uint64(o.Header.Slot))
	if err != nil {
		return err
	}
	leaf, err := staking.BlockHeaderRoot(s, o.Header.value())
	if err != nil {
		return err
	}
	return check(g, nil, leaf, unhash(o.Proof), d.BeaconBlock.Header.StateRoot)
}

// verifyWitness checks the witness against the state root of the block at
// slot, a block of the fork wFork.
func (d *LidoDocument) verifyWitness(wFork string, stateRoot [32]byte, slot uint64) error {
	w := d.Witness
	if len(d.Key.Pubkey) != 48 {
		return fmt.Errorf("%w: the key's pubkey is %d bytes, want 48", proof.ErrMalformed, len(d.Key.Pubkey))
	}
	if w.WithdrawalOffset > 255 {
		return fmt.Errorf("%w: withdrawalOffset %d does not fit a uint8", proof.ErrMalformed, w.WithdrawalOffset)
	}
	s, err := schemasOf(wFork, d.Preset)
	if err != nil {
		return err
	}
	v := beaconstate.Validator{WithdrawalCredentials: w.WithdrawalCredentials, EffectiveBalance: uint64(w.EffectiveBalance), Slashed: w.Slashed,
		ActivationEligibilityEpoch: uint64(w.ActivationEligibilityEpoch), ActivationEpoch: uint64(w.ActivationEpoch),
		ExitEpoch: uint64(w.ExitEpoch), WithdrawableEpoch: uint64(w.WithdrawableEpoch)}
	copy(v.Pubkey[:], d.Key.Pubkey)
	vleaf, err := staking.ValidatorRoot(s, v)
	if err != nil {
		return err
	}
	vg, err := staking.AnchoredGindex(wFork, d.Preset, staking.AnchorState, fmt.Sprintf("validators[%d]", w.ValidatorIndex))
	if err != nil {
		return err
	}
	if err := check(vg, nil, vleaf, unhash(w.ValidatorProof), stateRoot); err != nil {
		return fmt.Errorf("validatorProof: %w", err)
	}
	wleaf, err := staking.WithdrawalRoot(s, beaconstate.Withdrawal{Index: uint64(w.WithdrawalIndex), ValidatorIndex: uint64(w.ValidatorIndex),
		Address: [20]byte(w.WithdrawalCredentials[12:]), Amount: uint64(w.Amount)})
	if err != nil {
		return err
	}
	wg, err := staking.PostStateWithdrawalGindex(wFork, d.Preset, staking.AnchorState, uint64(w.WithdrawalOffset))
	if err != nil {
		return err
	}
	if err := check(wg, nil, wleaf, unhash(w.WithdrawalProof), stateRoot); err != nil {
		return fmt.Errorf("withdrawalProof: %w", err)
	}
	return lidoPolicy(s, w, slot)
}

// lidoPolicy fails where CSVerifier reverts whatever its deployment:
// ValidatorNotWithdrawn and PartialWithdrawal.
func lidoPolicy(s *fork.Schemas, w LidoWithdrawalWitness, slot uint64) error {
	if epoch := slot / s.Preset.SlotsPerEpoch; epoch < uint64(w.WithdrawableEpoch) {
		return fmt.Errorf("%w: CSVerifier reverts ValidatorNotWithdrawn: the block's epoch %d is before the validator's withdrawable epoch %d",
			ErrUnsupported, epoch, w.WithdrawableEpoch)
	}
	if !w.Slashed && w.Amount < 8_000_000_000 {
		return fmt.Errorf("%w: CSVerifier reverts PartialWithdrawal: %d Gwei of a validator not slashed is under 8 ETH", ErrUnsupported, w.Amount)
	}
	return nil
}

// Lido's calldata ----------------------------------------------------------

// The Solidity structs of ICSVerifier and Types.sol, as go-ethereum's abi
// package packs them (Slot is a uint64).

type abiLidoHeader struct {
	Slot          uint64
	ProposerIndex uint64
	ParentRoot    [32]byte
	StateRoot     [32]byte
	BodyRoot      [32]byte
}

type abiLidoProvableHeader struct {
	Header         abiLidoHeader
	RootsTimestamp uint64
}

type abiLidoHistoricalHeader struct {
	Header abiLidoHeader
	Proof  [][32]byte
}

type abiLidoWitness struct {
	WithdrawalOffset           uint8
	WithdrawalIndex            uint64
	ValidatorIndex             uint64
	Amount                     uint64
	WithdrawalCredentials      [32]byte
	EffectiveBalance           uint64
	Slashed                    bool
	ActivationEligibilityEpoch uint64
	ActivationEpoch            uint64
	ExitEpoch                  uint64
	WithdrawableEpoch          uint64
	WithdrawalProof            [][32]byte
	ValidatorProof             [][32]byte
}

var (
	solLidoHeader = solStruct{"BeaconBlockHeader", []abi.ArgumentMarshaling{
		field("slot", "uint64"), field("proposerIndex", "uint64"), field("parentRoot", "bytes32"), field("stateRoot", "bytes32"), field("bodyRoot", "bytes32"),
	}}
	solLidoProvableHeader = solStruct{"ProvableBeaconBlockHeader", []abi.ArgumentMarshaling{
		solLidoHeader.arg("header"), field("rootsTimestamp", "uint64"),
	}}
	solLidoHistoricalHeader = solStruct{"HistoricalHeaderWitness", []abi.ArgumentMarshaling{
		solLidoHeader.arg("header"), field("proof", "bytes32[]"),
	}}
	solLidoWitness = solStruct{"WithdrawalWitness", []abi.ArgumentMarshaling{
		field("withdrawalOffset", "uint8"), field("withdrawalIndex", "uint64"), field("validatorIndex", "uint64"), field("amount", "uint64"),
		field("withdrawalCredentials", "bytes32"), field("effectiveBalance", "uint64"), field("slashed", "bool"),
		field("activationEligibilityEpoch", "uint64"), field("activationEpoch", "uint64"), field("exitEpoch", "uint64"), field("withdrawableEpoch", "uint64"),
		field("withdrawalProof", "bytes32[]"), field("validatorProof", "bytes32[]"),
	}}
)

// CSVerifier's functions.
var (
	lidoProcessWithdrawal = method{"processWithdrawalProof", []abi.ArgumentMarshaling{
		solLidoProvableHeader.arg("beaconBlock"), solLidoWitness.arg("witness"), field("nodeOperatorId", "uint256"), field("keyIndex", "uint256"),
	}}
	lidoProcessHistorical = method{"processHistoricalWithdrawalProof", []abi.ArgumentMarshaling{
		solLidoProvableHeader.arg("beaconBlock"), solLidoHistoricalHeader.arg("oldBlock"), solLidoWitness.arg("witness"),
		field("nodeOperatorId", "uint256"), field("keyIndex", "uint256"),
	}}
)

func (h LidoBeaconBlockHeader) abi() abiLidoHeader {
	return abiLidoHeader{Slot: uint64(h.Slot), ProposerIndex: uint64(h.ProposerIndex), ParentRoot: h.ParentRoot, StateRoot: h.StateRoot, BodyRoot: h.BodyRoot}
}

func lidoHeaderOf(h abiLidoHeader) LidoBeaconBlockHeader {
	return LidoBeaconBlockHeader{Slot: U64(h.Slot), ProposerIndex: U64(h.ProposerIndex), ParentRoot: h.ParentRoot, StateRoot: h.StateRoot, BodyRoot: h.BodyRoot}
}

func (w LidoWithdrawalWitness) abi() abiLidoWitness {
	return abiLidoWitness{
		WithdrawalOffset: uint8(w.WithdrawalOffset), WithdrawalIndex: uint64(w.WithdrawalIndex), ValidatorIndex: uint64(w.ValidatorIndex),
		Amount: uint64(w.Amount), WithdrawalCredentials: w.WithdrawalCredentials, EffectiveBalance: uint64(w.EffectiveBalance),
		Slashed: w.Slashed, ActivationEligibilityEpoch: uint64(w.ActivationEligibilityEpoch), ActivationEpoch: uint64(w.ActivationEpoch),
		ExitEpoch: uint64(w.ExitEpoch), WithdrawableEpoch: uint64(w.WithdrawableEpoch),
		WithdrawalProof: unhash(w.WithdrawalProof), ValidatorProof: unhash(w.ValidatorProof),
	}
}

const noLidoOperator = "the node operator and key index of the validator are unknown, so the calls that take them are left out (prove with --node-operator-id and --key-index)"

// encode adds the document's structs and the call of CSVerifier's
// function: processWithdrawalProof, or processHistoricalWithdrawalProof
// with an old block.
func (d *LidoDocument) encode(b *calldataBuilder) error {
	bb := abiLidoProvableHeader{Header: d.BeaconBlock.Header.abi(), RootsTimestamp: uint64(d.BeaconBlock.RootsTimestamp)}
	if err := b.value("beaconBlock", solLidoProvableHeader, nil, bb); err != nil {
		return err
	}
	var old abiLidoHistoricalHeader
	if o := d.OldBlock; o != nil {
		old = abiLidoHistoricalHeader{Header: o.Header.abi(), Proof: unhash(o.Proof)}
		if err := b.value("oldBlock", solLidoHistoricalHeader, nil, old); err != nil {
			return err
		}
	}
	w := d.Witness.abi()
	if err := b.value("witness", solLidoWitness, nil, w); err != nil {
		return err
	}
	if d.Key.NodeOperatorID == nil || d.Key.KeyIndex == nil {
		b.note = noLidoOperator
		return nil
	}
	op, key := new(big.Int).SetUint64(uint64(*d.Key.NodeOperatorID)), new(big.Int).SetUint64(uint64(*d.Key.KeyIndex))
	if d.OldBlock != nil {
		return b.call(lidoProcessHistorical, bb, old, w, op, key)
	}
	return b.call(lidoProcessWithdrawal, bb, w, op, key)
}

// decodeValue adds one calldata value to the document.
func (d *LidoDocument) decodeValue(it calldataItem) error {
	if it.k != -1 {
		return errUnknownValue
	}
	switch it.list {
	case "beaconBlock":
		var v abiLidoProvableHeader
		if err := solLidoProvableHeader.decode(it.Data, &v); err != nil {
			return err
		}
		d.BeaconBlock = LidoProvableHeader{Header: lidoHeaderOf(v.Header), RootsTimestamp: U64(v.RootsTimestamp)}
	case "oldBlock":
		var v abiLidoHistoricalHeader
		if err := solLidoHistoricalHeader.decode(it.Data, &v); err != nil {
			return err
		}
		d.OldBlock = &LidoHistoricalHeader{Header: lidoHeaderOf(v.Header), Proof: hashes(v.Proof)}
	case "witness":
		var v abiLidoWitness
		if err := solLidoWitness.decode(it.Data, &v); err != nil {
			return err
		}
		d.Witness = LidoWithdrawalWitness{
			WithdrawalOffset: U64(v.WithdrawalOffset), WithdrawalIndex: U64(v.WithdrawalIndex), ValidatorIndex: U64(v.ValidatorIndex),
			Amount: U64(v.Amount), WithdrawalCredentials: v.WithdrawalCredentials, EffectiveBalance: U64(v.EffectiveBalance),
			Slashed: v.Slashed, ActivationEligibilityEpoch: U64(v.ActivationEligibilityEpoch), ActivationEpoch: U64(v.ActivationEpoch),
			ExitEpoch: U64(v.ExitEpoch), WithdrawableEpoch: U64(v.WithdrawableEpoch),
			WithdrawalProof: hashes(v.WithdrawalProof), ValidatorProof: hashes(v.ValidatorProof),
		}
	default:
		return errUnknownValue
	}
	return nil
}

// Lido's generalized indices -------------------------------------------------

// LidoGIndex is a generalized index as Lido's GIndex type packs it
// (lib/GIndex.sol): the gindex of the first node of a tree level, and the
// level's depth below its subtree's root (pow), which bounds how far
// shr(n) may move right (n < 2^pow).
type LidoGIndex struct {
	Gindex proof.Gindex
	Pow    uint8
}

// Packed returns the bytes32 that CSVerifier's constructor takes: the
// gindex shifted left by 8 bits, pow in the low byte.
func (g LidoGIndex) Packed() [32]byte {
	var out [32]byte
	v := new(big.Int).Lsh(g.Gindex.Big(), 8)
	v.Or(v, big.NewInt(int64(g.Pow)))
	v.FillBytes(out[:])
	return out
}

// MarshalJSON writes {"gindex": "decimal", "pow": n, "packed": "0x…"}.
func (g LidoGIndex) MarshalJSON() ([]byte, error) {
	return json.Marshal(struct {
		Gindex proof.Gindex `json:"gindex"`
		Pow    uint8        `json:"pow"`
		Packed proof.Hash32 `json:"packed"`
	}{g.Gindex, g.Pow, g.Packed()})
}

// LidoGIndices are the generalized indices CSVerifier's constructor takes
// (ICSVerifier.GIndices) for a fork's states, each relative to a state root
// or, the last, to a HistoricalSummary: the first withdrawal of
// latest_execution_payload_header's withdrawals, the first validator, the
// first historical summary, and the first block root of a summary's
// block_summary_root. A verifier for one fork takes each as both its Prev
// and its Curr value.
type LidoGIndices struct {
	FirstWithdrawal         LidoGIndex `json:"gIFirstWithdrawal"`
	FirstValidator          LidoGIndex `json:"gIFirstValidator"`
	FirstHistoricalSummary  LidoGIndex `json:"gIFirstHistoricalSummary"`
	FirstBlockRootInSummary LidoGIndex `json:"gIFirstBlockRootInSummary"`
}

// Constructor returns the GIndices struct for a verifier of one fork, in
// the struct's order: gIFirstWithdrawalPrev, gIFirstWithdrawalCurr,
// gIFirstValidatorPrev, ..., gIFirstBlockRootInSummaryCurr.
func (g LidoGIndices) Constructor() [8][32]byte {
	var out [8][32]byte
	for i, x := range []LidoGIndex{g.FirstWithdrawal, g.FirstValidator, g.FirstHistoricalSummary, g.FirstBlockRootInSummary} {
		out[2*i], out[2*i+1] = x.Packed(), x.Packed()
	}
	return out
}

// LidoGIndicesOf returns CSVerifier's constructor gindices for states of
// the fork and preset ("" means mainnet), from the fork's schemas. A fork
// whose states hold no latest_execution_payload_header (before capella,
// or from gloas) or whose lists are progressive (EIP-7916: no fixed width
// for shr) has none.
func LidoGIndicesOf(forkName, preset string) (LidoGIndices, error) {
	s, err := schemasOf(forkName, preset)
	if err != nil {
		return LidoGIndices{}, fmt.Errorf("format: %w", err)
	}
	var g LidoGIndices
	if _, err := staking.PostStateWithdrawalGindex(forkName, preset, staking.AnchorState, 0); err != nil {
		return LidoGIndices{}, fmt.Errorf("format: lido gindices of %s: %w", forkName, err)
	}
	wr, err := staking.AnchoredGindex(forkName, preset, staking.AnchorState, "latest_execution_payload_header.withdrawals_root")
	if err != nil {
		return LidoGIndices{}, fmt.Errorf("format: lido gindices of %s: %w", forkName, err)
	}
	_, wl, err := s.BeaconBlock.Gindex("body.execution_payload.withdrawals")
	if err != nil {
		return LidoGIndices{}, fmt.Errorf("format: lido gindices of %s: %w", forkName, err)
	}
	vg, vl, err := s.BeaconState.Gindex("validators")
	if err != nil {
		return LidoGIndices{}, fmt.Errorf("format: lido gindices of %s: %w", forkName, err)
	}
	hg, hl, err := s.BeaconState.Gindex("historical_summaries")
	if err != nil {
		return LidoGIndices{}, fmt.Errorf("format: lido gindices of %s: %w", forkName, err)
	}
	bg, _, err := s.HistoricalSummary.Gindex("block_summary_root")
	if err != nil {
		return LidoGIndices{}, fmt.Errorf("format: lido gindices of %s: %w", forkName, err)
	}
	steps := []struct {
		dst  *LidoGIndex
		g    proof.Gindex
		t    *ssz.Type
		name string
	}{
		{&g.FirstWithdrawal, wr, wl, "the payload's withdrawals"},
		{&g.FirstValidator, vg, vl, "validators"},
		{&g.FirstHistoricalSummary, hg, hl, "historical_summaries"},
		{&g.FirstBlockRootInSummary, bg, ssz.Vector(ssz.Bytes32, s.Preset.SlotsPerHistoricalRoot), "block_summary_root's block_roots"},
	}
	for _, st := range steps {
		if *st.dst, err = firstEntry(st.g, st.t, st.name); err != nil {
			return LidoGIndices{}, fmt.Errorf("format: lido gindices of %s: %w", forkName, err)
		}
	}
	return g, nil
}

// firstEntry returns the LidoGIndex of the first entry of the list or
// vector of type t whose root is at g.
func firstEntry(g proof.Gindex, t *ssz.Type, name string) (LidoGIndex, error) {
	if t.Kind != ssz.KindList && t.Kind != ssz.KindVector {
		return LidoGIndex{}, fmt.Errorf("%s is a %s: CSVerifier's GIndex (a first entry shifted right within a fixed width) cannot reach its entries", name, t.Name)
	}
	eg, _, err := t.Gindex("[0]")
	if err != nil {
		return LidoGIndex{}, err
	}
	pow := eg.Depth()
	if t.Kind == ssz.KindList {
		pow-- // the length mix-in
	}
	return LidoGIndex{Gindex: g.Concat(eg), Pow: uint8(pow)}, nil
}

// lidoRelease is the CSVerifier the lido format targets.
const lidoRelease = "Lido CSM's CSVerifier (lidofinance/community-staking-module@67d2485)"

// lidoDeployed: CSVerifier takes its gindices as constructor arguments and
// is deployed for a fork's state layout; the deployed one has electra's,
// which fulu keeps. A fork with other gindices needs a verifier deployed
// with them (LidoGIndicesOf).
func lidoDeployed(forkName string) error {
	g, err := LidoGIndicesOf(forkName, "")
	if err != nil {
		return fmt.Errorf("%s has no generalized indices for %s: %v", lidoRelease, forkName, err)
	}
	e, err := LidoGIndicesOf(fork.Electra, "")
	if err != nil {
		return err
	}
	if f, err := fork.Lookup(forkName); err != nil || !f.Descends(fork.Electra) || g.Constructor() != e.Constructor() {
		return fmt.Errorf("%s is deployed with electra's generalized indices (which fulu keeps); a %s document needs a verifier constructed with %s's (beaconproof gindex --lido --fork %s)",
			lidoRelease, forkName, forkName, forkName)
	}
	return nil
}
