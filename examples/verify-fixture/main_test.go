package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/internal/vectors"
)

func TestVerifyFixture(t *testing.T) {
	var out bytes.Buffer
	ok, err := run(&out, nil)
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v\n%s", ok, err, out.String())
	}
	for _, want := range []string{
		"wrote 4 fixtures of validator 13\n",
		"validator-13.json: 3 json proofs under the block root 0x57d8e80d2a820cb488d356e8d5db44397d6bad74aafb78e7ae4da8fa216c7765 at slot 13165000, ok\n",
		"validator-13.rocketpool.json: 3 Rocket Pool proofs under the block root 0x57d8e80d2a820cb488d356e8d5db44397d6bad74aafb78e7ae4da8fa216c7765 at slot 13165000, ok\n",
		"validator-13.eigenlayer.json: EigenLayer: 1 validators, 1 balances, state root 0x",
		"validator-13.calldata.json: rocketpool calldata: 4 values, 2 calls, ok\n",
		"tampered.json (effective balance 2048 ETH): rejected at validatorProofs[0] (validator 13): merkle root mismatch\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}

// TestVerifyFiles verifies given files: the real protocol vectors, and a
// broken file, which fails.
func TestVerifyFiles(t *testing.T) {
	files, _ := filepath.Glob(vectors.Path(t, "protocols", "*.json"))
	if len(files) == 0 {
		t.Fatal("no protocol vectors")
	}
	var out bytes.Buffer
	ok, err := run(&out, files)
	if err != nil || !ok {
		t.Fatalf("ok %v, err %v\n%s", ok, err, out.String())
	}
	if !strings.Contains(out.String(), "rocketpool-mainnet.json: 7 protocol vectors, ok\n") {
		t.Errorf("output:\n%s", out.String())
	}
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"root": "0x00", "proofs": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if ok, err := run(&out, []string{bad}); err != nil || ok || !strings.Contains(out.String(), "bad.json: FAILED: ") {
		t.Errorf("ok %v, err %v, output %q", ok, err, out.String())
	}
}
