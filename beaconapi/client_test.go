package beaconapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/fork"
)

// The Client is the BlockSource that package eip4788 needs.
var _ eip4788.BlockSource = (*beaconapi.Client)(nil)

// newClient returns a Client of the node with fast retries and no
// progress bar, plus opts.
func newClient(t testing.TB, node *fakeNode, opts ...beaconapi.Option) *beaconapi.Client {
	t.Helper()
	all := append([]beaconapi.Option{
		beaconapi.WithBackoff(time.Millisecond, 5*time.Millisecond),
		beaconapi.WithTimeout(5 * time.Second),
		beaconapi.WithProgress(nil),
	}, opts...)
	c, err := beaconapi.New(node.URL(), all...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// checkErr checks the error a user sees: of kind is, one line, starting
// with "beaconapi: ", saying each of want.
func checkErr(t testing.TB, err error, is error, want ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %v", is)
	}
	msg := err.Error()
	t.Logf("error: %s", msg)
	if is != nil && !errors.Is(err, is) {
		t.Errorf("error is not %v", is)
	}
	if strings.ContainsAny(msg, "\n\r") {
		t.Errorf("error is more than one line")
	}
	if !strings.HasPrefix(msg, "beaconapi: ") {
		t.Errorf("error does not start with \"beaconapi: \"")
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error does not say %q", w)
		}
	}
}

// stateNode serves the oracle mainnet state of a fork as head, slot 1000
// and its root.
func stateNode(t testing.TB, forkName string) (*fakeNode, []byte, [32]byte) {
	t.Helper()
	b, root := oracleObject(t, fork.PresetMainnet, forkName, "state_0")
	node := newNode(t, mustNetwork(t, "mainnet"))
	node.addState(&served{fork: forkName, typeName: "BeaconState", preset: fork.PresetMainnet, ssz: b}, "head", "finalized", "1000", beaconapi.RootID(root))
	node.set(func(f *fakeNode) { f.headSlot = 5000 })
	return node, b, root
}

// minimalStateNode serves a minimal-preset oracle state of a fork as head
// from a devnet node.
func minimalStateNode(t testing.TB, forkName string) (*fakeNode, []byte, [32]byte) {
	t.Helper()
	b, root := oracleObject(t, fork.PresetMinimal, forkName, "state_0")
	node := newNode(t, minimalNetwork())
	node.addState(&served{fork: forkName, typeName: "BeaconState", preset: fork.PresetMinimal, ssz: b}, "head")
	return node, b, root
}

func checkState(t testing.TB, obj *beaconstate.Object, forkName, preset string, want []byte, root [32]byte) {
	t.Helper()
	if obj.Fork != forkName || obj.Preset != preset || obj.TypeName != "BeaconState" {
		t.Fatalf("got %s, want %s BeaconState (%s)", obj, forkName, preset)
	}
	if !bytes.Equal(obj.Bytes, want) {
		t.Fatalf("state bytes differ from the served state")
	}
	got, err := obj.Root()
	if err != nil {
		t.Fatal(err)
	}
	if got != root {
		t.Fatalf("root %x, want %x", got, root)
	}
}

// TestStateSSZ fetches the oracle state of every fork in SSZ, by every
// kind of id.
func TestStateSSZ(t *testing.T) {
	ctx := context.Background()
	for _, f := range fork.Names()[:8] {
		t.Run(f, func(t *testing.T) {
			node, b, root := stateNode(t, f)
			c := newClient(t, node)
			for _, id := range []string{"head", "finalized", "1000", beaconapi.RootID(root)} {
				obj, err := c.State(ctx, id)
				if err != nil {
					t.Fatalf("%s: %v", id, err)
				}
				checkState(t, obj, f, fork.PresetMainnet, b, root)
			}
			if n := node.count("spec"); n != 1 {
				t.Errorf("config read %d times, want once", n)
			}
		})
	}
}

// TestStateMinimalPreset fetches minimal-preset states from a devnet
// node: the preset comes from the node's config.
func TestStateMinimalPreset(t *testing.T) {
	ctx := context.Background()
	for _, f := range []string{fork.Capella, fork.Electra, fork.Gloas} {
		t.Run(f, func(t *testing.T) {
			b, root := oracleObject(t, fork.PresetMinimal, f, "state_1")
			node := newNode(t, minimalNetwork())
			node.addState(&served{fork: f, typeName: "BeaconState", preset: fork.PresetMinimal, ssz: b}, "head")
			obj, err := newClient(t, node).State(ctx, "head")
			if err != nil {
				t.Fatal(err)
			}
			checkState(t, obj, f, fork.PresetMinimal, b, root)
		})
	}
}

