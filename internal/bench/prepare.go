package bench

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/bench/proto"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
)

// methodPrepare generates the inputs and measures the lower bound's parts.
// It runs in a child too, so that the runner itself never holds a state:
// a child's rusage peak is at least the runner's peak when it started.
const methodPrepare = "prepare"

// The files prepare writes in its directory.
const (
	stateFile = "state.ssz"
	nextFile  = "next-epoch-state.ssz"
	blockFile = "block.ssz"
)

// runPrepare generates a mainnet-shaped state of req.Fork with
// req.Validators validators, its block and the next epoch's state, writes
// them to req.Dir, counts the state's hashes, and measures gohashtree's
// throughput on one core and on all.
func runPrepare(req proto.Request, r *proto.Response) error {
	f, err := fork.Lookup(req.Fork)
	if err != nil {
		return err
	}
	s, err := f.Schemas("mainnet")
	if err != nil {
		return err
	}
	tm := proto.NewTimer(r)
	state, block, err := synth.MainnetShaped(req.Fork, req.Validators)
	if err != nil {
		return err
	}
	r.Set("generate_s", tm.Stage("generate"))
	next, err := synth.NextEpoch(s.BeaconState, state)
	if err != nil {
		return err
	}
	r.Set("next_epoch_s", tm.Stage("next epoch"))
	lo, hi, err := synth.FieldSpan(s.BeaconBlock, block, "state_root")
	if err != nil {
		return err
	}
	r.Root = proof.FormatHash([32]byte(block[lo:hi]))
	for name, b := range map[string][]byte{stateFile: state, nextFile: next, blockFile: block} {
		if err := os.WriteFile(filepath.Join(req.Dir, name), b, 0o644); err != nil {
			return err
		}
	}
	tm.Stage("write")
	hashes, err := CountHashes(s.BeaconState, state)
	if err != nil {
		return err
	}
	tm.Stage("count hashes")
	r.Set("state_bytes", float64(len(state)))
	r.Set("block_bytes", float64(len(block)))
	r.Set("hashes", float64(hashes))
	state, next, block = nil, nil, nil
	runtime.GC()

	d := time.Duration(req.HashRateMillis) * time.Millisecond
	if d <= 0 {
		d = 500 * time.Millisecond
	}
	cores := runtime.GOMAXPROCS(0)
	r.Set("cores", float64(cores))
	one := MeasureHashRate(1, d)
	all := MeasureHashRate(cores, d)
	r.Set("hash_rate_1", one.PerSecond)
	r.Set("hash_rate_n", all.PerSecond)
	r.Set("hash_rate_cpu_1", one.PerCPUSecond)
	r.Set("hash_rate_cpu_n", all.PerCPUSecond)
	tm.Stage("measure lower bound")
	if hashes == 0 {
		return fmt.Errorf("bench: counted no hashes")
	}
	return nil
}

// methodRead reads the state file and nothing else: the lower bound's
// read, in a fresh process as every method's read is (page faults
// included).
const methodRead = "read"

func runRead(req proto.Request, r *proto.Response) error {
	tm := proto.NewTimer(r)
	b, err := os.ReadFile(req.StatePath)
	if err != nil {
		return err
	}
	tm.Stage("read")
	r.Set("bytes", float64(len(b)))
	return nil
}
