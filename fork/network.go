package fork

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v2"
)

// ErrUnknownNetwork reports a network name that is not known.
var ErrUnknownNetwork = errors.New("unknown network")

// ErrForkNotScheduled reports a fork that a network does not schedule.
var ErrForkNotScheduled = errors.New("fork not scheduled")

// ForkSchedule is one fork of a network: its fork version and the epoch it
// activates at (FarFutureEpoch when it is not scheduled).
type ForkSchedule struct {
	// Name is the fork's name as Lookup knows it ("phase0" for the genesis
	// fork). A config.yaml may name a fork this package does not know.
	Name    string
	Version [4]byte
	Epoch   uint64
}

// Network is the configuration of a beacon chain: its genesis, slot timing
// and fork schedule.
type Network struct {
	// Name is the network's CONFIG_NAME ("mainnet", "sepolia", ...).
	Name string
	// PresetBase is the preset the network uses (PRESET_BASE).
	PresetBase string
	// GenesisTime is the Unix time of slot 0. A config.yaml does not hold
	// it (MIN_GENESIS_TIME + GENESIS_DELAY is only a lower bound, and wrong
	// for mainnet): LoadNetworkConfig leaves it 0, and the caller sets it,
	// for instance from the genesis state or /eth/v1/beacon/genesis.
	GenesisTime uint64
	// GenesisValidatorsRoot is the genesis state's genesis_validators_root;
	// zero when unknown (LoadNetworkConfig leaves it zero).
	GenesisValidatorsRoot [32]byte
	// MinGenesisTime and GenesisDelay are the config's MIN_GENESIS_TIME
	// and GENESIS_DELAY.
	MinGenesisTime uint64
	GenesisDelay   uint64
	// SecondsPerSlot is SECONDS_PER_SLOT (or SLOT_DURATION_MS / 1000).
	SecondsPerSlot uint64
	// SlotsPerEpoch is the preset's SLOTS_PER_EPOCH, unless the config
	// overrides it; 0 when LoadNetworkConfig does not know the preset.
	SlotsPerEpoch uint64
	// DepositChainID and DepositNetworkID are the execution chain of the
	// deposit contract; DepositContractAddress is its address.
	DepositChainID         uint64
	DepositNetworkID       uint64
	DepositContractAddress [20]byte
	// Forks is the fork schedule, ordered by activation epoch.
	Forks []ForkSchedule
}

// farFuture is the epoch of an unscheduled fork.
const farFuture = FarFutureEpoch

func (n *Network) clone() *Network {
	c := *n
	c.Forks = append([]ForkSchedule(nil), n.Forks...)
	return &c
}

// PresetName returns the network's preset ("mainnet" or "minimal").
func (n *Network) PresetName() string { return n.PresetBase }

// ForkAtEpoch returns the name of the fork active at the epoch: the
// scheduled fork with the latest activation epoch not after epoch (the
// later one in Forks when two share an epoch). It returns "" when no fork
// is active (an empty schedule).
func (n *Network) ForkAtEpoch(epoch uint64) string {
	name, best := "", uint64(0)
	for _, f := range n.Forks {
		if f.Epoch == farFuture || f.Epoch > epoch {
			continue
		}
		if name == "" || f.Epoch >= best {
			name, best = f.Name, f.Epoch
		}
	}
	return name
}

// ForkAtSlot returns the name of the fork active at the slot.
func (n *Network) ForkAtSlot(slot uint64) string {
	if n.SlotsPerEpoch == 0 {
		return n.ForkAtEpoch(0)
	}
	return n.ForkAtEpoch(slot / n.SlotsPerEpoch)
}

// ForkByVersion returns the name of the fork with that fork version in the
// network's schedule.
func (n *Network) ForkByVersion(version [4]byte) (string, bool) {
	for _, f := range n.Forks {
		if f.Version == version {
			return f.Name, true
		}
	}
	return "", false
}

// Fork returns the schedule entry of the named fork.
func (n *Network) Fork(name string) (ForkSchedule, bool) {
	for _, f := range n.Forks {
		if f.Name == name {
			return f, true
		}
	}
	return ForkSchedule{}, false
}

// ForkEpoch returns the activation epoch of the named fork, or
// FarFutureEpoch when the network does not schedule it.
func (n *Network) ForkEpoch(name string) uint64 {
	if f, ok := n.Fork(name); ok {
		return f.Epoch
	}
	return farFuture
}

