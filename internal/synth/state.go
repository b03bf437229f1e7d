package synth

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/beaconproof/beaconproof/ssz"
)

// FarFutureEpoch is the specs' FAR_FUTURE_EPOCH.
const FarFutureEpoch = ^uint64(0)

// Options shape a generated state.
type Options struct {
	// Validators is the registry size.
	Validators int
	// Slot is the state's slot.
	Slot uint64
	// Seed varies every generated hash.
	Seed uint64
	// HistoricalSummaries is the length of historical_summaries (capella on).
	HistoricalSummaries int
	// ExitedEvery marks every n-th validator exited (0: none).
	ExitedEvery int
	// SlashedEvery marks every n-th validator slashed, and exited as a
	// slashing exits it (0: none).
	SlashedEvery int
	// PendingDeposits is the length of pending_deposits (electra on).
	PendingDeposits int
	// WithdrawalAddresses are the execution addresses validators withdraw
	// to (0x01 credentials), used round-robin; nil uses one made-up address.
	WithdrawalAddresses [][20]byte
	// ForkVersion is written to fork.current_version.
	ForkVersion [4]byte
	// GenesisTime is written to genesis_time.
	GenesisTime uint64
	// GenesisValidatorsRoot is written to genesis_validators_root; zero
	// writes a made-up one.
	GenesisValidatorsRoot [32]byte
	// BlockRoots, when set, gives block_roots[i] (missing entries are made up).
	BlockRoots map[uint64][32]byte
	// RecentRoots, when non-zero, fills only the last RecentRoots entries
	// (by slot or epoch) of block_roots, state_roots and randao_mixes and
	// leaves the rest zero, which keeps a committed test state small.
	RecentRoots uint64
	// PayloadExpectedWithdrawals fills that list (gloas); ExpectedWithdrawals
	// are also used for blocks' execution payloads.
	ExpectedWithdrawals []Withdrawal
}

// Withdrawal is a withdrawal to put in a payload or a gloas state.
type Withdrawal struct {
	Index, ValidatorIndex uint64
	Address               [20]byte
	Amount                uint64
}

// Encode returns the withdrawal's SSZ encoding.
func (w Withdrawal) Encode() []byte {
	b := Uint64(w.Index)
	b = binary.LittleEndian.AppendUint64(b, w.ValidatorIndex)
	b = append(b, w.Address[:]...)
	return binary.LittleEndian.AppendUint64(b, w.Amount)
}

// Hash returns a deterministic made-up 32-byte value for a label and index.
func Hash(seed uint64, label string, i uint64) [32]byte {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:], seed)
	binary.LittleEndian.PutUint64(b[8:], i)
	return sha256.Sum256(append([]byte(label), b[:]...))
}

// DefaultAddress is the withdrawal address used when Options names none.
var DefaultAddress = [20]byte{0xbe, 0xac, 0x04, 0x78, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01}

// ValidatorBytes returns the 121-byte encoding of validator i as State
// generates it.
func ValidatorBytes(opts Options, i int) []byte {
	out := make([]byte, 121)
	writeValidator(out, opts, i)
	return out
}

func writeValidator(out []byte, opts Options, i int) {
	h := Hash(opts.Seed, "pubkey", uint64(i))
	copy(out[0:32], h[:])
	h2 := Hash(opts.Seed, "pubkey2", uint64(i))
	copy(out[32:48], h2[:16])
	addr := DefaultAddress
	if n := len(opts.WithdrawalAddresses); n > 0 {
		addr = opts.WithdrawalAddresses[i%n]
	}
	out[48] = 0x01
	if i%5 == 4 {
		out[48] = 0x02 // compounding credentials (electra on)
	}
	clear(out[49:60])
	copy(out[60:80], addr[:])
	binary.LittleEndian.PutUint64(out[80:], 32_000_000_000)
	slashed := opts.SlashedEvery > 0 && i%opts.SlashedEvery == opts.SlashedEvery-1
	out[88] = 0
	if slashed {
		out[88] = 1
	}
	binary.LittleEndian.PutUint64(out[89:], 0)
	binary.LittleEndian.PutUint64(out[97:], 0)
	exit, withdrawable := FarFutureEpoch, FarFutureEpoch
	if slashed || opts.ExitedEvery > 0 && i%opts.ExitedEvery == opts.ExitedEvery-1 {
		epoch := opts.Slot / 32
		exit = epoch / 2
		withdrawable = exit + 256
	}
	binary.LittleEndian.PutUint64(out[105:], exit)
	binary.LittleEndian.PutUint64(out[113:], withdrawable)
}

// Balance returns the balance State gives validator i.
func Balance(opts Options, i int) uint64 {
	return 32_000_000_000 + uint64(i%1000)*1_000_003
}

