package beaconapi

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
)

// Bounds of FindWithdrawal.
const (
	// DefaultSearchSlots is how many slots FindWithdrawal searches from
	// its first slot: 2^17 slots, 18 days of 12-second slots, more than
	// one pass of the withdrawal sweep over mainnet's registry.
	DefaultSearchSlots uint64 = 1 << 17
	// DefaultSearchRequests is how many blocks FindWithdrawal fetches at
	// most (a missed slot's 404 counts as one).
	DefaultSearchRequests = 96
	// maxMissedRun is how many consecutive slots without a block the
	// search accepts before it decides that the node lacks the history.
	maxMissedRun = 64
)

// WithdrawalSearch bounds FindWithdrawal. The zero value searches from
// the validator's withdrawable epoch with the default bounds.
type WithdrawalSearch struct {
	// FromSlot is the first slot searched. 0 means the first slot of the
	// validator's withdrawable_epoch, read from the state StateID: the
	// search then finds the validator's full withdrawal after its exit.
	// Set it to find a partial withdrawal (a skim of the balance above the
	// maximum effective balance) from that slot on.
	FromSlot uint64
	// StateID is the state whose validator record gives the withdrawable
	// epoch; "" means "head".
	StateID string
	// MaxSlots bounds the slots searched, from the first one; 0 means
	// DefaultSearchSlots. The search never goes past the node's head.
	MaxSlots uint64
	// MaxRequests bounds the blocks fetched; 0 means
	// DefaultSearchRequests.
	MaxRequests int
}

// WithdrawalBlock is the block that paid a withdrawal.
type WithdrawalBlock struct {
	// Slot is the block's slot and Root its block root.
	Slot uint64
	Root [32]byte
	// Block is the SignedBeaconBlock; BlockMessage gives its BeaconBlock.
	Block *beaconstate.Object
	// Envelope is, from gloas on, the block's
	// SignedExecutionPayloadEnvelope, whose payload paid the withdrawal;
	// nil before gloas.
	Envelope *beaconstate.Object
	// Position is the withdrawal's index in the payload's withdrawals
	// list (body.execution_payload.withdrawals[Position] of the
	// BeaconBlock, or message.payload.withdrawals[Position] of the
	// Envelope), and Withdrawal the withdrawal itself.
	Position   int
	Withdrawal beaconstate.Withdrawal
	// BlocksFetched is how many blocks the search fetched (404s of missed
	// slots included).
	BlocksFetched int
}

