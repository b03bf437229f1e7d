package synth

import (
	"encoding/binary"
	"fmt"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// MainnetValidators is the size of mainnet's validator registry in 2026
// (about 2.2 million records, active and exited), the default registry size
// of the benchmarks.
const MainnetValidators = 2_200_000

// Mainnet shape constants used by MainnetOptions.
const (
	// MainnetHistoricalSummaries is the length of historical_summaries.
	MainnetHistoricalSummaries = 1300
	// MainnetHistoricalRoots is the length of the frozen historical_roots
	// list (capella stopped appending to it).
	MainnetHistoricalRoots = 758
	// MainnetExitedEvery marks every 10th validator exited.
	MainnetExitedEvery = 10
	// MainnetPendingDepositsPer is one pending deposit per this many
	// validators.
	MainnetPendingDepositsPer = 100
	// mainnetWithdrawals is the number of withdrawals in a full payload.
	mainnetWithdrawals = 16
)

// mainnetSlot returns the slot of a mainnet-shaped state: the slot at which
// historical_summaries holds MainnetHistoricalSummaries entries, a little
// into the period.
func mainnetSlot(capellaEpoch uint64) uint64 {
	return capellaEpoch*32 + MainnetHistoricalSummaries*8192 + 4000
}

// MainnetOptions returns the Options of a mainnet-shaped BeaconState of the
// named fork (capella or later, mainnet preset) with n validators: every
// MainnetExitedEvery-th validator exited and the rest active with
// far-future exit epochs, MainnetHistoricalSummaries historical summaries,
// full block_roots, state_roots and randao_mixes, one pending deposit per
// MainnetPendingDepositsPer validators, and fork.current_version and
// genesis_time of mainnet.
func MainnetOptions(forkName string, n int) (Options, error) {
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		return Options{}, err
	}
	sched, ok := mainnet.Fork(forkName)
	if !ok {
		return Options{}, fmt.Errorf("synth: mainnet has no fork %q", forkName)
	}
	return Options{
		Validators:          n,
		Slot:                mainnetSlot(mainnet.CapellaEpoch()),
		Seed:                2026,
		HistoricalSummaries: MainnetHistoricalSummaries,
		ExitedEvery:         MainnetExitedEvery,
		PendingDeposits:     n / MainnetPendingDepositsPer,
		ForkVersion:         sched.Version,
		GenesisTime:         mainnet.GenesisTime,
	}, nil
}

// MainnetShaped returns a mainnet-preset BeaconState of the named fork
// (capella or later; the benchmarks use fulu and gloas) with n validators
// shaped as MainnetOptions says, plus the frozen historical_roots, and the
// BeaconBlock at the state's slot: the state's latest_block_header is the
// block's header (with a zero state_root, as a post-block state holds it)
// and the block's state_root is the state's hash tree root. The block's
// execution payload (fulu) or the state's payload_expected_withdrawals
// (gloas) holds 16 withdrawals.
//
// At n = 2,200,000 the state is about 310 MB; generating it takes a few
// seconds and about four times that in memory.
func MainnetShaped(forkName string, n int) (state, block []byte, err error) {
	f, err := fork.Lookup(forkName)
	if err != nil {
		return nil, nil, err
	}
	if !f.Descends(fork.Capella) {
		return nil, nil, fmt.Errorf("synth: MainnetShaped: %s is before capella", forkName)
	}
	s, err := f.Schemas("mainnet")
	if err != nil {
		return nil, nil, err
	}
	opts, err := MainnetOptions(forkName, n)
	if err != nil {
		return nil, nil, err
	}
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		return nil, nil, err
	}
	var withdrawals []Withdrawal
	for i := 0; i < mainnetWithdrawals && n > 0; i++ {
		v := (i * 7919) % n
		withdrawals = append(withdrawals, Withdrawal{
			Index:          100_000_000 + uint64(i),
			ValidatorIndex: uint64(v),
			Address:        DefaultAddress,
			Amount:         Balance(opts, v) - 32_000_000_000 + 12_345,
		})
	}
	var proposer uint64
	if n > 0 {
		proposer = opts.Slot % uint64(n)
	}
	bopts := BlockOptions{
		Slot:          opts.Slot,
		ProposerIndex: proposer,
		ParentRoot:    Hash(opts.Seed, "parent", opts.Slot),
		Seed:          opts.Seed,
		Timestamp:     mainnet.SlotTime(opts.Slot),
		BlockNumber:   opts.Slot + 7_000_000,
	}
	if f.Descends(fork.Gloas) {
		opts.ExpectedWithdrawals = withdrawals
	} else {
		bopts.Withdrawals = withdrawals
	}
	block, err = Block(s.BeaconBlock, bopts)
	if err != nil {
		return nil, nil, err
	}
	bodyRoot, err := topFieldRoot(s.BeaconBlock, block, "body")
	if err != nil {
		return nil, nil, err
	}
	state, err = State(s.BeaconState, opts)
	if err != nil {
		return nil, nil, err
	}
	roots := make([]byte, 0, 32*MainnetHistoricalRoots)
	for i := uint64(0); i < MainnetHistoricalRoots; i++ {
		h := Hash(opts.Seed, "historical_roots", i)
		roots = append(roots, h[:]...)
	}
	state, err = ReplaceField(s.BeaconState, state, "historical_roots", roots)
	if err != nil {
		return nil, nil, err
	}
	// latest_block_header: slot, proposer_index, parent_root, state_root
	// (zero until the next slot), body_root.
	lo, hi, err := FieldSpan(s.BeaconState, state, "latest_block_header")
	if err != nil {
		return nil, nil, err
	}
	h := Uint64(bopts.Slot)
	h = binary.LittleEndian.AppendUint64(h, bopts.ProposerIndex)
	h = append(h, bopts.ParentRoot[:]...)
	h = append(h, make([]byte, 32)...)
	h = append(h, bodyRoot[:]...)
	if len(h) != hi-lo {
		return nil, nil, fmt.Errorf("synth: latest_block_header is %d bytes, want %d", hi-lo, len(h))
	}
	copy(state[lo:hi], h)
	stateRoot, err := ssz.HashTreeRoot(s.BeaconState, state)
	if err != nil {
		return nil, nil, err
	}
	lo, hi, err = FieldSpan(s.BeaconBlock, block, "state_root")
	if err != nil {
		return nil, nil, err
	}
	copy(block[lo:hi], stateRoot[:])
	return state, block, nil
}

