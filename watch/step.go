package watch

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// farFuture is FAR_FUTURE_EPOCH: an exit epoch not set.
const farFuture = ^uint64(0)

// step is the work on one checkpoint.
type step struct {
	w      *Watcher
	net    *fork.Network
	target beaconapi.Header
	first  bool   // no cursor: the first run
	from   uint64 // the first slot whose block is read (up to target.Slot, excluded)

	watched    map[uint64]bool     // found pointing at a watched address (store)
	candidates map[string]bool     // ids that may come to point at one (store)
	found      map[uint64][20]byte // found in this step
	candUpdate map[string]bool     // candidates to keep (true) or drop

	infos  map[uint64]beaconapi.ValidatorInfo // the watched validators at the checkpoint
	paid   []payment                          // withdrawals to them since the cursor
	blocks map[[32]byte]*beaconstate.Object   // the paying blocks, by root
	// envelopes are the paying gloas blocks' envelopes, by root (gloas.go)
	envelopes map[[32]byte]*beaconstate.Object

	warnedNoPayload bool // a block without payload withdrawals was logged

	downloaded bool                 // a state was downloaded: release it at the end
	state      *beaconstate.Object  // the checkpoint's state, once downloaded
	sp         *staking.StateProver // its prover
	anch       staking.Anchor       // its anchor with the 4788 timestamp
}

// payment is a withdrawal paid to a watched validator.
type payment struct {
	slot uint64
	root [32]byte
	num  uint64
	w    beaconstate.Withdrawal
}

func (w *Watcher) newStep(net *fork.Network, target beaconapi.Header, cur Cursor, ok bool) (*step, error) {
	watched, candidates, err := w.cfg.Store.watchedSet()
	if err != nil {
		return nil, fmt.Errorf("watch: store: %w", err)
	}
	s := &step{w: w, net: net, target: target, first: !ok, watched: watched, candidates: candidates,
		found: map[uint64][20]byte{}, candUpdate: map[string]bool{}, blocks: map[[32]byte]*beaconstate.Object{}}
	// The checkpoint's state proves the withdrawals of blocks before its
	// slot only (its block_roots end at the slot before), so the blocks
	// read are those from the previous checkpoint's, included, to this
	// one's, excluded: each block is read at the first checkpoint that
	// can prove what it pays.
	switch {
	case ok:
		s.from = cur.Slot
	case w.cfg.StartSlot > 0:
		s.from = w.cfg.StartSlot
	default:
		s.from = target.Slot // no history
	}
	return s, nil
}

// close releases the step's objects, and the checkpoint's state when it
// was downloaded.
func (s *step) close() {
	for _, b := range s.blocks {
		b.Close()
	}
	for _, e := range s.envelopes {
		e.Close()
	}
	if s.downloaded {
		s.state, s.sp = nil, nil
		s.w.release()
	}
}

// stateID is the id of the checkpoint's state: its root.
func (s *step) stateID() string { return beaconapi.RootID(s.target.StateRoot) }

// run finds the checkpoint's events, emits those not emitted yet, and
// moves the cursor.
func (s *step) run(ctx context.Context) error {
	w := s.w
	if s.first && len(w.cfg.Addresses) > 0 {
		if err := s.discover(ctx); err != nil {
			return err
		}
	}
	if err := s.fetchValidators(ctx, s.ids()); err != nil {
		return err
	}
	if err := s.scanBlocks(ctx); err != nil {
		return err
	}
	facts := s.facts()
	n, err := s.emit(ctx, facts)
	if err != nil {
		return err
	}
	c := Cursor{Slot: s.target.Slot, Root: s.target.Root}
	if w.cfg.Head {
		fin, err := w.cfg.Node.Header(ctx, "finalized")
		if err != nil {
			return fmt.Errorf("watch: finalized checkpoint: %w", err)
		}
		c.Finalized = min(fin.Slot, c.Slot)
	}
	if err := w.cfg.Store.commit(c, s.found, s.candUpdate); err != nil {
		return fmt.Errorf("watch: store: %w", err)
	}
	w.cfg.Metrics.processed(c.Slot, lag(s.net, c.Slot))
	w.log.Info("checkpoint processed", "slot", c.Slot, "root", beaconapi.RootID(c.Root),
		"validators", len(s.infos), "facts", len(facts), "emitted", n, "state_downloaded", s.downloaded)
	return nil
}

// pointsAt returns the watched address that credentials point at.
func (s *step) pointsAt(cred [32]byte) ([20]byte, bool) {
	if cred[0] != 0x01 && cred[0] != 0x02 {
		return [20]byte{}, false
	}
	for _, a := range s.w.cfg.Addresses {
		if bytes.Equal(cred[12:], a[:]) {
			return a, true
		}
	}
	return [20]byte{}, false
}

// discover finds, on the first run, every validator pointing at a
// watched address in the checkpoint's state (which its credentials
// events need anyway).
func (s *step) discover(ctx context.Context) error {
	_, err := s.stateProver(ctx)
	return err
}

// scanRegistry finds, in a downloaded state, the validators pointing at
// a watched address: on the first run all of them; later, any that the
// blocks did not reveal (their events follow at the next checkpoint).
func (s *step) scanRegistry() error {
	if len(s.w.cfg.Addresses) == 0 {
		return nil
	}
	n, err := s.state.ValidatorCount()
	if err != nil {
		return err
	}
	for i := range n {
		v, err := s.state.Validator(i)
		if err != nil {
			return err
		}
		if a, ok := s.pointsAt(v.WithdrawalCredentials); ok && !s.watched[i] {
			s.watched[i], s.found[i] = true, a
		}
	}
	return nil
}

