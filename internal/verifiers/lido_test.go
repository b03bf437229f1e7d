package verifiers

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/big"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// CSVerifier's structs (ICSVerifier.sol, Types.sol) as go-ethereum's abi
// package packs them.
type (
	lidoHeader struct {
		Slot          uint64
		ProposerIndex uint64
		ParentRoot    [32]byte
		StateRoot     [32]byte
		BodyRoot      [32]byte
	}
	lidoProvableHeader struct {
		Header         lidoHeader
		RootsTimestamp uint64
	}
	lidoWithdrawalWitness struct {
		WithdrawalOffset           uint8
		WithdrawalIndex            uint64
		ValidatorIndex             uint64
		Amount                     uint64
		WithdrawalCredentials      [32]byte
		EffectiveBalance           uint64
		Slashed                    bool
		ActivationEligibilityEpoch uint64
		ActivationEpoch            uint64
		ExitEpoch                  uint64
		WithdrawableEpoch          uint64
		WithdrawalProof            [][32]byte
		ValidatorProof             [][32]byte
	}
	lidoHistoricalHeader struct {
		Header lidoHeader
		Proof  [][32]byte
	}
	lidoGIndices struct {
		GIFirstWithdrawalPrev         [32]byte
		GIFirstWithdrawalCurr         [32]byte
		GIFirstValidatorPrev          [32]byte
		GIFirstValidatorCurr          [32]byte
		GIFirstHistoricalSummaryPrev  [32]byte
		GIFirstHistoricalSummaryCurr  [32]byte
		GIFirstBlockRootInSummaryPrev [32]byte
		GIFirstBlockRootInSummaryCurr [32]byte
	}
	lidoWithdrawalInfo struct {
		NodeOperatorId *big.Int
		KeyIndex       *big.Int
		Amount         *big.Int
	}
)

// lidoGIndex is Lido's GIndex: the generalized index shifted left by 8
// bits, and below it the depth of the tree level the node is the first of.
func lidoGIndex(g *big.Int, pow uint8) [32]byte {
	var out [32]byte
	new(big.Int).Or(new(big.Int).Lsh(g, 8), big.NewInt(int64(pow))).FillBytes(out[:])
	return out
}

// lidoGIndicesOf derives CSVerifier's constructor gindices for a fork from
// its schemas: the first withdrawal of the state's
// latest_execution_payload_header (a 16-entry list under withdrawals_root),
// the first validator, the first historical summary, and the first block
// root of a HistoricalSummary's block_summary_root.
func lidoGIndicesOf(t *testing.T, s *fork.Schemas) lidoGIndices {
	t.Helper()
	gi := func(tp *ssz.Type, path string) *big.Int {
		g, _, err := tp.Gindex(path)
		if err != nil {
			t.Fatal(err)
		}
		return g.Big()
	}
	wr := gi(s.BeaconState, "latest_execution_payload_header.withdrawals_root")
	withdrawal := lidoGIndex(new(big.Int).Lsh(wr, 1+4), 4) // the list's data, then entry 0 of 16
	validator := lidoGIndex(gi(s.BeaconState, "validators[0]"), 40)
	summary := lidoGIndex(gi(s.BeaconState, "historical_summaries[0]"), 24)
	root := lidoGIndex(new(big.Int).Lsh(big.NewInt(2), 13), 13) // block_summary_root, then root 0 of 8192
	return lidoGIndices{withdrawal, withdrawal, validator, validator, summary, summary, root, root}
}

// lidoErrors are the errors CSVerifier's SSZ library reverts with from
// assembly, which are not in its ABI.
func lidoErrors() abi.ABI {
	a := abi.ABI{Errors: map[string]abi.Error{}}
	for _, n := range []string{"InvalidProof", "BranchHasMissingItem", "BranchHasExtraItem"} {
		a.Errors[n] = abi.NewError(n, nil)
	}
	return a
}

// lidoRun is one fork's CSVerifier with a valid withdrawal proof.
type lidoRun struct {
	e        *EVM
	csv, mod *Deployed
	ts       uint64
	amount   uint64
	block    lidoProvableHeader
	witness  lidoWithdrawalWitness
}

// The stand-in module knows the proved validator's key as this operator's
// key.
var lidoOperator, lidoKey = big.NewInt(3), big.NewInt(5)