// topFieldRoot returns the hash tree root of a top-level field.
func topFieldRoot(t *ssz.Type, b []byte, field string) ([32]byte, error) {
	lo, hi, err := FieldSpan(t, b, field)
	if err != nil {
		return [32]byte{}, err
	}
	f, _ := t.Field(field)
	return ssz.HashTreeRoot(f.Type, b[lo:hi])
}

// fieldSpans returns the byte range of each field of a container (or
// progressive container) value, checking the offsets.
func fieldSpans(t *ssz.Type, b []byte) ([][2]int, error) {
	if !t.IsContainer() {
		return nil, fmt.Errorf("synth: %s is not a container", t.Name)
	}
	spans := make([][2]int, len(t.Fields))
	pos := 0
	var varIdx []int
	var offs []int
	for i, f := range t.Fields {
		if f.Type.IsFixed() {
			sz := int(f.Type.FixedSize())
			if pos+sz > len(b) {
				return nil, fmt.Errorf("synth: %s.%s: value too short", t.Name, f.Name)
			}
			spans[i] = [2]int{pos, pos + sz}
			pos += sz
			continue
		}
		if pos+4 > len(b) {
			return nil, fmt.Errorf("synth: %s.%s: value too short", t.Name, f.Name)
		}
		varIdx = append(varIdx, i)
		offs = append(offs, int(binary.LittleEndian.Uint32(b[pos:])))
		pos += 4
	}
	for k, i := range varIdx {
		end := len(b)
		if k+1 < len(offs) {
			end = offs[k+1]
		}
		if offs[k] < pos || offs[k] > end || end > len(b) {
			return nil, fmt.Errorf("synth: %s.%s: bad offset %d", t.Name, t.Fields[i].Name, offs[k])
		}
		spans[i] = [2]int{offs[k], end}
	}
	return spans, nil
}

// FieldSpan returns the byte range [lo, hi) of the named field of a
// container value b of type t. The bytes are b's own: writing to
// b[lo:hi] changes the field in place.
func FieldSpan(t *ssz.Type, b []byte, name string) (lo, hi int, err error) {
	i, ok := t.FieldIndex(name)
	if !ok {
		return 0, 0, fmt.Errorf("synth: %s has no field %s", t.Name, name)
	}
	spans, err := fieldSpans(t, b)
	if err != nil {
		return 0, 0, err
	}
	return spans[i][0], spans[i][1], nil
}

