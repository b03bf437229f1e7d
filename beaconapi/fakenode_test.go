package beaconapi_test

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/ssz"
)

// This file is an in-process beacon node that serves real data the way
// real nodes do (SSZ or JSON by the Accept header, the
// Eth-Consensus-Version header, Content-Length or chunked transfer) and
// misbehaves on demand (slow, truncated, stalled and reset bodies, 500s,
// 404 for pruned states, 503 while syncing).

// served is an object the node serves: its SSZ, and its JSON made from
// it with ssz.ToJSON on first use.
type served struct {
	fork     string
	typeName string
	preset   string
	ssz      []byte

	once sync.Once
	js   []byte
	err  error
}

func (s *served) json() ([]byte, error) {
	s.once.Do(func() {
		t, err := schema(s.fork, s.preset, s.typeName)
		if err != nil {
			s.err = err
			return
		}
		s.js, s.err = ssz.ToJSON(t, s.ssz)
	})
	return s.js, s.err
}

func schema(forkName, preset, typeName string) (*ssz.Type, error) {
	f, err := fork.Lookup(forkName)
	if err != nil {
		return nil, err
	}
	s, err := f.Schemas(preset)
	if err != nil {
		return nil, err
	}
	return s.ByName(typeName)
}

// fakeNode is the in-process beacon node.
type fakeNode struct {
	t   testing.TB
	srv *httptest.Server
	net *fork.Network

	mu          sync.Mutex
	spec        map[string]any
	states      map[string]*served // by id: "head", "123", "0x..."
	blocks      map[string]*served // by id
	envelopes   map[string]*served // SignedExecutionPayloadEnvelope by block id
	headSlot    uint64
	prunedBelow uint64 // numeric state ids below: 404 "State not found"
	chain       *sweepChain
	validators  map[uint64]validatorRecord
	headers     map[string][]byte // header answers (JSON) by id, before blocks'
	counts      map[string]int    // requests by route
	log         []string          // paths, in order

	// Behaviour.
	syncing   bool          // 503 "node is syncing" on beacon endpoints
	bare503   int           // the first object requests answer 503 without a message
	jsonOnly  bool          // answer JSON whatever the Accept header
	rejectSSZ bool          // 406 to requests that prefer SSZ
	noVersion bool          // no Eth-Consensus-Version header
	version   string        // Eth-Consensus-Version to send instead of the fork
	chunked   bool          // no Content-Length: chunked transfer
	chunk     int           // bytes per write (default 64 KiB)
	delay     time.Duration // pause between writes
	fail500   int           // the first object requests answer 500
	truncate  int           // the first object responses break off halfway
	stall     int           // the first object responses stop halfway and hang
	reset     int           // the first object requests see the connection closed
	hang      int           // the first object requests get no response headers
	tooMany   int           // the first object requests answer 429 with Retry-After: 0
	needAuth  string        // required Authorization header

	headerFail  int             // the first header requests answer 500
	headerDelay time.Duration   // each header answer waits this long
	inflight    int             // header requests being answered
	maxInflight int             // the most at once
	headerConns map[string]bool // the connections (remote addresses) of header requests
}

type validatorRecord struct {
	withdrawableEpoch uint64
	status            string
	balance           uint64
}

// newNode starts a node of network n (its spec and genesis).
func newNode(t testing.TB, n *fork.Network) *fakeNode {
	t.Helper()
	f := &fakeNode{
		t: t, net: n,
		spec:       specOf(t, n),
		states:     map[string]*served{},
		blocks:     map[string]*served{},
		envelopes:  map[string]*served{},
		validators: map[uint64]validatorRecord{},
		headers:    map[string][]byte{},
		counts:     map[string]int{},
	}
	f.srv = httptest.NewServer(f.mux())
	t.Cleanup(f.srv.Close)
	return f
}

