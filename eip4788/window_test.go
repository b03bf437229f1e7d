package eip4788

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/testchain"
)

func TestLifetime(t *testing.T) {
	for _, name := range networkNames {
		d, err := Lifetime(testchain.MustNetwork(t, name))
		if err != nil || d != 98292*time.Second {
			t.Errorf("%s: %v, %v; want 27h18m12s", name, d, err)
		}
	}
	// A slot duration that shares a factor with 8191 wraps sooner.
	odd := &fork.Network{Name: "odd", SecondsPerSlot: 8191 * 2, GenesisTime: 1}
	if d, _ := Lifetime(odd); d != 8191*2*time.Second {
		t.Errorf("8191×2-second slots: %v", d)
	}
	if _, err := Lifetime(&fork.Network{}); err == nil {
		t.Error("no slot duration: no error")
	}
}

// TestCheckWindow checks the window edges on every network: an anchor is
// readable from the block that stores it to the block 8190 slots later,
// and gone from 8191 slots on.
func TestCheckWindow(t *testing.T) {
	for _, name := range networkNames {
		n := testchain.MustNetwork(t, name)
		anchor := n.SlotTime(testchain.FirstSlot(t, n, fork.Electra) + 5)
		tests := []struct {
			slotsLater int64
			extraSecs  int64
			wantErr    error
			wantText   string
		}{
			{slotsLater: -1, wantErr: ErrNoRoot, wantText: "not stored yet"},
			{slotsLater: 0},
			{slotsLater: 1},
			{slotsLater: 4096},
			{slotsLater: 8190},
			{slotsLater: 8190, extraSecs: 11}, // a wall-clock time inside the last slot
			{slotsLater: 8191, wantErr: ErrOutsideWindow, wantText: "is 8191 slots (27h18m12s) old"},
			{slotsLater: 8192, wantErr: ErrOutsideWindow, wantText: "is 8192 slots (27h18m24s) old"},
			{slotsLater: 100000, wantErr: ErrOutsideWindow, wantText: "keeps 8191 slots (27h18m12s)"},
		}
		for _, tc := range tests {
			now := uint64(int64(anchor) + tc.slotsLater*12 + tc.extraSecs)
			err := CheckWindow(n, anchor, now)
			if tc.wantErr == nil {
				if err != nil {
					t.Errorf("%s: %d slots later: %v", name, tc.slotsLater, err)
				}
			} else if !errors.Is(err, tc.wantErr) || !strings.Contains(err.Error(), tc.wantText) {
				t.Errorf("%s: %d slots later: %v; want %v containing %q", name, tc.slotsLater, err, tc.wantErr, tc.wantText)
			}
			rem, err := Remaining(n, anchor, now)
			if err != nil {
				t.Fatal(err)
			}
			if want := time.Duration(8191*12-tc.slotsLater*12-tc.extraSecs) * time.Second; rem != want {
				t.Errorf("%s: %d slots later: remaining %v, want %v", name, tc.slotsLater, rem, want)
			}
		}
		exp, err := Expiry(n, anchor)
		if err != nil || exp != anchor+8191*12 {
			t.Errorf("%s: expiry %d, %v", name, exp, err)
		}
		// The expiry is the first later timestamp on the same ring index.
		if exp%HistoryBufferLength != anchor%HistoryBufferLength {
			t.Errorf("%s: expiry is not on the anchor's ring index", name)
		}
		for k := uint64(1); k < 8191; k++ {
			if (anchor+k*12)%HistoryBufferLength == anchor%HistoryBufferLength {
				t.Fatalf("%s: slot %d later overwrites the anchor", name, k)
			}
		}
	}
	if _, err := Expiry(testchain.MustNetwork(t, "mainnet"), ^uint64(0)-5); err == nil {
		t.Error("overflow: no error")
	}
}
