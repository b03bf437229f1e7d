package beaconstate

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

func loadCase(t *testing.T, name string) (*Object, *Prover) {
	t.Helper()
	c := findCase(t, name)
	obj, err := LoadFile(ctx, c.object(), LoadOptions{Fork: c.Fork, Preset: c.Preset, Type: c.Vector.Type})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewProver(obj)
	if err != nil {
		t.Fatal(err)
	}
	return obj, p
}

// leaf proves path and returns its leaf chunk.
func leaf(t *testing.T, p *Prover, path string) [32]byte {
	t.Helper()
	pr, err := p.Prove(path)
	if err != nil {
		t.Fatal(err)
	}
	return pr.Leaf
}

func le64(b [32]byte, i int) uint64 { return binary.LittleEndian.Uint64(b[8*i:]) }

// TestValidatorAccessors checks the typed state accessors against the
// leaves the Prover proves, in every fork.
func TestValidatorAccessors(t *testing.T) {
	for _, name := range []string{"mainnet/phase0/state_0", "minimal/deneb/state_1", "mainnet/electra/state_0", "mainnet/gloas/state_0"} {
		t.Run(name, func(t *testing.T) {
			obj, p := loadCase(t, name)
			n, err := obj.ValidatorCount()
			if err != nil || n != 400 {
				t.Fatalf("ValidatorCount = %d, %v", n, err)
			}
			for _, i := range []uint64{0, 7, 399} {
				v, err := obj.Validator(i)
				if err != nil {
					t.Fatal(err)
				}
				pk := leaf(t, p, fmt.Sprintf("validators[%d].pubkey", i)) // the root of a 48-byte vector
				var pkChunks [64]byte
				copy(pkChunks[:], v.Pubkey[:])
				if want := ssz.ZeroHash(0); pk == want || pk != hash64(pkChunks) {
					t.Errorf("validator %d pubkey %x does not hash to its leaf", i, v.Pubkey)
				}
				if wc := leaf(t, p, fmt.Sprintf("validators[%d].withdrawal_credentials", i)); wc != v.WithdrawalCredentials {
					t.Errorf("validator %d withdrawal credentials %x, leaf %x", i, v.WithdrawalCredentials, wc)
				}
				for path, got := range map[string]uint64{
					"effective_balance":            v.EffectiveBalance,
					"activation_eligibility_epoch": v.ActivationEligibilityEpoch,
					"activation_epoch":             v.ActivationEpoch,
					"exit_epoch":                   v.ExitEpoch,
					"withdrawable_epoch":           v.WithdrawableEpoch,
				} {
					if l := leaf(t, p, fmt.Sprintf("validators[%d].%s", i, path)); le64(l, 0) != got {
						t.Errorf("validator %d %s = %d, leaf %x", i, path, got, l)
					}
				}
				if l := leaf(t, p, fmt.Sprintf("validators[%d].slashed", i)); (l[0] == 1) != v.Slashed {
					t.Errorf("validator %d slashed = %v, leaf %x", i, v.Slashed, l)
				}
				bal, err := obj.Balance(i)
				if err != nil {
					t.Fatal(err)
				}
				if l := leaf(t, p, fmt.Sprintf("balances[%d]", i)); le64(l, int(i%4)) != bal {
					t.Errorf("balance %d = %d, chunk %x", i, bal, l)
				}
			}
			if _, err := obj.Validator(400); err == nil || !strings.Contains(err.Error(), "index 400 out of range") {
				t.Errorf("Validator(400): %v", err)
			}
			if _, err := obj.Balance(400); err == nil {
				t.Error("Balance(400): no error")
			}
			slot, err := obj.Slot()
			if err != nil || le64(leaf(t, p, "slot"), 0) != slot {
				t.Errorf("Slot = %d, %v", slot, err)
			}
			if _, err := obj.Withdrawals(); !errors.Is(err, ErrNoField) {
				t.Errorf("Withdrawals on a state: %v", err)
			}
		})
	}
}

