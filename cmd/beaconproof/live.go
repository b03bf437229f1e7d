package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// verify --el-rpc: the proof's anchor checked against the beacon roots
// contract of a live execution client.

// liveFlags are verify's flags for the live check.
type liveFlags struct {
	elRPC, beaconURL, network string
}

// docAnchor returns the anchor a document states.
func docAnchor(doc format.Document) (staking.Anchor, bool) {
	switch d := doc.(type) {
	case *format.JSONDocument:
		if d.Anchor == nil {
			return staking.Anchor{}, false
		}
		return *d.Anchor, true
	case *format.RocketPoolDocument:
		return d.Anchor, true
	case *format.EigenLayerDocument:
		return d.Anchor, true
	case *format.LidoDocument:
		return d.Anchor, true
	case *format.CalldataDocument:
		return d.Anchor, true
	}
	return staking.Anchor{}, false
}

// checkLive checks that the execution client at lf.elRPC stores the
// document's anchor root under its EIP-4788 timestamp: the document's,
// or, when it states none, the one the beacon node at lf.beaconURL gives
// for the anchor's slot.
func checkLive(ctx context.Context, doc format.Document, lf liveFlags) error {
	a, ok := docAnchor(doc)
	if !ok {
		return errors.New("--el-rpc: the file states no anchor to check (prove with --anchor block)")
	}
	if a.Kind != staking.AnchorBlock {
		return fmt.Errorf("--el-rpc: the anchor is a %s root; the beacon roots contract stores block roots (prove with --anchor block)", a.Kind)
	}
	ts := a.Timestamp
	if ts == 0 {
		if lf.beaconURL == "" {
			return errors.New("--el-rpc: the file states no EIP-4788 timestamp; give --beacon-url to find it from the anchor's slot")
		}
		want, err := networkArg(lf.network)
		if err != nil {
			return err
		}
		c, err := newClient(lf.beaconURL, want, nil)
		if err != nil {
			return err
		}
		net, err := c.Network(ctx)
		if err != nil {
			return err
		}
		an, err := eip4788.AnchorOf(ctx, net, c, a.Slot)
		if err != nil {
			return err
		}
		if an.Root != a.Root {
			return fmt.Errorf("the beacon node's block at slot %d is %s, the proof's anchor is %s: %w",
				a.Slot, proof.FormatHash(an.Root), proof.FormatHash(a.Root), eip4788.ErrRootMismatch)
		}
		ts = an.Timestamp
	}
	client, err := eip4788.Dial(ctx, lf.elRPC)
	if err != nil {
		return err
	}
	defer client.Close()
	return eip4788.CheckAnchor(ctx, client, ts, a.Root)
}
