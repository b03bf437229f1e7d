package synth

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/testdata"
)

// FixtureSlot is the slot of testdata's fulu state and block.
const FixtureSlot = 13_165_000

// LaterSlot is the slot of History.Later: 32 slots after the block, which
// its block_roots still holds.
const LaterSlot = FixtureSlot + 32

// HistoricalSlot is the slot of History.Historical: 700 slots into the
// era after the block's, 8436 slots after the block.
const HistoricalSlot = (FixtureSlot/8192+1)*8192 + 700

// History is testdata's fulu block and states made up around it whose
// history holds the block, as on chain: the inputs of the tests that prove
// withdrawals recent and historical.
type History struct {
	// State and Block are testdata's fulu state and block (FixtureSlot).
	State, Block []byte
	// Later is the state at LaterSlot: block_roots holds the block's root,
	// so the block's withdrawals are recent.
	Later []byte
	// Historical is the state at HistoricalSlot: its last historical
	// summary commits to the block's era, whose block_roots EraRoots holds.
	Historical, EraRoots []byte
}

// HistoryFiles are the files WriteHistory writes.
type HistoryFiles struct {
	State, Block, Later, Historical, EraRoots string
}

// NewHistory makes the History of testdata's fulu block.
func NewHistory() (*History, error) {
	return HistoryOf(testdata.FuluState(), testdata.FuluBlock())
}

// HistoryOf makes the History of a mainnet fulu block at FixtureSlot and
// its post-state.
func HistoryOf(state, block []byte) (*History, error) {
	s, err := fork.SchemasOf(fork.Fulu, "mainnet")
	if err != nil {
		return nil, err
	}
	h := &History{State: state, Block: block}
	blockRoot, err := ssz.HashTreeRoot(s.BeaconBlock, h.Block)
	if err != nil {
		return nil, err
	}
	spr := s.Preset.SlotsPerHistoricalRoot
	h.Later, err = Advance(s, h.State, LaterSlot, func(roots []byte) {
		copy(roots[32*(FixtureSlot%spr):], blockRoot[:])
	}, nil)
	if err != nil {
		return nil, err
	}
	// The block's era: made-up roots but the block's. testdata's state has
	// the summaries of eras 758 (mainnet's capella era) to 1606; the one
	// appended is era 1607's, the block's.
	h.EraRoots = make([]byte, 32*spr)
	for i := uint64(0); i < spr; i++ {
		r := Hash(11, "era", i)
		copy(h.EraRoots[32*i:], r[:])
	}
	copy(h.EraRoots[32*(FixtureSlot%spr):], blockRoot[:])
	eraRoot, err := ssz.HashTreeRoot(ssz.Vector(ssz.Bytes32, spr), h.EraRoots)
	if err != nil {
		return nil, err
	}
	stateSummary := Hash(11, "state_summary_root", FixtureSlot/spr)
	h.Historical, err = Advance(s, h.State, HistoricalSlot, nil, append(eraRoot[:], stateSummary[:]...))
	return h, err
}

// WriteHistory writes a new History into dir.
func WriteHistory(dir string) (HistoryFiles, error) {
	h, err := NewHistory()
	if err != nil {
		return HistoryFiles{}, err
	}
	f := HistoryFiles{
		State:      filepath.Join(dir, "state.ssz"),
		Block:      filepath.Join(dir, "block.ssz"),
		Later:      filepath.Join(dir, "later.ssz"),
		Historical: filepath.Join(dir, "historical.ssz"),
		EraRoots:   filepath.Join(dir, "era-block-roots.ssz"),
	}
	for name, data := range map[string][]byte{f.State: h.State, f.Block: h.Block, f.Later: h.Later,
		f.Historical: h.Historical, f.EraRoots: h.EraRoots} {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			return HistoryFiles{}, err
		}
	}
	return f, nil
}

// Advance returns a copy of a BeaconState of schemas s moved to slot, as
// the post-state of a made-up block there: slot and latest_block_header
// set (state_root zero, as in a post-state), block_roots edited by roots
// when it is not nil, and summary (an encoded HistoricalSummary) appended
// to historical_summaries when it is not nil.
func Advance(s *fork.Schemas, state []byte, slot uint64, roots func([]byte), summary []byte) ([]byte, error) {
	st := s.BeaconState
	out, err := ReplaceField(st, state, "slot", Uint64(slot))
	if err != nil {
		return nil, err
	}
	header := binary.LittleEndian.AppendUint64(nil, slot)
	header = binary.LittleEndian.AppendUint64(header, 3)
	p, b := Hash(9, "parent", slot), Hash(9, "body", slot)
	header = append(append(append(header, p[:]...), make([]byte, 32)...), b[:]...)
	if out, err = ReplaceField(st, out, "latest_block_header", header); err != nil {
		return nil, err
	}
	if roots != nil {
		if out, err = editField(st, out, "block_roots", func(v []byte) []byte { roots(v); return v }); err != nil {
			return nil, err
		}
	}
	if summary != nil {
		return editField(st, out, "historical_summaries", func(v []byte) []byte { return append(v, summary...) })
	}
	return out, nil
}

// editField returns a copy of the container value b with the named field
// replaced by edit's result on a copy of the field's encoding.
func editField(t *ssz.Type, b []byte, name string, edit func([]byte) []byte) ([]byte, error) {
	lo, hi, err := FieldSpan(t, b, name)
	if err != nil {
		return nil, fmt.Errorf("synth: %w", err)
	}
	return ReplaceField(t, b, name, edit(append([]byte(nil), b[lo:hi]...)))
}