// SlotTime returns the Unix time at which the slot starts: GenesisTime +
// slot * SecondsPerSlot. With GenesisTime unset (0) it is the time since
// genesis.
func (n *Network) SlotTime(slot uint64) uint64 {
	return n.GenesisTime + slot*n.SecondsPerSlot
}

// CapellaEpoch returns the capella fork epoch, or FarFutureEpoch.
func (n *Network) CapellaEpoch() uint64 { return n.ForkEpoch(Capella) }

// HistoricalSummariesOffset returns the length historical_roots had when
// capella froze it: capella epoch * SLOTS_PER_EPOCH /
// SLOTS_PER_HISTORICAL_ROOT (758 on mainnet, 0 on hoodi). The block roots
// of period i, slots [i*SLOTS_PER_HISTORICAL_ROOT, (i+1)*...), are
// summarised by historical_summaries[i-offset] when i >= offset, and by
// historical_roots[i] before. The error wraps ErrForkNotScheduled when the
// network has no capella, or ErrUnknownPreset.
func (n *Network) HistoricalSummariesOffset() (uint64, error) {
	epoch := n.CapellaEpoch()
	if epoch == farFuture {
		return 0, fmt.Errorf("network %s: historical summaries offset: %w: capella", n.Name, ErrForkNotScheduled)
	}
	p, err := presetRef(n.PresetBase)
	if err != nil {
		return 0, fmt.Errorf("network %s: historical summaries offset: %w", n.Name, err)
	}
	spe := n.SlotsPerEpoch
	if spe == 0 {
		spe = p.SlotsPerEpoch
	}
	return epoch * spe / p.SlotsPerHistoricalRoot, nil
}

// configValue is one scalar of a config.yaml, as written.
type configValue struct {
	s  string
	ok bool
}

// UnmarshalYAML keeps the scalar's text and ignores sequences and maps
// (BLOB_SCHEDULE, ...), which the Network does not use.
func (v *configValue) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err != nil {
		return nil
	}
	v.s, v.ok = strings.TrimSpace(s), true
	return nil
}

var forkKeyRE = regexp.MustCompile(`^([A-Z0-9_]+)_FORK_(VERSION|EPOCH)$`)

// LoadNetworkConfig reads a consensus config.yaml (the format of
// github.com/ethereum/consensus-specs/configs and of the networks'
// metadata/config.yaml): CONFIG_NAME, PRESET_BASE, MIN_GENESIS_TIME,
// GENESIS_DELAY, SECONDS_PER_SLOT (or SLOT_DURATION_MS), the
// DEPOSIT_* keys and every <FORK>_FORK_VERSION / <FORK>_FORK_EPOCH pair
// (GENESIS_FORK_VERSION is phase0's). Other keys are ignored.
//
// The file does not hold the genesis time and genesis validators root:
// set GenesisTime and GenesisValidatorsRoot on the result when you need
// SlotTime or a signing domain.
func LoadNetworkConfig(r io.Reader) (*Network, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("fork: load network config: %w", err)
	}
	var kv configMap
	if err := yaml.Unmarshal(data, &kv); err != nil {
		return nil, fmt.Errorf("fork: load network config: %w", err)
	}
	n := &Network{}
	if err := kv.readScalars(n); err != nil {
		return nil, fmt.Errorf("fork: load network config: %w", err)
	}
	if n.Forks, err = kv.schedule(); err != nil {
		return nil, fmt.Errorf("fork: load network config: %w", err)
	}
	return n, nil
}

// configMap is a config.yaml's keys and values.
type configMap map[string]configValue

// get returns the value of key k, if it is set.
func (kv configMap) get(k string) (string, bool) { v, ok := kv[k]; return v.s, ok && v.ok }

// uint reads key k, when set, into dst.
func (kv configMap) uint(k string, dst *uint64) error {
	s, ok := kv.get(k)
	if !ok {
		return nil
	}
	u, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return fmt.Errorf("%s: %q is not a uint64", k, s)
	}
	*dst = u
	return nil
}

