package format

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/ethereum/go-ethereum/accounts/abi"
)

// EigenLayerDocument is the "eigenlayer" format: the structs of
// EigenLayer's BeaconChainProofs library as EigenPod takes them, each proof
// the concatenation of its branch hashes bottom-up (the library's
// Merkle.verifyInclusionSha256):
//
//   - StateRootProof: the state root under the block root that EIP-4788
//     stores for Anchor.Timestamp (EigenPod's beaconTimestamp);
//   - ValidatorProofs: each validator's 8 fields under the state root;
//     EigenPod.verifyWithdrawalCredentials(beaconTimestamp, stateRootProof,
//     validatorIndices, validatorFieldsProofs, validatorFields) takes them
//     as parallel lists, and EigenPod.verifyStaleBalance(beaconTimestamp,
//     stateRootProof, proof) takes the StateRootProof and one of them, of a
//     slashed validator (its slashed field, validatorFields[3], nonzero);
//   - BalanceContainerProof: the balances list root under the block root;
//   - BalanceProofs: each balance chunk under the balances root, for
//     EigenPod.verifyCheckpointProofs(balanceContainerProof, proofs).
//
// ValidatorIndex fields are what the structs leave to a separate argument.
type EigenLayerDocument struct {
	Fmt                   Name                             `json:"format"`
	Fork                  string                           `json:"fork"`
	Preset                string                           `json:"preset"`
	Anchor                staking.Anchor                   `json:"anchor"`
	StateRootProof        *EigenLayerStateRootProof        `json:"stateRootProof,omitempty"`
	ValidatorProofs       []EigenLayerValidatorProof       `json:"validatorProofs,omitempty"`
	BalanceContainerProof *EigenLayerBalanceContainerProof `json:"balanceContainerProof,omitempty"`
	BalanceProofs         []EigenLayerBalanceProof         `json:"balanceProofs,omitempty"`
}

// EigenLayerStateRootProof is BeaconChainProofs.StateRootProof{bytes32
// beaconStateRoot; bytes proof}.
type EigenLayerStateRootProof struct {
	BeaconStateRoot proof.Hash32 `json:"beaconStateRoot"`
	Proof           HexBytes     `json:"proof"`
}

// EigenLayerValidatorProof is BeaconChainProofs.ValidatorProof{bytes32[]
// validatorFields; bytes proof} with the validator's index.
type EigenLayerValidatorProof struct {
	ValidatorIndex  U64            `json:"validatorIndex"`
	ValidatorFields []proof.Hash32 `json:"validatorFields"`
	Proof           HexBytes       `json:"proof"`
}

// EigenLayerBalanceContainerProof is BeaconChainProofs.BalanceContainerProof{
// bytes32 balanceContainerRoot; bytes proof}.
type EigenLayerBalanceContainerProof struct {
	BalanceContainerRoot proof.Hash32 `json:"balanceContainerRoot"`
	Proof                HexBytes     `json:"proof"`
}

// EigenLayerBalanceProof is BeaconChainProofs.BalanceProof{bytes32
// pubkeyHash; bytes32 balanceRoot; bytes proof} with the validator's index
// and its balance (the lane of balanceRoot that the library extracts).
type EigenLayerBalanceProof struct {
	ValidatorIndex U64          `json:"validatorIndex"`
	Balance        U64          `json:"balance"`
	PubkeyHash     proof.Hash32 `json:"pubkeyHash"`
	BalanceRoot    proof.Hash32 `json:"balanceRoot"`
	Proof          HexBytes     `json:"proof"`
}

// Format returns EigenLayer.
func (d *EigenLayerDocument) Format() Name { return EigenLayer }

// splitAt cuts a block-anchored proof whose gindex passes through the node
// at depth top (from the root) into the inner proof (leaf to that node)
// and the outer branch (that node to the root), and returns the node.
func splitAt(p proof.Proof, top int) (node [32]byte, inner proof.Proof, outer [][32]byte, err error) {
	d := p.Gindex.Depth()
	if d <= top || len(p.Branch) != d {
		return node, inner, nil, fmt.Errorf("%w: a proof of depth %d does not pass through depth %d", proof.ErrBranchLength, d, top)
	}
	inner = proof.Proof{Gindex: p.Gindex.Subindex(d - top), Leaf: p.Leaf, Branch: p.Branch[:d-top]}
	node, err = inner.Root()
	return node, inner, p.Branch[d-top:], err
}