// State returns a BeaconState of the given schema shaped by opts.
func State(state *ssz.Type, opts Options) ([]byte, error) {
	n := opts.Validators
	fill := func(path string, t *ssz.Type) ([]byte, bool) {
		switch path {
		case "genesis_time":
			return Uint64(opts.GenesisTime), true
		case "genesis_validators_root":
			h := Hash(opts.Seed, "gvr", 0)
			if opts.GenesisValidatorsRoot != ([32]byte{}) {
				h = opts.GenesisValidatorsRoot
			}
			return h[:], true
		case "slot":
			return Uint64(opts.Slot), true
		case "fork.current_version":
			return opts.ForkVersion[:], true
		case "fork.epoch":
			return Uint64(opts.Slot / 32), true
		case "latest_block_header.slot":
			return Uint64(opts.Slot), true
		case "latest_block_header.parent_root":
			h := Hash(opts.Seed, "parent", opts.Slot)
			return h[:], true
		case "latest_block_header.body_root":
			h := Hash(opts.Seed, "body", opts.Slot)
			return h[:], true
		case "block_roots", "state_roots", "randao_mixes":
			out := make([]byte, t.FixedSize())
			now := opts.Slot
			if path == "randao_mixes" {
				now /= 32
			}
			for i := uint64(0); i < t.Size; i++ {
				if opts.RecentRoots > 0 && (now-i)%t.Size >= opts.RecentRoots {
					continue
				}
				h := Hash(opts.Seed, path, i)
				if r, ok := opts.BlockRoots[i]; ok && path == "block_roots" {
					h = r
				}
				copy(out[i*32:], h[:])
			}
			return out, true
		case "validators":
			out := make([]byte, 121*n)
			for i := 0; i < n; i++ {
				writeValidator(out[i*121:], opts, i)
			}
			return out, true
		case "balances":
			out := make([]byte, 8*n)
			for i := 0; i < n; i++ {
				binary.LittleEndian.PutUint64(out[i*8:], Balance(opts, i))
			}
			return out, true
		case "previous_epoch_participation", "current_epoch_participation":
			out := make([]byte, n)
			for i := range out {
				out[i] = byte(i*7) & 7
			}
			return out, true
		case "inactivity_scores":
			return make([]byte, 8*n), true
		case "historical_summaries":
			out := make([]byte, 0, 64*opts.HistoricalSummaries)
			for i := 0; i < opts.HistoricalSummaries; i++ {
				b := Hash(opts.Seed, "block_summary_root", uint64(i))
				s := Hash(opts.Seed, "state_summary_root", uint64(i))
				out = append(append(out, b[:]...), s[:]...)
			}
			return out, true
		case "pending_deposits":
			pd := t.Elem
			var elems [][]byte
			for i := 0; i < opts.PendingDeposits; i++ {
				b, err := Build(pd, func(p string, _ *ssz.Type) ([]byte, bool) {
					switch p {
					case "pubkey":
						h := Hash(opts.Seed, "deposit", uint64(i))
						return append(h[:], h[:16]...), true
					case "withdrawal_credentials":
						c := make([]byte, 32)
						c[0] = 0x01
						copy(c[12:], DefaultAddress[:])
						return c, true
					case "amount":
						return Uint64(32_000_000_000), true
					case "slot":
						return Uint64(opts.Slot - uint64(i)), true
					}
					return nil, false
				})
				if err != nil {
					return nil, false
				}
				elems = append(elems, b)
			}
			return EncodeSequence(pd, elems), true
		case "payload_expected_withdrawals":
			var out []byte
			for _, w := range opts.ExpectedWithdrawals {
				out = append(out, w.Encode()...)
			}
			return out, true
		}
		return nil, false
	}
	b, err := Build(state, fill)
	if err != nil {
		return nil, fmt.Errorf("synth: %s: %w", state.Name, err)
	}
	if err := ssz.Validate(state, b); err != nil {
		return nil, fmt.Errorf("synth: generated %s is invalid: %w", state.Name, err)
	}
	return b, nil
}

// BlockOptions shape a generated block.
type BlockOptions struct {
	Slot          uint64
	ProposerIndex uint64
	ParentRoot    [32]byte
	StateRoot     [32]byte
	Seed          uint64
	// Withdrawals go into body.execution_payload.withdrawals (capella to
	// fulu) or, for gloas, into the envelope's payload.
	Withdrawals []Withdrawal
	// Timestamp and BlockNumber of the execution payload.
	Timestamp, BlockNumber uint64
}

// Block returns a BeaconBlock (or, given an envelope type, an
// ExecutionPayloadEnvelope) of the given schema shaped by opts.
func Block(block *ssz.Type, opts BlockOptions) ([]byte, error) {
	fill := func(path string, t *ssz.Type) ([]byte, bool) {
		switch path {
		case "slot":
			return Uint64(opts.Slot), true
		case "proposer_index":
			return Uint64(opts.ProposerIndex), true
		case "parent_root":
			return opts.ParentRoot[:], true
		case "state_root":
			return opts.StateRoot[:], true
		case "beacon_block_root":
			return opts.ParentRoot[:], true
		case "body.execution_payload.withdrawals", "payload.withdrawals":
			var out []byte
			for _, w := range opts.Withdrawals {
				out = append(out, w.Encode()...)
			}
			return out, true
		case "body.execution_payload.block_hash", "payload.block_hash", "body.signed_execution_payload_bid.message.block_hash":
			h := Hash(opts.Seed, "block_hash", opts.Slot)
			return h[:], true
		case "body.execution_payload.timestamp", "payload.timestamp":
			return Uint64(opts.Timestamp), true
		case "body.execution_payload.block_number", "payload.block_number":
			return Uint64(opts.BlockNumber), true
		case "body.graffiti":
			g := make([]byte, 32)
			copy(g, "beaconproof synth")
			return g, true
		}
		return nil, false
	}
	b, err := Build(block, fill)
	if err != nil {
		return nil, fmt.Errorf("synth: %s: %w", block.Name, err)
	}
	if err := ssz.Validate(block, b); err != nil {
		return nil, fmt.Errorf("synth: generated %s is invalid: %w", block.Name, err)
	}
	return b, nil
}
