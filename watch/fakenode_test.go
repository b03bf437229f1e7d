package watch_test

import (
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// The fake beacon node: a deneb chain on hoodi (mainnet preset) made of
// synth blocks and checkpoint states, served over HTTP as the beacon API
// does (states and blocks in SSZ, the rest in JSON, events as SSE).

var (
	addrA = [20]byte{0xaa, 1}
	addrB = [20]byte{0xbb, 2}
)

const nValidators = 16

type block struct {
	slot      uint64
	bytes     []byte // BeaconBlock
	root      [32]byte
	parent    [32]byte
	stateRoot [32]byte
	bodyRoot  [32]byte
	proposer  uint64
}

type chain struct {
	t      *testing.T
	net    *fork.Network
	s      *fork.Schemas
	srv    *httptest.Server
	noSSE  bool
	mu     sync.Mutex
	blocks map[uint64]*block    // canonical, by slot
	states map[string][]byte    // by state root id
	head   uint64               // slot
	final  uint64               // slot
	subs   map[chan string]bool // event streams
	calls  map[string]int       // requests by kind
	// forkName is the fork of every object (deneb; gloas in gloas_test.go)
	// and envelopes the SignedExecutionPayloadEnvelopes by block root id.
	forkName  string
	envelopes map[string][]byte
	// editState, when set, edits every checkpoint state made next.
	editState func(s *fork.Schemas, st []byte) error
	// linked: each block made next has the canonical block before it as
	// its parent (a chain that beaconapi.PeriodBlockRoots accepts).
	linked bool
}

// parentOf returns the parent root of a block made at slot: the made-up
// one, or, when linked, the root of the canonical block before slot.
func (c *chain) parentOf(slot uint64) [32]byte {
	if !c.linked {
		return synth.Hash(9, "parent", slot)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var best *block
	for s, b := range c.blocks {
		if s < slot && (best == nil || s > best.slot) {
			best = b
		}
	}
	if best == nil {
		return synth.Hash(9, "parent", slot)
	}
	return best.root
}

func newChain(t *testing.T) *chain {
	t.Helper()
	c := newChainNoCleanup(t)
	t.Cleanup(c.srv.Close)
	return c
}

// newChainNoCleanup returns a chain whose server the caller closes.
func newChainNoCleanup(t *testing.T) *chain {
	net, err := fork.NetworkByName("hoodi")
	if err != nil {
		t.Fatal(err)
	}
	f, err := fork.Lookup(fork.Deneb)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Schemas(fork.PresetMainnet)
	if err != nil {
		t.Fatal(err)
	}
	c := &chain{t: t, net: net, s: s, blocks: map[uint64]*block{}, states: map[string][]byte{}, subs: map[chan string]bool{}, calls: map[string]int{},
		forkName: fork.Deneb, envelopes: map[string][]byte{}}
	c.srv = httptest.NewServer(c.mux())
	return c
}

func rootID(r [32]byte) string { return "0x" + hex.EncodeToString(r[:]) }

// add registers a BeaconBlock as the canonical block of its slot.
func (c *chain) add(b []byte) *block {
	c.t.Helper()
	obj, err := beaconstate.NewObject(c.forkName, fork.PresetMainnet, "BeaconBlock", b)
	if err != nil {
		c.t.Fatal(err)
	}
	bl := &block{bytes: b}
	if bl.root, err = obj.Root(); err != nil {
		c.t.Fatal(err)
	}
	body, err := obj.Member("body")
	if err != nil {
		c.t.Fatal(err)
	}
	if bl.bodyRoot, err = body.Root(); err != nil {
		c.t.Fatal(err)
	}
	bl.slot, _ = obj.Uint64("slot")
	bl.proposer, _ = obj.Uint64("proposer_index")
	p, _, _ := obj.Field("parent_root")
	sr, _, _ := obj.Field("state_root")
	bl.parent, bl.stateRoot = [32]byte(p), [32]byte(sr)
	c.mu.Lock()
	c.blocks[bl.slot] = bl
	c.head = max(c.head, bl.slot)
	c.mu.Unlock()
	return bl
}

// addBlock adds a plain block at slot paying ws.
func (c *chain) addBlock(slot uint64, ws ...synth.Withdrawal) *block {
	c.t.Helper()
	b, err := synth.Block(c.s.BeaconBlock, synth.BlockOptions{Slot: slot, ProposerIndex: slot % nValidators, ParentRoot: c.parentOf(slot),
		StateRoot: synth.Hash(9, "state", slot), Seed: 9, Withdrawals: ws, Timestamp: c.net.SlotTime(slot), BlockNumber: slot})
	if err != nil {
		c.t.Fatal(err)
	}
	return c.add(b)
}

// blockRoots returns block_roots of a state at slot: each of the last
// 8192 slots' canonical block root (a missed slot repeats the one before).
func (c *chain) blockRoots(slot uint64) map[uint64][32]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := c.s.Preset.SlotsPerHistoricalRoot
	out := map[uint64][32]byte{}
	var last [32]byte
	lo := uint64(0)
	if slot > n {
		lo = slot - n
	}
	for ws := uint64(0); ws < slot; ws++ {
		if b, ok := c.blocks[ws]; ok {
			last = b.root
		}
		if ws >= lo && last != [32]byte{} {
			out[ws%n] = last
		}
	}
	return out
}

// checkpoint adds a block at slot whose post-state is served, edited by
// edit (validators' records), and a child block at slot+1; it makes it
// the finalized checkpoint when final.
func (c *chain) checkpoint(slot uint64, final bool, edit func(vals []byte)) *block {
	c.t.Helper()
	return c.checkpointPaying(slot, final, edit)
}

// checkpointPaying is checkpoint with a block that pays ws.
func (c *chain) checkpointPaying(slot uint64, final bool, edit func(vals []byte), ws ...synth.Withdrawal) *block {
	c.t.Helper()
	parent := [32]byte{}
	if c.linked {
		parent = c.parentOf(slot)
	}
	ch, err := synth.NewChain(synth.ChainOptions{Fork: fork.Deneb, Withdrawals: ws, ParentRoot: parent, Options: synth.Options{
		Validators: nValidators, Slot: slot, Seed: 9, WithdrawalAddresses: [][20]byte{addrA, addrB},
		ForkVersion: c.forkVersion(), GenesisTime: c.net.GenesisTime, BlockRoots: c.blockRoots(slot),
	}, Edit: func(s *fork.Schemas, st []byte) error {
		if c.editState != nil {
			if err := c.editState(s, st); err != nil {
				return err
			}
		}
		if edit == nil {
			return nil
		}
		lo, hi, err := synth.FieldSpan(s.BeaconState, st, "validators")
		if err != nil {
			return err
		}
		edit(st[lo:hi])
		return nil
	}})
	if err != nil {
		c.t.Fatal(err)
	}
	b := c.add(ch.Block)
	c.mu.Lock()
	c.states[rootID(ch.StateRoot)] = ch.State
	if final {
		c.final = slot
	}
	c.mu.Unlock()
	c.addBlock(slot + 1)
	return b
}

func (c *chain) forkVersion() [4]byte {
	fs, _ := c.net.Fork(c.forkName)
	return fs.Version
}

// setExit sets a validator's exit and withdrawable epochs.
func setExit(vals []byte, i int, exit, withdrawable uint64) {
	binary.LittleEndian.PutUint64(vals[121*i+105:], exit)
	binary.LittleEndian.PutUint64(vals[121*i+113:], withdrawable)
}

// setSlashed marks a validator slashed.
func setSlashed(vals []byte, i int) { vals[121*i+88] = 1 }

// publish sends an event to every stream.
func (c *chain) publish(topic string, data any) {
	b, _ := json.Marshal(data)
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch := range c.subs {
		select {
		case ch <- fmt.Sprintf("event: %s\ndata: %s\n\n", topic, b):
		default:
		}
	}
}

// drop closes every event stream.
func (c *chain) drop() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for ch := range c.subs {
		close(ch)
		delete(c.subs, ch)
	}
}