// eigenLayerFormat is EigenLayer's format: its document and calldata.
func eigenLayerFormat() protocolFormat {
	return protocolFormat{
		name:  EigenLayer,
		emit:  func(in Input) (Document, error) { return NewEigenLayer(in) },
		empty: func() Document { return new(EigenLayerDocument) },
		calldata: func(doc Document) *CalldataDocument {
			d, ok := doc.(*EigenLayerDocument)
			if !ok {
				return nil
			}
			return &CalldataDocument{Fmt: Calldata, Protocol: EigenLayer, Fork: d.Fork, Preset: d.Preset, Anchor: d.Anchor}
		},
		encode:   func(doc Document, b *calldataBuilder) error { return doc.(*EigenLayerDocument).encode(b) },
		deployed: eigenLayerDeployed,
		decoder: func(c *CalldataDocument) (Document, func(calldataItem) error) {
			d := &EigenLayerDocument{Fmt: EigenLayer, Fork: c.Fork, Preset: c.Preset, Anchor: c.Anchor}
			return d, d.decodeValue
		},
	}
}

// NewEigenLayer returns the EigenLayer document of the input's claims:
// validator and balance claims anchored to a block (slot claims are left
// out: EigenPod binds the block by its EIP-4788 timestamp). A balance
// needs its validator's pubkey, from a validator claim or in.Validators.
// Other kinds fail with ErrUnsupported. The document is verified before it
// is returned.
func NewEigenLayer(in Input) (*EigenLayerDocument, error) {
	d, err := newEigenLayer(in)
	if err != nil {
		return nil, fmt.Errorf("format: eigenlayer: %w", err)
	}
	if err := d.Verify(); err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	return d, nil
}

// sharedProof is a proof that several claims share (the state root's, the
// balances root's).
type sharedProof struct {
	root   [32]byte
	branch [][32]byte
}

// setShared sets *dst to the proof, or checks that it leads from the same
// node.
func setShared(dst **sharedProof, what string, root [32]byte, branch [][32]byte) error {
	if *dst == nil {
		*dst = &sharedProof{root: root, branch: branch}
		return nil
	}
	if (*dst).root != root {
		return fmt.Errorf("%w: the claims lead through two %s roots", proof.ErrMalformed, what)
	}
	return nil
}

// eigenLayerBuilder builds an EigenLayer document from claims.
type eigenLayerBuilder struct {
	d                   *EigenLayerDocument
	schemas             *fork.Schemas
	sr, balances        proof.Gindex // the state root's and the balances list's gindices
	pubkeys             map[uint64][48]byte
	stateRoot, balanceC *sharedProof
}

func newEigenLayer(in Input) (*EigenLayerDocument, error) {
	if err := needBlockAnchor(EigenLayer, in.Anchor); err != nil {
		return nil, err
	}
	b := &eigenLayerBuilder{
		d:       &EigenLayerDocument{Fmt: EigenLayer, Fork: in.Fork, Preset: orMainnet(in.Preset), Anchor: in.Anchor},
		pubkeys: map[uint64][48]byte{},
	}
	var err error
	if b.sr, err = stateGindex(in.Fork, in.Preset, staking.AnchorBlock, ""); err != nil {
		return nil, err
	}
	if b.balances, err = stateGindex(in.Fork, in.Preset, staking.AnchorBlock, "balances"); err != nil {
		return nil, err
	}
	if b.schemas, err = schemasOf(in.Fork, in.Preset); err != nil {
		return nil, err
	}
	for i, v := range in.Validators {
		b.pubkeys[i] = v.Pubkey
	}
	for k, c := range in.Claims {
		if err := b.add(c); err != nil {
			return nil, fmt.Errorf("claims[%d] (%s %s): %w", k, c.Kind, c.Path, err)
		}
	}
	return b.finish()
}