// specOf writes a network as /eth/v1/config/spec does.
func specOf(t testing.TB, n *fork.Network) map[string]any {
	p, err := fork.PresetByName(n.PresetName())
	if err != nil {
		t.Fatal(err)
	}
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	sweep := "16384"
	if n.PresetName() != fork.PresetMainnet {
		sweep = "16"
	}
	m := map[string]any{
		"CONFIG_NAME":                          n.Name,
		"PRESET_BASE":                          n.PresetBase,
		"SECONDS_PER_SLOT":                     u(n.SecondsPerSlot),
		"SLOTS_PER_EPOCH":                      u(p.SlotsPerEpoch),
		"MIN_GENESIS_TIME":                     u(n.MinGenesisTime),
		"GENESIS_DELAY":                        u(n.GenesisDelay),
		"DEPOSIT_CHAIN_ID":                     u(n.DepositChainID),
		"DEPOSIT_NETWORK_ID":                   u(n.DepositNetworkID),
		"DEPOSIT_CONTRACT_ADDRESS":             "0x" + hex.EncodeToString(n.DepositContractAddress[:]),
		"MAX_WITHDRAWALS_PER_PAYLOAD":          u(p.MaxWithdrawalsPerPayload),
		"MAX_VALIDATORS_PER_WITHDRAWALS_SWEEP": sweep,
		"SLOTS_PER_HISTORICAL_ROOT":            u(p.SlotsPerHistoricalRoot),
		"BLOB_SCHEDULE":                        []any{map[string]any{"EPOCH": "364032", "MAX_BLOBS_PER_BLOCK": "9"}},
		"TERMINAL_TOTAL_DIFFICULTY":            "58750000000000000000000",
	}
	for _, fs := range n.Forks {
		name := strings.ToUpper(fs.Name)
		if fs.Name == fork.Phase0 {
			m["GENESIS_FORK_VERSION"] = "0x" + hex.EncodeToString(fs.Version[:])
			continue
		}
		m[name+"_FORK_VERSION"] = "0x" + hex.EncodeToString(fs.Version[:])
		m[name+"_FORK_EPOCH"] = u(fs.Epoch)
	}
	return m
}

// URL is the node's base URL.
func (f *fakeNode) URL() string { return f.srv.URL }

// count returns how many requests a route got ("state", "block",
// "header", "spec", "genesis", "syncing", "validator").
func (f *fakeNode) count(route string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.counts[route]
}

// set changes the node's behaviour under its lock.
func (f *fakeNode) set(fn func(f *fakeNode)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

// addState serves a state under ids.
func (f *fakeNode) addState(s *served, ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		f.states[id] = s
	}
}

// addBlock serves a SignedBeaconBlock under its slot, its root and ids.
func (f *fakeNode) addBlock(s *served, ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		f.blocks[id] = s
	}
}

func (f *fakeNode) mux() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /eth/v1/config/spec", f.route("spec", false, func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"data": f.spec})
	}))
	m.HandleFunc("GET /eth/v1/beacon/genesis", f.route("genesis", false, func(w http.ResponseWriter, r *http.Request) {
		v := f.net.Forks[0].Version
		writeJSON(w, map[string]any{"data": map[string]any{
			"genesis_time":            strconv.FormatUint(f.net.GenesisTime, 10),
			"genesis_validators_root": "0x" + hex.EncodeToString(f.net.GenesisValidatorsRoot[:]),
			"genesis_fork_version":    "0x" + hex.EncodeToString(v[:]),
		}})
	}))
	m.HandleFunc("GET /eth/v1/node/syncing", f.route("syncing", false, func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		syncing := f.syncing || f.bare503 > 0
		head := f.headSlot
		f.mu.Unlock()
		dist := "0"
		if syncing {
			dist = "5000"
		}
		writeJSON(w, map[string]any{"data": map[string]any{
			"head_slot": strconv.FormatUint(head, 10), "sync_distance": dist,
			"is_syncing": syncing, "is_optimistic": false, "el_offline": false,
		}})
	}))
	m.HandleFunc("GET /eth/v2/debug/beacon/states/{id}", f.route("state", true, f.serveState))
	m.HandleFunc("GET /eth/v2/beacon/blocks/{id}", f.route("block", true, f.serveBlock))
	m.HandleFunc("GET /eth/v1/beacon/headers/{id}", f.route("header", false, f.serveHeader))
	m.HandleFunc("GET /eth/v1/beacon/execution_payload_envelope/{id}", f.route("envelope", true, f.serveEnvelope))
	m.HandleFunc("GET /eth/v1/beacon/states/{id}/validators/{vid}", f.route("validator", false, f.serveValidator))
	return m
}

