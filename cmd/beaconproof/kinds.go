package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// The proof kinds of `beaconproof prove KIND`: the facts staking protocols
// check, proved from a BeaconState (or a block) against the state root or
// the block root that EIP-4788 stores, written in one of the formats of
// package staking/format.

// proveKindsHelp ends the help of prove; run.go's prove command shows it.
var proveKindsHelp = `
Staking proofs: 'beaconproof prove KIND [flags] FILE', FILE the state:
  validator        --index N (repeatable)         the whole validator record
  validator-field  --index N --field NAME         one field of a validator
  exit             --index N                      exit_epoch and withdrawable_epoch
  balance          --index N                      the balance (its chunk)
  slot                                            state.slot
  withdrawal       --block BLOCK --withdrawal-num N [--era-block-roots FILE]
                   (gloas: --block-state STATE [--envelope FILE] instead of --block)
  pending-deposit  --index N                      pending_deposits[N]
  field            --path PATH                    any path of the state
  block-field      --block BLOCK --field NAME     a field of a block (no state)
They take --anchor block|state (default block), --format json|rocketpool|
eigenlayer|lido|calldata, --timestamp N|next; validator, validator-field, exit,
balance and withdrawal proofs come with the slot proof. Run
'beaconproof prove KIND --help' for a kind's flags.
` + nodeHelp

// kind is one proof kind.
type kind struct {
	name     string
	synopsis string // the kind's own flags
	help     string
	// protocols are the protocols whose structs (their format, or
	// calldata of them) can carry the kind; every kind has the json format.
	protocols []format.Name
	noState   bool // block-field: the state is optional
	// flags registers the kind's own flags (those of every kind are
	// registered by register).
	flags func(fs *flag.FlagSet, f *kindFlags)
	// check validates the kind's flags; a message is a usage error.
	check func(f *kindFlags) string
	// claims proves the kind's facts.
	claims func(ctx context.Context, e *env, f *kindFlags, s *proveSession) ([]staking.Claim, error)
}

var bothProtocols = []format.Name{format.RocketPool, format.EigenLayer}

