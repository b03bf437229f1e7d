package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// Gloas withdrawals in the CLI: from gloas the block carries no execution
// payload, and `prove withdrawal` proves the withdrawals its post-state
// expects the payload to carry (staking.StateProver.GloasWithdrawal): from
// --block-state (the state at the withdrawal slot), optionally checked
// against the payload's --envelope, and for an old slot through
// historical_summaries and the era's state_roots (--era-state-roots, or
// the state of the era file that holds the slot, --era). From a beacon
// node (--beacon-url), the paying block's post-state, its execution
// payload envelope (/eth/v1/beacon/execution_payload_envelope/{block_id})
// and an old slot's era state_roots (--era, --era-state-roots, else the
// node's state at the next era's first slot) come from the node.
// Era files hold blocks and one state per era, neither the post-state of
// the withdrawal's block nor its envelope: those come from
// --block-state/--envelope or the node.

// gloasFlags are the withdrawal kind's flags for a gloas withdrawal.
type gloasFlags struct {
	envelope      string
	eraStateRoots string
}

// gloasBlockError is the error for a gloas block given as --block.
func gloasBlockError(block *beaconstate.Object) error {
	if f, err := fork.Lookup(block.Fork); err != nil || !f.Has(fork.PayloadInEnvelope) {
		return nil
	}
	return fmt.Errorf("--block: a %s block carries no execution payload: give its post-state with --block-state (and its payload envelope with --envelope) instead%s", block.Fork, eraGloasHint)
}

// eraGloasHint says what era files can and cannot give a gloas withdrawal.
const eraGloasHint = "; era files (--era) hold neither the post-state of the withdrawal's block nor its payload envelope, only, for an old slot, the era's state_roots"

