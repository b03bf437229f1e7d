package staking

import (
	"fmt"
	"slices"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// blockFields are the block fields ProveBlockField knows, with their paths
// in a BeaconBlock from bellatrix to fulu. From gloas the block carries no
// execution payload: "block_hash" is the builder's bid's
// (body.signed_execution_payload_bid.message.block_hash), and
// "block_number" and "timestamp" are in the ExecutionPayloadEnvelope only.
var blockFields = map[string]string{
	"slot":           "slot",
	"proposer_index": "proposer_index",
	"parent_root":    "parent_root",
	"state_root":     "state_root",
	"block_hash":     "body.execution_payload.block_hash",
	"block_number":   "body.execution_payload.block_number",
	"timestamp":      "body.execution_payload.timestamp",
}

// BlockFields returns the names of the block fields ProveBlockField and
// StateProver.BlockField know, sorted: "block_hash", "block_number",
// "parent_root", "proposer_index", "slot", "state_root", "timestamp".
func BlockFields() []string {
	names := make([]string, 0, len(blockFields))
	for k := range blockFields {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

// gloasBlockHash is the path of the execution block hash in a gloas block.
const gloasBlockHash = "body.signed_execution_payload_bid.message.block_hash"

// blockFieldPath returns the path of a BlockFields field in a BeaconBlock
// of the fork.
func blockFieldPath(forkName, field string) (string, error) {
	path, ok := blockFields[field]
	if !ok {
		return "", fmt.Errorf("unknown block field %q: want one of %s", field, strings.Join(BlockFields(), ", "))
	}
	if !strings.HasPrefix(path, "body.execution_payload.") {
		return path, nil
	}
	f, err := fork.Lookup(forkName)
	if err != nil {
		return "", err
	}
	switch {
	case f.Has(fork.PayloadInEnvelope):
		if field == "block_hash" {
			return gloasBlockHash, nil
		}
		return "", fmt.Errorf("%w: a %s block carries no execution payload: %s is in the ExecutionPayloadEnvelope, "+
			"which no beacon block root commits to (the payload's timestamp is the slot's start time: prove the slot)", beaconstate.ErrNoField, forkName, field)
	case !f.Has(fork.PayloadInBlock):
		return "", fmt.Errorf("%w: a %s block has no execution payload (bellatrix on)", beaconstate.ErrNoField, forkName)
	}
	return path, nil
}

// ProveBlockField proves a field of a block against the block's root (the
// root EIP-4788 stores), which is the claim's anchor: "slot",
// "proposer_index", "parent_root", "state_root", and the execution
// payload's "block_hash", "block_number" and "timestamp" (the link to the
// execution layer; bellatrix to fulu; from gloas only "block_hash", the
// bid's, see BlockFields).
func ProveBlockField(block *beaconstate.Object, field string) (Claim, error) {
	b, err := unsignedBlock(block)
	if err != nil {
		return Claim{}, err
	}
	path, err := blockFieldPath(b.Fork, field)
	if err != nil {
		return Claim{}, errorf(b, "%w", err)
	}
	return proveBlockPath(b, KindBlockField, path, nil)
}

// stateBlockFieldPath returns the path in a BeaconState of the fork of a
// BlockFields field of the state's latest block: the header's slot,
// proposer_index and parent_root, and the execution payload's fields in
// latest_execution_payload_header (bellatrix to fulu) or the bid's
// block_hash in latest_execution_payload_bid (gloas on: the block_hash
// that block's bid committed to).
func stateBlockFieldPath(forkName, field string) (string, error) {
	if field == "state_root" {
		return "", fmt.Errorf("the latest block's state_root is the state's root (zero in latest_block_header): " +
			"with AnchorBlock it is StateRootProof, with AnchorState it is the anchor")
	}
	path, err := blockFieldPath(forkName, field)
	if err != nil {
		return "", err
	}
	switch {
	case path == gloasBlockHash:
		return "latest_execution_payload_bid.block_hash", nil
	case strings.HasPrefix(path, "body.execution_payload."):
		return "latest_execution_payload_header." + strings.TrimPrefix(path, "body.execution_payload."), nil
	}
	return "latest_block_header." + path, nil
}

// BlockField proves, from the state, a field of the state's latest block
// (the anchor block with AnchorBlock), as ProveBlockField proves it from
// the block: "slot", "proposer_index" and "parent_root" through
// latest_block_header, and the execution payload's "block_hash",
// "block_number" and "timestamp" through latest_execution_payload_header
// (bellatrix to fulu; from gloas only "block_hash", through
// latest_execution_payload_bid). The value is the field's JSON.
func (sp *StateProver) BlockField(field string) (Claim, error) {
	path, err := stateBlockFieldPath(sp.p.Object().Fork, field)
	if err != nil {
		return Claim{}, errorf(sp.p.Object(), "block field: %w", err)
	}
	return sp.member(KindBlockField, path, asIs)
}

// StateRootProof proves the state root under the anchor block's root: the
// header's state_root (gindex 11). It needs AnchorBlock.
func (sp *StateProver) StateRootProof() (Claim, error) {
	if sp.toAnchor == nil {
		return Claim{}, errorf(sp.p.Object(), "the state root is the anchor of an AnchorState prover: nothing to prove")
	}
	pr := *sp.toAnchor
	pr.Branch = append([][32]byte(nil), pr.Branch...)
	if err := pr.Verify(sp.anchor.Root); err != nil {
		return Claim{}, errorf(sp.p.Object(), "internal error: state root proof does not verify: %w", err)
	}
	c := Claim{Kind: KindStateRoot, Path: "state_root", Anchor: sp.anchor, Proof: pr}
	return newClaim(sp.p.Object(), sp.checkContext(), c, StateRootValue{StateRoot: sp.p.Root()})
}

// ProveBlockWithdrawal proves withdrawal n of a block's execution payload
// (capella to fulu) against the block's root: the proof for a withdrawal
// in the very block whose root EIP-4788 returns, without a state. The
// value is the withdrawal with its slot and number.
func ProveBlockWithdrawal(block *beaconstate.Object, n uint64) (Claim, error) {
	b, err := unsignedBlock(block)
	if err != nil {
		return Claim{}, err
	}
	if f, err := fork.Lookup(b.Fork); err == nil && f.Has(fork.PayloadInEnvelope) {
		return Claim{}, errorf(b, "%w: a %s block carries no execution payload: its withdrawals are the post-state's payload_expected_withdrawals (GloasWithdrawal)",
			beaconstate.ErrNoField, b.Fork)
	}
	wpath, err := b.WithdrawalsPath()
	if err != nil {
		return Claim{}, err
	}
	w, err := b.Withdrawal(n)
	if err != nil {
		return Claim{}, err
	}
	slot, err := b.Uint64("slot")
	if err != nil {
		return Claim{}, err
	}
	return proveBlockPath(b, KindBlockWithdrawal, fmt.Sprintf("%s[%d]", wpath, n), WithdrawalValue{Slot: slot, Num: n, Withdrawal: w})
}

// proveBlockPath proves path of the unsigned block b against its root,
// with value (nil: the member's JSON).
func proveBlockPath(b *beaconstate.Object, kind Kind, path string, value ClaimValue) (Claim, error) {
	p, err := beaconstate.NewProver(b)
	if err != nil {
		return Claim{}, err
	}
	pr, err := p.Prove(path)
	if err != nil {
		return Claim{}, err
	}
	if value == nil {
		fb, ft, err := b.Field(path)
		if err != nil {
			return Claim{}, err
		}
		m, err := ssz.ToJSON(ft, fb)
		if err != nil {
			return Claim{}, errorf(b, "%s: %w", path, err)
		}
		value = MemberValue(m)
	}
	slot, err := b.Uint64("slot")
	if err != nil {
		return Claim{}, err
	}
	anchor := Anchor{Kind: AnchorBlock, Root: p.Root(), Slot: slot}
	if err := pr.Verify(anchor.Root); err != nil {
		return Claim{}, errorf(b, "internal error: %s proof of %s does not verify: %w", kind, path, err)
	}
	x := CheckContext{Fork: b.Fork, Preset: b.Preset, Anchor: AnchorBlock, Slot: slot}
	return newClaim(b, x, Claim{Kind: kind, Path: path, Anchor: anchor, Proof: pr}, value)
}
