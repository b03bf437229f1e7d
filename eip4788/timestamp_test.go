package eip4788

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/testchain"
)

// The networks of fork.Networks(), with the slot where EIP-4788 starts.
var networkNames = []string{"mainnet", "sepolia", "hoodi", "holesky"}

func TestSlotTimestamp(t *testing.T) {
	for _, name := range networkNames {
		n := testchain.MustNetwork(t, name)
		deneb := testchain.FirstSlot(t, n, fork.Deneb)
		t.Run(name, func(t *testing.T) {
			tests := []struct {
				slot    uint64
				want    uint64
				wantErr error
			}{
				{slot: deneb, want: n.GenesisTime + deneb*12},
				{slot: deneb + 1, want: n.GenesisTime + (deneb+1)*12},
				{slot: testchain.FirstSlot(t, n, fork.Electra), want: n.GenesisTime + testchain.FirstSlot(t, n, fork.Electra)*12},
				{slot: testchain.FirstSlot(t, n, fork.Fulu), want: n.GenesisTime + testchain.FirstSlot(t, n, fork.Fulu)*12},
				{slot: 1 << 62, wantErr: errors.New("overflow")},
			}
			if deneb > 0 {
				tests = append(tests, struct {
					slot    uint64
					want    uint64
					wantErr error
				}{slot: deneb - 1, wantErr: ErrBeforeEIP4788})
			}
			for _, tc := range tests {
				got, err := SlotTimestamp(n, tc.slot)
				switch {
				case tc.wantErr == nil && err != nil:
					t.Errorf("slot %d: %v", tc.slot, err)
				case tc.wantErr == nil && got != tc.want:
					t.Errorf("slot %d: timestamp %d, want %d", tc.slot, got, tc.want)
				case tc.wantErr != nil && err == nil:
					t.Errorf("slot %d: no error, want %v", tc.slot, tc.wantErr)
				case tc.wantErr == ErrBeforeEIP4788 && !errors.Is(err, ErrBeforeEIP4788):
					t.Errorf("slot %d: %v, want ErrBeforeEIP4788", tc.slot, err)
				}
				if err == nil {
					back, err := SlotOfTimestamp(n, got)
					if err != nil || back != tc.slot {
						t.Errorf("SlotOfTimestamp(%d) = %d, %v; want %d", got, back, err, tc.slot)
					}
				}
			}
		})
	}
}

func TestSlotOfTimestampErrors(t *testing.T) {
	n := testchain.MustNetwork(t, "mainnet")
	for _, ts := range []uint64{0, n.GenesisTime - 1, n.GenesisTime + 1, n.GenesisTime + 12*1000 + 11} {
		if _, err := SlotOfTimestamp(n, ts); !errors.Is(err, ErrBadTimestamp) {
			t.Errorf("SlotOfTimestamp(%d): %v, want ErrBadTimestamp", ts, err)
		}
	}
	if s, err := SlotOfTimestamp(n, n.GenesisTime); err != nil || s != 0 {
		t.Errorf("genesis: %d, %v", s, err)
	}
	noGenesis := *n
	noGenesis.GenesisTime = 0
	if _, err := SlotOfTimestamp(&noGenesis, 100); err == nil || !strings.Contains(err.Error(), "genesis time") {
		t.Errorf("no genesis time: %v", err)
	}
	if _, err := SlotTimestamp(nil, 1); err == nil {
		t.Error("nil network: no error")
	}
}

