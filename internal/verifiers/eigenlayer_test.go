package verifiers

import (
	"encoding/binary"
	"fmt"
	"math/big"
	"reflect"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// BeaconChainProofs' structs as go-ethereum's abi package packs them.
type (
	elStateRootProof struct {
		BeaconStateRoot [32]byte
		Proof           []byte
	}
	elBalanceContainerProof struct {
		BalanceContainerRoot [32]byte
		Proof                []byte
	}
	elBalanceProof struct {
		PubkeyHash  [32]byte
		BalanceRoot [32]byte
		Proof       []byte
	}
	elValidatorProof struct {
		ValidatorFields [][32]byte
		Proof           []byte
	}
)

// elDoc is the eigenlayer format as the CLI prints it.
type elDoc struct {
	Format         string     `json:"format"`
	Fork           string     `json:"fork"`
	Anchor         anchorJSON `json:"anchor"`
	StateRootProof *struct {
		BeaconStateRoot hash32   `json:"beaconStateRoot"`
		Proof           hexBytes `json:"proof"`
	} `json:"stateRootProof"`
	ValidatorProofs []struct {
		ValidatorIndex  u64      `json:"validatorIndex"`
		ValidatorFields []hash32 `json:"validatorFields"`
		Proof           hexBytes `json:"proof"`
	} `json:"validatorProofs"`
	BalanceContainerProof *struct {
		BalanceContainerRoot hash32   `json:"balanceContainerRoot"`
		Proof                hexBytes `json:"proof"`
	} `json:"balanceContainerProof"`
	BalanceProofs []struct {
		ValidatorIndex u64      `json:"validatorIndex"`
		Balance        u64      `json:"balance"`
		PubkeyHash     hash32   `json:"pubkeyHash"`
		BalanceRoot    hash32   `json:"balanceRoot"`
		Proof          hexBytes `json:"proof"`
	} `json:"balanceProofs"`
}

// ProofVersion values.
const (
	elDeneb  uint8 = 0
	elPectra uint8 = 1
)

// elModel restates BeaconChainProofs' checks (and the harness's) in Go.
type elModel struct {
	timestamp       uint64
	root            [32]byte
	pectraTimestamp uint64
	// indices are the validators verifyWithdrawalCredentials recorded, by
	// pubkey hash; checkpoint is startCheckpoint's timestamp.
	indices    map[[32]byte]uint64
	checkpoint uint64
}

func (m *elModel) blockRoot(ts uint64) ([32]byte, bool) { return m.root, ts == m.timestamp }

func (m *elModel) version(ts uint64) uint8 {
	if ts <= m.pectraTimestamp {
		return elDeneb
	}
	return elPectra
}

// elProcess is Merkle.processInclusionProofSha256 followed by the
// library's root check: the leaf hashed up the concatenated proof along
// index's bits, every bit of index consumed.
func elProcess(proof []byte, leaf [32]byte, index *big.Int, root [32]byte) bool {
	if len(proof) == 0 || len(proof)%32 != 0 || root == ([32]byte{}) {
		return false
	}
	branch := make([][32]byte, len(proof)/32)
	for i := range branch {
		copy(branch[i][:], proof[32*i:])
	}
	g := new(big.Int).SetBit(new(big.Int).Set(index), len(branch), 1)
	if index.BitLen() > len(branch) {
		return false
	}
	r, ok := restore(leaf, g, branch)
	return ok && r == root
}

func stateHeight(version uint8) int {
	if version == elDeneb {
		return 5
	}
	return 6
}

func (m *elModel) stateRoot(ts uint64, p elStateRootProof) bool {
	root, ok := m.blockRoot(ts)
	return ok && len(p.Proof) == 96 && elProcess(p.Proof, p.BeaconStateRoot, big.NewInt(3), root)
}

func (m *elModel) validatorFields(version uint8, stateRoot [32]byte, fields [][32]byte, proof []byte, index *big.Int) bool {
	if version > elPectra || len(fields) != 8 || len(proof) != 32*(41+stateHeight(version)) {
		return false
	}
	g := new(big.Int).Or(new(big.Int).Lsh(big.NewInt(11), 41), index)
	return elProcess(proof, merkleize(fields), g, stateRoot)
}

func (m *elModel) balanceContainer(version uint8, root [32]byte, p elBalanceContainerProof) bool {
	if version > elPectra {
		return false
	}
	h := stateHeight(version)
	return len(p.Proof) == 32*(3+h) && elProcess(p.Proof, p.BalanceContainerRoot, big.NewInt(int64(3<<h|12)), root)
}

// validatorBalance returns the balance verifyValidatorBalance returns.
func (m *elModel) validatorBalance(containerRoot [32]byte, index *big.Int, p elBalanceProof) (uint64, bool) {
	if len(p.Proof) != 32*39 || !elProcess(p.Proof, p.BalanceRoot, new(big.Int).Rsh(index, 2), containerRoot) {
		return 0, false
	}
	lane := index.Uint64() % 4
	return binary.LittleEndian.Uint64(p.BalanceRoot[8*lane:]), true
}

// withdrawalCredentials models the harness's verifyWithdrawalCredentials.
func (m *elModel) withdrawalCredentials(args []any) bool {
	ts, srp := args[0].(uint64), args[1].(elStateRootProof)
	indices, proofs, fields := args[2].([]*big.Int), args[3].([][]byte), args[4].([][][32]byte)
	if len(indices) != len(proofs) || len(proofs) != len(fields) || !m.stateRoot(ts, srp) {
		return false
	}
	for i := range indices {
		if !m.validatorFields(m.version(ts), srp.BeaconStateRoot, fields[i], proofs[i], indices[i]) {
			return false
		}
	}
	return true
}

// staleBalance models the harness's verifyStaleBalance: a validator whose
// credentials were verified (its index recorded by pubkey hash), slashed,
// its fields under the state root under the timestamp's block root.
func (m *elModel) staleBalance(args []any) bool {
	ts, srp, p := args[0].(uint64), args[1].(elStateRootProof), args[2].(elValidatorProof)
	if len(p.ValidatorFields) <= 3 {
		return false
	}
	i, ok := m.indices[p.ValidatorFields[0]]
	if !ok || p.ValidatorFields[3] == ([32]byte{}) || !m.stateRoot(ts, srp) {
		return false
	}
	return m.validatorFields(m.version(ts), srp.BeaconStateRoot, p.ValidatorFields, p.Proof, new(big.Int).SetUint64(i))
}

// checkpointBalances models the harness's verifyCheckpointProofs.
func (m *elModel) checkpointBalances(args []any) ([]uint64, bool) {
	bcp, proofs := args[0].(elBalanceContainerProof), args[1].([]elBalanceProof)
	root, ok := m.blockRoot(m.checkpoint)
	if !ok || !m.balanceContainer(m.version(m.checkpoint), root, bcp) {
		return nil, false
	}
	out := []uint64{}
	for _, p := range proofs {
		i, ok := m.indices[p.PubkeyHash]
		if !ok {
			return nil, false
		}
		b, ok := m.validatorBalance(bcp.BalanceContainerRoot, new(big.Int).SetUint64(i), p)
		if !ok {
			return nil, false
		}
		out = append(out, b)
	}
	return out, true
}

// returns accepts a call that returns these values.
func returns(want ...any) func(d *Deployed, method string, r Result) bool {
	return func(d *Deployed, method string, r Result) bool {
		out, err := d.Unpack(method, r)
		return err == nil && reflect.DeepEqual(out, want)
	}
}

func splitProof(t *testing.T, b []byte) [][32]byte {
	t.Helper()
	if len(b)%32 != 0 {
		t.Fatalf("proof of %d bytes", len(b))
	}
	out := make([][32]byte, len(b)/32)
	for i := range out {
		copy(out[i][:], b[32*i:])
	}
	return out
}

// elSetup is one fork's EigenLayer run: the harness, the reference
// verifier, the model and the CLI's documents.
type elSetup struct {
	in         *inputs
	el, ref    *Deployed
	m          *elModel
	version    uint8
	vdoc, bdoc *elDoc
	vcd, bcd   *calldataDoc
	// sdoc and scd are the slashed validator's document and calldata.
	sdoc *elDoc
	scd  *calldataDoc
	srp  elStateRootProof
	bcp  elBalanceContainerProof
}

func newELSetup(t *testing.T, in *inputs, g *gasTable) *elSetup {
	t.Helper()
	e, err := NewEVM()
	if err != nil {
		t.Fatal(err)
	}
	e.StoreRoot(in.timestamp, in.chain.BlockRoot)
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	// EigenPodManager's pectraForkTimestamp: the first mainnet slot of
	// electra (its first block).
	pectra := mainnet.SlotTime(mainnet.ForkEpoch(fork.Electra) * mainnet.SlotsPerEpoch)
	s := &elSetup{in: in, el: DeployEigenHarness(t, e, pectra), ref: deployReference(t, e), version: elPectra,
		m: &elModel{timestamp: in.timestamp, root: in.chain.BlockRoot, pectraTimestamp: pectra, indices: map[[32]byte]uint64{}}}
	g.compiler("eigenlayer", s.el.Contract.Compiler)
	if in.fork == fork.Deneb {
		s.version = elDeneb
	}
	if s.m.version(in.timestamp) != s.version {
		t.Fatalf("%s timestamp %d gives ProofVersion %d", in.fork, in.timestamp, s.m.version(in.timestamp))
	}
	s.vdoc = decode[elDoc](t, in.prove(t, "validator", append(indexArgs(), "--format", "eigenlayer")...))
	s.vcd = decode[calldataDoc](t, in.prove(t, "validator", append(indexArgs(), "--format", "calldata", "--protocol", "eigenlayer")...))
	s.bdoc = decode[elDoc](t, in.prove(t, "balance", append(indexArgs(), "--format", "eigenlayer")...))
	s.bcd = decode[calldataDoc](t, in.prove(t, "balance", append(indexArgs(), "--format", "calldata", "--protocol", "eigenlayer")...))
	slashed := []string{"--index", fmt.Sprint(slashedValidator)}
	s.sdoc = decode[elDoc](t, in.prove(t, "validator", append(slashed, "--format", "eigenlayer")...))
	s.scd = decode[calldataDoc](t, in.prove(t, "validator", append(slashed, "--format", "calldata", "--protocol", "eigenlayer")...))
	if len(s.sdoc.ValidatorProofs) != 1 || len(s.scd.Calls) != 2 || s.sdoc.StateRootProof == nil {
		t.Fatalf("slashed validator's documents: %+v; calls %+v", s.sdoc, s.scd.Calls)
	}
	for _, a := range []anchorJSON{s.vdoc.Anchor, s.vcd.Anchor, s.bdoc.Anchor, s.bcd.Anchor, s.sdoc.Anchor, s.scd.Anchor} {
		in.checkAnchor(t, a)
	}
	if s.vdoc.StateRootProof == nil || len(s.vdoc.ValidatorProofs) != len(provedValidators) || s.bdoc.BalanceContainerProof == nil ||
		len(s.bdoc.BalanceProofs) != len(provedValidators) || len(s.vcd.Calls) != 1 || len(s.bcd.Calls) != 1 {
		t.Fatalf("documents: %+v %+v; %d and %d calls", s.vdoc, s.bdoc, len(s.vcd.Calls), len(s.bcd.Calls))
	}
	for _, c := range []*calldataDoc{s.vcd, s.bcd, s.scd} {
		for _, call := range c.Calls {
			if sig := s.el.Contract.ABI.Methods[strings.Split(call.Function, "(")[0]].Sig; call.Function != sig {
				t.Fatalf("the CLI's %s is not the harness's %s", call.Function, sig)
			}
		}
	}
	s.srp = elStateRootProof{BeaconStateRoot: s.vdoc.StateRootProof.BeaconStateRoot, Proof: s.vdoc.StateRootProof.Proof}
	s.bcp = elBalanceContainerProof{BalanceContainerRoot: s.bdoc.BalanceContainerProof.BalanceContainerRoot, Proof: s.bdoc.BalanceContainerProof.Proof}
	return s
}

// validatorCases are the validator documents' calls: verifyStateRoot,
// verifyValidatorFields of each validator, and EigenPod's
// verifyWithdrawalCredentials of them all with the printed calldata.
func (s *elSetup) validatorCases() []callCase {
	m, ts := s.m, s.in.timestamp
	cases := []callCase{{name: "verifyStateRoot", d: s.el, method: "verifyStateRoot", args: []any{ts, s.srp}, accepted: succeeds,
		model: func(a []any) bool { return m.stateRoot(a[0].(uint64), a[1].(elStateRootProof)) }}}
	var indices []*big.Int
	var proofs [][]byte
	var fields [][][32]byte
	for _, p := range s.vdoc.ValidatorProofs {
		i := new(big.Int).SetUint64(uint64(p.ValidatorIndex))
		indices, proofs, fields = append(indices, i), append(proofs, []byte(p.Proof)), append(fields, hashes(p.ValidatorFields))
		m.indices[p.ValidatorFields[0]] = uint64(p.ValidatorIndex)
		cases = append(cases, callCase{name: fmt.Sprintf("verifyValidatorFields (validator %d)", p.ValidatorIndex), d: s.el,
			method: "verifyValidatorFields", args: []any{s.version, s.srp.BeaconStateRoot, hashes(p.ValidatorFields), []byte(p.Proof), i},
			accepted: succeeds, model: func(a []any) bool {
				return m.validatorFields(a[0].(uint8), a[1].([32]byte), a[2].([][32]byte), a[3].([]byte), a[4].(*big.Int))
			}})
	}
	return append(cases, callCase{name: "verifyWithdrawalCredentials", d: s.el, method: "verifyWithdrawalCredentials",
		args: []any{ts, s.srp, indices, proofs, fields}, printed: s.vcd.Calls[0].Data, accepted: succeeds, model: m.withdrawalCredentials})
}

// staleCases are the slashed validator's calls: its credentials verified
// with the CLI's first call (as the pod did before the slashing; the
// harness records its index by pubkey hash), then EigenPod's
// verifyStaleBalance with the CLI's second, whose arguments are the
// document's StateRootProof and ValidatorProof.
func (s *elSetup) staleCases(t *testing.T, now uint64) []callCase {
	t.Helper()
	if s.scd.Calls[0].Function != s.el.Contract.ABI.Methods["verifyWithdrawalCredentials"].Sig ||
		s.scd.Calls[1].Function != s.el.Contract.ABI.Methods["verifyStaleBalance"].Sig {
		t.Fatalf("the slashed validator's calls: %+v", s.scd.Calls)
	}
	if r := s.el.Call(s.scd.Calls[0].Data, now); r.Err != nil {
		t.Fatalf("verifyWithdrawalCredentials of the slashed validator: %v %s", r.Err, s.el.EVM.Revert(r.Return))
	}
	p := s.sdoc.ValidatorProofs[0]
	if p.ValidatorIndex != slashedValidator || p.ValidatorFields[3] != hash32(le(1)) {
		t.Fatalf("validator %d with slashed field %x", p.ValidatorIndex, p.ValidatorFields[3])
	}
	s.m.indices[p.ValidatorFields[0]] = slashedValidator
	srp := elStateRootProof{BeaconStateRoot: s.sdoc.StateRootProof.BeaconStateRoot, Proof: s.sdoc.StateRootProof.Proof}
	vp := elValidatorProof{ValidatorFields: hashes(p.ValidatorFields), Proof: p.Proof}
	return []callCase{{name: "verifyStaleBalance", d: s.el, method: "verifyStaleBalance", args: []any{s.in.timestamp, srp, vp},
		printed: s.scd.Calls[1].Data, accepted: succeeds, model: s.m.staleBalance}}
}

// balanceCases are the balance documents' calls: verifyBalanceContainer,
// verifyValidatorBalance of each balance, and EigenPod's
// verifyCheckpointProofs of them all with the printed calldata.
func (s *elSetup) balanceCases(t *testing.T) []callCase {
	t.Helper()
	m, ts := s.m, s.in.timestamp
	cases := []callCase{{name: "verifyBalanceContainer", d: s.el, method: "verifyBalanceContainer", args: []any{s.version, ts, s.bcp},
		accepted: succeeds, model: func(a []any) bool {
			root, ok := m.blockRoot(a[1].(uint64))
			return ok && m.balanceContainer(a[0].(uint8), root, a[2].(elBalanceContainerProof))
		}}}
	var bps []elBalanceProof
	var balances []uint64
	for _, p := range s.bdoc.BalanceProofs {
		bp := elBalanceProof{PubkeyHash: p.PubkeyHash, BalanceRoot: p.BalanceRoot, Proof: p.Proof}
		want := uint64(p.Balance)
		bps, balances = append(bps, bp), append(balances, want)
		if got := synth.Balance(synth.Options{}, int(p.ValidatorIndex)); got != want { // synth's balance depends on the index only
			t.Fatalf("balance %d in the document, %d in the state", want, got)
		}
		cases = append(cases, callCase{name: fmt.Sprintf("verifyValidatorBalance (validator %d)", p.ValidatorIndex), d: s.el,
			method: "verifyValidatorBalance", args: []any{s.bcp.BalanceContainerRoot, new(big.Int).SetUint64(uint64(p.ValidatorIndex)), bp},
			accepted: returns(want), unbound: []string{"proof.pubkeyHash "}, model: func(a []any) bool {
				b, ok := m.validatorBalance(a[0].([32]byte), a[1].(*big.Int), a[2].(elBalanceProof))
				return ok && b == want
			}})
	}
	return append(cases, callCase{name: "verifyCheckpointProofs", d: s.el, method: "verifyCheckpointProofs",
		args: []any{s.bcp, bps}, printed: s.bcd.Calls[0].Data, accepted: returns(balances), model: func(a []any) bool {
			got, ok := m.checkpointBalances(a)
			return ok && reflect.DeepEqual(got, balances)
		}})
}

// testEigenLayer runs the fork's CLI output through BeaconChainProofs:
// each library function with the document's structs (ProofVersion DENEB on
// deneb, PECTRA after), then EigenPod's two entry points with the calldata
// the CLI prints for them (verifyWithdrawalCredentials, verifyStaleBalance
// of a slashed validator, then verifyCheckpointProofs after a checkpoint at
// the same block). Every one
// is accepted and every changed copy rejected; the library's
// verifyValidatorBalance does not read the BalanceProof's pubkeyHash
// (EigenPod looks the validator up by it), so that one change passes there.
func testEigenLayer(t *testing.T, in *inputs, g *gasTable) {
	s := newELSetup(t, in, g)
	now, ts := in.timestamp+12, in.timestamp
	cases := append(s.validatorCases(), s.staleCases(t, now)...)
	for _, c := range append(cases, s.balanceCases(t)...) {
		if c.method == "verifyCheckpointProofs" {
			// EigenPod.startCheckpoint: the checkpoint at the proofs' block.
			start, err := s.el.Pack("startCheckpoint", ts)
			if err != nil {
				t.Fatal(err)
			}
			if r := s.el.Call(start, now); r.Err != nil {
				t.Fatalf("startCheckpoint: %v %s", r.Err, s.el.EVM.Revert(r.Return))
			}
			s.m.checkpoint = ts
		}
		t.Run(c.name, func(t *testing.T) {
			exec, tx := c.run(t, now)
			var rc *cell
			switch c.method {
			case "verifyStateRoot":
				rc = refLeaf(t, s.ref, ts, s.srp.BeaconStateRoot, s.srp.Proof, big.NewInt(11), now)
			case "verifyBalanceContainer":
				rc = refLeaf(t, s.ref, ts, s.bcp.BalanceContainerRoot, s.bcp.Proof, big.NewInt(int64(11<<stateHeight(s.version)|12)), now)
			}
			g.record("eigenlayer", c.method, in.fork, cell{exec, tx}, rc)
		})
	}
}

// refLeaf runs the reference verifier's verifyLeaf of a leaf under the
// block root (no state anchor) and returns its gas.
func refLeaf(t *testing.T, ref *Deployed, ts uint64, leaf [32]byte, proof []byte, g *big.Int, now uint64) *cell {
	t.Helper()
	anchor := struct {
		Timestamp  uint64
		StateProof [][32]byte
	}{ts, [][32]byte{}}
	input, err := ref.Pack("verifyLeaf", anchor, leaf, splitProof(t, proof), g)
	if err != nil {
		t.Fatal(err)
	}
	r := ref.Call(input, now)
	if !returnsTrue(ref, "verifyLeaf", r) {
		t.Fatalf("reference verifyLeaf: %v %s", r.Err, ref.EVM.Revert(r.Return))
	}
	return &cell{r.Gas, must(ref.EVM.TxGas(ref.Address, input, r.Gas))}
}
