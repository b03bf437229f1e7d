package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/bench/proto"
)

// TestRun runs the whole benchmark, without the peers, on a small state:
// each method in a child process (this test binary, re-executed).
func TestRun(t *testing.T) {
	var log bytes.Buffer
	cfg := Config{
		Validators:       3000,
		SkipPeers:        true,
		Repeat:           2,
		Proofs:           50,
		MultiproofK:      []int{1, 7},
		HashRateDuration: 20 * time.Millisecond,
		Dir:              t.TempDir(),
		Log:              &log,
		MethodTimeout:    2 * time.Minute,
		ServeRates:       []float64{20},
	}
	rep, err := Measure(context.Background(), cfg)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if rep.Root == "" || rep.StateBytes == 0 || rep.LowerBound.Hashes == 0 || rep.LowerBound.HashRateN <= 0 || rep.LowerBound.SecondsN <= 0 {
		t.Fatalf("incomplete report: %+v", rep)
	}
	ran := map[string]Measurement{}
	for _, m := range rep.Methods {
		ran[m.Method] = m
	}
	for _, name := range []string{MethodCold, MethodRoot, MethodAfterLoad} {
		m, ok := ran[name]
		switch {
		case !ok:
			t.Errorf("%s did not run", name)
		case m.Error != "" || m.Skipped != "":
			t.Errorf("%s: %s%s", name, m.Error, m.Skipped)
		case m.Root != rep.Root:
			t.Errorf("%s: root %s, want %s", name, m.Root, rep.Root)
		case m.Seconds <= 0 || m.Ratio <= 0:
			t.Errorf("%s: %v s, ratio %v", name, m.Seconds, m.Ratio)
		case runtime.GOOS == "linux" && (m.PeakRSS <= 0 || m.VmHWM <= 0 || m.CPUSeconds <= 0 || m.CPURatio <= 0):
			t.Errorf("%s: no peak RSS or CPU time: %+v", name, m)
		case len(m.Runs) != 2 || min(m.Runs[0], m.Runs[1]) != m.Seconds:
			t.Errorf("%s: runs %v, seconds %v", name, m.Runs, m.Seconds)
		}
	}
	for _, name := range []string{PeerDynSSZ, PeerFastSSZ, PeerHTR} {
		if m := ran[name]; m.Skipped == "" {
			t.Errorf("%s not skipped", name)
		}
	}
	a := rep.AfterLoad
	if a == nil || a.Proofs != 50 || a.ProofMicros <= 0 || a.ManyMicros <= 0 || len(a.Multiproofs) != 2 || a.NextRebuildSeconds <= 0 {
		t.Fatalf("after load: %+v", a)
	}
	if mp := a.Multiproofs[1]; mp.K != 7 || mp.Hashes <= 0 || mp.Hashes >= mp.SingleHashes {
		t.Errorf("multiproof of 7: %+v", mp)
	}
	if a.NextIncrementalSeconds == nil && a.IncrementalNote == "" {
		t.Error("no incremental result or note")
	}

	checkNetwork(t, rep)

	var tables, js bytes.Buffer
	if err := rep.Print(&tables, false); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"network path", "unthrottled", "20 MB/s", "the file path in the same rounds", "lower bound, 1 core", "beaconproof: map + validate", "skipped: peers skipped", "extra validator proofs, all at once", "extra validator proof, one at a time", "multiproof of 7 validators"} {
		if !strings.Contains(tables.String(), want) {
			t.Errorf("tables lack %q:\n%s", want, tables.String())
		}
	}
	if err := rep.Print(&js, true); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if back.Root != rep.Root || len(back.Methods) != len(rep.Methods) {
		t.Error("JSON round trip lost data")
	}
}

