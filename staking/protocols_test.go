package staking

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
)

// protocolCase is one case of the protocols vectors (see
// ../shared/vectors/protocols/README.md).
type protocolCase struct {
	Name                string         `json:"name"`
	Kind                string         `json:"kind"`
	Fork                string         `json:"fork"`
	Anchor              string         `json:"anchor"`
	Root                string         `json:"root"`
	Slot                uint64         `json:"slot"`
	Gindex              string         `json:"gindex"`
	Depth               int            `json:"depth"`
	Leaf                string         `json:"leaf"`
	Branch              []string       `json:"branch"`
	Value               map[string]any `json:"value"`
	WithdrawalBlockFork string         `json:"withdrawal_block_fork"`
}

func loadProtocolCases(t *testing.T, file string) (network string, cases []protocolCase) {
	t.Helper()
	b, err := os.ReadFile(vectors.Path(t, "protocols", file))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Network string         `json:"network"`
		Cases   []protocolCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	if len(doc.Cases) == 0 {
		t.Fatalf("%s: no cases", file)
	}
	return doc.Network, doc.Cases
}

func (c protocolCase) str(t *testing.T, key string) string {
	t.Helper()
	s, ok := c.Value[key].(string)
	if !ok {
		t.Fatalf("%s: value has no string %q", c.Name, key)
	}
	return s
}

func (c protocolCase) num(t *testing.T, key string) uint64 {
	t.Helper()
	v, err := strconv.ParseUint(c.str(t, key), 10, 64)
	if err != nil {
		t.Fatalf("%s: value %s: %v", c.Name, key, err)
	}
	return v
}

// TestStakingProtocolVectors checks every case of the real mainnet (Rocket
// Pool) and Goerli (EigenLayer) proofs: our verifier accepts it against the
// case's root, our schema-only gindex for it (AnchoredGindex,
// WithdrawalGindex, BlockFieldGindex, or the ExecutionPayload schema's for
// the payload-anchored cases) is the case's, the leaf is the hash tree root
// of the decoded value encoded with our schema, and tampered copies are
// rejected.
func TestStakingProtocolVectors(t *testing.T) {
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, file := range []string{"rocketpool-mainnet.json", "eigenlayer-goerli.json"} {
		_, cases := loadProtocolCases(t, file)
		prefix := strings.SplitN(file, "-", 2)[0]
		for _, c := range cases {
			t.Run(filepath.Base(file)+"/"+c.Name, func(t *testing.T) {
				s, err := fork.SchemasOf(c.Fork, "mainnet")
				if err != nil {
					t.Fatal(err)
				}
				p := proof.Proof{Gindex: mustGindex(t, c.Gindex), Leaf: mustHash(t, c.Leaf), Branch: mustHashes(t, c.Branch)}
				root := mustHash(t, c.Root)
				if p.Gindex.Depth() != c.Depth || len(p.Branch) != c.Depth {
					t.Fatalf("depth %d, gindex depth %d, branch %d", c.Depth, p.Gindex.Depth(), len(p.Branch))
				}
				if err := p.Verify(root); err != nil {
					t.Fatalf("our verifier rejects the case: %v", err)
				}

				var anchor AnchorKind
				switch c.Anchor {
				case "block_root":
					anchor = AnchorBlock
				case "state_root":
					anchor = AnchorState
				case "execution_payload_root":
				default:
					t.Fatalf("unknown anchor %q", c.Anchor)
				}
				var g proof.Gindex
				var leaf [32]byte
				switch c.Kind {
				case "slot":
					g, err = AnchoredGindex(c.Fork, "", anchor, "slot")
					leaf = uintChunk(c.num(t, "slot"))
					if c.num(t, "slot") != c.Slot {
						t.Errorf("value slot %d, case slot %d", c.num(t, "slot"), c.Slot)
					}
				case "validator":
					g, err = AnchoredGindex(c.Fork, "", anchor, fmt.Sprintf("validators[%d]", c.num(t, "validator_index")))
					leaf = valueRoot(t, s.Validator, c.Value)
				case "state_root":
					g, err = AnchoredGindex(c.Fork, "", anchor, "")
					leaf = mustHash(t, c.str(t, "state_root"))
				case "withdrawal", "historical_withdrawal":
					ws, n := c.num(t, "withdrawal_slot"), c.num(t, "withdrawal_num")
					recent, rerr := WithdrawalIsRecent(c.Slot, ws, s.Preset.SlotsPerHistoricalRoot)
					if rerr != nil || recent != (c.Kind == "withdrawal") {
						t.Fatalf("WithdrawalIsRecent(%d, %d) = %v, %v for a %s case", c.Slot, ws, recent, rerr, c.Kind)
					}
					if !recent {
						offset, err := mainnet.HistoricalSummariesOffset()
						if err != nil {
							t.Fatal(err)
						}
						if k := c.num(t, "historical_summary_index"); ws/8192-offset != k {
							t.Errorf("historical_summary_index %d, ours %d", k, ws/8192-offset)
						}
					}
					g, err = WithdrawalGindex(WithdrawalLocation{StateFork: c.Fork, BlockFork: c.WithdrawalBlockFork, Anchor: anchor, StateSlot: c.Slot, WithdrawalSlot: ws, N: n, Network: mainnet})
					leaf = valueRoot(t, s.Withdrawal, c.Value)
				case "block_header_slot":
					g, err = BlockFieldGindex(c.Fork, "", "slot")
					leaf = uintChunk(c.num(t, "slot"))
				case "execution_payload":
					g, err = beaconstate.Gindex(c.Fork, "", "BeaconBlock", "body.execution_payload")
					leaf = mustHash(t, c.str(t, "execution_payload_root"))
				case "timestamp":
					g, err = beaconstate.Gindex(c.Fork, "", "ExecutionPayload", "timestamp")
					leaf = uintChunk(c.num(t, "timestamp"))
				case "payload_withdrawal":
					g, err = beaconstate.Gindex(c.Fork, "", "ExecutionPayload", fmt.Sprintf("withdrawals[%d]", c.num(t, "withdrawal_index_in_payload")))
					leaf = valueRoot(t, s.Withdrawal, c.Value)
					// The field roots are the withdrawal's chunks.
					want := [][32]byte{uintChunk(c.num(t, "index")), uintChunk(c.num(t, "validator_index")), {}, uintChunk(c.num(t, "amount"))}
					copy(want[2][:], mustHex(t, c.str(t, "address")))
					roots, _ := c.Value["field_roots"].([]any)
					if len(roots) != 4 {
						t.Fatalf("field_roots %v", c.Value["field_roots"])
					}
					for i, r := range roots {
						if mustHash(t, r.(string)) != want[i] {
							t.Errorf("field_roots[%d] = %s, want %x", i, r, want[i])
						}
					}
				default:
					t.Fatalf("kind %q has no check: add one", c.Kind)
				}
				if err != nil {
					t.Fatal(err)
				}
				if !g.Equal(p.Gindex) {
					t.Errorf("our gindex %s, the case's %s", g, p.Gindex)
				}
				if leaf != p.Leaf {
					t.Errorf("leaf %s, the value encodes to %s", proof.FormatHash(p.Leaf), proof.FormatHash(leaf))
				}
				checkTamper(t, c.Name, p, root, true)
				seen[prefix+"/"+c.Kind]++
			})
		}
	}
	// Each file's kinds, so that a lost case shows.
	for _, k := range []string{"rocketpool/slot", "rocketpool/validator", "rocketpool/withdrawal", "rocketpool/historical_withdrawal", "rocketpool/state_root",
		"eigenlayer/block_header_slot", "eigenlayer/execution_payload", "eigenlayer/timestamp", "eigenlayer/payload_withdrawal"} {
		if seen[k] == 0 {
			t.Errorf("no %s case checked", k)
		}
	}
}

