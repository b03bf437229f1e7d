package eip4788

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/testdata"
)

// This file runs the fixture set that `beaconproof fixtures` writes from
// local files through `beaconproof verify` and through the verifier in the
// EVM, as a Foundry test would: each Rocket Pool-shaped file is decoded,
// ABI-encoded into the verifier's struct, and checked against the
// manifest's anchor root stored under the manifest's timestamp by the
// EIP-4788 system call.
//
// Kinds and the entry points they run through:
//
//	slot.json          verifySlotProof
//	validator-i.json   verifyValidatorProof
//	exit-i.json        verifyValidatorProof (a whole validator, exit epoch included)
//	balance-i.json     verifyBalance, with an empty state proof (the witnesses lead to the block root)
//	withdrawal-n.json  verifyWithdrawalProof
//
// pending-deposit-n.json is a json document (Rocket Pool has no struct for
// it and the verifier no entry point): `beaconproof verify` only.
//
// The files carry no gindex (the Rocket Pool structs have none); the test
// derives it from the fork's schemas and the indices the file proves, as
// a production verifier would.

// cliFixtureSlot is the slot of testdata's fulu state and block.
const cliFixtureSlot = 13_165_000

// cliFixtureInputs writes testdata's fulu block and a state 32 slots later
// whose block_roots hold the block's root, so that the block's withdrawals
// are recent withdrawals of that state.
func cliFixtureInputs(t *testing.T, dir string) (statePath, blockPath string) {
	t.Helper()
	fu, err := fork.Lookup(fork.Fulu)
	if err != nil {
		t.Fatal(err)
	}
	s, err := fu.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	state, block := testdata.FuluState(), testdata.FuluBlock()
	blockRoot, err := ssz.HashTreeRoot(s.BeaconBlock, block)
	if err != nil {
		t.Fatal(err)
	}
	slot := uint64(cliFixtureSlot + 32)
	st := s.BeaconState
	later, err := synth.ReplaceField(st, state, "slot", synth.Uint64(slot))
	if err != nil {
		t.Fatal(err)
	}
	// latest_block_header of a made-up block at slot (state_root zero, as
	// in a post-state).
	header := binary.LittleEndian.AppendUint64(nil, slot)
	header = binary.LittleEndian.AppendUint64(header, 3)
	p, b := synth.Hash(9, "parent", slot), synth.Hash(9, "body", slot)
	header = append(append(append(header, p[:]...), make([]byte, 32)...), b[:]...)
	if later, err = synth.ReplaceField(st, later, "latest_block_header", header); err != nil {
		t.Fatal(err)
	}
	obj, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconState", later)
	if err != nil {
		t.Fatal(err)
	}
	br, _, err := obj.Field("block_roots")
	if err != nil {
		t.Fatal(err)
	}
	br = append([]byte(nil), br...)
	spr := s.Preset.SlotsPerHistoricalRoot
	copy(br[32*(cliFixtureSlot%spr):], blockRoot[:])
	if later, err = synth.ReplaceField(st, later, "block_roots", br); err != nil {
		t.Fatal(err)
	}
	statePath, blockPath = filepath.Join(dir, "later.ssz"), filepath.Join(dir, "block.ssz")
	for name, data := range map[string][]byte{statePath: later, blockPath: block} {
		if err := os.WriteFile(name, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return statePath, blockPath
}

// buildCLI builds cmd/beaconproof into dir.
func buildCLI(t *testing.T, dir string) string {
	t.Helper()
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	bin := filepath.Join(dir, "beaconproof")
	cmd := exec.Command(goBin, "build", "-o", bin, "./cmd/beaconproof")
	cmd.Dir = ".."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// cliManifest is the part of manifest.json the test reads.
type cliManifest struct {
	Anchor struct {
		Root      string `json:"root"`
		Slot      uint64 `json:"slot"`
		Timestamp uint64 `json:"timestamp"`
	} `json:"anchor"`
	Files []struct {
		File   string `json:"file"`
		Format string `json:"format"`
		Kind   string `json:"kind"`
	} `json:"files"`
	Fork    string `json:"fork"`
	Network string `json:"network"`
	Preset  string `json:"preset"`
}

// The Rocket Pool-shaped documents, as vm.parseJson reads them: uint64s
// are JSON numbers, hashes and bytes 0x-hex strings.
type (
	cliValidator struct {
		ActivationEligibilityEpoch uint64 `json:"activationEligibilityEpoch"`
		ActivationEpoch            uint64 `json:"activationEpoch"`
		EffectiveBalance           uint64 `json:"effectiveBalance"`
		ExitEpoch                  uint64 `json:"exitEpoch"`
		Pubkey                     string `json:"pubkey"`
		Slashed                    bool   `json:"slashed"`
		WithdrawableEpoch          uint64 `json:"withdrawableEpoch"`
		WithdrawalCredentials      string `json:"withdrawalCredentials"`
	}
	cliWithdrawal struct {
		AmountInGwei          uint64 `json:"amountInGwei"`
		Index                 uint64 `json:"index"`
		ValidatorIndex        uint64 `json:"validatorIndex"`
		WithdrawalCredentials string `json:"withdrawalCredentials"`
	}
	cliRPDoc struct {
		Format string `json:"format"`
		Anchor struct {
			Root      string `json:"root"`
			Slot      uint64 `json:"slot"`
			Timestamp uint64 `json:"timestamp"`
		} `json:"anchor"`
		SlotProof *struct {
			Slot      uint64   `json:"slot"`
			Witnesses []string `json:"witnesses"`
		} `json:"slotProof"`
		ValidatorProofs []struct {
			Validator      cliValidator `json:"validator"`
			ValidatorIndex uint64       `json:"validatorIndex"`
			Witnesses      []string     `json:"witnesses"`
		} `json:"validatorProofs"`
		WithdrawalProofs []struct {
			Withdrawal     cliWithdrawal `json:"withdrawal"`
			WithdrawalNum  uint64        `json:"withdrawalNum"`
			WithdrawalSlot uint64        `json:"withdrawalSlot"`
			Witnesses      []string      `json:"witnesses"`
		} `json:"withdrawalProofs"`
		BalanceProofs []struct {
			Balance        uint64   `json:"balance"`
			BalanceChunk   string   `json:"balanceChunk"`
			ValidatorIndex uint64   `json:"validatorIndex"`
			Witnesses      []string `json:"witnesses"`
		} `json:"balanceProofs"`
	}
)

func cliHex(t *testing.T, s string, n int) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || (n > 0 && len(b) != n) {
		t.Fatalf("bad hex %q (want %d bytes): %v", s, n, err)
	}
	return b
}

func cliHashes(t *testing.T, ss []string) [][32]byte {
	t.Helper()
	out := make([][32]byte, len(ss))
	for i, s := range ss {
		out[i] = [32]byte(cliHex(t, s, 32))
	}
	return out
}

// encode returns the validator's 121-byte SSZ encoding (decodeValidator's
// input).
func (v cliValidator) encode(t *testing.T) []byte {
	t.Helper()
	b := append(cliHex(t, v.Pubkey, 48), cliHex(t, v.WithdrawalCredentials, 32)...)
	b = binary.LittleEndian.AppendUint64(b, v.EffectiveBalance)
	if v.Slashed {
		b = append(b, 1)
	} else {
		b = append(b, 0)
	}
	for _, e := range []uint64{v.ActivationEligibilityEpoch, v.ActivationEpoch, v.ExitEpoch, v.WithdrawableEpoch} {
		b = binary.LittleEndian.AppendUint64(b, e)
	}
	return b
}

// encode returns the withdrawal's 44-byte SSZ encoding (decodeWithdrawal's
// input).
func (w cliWithdrawal) encode(t *testing.T) []byte {
	t.Helper()
	b := binary.LittleEndian.AppendUint64(nil, w.Index)
	b = binary.LittleEndian.AppendUint64(b, w.ValidatorIndex)
	b = append(b, cliHex(t, w.WithdrawalCredentials, 20)...)
	return binary.LittleEndian.AppendUint64(b, w.AmountInGwei)
}

// cliCalls turns one Rocket Pool-shaped file into verifier calls, with
// gindices derived from the fork and the indices the file proves.
func cliCalls(t *testing.T, m cliManifest, net *fork.Network, data []byte) []call {
	t.Helper()
	var d cliRPDoc
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if d.Format != "rocketpool" || d.Anchor.Root != m.Anchor.Root || d.Anchor.Slot != m.Anchor.Slot || d.Anchor.Timestamp != m.Anchor.Timestamp {
		t.Fatalf("format %q anchor %+v, manifest anchor %+v", d.Format, d.Anchor, m.Anchor)
	}
	gindex := func(path string) []byte {
		g, err := beaconstate.AnchoredGindex(m.Fork, m.Preset, beaconstate.AnchorBlock, path)
		if err != nil {
			t.Fatal(err)
		}
		return g.Big().Bytes()
	}
	ts := m.Anchor.Timestamp
	var calls []call
	if p := d.SlotProof; p != nil {
		calls = append(calls, call{kind: kindRPSlot, timestamp: ts, gindex: gindex("slot"),
			value: binary.LittleEndian.AppendUint64(nil, p.Slot), branch: cliHashes(t, p.Witnesses)})
	}
	for _, p := range d.ValidatorProofs {
		calls = append(calls, call{kind: kindRPValidator, timestamp: ts, gindex: gindex(fmt.Sprintf("validators[%d]", p.ValidatorIndex)),
			value: p.Validator.encode(t), index: p.ValidatorIndex, branch: cliHashes(t, p.Witnesses)})
	}
	for _, p := range d.WithdrawalProofs {
		g, err := beaconstate.WithdrawalGindex(m.Fork, m.Fork, m.Preset, beaconstate.AnchorBlock, m.Anchor.Slot, p.WithdrawalSlot, p.WithdrawalNum, net)
		if err != nil {
			t.Fatal(err)
		}
		calls = append(calls, call{kind: kindRPWithdrawal, timestamp: ts, gindex: g.Big().Bytes(),
			value: p.Withdrawal.encode(t), wslot: p.WithdrawalSlot, wnum: p.WithdrawalNum, branch: cliHashes(t, p.Witnesses)})
	}
	for _, p := range d.BalanceProofs {
		calls = append(calls, call{kind: kindBalance, timestamp: ts, gindex: gindex(fmt.Sprintf("balances[%d]", p.ValidatorIndex)),
			value: binary.LittleEndian.AppendUint64(nil, p.Balance), leaf: [32]byte(cliHex(t, p.BalanceChunk, 32)),
			index: p.ValidatorIndex, branch: cliHashes(t, p.Witnesses)})
	}
	return calls
}

// TestCLIFixturesInEVM builds the CLI, writes a fixture set of every kind
// from local files, verifies each file with `beaconproof verify`, and runs
// each Rocket Pool-shaped one through the verifier in the EVM: the valid
// call succeeds, and with a witness, value or anchor byte changed it
// reverts.
func TestCLIFixturesInEVM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	dir := t.TempDir()
	bin := buildCLI(t, dir)
	statePath, blockPath := cliFixtureInputs(t, dir)
	net := mustNetwork(t, "mainnet")
	ts := net.SlotTime(cliFixtureSlot + 33) // the slot after the anchor's
	out := filepath.Join(dir, "fx")
	cmd := exec.Command(bin, "fixtures", "--state", statePath, "--block", blockPath,
		"--withdrawal-num", "0", "--withdrawal-num", "1", "--index", "7", "--index", "13", "--pending-deposit", "1",
		"--out", out, "--allow-expired", "--timestamp", strconv.FormatUint(ts, 10))
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("fixtures: %v\n%s", err, b)
	}
	mdata, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m cliManifest
	if err := json.Unmarshal(mdata, &m); err != nil {
		t.Fatal(err)
	}
	if m.Anchor.Timestamp != ts || m.Anchor.Slot != cliFixtureSlot+32 || m.Fork != fork.Fulu || m.Network != "mainnet" {
		t.Fatalf("manifest anchor %+v fork %s network %s", m.Anchor, m.Fork, m.Network)
	}
	root, err := proof.ParseHash(m.Anchor.Root)
	if err != nil {
		t.Fatal(err)
	}
	wantFiles := []string{"slot.json", "validator-7.json", "exit-7.json", "balance-7.json", "validator-13.json", "exit-13.json",
		"balance-13.json", "withdrawal-0.json", "withdrawal-1.json", "pending-deposit-1.json"}
	var got []string
	for _, f := range m.Files {
		got = append(got, f.File)
	}
	sort.Strings(got)
	sort.Strings(wantFiles)
	if strings.Join(got, " ") != strings.Join(wantFiles, " ") {
		t.Fatalf("files %v, want %v", got, wantFiles)
	}

	e := newEVM(t)
	e.store(m.Anchor.Timestamp, root)
	now := m.Anchor.Timestamp + 12
	onChain := map[string]int{} // kind -> calls run in the EVM
	for _, f := range m.Files {
		t.Run(f.File, func(t *testing.T) {
			path := filepath.Join(out, f.File)
			// (1) verify offline, and refuse the file with a witness changed.
			if b, err := exec.Command(bin, "verify", path).CombinedOutput(); err != nil || string(b) != "ok\n" {
				t.Fatalf("verify: %v: %s", err, b)
			}
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			cliTamperedFails(t, bin, path, data)
			if f.Format != "rocketpool" {
				// pending-deposit: no Rocket Pool struct, no entry point.
				if f.Kind != "pending-deposit" {
					t.Fatalf("kind %s written as %s", f.Kind, f.Format)
				}
				return
			}
			// (2) on chain.
			calls := cliCalls(t, m, net, data)
			if len(calls) == 0 {
				t.Fatal("no proofs in the file")
			}
			for _, c := range calls {
				input, err := c.pack(e.abi)
				if err != nil {
					t.Fatal(err)
				}
				ret, _, err := e.call(input, now)
				if err != nil {
					t.Fatalf("%s: valid proof: %v: %s", c.kind, err, e.describeRevert(ret))
				}
				if len(ret) != 32 || ret[31] != 1 {
					t.Fatalf("%s: valid proof returned 0x%x", c.kind, ret)
				}
				onChain[f.Kind+" ("+kindEntry[c.kind]+")"]++
				// (3) changed bytes revert: a byte of the first and last
				// witness, of the value (and, for a balance, of the chunk),
				// and a spread of the other one-byte changes.
				ms := cliMutations(c)
				ambiguous := 0
				for _, mu := range ms {
					mc := c.clone()
					mu.f(&mc)
					expectOutcome(t, e, mu, mc, now, root, &ambiguous)
				}
			}
		})
	}
	var kinds []string
	for k, n := range onChain {
		kinds = append(kinds, fmt.Sprintf("%s×%d", k, n))
	}
	sort.Strings(kinds)
	t.Logf("in the EVM: %s; pending-deposit verified offline only", strings.Join(kinds, ", "))
	for _, k := range []string{"slot", "validator", "exit", "balance", "withdrawal"} {
		found := false
		for name := range onChain {
			found = found || strings.HasPrefix(name, k+" ")
		}
		if !found && !t.Failed() {
			t.Errorf("no %s proof ran in the EVM", k)
		}
	}
}

