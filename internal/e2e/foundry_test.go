package e2e

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/internal/verifiers"
)

// TestFoundryFixtures runs the fixture sets of TestCLIFixturesInEVM, written
// by `beaconproof fixtures` into a temporary directory, through real Foundry
// runs of the project testdata/foundry, whose tests read every file with
// vm.readFile and vm.parseJsonType into a verifier's structs, etch the
// EIP-4788 contract's code and feed it each set's anchor root by the system
// call:
//
//   - reference (the default profile): every proof through
//     BeaconProofVerifier, and every proof changed in one of four ways
//     reverts with the expected error;
//   - rocketpool (the rocketpool profile): every slot, validator and
//     withdrawal proof (recent and historical) through Rocket Pool's
//     BeaconStateVerifier, compiled with solc 0.8.30 in place from
//     $BEACONPROOF_CONTRACTS/rocketpool (default ../shared/contracts beside
//     the repository; skipped without it, failed under CI=true) and
//     constructed for mainnet, and every proof changed in one of five ways
//     refused with the verifier's exact answer.
//
// It needs forge ($BEACONPROOF_FORGE, or forge on PATH), node, and
// scripts/solc's solc-js 0.8.37 and 0.8.30 (forge compiles with them through
// scripts/solc/forge-solc.js and forge-solc-0.8.30.js: no compiler
// download). Without forge it is skipped, unless BEACONPROOF_FOUNDRY=1:
// scripts/foundry.sh, which .ci/run calls, installs Foundry from npm, sets
// both and runs this test.
func TestFoundryFixtures(t *testing.T) {
	forge := foundryTools(t)
	solc, err := filepath.Abs(filepath.Join("..", "..", "scripts", "solc"))
	if err != nil {
		t.Fatal(err)
	}

	// The project, copied with the verifier's sources in the same relative
	// place, so that forge writes its cache and output, and reads the
	// fixtures, outside the repository.
	dir := t.TempDir()
	proj := filepath.Join(dir, "foundry")
	copyFiles(t, filepath.Join("..", "..", "testdata", "foundry"), proj, "foundry.toml")
	for _, sub := range []string{"test", "rocketpool"} {
		copyFiles(t, filepath.Join("..", "..", "testdata", "foundry", sub), filepath.Join(proj, sub), "*.sol")
	}
	copyFiles(t, solidityDir, filepath.Join(dir, "solidity"), "*.sol")

	bin := buildCLI(t, dir)
	in := writeCLIInputs(t, dir)
	var sets []string
	for _, set := range cliFixtureSets(in) {
		writeCLIFixtures(t, bin, set, filepath.Join(proj, "fixtures", set.name))
		sets = append(sets, "fixtures/"+set.name)
	}

	t.Run("reference", func(t *testing.T) {
		runForge(t, forge, proj, "default", filepath.Join(solc, "forge-solc.js"), sets, "test/BeaconProofFixtures.t.sol")
	})
	t.Run("rocketpool", func(t *testing.T) {
		rp := filepath.Join(verifiers.ContractsDir(t), "rocketpool")
		runForge(t, forge, proj, "rocketpool", filepath.Join(solc, "forge-solc-0.8.30.js"), sets,
			"rocketpool/RocketPoolFixtures.t.sol", "--remappings", "@rocketpool/="+rp+string(filepath.Separator))
	})
}

// foundryTools returns forge, skipping t when it is absent (failing it
// under BEACONPROOF_FOUNDRY=1), and checks that node and scripts/solc's
// compilers are installed.
func foundryTools(t *testing.T) string {
	t.Helper()
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
	for _, pkg := range []string{"solc", "solc-0.8.30"} {
		if _, err := os.Stat(filepath.Join("..", "..", "scripts", "solc", "node_modules", pkg, "package.json")); err != nil {
			t.Fatalf("solc-js (%s) is not installed (run npm ci in scripts/solc, or scripts/foundry.sh): %v", pkg, err)
		}
	}
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatalf("forge compiles with solc-js through scripts/solc/forge-solc*.js, which need node: %v", err)
	}
	return forge
}

// runForge runs `forge test` in the project proj with the Foundry profile,
// the compiler solc and the extra arguments, over the fixture sets, and
// checks that every test function of the file src (relative to proj) ran
// and passed, from forge's summary: the exit status alone is not enough
// (npm's forge wrapper, bin.mjs, exits 0 whatever forge's status).
func runForge(t *testing.T, forge, proj, profile, solc string, sets []string, src string, args ...string) {
	t.Helper()
	all := append([]string{"test", "--root", proj, "--use", solc, "--offline", "--color", "never"}, args...)
	cmd := exec.CommandContext(t.Context(), forge, all...)
	cmd.Env = append(os.Environ(), "FOUNDRY_PROFILE="+profile, "BEACONPROOF_FIXTURE_SETS="+strings.Join(sets, ","))
	out, err := cmd.CombinedOutput()
	t.Logf("FOUNDRY_PROFILE=%s forge %s:\n%s", profile, strings.Join(all, " "), out)
	if err != nil {
		t.Fatalf("forge test: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(proj, src))
	if err != nil {
		t.Fatal(err)
	}
	want := len(regexp.MustCompile(`(?m)^\s*function test_\w+\(`).FindAll(b, -1))
	m := regexp.MustCompile(`(\d+) tests passed, (\d+) failed, (\d+) skipped \((\d+) total tests\)`).FindSubmatch(out)
	if m == nil {
		t.Fatal("no summary in forge's output")
	}
	passed, _ := strconv.Atoi(string(m[1]))
	if passed != want || string(m[2]) != "0" || string(m[3]) != "0" {
		t.Fatalf("forge: %s passed, %s failed, %s skipped; want all %d of %s passed", m[1], m[2], m[3], want, src)
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
