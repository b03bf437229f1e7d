package verifiers

import (
	"bytes"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
)

// TestCompile compiles every verifier and deploys it: the deployed code is
// the compiler's runtime code (immutables aside).
func TestCompile(t *testing.T) {
	e, err := NewEVM()
	if err != nil {
		t.Fatal(err)
	}
	net, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	rp := DeployRocketPool(t, e, net)
	el := DeployEigenHarness(t, e, 1)
	for _, d := range []*Deployed{rp, el} {
		code := e.State().GetCode(d.Address)
		if len(code) != len(d.Contract.DeployedBytecode) || len(code) == 0 {
			t.Errorf("%s: %d bytes deployed, runtime code has %d", d.Contract.Name, len(code), len(d.Contract.DeployedBytecode))
		}
		t.Logf("%s (%s): %d bytes", d.Contract.Name, d.Contract.Compiler, len(code))
	}
	v, m := CompileLido(t)
	t.Logf("%s: %d bytes, %s: %d bytes", v.Name, len(v.DeployedBytecode), m.Name, len(m.DeployedBytecode))
	if bytes.Equal(v.DeployedBytecode, m.DeployedBytecode) {
		t.Fatal("same code")
	}
}