func (b *eigenLayerBuilder) add(c staking.Claim) error {
	switch c.Kind {
	case staking.KindSlot:
		return nil
	case staking.KindValidator:
		v, err := claimValue[staking.ValidatorValue](c)
		if err != nil {
			return err
		}
		b.pubkeys[v.Index] = v.Pubkey
		root, inner, outer, err := splitAt(c.Proof, b.sr.Depth())
		if err != nil {
			return err
		}
		if err := setShared(&b.stateRoot, "state", root, outer); err != nil {
			return err
		}
		f, err := staking.ValidatorFieldRoots(b.schemas, v.Validator)
		if err != nil {
			return err
		}
		b.d.ValidatorProofs = append(b.d.ValidatorProofs, EigenLayerValidatorProof{
			ValidatorIndex: U64(v.Index), ValidatorFields: hashes(f), Proof: concat(inner.Branch),
		})
	case staking.KindBalance:
		v, err := claimValue[staking.BalanceValue](c)
		if err != nil {
			return err
		}
		root, inner, outer, err := splitAt(c.Proof, b.balances.Depth())
		if err != nil {
			return err
		}
		if err := setShared(&b.balanceC, "balances", root, outer); err != nil {
			return err
		}
		b.d.BalanceProofs = append(b.d.BalanceProofs, EigenLayerBalanceProof{
			ValidatorIndex: v.ValidatorIndex, Balance: v.Balance, BalanceRoot: c.Proof.Leaf, Proof: concat(inner.Branch),
		})
	default:
		return fmt.Errorf("%w: EigenPod takes no %s proofs (it takes validators' fields and balances; prove the whole validator for its exit or withdrawable epoch)", ErrUnsupported, c.Kind)
	}
	return nil
}

// finish sets the balances' pubkey hashes and the shared proofs.
func (b *eigenLayerBuilder) finish() (*EigenLayerDocument, error) {
	d := b.d
	for k := range d.BalanceProofs {
		p := &d.BalanceProofs[k]
		pk, ok := b.pubkeys[uint64(p.ValidatorIndex)]
		if !ok {
			return nil, fmt.Errorf("%w: the BalanceProof of validator %d needs its pubkey: add a validator claim or Input.Validators[%d]",
				proof.ErrMalformed, p.ValidatorIndex, p.ValidatorIndex)
		}
		p.PubkeyHash = PubkeyRoot(pk)
	}
	if b.stateRoot != nil {
		d.StateRootProof = &EigenLayerStateRootProof{BeaconStateRoot: b.stateRoot.root, Proof: concat(b.stateRoot.branch)}
	}
	if b.balanceC != nil {
		d.BalanceContainerProof = &EigenLayerBalanceContainerProof{BalanceContainerRoot: b.balanceC.root, Proof: concat(b.balanceC.branch)}
	}
	if len(d.ValidatorProofs) == 0 && len(d.BalanceProofs) == 0 {
		return nil, fmt.Errorf("%w: no validator or balance claims", ErrUnsupported)
	}
	return d, nil
}

// Verify checks the state root proof and the balance container proof
// against the anchor's block root, each validator's fields (merkleized)
// against the state root and each balance chunk against the balances root,
// with gindices computed from the fork and the validator indices. A
// balance proof's pubkeyHash must match the validator's fields when both
// are present.
func (d *EigenLayerDocument) Verify() error { return verifyProtocolDoc(EigenLayer, d.Anchor, d.verify) }

// verify checks the proofs, the anchor checked.
func (d *EigenLayerDocument) verify() error {
	if d.StateRootProof == nil && d.BalanceContainerProof == nil {
		return fmt.Errorf("%w to verify", beaconstate.ErrNoProofs)
	}
	if p := d.StateRootProof; p != nil {
		if err := d.verifyShared(p.BeaconStateRoot, p.Proof, ""); err != nil {
			return itemErr("stateRootProof", err)
		}
	}
	if len(d.ValidatorProofs) > 0 && d.StateRootProof == nil {
		return itemErr("validatorProofs", fmt.Errorf("%w: no stateRootProof to verify them against", proof.ErrMalformed))
	}
	fields := map[uint64][32]byte{}
	for k, p := range d.ValidatorProofs {
		if err := d.verifyValidator(p); err != nil {
			return itemErr(fmt.Sprintf("validatorProofs[%d] (validator %d)", k, p.ValidatorIndex), err)
		}
		fields[uint64(p.ValidatorIndex)] = p.ValidatorFields[0]
	}
	if p := d.BalanceContainerProof; p != nil {
		if err := d.verifyShared(p.BalanceContainerRoot, p.Proof, "balances"); err != nil {
			return itemErr("balanceContainerProof", err)
		}
	}
	if len(d.BalanceProofs) > 0 && d.BalanceContainerProof == nil {
		return itemErr("balanceProofs", fmt.Errorf("%w: no balanceContainerProof to verify them against", proof.ErrMalformed))
	}
	for k, p := range d.BalanceProofs {
		if err := d.verifyBalance(p, fields); err != nil {
			return itemErr(fmt.Sprintf("balanceProofs[%d] (validator %d)", k, p.ValidatorIndex), err)
		}
	}
	return nil
}