// FindWithdrawal finds the first block, at or after the validator's
// withdrawable epoch (or opts.FromSlot), whose execution payload pays a
// withdrawal to the validator, without scanning slot by slot.
//
// # Strategy
//
// From capella on, each block's payload pays withdrawals found by a sweep
// over the validator registry in index order: it starts where the previous
// block's sweep stopped (next_withdrawal_validator_index), pays up to
// MAX_WITHDRAWALS_PER_PAYLOAD validators, and wraps from the last index to
// 0. The sweep's position therefore only moves forward, one pass after
// another, and the last validator paid by each block tells how far it
// went. Within one pass from the first block searched, "the sweep has
// reached the validator" is a monotone property of the slot, which the
// search brackets and narrows:
//
//  1. Fetch the first block with withdrawals at or after the first slot;
//     its last withdrawal's validator index is the start of the pass. An
//     index below it is reached only after the sweep wraps.
//  2. Jump ahead by 90% of the estimated slots to the validator: its
//     distance along the sweep divided by the sweep's speed in validators
//     per slot, measured between the blocks seen so far (missed slots
//     included). While the validator is beyond a wrap not yet seen, the
//     registry size is only bounded from below (by the largest index
//     seen), and the jumps at least double each time (galloping), so that
//     the wrap is reached in a logarithmic number of steps. Repeat until a
//     block's sweep is past the validator. No jump can pass a whole pass
//     of the sweep unnoticed: a block whose sweep is behind the previous
//     block's counts as past the validator.
//  3. Between the last block not past the validator and the first past
//     it, alternate interpolation and bisection until the two are
//     adjacent blocks with withdrawals.
//
// A block that pays the validator ends the search at once. The first
// block past the validator that does not pay it means the sweep passed it
// unpaid (not yet withdrawable, or no balance left): the search then
// fails with ErrWithdrawalNotFound and says so. A steady sweep is found in
// a handful of requests; the worst case is about twice the logarithm of
// the slots searched. Missed slots (404) are skipped; a run of 64 suggests
// a node without block history, and fails.
//
// Limits: the search is bounded by opts.MaxSlots, the node's head and
// opts.MaxRequests, with an error that says which bound stopped it (and
// wraps ErrSearchSlots or ErrSearchRequests); for a validator that has
// not exited, without opts.FromSlot, the error wraps ErrSearchStart. It
// reads beacon blocks from capella on; from gloas on, where the payload
// and its withdrawals are in the execution payload envelope, it reads each
// probed block's envelope too (Envelope; a payload its builder withheld
// pays nothing, and the next revealed payload carries its withdrawals;
// builders' withdrawals, BuilderIndexFlag, are not the sweep's). An
// electra pending partial withdrawal is paid out of sweep order and is
// found only if a probed block pays it.
func (c *Client) FindWithdrawal(ctx context.Context, validator uint64, opts WithdrawalSearch) (*WithdrawalBlock, error) {
	net, err := c.network(ctx)
	if err != nil {
		return nil, err
	}
	what := fmt.Sprintf("withdrawal search for validator %d on %s", validator, c.display)
	preset, err := fork.PresetByName(net.PresetName())
	if err != nil {
		return nil, newErr(fmt.Sprintf("%s: %v", what, err), err)
	}
	spe := net.SlotsPerEpoch
	if spe == 0 {
		spe = preset.SlotsPerEpoch
	}
	maxSlots := opts.MaxSlots
	if maxSlots == 0 {
		maxSlots = DefaultSearchSlots
	}
	maxReq := opts.MaxRequests
	if maxReq <= 0 {
		maxReq = DefaultSearchRequests
	}
	capella := net.ForkEpoch(fork.Capella)
	if capella == fork.FarFutureEpoch || capella > ^uint64(0)/spe {
		return nil, newErr(fmt.Sprintf("%s: %v: %s schedules no capella fork, which brought withdrawals", what, ErrWithdrawalNotFound, net.Name), ErrWithdrawalNotFound)
	}
	from := opts.FromSlot
	if from == 0 {
		stateID := opts.StateID
		if stateID == "" {
			stateID = "head"
		}
		info, err := c.Validator(ctx, stateID, validator)
		if err != nil {
			return nil, err
		}
		we := info.Validator.WithdrawableEpoch
		if we == fork.FarFutureEpoch || we > ^uint64(0)/spe {
			return nil, newErr(fmt.Sprintf("%s: %v: the validator has not exited (status %s, withdrawable_epoch far in the future), so it has no full withdrawal; %v",
				what, ErrWithdrawalNotFound, info.Status, ErrSearchStart), ErrWithdrawalNotFound, ErrSearchStart)
		}
		from = we * spe
	}
	from = max(from, capella*spe)
	head, err := c.HeadSlot(ctx)
	if err != nil {
		return nil, err
	}
	if from > head {
		wait := time.Duration((from-head)*net.SecondsPerSlot) * time.Second
		return nil, newErr(fmt.Sprintf("%s: %v: the search starts at slot %d, after the node's head (slot %d, about %v earlier); try again after that",
			what, ErrWithdrawalNotFound, from, head, wait), ErrWithdrawalNotFound)
	}
	limit := head
	if head-from >= maxSlots {
		limit = from + maxSlots - 1
	}
	maxSweep := uint64(16384)
	if net.PresetName() != fork.PresetMainnet {
		maxSweep = 16
	}
	if vals, err := c.SpecValues(ctx); err == nil {
		if v, err := strconv.ParseUint(vals["MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP"], 10, 64); err == nil && v > 0 {
			maxSweep = v
		}
	}
	s := &sweeper{
		c: c, v: validator, from: from, limit: limit, head: head,
		maxRequests: maxReq, what: what,
		maxW: preset.MaxWithdrawalsPerPayload, maxSweep: maxSweep,
	}
	return s.search(ctx)
}

// sweeper is the state of one FindWithdrawal.
type sweeper struct {
	c                 *Client
	v                 uint64 // the validator
	from, limit, head uint64 // the slots searched, and the head
	maxRequests       int
	requests          int
	what              string
	maxW, maxSweep    uint64 // MAX_WITHDRAWALS_PER_PAYLOAD, MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP
	maxSeen           uint64 // the largest validator index seen
}

// sweepObs is a block with withdrawals.
type sweepObs struct {
	slot  uint64
	block *beaconstate.Object
	env   *beaconstate.Object // gloas on: the block's SignedExecutionPayloadEnvelope
	ws    []beaconstate.Withdrawal
	pos   []int // ws's positions in the payload when builders' were left out (gloas); nil: the same
}

// last returns the validator index of the block's last withdrawal: where
// the block's sweep stopped.
func (o *sweepObs) last() uint64 { return o.ws[len(o.ws)-1].ValidatorIndex }

// pays returns the position of a withdrawal to validator v, or -1.
func (o *sweepObs) pays(v uint64) int {
	for i, w := range o.ws {
		if w.ValidatorIndex == v {
			return i
		}
	}
	return -1
}