// route counts and logs requests and applies the behaviours common to
// every endpoint (auth, syncing) and, for objects, the faults.
func (f *fakeNode) route(name string, object bool, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		f.counts[name]++
		f.log = append(f.log, r.URL.Path)
		needAuth, syncing := f.needAuth, f.syncing
		var fault string
		if object {
			switch {
			case f.reset > 0:
				f.reset--
				fault = "reset"
			case f.hang > 0:
				f.hang--
				fault = "hang"
			case f.tooMany > 0:
				f.tooMany--
				fault = "429"
			case f.bare503 > 0:
				f.bare503--
				fault = "503"
			case f.fail500 > 0:
				f.fail500--
				fault = "500"
			}
		}
		f.mu.Unlock()
		if needAuth != "" && r.Header.Get("Authorization") != needAuth {
			writeError(w, 401, "Unauthorized: missing or bad API key")
			return
		}
		if syncing && name != "syncing" && name != "spec" && name != "genesis" {
			writeError(w, 503, "Beacon node is currently syncing and not serving request on that endpoint")
			return
		}
		switch fault {
		case "reset":
			hj, ok := w.(http.Hijacker)
			if !ok {
				f.t.Error("cannot hijack")
				return
			}
			conn, _, err := hj.Hijack()
			if err == nil {
				conn.Close()
			}
			return
		case "hang":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
			return
		case "429":
			w.Header().Set("Retry-After", "0")
			writeError(w, 429, "rate limited")
			return
		case "503":
			w.WriteHeader(503)
			return
		case "500":
			writeError(w, 500, "internal error")
			return
		}
		h(w, r)
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
	b, _ := json.Marshal(map[string]any{"code": code, "message": msg, "stacktraces": []string{}})
	w.Write(b)
}

func (f *fakeNode) serveState(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	s := f.states[id]
	pruned := false
	if slot, err := strconv.ParseUint(id, 10, 64); err == nil && slot < f.prunedBelow {
		pruned = true
	}
	f.mu.Unlock()
	if s == nil || pruned {
		writeError(w, 404, "State not found")
		return
	}
	f.writeObject(w, r, s)
}

func (f *fakeNode) serveBlock(w http.ResponseWriter, r *http.Request) {
	s := f.block(r.PathValue("id"))
	if s == nil {
		writeError(w, 404, "NOT_FOUND: beacon block at slot "+r.PathValue("id"))
		return
	}
	f.writeObject(w, r, s)
}

func (f *fakeNode) serveEnvelope(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	s := f.envelopes[r.PathValue("id")]
	f.mu.Unlock()
	if s == nil {
		writeError(w, 404, "Execution payload envelope not found")
		return
	}
	f.writeObject(w, r, s)
}

// addEnvelope serves a SignedExecutionPayloadEnvelope under ids.
func (f *fakeNode) addEnvelope(s *served, ids ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		f.envelopes[id] = s
	}
}

// block returns the block with that id: a registered one, or one of the
// synthetic chain.
func (f *fakeNode) block(id string) *served {
	f.mu.Lock()
	s, chain := f.blocks[id], f.chain
	f.mu.Unlock()
	if s != nil || chain == nil {
		return s
	}
	if id == "head" {
		id = strconv.FormatUint(chain.head, 10)
	}
	slot, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return nil
	}
	return chain.block(f.t, slot)
}

