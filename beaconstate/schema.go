package beaconstate

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/beaconproof/beaconproof/fork"
)

// Defaults of LoadOptions.
const (
	// DefaultPreset is the preset used when none is given.
	DefaultPreset = fork.DefaultPreset
	// DefaultType is the type loaded when none is given.
	DefaultType = fork.DefaultType
	// DefaultMaxSize is the size limit used when LoadOptions.MaxSize is 0:
	// 1 GiB, for the input and for its decompressed form.
	DefaultMaxSize int64 = 1 << 30
)

// withDefaults fills in DefaultPreset and DefaultType for "".
func withDefaults(preset, typeName string) (string, string) {
	if preset == "" {
		preset = DefaultPreset
	}
	if typeName == "" {
		typeName = DefaultType
	}
	return preset, typeName
}

// network returns the network of opts: NetworkConfig, or the built-in
// network named Network, or nil when neither is set.
func (o LoadOptions) network() (*fork.Network, error) {
	if o.NetworkConfig != nil {
		return o.NetworkConfig, nil
	}
	if o.Network == "" {
		return nil, nil
	}
	return fork.NetworkByName(o.Network)
}

// detectFork returns the fork of the object in b, of type opts.Type:
//   - a BeaconState from its fork.current_version, looked up among the
//     fork versions of the network in opts, or of every built-in network
//     of the preset;
//   - a BeaconBlock or SignedBeaconBlock from its slot, through the fork
//     schedule of the network in opts.
//
// Any other case fails with an error wrapping ErrNoFork (and ErrNoNetwork
// for a block without a network) that says why.
func detectFork(b []byte, opts LoadOptions) (string, error) {
	n, err := opts.network()
	if err != nil {
		return "", err
	}
	switch opts.Type {
	case "BeaconState":
		var nets []*fork.Network
		if n != nil {
			nets = append(nets, n)
		}
		f, err := fork.DetectFromStateBytes(b, opts.Preset, nets...)
		if err != nil {
			var de *fork.DetectError
			if errors.As(err, &de) {
				err = de.Err
			}
			return "", fmt.Errorf("%w: %w", ErrNoFork, err)
		}
		return f.Name, nil
	case "BeaconBlock", "SignedBeaconBlock":
		if n == nil {
			return "", fmt.Errorf("%w of a %s: %w", ErrNoFork, opts.Type, ErrNoNetwork)
		}
		off := 0
		if opts.Type == "SignedBeaconBlock" {
			if len(b) < 4 {
				return "", fmt.Errorf("%w: %d bytes is too short for a %s", ErrNoFork, len(b), opts.Type)
			}
			off = int(binary.LittleEndian.Uint32(b))
		}
		if off < 0 || off+8 > len(b) {
			return "", fmt.Errorf("%w: %d bytes is too short for a %s", ErrNoFork, len(b), opts.Type)
		}
		slot := binary.LittleEndian.Uint64(b[off:])
		name := n.ForkAtSlot(slot)
		if name == "" {
			return "", fmt.Errorf("%w: network %s schedules no fork at slot %d", ErrNoFork, n.Name, slot)
		}
		return name, nil
	}
	return "", fmt.Errorf("%w of a %s", ErrNoFork, opts.Type)
}