func (c *chain) count(kind string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.calls[kind]
}

func writeJSON(w http.ResponseWriter, v any) {
	b, _ := json.Marshal(v)
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
}

func writeError(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	b, _ := json.Marshal(map[string]any{"code": code, "message": msg})
	w.Write(b)
}

// blockByID finds a canonical block by id: head, finalized, a slot, a root.
func (c *chain) blockByID(id string) *block {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch id {
	case "head":
		return c.blocks[c.head]
	case "finalized":
		return c.blocks[c.final]
	}
	if s, err := strconv.ParseUint(id, 10, 64); err == nil {
		return c.blocks[s]
	}
	for _, b := range c.blocks {
		if rootID(b.root) == id {
			return b
		}
	}
	return nil
}

func (c *chain) mux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("GET /eth/v1/beacon/genesis", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"data": map[string]any{
			"genesis_time": strconv.FormatUint(c.net.GenesisTime, 10), "genesis_validators_root": rootID(c.net.GenesisValidatorsRoot),
			"genesis_fork_version": "0x" + hex.EncodeToString(c.net.Forks[0].Version[:]),
		}})
	})
	m.HandleFunc("GET /eth/v1/beacon/headers/{id}", c.header)
	m.HandleFunc("GET /eth/v2/beacon/blocks/{id}", c.block)
	m.HandleFunc("GET /eth/v2/debug/beacon/states/{id}", c.state)
	m.HandleFunc("GET /eth/v1/beacon/states/{id}/validators", c.validators)
	m.HandleFunc("GET /eth/v1/events", c.events)
	m.HandleFunc("GET /eth/v1/beacon/execution_payload_envelope/{id}", c.envelope)
	return m
}

