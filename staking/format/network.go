package format

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
)

// NetworkConfig is the network facts a document carries so that checking
// it needs no built-in table: the fork schedule (versions and epochs), the
// genesis, the slot timing and the historical_summaries offset (the
// capella era, which places a historical withdrawal's summary). A document
// of a devnet or of any network a config.yaml describes verifies with it.
//
//	{"name": "minimal", "preset": "minimal", "genesis_time": "1796585809",
//	 "genesis_validators_root": "0x…", "seconds_per_slot": "2", "slots_per_epoch": "8",
//	 "historical_summaries_offset": "0",
//	 "forks": [{"name": "phase0", "version": "0x00000001", "epoch": "0"}, …]}
type NetworkConfig struct {
	Name                  string       `json:"name"`
	Preset                string       `json:"preset"`
	GenesisTime           U64          `json:"genesis_time"`
	GenesisValidatorsRoot proof.Hash32 `json:"genesis_validators_root"`
	SecondsPerSlot        U64          `json:"seconds_per_slot"`
	SlotsPerEpoch         U64          `json:"slots_per_epoch"`
	// HistoricalSummariesOffset is fork.Network.HistoricalSummariesOffset;
	// absent when the network schedules no capella. Network checks it
	// against the schedule.
	HistoricalSummariesOffset *U64          `json:"historical_summaries_offset,omitempty"`
	Forks                     []NetworkFork `json:"forks"`
}

// NetworkFork is one fork of a NetworkConfig's schedule.
type NetworkFork struct {
	Name    string `json:"name"`
	Version string `json:"version"` // 0x-hex, 4 bytes
	Epoch   U64    `json:"epoch"`
}

// NetworkConfigOf returns the facts of n; nil for a nil network.
func NetworkConfigOf(n *fork.Network) *NetworkConfig {
	if n == nil {
		return nil
	}
	c := &NetworkConfig{
		Name: n.Name, Preset: n.PresetName(), GenesisTime: U64(n.GenesisTime), GenesisValidatorsRoot: n.GenesisValidatorsRoot,
		SecondsPerSlot: U64(n.SecondsPerSlot), SlotsPerEpoch: U64(n.SlotsPerEpoch),
	}
	if off, err := n.HistoricalSummariesOffset(); err == nil {
		c.HistoricalSummariesOffset = u64p(off)
	}
	for _, f := range n.Forks {
		c.Forks = append(c.Forks, NetworkFork{Name: f.Name, Version: fmt.Sprintf("%#x", f.Version[:]), Epoch: U64(f.Epoch)})
	}
	return c
}

// Network returns the network the facts describe. It fails, wrapping
// proof.ErrMalformed, when a fork version is not 4 bytes of 0x-hex, the
// preset is unknown, or the stated historical_summaries offset is not the
// schedule's.
func (c *NetworkConfig) Network() (*fork.Network, error) {
	if _, err := fork.PresetByName(c.Preset); err != nil {
		return nil, fmt.Errorf("%w: network %q: %v", proof.ErrMalformed, c.Name, err)
	}
	n := &fork.Network{
		Name: c.Name, PresetBase: c.Preset, GenesisTime: uint64(c.GenesisTime), GenesisValidatorsRoot: c.GenesisValidatorsRoot,
		SecondsPerSlot: uint64(c.SecondsPerSlot), SlotsPerEpoch: uint64(c.SlotsPerEpoch),
	}
	for _, f := range c.Forks {
		b, err := hex.DecodeString(strings.TrimPrefix(f.Version, "0x"))
		if err != nil || len(b) != 4 || !strings.HasPrefix(f.Version, "0x") {
			return nil, fmt.Errorf("%w: network %q: fork %s: version %q is not 4 bytes of 0x-hex", proof.ErrMalformed, c.Name, f.Name, f.Version)
		}
		n.Forks = append(n.Forks, fork.ForkSchedule{Name: f.Name, Version: [4]byte(b), Epoch: uint64(f.Epoch)})
	}
	off, err := n.HistoricalSummariesOffset()
	switch {
	case c.HistoricalSummariesOffset == nil:
	case err != nil:
		return nil, fmt.Errorf("%w: network %q: historical_summaries_offset %d: %v", proof.ErrMalformed, c.Name, *c.HistoricalSummariesOffset, err)
	case off != uint64(*c.HistoricalSummariesOffset):
		return nil, fmt.Errorf("%w: network %q: historical_summaries_offset %d, the fork schedule gives %d", proof.ErrMalformed, c.Name, *c.HistoricalSummariesOffset, off)
	}
	return n, nil
}

// networkOf returns the network a document names: its facts when it
// carries them, else the built-in network of that name ("" means
// mainnet).
func networkOf(name string, c *NetworkConfig) (*fork.Network, error) {
	if c != nil {
		return c.Network()
	}
	if name == "" {
		name = "mainnet"
	}
	net, err := fork.NetworkByName(name)
	if err != nil {
		return nil, fmt.Errorf("%w; a document of another network must carry its network's facts (network_config)", err)
	}
	return net, nil
}