// cliMutations returns the one-byte changes of a call the test runs: the
// first byte of the first witness, the last byte of the last, the first
// byte of the value (the leaf for a balance), and a sample of the rest.
func cliMutations(c call) []mutation {
	all := mutations(c)
	var ms []mutation
	want := map[string]bool{
		"branch[0] byte 0": true,
		fmt.Sprintf("branch[%d] byte 31", len(c.branch)-1): true,
		"value byte 0": true,
		"leaf byte 0":  true,
	}
	for _, m := range all {
		if want[m.what] {
			ms = append(ms, m)
		}
	}
	if len(ms) < 3 {
		panic(fmt.Sprintf("%s: missing basic mutations", c.kind))
	}
	for _, m := range sample(all, 24) {
		// A balance's lane moved to a neighbour that holds the same
		// balance is still a valid balance proof (the verifier takes the
		// gindex from the caller), so that change is left out.
		if m.what != "validator index low byte" {
			ms = append(ms, m)
		}
	}
	return ms
}

// cliTamperedFails checks that verify refuses the file with one hex digit
// changed in the first hash of each witness list (the slot proof's and the
// kind's own) in turn.
func cliTamperedFails(t *testing.T, bin, path string, data []byte) {
	t.Helper()
	s := string(data)
	n := 0
	for at := 0; ; n++ {
		i := strings.Index(s[at:], `"witnesses": [`)
		if j := strings.Index(s[at:], `"branch": [`); i < 0 || (j >= 0 && j < i) {
			i = j
		}
		if i < 0 {
			break
		}
		at += i
		q := at + strings.Index(s[at:], `"0x`) + 3
		b := []byte(s)
		if b[q] == '0' {
			b[q] = '1'
		} else {
			b[q] = '0'
		}
		at = q
		bad := fmt.Sprintf("%s.bad%d", path, n)
		if err := os.WriteFile(bad, b, 0o644); err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(bin, "verify", bad).CombinedOutput()
		var ee *exec.ExitError
		if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "mismatch") {
			t.Fatalf("verify with witness list %d changed: %v: %s", n, err, out)
		}
	}
	if n == 0 {
		t.Fatalf("no witnesses or branch in %s", path)
	}
}
