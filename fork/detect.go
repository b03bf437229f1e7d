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
// of the given networks, or of the built-in networks (mainnet, sepolia,
// hoodi, holesky) when none is given. Only networks of the named preset
// are searched; a preset that is not registered is an error.
//
// The error is a *DetectError. For a version no network schedules it
// wraps ErrUnknownForkVersion and names the version: the caller then has
// to say which fork the state is (random test states carry random
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
		networks = Networks()
	}
	searched := 0
	for _, n := range networks {
		if n == nil || n.PresetName() != preset {
			continue
		}
		searched++
		name, ok := n.ForkByVersion(h.CurrentVersion)
		if !ok {
			continue
		}
		f, err := Lookup(name)
		if err != nil {
			return nil, &DetectError{fmt.Errorf("version %#x is %s on %s: %w", h.CurrentVersion[:], name, n.Name, err)}
		}
		return f, nil
	}
	return nil, &DetectError{fmt.Errorf("%w %#x (searched %d %s networks)",
		ErrUnknownForkVersion, h.CurrentVersion[:], searched, preset)}
}
