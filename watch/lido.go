package watch

import (
	"context"
	"fmt"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// Lido CSM's CSVerifier takes one kind of proof: a validator's withdrawal
// once it is withdrawable (processWithdrawalProof, or
// processHistoricalWithdrawalProof for an old block), proved against the
// post-state of the block that paid it. The watcher in the lido format
// emits those, and records each other fact as handled with one log line
// saying why lido cannot carry it.

// lidoMinAmount is the least a withdrawal of a validator not slashed may
// be for CSVerifier (below, it reverts PartialWithdrawal): 8 ETH in Gwei.
const lidoMinAmount = 8_000_000_000

// lidoUnsupported returns why Lido's CSVerifier cannot take the fact, or
// "" when it can.
func (s *step) lidoUnsupported(f fact) string {
	switch f.kind {
	case KindCredentials, KindExit, KindSlashed:
		return "CSVerifier takes withdrawal proofs only; Lido CSM learns credentials, exits and slashings otherwise"
	case KindWithdrawal:
		return "a partial withdrawal, before the validator's withdrawable epoch: CSVerifier reverts ValidatorNotWithdrawn"
	}
	info := s.infos[f.validator]
	if f.amount < lidoMinAmount && !info.Validator.Slashed {
		return fmt.Sprintf("%d Gwei, under 8 ETH, of a validator not slashed: CSVerifier reverts PartialWithdrawal", f.amount)
	}
	return ""
}

// skipLido records a fact that lido cannot carry as handled, saying why
// once: it is not proved again at later checkpoints, nor after a restart.
func (s *step) skipLido(f fact, why string) error {
	if err := s.w.cfg.Store.markEmitted(f.id, s.target.Slot); err != nil {
		return fmt.Errorf("watch: store: %w", err)
	}
	s.w.log.Info("event not emitted: the lido format cannot carry it", "id", f.id, "kind", f.kind, "validator", f.validator, "slot", f.slot, "why", why)
	return nil
}

// proveLido builds a full withdrawal's lido document: from the paying
// block's post-state, anchored to that block while its root is in the
// EIP-4788 ring buffer at the checkpoint's time (processWithdrawalProof);
// after, the paying block's header proved under the checkpoint's
// historical_summaries, anchored to the checkpoint's block
// (processHistoricalWithdrawalProof). One state is held at a time: the
// checkpoint's state, if downloaded, is released before the paying
// block's is, and that one before the checkpoint's is (again) needed.
func (s *step) proveLido(ctx context.Context, f fact) (Event, error) {
	block := s.blocks[f.block]
	if block == nil {
		return Event{}, fmt.Errorf("the block at slot %d is gone", f.slot)
	}
	anchor, err := eip4788.AnchorOf(ctx, s.net, s.w.cfg.Node, f.slot)
	if err != nil {
		return Event{}, fmt.Errorf("the paying block's 4788 timestamp: %w", err)
	}
	if anchor.Root != proof.Hash32(f.block) {
		return Event{}, fmt.Errorf("the node's block at slot %d is %s, the paying block %s (the chain moved): %w",
			f.slot, proof.FormatHash(anchor.Root), beaconapi.RootID(f.block), eip4788.ErrRootMismatch)
	}
	expiry, err := eip4788.Expiry(s.net, anchor.Timestamp)
	if err != nil {
		return Event{}, err
	}
	paying, err := s.payingClaims(ctx, block, f)
	if err != nil {
		return Event{}, err
	}
	in := format.Input{Fork: paying.fork, Preset: paying.preset}
	docNetwork(&in, s.net)
	if expiry > s.net.SlotTime(s.target.Slot) {
		in.Anchor, in.Claims = anchor, []staking.Claim{paying.header, paying.withdrawal, paying.validator}
		return s.event(f, in)
	}
	sp, err := s.stateProver(ctx)
	if err != nil {
		return Event{}, err
	}
	hv, ok := paying.header.Value.(staking.BlockHeaderValue)
	if !ok {
		return Event{}, fmt.Errorf("internal error: a block header claim holds a %T", paying.header.Value)
	}
	era, err := s.eraBlockRoots(ctx, f.slot/s.state.Schemas.Preset.SlotsPerHistoricalRoot)
	if err != nil {
		return Event{}, err
	}
	hist, err := sp.HistoricalBlockHeader(hv, era, s.net)
	if err != nil {
		return Event{}, err
	}
	header, err := sp.BlockHeader()
	if err != nil {
		return Event{}, err
	}
	in.Fork, in.Preset, in.Anchor = s.state.Fork, s.state.Preset, s.anch
	if paying.fork != s.state.Fork {
		in.BlockFork = paying.fork
	}
	in.Claims = []staking.Claim{header, hist, paying.withdrawal, paying.validator}
	return s.event(f, in)
}

// payingProof is what the paying block's post-state proves: its block's
// header, the withdrawal and its validator.
type payingProof struct {
	fork, preset                  string
	header, withdrawal, validator staking.Claim
}

// payingClaims downloads the post-state of the block that paid the
// withdrawal (after releasing the checkpoint's, if held; by its root, else
// by the block's slot, as gloas withdrawals are), checks it
// against the block, proves the withdrawal and the validator in it, and
// releases it.
func (s *step) payingClaims(ctx context.Context, block *beaconstate.Object, f fact) (payingProof, error) {
	var out payingProof
	sr, _, err := block.Field("state_root")
	if err != nil {
		return out, err
	}
	s.dropState()
	st, err := s.w.cfg.Node.PostState(ctx, [32]byte(sr), f.slot)
	if err != nil {
		return out, fmt.Errorf("watch: the post-state of the block at slot %d: %w", f.slot, err)
	}
	s.w.cfg.Metrics.state()
	defer s.w.release()
	osp, err := s.w.checkpointProver(st, beaconapi.Header{Slot: f.slot, Root: f.block, StateRoot: [32]byte(sr)})
	if err != nil {
		return out, err
	}
	out.fork, out.preset = st.Fork, st.Preset
	if out.header, err = osp.BlockHeader(); err != nil {
		return out, err
	}
	if out.withdrawal, err = osp.PostStateWithdrawal(block, f.num); err != nil {
		return out, err
	}
	out.validator, err = osp.Validator(f.validator)
	return out, err
}

// dropState releases the checkpoint's state, if the step holds it.
func (s *step) dropState() {
	if s.sp == nil {
		return
	}
	s.state, s.sp = nil, nil
	s.w.release()
}