// checkNetwork checks the network path of a report: unthrottled and at
// 20 MB/s, each method ran twice and found the state's root, and at 20 MB/s
// the download takes the time the rate gives.
func checkNetwork(t *testing.T, rep *Report) {
	t.Helper()
	if len(rep.Network) != 2 || rep.Network[0].RateMBps != 0 || rep.Network[1].RateMBps != 20 {
		t.Fatalf("network path: %+v", rep.Network)
	}
	for _, r := range rep.Network {
		for name, m := range map[string]NetMethod{"download": r.Download, "prove": r.Prove, "then hash": r.ThenHash} {
			if m.Error != "" || len(m.Runs) != 2 || m.Seconds <= 0 {
				t.Errorf("%g MB/s, %s: %+v", r.RateMBps, name, m)
			}
		}
		for _, sp := range []Spread{r.ProveVsDownload, r.ThenHashVsDownload} {
			if len(sp.All) != 2 || sp.Min <= 0 || sp.Min > sp.Median || sp.Median > sp.Max {
				t.Errorf("%g MB/s: ratios %+v", r.RateMBps, sp)
			}
		}
	}
	if f := rep.Network[0].File; f == nil || f.Error != "" || len(f.Runs) != 2 || rep.Network[0].ProveVsFile.Median <= 0 {
		t.Errorf("unthrottled: the file path in the same rounds: %+v", f)
	}
	if rep.Network[1].File != nil {
		t.Error("the file path ran beside a throttled download")
	}
	if want := float64(rep.StateBytes) / 20e6; rep.Network[1].Download.Seconds < 0.9*want {
		t.Errorf("download at 20 MB/s took %.3f s, the rate gives %.3f s", rep.Network[1].Download.Seconds, want)
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	for _, cfg := range []Config{
		{Fork: "nope"},
		{Fork: fork.Bellatrix},
		{Validators: 10, Validator: 10},
		{Methods: []string{"nope"}},
	} {
		if err := Run(context.Background(), cfg, io.Discard); err == nil {
			t.Errorf("%+v: no error", cfg)
		}
	}
}

func TestChildFailureIsReported(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	req := proto.Request{Method: MethodCold, Fork: fork.Fulu, StatePath: "/nonexistent/state.ssz"}
	res := runChild(context.Background(), exe, true, req, time.Minute)
	if res.Error == "" || !strings.Contains(res.Error, "nonexistent") {
		t.Errorf("error %q", res.Error)
	}
}

func TestParseArgs(t *testing.T) {
	cfg, err := ParseArgs([]string{"--validators", "1000", "--methods", MethodCold + "," + MethodRoot, "--no-peers", "--json", "--multiproof", "2,3", "--validator", "5", "--quiet"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Validators != 1000 || len(cfg.Methods) != 2 || !cfg.SkipPeers || !cfg.JSON || len(cfg.MultiproofK) != 2 || cfg.Validator != 5 || cfg.Fork != fork.Fulu {
		t.Errorf("%+v", cfg)
	}
	if !strings.HasPrefix(cfg.Command, "beaconproof bench --validators 1000") {
		t.Errorf("command %q", cfg.Command)
	}
	def, err := ParseArgs(nil, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if def.Validators != 2_200_000 || def.Proofs != 10_000 || len(def.MultiproofK) != 5 || def.Validator != 1_650_000 {
		t.Errorf("defaults %+v", def)
	}
	for _, bad := range [][]string{{"--methods", "nope"}, {"--multiproof", "x"}, {"--validators", "-1"}, {"extra"}, {"--fork", "phase0"}} {
		if _, err := ParseArgs(bad, io.Discard); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	if len(def.ServeRates) != 1 || def.ServeRates[0] != 100 || def.NoNetwork {
		t.Errorf("network defaults: rates %v, no network %v", def.ServeRates, def.NoNetwork)
	}
	for _, c := range []struct {
		args  []string
		rates []float64
		no    bool
	}{{[]string{"--serve-rate", "50"}, []float64{50}, false}, {[]string{"--serve-rate", "0"}, []float64{}, false}, {[]string{"--no-network"}, []float64{100}, true}} {
		cfg, err := ParseArgs(c.args, io.Discard)
		if err != nil || !slices.Equal(cfg.ServeRates, c.rates) || cfg.NoNetwork != c.no {
			t.Errorf("%v: rates %v, no network %v, %v", c.args, cfg.ServeRates, cfg.NoNetwork, err)
		}
	}
	if _, err := ParseArgs([]string{"--serve-rate", "-1"}, io.Discard); err == nil {
		t.Error("--serve-rate -1: no error")
	}
	if _, err := ParseArgs([]string{"--help"}, io.Discard); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("--help: %v", err)
	}
	var out, errOut bytes.Buffer
	if code := Main(context.Background(), []string{"--methods", "nope"}, &out, &errOut); code != 2 {
		t.Errorf("exit %d", code)
	}
}

// TestPeersStayOutOfTheLibrary checks that neither this package nor the
// beaconproof command links a peer (or cgo through one).
func TestPeersStayOutOfTheLibrary(t *testing.T) {
	goBin, err := goCommand()
	if err != nil {
		t.Skip(err)
	}
	out, err := exec.Command(goBin, "list", "-e", "-deps", "github.com/beaconproof/beaconproof/internal/bench", "github.com/beaconproof/beaconproof/cmd/beaconproof").CombinedOutput()
	if err != nil {
		t.Skipf("go list: %v: %s", err, out)
	}
	for _, dep := range strings.Fields(string(out)) {
		for _, peer := range []string{"attestantio/go-eth2-client", "pk910/dynamic-ssz", "pk910/hashtree-bindings", "ferranbt/fastssz", "internal/bench/peers"} {
			if strings.Contains(dep, peer) {
				t.Errorf("%s is in the import graph", dep)
			}
		}
	}
}

func TestThousands(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1,000", 2200000: "2,200,000", -1234: "-1,234"} {
		if got := thousands(n); got != want {
			t.Errorf("thousands(%d) = %q", n, got)
		}
	}
}
