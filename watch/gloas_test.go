package watch_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/staking/format"
	"github.com/beaconproof/beaconproof/watch"
)

// newGloasChain returns a fake node of hoodi's genesis with every fork,
// gloas included, from epoch 0, serving gloas objects.
func newGloasChain(t *testing.T) *chain {
	t.Helper()
	c := newChain(t)
	n := *c.net
	n.Name = "hoodi-gloas"
	n.Forks = nil
	for i, name := range []string{fork.Phase0, fork.Altair, fork.Bellatrix, fork.Capella, fork.Deneb, fork.Electra, fork.Fulu, fork.Gloas} {
		n.Forks = append(n.Forks, fork.ForkSchedule{Name: name, Version: [4]byte{byte(i), 0, 0, 0x71}})
	}
	s, err := fork.SchemasOf(fork.Gloas, fork.PresetMainnet)
	if err != nil {
		t.Fatal(err)
	}
	c.net, c.s, c.forkName = &n, s, fork.Gloas
	return c
}

// gloasCheckpoint makes the finalized checkpoint at slot a gloas block
// whose state commits to a gloas block at past that paid ws (its
// post-state and envelope served), with a child at slot+1; without
// envelope, the past block's payload was withheld.
func gloasCheckpoint(t *testing.T, c *chain, slot, past uint64, envelope bool, ws ...synth.Withdrawal) {
	t.Helper()
	ch, err := synth.NewChain(synth.ChainOptions{Fork: fork.Gloas, Options: synth.Options{
		Validators: nValidators, Slot: slot, Seed: 9, WithdrawalAddresses: [][20]byte{addrA, addrB},
		ForkVersion: c.forkVersion(), GenesisTime: c.net.GenesisTime,
	}, Past: []uint64{past}, Withdrawals: ws})
	if err != nil {
		t.Fatal(err)
	}
	p := ch.Past[past]
	c.add(p.Block)
	c.add(ch.Block)
	signed := append(append([]byte{100, 0, 0, 0}, make([]byte, 96)...), p.Envelope...)
	c.mu.Lock()
	c.states[rootID(p.StateRoot)] = p.State
	c.states[rootID(ch.StateRoot)] = ch.State
	if envelope {
		c.envelopes[rootID(p.BlockRoot)] = signed
	}
	c.final = slot
	c.mu.Unlock()
	c.addBlock(slot + 1)
}

// lockedBuffer is a log destination safe for concurrent writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestGloasWithdrawal watches a gloas chain: a withdrawal its block's
// envelope pays to a watched validator is emitted, in the json format,
// with a verified expected_withdrawal proof from the block's post-state
// (the envelope checked); a withheld payload pays nothing; in the
// rocketpool format, which cannot carry it, the event is not written and
// the watcher says so once, the other events still written.
func TestGloasWithdrawal(t *testing.T) {
	w2 := synth.Withdrawal{Index: 100, ValidatorIndex: 2, Address: addrA, Amount: 1_000_000}
	// A builder paid at the watched address: no validator's withdrawal.
	builder := synth.Withdrawal{Index: 99, ValidatorIndex: beaconapi.BuilderIndexFlag | 2, Address: addrA, Amount: 7}
	for _, c := range []struct {
		name     string
		format   format.Name
		envelope bool
		want     int // withdrawal events
		warnings int
	}{
		{"json", format.JSON, true, 1, 0},
		{"withheld", format.JSON, false, 0, 0},
		{"rocketpool", format.RocketPool, true, 0, 1},
		{"eigenlayer", format.EigenLayer, true, 1, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			ch := newGloasChain(t)
			gloasCheckpoint(t, ch, 1024, 1000, c.envelope, builder, w2)
			var logs lockedBuffer
			rec := &recorder{}
			w, st := newWatcher(t, ch, t.TempDir(), rec, func(cfg *watch.Config) {
				cfg.Format, cfg.StartSlot = c.format, 1000
				cfg.Logger = slog.New(slog.NewTextHandler(&logs, nil))
			})
			defer st.Close()
			if err := w.CatchUp(context.Background()); err != nil {
				t.Fatal(err)
			}
			var withdrawals, credentials int
			for _, e := range rec.events {
				if c.format == format.JSON {
					checkJSONEvent(t, ch, e)
				} else {
					checkEvent(t, ch, e)
				}
				switch e.Kind {
				case watch.KindWithdrawal:
					withdrawals++
					proved := c.format == format.EigenLayer || // the record and balance
						bytes.Contains(e.Document, []byte(`"kind":"expected_withdrawal"`)) && bytes.Contains(e.Document, []byte(`"envelope_checked":"true"`))
					if e.Validator != 2 || e.Slot != 1000 || !strings.HasPrefix(e.ID, "withdrawal-w100-s1000-") || !proved {
						t.Errorf("withdrawal event %s of validator %d at slot %d:\n%s", e.ID, e.Validator, e.Slot, e.Document)
					}
				case watch.KindCredentials:
					credentials++
				}
			}
			if withdrawals != c.want || credentials == 0 {
				t.Fatalf("%d withdrawal and %d credentials events, want %d and some: %q", withdrawals, credentials, c.want, rec.ids())
			}
			if n := strings.Count(logs.String(), "cannot carry a gloas withdrawal"); n != c.warnings {
				t.Fatalf("%d warnings that the format cannot carry the withdrawal, want %d:\n%s", n, c.warnings, logs.String())
			}
			if ch.count("envelope") == 0 {
				t.Fatal("no envelope fetched")
			}
			if err := w.CatchUp(context.Background()); err != nil { // nothing new
				t.Fatal(err)
			}
			if n := strings.Count(logs.String(), "cannot carry a gloas withdrawal"); n != c.warnings {
				t.Fatalf("the warning was repeated: %d", n)
			}
		})
	}
}

