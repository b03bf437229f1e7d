package format_test

import (
	"errors"
	"math/big"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// lidoInputs returns the inputs of a recent and a historical lido
// document on a generated chain of the fork: the anchor block pays
// validator 7 (exited, withdrawable) a full withdrawal to its credentials'
// address as withdrawal 1; so does a block three eras and 77 slots older,
// whose post-state the chain also gives.
func lidoInputs(t *testing.T, forkName string) (recent, historical format.Input) {
	t.Helper()
	net, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	ver, _ := net.Fork(forkName)
	offset, err := net.HistoricalSummariesOffset()
	if err != nil {
		t.Fatal(err)
	}
	slot := ver.Epoch*net.SlotsPerEpoch + 30_000
	ws := slot - 3*8192 - 77
	ch, err := synth.NewChain(synth.ChainOptions{Fork: forkName, SummariesOffset: offset, Past: []uint64{ws}, PastStates: true,
		Options: synth.Options{Validators: 64, Slot: slot, Seed: 3, ExitedEvery: 8, ForkVersion: ver.Version, GenesisTime: net.GenesisTime},
		Withdrawals: []synth.Withdrawal{{Index: 76_999, ValidatorIndex: 3, Address: [20]byte{1}, Amount: 5},
			{Index: 77_000, ValidatorIndex: 7, Address: synth.DefaultAddress, Amount: 32_000_000_000}}})
	if err != nil {
		t.Fatal(err)
	}
	prover := func(state, block []byte) (*staking.StateProver, *beaconstate.Object) {
		obj, err := beaconstate.NewObject(forkName, "mainnet", "BeaconState", state)
		if err != nil {
			t.Fatal(err)
		}
		p, err := beaconstate.NewProver(obj)
		if err != nil {
			t.Fatal(err)
		}
		sp, err := staking.NewStateProver(p, staking.AnchorBlock)
		if err != nil {
			t.Fatal(err)
		}
		b, err := beaconstate.NewObject(forkName, "mainnet", "BeaconBlock", block)
		if err != nil {
			t.Fatal(err)
		}
		return sp, b
	}
	claims := func(sp *staking.StateProver, b *beaconstate.Object) []staking.Claim {
		h, err := sp.BlockHeader()
		if err != nil {
			t.Fatal(err)
		}
		w, err := sp.PostStateWithdrawal(b, 1)
		if err != nil {
			t.Fatal(err)
		}
		v, err := sp.Validator(7)
		if err != nil {
			t.Fatal(err)
		}
		return []staking.Claim{h, w, v}
	}
	sp, b := prover(ch.State, ch.Block)
	anchor := sp.Anchor()
	anchor.Timestamp = net.SlotTime(slot + 1)
	op := &format.LidoOperator{NodeOperatorID: 3, KeyIndex: 5}
	recent = format.Input{Fork: forkName, Preset: "mainnet", Anchor: anchor, Claims: claims(sp, b), LidoOperator: op}

	past := ch.Past[ws]
	osp, ob := prover(past.State, past.Block)
	old := claims(osp, ob)
	oh, ok := old[0].Value.(staking.BlockHeaderValue)
	if !ok {
		t.Fatalf("a block header claim holds a %T", old[0].Value)
	}
	hist, err := sp.HistoricalBlockHeader(oh, past.EraBlockRoots, net)
	if err != nil {
		t.Fatal(err)
	}
	historical = format.Input{Fork: forkName, Preset: "mainnet", Anchor: anchor, Claims: []staking.Claim{recent.Claims[0], hist, old[1], old[2]}, LidoOperator: op}
	return recent, historical
}

// TestLido writes the recent and historical lido documents and their
// calldata, reads them back and verifies them, and checks that changed
// copies fail.
func TestLido(t *testing.T) {
	for _, forkName := range []string{fork.Electra, fork.Fulu} {
		recent, historical := lidoInputs(t, forkName)
		for name, in := range map[string]format.Input{"recent": recent, "historical": historical} {
			t.Run(forkName+"/"+name, func(t *testing.T) {
				b := emit(t, in, format.Lido, "")
				parseVerify(t, b, format.Lido)
				cd := emit(t, in, format.Calldata, format.Lido)
				parseVerify(t, cd, format.Calldata)
				if want := map[string]string{"recent": "processWithdrawalProof(", "historical": "processHistoricalWithdrawalProof("}[name]; !strings.Contains(string(cd), want) {
					t.Errorf("the calldata has no %s call", want)
				}
				for _, edit := range []func(string) string{
					func(s string) string {
						return strings.Replace(s, `"amount": "32000000000"`, `"amount": "32000000001"`, 1)
					},
					func(s string) string {
						return strings.Replace(s, `"withdrawalOffset": "1"`, `"withdrawalOffset": "0"`, 1)
					},
					func(s string) string { return strings.Replace(s, `"proposerIndex": "`, `"proposerIndex": "1`, 1) },
					func(s string) string { return flipLastHex(s, `"validatorProof": [`+"\n"+`      "0x`) },
					func(s string) string { return flipLastHex(s, `"pubkey": "0x`) },
				} {
					if bad := edit(string(b)); bad == string(b) {
						t.Error("the edit changed nothing")
					} else if d, err := format.Parse([]byte(bad)); err == nil && d.Verify() == nil {
						t.Errorf("a changed document verifies:\n%s", bad)
					}
				}
				if d, err := format.Parse([]byte(flipLastHex(string(cd), `"data": "0x`))); err == nil && d.Verify() == nil {
					t.Error("changed calldata verifies")
				}
			})
		}
	}
}

func TestLidoUnsupported(t *testing.T) {
	recent, _ := lidoInputs(t, fork.Electra)
	in := recent
	in.Claims = in.Claims[1:] // no header
	if _, err := format.Emit(in, format.Lido, ""); !errors.Is(err, format.ErrUnsupported) {
		t.Errorf("no header: %v", err)
	}
	in = recent
	in.Anchor.Timestamp = 0
	if _, err := format.Emit(in, format.Lido, ""); !errors.Is(err, format.ErrUnsupported) {
		t.Errorf("no timestamp: %v", err)
	}
	in = recent
	in.LidoOperator = nil
	d, err := format.Emit(in, format.Calldata, format.Lido)
	if err != nil {
		t.Fatal(err)
	}
	if cd := d.(*format.CalldataDocument); len(cd.Calls) != 0 || cd.Note == "" {
		t.Errorf("without the operator: %d calls, note %q", len(cd.Calls), cd.Note)
	}
}

// TestLidoGIndices checks CSVerifier's constructor gindices against their
// definition restated here: the first entry of a list of 2^pow entries is
// the list root's gindex, times 2 (its data, below the length mix-in), times
// 2^pow.
func TestLidoGIndices(t *testing.T) {
	first := func(forkName, path string, mixIn bool, pow uint) *big.Int {
		g, err := staking.AnchoredGindex(forkName, "", staking.AnchorState, path)
		if err != nil {
			t.Fatal(err)
		}
		v := g.Big()
		if mixIn {
			v.Lsh(v, 1)
		}
		return v.Lsh(v, pow)
	}
	for _, forkName := range []string{fork.Capella, fork.Deneb, fork.Electra, fork.Fulu} {
		g, err := format.LidoGIndicesOf(forkName, "")
		if err != nil {
			t.Fatal(err)
		}
		want := []struct {
			got  format.LidoGIndex
			want *big.Int
			pow  uint8
		}{
			{g.FirstWithdrawal, first(forkName, "latest_execution_payload_header.withdrawals_root", true, 4), 4},
			{g.FirstValidator, first(forkName, "validators", true, 40), 40},
			{g.FirstHistoricalSummary, first(forkName, "historical_summaries", true, 24), 24},
			{g.FirstBlockRootInSummary, big.NewInt(2 << 13), 13},
		}
		for i, w := range want {
			if w.got.Gindex.Big().Cmp(w.want) != 0 || w.got.Pow != w.pow {
				t.Errorf("%s: gindex %d is %s (pow %d), want %s (pow %d)", forkName, i, w.got.Gindex, w.got.Pow, w.want, w.pow)
			}
		}
	}
	if _, err := format.LidoGIndicesOf(fork.Gloas, ""); err == nil {
		t.Error("gloas has lido gindices")
	}
	for _, tc := range []struct {
		fork string
		ok   bool
	}{{"capella", false}, {"deneb", false}, {"electra", true}, {"fulu", true}, {"gloas", false}} {
		err := format.CheckDeployed(format.Lido, tc.fork)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, format.ErrNotDeployed)) {
			t.Errorf("lido on %s: %v, want ok %v", tc.fork, err, tc.ok)
		}
	}
}
