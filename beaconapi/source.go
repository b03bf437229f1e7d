package beaconapi

import (
	"context"
	"errors"
)

// BlockRoot returns the root of the canonical block at slot, and ok false
// when the slot has no block (the node answers 404: a missed slot), as
// eip4788.BlockSource asks. It reads /eth/v1/beacon/headers/{slot}. A
// header of another slot, or not canonical, is taken as a missed slot too.
func (c *Client) BlockRoot(ctx context.Context, slot uint64) (root [32]byte, ok bool, err error) {
	h, err := c.Header(ctx, SlotID(slot))
	if err != nil {
		if errors.Is(err, ErrNotFound) {
			return root, false, nil
		}
		return root, false, err
	}
	if h.Slot != slot || !h.Canonical {
		return root, false, nil
	}
	return h.Root, true, nil
}

// HeadSlot returns the slot of the node's head block, as
// eip4788.BlockSource asks.
func (c *Client) HeadSlot(ctx context.Context) (uint64, error) {
	h, err := c.Header(ctx, "head")
	if err != nil {
		return 0, err
	}
	return h.Slot, nil
}
