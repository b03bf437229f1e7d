package beaconapi_test

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// headerChain is a synthetic chain of block headers for the slots
// [from, to]: a block at every slot but the missed ones, each the child of
// the block before it, as /eth/v1/beacon/headers/{slot} serves them.
type headerChain struct {
	before [32]byte            // the root of the block before from
	roots  map[uint64][32]byte // by slot
	bodies map[uint64][]byte   // the JSON answers, by slot
}

func newHeaderChain(t testing.TB, from, to uint64, missed func(uint64) bool) *headerChain {
	t.Helper()
	typ, err := schema(fork.Phase0, fork.PresetMainnet, "BeaconBlockHeader")
	if err != nil {
		t.Fatal(err)
	}
	hash := func(label string, slot uint64) [32]byte {
		return sha256.Sum256(binary.LittleEndian.AppendUint64([]byte(label), slot))
	}
	hx := func(b []byte) string { return "0x" + hex.EncodeToString(b) }
	c := &headerChain{before: hash("before", from), roots: map[uint64][32]byte{}, bodies: map[uint64][]byte{}}
	prev := c.before
	for slot := from; slot <= to; slot++ {
		if missed(slot) {
			continue
		}
		state, body := hash("state", slot), hash("body", slot)
		b := binary.LittleEndian.AppendUint64(nil, slot)
		b = binary.LittleEndian.AppendUint64(b, slot%1000)
		b = append(append(append(b, prev[:]...), state[:]...), body[:]...)
		root, err := ssz.HashTreeRoot(typ, b)
		if err != nil {
			t.Fatal(err)
		}
		js, err := json.Marshal(map[string]any{
			"execution_optimistic": false, "finalized": true,
			"data": map[string]any{
				"root": hx(root[:]), "canonical": true,
				"header": map[string]any{
					"message": map[string]any{
						"slot": strconv.FormatUint(slot, 10), "proposer_index": strconv.FormatUint(slot%1000, 10),
						"parent_root": hx(prev[:]), "state_root": hx(state[:]), "body_root": hx(body[:]),
					},
					"signature": hx(make([]byte, 96)),
				},
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		c.roots[slot], c.bodies[slot], prev = root, js, root
	}
	return c
}

// serve makes the node answer the chain's headers.
func (c *headerChain) serve(f *fakeNode) {
	f.set(func(f *fakeNode) {
		for slot, b := range c.bodies {
			f.headers[strconv.FormatUint(slot, 10)] = b
		}
	})
}

// periodRoots returns the roots of the slots [start, start+n): the root of
// the last block at or before each.
func (c *headerChain) periodRoots(start, n uint64) [][32]byte {
	out := make([][32]byte, n)
	prev := c.before
	for slot := start - min(start, 1000); slot < start+n; slot++ {
		if r, ok := c.roots[slot]; ok {
			prev = r
		}
		if slot >= start {
			out[slot-start] = prev
		}
	}
	return out
}

// merkleRoot is the hash tree root of a Vector[Root, N], N a power of two,
// computed with SHA-256 alone.
func merkleRoot(roots [][32]byte) [32]byte {
	level := slices.Clone(roots)
	for len(level) > 1 {
		next := make([][32]byte, len(level)/2)
		for i := range next {
			next[i] = sha256.Sum256(append(level[2*i][:], level[2*i+1][:]...))
		}
		level = next
	}
	return level[0]
}

// historyMissed: the first two slots of period 2 (128, 129), and one in
// eleven.
func historyMissed(slot uint64) bool { return slot == 128 || slot == 129 || slot%11 == 7 }

func historyFixture(t *testing.T) (*fakeNode, *headerChain, *beaconapi.Client) {
	t.Helper()
	node := newNode(t, minimalNetwork())
	chain := newHeaderChain(t, 100, 250, historyMissed)
	chain.serve(node)
	c, err := beaconapi.New(node.URL(), beaconapi.WithProgress(nil), beaconapi.WithBackoff(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	return node, chain, c
}

func TestPeriodBlockRoots(t *testing.T) {
	node, chain, c := historyFixture(t)
	ctx := context.Background()
	want := chain.periodRoots(128, 64)
	node.set(func(f *fakeNode) { f.headerDelay = 2 * time.Millisecond })
	got, err := c.PeriodBlockRoots(ctx, 2, merkleRoot(want), 5)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Fatal("the roots are not the chain's")
	}
	if got[0] != chain.roots[127] || got[1] != chain.roots[127] || got[2] != chain.roots[130] {
		t.Fatal("the missed first slots do not repeat the root of the block before the period")
	}
	if n := node.count("header"); n != 64 {
		t.Fatalf("%d header requests, want 64", n)
	}
	node.mu.Lock()
	inflight := node.maxInflight
	node.mu.Unlock()
	if inflight > 5 || inflight < 2 {
		t.Fatalf("at most %d requests at once, want 2 to 5", inflight)
	}
	// The connections are kept and reused: about as many as requests at
	// once (http.DefaultTransport keeps 2 idle connections per host, and
	// concurrent requests would open and close a connection each: some 46
	// for these 192 requests). A connection the server or the race
	// detector's scheduling closes early may be replaced, hence twice.
	node.set(func(f *fakeNode) { f.headerDelay, f.headerConns = 0, nil })
	for range 3 {
		if _, err := c.PeriodBlockRoots(ctx, 2, merkleRoot(want), 8); err != nil {
			t.Fatal(err)
		}
	}
	node.mu.Lock()
	conns := len(node.headerConns)
	node.mu.Unlock()
	if conns > 16 {
		t.Fatalf("3 × 64 requests, 8 at once, used %d connections, want at most 16", conns)
	}
	// Period 3 (192 to 255) runs past the chain's last block (250): the
	// node's 404s make the last slots repeat it, as on chain for slots
	// before the head.
	if _, err := c.PeriodBlockRoots(ctx, 3, merkleRoot(chain.periodRoots(192, 64)), 0); err != nil {
		t.Fatal(err)
	}
}

func TestPeriodBlockRootsErrors(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name   string
		period uint64
		setup  func(f *fakeNode, chain *headerChain) [32]byte // returns the summary root to check against
		want   []error
		say    string
	}{
		{"wrong summary root", 2, func(f *fakeNode, chain *headerChain) [32]byte { return [32]byte{1} },
			[]error{beaconapi.ErrHistoryMismatch}, "hash to 0x"},
		{"no blocks: history not backfilled", 5, func(f *fakeNode, chain *headerChain) [32]byte { return [32]byte{1} },
			[]error{beaconapi.ErrPruned, beaconapi.ErrNotFound}, "no block in any of its 64 slots"},
		{"a block missing in the middle", 2, func(f *fakeNode, chain *headerChain) [32]byte {
			f.set(func(f *fakeNode) { delete(f.headers, "152") })
			return merkleRoot(chain.periodRoots(128, 64))
		}, []error{beaconapi.ErrHistoryMismatch}, "block of slot 153 has parent_root"},
		{"server errors past the retries", 2, func(f *fakeNode, chain *headerChain) [32]byte {
			f.set(func(f *fakeNode) { f.headerFail = 1000 })
			return merkleRoot(chain.periodRoots(128, 64))
		}, []error{beaconapi.ErrUnavailable}, "HTTP 500"},
		{"period past uint64", 1 << 60, func(f *fakeNode, chain *headerChain) [32]byte { return [32]byte{} },
			nil, "overflow"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			node, chain, c := historyFixture(t)
			sum := tc.setup(node, chain)
			_, err := c.PeriodBlockRoots(ctx, tc.period, sum, 4)
			if err == nil {
				t.Fatal("no error")
			}
			for _, k := range tc.want {
				if !errors.Is(err, k) {
					t.Errorf("error %v is not %v", err, k)
				}
			}
			if !strings.Contains(err.Error(), tc.say) || !strings.HasPrefix(err.Error(), "beaconapi: ") {
				t.Errorf("error %q does not say %q", err, tc.say)
			}
			t.Log(err)
		})
	}
}

// TestPeriodBlockRootsRetries checks that server errors are retried.
func TestPeriodBlockRootsRetries(t *testing.T) {
	node, chain, c := historyFixture(t)
	node.set(func(f *fakeNode) { f.headerFail = 6 })
	want := chain.periodRoots(128, 64)
	if _, err := c.PeriodBlockRoots(context.Background(), 2, merkleRoot(want), 3); err != nil {
		t.Fatal(err)
	}
	if n := node.count("header"); n != 64+6 {
		t.Fatalf("%d header requests, want 70 (64 and 6 retries)", n)
	}
}

// TestPeriodBlockRootsCancel checks that a canceled context stops the
// fetch.
func TestPeriodBlockRootsCancel(t *testing.T) {
	node, chain, c := historyFixture(t)
	node.set(func(f *fakeNode) { f.headerDelay = 20 * time.Millisecond })
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	_, err := c.PeriodBlockRoots(ctx, 2, merkleRoot(chain.periodRoots(128, 64)), 2)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want context.DeadlineExceeded", err)
	}
	if n := node.count("header"); n >= 64 {
		t.Fatalf("%d header requests after the context was done", n)
	}
}

// BenchmarkPeriodBlockRoots rebuilds a mainnet period (8,192 slots, one
// in eleven missed) from the headers of a node on the loopback interface:
// the time per op is the time of one period's rebuild (the target is 30 s
// from a local node). The in-process node answers at once, so the client
// and the node share the CPU and one request at a time is fastest; with
// latency=2ms each answer waits 2 ms, as a node reading its database
// does, where concurrent requests pay (one at a time would take 8192 × 2
// ms, over 16 s).
func BenchmarkPeriodBlockRoots(b *testing.B) {
	node := newNode(b, mustNetwork(b, "mainnet"))
	const period = 1000
	start := uint64(period * 8192)
	chain := newHeaderChain(b, start-20, start+8191, func(s uint64) bool { return s%11 == 7 })
	chain.serve(node)
	sum := merkleRoot(chain.periodRoots(start, 8192))
	ctx := context.Background()
	for _, bc := range []struct {
		latency time.Duration
		workers int
	}{{0, 1}, {0, 4}, {0, beaconapi.DefaultHistoryWorkers}, {0, 64}, {2 * time.Millisecond, beaconapi.DefaultHistoryWorkers}, {2 * time.Millisecond, 64}} {
		b.Run(fmt.Sprintf("latency=%v/workers=%d", bc.latency, bc.workers), func(b *testing.B) {
			node.set(func(f *fakeNode) { f.headerDelay = bc.latency })
			c, err := beaconapi.New(node.URL(), beaconapi.WithProgress(nil))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := c.Network(ctx); err != nil { // the spec, once
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				roots, err := c.PeriodBlockRoots(ctx, period, sum, bc.workers)
				if err != nil || len(roots) != 8192 {
					b.Fatalf("%d roots: %v", len(roots), err)
				}
			}
			b.ReportMetric(float64(8192*b.N)/b.Elapsed().Seconds(), "headers/s")
		})
	}
}
