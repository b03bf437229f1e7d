package staking

import (
	"bytes"
	"fmt"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// From gloas (EIP-7732) a beacon block carries the builder's bid, not the
// execution payload: the payload comes in a separate
// ExecutionPayloadEnvelope that no beacon root commits to. What the chain
// does commit to is the withdrawals the payload must carry: the block's
// process_withdrawals debits the balances and stores the list in
// state.payload_expected_withdrawals, and an envelope is valid only if
// hash_tree_root(payload.withdrawals) equals it (in the block's
// post-state). The state at the block's slot is itself committed by every
// later state:
//
//   - state_roots[ws % SLOTS_PER_HISTORICAL_ROOT] of a later state (at most
//     SLOTS_PER_HISTORICAL_ROOT slots later) is the root of the state at the
//     end of slot ws: process_slot writes it when slot ws+1 is processed,
//     before anything of slot ws+1 changes the state. When a block was
//     proposed at ws, that is the block's post-state (the block's
//     state_root); since gloas's envelope processing no longer changes the
//     beacon state (the next block applies the parent payload's requests),
//     no later change of slot ws intervenes.
//   - historical_summaries[ws/n − offset].state_summary_root is the root of
//     the era's state_roots vector, for older slots (the same boundary as
//     blocks: WithdrawalIsRecent).
//
// This is the gloas of the fork package's schemas (consensus-specs
// v1.7: an ExecutionPayloadEnvelope with parent_beacon_block_root and no
// state_root, parent_execution_requests in the block body). Under the
// earlier drafts, whose process_execution_payload changed the state after
// the block, state_roots[ws % n] would be the post-payload state, whose
// latest_block_header already holds its state_root: GloasWithdrawal
// rejects such a state (ErrNotPostState) rather than guess.

// GloasWithdrawalSource is what a gloas withdrawal proof needs besides the
// later state.
type GloasWithdrawalSource struct {
	// WithdrawalState is the BeaconState at the withdrawal slot ws: the
	// post-state of the block at ws (its latest_block_header is at ws with
	// a zero state_root), gloas or later.
	WithdrawalState *beaconstate.Object
	// Envelope is the ExecutionPayloadEnvelope (or its signed form) of the
	// block at ws. Optional: when given, it is checked against what the
	// proof anchors (see GloasWithdrawal); it adds nothing to the proof.
	Envelope *beaconstate.Object
	// EraStateRoots is the state_roots vector of the era that holds ws,
	// whose root is historical_summaries[k].state_summary_root. Only a
	// historical proof needs it.
	EraStateRoots []byte
	// Network gives the historical_summaries offset; nil means mainnet.
	Network *fork.Network
}

// GloasWithdrawal proves withdrawal n that the gloas block at slot ws
// committed its payload to: state -> state_roots[ws % n] (recent) or
// historical_summaries[k].state_summary_root -> the era's state_roots
// [ws % n] (historical, see WithdrawalIsRecent) -> the state at ws ->
// payload_expected_withdrawals[n], as one branch. The kind is
// KindExpectedWithdrawal or KindHistoricalExpectedWithdrawal; the value is
// the withdrawal with its slot and number, plus "block_root" (the block at
// ws, derived from the withdrawal state's header and, for a recent slot,
// checked against the later state's block_roots) and "envelope_checked".
//
// What the proof anchors, precisely: the canonical post-state of the block
// at ws required the block's execution payload to carry this withdrawal at
// position n, and the consensus layer debited the amount in that block.
// It does not prove that the builder revealed the payload: a withheld
// payload leaves the same list in payload_expected_withdrawals, and the
// next revealed payload must carry it instead (process_withdrawals skips a
// block whose parent's payload is missing). Whether the payload of ws was
// revealed is in a later state's execution_payload_availability[ws % n],
// which this claim does not prove.
//
// With src.Envelope, GloasWithdrawal also checks, off chain, that the
// envelope belongs to this block and honours the commitment:
// envelope.beacon_block_root is the block root at ws,
// envelope.parent_beacon_block_root its parent root,
// payload.block_hash the block hash of the bid the state at ws holds
// (latest_execution_payload_bid.block_hash), payload.slot_number is ws,
// and payload.withdrawals is payload_expected_withdrawals (as a whole, by
// hash tree root, and its entry n). A mismatch is an error.
func (sp *StateProver) GloasWithdrawal(src GloasWithdrawalSource, n uint64) (Claim, error) {
	obj := sp.p.Object()
	ws := src.WithdrawalState
	if ws == nil {
		return Claim{}, errorf(obj, "gloas withdrawal proof: no withdrawal state")
	}
	if ws.TypeName != "BeaconState" {
		return Claim{}, errorf(ws, "gloas withdrawal proof: want the BeaconState at the withdrawal slot")
	}
	if !ws.Type.HasPath("payload_expected_withdrawals") {
		return Claim{}, errorf(ws, "%w: no payload_expected_withdrawals (gloas on): prove the withdrawal with Withdrawal and the block", beaconstate.ErrNoField)
	}
	if ws.Preset != obj.Preset {
		return Claim{}, errorf(ws, "withdrawal state of preset %s, state of preset %s", ws.Preset, obj.Preset)
	}
	slot, err := ws.Uint64("slot")
	if err != nil {
		return Claim{}, err
	}
	wp, err := beaconstate.NewProver(ws)
	if err != nil {
		return Claim{}, err
	}
	stateRoot := wp.Root()
	// The block at ws: its post-state's header with the state root.
	_, blockRoot, err := postStateHeader(ws, stateRoot)
	if err != nil {
		return Claim{}, err
	}
	wpath := fmt.Sprintf("payload_expected_withdrawals[%d]", n)
	wproof, err := wp.Prove(wpath)
	if err != nil {
		return Claim{}, err
	}
	w, err := ws.WithdrawalAt(wpath)
	if err != nil {
		return Claim{}, err
	}
	proofs, path, r, err := sp.proveHistory(slot, "state_roots", stateRoot, fmt.Sprintf("the state at slot %d", slot),
		src.EraStateRoots, "GloasWithdrawalSource.EraStateRoots", src.Network)
	if err != nil {
		return Claim{}, err
	}
	if r.recent {
		bpath := fmt.Sprintf("block_roots[%d]", r.index)
		bproof, err := sp.p.Prove(bpath)
		if err != nil {
			return Claim{}, err
		}
		if bproof.Leaf != blockRoot {
			return Claim{}, errorf(obj, "%s is %s but the state at slot %d is the post-state of block %s: the state history is inconsistent",
				bpath, proof.FormatHash(bproof.Leaf), slot, proof.FormatHash(blockRoot))
		}
	}
	checked := src.Envelope != nil
	if checked {
		if err := checkEnvelope(src.Envelope, ws, wp, slot, n, blockRoot); err != nil {
			return Claim{}, err
		}
	}
	value := WithdrawalValue{Slot: slot, Num: n, Withdrawal: w, BlockRoot: &blockRoot, EnvelopeChecked: &checked}
	kind := KindExpectedWithdrawal
	if !r.recent {
		kind = KindHistoricalExpectedWithdrawal
		value.HistoricalSummaryIndex = &r.k
	}
	x := sp.checkContext()
	x.BlockFork, x.Network = ws.Fork, src.Network
	return sp.finishWith(x, kind, path+" -> "+wpath, value, append(proofs, wproof)...)
}

// checkEnvelope checks that the envelope is the one of the block at slot
// (root blockRoot) whose post-state is ws (proved by wp), and that its
// payload carries the expected withdrawals.
func checkEnvelope(env, ws *beaconstate.Object, wp *beaconstate.Prover, slot, n uint64, blockRoot [32]byte) error {
	e, err := env.Unsigned()
	if err != nil {
		return err
	}
	if e.TypeName != "ExecutionPayloadEnvelope" {
		return errorf(e, "want an ExecutionPayloadEnvelope or SignedExecutionPayloadEnvelope")
	}
	mismatch := func(what string, got, want []byte) error {
		return errorf(e, "envelope %s is 0x%x, want 0x%x: the envelope is not the payload of the block at slot %d (%s)",
			what, got, want, slot, proof.FormatHash(blockRoot))
	}
	field := func(o *beaconstate.Object, path string) ([]byte, error) {
		b, _, err := o.Field(path)
		return b, err
	}
	got, err := field(e, "beacon_block_root")
	if err != nil {
		return err
	}
	if !bytes.Equal(got, blockRoot[:]) {
		return mismatch("beacon_block_root", got, blockRoot[:])
	}
	pairs := []struct{ env, state string }{
		{"parent_beacon_block_root", "latest_block_header.parent_root"},
		{"payload.block_hash", "latest_execution_payload_bid.block_hash"},
	}
	for _, p := range pairs {
		got, err := field(e, p.env)
		if err != nil {
			return err
		}
		want, err := field(ws, p.state)
		if err != nil {
			return err
		}
		if !bytes.Equal(got, want) {
			return mismatch(p.env+" (the state's "+p.state+")", got, want)
		}
	}
	if e.Type.HasPath("payload.slot_number") {
		sn, err := e.Uint64("payload.slot_number")
		if err != nil {
			return err
		}
		if sn != slot {
			return errorf(e, "envelope payload.slot_number is %d, want %d", sn, slot)
		}
	}
	// payload.withdrawals must be payload_expected_withdrawals.
	pw, pt, err := e.Field("payload.withdrawals")
	if err != nil {
		return err
	}
	proot, err := ssz.HashTreeRoot(pt, pw)
	if err != nil {
		return errorf(e, "payload.withdrawals: %w", err)
	}
	ew, err := wp.Prove("payload_expected_withdrawals")
	if err != nil {
		return err
	}
	if proot != ew.Leaf {
		return errorf(e, "payload.withdrawals has root %s but the state's payload_expected_withdrawals has root %s",
			proof.FormatHash(proot), proof.FormatHash(ew.Leaf))
	}
	got, err = field(e, fmt.Sprintf("payload.withdrawals[%d]", n))
	if err != nil {
		return err
	}
	want, err := field(ws, fmt.Sprintf("payload_expected_withdrawals[%d]", n))
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want) {
		return mismatch(fmt.Sprintf("payload.withdrawals[%d]", n), got, want)
	}
	return nil
}
