package era

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"slices"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
)

// Options say how to read era files.
type Options struct {
	// Preset is the preset of the network, whose SLOTS_PER_HISTORICAL_ROOT
	// is the length of an era; "" means Network's preset, or mainnet.
	Preset string
	// Network maps a block's slot to its fork, and a state's fork version
	// to its fork. nil means the built-in network (mainnet, sepolia,
	// hoodi, holesky) whose genesis validators root is the one of the era
	// file's state; a devnet's era files need it.
	Network *fork.Network
	// MaxSize bounds what one record (a block or a state) may decompress
	// to, in bytes; 0 means beaconstate.DefaultMaxSize (1 GiB). A record
	// also fails when it decompresses to more than 64 times its own size
	// plus 64 MiB.
	MaxSize int64
}

// withDefaults fills in the preset and the size limit, and returns the
// preset's SLOTS_PER_HISTORICAL_ROOT.
func (o Options) withDefaults() (Options, uint64, error) {
	if o.Preset == "" {
		o.Preset = fork.PresetMainnet
		if o.Network != nil {
			o.Preset = o.Network.PresetName()
		}
	}
	if o.Network != nil && o.Network.PresetName() != o.Preset {
		return o, 0, fmt.Errorf("era: network %s uses preset %s, not %s", o.Network.Name, o.Network.PresetName(), o.Preset)
	}
	if o.MaxSize <= 0 {
		o.MaxSize = beaconstate.DefaultMaxSize
	}
	p, err := fork.PresetByName(o.Preset)
	if err != nil {
		return o, 0, fmt.Errorf("era: %w", err)
	}
	if p.SlotsPerHistoricalRoot == 0 {
		return o, 0, fmt.Errorf("era: preset %s has no SLOTS_PER_HISTORICAL_ROOT", o.Preset)
	}
	return o, p.SlotsPerHistoricalRoot, nil
}

// File is an era file: one or more groups, each the blocks of one era and
// the state at its end. It reads records where the indices say they are,
// one at a time, and never holds the file in memory; it is safe for
// concurrent use.
type File struct {
	r      io.ReaderAt
	size   int64
	name   string
	closer io.Closer
	opts   Options
	sphr   uint64
	groups []group
}

// NewFile reads the indices of the era file of size bytes that r reads,
// from its end, and checks the structure of every group: the slot
// indices, where they point, and the Version record that starts each
// group. Blocks and states are read when asked for. name names the file
// in errors.
func NewFile(r io.ReaderAt, size int64, name string, opts Options) (*File, error) {
	opts, sphr, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	groups, err := readGroups(r, size, sphr)
	if err != nil {
		return nil, fmt.Errorf("era: %s: %w", name, err)
	}
	return &File{r: r, size: size, name: name, opts: opts, sphr: sphr, groups: groups}, nil
}

// OpenFile opens the era file at path (see NewFile). Close it when done.
func OpenFile(path string, opts Options) (*File, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("era: %w", err)
	}
	st, err := fh.Stat()
	if err != nil {
		fh.Close()
		return nil, fmt.Errorf("era: %w", err)
	}
	if !st.Mode().IsRegular() {
		fh.Close()
		return nil, fmt.Errorf("era: %s is not a regular file", path)
	}
	f, err := NewFile(fh, st.Size(), path, opts)
	if err != nil {
		fh.Close()
		return nil, err
	}
	f.closer = fh
	return f, nil
}

// Close closes the file that OpenFile opened; it does nothing for a File
// made by NewFile.
func (f *File) Close() error {
	if f.closer == nil {
		return nil
	}
	c := f.closer
	f.closer = nil
	return c.Close()
}

// Name returns the name the File was opened with.
func (f *File) Name() string { return f.name }

// Eras returns the eras the file holds, in file order. Era n holds the
// blocks of slots [(n-1)*SLOTS_PER_HISTORICAL_ROOT, n*SLOTS_PER_HISTORICAL_ROOT)
// and the state at slot n*SLOTS_PER_HISTORICAL_ROOT.
func (f *File) Eras() []uint64 {
	out := make([]uint64, len(f.groups))
	for i, g := range f.groups {
		out[i] = g.era
	}
	return out
}

// SlotsPerHistoricalRoot returns the length of an era in slots.
func (f *File) SlotsPerHistoricalRoot() uint64 { return f.sphr }

// errorf prefixes a message with the package and the file's name.
func (f *File) errorf(format string, args ...any) error {
	return fmt.Errorf("era: %s: "+format, append([]any{f.name}, args...)...)
}

// group returns the group of an era.
func (f *File) group(era uint64) (*group, error) {
	for i := range f.groups {
		if f.groups[i].era == era {
			return &f.groups[i], nil
		}
	}
	return nil, f.errorf("%w: era %d (the file holds eras %v)", ErrNotFound, era, f.Eras())
}

// Has reports whether the file holds era.
func (f *File) Has(era uint64) bool {
	return slices.Contains(f.Eras(), era)
}

