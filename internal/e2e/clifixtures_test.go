package e2e

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/core/vm"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/internal/testchain"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/staking"
)

// This file runs the fixture sets that `beaconproof fixtures` writes from
// local files through `beaconproof verify` and through the verifier in the
// EVM, as a Foundry test would: each Rocket Pool-shaped file is decoded,
// ABI-encoded into the verifier's struct, and checked against the
// manifest's anchor root stored under the manifest's timestamp by the
// EIP-4788 system call. foundry_test.go runs the same sets through a real
// Foundry project (testdata/foundry).
//
// Kinds and the entry points they run through:
//
//	slot.json              verifySlotProof
//	validator-i.json       verifyValidatorProof
//	exit-i.json            verifyValidatorProof (a whole validator, exit epoch included)
//	balance-i.json         verifyBalance, with an empty state proof (the witnesses lead to the block root)
//	withdrawal-n.json      verifyWithdrawalProof, recent (through block_roots) and historical
//	                       (through historical_summaries, a gindex of more than 64 bits)
//	pending-deposit-n.json verifyLeaf: a json document (Rocket Pool has no struct for it and the
//	                       verifier no entry point); the test rebuilds the leaf, the PendingDeposit's
//	                       root, from the decoded value, so the value is what is proved
//
// The Rocket Pool files carry no gindex (the Rocket Pool structs have
// none); the test derives it from the fork's schemas and the indices the
// file proves, as a production verifier would. The json document carries
// one, which the test checks against the derived one.

// cliHistoricalSlot is the slot of cliInputs.historical.
const cliHistoricalSlot = synth.HistoricalSlot

// cliInputs are the files the fixture sets are written from: testdata's
// fulu block and two made-up later states whose history holds it
// (synth.History).
type cliInputs struct {
	block, later, historical, eraRoots string
}

// writeCLIInputs writes the inputs into dir.
func writeCLIInputs(t *testing.T, dir string) cliInputs {
	t.Helper()
	h, err := synth.WriteHistory(dir)
	if err != nil {
		t.Fatal(err)
	}
	return cliInputs{block: h.Block, later: h.Later, historical: h.Historical, eraRoots: h.EraRoots}
}

// cliFixtureSet is one `beaconproof fixtures` run.
type cliFixtureSet struct {
	name       string
	anchorSlot uint64   // the state's slot
	args       []string // the run's arguments but --out and --timestamp
	files      []string // the files it writes, manifest.json aside
	// historical: the set's withdrawals are older than the state's
	// block_roots.
	historical bool
}

// cliFixtureSets are the sets the tests write: every kind from the later
// state, and historical withdrawals (with the other kinds once more) from
// the historical one.
func cliFixtureSets(in cliInputs) []cliFixtureSet {
	return []cliFixtureSet{
		{
			name: "recent", anchorSlot: synth.LaterSlot,
			args: []string{"--state", in.later, "--block", in.block, "--withdrawal-num", "0", "--withdrawal-num", "1",
				"--index", "7", "--index", "13", "--pending-deposit", "1"},
			files: []string{"slot.json", "validator-7.json", "exit-7.json", "balance-7.json", "validator-13.json", "exit-13.json",
				"balance-13.json", "withdrawal-0.json", "withdrawal-1.json", "pending-deposit-1.json"},
		},
		{
			name: "historical", anchorSlot: cliHistoricalSlot, historical: true,
			args: []string{"--state", in.historical, "--block", in.block, "--era-block-roots", in.eraRoots,
				"--withdrawal-num", "0", "--withdrawal-num", "1", "--index", "13", "--pending-deposit", "0"},
			files: []string{"slot.json", "validator-13.json", "exit-13.json", "balance-13.json",
				"withdrawal-0.json", "withdrawal-1.json", "pending-deposit-0.json"},
		},
	}
}

