package beaconapi

import (
	"context"
	"errors"
	"fmt"
	"math"

	"golang.org/x/sync/errgroup"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// DefaultHistoryWorkers is how many header requests PeriodBlockRoots has
// in flight at once when its caller gives no number.
const DefaultHistoryWorkers = 16

// ErrHistoryMismatch reports block roots rebuilt from a node's headers
// that do not hash to the block_summary_root they must match: the node
// lacks blocks of the period (a history it has not backfilled), serves
// another chain, or the root was not the period's.
var ErrHistoryMismatch = errors.New("the block roots rebuilt from the node's headers do not match the block summary root")

// slotHeader is what PeriodBlockRoots keeps of a slot's header.
type slotHeader struct {
	ok           bool // the slot has a canonical block
	root, parent [32]byte
}

// PeriodBlockRoots rebuilds the block_roots vector of a period, the slots
// [period*SLOTS_PER_HISTORICAL_ROOT, (period+1)*SLOTS_PER_HISTORICAL_ROOT),
// from the node's block headers (/eth/v1/beacon/headers/{slot}), and
// returns it only when its hash tree root, as a Vector[Root,
// SLOTS_PER_HISTORICAL_ROOT], is summaryRoot: the block_summary_root of
// the period's historical_summaries entry in a state the caller trusts
// (entry period - fork.Network.HistoricalSummariesOffset). It needs a node
// that keeps the blocks of the period, not its states.
//
// The headers are fetched by up to workers requests at once
// (DefaultHistoryWorkers when workers <= 0), each with the Client's
// retries. A slot without a canonical block (404) repeats the root before
// it; the slots before the period's first block take that block's
// parent_root. Each block's parent_root must be the root of the block
// before it. A period in which the node has no block fails with
// ErrPruned (and ErrNotFound): a node that has not backfilled its block
// history answers so. Roots that do not link, or do not hash to
// summaryRoot, fail with ErrHistoryMismatch.
func (c *Client) PeriodBlockRoots(ctx context.Context, period uint64, summaryRoot [32]byte, workers int) ([][32]byte, error) {
	net, err := c.network(ctx)
	if err != nil {
		return nil, err
	}
	p, err := fork.PresetByName(net.PresetName())
	if err != nil {
		return nil, newErr(fmt.Sprintf("period %d from %s: %v", period, c.display, err), err)
	}
	n := p.SlotsPerHistoricalRoot
	if n == 0 || period > (math.MaxUint64-n)/n {
		return nil, fmt.Errorf("beaconapi: period %d: its slots overflow a uint64 (%d slots per period)", period, n)
	}
	start := period * n
	what := fmt.Sprintf("block roots of period %d (slots %d to %d) from %s", period, start, start+n-1, c.display)
	if workers <= 0 {
		workers = DefaultHistoryWorkers
	}
	hs, err := c.periodHeaders(ctx, start, n, workers)
	if err != nil {
		return nil, err
	}
	roots, missed, err := linkHeaders(hs, start)
	if err != nil {
		if errors.Is(err, errNoBlocks) {
			return nil, newErr(fmt.Sprintf("%s: %v: the node has no block in any of its %d slots: it has not backfilled this history (or the chain had no block for a whole period); use a node that keeps the blocks, or era files",
				what, ErrNotFound, n), ErrPruned, ErrNotFound)
		}
		return nil, newErr(fmt.Sprintf("%s: %v: %v", what, ErrHistoryMismatch, err), ErrHistoryMismatch)
	}
	got, err := vectorRoot(roots)
	if err != nil {
		return nil, newErr(fmt.Sprintf("%s: %v", what, err), err)
	}
	if got != summaryRoot {
		return nil, newErr(fmt.Sprintf("%s: %v: they hash to %s, not %s (%d of the %d slots had no block; a node that lacks blocks of the period answers 404 for them)",
			what, ErrHistoryMismatch, RootID(got), RootID(summaryRoot), missed, n), ErrHistoryMismatch)
	}
	return roots, nil
}

// periodHeaders fetches the headers of the slots [start, start+n), by up
// to workers requests at once. A missed slot (404, or a header of
// another slot or not canonical, as BlockRoot takes them) is left !ok;
// any other failure stops the fetch.
func (c *Client) periodHeaders(ctx context.Context, start, n uint64, workers int) ([]slotHeader, error) {
	hs := make([]slotHeader, n)
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(workers)
	for i := range hs {
		g.Go(func() error {
			slot := start + uint64(i)
			h, err := c.Header(gctx, SlotID(slot))
			if errors.Is(err, ErrNotFound) {
				return nil
			}
			if err != nil {
				return err
			}
			if h.Slot == slot && h.Canonical {
				hs[i] = slotHeader{ok: true, root: h.Root, parent: h.ParentRoot}
			}
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return hs, nil
}

// errNoBlocks is linkHeaders' report of a period without blocks.
var errNoBlocks = errors.New("no block in the period")

// linkHeaders turns a period's headers into its block roots and counts
// the slots without a block. The error is errNoBlocks when there is no
// block at all, and says which blocks do not link otherwise.
func linkHeaders(hs []slotHeader, start uint64) ([][32]byte, int, error) {
	first := -1
	for i := range hs {
		if hs[i].ok {
			first = i
			break
		}
	}
	if first < 0 {
		return nil, len(hs), errNoBlocks
	}
	roots := make([][32]byte, len(hs))
	prev, prevSlot, missed := hs[first].parent, uint64(0), 0
	for i, h := range hs {
		if h.ok {
			if i > first && h.parent != prev {
				return nil, 0, fmt.Errorf("the block of slot %d has parent_root %s, but the last block before it that the node serves, of slot %d, has root %s (the node lacks blocks between them, or serves blocks of another chain)",
					start+uint64(i), RootID(h.parent), prevSlot, RootID(prev))
			}
			prev, prevSlot = h.root, start+uint64(i)
		} else {
			missed++
		}
		roots[i] = prev
	}
	return roots, missed, nil
}

// vectorRoot returns the hash tree root of roots as a Vector[Root, len].
func vectorRoot(roots [][32]byte) ([32]byte, error) {
	flat := make([]byte, 0, 32*len(roots))
	for _, r := range roots {
		flat = append(flat, r[:]...)
	}
	return ssz.HashTreeRoot(ssz.Vector(ssz.Bytes32, uint64(len(roots))), flat)
}