func (c *chain) header(w http.ResponseWriter, r *http.Request) {
	b := c.blockByID(r.PathValue("id"))
	if b == nil {
		writeError(w, 404, "NOT_FOUND: beacon block header")
		return
	}
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	writeJSON(w, map[string]any{"execution_optimistic": false, "finalized": false, "data": map[string]any{
		"root": rootID(b.root), "canonical": true,
		"header": map[string]any{
			"message": map[string]any{"slot": u(b.slot), "proposer_index": u(b.proposer), "parent_root": rootID(b.parent),
				"state_root": rootID(b.stateRoot), "body_root": rootID(b.bodyRoot)},
			"signature": "0x" + strings.Repeat("ab", 96),
		},
	}})
}

func (c *chain) serveSSZ(w http.ResponseWriter, b []byte) {
	w.Header().Set("Eth-Consensus-Version", c.forkName)
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.Write(b)
}

func (c *chain) block(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.calls["block"]++
	c.mu.Unlock()
	b := c.blockByID(r.PathValue("id"))
	if b == nil {
		writeError(w, 404, "NOT_FOUND: beacon block")
		return
	}
	signed := binary.LittleEndian.AppendUint32(nil, 100)
	signed = append(signed, make([]byte, 96)...)
	c.serveSSZ(w, append(signed, b.bytes...))
}

func (c *chain) stateBytes(id string) []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.states[id]
}

func (c *chain) state(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.calls["state"]++
	c.mu.Unlock()
	b := c.stateBytes(r.PathValue("id"))
	if b == nil {
		writeError(w, 404, "State not found")
		return
	}
	c.serveSSZ(w, b)
}

func (c *chain) envelope(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.calls["envelope"]++
	b := c.envelopes[r.PathValue("id")]
	c.mu.Unlock()
	if b == nil {
		writeError(w, 404, "Execution payload envelope not found")
		return
	}
	c.serveSSZ(w, b)
}

func (c *chain) validators(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	c.calls["validators"]++
	c.mu.Unlock()
	b := c.stateBytes(r.PathValue("id"))
	if b == nil {
		writeError(w, 404, "State not found")
		return
	}
	st, err := beaconstate.NewObject(c.forkName, fork.PresetMainnet, "BeaconState", b)
	if err != nil {
		writeError(w, 500, err.Error())
		return
	}
	want := map[string]bool{}
	for _, id := range r.URL.Query()["id"] {
		want[id] = true // as Lodestar: one id each, "0,1" is no id
	}
	n, _ := st.ValidatorCount()
	var data []any
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	for i := range n {
		v, _ := st.Validator(i)
		pk := "0x" + hex.EncodeToString(v.Pubkey[:])
		if !want[u(i)] && !want[pk] {
			continue
		}
		bal, _ := st.Balance(i)
		data = append(data, map[string]any{"index": u(i), "balance": u(bal), "status": "active_ongoing", "validator": map[string]any{
			"pubkey": pk, "withdrawal_credentials": "0x" + hex.EncodeToString(v.WithdrawalCredentials[:]),
			"effective_balance": u(v.EffectiveBalance), "slashed": v.Slashed,
			"activation_eligibility_epoch": u(v.ActivationEligibilityEpoch), "activation_epoch": u(v.ActivationEpoch),
			"exit_epoch": u(v.ExitEpoch), "withdrawable_epoch": u(v.WithdrawableEpoch),
		}})
	}
	if data == nil {
		data = []any{}
	}
	writeJSON(w, map[string]any{"execution_optimistic": false, "finalized": true, "data": data})
}

func (c *chain) events(w http.ResponseWriter, r *http.Request) {
	if c.noSSE {
		writeError(w, 404, "Not found")
		return
	}
	ch := make(chan string, 16)
	c.mu.Lock()
	c.subs[ch] = true
	c.mu.Unlock()
	w.Header().Set("Content-Type", "text/event-stream")
	w.WriteHeader(200)
	w.(http.Flusher).Flush()
	for {
		select {
		case <-r.Context().Done():
			c.mu.Lock()
			delete(c.subs, ch)
			c.mu.Unlock()
			return
		case msg, ok := <-ch:
			if !ok {
				return
			}
			fmt.Fprint(w, msg)
			w.(http.Flusher).Flush()
		}
	}
}