// hash64 is the root of a 64-byte (two-chunk) vector.
func hash64(b [64]byte) [32]byte { return sha256.Sum256(b[:]) }

// TestWithdrawalAccessors checks Withdrawals and Withdrawal on blocks and
// envelopes against the proven leaves.
func TestWithdrawalAccessors(t *testing.T) {
	for _, tc := range []struct {
		name, path string
	}{
		{"mainnet/capella/block_0", "body.execution_payload.withdrawals"},
		{"minimal/fulu/block_1", "body.execution_payload.withdrawals"},
		{"mainnet/gloas/envelope_0", "payload.withdrawals"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			obj, p := loadCase(t, tc.name)
			if wp, err := obj.WithdrawalsPath(); err != nil || wp != tc.path {
				t.Fatalf("WithdrawalsPath = %q, %v", wp, err)
			}
			ws, err := obj.Withdrawals()
			if err != nil {
				t.Fatal(err)
			}
			n, err := obj.WithdrawalCount()
			if err != nil || n != uint64(len(ws)) || n == 0 {
				t.Fatalf("WithdrawalCount = %d, %v; %d withdrawals", n, err, len(ws))
			}
			for i, w := range ws {
				w2, err := obj.Withdrawal(uint64(i))
				if err != nil || w2 != w {
					t.Fatalf("Withdrawal(%d) = %+v, %v; Withdrawals()[%d] = %+v", i, w2, err, i, w)
				}
				base := fmt.Sprintf("%s[%d].", tc.path, i)
				if l := leaf(t, p, base+"index"); le64(l, 0) != w.Index {
					t.Errorf("%d index", i)
				}
				if l := leaf(t, p, base+"validator_index"); le64(l, 0) != w.ValidatorIndex {
					t.Errorf("%d validator_index", i)
				}
				if l := leaf(t, p, base+"amount"); le64(l, 0) != w.Amount {
					t.Errorf("%d amount", i)
				}
				if l := leaf(t, p, base+"address"); !bytes.Equal(l[:20], w.Address[:]) {
					t.Errorf("%d address", i)
				}
			}
			if _, err := obj.Withdrawal(uint64(len(ws))); err == nil {
				t.Error("withdrawal past the end: no error")
			}
			if _, err := obj.Validator(0); !errors.Is(err, ErrNoField) {
				t.Errorf("Validator on a %s: %v", obj.TypeName, err)
			}
			if _, err := obj.Slot(); err != nil && obj.TypeName != "ExecutionPayloadEnvelope" {
				t.Errorf("Slot: %v", err)
			}
		})
	}
	// A gloas block carries no execution payload.
	obj, _ := loadCase(t, "mainnet/gloas/block_0")
	if _, err := obj.Withdrawals(); !errors.Is(err, ErrNoField) || !strings.Contains(err.Error(), "gloas BeaconBlock") {
		t.Errorf("gloas block Withdrawals: %v", err)
	}
}

// TestField checks Field, Uint64 and Len on paths and bad paths.
func TestField(t *testing.T) {
	obj, _ := loadCase(t, "mainnet/deneb/state_0")
	b, typ, err := obj.Field("latest_block_header")
	if err != nil || typ.Name != "BeaconBlockHeader" || len(b) != 112 {
		t.Fatalf("latest_block_header: %d bytes of %v, %v", len(b), typ, err)
	}
	if b, _, _ := obj.Field(""); len(b) != len(obj.Bytes) {
		t.Fatal("empty path is not the whole object")
	}
	if n, err := obj.Len("block_roots"); err != nil || n != 8192 {
		t.Fatalf("Len(block_roots) = %d, %v", n, err)
	}
	for path, want := range map[string]string{
		"validators[x]":                  `beaconstate: deneb BeaconState: path "validators[x]": ssz: path "validators[x]": index "x" is not a number`,
		"nope":                           `beaconstate: deneb BeaconState: path "nope": at "nope": BeaconState has no field "nope"`,
		"validators[400]":                `index 400 out of range: List[Validator, 1099511627776] has 400 elements`,
		"slot.x":                         `path "slot.x": at "slot.x": uint64 is not a container`,
		"block_roots[3][1]":              `is not a list or vector`,
		"latest_block_header.state_root": "",
	} {
		_, _, err := obj.Field(path)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", path, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", path, err, want)
		}
	}
	if _, err := obj.Uint64("genesis_validators_root"); err == nil || !strings.Contains(err.Error(), "not a uint64") {
		t.Errorf("Uint64 of a root: %v", err)
	}
}

