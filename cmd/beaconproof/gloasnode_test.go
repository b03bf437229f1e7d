package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// gloasEpoch is the epoch at which gloasNetwork runs capella to gloas:
// its historical_summaries start at era 758, as mainnet's.
const gloasEpoch = 758 * 8192 / 32

// gloasNetwork is a mainnet-preset devnet on gloas since gloasEpoch.
func gloasNetwork() *fork.Network {
	n := &fork.Network{
		Name: "gloas-devnet", PresetBase: fork.PresetMainnet, SecondsPerSlot: 12, SlotsPerEpoch: 32,
		GenesisTime: 1_600_000_000, DepositChainID: 7, DepositNetworkID: 7,
	}
	n.GenesisValidatorsRoot[1] = 0x61
	for i, name := range []string{fork.Phase0, fork.Altair, fork.Bellatrix, fork.Capella, fork.Deneb, fork.Electra, fork.Fulu, fork.Gloas} {
		epoch := uint64(0)
		if i >= 3 {
			epoch = gloasEpoch
		}
		n.Forks = append(n.Forks, fork.ForkSchedule{Name: name, Version: [4]byte{byte(i), 0, 0, 0x61}, Epoch: epoch})
	}
	return n
}

// gloasChain is a synthetic gloas chain at slot and a node that serves
// it: the finalized state, the past blocks with their post-states (by
// state root) and envelopes (by block root), the anchor's header and its
// child's.
type gloasChain struct {
	*synth.Chain
	node                    *fakeNode
	recent, hist, later     uint64 // past slots
	gloasVersion            [4]byte
	eraSlot                 uint64 // the first slot of the era after hist's
	eraState                []byte // the state at eraSlot, whose state_roots are hist's era's
	recentEnvID, eraStateID string
}