// writeObject writes a state or block as a real node does: SSZ when the
// Accept header prefers it, JSON otherwise, with the version header, with
// or without Content-Length, and with the faults asked for.
func (f *fakeNode) writeObject(w http.ResponseWriter, r *http.Request, s *served) {
	f.mu.Lock()
	jsonOnly, rejectSSZ, noVersion, version := f.jsonOnly, f.rejectSSZ, f.noVersion, f.version
	chunked, chunk, delay := f.chunked, f.chunk, f.delay
	truncate, stall := f.truncate > 0, false
	if truncate {
		f.truncate--
	} else if f.stall > 0 {
		f.stall--
		stall = true
	}
	f.mu.Unlock()
	wantSSZ := strings.HasPrefix(r.Header.Get("Accept"), "application/octet-stream")
	if wantSSZ && rejectSSZ {
		writeError(w, 406, "Accepted media type not supported")
		return
	}
	if version == "" {
		version = s.fork
	}
	if !noVersion {
		w.Header().Set("Eth-Consensus-Version", version)
	}
	var body []byte
	if wantSSZ && !jsonOnly {
		w.Header().Set("Content-Type", "application/octet-stream")
		body = s.ssz
	} else {
		js, err := s.json()
		if err != nil {
			writeError(w, 500, err.Error())
			return
		}
		w.Header().Set("Content-Type", "application/json")
		var b bytes.Buffer
		b.WriteString(`{"version":"` + version + `","execution_optimistic":false,"finalized":true,"data":`)
		b.Write(js)
		b.WriteString("}")
		body = b.Bytes()
	}
	if !chunked {
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	}
	if chunk <= 0 {
		chunk = 64 << 10
	}
	fl, _ := w.(http.Flusher)
	end := len(body)
	if truncate || stall {
		end = len(body) / 2
	}
	for i := 0; i < end; i += chunk {
		if _, err := w.Write(body[i:min(i+chunk, end)]); err != nil {
			return
		}
		if fl != nil && (chunked || delay > 0 || truncate || stall) {
			fl.Flush()
		}
		if delay > 0 {
			select {
			case <-time.After(delay):
			case <-r.Context().Done():
				return
			}
		}
	}
	switch {
	case truncate:
		panic(http.ErrAbortHandler) // drop the connection mid-body
	case stall:
		select {
		case <-r.Context().Done():
		case <-time.After(10 * time.Second):
		}
		panic(http.ErrAbortHandler)
	}
}

func (f *fakeNode) serveHeader(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	f.mu.Lock()
	body, fail, delay := f.headers[id], f.headerFail > 0, f.headerDelay
	if fail {
		f.headerFail--
	}
	f.inflight++
	f.maxInflight = max(f.maxInflight, f.inflight)
	if f.headerConns == nil {
		f.headerConns = map[string]bool{}
	}
	f.headerConns[r.RemoteAddr] = true
	f.mu.Unlock()
	defer f.set(func(f *fakeNode) { f.inflight-- })
	if delay > 0 {
		time.Sleep(delay)
	}
	switch {
	case fail:
		writeError(w, 500, "internal error")
		return
	case body != nil:
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
		return
	}
	s := f.block(id)
	if s == nil {
		writeError(w, 404, "NOT_FOUND: beacon block with id "+id)
		return
	}
	h, err := headerJSON(s)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	writeJSON(w, h)
}