var kinds = []*kind{
	{
		name:     "validator",
		synopsis: "--index N [--index N ...]",
		help: `Proves whole validator records (the leaf is the record's root, the value
its 8 fields) and the state's slot. As rocketpool, each is a ValidatorProof
and the slot a SlotProof; as eigenlayer, validatorFields under the state root
and the StateRootProof. As calldata of eigenlayer (--protocol eigenlayer),
the calls of EigenPod's verifyWithdrawalCredentials, and of its
verifyStaleBalance for each slashed validator.

Example:
  beaconproof prove validator --index 7 --index 12 --format rocketpool --timestamp next state.ssz`,
		protocols: bothProtocols,
		flags:     indexFlag,
		check:     needIndex,
		claims: func(_ context.Context, _ *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
			return s.withSlot(s.sp.Validators(f.indices))
		},
	},
	{
		name:     "validator-field",
		synopsis: "--index N --field NAME",
		help: `Proves fields of validators (` + strings.Join(staking.ValidatorFields(), ", ") + `)
and the state's slot; --index and --field repeat, every field of every index
is proved. The rocketpool, eigenlayer and calldata formats take whole
validators: with them the whole record is proved instead.

Example:
  beaconproof prove validator-field --index 7 --field withdrawal_credentials state.ssz`,
		protocols: bothProtocols,
		flags: func(fs *flag.FlagSet, f *kindFlags) {
			indexFlag(fs, f)
			fs.Var(&f.fields, "field", "validator field: "+strings.Join(staking.ValidatorFields(), ", ")+"; repeat for more")
		},
		check: func(f *kindFlags) string {
			if msg := needIndex(f); msg != "" {
				return msg
			}
			if len(f.fields) == 0 {
				return "at least one --field is required"
			}
			return ""
		},
		claims: func(_ context.Context, _ *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
			return s.validatorFields(f, f.fields)
		},
	},
	{
		name:     "exit",
		synopsis: "--index N",
		help: `Proves that validators exited: their exit_epoch and withdrawable_epoch,
and the state's slot. The rocketpool, eigenlayer and calldata formats take
whole validators: with them the whole record is proved instead.

Example:
  beaconproof prove exit --index 7 state.ssz`,
		protocols: bothProtocols,
		flags:     indexFlag,
		check:     needIndex,
		claims: func(_ context.Context, _ *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
			return s.validatorFields(f, []string{"exit_epoch", "withdrawable_epoch"})
		},
	},
	{
		name:     "balance",
		synopsis: "--index N [--index N ...]",
		help: `Proves validators' balances and the state's slot. Four balances share a
32-byte chunk: the leaf is the chunk, the value the balance and its offset.
As eigenlayer, a BalanceContainerProof and a BalanceProof per validator (its
pubkeyHash from the state); as rocketpool, a ValidatorBalanceProof.

Example:
  beaconproof prove balance --index 7 --format eigenlayer state.ssz`,
		protocols: bothProtocols,
		flags:     indexFlag,
		check:     needIndex,
		claims: func(_ context.Context, _ *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
			var out []staking.Claim
			for _, i := range f.indices {
				c, err := s.sp.Balance(i)
				if err != nil {
					return nil, err
				}
				out = append(out, c)
				v, err := s.obj.Validator(i)
				if err != nil {
					return nil, err
				}
				s.validators[i] = v
			}
			return s.withSlot(out, nil)
		},
	},
	{
		name:     "slot",
		synopsis: "",
		help: `Proves state.slot, which verifiers use to bind the slot the other proofs
are for.

Example:
  beaconproof prove slot --format rocketpool state.ssz`,
		protocols: []format.Name{format.RocketPool},
		claims: func(_ context.Context, _ *env, _ *kindFlags, s *proveSession) ([]staking.Claim, error) {
			return s.withSlot(nil, nil)
		},
	},
	{
		name:     "withdrawal",
		synopsis: "(--block BLOCK | --block-state STATE [--envelope FILE]) --withdrawal-num N [--era FILE|DIR | --era-block-roots FILE | --era-state-roots FILE]",
		help: `Proves withdrawal N of the execution payload of BLOCK (a BeaconBlock or
SignedBeaconBlock at the withdrawal slot, before the state's slot) and the
state's slot. A block at most SLOTS_PER_HISTORICAL_ROOT slots older than the
state is proved through the state's block_roots; an older one through
historical_summaries and the era's block_roots: from --era (era files, as
history endpoints publish them: a file or a folder), or --era-block-roots
(the raw 32·SLOTS_PER_HISTORICAL_ROOT bytes, or the state at the next era's
first slot: the state at the era's last slot lacks its last entry); with
--beacon-url and neither of those, from the node's block headers (no
archive node needed), or else its state at the next era's first slot.
--network gives the historical_summaries offset (default mainnet).

From gloas a block carries no execution payload: give, instead of --block,
--block-state, the post-state of the block at the withdrawal slot, whose
payload_expected_withdrawals the block's payload must carry. It is proved
through the state's state_roots, or, for an older slot, historical_summaries
and the era's state_roots: --era-state-roots (raw, or the state at the next
era's first slot) or --era (the era file's state). Era files hold neither the
block's post-state nor its envelope. --envelope, the block's
(Signed)ExecutionPayloadEnvelope, is checked against it off chain. With
--beacon-url and --validator, the block's post-state, its envelope and an old
slot's era state_roots (unless --era or --era-state-roots) come from the
node. The proof does not show that the payload was revealed (see the
README). Only --format json has these proofs.

With --format lido (or --format calldata --protocol lido), one withdrawal as
Lido CSM's CSVerifier takes it: FILE is the post-state of BLOCK
(processWithdrawalProof), or of a later block, with BLOCK's post-state in
--block-state and --era-block-roots (processHistoricalWithdrawalProof,
through historical_summaries); --node-operator-id and --key-index give the
calls' arguments. No slot proof comes with it.

Example:
  beaconproof prove withdrawal --block block.ssz --withdrawal-num 0 --format rocketpool later-state.ssz`,
		protocols: []format.Name{format.RocketPool, format.Lido},
		flags:     withdrawalFlags,
		check: func(f *kindFlags) string {
			if f.block == "" && f.node.url != "" {
				if !f.node.hasValidator {
					return "--validator is required with --beacon-url (or give --block)"
				}
				return ""
			}
			if f.block == "" && f.lido.blockState == "" {
				if f.eraFiles != "" {
					return "--block is required (on gloas: --block-state)" + eraGloasHint
				}
				return "--block is required (on gloas: --block-state)"
			}
			if len(f.withdrawalNums) == 0 {
				return "at least one --withdrawal-num is required"
			}
			return ""
		},
		claims: proveWithdrawals,
	},
	{
		name:     "pending-deposit",
		synopsis: "--index N [--index N ...]",
		help: `Proves entries of the state's pending_deposits queue (electra on).

Example:
  beaconproof prove pending-deposit --index 0 state.ssz`,
		flags: indexFlag,
		check: needIndex,
		claims: func(_ context.Context, _ *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
			var out []staking.Claim
			for _, i := range f.indices {
				c, err := s.sp.PendingDeposit(i)
				if err != nil {
					return nil, err
				}
				out = append(out, c)
			}
			return out, nil
		},
	},
	{
		name:     "field",
		synopsis: "--path PATH [--path PATH ...]",
		help: `Proves any path of the state, spelled as in the specs
("finalized_checkpoint.root", "pending_consolidations[0]", ...).

Example:
  beaconproof prove field --path finalized_checkpoint.root state.ssz`,
		flags: func(fs *flag.FlagSet, f *kindFlags) {
			fs.Var(&f.paths, "path", "path in the state, as in the specs; repeat for more")
		},
		check: func(f *kindFlags) string {
			if len(f.paths) == 0 {
				return "at least one --path is required"
			}
			return ""
		},
		claims: func(_ context.Context, _ *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
			var out []staking.Claim
			for _, p := range f.paths {
				c, err := s.sp.Field(p)
				if err != nil {
					return nil, err
				}
				out = append(out, c)
			}
			return out, nil
		},
	},
	{
		name:     "block-field",
		synopsis: "(--block BLOCK | FILE) --field NAME",
		help: `Proves fields of a block against its root (the root EIP-4788 stores):
` + blockFieldNames() + `. With --block the block is
read; without it, FILE is the block's post-state and the field is proved
from latest_block_header or latest_execution_payload_header. With
--beacon-url, --block is a block id (head, finalized, justified, a slot or
a block root; a file of that name still wins) fetched from the node, and
the anchor's EIP-4788 timestamp comes from the node.

Example:
  beaconproof prove block-field --block block.ssz --field timestamp
  beaconproof prove block-field --beacon-url http://localhost:5052 --block finalized --field block_hash --field timestamp`,
		noState: true,
		flags: func(fs *flag.FlagSet, f *kindFlags) {
			fs.Var(&f.fields, "field", "block field: "+blockFieldNames()+"; repeat for more")
			fs.StringVar(&f.block, "block", "", "the BeaconBlock or SignedBeaconBlock file, or with --beacon-url a block id (head, finalized, justified, a slot or a block root)")
			blockForkFlag(fs, f)
		},
		check: func(f *kindFlags) string {
			if len(f.fields) == 0 {
				return "at least one --field is required"
			}
			if f.block != "" && f.anchor != string(staking.AnchorBlock) {
				return "a block's fields are anchored to the block: --anchor block"
			}
			return ""
		},
		claims: proveBlockFields,
	},
}

