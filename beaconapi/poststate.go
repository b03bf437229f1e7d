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

// EraStateRoots returns the state_roots of era (of sphr slots, the
// network's SLOTS_PER_HISTORICAL_ROOT) from the node's state at the next
// era's first slot, which only an archive node keeps for a past era; a
// missed slot's state root is in no block header, so, unlike block roots
// (PeriodBlockRoots), they cannot be rebuilt from headers. Errors are
// State's (ErrNotFound, ErrPruned, ...).
func (c *Client) EraStateRoots(ctx context.Context, era, sphr uint64) ([]byte, error) {
	st, err := c.State(ctx, SlotID((era+1)*sphr))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	b, _, err := st.Field("state_roots")
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}
