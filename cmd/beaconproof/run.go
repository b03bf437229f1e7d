package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1 // bad input: the one line on stderr says what is wrong
	exitUsage = 2 // wrong usage: the usage is printed
)

// maxProofFile bounds the size of a proof file read by verify.
const maxProofFile = 256 << 20

const mainUsage = `Usage: beaconproof <command> [flags] [arguments]

Commands:
  root     print the hash tree root of an SSZ object
  gindex   print the generalized index of a path in a type
  prove    print Merkle proofs of paths in an SSZ object, as JSON
  verify   check every proof of a JSON proof file against its root
  fixtures write a Foundry-ready fixture set of proofs from a node or files
  watch    follow a beacon node and write each proof duty of validators once

FILE may be .ssz, .ssz_snappy (snappy block format), framed snappy, .gz,
or - for standard input. The type defaults to BeaconState and the preset
to mainnet; a state's fork is detected from fork.current_version when it
is a known fork version.

Run 'beaconproof <command> --help' for a command's flags and an example,
'beaconproof --version' for the version.
`

// env is what a command reads and writes.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

// command is one subcommand.
type command struct {
	name  string
	usage string // first line: the synopsis
	help  string // description and example
	run   func(ctx context.Context, e *env, args []string) int
}

var commands []*command

func init() {
	commands = []*command{
		{
			name:  "root",
			usage: "beaconproof root [--fork F] [--preset P] [--type T] [--network N] FILE",
			help: `Prints the hash tree root of the SSZ object in FILE as 0x-hex.

Example:
  beaconproof root --fork deneb state.ssz
  beaconproof root --fork deneb --type BeaconBlock block.ssz_snappy`,
			run: cmdRoot,
		},
		{
			name:  "gindex",
			usage: "beaconproof gindex --fork F [--preset P] [--type T] PATH | --lido --fork F [--preset P]",
			help: `Prints the generalized index of PATH in the type, in decimal. PATH is
spelled as in the consensus specs, with [i] for list and vector indices.

With --lido, prints as JSON the generalized indices that the constructor of
Lido CSM's CSVerifier takes for states of the fork (the first withdrawal of
latest_execution_payload_header, the first validator, the first historical
summary, the first block root of a summary; each its gindex, pow and the
packed bytes32), and the constructor's GIndices struct for a verifier of
that fork alone (each as Prev and Curr).

Example:
  beaconproof gindex --fork deneb 'validators[5].withdrawal_credentials'
  beaconproof gindex --lido --fork electra`,
			run: cmdGindex,
		},
		{
			name:  "prove",
			usage: "beaconproof prove [--fork F] [--preset P] [--type T] [--network N] --path PATH [--path PATH ...] [--multiproof] FILE",
			help: `Prints, as JSON, Merkle proofs of the members at each PATH of the SSZ
object in FILE against its hash tree root:
  {"fork", "preset", "type", "root", "proofs": [{"path", "gindex", "leaf", "branch"}]}
gindex is a decimal string; hashes are 0x-hex; branch is bottom-up. With
--multiproof, one multiproof of them all (the specs' multiproof, gindices
descending, each path beside its gindex):
  {"fork", "preset", "type", "root", "paths", "multiproof": {"gindices", "leaves", "hashes"}}
Every proof is verified before it is printed; 'beaconproof verify' reads both.

Example:
  beaconproof prove --fork deneb --path 'validators[5].withdrawal_credentials' --path 'balances[5]' state.ssz
` + proveKindsHelp,
			run: cmdProve,
		},
		{
			name:  "verify",
			usage: "beaconproof verify [--el-rpc URL [--beacon-url URL]] FILE.json|DIR ...",
			help: `Checks every proof of a JSON proof file against its root: as printed by
prove in any --format (json, rocketpool, eigenlayer, lido, calldata), an oracle
vector.json, or a file of protocol vectors. Leaves are recomputed from the
values the file states and gindices from its fork and indices; the path of
a proof without a kind (prove --path) must name its gindex in the file's
fork, preset and type (default mainnet, BeaconState). Prints ok and exits 0,
or names the first failing proof and exits 1. A file without a fork (an
oracle vector.json) proves nodes at gindices, whatever its paths say: verify
then prints "ok (paths not checked: no fork)".

Several files, or a folder (a fixture set: every .json file in it but
manifest.json), are each checked: verify prints "FILE: ok" for each that
verifies and one line for each that fails, and exits 1 if any fails.

With --el-rpc (or $EL_RPC), also checks that the execution client's
EIP-4788 beacon roots contract stores the anchor root under the anchor's
timestamp: the file's, or, without one, the child block's time that
--beacon-url's node gives for the anchor's slot.

Example:
  beaconproof prove --fork deneb --path slot state.ssz > proofs.json
  beaconproof verify proofs.json
  beaconproof verify fixtures/
  beaconproof verify --el-rpc http://localhost:8545 validator.json`,
			run: cmdVerify,
		},
		fixturesCommand,
		watchCommand,
		benchCommand,
	}
}

