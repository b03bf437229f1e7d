package main

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// Regression tests of issue 13: a local devnet (Lodestar's dev chain) is a
// minimal-preset chain on the consensus specs' minimal config versions
// (0x04000001 for deneb), every fork from genesis, on a network no
// built-in table has. Its states and blocks are made up here; the real
// node runs in internal/e2e.

// devnetConfig is a config.yaml of such a devnet.
const devnetConfig = `PRESET_BASE: 'minimal'
CONFIG_NAME: 'devnet-13'
SECONDS_PER_SLOT: 2
GENESIS_FORK_VERSION: 0x00000001
ALTAIR_FORK_VERSION: 0x01000001
ALTAIR_FORK_EPOCH: 0
BELLATRIX_FORK_VERSION: 0x02000001
BELLATRIX_FORK_EPOCH: 0
CAPELLA_FORK_VERSION: 0x03000001
CAPELLA_FORK_EPOCH: 0
DENEB_FORK_VERSION: 0x04000001
DENEB_FORK_EPOCH: 0
ELECTRA_FORK_VERSION: 0x05000001
ELECTRA_FORK_EPOCH: 18446744073709551615
`

const devnetGenesis = 1796585809

// devnetChain returns a devnet's deneb state at slot whose history holds
// blocks at the past slots, each paying one withdrawal.
func devnetChain(t *testing.T, slot uint64, version [4]byte, past ...uint64) *synth.Chain {
	t.Helper()
	c, err := synth.NewChain(synth.ChainOptions{
		Fork: fork.Deneb, Preset: fork.PresetMinimal,
		Options: synth.Options{Validators: 32, Slot: slot, Seed: 13, ForkVersion: version, GenesisTime: devnetGenesis, RecentRoots: 64},
		Past:    past,
		Withdrawals: []synth.Withdrawal{
			{Index: 40, ValidatorIndex: 1, Address: [20]byte{19: 0x01}, Amount: 31_990_951_336},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// Bug 1: root of a minimal devnet state, its fork detected from 0x04000001.
func TestDevnetStateRoot(t *testing.T) {
	c := devnetChain(t, 100, [4]byte{4, 0, 0, 1})
	file := writeFile(t, t.TempDir(), "state.ssz", c.State)
	r := runCLI(t, nil, "root", "--preset", "minimal", file).ok(t)
	if got := strings.TrimSpace(r.stdout); got != proof.FormatHash(c.StateRoot) {
		t.Fatalf("root %s, want %s", got, proof.FormatHash(c.StateRoot))
	}
	// The mainnet preset (the default) says which preset the version is of.
	runCLI(t, nil, "root", file).failsWithOneLine(t, "minimal preset")
}

// A devnet's own config.yaml names its forks: detection through it finds
// deneb from 0x04000001 on the minimal preset.
func TestDevnetConfigDetects(t *testing.T) {
	net, err := fork.LoadNetworkConfig(strings.NewReader(devnetConfig))
	if err != nil {
		t.Fatal(err)
	}
	c := devnetChain(t, 100, [4]byte{4, 0, 0, 1})
	f, err := fork.DetectFromStateBytes(c.State, fork.PresetMinimal, net)
	if err != nil || f.Name != fork.Deneb {
		t.Fatalf("detected %v, %v; want deneb", f, err)
	}
}

// Bug 5: withdrawals from a devnet's files. The block's fork comes from its
// slot on the state's fork schedule (no --block-fork, no --network); the
// era state's fork is detected, or is --fork's when its version is unknown;
// a historical proof takes the network's capella offset from --network,
// a config.yaml, and the document carries the network so that verify
// needs no built-in table (bug 2).
func TestDevnetWithdrawalFromFiles(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config.yaml", []byte(devnetConfig))

	t.Run("recent", func(t *testing.T) {
		c := devnetChain(t, 100, [4]byte{4, 0, 0, 1}, 90)
		state := writeFile(t, dir, "recent-state.ssz", c.State)
		block := writeFile(t, dir, "recent-block.ssz", signedBlock(c.Past[90].Block))
		d := parseDoc(t, proveAndVerify(t, "withdrawal", "--preset", "minimal", "--block", block, "--withdrawal-num", "0", state))
		if got := kindList(d); got != "slot,withdrawal" {
			t.Fatalf("kinds %s", got)
		}
	})

	c := devnetChain(t, 200, [4]byte{4, 0, 0, 1}, 70)
	ps := c.Past[70]
	if !ps.Historical {
		t.Fatal("slot 70 is not historical from slot 200")
	}
	state := writeFile(t, dir, "state.ssz", c.State)
	block := writeFile(t, dir, "block.ssz", signedBlock(ps.Block))
	for _, v := range []struct {
		name    string
		version [4]byte
	}{{"era state of a known version", [4]byte{4, 0, 0, 1}}, {"era state of an unknown version", [4]byte{0xde, 0xad, 0xbe, 0xef}}} {
		t.Run(v.name, func(t *testing.T) {
			era := devnetChain(t, 128, v.version)
			eraState, err := synth.ReplaceField(schemasOf(t, fork.Deneb, "minimal").BeaconState, era.State, "block_roots", ps.EraBlockRoots)
			if err != nil {
				t.Fatal(err)
			}
			eraFile := writeFile(t, dir, "era-"+v.name+".ssz", eraState)
			out := proveAndVerify(t, "withdrawal", "--network", cfg, "--fork", "deneb", "--preset", "minimal",
				"--block", block, "--withdrawal-num", "0", "--era-block-roots", eraFile, state)
			d := parseDoc(t, out)
			if got := kindList(d); got != "slot,historical_withdrawal" {
				t.Fatalf("kinds %s", got)
			}
			for _, want := range []string{`"network": "devnet-13"`, `"network_config"`, `"historical_summaries_offset": "0"`, `"version": "0x04000001"`} {
				if !strings.Contains(out, want) {
					t.Errorf("the document lacks %s", want)
				}
			}
		})
	}
	// Without the network, mainnet's capella era (758) is assumed, and the
	// error says so.
	runCLI(t, nil, "prove", "withdrawal", "--preset", "minimal", "--block", block, "--withdrawal-num", "0", "--era-block-roots", state, state).
		failsWithOneLine(t, "mainnet")
}

func schemasOf(t *testing.T, forkName, preset string) *fork.Schemas {
	t.Helper()
	s, err := fork.SchemasOf(forkName, preset)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// devnetNode is a fake node on a network that is no built-in one: mainnet's
// schedule under another name and genesis.
func devnetNode(t *testing.T, f fixtures, state []byte) chainNode {
	t.Helper()
	n := newChainNode(t, f, state, 0)
	net := mainnet(t)
	net.Name = "devnet-13"
	net.GenesisValidatorsRoot = [32]byte{0x13}
	n.net = net
	return n
}

// Bug 2: withdrawals and fixtures from a node on a network that is no
// built-in one: the node's network is read from the node, and the
// documents carry it.
func TestProveFromUnknownNetworkNode(t *testing.T) {
	f := writeFixtures(t)
	n := devnetNode(t, f, mustRead(t, f.later))
	ws := strconv.FormatUint(fixtureSlot, 10)
	for _, fm := range []string{"json", "rocketpool", "calldata"} {
		out := proveAndVerify(t, "withdrawal", "--beacon-url", n.srv.URL, "--validator", "7", "--withdrawal-slot", ws, "--format", fm)
		if !strings.Contains(out, `"devnet-13"`) || !strings.Contains(out, `etworkConfig"`) && !strings.Contains(out, `"network_config"`) {
			t.Errorf("%s: the document does not carry the node's network", fm)
		}
	}
	out := t.TempDir()
	runCLI(t, nil, "fixtures", "--beacon-url", n.srv.URL, "--index", "7", "--validator", "7", "--withdrawal-slot", ws, "--out", out).ok(t)
	files, err := filepath.Glob(filepath.Join(out, "*.json"))
	if err != nil || len(files) < 5 {
		t.Fatalf("fixtures: %v, %v", files, err)
	}
	for _, file := range files {
		if filepath.Base(file) != "manifest.json" {
			runCLI(t, nil, "verify", file).ok(t)
		}
	}

	// Historical: the era's block_roots from the node's state, the capella
	// offset from the node's network.
	h := devnetNode(t, f, mustRead(t, f.historical))
	era := uint64(fixtureSlot / 8192)
	eraState, err := synth.Advance(fuluSchemas(t), mustRead(t, f.state), (era+1)*8192, func(roots []byte) { copy(roots, mustRead(t, f.eraRoots)) }, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.states[strconv.FormatUint((era+1)*8192, 10)] = eraState
	d := parseDoc(t, proveAndVerify(t, "withdrawal", "--beacon-url", h.srv.URL, "--validator", "13", "--withdrawal-slot", ws))
	if got := kindList(d); got != "slot,historical_withdrawal" {
		t.Fatalf("kinds %s", got)
	}
}

// --network takes the path of a config.yaml wherever it takes a name: a
// devnet block's fork comes from its slot on the devnet's schedule.
func TestNetworkConfigYAML(t *testing.T) {
	dir := t.TempDir()
	cfg := writeFile(t, dir, "config.yaml", []byte(devnetConfig))
	c := devnetChain(t, 100, [4]byte{4, 0, 0, 1}, 90)
	block := writeFile(t, dir, "block.ssz", c.Past[90].Block)
	want, err := ssz.HashTreeRoot(schemasOf(t, fork.Deneb, fork.PresetMinimal).BeaconBlock, c.Past[90].Block)
	if err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, nil, "root", "--type", "BeaconBlock", "--preset", "minimal", "--network", cfg, block).ok(t)
	if got := strings.TrimSpace(r.stdout); got != proof.FormatHash(want) {
		t.Fatalf("root %s, want %s", got, proof.FormatHash(want))
	}
	runCLI(t, nil, "root", "--type", "BeaconBlock", "--preset", "minimal", "--network", "nosuch", block).failsWithOneLine(t, "nor the path of a config.yaml")
	runCLI(t, nil, "root", "--type", "BeaconBlock", "--preset", "minimal", "--network", filepath.Join(dir, "missing.yaml"), block).failsWithOneLine(t, "missing.yaml")
}

// Bug 4: the withdrawal search's advice names the CLI's flags, never the
// library's fields (the error said "set FromSlot" where the flag is
// --search-from); every bound the advice names is a flag.
func TestSearchAdviceNamesFlags(t *testing.T) {
	f := writeFixtures(t)
	n := newChainNode(t, f, mustRead(t, f.later), 0)
	from := strconv.FormatUint(fixtureSlot-3, 10) // slots without blocks before the fixture's
	for _, c := range []struct {
		flags []string
		want  string
	}{
		{[]string{"--search-requests", "2"}, "allow more block requests (--search-requests)"},
		{[]string{"--search-slots", "2"}, "search more slots (--search-slots)"},
	} {
		args := append([]string{"prove", "withdrawal", "--beacon-url", n.srv.URL, "--validator", "13", "--search-from", from}, c.flags...)
		r := runCLI(t, nil, args...)
		r.failsWithOneLine(t, c.want)
		for _, field := range []string{"FromSlot", "MaxSlots", "MaxRequests"} {
			if strings.Contains(r.stderr, field) {
				t.Errorf("%v: the error names %s: %s", c.flags, field, r.stderr)
			}
		}
	}
	for err, want := range map[error]string{
		beaconapi.ErrSearchStart:    "--search-from",
		beaconapi.ErrSearchSlots:    "--search-slots",
		beaconapi.ErrSearchRequests: "--search-requests",
	} {
		if got := flagHint(fmt.Errorf("search: %w", err)); !strings.Contains(got, want) {
			t.Errorf("the hint of %v is %q, want one naming %s", err, got, want)
		}
	}
}

// Bug 3: a block the node serves whose root is not the node's block root
// at its slot fails, also without a child block (the head).
func TestBlockFieldRootChecked(t *testing.T) {
	f := writeFixtures(t)
	n := newFakeNode(t, mainnet(t))
	block := mustRead(t, f.block)
	h := blockHeader(t, block)
	other := h
	other.proposer++
	n.addHeader(other, true)
	n.blocks["head"] = signedBlock(block)
	r := runCLI(t, nil, "prove", "block-field", "--beacon-url", n.srv.URL, "--block", "head", "--field", "slot")
	r.failsWithOneLine(t, "node's block root at slot")
	root := other.root(t)
	if !strings.Contains(r.stderr, proof.FormatHash(root)) {
		t.Errorf("error %q does not name the node's root", r.stderr)
	}
	// The node's own header: the same run succeeds, anchored to its root.
	n.addHeader(h, true)
	d := parseDoc(t, proveAndVerify(t, "block-field", "--beacon-url", n.srv.URL, "--block", "head", "--field", "slot"))
	if root := h.root(t); d.Anchor.Root != proof.FormatHash(root) {
		t.Errorf("anchor root %s, want the node's %s", d.Anchor.Root, proof.FormatHash(root))
	}
}

// Bug 6: a node that keeps neither the blocks of a historical
// withdrawal's era nor old states, and answers a server error for the
// state at the era's end (Lodestar: 500 while regenerating it), gets an
// error that says the node keeps neither and what to do, not the node's
// answer alone; with era files or the era's block_roots given, that node
// is enough.
func TestHistoricalFromPruningNode(t *testing.T) {
	f := writeFixtures(t)
	n := newChainNode(t, f, mustRead(t, f.historical), 0)
	eraEnd := strconv.FormatUint((fixtureSlot/8192+1)*8192, 10)
	n.headers["finalized"] = stateHeader(t, mustRead(t, f.historical))
	lodestar := newFakeNode(t, mainnet(t))
	lodestar.srv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/eth/v2/debug/beacon/states/"+eraEnd {
			writeError(w, 500, "Block parent root 0xfa61ab0faf7a4a131c9dbd9fdef0f6a65ebd6dfebd65c2bc8a23783b63c612bd does not match state latest block, block slot=3")
			return
		}
		n.srv.Config.Handler.ServeHTTP(w, r)
	})
	args := []string{"withdrawal", "--beacon-url", lodestar.srv.URL, "--validator", "13", "--withdrawal-slot", strconv.FormatUint(fixtureSlot, 10)}
	r := runCLI(t, nil, append([]string{"prove"}, args...)...)
	r.failsWithOneLine(t, "keeps neither the blocks of its era")
	for _, want := range []string{"--era FILE|DIR", "--era-block-roots", "archive node", eraEnd, "finalized slot", "does not match state latest block"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("error %q lacks %q", r.stderr, want)
		}
	}
	file, _ := writeEraFile(t, f)
	want := proveAndVerify(t, append(args, "--era-block-roots", f.eraRoots)...)
	if got := proveAndVerify(t, append(args, "--era", file)...); got != want {
		t.Error("the document from --era differs from --era-block-roots'")
	}
}
