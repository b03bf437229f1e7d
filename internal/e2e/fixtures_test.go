package e2e

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/internal/testchain"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/staking"
)

// This file makes the fixtures the EVM test runs: proof documents in the
// JSON form `beaconproof prove` emits, built from synthetic states and
// blocks of each fork with the library's own trees.
//
//	{"fork", "preset", "type", "root",
//	 "anchor": {"kind", "root", "slot", "timestamp", "proof"},
//	 "proofs": [{"path", "gindex", "leaf", "branch"}]}
//
// anchor.root is the beacon block root the EIP-4788 contract holds (at
// anchor.timestamp, the child block's timestamp) and anchor.slot the
// block's slot. anchor.kind says what the proofs lead to, as in
// beaconstate's claims: "block" (root is the block root) or "state" (root
// is the block's state root; anchor.proof is then the proof of
// BeaconBlock.state_root, gindex 11, that links it to the block root, as
// staking.StateProver.StateRootProof gives it).

// fixtureDoc is the JSON document.
type fixtureDoc struct {
	Fork   string       `json:"fork"`
	Preset string       `json:"preset"`
	Type   string       `json:"type"`
	Root   proof.Hash32 `json:"root"`
	Anchor struct {
		Kind      string       `json:"kind"`
		Root      proof.Hash32 `json:"root"`
		Slot      uint64       `json:"slot"`
		Timestamp uint64       `json:"timestamp"`
		Proof     *proof.Proof `json:"proof,omitempty"`
	} `json:"anchor"`
	Proofs []pathProof `json:"proofs"`
}

type pathProof struct {
	Path string `json:"path"`
	proof.Proof
}

func (p pathProof) MarshalJSON() ([]byte, error) {
	inner, err := p.Proof.MarshalJSON()
	if err != nil {
		return nil, err
	}
	path, _ := json.Marshal(p.Path)
	return append(append([]byte(`{"path":`), path...), append([]byte(","), inner[1:]...)...), nil
}

