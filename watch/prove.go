package watch

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// stateProver downloads the checkpoint's state, once, hashes it (from the
// previous state's tree when it can) and returns its prover, anchored to
// the checkpoint's block, with the anchor's EIP-4788 timestamp.
func (s *step) stateProver(ctx context.Context) (*staking.StateProver, error) {
	if s.sp != nil {
		return s.sp, nil
	}
	w := s.w
	st, err := w.cfg.Node.State(ctx, s.stateID())
	if err != nil {
		return nil, fmt.Errorf("watch: the checkpoint's state: %w", err)
	}
	w.cfg.Metrics.state()
	s.downloaded = true
	sp, err := w.checkpointProver(st, s.target)
	if err != nil {
		return nil, err
	}
	s.anch = sp.Anchor()
	a, err := eip4788.AnchorOf(ctx, s.net, w.cfg.Node, s.target.Slot)
	switch {
	case errors.Is(err, eip4788.ErrNoChild):
		// head mode: the block is not stored in the contract yet
	case err != nil:
		return nil, fmt.Errorf("watch: the anchor's 4788 timestamp: %w", err)
	case a.Root != s.anch.Root:
		return nil, fmt.Errorf("watch: the node's block at slot %d is %s, the checkpoint's %s (the chain moved): %w",
			a.Slot, proof.FormatHash(a.Root), proof.FormatHash(s.anch.Root), eip4788.ErrRootMismatch)
	default:
		s.anch.Timestamp = a.Timestamp
	}
	s.state, s.sp = st, sp
	if err := s.scanRegistry(); err != nil {
		return nil, err
	}
	return sp, nil
}

// checkpointProver hashes the checkpoint's state and checks that it is
// the post-state of the checkpoint's block. A state hashed with
// Prover.Next whose root does not match is hashed again from scratch
// before the watcher gives up: Next's fingerprints make a wrong root
// vanishingly unlikely, and this makes it harmless.
func (w *Watcher) checkpointProver(st *beaconstate.Object, target beaconapi.Header) (*staking.StateProver, error) {
	for _, incremental := range []bool{true, false} {
		p, next, err := w.hash(st, incremental)
		if err != nil {
			return nil, err
		}
		sp, err := staking.NewStateProver(p, staking.AnchorBlock)
		if err != nil {
			return nil, err
		}
		if sp.Anchor().Root == proof.Hash32(target.Root) {
			return sp, nil
		}
		if !next {
			break
		}
		w.log.Warn("the state hashed from the previous one does not match the checkpoint's block; hashing it from scratch", "slot", target.Slot)
	}
	return nil, fmt.Errorf("watch: the state %s is not the post-state of the checkpoint's block %s", beaconapi.RootID(target.StateRoot), beaconapi.RootID(target.Root))
}

// proverNext is Prover.Next; tests replace it to make it wrong.
var proverNext = (*beaconstate.Prover).Next

// hash returns the Prover of a new state: with incremental, Prover.Next
// of the last one when it has the same type (rehashing what changed;
// next is true), a cold hash otherwise.
func (w *Watcher) hash(st *beaconstate.Object, incremental bool) (p *beaconstate.Prover, next bool, err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if incremental && w.prover != nil && w.prover.Object().Type == st.Type {
		p, err = proverNext(w.prover, st)
		next = err == nil
	}
	if p == nil || err != nil {
		if p, err = beaconstate.NewProver(st); err != nil {
			return nil, false, err
		}
	}
	w.prover = p
	return p, next, nil
}

// release drops the bytes of the last state hashed, keeping what
// Prover.Next needs, and gives their memory back to the system: between
// checkpoints the watcher holds no state, and the next one is downloaded
// into the room of the last (one state at a time, not two).
func (w *Watcher) release() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.prover == nil {
		return
	}
	runtime.GC() // the hashing's garbage: Release's fingerprints reuse its room
	if err := w.prover.Release(); err != nil {
		w.log.Warn("releasing the last state failed; the next one is hashed from scratch", "err", err)
		w.prover = nil
	}
	debug.FreeOSMemory()
}

// prove builds the fact's event: its claims against the checkpoint's
// state, in the configured format, verified.
func (s *step) prove(ctx context.Context, f fact) (Event, error) {
	if err := s.carried(f); err != nil {
		return Event{}, err
	}
	if s.w.cfg.Format == format.Lido {
		return s.proveLido(ctx, f)
	}
	sp, err := s.stateProver(ctx)
	if err != nil {
		return Event{}, err
	}
	claims, blockFork, err := s.claims(ctx, sp, f)
	if err != nil {
		return Event{}, err
	}
	in := format.Input{Fork: s.state.Fork, Preset: s.state.Preset, Anchor: s.anch, Claims: claims,
		Validators: map[uint64]beaconstate.Validator{}}
	docNetwork(&in, s.net)
	if blockFork != s.state.Fork {
		in.BlockFork = blockFork
	}
	if v, err := s.state.Validator(f.validator); err == nil {
		in.Validators[f.validator] = v
	}
	return s.event(f, in)
}

