package verifiers

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// Rocket Pool's structs (BeaconStateVerifierInterface.sol) as go-ethereum's
// abi package packs them.
type (
	rpValidator struct {
		Pubkey                     []byte
		WithdrawalCredentials      [32]byte
		EffectiveBalance           uint64
		Slashed                    bool
		ActivationEligibilityEpoch uint64
		ActivationEpoch            uint64
		ExitEpoch                  uint64
		WithdrawableEpoch          uint64
	}
	rpValidatorProof struct {
		ValidatorIndex *big.Int
		Validator      rpValidator
		Witnesses      [][32]byte
	}
	rpWithdrawal struct {
		Index                 uint64
		ValidatorIndex        uint64
		WithdrawalCredentials [20]byte
		AmountInGwei          uint64
	}
	rpWithdrawalProof struct {
		WithdrawalSlot uint64
		WithdrawalNum  uint16
		Withdrawal     rpWithdrawal
		Witnesses      [][32]byte
	}
	rpSlotProof struct {
		Slot      uint64
		Witnesses [][32]byte
	}
)

// rpDoc is the rocketpool format as the CLI prints it.
type rpDoc struct {
	Format    string     `json:"format"`
	Fork      string     `json:"fork"`
	Anchor    anchorJSON `json:"anchor"`
	SlotProof *struct {
		Slot      u64      `json:"slot"`
		Witnesses []hash32 `json:"witnesses"`
		Gindex    string   `json:"gindex"`
	} `json:"slotProof"`
	ValidatorProofs []struct {
		ValidatorIndex u64 `json:"validatorIndex"`
		Validator      struct {
			Pubkey                     hexBytes `json:"pubkey"`
			WithdrawalCredentials      hash32   `json:"withdrawalCredentials"`
			EffectiveBalance           u64      `json:"effectiveBalance"`
			Slashed                    bool     `json:"slashed"`
			ActivationEligibilityEpoch u64      `json:"activationEligibilityEpoch"`
			ActivationEpoch            u64      `json:"activationEpoch"`
			ExitEpoch                  u64      `json:"exitEpoch"`
			WithdrawableEpoch          u64      `json:"withdrawableEpoch"`
		} `json:"validator"`
		Witnesses []hash32 `json:"witnesses"`
		Gindex    string   `json:"gindex"`
	} `json:"validatorProofs"`
	WithdrawalProofs []struct {
		WithdrawalSlot u64 `json:"withdrawalSlot"`
		WithdrawalNum  u64 `json:"withdrawalNum"`
		Withdrawal     struct {
			Index                 u64      `json:"index"`
			ValidatorIndex        u64      `json:"validatorIndex"`
			WithdrawalCredentials hexBytes `json:"withdrawalCredentials"`
			AmountInGwei          u64      `json:"amountInGwei"`
		} `json:"withdrawal"`
		Witnesses []hash32 `json:"witnesses"`
		Gindex    string   `json:"gindex"`
	} `json:"withdrawalProofs"`
}

// rpModel restates BeaconStateVerifier's checks in Go: the gindex it
// derives from the arguments and its fixed post-Electra indices, the
// witness count, the genesis witness, the EIP-4788 root.
type rpModel struct {
	slotElectra, sphr, summaryOffset uint64
	genesisWitness                   [32]byte
	// timestamp and root are the one root the EIP-4788 contract holds.
	timestamp uint64
	root      [32]byte
}

func newRPModel(t *testing.T, net *fork.Network, timestamp uint64, root [32]byte) *rpModel {
	t.Helper()
	args, err := RocketPoolArgs(net)
	if err != nil {
		t.Fatal(err)
	}
	sphr := args[1].(*big.Int).Uint64()
	slots := args[2].([5]uint64)
	return &rpModel{slotElectra: slots[4], sphr: sphr, summaryOffset: slots[2] / sphr,
		genesisWitness: pair(le(net.GenesisTime), net.GenesisValidatorsRoot), timestamp: timestamp, root: root}
}

// blockRoot is what the EIP-4788 contract returns for the timestamp.
func (m *rpModel) blockRoot(ts uint64) ([32]byte, bool) { return m.root, ts == m.timestamp }

func (m *rpModel) check(leaf [32]byte, g *big.Int, witnesses [][32]byte, ts uint64) bool {
	root, ok := m.blockRoot(ts)
	if !ok {
		return false
	}
	r, ok := restore(leaf, g, witnesses)
	return ok && r == root
}

// slot models verifySlot(_slotTimestamp, SlotProof).
func (m *rpModel) slot(args []any) bool {
	ts, p := args[0].(uint64), args[1].(rpSlotProof)
	if p.Slot < m.slotElectra || len(p.Witnesses) < 2 || p.Witnesses[1] != m.genesisWitness {
		return false
	}
	return m.check(le(p.Slot), gindexOf([2]uint64{3, 3}, [2]uint64{2, 6}), p.Witnesses, ts)
}

