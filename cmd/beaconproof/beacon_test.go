package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient/simulated"
	"github.com/ethereum/go-ethereum/params"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/testdata"
)

// This file runs the CLI against an in-process beacon node (httptest)
// that serves the embedded fulu state and block and made-up later states,
// and against go-ethereum's simulated backend, served over HTTP, for
// verify --el-rpc.

// fakeNode is a compact beacon node: spec, genesis, syncing, states and
// blocks in SSZ, headers in JSON.
type fakeNode struct {
	t       *testing.T
	srv     *httptest.Server
	net     *fork.Network // what the node says it is
	mu      sync.Mutex
	states  map[string][]byte // by id
	blocks  map[string][]byte // SignedBeaconBlock by id
	headers map[string]header // by id ("head", a slot)
	syncing bool
	// envelopes are SignedExecutionPayloadEnvelopes by block id, and
	// version the Eth-Consensus-Version of every object (default fulu).
	envelopes map[string][]byte
	version   string
}

// header is a block header the node serves.
type header struct {
	slot, proposer              uint64
	parent, stateRoot, bodyRoot [32]byte
}

func (h header) bytes() []byte {
	b := binary.LittleEndian.AppendUint64(nil, h.slot)
	b = binary.LittleEndian.AppendUint64(b, h.proposer)
	return append(append(append(b, h.parent[:]...), h.stateRoot[:]...), h.bodyRoot[:]...)
}

func (h header) root(t *testing.T) [32]byte {
	t.Helper()
	r, err := ssz.HashTreeRoot(fuluSchemas(t).BeaconBlockHeader, h.bytes())
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func fuluSchemas(t *testing.T) *fork.Schemas {
	t.Helper()
	fu, err := fork.Lookup(fork.Fulu)
	if err != nil {
		t.Fatal(err)
	}
	s, err := fu.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func newFakeNode(t *testing.T, net *fork.Network) *fakeNode {
	n := &fakeNode{t: t, net: net, states: map[string][]byte{}, blocks: map[string][]byte{}, headers: map[string]header{}, envelopes: map[string][]byte{}}
	m := http.NewServeMux()
	m.HandleFunc("GET /eth/v1/config/spec", func(w http.ResponseWriter, r *http.Request) { writeJSON(w, map[string]any{"data": specOf(t, n.net)}) })
	m.HandleFunc("GET /eth/v1/beacon/genesis", func(w http.ResponseWriter, r *http.Request) {
		v := n.net.Forks[0].Version
		writeJSON(w, map[string]any{"data": map[string]any{
			"genesis_time":            strconv.FormatUint(n.net.GenesisTime, 10),
			"genesis_validators_root": "0x" + hex.EncodeToString(n.net.GenesisValidatorsRoot[:]),
			"genesis_fork_version":    "0x" + hex.EncodeToString(v[:]),
		}})
	})
	m.HandleFunc("GET /eth/v1/node/syncing", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"data": map[string]any{"head_slot": "1", "sync_distance": "0", "is_syncing": n.isSyncing(), "is_optimistic": false, "el_offline": false}})
	})
	m.HandleFunc("GET /eth/v2/debug/beacon/states/{id}", n.object(n.states, "State not found"))
	m.HandleFunc("GET /eth/v2/beacon/blocks/{id}", n.object(n.blocks, "NOT_FOUND: beacon block"))
	m.HandleFunc("GET /eth/v1/beacon/execution_payload_envelope/{id}", n.object(n.envelopes, "Execution payload envelope not found"))
	m.HandleFunc("GET /eth/v1/beacon/headers/{id}", func(w http.ResponseWriter, r *http.Request) {
		if n.isSyncing() {
			writeError(w, 503, "Beacon node is currently syncing")
			return
		}
		n.mu.Lock()
		h, ok := n.headers[r.PathValue("id")]
		n.mu.Unlock()
		if !ok {
			writeError(w, 404, "NOT_FOUND: beacon block header")
			return
		}
		hx := func(b [32]byte) string { return "0x" + hex.EncodeToString(b[:]) }
		root := h.root(t)
		writeJSON(w, map[string]any{"execution_optimistic": false, "finalized": true, "data": map[string]any{
			"root": hx(root), "canonical": true,
			"header": map[string]any{
				"message": map[string]any{
					"slot": strconv.FormatUint(h.slot, 10), "proposer_index": strconv.FormatUint(h.proposer, 10),
					"parent_root": hx(h.parent), "state_root": hx(h.stateRoot), "body_root": hx(h.bodyRoot),
				},
				"signature": "0x" + strings.Repeat("ab", 96),
			},
		}})
	})
	n.srv = httptest.NewServer(m)
	t.Cleanup(n.srv.Close)
	return n
}

