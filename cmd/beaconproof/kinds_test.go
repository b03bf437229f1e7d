package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/testdata"
)

// fixtureSlot is the slot of the embedded fulu state and block.
const fixtureSlot = synth.FixtureSlot

// fixtures are the embedded fulu state and block, and two made-up later
// states whose history holds the block (synth.History), written to files;
// slashed is the later state with validator slashedIndex slashed.
type fixtures struct {
	dir, state, block, later, historical, eraRoots, slashed string
}

// slashedIndex is the validator slashed in fixtures.slashed.
const slashedIndex = 9

func writeFixtures(t *testing.T) fixtures {
	t.Helper()
	dir := t.TempDir()
	h, err := synth.WriteHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	return fixtures{dir: dir, state: h.State, block: h.Block, later: h.Later, historical: h.Historical, eraRoots: h.EraRoots,
		slashed: writeSlashed(t, h.Later, filepath.Join(dir, "slashed.ssz"))}
}

// writeSlashed writes to out the fulu state file with validator
// slashedIndex's slashed flag set, and returns out.
func writeSlashed(t *testing.T, file, out string) string {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s, err := fork.SchemasOf(fork.Fulu, "mainnet")
	if err != nil {
		t.Fatal(err)
	}
	lo, hi, err := synth.FieldSpan(s.BeaconState, b, "validators")
	if err != nil {
		t.Fatal(err)
	}
	const size, slashedAt = 121, 88 // a Validator's encoding, and its slashed byte
	if at := lo + slashedIndex*size + slashedAt; at < hi {
		b[at] = 1
	} else {
		t.Fatalf("no validator %d", slashedIndex)
	}
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// proveAndVerify runs prove and verifies its output with verify, from a
// file; it returns the output.
func proveAndVerify(t *testing.T, args ...string) string {
	t.Helper()
	r := runCLI(t, nil, append([]string{"prove"}, args...)...).ok(t)
	file := filepath.Join(t.TempDir(), "proof.json")
	if err := os.WriteFile(file, []byte(r.stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if v := runCLI(t, nil, "verify", file).ok(t); v.stdout != "ok\n" {
		t.Fatalf("verify: %q", v.stdout)
	}
	return r.stdout
}

type doc struct {
	Format string `json:"format"`
	Type   string `json:"type"`
	Anchor struct {
		Kind      string  `json:"kind"`
		Root      string  `json:"root"`
		Slot      string  `json:"slot"`
		Timestamp *string `json:"timestamp"`
	} `json:"anchor"`
	Proofs []struct {
		Kind  string          `json:"kind"`
		Path  string          `json:"path"`
		Value json.RawMessage `json:"value"`
	} `json:"proofs"`
	SlotProof        json.RawMessage   `json:"slotProof"`
	ValidatorProofs  []json.RawMessage `json:"validatorProofs"`
	WithdrawalProofs []struct {
		WithdrawalSlot string `json:"withdrawalSlot"`
		Withdrawal     struct {
			ValidatorIndex        string `json:"validatorIndex"`
			WithdrawalCredentials string `json:"withdrawalCredentials"`
		} `json:"withdrawal"`
	} `json:"withdrawalProofs"`
	StateRootProof json.RawMessage `json:"stateRootProof"`
	BalanceProofs  []struct {
		PubkeyHash string `json:"pubkeyHash"`
	} `json:"balanceProofs"`
	Values []struct {
		Name string `json:"name"`
	} `json:"values"`
	Calls []struct {
		Function string `json:"function"`
	} `json:"calls"`
}

func parseDoc(t *testing.T, s string) doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		t.Fatal(err)
	}
	return d
}

func kindList(d doc) string {
	var k []string
	for _, p := range d.Proofs {
		k = append(k, p.Kind)
	}
	return strings.Join(k, ",")
}

// TestKindsJSON proves every kind as json and verifies it.
func TestKindsJSON(t *testing.T) {
	f := writeFixtures(t)
	for _, c := range []struct {
		args  []string
		kinds string
	}{
		{[]string{"validator", "--index", "2", "--index", "7", f.state}, "slot,validator,validator"},
		{[]string{"validator", "--index", "2,7", "--anchor", "state", f.state}, "slot,validator,validator"},
		{[]string{"validator-field", "--index", "7", "--field", "withdrawal_credentials", "--field", "pubkey", f.state}, "slot,validator_field,validator_field"},
		{[]string{"exit", "--index", "7", f.state}, "slot,validator_field,validator_field"},
		{[]string{"balance", "--index", "7", "--state", f.state}, "slot,balance"},
		{[]string{"slot", f.state}, "slot"},
		{[]string{"pending-deposit", "--index", "1", f.state}, "pending_deposit"},
		{[]string{"field", "--path", "finalized_checkpoint.root", "--path", "balances[5]", f.state}, "state_field,state_field"},
		{[]string{"block-field", "--block", f.block, "--field", "timestamp", "--field", "block_hash"}, "block_field,block_field"},
		{[]string{"block-field", "--field", "timestamp", f.state}, "block_field"},
		{[]string{"withdrawal", "--block", f.block, "--withdrawal-num", "0", "--withdrawal-num", "1", f.later}, "slot,withdrawal,withdrawal"},
		{[]string{"withdrawal", "--block", f.block, "--withdrawal-num", "0", "--era-block-roots", f.eraRoots, f.historical}, "slot,historical_withdrawal"},
		{[]string{"--format", "json", "exit", "--index", "15", f.state}, "slot,validator_field,validator_field"},
	} {
		t.Run(strings.Join(c.args[:2], " "), func(t *testing.T) {
			d := parseDoc(t, proveAndVerify(t, c.args...))
			if got := kindList(d); got != c.kinds {
				t.Errorf("kinds %s, want %s", got, c.kinds)
			}
			if d.Format != "json" || d.Anchor.Root == "" || d.Anchor.Timestamp != nil {
				t.Errorf("format %q anchor %+v", d.Format, d.Anchor)
			}
		})
	}
}

// TestKindsProtocols proves the kinds the protocols take in their formats.
func TestKindsProtocols(t *testing.T) {
	f := writeFixtures(t)
	t.Run("rocketpool", func(t *testing.T) {
		d := parseDoc(t, proveAndVerify(t, "validator", "--index", "7,12", "--format", "rocketpool", f.state))
		if d.Format != "rocketpool" || d.SlotProof == nil || len(d.ValidatorProofs) != 2 {
			t.Errorf("%+v", d)
		}
		// exit and validator-field: whole validators.
		d = parseDoc(t, proveAndVerify(t, "exit", "--index", "7", "--format", "rocketpool", f.state))
		if len(d.ValidatorProofs) != 1 || !strings.Contains(string(d.ValidatorProofs[0]), `"exitEpoch": "205703"`) {
			t.Errorf("exit: %s", d.ValidatorProofs)
		}
		d = parseDoc(t, proveAndVerify(t, "withdrawal", "--block", f.block, "--withdrawal-num", "0", "--format", "rocketpool", f.later))
		if len(d.WithdrawalProofs) != 1 || d.WithdrawalProofs[0].Withdrawal.ValidatorIndex != "7" ||
			d.WithdrawalProofs[0].Withdrawal.WithdrawalCredentials != "0x4d656761706f6f6c000000000000000000000788" {
			t.Errorf("withdrawal: %+v", d.WithdrawalProofs)
		}
		d = parseDoc(t, proveAndVerify(t, "withdrawal", "--block", f.block, "--withdrawal-num", "1", "--era-block-roots", f.eraRoots, "--format", "rocketpool", f.historical))
		if len(d.WithdrawalProofs) != 1 || d.WithdrawalProofs[0].Withdrawal.ValidatorIndex != "13" {
			t.Errorf("historical withdrawal: %+v", d.WithdrawalProofs)
		}
		proveAndVerify(t, "balance", "--index", "7", "--format", "rocketpool", f.state)
		proveAndVerify(t, "slot", "--format", "rocketpool", f.state)
	})
	t.Run("eigenlayer", func(t *testing.T) {
		d := parseDoc(t, proveAndVerify(t, "validator", "--index", "2,7", "--format", "eigenlayer", f.state))
		if d.Format != "eigenlayer" || d.StateRootProof == nil || len(d.ValidatorProofs) != 2 {
			t.Errorf("%+v", d)
		}
		d = parseDoc(t, proveAndVerify(t, "balance", "--index", "2,7", "--format", "eigenlayer", f.state))
		if len(d.BalanceProofs) != 2 || d.BalanceProofs[0].PubkeyHash == d.BalanceProofs[1].PubkeyHash {
			t.Errorf("balances: %+v", d.BalanceProofs)
		}
		proveAndVerify(t, "validator-field", "--index", "7", "--field", "slashed", "--format", "eigenlayer", f.state)
	})
	t.Run("calldata", func(t *testing.T) {
		d := parseDoc(t, proveAndVerify(t, "validator", "--index", "7", "--format", "calldata", "--timestamp", "next", f.state))
		if d.Format != "calldata" || len(d.Calls) != 2 || !strings.HasPrefix(d.Calls[1].Function, "verifyValidator(uint64,uint64,(uint40,") {
			t.Errorf("%+v", d)
		}
		if want := "1764804035"; d.Anchor.Timestamp == nil || *d.Anchor.Timestamp != want { // genesis + (slot+1)·12
			t.Errorf("timestamp %v, want %s", d.Anchor.Timestamp, want)
		}
		d = parseDoc(t, proveAndVerify(t, "--format", "calldata", "--protocol", "eigenlayer", "validator", "--index", "7", "--timestamp", "1764804035", f.state))
		if len(d.Calls) != 1 || !strings.HasPrefix(d.Calls[0].Function, "verifyWithdrawalCredentials(") {
			t.Errorf("%+v", d.Calls)
		}
		d = parseDoc(t, proveAndVerify(t, "withdrawal", "--block", f.block, "--withdrawal-num", "0", "--format", "calldata", f.later))
		if len(d.Calls) != 0 || len(d.Values) != 2 {
			t.Errorf("no timestamp: %+v", d)
		}
		// A slashed validator: EigenPod.verifyStaleBalance after
		// verifyWithdrawalCredentials; none for one not slashed.
		d = parseDoc(t, proveAndVerify(t, "--format", "calldata", "--protocol", "eigenlayer", "validator", "--index", "7",
			"--index", strconv.Itoa(slashedIndex), "--timestamp", "next", f.slashed))
		if len(d.Calls) != 2 || !strings.HasPrefix(d.Calls[0].Function, "verifyWithdrawalCredentials(") ||
			d.Calls[1].Function != "verifyStaleBalance(uint64,(bytes32,bytes),(bytes32[],bytes))" {
			t.Errorf("slashed validator: %+v", d.Calls)
		}
	})
}

// TestKindsTamper checks that verify refuses every format's output once a
// value is changed, with exit 1 and one line.
func TestKindsTamper(t *testing.T) {
	f := writeFixtures(t)
	for _, c := range []struct {
		args     []string
		old, new string
		want     string
	}{
		{[]string{"exit", "--index", "7", f.state}, `"exit_epoch": "205703"`, `"exit_epoch": "205704"`, `proofs[1] (path "validators[7].exit_epoch")`},
		{[]string{"validator", "--index", "7", "--format", "rocketpool", f.state}, `"withdrawableEpoch": "205959"`, `"withdrawableEpoch": "205958"`, "validatorProofs[0] (validator 7)"},
		{[]string{"validator", "--index", "7", "--format", "rocketpool", f.state}, `"slot": "13165000"`, `"slot": "13165001"`, "slotProof"},
		{[]string{"withdrawal", "--block", f.block, "--withdrawal-num", "0", "--format", "rocketpool", f.later}, `"amountInGwei": "32001234567"`, `"amountInGwei": "32001234568"`, "withdrawalProofs[0]"},
		{[]string{"withdrawal", "--block", f.block, "--withdrawal-num", "0", "--format", "rocketpool", f.later}, `"withdrawalSlot": "13165000"`, `"withdrawalSlot": "13164999"`, "withdrawalProofs[0]"},
		{[]string{"balance", "--index", "7", "--format", "eigenlayer", f.state}, `"validatorIndex": "7"`, `"validatorIndex": "6"`, "balanceProofs[0] (validator 6)"},
		{[]string{"validator", "--index", "7", "--format", "calldata", "--timestamp", "next", f.state}, `"timestamp": "1764804035"`, `"timestamp": "1764804047"`, "calls[0]"},
		{[]string{"validator", "--index", strconv.Itoa(slashedIndex), "--format", "calldata", "--protocol", "eigenlayer", "--timestamp", "next", f.slashed},
			`"function": "verifyStaleBalance(uint64,(bytes32,bytes),(bytes32[],bytes))"`, `"function": "verifyStaleBalance(uint64,(bytes32,bytes),(bytes32[],bytes),uint40)"`, "calls[1]"},
	} {
		out := runCLI(t, nil, append([]string{"prove"}, c.args...)...).ok(t).stdout
		bad := strings.Replace(out, c.old, c.new, 1)
		if bad == out {
			t.Fatalf("%v: %s not in the output", c.args, c.old)
		}
		file := filepath.Join(t.TempDir(), "bad.json")
		if err := os.WriteFile(file, []byte(bad), 0o644); err != nil {
			t.Fatal(err)
		}
		runCLI(t, nil, "verify", file).failsWithOneLine(t, c.want)
	}
}

func TestKindsBadInput(t *testing.T) {
	f := writeFixtures(t)
	// The block's own slot is not in the state's history.
	runCLI(t, nil, "prove", "withdrawal", "--block", f.block, "--withdrawal-num", "0", f.state).
		failsWithOneLine(t, "withdrawal slot 13165000 is not before the state's slot 13165000")
	runCLI(t, nil, "prove", "withdrawal", "--block", f.block, "--withdrawal-num", "0", f.historical).
		failsWithOneLine(t, "era 1607")
	runCLI(t, nil, "prove", "withdrawal", "--block", f.block, "--withdrawal-num", "5", f.later).failsWithOneLine(t, "withdrawals[5]")
	runCLI(t, nil, "prove", "validator", "--index", "64", f.state).failsWithOneLine(t, `path "validators[64]"`)
	runCLI(t, nil, "prove", "validator", "--index", "1", "/nonexistent.ssz").failsWithOneLine(t, "/nonexistent.ssz")
	runCLI(t, nil, "prove", "validator-field", "--index", "1", "--field", "balance", f.state).failsWithOneLine(t, `validator field "balance"`)
	runCLI(t, nil, "prove", "block-field", "--field", "nope", f.state).failsWithOneLine(t, `unknown block field "nope"`)
}

func TestKindsUsage(t *testing.T) {
	f := writeFixtures(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"validator", f.state}, "at least one --index"},
		{[]string{"validator", "--index", "x", f.state}, "not a non-negative integer"},
		{[]string{"validator", "--index", "1"}, "want the state FILE"},
		{[]string{"validator", "--index", "1", "--state", f.state, f.state}, "want one state FILE"},
		{[]string{"validator", "--index", "1", "--format", "xml", f.state}, `unknown format "xml"`},
		{[]string{"validator", "--index", "1", "--format", "rocketpool", "--anchor", "state", f.state}, "--anchor block"},
		{[]string{"validator", "--index", "1", "--anchor", "header", f.state}, `unknown anchor "header"`},
		{[]string{"validator", "--index", "1", "--timestamp", "soon", f.state}, "--timestamp"},
		{[]string{"validator", "--index", "1", "--format", "calldata", "--protocol", "nope", f.state}, `unknown protocol "nope"`},
		{[]string{"validator", "--index", "1", "--format", "calldata", "--protocol", "lido", f.state}, "validator proofs have no lido form"},
		{[]string{"validator", "--index", "1", "--format", "lido", f.state}, "validator proofs have no lido form"},
		{[]string{"slot", "--format", "eigenlayer", f.state}, "slot proofs have no eigenlayer form"},
		{[]string{"withdrawal", "--block", f.block, "--withdrawal-num", "0", "--format", "calldata", "--protocol", "eigenlayer", f.later}, "no eigenlayer form"},
		{[]string{"pending-deposit", "--index", "0", "--format", "rocketpool", f.state}, "no rocketpool form"},
		{[]string{"withdrawal", "--withdrawal-num", "0", f.later}, "--block is required"},
		{[]string{"withdrawal", "--block", f.block, f.later}, "--withdrawal-num"},
		{[]string{"block-field", "--block", f.block}, "--field"},
		{[]string{"block-field", "--block", f.block, "--field", "slot", f.state}, "no state FILE"},
		{[]string{"block-field", "--block", f.block, "--field", "slot", "--anchor", "state"}, "--anchor block"},
		{[]string{"field", f.state}, "--path"},
	} {
		runCLI(t, nil, append([]string{"prove"}, c.args...)...).isUsage(t, c.want)
	}
	for _, k := range kinds {
		for _, args := range [][]string{{"prove", k.name, "--help"}, {"prove", "-h", k.name}} {
			r := runCLI(t, nil, args...).ok(t)
			if !strings.Contains(r.stdout, "Usage: beaconproof prove "+k.name) || !strings.Contains(r.stdout, "Example:") {
				t.Errorf("%v: %q", args, r.stdout)
			}
		}
	}
	if r := runCLI(t, nil, "help", "prove").ok(t); !strings.Contains(r.stdout, "validator-field") {
		t.Errorf("prove help lacks the kinds: %q", r.stdout)
	}
}