func rpValidatorRoot(v rpValidator) ([32]byte, bool) {
	if len(v.Pubkey) != 48 {
		return [32]byte{}, false
	}
	var pk [64]byte
	copy(pk[:], v.Pubkey)
	slashed := uint64(0)
	if v.Slashed {
		slashed = 1
	}
	return merkleize([][32]byte{sha256.Sum256(pk[:]), v.WithdrawalCredentials, le(v.EffectiveBalance), le(slashed),
		le(v.ActivationEligibilityEpoch), le(v.ActivationEpoch), le(v.ExitEpoch), le(v.WithdrawableEpoch)}), true
}

// validator models verifyValidator(_slotTimestamp, _slot, ValidatorProof).
func (m *rpModel) validator(args []any) bool {
	ts, slot, p := args[0].(uint64), args[1].(uint64), args[2].(rpValidatorProof)
	leaf, ok := rpValidatorRoot(p.Validator)
	if slot < m.slotElectra || !ok || !p.ValidatorIndex.IsUint64() {
		return false
	}
	g := gindexOf([2]uint64{3, 3}, [2]uint64{11, 6}, [2]uint64{p.ValidatorIndex.Uint64(), 41})
	return m.check(leaf, g, p.Witnesses, ts)
}

func rpWithdrawalRoot(w rpWithdrawal) [32]byte {
	var addr [32]byte
	copy(addr[:], w.WithdrawalCredentials[:])
	return merkleize([][32]byte{le(w.Index), le(w.ValidatorIndex), addr, le(w.AmountInGwei)})
}

// withdrawal models verifyWithdrawal(_slotTimestamp, _slot, WithdrawalProof).
func (m *rpModel) withdrawal(args []any) bool {
	ts, slot, p := args[0].(uint64), args[1].(uint64), args[2].(rpWithdrawalProof)
	ws := p.WithdrawalSlot
	if slot < m.slotElectra || ws < m.slotElectra || slot <= ws || p.WithdrawalNum >= 16 {
		return false
	}
	parts := [][2]uint64{{3, 3}}
	if ws+m.sphr < slot { // historical
		era := ws / m.sphr
		if era < m.summaryOffset || era-m.summaryOffset >= 1<<24 {
			return false
		}
		parts = append(parts, [2]uint64{27, 6}, [2]uint64{era - m.summaryOffset, 25}, [2]uint64{0, 1})
	} else {
		parts = append(parts, [2]uint64{5, 6})
	}
	parts = append(parts, [2]uint64{ws % m.sphr, 13}, [2]uint64{4, 3}, [2]uint64{9, 4}, [2]uint64{14, 5}, [2]uint64{uint64(p.WithdrawalNum), 5})
	return m.check(rpWithdrawalRoot(p.Withdrawal), gindexOf(parts...), p.Witnesses, ts)
}

