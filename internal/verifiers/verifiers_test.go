package verifiers

import (
	"testing"

	"github.com/beaconproof/beaconproof/fork"
)

// TestProductionVerifiers runs the CLI's output through each production
// verifier in go-ethereum's EVM, on each fork: Rocket Pool's
// BeaconStateVerifier (testRocketPool), EigenLayer's BeaconChainProofs
// (testEigenLayer) and Lido CSM's CSVerifier (testLido, and the CLI's
// lido format in testLidoCLI, electra and fulu). It records the
// gas of each call and checks eip4788/GAS.md's section of it
// (BEACONPROOF_UPDATE_GAS=1 rewrites it); -v prints the table.
func TestProductionVerifiers(t *testing.T) {
	g := &gasTable{}
	for i, fc := range forkCases {
		t.Run("rocketpool/"+fc.fork, func(t *testing.T) {
			t.Parallel()
			testRocketPool(t, writeInputs(t, fc.fork, fc.network, uint64(i+1)), g)
		})
		if fc.fork == fork.Gloas {
			continue
		}
		t.Run("eigenlayer/"+fc.fork, func(t *testing.T) {
			t.Parallel()
			testEigenLayer(t, writeInputs(t, fc.fork, fc.network, uint64(i+1)), g)
		})
		if fc.fork == fork.Deneb {
			continue
		}
		t.Run("lido-csm/"+fc.fork, func(t *testing.T) {
			t.Parallel()
			testLido(t, fc.fork, uint64(40+i), g)
		})
		if fc.fork == fork.Gloas {
			continue
		}
		t.Run("lido-csm-cli/"+fc.fork, func(t *testing.T) {
			t.Parallel()
			testLidoCLI(t, fc.fork, uint64(50+i))
		})
	}
	t.Cleanup(func() {
		if !t.Failed() {
			g.check(t)
		}
	})
}
