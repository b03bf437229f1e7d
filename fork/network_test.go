package fork

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	gethparams "github.com/ethereum/go-ethereum/beacon/params"
)

// TestNetworkSchedules pins the genesis and fork schedule of the built-in
// networks, a table in the repository, and checks the table against
// go-ethereum's beacon/params for the networks go-ethereum ships.
func TestNetworkSchedules(t *testing.T) {
	ff := FarFutureEpoch
	tests := []struct {
		name        string
		genesisTime uint64
		gvr         string
		epochs      []uint64 // phase0 to gloas
		versions    []string
		geth        *gethparams.ChainConfig
	}{
		{"mainnet", 1606824023, "4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",
			[]uint64{0, 74240, 144896, 194048, 269568, 364032, 411392, ff},
			[]string{"00000000", "01000000", "02000000", "03000000", "04000000", "05000000", "06000000", "07000000"},
			gethparams.MainnetLightConfig},
		{"sepolia", 1655733600, "d8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078",
			[]uint64{0, 50, 100, 56832, 132608, 222464, 272640, 353024},
			[]string{"90000069", "90000070", "90000071", "90000072", "90000073", "90000074", "90000075", "90000076"},
			gethparams.SepoliaLightConfig},
		{"hoodi", 1742213400, "212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f",
			[]uint64{0, 0, 0, 0, 0, 2048, 50688, ff},
			[]string{"10000910", "20000910", "30000910", "40000910", "50000910", "60000910", "70000910", "80000910"},
			gethparams.HoodiLightConfig},
		{"holesky", 1695902400, "9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1",
			[]uint64{0, 0, 0, 256, 29696, 115968, 165120, ff},
			[]string{"01017000", "02017000", "03017000", "04017000", "05017000", "06017000", "07017000", "08017000"},
			nil},
	}
	for _, tc := range tests {
		n, err := NetworkByName(tc.name)
		if err != nil {
			t.Fatal(err)
		}
		if n.GenesisTime != tc.genesisTime || hex.EncodeToString(n.GenesisValidatorsRoot[:]) != tc.gvr {
			t.Errorf("%s: genesis %d %x", tc.name, n.GenesisTime, n.GenesisValidatorsRoot)
		}
		if len(n.Forks) != len(tc.epochs) {
			t.Fatalf("%s: %d forks", tc.name, len(n.Forks))
		}
		for i, f := range n.Forks {
			if f.Name != builtinForks[i].Name || f.Epoch != tc.epochs[i] || hex.EncodeToString(f.Version[:]) != tc.versions[i] {
				t.Errorf("%s: fork %d = %s epoch %d version %x; want %s %d %s",
					tc.name, i, f.Name, f.Epoch, f.Version, builtinForks[i].Name, tc.epochs[i], tc.versions[i])
			}
		}
		if tc.geth == nil {
			continue
		}
		if n.GenesisTime != tc.geth.GenesisTime || n.GenesisValidatorsRoot != tc.geth.GenesisValidatorsRoot {
			t.Errorf("%s: genesis differs from go-ethereum's", tc.name)
		}
		for _, gf := range tc.geth.Forks {
			name := strings.ToLower(gf.Name)
			if name == "genesis" {
				name = Phase0
			}
			f, ok := n.Fork(name)
			if !ok || f.Epoch != gf.Epoch || !bytes.Equal(f.Version[:], gf.Version) {
				t.Errorf("%s: %s = %+v, go-ethereum has epoch %d version %x", tc.name, name, f, gf.Epoch, gf.Version)
			}
		}
	}
}

// TestScheduleForkErrors checks that ScheduleFork refuses an unknown
// network and a fork name or version the network already has, and
// changes nothing then. (A successful call is exercised by the made-up
// fork test in internal/conformance, which runs in its own process.)
func TestScheduleForkErrors(t *testing.T) {
	tests := []struct {
		name    string
		network string
		f       ForkSchedule
		is      error
	}{
		{"unknown network", "nonet", ForkSchedule{Name: "heze", Version: [4]byte{9, 9, 9, 9}}, ErrUnknownNetwork},
		{"name taken", "mainnet", ForkSchedule{Name: Gloas, Version: [4]byte{9, 9, 9, 9}}, ErrForkScheduled},
		{"version taken", "hoodi", ForkSchedule{Name: "heze", Version: [4]byte{0x80, 0x00, 0x09, 0x10}}, ErrForkScheduled},
		{"no name", "mainnet", ForkSchedule{Version: [4]byte{9, 9, 9, 9}}, nil},
	}
	for _, tc := range tests {
		err := ScheduleFork(tc.network, tc.f)
		if err == nil || (tc.is != nil && !errors.Is(err, tc.is)) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.is)
		}
	}
	for _, n := range Networks() {
		if len(n.Forks) != len(builtinForks) {
			t.Errorf("%s: %d forks after failed ScheduleFork calls", n.Name, len(n.Forks))
		}
	}
}