// proveGloasWithdrawals proves the withdrawals that the post-state in
// --block-state expects, under the state's state_roots or
// historical_summaries.
func proveGloasWithdrawals(ctx context.Context, e *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
	if f.block != "" {
		return nil, errors.New("--block-state without --format lido is a gloas withdrawal, proved from the block's post-state: give no --block")
	}
	if f.eraBlockRoots != "" {
		return nil, errors.New("a gloas withdrawal is proved through the era's state roots: give --era-state-roots or --era, not --era-block-roots")
	}
	if f.eraFiles != "" && f.gloas.eraStateRoots != "" {
		return nil, errors.New("give the era's state roots once: --era or --era-state-roots")
	}
	ws, err := loadForkOf(ctx, e, f, f.lido.blockState, "BeaconState", s.obj.Fork)
	if err != nil {
		return nil, fmt.Errorf("--block-state: %w", err)
	}
	defer ws.Close()
	src := staking.GloasWithdrawalSource{WithdrawalState: ws, Network: f.net}
	if f.gloas.envelope != "" {
		env, err := loadEnvelope(ctx, f, ws.Fork)
		if err != nil {
			return nil, err
		}
		defer env.Close()
		src.Envelope = env
	}
	if src.EraStateRoots, err = s.gloasEraStateRoots(ctx, f, ws, false); err != nil {
		return nil, err
	}
	if ws.Fork != s.obj.Fork {
		s.in.BlockFork = ws.Fork
	}
	var out []staking.Claim
	for _, n := range f.withdrawalNums {
		c, err := s.sp.GloasWithdrawal(src, n)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return s.withSlot(out, nil)
}

// loadForkOf loads file as typ; its fork is --block-fork, else detected
// on the network and preset of the proved state, and is forkName when its
// version is one no known network schedules.
func loadForkOf(ctx context.Context, e *env, f *kindFlags, file, typ, forkName string) (*beaconstate.Object, error) {
	o := beaconstate.LoadOptions{Fork: f.blockFork, Preset: f.preset, Type: typ, NetworkConfig: f.net, MaxSize: f.maxSize}
	obj, err := loadObject(ctx, e, file, o)
	if errors.Is(err, beaconstate.ErrNoFork) {
		o.Fork = forkName
		obj, err = loadObject(ctx, e, file, o)
	}
	return obj, err
}

// loadEnvelope loads --envelope: an ExecutionPayloadEnvelope or a
// SignedExecutionPayloadEnvelope of the fork (a file: both are tried).
func loadEnvelope(ctx context.Context, f *kindFlags, forkName string) (*beaconstate.Object, error) {
	if f.gloas.envelope == "-" {
		return nil, errors.New("--envelope: give a file, not standard input")
	}
	o := beaconstate.LoadOptions{Fork: forkName, Preset: f.preset, Type: "ExecutionPayloadEnvelope", MaxSize: f.maxSize}
	env, err := beaconstate.LoadFile(ctx, f.gloas.envelope, o)
	if err == nil {
		return env, nil
	}
	o.Type = "SignedExecutionPayloadEnvelope"
	if env, err2 := beaconstate.LoadFile(ctx, f.gloas.envelope, o); err2 == nil {
		return env, nil
	}
	return nil, fmt.Errorf("--envelope: neither an ExecutionPayloadEnvelope nor a SignedExecutionPayloadEnvelope of %s: %w", forkName, err)
}

// gloasEraStateRoots returns the state_roots of the era of the withdrawal
// state ws when its slot is historical for the proved state (nil when
// recent): from --era-state-roots, from --era's era files, or, with
// fromNode, from the node's state at the next era's first slot.
func (s *proveSession) gloasEraStateRoots(ctx context.Context, f *kindFlags, ws *beaconstate.Object, fromNode bool) ([]byte, error) {
	slot, err := ws.Uint64("slot")
	if err != nil {
		return nil, err
	}
	sphr := s.obj.Schemas.Preset.SlotsPerHistoricalRoot
	recent, err := staking.WithdrawalIsRecent(s.sp.Slot(), slot, sphr)
	if err != nil || recent {
		return nil, err
	}
	switch {
	case f.gloas.eraStateRoots != "":
		return readEraRoots(ctx, f, s.obj, "--era-state-roots", f.gloas.eraStateRoots, "state_roots")
	case f.eraFiles != "":
		return readEraStateRoots(ctx, f, ws.Preset, slot)
	case fromNode:
		return s.nodeEraStateRoots(ctx, slot/sphr, sphr)
	}
	return nil, nil // the library says what is missing
}

// readEraStateRoots reads the state_roots of the era that holds slot from
// --era's era files: the state of the era file after it.
func readEraStateRoots(ctx context.Context, f *kindFlags, preset string, slot uint64) ([]byte, error) {
	return readArchiveRoots(ctx, f, f.net, preset, slot, (*era.Archive).StateRoots, "the state_roots of the withdrawal's era: ")
}

// nodeEraStateRoots returns the state_roots of an era from the node's
// state at the next era's first slot, which only an archive node keeps
// (a missed slot's state root is in no block header, so they cannot be
// rebuilt from headers as block roots are).
func (s *proveSession) nodeEraStateRoots(ctx context.Context, eraNum, sphr uint64) ([]byte, error) {
	slot := (eraNum + 1) * sphr
	b, err := s.node.EraStateRoots(ctx, eraNum, sphr)
	if errors.Is(err, beaconapi.ErrNotFound) || errors.Is(err, beaconapi.ErrPruned) {
		return nil, fmt.Errorf("the gloas withdrawal is historical: its era's state_roots are in the state at slot %d, which the node does not serve (%w): "+
			"give era files that hold its slots %d to %d with --era FILE|DIR, or the era's state_roots with --era-state-roots FILE, or use an archive node",
			slot, err, eraNum*sphr, slot-1)
	}
	if err != nil {
		return nil, fmt.Errorf("the era's state_roots, from the state at slot %d: %w", slot, err)
	}
	return b, nil
}

// nodePayload returns what carries a node block's execution payload: the
// block itself, or from gloas on its SignedExecutionPayloadEnvelope from
// the node (then also returned as env).
func (s *proveSession) nodePayload(ctx context.Context, block *beaconstate.Object) (payload, env *beaconstate.Object, err error) {
	if f, err := fork.Lookup(block.Fork); err != nil || !f.Has(fork.PayloadInEnvelope) {
		return block, nil, nil
	}
	root, err := block.Root()
	if err != nil {
		return nil, nil, err
	}
	slot, err := block.Slot()
	if err != nil {
		return nil, nil, err
	}
	env, err = s.node.Envelope(ctx, beaconapi.RootID(root))
	if err != nil {
		return nil, nil, fmt.Errorf("the %s block at slot %d carries no execution payload, its envelope does: %w", block.Fork, slot, err)
	}
	return env, env, nil
}

// nodeGloasWithdrawal proves withdrawal num of a gloas block from the
// node: the block's post-state (by its state_root), checked against the
// envelope, and for an old slot the era's state_roots.
func (s *proveSession) nodeGloasWithdrawal(ctx context.Context, f *kindFlags, block, env *beaconstate.Object, num uint64) ([]staking.Claim, error) {
	switch {
	case f.format != string(format.JSON):
		return nil, fmt.Errorf("--format %s: %w: a gloas withdrawal (expected_withdrawal) is proved in --format json only", f.format, format.ErrUnsupported)
	case f.gloas.envelope != "":
		return nil, errors.New("--envelope: with --beacon-url and --validator the envelope comes from the node; give --block-state (and --envelope) instead of --validator to prove from files")
	case f.eraBlockRoots != "":
		return nil, errors.New("a gloas withdrawal is proved through the era's state roots: give --era-state-roots or --era, not --era-block-roots")
	}
	root, _, err := block.Field("state_root")
	if err != nil {
		return nil, err
	}
	slot, err := block.Slot()
	if err != nil {
		return nil, err
	}
	ws, err := s.node.PostState(ctx, [32]byte(root), slot)
	if err != nil {
		return nil, fmt.Errorf("the post-state of the withdrawal's %s block at slot %d (state root 0x%x), which a gloas withdrawal is proved from: %w",
			block.Fork, slot, root, err)
	}
	defer ws.Close()
	src := staking.GloasWithdrawalSource{WithdrawalState: ws, Envelope: env, Network: s.net}
	if src.EraStateRoots, err = s.gloasEraStateRoots(ctx, f, ws, true); err != nil {
		return nil, err
	}
	if ws.Fork != s.obj.Fork {
		s.in.BlockFork = ws.Fork
	}
	c, err := s.sp.GloasWithdrawal(src, num)
	if err != nil {
		return nil, err
	}
	return s.withSlot([]staking.Claim{c}, nil)
}