// newLidoRun makes a chain whose anchor block pays validator 7 (exited and
// withdrawable: synth exits every 8th) a full withdrawal to
// CSVerifier's withdrawal address, deploys the stand-in module and
// CSVerifier for mainnet with the fork's gindices (previous and current
// alike, electra's first slot as first supported and pivot slot), and
// proves the withdrawal and the validator against the block's state root.
func newLidoRun(t *testing.T, forkName string, seed uint64) *lidoRun {
	t.Helper()
	verifier, module := CompileLido(t)
	net, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	fk, err := fork.Lookup(forkName)
	if err != nil {
		t.Fatal(err)
	}
	s, err := fk.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	ver, _ := net.Fork(forkName)
	slot := ver.Epoch*net.SlotsPerEpoch + 30_000 + seed
	const vi, offset = 7, 1 // the validator, and its withdrawal's place in the payload
	w := synth.Withdrawal{Index: 77_000, ValidatorIndex: vi, Address: synth.DefaultAddress, Amount: 32_000_000_000}
	opts := synth.Options{Validators: 64, Slot: slot, Seed: seed, ExitedEvery: 8, ForkVersion: ver.Version, GenesisTime: net.GenesisTime}
	ch, err := synth.NewChain(synth.ChainOptions{Fork: forkName, Options: opts,
		Withdrawals: []synth.Withdrawal{{Index: 76_999, ValidatorIndex: 3, Address: [20]byte{1}, Amount: 5}, w}})
	if err != nil {
		t.Fatal(err)
	}
	r := &lidoRun{ts: net.SlotTime(slot + 1), amount: w.Amount}
	if r.e, err = NewEVM(); err != nil {
		t.Fatal(err)
	}
	r.e.StoreRoot(r.ts, ch.BlockRoot)
	r.e.AddABI(lidoErrors())
	r.mod = Deploy(t, r.e, module)
	capella, electra := net.ForkEpoch(fork.Capella)*net.SlotsPerEpoch, net.ForkEpoch(fork.Electra)*net.SlotsPerEpoch
	r.csv = Deploy(t, r.e, verifier, common.Address(synth.DefaultAddress), r.mod.Address, net.SlotsPerEpoch, uint64(8192),
		lidoGIndicesOf(t, s), electra, electra, capella, common.HexToAddress("0xad"))

	vb := synth.ValidatorBytes(opts, vi)
	if in, err := r.mod.Pack("setSigningKey", lidoOperator, lidoKey, vb[:48]); err != nil {
		t.Fatal(err)
	} else if res := r.mod.Call(in, r.ts); res.Err != nil {
		t.Fatal(res.Err)
	}
	stateTree, err := ssz.NewTree(s.BeaconState, ch.State)
	if err != nil {
		t.Fatal(err)
	}
	u := func(off int) uint64 { return binary.LittleEndian.Uint64(vb[off:]) }
	r.witness = lidoWithdrawalWitness{
		WithdrawalOffset: offset, WithdrawalIndex: w.Index, ValidatorIndex: vi, Amount: w.Amount,
		WithdrawalCredentials: [32]byte(vb[48:80]), EffectiveBalance: u(80), Slashed: vb[88] != 0,
		ActivationEligibilityEpoch: u(89), ActivationEpoch: u(97), ExitEpoch: u(105), WithdrawableEpoch: u(113),
		WithdrawalProof: withdrawalUnderState(t, s, stateTree, ch.Block, offset).Branch,
		ValidatorProof:  treeProof(t, stateTree, fmt.Sprintf("validators[%d]", vi)).Branch,
	}
	r.block = lidoProvableHeader{Header: lidoBlockHeader(t, s, ch.Block), RootsTimestamp: r.ts}
	return r
}

// process calls processWithdrawalProof.
func (r *lidoRun) process(t *testing.T, b lidoProvableHeader, w lidoWithdrawalWitness) (Result, []byte) {
	t.Helper()
	in, err := r.csv.Pack("processWithdrawalProof", b, w, lidoOperator, lidoKey)
	if err != nil {
		t.Fatal(err)
	}
	return r.csv.Call(in, r.ts+12), in
}

// testLido runs a full withdrawal through CSVerifier's
// processWithdrawalProof: accepted, and the module told the key and the
// amount in wei. Changed proofs revert with CSVerifier's errors. The proofs
// come from the library's trees, composed as CSVerifier takes them, on
// every fork but deneb (gloas too, which the lido format does not take);
// testLidoCLI runs the CLI's lido format (and records the gas).
func testLido(t *testing.T, forkName string, seed uint64) {
	r := newLidoRun(t, forkName, seed)
	res, _ := r.process(t, r.block, r.witness)
	if res.Err != nil {
		t.Fatalf("processWithdrawalProof: %v %s", res.Err, r.e.Revert(res.Return))
	}
	in, err := r.mod.Pack("submitted")
	if err != nil {
		t.Fatal(err)
	}
	out, err := r.mod.Unpack("submitted", r.mod.Call(in, r.ts+12))
	if err != nil {
		t.Fatal(err)
	}
	var got []lidoWithdrawalInfo
	abi.ConvertType(out[0], &got)
	wei := new(big.Int).Mul(new(big.Int).SetUint64(r.amount), big.NewInt(1e9))
	if len(got) != 1 || got[0].NodeOperatorId.Cmp(lidoOperator) != 0 || got[0].KeyIndex.Cmp(lidoKey) != 0 || got[0].Amount.Cmp(wei) != 0 {
		t.Fatalf("the module was told %+v, want operator %s key %s amount %s", got, lidoOperator, lidoKey, wei)
	}
	lidoRejects(t, r)
}