// wrapped marks sweep positions after the wrap from the last index to 0
// in the keys the search compares.
const wrapped = uint64(1) << 62

func (s *sweeper) search(ctx context.Context) (*WithdrawalBlock, error) {
	first, err := s.next(ctx, s.from, s.limit)
	if err != nil {
		return nil, err
	}
	if first == nil {
		hint, bound := s.boundHint()
		return nil, newErr(fmt.Sprintf("%s: %v: no block with withdrawals in slots %d to %d%s",
			s.what, ErrWithdrawalNotFound, s.from, s.limit, hint), ErrWithdrawalNotFound, bound)
	}
	if i := first.pays(s.v); i >= 0 {
		return s.found(first, i)
	}
	h := newHunt(s, first)
	for h.lo.slot < h.top {
		probe := h.probe()
		o, err := s.next(ctx, probe, h.top)
		if err != nil {
			return nil, err
		}
		if o == nil {
			h.top = probe - 1 // nothing with withdrawals in [probe, top]
			continue
		}
		if i := o.pays(s.v); i >= 0 {
			return s.found(o, i)
		}
		h.observe(o)
	}
	return nil, h.notFound()
}

// hunt is the state of a search for the block that pays validator v: lo
// is the last block seen before the validator's place in the sweep, hi
// (once seen) the first after it, top the last slot still to look at.
type hunt struct {
	s        *sweeper
	first    *sweepObs
	p0       uint64  // the position the pass starts at: first's last withdrawal
	nGuess   float64 // the registry size estimated from the sweep's speed across the wrap
	target   uint64  // key(v)
	rate     float64 // validators per slot
	lo, hi   *sweepObs
	top      uint64
	bisect   bool
	lastStep float64
}

func newHunt(s *sweeper, first *sweepObs) *hunt {
	h := &hunt{s: s, first: first, p0: first.last(), lo: first, top: s.limit, lastStep: 0.5}
	h.target = h.key(s.v)
	h.rate = s.initialRate(first)
	return h
}

// key is a validator index's position along the pass that starts after
// the first block's last withdrawal (indices before it come after the
// wrap).
func (h *hunt) key(x uint64) uint64 {
	if x >= h.p0 {
		return x
	}
	return x + wrapped
}

// pos is a key as a distance along the pass, with the registry size, once
// wrapped, bounded from below by the largest index seen.
func (h *hunt) pos(k uint64) float64 {
	if k < wrapped {
		return float64(k)
	}
	n := max(float64(max(h.s.maxSeen, h.s.v, h.p0)+1), h.nGuess)
	return float64(k-wrapped) + n
}

// probe returns the next slot to look at: a step at the sweep's speed
// before the validator's block is passed, then interpolation alternating
// with bisection between lo and hi.
func (h *hunt) probe() uint64 {
	lo, top := h.lo, h.top
	if h.hi == nil {
		step := 0.9 * (h.pos(h.target) - h.pos(h.key(lo.last()))) / h.rate
		if h.target >= wrapped && h.key(lo.last()) < wrapped {
			// The wrap is ahead and the registry size only bounded from
			// below: gallop, doubling the step, until a block past the
			// wrap shows the size.
			step = max(step, 2*h.lastStep)
		}
		h.lastStep = step
		switch {
		case step < 1:
			return lo.slot + 1
		case step >= float64(top-lo.slot):
			return top
		}
		return lo.slot + uint64(step)
	}
	span := h.hi.slot - lo.slot
	probe := lo.slot + span/2
	if !h.bisect {
		lk, hk := h.pos(h.key(lo.last())), h.pos(h.key(h.hi.last()))
		if hk > lk {
			f := (h.pos(h.target) - lk) / (hk - lk)
			probe = lo.slot + uint64(f*float64(span))
		}
	}
	h.bisect = !h.bisect
	return min(max(probe, lo.slot+1), top)
}

// observe takes a block with withdrawals that does not pay the validator:
// it is past the validator (hi), or before it (lo, and the sweep's speed).
func (h *hunt) observe(o *sweepObs) {
	k, lk := h.key(o.last()), h.key(h.lo.last())
	if k >= wrapped && lk < wrapped {
		// The sweep wrapped between lo and o: at the speed seen so far it
		// went lo.last + rate×slots - o.last validators past the end of
		// the registry.
		if g := float64(h.lo.last()) + h.rate*float64(o.slot-h.lo.slot) - float64(o.last()); g > h.nGuess {
			h.nGuess = g
		}
	}
	if k >= h.target || k < lk { // past the validator (or a whole pass later)
		h.hi, h.top = o, o.slot-1
		return
	}
	if o.slot > h.first.slot {
		if r := (h.pos(k) - h.pos(h.key(h.first.last()))) / float64(o.slot-h.first.slot); r > 0 {
			h.rate = r
		}
	}
	h.lo = o
}