// verifyShared checks the proof of the node at path of the state (the
// state root itself for "") under the anchor's block root.
func (d *EigenLayerDocument) verifyShared(node [32]byte, pr HexBytes, path string) error {
	g, err := stateGindex(d.Fork, d.Preset, staking.AnchorBlock, path)
	if err != nil {
		return err
	}
	branch, err := split(pr)
	if err != nil {
		return err
	}
	return check(g, nil, node, branch, d.Anchor.Root)
}

func (d *EigenLayerDocument) verifyValidator(p EigenLayerValidatorProof) error {
	if p.ValidatorIndex >= 1<<40 {
		return fmt.Errorf("%w: validatorIndex %d does not fit a uint40", proof.ErrMalformed, p.ValidatorIndex)
	}
	if len(p.ValidatorFields) != 8 {
		return fmt.Errorf("%w: %d validatorFields, want 8", proof.ErrMalformed, len(p.ValidatorFields))
	}
	g, err := stateGindex(d.Fork, d.Preset, staking.AnchorState, fmt.Sprintf("validators[%d]", p.ValidatorIndex))
	if err != nil {
		return err
	}
	branch, err := split(p.Proof)
	if err != nil {
		return err
	}
	leaf, err := fieldsRoot(unhash(p.ValidatorFields))
	if err != nil {
		return err
	}
	return check(g, nil, leaf, branch, d.StateRootProof.BeaconStateRoot)
}

func (d *EigenLayerDocument) verifyBalance(p EigenLayerBalanceProof, fields map[uint64][32]byte) error {
	if p.ValidatorIndex >= 1<<40 {
		return fmt.Errorf("%w: validatorIndex %d does not fit a uint40", proof.ErrMalformed, p.ValidatorIndex)
	}
	if pk, ok := fields[uint64(p.ValidatorIndex)]; ok && pk != p.PubkeyHash {
		return fmt.Errorf("%w: pubkeyHash %s is not the pubkey root %s of the validator's fields", proof.ErrMalformed, p.PubkeyHash, proof.FormatHash(pk))
	}
	if err := staking.CheckBalanceLane(p.BalanceRoot, uint64(p.ValidatorIndex), uint64(p.Balance)); err != nil {
		return err
	}
	list, err := stateGindex(d.Fork, d.Preset, staking.AnchorState, "balances")
	if err != nil {
		return err
	}
	elem, err := stateGindex(d.Fork, d.Preset, staking.AnchorState, fmt.Sprintf("balances[%d]", p.ValidatorIndex))
	if err != nil {
		return err
	}
	branch, err := split(p.Proof)
	if err != nil {
		return err
	}
	g := elem.Subindex(elem.Depth() - list.Depth())
	return check(g, nil, p.BalanceRoot, branch, d.BalanceContainerProof.BalanceContainerRoot)
}

// EigenLayer's calldata ---------------------------------------------------

// The Solidity structs of BeaconChainProofs, as go-ethereum's abi package
// packs them.

type abiELStateRootProof struct {
	BeaconStateRoot [32]byte
	Proof           []byte
}

type abiELValidatorProof struct {
	ValidatorFields [][32]byte
	Proof           []byte
}

type abiELBalanceContainerProof struct {
	BalanceContainerRoot [32]byte
	Proof                []byte
}

type abiELBalanceProof struct {
	PubkeyHash  [32]byte
	BalanceRoot [32]byte
	Proof       []byte
}

