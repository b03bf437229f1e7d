package format_test

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

const devnetYAML = `PRESET_BASE: 'minimal'
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
`

func devnet(t *testing.T) *fork.Network {
	t.Helper()
	n, err := fork.LoadNetworkConfig(strings.NewReader(devnetYAML))
	if err != nil {
		t.Fatal(err)
	}
	n.GenesisTime = 1796585809
	n.GenesisValidatorsRoot = [32]byte{0x3e, 0x8b}
	return n
}

// TestNetworkConfigRoundTrip: a network's facts, written and read back
// through JSON, are the network.
func TestNetworkConfigRoundTrip(t *testing.T) {
	for _, n := range append(fork.Networks(), devnet(t)) {
		b, err := json.Marshal(format.NetworkConfigOf(n))
		if err != nil {
			t.Fatal(err)
		}
		var c format.NetworkConfig
		if err := json.Unmarshal(b, &c); err != nil {
			t.Fatal(err)
		}
		got, err := c.Network()
		if err != nil {
			t.Fatalf("%s: %v", n.Name, err)
		}
		want := *n
		want.MinGenesisTime, want.GenesisDelay, want.DepositChainID, want.DepositNetworkID, want.DepositContractAddress = 0, 0, 0, 0, [20]byte{}
		if !reflect.DeepEqual(*got, want) {
			t.Errorf("%s: read back as %+v, want %+v", n.Name, *got, want)
		}
		off, _ := n.HistoricalSummariesOffset()
		if c.HistoricalSummariesOffset == nil || uint64(*c.HistoricalSummariesOffset) != off {
			t.Errorf("%s: historical_summaries_offset %v, want %d", n.Name, c.HistoricalSummariesOffset, off)
		}
	}
}

func TestNetworkConfigRejects(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(c *format.NetworkConfig)
		want string
	}{
		{"short version", func(c *format.NetworkConfig) { c.Forks[1].Version = "0x010000" }, "not 4 bytes"},
		{"version without 0x", func(c *format.NetworkConfig) { c.Forks[1].Version = "01000001" }, "not 4 bytes"},
		{"unknown preset", func(c *format.NetworkConfig) { c.Preset = "tiny" }, "tiny"},
		{"offset not the schedule's", func(c *format.NetworkConfig) { o := format.U64(758); c.HistoricalSummariesOffset = &o }, "the fork schedule gives 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := format.NetworkConfigOf(devnet(t))
			tc.edit(c)
			_, err := c.Network()
			if err == nil || !errors.Is(err, proof.ErrMalformed) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v, want ErrMalformed saying %q", err, tc.want)
			}
		})
	}
}

// TestDocumentsCarryNetwork: with Input.NetworkConfig, every format that
// names a network carries its facts, and reads and verifies back.
func TestDocumentsCarryNetwork(t *testing.T) {
	in := input(t)
	net := devnet(t)
	in.Network, in.NetworkConfig = net.Name, net
	for _, c := range []struct {
		name, protocol format.Name
		key            string
	}{
		{format.JSON, "", `"network_config"`},
		{format.RocketPool, "", `"networkConfig"`},
		{format.Calldata, format.RocketPool, `"networkConfig"`},
	} {
		b := emit(t, in, c.name, c.protocol)
		if !strings.Contains(string(b), c.key) || !strings.Contains(string(b), `"0x04000001"`) {
			t.Errorf("%s: no %s with the devnet's versions in %.300s", c.name, c.key, b)
		}
		parseVerify(t, b, c.name)
	}
}

