package era_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"

	"github.com/golang/snappy"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// records lists the records of an era file from its start.
func records(t testing.TB, b []byte) []era.Record {
	t.Helper()
	var out []era.Record
	for off := int64(0); off < int64(len(b)); {
		rec, err := era.ReadRecord(bytes.NewReader(b), int64(len(b)), off)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, rec)
		off = rec.End()
	}
	return out
}

// layout is where the records of a one-era file are.
type layout struct {
	version, state, blockIndex, stateIndex era.Record
	blocks                                 []era.Record
}

func layoutOf(t testing.TB, b []byte) layout {
	t.Helper()
	recs := records(t, b)
	n := len(recs)
	return layout{version: recs[0], blocks: recs[1 : n-3], state: recs[n-3], blockIndex: recs[n-2], stateIndex: recs[n-1]}
}

// put64 sets the 8 little-endian bytes at pos of a copy of b.
func put64(b []byte, pos int64, v uint64) []byte {
	c := append([]byte(nil), b...)
	binary.LittleEndian.PutUint64(c[pos:], v)
	return c
}

// entry is the position of a slot index's entry i (0: the starting slot).
func entry(ix era.Record, i int) int64 { return ix.Offset + era.HeaderSize + 8*int64(i) }

// corruptCases lists the changes TestCorrupt makes to good, era 2 of c.
func corruptCases(t *testing.T, c *testChain, good []byte) []corruptCase {
	l := layoutOf(t, good)
	rel := func(ix era.Record, rec era.Record) uint64 { return uint64(rec.Offset - ix.Offset) }
	// Era 2's slots 64, 65 and 66 are missed: l.blocks[0] is slot 67's,
	// entry 1+i of the block index slot 64+i's.
	return []corruptCase{
		{name: "empty", b: nil, want: era.ErrCorrupt},
		{name: "truncated", b: good[:len(good)-1], want: era.ErrCorrupt, inText: "count"},
		{name: "garbage before the group", b: append([]byte{0x65, 0x32, 0, 0, 0, 0, 0, 0}, good...), want: era.ErrCorrupt},
		{name: "state index count 2", b: put64(good, int64(len(good))-8, 2), want: era.ErrCorrupt, inText: "count 2, want 1"},
		{name: "state index count 2^62", b: put64(good, int64(len(good))-8, 1<<62), want: era.ErrCorrupt},
		{name: "block index count 2^40", b: put64(good, l.stateIndex.Offset-8, 1<<40), want: era.ErrCorrupt, inText: "want 64"},
		{name: "state offset past the index", b: put64(good, entry(l.stateIndex, 1), 16), want: era.ErrCorrupt, inText: "outside"},
		{name: "state offset negative past the start", b: put64(good, entry(l.stateIndex, 1), uint64(-(l.stateIndex.Offset + 8))), want: era.ErrCorrupt},
		{name: "state offset at a block", b: put64(good, entry(l.stateIndex, 1), -rel(l.blocks[0], l.stateIndex)), want: era.ErrCorrupt, inText: "not a CompressedBeaconState"},
		{name: "state slot not an era's end", b: put64(good, entry(l.stateIndex, 0), 129), want: era.ErrCorrupt, inText: "multiple of 64"},
		{name: "block index of another era", b: put64(good, entry(l.blockIndex, 0), 0), want: era.ErrCorrupt, inText: "starting slot 0"},
		{name: "negative starting slot", b: put64(put64(good, entry(l.stateIndex, 0), 1<<63), entry(l.blockIndex, 0), 1<<63-64), want: era.ErrCorrupt, inText: "negative"},
		{name: "block at the state", b: put64(good, entry(l.blockIndex, 1+10), -rel(l.state, l.blockIndex)), want: era.ErrCorrupt, inText: "before the state"},
		{name: "blocks out of order", b: put64(good, entry(l.blockIndex, 1+4), -rel(l.blocks[2], l.blockIndex)), want: era.ErrCorrupt, inText: "not after the previous block"},
		{name: "no Version record", b: func() []byte { b := append([]byte(nil), good...); b[0] = 0x66; return b }(), want: era.ErrCorrupt, inText: "not a Version"},
		{name: "Version with data", b: func() []byte { b := append([]byte(nil), good...); b[2] = 1; return b }(), want: era.ErrCorrupt},
		{name: "reserved bytes set", b: func() []byte { b := append([]byte(nil), good...); b[l.state.Offset+6] = 1; return b }(), want: era.ErrCorrupt, inText: "reserved"},
		{name: "state index type", b: func() []byte { b := append([]byte(nil), good...); b[l.stateIndex.Offset] = 0; return b }(), want: era.ErrCorrupt, inText: "not a SlotIndex"},
		{name: "block record past the next", b: func() []byte {
			b := append([]byte(nil), good...)
			binary.LittleEndian.PutUint32(b[l.blocks[0].Offset+2:], uint32(l.blocks[0].Length+100))
			return b
		}(), read: func(f *era.File) error { _, err := f.Block(context.Background(), 67); return err }, want: era.ErrCorrupt, inText: "past the next record"},
		{name: "block of another slot", b: put64(put64(good, entry(l.blockIndex, 1+3), 0), entry(l.blockIndex, 1+2), -rel(l.blocks[0], l.blockIndex)),
			read: func(f *era.File) error { _, err := f.Block(context.Background(), 66); return err }, want: era.ErrCorrupt, inText: "says slot 67"},
		{name: "block checksum", b: func() []byte {
			b := append([]byte(nil), good...)
			b[l.blocks[0].Offset+era.HeaderSize+14] ^= 1 // the checksum of the first chunk
			return b
		}(),
			read: func(f *era.File) error { _, err := f.Block(context.Background(), 67); return err }, want: era.ErrCorrupt, inText: "snappy"},
		{name: "block not a block", b: junkBlockFile(t, c),
			read: func(f *era.File) error { _, err := f.BlockRootsFromBlocks(context.Background(), 2); return err }, want: era.ErrCorrupt},
		{name: "state of another slot", b: put64(put64(good, entry(l.stateIndex, 0), 192), entry(l.blockIndex, 0), 128),
			read: func(f *era.File) error { _, err := f.BlockRoots(context.Background(), 3); return err }, want: era.ErrCorrupt, inText: "says slot 128"},
		{name: "state over MaxSize", b: good, opts: era.Options{MaxSize: 1024},
			read: func(f *era.File) error { _, err := f.State(context.Background(), 2); return err }, want: beaconstate.ErrTooLarge, inText: "more than 1024 bytes"},
	}
}

