package fork

import (
	"os"
	"path/filepath"
	"testing"
)

// vectorsDir returns the test vectors folder: $BEACONPROOF_VECTORS, or
// ../../shared/vectors from this package. The test is skipped when it is
// absent, except under CI (CI=true), where a green run must mean the
// vectors ran.
func vectorsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BEACONPROOF_VECTORS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "vectors")
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("test vectors not found at %s (set BEACONPROOF_VECTORS): %v", dir, err)
		}
		t.Skipf("test vectors not found at %s (set BEACONPROOF_VECTORS)", dir)
	}
	return dir
}

// mustSchemas returns a built-in fork's schemas or fails the test.
func mustSchemas(t testing.TB, fork, preset string) *Schemas {
	t.Helper()
	f, err := Lookup(fork)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Schemas(preset)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
