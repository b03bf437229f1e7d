package staking

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// The chain tests generate, for each fork from capella to gloas, a
// mainnet-preset chain (internal/synth.NewChain): a state at slot
// chainSlot with chainValidators validators, the block it is the post-state
// of, and blocks (from gloas: blocks, post-states and envelopes) at the
// slots 8191, 8192 and 8193 before it, committed to by the state's
// block_roots and state_roots (the first two) and by
// historical_summaries and an era vector (the third). Every proof kind is
// produced with both anchors and checked against go-eth2-client v0.30.1,
// which decodes the same bytes: the anchor root is its hash tree root of
// the state or block, and the leaf (or, for the first hop of a withdrawal,
// the state's node) is the node at the same gindex of its tree.

const (
	chainSlot       = 13_165_000
	chainValidators = 100
)

var chainForks = []string{fork.Capella, fork.Deneb, fork.Electra, fork.Fulu, fork.Gloas}

// chainPast are the withdrawal slots: ws + 8191 and ws + 8192 = S are
// recent, ws + 8193 = S is historical.
var chainPast = []uint64{chainSlot - 8191, chainSlot - 8192, chainSlot - 8193}

var chainWithdrawals = []synth.Withdrawal{
	{Index: 90_000_001, ValidatorIndex: 7, Address: [20]byte{0x4d, 0x65, 0x67, 0x61, 19: 0x88}, Amount: 32_001_234_567},
	{Index: 90_000_002, ValidatorIndex: 12, Address: synth.DefaultAddress, Amount: 18_765_432},
	{Index: 90_000_003, ValidatorIndex: 99, Address: synth.DefaultAddress, Amount: 1},
}

// chainFixture is a generated chain of one fork, loaded and hashed by us
// and by go-eth2-client.
type chainFixture struct {
	fork    string
	s       *fork.Schemas
	chain   *synth.Chain
	opts    synth.Options
	state   *beaconstate.Object
	block   *beaconstate.Object
	provers map[AnchorKind]*StateProver
	e2State *peer
	e2Block *peer
	past    map[uint64]*pastFixture
}

type pastFixture struct {
	*synth.PastSlot
	block    *beaconstate.Object
	state    *beaconstate.Object // gloas
	envelope *beaconstate.Object // gloas
	e2Block  *peer
	e2State  *peer // gloas
}

func newChainFixture(t *testing.T, forkName string, seed uint64) *chainFixture {
	t.Helper()
	f, err := fork.Lookup(forkName)
	if err != nil {
		t.Fatal(err)
	}
	electra := f.Descends(fork.Electra)
	opts := synth.Options{Validators: chainValidators, Slot: chainSlot, Seed: seed, ExitedEvery: 8}
	co := synth.ChainOptions{Fork: forkName, Options: opts, SummariesOffset: 758, Past: chainPast, Withdrawals: chainWithdrawals}
	if electra {
		co.PendingDeposits, co.PendingPartialWithdrawals, co.PendingConsolidations = 3, 4, 2
	}
	c, err := synth.NewChain(co)
	if err != nil {
		t.Fatal(err)
	}
	fx := &chainFixture{fork: forkName, chain: c, opts: co.Options, provers: map[AnchorKind]*StateProver{}, past: map[uint64]*pastFixture{}}
	if fx.s, err = fork.SchemasOf(forkName, "mainnet"); err != nil {
		t.Fatal(err)
	}
	if fx.state, err = beaconstate.NewObject(forkName, "mainnet", "BeaconState", c.State); err != nil {
		t.Fatal(err)
	}
	if fx.block, err = beaconstate.NewObject(forkName, "mainnet", "BeaconBlock", c.Block); err != nil {
		t.Fatal(err)
	}
	p, err := beaconstate.NewProver(fx.state) // one hashing pass, shared by both anchors
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range []AnchorKind{AnchorState, AnchorBlock} {
		if fx.provers[a], err = NewStateProver(p, a); err != nil {
			t.Fatal(err)
		}
	}
	e2 := e2ByFork[forkName]
	fx.e2State = e2Decode(t, "state", e2.state, c.State)
	fx.e2Block = e2Decode(t, "block", e2.block, c.Block)
	if fx.e2State.root != c.StateRoot || fx.e2State.root != p.Root() {
		t.Fatalf("state root: go-eth2-client %x, synth %x, ours %x", fx.e2State.root, c.StateRoot, p.Root())
	}
	if fx.e2Block.root != c.BlockRoot {
		t.Fatalf("block root: go-eth2-client %x, synth %x", fx.e2Block.root, c.BlockRoot)
	}
	for ws, ps := range c.Past {
		pf := &pastFixture{PastSlot: ps}
		if pf.block, err = beaconstate.NewObject(forkName, "mainnet", "BeaconBlock", ps.Block); err != nil {
			t.Fatal(err)
		}
		pf.e2Block = e2Decode(t, fmt.Sprintf("block at %d", ws), e2.block, ps.Block)
		if pf.e2Block.root != ps.BlockRoot {
			t.Fatalf("block at %d: go-eth2-client root %x, synth %x", ws, pf.e2Block.root, ps.BlockRoot)
		}
		if ps.State != nil {
			if pf.state, err = beaconstate.NewObject(forkName, "mainnet", "BeaconState", ps.State); err != nil {
				t.Fatal(err)
			}
			if pf.envelope, err = beaconstate.NewObject(forkName, "mainnet", "ExecutionPayloadEnvelope", ps.Envelope); err != nil {
				t.Fatal(err)
			}
			pf.e2State = e2Decode(t, fmt.Sprintf("state at %d", ws), e2.state, ps.State)
			if pf.e2State.root != ps.StateRoot {
				t.Fatalf("state at %d: go-eth2-client root %x, synth %x", ws, pf.e2State.root, ps.StateRoot)
			}
			e2Decode(t, fmt.Sprintf("envelope at %d", ws), e2.envelope, ps.Envelope)
		}
		fx.past[ws] = pf
	}
	return fx
}

