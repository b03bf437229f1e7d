package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// `beaconproof fixtures`: a Foundry-ready set of proofs, one JSON file per
// proof, and manifest.json.
//
// Each proof file is a rocketpool document of one proof (and the slot
// proof it comes with), written for vm.parseJson: object keys in
// alphabetical order at every level (parseJson decodes an object into a
// tuple by sorted key), uint64 values as JSON numbers (parseJson encodes
// numbers as uint256 and keeps decimal strings as strings), no gindex
// fields (the structs have none). `beaconproof verify` reads the files
// too. Proof kinds Rocket Pool's verifier has no struct for
// (pending-deposit) are written as json documents: leaf, branch, gindex
// and decoded value, for a generic leaf check such as the reference
// verifier's verifyLeaf.
//
// With --format lido the set is Lido CSM's: for each withdrawal a lido
// document and the calldata document of CSVerifier's call
// (processWithdrawalProof, or processHistoricalWithdrawalProof), as
// `prove withdrawal --format lido` and `--format calldata --protocol lido`
// write them.

var fixturesCommand = &command{
	name:  "fixtures",
	usage: "beaconproof fixtures (--beacon-url URL [--state ID] | --state FILE) --out DIR (--index N [--index N ...] | --format lido --block BLOCK --withdrawal-num N) [flags]",
	help: `Writes a Foundry-ready fixture set into DIR: for the state (from a beacon
node, default finalized, or a local file) the slot proof, and for each
--index a validator, exit and balance proof; a withdrawal proof with
--validator (from a node) or --block and --withdrawal-num (local files;
--era-block-roots for a block older than the state's block_roots); a
pending deposit proof with --pending-deposit. Every file but
pending-deposit-N.json (a json document) is a rocketpool document of one proof whose keys are sorted so that vm.parseJson decodes
e.g. ".validatorProofs[0]" into a struct with the same fields declared in
alphabetical order (manifest.json lists those declarations); numbers are
JSON numbers. Foundry 1.7.1's vm.parseJson follows instead the declaration
order of a struct of the project with the same field names, if there is
one; vm.parseJsonType with a type description, such as
"SlotProof(uint64 slot,bytes32[] witnesses)", decodes into any field
order (the repository's testdata/foundry does that). manifest.json lists
the files and kinds, the anchor (slot, block root, and the EIP-4788
timestamp under which to mock the root: call the beacon roots contract
with abi.encode(timestamp), return abi.encode(root)), the fork and the
network.

With --format lido, the set is Lido CSM's instead: for each --withdrawal-num
N of BLOCK, withdrawal-N.json, a lido document (CSVerifier's structs, as
'prove withdrawal --format lido' writes it), and withdrawal-N.calldata.json,
its calldata document with the call of processWithdrawalProof (the state is
BLOCK's post-state) or processHistoricalWithdrawalProof (a later state, with
BLOCK's post-state in --block-state and --era-block-roots); the calls take
--node-operator-id and --key-index. CSVerifier takes no other kind: --index
and --pending-deposit are refused.

The anchor's timestamp comes from the node (its child block's time) or,
from files, --timestamp (default: the slot after the anchor's). A fixture
whose anchor has left the EIP-4788 window is refused unless
--allow-expired: its age is measured at the node's head, or, from files,
at the current time.

Example:
  beaconproof fixtures --beacon-url http://localhost:5052 --state finalized --index 123 --validator 123 --out test/fixtures
  beaconproof fixtures --state state.ssz --block block.ssz --withdrawal-num 0 --index 7 --out test/fixtures --allow-expired
  beaconproof fixtures --format lido --state post-state.ssz --block block.ssz --withdrawal-num 1 --node-operator-id 3 --key-index 5 --out test/lido`,
	run: cmdFixtures,
}

// nowFunc is the clock of fixtures from local files.
var nowFunc = time.Now

// fixtureStructs are the Foundry-side declarations of the structs the
// files decode into: Rocket Pool's, with fields in alphabetical order.
var fixtureStructs = map[string]string{
	"SlotProof":       "struct SlotProof { uint64 slot; bytes32[] witnesses; }",
	"Validator":       "struct Validator { uint64 activationEligibilityEpoch; uint64 activationEpoch; uint64 effectiveBalance; uint64 exitEpoch; bytes pubkey; bool slashed; uint64 withdrawableEpoch; bytes32 withdrawalCredentials; }",
	"ValidatorProof":  "struct ValidatorProof { Validator validator; uint40 validatorIndex; bytes32[] witnesses; }",
	"Withdrawal":      "struct Withdrawal { uint64 amountInGwei; uint64 index; uint64 validatorIndex; address withdrawalCredentials; }",
	"WithdrawalProof": "struct WithdrawalProof { Withdrawal withdrawal; uint16 withdrawalNum; uint64 withdrawalSlot; bytes32[] witnesses; }",
	"BalanceProof":    "struct BalanceProof { uint64 balance; bytes32 balanceChunk; uint64 validatorIndex; bytes32[] witnesses; }",
}

