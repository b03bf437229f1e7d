package eip4788

import (
	"context"
	"errors"
	"fmt"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
)

var (
	// ErrNoChild reports a beacon block that has no child yet: no slot after
	// it up to the head has a block, so its root is not stored anywhere.
	ErrNoChild = errors.New("beacon block has no child block yet")
	// ErrMissedSlot reports a slot without a block where one is needed (the
	// anchor slot itself).
	ErrMissedSlot = errors.New("slot has no block")
	// ErrBeforeEIP4788 reports a root that was never stored because its
	// child block (the execution block that would store it) is before the
	// deneb/Cancun fork, which brought the beacon roots contract.
	ErrBeforeEIP4788 = errors.New("before EIP-4788 (deneb/Cancun)")
	// ErrBadTimestamp reports an execution timestamp that is not the start
	// of a slot of the network (before genesis, or between two slots).
	ErrBadTimestamp = errors.New("timestamp is not a slot start")
	// ErrRootMismatch reports a root that differs from the one expected: the
	// root stored in the contract, or the parent_beacon_block_root of an
	// execution block, is not the root a proof or a beacon node claims.
	ErrRootMismatch = errors.New("beacon block root mismatch")
)

// BlockSource answers which slots of the canonical beacon chain have a
// block. The beacon API implements it with GET
// /eth/v1/beacon/headers/{slot} (404: a missed slot) and
// /eth/v1/beacon/headers/head; tests use an in-memory chain.
type BlockSource interface {
	// BlockRoot returns the root of the canonical beacon block at slot, and
	// ok false when the slot was missed (has no block). An error means the
	// source could not answer.
	BlockRoot(ctx context.Context, slot uint64) (root [32]byte, ok bool, err error)
	// HeadSlot returns the slot of the chain's head block.
	HeadSlot(ctx context.Context) (uint64, error)
}

// checkNetwork reports a network this package cannot compute times for.
func checkNetwork(net *fork.Network) error {
	switch {
	case net == nil:
		return errors.New("eip4788: no network")
	case net.SecondsPerSlot == 0:
		return fmt.Errorf("eip4788: network %q has no SECONDS_PER_SLOT", net.Name)
	case net.GenesisTime == 0:
		return fmt.Errorf("eip4788: network %q has no genesis time", net.Name)
	}
	return nil
}

// hasBeaconRoots reports whether the execution block of slot runs the
// EIP-4788 system call: whether the slot's fork has fork.BeaconRoots
// (deneb on).
func hasBeaconRoots(net *fork.Network, slot uint64) (string, bool) {
	name := net.ForkAtSlot(slot)
	f, err := fork.Lookup(name)
	if err != nil {
		return name, false
	}
	return name, f.Has(fork.BeaconRoots)
}

// SlotTimestamp returns the execution timestamp of the block at slot,
// genesis_time + slot × SECONDS_PER_SLOT, which is the key under which that
// block's execution payload stores its parent's root. It fails for a
// network without genesis time or slot duration, on overflow, and with
// ErrBeforeEIP4788 when the slot's fork predates deneb (its execution block
// stores no root).
func SlotTimestamp(net *fork.Network, slot uint64) (uint64, error) {
	if err := checkNetwork(net); err != nil {
		return 0, err
	}
	if slot > (^uint64(0)-net.GenesisTime)/net.SecondsPerSlot {
		return 0, fmt.Errorf("eip4788: %s slot %d: timestamp overflows", net.Name, slot)
	}
	if name, ok := hasBeaconRoots(net, slot); !ok {
		return 0, fmt.Errorf("eip4788: %s slot %d is %s: %w", net.Name, slot, forkLabel(name), ErrBeforeEIP4788)
	}
	return net.SlotTime(slot), nil
}

func forkLabel(name string) string {
	if name == "" {
		return "before any scheduled fork"
	}
	return "in " + name
}

// SlotOfTimestamp returns the slot whose execution block has the timestamp:
// (timestamp − genesis_time) / SECONDS_PER_SLOT. It fails with
// ErrBadTimestamp for a timestamp before genesis or between two slots.
func SlotOfTimestamp(net *fork.Network, timestamp uint64) (uint64, error) {
	if err := checkNetwork(net); err != nil {
		return 0, err
	}
	if timestamp < net.GenesisTime {
		return 0, fmt.Errorf("eip4788: %s timestamp %d is before genesis (%d): %w",
			net.Name, timestamp, net.GenesisTime, ErrBadTimestamp)
	}
	d := timestamp - net.GenesisTime
	if d%net.SecondsPerSlot != 0 {
		return 0, fmt.Errorf("eip4788: %s timestamp %d is %d s into slot %d: %w",
			net.Name, timestamp, d%net.SecondsPerSlot, d/net.SecondsPerSlot, ErrBadTimestamp)
	}
	return d / net.SecondsPerSlot, nil
}

// ChildSlot returns the first slot after slot that has a block, skipping
// missed slots. It fails with ErrNoChild when no slot up to the head has
// one.
func ChildSlot(ctx context.Context, src BlockSource, slot uint64) (uint64, error) {
	head, err := src.HeadSlot(ctx)
	if err != nil {
		return 0, fmt.Errorf("eip4788: child of slot %d: head slot: %w", slot, err)
	}
	for s := slot + 1; s <= head && s > slot; s++ {
		if err := ctx.Err(); err != nil {
			return 0, fmt.Errorf("eip4788: child of slot %d: %w", slot, err)
		}
		_, ok, err := src.BlockRoot(ctx, s)
		if err != nil {
			return 0, fmt.Errorf("eip4788: child of slot %d: slot %d: %w", slot, s, err)
		}
		if ok {
			return s, nil
		}
	}
	return 0, fmt.Errorf("eip4788: slot %d: %w (head is slot %d)", slot, ErrNoChild, head)
}