func newGloasChain(t *testing.T) *gloasChain {
	t.Helper()
	const slot = 13_200_000
	net := gloasNetwork()
	g := &gloasChain{recent: slot - 100, hist: slot - 9000, later: slot - 50, gloasVersion: net.Forks[7].Version}
	ch, err := synth.NewChain(synth.ChainOptions{
		Fork: fork.Gloas, Options: synth.Options{Validators: 16, Slot: slot, Seed: 5, ForkVersion: g.gloasVersion}, SummariesOffset: 758,
		Past: []uint64{g.recent, g.hist, g.later},
		Withdrawals: []synth.Withdrawal{
			{Index: 90, ValidatorIndex: 3, Address: [20]byte{19: 0x03}, Amount: 32_001_234_567},
			{Index: 91, ValidatorIndex: 4, Address: [20]byte{19: 0x04}, Amount: 1_234},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	g.Chain = ch
	n := newFakeNode(t, net)
	n.version = fork.Gloas
	n.states["finalized"] = ch.State
	for ws, p := range ch.Past {
		n.blocks[strconv.FormatUint(ws, 10)] = signedBlock(p.Block)
		n.states[beaconapi.RootID(p.StateRoot)] = p.State
		n.envelopes[beaconapi.RootID(p.BlockRoot)] = signedBlock(p.Envelope) // the same layout: offset, signature, message
	}
	g.recentEnvID = beaconapi.RootID(ch.Past[g.recent].BlockRoot)
	h := gloasHeader(t, ch.State, ch.StateRoot)
	n.addHeader(h, false)
	n.addHeader(header{slot: h.slot + 1, proposer: 5, parent: h.root(t), stateRoot: [32]byte{1}, bodyRoot: [32]byte{2}}, true)
	g.node = n

	g.eraSlot = (g.hist/8192 + 1) * 8192
	s, err := fork.SchemasOf(fork.Gloas, fork.PresetMainnet)
	if err != nil {
		t.Fatal(err)
	}
	if g.eraState, err = synth.State(s.BeaconState, synth.Options{Validators: 4, Slot: g.eraSlot, Seed: 9, ForkVersion: g.gloasVersion}); err != nil {
		t.Fatal(err)
	}
	lo, hi, err := synth.FieldSpan(s.BeaconState, g.eraState, "state_roots")
	if err != nil || hi-lo != len(ch.Past[g.hist].EraStateRoots) {
		t.Fatalf("state_roots span %d-%d: %v", lo, hi, err)
	}
	copy(g.eraState[lo:hi], ch.Past[g.hist].EraStateRoots)
	g.eraStateID = strconv.FormatUint(g.eraSlot, 10)
	return g
}

// gloasHeader returns the header of the block a gloas state is the
// post-state of.
func gloasHeader(t *testing.T, state []byte, root [32]byte) header {
	t.Helper()
	obj, err := beaconstate.NewObject(fork.Gloas, fork.PresetMainnet, "BeaconState", state)
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

// eraFile writes an era file of the era after hist's slot: the state at
// its end (no blocks), as era files carry it.
func (g *gloasChain) eraFile(t *testing.T) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := era.NewWriter(&buf, fork.PresetMainnet)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddState(g.eraState); err != nil {
		t.Fatal(err)
	}
	return writeFile(t, t.TempDir(), fmt.Sprintf("gloas-devnet-%05d-00000000.era", g.eraSlot/8192), buf.Bytes())
}

// configFile writes the network as a config.yaml for --network.
func configFile(t *testing.T, n *fork.Network) string {
	t.Helper()
	spec := specOf(t, n)
	keys := make([]string, 0, len(spec))
	for k := range spec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "%s: %q\n", k, spec[k])
	}
	return writeFile(t, t.TempDir(), "config.yaml", []byte(b.String()))
}

// TestGloasWithdrawalFromNode proves gloas withdrawals from a beacon node:
// the paying block's envelope (by its root), its post-state (by its state
// root) and, for an old slot, the era's state_roots from the node's state
// at the next era's first slot or from --era; found by slot or by the
// withdrawal search. Each output verifies and says the envelope was
// checked; what is missing is named.
func TestGloasWithdrawalFromNode(t *testing.T) {
	g := newGloasChain(t)
	url := g.node.srv.URL
	slotArg := func(s uint64) string { return strconv.FormatUint(s, 10) }
	eraFile := g.eraFile(t)
	g.node.states[g.eraStateID] = g.eraState
	for _, c := range []struct {
		name, kind string
		args       []string
		noEraState bool
	}{
		{"by slot", "expected_withdrawal", []string{"--withdrawal-slot", slotArg(g.recent)}, false},
		{"searched", "expected_withdrawal", []string{"--search-from", slotArg(g.recent - 3)}, false},
		{"historical, era state from the node", "historical_expected_withdrawal", []string{"--withdrawal-slot", slotArg(g.hist)}, false},
		{"historical, --era", "historical_expected_withdrawal", []string{"--withdrawal-slot", slotArg(g.hist), "--era", eraFile}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.noEraState {
				delete(g.node.states, g.eraStateID)
				defer func() { g.node.states[g.eraStateID] = g.eraState }()
			}
			out := proveAndVerify(t, append([]string{"withdrawal", "--beacon-url", url, "--validator", "4"}, c.args...)...)
			d := parseDoc(t, out)
			if got := kindList(d); got != "slot,"+c.kind {
				t.Fatalf("kinds %s, want slot,%s", got, c.kind)
			}
			if !strings.Contains(out, `"amount": "1234"`) || !strings.Contains(out, `"envelope_checked": "true"`) {
				t.Fatalf("output lacks the amount or the checked envelope:\n%s", out)
			}
		})
	}

	base := []string{"prove", "withdrawal", "--beacon-url", url, "--validator", "4", "--withdrawal-slot"}
	delete(g.node.states, g.eraStateID)
	runCLI(t, nil, append(base, slotArg(g.hist))...).failsWithOneLine(t, "--era FILE|DIR")
	runCLI(t, nil, append(base, slotArg(g.recent), "--format", "rocketpool")...).failsWithOneLine(t, "not expressible in this format")
	runCLI(t, nil, append(base, slotArg(g.recent), "--envelope", "x.ssz")...).failsWithOneLine(t, "the envelope comes from the node")
	runCLI(t, nil, append(base, slotArg(g.recent), "--era-block-roots", "x.ssz")...).failsWithOneLine(t, "--era-state-roots or --era")
	env := g.node.envelopes[g.recentEnvID]
	delete(g.node.envelopes, g.recentEnvID)
	runCLI(t, nil, append(base, slotArg(g.recent))...).failsWithOneLine(t, "withheld")
	g.node.envelopes[g.recentEnvID] = env
	// A node that serves the post-state by slot only (not by root).
	delete(g.node.states, beaconapi.RootID(g.Past[g.recent].StateRoot))
	g.node.states[slotArg(g.recent)] = g.Past[g.recent].State
	proveAndVerify(t, append(base[1:], slotArg(g.recent))...)
	delete(g.node.states, slotArg(g.recent))
	runCLI(t, nil, append(base, slotArg(g.recent))...).failsWithOneLine(t, "post-state of the withdrawal's gloas block")
}

// TestGloasWithdrawalEra proves an old gloas withdrawal from files with
// the era's state_roots from --era, and checks what the CLI says when
// era files are asked for what they do not hold.
func TestGloasWithdrawalEra(t *testing.T) {
	g := newGloasChain(t)
	dir := t.TempDir()
	state := writeFile(t, dir, "state.ssz", g.State)
	hist := writeFile(t, dir, "hist.ssz", g.Past[g.hist].State)
	block := writeFile(t, dir, "block.ssz", g.Past[g.hist].Block)
	eraFile, config := g.eraFile(t), configFile(t, g.node.net)
	base := []string{"withdrawal", "--network", config, "--withdrawal-num", "1"}
	out := proveAndVerify(t, append(base, "--block-state", hist, "--era", eraFile, state)...)
	if !strings.Contains(out, `"kind": "historical_expected_withdrawal"`) || !strings.Contains(out, `"amount": "1234"`) {
		t.Fatalf("output:\n%s", out)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--block", block, "--era", eraFile}, "era files (--era) hold neither the post-state"},
		{[]string{"--block-state", hist, "--era", eraFile, "--era-state-roots", eraFile}, "once"},
		{[]string{"--block-state", hist, "--era", filepath.Join(dir, "none.era")}, "--era"},
	} {
		runCLI(t, nil, append(append([]string{"prove"}, base...), append(c.args, state)...)...).failsWithOneLine(t, c.want)
	}
	runCLI(t, nil, append(append([]string{"prove"}, base...), "--era", eraFile, state)...).isUsage(t, "era files (--era) hold neither the post-state")
}
