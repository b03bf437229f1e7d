package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// updateGolden rewrites testdata/golden from the CLI's output:
//
//	go test ./cmd/beaconproof -run TestGolden -update
var updateGolden = flag.Bool("update", false, "rewrite testdata/golden from the CLI's output")

// goldenCase is one CLI run whose whole output (exit code, stdout,
// stderr, and the files it writes) is kept in testdata/golden.
type goldenCase struct {
	name string
	args []string
	out  bool // the run takes --out DIR; the files it writes are part of its output
}

// goldenCases are runs of every proof kind in every format, and the
// fixture sets, from synth.History's files; and EigenPod's calls of a
// slashed validator (verifyStaleBalance).
func goldenCases(f fixtures) []goldenCase {
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		panic(err)
	}
	ts := func(slot uint64) string { return strconv.FormatUint(mainnet.SlotTime(slot+1), 10) }
	later, hist := ts(synth.LaterSlot), ts(synth.HistoricalSlot)
	kinds := [][]string{
		{"validator", "--index", "7", "--index", "13", "--timestamp", later, f.later},
		{"validator-field", "--index", "7", "--field", "withdrawal_credentials", "--timestamp", later, f.later},
		{"exit", "--index", "7", "--timestamp", later, f.later},
		{"balance", "--index", "13", "--timestamp", later, f.later},
		{"slot", "--timestamp", later, f.later},
		{"withdrawal", "--block", f.block, "--withdrawal-num", "0", "--withdrawal-num", "1", "--timestamp", later, f.later},
		{"withdrawal", "--block", f.block, "--withdrawal-num", "1", "--era-block-roots", f.eraRoots, "--timestamp", hist, f.historical},
		{"pending-deposit", "--index", "1", "--timestamp", later, f.later},
		{"field", "--path", "latest_block_header", "--timestamp", later, f.later},
		{"block-field", "--block", f.block, "--field", "block_hash"},
		{"validator", "--index", "7", "--anchor", "state", f.later},
	}
	var cases []goldenCase
	for i, k := range kinds {
		for _, format := range []string{"json", "rocketpool", "eigenlayer", "calldata"} {
			name := fmt.Sprintf("prove-%02d-%s-%s", i, k[0], format)
			cases = append(cases, goldenCase{name: name, args: append([]string{"prove", k[0], "--format", format}, k[1:]...)})
		}
	}
	cases = append(cases,
		goldenCase{name: "prove-paths", args: []string{"prove", "--path", "slot", "--path", "validators[5].exit_epoch", f.later}},
		goldenCase{name: "prove-stale-balance-calldata", args: []string{"prove", "validator", "--format", "calldata", "--protocol", "eigenlayer",
			"--index", "7", "--index", strconv.Itoa(slashedIndex), "--timestamp", later, f.slashed}},
		goldenCase{name: "root", args: []string{"root", f.later}},
		goldenCase{name: "gindex", args: []string{"gindex", "--fork", "gloas", "historical_summaries[3].block_summary_root"}},
		goldenCase{name: "fixtures-recent", out: true, args: []string{"fixtures", "--state", f.later, "--block", f.block,
			"--withdrawal-num", "0", "--withdrawal-num", "1", "--index", "7", "--index", "13", "--pending-deposit", "1",
			"--allow-expired", "--timestamp", later}},
		goldenCase{name: "fixtures-historical", out: true, args: []string{"fixtures", "--state", f.historical, "--block", f.block,
			"--era-block-roots", f.eraRoots, "--withdrawal-num", "0", "--withdrawal-num", "1", "--index", "13",
			"--pending-deposit", "0", "--allow-expired", "--timestamp", hist}},
	)
	return cases
}

// TestGolden keeps the CLI's output byte for byte: a change of any proof
// document, fixture file or message shows here. -update rewrites the
// files after a change that is meant.
func TestGolden(t *testing.T) {
	f := writeFixtures(t)
	for _, c := range goldenCases(f) {
		t.Run(c.name, func(t *testing.T) {
			got := goldenRun(t, f, c)
			file := filepath.Join("testdata", "golden", c.name+".txt")
			if *updateGolden {
				if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run with -update to write it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Fatalf("output differs from %s:\n%s", file, firstDiff(string(want), string(got)))
			}
		})
	}
}

// goldenRun runs the case and returns its whole output as one text, with
// the temporary directory's name replaced by a fixed one.
func goldenRun(t *testing.T, f fixtures, c goldenCase) []byte {
	args := c.args
	out := filepath.Join(t.TempDir(), "out")
	if c.out {
		args = append(append([]string(nil), args...), "--out", out)
	}
	r := runCLI(t, nil, args...)
	var b strings.Builder
	fmt.Fprintf(&b, "exit %d\n-- stdout --\n%s-- stderr --\n%s", r.code, r.stdout, r.stderr)
	if c.out {
		entries, err := os.ReadDir(out)
		if err != nil && r.code == 0 {
			t.Fatal(err)
		}
		names := make([]string, 0, len(entries))
		for _, e := range entries {
			names = append(names, e.Name())
		}
		sort.Strings(names)
		for _, n := range names {
			data, err := os.ReadFile(filepath.Join(out, n))
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&b, "-- file %s --\n%s\n", n, data)
		}
	}
	s := strings.ReplaceAll(b.String(), out, "OUT")
	return []byte(strings.ReplaceAll(s, f.dir, "DIR"))
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(w) || i < len(g); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return fmt.Sprintf("line %d:\nwant %q\ngot  %q", i+1, wl, gl)
		}
	}
	return "lengths differ"
}