func lookupCommand(name string) *command {
	for _, c := range commands {
		if c.name == name {
			return c
		}
	}
	return nil
}

// run is the whole program: it parses args (without the program name),
// runs the command and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	e := &env{stdin: stdin, stdout: stdout, stderr: stderr}
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintln(stderr, oneLine(fmt.Sprintf("beaconproof: internal error: %v", r)))
			code = exitFail
		}
	}()
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && args[0] == "help" {
			if c := lookupCommand(args[1]); c != nil {
				return c.run(ctx, e, []string{"--help"})
			}
			return unknownCommand(e, args[1])
		}
		fmt.Fprint(stdout, mainUsage)
		return exitOK
	case "-version", "--version":
		fmt.Fprintln(stdout, version())
		return exitOK
	}
	c := lookupCommand(args[0])
	if c == nil {
		return unknownCommand(e, args[0])
	}
	return c.run(ctx, e, args[1:])
}

// unknownCommand reports a command name that is none, with the hint that
// lists them, and returns exitUsage.
func unknownCommand(e *env, name string) int {
	fmt.Fprintln(e.stderr, oneLine(fmt.Sprintf("beaconproof: unknown command %q", name)))
	fmt.Fprintln(e.stderr, "Run 'beaconproof --help' for the commands.")
	return exitUsage
}

// version returns the program's version line: the module version it was
// built as ("(devel)" from a clone), the VCS revision when the build
// recorded one, and the Go version.
func version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "beaconproof (unknown version)"
	}
	v := bi.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = ", modified"
			}
		}
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if rev != "" {
		v += " (" + rev + dirty + ")"
	}
	return "beaconproof " + v + " " + bi.GoVersion
}

// fail prints err as one line, with a hint at the flag that gets past it,
// and returns exitFail.
func (e *env) fail(err error) int {
	msg := err.Error()
	for _, pkg := range []string{"beaconstate: ", "staking: "} {
		msg = strings.TrimPrefix(msg, pkg)
	}
	fmt.Fprintln(e.stderr, oneLine("beaconproof: "+msg+flagHint(err)))
	return exitFail
}

// flagHint returns the flags that get past err, as the end of its line:
// the library's errors say what is wrong, the CLI says what to pass. The
// withdrawal search's errors end with their advice, which the flag's name
// completes.
func flagHint(err error) string {
	switch {
	case errors.Is(err, beaconstate.ErrNoNetwork):
		return "; pass the fork (--fork) or the network (--network)"
	case errors.Is(err, beaconstate.ErrNoFork):
		return "; pass the fork (--fork)"
	case errors.Is(err, beaconapi.ErrSearchStart):
		return " (--search-from)"
	case errors.Is(err, beaconapi.ErrSearchSlots):
		return " (--search-slots)"
	case errors.Is(err, beaconapi.ErrSearchRequests):
		return " (--search-requests)"
	}
	return ""
}

