package verifiers

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// ModuleRoot returns the repository's root folder (the module root).
func ModuleRoot() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// unavailable skips t with the message, or fails it under CI=true, where
// every test must run.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}

// ContractsDir returns the production contracts folder
// (BEACONPROOF_CONTRACTS, default ../shared/contracts next to the
// repository), skipping or failing t when it is absent.
func ContractsDir(t testing.TB) string {
	t.Helper()
	d := os.Getenv("BEACONPROOF_CONTRACTS")
	if d == "" {
		d = filepath.Join(ModuleRoot(), "..", "shared", "contracts")
	}
	if _, err := os.Stat(filepath.Join(d, "README.md")); err != nil {
		unavailable(t, "production contracts not found at %s (set BEACONPROOF_CONTRACTS): %v", d, err)
	}
	abs, err := filepath.Abs(d)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}

// needTools skips or fails t when node or npm is missing.
func needTools(t testing.TB) {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			unavailable(t, "%s not found: compiling the production verifiers needs node and npm (the npm registry, once): %v", tool, err)
		}
	}
}

// CacheDir returns the folder compilers, packages and compiled contracts
// are cached in: $BEACONPROOF_CACHE, default beaconproof/ in the user cache
// folder ($XDG_CACHE_HOME or ~/.cache on Linux).
func CacheDir() (string, error) {
	if d := os.Getenv("BEACONPROOF_CACHE"); d != "" {
		return filepath.Abs(d)
	}
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "beaconproof"), nil
}