// headerJSON writes the header of a served SignedBeaconBlock as
// /eth/v1/beacon/headers does.
func headerJSON(s *served) (map[string]any, error) {
	obj, err := beaconstate.NewObject(s.fork, s.preset, "SignedBeaconBlock", s.ssz)
	if err != nil {
		return nil, err
	}
	msgB, msgT, err := obj.Field("message")
	if err != nil {
		return nil, err
	}
	root, err := ssz.HashTreeRoot(msgT, msgB)
	if err != nil {
		return nil, err
	}
	bodyB, bodyT, err := obj.Field("message.body")
	if err != nil {
		return nil, err
	}
	bodyRoot, err := ssz.HashTreeRoot(bodyT, bodyB)
	if err != nil {
		return nil, err
	}
	field := func(p string) []byte { b, _, _ := obj.Field(p); return b }
	hx := func(b []byte) string { return "0x" + hex.EncodeToString(b) }
	return map[string]any{
		"execution_optimistic": false, "finalized": false,
		"data": map[string]any{
			"root": hx(root[:]), "canonical": true,
			"header": map[string]any{
				"message": map[string]any{
					"slot":           strconv.FormatUint(binary.LittleEndian.Uint64(field("message.slot")), 10),
					"proposer_index": strconv.FormatUint(binary.LittleEndian.Uint64(field("message.proposer_index")), 10),
					"parent_root":    hx(field("message.parent_root")),
					"state_root":     hx(field("message.state_root")),
					"body_root":      hx(bodyRoot[:]),
				},
				"signature": hx(field("signature")),
			},
		},
	}, nil
}

func (f *fakeNode) serveValidator(w http.ResponseWriter, r *http.Request) {
	idx, err := strconv.ParseUint(r.PathValue("vid"), 10, 64)
	f.mu.Lock()
	v, ok := f.validators[idx]
	f.mu.Unlock()
	if err != nil || !ok {
		writeError(w, 404, "Validator not found")
		return
	}
	u := func(x uint64) string { return strconv.FormatUint(x, 10) }
	pub := make([]byte, 48)
	binary.LittleEndian.PutUint64(pub, idx)
	cred := make([]byte, 32)
	cred[0] = 1
	exit := uint64(fork.FarFutureEpoch)
	if v.withdrawableEpoch != fork.FarFutureEpoch {
		exit = v.withdrawableEpoch - 256
	}
	writeJSON(w, map[string]any{"execution_optimistic": false, "finalized": false, "data": map[string]any{
		"index": u(idx), "balance": u(v.balance), "status": v.status,
		"validator": map[string]any{
			"pubkey": "0x" + hex.EncodeToString(pub), "withdrawal_credentials": "0x" + hex.EncodeToString(cred),
			"effective_balance": "32000000000", "slashed": false,
			"activation_eligibility_epoch": "0", "activation_epoch": "0",
			"exit_epoch": u(exit), "withdrawable_epoch": u(v.withdrawableEpoch),
		},
	}})
}

// signed wraps an unsigned BeaconBlock into a SignedBeaconBlock: the
// message's offset, a signature, the message.
func signed(msg []byte) []byte {
	out := make([]byte, 100, 100+len(msg))
	binary.LittleEndian.PutUint32(out, 100)
	for i := 4; i < 100; i++ {
		out[i] = 0xab
	}
	return append(out, msg...)
}

// Real data.

// oracleObject reads an oracle BeaconState: its bytes and the hash tree
// root its vector.json gives.
func oracleObject(t testing.TB, preset, forkName, kase string) ([]byte, [32]byte) {
	t.Helper()
	b, err := os.ReadFile(vectors.Path(t, "oracle", preset, forkName, kase, "object.ssz"))
	if err != nil {
		t.Fatal(err)
	}
	v, err := os.ReadFile(vectors.Path(t, "oracle", preset, forkName, kase, "vector.json"))
	if err != nil {
		t.Fatal(err)
	}
	var vec struct {
		Root string `json:"root"`
	}
	if err := json.Unmarshal(v, &vec); err != nil {
		t.Fatal(err)
	}
	return b, mustRoot(t, vec.Root)
}

