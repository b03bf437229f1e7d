package bench

import (
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// The peers' methods, run by the peers' own binary (internal/bench/peers).
const (
	PeerDynSSZ  = "eth2client-dynssz-tree"
	PeerFastSSZ = "eth2client-fastssz-tree"
	PeerHTR     = "eth2client-htr"
)

// methodSpec describes one measured method.
type methodSpec struct {
	name  string
	label string
	peer  bool
	// forks the method runs on; nil means every fork.
	forks []string
}

// peerForks are the forks whose BeaconState the peers decode.
var peerForks = []string{fork.Electra, fork.Fulu, fork.Gloas}

// methods lists the measured methods in the order they run and print.
var methods = []methodSpec{
	{name: MethodCold, label: "beaconproof: map + validate + root + validator & slot proofs"},
	{name: MethodRoot, label: "beaconproof: map + HashTreeRoot (root only)"},
	{name: PeerDynSSZ, label: "go-eth2-client decode + dynamic-ssz GetTree + Prove", peer: true, forks: peerForks},
	// fastssz predates progressive merkleization, so no gloas.
	{name: PeerFastSSZ, label: "go-eth2-client decode + fastssz tree + Prove", peer: true, forks: []string{fork.Electra, fork.Fulu}},
	{name: PeerHTR, label: "go-eth2-client decode + HashTreeRoot (root only)", peer: true, forks: peerForks},
	{name: MethodAfterLoad, label: "beaconproof after load (see below)"},
	{name: MethodWatchCycle, label: "beaconproof watcher's cycle (see below)"},
}

// MethodNames returns the names of all methods, in the order they run.
func MethodNames() []string {
	out := make([]string, len(methods))
	for i, m := range methods {
		out[i] = m.name
	}
	return out
}

// Config says what Run measures. The zero value (plus defaults) is the
// full benchmark: a fulu state of synth.MainnetValidators validators, every
// method, peers included.
type Config struct {
	// Fork is the state's fork, capella or later; "" means fulu.
	Fork string
	// Validators is the registry size; 0 means synth.MainnetValidators
	// (2,200,000).
	Validators int
	// Validator is the index of the validator the cold path proves; 0
	// means three quarters into the registry.
	Validator uint64
	// Methods restricts the run to these methods (see MethodNames); nil
	// runs all that apply to the fork.
	Methods []string
	// SkipPeers leaves out the peers (and building their binary).
	SkipPeers bool
	// PeersBinary is a prebuilt internal/bench/cmd/benchpeers. When empty
	// the runner builds it with the go command from ModuleDir.
	PeersBinary string
	// ModuleDir is the beaconproof module's directory, to build the peers'
	// binary in; "" means the first directory from the working directory
	// up that holds the module's go.mod.
	ModuleDir string
	// Dir is where the temporary directory of the generated inputs is
	// made; "" means the system's temporary directory. The inputs take
	// about 2.1 times the state's size (~650 MB at mainnet size).
	Dir string
	// Keep keeps the generated inputs (their directory is logged).
	Keep bool
	// Proofs is the number of extra validator proofs timed after the load;
	// 0 means 10,000.
	Proofs int
	// MultiproofK lists the numbers of validators of the multiproofs
	// compared with single proofs; nil means 1, 10, 100, 1,000 and 10,000.
	MultiproofK []int
	// Seed picks the random validators of the extra proofs and multiproofs.
	Seed uint64
	// Repeat runs each method this many times, each in a new process, and
	// keeps the fastest run (wall time); 0 means 1. On a shared machine
	// the best of a few runs is the least disturbed one.
	Repeat int
	// JSON prints the report as JSON instead of tables.
	JSON bool
	// JSONFile, when set, also writes the report as JSON to that file.
	JSONFile string
	// MethodTimeout bounds each child process; 0 means 15 minutes.
	MethodTimeout time.Duration
	// HashRateDuration is the length of each round of the gohashtree
	// throughput measurement; 0 means 500 ms.
	HashRateDuration time.Duration
	// Log receives progress lines; nil means none.
	Log io.Writer
	// Command is the command line recorded in the report; "" records a
	// description of the configuration.
	Command string
	// NoNetwork leaves out the network path (the state served over
	// loopback HTTP, downloaded with beaconapi and hashed as it arrives).
	NoNetwork bool
	// ServeRates are the rates, in MB/s, at which the network path is
	// measured beside the unthrottled loopback; nil means 100 MB/s.
	ServeRates []float64
}

func (c Config) withDefaults() Config {
	if c.Fork == "" {
		c.Fork = fork.Fulu
	}
	if c.Validators == 0 {
		c.Validators = synth.MainnetValidators
	}
	if c.Validator == 0 {
		c.Validator = uint64(c.Validators) * 3 / 4
	}
	if c.Repeat < 1 {
		c.Repeat = 1
	}
	if c.Proofs == 0 {
		c.Proofs = 10_000
	}
	if c.MultiproofK == nil {
		c.MultiproofK = []int{1, 10, 100, 1_000, 10_000}
	}
	if c.MethodTimeout == 0 {
		c.MethodTimeout = 15 * time.Minute
	}
	if c.HashRateDuration == 0 {
		c.HashRateDuration = 500 * time.Millisecond
	}
	if c.Log == nil {
		c.Log = io.Discard
	}
	if c.ServeRates == nil {
		c.ServeRates = []float64{100}
	}
	if c.Command == "" {
		c.Command = fmt.Sprintf("beaconproof bench --fork %s --validators %d", c.Fork, c.Validators)
	}
	return c
}

func (c Config) check() error {
	f, err := fork.Lookup(c.Fork)
	if err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	if !f.Descends(fork.Capella) {
		return fmt.Errorf("bench: fork %s: the benchmark needs capella or later", c.Fork)
	}
	if c.Validators < 1 {
		return fmt.Errorf("bench: %d validators", c.Validators)
	}
	if c.Validator >= uint64(c.Validators) {
		return fmt.Errorf("bench: validator %d is not in a registry of %d", c.Validator, c.Validators)
	}
	if c.Proofs < 0 {
		return fmt.Errorf("bench: %d proofs", c.Proofs)
	}
	for _, m := range c.Methods {
		if !slices.Contains(MethodNames(), m) {
			return fmt.Errorf("bench: unknown method %q (known: %v)", m, MethodNames())
		}
	}
	return nil
}

// selected returns the methods to run, and for each the reason it is
// skipped ("" when it runs).
func (c Config) selected() []methodSpec {
	var out []methodSpec
	for _, m := range methods {
		if c.Methods != nil && !slices.Contains(c.Methods, m.name) {
			continue
		}
		out = append(out, m)
	}
	return out
}

func (m methodSpec) skipReason(c Config) string {
	if m.peer && c.SkipPeers {
		return "peers skipped"
	}
	if m.forks != nil && !slices.Contains(m.forks, c.Fork) {
		if f, err := fork.Lookup(c.Fork); err == nil && m.name == PeerFastSSZ && f.Descends(fork.Gloas) {
			return "fastssz has no progressive merkleization (gloas)"
		}
		return "no go-eth2-client BeaconState for " + c.Fork
	}
	return ""
}