var (
	solELStateRootProof = solStruct{"StateRootProof", []abi.ArgumentMarshaling{
		field("beaconStateRoot", "bytes32"), field("proof", "bytes"),
	}}
	solELValidatorProof = solStruct{"ValidatorProof", []abi.ArgumentMarshaling{
		field("validatorFields", "bytes32[]"), field("proof", "bytes"),
	}}
	solELBalanceContainerProof = solStruct{"BalanceContainerProof", []abi.ArgumentMarshaling{
		field("balanceContainerRoot", "bytes32"), field("proof", "bytes"),
	}}
	solELBalanceProof = solStruct{"BalanceProof", []abi.ArgumentMarshaling{
		field("pubkeyHash", "bytes32"), field("balanceRoot", "bytes32"), field("proof", "bytes"),
	}}
)

// EigenPod's functions.
var (
	elVerifyWithdrawalCredentials = method{"verifyWithdrawalCredentials", []abi.ArgumentMarshaling{
		field("beaconTimestamp", "uint64"), solELStateRootProof.arg("stateRootProof"),
		field("validatorIndices", "uint40[]"), field("validatorFieldsProofs", "bytes[]"), field("validatorFields", "bytes32[][]"),
	}}
	elVerifyCheckpointProofs = method{"verifyCheckpointProofs", []abi.ArgumentMarshaling{
		solELBalanceContainerProof.arg("balanceContainerProof"), solELBalanceProof.array("proofs"),
	}}
	elVerifyStaleBalance = method{"verifyStaleBalance", []abi.ArgumentMarshaling{
		field("beaconTimestamp", "uint64"), solELStateRootProof.arg("stateRootProof"), solELValidatorProof.arg("proof"),
	}}
)

// The indices of fields in a validator's fields, as BeaconChainProofs
// names them (VALIDATOR_SLASHED_INDEX, ...).
const (
	elSlashed         = 3
	elActivationEpoch = 5
	elExitEpoch       = 6
)

// podRefusal says why EigenPod.verifyWithdrawalCredentials reverts for a
// validator with these fields, or "" when it passes the pod's epoch checks:
// it must be activated and must not be exiting.
func podRefusal(fields [][32]byte) string {
	epoch := func(i int) uint64 {
		if i >= len(fields) {
			return 0
		}
		return binary.LittleEndian.Uint64(fields[i][:8])
	}
	const farFuture = math.MaxUint64
	switch {
	case epoch(elExitEpoch) != farFuture:
		return "exit_epoch set: ValidatorIsExitingBeaconChain"
	case epoch(elActivationEpoch) == farFuture:
		return "not activated: ValidatorInactiveOnBeaconChain"
	}
	return ""
}

// encode adds the document's structs and the calls of EigenPod's
// functions.
func (d *EigenLayerDocument) encode(b *calldataBuilder) error {
	var sr abiELStateRootProof
	if p := d.StateRootProof; p != nil {
		sr = abiELStateRootProof{BeaconStateRoot: p.BeaconStateRoot, Proof: p.Proof}
		if err := b.value("stateRootProof", solELStateRootProof, nil, sr); err != nil {
			return err
		}
	}
	if err := d.encodeValidators(b, sr); err != nil {
		return err
	}
	var bc abiELBalanceContainerProof
	if p := d.BalanceContainerProof; p != nil {
		bc = abiELBalanceContainerProof{BalanceContainerRoot: p.BalanceContainerRoot, Proof: p.Proof}
		if err := b.value("balanceContainerProof", solELBalanceContainerProof, nil, bc); err != nil {
			return err
		}
	}
	var bps []abiELBalanceProof
	for k, p := range d.BalanceProofs {
		bp := abiELBalanceProof{PubkeyHash: p.PubkeyHash, BalanceRoot: p.BalanceRoot, Proof: p.Proof}
		if err := b.value(fmt.Sprintf("balanceProofs[%d]", k), solELBalanceProof, u64p(uint64(p.ValidatorIndex)), bp); err != nil {
			return err
		}
		bps = append(bps, bp)
	}
	if len(bps) > 0 {
		return b.call(elVerifyCheckpointProofs, bc, bps)
	}
	return nil
}

