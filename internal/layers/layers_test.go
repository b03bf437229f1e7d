// Package layers checks the import rules of docs/ARCHITECTURE.md: each
// library package imports only the packages below it, never upward, and
// nothing in the library or the CLI uses cgo.
package layers

import (
	"encoding/json"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/beaconproof/beaconproof/"

// below lists, for each library package, the module's packages it may
// import (non-test code). A package not listed here may not be imported by
// any listed one; a new library package gets its row here and in
// docs/ARCHITECTURE.md.
var below = map[string][]string{
	"proof":          {},
	"ssz":            {"proof"},
	"fork":           {"proof", "ssz"},
	"beaconstate":    {"proof", "ssz", "fork"},
	"staking":        {"proof", "ssz", "fork", "beaconstate"},
	"staking/format": {"proof", "ssz", "fork", "beaconstate", "staking"},
	"beaconapi":      {"proof", "ssz", "fork", "beaconstate", "staking"},
	"eip4788":        {"proof", "ssz", "fork", "beaconstate", "staking"},
	"era":            {"proof", "ssz", "fork", "beaconstate"},
	"watch":          {"proof", "ssz", "fork", "beaconstate", "staking", "staking/format", "beaconapi", "eip4788", "era"},
	"testdata":       {},
}

type listed struct {
	ImportPath string
	Imports    []string
	CgoFiles   []string
}

// goList returns the module's packages as go list describes them.
func goList(t *testing.T) []listed {
	t.Helper()
	cmd := exec.Command("go", "list", "-json", "../../...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	var pkgs []listed
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listed
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

// TestLayers fails when a library package imports a package of the
// module that is not below it (internal/ included), or uses cgo.
func TestLayers(t *testing.T) {
	seen := map[string]bool{}
	for _, p := range goList(t) {
		name := strings.TrimPrefix(p.ImportPath, module)
		allowed, library := below[name]
		if !library {
			continue
		}
		seen[name] = true
		if len(p.CgoFiles) > 0 {
			t.Errorf("%s uses cgo (%v): the library is pure Go", name, p.CgoFiles)
		}
		for _, imp := range p.Imports {
			dep, ok := strings.CutPrefix(imp, module)
			if ok && !slices.Contains(allowed, dep) {
				t.Errorf("%s imports %s, which is not below it (docs/ARCHITECTURE.md)", name, dep)
			}
		}
	}
	for _, must := range []string{"proof", "ssz", "fork", "beaconstate", "staking", "staking/format", "beaconapi", "eip4788"} {
		if !seen[must] {
			t.Errorf("package %s not found by go list", must)
		}
	}
}
