package format

import (
	"fmt"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
)

// The gindices that verification checks against are computed from the
// fork's schemas and the indices a document proves (through
// staking.AnchoredGindex and staking.WithdrawalLocation, which take the
// StateProver's routes), never read from the document.

func schemasOf(forkName, preset string) (*fork.Schemas, error) {
	if forkName == "" {
		return nil, fmt.Errorf("%w: no fork named", proof.ErrMalformed)
	}
	f, err := fork.Lookup(forkName)
	if err != nil {
		return nil, err
	}
	return f.Schemas(orMainnet(preset))
}

// anchorType returns the type whose root an anchor of that kind is.
func anchorType(k staking.AnchorKind) string {
	if k == staking.AnchorState {
		return "BeaconState"
	}
	return "BeaconBlock"
}

// stateGindex returns the gindex of path in the fork's BeaconState below
// the anchor's root.
func stateGindex(forkName, preset string, anchor staking.AnchorKind, path string) (proof.Gindex, error) {
	if forkName == "" {
		return proof.Gindex{}, fmt.Errorf("%w: no fork named", proof.ErrMalformed)
	}
	return staking.AnchoredGindex(forkName, preset, anchor, path)
}

// withdrawalGindex returns the gindex of withdrawal num at slot ws proved
// from the anchor's state on the network (see staking.WithdrawalLocation)
// and whether the route is historical.
func withdrawalGindex(forkName, preset, blockFork string, net *fork.Network, anchor staking.Anchor, ws, num uint64) (proof.Gindex, bool, error) {
	ref := staking.WithdrawalLocation{
		StateFork: forkName, Preset: preset, BlockFork: blockFork, Network: net, Anchor: anchor.Kind,
		StateSlot: anchor.Slot, WithdrawalSlot: ws, N: num,
	}
	g, historical, _, err := ref.Locate()
	return g, historical, err
}
