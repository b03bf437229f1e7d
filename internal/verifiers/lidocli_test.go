package verifiers

import (
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// lidoDoc is the lido format as the CLI prints it.
type lidoDoc struct {
	Format      string     `json:"format"`
	Fork        string     `json:"fork"`
	Anchor      anchorJSON `json:"anchor"`
	BeaconBlock struct {
		Header         lidoHeaderJSON `json:"header"`
		RootsTimestamp u64            `json:"rootsTimestamp"`
	} `json:"beaconBlock"`
	OldBlock *struct {
		Header lidoHeaderJSON `json:"header"`
		Proof  []hash32       `json:"proof"`
	} `json:"oldBlock"`
	Witness struct {
		WithdrawalOffset, WithdrawalIndex, ValidatorIndex, Amount                 u64
		WithdrawalCredentials                                                     hash32
		EffectiveBalance                                                          u64
		Slashed                                                                   bool
		ActivationEligibilityEpoch, ActivationEpoch, ExitEpoch, WithdrawableEpoch u64
		WithdrawalProof, ValidatorProof                                           []hash32
	} `json:"witness"`
	Key struct {
		Pubkey         hexBytes `json:"pubkey"`
		NodeOperatorID u64      `json:"nodeOperatorId"`
		KeyIndex       u64      `json:"keyIndex"`
	} `json:"key"`
}

type lidoHeaderJSON struct {
	Slot, ProposerIndex             u64
	ParentRoot, StateRoot, BodyRoot hash32
}

func (h lidoHeaderJSON) abi() lidoHeader {
	return lidoHeader{Slot: uint64(h.Slot), ProposerIndex: uint64(h.ProposerIndex), ParentRoot: h.ParentRoot, StateRoot: h.StateRoot, BodyRoot: h.BodyRoot}
}

// args are the document's call arguments, as CSVerifier's ABI takes them.
func (d *lidoDoc) args() []any {
	w := d.Witness
	wit := lidoWithdrawalWitness{WithdrawalOffset: uint8(w.WithdrawalOffset), WithdrawalIndex: uint64(w.WithdrawalIndex), ValidatorIndex: uint64(w.ValidatorIndex),
		Amount: uint64(w.Amount), WithdrawalCredentials: w.WithdrawalCredentials, EffectiveBalance: uint64(w.EffectiveBalance), Slashed: w.Slashed,
		ActivationEligibilityEpoch: uint64(w.ActivationEligibilityEpoch), ActivationEpoch: uint64(w.ActivationEpoch), ExitEpoch: uint64(w.ExitEpoch),
		WithdrawableEpoch: uint64(w.WithdrawableEpoch), WithdrawalProof: hashes(w.WithdrawalProof), ValidatorProof: hashes(w.ValidatorProof)}
	bb := lidoProvableHeader{Header: d.BeaconBlock.Header.abi(), RootsTimestamp: uint64(d.BeaconBlock.RootsTimestamp)}
	op, key := new(big.Int).SetUint64(uint64(d.Key.NodeOperatorID)), new(big.Int).SetUint64(uint64(d.Key.KeyIndex))
	if d.OldBlock == nil {
		return []any{bb, wit, op, key}
	}
	return []any{bb, lidoHistoricalHeader{Header: d.OldBlock.Header.abi(), Proof: hashes(d.OldBlock.Proof)}, wit, op, key}
}

// lidoModel restates CSVerifier's checks in Go over the same data: the
// EIP-4788 root, the module's one key, the withdrawal address, the policy
// checks, and the gindices it derives from its constructor's.
type lidoModel struct {
	ts             uint64
	root           [32]byte
	first, capella uint64
	spe, sphr      uint64
	addr           [20]byte
	pubkey         []byte
	op, key        *big.Int
	// withdrawal, validator and summary are the constructor's first
	// entries' gindices.
	withdrawal, validator, summary *big.Int
}

func lidoHeaderRoot(h lidoHeader) [32]byte {
	return merkleize([][32]byte{le(h.Slot), le(h.ProposerIndex), h.ParentRoot, h.StateRoot, h.BodyRoot, {}, {}, {}})
}

// witness models _processWithdrawalProof and the module's key lookup.
func (m *lidoModel) witness(w lidoWithdrawalWitness, slot uint64, stateRoot [32]byte, op, key *big.Int) bool {
	if op.Cmp(m.op) != 0 || key.Cmp(m.key) != 0 || [20]byte(w.WithdrawalCredentials[12:]) != m.addr || slot/m.spe < w.WithdrawableEpoch {
		return false
	}
	if !w.Slashed && w.Amount < 8_000_000_000 || w.ValidatorIndex >= 1<<40 || w.WithdrawalOffset >= 16 {
		return false
	}
	v := rpValidator{Pubkey: m.pubkey, WithdrawalCredentials: w.WithdrawalCredentials, EffectiveBalance: w.EffectiveBalance, Slashed: w.Slashed,
		ActivationEligibilityEpoch: w.ActivationEligibilityEpoch, ActivationEpoch: w.ActivationEpoch, ExitEpoch: w.ExitEpoch, WithdrawableEpoch: w.WithdrawableEpoch}
	vleaf, _ := rpValidatorRoot(v)
	vg := new(big.Int).Add(m.validator, new(big.Int).SetUint64(w.ValidatorIndex))
	if r, ok := restore(vleaf, vg, w.ValidatorProof); !ok || r != stateRoot {
		return false
	}
	wleaf := rpWithdrawalRoot(rpWithdrawal{Index: w.WithdrawalIndex, ValidatorIndex: w.ValidatorIndex, WithdrawalCredentials: [20]byte(w.WithdrawalCredentials[12:]), AmountInGwei: w.Amount})
	wg := new(big.Int).Add(m.withdrawal, big.NewInt(int64(w.WithdrawalOffset)))
	r, ok := restore(wleaf, wg, w.WithdrawalProof)
	return ok && r == stateRoot
}

// anchor models the header checks of both functions.
func (m *lidoModel) anchor(b lidoProvableHeader) bool {
	return b.Header.Slot >= m.first && b.RootsTimestamp == m.ts && lidoHeaderRoot(b.Header) == m.root
}

// recent models processWithdrawalProof.
func (m *lidoModel) recent(args []any) bool {
	b, w := args[0].(lidoProvableHeader), args[1].(lidoWithdrawalWitness)
	return m.anchor(b) && m.witness(w, b.Header.Slot, b.Header.StateRoot, args[2].(*big.Int), args[3].(*big.Int))
}

// historical models processHistoricalWithdrawalProof.
func (m *lidoModel) historical(args []any) bool {
	b, o, w := args[0].(lidoProvableHeader), args[1].(lidoHistoricalHeader), args[2].(lidoWithdrawalWitness)
	if !m.anchor(b) || o.Header.Slot < m.first {
		return false
	}
	target, recent := o.Header.Slot, b.Header.Slot
	k, i := (target-m.capella)/m.sphr, target%m.sphr
	if target-i+m.sphr > recent || k >= 1<<24 {
		return false
	}
	g := new(big.Int).Add(m.summary, new(big.Int).SetUint64(k))
	g.Lsh(g, 14).Add(g, new(big.Int).SetUint64(i)) // block_summary_root (field 0 of 2), then root i of 8192
	if r, ok := restore(lidoHeaderRoot(o.Header), g, o.Proof); !ok || r != b.Header.StateRoot {
		return false
	}
	return m.witness(w, o.Header.Slot, o.Header.StateRoot, args[3].(*big.Int), args[4].(*big.Int))
}

// testLidoCLI runs the CLI's lido output through CSVerifier: a withdrawal
// of the anchor block (processWithdrawalProof) and one of a block three
// eras and 77 slots back (processHistoricalWithdrawalProof), each as the
// lido document and as the calldata the CLI prints, which must be the
// contract ABI's encoding of the document; the verifier is constructed
// with the gindices `beaconproof gindex --lido` prints. The same
// withdrawals are written by `beaconproof fixtures --format lido` (a lido
// document and its calldata document per withdrawal), which must be the
// documents prove writes, and are sent as well. Every one is accepted and
// the module told the amount; every changed copy rejected exactly when the
// model says. The gas of prove's calls goes into g.
func testLidoCLI(t *testing.T, forkName string, seed uint64, g *gasTable) {
	net, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	verifier, module := CompileLido(t)
	ch, opts, f := lidoChainFiles(t, net, forkName, seed)
	slot := ch.Slot
	state, block, oldState, oldBlock, era := f[0], f[1], f[2], f[3], f[4]
	ts := net.SlotTime(slot + 1)

	e, err := NewEVM()
	if err != nil {
		t.Fatal(err)
	}
	e.StoreRoot(ts, ch.BlockRoot)
	e.AddABI(lidoErrors())
	mod := Deploy(t, e, module)
	s, err := fork.SchemasOf(forkName, "mainnet")
	if err != nil {
		t.Fatal(err)
	}
	gi := lidoGIndicesOf(t, s)
	printed := cliGIndices(t, forkName)
	if printed != gi {
		t.Fatalf("gindex --lido prints %x, the test derives %x", printed, gi)
	}
	capella, electra := net.ForkEpoch(fork.Capella)*net.SlotsPerEpoch, net.ForkEpoch(fork.Electra)*net.SlotsPerEpoch
	csv := Deploy(t, e, verifier, common.Address(synth.DefaultAddress), mod.Address, net.SlotsPerEpoch, uint64(8192),
		printed, electra, electra, capella, common.HexToAddress("0xad"))
	g.compiler("lido-csm", csv.Contract.Compiler)
	vb := synth.ValidatorBytes(opts, 7)
	if in, err := mod.Pack("setSigningKey", lidoOperator, lidoKey, vb[:48]); err != nil {
		t.Fatal(err)
	} else if res := mod.Call(in, ts); res.Err != nil {
		t.Fatal(res.Err)
	}
	m := &lidoModel{ts: ts, root: ch.BlockRoot, first: electra, capella: capella, spe: net.SlotsPerEpoch, sphr: 8192, addr: synth.DefaultAddress,
		pubkey: vb[:48], op: lidoOperator, key: lidoKey,
		withdrawal: new(big.Int).SetBytes(gi.GIFirstWithdrawalCurr[:31]), validator: new(big.Int).SetBytes(gi.GIFirstValidatorCurr[:31]),
		summary: new(big.Int).SetBytes(gi.GIFirstHistoricalSummaryCurr[:31])}
	in := &inputs{fork: forkName, state: state, timestamp: ts, slot: slot, chain: ch}
	ids := []string{"--node-operator-id", lidoOperator.String(), "--key-index", lidoKey.String()}
	cases := []struct {
		name, method string
		args         []string
		model        func([]any) bool
	}{
		{"recent", "processWithdrawalProof", append([]string{"--block", block, "--withdrawal-num", "1"}, ids...), m.recent},
		{"historical", "processHistoricalWithdrawalProof", append([]string{"--block", oldBlock, "--withdrawal-num", "1", "--block-state", oldState, "--era-block-roots", era}, ids...), m.historical},
	}
	sent := 0
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			docJSON := in.prove(t, "withdrawal", append(c.args, "--format", "lido")...)
			cdJSON := in.prove(t, "withdrawal", append(c.args, "--format", "calldata", "--protocol", "lido")...)
			for _, from := range []string{"prove", "fixtures"} {
				if from == "fixtures" {
					docJSON, cdJSON = lidoFixtures(t, in, c.args, docJSON, cdJSON)
				}
				doc, cd := decode[lidoDoc](t, docJSON), decode[calldataDoc](t, cdJSON)
				in.checkAnchor(t, doc.Anchor)
				in.checkAnchor(t, cd.Anchor)
				if doc.Format != "lido" || cd.Protocol != "lido" || len(cd.Calls) != 1 || cd.Calls[0].Function != csv.Contract.ABI.Methods[c.method].Sig {
					t.Fatalf("%s: documents %s, calldata of %s with calls %+v", from, doc.Format, cd.Protocol, cd.Calls)
				}
				cc := callCase{name: "lido " + c.name + " from " + from, d: csv, method: c.method, args: doc.args(), printed: cd.Calls[0].Data, model: c.model, accepted: succeeds}
				exec, tx := cc.run(t, ts+12)
				sent++
				lidoSubmitted(t, mod, ts, sent)
				if from == "prove" {
					g.record("lido-csm", c.method, forkName, cell{exec, tx}, nil)
				}
			}
		})
	}
}