// fixtureFile is one entry of the manifest.
type fixtureFile struct {
	File   string            `json:"file"`
	Format string            `json:"format"`
	Keys   map[string]string `json:"keys,omitempty"` // JSON path -> struct
	Kind   string            `json:"kind"`
}

type fixtureManifest struct {
	Anchor      manifestAnchor    `json:"anchor"`
	BeaconRoots string            `json:"beaconRoots"`
	Files       []fixtureFile     `json:"files"`
	Fork        string            `json:"fork"`
	Network     string            `json:"network"`
	Preset      string            `json:"preset"`
	Structs     map[string]string `json:"structs,omitempty"`
}

// manifestAnchor is the anchor as the manifest writes it for Foundry,
// with the time its root leaves the EIP-4788 window: keys sorted, numbers
// as JSON numbers, {"expiry", "root", "slot", "timestamp"}.
type manifestAnchor struct {
	staking.Anchor
	Expiry uint64
}

type manifestAnchorJSON struct {
	Expiry    uint64       `json:"expiry"`
	Root      proof.Hash32 `json:"root"`
	Slot      uint64       `json:"slot"`
	Timestamp uint64       `json:"timestamp"`
}

// MarshalJSON writes the Foundry form.
func (a manifestAnchor) MarshalJSON() ([]byte, error) {
	return json.Marshal(manifestAnchorJSON{Expiry: a.Expiry, Root: a.Root, Slot: a.Slot, Timestamp: a.Timestamp})
}

// UnmarshalJSON reads what MarshalJSON writes; the anchor is a block's.
func (a *manifestAnchor) UnmarshalJSON(b []byte) error {
	var j manifestAnchorJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*a = manifestAnchor{Anchor: staking.Anchor{Kind: staking.AnchorBlock, Root: j.Root, Slot: j.Slot, Timestamp: j.Timestamp}, Expiry: j.Expiry}
	return nil
}

// fixtureRun is one run of fixtures, its flags parsed.
type fixtureRun struct {
	f            kindFlags
	format       format.Name // rocketpool or lido
	out          string
	allowExpired bool
	deposits     uintList
	ts           uint64 // --timestamp
	fromNode     bool
}

func cmdFixtures(ctx context.Context, e *env, args []string) int {
	r, code, ok := parseFixtures(e, args)
	if !ok {
		return code
	}
	if err := r.f.resolveNetwork(); err != nil {
		return e.fail(err)
	}
	s := &proveSession{validators: map[uint64]beaconstate.Validator{}, whole: true, lido: r.format == format.Lido, progress: progressTo(e.stderr)}
	release, err := s.openState(ctx, e, &r.f, r.fromNode, r.f.state, staking.AnchorBlock)
	if err != nil {
		return e.fail(err)
	}
	defer release()
	net, err := orMainnet(r.f.net)
	if err != nil {
		return e.fail(err)
	}
	r.f.net, r.f.network = net, net.Name
	s.in.Network = net.Name
	expiry, err := s.fixtureTimestamp(ctx, r, net)
	if err != nil {
		return e.fail(err)
	}
	files, err := s.fixtureFiles(ctx, e, r, expiry)
	if err != nil {
		return e.fail(err)
	}
	if err := os.MkdirAll(r.out, 0o755); err != nil {
		return e.fail(err)
	}
	for _, w := range files {
		if err := os.WriteFile(filepath.Join(r.out, w.name), w.data, 0o644); err != nil {
			return e.fail(err)
		}
	}
	a := s.in.Anchor
	fmt.Fprintf(e.stdout, "wrote %d fixtures and manifest.json to %s (anchor slot %d, timestamp %d)\n", len(files)-1, r.out, a.Slot, a.Timestamp)
	warnNotDeployed(e, r.format, "", s.in.Fork)
	return exitOK
}