// oneLine folds a message onto one line.
func oneLine(s string) string {
	s = strings.TrimSpace(s)
	s = strings.ReplaceAll(s, "\r", "")
	return strings.ReplaceAll(s, "\n", "; ")
}

// flagSet returns a FlagSet for c that reports nothing itself: parse
// reports errors and help.
func (c *command) flagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("beaconproof "+c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// printUsage writes c's usage, help and flags to w.
func (c *command) printUsage(w io.Writer, fs *flag.FlagSet) {
	fmt.Fprintf(w, "Usage: %s\n\n%s\n", c.usage, c.help)
	var flags strings.Builder
	fs.SetOutput(&flags)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	if flags.Len() > 0 {
		fmt.Fprintf(w, "\nFlags:\n%s", flags.String())
	}
}

// usageError prints a usage error to stderr, on one line, and on the
// next the command that shows c's usage, and returns exitUsage.
func (c *command) usageError(e *env, format string, args ...any) int {
	fmt.Fprintln(e.stderr, oneLine(fmt.Sprintf("beaconproof %s: %s", c.name, fmt.Sprintf(format, args...))))
	fmt.Fprintf(e.stderr, "Run 'beaconproof %s --help' for its usage.\n", c.name)
	return exitUsage
}

// parse parses flags interspersed with positional arguments ("--" ends the
// flags) and returns the positional arguments. done is true when the
// command must return code at once (help, or a usage error).
func (c *command) parse(e *env, fs *flag.FlagSet, args []string) (pos []string, done bool, code int) {
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			c.printUsage(e.stdout, fs)
			return nil, true, exitOK
		}
		if err != nil {
			return nil, true, c.usageError(e, "%v", err)
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, false, 0
		}
		if used := len(args) - len(rest); used > 0 && args[used-1] == "--" {
			return append(pos, rest...), false, 0
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// objectFlags are the flags that say what a file holds.
type objectFlags struct {
	fork, preset, typ, network string
	maxSize                    int64
}

func (o *objectFlags) register(fs *flag.FlagSet, withNetwork bool) {
	fs.StringVar(&o.fork, "fork", "", "consensus fork: "+strings.Join(fork.Names(), ", ")+" (detected from a state's fork.current_version when omitted)")
	fs.StringVar(&o.preset, "preset", beaconstate.DefaultPreset, "preset: "+strings.Join(fork.PresetNames(), ", "))
	fs.StringVar(&o.typ, "type", beaconstate.DefaultType, "SSZ type: BeaconState, BeaconBlock, SignedBeaconBlock, ExecutionPayloadEnvelope, ...")
	if withNetwork {
		fs.StringVar(&o.network, "network", "", "network whose fork schedule maps a block's slot to its fork, when --fork is omitted: "+networkFlagHelp())
		fs.Int64Var(&o.maxSize, "max-size", beaconstate.DefaultMaxSize, "largest input accepted, in bytes, also after decompression")
	}
}

func (o *objectFlags) options() (beaconstate.LoadOptions, error) {
	net, err := networkArg(o.network)
	if err != nil {
		return beaconstate.LoadOptions{}, err
	}
	return beaconstate.LoadOptions{Fork: o.fork, Preset: o.preset, Type: o.typ, NetworkConfig: net, MaxSize: o.maxSize, Mmap: true}, nil
}

// load reads the object in file ("-" for standard input).
func (o *objectFlags) load(ctx context.Context, e *env, file string) (*beaconstate.Object, error) {
	opts, err := o.options()
	if err != nil {
		return nil, err
	}
	if file == "-" {
		return beaconstate.Load(ctx, e.stdin, opts)
	}
	return beaconstate.LoadFile(ctx, file, opts)
}

func cmdRoot(ctx context.Context, e *env, args []string) int {
	c := lookupCommand("root")
	fs := c.flagSet()
	var of objectFlags
	of.register(fs, true)
	pos, done, code := c.parse(e, fs, args)
	if done {
		return code
	}
	if len(pos) != 1 {
		return c.usageError(e, "want one FILE, got %d arguments", len(pos))
	}
	obj, err := of.load(ctx, e, pos[0])
	if err != nil {
		return e.fail(err)
	}
	defer obj.Close()
	root, err := obj.Root()
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintln(e.stdout, proof.FormatHash(root))
	return exitOK
}

func cmdGindex(_ context.Context, e *env, args []string) int {
	c := lookupCommand("gindex")
	fs := c.flagSet()
	var of objectFlags
	of.register(fs, false)
	lido := fs.Bool("lido", false, "print the generalized indices of Lido CSM's CSVerifier constructor for the fork, instead of PATH's")
	pos, done, code := c.parse(e, fs, args)
	if done {
		return code
	}
	if of.fork == "" {
		return c.usageError(e, "--fork is required")
	}
	if *lido {
		if len(pos) != 0 {
			return c.usageError(e, "--lido takes no PATH")
		}
		return printLidoGindices(e, of.fork, of.preset)
	}
	if len(pos) != 1 {
		return c.usageError(e, "want one PATH, got %d arguments", len(pos))
	}
	g, err := beaconstate.Gindex(of.fork, of.preset, of.typ, pos[0])
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintln(e.stdout, g.String())
	return exitOK
}

// proveKinds are the subcommands of prove selected by a first positional
// argument that names a kind of proof ("prove [flags] validator ..."); they
// get the arguments without that word. The generic form takes --path
// flags and a FILE.
var proveKinds = map[string]func(ctx context.Context, e *env, args []string) int{}

// pathList is a repeatable --path flag.
type pathList []string

func (p *pathList) String() string { return strings.Join(*p, ",") }

func (p *pathList) Set(s string) error {
	*p = append(*p, s)
	return nil
}

// kindArg returns the index of the first positional argument of prove,
// or -1. Every flag of prove but --multiproof takes a value, so "--flag
// value" is skipped as a pair; "--flag=value", --multiproof, -h and --help
// alone.
func kindArg(args []string) int {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			if i+1 < len(args) {
				return i + 1
			}
			return -1
		case a == "-" || !strings.HasPrefix(a, "-"):
			return i
		case strings.Contains(a, "=") || a == "-h" || a == "-help" || a == "--help" || strings.TrimLeft(a, "-") == "multiproof":
		default:
			i++ // the flag's value
		}
	}
	return -1
}

