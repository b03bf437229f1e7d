package fork

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v2"

	"github.com/beaconproof/beaconproof/ssz"
)

// TestPortalMainnetBlocks checks the schemas against real mainnet blocks
// (portal-spec-tests): each block's hash tree root must be the recorded
// beacon block root, mainnet's fork schedule must put its slot in the fork
// of its folder, and the recorded proof of the execution block hash must
// verify at the generalized index our schema gives.
func TestPortalMainnetBlocks(t *testing.T) {
	dir := filepath.Join(vectorsDir(t), "portal-spec-tests", "tests", "mainnet", "history", "headers_with_proof")
	files, err := filepath.Glob(filepath.Join(dir, "block_proofs_*", "beacon_block_proof-*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no portal block proofs under %s: %v", dir, err)
	}
	mainnet, err := NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, file := range files {
		fork := strings.TrimPrefix(filepath.Base(filepath.Dir(file)), "block_proofs_")
		number := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "beacon_block_proof-"), ".yaml")
		block, err := os.ReadFile(filepath.Join(dir, "beacon_data", number, "block.ssz"))
		if os.IsNotExist(err) {
			continue // a proof without its block
		}
		if err != nil {
			t.Fatal(err)
		}
		t.Run(fork+"/"+number, func(t *testing.T) {
			raw, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				ExecutionBlockHeader string   `yaml:"execution_block_header"`
				ExecutionBlockProof  []string `yaml:"execution_block_proof"`
				BeaconBlockRoot      string   `yaml:"beacon_block_root"`
				Slot                 uint64   `yaml:"slot"`
			}
			if err := yaml.Unmarshal(raw, &v); err != nil {
				t.Fatal(err)
			}
			if got := mainnet.ForkAtSlot(v.Slot); got != fork {
				t.Errorf("mainnet ForkAtSlot(%d) = %s, folder says %s", v.Slot, got, fork)
			}
			if slot := binary.LittleEndian.Uint64(block); slot != v.Slot {
				t.Errorf("block slot %d, yaml %d", slot, v.Slot)
			}
			s := mustSchemas(t, fork, PresetMainnet)
			root, err := ssz.HashTreeRoot(s.BeaconBlock, block)
			if err != nil {
				t.Fatal(err)
			}
			if "0x"+hex.EncodeToString(root[:]) != v.BeaconBlockRoot {
				t.Fatalf("block root %x, recorded %s", root, v.BeaconBlockRoot)
			}
			g, _, err := s.BeaconBlock.Gindex("body.execution_payload.block_hash")
			if err != nil {
				t.Fatal(err)
			}
			gi, _ := g.Uint64()
			node := mustHex32(t, v.ExecutionBlockHeader)
			for _, sib := range v.ExecutionBlockProof {
				b := mustHex32(t, sib)
				if gi&1 == 1 {
					node = sha256.Sum256(append(b[:], node[:]...))
				} else {
					node = sha256.Sum256(append(node[:], b[:]...))
				}
				gi >>= 1
			}
			if gi != 1 || node != root {
				t.Errorf("execution block hash proof does not verify at gindex %s", g)
			}
			checked++
		})
	}
	if checked < 5 {
		t.Errorf("only %d portal blocks checked", checked)
	}
}

func mustHex32(t *testing.T, s string) [32]byte {
	t.Helper()
	var out [32]byte
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 32 {
		t.Fatalf("bad root %q", s)
	}
	copy(out[:], b)
	return out
}

// TestMainnetGenesisRoot checks the phase0 BeaconState schema against the
// real mainnet genesis state.
func TestMainnetGenesisRoot(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(vectorsDir(t), "genesis", "mainnet-genesis.ssz"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := ssz.HashTreeRoot(mustSchemas(t, Phase0, PresetMainnet).BeaconState, b)
	if err != nil {
		t.Fatal(err)
	}
	if want := "7e76880eb67bbdc86250aa578958e9d0675e64e714337855204fb5abaaf82c2b"; hex.EncodeToString(root[:]) != want {
		t.Errorf("genesis root %x, want 0x%s", root, want)
	}
}