// parseFixtures parses and checks the arguments of fixtures; ok is false
// when the command must return code at once.
func parseFixtures(e *env, args []string) (r *fixtureRun, code int, ok bool) {
	c := lookupCommand("fixtures")
	fs := c.flagSet()
	r = &fixtureRun{}
	f := &r.f
	fs.StringVar(&f.state, "state", "", "with --beacon-url a state id (default finalized), else the BeaconState file")
	fs.StringVar(&f.fork, "fork", "", "the state's fork (detected when omitted)")
	fs.StringVar(&f.preset, "preset", beaconstate.DefaultPreset, "preset")
	fs.StringVar(&f.network, "network", "", "network, "+networkFlagHelp()+" (default: the node's, or the one of the state's genesis time, else mainnet)")
	fs.Int64Var(&f.maxSize, "max-size", beaconstate.DefaultMaxSize, "largest input accepted, in bytes")
	fs.StringVar(&f.timestamp, "timestamp", "", "from files: the anchor's EIP-4788 timestamp (default: the time of the slot after the anchor's)")
	fs.Var(&f.indices, "index", "validator to prove (validator, exit and balance proofs); repeat for more")
	fs.StringVar(&f.block, "block", "", "from files: the withdrawal's BeaconBlock or SignedBeaconBlock file")
	fs.StringVar(&f.blockFork, "block-fork", "", "the block's fork (detected when omitted)")
	fs.Var(&f.withdrawalNums, "withdrawal-num", "from files: position of the withdrawal in the block's payload")
	fs.StringVar(&f.eraBlockRoots, "era-block-roots", "", "from files: the era's block_roots for a historical withdrawal")
	fs.StringVar(&f.eraFiles, "era", "", "from files: era files (a .era file or a folder) holding a historical withdrawal's era")
	fs.Var(&r.deposits, "pending-deposit", "pending_deposits index to prove; repeat for more")
	fs.StringVar(&r.out, "out", "", "directory to write the fixtures into (created if needed)")
	fs.BoolVar(&r.allowExpired, "allow-expired", false, "write fixtures whose anchor has left the EIP-4788 window")
	fs.Func("format", "the protocol of the fixtures: rocketpool (default) or lido (CSVerifier's withdrawals)", func(s string) error {
		r.format = format.Name(s)
		return nil
	})
	fs.StringVar(&f.lido.blockState, "block-state", "", "with --format lido: the post-state of BLOCK when BLOCK is older than the state's block")
	fs.Var(uintFlag{&f.lido.operator, &f.lido.hasOperator}, "node-operator-id", "with --format lido: the validator's Lido CSM node operator, for the calls")
	fs.Var(uintFlag{&f.lido.key, &f.lido.hasKey}, "key-index", "with --format lido: the validator's key index in the operator's keys, for the calls")
	f.node.register(fs)
	f.node.registerWithdrawal(fs)
	pos, done, code := c.parse(e, fs, args)
	if done {
		return nil, code, false
	}
	if len(pos) > 0 {
		return nil, c.usageError(e, "unexpected arguments %q", pos), false
	}
	if msg := r.check(); msg != "" {
		return nil, c.usageError(e, "%s", msg), false
	}
	ts, _, err := parseTimestamp(f.timestamp)
	if err != nil || f.timestamp == "next" {
		return nil, c.usageError(e, "--timestamp: want a Unix time"), false
	}
	r.ts = ts
	f.anchor = string(staking.AnchorBlock)
	r.fromNode = f.node.url != "" && !isFile(f.state)
	return r, 0, true
}

// check checks the parsed flags; a message is a usage error.
func (r *fixtureRun) check() string {
	f := &r.f
	switch {
	case r.out == "":
		return "--out is required"
	case f.node.url == "" && f.state == "":
		return "want --beacon-url or a --state FILE"
	case f.block != "" && len(f.withdrawalNums) == 0:
		return "--block needs --withdrawal-num"
	}
	switch r.format {
	case "", format.RocketPool:
		r.format = format.RocketPool
		if f.lido.blockState != "" || f.lido.hasOperator || f.lido.hasKey {
			return "--block-state, --node-operator-id and --key-index go with --format lido"
		}
		if len(f.indices) == 0 {
			return "at least one --index is required"
		}
	case format.Lido:
		if len(f.indices) > 0 || len(r.deposits) > 0 {
			return "--format lido writes withdrawal fixtures only (CSVerifier takes no other proof): drop --index and --pending-deposit"
		}
		if f.block == "" {
			return "--format lido needs --block and --withdrawal-num"
		}
	default:
		return fmt.Sprintf("--format %q: want rocketpool or lido", r.format)
	}
	return ""
}

