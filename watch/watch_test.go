package watch_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/staking/format"
	"github.com/beaconproof/beaconproof/watch"
)

// recorder is a Sink that keeps every event written, in order, and can
// fail on a chosen write, before or after writing through to next.
type recorder struct {
	mu      sync.Mutex
	next    watch.Sink
	events  []watch.Event
	failAt  int  // the write (1-based) that fails; 0: none
	afterOK bool // fail after passing the write to next
	writes  int
}

var errCrash = errors.New("simulated crash")

func (r *recorder) Write(e watch.Event) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes++
	if r.writes == r.failAt && !r.afterOK {
		return errCrash
	}
	if r.next != nil {
		if err := r.next.Write(e); err != nil {
			return err
		}
	}
	r.events = append(r.events, e)
	if r.writes == r.failAt {
		return errCrash
	}
	return nil
}

func (r *recorder) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, e := range r.events {
		out = append(out, e.ID)
	}
	return out
}

// newWatcher returns a Watcher of c's node with a store in dir.
func newWatcher(t *testing.T, c *chain, dir string, sink watch.Sink, mod func(*watch.Config)) (*watch.Watcher, *watch.Store) {
	t.Helper()
	node, err := beaconapi.New(c.srv.URL, beaconapi.WithNetwork(c.net), beaconapi.WithRetries(0), beaconapi.WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	st, err := watch.OpenStore(filepath.Join(dir, "watch.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := watch.Config{Node: node, Addresses: [][20]byte{addrA}, Sink: sink, Store: st, Poll: 20 * time.Millisecond}
	if mod != nil {
		mod(&cfg)
	}
	w, err := watch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return w, st
}

// story builds the chain of the main scenario step by step: stage 1 is
// the first checkpoint; stage 2 adds a partial withdrawal of validator 2
// and validator 6's exit; stage 3 validator 8's slashing and validator 6's
// full withdrawal.
func story(c *chain, stage int) {
	exit6 := func(v []byte) { setExit(v, 6, 33, 34) }
	switch stage {
	case 1:
		c.addBlock(1000)
		c.checkpoint(1024, true, nil)
	case 2:
		c.addBlock(1030, synth.Withdrawal{Index: 100, ValidatorIndex: 2, Address: addrA, Amount: 1_000_000},
			synth.Withdrawal{Index: 101, ValidatorIndex: 3, Address: addrB, Amount: 2_000_000})
		c.checkpoint(1056, true, exit6)
	case 3:
		c.addBlock(1090, synth.Withdrawal{Index: 102, ValidatorIndex: 6, Address: addrA, Amount: 32_000_000_000})
		c.checkpoint(1120, true, func(v []byte) { exit6(v); setSlashed(v, 8); setExit(v, 8, 40, 8232) })
	}
}

// wantIDs are the events of the story, in order.
var wantIDs = []string{
	"credentials-v0-01", "credentials-v2-01", "credentials-v4-02", "credentials-v6-01",
	"credentials-v8-01", "credentials-v10-01", "credentials-v12-01", "credentials-v14-02",
	"exit-v6-e33", "withdrawal-w100-s1030",
	"slashed-v8", "exit-v8-e40", "full_withdrawal-w102-s1090",
}

// idPrefixes cuts ids to what wantIDs spells.
func idPrefixes(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		parts := strings.Split(id, "-")
		if strings.HasPrefix(id, "credentials") {
			parts[2] = parts[2][:2]
		}
		if strings.Contains(id, "withdrawal") {
			parts = parts[:3]
		}
		out[i] = strings.Join(parts, "-")
	}
	return out
}

// TestStory follows the story checkpoint by checkpoint and checks every
// event: order, kinds, documents that verify, anchors and deadlines.
func TestStory(t *testing.T) {
	c := newChain(t)
	dir := t.TempDir()
	out := filepath.Join(dir, "events")
	os.Mkdir(out, 0o755)
	rec := &recorder{next: watch.DirSink{Dir: out}}
	w, st := newWatcher(t, c, dir, rec, nil)
	defer st.Close()
	ctx := context.Background()
	states := 0
	for stage := 1; stage <= 3; stage++ {
		story(c, stage)
		if err := w.CatchUp(ctx); err != nil {
			t.Fatalf("stage %d: %v", stage, err)
		}
		states++
		if got := c.count("state"); got != states {
			t.Errorf("stage %d: %d states downloaded, want %d (one per checkpoint with events)", stage, got, states)
		}
	}
	if err := w.CatchUp(ctx); err != nil { // nothing new: no state, no event
		t.Fatal(err)
	}
	if got := c.count("state"); got != states {
		t.Errorf("a checkpoint without news downloaded a state")
	}
	if got := idPrefixes(rec.ids()); !slices.Equal(got, wantIDs) {
		t.Fatalf("events:\n%q\nwant\n%q", got, wantIDs)
	}
	for _, e := range rec.events {
		checkEvent(t, c, e)
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.json"))
	if len(files) != len(wantIDs) {
		t.Errorf("%d files, want %d", len(files), len(wantIDs))
	}
}

// checkEvent checks that the event's document verifies, is anchored to
// the checkpoint's block, and has its 4788 timestamp and deadline.
func checkEvent(t *testing.T, c *chain, e watch.Event) {
	t.Helper()
	doc, err := format.Parse(e.Document)
	if err != nil {
		t.Fatalf("%s: %v", e.ID, err)
	}
	if err := doc.Verify(); err != nil {
		t.Errorf("%s: %v", e.ID, err)
	}
	b := c.blockByID(beaconapi.SlotID(e.Anchor.Slot))
	if b == nil || b.root != [32]byte(e.Anchor.Root) {
		t.Errorf("%s: anchor %v is not the node's block", e.ID, e.Anchor)
	}
	ts, _ := eip4788.SlotTimestamp(c.net, e.Anchor.Slot+1)
	if e.Anchor.Timestamp != ts {
		t.Errorf("%s: timestamp %d, want %d", e.ID, e.Anchor.Timestamp, ts)
	}
	if exp, _ := eip4788.Expiry(c.net, ts); e.Deadline != exp {
		t.Errorf("%s: deadline %d, want %d", e.ID, e.Deadline, exp)
	}
	if len(e.Calldata) == 0 {
		t.Errorf("%s: no calldata", e.ID)
	}
	var back watch.Event
	j, _ := json.Marshal(e)
	if err := json.Unmarshal(j, &back); err != nil || back.ID != e.ID || back.Deadline != e.Deadline {
		t.Errorf("%s: JSON round trip: %v", e.ID, err)
	}
}

// TestExactlyOnce crashes the watcher at every write, before and after
// the write reached the directory, restarts it on the same store, and
// checks that the directory ends with each event exactly once and that no
// event was written twice except the one whose record the crash cut.
func TestExactlyOnce(t *testing.T) {
	for _, after := range []bool{false, true} {
		for k := 1; k <= len(wantIDs); k += 2 {
			c := newChain(t)
			dir := t.TempDir()
			out := filepath.Join(dir, "events")
			os.Mkdir(out, 0o755)
			rec := &recorder{next: watch.DirSink{Dir: out}, failAt: k, afterOK: after}
			crashed := false
			for stage := 1; stage <= 3; stage++ {
				story(c, stage)
				for {
					w, st := newWatcher(t, c, dir, rec, nil)
					err := w.CatchUp(context.Background())
					st.Close()
					if err == nil {
						break
					}
					if !errors.Is(err, errCrash) || crashed {
						t.Fatalf("k=%d after=%v: %v", k, after, err)
					}
					crashed = true // restart
				}
			}
			ids := rec.ids()
			uniq := slices.Compact(slices.Sorted(slices.Values(ids)))
			dups := len(ids) - len(uniq)
			if want := map[bool]int{false: 0, true: 1}[after]; dups != want {
				t.Errorf("k=%d after=%v: %d events written twice, want %d", k, after, dups, want)
			}
			files, _ := filepath.Glob(filepath.Join(out, "*.json"))
			var names []string
			for _, f := range files {
				names = append(names, strings.TrimSuffix(filepath.Base(f), ".json"))
			}
			want := slices.Clone(wantIDs)
			sort.Strings(want)
			got := idPrefixes(names)
			sort.Strings(got)
			if !slices.Equal(got, want) {
				t.Errorf("k=%d after=%v: files\n%q\nwant\n%q", k, after, got, want)
			}
		}
	}
}

// TestFormats runs the story in the other formats: every document
// parses and verifies; json carries no calldata.
func TestFormats(t *testing.T) {
	for _, name := range []format.Name{format.EigenLayer, format.JSON} {
		c := newChain(t)
		rec := &recorder{}
		w, st := newWatcher(t, c, t.TempDir(), rec, func(cfg *watch.Config) { cfg.Format = name })
		for stage := 1; stage <= 3; stage++ {
			story(c, stage)
			if err := w.CatchUp(context.Background()); err != nil {
				t.Fatalf("%s: stage %d: %v", name, stage, err)
			}
		}
		st.Close()
		if got := idPrefixes(rec.ids()); !slices.Equal(got, wantIDs) {
			t.Errorf("%s: events %q", name, got)
		}
		for _, e := range rec.events {
			doc, err := format.Parse(e.Document)
			if err != nil || doc.Format() != name {
				t.Fatalf("%s: %s: %v", name, e.ID, err)
			}
			if err := doc.Verify(); err != nil {
				t.Errorf("%s: %s: %v", name, e.ID, err)
			}
			if (len(e.Calldata) > 0) != (name != format.JSON) {
				t.Errorf("%s: %s: calldata %d bytes", name, e.ID, len(e.Calldata))
			}
		}
	}
}
