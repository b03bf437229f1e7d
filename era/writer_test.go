package era_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/fork"
)

func TestWriterErrors(t *testing.T) {
	c := newTestChain(t, 2)
	for _, tc := range []struct {
		name string
		do   func(w *era.Writer) error
		want string
	}{
		{"blocks out of order", func(w *era.Writer) error {
			if err := w.AddBlock(c.blocks[68]); err != nil {
				return err
			}
			return w.AddBlock(c.blocks[67])
		}, "not after the previous block"},
		{"blocks of two eras", func(w *era.Writer) error {
			if err := w.AddBlock(c.blocks[62]); err != nil {
				return err
			}
			return w.AddBlock(c.blocks[67])
		}, "not in era 1"},
		{"state of another era", func(w *era.Writer) error {
			if err := w.AddBlock(c.blocks[67]); err != nil {
				return err
			}
			return w.AddState(c.states[1])
		}, "ends era 1, but the group's blocks are of era 2"},
		{"state not at an era's end", func(w *era.Writer) error {
			s := append([]byte(nil), c.states[1]...)
			s[40] = 65 // slot 65
			return w.AddState(s)
		}, "not at the end of an era"},
		{"not a block", func(w *era.Writer) error { return w.AddBlock([]byte{1, 2}) }, "too short"},
		{"not a state", func(w *era.Writer) error { return w.AddState([]byte{1, 2}) }, "at least 64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w, err := era.NewWriter(io.Discard, fork.PresetMinimal)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.do(w); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one that says %q", err, tc.want)
			}
		})
	}
	if _, err := era.NewWriter(io.Discard, "nope"); err == nil {
		t.Fatal("NewWriter accepted an unknown preset")
	}
}

// failingWriter fails after n bytes.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

// TestWriterStopsAtError checks that a write error is returned, and
// returned again by every later call.
func TestWriterStopsAtError(t *testing.T) {
	c := newTestChain(t, 1)
	w, err := era.NewWriter(&failingWriter{n: 20}, fork.PresetMinimal)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddBlock(c.blocks[1]); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("AddBlock: %v", err)
	}
	if err := w.AddState(c.states[1]); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Fatalf("AddState after a failure: %v", err)
	}
}

// TestEmptyEra writes an era without blocks: its index is all zeros, and
// its roots, which come from an earlier era, are not in its blocks.
func TestEmptyEra(t *testing.T) {
	c := newTestChain(t, 2)
	var buf bytes.Buffer
	w, err := era.NewWriter(&buf, fork.PresetMinimal)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddState(c.states[2]); err != nil {
		t.Fatal(err)
	}
	f, err := era.NewFile(bytes.NewReader(buf.Bytes()), int64(buf.Len()), "empty.era", era.Options{Network: c.net})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := f.Block(ctx, 67); !errors.Is(err, era.ErrNoBlock) {
		t.Fatalf("Block: %v, want ErrNoBlock", err)
	}
	if _, err := f.BlockRootsFromBlocks(ctx, 2); !errors.Is(err, era.ErrNotFound) {
		t.Fatalf("BlockRootsFromBlocks: %v, want ErrNotFound", err)
	}
	if _, err := f.BlockRoots(ctx, 2); err != nil {
		t.Fatalf("BlockRoots: %v", err)
	}
}
