package e2e

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"
)

// sourceHash is compile.js's hash of the Solidity sources: sha256 over the
// .sol files sorted by name, each as name, NUL, content, NUL.
func sourceHash(t *testing.T) (string, []string) {
	t.Helper()
	entries, err := os.ReadDir(solidityDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".sol") && !e.IsDir() {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names) // compile.js sorts by UTF-16 code units; the names are ASCII
	h := sha256.New()
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(solidityDir, n))
		if err != nil {
			t.Fatal(err)
		}
		h.Write([]byte(n))
		h.Write([]byte{0})
		h.Write(b)
		h.Write([]byte{0})
	}
	return hex.EncodeToString(h.Sum(nil)), names
}

// pinnedSolc returns the solc version scripts/solc pins in package.json and
// package-lock.json.
func pinnedSolc(t *testing.T) string {
	t.Helper()
	dir := filepath.Join("..", "..", "scripts", "solc")
	var pkg struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	b, err := os.ReadFile(filepath.Join(dir, "package.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &pkg); err != nil {
		t.Fatal(err)
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	b, err = os.ReadFile(filepath.Join(dir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &lock); err != nil {
		t.Fatal(err)
	}
	v := pkg.Dependencies["solc"]
	if v == "" || strings.ContainsAny(v, "^~<>*x ") {
		t.Fatalf("package.json must pin an exact solc version, has %q", v)
	}
	if got := lock.Packages["node_modules/solc"].Version; got != v {
		t.Fatalf("package-lock.json has solc %q, package.json %q", got, v)
	}
	return v
}

// TestVerifierArtifactUpToDate checks that the committed compiled verifier
// was built from the current Solidity sources with the pinned compiler, and
// that its creation code deploys its runtime code. Run
// scripts/solc/compile.sh after changing a .sol file.
func TestVerifierArtifactUpToDate(t *testing.T) {
	want, names := sourceHash(t)
	art, _ := loadArtifact(t, "BeaconProofVerifier")
	if art.SourceHash != want {
		t.Fatalf("testdata/solidity/BeaconProofVerifier.json was compiled from other sources (hash %s, sources now hash %s): run scripts/solc/compile.sh", art.SourceHash, want)
	}
	if strings.Join(art.Sources, ",") != strings.Join(names, ",") {
		t.Fatalf("artifact sources %v, directory has %v", art.Sources, names)
	}
	pinned := pinnedSolc(t)
	if art.Compiler.Name != "solc-js" || !strings.HasPrefix(art.Compiler.Version, pinned+"+") {
		t.Fatalf("artifact compiled by %s %s, scripts/solc pins solc %s: run scripts/solc/compile.sh", art.Compiler.Name, art.Compiler.Version, pinned)
	}
	e := newEVM(t)
	code := e.State().GetCode(e.verifier)
	deployed, err := hex.DecodeString(strings.TrimPrefix(art.DeployedBytecode, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(code, deployed) {
		t.Fatalf("deploying bytecode gives %d bytes of code, deployedBytecode has %d", len(code), len(deployed))
	}
	// The verifier reads the contract go-ethereum installs.
	input, err := e.abi.Pack("BEACON_ROOTS")
	if err != nil {
		t.Fatal(err)
	}
	ret, _, err := e.call(input, 1_800_000_000)
	if err != nil || common.BytesToAddress(ret) != params.BeaconRootsAddress || params.BeaconRootsAddress != eip4788.BeaconRootsAddress {
		t.Fatalf("BEACON_ROOTS() = %x, %v", ret, err)
	}
}