func TestAnchorOf(t *testing.T) {
	ctx := context.Background()
	for _, name := range networkNames {
		n := testchain.MustNetwork(t, name)
		deneb := testchain.FirstSlot(t, n, fork.Deneb)
		electra := testchain.FirstSlot(t, n, fork.Electra)
		fulu := testchain.FirstSlot(t, n, fork.Fulu)
		base := electra + 1000
		type tc struct {
			desc      string
			slot      uint64
			chain     *testchain.Chain
			wantChild uint64
			wantErr   error
		}
		tests := []tc{
			{"next slot", base, testchain.NewChain(base + 10), base + 1, nil},
			{"one missed slot", base, testchain.NewChain(base+10, base+1), base + 2, nil},
			{"three missed slots", base, testchain.NewChain(base+10, base+1, base+2, base+3), base + 4, nil},
			{"child is the head", base, testchain.NewChain(base+2, base+1), base + 2, nil},
			{"no child yet", base, testchain.NewChain(base), 0, ErrNoChild},
			{"only missed slots up to the head", base, testchain.NewChain(base+2, base+1, base+2), 0, ErrNoChild},
			{"anchor slot missed", base, testchain.NewChain(base+10, base), 0, ErrMissedSlot},
			{"electra to fulu", fulu - 1, testchain.NewChain(fulu + 5), fulu, nil},
			{"missed fork slot", fulu - 1, testchain.NewChain(fulu+5, fulu), fulu + 1, nil},
			{"last electra block, child in fulu after missed slots", fulu - 2, testchain.NewChain(fulu+5, fulu-1, fulu), fulu + 1, nil},
		}
		if deneb >= 2 {
			tests = append(tests,
				tc{"last capella block: the first deneb block stores it", deneb - 1, testchain.NewChain(deneb + 5), deneb, nil},
				tc{"capella block with a capella child: never stored", deneb - 2, testchain.NewChain(deneb + 5), 0, ErrBeforeEIP4788},
				tc{"capella block whose capella child slot is missed", deneb - 2, testchain.NewChain(deneb+5, deneb-1), deneb, nil},
			)
		} else {
			tests = append(tests, tc{"genesis block of a network born in deneb", 0, testchain.NewChain(5), 1, nil})
		}
		for _, tt := range tests {
			t.Run(name+"/"+tt.desc, func(t *testing.T) {
				a, err := AnchorOf(ctx, n, tt.chain, tt.slot)
				if tt.wantErr != nil {
					if !errors.Is(err, tt.wantErr) {
						t.Fatalf("err %v, want %v", err, tt.wantErr)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				want := blockAnchor(tt.slot, tt.chain.Root(tt.slot), n.GenesisTime+tt.wantChild*n.SecondsPerSlot)
				if a != want {
					t.Fatalf("anchor %+v, want %+v", a, want)
				}
				// And back: the child's execution block names the anchor as its parent.
				p, err := ParentOf(ctx, n, tt.chain, a.Timestamp, a.Root)
				if err != nil {
					t.Fatalf("ParentOf: %v", err)
				}
				if p != a {
					t.Fatalf("ParentOf = %+v, want %+v", p, a)
				}
			})
		}
	}
}

func TestAnchorOfSourceErrors(t *testing.T) {
	ctx := context.Background()
	n := testchain.MustNetwork(t, "mainnet")
	base := testchain.FirstSlot(t, n, fork.Fulu) + 100
	boom := errors.New("beacon node down")
	c := testchain.NewChain(base+10, base+1)
	c.Fail[base+2] = boom
	if _, err := AnchorOf(ctx, n, c, base); !errors.Is(err, boom) {
		t.Errorf("child lookup failure: %v", err)
	}
	c = testchain.NewChain(base + 10)
	c.Fail[base] = boom
	if _, err := AnchorOf(ctx, n, c, base); !errors.Is(err, boom) {
		t.Errorf("anchor lookup failure: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := ChildSlot(cctx, testchain.NewChain(base+10), base); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

func TestParentOf(t *testing.T) {
	ctx := context.Background()
	for _, name := range networkNames {
		n := testchain.MustNetwork(t, name)
		deneb := testchain.FirstSlot(t, n, fork.Deneb)
		base := testchain.FirstSlot(t, n, fork.Electra) + 77
		ts := func(slot uint64) uint64 { return n.GenesisTime + slot*n.SecondsPerSlot }
		t.Run(name, func(t *testing.T) {
			c := testchain.NewChain(base+10, base-1, base-2)
			// The block at base has parent base-3 (two missed slots).
			a, err := ParentOf(ctx, n, c, ts(base), c.Root(base-3))
			if err != nil || a.Slot != base-3 || a.Timestamp != n.SlotTime(base) {
				t.Errorf("missed slots: %+v, %v", a, err)
			}
			if _, err := ParentOf(ctx, n, c, ts(base), c.Root(base-4)); !errors.Is(err, ErrRootMismatch) {
				t.Errorf("wrong parent root: %v", err)
			}
			if _, err := ParentOf(ctx, n, c, ts(base)+5, c.Root(base-3)); !errors.Is(err, ErrBadTimestamp) {
				t.Errorf("timestamp inside a slot: %v", err)
			}
			if deneb > 0 {
				if _, err := ParentOf(ctx, n, c, ts(deneb-1), c.Root(deneb-2)); !errors.Is(err, ErrBeforeEIP4788) {
					t.Errorf("capella execution block: %v", err)
				}
				a, err := ParentOf(ctx, n, c, ts(deneb), c.Root(deneb-1))
				if err != nil || a.Slot != deneb-1 {
					t.Errorf("first deneb block: %+v, %v", a, err)
				}
			}
		})
	}
	n := testchain.MustNetwork(t, "hoodi") // deneb from genesis
	c := testchain.NewChain(10, 0)
	if _, err := ParentOf(ctx, n, c, n.GenesisTime+12, [32]byte{}); !errors.Is(err, ErrMissedSlot) {
		t.Errorf("no earlier block: %v", err)
	}
}

// TestCheckTimestamp accepts only a later slot's start on a fork with
// beacon roots, and with a block source only the child's exact time.
func TestCheckTimestamp(t *testing.T) {
	n := testchain.MustNetwork(t, "mainnet")
	base := testchain.FirstSlot(t, n, fork.Electra) + 100
	deneb := testchain.FirstSlot(t, n, fork.Deneb)
	c := testchain.NewChain(base+10, base+1) // base+1 missed: the child is base+2
	for _, tc := range []struct {
		name string
		slot uint64
		ts   uint64
		src  BlockSource
		want error
	}{
		{"next slot", base, n.SlotTime(base + 1), nil, nil},
		{"child after a missed slot", base, n.SlotTime(base + 2), c, nil},
		{"a small number", base, 5, nil, ErrBadTimestamp},
		{"between slots", base, n.SlotTime(base+1) + 1, nil, ErrBadTimestamp},
		{"the anchor's own slot", base, n.SlotTime(base), nil, ErrBadTimestamp},
		{"before the anchor", base, n.SlotTime(base - 1), nil, ErrBadTimestamp},
		{"far after the anchor", base, n.SlotTime(base + MaxChildSearch + 1), nil, ErrBadTimestamp},
		{"a missed slot's time", base, n.SlotTime(base + 1), c, ErrBadTimestamp},
		{"after the child", base, n.SlotTime(base + 3), c, ErrBadTimestamp},
		{"before deneb", deneb - 3, n.SlotTime(deneb - 2), nil, ErrBeforeEIP4788},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckTimestamp(t.Context(), n, tc.src, tc.slot, tc.ts)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("CheckTimestamp(slot %d, %d) = %v, want %v", tc.slot, tc.ts, err, tc.want)
			}
		})
	}
}