// writeCLIFixtures runs `beaconproof fixtures` for the set into out, with
// the anchor's EIP-4788 timestamp the time of the slot after the anchor's,
// and checks and returns the manifest.
func writeCLIFixtures(t *testing.T, bin string, set cliFixtureSet, out string) cliManifest {
	t.Helper()
	net := testchain.MustNetwork(t, "mainnet")
	ts := net.SlotTime(set.anchorSlot + 1)
	args := append([]string{"fixtures"}, set.args...)
	args = append(args, "--out", out, "--allow-expired", "--timestamp", strconv.FormatUint(ts, 10))
	if b, err := exec.Command(bin, args...).CombinedOutput(); err != nil {
		t.Fatalf("%s: fixtures: %v\n%s", set.name, err, b)
	}
	mdata, err := os.ReadFile(filepath.Join(out, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m cliManifest
	if err := json.Unmarshal(mdata, &m); err != nil {
		t.Fatal(err)
	}
	if m.Anchor.Timestamp != ts || m.Anchor.Slot != set.anchorSlot || m.Fork != fork.Fulu || m.Network != "mainnet" {
		t.Fatalf("%s: manifest anchor %+v fork %s network %s", set.name, m.Anchor, m.Fork, m.Network)
	}
	var got []string
	for _, f := range m.Files {
		got = append(got, f.File)
	}
	want := append([]string(nil), set.files...)
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("%s: files %v, want %v", set.name, got, want)
	}
	return m
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
	cmd.Dir = filepath.Join("..", "..")
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
// gindices derived from the fork and the indices the file proves. A
// withdrawal older than the anchor's block_roots is a kindRPHistorical
// call.
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
		g, err := staking.AnchoredGindex(m.Fork, m.Preset, staking.AnchorBlock, path)
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
		g, err := staking.WithdrawalGindex(staking.WithdrawalLocation{StateFork: m.Fork, BlockFork: m.Fork, Preset: m.Preset, Anchor: staking.AnchorBlock, StateSlot: m.Anchor.Slot, WithdrawalSlot: p.WithdrawalSlot, N: p.WithdrawalNum, Network: net})
		if err != nil {
			t.Fatal(err)
		}
		recent, err := staking.WithdrawalIsRecent(m.Anchor.Slot, p.WithdrawalSlot, 8192)
		if err != nil {
			t.Fatal(err)
		}
		kind := kindRPWithdrawal
		if !recent {
			kind = kindRPHistorical
		}
		calls = append(calls, call{kind: kind, timestamp: ts, gindex: g.Big().Bytes(),
			value: p.Withdrawal.encode(t), wslot: p.WithdrawalSlot, wnum: p.WithdrawalNum, branch: cliHashes(t, p.Witnesses)})
	}
	for _, p := range d.BalanceProofs {
		calls = append(calls, call{kind: kindBalance, timestamp: ts, gindex: gindex(fmt.Sprintf("balances[%d]", p.ValidatorIndex)),
			value: binary.LittleEndian.AppendUint64(nil, p.Balance), leaf: [32]byte(cliHex(t, p.BalanceChunk, 32)),
			index: p.ValidatorIndex, branch: cliHashes(t, p.Witnesses)})
	}
	return calls
}

// kindCLIPendingDeposit is a pending deposit proved through verifyLeaf:
// call.pack sends kindWithdrawalCreds there, with the value as the leaf.
const kindCLIPendingDeposit = kindWithdrawalCreds

// cliJSONDoc is the part of a json document (a pending-deposit file) the
// test reads; numbers are decimal strings.
type cliJSONDoc struct {
	Format string `json:"format"`
	Fork   string `json:"fork"`
	Anchor struct {
		Kind      string `json:"kind"`
		Root      string `json:"root"`
		Slot      string `json:"slot"`
		Timestamp string `json:"timestamp"`
	} `json:"anchor"`
	Proofs []struct {
		Kind   string            `json:"kind"`
		Path   string            `json:"path"`
		Gindex string            `json:"gindex"`
		Leaf   string            `json:"leaf"`
		Branch []string          `json:"branch"`
		Value  cliPendingDeposit `json:"value"`
	} `json:"proofs"`
}

// cliPendingDeposit is a PendingDeposit as a json document's value.
type cliPendingDeposit struct {
	Index                 string `json:"index"`
	Pubkey                string `json:"pubkey"`
	WithdrawalCredentials string `json:"withdrawal_credentials"`
	Amount                string `json:"amount"`
	Signature             string `json:"signature"`
	Slot                  string `json:"slot"`
}

func cliUint(t *testing.T, s string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		t.Fatalf("bad number %q: %v", s, err)
	}
	return v
}