// TestProver checks proofs, errors and multiproofs.
func TestProver(t *testing.T) {
	obj, p := loadCase(t, "minimal/capella/state_0")
	if p.Object() != obj {
		t.Fatal("Object")
	}
	paths := []string{"slot", "validators[3].exit_epoch", "balances[9]", "historical_summaries", "validators", "block_roots[63]"}
	proofs, err := p.ProvePaths(paths)
	if err != nil {
		t.Fatal(err)
	}
	for i, pr := range proofs {
		if err := pr.Verify(p.Root()); err != nil {
			t.Errorf("%s: %v", paths[i], err)
		}
		g, _, _ := obj.Type.Gindex(paths[i])
		if !pr.Gindex.Equal(g) {
			t.Errorf("%s: gindex %s, want %s", paths[i], pr.Gindex, g)
		}
		pg, err := p.ProveGindex(g)
		if err != nil || pg.Leaf != pr.Leaf {
			t.Errorf("ProveGindex(%s): %v", g, err)
		}
	}
	// Errors name the fork, type and path.
	for path, want := range map[string]string{
		"validators[x]":   `beaconstate: capella BeaconState: path "validators[x]": `,
		"validators[400]": `beaconstate: capella BeaconState: path "validators[400]": `,
		"nope":            `beaconstate: capella BeaconState: path "nope": ssz: BeaconState at "" has no field "nope"`,
		"":                `beaconstate: capella BeaconState: path "": `,
	} {
		if _, err := p.Prove(path); err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("Prove(%q): %v, want prefix %q", path, err, want)
		}
	}
	if _, err := p.ProvePaths([]string{"slot", "bad"}); err == nil || !strings.Contains(err.Error(), `path "bad"`) {
		t.Errorf("ProvePaths: %v", err)
	}
	// Past the end of a list, by gindex, proves a zero node.
	g, _, _ := obj.Type.Gindex("validators[1000]")
	if pr, err := p.ProveGindex(g); err != nil || pr.Leaf != ([32]byte{}) {
		t.Errorf("ProveGindex past the end: %v", err)
	}
	// Multiproofs.
	m, err := p.Multiproof([]string{"slot", "validators[3]", "balances[9]"})
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Verify(p.Root()); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Multiproof([]string{"validators", "validators[3]"}); err == nil {
		t.Error("multiproof of a node and its descendant: no error")
	}
	if _, err := p.Multiproof([]string{"nope"}); err == nil || !strings.Contains(err.Error(), `path "nope"`) {
		t.Errorf("multiproof of a bad path: %v", err)
	}
	if _, err := NewProver(nil); err == nil {
		t.Error("NewProver(nil): no error")
	}
}

