package beaconstate

import (
	"bytes"
	"errors"
	"io"
	"os"
	"runtime"
	"testing"

	"github.com/beaconproof/beaconproof/testdata"
)

// pipeOf returns the read end of a pipe that is fed data and closed.
func pipeOf(t *testing.T, data []byte) *os.File {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		_, _ = w.Write(data)
		_ = w.Close()
	}()
	t.Cleanup(func() { _ = r.Close() })
	return r
}

// TestLoadPipe loads a state of unknown size (a pipe, as standard input)
// as Load does a file: with Mmap, in one pass into reserved memory, not
// into a heap buffer grown by doubling.
func TestLoadPipe(t *testing.T) {
	state := testdata.FuluState()
	want, err := NewObject("fulu", "mainnet", "BeaconState", state)
	if err != nil {
		t.Fatal(err)
	}
	wantRoot, err := want.Root()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		mmap bool
	}{{"reserved", true}, {"heap", false}} {
		t.Run(tc.name, func(t *testing.T) {
			r := pipeOf(t, state)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			obj, err := Load(ctx, r, LoadOptions{Mmap: tc.mmap})
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			defer obj.Close()
			if root, err := obj.Root(); err != nil || root != wantRoot || !bytes.Equal(obj.Bytes, state) {
				t.Fatalf("root %x (%v), want %x", root, err, wantRoot)
			}
			if runtime.GOOS != "linux" {
				return // reserved memory is asked for, not promised, elsewhere
			}
			if reserved := obj.unmap != nil; reserved != tc.mmap {
				t.Fatalf("bytes in reserved memory: %v, want %v", reserved, tc.mmap)
			}
			if heap := after.TotalAlloc - before.TotalAlloc; tc.mmap && heap > uint64(len(state))/4 {
				t.Fatalf("Load allocated %d bytes on the heap for %d bytes of input", heap, len(state))
			}
		})
	}
}

// TestLoadPipeTooLarge fails on a pipe longer than MaxSize, after reading
// no more than MaxSize+1 bytes of it.
func TestLoadPipeTooLarge(t *testing.T) {
	state := testdata.FuluState()
	for _, mmap := range []bool{true, false} {
		_, err := Load(ctx, pipeOf(t, state), LoadOptions{Mmap: mmap, MaxSize: int64(len(state) - 1)})
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("mmap %v: %v, want ErrTooLarge", mmap, err)
		}
	}
	if _, err := Load(ctx, io.MultiReader(), LoadOptions{Mmap: true}); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty pipe: %v, want ErrEmpty", err)
	}
}