// fixtureTimestamp sets the anchor's timestamp (the node's, or --timestamp,
// or the next slot's), checks that the anchor is in the EIP-4788 window
// (at the node's head, or now), and returns when it leaves it.
func (s *proveSession) fixtureTimestamp(ctx context.Context, r *fixtureRun, net *fork.Network) (expiry uint64, err error) {
	a := &s.in.Anchor
	ts := r.ts
	var now uint64
	if r.fromNode {
		if ts, err = s.nodeTimestamp(ctx, *a); err != nil {
			return 0, err
		}
		if ts == 0 {
			return 0, fmt.Errorf("the anchor block at slot %d has no child block yet, so its root is not stored in the beacon roots contract; use an older --state", a.Slot)
		}
		head, err := s.node.HeadSlot(ctx)
		if err != nil {
			return 0, err
		}
		now = net.SlotTime(head)
	} else {
		if ts == 0 {
			if ts, err = nextTimestamp(net, a.Slot); err != nil {
				return 0, err
			}
		} else if err := s.checkTimestamp(ctx, net, a.Slot, ts); err != nil {
			return 0, err
		}
		now = uint64(nowFunc().Unix())
	}
	a.Timestamp = ts
	if err := eip4788.CheckWindow(net, ts, now); err != nil && !r.allowExpired {
		return 0, fmt.Errorf("the anchor (slot %d, timestamp %d) cannot be read from the beacon roots contract (--allow-expired writes it anyway): %w", a.Slot, ts, err)
	}
	return eip4788.Expiry(net, ts)
}

// fixtureJob is one fixture file: the proof kind and its flags.
type fixtureJob struct {
	kind, file string
	flags      kindFlags
}

// fixtureJobs lists the fixture files of a run: the slot, each index's
// validator, exit and balance, the withdrawals, the pending deposits.
func fixtureJobs(r *fixtureRun) []fixtureJob {
	var jobs []fixtureJob
	add := func(kind, file string, mod func(k *kindFlags)) {
		k := r.f
		k.indices, k.withdrawalNums = nil, nil
		mod(&k)
		jobs = append(jobs, fixtureJob{kind, file, k})
	}
	if r.format == format.Lido {
		for _, n := range r.f.withdrawalNums {
			add("withdrawal", fmt.Sprintf("withdrawal-%d.json", n), func(k *kindFlags) { k.withdrawalNums = uintList{n} })
		}
		return jobs
	}
	add("slot", "slot.json", func(*kindFlags) {})
	for _, i := range r.f.indices {
		add("validator", fmt.Sprintf("validator-%d.json", i), func(k *kindFlags) { k.indices = uintList{i} })
		add("exit", fmt.Sprintf("exit-%d.json", i), func(k *kindFlags) { k.indices = uintList{i} })
		add("balance", fmt.Sprintf("balance-%d.json", i), func(k *kindFlags) { k.indices = uintList{i} })
	}
	switch {
	case r.f.block != "":
		for _, n := range r.f.withdrawalNums {
			add("withdrawal", fmt.Sprintf("withdrawal-%d.json", n), func(k *kindFlags) { k.withdrawalNums = uintList{n} })
		}
	case r.fromNode && r.f.node.hasValidator:
		add("withdrawal", fmt.Sprintf("withdrawal-%d.json", r.f.node.validator), func(k *kindFlags) { k.withdrawalNums = r.f.withdrawalNums })
	}
	for _, n := range r.deposits {
		add("pending-deposit", fmt.Sprintf("pending-deposit-%d.json", n), func(k *kindFlags) { k.indices = uintList{n} })
	}
	return jobs
}

// writtenFile is a file fixtures writes.
type writtenFile struct {
	name string
	data []byte
}

// fixtureFiles proves the run's fixtures and returns their files, the
// manifest last.
func (s *proveSession) fixtureFiles(ctx context.Context, e *env, r *fixtureRun, expiry uint64) ([]writtenFile, error) {
	var files []writtenFile
	m := fixtureManifest{
		Anchor:      manifestAnchor{Anchor: s.in.Anchor, Expiry: expiry},
		BeaconRoots: eip4788.BeaconRootsAddress.Hex(),
		Fork:        s.obj.Fork, Network: r.f.network, Preset: s.obj.Preset,
	}
	if r.format == format.RocketPool {
		m.Structs = fixtureStructs
	}
	for _, j := range fixtureJobs(r) {
		written, entries, err := s.fixtureFile(ctx, e, j)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", j.file, err)
		}
		files = append(files, written...)
		m.Files = append(m.Files, entries...)
	}
	mdata, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(files, writtenFile{"manifest.json", append(mdata, '\n')}), nil
}

