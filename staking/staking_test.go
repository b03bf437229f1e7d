package staking

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/testdata"
)

// TestWithdrawalIsRecent pins the one boundary: a state at s proves ws
// through its root vectors iff ws < s ≤ ws + 8192, through
// historical_summaries iff ws + 8192 < s (Rocket Pool's rule), and not at
// all when ws ≥ s.
func TestWithdrawalIsRecent(t *testing.T) {
	const n = 8192
	for _, c := range []struct {
		s, ws  uint64
		recent bool
		err    bool
	}{
		{s: 100, ws: 99, recent: true},
		{s: 100_000, ws: 100_000 - 8191, recent: true},
		{s: 100_000, ws: 100_000 - 8192, recent: true}, // the oldest entry of block_roots
		{s: 100_000, ws: 100_000 - 8193, recent: false},
		{s: 100_000, ws: 0, recent: false},
		{s: 11834166, ws: 11825974, recent: true},  // Rocket Pool's mainnet case, exactly on the edge
		{s: 11834166, ws: 11813956, recent: false}, // and its historical one
		{s: 100, ws: 100, err: true},
		{s: 100, ws: 101, err: true},
		{s: 0, ws: 0, err: true},
	} {
		recent, err := WithdrawalIsRecent(c.s, c.ws, n)
		if c.err {
			wantErr(t, err, ErrWithdrawalSlot)
			continue
		}
		if err != nil || recent != c.recent {
			t.Errorf("WithdrawalIsRecent(%d, %d) = %v, %v; want %v", c.s, c.ws, recent, err, c.recent)
		}
		// Rocket Pool: historical iff ws + 8192 < s.
		if rp := c.ws+n < c.s; rp == recent {
			t.Errorf("(%d, %d): recent %v disagrees with Rocket Pool's ws + 8192 < s = %v", c.s, c.ws, recent, rp)
		}
	}
}

