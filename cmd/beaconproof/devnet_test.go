package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
)

// Regression tests of issue 13: a local devnet (Lodestar's dev chain) is a
// minimal-preset chain on the consensus specs' minimal config versions
// (0x04000001 for deneb), every fork from genesis, on a network no
// built-in table has. Its states and blocks are made up here; the real
// node runs in internal/e2e.

// devnetConfig is a config.yaml of such a devnet.
const devnetConfig = `PRESET_BASE: 'minimal'
CONFIG_NAME: 'devnet-13'
SECONDS_PER_SLOT: 2
GENESIS_FORK_VERSION: 0x00000001
ALTAIR_FORK_VERSION: 0x01000001
ALTAIR_FORK_EPOCH: 0
BELLATRIX_FORK_VERSION: 0x02000001
BELLATRIX_FORK_EPOCH: 0
CAPELLA_FORK_VERSION: 0x03000001
CAPELLA_FORK_EPOCH: 0
DENEB_FORK_VERSION: 0x04000001
DENEB_FORK_EPOCH: 0
ELECTRA_FORK_VERSION: 0x05000001
ELECTRA_FORK_EPOCH: 18446744073709551615
`

const devnetGenesis = 1796585809

// devnetChain returns a devnet's deneb state at slot whose history holds
// blocks at the past slots, each paying one withdrawal.
func devnetChain(t *testing.T, slot uint64, version [4]byte, past ...uint64) *synth.Chain {
	t.Helper()
	c, err := synth.NewChain(synth.ChainOptions{
		Fork: fork.Deneb, Preset: fork.PresetMinimal,
		Options: synth.Options{Validators: 32, Slot: slot, Seed: 13, ForkVersion: version, GenesisTime: devnetGenesis, RecentRoots: 64},
		Past:    past,
		Withdrawals: []synth.Withdrawal{
			{Index: 40, ValidatorIndex: 1, Address: [20]byte{19: 0x01}, Amount: 31_990_951_336},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Bug 1: root of a minimal devnet state, its fork detected from 0x04000001.
func TestDevnetStateRoot(t *testing.T) {
	c := devnetChain(t, 100, [4]byte{4, 0, 0, 1})
	file := writeFile(t, t.TempDir(), "state.ssz", c.State)
	r := runCLI(t, nil, "root", "--preset", "minimal", file).ok(t)
	if got := strings.TrimSpace(r.stdout); got != proof.FormatHash(c.StateRoot) {
		t.Fatalf("root %s, want %s", got, proof.FormatHash(c.StateRoot))
	}
	// The mainnet preset (the default) says which preset the version is of.
	runCLI(t, nil, "root", file).failsWithOneLine(t, "minimal preset")
}

// A devnet's own config.yaml names its forks: detection through it finds
// deneb from 0x04000001 on the minimal preset.
func TestDevnetConfigDetects(t *testing.T) {
	net, err := fork.LoadNetworkConfig(strings.NewReader(devnetConfig))
	if err != nil {
		t.Fatal(err)
	}
	c := devnetChain(t, 100, [4]byte{4, 0, 0, 1})
	f, err := fork.DetectFromStateBytes(c.State, fork.PresetMinimal, net)
	if err != nil || f.Name != fork.Deneb {
		t.Fatalf("detected %v, %v; want deneb", f, err)
	}
}