func blockFieldNames() string { return strings.Join(staking.BlockFields(), ", ") }

// indexFlag registers --index.
func indexFlag(fs *flag.FlagSet, f *kindFlags) {
	fs.Var(&f.indices, "index", "validator (or queue entry) index; repeat or comma-separate for more")
}

// blockForkFlag registers --block-fork.
func blockForkFlag(fs *flag.FlagSet, f *kindFlags) {
	fs.StringVar(&f.blockFork, "block-fork", "", "the block's fork (detected from its slot and --network when omitted)")
}

// withdrawalFlags registers the flags of the withdrawal kind: the block,
// the withdrawals, the era's block roots, and the node's.
func withdrawalFlags(fs *flag.FlagSet, f *kindFlags) {
	fs.StringVar(&f.block, "block", "", "the BeaconBlock or SignedBeaconBlock file")
	fs.StringVar(&f.blockFork, "block-fork", "", "the fork of the block, or of --block-state (detected from the block's slot and --network, or the state's fork version, when omitted)")
	fs.Var(&f.withdrawalNums, "withdrawal-num", "position of the withdrawal in the payload; repeat for more")
	fs.StringVar(&f.eraBlockRoots, "era-block-roots", "", "the block_roots of the withdrawal's era, for a historical withdrawal: raw SSZ or the state at the next era's first slot")
	fs.StringVar(&f.eraFiles, "era", "", "era files (a .era file or a folder of them) that hold the withdrawal's era, for a historical withdrawal: its block_roots come from them")
	fs.StringVar(&f.gloas.envelope, "envelope", "", "gloas: the ExecutionPayloadEnvelope (or its signed form) of the block at the withdrawal slot, checked against --block-state")
	fs.StringVar(&f.gloas.eraStateRoots, "era-state-roots", "", "gloas: the state_roots of the withdrawal's era, for a historical withdrawal: raw SSZ or the state at the next era's first slot")
	f.node.registerWithdrawal(fs)
	registerLido(fs, f)
}

