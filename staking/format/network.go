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
//
// Facts that contradict the built-in network of the same name (its
// preset, genesis, slot timing, or the version or epoch of a fork both
// schedule) fail, wrapping proof.ErrMalformed: a document that says
// "mainnet" is checked as mainnet or not at all. A fork the built-in
// network schedules and the facts do not (scheduled after the document
// was made) is no contradiction.
func networkOf(name string, c *NetworkConfig) (*fork.Network, error) {
	if c != nil {
		n, err := c.Network()
		if err != nil {
			return nil, err
		}
		if b, berr := fork.NetworkByName(c.Name); berr == nil {
			if err := sameFacts(n, b); err != nil {
				return nil, fmt.Errorf("%w: network_config of %q disagrees with the built-in %s network: %v", proof.ErrMalformed, c.Name, b.Name, err)
			}
		}
		return n, nil
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

// sameFacts returns what doc, a document's network, says otherwise than
// the built-in network b of the same name; nil when nothing.
func sameFacts(doc, b *fork.Network) error {
	switch {
	case doc.PresetName() != b.PresetName():
		return fmt.Errorf("preset %s, built-in %s", doc.PresetName(), b.PresetName())
	case doc.GenesisTime != b.GenesisTime:
		return fmt.Errorf("genesis_time %d, built-in %d", doc.GenesisTime, b.GenesisTime)
	case doc.GenesisValidatorsRoot != b.GenesisValidatorsRoot:
		return fmt.Errorf("genesis_validators_root %s, built-in %s", proof.FormatHash(doc.GenesisValidatorsRoot), proof.FormatHash(b.GenesisValidatorsRoot))
	case doc.SecondsPerSlot != b.SecondsPerSlot:
		return fmt.Errorf("seconds_per_slot %d, built-in %d", doc.SecondsPerSlot, b.SecondsPerSlot)
	case doc.SlotsPerEpoch != b.SlotsPerEpoch:
		return fmt.Errorf("slots_per_epoch %d, built-in %d", doc.SlotsPerEpoch, b.SlotsPerEpoch)
	}
	for _, f := range doc.Forks {
		if f.Epoch == fork.FarFutureEpoch {
			continue // not scheduled when the document was made
		}
		bf, ok := b.Fork(f.Name)
		switch {
		case !ok:
			return fmt.Errorf("fork %s, which the built-in network does not schedule", f.Name)
		case bf.Version != f.Version:
			return fmt.Errorf("fork %s version %#x, built-in %#x", f.Name, f.Version[:], bf.Version[:])
		case bf.Epoch != f.Epoch:
			return fmt.Errorf("fork %s epoch %d, built-in %d", f.Name, f.Epoch, bf.Epoch)
		}
	}
	return nil
}

// checkFacts checks the network facts a document carries, when it carries
// them (networkOf): malformed facts, or facts that contradict the built-in
// network of the same name, fail the document whatever it proves.
func checkFacts(c *NetworkConfig) error {
	if c == nil {
		return nil
	}
	_, err := networkOf(c.Name, c)
	return err
}
