package verifiers

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// cliBin is the CLI TestMain builds.
var cliBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "beaconproof-verifiers-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	cliBin = filepath.Join(dir, "beaconproof")
	cmd := exec.Command("go", "build", "-o", cliBin, "./cmd/beaconproof")
	cmd.Dir = ModuleRoot()
	if out, err := cmd.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "go build ./cmd/beaconproof: %v\n%s", err, out)
		os.RemoveAll(dir)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// forkCases are the forks the tests prove on, each with a network that
// schedules it.
var forkCases = []struct{ fork, network string }{
	{fork.Deneb, "mainnet"},
	{fork.Electra, "mainnet"},
	{fork.Fulu, "mainnet"},
	{fork.Gloas, "sepolia"},
}

// Validators the tests prove: 7 has exited (synth exits every 8th) and is
// lane 3 of its balance chunk, 13 is active in lane 1.
var provedValidators = []uint64{7, 13}

// slashedValidator is slashed (synth slashes every 10th), for EigenPod's
// verifyStaleBalance.
const slashedValidator = 9

// inputs are the files one fork's proofs are written from: a state at
// slot, the post-state of its block (whose root EIP-4788 stores under
// timestamp, the next slot's time), and past blocks with withdrawals that
// the state's history commits to.
type inputs struct {
	fork      string
	net       *fork.Network
	chain     *synth.Chain
	slot      uint64
	timestamp uint64
	state     string
	past      []pastInput
}

// pastInput is a past block's file and, for one older than the state's
// block_roots, its era's block roots.
type pastInput struct {
	slot       uint64
	historical bool
	block      string
	eraRoots   string
}

// writeInputs writes the fork's inputs into a temporary folder. The state
// holds the network's genesis time and genesis validators root; its slot is
// 30,000 slots into the fork. Before gloas, three past blocks: one exactly
// SLOTS_PER_HISTORICAL_ROOT slots back (the oldest the state's block_roots
// holds), one slot older (the newest proved through historical_summaries)
// and one three eras back.
func writeInputs(t *testing.T, forkName, network string, seed uint64) *inputs {
	t.Helper()
	net, err := fork.NetworkByName(network)
	if err != nil {
		t.Fatal(err)
	}
	ver, ok := net.Fork(forkName)
	if !ok || ver.Epoch == fork.FarFutureEpoch {
		t.Fatalf("%s does not schedule %s", network, forkName)
	}
	offset, err := net.HistoricalSummariesOffset()
	if err != nil {
		t.Fatal(err)
	}
	slot := ver.Epoch*net.SlotsPerEpoch + 30_000 + seed
	in := &inputs{fork: forkName, net: net, slot: slot, timestamp: net.SlotTime(slot + 1)}
	var past []uint64
	if forkName != fork.Gloas {
		past = []uint64{slot - 8192, slot - 8193, slot - 3*8192 - 77}
	}
	ws := make([]synth.Withdrawal, 3)
	for i := range ws {
		ws[i] = synth.Withdrawal{Index: seed*1000 + uint64(i), ValidatorIndex: uint64(i*5 + 3),
			Address: [20]byte{0xbe, 0xac, 0x04, 0x78, byte(seed), byte(i)}, Amount: 19_000_000_000 + uint64(i)*1_234_567}
	}
	in.chain, err = synth.NewChain(synth.ChainOptions{
		Fork: forkName,
		Options: synth.Options{Validators: 64, Slot: slot, Seed: seed, ExitedEvery: 8, SlashedEvery: 10, ForkVersion: ver.Version,
			GenesisTime: net.GenesisTime, GenesisValidatorsRoot: net.GenesisValidatorsRoot},
		SummariesOffset: offset,
		Past:            past,
		Withdrawals:     ws,
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	in.state = write("state.ssz", in.chain.State)
	for _, s := range past {
		ps := in.chain.Past[s]
		pi := pastInput{slot: s, historical: ps.Historical, block: write(fmt.Sprintf("block-%d.ssz", s), ps.Block)}
		if ps.Historical {
			pi.eraRoots = write(fmt.Sprintf("era-%d.ssz", s), ps.EraBlockRoots)
		}
		in.past = append(in.past, pi)
	}
	return in
}

// prove runs `beaconproof prove KIND ARGS... --timestamp next STATE` and
// returns what it prints.
func (in *inputs) prove(t *testing.T, kind string, args ...string) []byte {
	t.Helper()
	all := append(append([]string{"prove", kind}, args...), "--timestamp", "next", in.state)
	cmd := exec.Command(cliBin, all...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("beaconproof %s: %v: %s", strings.Join(all, " "), err, stderr.Bytes())
	}
	return out
}

// indexArgs returns --index flags for the proved validators.
func indexArgs() []string {
	var out []string
	for _, i := range provedValidators {
		out = append(out, "--index", strconv.FormatUint(i, 10))
	}
	return out
}

// u64 reads a decimal string or a JSON number.
type u64 uint64

func (u *u64) UnmarshalJSON(b []byte) error {
	v, err := strconv.ParseUint(strings.Trim(string(b), `"`), 10, 64)
	*u = u64(v)
	return err
}

// hexBytes reads 0x-prefixed hex.
type hexBytes []byte

func (h *hexBytes) UnmarshalText(b []byte) error {
	s, ok := strings.CutPrefix(string(b), "0x")
	if !ok {
		return fmt.Errorf("%q is not 0x-hex", b)
	}
	b, err := hex.DecodeString(s)
	*h = b
	return err
}

// hash32 reads a 0x-hex 32-byte hash.
type hash32 [32]byte

func (h *hash32) UnmarshalText(b []byte) error {
	var x hexBytes
	if err := x.UnmarshalText(b); err != nil {
		return err
	}
	if len(x) != 32 {
		return fmt.Errorf("%q is not 32 bytes", b)
	}
	copy(h[:], x)
	return nil
}

func hashes(hs []hash32) [][32]byte {
	out := make([][32]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}

// anchorJSON is a document's anchor.
type anchorJSON struct {
	Kind      string `json:"kind"`
	Root      hash32 `json:"root"`
	Slot      u64    `json:"slot"`
	Timestamp u64    `json:"timestamp"`
}

// calldataDoc is the calldata format.
type calldataDoc struct {
	Format   string     `json:"format"`
	Protocol string     `json:"protocol"`
	Fork     string     `json:"fork"`
	Anchor   anchorJSON `json:"anchor"`
	Values   []struct {
		Name string   `json:"name"`
		Type string   `json:"type"`
		Data hexBytes `json:"data"`
	} `json:"values"`
	Calls []struct {
		Function string   `json:"function"`
		Selector hexBytes `json:"selector"`
		Data     hexBytes `json:"data"`
	} `json:"calls"`
}

func decode[T any](t *testing.T, b []byte) *T {
	t.Helper()
	var v T
	dec := json.NewDecoder(bytes.NewReader(b))
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	return &v
}

// checkAnchor checks a document's anchor against the inputs.
func (in *inputs) checkAnchor(t *testing.T, a anchorJSON) {
	t.Helper()
	if a.Kind != "block" || a.Root != hash32(in.chain.BlockRoot) || uint64(a.Slot) != in.slot || uint64(a.Timestamp) != in.timestamp {
		t.Fatalf("anchor %+v, want block root %x at slot %d, timestamp %d", a, in.chain.BlockRoot, in.slot, in.timestamp)
	}
}