// orList joins names as "a, b or c".
func orList(names []format.Name) string {
	s := make([]string, len(names))
	for i, n := range names {
		s[i] = string(n)
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

func needIndex(f *kindFlags) string {
	if len(f.indices) == 0 {
		return "at least one --index is required"
	}
	return ""
}

func init() {
	for _, k := range kinds {
		proveKinds[k.name] = k.run
	}
}

// uintList is a repeatable flag of uint64s; a value may also list several,
// comma-separated.
type uintList []uint64

func (l *uintList) String() string {
	s := make([]string, len(*l))
	for i, v := range *l {
		s[i] = strconv.FormatUint(v, 10)
	}
	return strings.Join(s, ",")
}

func (l *uintList) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		v, err := strconv.ParseUint(strings.TrimSpace(part), 10, 64)
		if err != nil {
			return fmt.Errorf("%q is not a non-negative integer", part)
		}
		*l = append(*l, v)
	}
	return nil
}

// kindFlags are the flags of every kind; each kind registers those it
// takes.
type kindFlags struct {
	state                 string
	fork, preset, network string
	maxSize               int64
	anchor                string
	format                string
	protocol              string
	timestamp             string

	indices        uintList
	fields         pathList
	paths          pathList
	block          string
	blockFork      string
	withdrawalNums uintList
	eraBlockRoots  string
	eraFiles       string // --era: an era file or a folder of them

	node  nodeFlags  // proving from a beacon node (beacon.go)
	lido  lidoFlags  // the withdrawal kind with --format lido (lido.go)
	gloas gloasFlags // the withdrawal kind on gloas (gloas.go)

	// net is the network: --network's (a built-in one or a config.yaml),
	// the node's, or the built-in one with the state's genesis time; nil
	// when unknown (mainnet is then assumed where one is needed).
	net *fork.Network
}

func (k *kind) command() *command {
	usage := "beaconproof prove " + k.name
	if k.synopsis != "" {
		usage += " " + k.synopsis
	}
	usage += " [--anchor block|state] [--format F] [--timestamp N|next] [--fork F] [--network N]"
	if !k.noState {
		usage += " FILE"
	}
	return &command{name: "prove " + k.name, usage: usage, help: k.help}
}