// encodeValidators adds the validator proofs, the call of
// verifyWithdrawalCredentials of them all, and a call of verifyStaleBalance
// for each slashed validator, in the document's order.
func (d *EigenLayerDocument) encodeValidators(b *calldataBuilder, sr abiELStateRootProof) error {
	var indices []*big.Int
	var proofs [][]byte
	var fields [][][32]byte
	var slashed []abiELValidatorProof
	var refused []string
	for k, p := range d.ValidatorProofs {
		v := abiELValidatorProof{ValidatorFields: unhash(p.ValidatorFields), Proof: p.Proof}
		if err := b.value(fmt.Sprintf("validatorProofs[%d]", k), solELValidatorProof, u64p(uint64(p.ValidatorIndex)), v); err != nil {
			return err
		}
		indices = append(indices, new(big.Int).SetUint64(uint64(p.ValidatorIndex)))
		proofs = append(proofs, p.Proof)
		fields = append(fields, v.ValidatorFields)
		if len(v.ValidatorFields) > elSlashed && v.ValidatorFields[elSlashed] != ([32]byte{}) {
			slashed = append(slashed, v)
		}
		if why := podRefusal(v.ValidatorFields); why != "" {
			refused = append(refused, fmt.Sprintf("validator %d (%s)", p.ValidatorIndex, why))
		}
	}
	if len(d.ValidatorProofs) == 0 {
		return nil
	}
	ts := d.Anchor.Timestamp
	if ts == 0 {
		b.note = noTimestamp
		return nil
	}
	if err := b.call(elVerifyWithdrawalCredentials, ts, sr, indices, proofs, fields); err != nil {
		return err
	}
	if len(refused) > 0 {
		b.note = "EigenPod.verifyWithdrawalCredentials reverts for " + strings.Join(refused, ", ") +
			"; call it with the other validators only"
	}
	for _, v := range slashed {
		if err := b.call(elVerifyStaleBalance, ts, sr, v); err != nil {
			return err
		}
	}
	return nil
}

// decodeValue adds one calldata value to the document.
func (d *EigenLayerDocument) decodeValue(it calldataItem) error {
	switch it.list {
	case "stateRootProof":
		var p abiELStateRootProof
		if err := solELStateRootProof.decode(it.Data, &p); err != nil {
			return err
		}
		d.StateRootProof = &EigenLayerStateRootProof{BeaconStateRoot: p.BeaconStateRoot, Proof: p.Proof}
	case "validatorProofs":
		if err := it.next(len(d.ValidatorProofs)); err != nil {
			return err
		}
		i, err := it.index()
		if err != nil {
			return err
		}
		var p abiELValidatorProof
		if err := solELValidatorProof.decode(it.Data, &p); err != nil {
			return err
		}
		d.ValidatorProofs = append(d.ValidatorProofs, EigenLayerValidatorProof{ValidatorIndex: U64(i), ValidatorFields: hashes(p.ValidatorFields), Proof: p.Proof})
	case "balanceContainerProof":
		var p abiELBalanceContainerProof
		if err := solELBalanceContainerProof.decode(it.Data, &p); err != nil {
			return err
		}
		d.BalanceContainerProof = &EigenLayerBalanceContainerProof{BalanceContainerRoot: p.BalanceContainerRoot, Proof: p.Proof}
	case "balanceProofs":
		return d.decodeBalance(it)
	default:
		return errUnknownValue
	}
	return nil
}

func (d *EigenLayerDocument) decodeBalance(it calldataItem) error {
	if err := it.next(len(d.BalanceProofs)); err != nil {
		return err
	}
	i, err := it.index()
	if err != nil {
		return err
	}
	var p abiELBalanceProof
	if err := solELBalanceProof.decode(it.Data, &p); err != nil {
		return err
	}
	d.BalanceProofs = append(d.BalanceProofs, EigenLayerBalanceProof{
		ValidatorIndex: U64(i), Balance: U64(lane(p.BalanceRoot, i)), PubkeyHash: p.PubkeyHash, BalanceRoot: p.BalanceRoot, Proof: p.Proof,
	})
	return nil
}

// eigenLayerRelease is the EigenLayer release whose BeaconChainProofs the
// eigenlayer format targets.
const eigenLayerRelease = "Layr-Labs/eigenlayer-contracts@f84a515"

// eigenLayerDeployed: BeaconChainProofs has proof versions DENEB (deneb's
// state) and PECTRA (electra's, which fulu keeps).
func eigenLayerDeployed(forkName string) error {
	return fixedIndexForks(forkName, fork.Deneb, eigenLayerRelease+"'s BeaconChainProofs has proof versions DENEB (deneb) and PECTRA (electra, fulu) only")
}