// TestStateJSON fetches states from a node that only speaks JSON.
func TestStateJSON(t *testing.T) {
	ctx := context.Background()
	for _, f := range []string{fork.Deneb, fork.Gloas} {
		t.Run(f, func(t *testing.T) {
			node, b, root := stateNode(t, f)
			node.set(func(f *fakeNode) { f.jsonOnly = true })
			obj, err := newClient(t, node).State(ctx, "head")
			if err != nil {
				t.Fatal(err)
			}
			checkState(t, obj, f, fork.PresetMainnet, b, root)
		})
	}
}

// TestStateRefusesSSZ: a node that answers 406 to SSZ gets JSON requests,
// at once and from then on.
func TestStateRefusesSSZ(t *testing.T) {
	ctx := context.Background()
	node, b, root := minimalStateNode(t, fork.Electra)
	node.set(func(f *fakeNode) { f.rejectSSZ = true })
	c := newClient(t, node)
	for i := 0; i < 2; i++ {
		obj, err := c.State(ctx, "head")
		if err != nil {
			t.Fatal(err)
		}
		checkState(t, obj, fork.Electra, fork.PresetMinimal, b, root)
	}
	if n := node.count("state"); n != 3 {
		t.Fatalf("%d state requests, want 3 (one refused, two in JSON)", n)
	}
}

// TestStateNoVersionHeader: without Eth-Consensus-Version, a state's fork
// comes from its fork.current_version in the node's schedule.
func TestStateNoVersionHeader(t *testing.T) {
	ctx := context.Background()
	b, _ := oracleObject(t, fork.PresetMainnet, fork.Deneb, "state_0")
	b = bytes.Clone(b)
	copy(b[52:56], []byte{0x04, 0, 0, 0}) // mainnet's deneb version
	node := newNode(t, mustNetwork(t, "mainnet"))
	node.addState(&served{fork: fork.Deneb, typeName: "BeaconState", preset: fork.PresetMainnet, ssz: b}, "head")
	node.set(func(f *fakeNode) { f.noVersion = true })
	c := newClient(t, node)
	obj, err := c.State(ctx, "head")
	if err != nil {
		t.Fatal(err)
	}
	if obj.Fork != fork.Deneb {
		t.Fatalf("fork %s, want deneb", obj.Fork)
	}

	// A version the schedule does not have.
	copy(b[52:56], []byte{0x77, 0x77, 0x77, 0x77})
	_, err = c.State(ctx, "head")
	checkErr(t, err, beaconapi.ErrUnknownFork, "no Eth-Consensus-Version header", "not in the schedule of mainnet")
}

// TestStateChunkedSlow streams a state without Content-Length in small,
// slow chunks and draws the progress bar.
func TestStateChunkedSlow(t *testing.T) {
	ctx := context.Background()
	node, b, root := stateNode(t, fork.Fulu)
	node.set(func(f *fakeNode) { f.chunked, f.chunk, f.delay = true, 128<<10, 2*time.Millisecond })
	var out syncBuffer
	c := newClient(t, node, beaconapi.WithProgress(&out))
	obj, err := c.State(ctx, "head")
	if err != nil {
		t.Fatal(err)
	}
	checkState(t, obj, fork.Fulu, fork.PresetMainnet, b, root)
	if s := out.String(); !strings.Contains(s, "state head") || !strings.Contains(s, "MB") {
		t.Fatalf("progress output %q lacks the description or the byte count", s)
	}
}

// TestStateProgress draws a bar with a known size that ends at 100%.
func TestStateProgress(t *testing.T) {
	node, _, _ := stateNode(t, fork.Capella)
	node.set(func(f *fakeNode) { f.chunk, f.delay = 256<<10, time.Millisecond })
	var out syncBuffer
	c := newClient(t, node, beaconapi.WithProgress(&out))
	if _, err := c.State(context.Background(), "head"); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "100%") || !strings.Contains(s, "state head") {
		t.Fatalf("progress output %q does not end at 100%%", s)
	}
	// Blocks draw none.
	out.Reset()
	node.servePortal(t)
	if _, err := c.Block(context.Background(), "head"); err != nil {
		t.Fatal(err)
	}
	if out.String() != "" {
		t.Fatalf("a block download drew %q", out.String())
	}
}

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

