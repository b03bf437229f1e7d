package beaconapi_test

// FuzzResponse: arbitrary answers of a beacon node, for every endpoint the
// Client reads. The identifiers here start with "fuzz" so as not to collide
// with the package's other test files.

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/ssz"
)

// fuzzNetwork is a devnet of the minimal preset with every fork from
// genesis on, so that small synthetic states serve as seeds.
func fuzzNetwork() *fork.Network {
	n := &fork.Network{
		Name: "fuzz-devnet", PresetBase: fork.PresetMinimal,
		GenesisTime: 1700000000, SecondsPerSlot: 6, SlotsPerEpoch: 8,
		DepositChainID: 1337, DepositNetworkID: 1337,
	}
	n.GenesisValidatorsRoot[0] = 0x42
	for i, name := range []string{"phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu", "gloas"} {
		n.Forks = append(n.Forks, fork.ForkSchedule{Name: name, Version: [4]byte{byte(i), 0, 0, 1}, Epoch: 0})
	}
	return n
}

// fuzzGenesis is the genesis answer of fuzzNetwork.
func fuzzGenesis(n *fork.Network) []byte {
	b, _ := json.Marshal(map[string]any{"data": map[string]string{
		"genesis_time":            fmt.Sprint(n.GenesisTime),
		"genesis_validators_root": "0x" + hex.EncodeToString(n.GenesisValidatorsRoot[:]),
		"genesis_fork_version":    "0x00000001",
	}})
	return b
}

// fuzzCall is one Client call whose answer the fuzzer writes.
type fuzzCall struct {
	name string
	path string // the request path whose answer is fuzzed
	run  func(ctx context.Context, c *beaconapi.Client) (any, error)
}

var fuzzCalls = []fuzzCall{
	{"Header", "/eth/v1/beacon/headers/head", func(ctx context.Context, c *beaconapi.Client) (any, error) { return c.Header(ctx, "head") }},
	{"State", "/eth/v2/debug/beacon/states/head", func(ctx context.Context, c *beaconapi.Client) (any, error) { return c.State(ctx, "head") }},
	{"Block", "/eth/v2/beacon/blocks/head", func(ctx context.Context, c *beaconapi.Client) (any, error) { return c.Block(ctx, "head") }},
	{"Genesis", "/eth/v1/beacon/genesis", func(ctx context.Context, c *beaconapi.Client) (any, error) { return c.Genesis(ctx) }},
	{"SpecValues", "/eth/v1/config/spec", func(ctx context.Context, c *beaconapi.Client) (any, error) { return c.SpecValues(ctx) }},
	{"Spec", "/eth/v1/config/spec", func(ctx context.Context, c *beaconapi.Client) (any, error) { return c.Spec(ctx) }},
	{"Syncing", "/eth/v1/node/syncing", func(ctx context.Context, c *beaconapi.Client) (any, error) { return c.Syncing(ctx) }},
	{"Validator", "/eth/v1/beacon/states/head/validators/5", func(ctx context.Context, c *beaconapi.Client) (any, error) {
		return c.Validator(ctx, "head", 5)
	}},
	{"BlockRoot", "/eth/v1/beacon/headers/100", func(ctx context.Context, c *beaconapi.Client) (any, error) {
		r, ok, err := c.BlockRoot(ctx, 100)
		return fmt.Sprint(r, ok), err
	}},
	{"Envelope", "/eth/v1/beacon/execution_payload_envelope/head", func(ctx context.Context, c *beaconapi.Client) (any, error) {
		return c.Envelope(ctx, "head")
	}},
}

// fuzzStatuses are the HTTP statuses the fuzzer picks from.
var fuzzStatuses = []int{200, 200, 200, 200, 404, 400, 406, 500, 503, 401, 410, 501, 505, 304}

// fuzzContentTypes are the Content-Type headers the fuzzer picks from.
var fuzzContentTypes = []string{"application/octet-stream", "application/json", "", "text/plain", "application/json; charset=utf-8"}

// fuzzAnswer is what the fake node answers to the fuzzed path.
type fuzzAnswer struct {
	path        string
	status      int
	contentType string
	version     string
	body        []byte
}

// fuzzSentinels are the package's error kinds; every error must match one.
var fuzzSentinels = []error{
	beaconapi.ErrNotFound, beaconapi.ErrPruned, beaconapi.ErrSyncing, beaconapi.ErrWrongNetwork,
	beaconapi.ErrUnknownFork, beaconapi.ErrTooLarge, beaconapi.ErrTimeout, beaconapi.ErrUnavailable,
	beaconapi.ErrRejected, beaconapi.ErrBadResponse,
}