func mustRoot(t testing.TB, s string) [32]byte {
	t.Helper()
	var r [32]byte
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 32 {
		t.Fatalf("bad root %q", s)
	}
	copy(r[:], b)
	return r
}

// portalBlock is a real mainnet block of the portal-spec-tests vectors.
type portalBlock struct {
	elBlock string
	fork    string
	slot    uint64
	msg     []byte   // BeaconBlock
	root    [32]byte // its hash tree root
	want    [32]byte // the beacon_block_root of the vectors' proof file, when there is one
	hasWant bool
}

var portalForks = []struct{ el, fork string }{
	{"15537394", fork.Bellatrix}, {"15539558", fork.Bellatrix}, {"15547621", fork.Bellatrix},
	{"15555729", fork.Bellatrix}, {"17034869", fork.Bellatrix}, {"17034870", fork.Capella},
	{"17042287", fork.Capella}, {"17062257", fork.Capella}, {"19426586", fork.Capella},
	{"19426587", fork.Deneb}, {"22162263", fork.Deneb},
}

var proofRootRE = regexp.MustCompile(`beacon_block_root:\s*"?(0x[0-9a-fA-F]{64})`)

func portalBlocks(t testing.TB) []portalBlock {
	t.Helper()
	base := vectors.Path(t, "portal-spec-tests", "tests", "mainnet", "history", "headers_with_proof")
	var out []portalBlock
	for _, pf := range portalForks {
		msg, err := os.ReadFile(filepath.Join(base, "beacon_data", pf.el, "block.ssz"))
		if err != nil {
			t.Fatal(err)
		}
		typ, err := schema(pf.fork, fork.PresetMainnet, "BeaconBlock")
		if err != nil {
			t.Fatal(err)
		}
		root, err := ssz.HashTreeRoot(typ, msg)
		if err != nil {
			t.Fatalf("%s: %v", pf.el, err)
		}
		pb := portalBlock{elBlock: pf.el, fork: pf.fork, slot: binary.LittleEndian.Uint64(msg), msg: msg, root: root}
		if y, err := os.ReadFile(filepath.Join(base, "block_proofs_"+pf.fork, "beacon_block_proof-"+pf.el+".yaml")); err == nil {
			if m := proofRootRE.FindSubmatch(y); m != nil {
				pb.want, pb.hasWant = mustRoot(t, string(m[1])), true
			}
		}
		out = append(out, pb)
	}
	return out
}

// servePortal serves the portal blocks by slot and root, with head the
// latest.
func (f *fakeNode) servePortal(t testing.TB) []portalBlock {
	pbs := portalBlocks(t)
	var head *served
	for _, pb := range pbs {
		s := &served{fork: pb.fork, typeName: "SignedBeaconBlock", preset: fork.PresetMainnet, ssz: signed(pb.msg)}
		f.addBlock(s, strconv.FormatUint(pb.slot, 10), fmt.Sprintf("0x%x", pb.root))
		f.set(func(f *fakeNode) {
			if pb.slot >= f.headSlot {
				f.headSlot = pb.slot
			}
		})
		head = s
	}
	f.addBlock(head, "head")
	return pbs
}

func mustNetwork(t testing.TB, name string) *fork.Network {
	t.Helper()
	n, err := fork.NetworkByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// minimalNetwork is a devnet of the minimal preset, every fork from
// genesis on.
func minimalNetwork() *fork.Network {
	n := &fork.Network{
		Name: "minimal-devnet", PresetBase: fork.PresetMinimal,
		GenesisTime: 1700000000, SecondsPerSlot: 6, SlotsPerEpoch: 8,
		DepositChainID: 1337, DepositNetworkID: 1337,
	}
	n.GenesisValidatorsRoot[0] = 0x42
	for i, name := range fork.Names()[:8] {
		n.Forks = append(n.Forks, fork.ForkSchedule{Name: name, Version: [4]byte{byte(i), 0, 0, 1}, Epoch: 0})
	}
	return n
}
