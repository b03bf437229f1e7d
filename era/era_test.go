package era_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/fork"
)

// checkChain reads every era of a back: every slot's block (or
// ErrNoBlock), every state, and the roots from the state and from the
// blocks, which must be the chain's and hash to its summary root.
func checkChain(t *testing.T, c *testChain, eras []uint64, block func(uint64) ([]byte, error), state func(uint64) ([]byte, error),
	roots, rootsFromBlocks func(uint64) ([][32]byte, error)) {
	t.Helper()
	for _, e := range eras {
		st, err := state(e)
		if err != nil {
			t.Fatalf("State(%d): %v", e, err)
		}
		if !bytes.Equal(st, c.states[e]) {
			t.Fatalf("State(%d): %d bytes, not the state written", e, len(st))
		}
		if e == 0 {
			if _, err := roots(0); !errors.Is(err, era.ErrNotFound) {
				t.Fatalf("BlockRoots(0): %v, want ErrNotFound", err)
			}
			continue
		}
		for slot := (e - 1) * 64; slot < e*64; slot++ {
			b, err := block(slot)
			want, ok := c.blocks[slot]
			switch {
			case !ok && !errors.Is(err, era.ErrNoBlock):
				t.Fatalf("Block(%d), a missed slot: %v, want ErrNoBlock", slot, err)
			case ok && err != nil:
				t.Fatalf("Block(%d): %v", slot, err)
			case ok && !bytes.Equal(b, want):
				t.Fatalf("Block(%d): not the block written", slot)
			}
		}
		want := c.eraRoots(e)
		for name, get := range map[string]func(uint64) ([][32]byte, error){"BlockRoots": roots, "BlockRootsFromBlocks": rootsFromBlocks} {
			got, err := get(e)
			if err != nil {
				t.Fatalf("%s(%d): %v", name, e, err)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s(%d): not the era's roots", name, e)
			}
			if summaryRoot(got) != summaryRoot(want) {
				t.Fatalf("%s(%d): summary root differs", name, e)
			}
		}
	}
}

func TestFileRoundTrip(t *testing.T) {
	c := newTestChain(t, 3)
	ctx := context.Background()
	for _, tc := range []struct {
		name        string
		first, last uint64
	}{
		{"genesis era alone", 0, 0},
		{"one era", 2, 2},
		{"four groups", 0, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := c.write(t, tc.first, tc.last)
			f, err := era.NewFile(bytes.NewReader(b), int64(len(b)), "test.era", era.Options{Network: c.net})
			if err != nil {
				t.Fatal(err)
			}
			var eras []uint64
			for e := tc.first; e <= tc.last; e++ {
				eras = append(eras, e)
			}
			if !slices.Equal(f.Eras(), eras) {
				t.Fatalf("Eras() = %v, want %v", f.Eras(), eras)
			}
			block := func(s uint64) ([]byte, error) { return f.Block(ctx, s) }
			state := func(e uint64) ([]byte, error) { return f.State(ctx, e) }
			roots := func(e uint64) ([][32]byte, error) { return f.BlockRoots(ctx, e) }
			fromBlocks := func(e uint64) ([][32]byte, error) { return f.BlockRootsFromBlocks(ctx, e) }
			checkChain(t, c, eras, block, state, roots, fromBlocks)
			if _, err := f.Block(ctx, (tc.last+1)*64); !errors.Is(err, era.ErrNotFound) {
				t.Fatalf("Block after the file's eras: %v, want ErrNotFound", err)
			}
			if _, err := f.State(ctx, tc.last+1); !errors.Is(err, era.ErrNotFound) {
				t.Fatalf("State of an era after the file's: %v, want ErrNotFound", err)
			}
		})
	}
}

