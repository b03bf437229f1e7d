package format

import (
	"fmt"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/staking"
)

// The gindices that verification checks against are computed here from the
// fork's schemas and the indices a document proves (through
// staking.AnchoredGindex and staking.WithdrawalGindex, which take
// the StateProver's routes), never read from the document.

func schemasOf(forkName, preset string) (*fork.Schemas, error) {
	if forkName == "" {
		return nil, fmt.Errorf("%w: no fork named", proof.ErrMalformed)
	}
	return fork.SchemasOf(forkName, preset)
}

// anchorType returns the type whose root an anchor of that kind is.
func anchorType(k staking.AnchorKind) string {
	if k == staking.AnchorState {
		return "BeaconState"
	}
	return "BeaconBlock"
}

// stateGindex returns the gindex of path in the fork's BeaconState below
// the anchor's root, and the type of the member at path.
func stateGindex(forkName, preset string, anchor staking.AnchorKind, path string) (proof.Gindex, *ssz.Type, error) {
	if forkName == "" {
		return proof.Gindex{}, nil, fmt.Errorf("%w: no fork named", proof.ErrMalformed)
	}
	g, err := staking.AnchoredGindex(forkName, preset, anchor, path)
	if err != nil {
		return proof.Gindex{}, nil, err
	}
	s, err := schemasOf(forkName, preset)
	if err != nil {
		return proof.Gindex{}, nil, err
	}
	t := s.BeaconState
	if path != "" {
		if _, t, err = s.BeaconState.Gindex(path); err != nil {
			return proof.Gindex{}, nil, err
		}
	}
	return g, t, nil
}

// blockGindex returns the gindex of path in the fork's BeaconBlock and the
// type of the member at path.
func blockGindex(forkName, preset, path string) (proof.Gindex, *ssz.Type, error) {
	s, err := schemasOf(forkName, preset)
	if err != nil {
		return proof.Gindex{}, nil, err
	}
	g, t, err := s.BeaconBlock.Gindex(path)
	if err != nil {
		return proof.Gindex{}, nil, fmt.Errorf("%s BeaconBlock: path %q: %w", forkName, path, err)
	}
	return g, t, nil
}

// withdrawalRef locates a withdrawal proof: withdrawal Num of the slot
// WithdrawalSlot, proved from the state at StateSlot.
type withdrawalRef struct {
	Fork, Preset string
	// BlockFork is the withdrawal slot's fork ("" means Fork).
	BlockFork string
	// Network gives the historical_summaries offset ("" means mainnet).
	Network                        string
	Anchor                         staking.AnchorKind
	StateSlot, WithdrawalSlot, Num uint64
}

// gindex returns the gindex of the withdrawal below the anchor's root,
// whether the route is historical (staking.WithdrawalIsRecent), and for
// a historical one the index into historical_summaries.
func (w withdrawalRef) gindex() (g proof.Gindex, historical bool, summary uint64, err error) {
	if w.Fork == "" {
		return g, false, 0, fmt.Errorf("%w: no fork named", proof.ErrMalformed)
	}
	s, err := schemasOf(w.Fork, w.Preset)
	if err != nil {
		return g, false, 0, err
	}
	name := w.Network
	if name == "" {
		name = "mainnet"
	}
	net, err := fork.NetworkByName(name)
	if err != nil {
		return g, false, 0, err
	}
	blockFork := w.BlockFork
	if blockFork == "" {
		blockFork = w.Fork
	}
	sphr := s.Preset.SlotsPerHistoricalRoot
	recent, err := staking.WithdrawalIsRecent(w.StateSlot, w.WithdrawalSlot, sphr)
	if err != nil {
		return g, false, 0, err
	}
	if !recent {
		offset, err := net.HistoricalSummariesOffset()
		if err != nil {
			return g, false, 0, err
		}
		if era := w.WithdrawalSlot / sphr; era >= offset {
			summary = era - offset
		}
	}
	g, err = staking.WithdrawalGindex(staking.WithdrawalLocation{StateFork: w.Fork, BlockFork: blockFork, Preset: w.Preset, Anchor: w.Anchor, StateSlot: w.StateSlot, WithdrawalSlot: w.WithdrawalSlot, N: w.Num, Network: net})
	return g, !recent, summary, err
}