// corruptCase is a valid era file changed in one place: the change must
// be found when the file is opened (read nil) or when read reads it,
// with an error that matches want, says inText and names a byte offset.
type corruptCase struct {
	name   string
	b      []byte
	opts   era.Options
	read   func(f *era.File) error
	want   error
	inText string
}

// TestCorrupt changes a valid file of era 2 in one place at a time; the
// change must be found when the file is opened or when the record is
// read, with an error of the expected kind that names a byte offset, and
// nothing may panic.
func TestCorrupt(t *testing.T) {
	c := newTestChain(t, 2)
	good := c.write(t, 2, 2)
	cases := corruptCases(t, c, good)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Network = c.net
			f, err := era.NewFile(bytes.NewReader(tc.b), int64(len(tc.b)), "bad.era", opts)
			if tc.read != nil {
				if err != nil {
					t.Fatalf("NewFile: %v", err)
				}
				err = tc.read(f)
			} else if err == nil {
				t.Fatal("NewFile accepted the file")
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.inText) || !strings.Contains(err.Error(), "byte") {
				t.Fatalf("error %q does not name the byte offset, or does not say %q", err, tc.inText)
			}
			t.Log(err)
		})
	}
	// The good file reads, and its BlockRoots needs none of the state
	// beyond block_roots: it works under a MaxSize the state exceeds.
	f, err := era.NewFile(bytes.NewReader(good), int64(len(good)), "good.era", era.Options{Network: c.net, MaxSize: 1024})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.BlockRoots(context.Background(), 2); err != nil {
		t.Fatal(err)
	}
}

// junkBlockFile is era 2 of the chain with a block of slot 67 that is no
// SignedBeaconBlock: its message is the slot and junk.
func junkBlockFile(t testing.TB, c *testChain) []byte {
	var buf bytes.Buffer
	w, err := era.NewWriter(&buf, c.net.PresetName())
	if err != nil {
		t.Fatal(err)
	}
	junk := binary.LittleEndian.AppendUint32(nil, 100)
	junk = append(junk, make([]byte, 96)...)
	junk = binary.LittleEndian.AppendUint64(junk, 67)
	junk = append(junk, "junk"...)
	if err := w.AddBlock(junk); err != nil {
		t.Fatal(err)
	}
	if err := w.AddState(c.states[2]); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// hostileFile is a one-era file of the minimal preset whose state record
// holds data, and whose block index is empty.
func hostileFile(stateData []byte, stateSlot uint64) []byte {
	var b []byte
	b = append(b, 0x65, 0x32, 0, 0, 0, 0, 0, 0)
	stateOff := len(b)
	b = append(b, 0x02, 0)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(stateData)))
	b = append(b, 0, 0)
	b = append(b, stateData...)
	idx := func(start uint64, offs []int64) {
		at := int64(len(b))
		b = append(b, 0x69, 0x32)
		b = binary.LittleEndian.AppendUint32(b, uint32(8*len(offs)+16))
		b = append(b, 0, 0)
		b = binary.LittleEndian.AppendUint64(b, start)
		for _, o := range offs {
			if o != 0 {
				o -= at
			}
			b = binary.LittleEndian.AppendUint64(b, uint64(o))
		}
		b = binary.LittleEndian.AppendUint64(b, uint64(len(offs)))
	}
	idx(stateSlot-64, make([]int64, 64))
	idx(stateSlot, []int64{int64(stateOff)})
	return b
}

