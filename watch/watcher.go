package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
)

// Watcher follows a beacon chain and emits the events of Config's
// validators. Its methods must not be called concurrently.
type Watcher struct {
	cfg Config
	log *slog.Logger
	net *fork.Network

	mu     sync.Mutex
	prover *beaconstate.Prover // the last state hashed, for Prover.Next
}

// New returns a Watcher of cfg.
func New(cfg Config) (*Watcher, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	return &Watcher{cfg: cfg, log: cfg.Logger}, nil
}

// network returns the node's network, read once.
func (w *Watcher) network(ctx context.Context) (*fork.Network, error) {
	if w.net != nil {
		return w.net, nil
	}
	n, err := w.cfg.Node.Network(ctx)
	if err != nil {
		return nil, err
	}
	w.net = n
	return n, nil
}

// checkpointID is the block id of the checkpoint the Watcher follows.
func (w *Watcher) checkpointID() string {
	if w.cfg.Head {
		return "head"
	}
	return "finalized"
}

// CatchUp processes the node's current checkpoint, emitting every event
// since the previous run, and returns: the one-shot mode, for cron and CI.
func (w *Watcher) CatchUp(ctx context.Context) error {
	return w.Step(ctx)
}

// Run follows the chain until ctx ends, and then returns nil. It wakes on
// the node's event stream, and polls every Config.Poll: a stream that
// drops, or a node without one, only delays it. A failed step (the node
// unavailable, a proof that could not be built) is logged and retried at
// the next wake-up; nothing is lost, since the cursor does not move.
func (w *Watcher) Run(ctx context.Context) error {
	net, err := w.network(ctx)
	if err != nil {
		return err
	}
	poll := w.cfg.Poll
	if poll == 0 {
		poll = time.Duration(max(net.SecondsPerSlot, 1)) * time.Second
	}
	wake := make(chan struct{}, 1)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		w.follow(ctx, wake)
	}()
	defer wg.Wait()
	t := time.NewTicker(poll)
	defer t.Stop()
	for {
		if err := w.Step(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			w.log.Warn("step failed; retrying at the next checkpoint", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-wake:
		case <-t.C:
		}
	}
}

// follow reads the node's event stream and signals wake when a new
// checkpoint may be there.
func (w *Watcher) follow(ctx context.Context, wake chan<- struct{}) {
	topics := []string{beaconapi.TopicHead, beaconapi.TopicBlock, beaconapi.TopicFinalizedCheckpoint}
	wakeOn := beaconapi.TopicFinalizedCheckpoint
	if w.cfg.Head {
		wakeOn = beaconapi.TopicHead
	}
	handle := func(e beaconapi.Event) {
		info, err := e.Info()
		if err != nil {
			w.log.Warn("bad event from the node", "topic", e.Topic, "err", err)
			return
		}
		if e.Topic == beaconapi.TopicHead || e.Topic == beaconapi.TopicBlock {
			w.cfg.Metrics.seen(info.Slot)
		}
		if e.Topic == wakeOn {
			select {
			case wake <- struct{}{}:
			default:
			}
		}
	}
	drop := func(err error) { w.log.Warn("event stream dropped; polling until it is back", "err", err) }
	err := w.cfg.Node.Events(ctx, topics, handle, drop)
	if err != nil && !errors.Is(err, context.Canceled) && ctx.Err() == nil {
		w.log.Warn("the node serves no event stream; polling", "err", err)
	}
}

// Step processes the node's current checkpoint once: it finds the events
// since the cursor, proves and writes those not yet emitted, and moves
// the cursor.
func (w *Watcher) Step(ctx context.Context) error {
	net, err := w.network(ctx)
	if err != nil {
		return err
	}
	target, err := w.cfg.Node.Header(ctx, w.checkpointID())
	if err != nil {
		return fmt.Errorf("watch: checkpoint: %w", err)
	}
	w.cfg.Metrics.seen(target.Slot)
	cur, ok, err := w.cfg.Store.Cursor()
	if err != nil {
		return err
	}
	if ok && w.cfg.Head {
		if cur, err = w.checkReorg(ctx, cur); err != nil {
			return err
		}
	}
	if ok && target.Slot <= cur.Slot {
		w.cfg.Metrics.processed(cur.Slot, lag(net, cur.Slot))
		return nil
	}
	s, err := w.newStep(net, target, cur, ok)
	if err != nil {
		return err
	}
	defer s.close()
	return s.run(ctx)
}

// lag returns the seconds from the start of slot to now.
func lag(net *fork.Network, slot uint64) float64 {
	return time.Since(time.Unix(int64(net.SlotTime(slot)), 0)).Seconds()
}

// checkReorg checks, in head mode, that the cursor's block is still on
// the node's canonical chain. When it is not, it rewinds the cursor to
// the finalized slot it recorded with it and forgets the events anchored after it, to
// prove them again on the new chain.
func (w *Watcher) checkReorg(ctx context.Context, cur Cursor) (Cursor, error) {
	h, err := w.cfg.Node.Header(ctx, beaconapi.SlotID(cur.Slot))
	if err == nil && h.Root == cur.Root {
		return cur, nil
	}
	if err != nil && !errors.Is(err, beaconapi.ErrNotFound) {
		return cur, fmt.Errorf("watch: checking the cursor's block: %w", err)
	}
	back := Cursor{Slot: cur.Finalized, Finalized: cur.Finalized}
	n, err := w.cfg.Store.rewind(back)
	if err != nil {
		return cur, fmt.Errorf("watch: reorg: %w", err)
	}
	w.cfg.Metrics.reorg()
	w.log.Warn("the checkpoint's block was orphaned; events after the finalized checkpoint are proved again on the new chain",
		"slot", cur.Slot, "root", beaconapi.RootID(cur.Root), "rewound_to", back.Slot, "events_forgotten", n)
	return back, nil
}
