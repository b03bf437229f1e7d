package era

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"

	"github.com/golang/snappy"

	"github.com/beaconproof/beaconproof/fork"
)

// Writer writes an era file, one group after the other: for each era, its
// blocks in slot order (AddBlock), then the state at its end (AddState),
// which writes the group's slot indices. Each record is compressed in
// memory before it is written (its header holds its length), so a state
// costs its compressed size in memory.
type Writer struct {
	w    io.Writer
	off  int64
	sphr uint64
	zw   *snappy.Writer
	buf  bytes.Buffer
	err  error

	open      bool    // a group is started (its Version written)
	era       uint64  // the group's era, once its first block is added
	hasBlocks bool    // the group has a block
	lastSlot  uint64  // the slot of the group's last block
	blocks    []int64 // the blocks' offsets, by slot in the era (0: none)
}

// NewWriter returns a Writer of an era file to w for a preset's
// SLOTS_PER_HISTORICAL_ROOT ("" means mainnet).
func NewWriter(w io.Writer, preset string) (*Writer, error) {
	if preset == "" {
		preset = fork.PresetMainnet
	}
	p, err := fork.PresetByName(preset)
	if err != nil {
		return nil, fmt.Errorf("era: %w", err)
	}
	return &Writer{w: w, sphr: p.SlotsPerHistoricalRoot, zw: snappy.NewBufferedWriter(nil)}, nil
}

// AddBlock adds a SignedBeaconBlock in SSZ to the current group, which
// it starts if needed. Its slot, read from it, sets the group's era
// (slot/SLOTS_PER_HISTORICAL_ROOT + 1) and must be after the group's
// previous block and in the same era.
func (w *Writer) AddBlock(signedBlock []byte) error {
	if w.err != nil {
		return w.err
	}
	slot, err := BlockSlot(signedBlock)
	if err != nil {
		return fmt.Errorf("era: AddBlock: %v", err)
	}
	era := EraOfSlot(slot, w.sphr)
	switch {
	case w.hasBlocks && era != w.era:
		return fmt.Errorf("era: AddBlock: the block of slot %d is not in era %d (slots %d to %d); add the era's state first", slot, w.era, (w.era-1)*w.sphr, w.era*w.sphr-1)
	case w.hasBlocks && slot <= w.lastSlot:
		return fmt.Errorf("era: AddBlock: the block of slot %d is not after the previous block, of slot %d", slot, w.lastSlot)
	}
	if err := w.begin(); err != nil {
		return err
	}
	if !w.hasBlocks {
		w.era, w.hasBlocks = era, true
		w.blocks = make([]int64, w.sphr)
	}
	w.blocks[slot%w.sphr] = w.off
	w.lastSlot = slot
	return w.record(TypeCompressedSignedBeaconBlock, signedBlock, true)
}

// AddState adds the BeaconState at the end of the current group's era and
// ends the group: it writes the state, then the block index (unless the
// state is the genesis state, at slot 0) and the state index. The state's
// slot must be a multiple of SLOTS_PER_HISTORICAL_ROOT, the end of the era
// of the group's blocks.
func (w *Writer) AddState(state []byte) error {
	if w.err != nil {
		return w.err
	}
	h, err := fork.ReadStateHeader(state)
	if err != nil {
		return fmt.Errorf("era: AddState: %v", err)
	}
	if h.Slot%w.sphr != 0 {
		return fmt.Errorf("era: AddState: the state's slot %d is not at the end of an era (a multiple of %d)", h.Slot, w.sphr)
	}
	era := h.Slot / w.sphr
	if w.hasBlocks && era != w.era {
		return fmt.Errorf("era: AddState: the state of slot %d ends era %d, but the group's blocks are of era %d", h.Slot, era, w.era)
	}
	if err := w.begin(); err != nil {
		return err
	}
	stateOff := w.off
	if err := w.record(TypeCompressedBeaconState, state, true); err != nil {
		return err
	}
	if era > 0 {
		blocks := w.blocks
		if blocks == nil {
			blocks = make([]int64, w.sphr)
		}
		if err := w.index(h.Slot-w.sphr, blocks); err != nil {
			return err
		}
	}
	if err := w.index(h.Slot, []int64{stateOff}); err != nil {
		return err
	}
	w.open, w.hasBlocks, w.blocks = false, false, nil
	return nil
}

// begin starts a group with its Version record, unless one is started.
func (w *Writer) begin() error {
	if w.open {
		return nil
	}
	if err := w.record(TypeVersion, nil, false); err != nil {
		return err
	}
	w.open = true
	return nil
}

// index writes a SlotIndex record of the given absolute offsets (0: none).
func (w *Writer) index(startSlot uint64, offsets []int64) error {
	data := binary.LittleEndian.AppendUint64(nil, startSlot)
	for _, off := range offsets {
		rel := int64(0) // no record
		if off != 0 {
			rel = off - w.off // from the start of the index record
		}
		data = binary.LittleEndian.AppendUint64(data, uint64(rel))
	}
	data = binary.LittleEndian.AppendUint64(data, uint64(len(offsets)))
	return w.record(TypeSlotIndex, data, false)
}

// record writes one record, its data compressed with snappy's framing
// format when compress is set.
func (w *Writer) record(t [2]byte, data []byte, compress bool) error {
	if compress {
		w.buf.Reset()
		w.zw.Reset(&w.buf)
		_, err := w.zw.Write(data)
		if err == nil {
			err = w.zw.Close()
		}
		if err != nil {
			w.err = fmt.Errorf("era: compress %s: %w", TypeName(t), err)
			return w.err
		}
		data = w.buf.Bytes()
	}
	if len(data) > math.MaxUint32 {
		return fmt.Errorf("era: %s record of %d bytes, more than a record holds (2^32 - 1)", TypeName(t), len(data))
	}
	rec := appendHeader(make([]byte, 0, HeaderSize), t, uint32(len(data)))
	for _, b := range [][]byte{rec, data} {
		n, err := w.w.Write(b)
		w.off += int64(n)
		if err != nil {
			w.err = fmt.Errorf("era: write %s record: %w", TypeName(t), err)
			return w.err
		}
	}
	return nil
}
