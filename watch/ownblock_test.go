package watch_test

import (
	"context"
	"slices"
	"testing"

	"github.com/beaconproof/beaconproof/internal/synth"
)

// TestWithdrawalInCheckpointBlock: a withdrawal paid in the checkpoint's
// own block cannot be proved from the checkpoint's state, whose
// block_roots end at the slot before; it is proved, without a failed
// step, at the next checkpoint.
func TestWithdrawalInCheckpointBlock(t *testing.T) {
	c := newChain(t)
	rec := &recorder{}
	w, st := newWatcher(t, c, t.TempDir(), rec, nil)
	defer st.Close()
	ctx := context.Background()
	c.addBlock(1000)
	c.checkpoint(1024, true, nil)
	if err := w.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	c.checkpointPaying(1056, true, nil, synth.Withdrawal{Index: 200, ValidatorIndex: 2, Address: addrA, Amount: 3_000_000})
	if err := w.CatchUp(ctx); err != nil {
		t.Fatalf("the checkpoint that pays a watched validator in its own block: %v", err)
	}
	if ids := idPrefixes(rec.ids()); slices.Contains(ids, "withdrawal-w200-s1056") {
		t.Fatalf("the withdrawal was emitted from its own block's state: %q", ids)
	}
	c.checkpoint(1088, true, nil)
	if err := w.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range rec.events {
		if idPrefixes([]string{e.ID})[0] == "withdrawal-w200-s1056" {
			n++
			checkEvent(t, c, e)
			if e.Anchor.Slot != 1088 {
				t.Errorf("%s anchored at slot %d, want 1088", e.ID, e.Anchor.Slot)
			}
		}
	}
	if n != 1 {
		t.Fatalf("the withdrawal was emitted %d times, want once: %q", n, rec.ids())
	}
}
