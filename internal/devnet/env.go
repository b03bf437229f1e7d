package devnet

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Environment variables.
const (
	// EnvE2E asks for the end-to-end tests: BEACONPROOF_E2E=1.
	EnvE2E = "BEACONPROOF_E2E"
	// EnvDevnet is the devnet recipe folder (default ../shared/devnet
	// from the repository root).
	EnvDevnet = "BEACONPROOF_DEVNET"
	// EnvCache is the folder Lodestar is built into, once per machine.
	EnvCache = "BEACONPROOF_CACHE"
)

// LodestarVersion is the version the recipe builds; it names the build
// folder in the cache.
const LodestarVersion = "1.22.0"

// Recipe is a devnet recipe folder and the cache folder of its build.
type Recipe struct {
	// Dir is the recipe folder: setup.sh, start.sh, exit.sh.
	Dir string
	// Cache is the folder Build builds Lodestar into (a subfolder of it).
	Cache string
}

// Enabled reports whether the end-to-end tests are asked for.
func Enabled() bool { return os.Getenv(EnvE2E) == "1" }

// Require returns the recipe for an end-to-end test. It skips the test
// unless BEACONPROOF_E2E=1, and fails it with one message that lists
// everything missing when the recipe folder, node (20 or later), npm, or,
// when Lodestar is not built yet, the C/C++ toolchain is absent.
func Require(t testing.TB) *Recipe {
	t.Helper()
	if !Enabled() {
		t.Skipf("end-to-end test against a real beacon node: set %s=1 to run it (needs node >= 20, npm, a C/C++ toolchain and the devnet recipe, %s)", EnvE2E, EnvDevnet)
	}
	r, missing := Find()
	if len(missing) > 0 {
		t.Fatalf("%s=1 but the devnet cannot run: %s", EnvE2E, strings.Join(missing, "; "))
	}
	return r
}

// Find locates the recipe and the cache and lists what is missing to
// build and run the node.
func Find() (*Recipe, []string) {
	var missing []string
	r := &Recipe{Dir: os.Getenv(EnvDevnet), Cache: os.Getenv(EnvCache)}
	if r.Dir == "" {
		if root, err := repoRoot(); err == nil {
			r.Dir = filepath.Join(filepath.Dir(root), "shared", "devnet")
		}
	}
	if r.Dir == "" {
		missing = append(missing, fmt.Sprintf("the devnet recipe folder: set %s", EnvDevnet))
	} else {
		for _, f := range []string{"setup.sh", "start.sh", "exit.sh"} {
			if _, err := os.Stat(filepath.Join(r.Dir, f)); err != nil {
				missing = append(missing, fmt.Sprintf("the devnet recipe folder %s (no %s; set %s)", r.Dir, f, EnvDevnet))
				break
			}
		}
	}
	if r.Cache == "" {
		if d, err := os.UserCacheDir(); err == nil {
			r.Cache = filepath.Join(d, "beaconproof")
		} else {
			missing = append(missing, fmt.Sprintf("a cache folder: set %s (%v)", EnvCache, err))
		}
	}
	missing = append(missing, missingTools(r)...)
	return r, missing
}

// missingTools lists the programs the recipe needs that are absent:
// node 20 or later, npm, bash and curl always; cc, c++, make and python3
// when Lodestar is not built yet.
func missingTools(r *Recipe) []string {
	var missing []string
	need := []string{"bash", "curl", "node", "npm"}
	if r.Cache == "" || !r.built() {
		need = append(need, "cc", "c++", "make", "python3")
	}
	for _, p := range need {
		if _, err := exec.LookPath(p); err != nil {
			what := p
			switch p {
			case "node", "npm":
				what = p + " (Node.js 20 or later)"
			case "cc", "c++", "make", "python3":
				what = p + " (to build Lodestar's native modules: apt-get install build-essential python3)"
			}
			missing = append(missing, what+" is not on PATH")
		}
	}
	if path, err := exec.LookPath("node"); err == nil {
		out, err := exec.Command(path, "--version").Output()
		if v, ok := nodeMajor(string(out)); err != nil || !ok || v < 20 {
			missing = append(missing, fmt.Sprintf("node 20 or later (found %q)", strings.TrimSpace(string(out))))
		}
	}
	return missing
}

var nodeVersionRE = regexp.MustCompile(`^v(\d+)\.`)

// nodeMajor reads the major version of `node --version` ("v20.11.1").
func nodeMajor(s string) (int, bool) {
	m := nodeVersionRE.FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return 0, false
	}
	v, err := strconv.Atoi(m[1])
	return v, err == nil
}

// repoRoot returns the folder of go.mod above the working directory.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("devnet: no go.mod above %s", dir)
		}
		dir = parent
	}
}
