package synth

import (
	"encoding/binary"
	"fmt"
	"sort"
	"strings"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// ChainOptions shape a Chain.
type ChainOptions struct {
	// Fork is the fork of the state and of every block (capella or later);
	// Preset is the preset ("" means mainnet).
	Fork, Preset string
	// Options shape the state at Options.Slot. HistoricalSummaries is
	// overridden: the state holds one summary per era from
	// SummariesOffset to the era before its own.
	Options
	// SummariesOffset is the era of historical_summaries[0] (the network's
	// HistoricalSummariesOffset: 758 on mainnet, 0 on hoodi).
	SummariesOffset uint64
	// Past are earlier slots that get a block (and, from gloas, its
	// post-state and payload envelope) committed to by the state's
	// history: block_roots and state_roots for the last
	// SLOTS_PER_HISTORICAL_ROOT slots, historical_summaries and the era's
	// vectors before.
	Past []uint64
	// Withdrawals are the withdrawals of every block's payload (from
	// gloas: of every post-state's payload_expected_withdrawals and
	// envelope's payload).
	Withdrawals []Withdrawal
	// PastStates gives every past slot its block's post-state before
	// gloas too (from gloas they always have one): the state at the slot,
	// whose latest_block_header and latest_execution_payload_header are
	// the block's, its root the block's state_root.
	PastStates bool
	// PendingPartialWithdrawals and PendingConsolidations are the lengths
	// of those queues (electra on); Options.PendingDeposits gives the
	// pending deposits.
	PendingPartialWithdrawals, PendingConsolidations int
	// ParentRoot, when not zero, is the block's parent_root (and its
	// post-state's latest_block_header's), instead of a made-up root.
	ParentRoot [32]byte
	// Edit, when set, changes the state's bytes in place (validator
	// records, balances) before the state becomes its block's post-state.
	Edit func(s *fork.Schemas, state []byte) error
}

// Chain is a state, the block it is the post-state of, and past blocks
// that its history commits to, consistent as on chain: the block's
// state_root is the state's root, the state's latest_block_header is the
// block's header (with a zero state_root), block_roots[ws % n] is the root
// of the block at a recent past slot ws and state_roots[ws % n] the root
// of its post-state, and historical_summaries[ws/n − offset] holds the
// roots of the era's block_roots and state_roots vectors for an older one.
type Chain struct {
	Fork, Preset         string
	Slot                 uint64
	State, Block         []byte
	StateRoot, BlockRoot [32]byte
	// Past holds the past slots by slot.
	Past map[uint64]*PastSlot
}

// PastSlot is a past slot of a Chain.
type PastSlot struct {
	Slot      uint64
	Block     []byte
	BlockRoot [32]byte
	// State is the block's post-state (gloas on, or with
	// ChainOptions.PastStates; nil otherwise, where StateRoot is made up)
	// and StateRoot its root.
	State     []byte
	StateRoot [32]byte
	// Envelope is the block's ExecutionPayloadEnvelope (gloas on).
	Envelope []byte
	// Historical reports a slot older than the state's root vectors;
	// EraBlockRoots and EraStateRoots are then its era's vectors.
	Historical                   bool
	EraBlockRoots, EraStateRoots []byte
}

// NewChain generates a Chain.
func NewChain(o ChainOptions) (*Chain, error) {
	if o.Preset == "" {
		o.Preset = fork.PresetMainnet
	}
	f, err := fork.Lookup(o.Fork)
	if err != nil {
		return nil, err
	}
	if !f.Descends(fork.Capella) {
		return nil, fmt.Errorf("synth: NewChain: %s is before capella", o.Fork)
	}
	s, err := f.Schemas(o.Preset)
	if err != nil {
		return nil, err
	}
	gloas := f.Descends(fork.Gloas)
	sphr := s.Preset.SlotsPerHistoricalRoot
	slot := o.Slot
	c := &Chain{Fork: o.Fork, Preset: o.Preset, Slot: slot, Past: map[uint64]*PastSlot{}}

	blockRoots := map[uint64][32]byte{}
	for k, v := range o.BlockRoots {
		blockRoots[k] = v
	}
	stateRoots := map[uint64][32]byte{}
	type era struct{ blocks, states map[uint64][32]byte }
	eras := map[uint64]*era{}
	for _, ws := range o.Past {
		if ws >= slot {
			return nil, fmt.Errorf("synth: NewChain: past slot %d is not before the state's slot %d", ws, slot)
		}
		ps, err := pastSlot(s, gloas, o, ws)
		if err != nil {
			return nil, err
		}
		c.Past[ws] = ps
		i := ws % sphr
		if slot-ws <= sphr {
			blockRoots[i], stateRoots[i] = ps.BlockRoot, ps.StateRoot
			continue
		}
		ps.Historical = true
		e := ws / sphr
		if e < o.SummariesOffset {
			return nil, fmt.Errorf("synth: NewChain: past slot %d is in era %d, before the summaries' offset %d", ws, e, o.SummariesOffset)
		}
		if eras[e] == nil {
			eras[e] = &era{blocks: map[uint64][32]byte{}, states: map[uint64][32]byte{}}
		}
		eras[e].blocks[i], eras[e].states[i] = ps.BlockRoot, ps.StateRoot
	}

	opts := o.Options
	opts.BlockRoots = blockRoots
	opts.HistoricalSummaries = 0
	if slot/sphr > o.SummariesOffset {
		opts.HistoricalSummaries = int(slot/sphr - o.SummariesOffset)
	}
	if gloas {
		opts.ExpectedWithdrawals = o.Withdrawals
	}
	state, err := State(s.BeaconState, opts)
	if err != nil {
		return nil, err
	}
	vec := func(name string) ([]byte, error) {
		lo, hi, err := FieldSpan(s.BeaconState, state, name)
		return state[lo:hi], err
	}
	sr, err := vec("state_roots")
	if err != nil {
		return nil, err
	}
	for i, r := range stateRoots {
		copy(sr[32*i:], r[:])
	}
	hs, err := vec("historical_summaries")
	if err != nil {
		return nil, err
	}
	for _, e := range sortedKeys(eras) {
		blocks := eraVector(o.Seed, "era_block_roots", e, sphr, eras[e].blocks)
		states := eraVector(o.Seed, "era_state_roots", e, sphr, eras[e].states)
		vt := ssz.Vector(ssz.Bytes32, sphr)
		br, err := ssz.HashTreeRoot(vt, blocks)
		if err != nil {
			return nil, err
		}
		stRoot, err := ssz.HashTreeRoot(vt, states)
		if err != nil {
			return nil, err
		}
		k := e - o.SummariesOffset
		if 64*(k+1) > uint64(len(hs)) {
			return nil, fmt.Errorf("synth: NewChain: era %d needs historical_summaries[%d], the state has %d", e, k, len(hs)/64)
		}
		copy(hs[64*k:], br[:])
		copy(hs[64*k+32:], stRoot[:])
		for ws, ps := range c.Past {
			if ps.Historical && ws/sphr == e {
				ps.EraBlockRoots, ps.EraStateRoots = blocks, states
			}
		}
	}
	if state, err = pendingQueues(s, state, o); err != nil {
		return nil, err
	}
	if o.Edit != nil {
		if err := o.Edit(s, state); err != nil {
			return nil, err
		}
	}

	withdrawals := o.Withdrawals
	if gloas {
		withdrawals = nil // in payload_expected_withdrawals
	}
	bopts := BlockOptions{
		Slot:          slot,
		ProposerIndex: slot % uint64(max(o.Validators, 1)),
		ParentRoot:    Hash(o.Seed, "parent", slot),
		Seed:          o.Seed,
		Withdrawals:   withdrawals,
		Timestamp:     o.GenesisTime + 12*slot,
		BlockNumber:   slot + 7_000_000,
	}
	if o.ParentRoot != ([32]byte{}) {
		bopts.ParentRoot = o.ParentRoot
	}
	if c.State, c.Block, c.StateRoot, c.BlockRoot, err = PostState(s, state, bopts); err != nil {
		return nil, err
	}
	return c, nil
}

// pastSlot makes the block at ws and, from gloas, its post-state and
// envelope.
func pastSlot(s *fork.Schemas, gloas bool, o ChainOptions, ws uint64) (*PastSlot, error) {
	ps := &PastSlot{Slot: ws}
	bopts := BlockOptions{
		Slot:          ws,
		ProposerIndex: ws % uint64(max(o.Validators, 1)),
		ParentRoot:    Hash(o.Seed, "parent", ws),
		StateRoot:     Hash(o.Seed, "past_state_root", ws),
		Seed:          o.Seed,
		Withdrawals:   o.Withdrawals,
		Timestamp:     o.GenesisTime + 12*ws,
		BlockNumber:   ws + 7_000_000,
	}
	if !gloas && !o.PastStates {
		b, err := Block(s.BeaconBlock, bopts)
		if err != nil {
			return nil, err
		}
		ps.Block = b
		ps.StateRoot = bopts.StateRoot
		ps.BlockRoot, err = ssz.HashTreeRoot(s.BeaconBlock, b)
		return ps, err
	}
	opts := o.Options
	opts.Slot = ws
	opts.BlockRoots = nil
	opts.HistoricalSummaries = 0
	if gloas {
		opts.ExpectedWithdrawals = o.Withdrawals
		bopts.Withdrawals = nil
	}
	state, err := State(s.BeaconState, opts)
	if err != nil {
		return nil, err
	}
	bopts.StateRoot = [32]byte{}
	if ps.State, ps.Block, ps.StateRoot, ps.BlockRoot, err = PostState(s, state, bopts); err != nil {
		return nil, err
	}
	if !gloas {
		return ps, nil
	}
	eopts := bopts
	eopts.Withdrawals = o.Withdrawals
	eopts.ParentRoot = ps.BlockRoot // Block writes it to beacon_block_root
	env, err := Block(s.ExecutionPayloadEnvelope, eopts)
	if err != nil {
		return nil, err
	}
	parent := Hash(o.Seed, "parent", ws)
	if err := SetField(s.ExecutionPayloadEnvelope, env, "parent_beacon_block_root", parent[:]); err != nil {
		return nil, err
	}
	if err := SetField(s.ExecutionPayloadEnvelope, env, "payload.slot_number", Uint64(ws)); err != nil {
		return nil, err
	}
	ps.Envelope = env
	return ps, nil
}

// PostState makes the block of bopts (with the state's root as its
// state_root), writes what its payload leaves in the state
// (latest_execution_payload_header, or from gloas the bid) and its header
// into the state's latest_block_header (with a zero state_root): the state
// becomes the block's post-state in every field a proof reads. The state
// is changed in place and returned.
func PostState(s *fork.Schemas, state []byte, bopts BlockOptions) (st, block []byte, stateRoot, blockRoot [32]byte, err error) {
	bopts.StateRoot = [32]byte{}
	block, err = Block(s.BeaconBlock, bopts)
	if err != nil {
		return nil, nil, stateRoot, blockRoot, err
	}
	// latestPayload first: it sets the slot of a gloas block's bid.
	if state, err = latestPayload(s, state, block); err != nil {
		return nil, nil, stateRoot, blockRoot, err
	}
	bodyRoot, err := topFieldRoot(s.BeaconBlock, block, "body")
	if err != nil {
		return nil, nil, stateRoot, blockRoot, err
	}
	h := Uint64(bopts.Slot)
	h = binary.LittleEndian.AppendUint64(h, bopts.ProposerIndex)
	h = append(h, bopts.ParentRoot[:]...)
	h = append(h, make([]byte, 32)...)
	h = append(h, bodyRoot[:]...)
	if err := SetField(s.BeaconState, state, "latest_block_header", h); err != nil {
		return nil, nil, stateRoot, blockRoot, err
	}
	if stateRoot, err = ssz.HashTreeRoot(s.BeaconState, state); err != nil {
		return nil, nil, stateRoot, blockRoot, err
	}
	if err := SetField(s.BeaconBlock, block, "state_root", stateRoot[:]); err != nil {
		return nil, nil, stateRoot, blockRoot, err
	}
	blockRoot, err = ssz.HashTreeRoot(s.BeaconBlock, block)
	return state, block, stateRoot, blockRoot, err
}

// latestPayload writes what the block's execution payload leaves in its
// post-state: latest_execution_payload_header (bellatrix to fulu: the
// payload's fields, with the roots of its lists) or, from gloas,
// latest_execution_payload_bid (the bid the block carries, with its slot
// set to the block's).
func latestPayload(s *fork.Schemas, state, block []byte) ([]byte, error) {
	blo, bhi, err := FieldSpan(s.BeaconBlock, block, "body")
	if err != nil {
		return nil, err
	}
	body := block[blo:bhi]
	if _, ok := s.BeaconState.FieldIndex("latest_execution_payload_bid"); ok {
		slot, _, err := FieldSpan(s.BeaconBlock, block, "slot")
		if err != nil {
			return nil, err
		}
		if err := SetField(s.BeaconBlockBody, body, "signed_execution_payload_bid.message.slot", block[slot:slot+8]); err != nil {
			return nil, err
		}
		slo, shi, err := FieldSpan(s.BeaconBlockBody, body, "signed_execution_payload_bid")
		if err != nil {
			return nil, err
		}
		mlo, mhi, err := FieldSpan(s.SignedExecutionPayloadBid, body[slo:shi], "message")
		if err != nil {
			return nil, err
		}
		bid := append([]byte(nil), body[slo+mlo:slo+mhi]...)
		return ReplaceField(s.BeaconState, state, "latest_execution_payload_bid", bid)
	}
	if _, ok := s.BeaconState.FieldIndex("latest_execution_payload_header"); !ok {
		return state, nil
	}
	plo, phi, err := FieldSpan(s.BeaconBlockBody, body, "execution_payload")
	if err != nil {
		return nil, err
	}
	payload := body[plo:phi]
	parts := make([][]byte, len(s.ExecutionPayloadHeader.Fields))
	for i, f := range s.ExecutionPayloadHeader.Fields {
		if lo, hi, err := FieldSpan(s.ExecutionPayload, payload, f.Name); err == nil {
			parts[i] = payload[lo:hi]
			continue
		}
		name := strings.TrimSuffix(f.Name, "_root")
		lo, hi, err := FieldSpan(s.ExecutionPayload, payload, name)
		if err != nil {
			return nil, fmt.Errorf("synth: ExecutionPayloadHeader.%s: %w", f.Name, err)
		}
		pf, _ := s.ExecutionPayload.Field(name)
		r, err := ssz.HashTreeRoot(pf.Type, payload[lo:hi])
		if err != nil {
			return nil, err
		}
		parts[i] = r[:]
	}
	h, err := EncodeContainer(s.ExecutionPayloadHeader, parts)
	if err != nil {
		return nil, err
	}
	return ReplaceField(s.BeaconState, state, "latest_execution_payload_header", h)
}

// pendingQueues fills pending_partial_withdrawals and
// pending_consolidations (electra on).
func pendingQueues(s *fork.Schemas, state []byte, o ChainOptions) ([]byte, error) {
	n := uint64(max(o.Validators, 1))
	epoch := o.Slot / s.Preset.SlotsPerEpoch
	var err error
	if o.PendingPartialWithdrawals > 0 {
		var b []byte
		for i := uint64(0); i < uint64(o.PendingPartialWithdrawals); i++ {
			b = binary.LittleEndian.AppendUint64(b, (3*i+1)%n)       // validator_index
			b = binary.LittleEndian.AppendUint64(b, 1_000_000_000+i) // amount
			b = binary.LittleEndian.AppendUint64(b, epoch+1+i)       // withdrawable_epoch
		}
		if state, err = ReplaceField(s.BeaconState, state, "pending_partial_withdrawals", b); err != nil {
			return nil, err
		}
	}
	if o.PendingConsolidations > 0 {
		var b []byte
		for i := uint64(0); i < uint64(o.PendingConsolidations); i++ {
			b = binary.LittleEndian.AppendUint64(b, (5*i+2)%n) // source_index
			b = binary.LittleEndian.AppendUint64(b, (7*i+4)%n) // target_index
		}
		if state, err = ReplaceField(s.BeaconState, state, "pending_consolidations", b); err != nil {
			return nil, err
		}
	}
	return state, nil
}

// eraVector returns a made-up root vector of an era with the given
// entries.
func eraVector(seed uint64, label string, era, n uint64, set map[uint64][32]byte) []byte {
	out := make([]byte, 32*n)
	for i := uint64(0); i < n; i++ {
		h, ok := set[i]
		if !ok {
			h = Hash(seed, label, era*n+i)
		}
		copy(out[32*i:], h[:])
	}
	return out
}

func sortedKeys[V any](m map[uint64]V) []uint64 {
	out := make([]uint64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// SetField overwrites, in place, the fixed-size member at a dotted path of
// container fields ("latest_execution_payload_bid.block_hash") of the
// container value b of type t with v, which must have the member's size.
func SetField(t *ssz.Type, b []byte, path string, v []byte) error {
	steps, err := ssz.ParsePath(path)
	if err != nil {
		return err
	}
	cur, data := t, b
	for _, st := range steps {
		if st.Name == "" {
			return fmt.Errorf("synth: SetField %q: only field names are supported", path)
		}
		lo, hi, err := FieldSpan(cur, data, st.Name)
		if err != nil {
			return fmt.Errorf("synth: SetField %q: %w", path, err)
		}
		f, _ := cur.Field(st.Name)
		cur, data = f.Type, data[lo:hi]
	}
	if !cur.IsFixed() || len(v) != len(data) {
		return fmt.Errorf("synth: SetField %q: %d bytes for a %s of %d bytes", path, len(v), cur.Name, len(data))
	}
	copy(data, v)
	return nil
}