func (s *syncBuffer) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.b.Reset()
}

// TestStateOneCopy checks that a state with a Content-Length is read into
// one buffer of its size: the whole call allocates far less than two
// copies.
func TestStateOneCopy(t *testing.T) {
	if testing.Short() {
		t.Skip("allocation measurement")
	}
	ctx := context.Background()
	node, b, _ := stateNode(t, fork.Electra)
	c := newClient(t, node)
	if _, err := c.Network(ctx); err != nil { // config and genesis first
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	obj, err := c.State(ctx, "head")
	runtime.ReadMemStats(&after)
	if err != nil {
		t.Fatal(err)
	}
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("state of %d bytes: %d bytes allocated (%.2f×)", len(b), alloc, float64(alloc)/float64(len(b)))
	if alloc > uint64(len(b))*3/2 {
		t.Fatalf("%d bytes allocated for a %d-byte state: more than one copy", alloc, len(b))
	}
	if len(obj.Bytes) != len(b) || cap(obj.Bytes) != len(b) {
		t.Fatalf("buffer len %d cap %d, want exactly %d", len(obj.Bytes), cap(obj.Bytes), len(b))
	}
}

// TestRetries: 5xx, resets, truncated bodies and 429s are retried; the
// state arrives intact.
func TestRetries(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		set  func(f *fakeNode)
	}{
		{"500", func(f *fakeNode) { f.fail500 = 2 }},
		{"reset", func(f *fakeNode) { f.reset = 2 }},
		{"truncated", func(f *fakeNode) { f.truncate = 2 }},
		{"truncated chunked", func(f *fakeNode) { f.truncate, f.chunked = 2, true }},
		{"bare 503", func(f *fakeNode) { f.bare503 = 1 }},
		{"429 with Retry-After", func(f *fakeNode) { f.tooMany = 1 }},
		{"slow headers", func(f *fakeNode) { f.hang = 1 }},
		{"mixed", func(f *fakeNode) { f.reset, f.fail500, f.truncate = 1, 1, 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			node, b, root := stateNode(t, fork.Deneb)
			node.set(tc.set)
			obj, err := newClient(t, node, beaconapi.WithTimeout(300*time.Millisecond)).State(ctx, "head")
			if err != nil {
				t.Fatal(err)
			}
			checkState(t, obj, fork.Deneb, fork.PresetMainnet, b, root)
		})
	}
}

// TestRetriesExhausted checks what the user sees when every attempt fails.
func TestRetriesExhausted(t *testing.T) {
	ctx := context.Background()
	_, state, _ := stateNode(t, fork.Deneb)
	for _, tc := range []struct {
		name string
		set  func(f *fakeNode)
		opts []beaconapi.Option
		is   error
		want []string
	}{
		{"500", func(f *fakeNode) { f.fail500 = 10 }, nil, beaconapi.ErrUnavailable,
			[]string{"state head from http://127.0.0.1:", "the node answered HTTP 500: internal error (3 attempts)", "try again later or use another node"}},
		{"reset", func(f *fakeNode) { f.reset = 10 }, nil, beaconapi.ErrUnavailable,
			[]string{"the node closed the connection before answering (3 attempts): EOF", "check the node"}},
		{"no headers", func(f *fakeNode) { f.hang = 10 }, []beaconapi.Option{beaconapi.WithTimeout(150 * time.Millisecond)}, beaconapi.ErrTimeout,
			[]string{"no data for 150ms (3 attempts)"}},
		{"429", func(f *fakeNode) { f.tooMany = 10 }, nil, beaconapi.ErrUnavailable,
			[]string{"the node answered HTTP 429: rate limited (3 attempts)"}},
		{"truncated", func(f *fakeNode) { f.truncate = 10 }, nil, beaconapi.ErrUnavailable,
			[]string{"the connection broke after", fmt.Sprintf("of %d bytes (3 attempts)", len(state)), "check the node and the network"}},
		{"truncated chunked", func(f *fakeNode) { f.truncate, f.chunked = 10, true }, nil, beaconapi.ErrUnavailable,
			[]string{"the connection broke after", "of an unknown number of bytes"}},
		{"stalled", func(f *fakeNode) { f.stall = 10 }, []beaconapi.Option{beaconapi.WithTimeout(150 * time.Millisecond)}, beaconapi.ErrTimeout,
			[]string{"the beacon node did not answer in time: no data for 150ms (3 attempts)", "raise the timeout (WithTimeout)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			node, _, _ := stateNode(t, fork.Deneb)
			c := newClient(t, node, append([]beaconapi.Option{beaconapi.WithRetries(2)}, tc.opts...)...)
			if _, err := c.Network(ctx); err != nil {
				t.Fatal(err)
			}
			node.set(tc.set)
			_, err := c.State(ctx, "head")
			checkErr(t, err, tc.is, tc.want...)
			// net/http itself resends a GET once when a reused
			// connection closes before any response.
			if n := node.count("state"); n < 3 || n > 4 {
				t.Errorf("%d state requests, want 3 attempts", n)
			}
		})
	}
}

