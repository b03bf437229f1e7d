package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/internal/vectors"
)

// result is what one run printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

func runCLI(t *testing.T, stdin []byte, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, bytes.NewReader(stdin), &out, &errb)
	return result{code, out.String(), errb.String()}
}

// ok fails the test unless the run exited 0 with nothing on stderr.
func (r result) ok(t *testing.T) result {
	t.Helper()
	if r.code != 0 || !onlyNotes(r.stderr) {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	return r
}

// onlyNotes reports whether stderr holds nothing but the notes a
// calldata document carries ("beaconproof: note: ...").
func onlyNotes(stderr string) bool {
	for _, line := range strings.Split(strings.TrimSuffix(stderr, "\n"), "\n") {
		if line != "" && !strings.HasPrefix(line, "beaconproof: note: ") {
			return false
		}
	}
	return true
}

// failsWithOneLine checks exit 1 and one line on stderr that starts
// "beaconproof: " and contains want.
func (r result) failsWithOneLine(t *testing.T, want string) {
	t.Helper()
	if r.code != 1 {
		t.Fatalf("exit %d, want 1 (stderr %q)", r.code, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "beaconproof: ") || strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
		t.Fatalf("stderr is not one line starting with beaconproof: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Fatalf("stderr %q does not contain %q", r.stderr, want)
	}
	if r.stdout != "" {
		t.Fatalf("stdout %q on failure", r.stdout)
	}
}

// isUsage checks exit 2 with a usage error on stderr: one line that
// starts "beaconproof" and contains want, and a second that says which
// --help shows the usage, not the whole help.
func (r result) isUsage(t *testing.T, want string) {
	t.Helper()
	if r.code != 2 {
		t.Fatalf("exit %d, want 2 (stderr %q)", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSuffix(r.stderr, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "beaconproof") || !strings.HasPrefix(lines[1], "Run 'beaconproof ") || !strings.Contains(lines[1], "--help'") {
		t.Fatalf("stderr %q is not one line and the hint", r.stderr)
	}
	if !strings.Contains(lines[0], want) {
		t.Fatalf("stderr %q lacks %q", r.stderr, want)
	}
}

type oracleCase struct {
	dir, preset, fork string
	vector            struct {
		Type   string        `json:"type"`
		Root   string        `json:"root"`
		Proofs []oracleProof `json:"proofs"`
	}
}

// oracleProof is one proof of a vector.json, as prove --path prints it too.
type oracleProof struct {
	Path   string   `json:"path"`
	Gindex string   `json:"gindex"`
	Leaf   string   `json:"leaf"`
	Branch []string `json:"branch"`
}

func (c oracleCase) object() string { return filepath.Join(c.dir, "object.ssz") }
func (c oracleCase) name() string {
	return c.preset + "/" + c.fork + "/" + filepath.Base(c.dir)
}

func oracleCases(t *testing.T) []oracleCase {
	t.Helper()
	dirs, _ := filepath.Glob(filepath.Join(vectors.Path(t, "oracle"), "*", "*", "*"))
	if len(dirs) == 0 {
		t.Fatal("no oracle cases")
	}
	sort.Strings(dirs)
	var out []oracleCase
	for _, d := range dirs {
		c := oracleCase{dir: d, fork: filepath.Base(filepath.Dir(d)), preset: filepath.Base(filepath.Dir(filepath.Dir(d)))}
		b, err := os.ReadFile(filepath.Join(d, "vector.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &c.vector); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

func findCase(t *testing.T, name string) oracleCase {
	for _, c := range oracleCases(t) {
		if c.name() == name {
			return c
		}
	}
	t.Fatalf("no case %s", name)
	return oracleCase{}
}

// TestRoot checks the roots of mainnet genesis and of the spec tests
// against their published values (TestOracleObjects checks the oracle's).
func TestRoot(t *testing.T) {
	// Genesis: the fork is detected; flags may follow the file.
	genesis := vectors.Path(t, "genesis", "mainnet-genesis.ssz")
	const genesisRoot = "0x7e76880eb67bbdc86250aa578958e9d0675e64e714337855204fb5abaaf82c2b\n"
	if r := runCLI(t, nil, "root", genesis).ok(t); r.stdout != genesisRoot {
		t.Fatalf("genesis root %q", r.stdout)
	}
	if r := runCLI(t, nil, "root", genesis, "--preset", "mainnet").ok(t); r.stdout != genesisRoot {
		t.Fatalf("genesis root %q", r.stdout)
	}
	// Spec tests: .ssz_snappy, and the same from standard input.
	d := vectors.Path(t, "consensus-spec-tests", "tests", "mainnet", "deneb", "ssz_static", "BeaconState", "ssz_random", "case_0")
	y, err := os.ReadFile(filepath.Join(d, "roots.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`0x[0-9a-f]{64}`).FindString(string(y))
	file := filepath.Join(d, "serialized.ssz_snappy")
	if r := runCLI(t, nil, "root", "--fork", "deneb", file).ok(t); strings.TrimSpace(r.stdout) != want {
		t.Fatalf("spec test root %q, want %s", r.stdout, want)
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, data, "root", "--fork", "deneb", "-").ok(t); strings.TrimSpace(r.stdout) != want {
		t.Fatalf("spec test root from stdin %q, want %s", r.stdout, want)
	}
}

// TestGindex prints the gindex of oracle paths, one fork after another.
func TestGindex(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range oracleCases(t) {
		key := c.preset + c.fork + c.vector.Type
		if seen[key] {
			continue
		}
		seen[key] = true
		n := 0
		for _, vp := range c.vector.Proofs {
			if n == 12 {
				break
			}
			n++
			args := []string{"gindex", "--fork", c.fork, "--preset", c.preset, "--type", c.vector.Type, vp.Path}
			if r := runCLI(t, nil, args...).ok(t); r.stdout != vp.Gindex+"\n" {
				t.Errorf("%s %s: %q, want %s", c.name(), vp.Path, r.stdout, vp.Gindex)
			}
		}
	}
	if r := runCLI(t, nil, "gindex", "validators[5].withdrawal_credentials", "--fork", "deneb").ok(t); r.stdout != "756463999909929\n" {
		t.Errorf("gindex %q", r.stdout)
	}
	runCLI(t, nil, "gindex", "--fork", "deneb", "validators[5].nope").failsWithOneLine(t, `path "validators[5].nope"`)
	runCLI(t, nil, "gindex", "--fork", "london", "slot").failsWithOneLine(t, `unknown fork "london"`)
	runCLI(t, nil, "gindex", "--fork", "deneb", "--type", "Nope", "slot").failsWithOneLine(t, `unknown type "Nope"`)
	runCLI(t, nil, "gindex", "slot").isUsage(t, "--fork is required")
	runCLI(t, nil, "gindex", "--fork", "deneb").isUsage(t, "want one PATH")
}

// TestProveVerify proves paths, verifies the output, and checks that a
// tampered file fails.
func TestProveVerify(t *testing.T) {
	for _, name := range []string{"mainnet/deneb/state_0", "minimal/gloas/state_1", "mainnet/capella/block_0", "mainnet/gloas/envelope_0"} {
		t.Run(name, func(t *testing.T) {
			c := findCase(t, name)
			args := []string{"prove", "--fork", c.fork, "--preset", c.preset, "--type", c.vector.Type, c.object()}
			var paths []string
			for _, vp := range c.vector.Proofs[:min(20, len(c.vector.Proofs))] {
				args = append(args, "--path", vp.Path)
				paths = append(paths, vp.Path)
			}
			r := runCLI(t, nil, args...).ok(t)
			var doc struct {
				Fork, Preset, Type, Root string
				Proofs                   []struct {
					Path, Gindex, Leaf string
					Branch             []string
				}
			}
			if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Fork != c.fork || doc.Preset != c.preset || doc.Type != c.vector.Type || len(doc.Proofs) != len(paths) {
				t.Fatalf("document %+v", doc)
			}
			for i, p := range doc.Proofs {
				if p.Path != paths[i] {
					t.Fatalf("proof %d path %q, want %q", i, p.Path, paths[i])
				}
				if p.Gindex != c.vector.Proofs[i].Gindex {
					t.Errorf("%s: gindex %s, oracle %s", p.Path, p.Gindex, c.vector.Proofs[i].Gindex)
				}
			}
			file := filepath.Join(t.TempDir(), "proofs.json")
			if err := os.WriteFile(file, []byte(r.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
			if v := runCLI(t, nil, "verify", file).ok(t); v.stdout != "ok\n" {
				t.Fatalf("verify: %q", v.stdout)
			}
			if v := runCLI(t, []byte(r.stdout), "verify", "-").ok(t); v.stdout != "ok\n" {
				t.Fatalf("verify stdin: %q", v.stdout)
			}
			// Tamper with one branch hash of the last proof.
			var m map[string]any
			if err := json.Unmarshal([]byte(r.stdout), &m); err != nil {
				t.Fatal(err)
			}
			proofs := m["proofs"].([]any)
			last := len(proofs) - 1
			branch := proofs[last].(map[string]any)["branch"].([]any)
			h := branch[0].(string)
			if h[2] == '0' {
				branch[0] = "0x1" + h[3:]
			} else {
				branch[0] = "0x0" + h[3:]
			}
			tampered, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, tampered, 0o644); err != nil {
				t.Fatal(err)
			}
			runCLI(t, nil, "verify", file).failsWithOneLine(t,
				fmt.Sprintf("proofs[%d] (path %q): verify gindex %s: merkle root mismatch", last, paths[last], doc.Proofs[last].Gindex))
		})
	}
}

// TestVerifyOracleVectors verifies the oracle's vector.json files. As they
// are, they name no fork: every proof verifies and verify says the paths
// were not checked. With the fork and preset of their directory, every path
// is checked against its gindex, and every file verifies.
func TestVerifyOracleVectors(t *testing.T) {
	withFork := filepath.Join(t.TempDir(), "with-fork.json")
	for _, c := range oracleCases(t) {
		file := filepath.Join(c.dir, "vector.json")
		if r := runCLI(t, nil, "verify", file).ok(t); r.stdout != "ok (paths not checked: no fork)\n" {
			t.Fatalf("%s: %q", c.name(), r.stdout)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		var doc map[string]any
		if err := json.Unmarshal(b, &doc); err != nil {
			t.Fatal(err)
		}
		doc["fork"], doc["preset"] = c.fork, c.preset
		if b, err = json.Marshal(doc); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(withFork, b, 0o644); err != nil {
			t.Fatal(err)
		}
		if r := runCLI(t, nil, "verify", withFork).ok(t); r.stdout != "ok\n" {
			t.Fatalf("%s with its fork: %q", c.name(), r.stdout)
		}
	}
}

// TestVerifyErrors checks malformed and failing proof files.
func TestVerifyErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, s string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	zero := "0x" + strings.Repeat("0", 64)
	one := "0x" + strings.Repeat("1", 64)
	runCLI(t, nil, "verify", write("garbage.json", "not json")).failsWithOneLine(t, "garbage.json")
	runCLI(t, nil, "verify", write("noroot.json", `{"proofs": []}`)).failsWithOneLine(t, `missing "root"`)
	runCLI(t, nil, "verify", write("empty.json", `{"root": "`+zero+`", "proofs": []}`)).failsWithOneLine(t, "no proofs")
	runCLI(t, nil, "verify", write("short.json", `{"root": "`+zero+`", "proofs": [{"path": "slot", "gindex": "4", "leaf": "`+zero+`", "branch": ["`+zero+`"]}]}`)).
		failsWithOneLine(t, `proofs[0] (path "slot"): `)
	runCLI(t, nil, "verify", write("bad.json", `{"root": "`+one+`", "proofs": [{"gindex": "2", "leaf": "`+zero+`", "branch": ["`+zero+`"]}]}`)).
		failsWithOneLine(t, "proofs[0]: ")
	runCLI(t, nil, "verify", filepath.Join(dir, "missing.json")).failsWithOneLine(t, "missing.json")
	runCLI(t, nil, "verify").isUsage(t, "want a FILE.json or a folder of them")
	runCLI(t, nil, "verify", "a.json", "-").isUsage(t, "standard input")
	runCLI(t, nil, "verify", t.TempDir()).failsWithOneLine(t, "no .json proof files")
}

// TestVerifySeveral: verify takes several files and fixture folders,
// prints a line per file, and fails when any fails, naming each.
func TestVerifySeveral(t *testing.T) {
	f := writeFixtures(t)
	out := filepath.Join(t.TempDir(), "fixtures")
	runCLI(t, nil, "fixtures", "--state", f.later, "--index", "7", "--allow-expired", "--out", out).ok(t)
	slot := filepath.Join(t.TempDir(), "slot.json")
	if err := os.WriteFile(slot, []byte(runCLI(t, nil, "prove", "slot", f.later).ok(t).stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "verify", out, slot).ok(t)
	want := []string{"balance-7.json", "exit-7.json", "slot.json", "validator-7.json"}
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != len(want)+1 {
		t.Fatalf("stdout %q: want a line per file", r.stdout)
	}
	for i, w := range want {
		if lines[i] != filepath.Join(out, w)+": ok" {
			t.Errorf("line %d %q, want %s: ok", i, lines[i], w)
		}
	}
	if lines[len(want)] != slot+": ok" {
		t.Errorf("last line %q", lines[len(want)])
	}
	// One bad file among them: exit 1, its line on stderr, the others ok.
	bad := filepath.Join(out, "bad.json")
	if err := os.WriteFile(bad, []byte("not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = runCLI(t, nil, "verify", out)
	if r.code != 1 || strings.Count(r.stdout, ": ok\n") != len(want) ||
		!strings.Contains(r.stderr, "beaconproof: "+bad+": ") || !strings.Contains(r.stderr, "1 of 5 files failed") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
}

// TestVersion: --version prints one line naming the program and the Go
// version it was built with.
func TestVersion(t *testing.T) {
	for _, arg := range []string{"--version", "-version"} {
		r := runCLI(t, nil, arg).ok(t)
		if !strings.HasPrefix(r.stdout, "beaconproof ") || strings.Count(r.stdout, "\n") != 1 || !strings.Contains(r.stdout, " go1.") {
			t.Errorf("%s: %q", arg, r.stdout)
		}
	}
}

// TestBadInput checks that bad files, paths and forks exit 1 with one line.
func TestBadInput(t *testing.T) {
	c := findCase(t, "mainnet/deneb/state_0")
	garbage := filepath.Join(t.TempDir(), "garbage.ssz")
	if err := os.WriteFile(garbage, []byte("this is not ssz at all\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	runCLI(t, nil, "root", "--fork", "deneb", garbage).failsWithOneLine(t, "deneb BeaconState: ssz: ")
	runCLI(t, nil, "prove", "--fork", "deneb", "--path", "slot", garbage).failsWithOneLine(t, "deneb BeaconState: ssz: ")
	runCLI(t, []byte("garbage"), "root", "--fork", "deneb", "-").failsWithOneLine(t, "deneb BeaconState: ssz: ")
	runCLI(t, nil, "root", "--fork", "london", c.object()).failsWithOneLine(t, `unknown fork "london"`)
	// The library says why the fork is unknown; the CLI adds the flag.
	runCLI(t, nil, "root", c.object()).failsWithOneLine(t, "BeaconState: cannot detect the fork: unknown fork version ")
	runCLI(t, nil, "root", c.object()).failsWithOneLine(t, " mainnet networks); pass the fork (--fork)")
	blk := findCase(t, "mainnet/deneb/block_0")
	runCLI(t, nil, "root", "--type", "BeaconBlock", blk.object()).
		failsWithOneLine(t, "cannot detect the fork of a BeaconBlock: no network to map its slot to a fork; pass the fork (--fork) or the network (--network)")
	runCLI(t, nil, "root", "--fork", "capella", c.object()).failsWithOneLine(t, "capella BeaconState: ssz: ")
	runCLI(t, nil, "root", "--fork", "deneb", "--max-size", "1000", c.object()).failsWithOneLine(t, "larger than the size limit")
	runCLI(t, nil, "root", "--fork", "deneb", "/nonexistent/state.ssz").failsWithOneLine(t, "/nonexistent/state.ssz")
	runCLI(t, nil, "prove", "--fork", "deneb", "--path", "validators[x]", c.object()).
		failsWithOneLine(t, `deneb BeaconState: path "validators[x]": `)
	runCLI(t, nil, "prove", "--fork", "deneb", "--path", "slot", "--path", "validators[400]", c.object()).
		failsWithOneLine(t, `path "validators[400]": `)
}

// TestUsage checks wrong usage (exit 2) and help (exit 0).
func TestUsage(t *testing.T) {
	if r := runCLI(t, nil); r.code != 2 || !strings.Contains(r.stderr, "Commands:") {
		t.Errorf("no command: exit %d, stderr %q; want 2 and the commands", r.code, r.stderr)
	}
	runCLI(t, nil, "frobnicate").isUsage(t, `unknown command "frobnicate"`)
	runCLI(t, nil, "root").isUsage(t, "want one FILE")
	runCLI(t, nil, "root", "a.ssz", "b.ssz").isUsage(t, "want one FILE")
	runCLI(t, nil, "root", "--bogus", "a.ssz").isUsage(t, "flag provided but not defined: -bogus")
	runCLI(t, nil, "root", "--fork").isUsage(t, "flag needs an argument")
	runCLI(t, nil, "root", "--max-size", "lots", "a.ssz").isUsage(t, "invalid value")
	runCLI(t, nil, "prove", "a.ssz").isUsage(t, "at least one --path")
	runCLI(t, nil, "prove", "--path", "slot").isUsage(t, "want one FILE")
	runCLI(t, nil, "help", "nope").isUsage(t, `unknown command "nope"`)
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		if r := runCLI(t, nil, args...).ok(t); !strings.Contains(r.stdout, "Commands:") {
			t.Errorf("%v: %q", args, r.stdout)
		}
	}
	for _, cmd := range []string{"root", "gindex", "prove", "verify"} {
		for _, args := range [][]string{{cmd, "--help"}, {cmd, "-h"}, {"help", cmd}} {
			r := runCLI(t, nil, args...).ok(t)
			if !strings.Contains(r.stdout, "Usage: beaconproof "+cmd) || !strings.Contains(r.stdout, "Example:") {
				t.Errorf("%v: %q", args, r.stdout)
			}
		}
	}
	// "--" ends the flags: a file may then start with a dash.
	runCLI(t, nil, "root", "--fork", "deneb", "--", "-nonexistent").failsWithOneLine(t, "-nonexistent")
}

// TestPanicIsOneLine checks the last-resort recovery.
func TestPanicIsOneLine(t *testing.T) {
	old := proveKinds
	defer func() { proveKinds = old }()
	proveKinds = map[string]func(context.Context, *env, []string) int{
		"boom": func(context.Context, *env, []string) int { panic("boom\nsecond line") },
	}
	runCLI(t, nil, "prove", "boom").failsWithOneLine(t, "internal error: boom; second line")
}

// TestProveKinds checks that a kind word selects a prove subcommand
// wherever it stands among the flags.
func TestProveKinds(t *testing.T) {
	old := proveKinds
	defer func() { proveKinds = old }()
	var got []string
	proveKinds = map[string]func(context.Context, *env, []string) int{
		"validator": func(_ context.Context, _ *env, args []string) int { got = args; return 0 },
	}
	for _, args := range [][]string{
		{"validator", "--fork", "deneb", "s.ssz"},
		{"--fork", "deneb", "validator", "s.ssz"},
		{"--fork=deneb", "validator", "s.ssz"},
		{"--fork", "deneb", "--", "validator", "s.ssz"},
	} {
		got = nil
		runCLI(t, nil, append([]string{"prove"}, args...)...).ok(t)
		if len(got) != len(args)-1 || got[len(got)-1] != "s.ssz" || slices.Contains(got, "validator") {
			t.Errorf("%v: kind got %v", args, got)
		}
	}
	// A file that is not a kind word is the generic form's FILE.
	runCLI(t, nil, "prove", "--fork", "deneb", "--path", "slot", "validators.ssz").failsWithOneLine(t, "validators.ssz")
}

// TestBinary builds the command and runs it once end to end.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go tool to build with")
	}
	c := findCase(t, "mainnet/deneb/block_0")
	bin := filepath.Join(t.TempDir(), "beaconproof")
	if runtime.GOOS == "windows" {
		bin += ".exe"
	}
	build := exec.Command(goTool, "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	path := c.vector.Proofs[len(c.vector.Proofs)-1].Path // a path the random block holds
	out, err := exec.Command(bin, "prove", c.object(), "--fork", "deneb", "--type", "BeaconBlock", "--path", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	verify := exec.Command(bin, "verify", "-")
	verify.Stdin = bytes.NewReader(out)
	if got, err := verify.Output(); err != nil || string(got) != "ok\n" {
		t.Fatalf("verify: %q, %v", got, err)
	}
	// Bad input: exit status 1 and one line.
	cmd := exec.Command(bin, "root", "--fork", "nofork", c.object())
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || strings.Count(stderr.String(), "\n") != 1 {
		t.Fatalf("bad fork: %v, stderr %q", err, stderr.String())
	}
}

// TestVerifyNetworkFacts: a document of a built-in network carries its
// facts and verifies with them; facts that contradict the built-in network
// of the same name fail, in every format that carries them, naming what
// differs.
func TestVerifyNetworkFacts(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"prove-00-validator-json", "prove-00-validator-rocketpool", "prove-05-withdrawal-json"} {
		golden, err := os.ReadFile(filepath.Join("testdata", "golden", name+".txt"))
		if err != nil {
			t.Fatal(err)
		}
		_, doc, ok := strings.Cut(string(golden), "-- stdout --\n")
		if !ok {
			t.Fatalf("%s: no stdout", name)
		}
		if i := strings.Index(doc, "\n-- "); i >= 0 {
			doc = doc[:i+1]
		}
		if !strings.Contains(doc, `"genesis_time": "1606824023"`) {
			t.Fatalf("%s: the document carries no mainnet network facts", name)
		}
		for _, c := range []struct{ from, to, want string }{
			{"", "", ""},
			{`"genesis_time": "1606824023"`, `"genesis_time": "1606824024"`,
				`disagrees with the built-in mainnet network: genesis_time 1606824024, built-in 1606824023`},
			{`"version": "0x06000000"`, `"version": "0x06000001"`,
				`disagrees with the built-in mainnet network: fork fulu version 0x06000001, built-in 0x06000000`},
			{`"epoch": "411392"`, `"epoch": "411393"`, `fork fulu epoch 411393, built-in 411392`},
		} {
			p := filepath.Join(dir, name+".json")
			if err := os.WriteFile(p, []byte(strings.Replace(doc, c.from, c.to, 1)), 0o644); err != nil {
				t.Fatal(err)
			}
			if c.want == "" {
				runCLI(t, nil, "verify", p).ok(t)
				continue
			}
			runCLI(t, nil, "verify", p).failsWithOneLine(t, c.want)
		}
	}
}
