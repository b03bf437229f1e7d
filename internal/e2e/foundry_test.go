package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestFoundryFixtures runs the fixture sets of TestCLIFixturesInEVM, written
// by `beaconproof fixtures` into a temporary directory, through a real
// Foundry run: the project testdata/foundry, whose test reads every file
// with vm.readFile and vm.parseJsonType into the verifier's structs,
// etches the EIP-4788 contract's code and feeds it each set's anchor root
// by the system call, calls BeaconProofVerifier for every proof, and
// checks that every proof changed in one of four ways reverts with the
// expected error.
//
// It needs forge ($BEACONPROOF_FORGE, or forge on PATH), node, and
// scripts/solc's solc-js (forge compiles with it through
// scripts/solc/forge-solc.js: no compiler download). Without forge it is
// skipped, unless BEACONPROOF_FOUNDRY=1: scripts/foundry.sh, which .ci/run
// calls, installs Foundry from npm, sets both and runs this test.
func TestFoundryFixtures(t *testing.T) {
	required := os.Getenv("BEACONPROOF_FOUNDRY") == "1"
	forge := os.Getenv("BEACONPROOF_FORGE")
	if forge == "" {
		forge, _ = exec.LookPath("forge")
	}
	if forge == "" {
		if required {
			t.Fatal("BEACONPROOF_FOUNDRY=1 but no forge: set BEACONPROOF_FORGE or put forge on PATH")
		}
		t.Skip("forge not found: scripts/foundry.sh installs Foundry from npm and runs this test (CI runs it that way)")
	}
	if testing.Short() && !required {
		t.Skip("builds the CLI and runs forge")
	}
	solc, err := filepath.Abs(filepath.Join("..", "..", "scripts", "solc", "forge-solc.js"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join("..", "..", "scripts", "solc", "node_modules", "solc", "package.json")); err != nil {
		t.Fatalf("solc-js is not installed (run npm ci in scripts/solc, or scripts/foundry.sh): %v", err)
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("forge compiles with solc-js through %s, which needs node: %v", solc, err)
	}

	// The project, copied with the verifier's sources in the same relative
	// place, so that forge writes its cache and output, and reads the
	// fixtures, outside the repository.
	dir := t.TempDir()
	proj := filepath.Join(dir, "foundry")
	copyFiles(t, filepath.Join("..", "..", "testdata", "foundry"), proj, "foundry.toml")
	copyFiles(t, filepath.Join("..", "..", "testdata", "foundry", "test"), filepath.Join(proj, "test"), "*.sol")
	copyFiles(t, solidityDir, filepath.Join(dir, "solidity"), "*.sol")

	bin := buildCLI(t, dir)
	in := writeCLIInputs(t, dir)
	var sets []string
	for _, set := range cliFixtureSets(in) {
		writeCLIFixtures(t, bin, set, filepath.Join(proj, "fixtures", set.name))
		sets = append(sets, "fixtures/"+set.name)
	}

	cmd := exec.CommandContext(t.Context(), forge, "test", "--root", proj, "--use", solc, "--offline", "--color", "never")
	cmd.Env = append(os.Environ(), "BEACONPROOF_FIXTURE_SETS="+strings.Join(sets, ","))
	out, err := cmd.CombinedOutput()
	t.Logf("forge test:\n%s", out)
	if err != nil {
		t.Fatalf("forge test: %v", err)
	}
	// Every test of the project ran and passed.
	src, err := os.ReadFile(filepath.Join(proj, "test", "BeaconProofFixtures.t.sol"))
	if err != nil {
		t.Fatal(err)
	}
	want := len(regexp.MustCompile(`(?m)^\s*function test_\w+\(`).FindAll(src, -1))
	m := regexp.MustCompile(`(\d+) tests passed, (\d+) failed, (\d+) skipped \((\d+) total tests\)`).FindSubmatch(out)
	if m == nil {
		t.Fatal("no summary in forge's output")
	}
	passed, _ := strconv.Atoi(string(m[1]))
	if passed != want || string(m[2]) != "0" || string(m[3]) != "0" {
		t.Fatalf("forge: %s passed, %s failed, %s skipped; want all %d passed", m[1], m[2], m[3], want)
	}
}

// copyFiles copies the files of dir src matching pattern into dst.
func copyFiles(t *testing.T, src, dst, pattern string) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(src, pattern))
	if err != nil || len(names) == 0 {
		t.Fatalf("no %s in %s (%v)", pattern, src, err)
	}
	if err := os.MkdirAll(dst, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, filepath.Base(name)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