// TestUnreachable: nothing listens.
func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	c, err := beaconapi.New(url, beaconapi.WithRetries(1), beaconapi.WithBackoff(time.Millisecond, time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Genesis(context.Background())
	checkErr(t, err, beaconapi.ErrUnavailable, "genesis from "+url, "cannot reach the node (2 attempts)", "connection refused")
}

// TestContextCancel: cancelling stops a slow download at once, without
// retrying.
func TestContextCancel(t *testing.T) {
	node, _, _ := stateNode(t, fork.Deneb)
	c := newClient(t, node)
	if _, err := c.Network(context.Background()); err != nil {
		t.Fatal(err)
	}
	node.set(func(f *fakeNode) { f.chunk, f.delay = 16<<10, 20*time.Millisecond })
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := c.State(ctx, "head")
	checkErr(t, err, context.Canceled, "state head from", "context canceled")
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("took %v to stop", d)
	}
	if n := node.count("state"); n != 1 {
		t.Errorf("%d state requests after cancel, want 1", n)
	}

	// A deadline.
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err = c.State(ctx, "head")
	checkErr(t, err, context.DeadlineExceeded, "context deadline exceeded")
}

// TestTooLarge: a state over the size limit fails before it is read when
// its length is announced, and as soon as it passes the limit otherwise.
func TestTooLarge(t *testing.T) {
	ctx := context.Background()
	node, state, _ := stateNode(t, fork.Deneb)
	c := newClient(t, node, beaconapi.WithMaxSize(1<<20))
	_, err := c.State(ctx, "head")
	checkErr(t, err, beaconapi.ErrTooLarge, fmt.Sprintf("response larger than the size limit: the node sends %d bytes, the limit is 1048576; raise it (WithMaxSize)", len(state)))
	if !errors.Is(err, beaconstate.ErrTooLarge) {
		t.Error("error is not beaconstate.ErrTooLarge")
	}
	node.set(func(f *fakeNode) { f.chunked = true })
	_, err = c.State(ctx, "head")
	checkErr(t, err, beaconapi.ErrTooLarge, "the node sends more than 1048576 bytes")
	if n := node.count("state"); n != 2 {
		t.Errorf("%d state requests: a too-large state was retried", n)
	}
}

// TestStateNotFound: pruned states, future slots, unknown roots.
func TestStateNotFound(t *testing.T) {
	ctx := context.Background()
	node, _, _ := stateNode(t, fork.Deneb)
	node.servePortal(t) // a head header
	node.set(func(f *fakeNode) { f.prunedBelow = 1_000_000 })
	c := newClient(t, node)
	head, err := c.HeadSlot(ctx)
	if err != nil {
		t.Fatal(err)
	}

	_, err = c.State(ctx, "1000")
	checkErr(t, err, beaconapi.ErrPruned, "state at slot 1000 from http://", "this node does not keep states that old; use an archive node", "HTTP 404: State not found")
	if !errors.Is(err, beaconapi.ErrNotFound) {
		t.Error("a pruned state is not ErrNotFound")
	}
	var he *beaconapi.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 404 || he.Path != "/eth/v2/debug/beacon/states/1000" {
		t.Errorf("HTTPError %+v", he)
	}

	future := strconv.FormatUint(head+100, 10)
	_, err = c.State(ctx, future)
	checkErr(t, err, beaconapi.ErrNotFound, fmt.Sprintf("slot %s is after the node's head (slot %d)", future, head))
	if errors.Is(err, beaconapi.ErrPruned) {
		t.Error("a future slot is reported as pruned")
	}

	_, err = c.State(ctx, beaconapi.RootID([32]byte{1, 2, 3}))
	checkErr(t, err, beaconapi.ErrNotFound, "knows no state with this root", "use an archive node")

	_, err = c.State(ctx, "latest")
	if err == nil || !strings.Contains(err.Error(), `invalid id "latest"`) {
		t.Fatalf("invalid id: %v", err)
	}
}