// fixtureFile proves one fixture and returns its files and manifest
// entries: a rocketpool (or json) document, or a lido document and its
// calldata.
func (s *proveSession) fixtureFile(ctx context.Context, e *env, j fixtureJob) ([]writtenFile, []fixtureFile, error) {
	k := kindByName(j.kind)
	if k == nil {
		return nil, nil, fmt.Errorf("no proof kind %q", j.kind)
	}
	claims, err := k.claims(ctx, e, &j.flags, s)
	if err != nil {
		return nil, nil, err
	}
	in := s.in
	s.in.BlockFork, s.in.LidoOperator = "", nil
	in.Claims, in.Validators = claims, s.validators
	if s.lido {
		return lidoFixture(in, j)
	}
	name := format.RocketPool
	if !slices.Contains(k.protocols, format.RocketPool) {
		name = format.JSON
	}
	doc, err := format.Emit(in, name, format.RocketPool)
	if err != nil {
		return nil, nil, err
	}
	data, keys, err := foundryJSON(doc)
	if err != nil {
		return nil, nil, err
	}
	return []writtenFile{{j.file, data}}, []fixtureFile{{File: j.file, Kind: j.kind, Format: string(name), Keys: keys}}, nil
}

// lidoFixture returns the lido document of a withdrawal and its calldata
// document (FILE.calldata.json), as prove writes them.
func lidoFixture(in format.Input, j fixtureJob) ([]writtenFile, []fixtureFile, error) {
	doc, err := format.Emit(in, format.Lido, "")
	if err != nil {
		return nil, nil, err
	}
	cd, err := format.CalldataOf(doc)
	if err != nil {
		return nil, nil, err
	}
	cdFile := strings.TrimSuffix(j.file, ".json") + ".calldata.json"
	var files []writtenFile
	var entries []fixtureFile
	for _, f := range []struct {
		name string
		doc  format.Document
	}{{j.file, doc}, {cdFile, cd}} {
		data, err := format.Marshal(f.doc)
		if err != nil {
			return nil, nil, err
		}
		files = append(files, writtenFile{f.name, data})
		entries = append(entries, fixtureFile{File: f.name, Kind: j.kind, Format: string(f.doc.Format())})
	}
	return files, entries, nil
}

// kindByName returns the proof kind of that name, or nil.
func kindByName(name string) *kind {
	for _, k := range kinds {
		if k.name == name {
			return k
		}
	}
	return nil
}

// foundryStructOf names the struct of each array of a rocketpool
// document.
var foundryStructOf = map[string]string{
	"slotProof":        "SlotProof",
	"validatorProofs":  "ValidatorProof",
	"withdrawalProofs": "WithdrawalProof",
	"balanceProofs":    "BalanceProof",
}

// foundryJSON writes a document for vm.parseJson: a rocketpool document
// with sorted keys, numbers for decimal strings and no gindex; a json
// document as it is. keys maps the JSON paths of the structs to their
// names.
func foundryJSON(doc format.Document) ([]byte, map[string]string, error) {
	raw, err := format.Marshal(doc)
	if err != nil {
		return nil, nil, err
	}
	if doc.Format() != format.RocketPool {
		return raw, nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v map[string]any
	if err := dec.Decode(&v); err != nil {
		return nil, nil, err
	}
	keys := map[string]string{}
	for k, name := range foundryStructOf {
		switch x := v[k].(type) {
		case map[string]any:
			keys["."+k] = name
		case []any:
			for i := range x {
				keys[fmt.Sprintf(".%s[%d]", k, i)] = name
			}
		}
	}
	out, err := json.MarshalIndent(foundryValue(v), "", "  ")
	if err != nil {
		return nil, nil, err
	}
	return append(out, '\n'), keys, nil
}

// foundryValue drops gindex keys and turns decimal strings into numbers;
// encoding/json writes map keys sorted.
func foundryValue(v any) any {
	switch x := v.(type) {
	case map[string]any:
		delete(x, "gindex")
		for k, e := range x {
			x[k] = foundryValue(e)
		}
		return x
	case []any:
		for i, e := range x {
			x[i] = foundryValue(e)
		}
		return x
	case string:
		if x != "" && strings.Trim(x, "0123456789") == "" && (x == "0" || x[0] != '0') {
			return json.Number(x)
		}
	}
	return v
}
