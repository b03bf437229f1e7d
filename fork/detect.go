package fork

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrUnknownForkVersion reports a fork version that no known network
// schedules: the caller then has to name the fork.
var ErrUnknownForkVersion = errors.New("unknown fork version")

// DetectError is the error of DetectFromStateBytes: Err says why the fork
// of the state could not be detected.
type DetectError struct {
	Err error
}

// Error returns "fork: detect state fork: " and Err's message.
func (e *DetectError) Error() string { return "fork: detect state fork: " + e.Err.Error() }

// Unwrap returns Err.
func (e *DetectError) Unwrap() error { return e.Err }

// Byte offsets of a BeaconState's first fields, the same in every fork:
// genesis_time (8), genesis_validators_root (32), slot (8), then fork
// {previous_version (4), current_version (4), epoch (8)}.
const (
	stateSlotOffset           = 40
	stateCurrentVersionOffset = 52
	stateForkEnd              = 64
)

// StateHeader is what the first 64 bytes of an encoded BeaconState say,
// whatever its fork.
type StateHeader struct {
	GenesisTime           uint64
	GenesisValidatorsRoot [32]byte
	Slot                  uint64
	PreviousVersion       [4]byte
	CurrentVersion        [4]byte
	ForkEpoch             uint64
}

// ReadStateHeader decodes the fields every BeaconState starts with.
func ReadStateHeader(b []byte) (StateHeader, error) {
	var h StateHeader
	if len(b) < stateForkEnd {
		return h, fmt.Errorf("fork: state header: %d bytes, a BeaconState has at least %d", len(b), stateForkEnd)
	}
	h.GenesisTime = binary.LittleEndian.Uint64(b[0:8])
	copy(h.GenesisValidatorsRoot[:], b[8:40])
	h.Slot = binary.LittleEndian.Uint64(b[stateSlotOffset:])
	copy(h.PreviousVersion[:], b[48:52])
	copy(h.CurrentVersion[:], b[stateCurrentVersionOffset:56])
	h.ForkEpoch = binary.LittleEndian.Uint64(b[56:64])
	return h, nil
}

// DetectFromStateBytes returns the fork of an encoded BeaconState from its
// fork.current_version (bytes 52 to 56), looked up in the fork schedules
// of the given networks, or, when none is given, of the built-in networks
// (mainnet, sepolia, hoodi, holesky) and of the consensus specs' configs
// (SpecConfigs: the minimal config's 0x0N000001 versions, which local
// minimal-preset devnets keep). Only networks of the named preset are
// searched; a preset that is not registered is an error.
//
// The error is a *DetectError. For a version no network schedules it
// wraps ErrUnknownForkVersion and names the version, and the preset whose
// networks do schedule it, if any: the caller then has to say which fork
// (or preset, or network) the state is (random test states carry random
// versions).
func DetectFromStateBytes(b []byte, preset string, networks ...*Network) (*Fork, error) {
	if _, err := presetRef(preset); err != nil {
		return nil, &DetectError{err}
	}
	h, err := ReadStateHeader(b)
	if err != nil {
		return nil, &DetectError{err}
	}
	if len(networks) == 0 {
		networks = knownNetworks()
	}
	searched := 0
	for _, n := range networks {
		if n == nil || n.PresetName() != preset {
			continue
		}
		searched++
		if f, ok, err := forkOfVersion(n, h.CurrentVersion); ok {
			return f, err
		}
	}
	hint := ""
	for _, n := range knownNetworks() {
		if name, ok := n.ForkByVersion(h.CurrentVersion); ok && n.PresetName() != preset {
			hint = fmt.Sprintf(" (it is %s on the %s-preset network %s: is the state of the %s preset?)", name, n.PresetName(), n.Name, n.PresetName())
			break
		}
	}
	return nil, &DetectError{fmt.Errorf("%w %#x (searched %d %s networks)%s",
		ErrUnknownForkVersion, h.CurrentVersion[:], searched, preset, hint)}
}

// forkOfVersion returns the fork the network schedules with the version.
func forkOfVersion(n *Network, version [4]byte) (*Fork, bool, error) {
	name, ok := n.ForkByVersion(version)
	if !ok {
		return nil, false, nil
	}
	f, err := Lookup(name)
	if err != nil {
		return nil, true, &DetectError{fmt.Errorf("version %#x is %s on %s: %w", version[:], name, n.Name, err)}
	}
	return f, true, nil
}

// knownNetworks are the networks a fork version is looked up in when the
// caller names none: the built-in networks, then the specs' configs.
func knownNetworks() []*Network {
	return append(Networks(), SpecConfigs()...)
}

// SpecConfigs returns the fork versions of the consensus specs' configs
// that no built-in network already covers: configs/minimal.yaml's
// (GENESIS_FORK_VERSION 0x00000001, ALTAIR 0x01000001, ... GLOAS
// 0x07000001; 0x0N000001 for fork N), which minimal-preset devnets such
// as a Lodestar or Kurtosis dev chain keep. Only the versions are real:
// the config schedules no fork, so every fork but phase0 is at
// FarFutureEpoch here, and GenesisTime is unset. The configs are for fork
// detection; they are not networks to prove against (Networks and
// NetworkByName do not list them), since a devnet's schedule and genesis
// are its own.
func SpecConfigs() []*Network {
	minimal := &Network{
		Name:           "minimal (consensus specs config)",
		PresetBase:     PresetMinimal,
		MinGenesisTime: 1578009600,
		GenesisDelay:   300,
		SecondsPerSlot: 6,
		SlotsPerEpoch:  8,
	}
	for i, name := range []string{Phase0, Altair, Bellatrix, Capella, Deneb, Electra, Fulu, Gloas} {
		epoch := farFuture
		if i == 0 {
			epoch = 0
		}
		minimal.Forks = append(minimal.Forks, ForkSchedule{Name: name, Version: [4]byte{byte(i), 0, 0, 1}, Epoch: epoch})
	}
	return []*Network{minimal}
}
