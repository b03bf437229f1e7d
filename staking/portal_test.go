package staking

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v2"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// The portal-spec-tests hold real mainnet blocks (history/headers_with_proof
// /beacon_data/<execution block number>/block.ssz, an unsigned
// BeaconBlock), the block_roots vector of the era of each capella and later
// block (block_roots.ssz; bellatrix blocks have the era's HistoricalBatch
// instead), the proof of each block root into that vector
// (block_proofs_<fork>/beacon_block_proof-<number>.yaml), and the mainnet
// historical_summaries at slot 11476992 (the list's SSZ), whose
// block_summary_roots are the roots of those vectors.

type portalBlockProof struct {
	ExecutionBlockHeader string   `yaml:"execution_block_header"`
	ExecutionBlockProof  []string `yaml:"execution_block_proof"`
	BeaconBlockRoot      string   `yaml:"beacon_block_root"`
	BeaconBlockProof     []string `yaml:"beacon_block_proof"`
	Slot                 uint64   `yaml:"slot"`
}

func portalDir(t *testing.T) string {
	return vectors.Path(t, "portal-spec-tests", "tests", "mainnet")
}

func readYAML(t *testing.T, file string, v any) {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
}

// TestStakingPortalBlocks proves, from real mainnet blocks, every
// withdrawal (ProveBlockWithdrawal) against the recorded block root, the
// execution block hash (ProveBlockField) exactly as recorded, and ties
// each block into its era: the proof of block_roots[slot % 8192] in the
// era's vector equals the recorded one, the vector's root is the era's
// historical_summaries[era − 758].block_summary_root (capella on), and the
// withdrawal proof composed below it verifies against that summary root,
// at the gindex of the historical route's last two hops.
func TestStakingPortalBlocks(t *testing.T) {
	dir := filepath.Join(portalDir(t), "history", "headers_with_proof")
	summariesBytes, err := os.ReadFile(filepath.Join(dir, "beacon_data", "historical_summaries_at_slot_11476992.ssz"))
	if err != nil {
		t.Fatal(err)
	}
	s, err := fork.SchemasOf("capella", "mainnet")
	if err != nil {
		t.Fatal(err)
	}
	summariesType := ssz.List(s.HistoricalSummary, s.Preset.HistoricalRootsLimit)
	if err := ssz.Validate(summariesType, summariesBytes); err != nil {
		t.Fatal(err)
	}
	const offset, sphr = 758, 8192
	if n := uint64(len(summariesBytes) / 64); n != 11476992/sphr-offset {
		t.Fatalf("historical_summaries at slot 11476992 has %d entries, want %d", n, 11476992/sphr-offset)
	}
	files, err := filepath.Glob(filepath.Join(dir, "block_proofs_*", "beacon_block_proof-*.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	withdrawals := map[string]int{}
	for _, file := range files {
		forkName := strings.TrimPrefix(filepath.Base(filepath.Dir(file)), "block_proofs_")
		number := strings.TrimSuffix(strings.TrimPrefix(filepath.Base(file), "beacon_block_proof-"), ".yaml")
		data := filepath.Join(dir, "beacon_data", number)
		if _, err := os.Stat(filepath.Join(data, "block.ssz")); err != nil {
			continue // a proof without its block
		}
		t.Run(forkName+"/"+number, func(t *testing.T) {
			var v portalBlockProof
			readYAML(t, file, &v)
			root := mustHash(t, v.BeaconBlockRoot)
			block, err := beaconstate.LoadFile(ctx, filepath.Join(data, "block.ssz"), beaconstate.LoadOptions{Fork: forkName, Type: "BeaconBlock"})
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := block.Slot(); got != v.Slot {
				t.Fatalf("block slot %d, recorded %d", got, v.Slot)
			}

			// The execution block hash, as the recorded proof has it.
			c, err := ProveBlockField(block, "block_hash")
			if err != nil {
				t.Fatal(err)
			}
			if c.Anchor.Root != root || c.Anchor.Slot != v.Slot || c.Anchor.Kind != AnchorBlock {
				t.Fatalf("anchor %+v, recorded root %s slot %d", c.Anchor, v.BeaconBlockRoot, v.Slot)
			}
			if err := c.Verify(root); err != nil {
				t.Fatal(err)
			}
			g, err := BlockFieldGindex(forkName, "", "block_hash")
			if err != nil {
				t.Fatal(err)
			}
			want := proof.Proof{Gindex: g, Leaf: mustHash(t, v.ExecutionBlockHeader), Branch: mustHashes(t, v.ExecutionBlockProof)}
			if !proofsEqual(c.Proof, want) {
				t.Errorf("block_hash proof differs from the recorded one")
			}

			// The block into its era.
			idx := v.Slot % sphr
			var eraProof proof.Proof
			var eraRoot [32]byte
			if forkName == "bellatrix" {
				batch, err := os.ReadFile(filepath.Join(data, "historical_batch.ssz"))
				if err != nil {
					t.Fatal(err)
				}
				tree, err := ssz.NewTree(s.HistoricalBatch, batch)
				if err != nil {
					t.Fatal(err)
				}
				gb, _, err := s.HistoricalBatch.Gindex(fmt.Sprintf("block_roots[%d]", idx))
				if err != nil {
					t.Fatal(err)
				}
				if eraProof, err = tree.Prove(gb); err != nil {
					t.Fatal(err)
				}
				eraRoot, _ = tree.Root()
			} else {
				vec, err := os.ReadFile(filepath.Join(data, "block_roots.ssz"))
				if err != nil {
					t.Fatal(err)
				}
				vt := ssz.Vector(ssz.Bytes32, sphr)
				tree, err := ssz.NewTree(vt, vec)
				if err != nil {
					t.Fatal(err)
				}
				gv, _, err := vt.Gindex(fmt.Sprintf("[%d]", idx))
				if err != nil {
					t.Fatal(err)
				}
				if eraProof, err = tree.Prove(gv); err != nil {
					t.Fatal(err)
				}
				eraRoot, _ = tree.Root()
				era := v.Slot / sphr
				k := era - offset
				summary := mustSlice32(summariesBytes[64*k:])
				if eraRoot != summary {
					t.Fatalf("era %d block_roots hash to %x, historical_summaries[%d].block_summary_root is %x", era, eraRoot, k, summary)
				}
			}
			if eraProof.Leaf != root {
				t.Fatalf("era vector entry %d is %x, the block root %s", idx, eraProof.Leaf, v.BeaconBlockRoot)
			}
			if !equalBranch(eraProof.Branch, mustHashes(t, v.BeaconBlockProof)) {
				t.Errorf("block_roots proof differs from the recorded beacon_block_proof")
			}
			if err := eraProof.Verify(eraRoot); err != nil {
				t.Fatal(err)
			}

			// Every withdrawal (capella on), against the recorded root and,
			// composed, against the era's summary root.
			if forkName == "bellatrix" {
				if _, err := ProveBlockWithdrawal(block, 0); err == nil {
					t.Error("a bellatrix block proves a withdrawal")
				}
				return
			}
			n, err := block.WithdrawalCount()
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 { // the first capella blocks withdrew nothing
				if _, err := ProveBlockWithdrawal(block, 0); err == nil {
					t.Error("a block without withdrawals proves withdrawal 0")
				}
				return
			}
			for i := uint64(0); i < n; i++ {
				c, err := ProveBlockWithdrawal(block, i)
				if err != nil {
					t.Fatal(err)
				}
				if err := c.Verify(root); err != nil {
					t.Fatalf("withdrawal %d: %v", i, err)
				}
				g, err := beaconstate.Gindex(forkName, "", "BeaconBlock", fmt.Sprintf("body.execution_payload.withdrawals[%d]", i))
				if err != nil {
					t.Fatal(err)
				}
				if !c.Proof.Gindex.Equal(g) {
					t.Errorf("withdrawal %d gindex %s, schema %s", i, c.Proof.Gindex, g)
				}
				val := valueMap(t, c)
				if c.Proof.Leaf != valueRoot(t, s.Withdrawal, val) {
					t.Errorf("withdrawal %d: leaf is not the root of the value %s", i, valueJSON(t, c))
				}
				if val["withdrawal_slot"] != fmt.Sprint(v.Slot) || val["withdrawal_num"] != fmt.Sprint(i) {
					t.Errorf("withdrawal %d value %s", i, valueJSON(t, c))
				}
				composed, err := proof.Compose(eraProof, c.Proof)
				if err != nil {
					t.Fatal(err)
				}
				if err := composed.Verify(eraRoot); err != nil {
					t.Fatal(err)
				}
				checkTamper(t, fmt.Sprintf("withdrawal %d", i), composed, eraRoot, i == 0)
				withdrawals[forkName]++
			}
		})
	}
	if withdrawals["capella"] == 0 || withdrawals["deneb"] == 0 {
		t.Errorf("withdrawals proved per fork: %v; want capella and deneb", withdrawals)
	}
}

// TestStakingPortalHistoricalSummaries checks the historical_summaries
// proofs of the portal tests (deneb and electra states from the consensus
// spec tests): the list hashes to the recorded root, and the recorded
// proof verifies against the state root at AnchoredGindex's gindex of
// historical_summaries.
func TestStakingPortalHistoricalSummaries(t *testing.T) {
	for _, forkName := range []string{"deneb", "electra"} {
		t.Run(forkName, func(t *testing.T) {
			var v struct {
				ContentValue   string   `yaml:"content_value"`
				StateRoot      string   `yaml:"beacon_state_root"`
				Epoch          uint64   `yaml:"epoch"`
				SummariesRoot  string   `yaml:"historical_summaries_root"`
				SummariesProof []string `yaml:"historical_summaries_state_proof"`
			}
			readYAML(t, filepath.Join(portalDir(t), "beacon_chain", "historical_summaries_with_proof", forkName, "historical_summaries_with_proof.yaml"), &v)
			s, err := fork.SchemasOf(forkName, "mainnet")
			if err != nil {
				t.Fatal(err)
			}
			g, err := AnchoredGindex(forkName, "", AnchorState, "historical_summaries")
			if err != nil {
				t.Fatal(err)
			}
			summaries := ssz.List(s.HistoricalSummary, s.Preset.HistoricalRootsLimit)
			// HistoricalSummariesWithProof, after the 4-byte fork digest.
			withProof := ssz.Container("HistoricalSummariesWithProof",
				ssz.F("epoch", ssz.Uint64),
				ssz.F("historical_summaries", summaries),
				ssz.F("proof", ssz.Vector(ssz.Bytes32, uint64(g.Depth()))))
			content := mustHex(t, v.ContentValue)[4:]
			if err := ssz.Validate(withProof, content); err != nil {
				t.Fatal(err)
			}
			obj := &beaconstate.Object{Fork: forkName, Preset: "mainnet", TypeName: withProof.Name, Type: withProof, Bytes: content}
			if epoch, _ := obj.Uint64("epoch"); epoch != v.Epoch {
				t.Errorf("epoch %d, recorded %d", epoch, v.Epoch)
			}
			lb, _, err := obj.Field("historical_summaries")
			if err != nil {
				t.Fatal(err)
			}
			leaf, err := ssz.HashTreeRoot(summaries, lb)
			if err != nil {
				t.Fatal(err)
			}
			if leaf != mustHash(t, v.SummariesRoot) {
				t.Fatalf("historical_summaries hash to %x, recorded %s", leaf, v.SummariesRoot)
			}
			pb, _, err := obj.Field("proof")
			if err != nil {
				t.Fatal(err)
			}
			p := proof.Proof{Gindex: g, Leaf: leaf}
			for i := 0; i < len(pb); i += 32 {
				p.Branch = append(p.Branch, mustSlice32(pb[i:]))
			}
			if !equalBranch(p.Branch, mustHashes(t, v.SummariesProof)) {
				t.Errorf("the content's proof differs from the recorded one")
			}
			checkTamper(t, forkName, p, mustHash(t, v.StateRoot), true)
		})
	}
}

func mustSlice32(b []byte) [32]byte {
	var h [32]byte
	copy(h[:], b[:32])
	return h
}

func equalBranch(a, b [][32]byte) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func proofsEqual(a, b proof.Proof) bool {
	return a.Gindex.Equal(b.Gindex) && a.Leaf == b.Leaf && equalBranch(a.Branch, b.Branch)
}