func (k *kind) register(fs *flag.FlagSet, f *kindFlags) {
	fs.StringVar(&f.state, "state", "", "the BeaconState file (instead of FILE)")
	fs.StringVar(&f.fork, "fork", "", "the state's fork (detected from fork.current_version when omitted)")
	fs.StringVar(&f.preset, "preset", beaconstate.DefaultPreset, "preset: "+strings.Join(fork.PresetNames(), ", "))
	fs.StringVar(&f.network, "network", "", "network, "+networkFlagHelp()+": maps a block's slot to its fork, gives the historical_summaries offset and --timestamp next's genesis (default: the node's, or the built-in network with the state's genesis_time, else mainnet)")
	fs.Int64Var(&f.maxSize, "max-size", beaconstate.DefaultMaxSize, "largest input accepted, in bytes, also after decompression")
	fs.StringVar(&f.anchor, "anchor", string(staking.AnchorBlock), "root the proofs lead to: block (the EIP-4788 root of the state's block) or state")
	fs.StringVar(&f.format, "format", string(format.JSON), "output format: "+orList(format.Names()))
	fs.StringVar(&f.protocol, "protocol", string(format.RocketPool), "whose structs --format calldata encodes: "+orList(format.Protocols()))
	fs.StringVar(&f.timestamp, "timestamp", "", "the EIP-4788 timestamp of the anchor block (its child's time), or next: the time of the slot after the anchor's (assumes that slot has a block)")
	if k.flags != nil {
		k.flags(fs, f)
	}
	f.node.register(fs)
}

// loadBlock loads a BeaconBlock or, failing that, a SignedBeaconBlock. Its
// fork is --block-fork, else the one its slot has on the network, else,
// without a network, the one its slot has in the fork schedule that the
// state's fork field implies (state; nil for block-field from a block:
// mainnet's schedule).
func loadBlock(ctx context.Context, e *env, f *kindFlags, state *beaconstate.Object) (*beaconstate.Object, error) {
	net := f.net
	if net == nil && f.blockFork == "" {
		var err error
		if net, err = stateSchedule(state); err == nil {
			net, err = orMainnet(net)
		}
		if err != nil {
			return nil, err
		}
	}
	o := beaconstate.LoadOptions{Fork: f.blockFork, Preset: f.preset, Type: "BeaconBlock", NetworkConfig: net, MaxSize: f.maxSize}
	var data []byte
	if f.block == "-" {
		b, err := io.ReadAll(io.LimitReader(e.stdin, f.maxSize+1))
		if err != nil {
			return nil, fmt.Errorf("block: standard input: %w", err)
		}
		data = b
	}
	load := func(o beaconstate.LoadOptions) (*beaconstate.Object, error) {
		if data != nil {
			return beaconstate.Load(ctx, bytes.NewReader(data), o)
		}
		return beaconstate.LoadFile(ctx, f.block, o)
	}
	obj, err := load(o)
	if err == nil {
		return obj, nil
	}
	o.Type = "SignedBeaconBlock"
	if signed, err2 := load(o); err2 == nil {
		return signed, nil
	}
	return nil, err
}

