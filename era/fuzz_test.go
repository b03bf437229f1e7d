package era_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/fork"
)

// fuzzHang is how long one fuzz input may take before the watchdog
// crashes the worker (Go's fuzzing engine does not notice a hang).
const fuzzHang = 20 * time.Second

// fuzzMaxSize bounds what one record of a fuzz input may decompress to.
const fuzzMaxSize = 4 << 20

// watchdog panics with every goroutine's stack if the input runs for d.
func watchdog(d time.Duration) (stop func()) {
	timer := time.AfterFunc(d, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("fuzz input still running after %v: a hang\n%s", d, buf))
	})
	return func() { timer.Stop() }
}

// FuzzEraFile reads arbitrary bytes as an era file of the minimal preset:
// its indices, then for each era it holds every block, the state and the
// block roots, both ways. Nothing may panic or hang; every error must be
// one line of a known kind (ErrCorrupt, ErrNotFound, ErrNoBlock,
// beaconstate.ErrTooLarge, or a state of a fork version the network does
// not know); what is read must be of the slot asked for.
func FuzzEraFile(f *testing.F) {
	c := newTestChain(f, 2)
	f.Add(c.write(f, 0, 0))
	f.Add(c.write(f, 1, 1))
	f.Add(c.write(f, 0, 2))
	f.Add(junkBlockFile(f, c))
	f.Add(hostileFile([]byte("\xff\x06\x00\x00sNaPpY"), 128))
	f.Add(hostileFile(nil, 64))
	f.Add([]byte{})
	ctx := context.Background()
	opts := era.Options{Network: c.net, MaxSize: fuzzMaxSize}
	f.Fuzz(func(t *testing.T, b []byte) {
		defer watchdog(fuzzHang)()
		file, err := era.NewFile(bytes.NewReader(b), int64(len(b)), "fuzz.era", opts)
		if err != nil {
			checkFuzzError(t, "NewFile", err, era.ErrCorrupt)
			return
		}
		for _, e := range file.Eras() {
			if st, err := file.State(ctx, e); err != nil {
				checkFuzzError(t, "State", err, era.ErrCorrupt, beaconstate.ErrTooLarge)
			} else if h, err := fork.ReadStateHeader(st); err != nil || h.Slot != e*64 {
				t.Fatalf("State(%d) returned a state of slot %d (%v)", e, h.Slot, err)
			}
			for name, get := range map[string]func(context.Context, uint64) ([][32]byte, error){
				"BlockRoots": file.BlockRoots, "BlockRootsFromBlocks": file.BlockRootsFromBlocks} {
				roots, err := get(ctx, e)
				if err != nil {
					checkFuzzError(t, name, err, era.ErrCorrupt, era.ErrNotFound, beaconstate.ErrTooLarge, fork.ErrUnknownForkVersion)
				} else if len(roots) != 64 {
					t.Fatalf("%s(%d): %d roots", name, e, len(roots))
				}
			}
			if e == 0 {
				continue
			}
			for slot := (e - 1) * 64; slot < e*64; slot++ {
				blk, err := file.Block(ctx, slot)
				if err != nil {
					checkFuzzError(t, "Block", err, era.ErrCorrupt, era.ErrNoBlock, beaconstate.ErrTooLarge)
					continue
				}
				if got, err := era.BlockSlot(blk); err != nil || got != slot {
					t.Fatalf("Block(%d) returned a block of slot %d (%v)", slot, got, err)
				}
			}
		}
	})
}

// checkFuzzError checks that err is one line and matches one of kinds.
func checkFuzzError(t *testing.T, what string, err error, kinds ...error) {
	t.Helper()
	if strings.ContainsAny(err.Error(), "\n\r") {
		t.Fatalf("%s: error of more than one line: %q", what, err)
	}
	for _, k := range kinds {
		if errors.Is(err, k) {
			return
		}
	}
	t.Fatalf("%s: error of no known kind: %v", what, err)
}
