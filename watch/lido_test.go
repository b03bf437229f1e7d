package watch_test

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/staking/format"
	"github.com/beaconproof/beaconproof/watch"
)

// syncBuffer is a bytes.Buffer safe for a logger's concurrent writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestLido runs a megapool's story in the lido format: the one full
// withdrawal CSVerifier takes is written, proved from its block's
// post-state and anchored to that block; every other fact (credentials,
// exit, a partial withdrawal, a full withdrawal's small sweep) is said
// once in the logs, never written, and not said again at the next
// checkpoints.
func TestLido(t *testing.T) {
	c := newChain(t)
	rec := &recorder{}
	var logs syncBuffer
	w, st := newWatcher(t, c, t.TempDir(), rec, func(cfg *watch.Config) {
		cfg.Format = format.Lido
		cfg.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	})
	defer st.Close()
	ctx := context.Background()
	exit6 := func(v []byte) { setExit(v, 6, 30, 32) } // withdrawable from epoch 32, slot 1024
	c.addBlock(1000)
	c.checkpoint(1024, true, exit6)
	step := func(stage int) {
		t.Helper()
		if err := w.CatchUp(ctx); err != nil {
			t.Fatalf("stage %d: %v", stage, err)
		}
	}
	step(1)
	// The full withdrawal and a partial one, paid in a checkpoint's block,
	// whose post-state the node serves; a small sweep of validator 6 in a
	// plain block.
	c.addBlock(1030, synth.Withdrawal{Index: 300, ValidatorIndex: 6, Address: addrA, Amount: 1_000})
	c.checkpointPaying(1056, true, exit6,
		synth.Withdrawal{Index: 301, ValidatorIndex: 2, Address: addrA, Amount: 2_000_000},
		synth.Withdrawal{Index: 302, ValidatorIndex: 6, Address: addrA, Amount: 32_000_000_000})
	step(2)
	c.checkpoint(1088, true, exit6)
	states := c.count("state")
	step(3)
	if got := c.count("state") - states; got != 1 {
		t.Errorf("%d states downloaded for the full withdrawal, want 1 (its block's post-state)", got)
	}
	c.checkpoint(1120, true, exit6)
	step(4)
	if len(rec.events) != 1 {
		t.Fatalf("events %q, want the full withdrawal only", rec.ids())
	}
	e := rec.events[0]
	if !strings.HasPrefix(e.ID, "full_withdrawal-w302-s1056-") || e.Format != string(format.Lido) || e.Anchor.Slot != 1056 {
		t.Fatalf("event %s (%s) anchored at slot %d", e.ID, e.Format, e.Anchor.Slot)
	}
	checkEvent(t, c, e)
	doc, err := format.Parse(e.Document)
	if err != nil {
		t.Fatal(err)
	}
	d, ok := doc.(*format.LidoDocument)
	if !ok || d.OldBlock != nil || d.Witness.Amount != 32_000_000_000 || d.Witness.ValidatorIndex != 6 {
		t.Fatalf("document %T %+v", doc, doc)
	}
	var cd format.CalldataDocument
	if err := json.Unmarshal(e.Calldata, &cd); err != nil || len(cd.Values) == 0 {
		t.Errorf("calldata: %v (%d values)", err, len(cd.Values))
	}
	said := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var l struct{ Msg, ID, Why string }
		if json.Unmarshal([]byte(line), &l) == nil && strings.Contains(l.Msg, "lido format cannot carry") {
			said[l.ID]++
			if l.Why == "" {
				t.Errorf("%s: no reason", l.ID)
			}
		}
	}
	kinds := map[string]bool{}
	for id, n := range said {
		if n != 1 {
			t.Errorf("%s said %d times, want once", id, n)
		}
		kinds[strings.Split(id, "-")[0]] = true
	}
	for _, k := range []string{"credentials", "exit", "withdrawal", "full_withdrawal"} {
		if !kinds[k] {
			t.Errorf("no %s fact said unsupported: %v", k, said)
		}
	}
}

// TestLidoHistorical: a full withdrawal paid while the watcher was down,
// whose block's root has left the EIP-4788 ring buffer by the next
// checkpoint, is proved for processHistoricalWithdrawalProof: the paying
// block's header under the checkpoint's historical_summaries, the
// withdrawal and the validator from the paying block's post-state.
func TestLidoHistorical(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 16,000 blocks and headers from the fake node")
	}
	c := newChain(t)
	rec := &recorder{}
	w, st := newWatcher(t, c, t.TempDir(), rec, func(cfg *watch.Config) { cfg.Format = format.Lido })
	defer st.Close()
	c.linked = true
	exit6 := func(v []byte) { setExit(v, 6, 30, 32) }
	c.addBlock(0)
	c.addBlock(1000)
	c.checkpoint(1024, true, exit6)
	if err := w.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	const ws = 1056
	c.checkpointPaying(ws, true, exit6, synth.Withdrawal{Index: 400, ValidatorIndex: 6, Address: addrA, Amount: 32_000_000_000})
	// The watcher is down for more than an era: the next checkpoint's
	// historical_summaries[0] commits to era 0's block roots, as the
	// node's headers give them.
	era := c.blockRoots(8192)
	vec := make([]byte, 8192*32)
	for i, r := range era {
		copy(vec[i*32:], r[:])
	}
	c.editState = func(s *fork.Schemas, b []byte) error {
		root, err := ssz.HashTreeRoot(ssz.Vector(ssz.Bytes32, 8192), vec)
		if err != nil {
			return err
		}
		lo, _, err := synth.FieldSpan(s.BeaconState, b, "historical_summaries")
		if err != nil {
			return err
		}
		copy(b[lo:], root[:])
		return nil
	}
	const target = ws + 8200
	c.checkpoint(target, true, exit6)
	if err := w.CatchUp(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(rec.events) != 1 {
		t.Fatalf("events %q, want the full withdrawal", rec.ids())
	}
	e := rec.events[0]
	if !strings.HasPrefix(e.ID, "full_withdrawal-w400-s1056-") || e.Anchor.Slot != target {
		t.Fatalf("event %s anchored at slot %d, want the checkpoint %d", e.ID, e.Anchor.Slot, target)
	}
	checkEvent(t, c, e)
	doc, err := format.Parse(e.Document)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := doc.(*format.LidoDocument); !ok || d.OldBlock == nil || uint64(d.OldBlock.Header.Slot) != ws {
		t.Fatalf("document %T: want processHistoricalWithdrawalProof's, with the block at slot %d", doc, ws)
	}
}