// TestProverConcurrent proves from many goroutines at once (run with -race).
func TestProverConcurrent(t *testing.T) {
	c := findCase(t, "mainnet/deneb/state_0")
	obj, err := LoadFile(ctx, c.object(), LoadOptions{Fork: c.Fork})
	if err != nil {
		t.Fatal(err)
	}
	p, err := NewProver(obj)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for w := 0; w < 8; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				path := fmt.Sprintf("validators[%d].withdrawal_credentials", (w*50+i)%400)
				pr, err := p.Prove(path)
				if err == nil {
					err = pr.Verify(p.Root())
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestProofSet checks the JSON form, Verify and its errors, and that the
// oracle's vector.json files decode and verify as proof sets.
func TestProofSet(t *testing.T) {
	_, p := loadCase(t, "minimal/electra/state_0")
	set, err := p.ProofSet([]string{"slot", "validators[5].withdrawal_credentials", "pending_deposits"})
	if err != nil {
		t.Fatal(err)
	}
	if set.Fork != "electra" || set.Preset != "minimal" || set.Type != "BeaconState" || set.Root != p.Root() {
		t.Fatalf("set header %+v", set)
	}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	first := m["proofs"].([]any)[0].(map[string]any)
	if m["fork"] != "electra" || first["path"] != "slot" || first["gindex"] != "66" || len(first["branch"].([]any)) != 6 {
		t.Fatalf("JSON %s", b)
	}
	var back ProofSet
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Verify(); err != nil {
		t.Fatal(err)
	}
	if back.Root != set.Root || len(back.Proofs) != 3 || back.Proofs[1].Path != set.Proofs[1].Path {
		t.Fatalf("round trip: %+v", back)
	}
	// A tampered leaf fails, naming the proof.
	back.Proofs[1].Proof.Leaf[0] ^= 1
	err = back.Verify()
	var pe *ProofError
	if !errors.As(err, &pe) || pe.Index != 1 || pe.Path != "validators[5].withdrawal_credentials" || !errors.Is(err, proof.ErrRootMismatch) {
		t.Fatalf("tampered: %v", err)
	}
	if !strings.HasPrefix(err.Error(), `proofs[1] (path "validators[5].withdrawal_credentials"): `) {
		t.Fatalf("message %q", err)
	}
	// Malformed documents.
	for doc, want := range map[string]string{
		`{"proofs": []}`:                                 `missing "root"`,
		`{"root": "0x00", "proofs": []}`:                 `hash "0x00" has 2 hex digits`,
		`{"root": "` + proof.FormatHash(set.Root) + `"}`: `missing "proofs"`,
		`{"root": "` + proof.FormatHash(set.Root) + `", "proofs": [{"path": "a", "gindex": "2", "leaf": "0x` + strings.Repeat("0", 64) + `", "branch": []}]}`: `proofs[0] (path "a"): `,
		`[1]`: "malformed proof",
	} {
		var s ProofSet
		if err := json.Unmarshal([]byte(doc), &s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", doc, err, want)
		}
	}
	var empty ProofSet
	if err := empty.Verify(); !errors.Is(err, ErrNoProofs) {
		t.Errorf("empty set: %v", err)
	}
	if _, err := json.Marshal(PathProof{Path: "x"}); err == nil {
		t.Error("marshal of a proof without gindex: no error")
	}
	// The oracle's vector.json files are proof sets too.
	for _, c := range oracleCases(t)[:3] {
		data, err := os.ReadFile(filepath.Join(c.Dir, "vector.json"))
		if err != nil {
			t.Fatal(err)
		}
		var s ProofSet
		if err := json.Unmarshal(data, &s); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if err := s.Verify(); err != nil {
			t.Fatalf("%s: %v", c, err)
		}
		if s.Type != c.Vector.Type || len(s.Proofs) != len(c.Vector.Proofs) || s.Proofs[0].Path != c.Vector.Proofs[0].Path {
			t.Fatalf("%s: decoded %s with %d proofs", c, s.Type, len(s.Proofs))
		}
	}
}

// TestGindex checks the schema-only Gindex against the oracle's indices.
func TestGindex(t *testing.T) {
	for _, c := range oracleCases(t) {
		for _, vp := range c.Vector.Proofs {
			g, err := Gindex(c.Fork, c.Preset, c.Vector.Type, vp.Path)
			if err != nil || g.String() != vp.Gindex {
				t.Errorf("%s %s: %v %v, oracle %s", c, vp.Path, g, err, vp.Gindex)
			}
		}
	}
	if _, err := Gindex("deneb", "", "", "validators[5].nope"); err == nil ||
		!strings.HasPrefix(err.Error(), `beaconstate: deneb BeaconState: path "validators[5].nope": `) {
		t.Errorf("bad path: %v", err)
	}
	if _, err := Gindex("nofork", "", "", "slot"); err == nil || !strings.Contains(err.Error(), `unknown fork "nofork"`) {
		t.Errorf("bad fork: %v", err)
	}
}