// TestStakingEigenLayerComposed joins EigenLayer's two Goerli proofs (the
// execution payload under the block root, the withdrawal under the
// payload) into one branch from the withdrawal to the block root, at the
// gindex of body.execution_payload.withdrawals[0] in our BeaconBlock
// schema: what ProveBlockWithdrawal emits.
func TestStakingEigenLayerComposed(t *testing.T) {
	_, cases := loadProtocolCases(t, "eigenlayer-goerli.json")
	byKind := map[string]protocolCase{}
	for _, c := range cases {
		byKind[c.Kind] = c
	}
	payload, w := byKind["execution_payload"], byKind["payload_withdrawal"]
	if payload.Name == "" || w.Name == "" {
		t.Fatal("missing execution_payload or payload_withdrawal case")
	}
	outer := proof.Proof{Gindex: mustGindex(t, payload.Gindex), Leaf: mustHash(t, payload.Leaf), Branch: mustHashes(t, payload.Branch)}
	inner := proof.Proof{Gindex: mustGindex(t, w.Gindex), Leaf: mustHash(t, w.Leaf), Branch: mustHashes(t, w.Branch)}
	p, err := proof.Compose(outer, inner)
	if err != nil {
		t.Fatal(err)
	}
	root := mustHash(t, payload.Root)
	g, err := beaconstate.Gindex(w.Fork, "", "BeaconBlock", "body.execution_payload.withdrawals[0]")
	if err != nil {
		t.Fatal(err)
	}
	if !p.Gindex.Equal(g) {
		t.Errorf("composed gindex %s, schema %s", p.Gindex, g)
	}
	checkTamper(t, "composed", p, root, true)
}