// peerRoot is go-eth2-client's root of what an anchor names.
func (fx *chainFixture) peerRoot(a AnchorKind) [32]byte {
	if a == AnchorBlock {
		return fx.e2Block.root
	}
	return fx.e2State.root
}

// statePeerNode is go-eth2-client's node at a path of the state.
func (fx *chainFixture) statePeerNode(t *testing.T, path string) [32]byte {
	t.Helper()
	g, err := AnchoredGindex(fx.fork, "", AnchorState, path)
	if err != nil {
		t.Fatal(err)
	}
	return fx.e2State.node(t, g)
}

// checkClaim runs the checks every claim gets: the anchor is the
// prover's, at the chain's slot, and its root go-eth2-client's; the proof
// verifies, its gindex is the schema-only one, tampered copies fail, and
// the claim survives a JSON round trip.
func (fx *chainFixture) checkClaim(t *testing.T, a AnchorKind, c Claim, kind Kind, g proof.Gindex) {
	t.Helper()
	if c.Kind != kind {
		t.Errorf("kind %q, want %q", c.Kind, kind)
	}
	if c.Anchor.Kind != a || c.Anchor.Slot != chainSlot || c.Anchor.Root != fx.peerRoot(a) {
		t.Fatalf("anchor %+v; want %s at %d with go-eth2-client's root %x", c.Anchor, a, chainSlot, fx.peerRoot(a))
	}
	if err := c.Verify(fx.peerRoot(a)); err != nil {
		t.Fatal(err)
	}
	if !c.Proof.Gindex.Equal(g) {
		t.Errorf("%s: gindex %s, schema-only %s", c.Path, c.Proof.Gindex, g)
	}
	checkTamper(t, c.Path, c.Proof, c.Anchor.Root, false)
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back Claim
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if back.Kind != c.Kind || back.Path != c.Path || back.Anchor != c.Anchor || !proofsEqual(back.Proof, c.Proof) {
		t.Errorf("JSON round trip changed the claim: %s", b)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	an, _ := doc["anchor"].(map[string]any)
	if an["slot"] != strconv.Itoa(chainSlot) || an["root"] != proof.FormatHash(c.Anchor.Root) || an["kind"] != string(a) {
		t.Errorf("JSON anchor %v", doc["anchor"])
	}
}

func anchored(t *testing.T, forkName string, a AnchorKind, path string) proof.Gindex {
	t.Helper()
	g, err := AnchoredGindex(forkName, "", a, path)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// TestStakingChain is test 3: every proof kind, for each fork from capella
// to gloas and both anchors, on generated chains checked against
// go-eth2-client.
func TestStakingChain(t *testing.T) {
	for fi, forkName := range chainForks {
		t.Run(forkName, func(t *testing.T) {
			t.Parallel()
			fx := newChainFixture(t, forkName, uint64(100+fi))
			for _, a := range []AnchorKind{AnchorState, AnchorBlock} {
				t.Run(string(a), func(t *testing.T) {
					sp := fx.provers[a]
					for _, k := range chainKinds {
						t.Run(k.name, func(t *testing.T) { k.run(t, fx, a, sp) })
					}
				})
			}
		})
	}
}

type chainKind struct {
	name string
	run  func(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver)
}

var chainKinds = []chainKind{
	{"validator", testChainValidator},
	{"validators", testChainValidators},
	{"validator_field", testChainValidatorField},
	{"slot", testChainSlot},
	{"balance", testChainBalance},
	{"state_field", testChainStateField},
	{"pending_deposit", testChainQueue("pending_deposits", KindPendingDeposit, (*StateProver).PendingDeposit, 3)},
	{"pending_partial_withdrawal", testChainQueue("pending_partial_withdrawals", KindPendingPartialWithdrawal, (*StateProver).PendingPartialWithdrawal, 4)},
	{"pending_consolidation", testChainQueue("pending_consolidations", KindPendingConsolidation, (*StateProver).PendingConsolidation, 2)},
	{"participation", testChainParticipation},
	{"withdrawal", testChainWithdrawal},
	{"block_field", testChainBlockField},
	{"state_root", testChainStateRoot},
	{"post_state", testChainPostState},
}

var chainValidatorIndices = []uint64{0, 4, 7, 63, 64, 84, 85, 99}

func testChainValidator(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	for _, i := range chainValidatorIndices {
		path := fmt.Sprintf("validators[%d]", i)
		c, err := sp.Validator(i)
		if err != nil {
			t.Fatal(err)
		}
		fx.checkClaim(t, a, c, KindValidator, anchored(t, fx.fork, a, path))
		if want := fx.statePeerNode(t, path); c.Proof.Leaf != want {
			t.Errorf("%s: leaf %x, go-eth2-client %x", path, c.Proof.Leaf, want)
		}
		v := valueMap(t, c)
		if valueRoot(t, fx.s.Validator, v) != c.Proof.Leaf || v["validator_index"] != fmt.Sprint(i) {
			t.Errorf("%s: value %s does not encode to the leaf", path, valueJSON(t, c))
		}
		if len(v) != 9 {
			t.Errorf("%s: value has %d fields, want the index and 8", path, len(v))
		}
		want := synth.ValidatorBytes(fx.opts, int(i))
		if r, _ := ssz.HashTreeRoot(fx.s.Validator, want); r != c.Proof.Leaf {
			t.Errorf("%s: leaf is not the generated validator", path)
		}
	}
	if _, err := sp.Validator(chainValidators); err == nil {
		t.Error("a validator past the registry is proved")
	}
}

func testChainValidators(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	cs, err := sp.Validators(chainValidatorIndices)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs) != len(chainValidatorIndices) {
		t.Fatalf("%d claims for %d validators", len(cs), len(chainValidatorIndices))
	}
	for k, i := range chainValidatorIndices {
		one, err := sp.Validator(i)
		if err != nil {
			t.Fatal(err)
		}
		if !proofsEqual(cs[k].Proof, one.Proof) || valueJSON(t, cs[k]) != valueJSON(t, one) {
			t.Errorf("Validators[%d] differs from Validator(%d)", k, i)
		}
		fx.checkClaim(t, a, cs[k], KindValidator, anchored(t, fx.fork, a, fmt.Sprintf("validators[%d]", i)))
	}
}

func testChainValidatorField(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	const i = 7 // exited
	raw := synth.ValidatorBytes(fx.opts, i)
	for _, field := range ValidatorFields() {
		path := fmt.Sprintf("validators[%d].%s", i, field)
		c, err := sp.ValidatorField(i, field)
		if err != nil {
			t.Fatal(err)
		}
		fx.checkClaim(t, a, c, KindValidatorField, anchored(t, fx.fork, a, path))
		if want := fx.statePeerNode(t, path); c.Proof.Leaf != want {
			t.Errorf("%s: leaf %x, go-eth2-client %x", path, c.Proof.Leaf, want)
		}
		lo, hi, ft, err := ssz.FieldSpan(fx.s.Validator, raw, field)
		if err != nil {
			t.Fatal(err)
		}
		if r, _ := ssz.HashTreeRoot(ft, raw[lo:hi]); r != c.Proof.Leaf {
			t.Errorf("%s: leaf is not the generated field", path)
		}
	}
	if _, err := sp.ValidatorField(i, "balance"); err == nil {
		t.Error("an unknown validator field is proved")
	}
}

func testChainSlot(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	c, err := sp.SlotProof()
	if err != nil {
		t.Fatal(err)
	}
	fx.checkClaim(t, a, c, KindSlot, anchored(t, fx.fork, a, "slot"))
	if c.Proof.Leaf != uintChunk(chainSlot) || fx.statePeerNode(t, "slot") != c.Proof.Leaf {
		t.Errorf("slot leaf %x", c.Proof.Leaf)
	}
	if valueJSON(t, c) != strconv.Quote(strconv.Itoa(chainSlot)) {
		t.Errorf("slot value %s", valueJSON(t, c))
	}
}

func testChainBalance(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	for _, i := range []uint64{0, 1, 2, 3, 6, 97, 99} {
		path := fmt.Sprintf("balances[%d]", i)
		c, err := sp.Balance(i)
		if err != nil {
			t.Fatal(err)
		}
		fx.checkClaim(t, a, c, KindBalance, anchored(t, fx.fork, a, path))
		if want := fx.statePeerNode(t, path); c.Proof.Leaf != want {
			t.Errorf("%s: chunk %x, go-eth2-client %x", path, c.Proof.Leaf, want)
		}
		v := valueMap(t, c)
		off, _ := strconv.Atoi(v["chunk_offset"].(string))
		got, _ := strconv.ParseUint(v["balance"].(string), 10, 64)
		if off != int(8*(i%4)) || binary.LittleEndian.Uint64(c.Proof.Leaf[off:]) != got || got != synth.Balance(fx.opts, int(i)) {
			t.Errorf("%s: value %s, chunk %x, generated %d", path, valueJSON(t, c), c.Proof.Leaf, synth.Balance(fx.opts, int(i)))
		}
	}
	if _, err := sp.Balance(chainValidators); err == nil {
		t.Error("a balance past the registry is proved")
	}
}

func testChainStateField(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	for _, path := range []string{"finalized_checkpoint.root", "latest_block_header", "historical_summaries[0]", "fork.current_version", "validators"} {
		c, err := sp.Field(path)
		if err != nil {
			t.Fatal(err)
		}
		fx.checkClaim(t, a, c, KindStateField, anchored(t, fx.fork, a, path))
		if want := fx.statePeerNode(t, path); c.Proof.Leaf != want {
			t.Errorf("%s: leaf %x, go-eth2-client %x", path, c.Proof.Leaf, want)
		}
	}
}

func testChainQueue(list string, kind Kind, prove func(*StateProver, uint64) (Claim, error), n uint64) func(*testing.T, *chainFixture, AnchorKind, *StateProver) {
	return func(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
		f, _ := fork.Lookup(fx.fork)
		if !f.Descends(fork.Electra) {
			_, err := prove(sp, 0)
			wantErr(t, err, beaconstate.ErrNoField)
			return
		}
		field, _ := fx.s.BeaconState.Field(list)
		for i := uint64(0); i < n; i++ {
			path := fmt.Sprintf("%s[%d]", list, i)
			c, err := prove(sp, i)
			if err != nil {
				t.Fatal(err)
			}
			fx.checkClaim(t, a, c, kind, anchored(t, fx.fork, a, path))
			if want := fx.statePeerNode(t, path); c.Proof.Leaf != want {
				t.Errorf("%s: leaf %x, go-eth2-client %x", path, c.Proof.Leaf, want)
			}
			v := valueMap(t, c)
			if valueRoot(t, field.Type.Elem, v) != c.Proof.Leaf || v["index"] != fmt.Sprint(i) {
				t.Errorf("%s: value %s does not encode to the leaf", path, valueJSON(t, c))
			}
		}
		if _, err := prove(sp, n); err == nil {
			t.Errorf("%s[%d] past the queue is proved", list, n)
		}
	}
}

func testChainParticipation(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	for _, current := range []bool{false, true} {
		for _, i := range []uint64{0, 5, 31, 32, 99} {
			list := "previous_epoch_participation"
			if current {
				list = "current_epoch_participation"
			}
			path := fmt.Sprintf("%s[%d]", list, i)
			c, err := sp.Participation(i, current)
			if err != nil {
				t.Fatal(err)
			}
			fx.checkClaim(t, a, c, KindParticipation, anchored(t, fx.fork, a, path))
			if want := fx.statePeerNode(t, path); c.Proof.Leaf != want {
				t.Errorf("%s: chunk %x, go-eth2-client %x", path, c.Proof.Leaf, want)
			}
			b, _, err := fx.state.Field(path)
			if err != nil {
				t.Fatal(err)
			}
			var v struct {
				Flags        string `json:"flags"`
				ChunkOffset  string `json:"chunk_offset"`
				TimelySource bool   `json:"timely_source"`
				TimelyTarget bool   `json:"timely_target"`
				TimelyHead   bool   `json:"timely_head"`
			}
			if err := json.Unmarshal([]byte(valueJSON(t, c)), &v); err != nil {
				t.Fatal(err)
			}
			flags := b[0]
			if v.Flags != fmt.Sprint(flags) || v.ChunkOffset != fmt.Sprint(i%32) || c.Proof.Leaf[i%32] != flags ||
				v.TimelySource != (flags&1 != 0) || v.TimelyTarget != (flags&2 != 0) || v.TimelyHead != (flags&4 != 0) {
				t.Errorf("%s: value %s, state byte %d, chunk %x", path, valueJSON(t, c), flags, c.Proof.Leaf)
			}
		}
	}
}

// testChainWithdrawal proves withdrawals 0 and 2 of each past slot: through
// block_roots at ws = S − 8191 and S − 8192, through historical_summaries
// at S − 8193 (gloas: through state_roots and state_summary_root to the
// post-state's payload_expected_withdrawals, with the envelope checked).
func testChainWithdrawal(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	f, _ := fork.Lookup(fx.fork)
	gloas := f.Descends(fork.Gloas)
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	for _, ws := range chainPast {
		pf := fx.past[ws]
		for _, n := range []uint64{0, 2} {
			t.Run(fmt.Sprintf("S-%d/%d", chainSlot-ws, n), func(t *testing.T) {
				var c Claim
				var err error
				if gloas {
					src := GloasWithdrawalSource{WithdrawalState: pf.state, Envelope: pf.envelope}
					if pf.Historical {
						src.EraStateRoots = pf.EraStateRoots
					}
					c, err = sp.GloasWithdrawal(src, n)
				} else {
					src := WithdrawalSource{Block: pf.block}
					if pf.Historical {
						src.EraBlockRoots = pf.EraBlockRoots
					}
					c, err = sp.Withdrawal(src, n)
				}
				if err != nil {
					t.Fatal(err)
				}
				kind := map[[2]bool]Kind{
					{false, false}: KindWithdrawal, {false, true}: KindHistoricalWithdrawal,
					{true, false}: KindExpectedWithdrawal, {true, true}: KindHistoricalExpectedWithdrawal,
				}[[2]bool{gloas, pf.Historical}]
				if pf.Historical != (chainSlot-ws > 8192) {
					t.Fatalf("slot %d: historical %v", ws, pf.Historical)
				}
				g, err := WithdrawalGindex(WithdrawalLocation{StateFork: fx.fork, BlockFork: fx.fork, Anchor: a, StateSlot: chainSlot, WithdrawalSlot: ws, N: n, Network: mainnet})
				if err != nil {
					t.Fatal(err)
				}
				fx.checkClaim(t, a, c, kind, g)

				// The leaf: go-eth2-client's node of the withdrawal in the
				// block (gloas: the post-state), and the value's root.
				var leaf [32]byte
				if gloas {
					leaf = pf.e2State.node(t, anchored(t, fx.fork, AnchorState, fmt.Sprintf("payload_expected_withdrawals[%d]", n)))
				} else {
					wg, err := beaconstate.Gindex(fx.fork, "", "BeaconBlock", fmt.Sprintf("body.execution_payload.withdrawals[%d]", n))
					if err != nil {
						t.Fatal(err)
					}
					leaf = pf.e2Block.node(t, wg)
				}
				if c.Proof.Leaf != leaf {
					t.Errorf("leaf %x, go-eth2-client %x", c.Proof.Leaf, leaf)
				}
				v := valueMap(t, c)
				if valueRoot(t, fx.s.Withdrawal, v) != leaf || v["withdrawal_slot"] != fmt.Sprint(ws) || v["withdrawal_num"] != fmt.Sprint(n) ||
					v["index"] != fmt.Sprint(chainWithdrawals[n].Index) {
					t.Errorf("value %s", valueJSON(t, c))
				}

				// The first hop: the state's node is go-eth2-client's root
				// of the block (gloas: of the post-state), or of the era's
				// vector, which holds it.
				vector, summary, root := "block_roots", "block_summary_root", pf.e2Block.root
				era := pf.EraBlockRoots
				if gloas {
					vector, summary, root, era = "state_roots", "state_summary_root", pf.e2State.root, pf.EraStateRoots
					if v["block_root"] != proof.FormatHash(pf.e2Block.root) || v["envelope_checked"] != "true" {
						t.Errorf("gloas value %s; block root %x", valueJSON(t, c), pf.e2Block.root)
					}
				}
				idx := ws % 8192
				if !pf.Historical {
					if got := fx.statePeerNode(t, fmt.Sprintf("%s[%d]", vector, idx)); got != root {
						t.Errorf("%s[%d] is %x, go-eth2-client's root %x", vector, idx, got, root)
					}
					return
				}
				k := ws/8192 - 758
				if v["historical_summary_index"] != fmt.Sprint(k) {
					t.Errorf("historical_summary_index in %s, want %d", valueJSON(t, c), k)
				}
				vt := ssz.Vector(ssz.Bytes32, 8192)
				eraRoot, err := ssz.HashTreeRoot(vt, era)
				if err != nil {
					t.Fatal(err)
				}
				if got := fx.statePeerNode(t, fmt.Sprintf("historical_summaries[%d].%s", k, summary)); got != eraRoot {
					t.Errorf("historical_summaries[%d].%s is %x, the era vector's root %x", k, summary, got, eraRoot)
				}
				if [32]byte(era[32*idx:]) != root {
					t.Errorf("era %s[%d] is not go-eth2-client's root %x", vector, idx, root)
				}
			})
		}
	}
	t.Run("errors", func(t *testing.T) { testChainWithdrawalErrors(t, fx, sp, gloas) })
}

func testChainWithdrawalErrors(t *testing.T, fx *chainFixture, sp *StateProver, gloas bool) {
	hist := fx.past[chainSlot-8193]
	recent := fx.past[chainSlot-8192]
	if gloas {
		// A gloas block has no payload.
		_, err := sp.Withdrawal(WithdrawalSource{Block: recent.block}, 0)
		wantErr(t, err, beaconstate.ErrNoField)
		_, err = ProveBlockWithdrawal(recent.block, 0)
		wantErr(t, err, beaconstate.ErrNoField)
		// Historical without the era's state roots.
		_, err = sp.GloasWithdrawal(GloasWithdrawalSource{WithdrawalState: hist.state}, 0)
		wantErr(t, err, nil)
		// The wrong era vector.
		_, err = sp.GloasWithdrawal(GloasWithdrawalSource{WithdrawalState: hist.state, EraStateRoots: hist.EraBlockRoots}, 0)
		wantErr(t, err, nil)
		// Another slot's envelope.
		_, err = sp.GloasWithdrawal(GloasWithdrawalSource{WithdrawalState: recent.state, Envelope: fx.past[chainSlot-8191].envelope}, 0)
		wantErr(t, err, nil)
		// An envelope changed in any field it is checked on.
		for _, path := range []string{"beacon_block_root", "parent_beacon_block_root", "payload.block_hash", "payload.slot_number", "payload.withdrawals[1].amount"} {
			env := *recent.envelope
			env.Bytes = append([]byte(nil), env.Bytes...)
			b, _, err := env.Field(path)
			if err != nil {
				t.Fatal(err)
			}
			b[0] ^= 1
			_, err = sp.GloasWithdrawal(GloasWithdrawalSource{WithdrawalState: recent.state, Envelope: &env}, 0)
			want := strings.Split(path, "[")[0]
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("envelope with %s changed: error %v, want one naming %s", path, err, want)
			}
		}
		// A withdrawal past the list.
		_, err = sp.GloasWithdrawal(GloasWithdrawalSource{WithdrawalState: recent.state}, uint64(len(chainWithdrawals)))
		wantErr(t, err, nil)
		// The state at S is not before S.
		_, err = sp.GloasWithdrawal(GloasWithdrawalSource{WithdrawalState: fx.state}, 0)
		wantErr(t, err, ErrWithdrawalSlot)
		return
	}
	_, err := sp.Withdrawal(WithdrawalSource{Block: hist.block}, 0)
	wantErr(t, err, nil)
	_, err = sp.Withdrawal(WithdrawalSource{Block: hist.block, EraBlockRoots: make([]byte, 32*8192)}, 0)
	wantErr(t, err, nil)
	// The block at S is not in its own state's history.
	_, err = sp.Withdrawal(WithdrawalSource{Block: fx.block}, 0)
	wantErr(t, err, ErrWithdrawalSlot)
	// The historical block presented as recent fails on the era vector, a
	// block that is not in the history fails on block_roots.
	_, err = sp.Withdrawal(WithdrawalSource{Block: fx.past[chainSlot-8191].block, EraBlockRoots: hist.EraBlockRoots}, uint64(len(chainWithdrawals)))
	wantErr(t, err, nil)
	other, err := synth.Block(fx.s.BeaconBlock, synth.BlockOptions{Slot: chainSlot - 8191, Seed: 99})
	if err != nil {
		t.Fatal(err)
	}
	ob, err := beaconstate.NewObject(fx.fork, "mainnet", "BeaconBlock", other)
	if err != nil {
		t.Fatal(err)
	}
	_, err = sp.Withdrawal(WithdrawalSource{Block: ob}, 0)
	wantErr(t, err, nil)
}