func cmdProve(ctx context.Context, e *env, args []string) int {
	if i := kindArg(args); i >= 0 {
		if k, ok := proveKinds[args[i]]; ok {
			rest := append(append([]string(nil), args[:i]...), args[i+1:]...)
			return k(ctx, e, rest)
		}
	}
	c := lookupCommand("prove")
	fs := c.flagSet()
	var of objectFlags
	of.register(fs, true)
	var paths pathList
	fs.Var(&paths, "path", "path to prove, as in the specs (validators[5].withdrawal_credentials); repeat for more")
	multi := fs.Bool("multiproof", false, "print one multiproof of all the paths (distinct, none inside another) instead of a proof per path")
	pos, done, code := c.parse(e, fs, args)
	if done {
		return code
	}
	if len(pos) != 1 {
		return c.usageError(e, "want one FILE, got %d arguments", len(pos))
	}
	if len(paths) == 0 {
		return c.usageError(e, "at least one --path is required")
	}
	obj, err := of.load(ctx, e, pos[0])
	if err != nil {
		return e.fail(err)
	}
	defer obj.Close()
	p, err := beaconstate.NewProver(obj)
	if err != nil {
		return e.fail(err)
	}
	var set any
	if *multi {
		set, err = p.MultiproofSet(paths)
	} else {
		set, err = p.ProofSet(paths)
	}
	if err != nil {
		return e.fail(err)
	}
	out, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		return e.fail(err)
	}
	if _, err := fmt.Fprintf(e.stdout, "%s\n", out); err != nil {
		return e.fail(err)
	}
	return exitOK
}