func TestNetworksWellFormed(t *testing.T) {
	nets := Networks()
	if len(nets) != 4 {
		t.Fatalf("%d networks", len(nets))
	}
	for _, n := range nets {
		if len(n.Forks) != len(builtinForks) {
			t.Errorf("%s: %d forks scheduled", n.Name, len(n.Forks))
		}
		versions := map[[4]byte]bool{}
		for i, f := range n.Forks {
			if f.Name != builtinForks[i].Name {
				t.Errorf("%s: fork %d is %s, want %s", n.Name, i, f.Name, builtinForks[i].Name)
			}
			if i > 0 && f.Epoch < n.Forks[i-1].Epoch {
				t.Errorf("%s: %s activates before %s", n.Name, f.Name, n.Forks[i-1].Name)
			}
			if versions[f.Version] {
				t.Errorf("%s: version %x used twice", n.Name, f.Version)
			}
			versions[f.Version] = true
		}
		if n.GenesisTime != n.MinGenesisTime+n.GenesisDelay && n.Name != "mainnet" {
			t.Errorf("%s: genesis time %d != MIN_GENESIS_TIME + GENESIS_DELAY", n.Name, n.GenesisTime)
		}
		if n.PresetName() != PresetMainnet || n.SlotsPerEpoch != 32 || n.SecondsPerSlot != 12 {
			t.Errorf("%s: preset %s, %d slots per epoch, %d s per slot", n.Name, n.PresetName(), n.SlotsPerEpoch, n.SecondsPerSlot)
		}
	}
	// copies: changing one must not change the table
	nets[0].Forks[0].Epoch = 99
	if m, _ := NetworkByName("mainnet"); m.Forks[0].Epoch != 0 {
		t.Error("Networks() returned the built-in table itself")
	}
	if _, err := NetworkByName("goerli"); !errors.Is(err, ErrUnknownNetwork) {
		t.Errorf("goerli: err = %v", err)
	}
}

func TestHistoricalSummariesOffset(t *testing.T) {
	tests := []struct {
		network      string
		capellaEpoch uint64
		offset       uint64
	}{
		{"mainnet", 194048, 758}, // 194048 * 32 / 8192
		{"sepolia", 56832, 222},
		{"hoodi", 0, 0},
		{"holesky", 256, 1},
	}
	for _, tc := range tests {
		n, err := NetworkByName(tc.network)
		if err != nil {
			t.Fatal(err)
		}
		if got := n.CapellaEpoch(); got != tc.capellaEpoch {
			t.Errorf("%s: capella epoch %d, want %d", tc.network, got, tc.capellaEpoch)
		}
		got, err := n.HistoricalSummariesOffset()
		if err != nil || got != tc.offset {
			t.Errorf("%s: offset %d (%v), want %d", tc.network, got, err, tc.offset)
		}
	}
	n, _ := NetworkByName("mainnet")
	n.Forks = n.Forks[:3]
	if _, err := n.HistoricalSummariesOffset(); !errors.Is(err, ErrForkNotScheduled) {
		t.Errorf("no capella: err = %v", err)
	}
}

func TestForkAt(t *testing.T) {
	mainnet, _ := NetworkByName("mainnet")
	hoodi, _ := NetworkByName("hoodi")
	sepolia, _ := NetworkByName("sepolia")
	tests := []struct {
		n     *Network
		epoch uint64
		want  string
	}{
		{mainnet, 0, Phase0},
		{mainnet, 74239, Phase0},
		{mainnet, 74240, Altair},
		{mainnet, 194047, Bellatrix},
		{mainnet, 194048, Capella},
		{mainnet, 269568, Deneb},
		{mainnet, 364032, Electra},
		{mainnet, 411392, Fulu},
		{mainnet, FarFutureEpoch - 1, Fulu},
		{mainnet, FarFutureEpoch, Fulu}, // gloas is not scheduled
		{hoodi, 0, Deneb},               // phase0 to deneb all at epoch 0
		{hoodi, 2048, Electra},
		{sepolia, 353024, Gloas},
	}
	for _, tc := range tests {
		if got := tc.n.ForkAtEpoch(tc.epoch); got != tc.want {
			t.Errorf("%s ForkAtEpoch(%d) = %s, want %s", tc.n.Name, tc.epoch, got, tc.want)
		}
		if tc.epoch < FarFutureEpoch/64 {
			if got := tc.n.ForkAtSlot(tc.epoch*32 + 31); got != tc.want {
				t.Errorf("%s ForkAtSlot(%d) = %s, want %s", tc.n.Name, tc.epoch*32+31, got, tc.want)
			}
		}
	}
	for _, tc := range []struct {
		v    [4]byte
		want string
		ok   bool
	}{
		{[4]byte{4, 0, 0, 0}, Deneb, true},
		{[4]byte{7, 0, 0, 0}, Gloas, true},
		{[4]byte{9, 9, 9, 9}, "", false},
	} {
		got, ok := mainnet.ForkByVersion(tc.v)
		if got != tc.want || ok != tc.ok {
			t.Errorf("ForkByVersion(%x) = %s, %v", tc.v, got, ok)
		}
	}
	if got := mainnet.SlotTime(0); got != 1606824023 {
		t.Errorf("SlotTime(0) = %d", got)
	}
	if got := mainnet.SlotTime(6209536); got != 1606824023+6209536*12 { // first capella slot
		t.Errorf("SlotTime(6209536) = %d", got)
	}
}