// TestWithdrawalGindexNetworks checks that the historical route takes the
// network's historical_summaries offset (758 on mainnet, 0 on hoodi) and
// the recent route none, and the errors of impossible routes.
func TestWithdrawalGindexNetworks(t *testing.T) {
	mainnet, _ := fork.NetworkByName("mainnet")
	hoodi, err := fork.NetworkByName("hoodi")
	if err != nil {
		t.Fatal(err)
	}
	if off, _ := hoodi.HistoricalSummariesOffset(); off != 0 {
		t.Fatalf("hoodi offset %d", off)
	}
	const s, ws = 13_165_000, 13_165_000 - 10_000
	blockPath := "body.execution_payload.withdrawals[3]"
	bg, err := beaconstate.Gindex("electra", "", "BeaconBlock", blockPath)
	if err != nil {
		t.Fatal(err)
	}
	eg, _, _ := ssz.Vector(ssz.Bytes32, 8192).Gindex(fmt.Sprintf("[%d]", ws%8192))
	for _, c := range []struct {
		net *fork.Network
		k   uint64
	}{{nil, ws/8192 - 758}, {mainnet, ws/8192 - 758}, {hoodi, ws / 8192}} {
		g, err := WithdrawalGindex(WithdrawalLocation{StateFork: "electra", BlockFork: "electra", Anchor: AnchorBlock, StateSlot: s, WithdrawalSlot: ws, N: 3, Network: c.net})
		if err != nil {
			t.Fatal(err)
		}
		sg := anchored(t, "electra", AnchorBlock, fmt.Sprintf("historical_summaries[%d].block_summary_root", c.k))
		if want := proof.Concat(sg, eg, bg); !g.Equal(want) {
			t.Errorf("network %v: gindex %s, want %s", c.net, g, want)
		}
	}
	// Recent: no offset; gloas goes through state_roots to the state.
	g, err := WithdrawalGindex(WithdrawalLocation{StateFork: "gloas", BlockFork: "gloas", Anchor: AnchorState, StateSlot: s, WithdrawalSlot: s - 1, N: 0, Network: hoodi})
	if err != nil {
		t.Fatal(err)
	}
	want := proof.Concat(anchored(t, "gloas", AnchorState, fmt.Sprintf("state_roots[%d]", (s-1)%8192)), anchored(t, "gloas", AnchorState, "payload_expected_withdrawals[0]"))
	if !g.Equal(want) {
		t.Errorf("gloas recent gindex %s, want %s", g, want)
	}
	// A gloas state with a fulu block in its history: block_roots.
	g, err = WithdrawalGindex(WithdrawalLocation{StateFork: "gloas", BlockFork: "fulu", Anchor: AnchorState, StateSlot: s, WithdrawalSlot: s - 1, N: 0})
	if err != nil {
		t.Fatal(err)
	}
	fb, _ := beaconstate.Gindex("fulu", "", "BeaconBlock", "body.execution_payload.withdrawals[0]")
	if want := proof.Concat(anchored(t, "gloas", AnchorState, fmt.Sprintf("block_roots[%d]", (s-1)%8192)), fb); !g.Equal(want) {
		t.Errorf("gloas state, fulu block: gindex %s, want %s", g, want)
	}

	for name, f := range map[string]func() error{
		"before capella's era on mainnet": func() error {
			_, err := WithdrawalGindex(WithdrawalLocation{StateFork: "electra", BlockFork: "capella", Anchor: AnchorState, StateSlot: s, WithdrawalSlot: 700 * 8192, N: 0, Network: mainnet})
			return err
		},
		"not before the state": func() error {
			_, err := WithdrawalGindex(WithdrawalLocation{StateFork: "electra", BlockFork: "electra", Anchor: AnchorState, StateSlot: s, WithdrawalSlot: s, N: 0})
			return err
		},
		"newer block fork": func() error {
			_, err := WithdrawalGindex(WithdrawalLocation{StateFork: "capella", BlockFork: "deneb", Anchor: AnchorState, StateSlot: s, WithdrawalSlot: s - 1, N: 0})
			return err
		},
		"bellatrix block": func() error {
			_, err := WithdrawalGindex(WithdrawalLocation{StateFork: "capella", BlockFork: "bellatrix", Anchor: AnchorState, StateSlot: s, WithdrawalSlot: s - 1, N: 0})
			return err
		},
		"past the payload": func() error {
			_, err := WithdrawalGindex(WithdrawalLocation{StateFork: "capella", BlockFork: "capella", Anchor: AnchorState, StateSlot: s, WithdrawalSlot: s - 1, N: 16})
			return err
		},
		"unknown anchor": func() error {
			_, err := WithdrawalGindex(WithdrawalLocation{StateFork: "capella", BlockFork: "capella", Anchor: "header", StateSlot: s, WithdrawalSlot: s - 1, N: 0})
			return err
		},
		"unknown fork":        func() error { _, err := AnchoredGindex("capellaa", "", AnchorState, "slot"); return err },
		"unknown path":        func() error { _, err := AnchoredGindex("capella", "", AnchorState, "slots"); return err },
		"altair block_hash":   func() error { _, err := BlockFieldGindex("altair", "", "block_hash"); return err },
		"unknown block field": func() error { _, err := BlockFieldGindex("deneb", "", "gas_used"); return err },
	} {
		if err := f(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// TestStakingHoodiHistorical proves a historical withdrawal on a chain
// whose historical_summaries start at era 0 (hoodi's offset): it works
// with the hoodi network and fails with mainnet's.
func TestStakingHoodiHistorical(t *testing.T) {
	hoodi, _ := fork.NetworkByName("hoodi")
	mainnet, _ := fork.NetworkByName("mainnet")
	const s = 200_000
	ws := uint64(s - 9000)
	c, err := synth.NewChain(synth.ChainOptions{Fork: "deneb", Options: synth.Options{Validators: 64, Slot: s, Seed: 5},
		Past: []uint64{ws}, Withdrawals: chainWithdrawals[:1]})
	if err != nil {
		t.Fatal(err)
	}
	state, err := beaconstate.NewObject("deneb", "", "BeaconState", c.State)
	if err != nil {
		t.Fatal(err)
	}
	block, err := beaconstate.NewObject("deneb", "", "BeaconBlock", c.Past[ws].Block)
	if err != nil {
		t.Fatal(err)
	}
	p, err := beaconstate.NewProver(state)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := NewStateProver(p, AnchorBlock)
	if err != nil {
		t.Fatal(err)
	}
	src := WithdrawalSource{Block: block, EraBlockRoots: c.Past[ws].EraBlockRoots, Network: hoodi}
	cl, err := sp.Withdrawal(src, 0)
	if err != nil {
		t.Fatal(err)
	}
	if cl.Kind != KindHistoricalWithdrawal || cl.Anchor.Root != c.BlockRoot {
		t.Errorf("kind %s, anchor %+v", cl.Kind, cl.Anchor)
	}
	g, err := WithdrawalGindex(WithdrawalLocation{StateFork: "deneb", BlockFork: "deneb", Anchor: AnchorBlock, StateSlot: s, WithdrawalSlot: ws, N: 0, Network: hoodi})
	if err != nil {
		t.Fatal(err)
	}
	if !g.Equal(cl.Proof.Gindex) {
		t.Errorf("gindex %s, WithdrawalGindex %s", cl.Proof.Gindex, g)
	}
	if v := valueMap(t, cl); v["historical_summary_index"] != fmt.Sprint(ws/8192) {
		t.Errorf("value %s", valueJSON(t, cl))
	}
	src.Network = mainnet
	_, err = sp.Withdrawal(src, 0)
	wantErr(t, err, ErrWithdrawalSlot) // era 24 is before mainnet's 758
}

func fuluProver(t *testing.T, mutate func(s *fork.Schemas, b []byte)) *beaconstate.Prover {
	t.Helper()
	b := testdata.FuluState()
	s, err := fork.SchemasOf("fulu", "mainnet")
	if err != nil {
		t.Fatal(err)
	}
	if mutate != nil {
		mutate(s, b)
	}
	obj, err := beaconstate.NewObject("fulu", "mainnet", "BeaconState", b)
	if err != nil {
		t.Fatal(err)
	}
	p, err := beaconstate.NewProver(obj)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// TestStateProverAnchors checks the block anchor on the committed fulu
// state and block: its root is the block's, and a state that is not the
// post-state of its latest block (advanced through an empty slot, or with
// a filled header state_root) cannot be anchored to a block.
func TestStateProverAnchors(t *testing.T) {
	p := fuluProver(t, nil)
	sp, err := NewStateProver(p, AnchorBlock)
	if err != nil {
		t.Fatal(err)
	}
	block, err := beaconstate.NewObject("fulu", "mainnet", "BeaconBlock", testdata.FuluBlock())
	if err != nil {
		t.Fatal(err)
	}
	br, _ := block.Root()
	if a := sp.Anchor(); a.Root != br || a.Slot != 13_165_000 || a.Kind != AnchorBlock {
		t.Errorf("anchor %+v, block root %x", a, br)
	}
	if sr, _ := block.Uint64("slot"); sr != sp.Slot() {
		t.Errorf("slot %d", sp.Slot())
	}
	if st, _, _ := block.Field("state_root"); [32]byte(st) != p.Root() {
		t.Errorf("the block's state_root is not the state's root")
	}
	for name, mutate := range map[string]func(s *fork.Schemas, b []byte){
		"empty slot": func(s *fork.Schemas, b []byte) {
			lo, _, _ := synth.FieldSpan(s.BeaconState, b, "slot")
			binary.LittleEndian.PutUint64(b[lo:], 13_165_001)
		},
		"filled state_root": func(s *fork.Schemas, b []byte) {
			if err := synth.SetField(s.BeaconState, b, "latest_block_header.state_root", make32(7)); err != nil {
				panic(err)
			}
		},
	} {
		t.Run(name, func(t *testing.T) {
			p := fuluProver(t, mutate)
			_, err := NewStateProver(p, AnchorBlock)
			wantErr(t, err, ErrNotPostState)
			if _, err := NewStateProver(p, AnchorState); err != nil {
				t.Errorf("state anchor: %v", err)
			}
		})
	}
	_, err = NewStateProver(p, "header")
	wantErr(t, err, nil)
	if _, err := ParseAnchorKind("block"); err != nil {
		t.Error(err)
	}
	bp, err := beaconstate.NewProver(block)
	if err != nil {
		t.Fatal(err)
	}
	_, err = NewStateProver(bp, AnchorState)
	wantErr(t, err, nil)
}

func make32(v byte) []byte {
	b := make([]byte, 32)
	b[0] = v
	return b
}

// TestStakingForkErrors checks the kinds a fork does not have: the electra
// queues before electra, participation in phase0, withdrawals before
// capella, execution fields before bellatrix.
func TestStakingForkErrors(t *testing.T) {
	for _, forkName := range []string{"phase0", "deneb"} {
		t.Run(forkName, func(t *testing.T) {
			obj, err := beaconstate.LoadFile(ctx, vectors.Path(t, "oracle", "minimal", forkName, "state_0", "object.ssz"), beaconstate.LoadOptions{Fork: forkName, Preset: "minimal"})
			if err != nil {
				t.Fatal(err)
			}
			p, err := beaconstate.NewProver(obj)
			if err != nil {
				t.Fatal(err)
			}
			sp, err := NewStateProver(p, AnchorState)
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []func(uint64) (Claim, error){sp.PendingDeposit, sp.PendingPartialWithdrawal, sp.PendingConsolidation} {
				_, err := f(0)
				wantErr(t, err, beaconstate.ErrNoField)
			}
			_, err = sp.Participation(0, true)
			if forkName == "phase0" {
				wantErr(t, err, beaconstate.ErrNoField)
				_, err := sp.BlockField("block_hash")
				wantErr(t, err, beaconstate.ErrNoField)
			} else if err != nil {
				t.Error(err)
			}
			if _, err := sp.BlockField("slot"); err != nil {
				t.Error(err)
			}
		})
	}
}

// TestClaimJSON pins the JSON shape of a Claim.
func TestClaimJSON(t *testing.T) {
	p := fuluProver(t, nil)
	sp, err := NewStateProver(p, AnchorBlock)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sp.Balance(6)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Kind   string            `json:"kind"`
		Path   string            `json:"path"`
		Anchor map[string]string `json:"anchor"`
		Gindex string            `json:"gindex"`
		Leaf   string            `json:"leaf"`
		Branch []string          `json:"branch"`
		Value  map[string]string `json:"value"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	a := sp.Anchor()
	if doc.Kind != "balance" || doc.Path != "balances[6]" || doc.Anchor["kind"] != "block" ||
		doc.Anchor["root"] != proof.FormatHash(a.Root) || doc.Anchor["slot"] != "13165000" ||
		doc.Gindex != c.Proof.Gindex.String() || len(doc.Branch) != c.Proof.Gindex.Depth() ||
		doc.Value["validator_index"] != "6" || doc.Value["chunk_offset"] != "16" {
		t.Errorf("claim JSON %s", b)
	}
	var back Claim
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if err := back.Verify(a.Root); err != nil {
		t.Error(err)
	}
	if back.Value != c.Value {
		t.Errorf("value read back as %#v, want %#v", back.Value, c.Value)
	}
	if err := back.Verify(p.Root()); err == nil {
		t.Error("a block-anchored claim verifies against the state root")
	}
}

// TestValueJSON checks the JSON of the claim values and its round trip.
func TestValueJSON(t *testing.T) {
	k, yes := uint64(3), true
	root := [32]byte{1}
	for _, c := range []struct {
		v    any
		back any
		want string
	}{
		{BalanceValue{ValidatorIndex: 6, Balance: 32, ChunkOffset: 16}, new(BalanceValue),
			`{"validator_index":"6","balance":"32","chunk_offset":"16"}`},
		{ValidatorFieldValue{ValidatorIndex: 7, Field: "slashed", Value: json.RawMessage(`false`)}, new(ValidatorFieldValue),
			`{"validator_index":"7","slashed":false}`},
		{ParticipationValue{ValidatorIndex: 33, Epoch: "current", Flags: 5, ChunkOffset: 1}, new(ParticipationValue),
			`{"validator_index":"33","epoch":"current","flags":"5","chunk_offset":"1","timely_source":true,"timely_target":false,"timely_head":true}`},
		{WithdrawalValue{Slot: 9, Num: 1, Withdrawal: beaconstate.Withdrawal{Index: 2, ValidatorIndex: 4, Address: [20]byte{0xab}, Amount: 5},
			HistoricalSummaryIndex: &k, BlockRoot: &root, EnvelopeChecked: &yes}, new(WithdrawalValue),
			`{"withdrawal_slot":"9","withdrawal_num":"1","index":"2","validator_index":"4","address":"0xab00000000000000000000000000000000000000","amount":"5",` +
				`"historical_summary_index":"3","block_root":"0x0100000000000000000000000000000000000000000000000000000000000000","envelope_checked":"true"}`},
		{SlotValue(12), new(SlotValue), `"12"`},
		{MemberValue(`{"epoch":"3","root":"0x00"}`), new(MemberValue), `{"epoch":"3","root":"0x00"}`},
	} {
		b, err := json.Marshal(c.v)
		if err != nil || string(b) != c.want {
			t.Errorf("%T: %s, %v; want %s", c.v, b, err, c.want)
			continue
		}
		if err := json.Unmarshal(b, c.back); err != nil {
			t.Errorf("%T: %v", c.v, err)
			continue
		}
		if again, _ := json.Marshal(c.back); string(again) != c.want {
			t.Errorf("%T: round trip %s", c.v, again)
		}
	}
}

// TestParseValue checks that a claim's kind selects its value's type, and
// that a value of no kind or an unknown one is an error.
func TestParseValue(t *testing.T) {
	for _, c := range []struct {
		kind Kind
		raw  string
		want ClaimValue // nil: an error, or no value for an absent one
		err  string
	}{
		{KindSlot, `"12"`, SlotValue(12), ""},
		{KindBalance, `{"validator_index":"6","balance":"32","chunk_offset":"16"}`, BalanceValue{ValidatorIndex: 6, Balance: 32, ChunkOffset: 16}, ""},
		{KindStateRoot, `{"state_root":"0x0100000000000000000000000000000000000000000000000000000000000000"}`, StateRootValue{StateRoot: [32]byte{1}}, ""},
		{KindBlockWithdrawal, `{"withdrawal_slot":"9","withdrawal_num":"1","index":"2","validator_index":"4","address":"0xab00000000000000000000000000000000000000","amount":"5"}`,
			WithdrawalValue{Slot: 9, Num: 1, Withdrawal: beaconstate.Withdrawal{Index: 2, ValidatorIndex: 4, Address: [20]byte{0xab}, Amount: 5}}, ""},
		{KindSlot, ``, nil, ""},
		{KindSlot, `null`, nil, ""},
		{KindSlot, `"x"`, nil, "slot value"},
		{"", `"12"`, nil, "a value without a kind"},
		{"validator2", `{}`, nil, `unknown kind "validator2"`},
	} {
		v, err := c.kind.ParseValue([]byte(c.raw))
		if c.err != "" {
			if err == nil || !errors.Is(err, proof.ErrMalformed) || !strings.Contains(err.Error(), c.err) {
				t.Errorf("%s %s: %v, want an error saying %q", c.kind, c.raw, err, c.err)
			}
			continue
		}
		if err != nil || v != c.want {
			t.Errorf("%s %s: %#v, %v; want %#v", c.kind, c.raw, v, err, c.want)
		}
	}
	for _, k := range []Kind{KindStateField, KindBlockField} {
		v, err := k.ParseValue([]byte(`{"epoch":"3"}`))
		if m, ok := v.(MemberValue); err != nil || !ok || string(m) != `{"epoch":"3"}` {
			t.Errorf("%s: %#v, %v", k, v, err)
		}
	}
}
