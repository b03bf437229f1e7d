package e2e

import (
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
)

// rpCase is one case of the shared vectors' rocketpool-mainnet.json: real
// mainnet proofs from Rocket Pool's BeaconStateVerifier tests.
type rpCase struct {
	Name      string         `json:"name"`
	Kind      string         `json:"kind"`
	Anchor    string         `json:"anchor"`
	Root      string         `json:"root"`
	Slot      uint64         `json:"slot"`
	Gindex    string         `json:"gindex"`
	Leaf      string         `json:"leaf"`
	Branch    []string       `json:"branch"`
	Value     map[string]any `json:"value"`
	Timestamp string         `json:"eip4788_timestamp"`
}

func (c rpCase) proof(t *testing.T) proof.Proof {
	t.Helper()
	b, err := json.Marshal(map[string]any{"gindex": c.Gindex, "leaf": c.Leaf, "branch": c.Branch})
	if err != nil {
		t.Fatal(err)
	}
	var p proof.Proof
	if err := p.UnmarshalJSON(b); err != nil {
		t.Fatalf("%s: %v", c.Name, err)
	}
	return p
}

func (c rpCase) str(t *testing.T, key string) string {
	t.Helper()
	switch v := c.Value[key].(type) {
	case string:
		return v
	case bool:
		if v {
			return "1"
		}
		return "0"
	}
	t.Fatalf("%s: value %q missing", c.Name, key)
	return ""
}

func (c rpCase) u64(t *testing.T, key string) uint64 {
	t.Helper()
	v, ok := new(big.Int).SetString(c.str(t, key), 10)
	if !ok || !v.IsUint64() {
		t.Fatalf("%s: %s is not a uint64", c.Name, key)
	}
	return v.Uint64()
}

func (c rpCase) bytes(t *testing.T, key string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.TrimPrefix(c.str(t, key), "0x"))
	if err != nil {
		t.Fatalf("%s: %s: %v", c.Name, key, err)
	}
	return b
}

func (c rpCase) ts(t *testing.T) uint64 {
	t.Helper()
	v, ok := new(big.Int).SetString(c.Timestamp, 10)
	if !ok {
		t.Fatalf("%s: bad timestamp", c.Name)
	}
	return v.Uint64()
}

// TestVerifierRocketPoolMainnet runs real mainnet proofs through the
// verifier's Rocket Pool-format and generic entry points, with the real
// block roots stored at the real timestamps by the EIP-4788 system call.
func TestVerifierRocketPoolMainnet(t *testing.T) {
	data, err := os.ReadFile(vectors.Path(t, "protocols", "rocketpool-mainnet.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []rpCase `json:"cases"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	byName := map[string]rpCase{}
	e := newEVM(t)
	roots := map[uint64][32]byte{}
	for _, c := range doc.Cases {
		byName[c.Name] = c
		p := c.proof(t)
		root, err := proof.ParseHash(c.Root)
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Verify(root); err != nil {
			t.Fatalf("%s does not verify off chain: %v", c.Name, err)
		}
		if _, ok := roots[c.ts(t)]; c.Anchor == "block_root" && !ok {
			e.store(c.ts(t), root)
			roots[c.ts(t)] = root
		}
	}
	validator := func(c rpCase) []byte {
		// The 121-byte SSZ encoding decodeValidator reads.
		b := make([]byte, 0, 121)
		b = append(b, c.bytes(t, "pubkey")...)
		b = append(b, c.bytes(t, "withdrawal_credentials")...)
		le := func(k string) {
			v := c.u64(t, k)
			b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
		}
		le("effective_balance")
		b = append(b, byte(c.u64(t, "slashed")))
		le("activation_eligibility_epoch")
		le("activation_epoch")
		le("exit_epoch")
		le("withdrawable_epoch")
		return b
	}
	withdrawal := func(c rpCase) []byte {
		b := make([]byte, 0, 44)
		le := func(k string) {
			v := c.u64(t, k)
			b = append(b, byte(v), byte(v>>8), byte(v>>16), byte(v>>24), byte(v>>32), byte(v>>40), byte(v>>48), byte(v>>56))
		}
		le("index")
		le("validator_index")
		b = append(b, c.bytes(t, "address")...)
		le("amount")
		return b
	}
	base := func(c rpCase, kind string, value []byte) call {
		p := c.proof(t)
		return call{kind: kind, timestamp: c.ts(t), branch: p.Branch, gindex: p.Gindex.Big().Bytes(), leaf: p.Leaf, value: value}
	}
	slotCase := byName["rp_slot_11821055"]
	valCase := byName["rp_validator_1060378"]
	valState := byName["rp_validator_1060378_from_state_root"]
	stateRoot := byName["rp_state_root_slot_11821055"]
	wCase := byName["rp_withdrawal_11825974_0"]
	hCase := byName["rp_historical_withdrawal_11813956_0"]

	slot := base(slotCase, kindRPSlot, []byte{})
	slot.value = binaryLE(slotCase.u64(t, "slot"))
	val := base(valCase, kindRPValidator, validator(valCase))
	val.index = valCase.u64(t, "validator_index")
	valFromState := base(valState, kindValidator, validator(valState))
	valFromState.stateProof = stateRoot.proof(t).Branch
	valFromState.timestamp = stateRoot.ts(t)
	w := base(wCase, kindRPWithdrawal, withdrawal(wCase))
	w.wslot, w.wnum = wCase.u64(t, "withdrawal_slot"), wCase.u64(t, "withdrawal_num")
	h := base(hCase, kindRPHistorical, withdrawal(hCase))
	h.wslot, h.wnum = hCase.u64(t, "withdrawal_slot"), hCase.u64(t, "withdrawal_num")
	hGeneric := h
	hGeneric.kind = kindHistoricalWithdrawal

	calls := map[string]call{
		"slot (SlotProof)":                                   slot,
		"validator (ValidatorProof)":                         val,
		"validator from the state root (verifyValidator)":    valFromState,
		"recent withdrawal (WithdrawalProof)":                w,
		"historical withdrawal, 65 levels (WithdrawalProof)": h,
		"historical withdrawal (verifyWithdrawal)":           hGeneric,
	}
	if len(h.gindex) <= 8 {
		t.Fatalf("historical gindex fits 64 bits: %x", h.gindex)
	}
	for name, c := range calls {
		t.Run(name, func(t *testing.T) {
			input, err := c.pack(e.abi)
			if err != nil {
				t.Fatal(err)
			}
			ret, gas, err := e.call(input, c.timestamp+12)
			if err != nil {
				t.Fatalf("%v: %s", err, e.describeRevert(ret))
			}
			t.Logf("gas %d (tx %d)", gas, e.txGas(input, gas))
			root := roots[c.timestamp]
			ambiguous := 0
			for _, m := range sample(mutations(c), 60) {
				mc := c.clone()
				m.f(&mc)
				expectOutcome(t, e, m, mc, c.timestamp+12, root, &ambiguous)
			}
		})
	}
}

func binaryLE(v uint64) []byte {
	return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24), byte(v >> 32), byte(v >> 40), byte(v >> 48), byte(v >> 56)}
}