func (n *fakeNode) isSyncing() bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.syncing
}

func (n *fakeNode) object(objs map[string][]byte, notFound string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if n.isSyncing() {
			writeError(w, 503, "Beacon node is currently syncing and not serving request on that endpoint")
			return
		}
		n.mu.Lock()
		b, ok := objs[r.PathValue("id")]
		version := n.version
		n.mu.Unlock()
		if !ok {
			writeError(w, 404, notFound)
			return
		}
		if version == "" {
			version = fork.Fulu
		}
		w.Header().Set("Eth-Consensus-Version", version)
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.Write(b)
	}
}

// addHeader serves h under its slot, and as head when head is set.
func (n *fakeNode) addHeader(h header, head bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.headers[strconv.FormatUint(h.slot, 10)] = h
	if head {
		n.headers["head"] = h
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	b, _ := json.Marshal(map[string]any{"code": code, "message": msg})
	w.Write(b)
}

// specOf writes a network as /eth/v1/config/spec does.
func specOf(t *testing.T, n *fork.Network) map[string]any {
	p, err := fork.PresetByName(n.PresetName())
	if err != nil {
		t.Error(err)
		return nil
	}
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	m := map[string]any{
		"CONFIG_NAME": n.Name, "PRESET_BASE": n.PresetBase,
		"SECONDS_PER_SLOT": u(n.SecondsPerSlot), "SLOTS_PER_EPOCH": u(p.SlotsPerEpoch),
		"MIN_GENESIS_TIME": u(n.MinGenesisTime), "GENESIS_DELAY": u(n.GenesisDelay),
		"DEPOSIT_CHAIN_ID": u(n.DepositChainID), "DEPOSIT_NETWORK_ID": u(n.DepositNetworkID),
		"DEPOSIT_CONTRACT_ADDRESS":             "0x" + hex.EncodeToString(n.DepositContractAddress[:]),
		"MAX_WITHDRAWALS_PER_PAYLOAD":          u(p.MaxWithdrawalsPerPayload),
		"MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP": "16384",
		"SLOTS_PER_HISTORICAL_ROOT":            u(p.SlotsPerHistoricalRoot),
	}
	for _, fs := range n.Forks {
		if fs.Name == fork.Phase0 {
			m["GENESIS_FORK_VERSION"] = "0x" + hex.EncodeToString(fs.Version[:])
			continue
		}
		m[strings.ToUpper(fs.Name)+"_FORK_VERSION"] = "0x" + hex.EncodeToString(fs.Version[:])
		m[strings.ToUpper(fs.Name)+"_FORK_EPOCH"] = u(fs.Epoch)
	}
	return m
}

// signedBlock wraps a BeaconBlock into a SignedBeaconBlock.
func signedBlock(msg []byte) []byte {
	out := make([]byte, 100, 100+len(msg))
	binary.LittleEndian.PutUint32(out, 100)
	for i := 4; i < 100; i++ {
		out[i] = 0xab
	}
	return append(out, msg...)
}

// stateHeader returns the header of the block a state is the post-state
// of (latest_block_header with the state's root).
func stateHeader(t *testing.T, state []byte) header {
	t.Helper()
	obj, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconState", state)
	if err != nil {
		t.Fatal(err)
	}
	root, err := obj.Root()
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := obj.Field("latest_block_header")
	if err != nil {
		t.Fatal(err)
	}
	h := header{slot: binary.LittleEndian.Uint64(b), proposer: binary.LittleEndian.Uint64(b[8:]), stateRoot: root}
	copy(h.parent[:], b[16:48])
	copy(h.bodyRoot[:], b[80:112])
	return h
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mainnet(t *testing.T) *fork.Network {
	t.Helper()
	n, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// chainNode is a node whose finalized state is at slot; the anchor block
// (the state's latest block) has a child at slot+1, and the head is at
// head (slot+1 when 0).
type chainNode struct {
	*fakeNode
	anchor header
	ts     uint64 // the anchor's EIP-4788 timestamp
}

func newChainNode(t *testing.T, f fixtures, state []byte, head uint64) chainNode {
	t.Helper()
	n := newFakeNode(t, mainnet(t))
	h := stateHeader(t, state)
	n.states["finalized"] = state
	n.states[strconv.FormatUint(h.slot, 10)] = state
	n.blocks[strconv.FormatUint(fixtureSlot, 10)] = signedBlock(mustRead(t, f.block))
	n.addHeader(h, false)
	child := header{slot: h.slot + 1, proposer: 5, parent: h.root(t), stateRoot: [32]byte{1}, bodyRoot: [32]byte{2}}
	n.addHeader(child, head == 0)
	if head != 0 {
		n.addHeader(header{slot: head, proposer: 6, stateRoot: [32]byte{3}, bodyRoot: [32]byte{4}}, true)
	}
	ts := mainnet(t).SlotTime(h.slot + 1)
	return chainNode{n, h, ts}
}

// elServer serves go-ethereum's simulated backend, with roots stored in
// the beacon roots contract, over JSON-RPC on HTTP.
func elServer(t *testing.T, roots map[uint64][32]byte) string {
	t.Helper()
	st := map[common.Hash]common.Hash{}
	for ts, root := range roots {
		i := ts % eip4788.HistoryBufferLength
		st[common.BigToHash(new(big.Int).SetUint64(i))] = common.BigToHash(new(big.Int).SetUint64(ts))
		st[common.BigToHash(new(big.Int).SetUint64(i+eip4788.HistoryBufferLength))] = root
	}
	b := simulated.NewBackend(types.GenesisAlloc{
		params.BeaconRootsAddress: {Code: params.BeaconRootsCode, Nonce: 1, Balance: new(big.Int), Storage: st},
	})
	t.Cleanup(func() { b.Close() })
	client := b.Client()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var req struct {
			ID     json.RawMessage   `json:"id"`
			Method string            `json:"method"`
			Params []json.RawMessage `json:"params"`
		}
		if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		// The simulated backend hides its rpc.Client: eth_call, the one
		// method verify uses, goes through its ContractCaller.
		var call struct {
			To    *common.Address `json:"to"`
			Data  hexutil.Bytes   `json:"data"`
			Input hexutil.Bytes   `json:"input"`
		}
		resp := map[string]any{"jsonrpc": "2.0", "id": req.ID}
		var result hexutil.Bytes
		var err error
		if req.Method != "eth_call" || len(req.Params) == 0 {
			err = fmt.Errorf("method %s not served", req.Method)
		} else if err = json.Unmarshal(req.Params[0], &call); err == nil {
			data := call.Data
			if len(data) == 0 {
				data = call.Input
			}
			result, err = client.CallContract(r.Context(), ethereum.CallMsg{To: call.To, Data: data}, nil)
		}
		if err != nil {
			e := map[string]any{"code": -32000, "message": err.Error()}
			var re rpc.Error
			if errors.As(err, &re) {
				e["code"] = re.ErrorCode()
			}
			var de rpc.DataError
			if errors.As(err, &de) {
				e["data"] = de.ErrorData()
			}
			resp["error"] = e
		} else {
			resp["result"] = result
		}
		writeJSON(w, resp)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestProveFromNode proves every kind from the node, in every format,
// and verifies the output, with the anchor's timestamp from the node.
func TestProveFromNode(t *testing.T) {
	f := writeFixtures(t)
	n := newChainNode(t, f, mustRead(t, f.later), 0)
	url := n.srv.URL
	for _, c := range []struct {
		args  []string
		kinds string
	}{
		{[]string{"validator", "--index", "2", "--index", "7"}, "slot,validator,validator"},
		{[]string{"exit", "--index", "7", "--state", "finalized"}, "slot,validator_field,validator_field"},
		{[]string{"balance", "--index", "7"}, "slot,balance"},
		{[]string{"slot", "--state", strconv.FormatUint(fixtureSlot+32, 10)}, "slot"},
		{[]string{"pending-deposit", "--index", "1"}, "pending_deposit"},
		{[]string{"withdrawal", "--validator", "7", "--withdrawal-slot", strconv.FormatUint(fixtureSlot, 10)}, "slot,withdrawal"},
		{[]string{"withdrawal", "--validator", "13", "--search-from", strconv.FormatUint(fixtureSlot-3, 10)}, "slot,withdrawal"},
	} {
		t.Run(strings.Join(c.args[:2], " "), func(t *testing.T) {
			d := parseDoc(t, proveAndVerify(t, append([]string{c.args[0], "--beacon-url", url}, c.args[1:]...)...))
			if got := kindList(d); got != c.kinds {
				t.Fatalf("kinds %s, want %s", got, c.kinds)
			}
			if d.Anchor.Timestamp == nil || *d.Anchor.Timestamp != strconv.FormatUint(n.ts, 10) {
				t.Fatalf("anchor timestamp %v, want %d", d.Anchor.Timestamp, n.ts)
			}
		})
	}
	// Other formats, the URL from the environment.
	t.Setenv(envBeaconURL, url)
	for _, fm := range []string{"rocketpool", "eigenlayer", "calldata"} {
		proveAndVerify(t, "validator", "--index", "7", "--format", fm)
	}
	d := parseDoc(t, proveAndVerify(t, "withdrawal", "--validator", "7", "--withdrawal-slot", strconv.FormatUint(fixtureSlot, 10), "--format", "rocketpool"))
	if len(d.WithdrawalProofs) != 1 || d.WithdrawalProofs[0].Withdrawal.ValidatorIndex != "7" {
		t.Fatalf("withdrawal proofs %+v", d.WithdrawalProofs)
	}
	// A file still wins over $BEACON_URL.
	proveAndVerify(t, "slot", f.later)
	proveAndVerify(t, "slot", "--state", f.later)
}

// TestProveHistoricalFromNode proves a withdrawal older than the state's
// block_roots: the era's block_roots come from the node's state at the
// next era's first slot.
func TestProveHistoricalFromNode(t *testing.T) {
	f := writeFixtures(t)
	n := newChainNode(t, f, mustRead(t, f.historical), 0)
	era := uint64(fixtureSlot / 8192)
	eraState, err := synth.Advance(fuluSchemas(t), testdata.FuluState(), (era+1)*8192, func(roots []byte) { copy(roots, mustRead(t, f.eraRoots)) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	n.states[strconv.FormatUint((era+1)*8192, 10)] = eraState
	d := parseDoc(t, proveAndVerify(t, "withdrawal", "--beacon-url", n.srv.URL, "--validator", "13", "--withdrawal-slot", strconv.FormatUint(fixtureSlot, 10)))
	if got := kindList(d); got != "slot,historical_withdrawal" {
		t.Fatalf("kinds %s", got)
	}
	// Without the era's state the node says it is pruned.
	delete(n.states, strconv.FormatUint((era+1)*8192, 10))
	runCLI(t, nil, "prove", "withdrawal", "--beacon-url", n.srv.URL, "--validator", "13", "--withdrawal-slot", strconv.FormatUint(fixtureSlot, 10)).
		failsWithOneLine(t, "archive node")
}

// TestFixturesFromNode writes a fixture set from the node and reads every
// file back with verify, also against the simulated execution client.
func TestFixturesFromNode(t *testing.T) {
	f := writeFixtures(t)
	n := newChainNode(t, f, mustRead(t, f.later), 0)
	out := filepath.Join(t.TempDir(), "fixtures")
	r := runCLI(t, nil, "fixtures", "--beacon-url", n.srv.URL, "--state", "finalized", "--index", "2", "--index", "7",
		"--validator", "7", "--withdrawal-slot", strconv.FormatUint(fixtureSlot, 10), "--pending-deposit", "1", "--out", out).ok(t)
	if !strings.Contains(r.stdout, "wrote 9 fixtures") {
		t.Fatalf("stdout %q", r.stdout)
	}
	var m fixtureManifest
	if err := json.Unmarshal(mustRead(t, filepath.Join(out, "manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	if m.Anchor.Timestamp != n.ts || m.Anchor.Slot != n.anchor.slot || m.Fork != fork.Fulu || m.Network != "mainnet" || proof.FormatHash(m.Anchor.Root) != "0x"+hex.EncodeToString(rootOf(t, n.anchor)) {
		t.Fatalf("manifest %+v", m)
	}
	kinds := map[string]int{}
	el := elServer(t, map[uint64][32]byte{n.ts: n.anchor.root(t)})
	for _, file := range m.Files {
		kinds[file.Kind]++
		name := filepath.Join(out, file.File)
		runCLI(t, nil, "verify", name).ok(t)
		runCLI(t, nil, "verify", "--el-rpc", el, name).ok(t)
		if file.Format != "rocketpool" {
			continue
		}
		checkFoundryShape(t, mustRead(t, name), file.Keys)
	}
	if kinds["slot"] != 1 || kinds["validator"] != 2 || kinds["exit"] != 2 || kinds["balance"] != 2 || kinds["withdrawal"] != 1 || kinds["pending-deposit"] != 1 {
		t.Fatalf("kinds %v", kinds)
	}

	// verify --el-rpc failures: another root stored, no timestamp.
	other := elServer(t, map[uint64][32]byte{n.ts: {9}})
	runCLI(t, nil, "verify", "--el-rpc", other, filepath.Join(out, "slot.json")).failsWithOneLine(t, "mismatch")
	noTS := filepath.Join(t.TempDir(), "no-ts.json")
	body := strings.Replace(string(mustRead(t, filepath.Join(out, "slot.json"))), `"timestamp": `+strconv.FormatUint(n.ts, 10), `"timestamp": null`, 1)
	if err := os.WriteFile(noTS, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	runCLI(t, nil, "verify", "--el-rpc", el, noTS).failsWithOneLine(t, "--beacon-url")
	runCLI(t, nil, "verify", "--el-rpc", el, "--beacon-url", n.srv.URL, noTS).ok(t)
}

func rootOf(t *testing.T, h header) []byte {
	r := h.root(t)
	return r[:]
}

// checkFoundryShape checks what vm.parseJson needs: at every level keys
// in alphabetical order, no decimal strings, and each struct's keys those
// of its alphabetical declaration.
func checkFoundryShape(t *testing.T, data []byte, keys map[string]string) {
	t.Helper()
	if bytes.Contains(data, []byte(`"gindex"`)) {
		t.Fatal("gindex in a Foundry fixture")
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		case string:
			if _, err := strconv.ParseUint(x, 10, 64); err == nil {
				t.Fatalf("decimal string %q", x)
			}
		}
	}
	var v map[string]any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	walk(v)
	checkSorted(t, data)
	if len(keys) == 0 {
		t.Fatal("no struct keys")
	}
	for path, name := range keys {
		obj := lookupPath(t, v, path)
		decl := fixtureStructs[name]
		var fields []string
		for _, part := range strings.Split(strings.TrimSuffix(strings.SplitN(decl, "{", 2)[1], "}"), ";") {
			if w := strings.Fields(part); len(w) == 2 {
				fields = append(fields, w[1])
			}
		}
		var got []string
		for k := range obj {
			got = append(got, k)
		}
		sort.Strings(got)
		if !sort.StringsAreSorted(fields) || strings.Join(got, ",") != strings.Join(fields, ",") {
			t.Fatalf("%s: keys %v, struct %s", path, got, decl)
		}
	}
}

// checkSorted checks that the keys of every object appear in sorted order
// in the text.
func checkSorted(t *testing.T, data []byte) {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	var value func()
	value = func() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		switch tok {
		case json.Delim('{'):
			prev := ""
			for dec.More() {
				k, err := dec.Token()
				if err != nil {
					t.Fatal(err)
				}
				if key := k.(string); key <= prev {
					t.Fatalf("key %q after %q", key, prev)
				} else {
					prev = key
				}
				value()
			}
			dec.Token()
		case json.Delim('['):
			for dec.More() {
				value()
			}
			dec.Token()
		}
	}
	value()
}

func lookupPath(t *testing.T, v map[string]any, path string) map[string]any {
	t.Helper()
	p := strings.TrimPrefix(path, ".")
	idx := -1
	if i := strings.Index(p, "["); i >= 0 {
		n, err := strconv.Atoi(strings.TrimSuffix(p[i+1:], "]"))
		if err != nil {
			t.Fatal(err)
		}
		p, idx = p[:i], n
	}
	x := v[p]
	if idx >= 0 {
		x = x.([]any)[idx]
	}
	m, ok := x.(map[string]any)
	if !ok {
		t.Fatalf("%s is not an object", path)
	}
	return m
}

// TestFixturesFromFiles writes fixtures from local files: the embedded
// anchor (December 2025) has long left the window, so they are refused
// without --allow-expired, and accepted at a time inside the window.
func TestFixturesFromFiles(t *testing.T) {
	f := writeFixtures(t)
	out := filepath.Join(t.TempDir(), "fx")
	args := []string{"fixtures", "--state", f.later, "--block", f.block, "--withdrawal-num", "0", "--withdrawal-num", "1", "--index", "7", "--out", out}
	runCLI(t, nil, args...).failsWithOneLine(t, "window")
	if _, err := os.Stat(out); err == nil {
		t.Fatal("fixtures written for an expired anchor")
	}
	runCLI(t, nil, append(args, "--allow-expired")...).ok(t)
	ts := mainnet(t).SlotTime(fixtureSlot + 33)
	nowFunc = func() time.Time { return time.Unix(int64(ts)+3600, 0) }
	defer func() { nowFunc = time.Now }()
	out2 := filepath.Join(t.TempDir(), "fx")
	runCLI(t, nil, append(args[:len(args)-1], out2)...).ok(t)
	var m fixtureManifest
	if err := json.Unmarshal(mustRead(t, filepath.Join(out2, "manifest.json")), &m); err != nil {
		t.Fatal(err)
	}
	if m.Anchor.Timestamp != ts || len(m.Files) != 6 {
		t.Fatalf("manifest %+v", m)
	}
	for _, file := range m.Files {
		runCLI(t, nil, "verify", filepath.Join(out2, file.File)).ok(t)
		checkFoundryShape(t, mustRead(t, filepath.Join(out2, file.File)), file.Keys)
	}
}

// blockHeader returns the header of a BeaconBlock.
func blockHeader(t *testing.T, block []byte) header {
	t.Helper()
	s := fuluSchemas(t)
	obj, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconBlock", block)
	if err != nil {
		t.Fatal(err)
	}
	body, _, err := obj.Field("body")
	if err != nil {
		t.Fatal(err)
	}
	bodyRoot, err := ssz.HashTreeRoot(s.BeaconBlockBody, body)
	if err != nil {
		t.Fatal(err)
	}
	h := header{slot: binary.LittleEndian.Uint64(block), proposer: binary.LittleEndian.Uint64(block[8:]), bodyRoot: bodyRoot}
	copy(h.parent[:], block[16:48])
	copy(h.stateRoot[:], block[48:80])
	return h
}

// TestProveBlockFieldFromNode proves fields of a block the node serves by
// id: the anchor is the block, its timestamp its child's time.
func TestProveBlockFieldFromNode(t *testing.T) {
	f := writeFixtures(t)
	n := newChainNode(t, f, mustRead(t, f.later), 0)
	block := mustRead(t, f.block)
	h := blockHeader(t, block)
	root := h.root(t)
	n.addHeader(h, false)
	n.addHeader(header{slot: fixtureSlot + 1, proposer: 4, parent: root, stateRoot: [32]byte{5}, bodyRoot: [32]byte{6}}, false)
	n.blocks["finalized"] = signedBlock(block)
	n.blocks["0x"+hex.EncodeToString(root[:])] = signedBlock(block)
	ts := strconv.FormatUint(mainnet(t).SlotTime(fixtureSlot+1), 10)
	for _, id := range []string{strconv.FormatUint(fixtureSlot, 10), "finalized", "0x" + hex.EncodeToString(root[:])} {
		t.Run(id, func(t *testing.T) {
			d := parseDoc(t, proveAndVerify(t, "block-field", "--beacon-url", n.srv.URL, "--block", id, "--field", "timestamp", "--field", "block_hash"))
			if got := kindList(d); got != "block_field,block_field" {
				t.Fatalf("kinds %s", got)
			}
			if d.Anchor.Root != "0x"+hex.EncodeToString(root[:]) || d.Anchor.Slot != strconv.FormatUint(fixtureSlot, 10) ||
				d.Anchor.Timestamp == nil || *d.Anchor.Timestamp != ts {
				t.Fatalf("anchor %+v (timestamp %v), want root %x slot %d timestamp %s", d.Anchor, d.Anchor.Timestamp, root, fixtureSlot, ts)
			}
		})
	}
	// The URL from the environment; a block file still wins over it.
	t.Setenv(envBeaconURL, n.srv.URL)
	proveAndVerify(t, "block-field", "--block", "finalized", "--field", "slot")
	d := parseDoc(t, proveAndVerify(t, "block-field", "--block", f.block, "--field", "slot"))
	if d.Anchor.Timestamp != nil {
		t.Fatalf("a block file got the timestamp %s from the node", *d.Anchor.Timestamp)
	}

	for _, c := range []struct {
		name, id, want string
		setup          func()
	}{
		{name: "missed slot", id: strconv.FormatUint(fixtureSlot-1, 10), want: "no block at slot"},
		{name: "unknown root", id: "0x" + strings.Repeat("ee", 32), want: "no block with this root"},
		{name: "bad id", id: "latest", want: `invalid id "latest"`},
		{
			// The node's canonical block at the slot is another one.
			name: "reorg", id: "finalized", want: "mismatch",
			setup: func() { other := h; other.proposer++; n.addHeader(other, false) },
		},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.setup != nil {
				c.setup()
			}
			r := runCLI(t, nil, "prove", "block-field", "--beacon-url", n.srv.URL, "--block", c.id, "--field", "slot")
			r.failsWithOneLine(t, c.want)
			t.Log(strings.TrimSpace(r.stderr))
		})
	}
}

// TestNodeFailures: every failure is one line and exit 1.
func TestNodeFailures(t *testing.T) {
	f := writeFixtures(t)
	later := mustRead(t, f.later)
	n := newChainNode(t, f, later, 0)
	url := n.srv.URL
	out := t.TempDir()

	// Pruned state.
	runCLI(t, nil, "prove", "validator", "--beacon-url", url, "--state", "13000000", "--index", "7").failsWithOneLine(t, "archive node")
	// Expired anchor: the head is a whole window later.
	exp := newChainNode(t, f, later, fixtureSlot+32+9000)
	runCLI(t, nil, "fixtures", "--beacon-url", exp.srv.URL, "--index", "7", "--out", out).failsWithOneLine(t, "window")
	runCLI(t, nil, "fixtures", "--beacon-url", exp.srv.URL, "--index", "7", "--out", out, "--allow-expired").ok(t)
	// No child block yet.
	young := newFakeNode(t, mainnet(t))
	young.states["finalized"] = later
	young.addHeader(stateHeader(t, later), true)
	runCLI(t, nil, "fixtures", "--beacon-url", young.srv.URL, "--index", "7", "--out", out).failsWithOneLine(t, "no child")
	// Wrong network.
	hoodi, err := fork.NetworkByName("hoodi")
	if err != nil {
		t.Fatal(err)
	}
	wrong := newFakeNode(t, hoodi)
	wrong.states["finalized"] = later
	runCLI(t, nil, "prove", "validator", "--beacon-url", wrong.srv.URL, "--network", "mainnet", "--index", "7").failsWithOneLine(t, "another network")
	// Syncing.
	n.mu.Lock()
	n.syncing = true
	n.mu.Unlock()
	runCLI(t, nil, "prove", "validator", "--beacon-url", url, "--index", "7").failsWithOneLine(t, "syncing")
	runCLI(t, nil, "fixtures", "--beacon-url", url, "--index", "7", "--out", out).failsWithOneLine(t, "syncing")
	// Unreachable execution client.
	runCLI(t, nil, "verify", "--el-rpc", "http://127.0.0.1:1", filepath.Join(out, "slot.json")).failsWithOneLine(t, "execution client")
	// Missing --validator is a usage error.
	runCLI(t, nil, "prove", "withdrawal", "--beacon-url", url).isUsage(t, "--validator")
}

// TestNodeHelp: every new command's help shows an example.
func TestNodeHelp(t *testing.T) {
	for _, args := range [][]string{{"fixtures", "--help"}, {"verify", "--help"}, {"prove", "--help"}, {"prove", "withdrawal", "--help"},
		{"prove", "block-field", "--help"}} {
		r := runCLI(t, nil, args...).ok(t)
		if !strings.Contains(r.stdout, "Example:") || !strings.Contains(r.stdout, "beacon-url") {
			t.Fatalf("%v: %q", args, r.stdout)
		}
	}
}