// ReplaceField returns a new encoding of the container value b of type t
// with the named field's encoding replaced by v (of any length when the
// field has a variable size). b is not modified.
func ReplaceField(t *ssz.Type, b []byte, name string, v []byte) ([]byte, error) {
	i, ok := t.FieldIndex(name)
	if !ok {
		return nil, fmt.Errorf("synth: %s has no field %s", t.Name, name)
	}
	spans, err := fieldSpans(t, b)
	if err != nil {
		return nil, err
	}
	parts := make([][]byte, len(t.Fields))
	for k, sp := range spans {
		parts[k] = b[sp[0]:sp[1]]
	}
	parts[i] = v
	out, err := EncodeContainer(t, parts)
	if err != nil {
		return nil, err
	}
	return out, ssz.Validate(t, out)
}

// NextEpoch returns a copy of the BeaconState b (of type t, altair or
// later) as the next epoch changes it, for the benchmarks of re-proving a
// state that moved on:
//
//   - slot and latest_block_header.slot advance by 32;
//   - every balance changes (rewards);
//   - every participation flag byte changes: previous_epoch_participation
//     takes the old current flags (with the timely-head bit flipped where
//     that would leave a byte unchanged) and current_epoch_participation
//     gets new flags;
//   - 0.1% of the validator records change (every 1000th, starting at
//     500: the even ones lose 1 ETH of effective balance, the odd active
//     ones start exiting);
//   - 32 block_roots and 32 state_roots and one randao mix are replaced.
//
// Everything else is left as it was.
func NextEpoch(t *ssz.Type, b []byte) ([]byte, error) {
	if err := ssz.Validate(t, b); err != nil {
		return nil, fmt.Errorf("synth: NextEpoch: %w", err)
	}
	out := append([]byte(nil), b...)
	span := func(name string) ([]byte, error) {
		lo, hi, err := FieldSpan(t, out, name)
		if err != nil {
			return nil, err
		}
		return out[lo:hi], nil
	}
	slotB, err := span("slot")
	if err != nil {
		return nil, err
	}
	slot := binary.LittleEndian.Uint64(slotB) + 32
	binary.LittleEndian.PutUint64(slotB, slot)
	epoch := slot / 32
	hdr, err := span("latest_block_header")
	if err != nil {
		return nil, err
	}
	binary.LittleEndian.PutUint64(hdr, slot)

	bal, err := span("balances")
	if err != nil {
		return nil, err
	}
	for i := 0; i+8 <= len(bal); i += 8 {
		v := binary.LittleEndian.Uint64(bal[i:])
		binary.LittleEndian.PutUint64(bal[i:], v+10_000+uint64(i/8)%97)
	}

	prev, err := span("previous_epoch_participation")
	if err != nil {
		return nil, err
	}
	cur, err := span("current_epoch_participation")
	if err != nil {
		return nil, err
	}
	if len(prev) != len(cur) {
		return nil, fmt.Errorf("synth: NextEpoch: participation lists of %d and %d bytes", len(prev), len(cur))
	}
	for i := range cur {
		p := cur[i]
		if p == prev[i] {
			p ^= 4 // TIMELY_HEAD
		}
		prev[i] = p
		cur[i] ^= 7
	}

	vals, err := span("validators")
	if err != nil {
		return nil, err
	}
	const vs = 121
	for i := 500; (i+1)*vs <= len(vals); i += 1000 {
		v := vals[i*vs : (i+1)*vs]
		if (i/1000)%2 == 0 {
			eb := binary.LittleEndian.Uint64(v[80:])
			if eb >= 1_000_000_000 {
				eb -= 1_000_000_000
			} else {
				eb += 1_000_000_000
			}
			binary.LittleEndian.PutUint64(v[80:], eb)
			continue
		}
		if binary.LittleEndian.Uint64(v[105:]) == FarFutureEpoch {
			binary.LittleEndian.PutUint64(v[105:], epoch+5)
			binary.LittleEndian.PutUint64(v[113:], epoch+5+256)
		} else {
			binary.LittleEndian.PutUint64(v[113:], binary.LittleEndian.Uint64(v[113:])+1)
		}
	}

	for _, name := range []string{"block_roots", "state_roots"} {
		r, err := span(name)
		if err != nil {
			return nil, err
		}
		n := uint64(len(r) / 32)
		for s := slot - 32; s < slot; s++ {
			h := Hash(slot, name+"/next", s)
			copy(r[(s%n)*32:], h[:])
		}
	}
	mixes, err := span("randao_mixes")
	if err != nil {
		return nil, err
	}
	h := Hash(slot, "randao_mixes/next", epoch)
	copy(mixes[(epoch%uint64(len(mixes)/32))*32:], h[:])
	return out, nil
}