// TestStateServerErrorBeforeFinalized (issue 13, bug 6): a pruning node
// that fails with a server error to regenerate a state before its
// finalized slot (Lodestar: HTTP 500 "Block parent root ... does not match
// state latest block") has pruned it; after the finalized slot a server
// error is the node's trouble.
func TestStateServerErrorBeforeFinalized(t *testing.T) {
	ctx := context.Background()
	node, _, _ := stateNode(t, fork.Deneb)
	pbs := node.servePortal(t)
	last := pbs[len(pbs)-1]
	node.addBlock(&served{fork: last.fork, typeName: "SignedBeaconBlock", preset: fork.PresetMainnet, ssz: signed(last.msg)}, "finalized")
	node.set(func(f *fakeNode) { f.fail500 = 1000 })
	c := newClient(t, node)

	_, err := c.State(ctx, "1000")
	checkErr(t, err, beaconapi.ErrPruned, "state at slot 1000 from http://",
		fmt.Sprintf("slot 1000 is before the node's finalized slot %d", last.slot), "use an archive node", "HTTP 500")
	if !errors.Is(err, beaconapi.ErrNotFound) {
		t.Error("a pruned state is not ErrNotFound")
	}
	var he *beaconapi.HTTPError
	if !errors.As(err, &he) || he.StatusCode != 500 {
		t.Errorf("HTTPError %+v", he)
	}

	_, err = c.State(ctx, strconv.FormatUint(last.slot+1, 10))
	checkErr(t, err, beaconapi.ErrUnavailable, "HTTP 500")
	if errors.Is(err, beaconapi.ErrPruned) {
		t.Error("a state after the finalized slot is reported as pruned")
	}
}

// TestSyncing: a node that answers 503 while syncing; not retried.
func TestSyncing(t *testing.T) {
	ctx := context.Background()
	node, _, _ := stateNode(t, fork.Deneb)
	node.set(func(f *fakeNode) { f.syncing = true })
	c := newClient(t, node)
	_, err := c.State(ctx, "head")
	checkErr(t, err, beaconapi.ErrSyncing, "state head from", "the beacon node is still syncing; wait until it has synced or use a synced node", "HTTP 503")
	if n := node.count("state"); n != 1 {
		t.Errorf("%d state requests: a syncing 503 was retried", n)
	}
	st, err := c.Syncing(ctx)
	if err != nil || !st.IsSyncing || st.SyncDistance != 5000 {
		t.Fatalf("Syncing = %+v, %v", st, err)
	}

	// A bare 503 on every attempt, from a node whose status says syncing.
	node.set(func(f *fakeNode) { f.syncing, f.bare503 = false, 10 })
	_, err = c.State(ctx, "head")
	checkErr(t, err, beaconapi.ErrSyncing, "still syncing", "HTTP 503")
}

// TestWrongNetwork: a sepolia node for a mainnet client.
func TestWrongNetwork(t *testing.T) {
	ctx := context.Background()
	node := newNode(t, mustNetwork(t, "sepolia"))
	node.addState(&served{fork: fork.Deneb, typeName: "BeaconState", preset: fork.PresetMainnet}, "head")
	mainnet := mustNetwork(t, "mainnet")
	c := newClient(t, node)
	err := c.CheckNetwork(ctx, mainnet)
	checkErr(t, err, beaconapi.ErrWrongNetwork, "the beacon node is on another network", "is on sepolia", "not on mainnet", "use a mainnet node")
	if err := c.CheckNetwork(ctx, mustNetwork(t, "sepolia")); err != nil {
		t.Fatal(err)
	}

	c = newClient(t, node, beaconapi.WithNetwork(mainnet))
	_, err = c.State(ctx, "head")
	checkErr(t, err, beaconapi.ErrWrongNetwork, "is on sepolia", "use a mainnet node")
	if n := node.count("state"); n != 0 {
		t.Errorf("%d state requests to a node of the wrong network", n)
	}
}

