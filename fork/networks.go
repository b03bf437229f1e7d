package fork

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// ErrForkScheduled reports a ScheduleFork call for a fork, or a fork
// version, that the network already schedules.
var ErrForkScheduled = errors.New("fork already scheduled")

// builtinNetworkTable returns the built-in networks. Genesis time, genesis
// validators root and the version and epoch of every fork go-ethereum
// v1.17.10 schedules are go-ethereum's (beacon/params MainnetLightConfig,
// SepoliaLightConfig, HoodiLightConfig; a test checks them against it).
// The rest is from the networks' published config.yaml
// (github.com/eth-clients/{mainnet,sepolia,hoodi,holesky}, as in
// Lodestar's chainConfig/networks): the versions of the forks go-ethereum
// does not schedule, which stay at FarFutureEpoch; the deposit contract;
// and all of holesky, which go-ethereum no longer ships.
func builtinNetworkTable() []Network {
	ff := farFuture
	return []Network{{
		Name:                   "mainnet",
		PresetBase:             PresetMainnet,
		GenesisTime:            1606824023,
		GenesisValidatorsRoot:  mustRoot("0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95"),
		MinGenesisTime:         1606824000,
		GenesisDelay:           604800,
		SecondsPerSlot:         12,
		SlotsPerEpoch:          32,
		DepositChainID:         1,
		DepositNetworkID:       1,
		DepositContractAddress: mustAddress("0x00000000219ab540356cBB839Cbe05303d7705Fa"),
		Forks: schedule(
			[]uint32{0x00000000, 0x01000000, 0x02000000, 0x03000000, 0x04000000, 0x05000000, 0x06000000, 0x07000000},
			[]uint64{0, 74240, 144896, 194048, 269568, 364032, 411392, ff}),
	}, {
		Name:                   "sepolia",
		PresetBase:             PresetMainnet,
		GenesisTime:            1655733600,
		GenesisValidatorsRoot:  mustRoot("0xd8ea171f3c94aea21ebc42a1ed61052acf3f9209c00e4efbaaddac09ed9b8078"),
		MinGenesisTime:         1655647200,
		GenesisDelay:           86400,
		SecondsPerSlot:         12,
		SlotsPerEpoch:          32,
		DepositChainID:         11155111,
		DepositNetworkID:       11155111,
		DepositContractAddress: mustAddress("0x7f02C3E3c98b133055B8B348B2Ac625669Ed295D"),
		Forks: schedule(
			[]uint32{0x90000069, 0x90000070, 0x90000071, 0x90000072, 0x90000073, 0x90000074, 0x90000075, 0x90000076},
			[]uint64{0, 50, 100, 56832, 132608, 222464, 272640, 353024}),
	}, {
		Name:                   "hoodi",
		PresetBase:             PresetMainnet,
		GenesisTime:            1742213400,
		GenesisValidatorsRoot:  mustRoot("0x212f13fc4df078b6cb7db228f1c8307566dcecf900867401a92023d7ba99cb5f"),
		MinGenesisTime:         1742212800,
		GenesisDelay:           600,
		SecondsPerSlot:         12,
		SlotsPerEpoch:          32,
		DepositChainID:         560048,
		DepositNetworkID:       560048,
		DepositContractAddress: mustAddress("0x00000000219ab540356cBB839Cbe05303d7705Fa"),
		Forks: schedule(
			[]uint32{0x10000910, 0x20000910, 0x30000910, 0x40000910, 0x50000910, 0x60000910, 0x70000910, 0x80000910},
			[]uint64{0, 0, 0, 0, 0, 2048, 50688, ff}),
	}, {
		Name:                   "holesky",
		PresetBase:             PresetMainnet,
		GenesisTime:            1695902400,
		GenesisValidatorsRoot:  mustRoot("0x9143aa7c615a7f7115e2b6aac319c03529df8242ae705fba9df39b79c59fa8b1"),
		MinGenesisTime:         1695902100,
		GenesisDelay:           300,
		SecondsPerSlot:         12,
		SlotsPerEpoch:          32,
		DepositChainID:         17000,
		DepositNetworkID:       17000,
		DepositContractAddress: mustAddress("0x4242424242424242424242424242424242424242"),
		Forks: schedule(
			[]uint32{0x01017000, 0x02017000, 0x03017000, 0x04017000, 0x05017000, 0x06017000, 0x07017000, 0x08017000},
			[]uint64{0, 0, 0, 256, 29696, 115968, 165120, ff}),
	}}
}