const testConfigYAML = `# a test network
PRESET_BASE: 'minimal'
CONFIG_NAME: testnet
MIN_GENESIS_TIME: 1700000000
GENESIS_DELAY: 300
GENESIS_FORK_VERSION: 0x00000001
ALTAIR_FORK_VERSION: 0x01000001
ALTAIR_FORK_EPOCH: 0
BELLATRIX_FORK_VERSION: 0x02000001
BELLATRIX_FORK_EPOCH: 0
TERMINAL_BLOCK_HASH_ACTIVATION_EPOCH: 18446744073709551615
CAPELLA_FORK_VERSION: "0x03000001"
CAPELLA_FORK_EPOCH: 16
DENEB_FORK_VERSION: 0x04000001
DENEB_FORK_EPOCH: 32
ELECTRA_FORK_VERSION: 0x05000001
ELECTRA_FORK_EPOCH: 18446744073709551615
HEZE_FORK_VERSION: 0x09000001
HEZE_FORK_EPOCH: 18446744073709551615
SECONDS_PER_SLOT: 6
DEPOSIT_CHAIN_ID: 1337
DEPOSIT_NETWORK_ID: 1337
DEPOSIT_CONTRACT_ADDRESS: 0x4242424242424242424242424242424242424242
BLOB_SCHEDULE:
  - EPOCH: 32
    MAX_BLOBS_PER_BLOCK: 9
`

func TestLoadNetworkConfig(t *testing.T) {
	n, err := LoadNetworkConfig(strings.NewReader(testConfigYAML))
	if err != nil {
		t.Fatal(err)
	}
	if n.Name != "testnet" || n.PresetName() != PresetMinimal || n.SlotsPerEpoch != 8 || n.SecondsPerSlot != 6 {
		t.Errorf("network %+v", n)
	}
	if n.MinGenesisTime != 1700000000 || n.GenesisDelay != 300 || n.GenesisTime != 0 {
		t.Errorf("genesis: %d %d %d", n.MinGenesisTime, n.GenesisDelay, n.GenesisTime)
	}
	if n.DepositChainID != 1337 || n.DepositContractAddress[0] != 0x42 {
		t.Errorf("deposit contract: %d %x", n.DepositChainID, n.DepositContractAddress)
	}
	var names []string
	for _, f := range n.Forks {
		names = append(names, f.Name)
	}
	if strings.Join(names, ",") != "phase0,altair,bellatrix,capella,deneb,electra,heze" {
		t.Errorf("forks %v", names)
	}
	tests := []struct {
		epoch uint64
		want  string
	}{{0, Bellatrix}, {15, Bellatrix}, {16, Capella}, {31, Capella}, {32, Deneb}, {1 << 40, Deneb}}
	for _, tc := range tests {
		if got := n.ForkAtEpoch(tc.epoch); got != tc.want {
			t.Errorf("ForkAtEpoch(%d) = %s, want %s", tc.epoch, got, tc.want)
		}
	}
	if got, ok := n.ForkByVersion([4]byte{3, 0, 0, 1}); !ok || got != Capella {
		t.Errorf("ForkByVersion(capella) = %s, %v", got, ok)
	}
	if off, err := n.HistoricalSummariesOffset(); err != nil || off != 16*8/64 {
		t.Errorf("offset %d, %v", off, err)
	}
	n.GenesisTime = 1700000300
	if got := n.SlotTime(10); got != 1700000360 {
		t.Errorf("SlotTime(10) = %d", got)
	}

	bad := []struct {
		name, yaml string
	}{
		{"no genesis version", "CONFIG_NAME: x\nSECONDS_PER_SLOT: 12\n"},
		{"short version", "GENESIS_FORK_VERSION: 0x0000\n"},
		{"bad epoch", "GENESIS_FORK_VERSION: 0x00000000\nALTAIR_FORK_VERSION: 0x01000000\nALTAIR_FORK_EPOCH: soon\n"},
		{"bad number", "GENESIS_FORK_VERSION: 0x00000000\nSECONDS_PER_SLOT: -1\n"},
		{"not yaml", "GENESIS_FORK_VERSION: [0x00000000\n"},
	}
	for _, tc := range bad {
		if _, err := LoadNetworkConfig(strings.NewReader(tc.yaml)); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// TestLoadNetworkConfigSlotDuration reads the slot time newer configs give
// in milliseconds.
func TestLoadNetworkConfigSlotDuration(t *testing.T) {
	n, err := LoadNetworkConfig(strings.NewReader("GENESIS_FORK_VERSION: 0x00000000\nSLOT_DURATION_MS: 12000\n"))
	if err != nil {
		t.Fatal(err)
	}
	if n.SecondsPerSlot != 12 || n.PresetName() != PresetMainnet || n.SlotsPerEpoch != 32 {
		t.Errorf("%+v", n)
	}
}
