package bench

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/ssz"
)

// The tests of synth.MainnetShaped and synth.NextEpoch (internal/synth/
// scale.go) live here, with the benchmarks that use them; their roots are
// checked against go-eth2-client in internal/bench/peers.

func field(t *testing.T, typ *ssz.Type, b []byte, name string) []byte {
	t.Helper()
	lo, hi, err := synth.FieldSpan(typ, b, name)
	if err != nil {
		t.Fatal(err)
	}
	return b[lo:hi]
}

func TestMainnetShaped(t *testing.T) {
	for _, name := range []string{fork.Fulu, fork.Gloas} {
		t.Run(name, func(t *testing.T) {
			f, _ := fork.Lookup(name)
			s, err := f.Schemas("mainnet")
			if err != nil {
				t.Fatal(err)
			}
			const n = 2000
			state, block, err := synth.MainnetShaped(name, n)
			if err != nil {
				t.Fatal(err)
			}
			if err := ssz.Validate(s.BeaconState, state); err != nil {
				t.Fatal(err)
			}
			if err := ssz.Validate(s.BeaconBlock, block); err != nil {
				t.Fatal(err)
			}
			root, err := ssz.HashTreeRoot(s.BeaconState, state)
			if err != nil {
				t.Fatal(err)
			}
			if got := field(t, s.BeaconBlock, block, "state_root"); !bytes.Equal(got, root[:]) {
				t.Errorf("block.state_root %x, state root %x", got, root)
			}
			bodyRoot, err := ssz.HashTreeRoot(s.BeaconBlockBody, field(t, s.BeaconBlock, block, "body"))
			if err != nil {
				t.Fatal(err)
			}
			hdr := field(t, s.BeaconState, state, "latest_block_header")
			if !bytes.Equal(hdr[80:112], bodyRoot[:]) {
				t.Errorf("latest_block_header.body_root %x, block body root %x", hdr[80:112], bodyRoot)
			}
			if !bytes.Equal(hdr[:8], field(t, s.BeaconBlock, block, "slot")) {
				t.Error("header and block slots differ")
			}
			vals := field(t, s.BeaconState, state, "validators")
			if len(vals) != 121*n {
				t.Fatalf("%d validator bytes", len(vals))
			}
			exited := 0
			for i := 0; i < n; i++ {
				if binary.LittleEndian.Uint64(vals[i*121+105:]) != synth.FarFutureEpoch {
					exited++
				}
			}
			if exited != n/synth.MainnetExitedEvery {
				t.Errorf("%d exited validators, want %d", exited, n/synth.MainnetExitedEvery)
			}
			if got := len(field(t, s.BeaconState, state, "historical_summaries")) / 64; got != synth.MainnetHistoricalSummaries {
				t.Errorf("%d historical summaries", got)
			}
			if got := len(field(t, s.BeaconState, state, "historical_roots")) / 32; got != synth.MainnetHistoricalRoots {
				t.Errorf("%d historical roots", got)
			}
			if got := len(field(t, s.BeaconState, state, "pending_deposits")) / 192; got != n/synth.MainnetPendingDepositsPer {
				t.Errorf("%d pending deposits", got)
			}
			for _, v := range []string{"block_roots", "state_roots", "randao_mixes"} {
				b := field(t, s.BeaconState, state, v)
				for i := 0; i < len(b); i += 32 {
					if bytes.Equal(b[i:i+32], make([]byte, 32)) {
						t.Fatalf("%s[%d] is zero: vectors must be full", v, i/32)
					}
				}
			}
			again, _, err := synth.MainnetShaped(name, n)
			if err != nil || !bytes.Equal(again, state) {
				t.Error("MainnetShaped is not deterministic")
			}
		})
	}
}

func TestNextEpoch(t *testing.T) {
	for _, name := range []string{fork.Fulu, fork.Gloas} {
		t.Run(name, func(t *testing.T) {
			f, _ := fork.Lookup(name)
			s, err := f.Schemas("mainnet")
			if err != nil {
				t.Fatal(err)
			}
			const n = 5000
			state, _, err := synth.MainnetShaped(name, n)
			if err != nil {
				t.Fatal(err)
			}
			orig := append([]byte(nil), state...)
			next, err := synth.NextEpoch(s.BeaconState, state)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(state, orig) {
				t.Fatal("NextEpoch changed its input")
			}
			if err := ssz.Validate(s.BeaconState, next); err != nil {
				t.Fatal(err)
			}
			get := func(b []byte, name string) []byte { return field(t, s.BeaconState, b, name) }
			if a, b := binary.LittleEndian.Uint64(get(state, "slot")), binary.LittleEndian.Uint64(get(next, "slot")); b != a+32 {
				t.Errorf("slot %d -> %d", a, b)
			}
			ob, nb := get(state, "balances"), get(next, "balances")
			for i := 0; i < len(ob); i += 8 {
				if bytes.Equal(ob[i:i+8], nb[i:i+8]) {
					t.Fatalf("balance %d unchanged", i/8)
				}
			}
			for _, p := range []string{"previous_epoch_participation", "current_epoch_participation"} {
				o, x := get(state, p), get(next, p)
				for i := range o {
					if o[i] == x[i] {
						t.Fatalf("%s[%d] unchanged", p, i)
					}
				}
			}
			ov, nv := get(state, "validators"), get(next, "validators")
			changed := 0
			for i := 0; i < n; i++ {
				if !bytes.Equal(ov[i*121:(i+1)*121], nv[i*121:(i+1)*121]) {
					changed++
				}
			}
			if changed != n/1000 {
				t.Errorf("%d validator records changed, want %d (0.1%%)", changed, n/1000)
			}
			r1, _ := ssz.HashTreeRoot(s.BeaconState, state)
			r2, _ := ssz.HashTreeRoot(s.BeaconState, next)
			if r1 == r2 {
				t.Error("same root")
			}
		})
	}
}
