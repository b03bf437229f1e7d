package format_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ethereum/go-ethereum/crypto"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// staleInput returns the claims of validators of a made-up electra state
// in which validator 5 is slashed (synth slashes every 6th), anchored to
// its block at timestamp ts (0: unknown).
func staleInput(t *testing.T, indices []uint64, ts uint64) format.Input {
	t.Helper()
	s, err := fork.SchemasOf(fork.Electra, "mainnet")
	if err != nil {
		t.Fatal(err)
	}
	b, err := synth.State(s.BeaconState, synth.Options{Validators: 16, Slot: 11_649_024 + 100, SlashedEvery: 6})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := beaconstate.NewObject(fork.Electra, "mainnet", "BeaconState", b)
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
	in := format.Input{Fork: fork.Electra, Preset: "mainnet", Anchor: sp.Anchor()}
	in.Anchor.Timestamp = ts
	if in.Claims, err = sp.Validators(indices); err != nil {
		t.Fatal(err)
	}
	return in
}

// TestEigenLayerStaleBalance checks EigenPod.verifyStaleBalance's calls:
// one per slashed validator, after verifyWithdrawalCredentials, with the
// selector of IEigenPod's verifyStaleBalance(uint64,(bytes32,bytes),
// (bytes32[],bytes)) and the document's StateRootProof and ValidatorProof;
// none for a validator that is not slashed or without the timestamp. A
// calldata document whose stale-balance call is changed, dropped or added
// fails Verify.
func TestEigenLayerStaleBalance(t *testing.T) {
	const ts = 1_700_000_000
	sig := "verifyStaleBalance(uint64,(bytes32,bytes),(bytes32[],bytes))"
	for _, c := range []struct {
		name    string
		indices []uint64
		ts      uint64
		stale   int
	}{
		{"slashed", []uint64{5}, ts, 1},
		{"slashed among others", []uint64{2, 5, 11}, ts, 2},
		{"not slashed", []uint64{2, 3}, ts, 0},
		{"no timestamp", []uint64{5}, 0, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			in := staleInput(t, c.indices, c.ts)
			d, err := format.NewCalldata(in, format.EigenLayer)
			if err != nil {
				t.Fatal(err)
			}
			var stale []format.CalldataCall
			for i, call := range d.Calls {
				if call.Function == sig {
					stale = append(stale, call)
					if i == 0 {
						t.Errorf("verifyStaleBalance before verifyWithdrawalCredentials: %v", d.Calls)
					}
				}
			}
			if len(stale) != c.stale {
				t.Fatalf("%d verifyStaleBalance calls, want %d: %+v", len(stale), c.stale, d.Calls)
			}
			if c.stale == 0 {
				return
			}
			if want := crypto.Keccak256([]byte(sig))[:4]; !bytes.Equal(stale[0].Selector, want) {
				t.Errorf("selector %x, want %x", stale[0].Selector, want)
			}
			el, err := format.NewEigenLayer(in)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range el.ValidatorProofs {
				slashed := p.ValidatorFields[3] != [32]byte{}
				if slashed != (p.ValidatorIndex%6 == 5) {
					t.Errorf("validator %d: slashed field %s", p.ValidatorIndex, p.ValidatorFields[3])
				}
			}
			staleTamper(t, d)
		})
	}
}

// staleTamper checks that Verify refuses the calldata document with its
// last verifyStaleBalance call's data changed, dropped, or given twice.
func staleTamper(t *testing.T, d *format.CalldataDocument) {
	t.Helper()
	last := len(d.Calls) - 1
	for !strings.HasPrefix(d.Calls[last].Function, "verifyStaleBalance(") {
		last--
	}
	changed := *d
	changed.Calls = append([]format.CalldataCall(nil), d.Calls...)
	data := append(format.HexBytes(nil), d.Calls[last].Data...)
	data[len(data)-1] ^= 1
	changed.Calls[last].Data = data
	dropped := *d
	dropped.Calls = append(append([]format.CalldataCall(nil), d.Calls[:last]...), d.Calls[last+1:]...)
	twice := *d
	twice.Calls = append(append([]format.CalldataCall(nil), d.Calls...), d.Calls[last])
	for name, bad := range map[string]*format.CalldataDocument{"changed": &changed, "dropped": &dropped, "twice": &twice} {
		if err := bad.Verify(); err == nil {
			t.Errorf("%s verifyStaleBalance call: verified", name)
		}
	}
	if err := d.Verify(); err != nil {
		t.Errorf("the document itself: %v", err)
	}
}
