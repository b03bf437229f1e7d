package fork

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/beaconproof/beaconproof/ssz"
)

// TestGindices pins field positions and tree depths with generalized
// indices taken from the oracle vectors (Lodestar 1.50.0) and from
// production proofs (portal-spec-tests: execution block_hash 3228 before
// deneb, 6444 from deneb).
func TestGindices(t *testing.T) {
	type tc struct {
		fork, preset, typ, path, gindex string
	}
	tests := []tc{
		// gloas: ProgressiveContainer state
		{Gloas, PresetMainnet, "BeaconState", "genesis_time", "4"},
		{Gloas, PresetMainnet, "BeaconState", "slot", "41"},
		{Gloas, PresetMainnet, "BeaconState", "block_roots", "352"},
		{Gloas, PresetMainnet, "BeaconState", "validators", "358"},
		{Gloas, PresetMainnet, "BeaconState", "finalized_checkpoint.root", "735"},
		{Gloas, PresetMainnet, "BeaconState", "current_sync_committee", "2945"},
		{Gloas, PresetMainnet, "BeaconState", "next_withdrawal_index", "2948"},
		{Gloas, PresetMainnet, "BeaconState", "historical_summaries", "2950"},
		{Gloas, PresetMainnet, "BeaconState", "payload_expected_withdrawals", "2967"},
		{Gloas, PresetMinimal, "BeaconState", "payload_expected_withdrawals", "2967"},
		// gloas: Container block, ProgressiveContainer body
		{Gloas, PresetMainnet, "BeaconBlock", "state_root", "11"},
		{Gloas, PresetMainnet, "BeaconBlock", "body.randao_reveal", "48"},
		{Gloas, PresetMainnet, "BeaconBlock", "body.graffiti", "393"},
		{Gloas, PresetMainnet, "BeaconBlock", "body.signed_execution_payload_bid.message.block_hash", "203081"},
		// gloas: progressive envelope and payload
		{Gloas, PresetMainnet, "ExecutionPayloadEnvelope", "beacon_block_root", "42"},
		{Gloas, PresetMainnet, "ExecutionPayloadEnvelope", "payload.timestamp", "1124"},
		{Gloas, PresetMainnet, "ExecutionPayloadEnvelope", "payload.block_hash", "1127"},
		{Gloas, PresetMainnet, "ExecutionPayloadEnvelope", "payload.withdrawals[0]", "4516"},
		{Gloas, PresetMinimal, "ExecutionPayloadEnvelope", "payload.withdrawals[1].amount", "144547"},
		// electra and fulu: 64-leaf state
		{Electra, PresetMainnet, "BeaconState", "slot", "66"},
		{Electra, PresetMainnet, "BeaconState", "block_roots", "69"},
		{Electra, PresetMainnet, "BeaconState", "validators", "75"},
		{Electra, PresetMainnet, "BeaconState", "historical_summaries", "91"},
		{Fulu, PresetMainnet, "BeaconState", "slot", "66"},
		{Fulu, PresetMinimal, "BeaconState", "block_roots", "69"},
		{Fulu, PresetMainnet, "BeaconState", "validators", "75"},
		{Fulu, PresetMainnet, "BeaconState", "historical_summaries", "91"},
		// before electra: 32-leaf state
		{Deneb, PresetMainnet, "BeaconState", "validators", "43"},
		{Capella, PresetMainnet, "BeaconState", "historical_summaries[0].block_summary_root", "3959422976"},
		{Phase0, PresetMainnet, "BeaconState", "block_roots[0]", "303104"},
		{Phase0, PresetMinimal, "BeaconState", "block_roots[0]", "2368"},
		{Electra, PresetMinimal, "BeaconState", "block_roots[0]", "4416"},
		// blocks
		{Phase0, PresetMainnet, "BeaconBlock", "state_root", "11"},
		{Phase0, PresetMainnet, "BeaconBlock", "body.graffiti", "98"},
		{Altair, PresetMainnet, "BeaconBlock", "body.graffiti", "194"},
		{Bellatrix, PresetMainnet, "BeaconBlock", "body.execution_payload.block_hash", "3228"},
		{Capella, PresetMainnet, "BeaconBlock", "body.execution_payload.block_hash", "3228"},
		{Deneb, PresetMainnet, "BeaconBlock", "body.execution_payload.block_hash", "6444"},
		{Electra, PresetMainnet, "BeaconBlock", "body.execution_payload.block_hash", "6444"},
		{Fulu, PresetMinimal, "BeaconBlock", "body.execution_payload.block_hash", "6444"},
		{Deneb, PresetMainnet, "BeaconBlock", "body.execution_payload.withdrawals[0]", "206272"},
		{Deneb, PresetMainnet, "BeaconBlock", "body.execution_payload.withdrawals[5]", "206277"},
		{Deneb, PresetMainnet, "BeaconBlock", "body.execution_payload.withdrawals[15]", "206287"},
		{Deneb, PresetMinimal, "BeaconBlock", "body.execution_payload.withdrawals[0]", "51568"},
	}
	for _, c := range tests {
		name := fmt.Sprintf("%s/%s/%s.%s", c.fork, c.preset, c.typ, c.path)
		typ, err := mustSchemas(t, c.fork, c.preset).ByName(c.typ)
		if err != nil {
			t.Fatal(err)
		}
		g, _, err := typ.Gindex(c.path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if g.String() != c.gindex {
			t.Errorf("%s: gindex %s, want %s", name, g, c.gindex)
		}
	}
}

// TestFixedSizes checks the encoded size of the fixed-size containers.
func TestFixedSizes(t *testing.T) {
	tests := []struct {
		fork, typ        string
		mainnet, minimal uint64
	}{
		{Phase0, "Fork", 16, 16},
		{Phase0, "Checkpoint", 40, 40},
		{Phase0, "Validator", 121, 121},
		{Phase0, "Eth1Data", 72, 72},
		{Phase0, "AttestationData", 128, 128},
		{Phase0, "BeaconBlockHeader", 112, 112},
		{Phase0, "SignedBeaconBlockHeader", 208, 208},
		{Phase0, "ProposerSlashing", 416, 416},
		{Phase0, "Deposit", 1240, 1240},
		{Phase0, "SignedVoluntaryExit", 112, 112},
		{Phase0, "HistoricalBatch", 2 * 8192 * 32, 2 * 64 * 32},
		{Altair, "SyncAggregate", 160, 100},
		{Altair, "SyncCommittee", 512*48 + 48, 32*48 + 48},
		{Capella, "Withdrawal", 44, 44},
		{Capella, "HistoricalSummary", 64, 64},
		{Capella, "SignedBLSToExecutionChange", 172, 172},
		{Electra, "PendingDeposit", 192, 192},
		{Electra, "PendingPartialWithdrawal", 24, 24},
		{Electra, "PendingConsolidation", 16, 16},
		{Electra, "DepositRequest", 192, 192},
		{Electra, "WithdrawalRequest", 76, 76},
		{Electra, "ConsolidationRequest", 116, 116},
		{Electra, "SingleAttestation", 240, 240},
		{Gloas, "Builder", 93, 93},
		{Gloas, "BuilderPendingWithdrawal", 36, 36},
		{Gloas, "BuilderPendingPayment", 52, 52},
		{Gloas, "PayloadAttestationData", 42, 42},
		{Gloas, "PayloadAttestation", 64 + 42 + 96, 2 + 42 + 96},
	}
	for _, tc := range tests {
		for _, p := range []struct {
			preset string
			want   uint64
		}{{PresetMainnet, tc.mainnet}, {PresetMinimal, tc.minimal}} {
			typ, err := mustSchemas(t, tc.fork, p.preset).ByName(tc.typ)
			if err != nil {
				t.Fatal(err)
			}
			if got := typ.FixedSize(); got != p.want {
				t.Errorf("%s/%s %s: fixed size %d, want %d", tc.fork, p.preset, tc.typ, got, p.want)
			}
		}
	}
}

// TestProgressiveKinds checks which gloas types are EIP-7495 / EIP-7916
// progressive, as go-eth2-client v0.30.1's ssz-index / ssz-type tags and
// Lodestar 1.50.0 define them.
func TestProgressiveKinds(t *testing.T) {
	s := mustSchemas(t, Gloas, PresetMainnet)
	kinds := map[string]ssz.Kind{
		"BeaconState":                    ssz.KindProgressiveContainer,
		"BeaconBlock":                    ssz.KindContainer,
		"SignedBeaconBlock":              ssz.KindContainer,
		"BeaconBlockBody":                ssz.KindProgressiveContainer,
		"ExecutionPayload":               ssz.KindProgressiveContainer,
		"ExecutionPayloadEnvelope":       ssz.KindProgressiveContainer,
		"SignedExecutionPayloadEnvelope": ssz.KindContainer,
		"ExecutionPayloadBid":            ssz.KindProgressiveContainer,
		"ExecutionRequests":              ssz.KindProgressiveContainer,
		"Attestation":                    ssz.KindProgressiveContainer,
		"IndexedAttestation":             ssz.KindProgressiveContainer,
		"AttesterSlashing":               ssz.KindContainer,
		"PayloadAttestation":             ssz.KindProgressiveContainer,
		"Builder":                        ssz.KindContainer,
		"Validator":                      ssz.KindContainer,
	}
	for name, want := range kinds {
		typ, err := s.ByName(name)
		if err != nil {
			t.Fatal(err)
		}
		if typ.Kind != want {
			t.Errorf("gloas %s is %s, want %s", name, typ.Kind, want)
		}
	}
	lists := map[string][]string{
		"BeaconState": {"validators", "balances", "previous_epoch_participation", "current_epoch_participation",
			"inactivity_scores", "pending_deposits", "pending_partial_withdrawals", "pending_consolidations",
			"builders", "builder_pending_withdrawals", "payload_expected_withdrawals"},
		"BeaconBlockBody": {"proposer_slashings", "attester_slashings", "attestations", "deposits",
			"voluntary_exits", "bls_to_execution_changes", "payload_attestations"},
		"ExecutionPayload":  {"transactions", "withdrawals", "block_access_list"},
		"ExecutionRequests": {"deposits", "withdrawals", "consolidations", "builder_deposits", "builder_exits"},
	}
	for tn, fields := range lists {
		typ, _ := s.ByName(tn)
		for _, fn := range fields {
			f, ok := typ.Field(fn)
			if !ok || f.Type.Kind != ssz.KindProgressiveList {
				t.Errorf("gloas %s.%s is not a ProgressiveList (%v)", tn, fn, f.Type)
			}
		}
	}
	for _, tn := range []string{"historical_roots", "eth1_data_votes", "historical_summaries"} {
		if f, _ := s.BeaconState.Field(tn); f.Type.Kind != ssz.KindList {
			t.Errorf("gloas BeaconState.%s is %s, want a bounded List", tn, f.Type.Kind)
		}
	}
}

// oracleCase is one folder of the oracle vectors.
type oracleCase struct {
	dir, preset, fork, name string
	vec                     struct {
		Type   string `json:"type"`
		Root   string `json:"root"`
		Size   int    `json:"size"`
		Proofs []struct {
			Path   string `json:"path"`
			Gindex string `json:"gindex"`
		} `json:"proofs"`
	}
	object []byte
}

func oracleCases(t *testing.T) []*oracleCase {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(vectorsDir(t), "oracle", "*", "*", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no oracle vectors: %v", err)
	}
	var cases []*oracleCase
	for _, dir := range dirs {
		c := &oracleCase{
			dir:    dir,
			preset: filepath.Base(filepath.Dir(filepath.Dir(dir))),
			fork:   filepath.Base(filepath.Dir(dir)),
		}
		c.name = c.preset + "/" + c.fork + "/" + filepath.Base(dir)
		b, err := os.ReadFile(filepath.Join(dir, "vector.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &c.vec); err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if c.object, err = os.ReadFile(filepath.Join(dir, "object.ssz")); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	return cases
}

// TestOracleStructure checks every oracle object against its schema: it
// must decode (offsets, sizes and list limits), have the recorded size,
// and every recorded path must have the recorded generalized index. The
// oracle roots, leaves and branches are checked in internal/conformance.
func TestOracleStructure(t *testing.T) {
	for _, c := range oracleCases(t) {
		t.Run(c.name, func(t *testing.T) {
			typ, err := mustSchemas(t, c.fork, c.preset).ByName(c.vec.Type)
			if err != nil {
				t.Fatal(err)
			}
			if len(c.object) != c.vec.Size {
				t.Fatalf("object.ssz has %d bytes, vector.json says %d", len(c.object), c.vec.Size)
			}
			if typ.IsFixed() && typ.FixedSize() != uint64(c.vec.Size) {
				t.Errorf("fixed size %d, object %d", typ.FixedSize(), c.vec.Size)
			}
			if err := ssz.Validate(typ, c.object); err != nil {
				t.Fatalf("object does not decode as %s: %v", c.vec.Type, err)
			}
			for _, p := range c.vec.Proofs {
				g, _, err := typ.Gindex(p.Path)
				if err != nil {
					t.Errorf("%s: %v", p.Path, err)
					continue
				}
				if g.String() != p.Gindex {
					t.Errorf("%s: gindex %s, vector has %s", p.Path, g, p.Gindex)
				}
			}
		})
	}
}