// Block returns the SignedBeaconBlock of a slot in SSZ: decompressed from
// the era that holds the slot (era slot/SLOTS_PER_HISTORICAL_ROOT + 1),
// checked to be of that slot. A slot without a block fails with an error
// that wraps ErrNoBlock; a slot of an era the file does not hold, with
// ErrNotFound.
func (f *File) Block(ctx context.Context, slot uint64) ([]byte, error) {
	g, err := f.group(EraOfSlot(slot, f.sphr))
	if err != nil {
		return nil, err
	}
	i := int(slot - g.blockStart)
	if g.blocks[i] == 0 {
		return nil, f.errorf("%w: slot %d (a missed slot)", ErrNoBlock, slot)
	}
	return f.block(ctx, g, i)
}

// block reads the block at index i of a group and checks its slot.
func (f *File) block(ctx context.Context, g *group, i int) ([]byte, error) {
	slot := g.blockStart + uint64(i)
	rec, err := g.blockRecord(f.r, f.size, i)
	if err != nil {
		return nil, f.errorf("%w", err)
	}
	what := fmt.Sprintf("block of slot %d", slot)
	b, err := decompress(ctx, f.r, rec, f.opts.MaxSize, what)
	if err != nil {
		return nil, f.errorf("%w", err)
	}
	got, err := BlockSlot(b)
	if err != nil {
		return nil, f.errorf("%w", corrupt("%s at byte %d: %v", what, rec.Offset, err))
	}
	if got != slot {
		return nil, f.errorf("%w", corrupt("%s at byte %d: the block says slot %d", what, rec.Offset, got))
	}
	return b, nil
}

// BlockSlot returns the slot of a SignedBeaconBlock in SSZ (any fork):
// the first field of the message its offset points at.
func BlockSlot(b []byte) (uint64, error) {
	if len(b) < 4 {
		return 0, fmt.Errorf("%d bytes, too short for a SignedBeaconBlock", len(b))
	}
	off := uint64(binary.LittleEndian.Uint32(b))
	if off+8 > uint64(len(b)) {
		return 0, fmt.Errorf("the message offset %d leaves no slot in %d bytes", off, len(b))
	}
	return binary.LittleEndian.Uint64(b[off:]), nil
}

// State returns the BeaconState at the end of an era (at slot
// era*SLOTS_PER_HISTORICAL_ROOT) in SSZ, decompressed into one buffer of
// its size, and checked to be of that slot.
func (f *File) State(ctx context.Context, era uint64) ([]byte, error) {
	g, err := f.group(era)
	if err != nil {
		return nil, err
	}
	b, err := decompress(ctx, f.r, g.state, f.opts.MaxSize, fmt.Sprintf("state of era %d", era))
	if err != nil {
		return nil, f.errorf("%w", err)
	}
	if _, err := f.checkStateHeader(g, b); err != nil {
		return nil, err
	}
	return b, nil
}

// StateHeader returns the first fields of the state at the end of an era
// (genesis, slot, fork), decompressing no more of it.
func (f *File) StateHeader(ctx context.Context, era uint64) (fork.StateHeader, error) {
	g, err := f.group(era)
	if err != nil {
		return fork.StateHeader{}, err
	}
	zr, done := stream(ctx, f.r, g.state)
	defer done()
	h, _, err := f.readStateHeader(ctx, g, zr)
	return h, err
}

// stateHeaderSize is how many bytes of a state fork.ReadStateHeader reads.
const stateHeaderSize = 64

// readStateHeader reads the first bytes of a group's state from zr.
func (f *File) readStateHeader(ctx context.Context, g *group, zr io.Reader) (fork.StateHeader, []byte, error) {
	head := make([]byte, stateHeaderSize)
	if n, err := io.ReadFull(zr, head); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return fork.StateHeader{}, nil, f.errorf("%w", corrupt("state of era %d at byte %d: %d bytes, too short for a BeaconState", g.era, g.state.Offset, n))
		}
		return fork.StateHeader{}, nil, f.errorf("%w", snappyErr(ctx, err, fmt.Sprintf("state of era %d", g.era), g.state))
	}
	h, err := f.checkStateHeader(g, head)
	return h, head, err
}

// checkStateHeader checks that a state's first bytes say the slot of its
// group.
func (f *File) checkStateHeader(g *group, b []byte) (fork.StateHeader, error) {
	h, err := fork.ReadStateHeader(b)
	if err != nil {
		return h, f.errorf("%w", corrupt("state of era %d at byte %d: %v", g.era, g.state.Offset, err))
	}
	if h.Slot != g.stateSlot {
		return h, f.errorf("%w", corrupt("state of era %d at byte %d: the state says slot %d, the index %d", g.era, g.state.Offset, h.Slot, g.stateSlot))
	}
	return h, nil
}

// EraOfSlot returns the era whose file holds the block of a slot:
// slot/slotsPerHistoricalRoot + 1.
func EraOfSlot(slot, slotsPerHistoricalRoot uint64) uint64 {
	return slot/slotsPerHistoricalRoot + 1
}

// SummaryEra returns the era whose block_roots historical_summaries[k]
// of network n summarises: k + the network's HistoricalSummariesOffset +
// 1. (historical_summaries[k] summarises the period of slots
// [(k+offset)*SLOTS_PER_HISTORICAL_ROOT, (k+offset+1)*SLOTS_PER_HISTORICAL_ROOT),
// whose blocks the era file of the next era holds.)
func SummaryEra(n *fork.Network, k uint64) (uint64, error) {
	off, err := n.HistoricalSummariesOffset()
	if err != nil {
		return 0, fmt.Errorf("era: %w", err)
	}
	return k + off + 1, nil
}
