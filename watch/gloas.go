package watch

import (
	"context"
	"errors"
	"fmt"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// Gloas withdrawals (EIP-7732): from gloas a block carries no execution
// payload; its payload, and the withdrawals it pays, travel in the
// block's execution payload envelope, which the watcher fetches for each
// block it reads (/eth/v1/beacon/execution_payload_envelope/{block_root}).
// A block without an envelope (its builder withheld the payload) pays
// nothing: its withdrawals stay expected, and the next revealed payload
// pays them. A gloas withdrawal is proved from the paying block's
// post-state (downloaded by its state root, one state per paying block)
// through the checkpoint state's state_roots, or, once older than
// SLOTS_PER_HISTORICAL_ROOT slots, through historical_summaries and the
// era's state_roots (the node's state at the next era's first slot: an
// archive node's), with the envelope checked against it
// (staking.StateProver.GloasWithdrawal). Only the json format carries
// these proofs; in another format a gloas withdrawal event is not
// written, and the watcher says so, once per event.

// errNotCarried marks a fact the configured format cannot carry: it is
// logged and skipped, not failed.
var errNotCarried = errors.New("the format cannot carry this proof")

// hasEnvelope reports a block whose payload is in an envelope.
func hasEnvelope(block *beaconstate.Object) bool {
	f, err := fork.Lookup(block.Fork)
	return err == nil && f.Has(fork.PayloadInEnvelope)
}

// envelopeWithdrawals returns the withdrawals that a gloas block's payload
// paid, from its envelope, with the envelope; none, and no envelope, when
// the node has none (a withheld payload).
func (s *step) envelopeWithdrawals(ctx context.Context, slot uint64, block *beaconstate.Object) ([]beaconstate.Withdrawal, *beaconstate.Object, error) {
	root, err := block.Root()
	if err != nil {
		return nil, nil, err
	}
	env, err := s.w.cfg.Node.Envelope(ctx, beaconapi.RootID(root))
	if errors.Is(err, beaconapi.ErrNotFound) {
		s.w.log.Info("no execution payload envelope: the block's payload pays nothing (withheld?)", "slot", slot, "root", beaconapi.RootID(root))
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, fmt.Errorf("watch: block at slot %d: %w", slot, err)
	}
	ws, err := env.Withdrawals()
	if err != nil {
		env.Close()
		return nil, nil, fmt.Errorf("watch: envelope of the block at slot %d: %w", slot, err)
	}
	return ws, env, nil
}

// keepEnvelope keeps the envelope of a paying gloas block, by its root.
func (s *step) keepEnvelope(root [32]byte, env *beaconstate.Object) {
	if s.envelopes == nil {
		s.envelopes = map[[32]byte]*beaconstate.Object{}
	}
	s.envelopes[root] = env
}

// carried returns errNotCarried, after saying so, for a gloas withdrawal
// in a format other than json (eigenlayer proves no withdrawal, only the
// record and balance, and is not concerned).
func (s *step) carried(f fact) error {
	withdrawal := f.kind == KindWithdrawal || f.kind == KindFullWithdrawal
	name := s.w.cfg.Format
	if !withdrawal || s.envelopes[f.block] == nil || name == format.JSON || name == format.EigenLayer {
		return nil
	}
	s.w.log.Warn("event not written: the format cannot carry a gloas withdrawal proof (use the json format)",
		"id", f.id, "kind", f.kind, "validator", f.validator, "slot", f.slot, "format", name)
	return errNotCarried
}

// gloasWithdrawalClaim proves a gloas withdrawal from the paying block's
// post-state, with its envelope checked.
func (s *step) gloasWithdrawalClaim(ctx context.Context, sp *staking.StateProver, f fact, block, env *beaconstate.Object) (staking.Claim, string, error) {
	root, _, err := block.Field("state_root")
	if err != nil {
		return staking.Claim{}, "", err
	}
	ws, err := s.w.cfg.Node.PostState(ctx, [32]byte(root), f.slot)
	if err != nil {
		return staking.Claim{}, "", fmt.Errorf("the post-state of the gloas block at slot %d, which the withdrawal is proved from: %w", f.slot, err)
	}
	defer ws.Close()
	s.w.cfg.Metrics.state()
	src := staking.GloasWithdrawalSource{WithdrawalState: ws, Envelope: env, Network: s.net}
	sphr := s.state.Schemas.Preset.SlotsPerHistoricalRoot
	recent, err := staking.WithdrawalIsRecent(sp.Slot(), f.slot, sphr)
	if err != nil {
		return staking.Claim{}, "", err
	}
	if !recent {
		if src.EraStateRoots, err = s.eraStateRoots(ctx, f.slot/sphr, sphr); err != nil {
			return staking.Claim{}, "", err
		}
	}
	c, err := sp.GloasWithdrawal(src, f.num)
	return c, ws.Fork, err
}

// eraStateRoots returns the state_roots of an era from the node's state at
// the next era's first slot (a missed slot's state root is in no header:
// they cannot be rebuilt from headers as block roots are).
func (s *step) eraStateRoots(ctx context.Context, era, sphr uint64) ([]byte, error) {
	b, err := s.w.cfg.Node.EraStateRoots(ctx, era, sphr)
	if err != nil {
		return nil, fmt.Errorf("the withdrawal is older than the state's state_roots: its era's state_roots are in the state at slot %d (an archive node keeps it): %w", (era+1)*sphr, err)
	}
	s.w.cfg.Metrics.state()
	return b, nil
}