// rpCalls turns a rocketpool document into the contract's calls, each with
// the calldata the CLI printed for it (the calldata document of the same
// proofs), and the reference verifier's calls of the same proofs.
func rpCalls(t *testing.T, in *inputs, rp, ref *Deployed, m *rpModel, doc *rpDoc, cd *calldataDoc) (cases []callCase, refCalls map[string][]byte) {
	t.Helper()
	in.checkAnchor(t, doc.Anchor)
	in.checkAnchor(t, cd.Anchor)
	if doc.Format != "rocketpool" || cd.Format != "calldata" || cd.Protocol != "rocketpool" || doc.Fork != in.fork || cd.Fork != in.fork {
		t.Fatalf("documents %s/%s of %s, %s/%s", doc.Format, doc.Fork, cd.Format, cd.Protocol, cd.Fork)
	}
	ts, slot := uint64(doc.Anchor.Timestamp), uint64(doc.Anchor.Slot)
	refCalls = map[string][]byte{}
	refPack := func(name, method, gindex string, p any) {
		g, ok := new(big.Int).SetString(gindex, 10)
		if !ok {
			t.Fatalf("%s: gindex %q", name, gindex)
		}
		b, err := ref.Pack(method, ts, g, p)
		if err != nil {
			t.Fatal(err)
		}
		refCalls[name] = b
	}
	if p := doc.SlotProof; p != nil {
		sp := rpSlotProof{Slot: uint64(p.Slot), Witnesses: hashes(p.Witnesses)}
		cases = append(cases, callCase{name: "verifySlot", d: rp, method: "verifySlot", args: []any{ts, sp}, model: m.slot, accepted: returnsTrue})
		refPack("verifySlot", "verifySlotProof", p.Gindex, sp)
	}
	for _, p := range doc.ValidatorProofs {
		v := p.Validator
		vp := rpValidatorProof{ValidatorIndex: new(big.Int).SetUint64(uint64(p.ValidatorIndex)), Witnesses: hashes(p.Witnesses),
			Validator: rpValidator{Pubkey: v.Pubkey, WithdrawalCredentials: v.WithdrawalCredentials, EffectiveBalance: uint64(v.EffectiveBalance),
				Slashed: v.Slashed, ActivationEligibilityEpoch: uint64(v.ActivationEligibilityEpoch), ActivationEpoch: uint64(v.ActivationEpoch),
				ExitEpoch: uint64(v.ExitEpoch), WithdrawableEpoch: uint64(v.WithdrawableEpoch)}}
		name := fmt.Sprintf("verifyValidator (validator %d)", p.ValidatorIndex)
		cases = append(cases, callCase{name: name, d: rp, method: "verifyValidator", args: []any{ts, slot, vp},
			model: m.validator, accepted: returnsTrue, unbound: []string{"_slot "}})
		refPack(name, "verifyValidatorProof", p.Gindex, vp)
	}
	for _, p := range doc.WithdrawalProofs {
		w := p.Withdrawal
		if len(w.WithdrawalCredentials) != 20 {
			t.Fatalf("withdrawal address %x", w.WithdrawalCredentials)
		}
		wp := rpWithdrawalProof{WithdrawalSlot: uint64(p.WithdrawalSlot), WithdrawalNum: uint16(p.WithdrawalNum), Witnesses: hashes(p.Witnesses),
			Withdrawal: rpWithdrawal{Index: uint64(w.Index), ValidatorIndex: uint64(w.ValidatorIndex),
				WithdrawalCredentials: [20]byte(w.WithdrawalCredentials), AmountInGwei: uint64(w.AmountInGwei)}}
		name := fmt.Sprintf("verifyWithdrawal (slot %d, withdrawal %d)", p.WithdrawalSlot, p.WithdrawalNum)
		cases = append(cases, callCase{name: name, d: rp, method: "verifyWithdrawal", args: []any{ts, slot, wp},
			model: m.withdrawal, accepted: returnsTrue, unbound: []string{"_slot "}})
		refPack(name, "verifyWithdrawalProof", p.Gindex, wp)
	}
	// The calls the CLI printed are these, in this order.
	if len(cd.Calls) != len(cases) {
		t.Fatalf("the calldata document has %d calls, the rocketpool one %d proofs", len(cd.Calls), len(cases))
	}
	for i := range cases {
		c := cd.Calls[i]
		if sig := rp.Contract.ABI.Methods[cases[i].method].Sig; c.Function != sig || !strings.HasPrefix(string(c.Data), string(c.Selector)) {
			t.Fatalf("calls[%d] is %s, want %s", i, c.Function, sig)
		}
		cases[i].printed = c.Data
	}
	return cases, refCalls
}

// rpRun proves with the CLI (rocketpool and calldata formats) and returns
// the calls.
func rpRun(t *testing.T, in *inputs, rp, ref *Deployed, m *rpModel, kind string, args ...string) ([]callCase, map[string][]byte) {
	t.Helper()
	doc := decode[rpDoc](t, in.prove(t, kind, append(args, "--format", "rocketpool")...))
	cd := decode[calldataDoc](t, in.prove(t, kind, append(args, "--format", "calldata", "--protocol", "rocketpool")...))
	return rpCalls(t, in, rp, ref, m, doc, cd)
}

// testRocketPool runs the fork's CLI output through BeaconStateVerifier:
// slot, validator and withdrawal proofs (recent, at the oldest slot
// block_roots holds, and historical, at the newest slot past it and three
// eras back), each as the rocketpool document and as the calldata the CLI
// prints, which must be the contract ABI's encoding of the document. From
// electra on every one is accepted and every changed copy rejected; before
// electra, and on gloas, whose indices moved, the test records what the
// verifier does instead.
func testRocketPool(t *testing.T, in *inputs, g *gasTable) {
	e, err := NewEVM()
	if err != nil {
		t.Fatal(err)
	}
	e.StoreRoot(in.timestamp, in.chain.BlockRoot)
	rp := DeployRocketPool(t, e, in.net)
	g.compiler("rocketpool", rp.Contract.Compiler)
	ref := deployReference(t, e)
	m := newRPModel(t, in.net, in.timestamp, in.chain.BlockRoot)
	now := in.timestamp + 12

	cases, refCalls := rpRun(t, in, rp, ref, m, "validator", indexArgs()...)
	for _, p := range in.past {
		args := []string{"--block", p.block, "--withdrawal-num", "0", "--withdrawal-num", "1"}
		if p.historical {
			args = append(args, "--era-block-roots", p.eraRoots)
		}
		cs, rc := rpRun(t, in, rp, ref, m, "withdrawal", args...)
		for _, c := range cs[1:] { // the slot proof again
			c.name += map[bool]string{true: " historical", false: " recent"}[p.historical]
			cases = append(cases, c)
			refCalls[c.name] = rc[strings.TrimSuffix(strings.TrimSuffix(c.name, " historical"), " recent")]
		}
	}
	supported := in.fork == fork.Electra || in.fork == fork.Fulu
	if !supported {
		rpUnsupported(t, in, cases, now)
		return
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			exec, tx := c.run(t, now)
			r := ref.Call(refCalls[c.name], now)
			if !returnsTrue(ref, "", r) && r.Err != nil {
				t.Fatalf("reference verifier: %v %s", r.Err, e.Revert(r.Return))
			}
			rexec, rtx := r.Gas, must(e.TxGas(ref.Address, refCalls[c.name], r.Gas))
			g.record("rocketpool", rpRow(c), in.fork, cell{exec, tx}, &cell{rexec, rtx})
		})
	}
}