// TestUnknownFork: a version header the fork table does not know.
func TestUnknownFork(t *testing.T) {
	node, _, _ := stateNode(t, fork.Deneb)
	node.set(func(f *fakeNode) { f.version = "heze" })
	_, err := newClient(t, node).State(context.Background(), "head")
	checkErr(t, err, beaconapi.ErrUnknownFork, `the node serves fork "heze"`, "upgrade beaconproof", "known: phase0, altair")
	if !errors.Is(err, fork.ErrUnknownFork) {
		t.Error("error is not fork.ErrUnknownFork")
	}
}

// TestBadResponse: bytes that are not a state of the announced fork.
func TestBadResponse(t *testing.T) {
	node := newNode(t, mustNetwork(t, "mainnet"))
	node.addState(&served{fork: fork.Deneb, typeName: "BeaconState", preset: fork.PresetMainnet, ssz: make([]byte, 1000)}, "head")
	_, err := newClient(t, node).State(context.Background(), "head")
	checkErr(t, err, beaconapi.ErrBadResponse, "state head from", "malformed response from the beacon node", "deneb BeaconState")
}

// TestBlocks fetches the real mainnet blocks of the portal vectors by
// slot and root, in SSZ and JSON, with and without the version header;
// their roots match the vectors' proofs.
func TestBlocks(t *testing.T) {
	ctx := context.Background()
	for _, mode := range []string{"ssz", "json", "no version header", "chunked"} {
		t.Run(mode, func(t *testing.T) {
			node := newNode(t, mustNetwork(t, "mainnet"))
			pbs := node.servePortal(t)
			node.set(func(f *fakeNode) {
				f.jsonOnly = mode == "json"
				f.noVersion = mode == "no version header"
				f.chunked = mode == "chunked"
			})
			c := newClient(t, node)
			checked := 0
			for _, pb := range pbs {
				for _, id := range []string{beaconapi.SlotID(pb.slot), beaconapi.RootID(pb.root)} {
					blk, err := c.Block(ctx, id)
					if err != nil {
						t.Fatalf("%s %s: %v", pb.elBlock, id, err)
					}
					if blk.Fork != pb.fork || blk.TypeName != "SignedBeaconBlock" {
						t.Fatalf("%s: got %s, want %s", pb.elBlock, blk, pb.fork)
					}
					msg, err := beaconapi.BlockMessage(blk)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(msg.Bytes, pb.msg) {
						t.Fatalf("%s: block bytes differ", pb.elBlock)
					}
					root, err := msg.Root()
					if err != nil || root != pb.root {
						t.Fatalf("%s: root %x, %v", pb.elBlock, root, err)
					}
					if pb.hasWant {
						if root != pb.want {
							t.Fatalf("%s: root %x, the vectors say %x", pb.elBlock, root, pb.want)
						}
						checked++
					}
				}
			}
			if checked == 0 {
				t.Fatal("no block root checked against the vectors")
			}
		})
	}
}

// TestBlockNotFound: a missed slot and an unknown root.
func TestBlockNotFound(t *testing.T) {
	ctx := context.Background()
	node := newNode(t, mustNetwork(t, "mainnet"))
	node.servePortal(t)
	c := newClient(t, node)
	_, err := c.Block(ctx, "123")
	checkErr(t, err, beaconapi.ErrNotFound, "block at slot 123 from", "no block at slot 123 (a missed slot")
	_, err = c.Block(ctx, beaconapi.RootID([32]byte{9}))
	checkErr(t, err, beaconapi.ErrNotFound, "knows no block with this root")
	_, err = c.Header(ctx, "123")
	checkErr(t, err, beaconapi.ErrNotFound, "block header at slot 123", "no block at slot 123")
}