func TestArchiveFolder(t *testing.T) {
	c := newTestChain(t, 3)
	dir := c.writeDir(t, 3)
	// A file that is no era file, and one whose name says era 9 but holds
	// era 3 again under another name: neither may get in the way.
	if err := os.WriteFile(filepath.Join(dir, "junk-00005-deadbeef.era"), []byte("not an era file"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	a, err := era.Open(dir, era.Options{Network: c.net})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	checkChain(t, c, []uint64{0, 1, 2, 3},
		func(s uint64) ([]byte, error) { return a.Block(ctx, s) },
		func(e uint64) ([]byte, error) { return a.State(ctx, e) },
		func(e uint64) ([][32]byte, error) { return a.BlockRoots(ctx, e) },
		func(e uint64) ([][32]byte, error) { return a.BlockRootsFromBlocks(ctx, e) })
	_, err = a.Block(ctx, 5*64+1)
	if !errors.Is(err, era.ErrNotFound) || errors.Is(err, era.ErrCorrupt) {
		t.Fatalf("Block of era 6: %v, want ErrNotFound", err)
	}
	t.Logf("missing era: %v", err)
	// The junk file named for era 5 is its candidate: its error is the answer.
	if _, err := a.State(ctx, 5); !errors.Is(err, era.ErrCorrupt) {
		t.Fatalf("State(5), whose file is junk: %v, want ErrCorrupt", err)
	}
}

// TestArchiveNames checks that a file is found by its content when its
// name says another era, or nothing.
func TestArchiveNames(t *testing.T) {
	c := newTestChain(t, 2)
	dir := t.TempDir()
	for name, eras := range map[string][2]uint64{"era-test-00007-00000000.era": {2, 2}, "history.era": {0, 1}} {
		if err := os.WriteFile(filepath.Join(dir, name), c.write(t, eras[0], eras[1]), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a, err := era.Open(dir, era.Options{Network: c.net})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	// Era 2 first: history.era is read (it holds 0 and 1) and closed, then
	// opened again for them.
	for _, e := range []uint64{2, 0, 1} {
		f, err := a.File(e)
		if err != nil {
			t.Fatalf("File(%d): %v", e, err)
		}
		if !f.Has(e) {
			t.Fatalf("File(%d) = %s, which holds %v", e, f.Name(), f.Eras())
		}
	}
	if _, err := era.Open(t.TempDir(), era.Options{}); !errors.Is(err, era.ErrNotFound) {
		t.Fatalf("Open of an empty folder: %v, want ErrNotFound", err)
	}
}

// TestNetworkFromState checks that without Options.Network the network
// is the built-in one of the state's genesis validators root, and that an
// unknown one fails with a message that says to pass it.
func TestNetworkFromState(t *testing.T) {
	c := newTestChain(t, 1)
	b := c.write(t, 1, 1)
	f, err := era.NewFile(bytes.NewReader(b), int64(len(b)), "test.era", era.Options{Preset: fork.PresetMinimal})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := f.BlockRoots(ctx, 1); err == nil || !bytes.Contains([]byte(err.Error()), []byte("Options.Network")) {
		t.Fatalf("BlockRoots without a network: %v", err)
	}
	// Blocks and states read without one.
	if _, err := f.State(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Block(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := era.NewFile(bytes.NewReader(b), int64(len(b)), "test.era", era.Options{Network: c.net, Preset: fork.PresetMainnet}); err == nil {
		t.Fatal("a minimal network with the mainnet preset was accepted")
	}
}

func TestSummaryEra(t *testing.T) {
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	// historical_summaries[0] of mainnet summarises period 758 (capella at
	// epoch 194048 = slot 6209536 = 758 * 8192): era file 759.
	if e, err := era.SummaryEra(mainnet, 0); err != nil || e != 759 {
		t.Fatalf("SummaryEra(mainnet, 0) = %d, %v; want 759", e, err)
	}
	if e := era.EraOfSlot(6209536, 8192); e != 759 {
		t.Fatalf("EraOfSlot(6209536) = %d, want 759", e)
	}
	if e := era.EraOfSlot(8191, 8192); e != 1 {
		t.Fatalf("EraOfSlot(8191) = %d, want 1", e)
	}
}

// TestConcurrent reads one Archive from several goroutines at once (run
// under -race in CI).
func TestConcurrent(t *testing.T) {
	c := newTestChain(t, 3)
	a, err := era.Open(c.writeDir(t, 3), era.Options{Network: c.net})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	ctx := context.Background()
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			e := uint64(g%3) + 1
			roots, err := a.BlockRoots(ctx, e)
			if err == nil && !slices.Equal(roots, c.eraRoots(e)) {
				err = errors.New("wrong roots")
			}
			if err == nil {
				_, err = a.BlockRootsFromBlocks(ctx, e)
			}
			if err == nil {
				_, err = a.Block(ctx, (e-1)*64+uint64(g)+4)
				if errors.Is(err, era.ErrNoBlock) {
					err = nil
				}
			}
			errs <- err
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
}