func proveWithdrawals(ctx context.Context, e *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
	if s.lido {
		return proveLidoWithdrawal(ctx, e, f, s)
	}
	if f.lido.blockState != "" {
		return proveGloasWithdrawals(ctx, e, f, s)
	}
	if f.block == "" && s.node != nil {
		return s.nodeWithdrawals(ctx, f)
	}
	block, err := loadBlock(ctx, e, f, s.obj)
	if err != nil {
		return nil, err
	}
	defer block.Close()
	if err := gloasBlockError(block); err != nil {
		return nil, err
	}
	src := staking.WithdrawalSource{Block: block, Network: f.net}
	switch {
	case f.eraFiles != "":
		if src.EraBlockRoots, err = readEraFiles(ctx, f, src.Network, block); err != nil {
			return nil, err
		}
	case f.eraBlockRoots != "":
		if src.EraBlockRoots, err = readEraBlockRoots(ctx, f, s.obj); err != nil {
			return nil, err
		}
	}
	if block.Fork != s.obj.Fork {
		s.in.BlockFork = block.Fork
	}
	var out []staking.Claim
	for _, n := range f.withdrawalNums {
		c, err := s.sp.Withdrawal(src, n)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return s.withSlot(out, nil)
}

// readEraFiles reads the block_roots of the era that holds the block from
// --era's era files.
func readEraFiles(ctx context.Context, f *kindFlags, net *fork.Network, block *beaconstate.Object) ([]byte, error) {
	ws, err := block.Slot()
	if err != nil {
		return nil, err
	}
	return readArchiveRoots(ctx, f, net, block.Preset, ws, (*era.Archive).BlockRoots, "")
}

// readArchiveRoots reads, with get (Archive.BlockRoots or StateRoots), a
// vector of roots of the era that holds slot from --era's era files; what
// names the vector in errors ("" for none).
func readArchiveRoots(ctx context.Context, f *kindFlags, net *fork.Network, preset string, slot uint64,
	get func(*era.Archive, context.Context, uint64) ([][32]byte, error), what string) ([]byte, error) {
	net, err := orMainnet(net)
	if err != nil {
		return nil, err
	}
	a, err := era.Open(f.eraFiles, era.Options{Preset: preset, Network: net, MaxSize: f.maxSize})
	if err != nil {
		return nil, fmt.Errorf("--era: %w", err)
	}
	defer a.Close()
	roots, err := get(a, ctx, era.EraOfSlot(slot, a.SlotsPerHistoricalRoot()))
	if err != nil {
		return nil, fmt.Errorf("--era: %s%w", what, err)
	}
	return flattenRoots(roots), nil
}

// flattenRoots returns roots as one byte string, as a Vector[Root, n]
// encodes.
func flattenRoots(roots [][32]byte) []byte {
	out := make([]byte, 0, 32*len(roots))
	for _, r := range roots {
		out = append(out, r[:]...)
	}
	return out
}

// readEraBlockRoots reads --era-block-roots: the raw vector, or a state
// whose block_roots it is.
func readEraBlockRoots(ctx context.Context, f *kindFlags, state *beaconstate.Object) ([]byte, error) {
	return readEraRoots(ctx, f, state, "--era-block-roots", f.eraBlockRoots, "block_roots")
}

// readEraRoots reads an era's root vector (field: block_roots or
// state_roots) from file, given as flag: the raw vector, or a state whose
// field it is. The state's fork is detected on the network and preset of
// the proved state, and is that state's fork when its version is one no
// known network schedules.
func readEraRoots(ctx context.Context, f *kindFlags, state *beaconstate.Object, flag, file, field string) ([]byte, error) {
	want := 32 * state.Schemas.Preset.SlotsPerHistoricalRoot
	if st, err := os.Stat(file); err == nil && uint64(st.Size()) == want {
		return os.ReadFile(file)
	}
	o := beaconstate.LoadOptions{Preset: state.Preset, Type: "BeaconState", NetworkConfig: f.net, MaxSize: f.maxSize}
	era, err := beaconstate.LoadFile(ctx, file, o)
	if errors.Is(err, beaconstate.ErrNoFork) {
		o.Fork = state.Fork
		era, err = beaconstate.LoadFile(ctx, file, o)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: neither %d bytes of %s nor a state: %w", flag, want, field, err)
	}
	defer era.Close()
	b, _, err := era.Field(field)
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

func proveBlockFields(ctx context.Context, e *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
	var out []staking.Claim
	if f.block == "" {
		for _, name := range f.fields {
			c, err := s.sp.BlockField(name)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
		return out, nil
	}
	var block *beaconstate.Object
	var err error
	if s.node != nil && !isFile(f.block) {
		var release func()
		if block, release, err = s.nodeBlock(ctx, f.block); err != nil {
			return nil, err
		}
		defer release()
	} else {
		if block, err = loadBlock(ctx, e, f, s.obj); err != nil {
			return nil, err
		}
		defer block.Close()
	}
	for _, name := range f.fields {
		c, err := staking.ProveBlockField(block, name)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	s.in = format.Input{Fork: block.Fork, Preset: block.Preset, Network: f.network, NetworkConfig: docNetwork(f.net)}
	return out, nil
}