// rpRow is a call's row in the gas table.
func rpRow(c callCase) string {
	switch {
	case c.method == "verifySlot":
		return "verifySlot"
	case c.method == "verifyValidator":
		return "verifyValidator"
	case strings.HasSuffix(c.name, "historical"):
		return "verifyWithdrawal (historical)"
	}
	return "verifyWithdrawal (recent)"
}

// rpUnsupported checks that BeaconStateVerifier rejects every proof of a
// fork it does not support, as the model says, for the reason expected:
// before electra its slot check ("Invalid proof"); on gloas, whose
// BeaconState is a progressive container, the slot proof's witnesses[1] is
// not the genesis witness (slot's sibling is genesis_validators_root there)
// and a validator's branch is shorter than the fixed 50 hashes. On gloas
// the test also shows that no proof can ever pass: each of the verifier's
// fixed paths in the state runs below a leaf chunk of the gloas state, so a
// branch along it would take a SHA-256 preimage.
func rpUnsupported(t *testing.T, in *inputs, cases []callCase, now uint64) {
	want := map[string]string{"verifySlot": `Error("Invalid proof")`, "verifyValidator": `Error("Invalid proof")`, "verifyWithdrawal": `Error("Invalid proof")`}
	if in.fork == fork.Gloas {
		want = map[string]string{"verifySlot": `Error("Invalid genesis witness")`, "verifyValidator": `Error("Invalid witness length")`}
	}
	for _, c := range cases {
		input, err := c.d.Pack(c.method, c.args...)
		if err != nil {
			t.Fatal(err)
		}
		r := c.d.Call(input, now)
		if returnsTrue(c.d, c.method, r) || c.model(c.args) {
			t.Errorf("%s %s: accepted (contract %v, model %v)", in.fork, c.name, returnsTrue(c.d, c.method, r), c.model(c.args))
			continue
		}
		if got := c.d.EVM.Revert(r.Return); !r.Reverted() || got != want[c.method] {
			t.Errorf("%s %s: %v %s, want revert %s", in.fork, c.name, r.Err, got, want[c.method])
		}
		t.Logf("%s %s: reverts %s", in.fork, c.name, want[c.method])
	}
	if in.fork != fork.Gloas {
		return
	}
	s, err := fork.Lookup(in.fork)
	if err != nil {
		t.Fatal(err)
	}
	sch, err := s.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := ssz.NewTree(sch.BeaconState, in.chain.State)
	if err != nil {
		t.Fatal(err)
	}
	// The verifier's paths from the state root: slot, validators[0],
	// block_roots[0], historical_summaries[0].block_summary_root[0].
	for name, g := range map[string]*big.Int{
		"slot":                 gindexOf([2]uint64{2, 6}),
		"validators[0]":        gindexOf([2]uint64{11, 6}, [2]uint64{0, 41}),
		"block_roots[0]":       gindexOf([2]uint64{5, 6}, [2]uint64{0, 13}),
		"historical_summaries": gindexOf([2]uint64{27, 6}, [2]uint64{0, 25}, [2]uint64{0, 1}, [2]uint64{0, 13}),
	} {
		pg, err := proof.GindexFromBig(g)
		if err != nil {
			t.Fatal(err)
		}
		_, err = tr.Node(pg)
		if err == nil || !strings.Contains(err.Error(), "goes below") {
			t.Errorf("gloas: Rocket Pool's %s path (state gindex %s) is a node of the gloas state: %v", name, g, err)
			continue
		}
		t.Logf("gloas: Rocket Pool's %s path (state gindex %s) cannot be proved: %v", name, g, err)
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
