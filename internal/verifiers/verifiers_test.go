package verifiers

import (
	"sort"
	"strings"
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
			testLido(t, fc.fork, uint64(40+i))
		})
		if fc.fork == fork.Gloas {
			continue
		}
		t.Run("lido-csm-cli/"+fc.fork, func(t *testing.T) {
			t.Parallel()
			testLidoCLI(t, fc.fork, uint64(50+i), g)
		})
	}
	t.Cleanup(func() {
		if !t.Failed() {
			g.check(t)
		}
	})
}

// TestLidoHasNoSlashingProof pins what the CSVerifier in
// BEACONPROOF_CONTRACTS takes: processWithdrawalProof and
// processHistoricalWithdrawalProof, and no processSlashingProof (issue
// 12 lists one; the pinned commit has none). The README and
// eip4788/GAS.md say so; when a contract update adds it, this fails, and
// the lido format has a call to add.
func TestLidoHasNoSlashingProof(t *testing.T) {
	verifier, _ := CompileLido(t)
	var process []string
	for name := range verifier.ABI.Methods {
		if strings.HasPrefix(name, "process") {
			process = append(process, name)
		}
	}
	sort.Strings(process)
	if got, want := strings.Join(process, " "), "processHistoricalWithdrawalProof processWithdrawalProof"; got != want {
		t.Errorf("CSVerifier's process functions: %s, want %s (no processSlashingProof)", got, want)
	}
	if _, ok := verifier.ABI.Methods["processSlashingProof"]; ok {
		t.Error("the pinned CSVerifier has processSlashingProof: the lido format and the docs say it has not")
	}
}