// notFound says why the hunt ended without the validator's withdrawal.
func (h *hunt) notFound() error {
	s, lo, hi := h.s, h.lo, h.hi
	switch {
	case hi == nil && s.limit == s.head:
		return newErr(fmt.Sprintf("%s: %v: the withdrawal sweep has not reached the validator by the node's head (slot %d; at slot %d it had paid up to validator %d); try again later",
			s.what, ErrWithdrawalNotFound, s.head, lo.slot, lo.last()), ErrWithdrawalNotFound)
	case hi == nil:
		return newErr(fmt.Sprintf("%s: %v: the withdrawal sweep did not reach the validator in slots %d to %d (at slot %d it had paid up to validator %d); %v",
			s.what, ErrWithdrawalNotFound, s.from, s.limit, lo.slot, lo.last(), ErrSearchSlots), ErrWithdrawalNotFound, ErrSearchSlots)
	}
	return newErr(fmt.Sprintf("%s: %v: the withdrawal sweep passed the validator between slots %d and %d without paying it (the block at slot %d paid up to validator %d): at slot %d the validator was not withdrawable or had no balance left to withdraw",
		s.what, ErrWithdrawalNotFound, lo.slot, hi.slot, hi.slot, hi.last(), hi.slot), ErrWithdrawalNotFound)
}

// initialRate estimates the sweep's speed, in validators per slot, from
// one block: a full block swept from its first to its last withdrawal, a
// block with fewer withdrawals swept MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP.
func (s *sweeper) initialRate(o *sweepObs) float64 {
	if uint64(len(o.ws)) < s.maxW {
		return float64(s.maxSweep)
	}
	first, last := o.ws[0].ValidatorIndex, o.last()
	if last >= first {
		return float64(last - first + 1)
	}
	return float64(len(o.ws))
}

// next returns the first block in slots [from, to] whose payload has
// withdrawals, or nil when there is none.
func (s *sweeper) next(ctx context.Context, from, to uint64) (*sweepObs, error) {
	missed := 0
	for slot := from; slot <= to && slot >= from; slot++ {
		if s.requests >= s.maxRequests {
			return nil, newErr(fmt.Sprintf("%s: %v: gave up after fetching %d blocks, searching slots %d to %d; %v",
				s.what, ErrWithdrawalNotFound, s.requests, s.from, s.limit, ErrSearchRequests), ErrWithdrawalNotFound, ErrSearchRequests)
		}
		s.requests++
		blk, err := s.c.Block(ctx, SlotID(slot))
		if err != nil {
			if !errors.Is(err, ErrNotFound) {
				return nil, err
			}
			if missed++; missed >= maxMissedRun {
				return nil, newErr(fmt.Sprintf("%s: %v: the node has no block in the %d slots from %d: it lacks that block history (checkpoint sync without backfill?); use a node with the full block history",
					s.what, ErrNotFound, missed, slot+1-uint64(missed)), ErrNotFound, ErrWithdrawalNotFound)
			}
			continue
		}
		missed = 0
		ws, pos, env, err := s.withdrawalsOf(ctx, slot, blk)
		if err != nil {
			return nil, err
		}
		if len(ws) == 0 {
			continue
		}
		for _, w := range ws {
			s.maxSeen = max(s.maxSeen, w.ValidatorIndex)
		}
		return &sweepObs{slot: slot, block: blk, env: env, ws: ws, pos: pos}, nil
	}
	return nil, nil
}

// found returns the result for withdrawal i of block o.
func (s *sweeper) found(o *sweepObs, i int) (*WithdrawalBlock, error) {
	msg, err := BlockMessage(o.block)
	if err != nil {
		return nil, newErr(fmt.Sprintf("%s: block at slot %d: %v", s.what, o.slot, err), ErrBadResponse, err)
	}
	root, err := msg.Root()
	if err != nil {
		return nil, newErr(fmt.Sprintf("%s: block at slot %d: %v", s.what, o.slot, err), ErrBadResponse, err)
	}
	p := i
	if o.pos != nil {
		p = o.pos[i]
	}
	return &WithdrawalBlock{Slot: o.slot, Root: root, Block: o.block, Envelope: o.env, Position: p, Withdrawal: o.ws[i], BlocksFetched: s.requests}, nil
}

// boundHint says which bound ended a search, and returns the sentinel of
// that bound (nil for the node's head).
func (s *sweeper) boundHint() (string, error) {
	if s.limit == s.head {
		return " (the node's head); try again later", nil
	}
	return "; " + ErrSearchSlots.Error(), ErrSearchSlots
}
