package eip4788

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"

	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/internal/testchain"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
)

// realRoots returns real mainnet block roots with the 4788 timestamps
// Rocket Pool's tests read them at, from the shared vectors. Without the
// vectors it returns none (under CI, it fails).
func realRoots(t *testing.T) []testchain.StoredRoot {
	t.Helper()
	var dir string
	t.Run("vectors", func(t *testing.T) { dir = vectors.Dir(t) })
	if dir == "" {
		return nil
	}
	data, err := os.ReadFile(filepath.Join(dir, "protocols", "rocketpool-mainnet.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Cases []struct {
			Name      string `json:"name"`
			Anchor    string `json:"anchor"`
			Root      string `json:"root"`
			Timestamp string `json:"eip4788_timestamp"`
		} `json:"cases"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	seen := map[uint64]bool{}
	var out []testchain.StoredRoot
	for _, c := range doc.Cases {
		if c.Anchor != "block_root" {
			continue
		}
		ts, ok := new(big.Int).SetString(c.Timestamp, 10)
		if !ok || !ts.IsUint64() {
			t.Fatalf("%s: bad timestamp %q", c.Name, c.Timestamp)
		}
		if seen[ts.Uint64()] {
			continue
		}
		seen[ts.Uint64()] = true
		root, err := proof.ParseHash(c.Root)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, testchain.StoredRoot{Name: c.Name, Timestamp: ts.Uint64(), Root: root})
	}
	if len(out) < 2 {
		t.Fatalf("only %d real roots", len(out))
	}
	return out
}

// newSimulated starts go-ethereum's simulated backend with the roots
// already stored in the beacon roots contract (the contract and its code
// are go-ethereum's own system contract alloc).
func newSimulated(t *testing.T, roots []testchain.StoredRoot) *simulated.Backend {
	t.Helper()
	alloc := types.GenesisAlloc{
		params.BeaconRootsAddress: {Code: params.BeaconRootsCode, Nonce: 1, Balance: new(big.Int), Storage: ringStorage(t, roots)},
	}
	b := simulated.NewBackend(alloc)
	t.Cleanup(func() { b.Close() })
	return b
}

func TestReadRootSimulated(t *testing.T) {
	ctx := context.Background()
	n := testchain.MustNetwork(t, "mainnet")
	ours := testchain.StoredRoot{Name: "synth", Timestamp: n.SlotTime(13_000_000), Root: synth.Hash(1, "anchor", 13_000_000)}
	roots := append(realRoots(t), ours)
	b := newSimulated(t, roots)
	client := b.Client()
	if BeaconRootsAddress != params.BeaconRootsAddress {
		t.Fatalf("address %s, go-ethereum has %s", BeaconRootsAddress, params.BeaconRootsAddress)
	}

	for _, r := range roots {
		got, err := ReadRoot(ctx, client, r.Timestamp)
		if err != nil {
			t.Fatalf("%s: %v", r.Name, err)
		}
		if got != r.Root {
			t.Fatalf("%s: root %x, want %x", r.Name, got, r.Root)
		}
		if err := CheckAnchor(ctx, client, r.Timestamp, r.Root); err != nil {
			t.Fatalf("%s: CheckAnchor: %v", r.Name, err)
		}
		wrong := r.Root
		wrong[31] ^= 1
		if err := CheckAnchor(ctx, client, r.Timestamp, wrong); !errors.Is(err, ErrRootMismatch) {
			t.Fatalf("%s: CheckAnchor with another root: %v", r.Name, err)
		}
		// The slots around it hold nothing.
		for _, ts := range []uint64{r.Timestamp - 12, r.Timestamp + 12, r.Timestamp + 1, r.Timestamp + HistoryBufferLength} {
			_, err := ReadRoot(ctx, client, ts)
			if !errors.Is(err, ErrNoRoot) || errors.Is(err, ErrTransport) {
				t.Fatalf("%s: timestamp %d: %v, want ErrNoRoot", r.Name, ts, err)
			}
			if err := CheckAnchor(ctx, client, ts, r.Root); !errors.Is(err, ErrNoRoot) {
				t.Fatalf("%s: CheckAnchor at %d: %v", r.Name, ts, err)
			}
		}
	}
	if _, err := ReadRoot(ctx, client, 0); !errors.Is(err, ErrNoRoot) {
		t.Fatalf("timestamp 0: %v", err)
	}
}

// TestReadRootSystemCall lets the simulated chain's own blocks store roots
// through the EIP-4788 system call (the simulated beacon sends the zero
// root as parent_beacon_block_root) and checks the window edges against the
// real contract: a block 8190 slots after the anchor leaves it readable,
// the block 8191 slots after it overwrites it.
func TestReadRootSystemCall(t *testing.T) {
	ctx := context.Background()
	n := testchain.MustNetwork(t, "mainnet")
	b := newSimulated(t, nil)
	client := b.Client()

	header := func() *types.Header {
		h, err := client.HeaderByNumber(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	advance := func(to uint64) *types.Header {
		t.Helper()
		cur := header().Time
		if err := b.AdjustTime(time.Duration(to-cur) * time.Second); err != nil {
			t.Fatal(err)
		}
		h := header()
		if h.Time != to {
			t.Fatalf("block at %d, want %d", h.Time, to)
		}
		return h
	}
	anchor := n.SlotTime(testchain.FirstSlot(t, n, fork4788Test) + 1234)
	h0 := advance(anchor)
	if h0.ParentBeaconRoot == nil {
		t.Fatal("simulated block has no parent_beacon_block_root")
	}
	want := *h0.ParentBeaconRoot
	check := func(label string, wantErr error) {
		t.Helper()
		got, err := ReadRoot(ctx, client, anchor)
		if wantErr != nil {
			if !errors.Is(err, wantErr) {
				t.Fatalf("%s: %v, want %v", label, err, wantErr)
			}
			return
		}
		if err != nil || got != want {
			t.Fatalf("%s: %x, %v; want %x", label, got, err, want)
		}
		if err := CheckWindow(n, anchor, header().Time); err != nil {
			t.Fatalf("%s: CheckWindow says %v while the contract still has the root", label, err)
		}
	}
	check("the storing block", nil)
	advance(anchor + 12)
	check("1 slot later", nil)
	h8190 := advance(anchor + 8190*12)
	check("8190 slots later", nil)
	h8191 := advance(anchor + 8191*12)
	check("8191 slots later", ErrNoRoot)
	if err := CheckWindow(n, anchor, h8191.Time); !errors.Is(err, ErrOutsideWindow) {
		t.Fatalf("CheckWindow at 8191 slots: %v", err)
	}
	advance(anchor + 8192*12)
	check("8192 slots later", ErrNoRoot)
	if err := CheckWindow(n, anchor, header().Time); !errors.Is(err, ErrOutsideWindow) {
		t.Fatalf("CheckWindow at 8192 slots: %v", err)
	}
	// Read in an older state, the root is still there.
	got, err := ReadRootAt(ctx, client, anchor, h8190.Number)
	if err != nil || got != want {
		t.Fatalf("at block %v: %x, %v", h8190.Number, got, err)
	}
	if _, err := ReadRootAt(ctx, client, anchor, h8191.Number); !errors.Is(err, ErrNoRoot) {
		t.Fatalf("at block %v: %v", h8191.Number, err)
	}
	// The overwriting block's own root is readable.
	if got, err := ReadRoot(ctx, client, h8191.Time); err != nil || got != *h8191.ParentBeaconRoot {
		t.Fatalf("root of the overwriting block: %x, %v", got, err)
	}
}

// fork4788Test is the fork whose first slot TestReadRootSystemCall starts
// from; any fork from deneb on works.
const fork4788Test = "electra"

func TestReadRootNoContract(t *testing.T) {
	ctx := context.Background()
	// Replace the system contract with an account without code.
	b := simulated.NewBackend(types.GenesisAlloc{params.BeaconRootsAddress: {Balance: big.NewInt(1)}})
	t.Cleanup(func() { b.Close() })
	_, err := ReadRoot(ctx, b.Client(), 1_700_000_000)
	if !errors.Is(err, ErrNoContract) || errors.Is(err, ErrNoRoot) {
		t.Fatalf("%v, want ErrNoContract", err)
	}
}

// rpcServer answers every JSON-RPC request with the given response body
// and HTTP status.
func rpcServer(t *testing.T, status int, body func(id json.RawMessage) string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ID json.RawMessage `json:"id"`
		}
		data, _ := io.ReadAll(r.Body)
		_ = json.Unmarshal(data, &req)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body(req.ID))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestReadRootErrors tells a missing root apart from failures to ask.
func TestReadRootErrors(t *testing.T) {
	ctx := context.Background()
	ts := uint64(1_748_676_695)
	jsonErr := func(code int, msg string) func(json.RawMessage) string {
		return func(id json.RawMessage) string {
			return `{"jsonrpc":"2.0","id":` + string(id) + `,"error":{"code":` + itoa(code) + `,"message":"` + msg + `"}}`
		}
	}
	result := func(hex string) func(json.RawMessage) string {
		return func(id json.RawMessage) string {
			return `{"jsonrpc":"2.0","id":` + string(id) + `,"result":"` + hex + `"}`
		}
	}
	// A server that hangs up on every connection.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	deadURL := "http://" + l.Addr().String()

	root := "0x26e397dd184ab83558a241a65847bf02406e26835b5a186fb0a2e05690958ad2"
	tests := []struct {
		name    string
		url     string
		wantErr error
		notErr  error
		want    string
	}{
		{"geth revert without data", rpcServer(t, 200, jsonErr(-32000, "execution reverted")), ErrNoRoot, ErrTransport, ""},
		{"revert with data (code 3)", rpcServer(t, 200, jsonErr(3, "execution reverted: x")), ErrNoRoot, ErrTransport, ""},
		{"other client's wording", rpcServer(t, 200, jsonErr(-32015, "VM execution error: Reverted")), ErrNoRoot, ErrTransport, ""},
		{"method not found", rpcServer(t, 200, jsonErr(-32601, "the method eth_call does not exist")), ErrTransport, ErrNoRoot, ""},
		{"state pruned", rpcServer(t, 200, jsonErr(-32000, "header not found")), ErrTransport, ErrNoRoot, ""},
		{"HTTP 500", rpcServer(t, 500, func(json.RawMessage) string { return "internal error" }), ErrTransport, ErrNoRoot, ""},
		{"HTTP 429 with a revert-looking body", rpcServer(t, 429, jsonErr(-32000, "execution reverted")), ErrTransport, ErrNoRoot, ""},
		{"connection closed", deadURL, ErrTransport, ErrNoRoot, ""},
		{"empty result", rpcServer(t, 200, result("0x")), ErrNoContract, ErrNoRoot, ""},
		{"short result", rpcServer(t, 200, result("0x1234")), ErrNoContract, ErrNoRoot, ""},
		{"a root", rpcServer(t, 200, result(root)), nil, nil, root},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Dial(ctx, tc.url)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			got, err := ReadRoot(cctx, c, ts)
			if tc.wantErr == nil {
				if err != nil || proof.FormatHash(got) != tc.want {
					t.Fatalf("%x, %v; want %s", got, err, tc.want)
				}
				return
			}
			if !errors.Is(err, tc.wantErr) || (tc.notErr != nil && errors.Is(err, tc.notErr)) {
				t.Fatalf("%v; want %v and not %v", err, tc.wantErr, tc.notErr)
			}
			if !strings.Contains(err.Error(), "timestamp 1748676695") {
				t.Errorf("error does not name the timestamp: %v", err)
			}
		})
	}

	// A closed client: the transport is gone.
	b := newSimulated(t, nil)
	client := b.Client()
	b.Close()
	if _, err := ReadRoot(ctx, client, ts); !errors.Is(err, ErrTransport) || errors.Is(err, ErrNoRoot) {
		t.Fatalf("closed backend: %v", err)
	}
	if _, err := ReadRoot(ctx, nil, ts); err == nil {
		t.Fatal("nil client: no error")
	}
	var _ Caller = (*ethclient.Client)(nil)
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestFindAnchor(t *testing.T) {
	ctx := context.Background()
	n := testchain.MustNetwork(t, "mainnet")
	deneb := testchain.FirstSlot(t, n, "deneb")
	s := testchain.FirstSlot(t, n, "fulu") + 500
	root := synth.Hash(2, "anchor", s)
	other := synth.Hash(2, "other", s)
	// The block at s has its child at s+3 (s+1 and s+2 missed); the block
	// at s+10 has another root stored by s+11; the last capella block's
	// root is stored by the first deneb block.
	b := newSimulated(t, []testchain.StoredRoot{
		{Name: "child", Timestamp: n.SlotTime(s + 3), Root: root},
		{Name: "other", Timestamp: n.SlotTime(s + 11), Root: other},
		{Name: "dencun", Timestamp: n.SlotTime(deneb), Root: root},
	})
	client := b.Client()
	a, err := FindAnchor(ctx, client, n, s, root)
	if err != nil {
		t.Fatal(err)
	}
	if a != blockAnchor(s, root, n.SlotTime(s+3)) {
		t.Fatalf("anchor %+v", a)
	}
	if _, err := FindAnchor(ctx, client, n, s+4, root); !errors.Is(err, ErrRootMismatch) {
		t.Fatalf("another root stored first: %v", err)
	}
	if _, err := FindAnchor(ctx, client, n, s+20, root); !errors.Is(err, ErrNoRoot) || !strings.Contains(err.Error(), "64 slots") {
		t.Fatalf("no root stored: %v", err)
	}
	if a, err := FindAnchor(ctx, client, n, deneb-1, root); err != nil || a.Timestamp != n.SlotTime(deneb) {
		t.Fatalf("last capella block: %+v, %v", a, err)
	}
	if _, err := FindAnchor(ctx, client, n, deneb-200, root); !errors.Is(err, ErrBeforeEIP4788) {
		t.Fatalf("capella range: %v", err)
	}
	b.Close()
	if _, err := FindAnchor(ctx, client, n, s, root); !errors.Is(err, ErrTransport) {
		t.Fatalf("closed client: %v", err)
	}
}

// TestReadRootMissedExpirySlot shows the case CheckWindow does not count
// on: when the slot 8191 slots after the anchor is missed, nothing
// overwrites the anchor's ring entry and the contract still has it 8192
// slots later, while CheckWindow already reports it outside the window.
func TestReadRootMissedExpirySlot(t *testing.T) {
	ctx := context.Background()
	n := testchain.MustNetwork(t, "mainnet")
	b := newSimulated(t, nil)
	client := b.Client()
	anchor := n.SlotTime(testchain.FirstSlot(t, n, fork4788Test) + 4321)
	h, err := client.HeaderByNumber(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	last := h.Time
	for _, ts := range []uint64{anchor, anchor + 8190*12, anchor + 8192*12} {
		if err := b.AdjustTime(time.Duration(ts-last) * time.Second); err != nil {
			t.Fatal(err)
		}
		last = ts
	}
	if _, err := ReadRoot(ctx, client, anchor); err != nil {
		t.Fatalf("8192 slots later, with slot 8191 missed: %v", err)
	}
	if err := CheckWindow(n, anchor, last); !errors.Is(err, ErrOutsideWindow) {
		t.Fatalf("CheckWindow: %v", err)
	}
}

// ringStorage is testchain.RingStorage, failing the test on an error.
func ringStorage(t *testing.T, roots []testchain.StoredRoot) map[common.Hash]common.Hash {
	t.Helper()
	st, err := testchain.RingStorage(roots)
	if err != nil {
		t.Fatal(err)
	}
	return st
}
