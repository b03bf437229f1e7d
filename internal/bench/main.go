package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// Usage is the synopsis of the bench command.
const Usage = "beaconproof bench [--validators N] [--fork F] [--json] [--repeat N] [--methods M,...] [--no-peers] [--peers-bin PATH] [--no-network] [--serve-rate MB/s] [--keep] [--dir DIR]"

// Help describes the bench command.
const Help = `Generates a mainnet-shaped BeaconState (2,200,000 validators by default)
and the next epoch's state, then measures, each in its own process and one
after another: beaconproof's cold path (read the file, validate, root, a
validator proof and the slot proof), beaconproof's root alone, the peers
(go-eth2-client with dynamic-ssz, with fastssz, and its HashTreeRoot), and
beaconproof after the load (extra proofs, multiproofs, the next epoch), the
watcher's cycle (each epoch's state read, hashed with Prover.Next and
released before the next: its peak memory against the state's size), and
the network path: the state served over loopback HTTP as a beacon node
serves it (chunked SSZ), unthrottled and at --serve-rate, fetched with
beaconapi and hashed as it arrives, to two verified proofs, against a bare
download of the same bytes. It prints wall time, peak memory and the ratio
to the lower bound (the state's
SHA-256 hashes at gohashtree's measured rate, plus reading the file).

The peers run in a separate binary built with the go command from the
repository (or --peers-bin), so run it from the repository. A full run takes
a few minutes, about 6 GB of memory at its peak (fastssz) and 1 GB of disk.

Example:
  beaconproof bench
  beaconproof bench --validators 100000 --no-peers --json`

// Main parses the bench command's flags (args without the command name),
// runs the benchmark and returns the exit code: 0, 1 when the run failed,
// 2 for wrong usage. Progress goes to stderr unless --quiet.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, err := ParseArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintf(stderr, "beaconproof bench: %v\nusage: %s\n", err, Usage)
		return 2
	}
	if err := Run(ctx, cfg, stdout); err != nil {
		fmt.Fprintf(stderr, "beaconproof bench: %v\n", err)
		return 1
	}
	return 0
}

// ParseArgs turns the bench command's flags into a Config. Flag errors and
// --help output go to errOut.
func ParseArgs(args []string, errOut io.Writer) (Config, error) {
	var cfg Config
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(errOut)
	fs.Usage = func() {
		fmt.Fprintf(errOut, "usage: %s\n\n%s\n\nFlags:\n", Usage, Help)
		fs.PrintDefaults()
	}
	fs.IntVar(&cfg.Validators, "validators", synth.MainnetValidators, "registry size of the generated state")
	fs.StringVar(&cfg.Fork, "fork", fork.Fulu, "fork of the generated state (capella or later; peers: electra, fulu, gloas)")
	fs.BoolVar(&cfg.JSON, "json", false, "print the report as JSON")
	fs.StringVar(&cfg.JSONFile, "json-out", "", "also write the report as JSON to this file")
	methods := fs.String("methods", "", "comma-separated methods to run (default all): "+strings.Join(MethodNames(), ","))
	fs.BoolVar(&cfg.SkipPeers, "no-peers", false, "leave out the peers")
	fs.StringVar(&cfg.PeersBinary, "peers-bin", "", "prebuilt peers binary (go build ./internal/bench/cmd/benchpeers); default: build it")
	fs.StringVar(&cfg.ModuleDir, "module", "", "the beaconproof repository, to build the peers in (default: found from the working directory)")
	fs.StringVar(&cfg.Dir, "dir", "", "directory for the generated inputs (default: the system's temporary directory)")
	fs.BoolVar(&cfg.Keep, "keep", false, "keep the generated inputs")
	fs.IntVar(&cfg.Repeat, "repeat", 1, "run each method this many times and keep the fastest run")
	fs.IntVar(&cfg.Proofs, "proofs", 10_000, "extra validator proofs timed after the load")
	validator := fs.Int64("validator", -1, "validator proven by the cold path (default: 3/4 into the registry)")
	fs.BoolVar(&cfg.NoNetwork, "no-network", false, "leave out the network path (the state served over loopback HTTP)")
	serveRate := fs.Float64("serve-rate", 100, "MB/s at which the network path also serves the state, beside unthrottled (0: unthrottled only)")
	fs.Uint64Var(&cfg.Seed, "seed", 0, "seed of the random validators of the extra proofs")
	multi := fs.String("multiproof", "1,10,100,1000,10000", "comma-separated numbers of validators of the multiproofs")
	fs.DurationVar(&cfg.MethodTimeout, "timeout", 15*time.Minute, "time limit of each method")
	quiet := fs.Bool("quiet", false, "no progress lines on stderr")
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *methods != "" {
		cfg.Methods = strings.Split(*methods, ",")
	}
	if *validator >= 0 {
		cfg.Validator = uint64(*validator)
	}
	switch {
	case *serveRate < 0:
		return cfg, fmt.Errorf("--serve-rate: %g MB/s", *serveRate)
	case *serveRate > 0:
		cfg.ServeRates = []float64{*serveRate}
	default:
		cfg.ServeRates = []float64{}
	}
	cfg.MultiproofK = []int{}
	for _, s := range strings.Split(*multi, ",") {
		if s = strings.TrimSpace(s); s == "" {
			continue
		}
		k, err := strconv.Atoi(s)
		if err != nil || k < 1 {
			return cfg, fmt.Errorf("--multiproof: bad number %q", s)
		}
		cfg.MultiproofK = append(cfg.MultiproofK, k)
	}
	if !*quiet {
		cfg.Log = errOut
	}
	cfg.Command = "beaconproof bench"
	if len(args) > 0 {
		cfg.Command += " " + strings.Join(args, " ")
	}
	cfg = cfg.withDefaults()
	return cfg, cfg.check()
}