// schedule pairs the built-in forks, phase0 to gloas, with their versions
// (written as big-endian numbers, as the configs do) and epochs.
func schedule(versions []uint32, epochs []uint64) []ForkSchedule {
	if len(versions) != len(builtinForks) || len(epochs) != len(builtinForks) {
		panic("fork: a built-in network's schedule does not list every built-in fork")
	}
	out := make([]ForkSchedule, len(versions))
	for i, v := range versions {
		out[i] = ForkSchedule{
			Name:    builtinForks[i].Name,
			Version: [4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)},
			Epoch:   epochs[i],
		}
	}
	return out
}

// networks holds the built-in networks, with the forks ScheduleFork adds.
var networks = struct {
	sync.RWMutex
	list []Network
}{list: builtinNetworkTable()}

// ScheduleFork adds a fork to the schedule of the built-in network named
// network: its version, so that DetectFromStateBytes recognises its
// states, and its activation epoch (FarFutureEpoch while it is not
// scheduled), so that ForkAtSlot maps slots to it. It is how a fork
// registered with Register joins the built-in networks. The fork need not
// be registered yet. The error wraps ErrUnknownNetwork, or
// ErrForkScheduled when the network already has a fork of that name or
// version.
func ScheduleFork(network string, f ForkSchedule) error {
	if f.Name == "" {
		return fmt.Errorf("fork: schedule fork on %s: empty fork name", network)
	}
	networks.Lock()
	defer networks.Unlock()
	for i := range networks.list {
		n := &networks.list[i]
		if n.Name != network {
			continue
		}
		for _, g := range n.Forks {
			if g.Name == f.Name || g.Version == f.Version {
				return fmt.Errorf("fork: schedule %s (version %#x) on %s: %w: %s has version %#x",
					f.Name, f.Version[:], network, ErrForkScheduled, g.Name, g.Version[:])
			}
		}
		forks := append(append([]ForkSchedule(nil), n.Forks...), f)
		sortSchedule(forks)
		n.Forks = forks
		return nil
	}
	return fmt.Errorf("fork: schedule fork %s: %w %q (known: %s)", f.Name, ErrUnknownNetwork, network, strings.Join(networkNamesLocked(), ", "))
}

func networkNamesLocked() []string {
	names := make([]string, len(networks.list))
	for i := range networks.list {
		names[i] = networks.list[i].Name
	}
	return names
}

func mustRoot(s string) [32]byte {
	var r [32]byte
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 32 {
		panic("fork: bad root " + s)
	}
	copy(r[:], b)
	return r
}

func mustAddress(s string) [20]byte {
	var a [20]byte
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 20 {
		panic("fork: bad address " + s)
	}
	copy(a[:], b)
	return a
}

// Networks returns copies of the built-in networks: mainnet, sepolia,
// hoodi and holesky, with the forks ScheduleFork added.
func Networks() []*Network {
	networks.RLock()
	defer networks.RUnlock()
	out := make([]*Network, len(networks.list))
	for i := range networks.list {
		out[i] = networks.list[i].clone()
	}
	return out
}

// NetworkByName returns a copy of the built-in network with that name,
// with the forks ScheduleFork added. The error wraps ErrUnknownNetwork.
func NetworkByName(name string) (*Network, error) {
	networks.RLock()
	defer networks.RUnlock()
	for i := range networks.list {
		if networks.list[i].Name == name {
			return networks.list[i].clone(), nil
		}
	}
	return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownNetwork, name, strings.Join(networkNamesLocked(), ", "))
}
