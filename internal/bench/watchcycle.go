package bench

import (
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/internal/bench/proto"
	"github.com/beaconproof/beaconproof/proof"
)

// MethodWatchCycle is the watcher's per-epoch cycle (package watch): each
// epoch's state read into memory, hashed (Prover.Next from the last one's
// released tree), proved, and released before the next is read.
const MethodWatchCycle = "beaconproof-watch-cycle"

// watchEpochs are the states of the cycle: the state, the next epoch's,
// and the state again (the epoch after, changed from the second as much
// as the second from the first), so that the last Next starts from a tree
// that Next built, and must find the first state's root.
var watchEpochs = []string{"state", "next", "state again"}

// runWatchCycle runs the watcher's cycle on the state and the next
// epoch's state, as watch.Watcher does at each checkpoint with a proof
// due: the state read whole into memory (as beaconapi.Client.State reads
// a node's answer), hashed (cold, then Prover.Next), two proofs, then
// a garbage collection, Prover.Release and the memory given back
// (debug.FreeOSMemory) before the next state is read. Its peak RSS is the watcher's per-epoch peak.
func runWatchCycle(req proto.Request, r *proto.Response) error {
	tm := proto.NewTimer(r)
	var prev *beaconstate.Prover
	for k, name := range watchEpochs {
		path := req.StatePath
		if name == "next" {
			path = req.NextPath
		}
		b, err := readWhole(path)
		if err != nil {
			return err
		}
		obj, err := beaconstate.NewObject(req.Fork, req.Preset, "BeaconState", b)
		if err != nil {
			return err
		}
		tm.Stage("read " + name)
		r.Set(fmt.Sprintf("peak_rss_after_read_%d_bytes", k), float64(proto.PeakRSS()))
		cpu := tm.CPU()
		var p *beaconstate.Prover
		if prev == nil {
			p, err = beaconstate.NewProver(obj)
		} else {
			p, err = prev.Next(obj)
		}
		if err != nil {
			return err
		}
		tm.Stage("hash " + name)
		r.Set(fmt.Sprintf("hash_cpu_%d_s", k), tm.CPU()-cpu)
		r.Set(fmt.Sprintf("peak_rss_after_hash_%d_bytes", k), float64(proto.PeakRSS()))
		if _, err := p.ProvePaths([]string{fmt.Sprintf("validators[%d]", req.Validator), "slot"}); err != nil {
			return err
		}
		switch {
		case k == 0:
			r.Root = proof.FormatHash(p.Root())
		case name == "state again" && proof.FormatHash(p.Root()) != r.Root:
			return fmt.Errorf("bench: the state hashed again with Prover.Next has root %s, want %s", proof.FormatHash(p.Root()), r.Root)
		}
		runtime.GC() // the hashing's garbage: Release's fingerprints reuse its room
		if err := p.Release(); err != nil {
			return err
		}
		b, obj, prev = nil, nil, p
		debug.FreeOSMemory()
		tm.Stage("prove + release " + name)
	}
	if fi, err := os.Stat(req.StatePath); err == nil {
		r.Set("state_bytes", float64(fi.Size()))
	}
	return nil
}

// readWhole reads a file into one buffer of its size, as beaconapi reads
// a body with a Content-Length.
func readWhole(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	b := make([]byte, fi.Size())
	if _, err := io.ReadFull(f, b); err != nil {
		return nil, fmt.Errorf("bench: %s: %w", path, err)
	}
	return b, nil
}