// pendingDepositRoot is the hash tree root of a PendingDeposit with the
// value's fields, amount replaced by amount.
func pendingDepositRoot(t *testing.T, m cliManifest, v cliPendingDeposit, amount uint64) [32]byte {
	t.Helper()
	f, err := fork.Lookup(m.Fork)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Schemas(m.Preset)
	if err != nil {
		t.Fatal(err)
	}
	b := append(cliHex(t, v.Pubkey, 48), cliHex(t, v.WithdrawalCredentials, 32)...)
	b = binary.LittleEndian.AppendUint64(b, amount)
	b = append(b, cliHex(t, v.Signature, 96)...)
	b = binary.LittleEndian.AppendUint64(b, cliUint(t, v.Slot))
	r, err := ssz.HashTreeRoot(s.PendingDeposit, b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// cliPendingDepositCalls turns a pending-deposit json document into
// verifyLeaf calls whose leaf is the root of the decoded value (checked
// against the file's leaf), with the gindex derived from the fork
// (checked against the file's), and for each the call with the deposit's
// amount changed, which must revert.
func cliPendingDepositCalls(t *testing.T, m cliManifest, data []byte) (calls, changed []call) {
	t.Helper()
	var d cliJSONDoc
	if err := json.Unmarshal(data, &d); err != nil {
		t.Fatal(err)
	}
	if d.Format != "json" || d.Fork != m.Fork || d.Anchor.Kind != string(staking.AnchorBlock) || d.Anchor.Root != m.Anchor.Root ||
		cliUint(t, d.Anchor.Slot) != m.Anchor.Slot || cliUint(t, d.Anchor.Timestamp) != m.Anchor.Timestamp {
		t.Fatalf("format %q fork %s anchor %+v, manifest anchor %+v", d.Format, d.Fork, d.Anchor, m.Anchor)
	}
	for _, p := range d.Proofs {
		i := cliUint(t, p.Value.Index)
		path := fmt.Sprintf("pending_deposits[%d]", i)
		if p.Kind != "pending_deposit" || p.Path != path {
			t.Fatalf("proof %s of %s", p.Kind, p.Path)
		}
		g, err := staking.AnchoredGindex(m.Fork, m.Preset, staking.AnchorBlock, path)
		if err != nil {
			t.Fatal(err)
		}
		if p.Gindex != g.Big().String() {
			t.Fatalf("%s: gindex %s in the file, %s from the fork", path, p.Gindex, g.Big())
		}
		leaf := pendingDepositRoot(t, m, p.Value, cliUint(t, p.Value.Amount))
		if proof.FormatHash(leaf) != p.Leaf {
			t.Fatalf("%s: leaf %s, the value's root %s", path, p.Leaf, proof.FormatHash(leaf))
		}
		c := call{kind: kindCLIPendingDeposit, timestamp: m.Anchor.Timestamp, gindex: g.Big().Bytes(),
			value: leaf[:], leaf: leaf, index: i, branch: cliHashes(t, p.Branch)}
		calls = append(calls, c)
		other := pendingDepositRoot(t, m, p.Value, cliUint(t, p.Value.Amount)+1)
		bad := c.clone()
		bad.value, bad.leaf = other[:], other
		changed = append(changed, bad)
	}
	return calls, changed
}

// TestCLIFixturesInEVM builds the CLI, writes the fixture sets from local
// files, verifies each file with `beaconproof verify`, and runs each
// through the verifier in the EVM: the valid call succeeds, and with a
// witness, value or anchor byte changed it reverts.
func TestCLIFixturesInEVM(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	dir := t.TempDir()
	bin := buildCLI(t, dir)
	in := writeCLIInputs(t, dir)
	net := testchain.MustNetwork(t, "mainnet")
	for _, set := range cliFixtureSets(in) {
		t.Run(set.name, func(t *testing.T) {
			out := filepath.Join(dir, set.name)
			m := writeCLIFixtures(t, bin, set, out)
			root, err := proof.ParseHash(m.Anchor.Root)
			if err != nil {
				t.Fatal(err)
			}
			e := newEVM(t)
			e.store(m.Anchor.Timestamp, root)
			now := m.Anchor.Timestamp + 12
			onChain := map[string]int{} // kind (entry point) -> calls run in the EVM
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
					// (2) on chain.
					var calls, changed []call
					switch {
					case f.Format == "rocketpool":
						calls = cliCalls(t, m, net, data)
					case f.Kind == "pending-deposit" && f.Format == "json":
						calls, changed = cliPendingDepositCalls(t, m, data)
					default:
						t.Fatalf("kind %s written as %s", f.Kind, f.Format)
					}
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
						label := f.Kind
						if c.kind == kindRPHistorical {
							if bits := new(big.Int).SetBytes(c.gindex).BitLen(); bits <= 64 {
								t.Errorf("historical withdrawal gindex of %d bits", bits)
							}
							label = "historical " + label
						}
						onChain[label+" ("+kindEntry[c.kind]+")"]++
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
					// A pending deposit with another amount is not proved.
					for _, c := range changed {
						input, err := c.pack(e.abi)
						if err != nil {
							t.Fatal(err)
						}
						if ret, _, err := e.call(input, now); !errors.Is(err, vm.ErrExecutionReverted) {
							t.Fatalf("pending deposit with another amount: accepted (%v, 0x%x)", err, ret)
						}
					}
				})
			}
			var kinds []string
			for k, n := range onChain {
				kinds = append(kinds, fmt.Sprintf("%s×%d", k, n))
			}
			sort.Strings(kinds)
			t.Logf("in the EVM: %s", strings.Join(kinds, ", "))
			want := []string{"slot", "validator", "exit", "balance", "withdrawal", "pending-deposit"}
			if set.historical {
				want[4] = "historical withdrawal"
			}
			for _, k := range want {
				found := false
				for name := range onChain {
					found = found || strings.HasPrefix(name, k+" ")
				}
				if !found && !t.Failed() {
					t.Errorf("no %s proof ran in the EVM", k)
				}
			}
		})
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