// ids returns the ids of the validators to ask the node for: those
// configured, those found, and the candidates.
func (s *step) ids() []string {
	var ids []string
	for _, i := range s.w.cfg.Indices {
		ids = append(ids, strconv.FormatUint(i, 10))
	}
	for _, p := range s.w.cfg.Pubkeys {
		ids = append(ids, "0x"+hex.EncodeToString(p[:]))
	}
	for i := range s.watched {
		ids = append(ids, strconv.FormatUint(i, 10))
	}
	for id := range s.candidates {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// fetchValidators asks the node for the validators of ids at the
// checkpoint and keeps the watched ones.
func (s *step) fetchValidators(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	infos, err := s.w.cfg.Node.Validators(ctx, s.stateID(), ids)
	if err != nil {
		return fmt.Errorf("watch: validators at the checkpoint: %w", err)
	}
	if s.infos == nil {
		s.infos = map[uint64]beaconapi.ValidatorInfo{}
	}
	for _, info := range infos {
		i, v := info.Index, info.Validator
		a, points := s.pointsAt(v.WithdrawalCredentials)
		if points && !s.watched[i] {
			s.watched[i], s.found[i] = true, a
		}
		for _, id := range []string{strconv.FormatUint(i, 10), "0x" + hex.EncodeToString(v.Pubkey[:])} {
			if s.candidates[id] {
				s.candUpdate[id] = false // resolved: watched now, or pointing elsewhere
				delete(s.candidates, id)
			}
		}
		if points || s.configured(info) {
			s.infos[i] = info
		}
	}
	return nil
}

// configured reports a validator named by index or pubkey.
func (s *step) configured(info beaconapi.ValidatorInfo) bool {
	return slices.Contains(s.w.cfg.Indices, info.Index) || slices.Contains(s.w.cfg.Pubkeys, info.Validator.Pubkey)
}

// facts returns what the checkpoint shows of the watched validators, in
// emission order.
func (s *step) facts() []fact {
	var fs []fact
	for i, info := range s.infos {
		v := info.Validator
		if a, ok := s.pointsAt(v.WithdrawalCredentials); ok || s.configured(info) {
			_ = a
			fs = append(fs, fact{id: fmt.Sprintf("credentials-v%d-%x", i, v.WithdrawalCredentials), kind: KindCredentials, validator: i, slot: s.target.Slot})
		}
		if v.Slashed {
			fs = append(fs, fact{id: fmt.Sprintf("slashed-v%d", i), kind: KindSlashed, validator: i, slot: s.target.Slot})
		}
		if v.ExitEpoch != farFuture {
			fs = append(fs, fact{id: fmt.Sprintf("exit-v%d-e%d", i, v.ExitEpoch), kind: KindExit, validator: i, slot: s.target.Slot})
		}
	}
	spe := s.net.SlotsPerEpoch
	for _, p := range s.paid {
		k := KindWithdrawal
		if info, ok := s.infos[p.w.ValidatorIndex]; ok && spe > 0 && p.slot/spe >= info.Validator.WithdrawableEpoch {
			k = KindFullWithdrawal
		}
		fs = append(fs, fact{id: fmt.Sprintf("%s-w%d-s%d-%x", k, p.w.Index, p.slot, p.root[:4]), kind: k,
			validator: p.w.ValidatorIndex, slot: p.slot, block: p.root, num: p.num, amount: p.w.Amount})
	}
	sort.SliceStable(fs, func(a, b int) bool {
		x, y := fs[a], fs[b]
		if x.kind.order() != y.kind.order() {
			return x.kind.order() < y.kind.order()
		}
		if x.slot != y.slot {
			return x.slot < y.slot
		}
		if x.validator != y.validator {
			return x.validator < y.validator
		}
		return x.num < y.num
	})
	return fs
}

// emit proves and writes the facts not emitted yet, recording each after
// its write. It returns how many it wrote.
func (s *step) emit(ctx context.Context, facts []fact) (int, error) {
	w := s.w
	n := 0
	for _, f := range facts {
		done, err := w.cfg.Store.Emitted(f.id)
		if err != nil {
			return n, fmt.Errorf("watch: store: %w", err)
		}
		if done {
			continue
		}
		if w.cfg.Format == format.Lido {
			if why := s.lidoUnsupported(f); why != "" {
				if err := s.skipLido(f, why); err != nil {
					return n, err
				}
				continue
			}
		}
		e, err := s.prove(ctx, f)
		if errors.Is(err, errNotCarried) {
			continue // said in carried
		}
		if err != nil {
			w.cfg.Metrics.failed()
			return n, fmt.Errorf("watch: event %s: %w", f.id, err)
		}
		if err := w.cfg.Sink.Write(e); err != nil {
			return n, err
		}
		if err := w.cfg.Store.markEmitted(f.id, e.Anchor.Slot); err != nil {
			return n, fmt.Errorf("watch: store: %w", err)
		}
		w.cfg.Metrics.emit(f.kind)
		w.log.Info("event emitted", "id", f.id, "kind", f.kind, "validator", f.validator, "slot", f.slot,
			"anchor_slot", e.Anchor.Slot, "deadline", e.Deadline)
		n++
		if err := ctx.Err(); err != nil {
			return n, err
		}
	}
	return n, nil
}