// historicalInput returns the input of a historical withdrawal proved
// from a generated electra chain of net: the block three eras and 77 slots
// before the anchor pays withdrawal 1, as in lidoInputs.
func historicalInput(t *testing.T, net *fork.Network) format.Input {
	t.Helper()
	ver, _ := net.Fork(fork.Electra)
	offset, err := net.HistoricalSummariesOffset()
	if err != nil {
		t.Fatal(err)
	}
	slot := ver.Epoch*net.SlotsPerEpoch + 30_000
	ws := slot - 3*8192 - 77
	ch, err := synth.NewChain(synth.ChainOptions{Fork: fork.Electra, SummariesOffset: offset, Past: []uint64{ws},
		Options:     synth.Options{Validators: 64, Slot: slot, Seed: 3, ExitedEvery: 8, ForkVersion: ver.Version, GenesisTime: net.GenesisTime},
		Withdrawals: []synth.Withdrawal{{Index: 76_999, ValidatorIndex: 3, Address: [20]byte{1}, Amount: 5}, {Index: 77_000, ValidatorIndex: 7, Address: synth.DefaultAddress, Amount: 32_000_000_000}}})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := beaconstate.NewObject(fork.Electra, "mainnet", "BeaconState", ch.State)
	if err != nil {
		t.Fatal(err)
	}
	p, err := beaconstate.NewProver(obj)
	if err != nil {
		t.Fatal(err)
	}
	sp, err := staking.NewStateProver(p, staking.AnchorBlock)
	if err != nil {
		t.Fatal(err)
	}
	block, err := beaconstate.NewObject(fork.Electra, "mainnet", "BeaconBlock", ch.Past[ws].Block)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sp.Withdrawal(staking.WithdrawalSource{Block: block, EraBlockRoots: ch.Past[ws].EraBlockRoots, Network: net}, 1)
	if err != nil {
		t.Fatal(err)
	}
	if c.Kind != staking.KindHistoricalWithdrawal {
		t.Fatalf("a %s claim, want a historical withdrawal", c.Kind)
	}
	anchor := sp.Anchor()
	anchor.Timestamp = net.SlotTime(slot + 1)
	return format.Input{Fork: fork.Electra, Preset: "mainnet", Network: net.Name, Anchor: anchor, Claims: []staking.Claim{c}}
}

// TestHistoricalOnUnknownNetwork (issue 13, bug 2): a historical
// withdrawal of a network outside the built-in table verifies with the
// facts its document carries, cannot be written without them, and fails
// when the carried capella epoch (which places the summary) is moved by
// four eras.
func TestHistoricalOnUnknownNetwork(t *testing.T) {
	main, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	cfg := format.NetworkConfigOf(main)
	cfg.Name = "devnet-13"
	net, err := cfg.Network()
	if err != nil {
		t.Fatal(err)
	}
	_, lido := lidoInputs(t, fork.Electra)
	lido.Network = net.Name
	rp := historicalInput(t, net)
	for _, c := range []struct {
		name, protocol format.Name
		in             format.Input
	}{{format.JSON, "", rp}, {format.RocketPool, "", rp}, {format.Calldata, format.RocketPool, rp}, {format.Lido, "", lido}, {format.Calldata, format.Lido, lido}} {
		t.Run(string(c.name)+"/"+string(c.protocol), func(t *testing.T) {
			if _, err := format.Emit(c.in, c.name, c.protocol); err == nil || !strings.Contains(err.Error(), `"devnet-13"`) {
				t.Errorf("without the network's facts: err %v, want one naming the unknown network", err)
			}
			with := c.in
			with.NetworkConfig = net
			b := emit(t, with, c.name, c.protocol)
			parseVerify(t, b, c.name)
			capella := `"name": "capella",` + "\n" + `        "version": "0x03000000",` + "\n" + `        "epoch": "194048"`
			bad := strings.Replace(string(b), capella, strings.Replace(capella, "194048", "195072", 1), 1)
			if bad == string(b) {
				t.Fatalf("no capella entry %q in %s", capella, b)
			}
			bad = strings.Replace(bad, `"historical_summaries_offset": "758"`, `"historical_summaries_offset": "762"`, 1)
			if d, err := format.Parse([]byte(bad)); err == nil && d.Verify() == nil {
				t.Error("a document whose capella epoch was moved by four eras verifies")
			}
		})
	}
}
