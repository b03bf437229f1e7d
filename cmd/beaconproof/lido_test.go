package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// lidoFiles are a made-up fulu chain's files for Lido: the anchor block
// and its post-state, each paying validator 7 a full withdrawal as
// withdrawal 1, and an older such block three eras and 77 slots back with
// its post-state and its era's block roots.
type lidoFiles struct {
	state, block, oldState, oldBlock, era string
}

func writeLidoFiles(t *testing.T) lidoFiles {
	t.Helper()
	net := mainnet(t)
	ver, _ := net.Fork(fork.Fulu)
	offset, err := net.HistoricalSummariesOffset()
	if err != nil {
		t.Fatal(err)
	}
	slot := ver.Epoch*net.SlotsPerEpoch + 30_000
	ws := slot - 3*8192 - 77
	ch, err := synth.NewChain(synth.ChainOptions{Fork: fork.Fulu, SummariesOffset: offset, Past: []uint64{ws}, PastStates: true,
		Options: synth.Options{Validators: 64, Slot: slot, Seed: 5, ExitedEvery: 8, ForkVersion: ver.Version, GenesisTime: net.GenesisTime},
		Withdrawals: []synth.Withdrawal{{Index: 76_999, ValidatorIndex: 3, Address: [20]byte{1}, Amount: 5},
			{Index: 77_000, ValidatorIndex: 7, Address: synth.DefaultAddress, Amount: 32_000_000_000}}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	past := ch.Past[ws]
	var files []string
	for i, b := range [][]byte{ch.State, ch.Block, past.State, past.Block, past.EraBlockRoots} {
		p := filepath.Join(dir, fmt.Sprintf("lido-%d.ssz", i))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	return lidoFiles{files[0], files[1], files[2], files[3], files[4]}
}

// TestFixturesLido writes Lido fixture sets, recent and historical: per
// withdrawal a lido document and its calldata document, the documents
// prove writes, listed in the manifest (without Rocket Pool's structs);
// verify accepts the folder and refuses a changed byte of the call.
func TestFixturesLido(t *testing.T) {
	f := writeLidoFiles(t)
	ids := []string{"--node-operator-id", "3", "--key-index", "5"}
	for _, c := range []struct {
		name, call string
		args       []string
	}{
		{"recent", "processWithdrawalProof(", []string{"--state", f.state, "--block", f.block}},
		{"historical", "processHistoricalWithdrawalProof(", []string{"--state", f.state, "--block", f.oldBlock, "--block-state", f.oldState, "--era-block-roots", f.era}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "fx")
			args := append(append([]string{"fixtures", "--format", "lido", "--withdrawal-num", "1", "--allow-expired", "--out", out}, c.args...), ids...)
			r := runCLI(t, nil, args...).ok(t)
			if !strings.Contains(r.stdout, "wrote 2 fixtures") {
				t.Errorf("stdout %q", r.stdout)
			}
			var m fixtureManifest
			if err := json.Unmarshal(mustRead(t, filepath.Join(out, "manifest.json")), &m); err != nil {
				t.Fatal(err)
			}
			if got := fmt.Sprint(m.Files); got != "[{withdrawal-1.json lido map[] withdrawal} {withdrawal-1.calldata.json calldata map[] withdrawal}]" || m.Structs != nil {
				t.Fatalf("manifest %+v", m)
			}
			proveArgs := append([]string{"prove", "withdrawal", "--withdrawal-num", "1", "--timestamp", "next"}, ids...)
			for _, a := range [][2]string{{"--block", ""}, {"--block-state", ""}, {"--era-block-roots", ""}} {
				for i := 0; i+1 < len(c.args); i++ {
					if c.args[i] == a[0] {
						proveArgs = append(proveArgs, a[0], c.args[i+1])
					}
				}
			}
			for file, format := range map[string][]string{"withdrawal-1.json": {"--format", "lido"}, "withdrawal-1.calldata.json": {"--format", "calldata", "--protocol", "lido"}} {
				want := runCLI(t, nil, append(append(proveArgs, format...), f.state)...).ok(t).stdout
				if got := string(mustRead(t, filepath.Join(out, file))); got != want {
					t.Errorf("%s is not what prove writes:\n%s\n%s", file, got, want)
				}
			}
			runCLI(t, nil, "verify", out).ok(t)
			lidoTamper(t, filepath.Join(out, "withdrawal-1.calldata.json"), c.call)
		})
	}
}

// lidoTamper changes the last byte of the call's data in a calldata file
// and checks that verify refuses it.
func lidoTamper(t *testing.T, file, call string) {
	t.Helper()
	var d struct {
		Calls []struct {
			Function string `json:"function"`
			Data     string `json:"data"`
		} `json:"calls"`
	}
	b := mustRead(t, file)
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	if len(d.Calls) != 1 || !strings.HasPrefix(d.Calls[0].Function, call) {
		t.Fatalf("calls %+v, want one of %s", d.Calls, call)
	}
	data := d.Calls[0].Data
	last := "0"
	if strings.HasSuffix(data, "0") {
		last = "1"
	}
	bad := strings.Replace(string(b), data, data[:len(data)-1]+last, 1)
	p := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(p, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	runCLI(t, nil, "verify", p).failsWithOneLine(t, "calls[0]")
}

// TestFixturesLidoUsage: --format lido takes withdrawals only, and the
// lido flags need it.
func TestFixturesLidoUsage(t *testing.T) {
	out := filepath.Join(t.TempDir(), "fx")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--format", "lido", "--state", "s.ssz", "--block", "b.ssz", "--withdrawal-num", "1", "--index", "7"}, "drop --index"},
		{[]string{"--format", "lido", "--state", "s.ssz", "--pending-deposit", "0", "--block", "b.ssz", "--withdrawal-num", "1"}, "drop --index and --pending-deposit"},
		{[]string{"--format", "lido", "--state", "s.ssz"}, "--format lido needs --block and --withdrawal-num"},
		{[]string{"--format", "eigenlayer", "--state", "s.ssz", "--index", "7"}, `--format "eigenlayer": want rocketpool or lido`},
		{[]string{"--state", "s.ssz", "--index", "7", "--key-index", "5"}, "go with --format lido"},
		{[]string{"--state", "s.ssz", "--index", "7", "--block-state", "o.ssz"}, "go with --format lido"},
	} {
		runCLI(t, nil, append(append([]string{"fixtures"}, c.args...), "--out", out)...).isUsage(t, c.want)
	}
}