// checkJSONEvent checks a json event as checkEvent does a protocol's,
// without calldata: its document verifies, anchored to the node's block.
func checkJSONEvent(t *testing.T, c *chain, e watch.Event) {
	t.Helper()
	doc, err := format.Parse(e.Document)
	if err != nil {
		t.Fatalf("%s: %v", e.ID, err)
	}
	if err := doc.Verify(); err != nil {
		t.Errorf("%s: %v", e.ID, err)
	}
	if b := c.blockByID(beaconapi.SlotID(e.Anchor.Slot)); b == nil || b.root != [32]byte(e.Anchor.Root) || e.Deadline == 0 {
		t.Errorf("%s: anchor %v is not the node's block, or no deadline", e.ID, e.Anchor)
	}
	if len(e.Calldata) != 0 {
		t.Errorf("%s: calldata in the json format", e.ID)
	}
}

// TestGloasHistoricalWithdrawal watches, after downtime, a gloas
// withdrawal older than the checkpoint state's state_roots: it is proved
// through historical_summaries and the era's state_roots, from the node's
// state at the next era's first slot; without that state the watcher
// fails, naming it.
func TestGloasHistoricalWithdrawal(t *testing.T) {
	for _, serveEra := range []bool{true, false} {
		ch := newGloasChain(t)
		const past, slot = 100, 8300
		sc, err := synth.NewChain(synth.ChainOptions{Fork: fork.Gloas, Options: synth.Options{
			Validators: nValidators, Slot: slot, Seed: 9, WithdrawalAddresses: [][20]byte{addrA, addrB},
			ForkVersion: ch.forkVersion(), GenesisTime: ch.net.GenesisTime,
		}, Past: []uint64{past}, Withdrawals: []synth.Withdrawal{{Index: 100, ValidatorIndex: 2, Address: addrA, Amount: 1_000_000}}})
		if err != nil {
			t.Fatal(err)
		}
		p := sc.Past[past]
		if !p.Historical {
			t.Fatal("the past slot is not historical")
		}
		ch.add(p.Block)
		ch.add(sc.Block)
		eraState, err := synth.State(ch.s.BeaconState, synth.Options{Validators: 4, Slot: 8192, Seed: 9, ForkVersion: ch.forkVersion()})
		if err != nil {
			t.Fatal(err)
		}
		lo, hi, err := synth.FieldSpan(ch.s.BeaconState, eraState, "state_roots")
		if err != nil {
			t.Fatal(err)
		}
		copy(eraState[lo:hi], p.EraStateRoots)
		ch.mu.Lock()
		ch.states[rootID(p.StateRoot)] = p.State
		ch.states[rootID(sc.StateRoot)] = sc.State
		if serveEra {
			ch.states["8192"] = eraState
		}
		ch.envelopes[rootID(p.BlockRoot)] = append(append([]byte{100, 0, 0, 0}, make([]byte, 96)...), p.Envelope...)
		ch.final = slot
		ch.mu.Unlock()
		ch.addBlock(slot + 1)
		rec := &recorder{}
		w, st := newWatcher(t, ch, t.TempDir(), rec, func(cfg *watch.Config) { cfg.Format, cfg.StartSlot = format.JSON, past })
		err = w.CatchUp(context.Background())
		st.Close()
		if !serveEra {
			if err == nil || !strings.Contains(err.Error(), "state at slot 8192") {
				t.Fatalf("without the era's state: %v", err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, e := range rec.events {
			checkJSONEvent(t, ch, e)
			if e.Kind == watch.KindWithdrawal {
				n++
				if !bytes.Contains(e.Document, []byte(`"kind":"historical_expected_withdrawal"`)) {
					t.Errorf("%s: no historical_expected_withdrawal:\n%s", e.ID, e.Document)
				}
			}
		}
		if n != 1 {
			t.Fatalf("%d withdrawal events: %q", n, rec.ids())
		}
	}
}