// event writes the fact's document from in, in the configured format,
// verified, with its calldata when the anchor's timestamp is known.
func (s *step) event(f fact, in format.Input) (Event, error) {
	name := s.w.cfg.Format
	doc, err := format.Emit(in, name, "")
	if err != nil {
		return Event{}, err
	}
	if err := doc.Verify(); err != nil {
		return Event{}, fmt.Errorf("the document does not verify: %w", err)
	}
	e := Event{ID: f.id, Kind: f.kind, Validator: f.validator, Slot: f.slot, Anchor: in.Anchor, Format: string(name)}
	if e.Anchor.Timestamp != 0 {
		if e.Deadline, err = eip4788.Expiry(s.net, e.Anchor.Timestamp); err != nil {
			return Event{}, err
		}
	}
	if e.Document, err = json.Marshal(doc); err != nil {
		return Event{}, err
	}
	if name != format.JSON && in.Anchor.Timestamp != 0 {
		cd, err := format.NewCalldata(in, name)
		if err != nil {
			return Event{}, err
		}
		if e.Calldata, err = json.Marshal(cd); err != nil {
			return Event{}, err
		}
	}
	return e, nil
}

// claims returns the claims of a fact: the slot, and the validator's
// record (credentials, exit, slashed), its withdrawal (with, for a full
// withdrawal, its record and final balance). EigenLayer's structs carry
// no withdrawal: its withdrawal events prove the record and the balance.
func (s *step) claims(ctx context.Context, sp *staking.StateProver, f fact) ([]staking.Claim, string, error) {
	slot, err := sp.SlotProof()
	if err != nil {
		return nil, "", err
	}
	out := []staking.Claim{slot}
	blockFork := s.state.Fork
	withdrawal := f.kind == KindWithdrawal || f.kind == KindFullWithdrawal
	if withdrawal && s.w.cfg.Format != format.EigenLayer {
		c, bf, err := s.withdrawalClaim(ctx, sp, f)
		if err != nil {
			return nil, "", err
		}
		out, blockFork = append(out, c), bf
	}
	if !withdrawal || f.kind == KindFullWithdrawal || s.w.cfg.Format == format.EigenLayer {
		c, err := sp.Validator(f.validator)
		if err != nil {
			return nil, "", err
		}
		out = append(out, c)
	}
	if withdrawal && (f.kind == KindFullWithdrawal || s.w.cfg.Format == format.EigenLayer) {
		c, err := sp.Balance(f.validator)
		if err != nil {
			return nil, "", err
		}
		out = append(out, c)
	}
	return out, blockFork, nil
}

// withdrawalClaim proves a withdrawal from the checkpoint's state: through
// block_roots, or through historical_summaries with the era's block roots
// rebuilt from the node's headers.
func (s *step) withdrawalClaim(ctx context.Context, sp *staking.StateProver, f fact) (staking.Claim, string, error) {
	block := s.blocks[f.block]
	if block == nil {
		return staking.Claim{}, "", fmt.Errorf("the block at slot %d is gone", f.slot)
	}
	if env := s.envelopes[f.block]; env != nil {
		return s.gloasWithdrawalClaim(ctx, sp, f, block, env)
	}
	src := staking.WithdrawalSource{Block: block, Network: s.net}
	sphr := s.state.Schemas.Preset.SlotsPerHistoricalRoot
	recent, err := staking.WithdrawalIsRecent(sp.Slot(), f.slot, sphr)
	if err != nil {
		return staking.Claim{}, "", err
	}
	if !recent {
		if src.EraBlockRoots, err = s.eraBlockRoots(ctx, f.slot/sphr); err != nil {
			return staking.Claim{}, "", err
		}
	}
	c, err := sp.Withdrawal(src, f.num)
	return c, block.Fork, err
}

// eraBlockRoots rebuilds the block_roots of an era from the node's
// headers, checked against the state's historical summary of the era.
func (s *step) eraBlockRoots(ctx context.Context, era uint64) ([]byte, error) {
	off, err := s.net.HistoricalSummariesOffset()
	if err != nil {
		return nil, err
	}
	if era < off {
		return nil, fmt.Errorf("era %d is before historical_summaries (offset %d)", era, off)
	}
	b, _, err := s.state.Field(fmt.Sprintf("historical_summaries[%d].block_summary_root", era-off))
	if err != nil {
		return nil, err
	}
	roots, err := s.w.cfg.Node.PeriodBlockRoots(ctx, era, [32]byte(b), 0)
	if err != nil {
		return nil, err
	}
	out := make([]byte, 0, 32*len(roots))
	for _, r := range roots {
		out = append(out, r[:]...)
	}
	return out, nil
}