// TestHostileAllocations holds crafted files to a quarter of their size
// plus a fixed allowance (snappy's buffers, an index), whatever sizes they
// state: nothing is read whole, and nothing is allocated at a stated
// size. Not measured under -race.
func TestHostileAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("allocations are not measured under -race")
	}
	var zeros bytes.Buffer
	zw := snappy.NewBufferedWriter(&zeros)
	zw.Write(make([]byte, 32<<20))
	zw.Close()
	huge := append([]byte{0x65, 0x32, 0, 0, 0, 0, 0, 0}, make([]byte, 24)...)
	huge = binary.LittleEndian.AppendUint64(huge, 1<<40)
	cases := []struct {
		name string
		b    []byte
	}{
		{"count 2^40", huge},
		{"32 MiB of zeros as the state, MaxSize 1 MiB", hostileFile(zeros.Bytes(), 128)},
		{"state record stating 4 GiB", func() []byte {
			b := hostileFile([]byte("x"), 128)
			binary.LittleEndian.PutUint32(b[10:], 0xffffffff)
			return b
		}()},
	}
	n := testNetwork()
	ctx := context.Background()
	for _, tc := range cases {
		var errs []error
		got := allocated(func() {
			f, err := era.NewFile(bytes.NewReader(tc.b), int64(len(tc.b)), "hostile.era", era.Options{Network: n, MaxSize: 1 << 20})
			errs = append(errs, err)
			if err != nil {
				return
			}
			_, err = f.State(ctx, 2)
			errs = append(errs, err)
			_, err = f.BlockRoots(ctx, 2)
			errs = append(errs, err)
		})
		budget := uint64(len(tc.b))/4 + 512<<10
		t.Logf("%s: %d bytes, allocated %d (budget %d): %v", tc.name, len(tc.b), got, budget, errors.Join(errs...))
		if got > budget {
			t.Errorf("%s: allocated %d bytes, budget %d", tc.name, got, budget)
		}
		if errors.Join(errs...) == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// allocated returns the bytes f allocates (runtime.MemStats.TotalAlloc
// across the call, after a GC).
func allocated(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestTypeName(t *testing.T) {
	for typ, want := range map[[2]byte]string{era.TypeVersion: "Version", era.TypeSlotIndex: "SlotIndex", {0x66, 0x32}: "0x6632"} {
		if got := era.TypeName(typ); got != want {
			t.Errorf("TypeName(%x) = %s, want %s", typ, got, want)
		}
	}
}

// TestBrokenLink replaces a block of era 2 by one whose parent_root is
// not the block before it: BlockRootsFromBlocks must say so, and
// BlockRoots (from the state) is unaffected.
func TestBrokenLink(t *testing.T) {
	c := newTestChain(t, 2)
	s := schemasAt(t, c.net, 70)
	msg, err := synth.Block(s.BeaconBlock, synth.BlockOptions{Slot: 70, ParentRoot: [32]byte{1}, Seed: testSeed})
	if err != nil {
		t.Fatal(err)
	}
	c.blocks[70] = signed(msg, 70)
	b := c.write(t, 2, 2)
	f, err := era.NewFile(bytes.NewReader(b), int64(len(b)), "broken.era", era.Options{Network: c.net})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	_, err = f.BlockRootsFromBlocks(ctx, 2)
	if !errors.Is(err, era.ErrCorrupt) || !strings.Contains(err.Error(), "block of slot 70 has parent_root 0x0100") {
		t.Fatalf("BlockRootsFromBlocks: %v", err)
	}
	if _, err := f.BlockRoots(ctx, 2); err != nil {
		t.Fatal(err)
	}
}