// TestTimestampChecked refuses a --timestamp that no verifier would find
// the anchor under, before anything is written.
func TestTimestampChecked(t *testing.T) {
	f := writeFixtures(t)
	net, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	for _, ts := range []uint64{5, net.SlotTime(synth.LaterSlot), net.SlotTime(synth.LaterSlot+1) + 3, net.SlotTime(synth.LaterSlot + 1000)} {
		arg := strconv.FormatUint(ts, 10)
		runCLI(t, nil, "prove", "slot", "--timestamp", arg, f.later).failsWithOneLine(t, "--timestamp "+arg)
		out := filepath.Join(t.TempDir(), "out")
		runCLI(t, nil, "fixtures", "--state", f.later, "--index", "7", "--allow-expired", "--timestamp", arg, "--out", out).
			failsWithOneLine(t, "--timestamp "+arg)
		if entries, _ := os.ReadDir(out); len(entries) != 0 {
			t.Fatalf("fixtures wrote %d files with a bad timestamp", len(entries))
		}
	}
	ok := strconv.FormatUint(net.SlotTime(synth.LaterSlot+2), 10) // the child after one missed slot
	proveAndVerify(t, "slot", "--timestamp", ok, f.later)
}

// TestWarnNotDeployed: a Rocket Pool document of a gloas state is written,
// and verifies, but the CLI warns that Rocket Pool's deployed verifier
// cannot check it; a fulu one passes without a word.
func TestWarnNotDeployed(t *testing.T) {
	ch, err := synth.NewChain(synth.ChainOptions{Fork: fork.Gloas, Options: synth.Options{Validators: 16, Slot: 13_200_000, Seed: 3}, SummariesOffset: 758})
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "gloas.ssz")
	if err := os.WriteFile(file, ch.State, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, format := range []string{"rocketpool", "calldata"} {
		r := runCLI(t, nil, "prove", "validator", "--fork", "gloas", "--index", "3", "--format", format, file)
		if r.code != 0 || r.stdout == "" || strings.Count(r.stderr, "warning:") != 1 ||
			!strings.Contains(r.stderr, "beaconproof: warning: rocketpool document of gloas: the deployed verifier cannot check it") {
			t.Fatalf("%s: exit %d, stderr %q", format, r.code, r.stderr)
		}
	}
	f := writeFixtures(t)
	proveAndVerify(t, "validator", "--index", "3", "--format", "rocketpool", f.later)
}