// testChainBlockField proves the block's fields from the block
// (ProveBlockField, block root only) and from the state (BlockField, both
// anchors); both give the same values.
func testChainBlockField(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	f, _ := fork.Lookup(fx.fork)
	gloas := f.Descends(fork.Gloas)
	for _, field := range []string{"slot", "proposer_index", "parent_root", "block_hash", "block_number", "timestamp"} {
		t.Run(field, func(t *testing.T) {
			fromState, err := sp.BlockField(field)
			fromBlock, berr := ProveBlockField(fx.block, field)
			if gloas && (field == "block_number" || field == "timestamp") {
				wantErr(t, err, beaconstate.ErrNoField)
				wantErr(t, berr, beaconstate.ErrNoField)
				_, gerr := BlockFieldGindex(fx.fork, "", field)
				wantErr(t, gerr, beaconstate.ErrNoField)
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if berr != nil {
				t.Fatal(berr)
			}
			spath, err := stateBlockFieldPath(fx.fork, field)
			if err != nil {
				t.Fatal(err)
			}
			fx.checkClaim(t, a, fromState, KindBlockField, anchored(t, fx.fork, a, spath))
			if want := fx.statePeerNode(t, spath); fromState.Proof.Leaf != want {
				t.Errorf("%s: leaf %x, go-eth2-client %x", spath, fromState.Proof.Leaf, want)
			}
			if valueJSON(t, fromState) != valueJSON(t, fromBlock) || fromState.Proof.Leaf != fromBlock.Proof.Leaf {
				t.Errorf("%s: the state says %s, the block %s", field, valueJSON(t, fromState), valueJSON(t, fromBlock))
			}
			if a == AnchorBlock { // the block's own proof has the block anchor only
				g, err := BlockFieldGindex(fx.fork, "", field)
				if err != nil {
					t.Fatal(err)
				}
				fx.checkClaim(t, a, fromBlock, KindBlockField, g)
				if want := fx.e2Block.node(t, g); fromBlock.Proof.Leaf != want {
					t.Errorf("%s: leaf %x, go-eth2-client %x", field, fromBlock.Proof.Leaf, want)
				}
			}
		})
	}
	// The state root: under the block root only.
	if _, err := ProveBlockField(fx.block, "state_root"); err != nil {
		t.Error(err)
	}
	if _, err := sp.BlockField("state_root"); err == nil {
		t.Error("BlockField(state_root) from the state")
	}
}

func testChainStateRoot(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	c, err := sp.StateRootProof()
	if a == AnchorState {
		wantErr(t, err, nil)
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	fx.checkClaim(t, a, c, KindStateRoot, anchored(t, fx.fork, a, ""))
	if c.Proof.Leaf != fx.e2State.root {
		t.Errorf("state root leaf %x, go-eth2-client %x", c.Proof.Leaf, fx.e2State.root)
	}
	bc, err := ProveBlockField(fx.block, "state_root")
	if err != nil {
		t.Fatal(err)
	}
	if !proofsEqual(bc.Proof, c.Proof) {
		t.Error("the state root proofs from the state and from the block differ")
	}
}
