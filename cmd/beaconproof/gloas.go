package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/staking"
)

// Gloas withdrawals in the CLI: from gloas the block carries no execution
// payload, and `prove withdrawal` proves the withdrawals its post-state
// expects the payload to carry (staking.StateProver.GloasWithdrawal): from
// --block-state (the state at the withdrawal slot), optionally checked
// against the payload's --envelope, and for an old slot through
// historical_summaries and --era-state-roots.

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
	return fmt.Errorf("--block: a %s block carries no execution payload: give its post-state with --block-state (and its payload envelope with --envelope) instead", block.Fork)
}

// proveGloasWithdrawals proves the withdrawals that the post-state in
// --block-state expects, under the state's state_roots or
// historical_summaries.
func proveGloasWithdrawals(ctx context.Context, e *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
	if f.block != "" {
		return nil, errors.New("--block-state without --format lido is a gloas withdrawal, proved from the block's post-state: give no --block")
	}
	if f.eraBlockRoots != "" || f.eraFiles != "" {
		return nil, errors.New("a gloas withdrawal is proved through the era's state roots: give --era-state-roots, not --era-block-roots or --era")
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
	if f.gloas.eraStateRoots != "" {
		if src.EraStateRoots, err = readEraRoots(ctx, f, s.obj, "--era-state-roots", f.gloas.eraStateRoots, "state_roots"); err != nil {
			return nil, err
		}
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