// writeEraFile writes the era file that holds the fixture block's era
// (its block and the state at the next era's first slot) into a folder of
// its own, and returns the file and the folder.
func writeEraFile(t *testing.T, f fixtures) (file, dir string) {
	t.Helper()
	n := uint64(fixtureSlot / 8192)
	eraState, err := synth.Advance(fuluSchemas(t), testdata.FuluState(), (n+1)*8192, func(roots []byte) { copy(roots, mustRead(t, f.eraRoots)) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := era.NewWriter(&buf, "mainnet")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddBlock(signedBlock(mustRead(t, f.block))); err != nil {
		t.Fatal(err)
	}
	if err := w.AddState(eraState); err != nil {
		t.Fatal(err)
	}
	dir = filepath.Join(f.dir, "era")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	file = filepath.Join(dir, fmt.Sprintf("mainnet-%05d-00000000.era", n+1))
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file, dir
}

// TestProveHistoricalFromEraFile proves a historical withdrawal with the
// era's block_roots read from an era file (and from a folder of them), as
// with --era-block-roots, byte for byte.
func TestProveHistoricalFromEraFile(t *testing.T) {
	f := writeFixtures(t)
	file, dir := writeEraFile(t, f)
	ts := strconv.FormatUint(mainnet(t).SlotTime(synth.HistoricalSlot+1), 10)
	args := []string{"withdrawal", "--block", f.block, "--withdrawal-num", "1", "--timestamp", ts, "--format", "rocketpool"}
	want := proveAndVerify(t, append(args, "--era-block-roots", f.eraRoots, f.historical)...)
	for _, src := range []string{file, dir} {
		if got := proveAndVerify(t, append(args, "--era", src, f.historical)...); got != want {
			t.Fatalf("--era %s: the document differs from --era-block-roots'", src)
		}
	}
	// An era file of another era does not hold the block's roots.
	runCLI(t, nil, append([]string{"prove"}, append(args, "--era", filepath.Join(f.dir, "missing.era"), f.historical)...)...).
		failsWithOneLine(t, "--era")
}

// TestProveHistoricalFromHeaders proves a historical withdrawal from a
// node that keeps blocks but no old states: the era's block_roots are
// rebuilt from its block headers and checked against the anchor state's
// historical summary; no state at the era's end is asked for.
func TestProveHistoricalFromHeaders(t *testing.T) {
	f := writeFixtures(t)
	blk := blockHeader(t, mustRead(t, f.block))
	start := uint64(fixtureSlot/8192) * 8192
	roots := make([]byte, 32*8192)
	var headers []header
	prev := blk.parent // the slots before the block are missed: they repeat its parent
	for slot := start; slot < start+8192; slot++ {
		if slot > fixtureSlot {
			headers = append(headers, header{slot: slot, proposer: 3, parent: prev,
				stateRoot: synth.Hash(5, "state", slot), bodyRoot: synth.Hash(5, "body", slot)})
		} else if slot == fixtureSlot {
			headers = append(headers, blk)
		}
		if slot >= fixtureSlot {
			prev = headers[len(headers)-1].root(t)
		}
		copy(roots[32*(slot-start):], prev[:])
	}
	summary, err := ssz.HashTreeRoot(ssz.Vector(ssz.Bytes32, 8192), roots)
	if err != nil {
		t.Fatal(err)
	}
	hist, err := synth.Advance(fuluSchemas(t), testdata.FuluState(), synth.HistoricalSlot, nil, append(summary[:], make([]byte, 32)...))
	if err != nil {
		t.Fatal(err)
	}
	n := newChainNode(t, f, hist, 0)
	for _, h := range headers {
		n.addHeader(h, false)
	}
	d := parseDoc(t, proveAndVerify(t, "withdrawal", "--beacon-url", n.srv.URL, "--validator", "13",
		"--withdrawal-slot", strconv.FormatUint(fixtureSlot, 10)))
	if got := kindList(d); got != "slot,historical_withdrawal" {
		t.Fatalf("kinds %s", got)
	}
}
