// Package vectors locates the shared test vectors for the project's tests.
//
// The vectors live outside the repository (they are data nobody here wrote)
// and are read in place from the directory named by BEACONPROOF_VECTORS,
// which defaults to ../shared/vectors relative to the module root. When the
// directory is absent, tests skip with a clear message on a user's machine
// and fail under CI (CI=true), so that a green CI always means they ran.
package vectors

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the vectors directory, skipping or failing t when it is absent.
func Dir(t testing.TB) string {
	t.Helper()
	d := os.Getenv("BEACONPROOF_VECTORS")
	if d == "" {
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..")
		d = filepath.Join(root, "..", "shared", "vectors")
	}
	if _, err := os.Stat(filepath.Join(d, "README.md")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("test vectors not found at %s (set BEACONPROOF_VECTORS): %v", d, err)
		}
		t.Skipf("test vectors not found at %s; set BEACONPROOF_VECTORS to run this test", d)
	}
	return d
}

// Path joins elements onto the vectors directory.
func Path(t testing.TB, elem ...string) string {
	t.Helper()
	return filepath.Join(append([]string{Dir(t)}, elem...)...)
}