// TestHeader reads real headers and checks their roots; a header whose
// root does not match its fields is refused.
func TestHeader(t *testing.T) {
	ctx := context.Background()
	node := newNode(t, mustNetwork(t, "mainnet"))
	pbs := node.servePortal(t)
	c := newClient(t, node)
	for _, pb := range pbs {
		h, err := c.Header(ctx, beaconapi.SlotID(pb.slot))
		if err != nil {
			t.Fatal(err)
		}
		if h.Slot != pb.slot || h.Root != pb.root || !h.Canonical {
			t.Fatalf("%s: header %+v, want slot %d root %x", pb.elBlock, h, pb.slot, pb.root)
		}
		if h.Signature[0] != 0xab {
			t.Fatalf("signature not read")
		}
	}
	head, err := c.HeadSlot(ctx)
	if err != nil || head != pbs[len(pbs)-1].slot {
		t.Fatalf("HeadSlot = %d, %v", head, err)
	}

	// A node that lies about the root.
	liar := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h, _ := headerJSON(&served{fork: pbs[0].fork, preset: fork.PresetMainnet, typeName: "SignedBeaconBlock", ssz: signed(pbs[0].msg)})
		h["data"].(map[string]any)["root"] = beaconapi.RootID([32]byte{7})
		writeJSON(w, h)
	}))
	defer liar.Close()
	lc, _ := beaconapi.New(liar.URL)
	_, err = lc.Header(ctx, "head")
	checkErr(t, err, beaconapi.ErrBadResponse, "block header head from", "the node says the block root is 0x0700", "hash to")
}

// TestBlockSourceAnchor runs eip4788.AnchorOf on the node: the last
// capella block of mainnet (execution block 19,426,586) is stored by its
// child, the first deneb block.
func TestBlockSourceAnchor(t *testing.T) {
	ctx := context.Background()
	node := newNode(t, mustNetwork(t, "mainnet"))
	pbs := node.servePortal(t)
	var capella, deneb portalBlock
	for _, pb := range pbs {
		switch pb.elBlock {
		case "19426586":
			capella = pb
		case "19426587":
			deneb = pb
		}
	}
	c := newClient(t, node)
	net, err := c.Network(ctx)
	if err != nil {
		t.Fatal(err)
	}
	a, err := eip4788.AnchorOf(ctx, net, c, capella.slot)
	if err != nil {
		t.Fatal(err)
	}
	if a.Root != capella.root || a.Timestamp != net.SlotTime(deneb.slot) {
		t.Fatalf("anchor %v; want the root of slot %d stored by slot %d", a, capella.slot, deneb.slot)
	}
	// A slot without a block.
	if _, ok, err := c.BlockRoot(ctx, capella.slot-1); ok || err != nil {
		t.Fatalf("BlockRoot(missed) = %v, %v", ok, err)
	}
}

// TestSpec reads the network from the node's config and genesis.
func TestSpec(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"mainnet", "sepolia", "hoodi"} {
		t.Run(name, func(t *testing.T) {
			want := mustNetwork(t, name)
			node := newNode(t, want)
			c := newClient(t, node)
			got, err := c.Spec(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got.Name != want.Name || got.PresetBase != want.PresetBase || got.GenesisTime != want.GenesisTime ||
				got.GenesisValidatorsRoot != want.GenesisValidatorsRoot || got.SecondsPerSlot != want.SecondsPerSlot ||
				got.SlotsPerEpoch != 32 || got.DepositContractAddress != want.DepositContractAddress {
				t.Fatalf("network %+v, want %+v", got, want)
			}
			for _, f := range want.Forks {
				g, ok := got.Fork(f.Name)
				if !ok || g.Version != f.Version || g.Epoch != f.Epoch {
					t.Errorf("fork %s: got %+v, want %+v", f.Name, g, f)
				}
			}
			if got.ForkAtSlot(13_000_000) != want.ForkAtSlot(13_000_000) {
				t.Errorf("fork at slot 13,000,000 differs")
			}
			vals, err := c.SpecValues(ctx)
			if err != nil || vals["MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP"] != "16384" {
				t.Fatalf("SpecValues: %v, %v", vals["MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP"], err)
			}
			if _, ok := vals["BLOB_SCHEDULE"]; ok {
				t.Error("a list value is in SpecValues")
			}
			g, err := c.Genesis(ctx)
			if err != nil || g.ValidatorsRoot != want.GenesisValidatorsRoot || g.Time != want.GenesisTime {
				t.Fatalf("Genesis = %+v, %v", g, err)
			}
		})
	}
	t.Run("no CONFIG_NAME", func(t *testing.T) {
		node := newNode(t, mustNetwork(t, "hoodi"))
		delete(node.spec, "CONFIG_NAME")
		got, err := newClient(t, node).Spec(ctx)
		if err != nil || got.Name != "hoodi" {
			t.Fatalf("name %q, %v; want hoodi from the genesis validators root", got.Name, err)
		}
	})
}