// lidoRejects checks that changed copies revert with the error CSVerifier
// names.
func lidoRejects(t *testing.T, r *lidoRun) {
	bad := func(name, want string, b lidoProvableHeader, w lidoWithdrawalWitness) {
		t.Helper()
		res, _ := r.process(t, b, w)
		if !res.Reverted() || !strings.HasPrefix(r.e.Revert(res.Return), want) {
			t.Errorf("%s: %v %s, want revert %s", name, res.Err, r.e.Revert(res.Return), want)
		}
	}
	vw := r.witness
	vw.ValidatorProof = append([][32]byte(nil), r.witness.ValidatorProof...)
	vw.ValidatorProof[3][0] ^= 1
	bad("validator proof byte changed", "InvalidProof", r.block, vw)
	ww := r.witness
	ww.WithdrawalProof = append([][32]byte(nil), r.witness.WithdrawalProof...)
	ww.WithdrawalProof[0][31] ^= 1
	bad("withdrawal proof byte changed", "InvalidProof", r.block, ww)
	ww.WithdrawalProof = r.witness.WithdrawalProof[1:]
	bad("withdrawal proof one short", "BranchHasMissingItem", r.block, ww)
	aw := r.witness
	aw.Amount++
	bad("amount changed", "InvalidProof", r.block, aw)
	ow := r.witness
	ow.WithdrawalOffset = 0
	bad("other withdrawal's offset", "InvalidProof", r.block, ow)
	hb := r.block
	hb.Header.ProposerIndex++
	bad("header changed", "InvalidBlockHeader", hb, r.witness)
	tb := r.block
	tb.RootsTimestamp += 12
	bad("no root at the timestamp", "RootNotFound", tb, r.witness)
	hw := lidoHistoricalHeader{Header: r.block.Header, Proof: [][32]byte{{1}}}
	hin, err := r.csv.Pack("processHistoricalWithdrawalProof", r.block, hw, r.witness, lidoOperator, lidoKey)
	if err != nil {
		t.Fatal(err)
	}
	if res := r.csv.Call(hin, r.ts+12); !res.Reverted() || !strings.HasPrefix(r.e.Revert(res.Return), "HistoricalSummaryDoesNotExist") {
		t.Errorf("processHistoricalWithdrawalProof of the anchor block itself: %v %s", res.Err, r.e.Revert(res.Return))
	}
}

// lidoBlockHeader returns the block's header.
func lidoBlockHeader(t *testing.T, s *fork.Schemas, block []byte) lidoHeader {
	t.Helper()
	tr, err := ssz.NewTree(s.BeaconBlock, block)
	if err != nil {
		t.Fatal(err)
	}
	node := func(path string) [32]byte {
		g, _, err := s.BeaconBlock.Gindex(path)
		if err != nil {
			t.Fatal(err)
		}
		n, err := tr.Node(g)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	slot, prop := node("slot"), node("proposer_index")
	return lidoHeader{Slot: binary.LittleEndian.Uint64(slot[:]), ProposerIndex: binary.LittleEndian.Uint64(prop[:]),
		ParentRoot: node("parent_root"), StateRoot: node("state_root"), BodyRoot: node("body")}
}

func treeProof(t *testing.T, tr *ssz.Tree, path string) proof.Proof {
	t.Helper()
	g, _, err := tr.Type().Gindex(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := tr.Prove(g)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// withdrawalUnderState proves withdrawal n of the block's payload against
// the state root through the state's latest_execution_payload_header
// (the block's post-state): the withdrawal's branch inside the withdrawals
// list, from the block, then withdrawals_root's in the state.
func withdrawalUnderState(t *testing.T, s *fork.Schemas, state *ssz.Tree, block []byte, n int) proof.Proof {
	t.Helper()
	bt, err := ssz.NewTree(s.BeaconBlock, block)
	if err != nil {
		t.Fatal(err)
	}
	inList := treeProof(t, bt, fmt.Sprintf("body.execution_payload.withdrawals[%d]", n))
	outer := treeProof(t, state, "latest_execution_payload_header.withdrawals_root")
	inner := proof.Proof{Gindex: inList.Gindex.Subindex(5), Leaf: inList.Leaf, Branch: inList.Branch[:5]}
	listRoot, err := inner.Root()
	if err != nil || listRoot != outer.Leaf {
		t.Fatalf("the block's withdrawals root %x is not the state's latest_execution_payload_header.withdrawals_root %x (%v)", listRoot, outer.Leaf, err)
	}
	p, err := proof.Compose(outer, inner)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(p.Leaf[:], inList.Leaf[:]) {
		t.Fatal("composed leaf")
	}
	return p
}
