package verifiers

import (
	"testing"
)

// TestProductionVerifiers runs the CLI's output through each production
// verifier in go-ethereum's EVM, on each fork.
func TestProductionVerifiers(t *testing.T) {
	g := &gasTable{}
	for i, fc := range forkCases {
		t.Run("rocketpool/"+fc.fork, func(t *testing.T) {
			t.Parallel()
			in := writeInputs(t, fc.fork, fc.network, uint64(i+1))
			testRocketPool(t, in, g)
		})
		if fc.fork == "gloas" {
			continue
		}
		t.Run("eigenlayer/"+fc.fork, func(t *testing.T) {
			t.Parallel()
			in := writeInputs(t, fc.fork, fc.network, uint64(i+1))
			testEigenLayer(t, in, g)
		})
	}
}