// fuzzSeeds returns real answers for each call: SSZ and JSON states and
// blocks of every fork (synthetic, minimal preset), headers, genesis,
// spec, syncing and validator answers.
func fuzzSeeds(f *testing.F, n *fork.Network) {
	add := func(call string, status int, ct, version string, body []byte) {
		for i, c := range fuzzCalls {
			if c.name == call {
				s := 0
				for j, x := range fuzzStatuses {
					if x == status {
						s = j
						break
					}
				}
				ci := 0
				for j, x := range fuzzContentTypes {
					if x == ct {
						ci = j
						break
					}
				}
				f.Add(uint8(i), uint8(s), uint8(ci), version, body)
				return
			}
		}
		panic(call)
	}
	for _, name := range []string{"phase0", "deneb", "electra", "gloas"} {
		fk, _ := fork.Lookup(name)
		s, err := fk.Schemas(fork.PresetMinimal)
		if err != nil {
			f.Fatal(err)
		}
		state, err := synth.State(s.BeaconState, synth.Options{Validators: 3, Slot: 70, RecentRoots: 2})
		if err != nil {
			f.Fatal(err)
		}
		block, err := synth.Build(s.SignedBeaconBlock, nil)
		if err != nil {
			f.Fatal(err)
		}
		add("State", 200, "application/octet-stream", name, state)
		add("Block", 200, "application/octet-stream", name, block)
		objs := []struct {
			call string
			t    *ssz.Type
			b    []byte
		}{{"State", s.BeaconState, state}, {"Block", s.SignedBeaconBlock, block}}
		if s.SignedExecutionPayloadEnvelope != nil {
			env, err := synth.Build(s.SignedExecutionPayloadEnvelope, nil)
			if err != nil {
				f.Fatal(err)
			}
			add("Envelope", 200, "application/octet-stream", name, env)
			objs = append(objs, struct {
				call string
				t    *ssz.Type
				b    []byte
			}{"Envelope", s.SignedExecutionPayloadEnvelope, env})
		}
		for _, o := range objs {
			j, err := ssz.ToJSON(o.t, o.b)
			if err != nil {
				f.Fatal(err)
			}
			doc := []byte(`{"version":"` + name + `","execution_optimistic":false,"finalized":true,"data":` + string(j) + `}`)
			add(o.call, 200, "application/json", "", doc)
		}
	}
	// A header whose root is right: the hash tree root of its fields.
	hdrT := func() *ssz.Type {
		fk, _ := fork.Lookup("phase0")
		s, _ := fk.Schemas(fork.PresetMainnet)
		return s.BeaconBlockHeader
	}()
	hdr := make([]byte, hdrT.FixedSize())
	hdr[0] = 100 // slot 100
	root, err := ssz.HashTreeRoot(hdrT, hdr)
	if err != nil {
		f.Fatal(err)
	}
	zero := "0x" + strings.Repeat("00", 32)
	header := []byte(`{"execution_optimistic":false,"finalized":false,"data":{"root":"0x` + hex.EncodeToString(root[:]) +
		`","canonical":true,"header":{"message":{"slot":"100","proposer_index":"0","parent_root":"` + zero +
		`","state_root":"` + zero + `","body_root":"` + zero + `"},"signature":"0x` + strings.Repeat("00", 96) + `"}}}`)
	add("Header", 200, "application/json", "", header)
	add("BlockRoot", 200, "application/json", "", header)
	add("BlockRoot", 404, "application/json", "", []byte(`{"code":404,"message":"NOT_FOUND: beacon block at slot 100"}`))
	add("Genesis", 200, "application/json", "", fuzzGenesis(n))
	add("Syncing", 200, "application/json", "", []byte(`{"data":{"head_slot":"100","sync_distance":"0","is_syncing":false,"is_optimistic":false,"el_offline":false}}`))
	add("Syncing", 503, "application/json", "", []byte(`{"code":503,"message":"Node is syncing"}`))
	add("Validator", 200, "application/json", "", []byte(`{"data":{"index":"5","balance":"32000000000","status":"active_ongoing","validator":{"pubkey":"0x`+
		strings.Repeat("ab", 48)+`","withdrawal_credentials":"`+zero+`","effective_balance":"32000000000","slashed":false,"activation_eligibility_epoch":"0","activation_epoch":"0","exit_epoch":"18446744073709551615","withdrawable_epoch":"18446744073709551615"}}}`))
	add("State", 404, "application/json", "", []byte(`{"code":404,"message":"State not found"}`))
	add("Envelope", 404, "application/json", "", []byte(`{"code":404,"message":"Execution payload envelope not found"}`))
	add("State", 500, "text/plain", "", []byte("internal error\nsecond line"))
	spec := map[string]string{"CONFIG_NAME": "fuzz-devnet", "PRESET_BASE": "minimal", "SECONDS_PER_SLOT": "6", "SLOTS_PER_EPOCH": "8",
		"DEPOSIT_CHAIN_ID": "1337", "DEPOSIT_NETWORK_ID": "1337", "GENESIS_FORK_VERSION": "0x00000001"}
	for i, name := range []string{"ALTAIR", "BELLATRIX", "CAPELLA", "DENEB", "ELECTRA", "FULU", "GLOAS"} {
		spec[name+"_FORK_VERSION"] = fmt.Sprintf("0x%02x000001", i+1)
		spec[name+"_FORK_EPOCH"] = "0"
	}
	specDoc, _ := json.Marshal(map[string]any{"data": spec})
	add("SpecValues", 200, "application/json", "", specDoc)
	add("Spec", 200, "application/json", "", specDoc)
	// Real mainnet answers from the vectors are not needed: the shapes are
	// the same; a real mainnet block goes in for its size.
	if b, err := os.ReadFile(vectors.Path(f, "oracle", "minimal", "deneb", "block_0", "object.ssz")); err == nil {
		add("Block", 200, "application/octet-stream", "deneb", append(append([]byte{100, 0, 0, 0}, make([]byte, 96)...), b...))
	}
}