// lidoFixtures runs `beaconproof fixtures --format lido` with the
// withdrawal's arguments, checks that it writes withdrawal-1.json and
// withdrawal-1.calldata.json, byte for byte the documents prove wrote
// (proveDoc, proveCalldata), and a manifest that lists them with the
// anchor, and returns the two files.
func lidoFixtures(t *testing.T, in *inputs, args []string, proveDoc, proveCalldata []byte) (doc, calldata []byte) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "fixtures")
	all := append([]string{"fixtures", "--format", "lido", "--state", in.state, "--out", out, "--allow-expired"}, args...)
	if b, err := exec.Command(cliBin, all...).CombinedOutput(); err != nil {
		t.Fatalf("beaconproof %v: %v\n%s", all, err, b)
	}
	read := func(name string) []byte {
		b, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	doc, calldata = read("withdrawal-1.json"), read("withdrawal-1.calldata.json")
	if string(doc) != string(proveDoc) || string(calldata) != string(proveCalldata) {
		t.Fatalf("the fixtures are not the documents prove writes:\n%s\n%s", doc, calldata)
	}
	var m struct {
		Anchor struct{ Slot, Timestamp uint64 }
		Files  []struct{ File, Format, Kind string }
	}
	if err := json.Unmarshal(read("manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Anchor.Slot != in.slot || m.Anchor.Timestamp != in.timestamp || len(m.Files) != 2 ||
		m.Files[0] != (struct{ File, Format, Kind string }{"withdrawal-1.json", "lido", "withdrawal"}) ||
		m.Files[1] != (struct{ File, Format, Kind string }{"withdrawal-1.calldata.json", "calldata", "withdrawal"}) {
		t.Fatalf("manifest %+v", m)
	}
	return doc, calldata
}

// lidoChainFiles generates a chain of the fork whose anchor block pays
// validator 7 (exited and withdrawable) a full withdrawal to its
// credentials' address as withdrawal 1, as does a block three eras and 77
// slots back, with its post-state; it writes the state, the block, the old
// state, the old block and the old era's block roots, in that order.
func lidoChainFiles(t *testing.T, net *fork.Network, forkName string, seed uint64) (*synth.Chain, synth.Options, []string) {
	t.Helper()
	ver, _ := net.Fork(forkName)
	offset, err := net.HistoricalSummariesOffset()
	if err != nil {
		t.Fatal(err)
	}
	slot := ver.Epoch*net.SlotsPerEpoch + 30_000 + seed
	ws := slot - 3*8192 - 77
	opts := synth.Options{Validators: 64, Slot: slot, Seed: seed, ExitedEvery: 8, ForkVersion: ver.Version, GenesisTime: net.GenesisTime}
	ch, err := synth.NewChain(synth.ChainOptions{Fork: forkName, Options: opts, SummariesOffset: offset, Past: []uint64{ws}, PastStates: true,
		Withdrawals: []synth.Withdrawal{{Index: 76_999, ValidatorIndex: 3, Address: [20]byte{1}, Amount: 5},
			{Index: 77_000, ValidatorIndex: 7, Address: synth.DefaultAddress, Amount: 32_000_000_000}}})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	past := ch.Past[ws]
	var files []string
	for i, b := range [][]byte{ch.State, ch.Block, past.State, past.Block, past.EraBlockRoots} {
		p := filepath.Join(dir, fmt.Sprintf("input-%d.ssz", i))
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		files = append(files, p)
	}
	return ch, opts, files
}

// cliGIndices runs `beaconproof gindex --lido --fork F` and returns its
// constructor struct.
func cliGIndices(t *testing.T, forkName string) lidoGIndices {
	t.Helper()
	out, err := exec.Command(cliBin, "gindex", "--lido", "--fork", forkName).Output()
	if err != nil {
		t.Fatalf("gindex --lido: %v", err)
	}
	var doc struct {
		Constructor []hash32 `json:"constructorGIndices"`
	}
	if err := json.Unmarshal(out, &doc); err != nil || len(doc.Constructor) != 8 {
		t.Fatalf("gindex --lido: %v\n%s", err, out)
	}
	c := doc.Constructor
	return lidoGIndices{c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]}
}

// lidoSubmitted checks that the module was told at least n withdrawals
// (changed copies the contract accepts, only in padding, tell it again),
// the last a full withdrawal of 32 ETH of the key.
func lidoSubmitted(t *testing.T, mod *Deployed, ts uint64, n int) {
	t.Helper()
	in, err := mod.Pack("submitted")
	if err != nil {
		t.Fatal(err)
	}
	out, err := mod.Unpack("submitted", mod.Call(in, ts+12))
	if err != nil {
		t.Fatal(err)
	}
	var got []lidoWithdrawalInfo
	abi.ConvertType(out[0], &got)
	wei := new(big.Int).Mul(big.NewInt(32_000_000_000), big.NewInt(1e9))
	if len(got) < n || got[len(got)-1].NodeOperatorId.Cmp(lidoOperator) != 0 || got[len(got)-1].KeyIndex.Cmp(lidoKey) != 0 || got[len(got)-1].Amount.Cmp(wei) != 0 {
		t.Fatalf("the module was told %s, want %d withdrawals, the last of %s wei", fmt.Sprint(got), n, wei)
	}
}
