package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/watch"
)

// waitFor polls cond until it holds or a few seconds pass.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("timed out waiting for %s", what)
}

// TestRunFollows runs the watcher, advances the chain while its event
// stream works, drops the stream, and advances it again: the watcher
// catches up by polling and reconnecting. A node without a stream is
// followed by polling alone.
func TestRunFollows(t *testing.T) {
	for _, noSSE := range []bool{false, true} {
		c := newChain(t)
		c.noSSE = noSSE
		story(c, 1)
		rec := &recorder{}
		w, st := newWatcher(t, c, t.TempDir(), rec, func(cfg *watch.Config) { cfg.Poll = 30 * time.Millisecond })
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- w.Run(ctx) }()
		waitFor(t, "first checkpoint", func() bool { return len(rec.ids()) == 8 })
		story(c, 2)
		c.publish("finalized_checkpoint", map[string]string{"epoch": "33", "block": rootID(c.blockByID("1056").root), "state": rootID(c.blockByID("1056").stateRoot)})
		waitFor(t, "second checkpoint", func() bool { return len(rec.ids()) == 10 })
		c.drop()
		story(c, 3)
		waitFor(t, "third checkpoint", func() bool { return len(rec.ids()) == 13 })
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		st.Close()
		if got := idPrefixes(rec.ids()); !slices.Equal(got, wantIDs) {
			t.Errorf("noSSE=%v: events\n%q\nwant\n%q", noSSE, got, wantIDs)
		}
	}
}

// TestFinalizedIgnoresOrphans: a head block that pays a watched validator
// and is then orphaned never yields an event in finalized mode; in head
// mode its withdrawal is emitted, and after the reorg the watcher rewinds
// and proves again on the new chain what it still shows.
func TestFinalizedIgnoresOrphans(t *testing.T) {
	for _, head := range []bool{false, true} {
		c := newChain(t)
		story(c, 1)
		c.addBlock(1030, synth.Withdrawal{Index: 100, ValidatorIndex: 2, Address: addrA, Amount: 1_000_000}) // to be orphaned
		c.checkpoint(1040, false, nil)                                                                       // head, not finalized
		c.mu.Lock()
		c.head = 1040 // no child yet
		c.mu.Unlock()
		rec := &recorder{}
		w, st := newWatcher(t, c, t.TempDir(), rec, func(cfg *watch.Config) { cfg.Head = head; cfg.StartSlot = 1025 })
		if err := w.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		orphanSeen := slices.ContainsFunc(rec.ids(), func(id string) bool { return strings.HasPrefix(id, "withdrawal-w100") })
		if orphanSeen != head {
			t.Errorf("head=%v: orphan's withdrawal emitted: %v", head, orphanSeen)
		}
		// The reorg: slots 1030 and 1040 are replaced by a chain without
		// the withdrawal, finalized at 1056.
		c.mu.Lock()
		delete(c.blocks, 1030)
		delete(c.blocks, 1040)
		delete(c.blocks, 1041)
		c.head = 0
		c.mu.Unlock()
		c.addBlock(1035, synth.Withdrawal{Index: 100, ValidatorIndex: 4, Address: addrA, Amount: 5})
		c.checkpoint(1056, true, nil)
		if head {
			c.mu.Lock()
			c.head = 1056
			c.mu.Unlock()
		}
		if err := w.CatchUp(context.Background()); err != nil {
			t.Fatal(err)
		}
		st.Close()
		ids := rec.ids()
		n := 0
		for _, id := range ids {
			if strings.HasPrefix(id, "withdrawal-w100-s1035") {
				n++
			}
			if !head && strings.HasPrefix(id, "withdrawal-w100-s1030") {
				t.Errorf("finalized mode emitted the orphaned block's withdrawal")
			}
		}
		if n != 1 {
			t.Errorf("head=%v: the new chain's withdrawal emitted %d times, want 1 (%q)", head, n, ids)
		}
	}
}

// TestAnchorExpiredWhileDown: a withdrawal paid while the watcher is down,
// whose own block's root has left the EIP-4788 ring buffer by the restart
// (8192 slots later), is proved against the current checkpoint, with a
// deadline in the future of the restart.
func TestAnchorExpiredWhileDown(t *testing.T) {
	c := newChain(t)
	story(c, 1)
	dir := t.TempDir()
	out := filepath.Join(dir, "events")
	os.Mkdir(out, 0o755)
	rec := &recorder{next: watch.DirSink{Dir: out}}
	w, st := newWatcher(t, c, dir, rec, nil)
	if err := w.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	st.Close()
	const ws = 1030
	c.addBlock(ws, synth.Withdrawal{Index: 100, ValidatorIndex: 2, Address: addrA, Amount: 1_000_000})
	c.checkpoint(ws+8192, true, nil) // the oldest slot its block_roots keep
	w, st = newWatcher(t, c, dir, rec, nil)
	defer st.Close()
	if err := w.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	e := rec.events[len(rec.events)-1]
	if !strings.HasPrefix(e.ID, "withdrawal-w100-s1030") {
		t.Fatalf("last event %s, want the withdrawal", e.ID)
	}
	if e.Anchor.Slot != ws+8192 {
		t.Errorf("anchor slot %d, want the current checkpoint %d", e.Anchor.Slot, ws+8192)
	}
	checkEvent(t, c, e)
	own := c.net.SlotTime(ws + 1)
	if e.Deadline <= own+8191*c.net.SecondsPerSlot {
		t.Errorf("deadline %d is not after the own anchor's expiry", e.Deadline)
	}
}

// TestCancelMidway cancels the context while the watcher proves, then
// restarts: every event is there once.
func TestCancelMidway(t *testing.T) {
	c := newChain(t)
	story(c, 1)
	story(c, 2)
	story(c, 3)
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	rec := &recorder{}
	cancelling := sinkFunc(func(e watch.Event) error {
		if err := rec.Write(e); err != nil {
			return err
		}
		if len(rec.ids()) == 3 {
			cancel()
		}
		return nil
	})
	w, st := newWatcher(t, c, dir, cancelling, func(cfg *watch.Config) { cfg.StartSlot = 1000 })
	if err := w.CatchUp(ctx); err == nil {
		t.Fatal("CatchUp after cancel: no error")
	}
	st.Close()
	w, st = newWatcher(t, c, dir, rec, func(cfg *watch.Config) { cfg.StartSlot = 1000 })
	defer st.Close()
	if err := w.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	ids := rec.ids()
	if len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(ids) {
		t.Errorf("an event written twice: %q", ids)
	}
}

type sinkFunc func(watch.Event) error

func (f sinkFunc) Write(e watch.Event) error { return f(e) }
