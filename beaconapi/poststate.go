package beaconapi

import (
	"context"
	"errors"

	"github.com/beaconproof/beaconproof/beaconstate"
)

// PostState fetches the post-state of the block at slot whose state_root
// is stateRoot: by that root, or, when the node knows no state by that
// root (nodes serve states by root only while they hold them in memory),
// by the slot, which names the same state when the slot has that block.
// The caller checks the root when it matters (hashing a state is costly;
// staking's proofs check it against the history they prove through). The
// error is the one of the request by root when both fail with ErrNotFound.
func (c *Client) PostState(ctx context.Context, stateRoot [32]byte, slot uint64) (*beaconstate.Object, error) {
	st, err := c.State(ctx, RootID(stateRoot))
	if err == nil || !errors.Is(err, ErrNotFound) {
		return st, err
	}
	st, err2 := c.State(ctx, SlotID(slot))
	if err2 == nil || !errors.Is(err2, ErrNotFound) {
		return st, err2
	}
	return nil, err
}
