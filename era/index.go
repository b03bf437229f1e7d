package era

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// slotIndex is a SlotIndex record: where it starts, its starting slot,
// and the absolute offset of each slot's record (0: none).
type slotIndex struct {
	rec       Record
	startSlot uint64
	offsets   []int64
}

// readSlotIndex reads the SlotIndex record that ends at byte end and has
// count entries; count is known beforehand (1 for a state index,
// SLOTS_PER_HISTORICAL_ROOT for a block index), so a hostile count
// allocates nothing. Every offset must point before the index.
func readSlotIndex(r io.ReaderAt, size, end int64, count uint64, what string) (slotIndex, error) {
	recLen := int64(count)*8 + 24
	if end < recLen {
		return slotIndex{}, corrupt("%s ending at byte %d: a SlotIndex of %d entries takes %d bytes", what, end, count, recLen)
	}
	var tail [8]byte
	if _, err := r.ReadAt(tail[:], end-8); err != nil {
		return slotIndex{}, fmt.Errorf("%s ending at byte %d: %w", what, end, err)
	}
	if got := int64(binary.LittleEndian.Uint64(tail[:])); got != int64(count) {
		return slotIndex{}, corrupt("%s ending at byte %d: count %d, want %d", what, end, got, count)
	}
	start := end - recLen
	rec, err := readRecordOf(r, size, start, end, TypeSlotIndex, what)
	if err != nil {
		return slotIndex{}, err
	}
	if rec.End() != end {
		return slotIndex{}, corrupt("%s at byte %d: %d data bytes, want %d for %d entries", what, start, rec.Length, recLen-HeaderSize, count)
	}
	data := make([]byte, rec.Length)
	if _, err := r.ReadAt(data, start+HeaderSize); err != nil {
		return slotIndex{}, fmt.Errorf("%s at byte %d: %w", what, start, err)
	}
	ix := slotIndex{rec: rec, offsets: make([]int64, count)}
	first := int64(binary.LittleEndian.Uint64(data))
	if first < 0 {
		return slotIndex{}, corrupt("%s at byte %d: starting slot %d is negative", what, start, first)
	}
	ix.startSlot = uint64(first)
	if ix.startSlot > math.MaxUint64-count {
		return slotIndex{}, corrupt("%s at byte %d: starting slot %d overflows with %d entries", what, start, first, count)
	}
	for i := range ix.offsets {
		rel := int64(binary.LittleEndian.Uint64(data[8+8*i:]))
		if rel == 0 {
			continue
		}
		// A record before the index: start + rel in [0, start - HeaderSize].
		if rel > -HeaderSize || rel < -start {
			return slotIndex{}, corrupt("%s at byte %d: the offset of slot %d is %d, outside bytes 0 to %d before the index", what, start, ix.startSlot+uint64(i), rel, start-HeaderSize)
		}
		ix.offsets[i] = start + rel
	}
	return ix, nil
}

// group is one era of an era file: a Version record, the blocks of the
// slots [blockStart, stateSlot), the state at stateSlot, and the indices.
type group struct {
	era        uint64
	stateSlot  uint64
	start      int64   // the Version record
	state      Record  // the CompressedBeaconState record
	blockStart uint64  // the block index's starting slot (stateSlot - SLOTS_PER_HISTORICAL_ROOT)
	blocks     []int64 // absolute offsets of the blocks' records, 0 for none; nil for the genesis era
	indexStart int64   // the first index record (block index, or state index)
}

// readGroups finds the groups of a file from its end, where the indices
// are, back to its start: each group's state index, its block index, and
// its Version record before the first block. It returns them in file
// order. Records are read by their headers only; nothing past the indices
// is decompressed.
func readGroups(r io.ReaderAt, size int64, sphr uint64) ([]group, error) {
	if size < HeaderSize {
		return nil, corrupt("%d bytes, shorter than a record header", size)
	}
	var groups []group
	for end := size; end > 0; {
		g, err := readGroup(r, size, end, sphr)
		if err != nil {
			return nil, err
		}
		groups = append(groups, g)
		end = g.start
	}
	for i, j := 0, len(groups)-1; i < j; i, j = i+1, j-1 {
		groups[i], groups[j] = groups[j], groups[i]
	}
	seen := map[uint64]bool{}
	for _, g := range groups {
		if seen[g.era] {
			return nil, corrupt("era %d appears twice in the file", g.era)
		}
		seen[g.era] = true
	}
	return groups, nil
}

// readGroup reads the group whose state index ends at byte end.
func readGroup(r io.ReaderAt, size, end int64, sphr uint64) (group, error) {
	si, err := readSlotIndex(r, size, end, 1, "state index")
	if err != nil {
		return group{}, err
	}
	g := group{stateSlot: si.startSlot, indexStart: si.rec.Offset}
	if g.stateSlot%sphr != 0 {
		return group{}, corrupt("state index at byte %d: state slot %d is not at the end of an era (a multiple of %d)", si.rec.Offset, g.stateSlot, sphr)
	}
	g.era = g.stateSlot / sphr
	if si.offsets[0] == 0 {
		return group{}, corrupt("state index at byte %d: no state offset", si.rec.Offset)
	}
	if g.stateSlot > 0 {
		bi, err := readSlotIndex(r, size, si.rec.Offset, sphr, "block index")
		if err != nil {
			return group{}, fmt.Errorf("era %d: %w", g.era, err)
		}
		if bi.startSlot != g.stateSlot-sphr {
			return group{}, corrupt("block index at byte %d: starting slot %d, but the state is at slot %d (want %d)", bi.rec.Offset, bi.startSlot, g.stateSlot, g.stateSlot-sphr)
		}
		g.blockStart, g.blocks, g.indexStart = bi.startSlot, bi.offsets, bi.rec.Offset
	}
	if g.state, err = readRecordOf(r, size, si.offsets[0], g.indexStart, TypeCompressedBeaconState, fmt.Sprintf("state of era %d", g.era)); err != nil {
		return group{}, err
	}
	first := g.state.Offset
	prev := int64(-1)
	for i, off := range g.blocks {
		if off == 0 {
			continue
		}
		if off <= prev || off >= g.state.Offset {
			return group{}, corrupt("block index of era %d: the block of slot %d at byte %d is not after the previous block (byte %d) and before the state (byte %d)",
				g.era, g.blockStart+uint64(i), off, prev, g.state.Offset)
		}
		if prev < 0 {
			first = off
		}
		prev = off
	}
	g.start = first - HeaderSize
	if _, err := readRecordOf(r, size, g.start, first, TypeVersion, fmt.Sprintf("era %d", g.era)); err != nil {
		return group{}, err
	}
	return g, nil
}

// blockRecord returns the record of the block at index i of the group,
// checked to end by the next block or the state.
func (g *group) blockRecord(r io.ReaderAt, size int64, i int) (Record, error) {
	next := g.state.Offset
	for _, off := range g.blocks[i+1:] {
		if off != 0 {
			next = off
			break
		}
	}
	return readRecordOf(r, size, g.blocks[i], next, TypeCompressedSignedBeaconBlock, fmt.Sprintf("block of slot %d", g.blockStart+uint64(i)))
}