func (p *pathProof) UnmarshalJSON(b []byte) error {
	var w struct {
		Path string `json:"path"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	p.Path = w.Path
	return p.Proof.UnmarshalJSON(b)
}

// Kinds of proof. Each names the verifier entry point that checks it and
// how its value is encoded (see evm_test.go).
const (
	kindSlot                 = "slot"
	kindValidator            = "validator"
	kindWithdrawalCreds      = "withdrawal_credentials"
	kindEffectiveBalance     = "effective_balance"
	kindSlashed              = "slashed"
	kindExitEpoch            = "exit_epoch"
	kindPubkey               = "pubkey"
	kindBalance              = "balance"
	kindWithdrawal           = "withdrawal"
	kindHistoricalWithdrawal = "historical_withdrawal"
	kindRPSlot               = "rocketpool_slot"
	kindRPValidator          = "rocketpool_validator"
	kindRPWithdrawal         = "rocketpool_withdrawal"
	kindRPHistorical         = "rocketpool_historical_withdrawal"
)

// fixture is one proof document with the decoded value it proves.
type fixture struct {
	name   string // fork/kind/anchor
	fork   string
	kind   string
	doc    fixtureDoc
	value  []byte // the value's SSZ encoding (kind-specific; see evm_test.go)
	index  uint64 // validator index, for balances
	wslot  uint64 // withdrawal slot (rocketpool withdrawals)
	wnum   uint64 // withdrawal number (rocketpool withdrawals)
	stored testchain.StoredRoot
}

// forkNetworks picks, for each fork the test covers, a network that
// schedules it, so that the anchor's timestamp is a real one.
var forkNetworks = []struct{ fork, network string }{
	{fork.Deneb, "mainnet"},
	{fork.Electra, "mainnet"},
	{fork.Fulu, "mainnet"},
	{fork.Gloas, "sepolia"},
}

// forkData is what one fork's fixtures are made from.
type forkData struct {
	fork       string
	schemas    *fork.Schemas
	net        *fork.Network
	slot       uint64
	opts       synth.Options
	state      []byte
	stateTree  *ssz.Tree
	block      []byte
	blockTree  *ssz.Tree
	anchor     staking.Anchor
	withdrawal synth.Withdrawal // the recent one
	historical synth.Withdrawal
	wslot      uint64 // recent withdrawal's slot
	hslot      uint64 // historical withdrawal's slot
	// proofs from the state root to the withdrawals
	recentProof, historicalProof proof.Proof
}

const (
	fixtureValidators = 64
	fixtureSummaries  = 4
	summaryIndex      = 2
	validatorIndex    = 7 // exited (synth exits every 8th), lane 3 of its balance chunk
	withdrawalNum     = 1
)

func withdrawalsFor(seed, slot uint64) []synth.Withdrawal {
	ws := make([]synth.Withdrawal, 3)
	for i := range ws {
		ws[i] = synth.Withdrawal{
			Index:          seed*1000 + slot*16 + uint64(i),
			ValidatorIndex: uint64(i*5 + 3),
			Address:        [20]byte{0xbe, 0xac, 0x04, 0x78, byte(slot), byte(slot >> 8), byte(i)},
			Amount:         19_000_000 + uint64(i)*1_234_567,
		}
	}
	return ws
}

func prove(t *testing.T, tr *ssz.Tree, path string) proof.Proof {
	t.Helper()
	g, _, err := tr.Type().Gindex(path)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	p, err := tr.Prove(g)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return p
}

func compose(t *testing.T, ps ...proof.Proof) proof.Proof {
	t.Helper()
	p, err := proof.Compose(ps...)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// rootsVector returns a Vector[Root, SLOTS_PER_HISTORICAL_ROOT] tree with
// root at index j and made-up roots elsewhere: the block_roots or
// state_roots of a past period.
func rootsVector(t *testing.T, s *fork.Schemas, seed uint64, label string, j uint64, root [32]byte) *ssz.Tree {
	t.Helper()
	n := s.Preset.SlotsPerHistoricalRoot
	b := make([]byte, 32*n)
	for i := uint64(0); i < n; i++ {
		h := synth.Hash(seed, label, i)
		if i == j {
			h = root
		}
		copy(b[32*i:], h[:])
	}
	tr, err := ssz.NewTree(ssz.Vector(ssz.Bytes32, n), b)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

func mustRoot(t *testing.T, tr *ssz.Tree) [32]byte {
	t.Helper()
	r, err := tr.Root()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// buildFork makes one fork's state, anchor block and withdrawal blocks.
func buildFork(t *testing.T, forkName, network string, seed uint64) *forkData {
	t.Helper()
	f, err := fork.Lookup(forkName)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	net := testchain.MustNetwork(t, network)
	ver, ok := net.Fork(forkName)
	if !ok {
		t.Fatalf("%s has no %s", network, forkName)
	}
	d := &forkData{fork: forkName, schemas: s, net: net}
	d.slot = ver.Epoch*net.SlotsPerEpoch + 20_000 + seed
	gloas := f.Descends(fork.Gloas)
	spr := s.Preset.SlotsPerHistoricalRoot

	d.wslot = d.slot - 100
	d.hslot = (d.slot/spr-3)*spr + 77
	recentWs := withdrawalsFor(seed, d.wslot)
	histWs := withdrawalsFor(seed, d.hslot)
	d.withdrawal, d.historical = recentWs[withdrawalNum], histWs[withdrawalNum]

	d.opts = synth.Options{
		Validators:          fixtureValidators,
		Slot:                d.slot,
		Seed:                seed,
		HistoricalSummaries: fixtureSummaries,
		ExitedEvery:         8,
		ForkVersion:         ver.Version,
		GenesisTime:         net.GenesisTime,
		BlockRoots:          map[uint64][32]byte{},
	}
	// The recent withdrawal: in the block at wslot, whose root is in
	// state.block_roots (gloas: in state.payload_expected_withdrawals).
	var recentBlock *ssz.Tree
	if gloas {
		d.opts.ExpectedWithdrawals = recentWs
	} else {
		b, err := synth.Block(s.BeaconBlock, synth.BlockOptions{Slot: d.wslot, Seed: seed, Withdrawals: recentWs, Timestamp: net.SlotTime(d.wslot), BlockNumber: d.wslot})
		if err != nil {
			t.Fatal(err)
		}
		if recentBlock, err = ssz.NewTree(s.BeaconBlock, b); err != nil {
			t.Fatal(err)
		}
		d.opts.BlockRoots[d.wslot%spr] = mustRoot(t, recentBlock)
	}
	// The historical withdrawal: in the block at hslot (gloas: in the state
	// at hslot), whose root is in a past period's block_roots (state_roots),
	// summarized in state.historical_summaries[summaryIndex].
	var histTree *ssz.Tree
	var histPath, summaryField, vectorLabel string
	if gloas {
		o := synth.Options{Validators: 8, Slot: d.hslot, Seed: seed + 100, ForkVersion: ver.Version, GenesisTime: net.GenesisTime, ExpectedWithdrawals: histWs, RecentRoots: 1}
		b, err := synth.State(s.BeaconState, o)
		if err != nil {
			t.Fatal(err)
		}
		if histTree, err = ssz.NewTree(s.BeaconState, b); err != nil {
			t.Fatal(err)
		}
		histPath = fmt.Sprintf("payload_expected_withdrawals[%d]", withdrawalNum)
		summaryField, vectorLabel = "state_summary_root", "hist_state_roots"
	} else {
		b, err := synth.Block(s.BeaconBlock, synth.BlockOptions{Slot: d.hslot, Seed: seed, Withdrawals: histWs, Timestamp: net.SlotTime(d.hslot), BlockNumber: d.hslot})
		if err != nil {
			t.Fatal(err)
		}
		if histTree, err = ssz.NewTree(s.BeaconBlock, b); err != nil {
			t.Fatal(err)
		}
		histPath = fmt.Sprintf("body.execution_payload.withdrawals[%d]", withdrawalNum)
		summaryField, vectorLabel = "block_summary_root", "hist_block_roots"
	}
	vec := rootsVector(t, s, seed, vectorLabel, d.hslot%spr, mustRoot(t, histTree))

	state, err := synth.State(s.BeaconState, d.opts)
	if err != nil {
		t.Fatal(err)
	}
	// Point historical_summaries[summaryIndex] at the vector.
	old := synth.Hash(seed, summaryField, summaryIndex)
	at := bytes.Index(state, old[:])
	if at < 0 || bytes.Contains(state[at+1:], old[:]) {
		t.Fatalf("cannot find historical_summaries[%d].%s in the state", summaryIndex, summaryField)
	}
	vr := mustRoot(t, vec)
	copy(state[at:], vr[:])
	d.state = state
	if d.stateTree, err = ssz.NewTree(s.BeaconState, state); err != nil {
		t.Fatal(err)
	}
	stateRoot := mustRoot(t, d.stateTree)

	if gloas {
		d.recentProof = prove(t, d.stateTree, fmt.Sprintf("payload_expected_withdrawals[%d]", withdrawalNum))
	} else {
		d.recentProof = compose(t,
			prove(t, d.stateTree, fmt.Sprintf("block_roots[%d]", d.wslot%spr)),
			prove(t, recentBlock, fmt.Sprintf("body.execution_payload.withdrawals[%d]", withdrawalNum)))
	}
	d.historicalProof = compose(t,
		prove(t, d.stateTree, fmt.Sprintf("historical_summaries[%d].%s", summaryIndex, summaryField)),
		prove(t, vec, fmt.Sprintf("[%d]", d.hslot%spr)),
		prove(t, histTree, histPath))

	// The anchor block, and where its root is stored: slot+1 is missed, so
	// the child is slot+2.
	d.block, err = synth.Block(s.BeaconBlock, synth.BlockOptions{Slot: d.slot, Seed: seed, StateRoot: stateRoot, Timestamp: net.SlotTime(d.slot), BlockNumber: d.slot})
	if err != nil {
		t.Fatal(err)
	}
	if d.blockTree, err = ssz.NewTree(s.BeaconBlock, d.block); err != nil {
		t.Fatal(err)
	}
	c := testchain.NewChain(d.slot+5, d.slot+1)
	c.Roots[d.slot] = mustRoot(t, d.blockTree)
	if d.anchor, err = eip4788.AnchorOf(context.Background(), net, c, d.slot); err != nil {
		t.Fatal(err)
	}
	if d.anchor.Timestamp != net.SlotTime(d.slot+2) {
		t.Fatalf("anchor stored at %d, want the time of slot %d", d.anchor.Timestamp, d.slot+2)
	}
	return d
}

// fixtures returns every fixture of one fork: each kind with both anchors,
// and the Rocket Pool-format kinds (block anchor only).
func (d *forkData) fixtures(t *testing.T) []fixture {
	t.Helper()
	le := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
	vb := synth.ValidatorBytes(d.opts, validatorIndex)
	vpath := fmt.Sprintf("validators[%d]", validatorIndex)
	type item struct {
		kind, path string
		p          proof.Proof
		value      []byte
	}
	items := []item{
		{kindSlot, "slot", prove(t, d.stateTree, "slot"), le(d.slot)},
		{kindValidator, vpath, prove(t, d.stateTree, vpath), vb},
		{kindWithdrawalCreds, vpath + ".withdrawal_credentials", prove(t, d.stateTree, vpath+".withdrawal_credentials"), vb[48:80]},
		{kindEffectiveBalance, vpath + ".effective_balance", prove(t, d.stateTree, vpath+".effective_balance"), vb[80:88]},
		{kindSlashed, vpath + ".slashed", prove(t, d.stateTree, vpath+".slashed"), vb[88:89]},
		{kindExitEpoch, vpath + ".exit_epoch", prove(t, d.stateTree, vpath+".exit_epoch"), vb[105:113]},
		{kindPubkey, vpath + ".pubkey", prove(t, d.stateTree, vpath+".pubkey"), vb[0:48]},
		{kindBalance, fmt.Sprintf("balances[%d]", validatorIndex), prove(t, d.stateTree, fmt.Sprintf("balances[%d]", validatorIndex)), le(synth.Balance(d.opts, validatorIndex))},
		{kindWithdrawal, "recent withdrawal", d.recentProof, d.withdrawal.Encode()},
		{kindHistoricalWithdrawal, "historical withdrawal", d.historicalProof, d.historical.Encode()},
	}
	stateAnchor := prove(t, d.blockTree, "state_root")
	if stateAnchor.Gindex.String() != "11" {
		t.Fatalf("state_root gindex %s", stateAnchor.Gindex)
	}
	stateRoot := mustRoot(t, d.stateTree)
	var out []fixture
	for _, it := range items {
		for _, anchorKind := range []string{"block", "state"} {
			f := fixture{
				name:   fmt.Sprintf("%s/%s/%s", d.fork, it.kind, anchorKind),
				fork:   d.fork,
				kind:   it.kind,
				value:  it.value,
				index:  validatorIndex,
				stored: testchain.StoredRoot{Name: d.fork, Timestamp: d.anchor.Timestamp, Root: d.anchor.Root},
			}
			doc := &f.doc
			doc.Fork, doc.Preset = d.fork, "mainnet"
			doc.Anchor.Kind, doc.Anchor.Root, doc.Anchor.Slot, doc.Anchor.Timestamp = anchorKind, d.anchor.Root, d.slot, d.anchor.Timestamp
			p := it.p
			if anchorKind == "block" {
				doc.Type, doc.Root = "BeaconBlock", d.anchor.Root
				p = compose(t, stateAnchor, p)
			} else {
				doc.Type, doc.Root = "BeaconState", stateRoot
				sa := stateAnchor
				doc.Anchor.Proof = &sa
			}
			doc.Proofs = []pathProof{{Path: it.path, Proof: p}}
			out = append(out, f)
		}
	}
	// Rocket Pool-format structs: witnesses from the value to the block root.
	rp := []struct {
		kind  string
		base  string
		wslot uint64
	}{
		{kindRPSlot, kindSlot, 0},
		{kindRPValidator, kindValidator, 0},
		{kindRPWithdrawal, kindWithdrawal, d.wslot},
		{kindRPHistorical, kindHistoricalWithdrawal, d.hslot},
	}
	for _, r := range rp {
		for _, f := range out {
			if f.kind == r.base && f.doc.Anchor.Kind == "block" {
				f.kind = r.kind
				f.name = fmt.Sprintf("%s/%s/block", d.fork, r.kind)
				f.wslot, f.wnum = r.wslot, withdrawalNum
				out = append(out, f)
				break
			}
		}
	}
	// Every fixture goes through its JSON form, as the CLI would hand it over.
	for i := range out {
		b, err := json.Marshal(out[i].doc)
		if err != nil {
			t.Fatal(err)
		}
		var back fixtureDoc
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("%s: %v\n%s", out[i].name, err, b)
		}
		out[i].doc = back
		// And verifies off chain against its root before it goes on chain.
		if err := back.Proofs[0].Verify(back.Root); err != nil {
			t.Fatalf("%s: %v", out[i].name, err)
		}
		if back.Anchor.Proof != nil {
			if err := back.Anchor.Proof.Verify(back.Anchor.Root); err != nil || back.Anchor.Proof.Leaf != back.Root {
				t.Fatalf("%s: anchor proof: %v", out[i].name, err)
			}
		}
	}
	return out
}