// AnchorOf returns where the root of the beacon block at slot is stored,
// as a block Anchor: the block's slot and root, and the execution
// timestamp of its child (SlotOfTimestamp gives the child's slot). It
// fails with ErrMissedSlot when slot has no block, ErrNoChild when the
// block has no child yet, and ErrBeforeEIP4788 when the child is before
// deneb.
func AnchorOf(ctx context.Context, net *fork.Network, src BlockSource, slot uint64) (staking.Anchor, error) {
	if err := checkNetwork(net); err != nil {
		return staking.Anchor{}, err
	}
	root, ok, err := src.BlockRoot(ctx, slot)
	if err != nil {
		return staking.Anchor{}, fmt.Errorf("eip4788: anchor of slot %d: %w", slot, err)
	}
	if !ok {
		return staking.Anchor{}, fmt.Errorf("eip4788: anchor of slot %d: %w", slot, ErrMissedSlot)
	}
	child, err := ChildSlot(ctx, src, slot)
	if err != nil {
		return staking.Anchor{}, err
	}
	ts, err := SlotTimestamp(net, child)
	if err != nil {
		return staking.Anchor{}, fmt.Errorf("eip4788: anchor of slot %d: child slot %d: %w", slot, child, err)
	}
	return blockAnchor(slot, root, ts), nil
}

// ParentOf goes from an execution block to the beacon block whose root it
// stored: given the execution block's timestamp and its
// parent_beacon_block_root, it returns the anchor of the latest beacon
// block before the execution block's slot (skipping missed slots). It fails
// with ErrBadTimestamp for a timestamp that is not a slot start,
// ErrBeforeEIP4788 for a block before deneb, and ErrRootMismatch when the
// source's block at that slot has another root (a reorg, or another
// network).
func ParentOf(ctx context.Context, net *fork.Network, src BlockSource, timestamp uint64, parentBeaconBlockRoot [32]byte) (staking.Anchor, error) {
	child, err := SlotOfTimestamp(net, timestamp)
	if err != nil {
		return staking.Anchor{}, err
	}
	if name, ok := hasBeaconRoots(net, child); !ok {
		return staking.Anchor{}, fmt.Errorf("eip4788: %s timestamp %d (slot %d) is %s: %w",
			net.Name, timestamp, child, forkLabel(name), ErrBeforeEIP4788)
	}
	for s := child; s > 0; {
		s--
		if err := ctx.Err(); err != nil {
			return staking.Anchor{}, fmt.Errorf("eip4788: parent of slot %d: %w", child, err)
		}
		root, ok, err := src.BlockRoot(ctx, s)
		if err != nil {
			return staking.Anchor{}, fmt.Errorf("eip4788: parent of slot %d: slot %d: %w", child, s, err)
		}
		if !ok {
			continue
		}
		if root != parentBeaconBlockRoot {
			return staking.Anchor{}, fmt.Errorf("eip4788: parent of slot %d is slot %d with root %s, but the execution block names %s: %w",
				child, s, proof.FormatHash(root), proof.FormatHash(parentBeaconBlockRoot), ErrRootMismatch)
		}
		return blockAnchor(s, root, timestamp), nil
	}
	return staking.Anchor{}, fmt.Errorf("eip4788: slot %d has no earlier block: %w", child, ErrMissedSlot)
}

// blockAnchor is the anchor of the block at slot with that root, stored
// under timestamp.
func blockAnchor(slot uint64, root [32]byte, timestamp uint64) staking.Anchor {
	return staking.Anchor{Kind: staking.AnchorBlock, Root: root, Slot: slot, Timestamp: timestamp}
}

// CheckTimestamp checks that timestamp can be the EIP-4788 key of the root
// of the block at slot: the start of a later slot of the network, whose
// fork stores beacon roots, and within MaxChildSearch slots (a child after
// so many missed slots is not credible). With src, the timestamp must be
// exactly the time of the block's child there (missed slots skipped). It
// fails with ErrBadTimestamp or ErrBeforeEIP4788, naming what is wrong.
func CheckTimestamp(ctx context.Context, net *fork.Network, src BlockSource, slot, timestamp uint64) error {
	child, err := SlotOfTimestamp(net, timestamp)
	if err != nil {
		return err
	}
	switch {
	case child <= slot:
		return fmt.Errorf("eip4788: %s timestamp %d is slot %d's, not after the anchor's slot %d: %w",
			net.Name, timestamp, child, slot, ErrBadTimestamp)
	case child-slot > MaxChildSearch:
		return fmt.Errorf("eip4788: %s timestamp %d is slot %d's, %d slots after the anchor's slot %d: %w",
			net.Name, timestamp, child, child-slot, slot, ErrBadTimestamp)
	}
	if name, ok := hasBeaconRoots(net, child); !ok {
		return fmt.Errorf("eip4788: %s timestamp %d (slot %d) is %s: %w",
			net.Name, timestamp, child, forkLabel(name), ErrBeforeEIP4788)
	}
	if src == nil {
		return nil
	}
	want, err := ChildSlot(ctx, src, slot)
	if err != nil {
		return err
	}
	if want != child {
		return fmt.Errorf("eip4788: the block at slot %d has its child at slot %d (timestamp %d), not at slot %d (timestamp %d): %w",
			slot, want, net.SlotTime(want), child, timestamp, ErrBadTimestamp)
	}
	return nil
}