// TestBaseURL: a path prefix, query parameters and headers reach the
// node; an API key in the query never shows in messages.
func TestBaseURL(t *testing.T) {
	ctx := context.Background()
	node := newNode(t, mustNetwork(t, "mainnet"))
	node.set(func(f *fakeNode) { f.needAuth = "Bearer secret" })
	var gotQuery string
	prefix := httptest.NewServer(http.StripPrefix("/api/key123", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotQuery = r.URL.RawQuery
		node.srv.Config.Handler.ServeHTTP(w, r)
	})))
	defer prefix.Close()

	c, err := beaconapi.New(prefix.URL+"/api/key123/?token=t0ps3cret", beaconapi.WithHeader("Authorization", "Bearer secret"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Genesis(ctx); err != nil {
		t.Fatal(err)
	}
	if gotQuery != "token=t0ps3cret" {
		t.Fatalf("query %q not sent", gotQuery)
	}
	if c.URL() != prefix.URL {
		t.Fatalf("URL() = %q", c.URL())
	}

	c, _ = beaconapi.New(prefix.URL + "/api/key123?token=t0ps3cret")
	_, err = c.Genesis(ctx)
	checkErr(t, err, beaconapi.ErrRejected, "genesis from "+prefix.URL+":", "HTTP 401: Unauthorized", "check the API key")
	if strings.Contains(err.Error(), "t0ps3cret") || strings.Contains(err.Error(), "key123") {
		t.Fatal("the error shows the URL's secrets")
	}

	for _, bad := range []string{"", "localhost:5052", "ftp://x", "http://"} {
		if _, err := beaconapi.New(bad); err == nil {
			t.Errorf("New(%q) accepted", bad)
		}
	}
	if _, err := beaconapi.New("http://x", beaconapi.WithMaxSize(0)); err == nil {
		t.Error("WithMaxSize(0) accepted")
	}
}

// TestConcurrent shares one Client between goroutines.
func TestConcurrent(t *testing.T) {
	ctx := context.Background()
	node, b, root := stateNode(t, fork.Electra)
	pbs := node.servePortal(t)
	node.set(func(f *fakeNode) { f.fail500, f.truncate = 2, 2 })
	c := newClient(t, node)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 4; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			obj, err := c.State(ctx, "head")
			if err == nil && !bytes.Equal(obj.Bytes, b) {
				err = fmt.Errorf("state differs")
			}
			errs <- err
		}()
		go func(pb portalBlock) {
			defer wg.Done()
			h, err := c.Header(ctx, beaconapi.SlotID(pb.slot))
			if err == nil && h.Root != pb.root {
				err = fmt.Errorf("header root differs")
			}
			errs <- err
		}(pbs[i])
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	_ = root
	if n := node.count("spec"); n > 4 {
		t.Errorf("config read %d times", n)
	}
}

// TestWithNetwork: a client given its network checks the node's genesis
// once and reads no config.
func TestWithNetwork(t *testing.T) {
	ctx := context.Background()
	node, b, root := stateNode(t, fork.Deneb)
	c := newClient(t, node, beaconapi.WithNetwork(mustNetwork(t, "mainnet")))
	for i := 0; i < 2; i++ {
		obj, err := c.State(ctx, "head")
		if err != nil {
			t.Fatal(err)
		}
		checkState(t, obj, fork.Deneb, fork.PresetMainnet, b, root)
	}
	if s, g := node.count("spec"), node.count("genesis"); s != 0 || g != 1 {
		t.Fatalf("%d config and %d genesis requests, want 0 and 1", s, g)
	}
}

// TestJSONVersionField: a JSON answer without the header names its fork
// in "version"; JSON that is not the fork's type is refused.
func TestJSONVersionField(t *testing.T) {
	ctx := context.Background()
	node, b, root := minimalStateNode(t, fork.Bellatrix)
	node.set(func(f *fakeNode) { f.jsonOnly, f.noVersion = true, true })
	c := newClient(t, node)
	obj, err := c.State(ctx, "head")
	if err != nil {
		t.Fatal(err)
	}
	checkState(t, obj, fork.Bellatrix, fork.PresetMinimal, b, root)

	bad := &served{fork: fork.Deneb, typeName: "BeaconState", preset: fork.PresetMinimal}
	bad.once.Do(func() { bad.js = []byte(`{"genesis_time":"1"}`) })
	node.addState(bad, "head")
	_, err = c.State(ctx, "head")
	checkErr(t, err, beaconapi.ErrBadResponse, "state head from", "the JSON is not a deneb BeaconState")
}