// readScalars sets the network's name, preset, times and deposit facts.
func (kv configMap) readScalars(n *Network) error {
	n.Name, _ = kv.get("CONFIG_NAME")
	n.PresetBase, _ = kv.get("PRESET_BASE")
	if n.PresetBase == "" {
		n.PresetBase = PresetMainnet
	}
	var slotMS uint64
	for k, dst := range map[string]*uint64{
		"MIN_GENESIS_TIME":   &n.MinGenesisTime,
		"GENESIS_DELAY":      &n.GenesisDelay,
		"SECONDS_PER_SLOT":   &n.SecondsPerSlot,
		"SLOT_DURATION_MS":   &slotMS,
		"SLOTS_PER_EPOCH":    &n.SlotsPerEpoch,
		"DEPOSIT_CHAIN_ID":   &n.DepositChainID,
		"DEPOSIT_NETWORK_ID": &n.DepositNetworkID,
	} {
		if err := kv.uint(k, dst); err != nil {
			return err
		}
	}
	if n.SecondsPerSlot == 0 && slotMS != 0 {
		n.SecondsPerSlot = slotMS / 1000
	}
	if n.SlotsPerEpoch == 0 {
		if p, err := presetRef(n.PresetBase); err == nil {
			n.SlotsPerEpoch = p.SlotsPerEpoch
		}
	}
	if s, ok := kv.get("DEPOSIT_CONTRACT_ADDRESS"); ok {
		b, err := hex.DecodeString(strings.TrimPrefix(strings.ToLower(s), "0x"))
		if err != nil || len(b) != 20 {
			return fmt.Errorf("DEPOSIT_CONTRACT_ADDRESS: %q is not 20 hex bytes", s)
		}
		copy(n.DepositContractAddress[:], b)
	}
	return nil
}

// scheduleEntry is what a config says of one fork.
type scheduleEntry struct {
	version              [4]byte
	epoch                uint64
	hasVersion, hasEpoch bool
}

// schedule reads every <FORK>_FORK_VERSION / <FORK>_FORK_EPOCH pair
// (GENESIS_FORK_VERSION is phase0's) into a sorted fork schedule; a fork
// with a version and no epoch is at the far future.
func (kv configMap) schedule() ([]ForkSchedule, error) {
	forks := map[string]*scheduleEntry{}
	for k := range kv {
		m := forkKeyRE.FindStringSubmatch(k)
		s, ok := kv.get(k)
		if m == nil || !ok {
			continue
		}
		name := strings.ToLower(m[1])
		if name == "genesis" {
			name = Phase0
		}
		e := forks[name]
		if e == nil {
			e = &scheduleEntry{}
			forks[name] = e
		}
		var err error
		if m[2] == "VERSION" {
			e.version, err = parseVersion(s)
			e.hasVersion = err == nil
		} else if e.epoch, err = strconv.ParseUint(s, 0, 64); err != nil {
			err = fmt.Errorf("%q is not a uint64", s)
		} else {
			e.hasEpoch = true
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", k, err)
		}
	}
	if e, ok := forks[Phase0]; !ok || !e.hasVersion {
		return nil, errors.New("no GENESIS_FORK_VERSION")
	}
	forks[Phase0].epoch, forks[Phase0].hasEpoch = 0, true
	var out []ForkSchedule
	for name, e := range forks {
		if !e.hasVersion {
			continue // TERMINAL_..., or an epoch without a version: not a fork
		}
		if !e.hasEpoch {
			e.epoch = farFuture
		}
		out = append(out, ForkSchedule{Name: name, Version: e.version, Epoch: e.epoch})
	}
	sortSchedule(out)
	return out, nil
}

// parseVersion reads a fork version written as 0x-prefixed hex. YAML
// readers that resolve 0x... as an integer are not involved: the text is
// kept as written.
func parseVersion(s string) ([4]byte, error) {
	var v [4]byte
	s = strings.Trim(s, `"'`)
	if !strings.HasPrefix(s, "0x") && !strings.HasPrefix(s, "0X") {
		return v, fmt.Errorf("%q is not a 0x-prefixed fork version", s)
	}
	b, err := hex.DecodeString(s[2:])
	if err != nil || len(b) != 4 {
		return v, fmt.Errorf("%q is not 4 hex bytes", s)
	}
	copy(v[:], b)
	return v, nil
}

// sortSchedule orders forks by epoch, then by their order in the registry
// (forks at the same epoch, as on hoodi, activate in fork order), with
// unknown forks after known ones.
func sortSchedule(fs []ForkSchedule) {
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Epoch != fs[j].Epoch {
			return fs[i].Epoch < fs[j].Epoch
		}
		ri, rj := forkRank(fs[i].Name), forkRank(fs[j].Name)
		if ri != rj {
			return ri < rj
		}
		return fs[i].Name < fs[j].Name
	})
}

// forkRank orders fork names: the built-in forks in order, then the other
// registered forks in registration order, then unknown names.
func forkRank(name string) int {
	for i, f := range builtinForks {
		if f.Name == name {
			return i
		}
	}
	if f, err := Lookup(name); err == nil {
		return f.index
	}
	return 1 << 30
}