// FuzzResponse serves arbitrary answers — status, Content-Type,
// Eth-Consensus-Version and body, chosen by the fuzzer — to each call of a
// Client (the other paths answer as a node of fuzzNetwork does). The call
// must not panic or hang. It must fail with one line that starts with
// "beaconapi: " and matches one of the package's sentinels (an error from
// an HTTP status also wraps an *HTTPError of that status); or succeed
// with what it promises: a state or block that validates against its
// fork's schema and whose root computes, a header whose root is the hash
// of its fields.
func FuzzResponse(f *testing.F) {
	n := fuzzNetwork()
	fuzzSeeds(f, n)
	var mu sync.Mutex
	var answer fuzzAnswer
	genesis := fuzzGenesis(n)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		a := answer
		mu.Unlock()
		if r.URL.Path != a.path {
			if r.URL.Path == "/eth/v1/beacon/genesis" {
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write(genesis)
				return
			}
			w.WriteHeader(http.StatusNotFound)
			return
		}
		if a.contentType != "" {
			w.Header().Set("Content-Type", a.contentType)
		}
		if a.version != "" {
			w.Header().Set("Eth-Consensus-Version", a.version)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	f.Cleanup(srv.Close)
	f.Fuzz(func(t *testing.T, which, status, ctype uint8, version string, body []byte) {
		defer fuzzWatchdog(20 * time.Second)()
		c := fuzzCalls[int(which)%len(fuzzCalls)]
		if strings.ContainsAny(version, "\r\n\x00") {
			version = "" // not a header value net/http sends
		}
		code := fuzzStatuses[int(status)%len(fuzzStatuses)]
		mu.Lock()
		answer = fuzzAnswer{path: c.path, status: code,
			contentType: fuzzContentTypes[int(ctype)%len(fuzzContentTypes)], version: version, body: body}
		mu.Unlock()
		opts := []beaconapi.Option{beaconapi.WithRetries(0), beaconapi.WithTimeout(5 * time.Second), beaconapi.WithMaxSize(8 << 20)}
		if c.name == "State" || c.name == "Block" || c.name == "Envelope" {
			opts = append(opts, beaconapi.WithNetwork(n))
		}
		client, err := beaconapi.New(srv.URL, opts...)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
		defer cancel()
		v, err := c.run(ctx, client)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "beaconapi: ") || strings.ContainsAny(msg, "\r\n") {
				t.Fatalf("%s: error is not one line starting with beaconapi: %q", c.name, msg)
			}
			var he *beaconapi.HTTPError
			if errors.As(err, &he) && he.StatusCode != code && he.StatusCode != 404 {
				// (Other paths than the fuzzed one may answer 404.)
				t.Fatalf("%s: answered %d, the error's *HTTPError says %d: %v", c.name, code, he.StatusCode, err)
			}
			for _, s := range fuzzSentinels {
				if errors.Is(err, s) {
					return
				}
			}
			t.Fatalf("%s: error matches none of the package's sentinels: %v", c.name, err)
		}
		switch v := v.(type) {
		case *beaconstate.Object:
			if err := ssz.Validate(v.Type, v.Bytes); err != nil {
				t.Fatalf("%s: the object does not validate: %v", c.name, err)
			}
			if _, err := v.Root(); err != nil {
				t.Fatalf("%s: the object's root: %v", c.name, err)
			}
		case beaconapi.Header:
			fk, _ := fork.Lookup("phase0")
			s, _ := fk.Schemas(fork.PresetMainnet)
			var b bytes.Buffer
			for _, x := range []uint64{v.Slot, v.ProposerIndex} {
				var u [8]byte
				for i := range u {
					u[i] = byte(x >> (8 * i))
				}
				b.Write(u[:])
			}
			b.Write(v.ParentRoot[:])
			b.Write(v.StateRoot[:])
			b.Write(v.BodyRoot[:])
			root, err := ssz.HashTreeRoot(s.BeaconBlockHeader, b.Bytes())
			if err != nil || root != v.Root {
				t.Fatalf("Header: root %x, but the fields hash to %x (%v)", v.Root, root, err)
			}
		}
	})
}

// fuzzWatchdog crashes the process with every goroutine's stack when a
// fuzz input runs longer than d, so that the fuzzing engine saves a hang
// as a failing input instead of stalling.
func fuzzWatchdog(d time.Duration) (stop func()) {
	timer := time.AfterFunc(d, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("fuzz input still running after %v: a hang\n%s", d, buf))
	})
	return func() { timer.Stop() }
}
