package beaconapi_test

import (
	"context"
	"errors"
	"maps"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/ssz"
)

// sweepChain is a synthetic stretch of mainnet deneb blocks whose
// withdrawals follow the consensus specs' sweep (get_expected_withdrawals
// of capella/deneb) over a registry of n validators. Its blocks are the
// real mainnet block of execution block 19,426,587 with the slot,
// proposer and withdrawals replaced.
type sweepChain struct {
	start, head  uint64
	n            uint64
	maxW         int
	maxSweep     uint64
	missingBelow uint64                  // no block before this slot (no backfill)
	fullAt       map[uint64]uint64       // validator -> first slot it is fully withdrawable
	never        map[uint64]bool         // validators with nothing to withdraw
	ws           map[uint64][]withdrawal // withdrawals by slot (missed slots absent)
	paidFull     map[uint64]uint64       // validator -> slot of its full withdrawal
	tmpl         *ssz.Object             // the template BeaconBlock
	typ          *ssz.Type               // deneb BeaconBlock
	mu           sync.Mutex
	cache        map[uint64]*served
}

type withdrawal = beaconstate.Withdrawal

// missed says which slots have no block: one in eleven.
func missed(slot uint64) bool { return slot%11 == 7 }

// amount is what the sweep pays validator i at slot, 0 for nothing.
func (c *sweepChain) amount(i, slot uint64, done map[uint64]bool) uint64 {
	if c.never[i] || done[i] {
		return 0
	}
	if at, ok := c.fullAt[i]; ok {
		if slot >= at {
			return 32_000_000_000
		}
		return 0
	}
	if i%5 == 0 {
		return 0 // no balance above 32 ETH
	}
	return 1000 + i
}

func newSweepChain(t testing.TB, start, head, n, startIndex uint64, fullAt map[uint64]uint64, never map[uint64]bool) *sweepChain {
	t.Helper()
	c := &sweepChain{
		start: start, head: head, n: n, maxW: 16, maxSweep: 16384,
		fullAt: maps.Clone(fullAt), never: maps.Clone(never),
		ws: map[uint64][]withdrawal{}, paidFull: map[uint64]uint64{}, cache: map[uint64]*served{},
	}
	if c.fullAt == nil {
		c.fullAt = map[uint64]uint64{}
	}
	pos, widx := startIndex, uint64(40_000_000)
	done := map[uint64]bool{}
	for slot := start; slot <= head; slot++ {
		if missed(slot) {
			continue
		}
		var ws []withdrawal
		i := pos
		for k := uint64(0); k < min(n, c.maxSweep); k++ {
			if a := c.amount(i, slot, done); a > 0 {
				w := withdrawal{Index: widx, ValidatorIndex: i, Amount: a}
				w.Address[0], w.Address[19] = byte(i), byte(i>>8)
				ws = append(ws, w)
				widx++
				if _, full := c.fullAt[i]; full {
					done[i] = true
					c.paidFull[i] = slot
				}
				if len(ws) == c.maxW {
					break
				}
			}
			i = (i + 1) % n
		}
		if len(ws) == c.maxW {
			pos = (ws[len(ws)-1].ValidatorIndex + 1) % n
		} else {
			pos = (pos + c.maxSweep) % n
		}
		c.ws[slot] = ws
	}
	msg, err := os.ReadFile(vectors.Path(t, "portal-spec-tests", "tests", "mainnet", "history", "headers_with_proof", "beacon_data", "19426587", "block.ssz"))
	if err != nil {
		t.Fatal(err)
	}
	if c.typ, err = schema(fork.Deneb, fork.PresetMainnet, "BeaconBlock"); err != nil {
		t.Fatal(err)
	}
	v, err := ssz.Decode(c.typ, msg)
	if err != nil {
		t.Fatal(err)
	}
	c.tmpl = v.(*ssz.Object)
	return c
}

// sweepAt returns where the sweep stood after the first block at or after
// slot: its last withdrawal's validator index.
func (c *sweepChain) sweepAt(slot uint64) uint64 {
	for s := slot; s <= c.head; s++ {
		if ws := c.ws[s]; len(ws) > 0 {
			return ws[len(ws)-1].ValidatorIndex
		}
	}
	return 0
}

// firstPaying returns the first slot at or after from whose block pays
// validator v.
func (c *sweepChain) firstPaying(v, from uint64) (uint64, bool) {
	for s := from; s <= c.head; s++ {
		for _, w := range c.ws[s] {
			if w.ValidatorIndex == v {
				return s, true
			}
		}
	}
	return 0, false
}

func clone(o *ssz.Object) *ssz.Object {
	return &ssz.Object{Keys: o.Keys, Values: maps.Clone(o.Values)}
}

// block builds the SignedBeaconBlock of a slot, or nil for a slot without
// one.
func (c *sweepChain) block(t testing.TB, slot uint64) *served {
	if slot < c.start || slot > c.head || slot < c.missingBelow {
		return nil
	}
	ws, ok := c.ws[slot]
	if !ok {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if s := c.cache[slot]; s != nil {
		return s
	}
	blk := clone(c.tmpl)
	body := clone(blk.Values["body"].(*ssz.Object))
	payload := clone(body.Values["execution_payload"].(*ssz.Object))
	list := make([]any, len(ws))
	for i, w := range ws {
		list[i] = map[string]any{"index": w.Index, "validator_index": w.ValidatorIndex, "address": w.Address[:], "amount": w.Amount}
	}
	payload.Set("withdrawals", list)
	body.Set("execution_payload", payload)
	blk.Set("body", body)
	blk.Set("slot", slot)
	blk.Set("proposer_index", slot%c.n)
	msg, err := ssz.Encode(c.typ, blk)
	if err != nil {
		t.Errorf("encode block %d: %v", slot, err)
		return nil
	}
	s := &served{fork: fork.Deneb, typeName: "SignedBeaconBlock", preset: fork.PresetMainnet, ssz: signed(msg)}
	c.cache[slot] = s
	return s
}

const (
	sweepStart = 9_000_000 // a deneb slot of mainnet
	sweepN     = 20_000
)

// sweepFixture is a node serving a 4,000-slot synthetic chain (about four
// passes of the sweep over 20,000 validators, one slot in eleven missed)
// and a Client of it. Validator ahead is 5,000 validators after the
// sweep's position at its withdrawable slot; behind is 3,000 before it
// (the sweep must wrap); broke exited with nothing left to withdraw; late
// becomes withdrawable so close to the head that the sweep has not reached
// it; active and partial have not exited and are paid partial
// withdrawals.
type sweepFixture struct {
	node                                        *fakeNode
	chain                                       *sweepChain
	client                                      *beaconapi.Client
	ahead, behind, broke, active, late, partial uint64
	exitSlot, lateSlot                          uint64
}

func newSweepFixture(t *testing.T) *sweepFixture {
	t.Helper()
	head := uint64(sweepStart + 4000)
	exitSlot := uint64(sweepStart + 320) // epoch-aligned: 9,000,320 = 281,260 × 32
	lateSlot := head - 64
	// Where the sweep stands at exitSlot, without the exits.
	probe := newSweepChain(t, sweepStart, head, sweepN, 123, nil, nil)
	p := probe.sweepAt(exitSlot)
	fx := &sweepFixture{
		ahead: (p + 5000) % sweepN, behind: (p + sweepN - 3000) % sweepN,
		broke: (p + 700) % sweepN, active: (p + 9001) % sweepN, partial: 7,
		exitSlot: exitSlot, lateSlot: lateSlot,
	}
	fx.late = (probe.sweepAt(lateSlot) + 4000) % sweepN
	fullAt := map[uint64]uint64{fx.ahead: exitSlot, fx.behind: exitSlot, fx.late: lateSlot}
	fx.chain = newSweepChain(t, sweepStart, head, sweepN, 123, fullAt, map[uint64]bool{fx.broke: true})
	fx.node = newNode(t, mustNetwork(t, "mainnet"))
	fx.node.set(func(f *fakeNode) {
		f.chain = fx.chain
		f.headSlot = head
		far := uint64(fork.FarFutureEpoch)
		f.validators[fx.ahead] = validatorRecord{exitSlot / 32, "withdrawal_done", 0}
		f.validators[fx.behind] = validatorRecord{exitSlot / 32, "withdrawal_done", 0}
		f.validators[fx.broke] = validatorRecord{exitSlot / 32, "withdrawal_done", 0}
		f.validators[fx.late] = validatorRecord{lateSlot / 32, "withdrawal_possible", 32_000_000_000}
		f.validators[fx.active] = validatorRecord{far, "active_ongoing", 32_000_000_000}
		f.validators[fx.partial] = validatorRecord{far, "active_ongoing", 32_000_001_007}
		f.validators[sweepN+1] = validatorRecord{(head + 640) / 32, "active_exiting", 32_000_000_000}
	})
	fx.client = newClient(t, fx.node)
	return fx
}

func TestFindWithdrawal(t *testing.T) {
	fx := newSweepFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		v    uint64
		opts beaconapi.WithdrawalSearch
		from uint64
	}{
		{"full withdrawal ahead of the sweep", fx.ahead, beaconapi.WithdrawalSearch{}, fx.exitSlot},
		{"full withdrawal after the sweep wraps", fx.behind, beaconapi.WithdrawalSearch{}, fx.exitSlot},
		{"partial withdrawal from a slot", fx.partial, beaconapi.WithdrawalSearch{FromSlot: sweepStart + 1234}, sweepStart + 1234},
		{"partial withdrawal of an active validator", fx.active, beaconapi.WithdrawalSearch{FromSlot: sweepStart + 2000}, sweepStart + 2000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, ok := fx.chain.firstPaying(tc.v, tc.from)
			if !ok {
				t.Fatalf("fixture: validator %d is never paid", tc.v)
			}
			before := fx.node.count("block")
			got, err := fx.client.FindWithdrawal(ctx, tc.v, tc.opts)
			if err != nil {
				t.Fatal(err)
			}
			fetched := fx.node.count("block") - before
			if got.Slot != want {
				t.Fatalf("found slot %d, want %d", got.Slot, want)
			}
			if got.Withdrawal.ValidatorIndex != tc.v {
				t.Fatalf("withdrawal %+v is not validator %d's", got.Withdrawal, tc.v)
			}
			msg, err := beaconapi.BlockMessage(got.Block)
			if err != nil {
				t.Fatal(err)
			}
			if root, _ := msg.Root(); root != got.Root {
				t.Fatalf("root %x is not the block's", got.Root)
			}
			w, err := msg.Withdrawal(uint64(got.Position))
			if err != nil || w != got.Withdrawal {
				t.Fatalf("withdrawals[%d] = %+v, %v; want %+v", got.Position, w, err, got.Withdrawal)
			}
			// A slot-by-slot scan would fetch every block from the
			// first slot; the sweep search needs a handful.
			t.Logf("slot %d found with %d block requests; a scan needs %d", got.Slot, fetched, got.Slot-tc.from+1)
			if fetched != got.BlocksFetched {
				t.Errorf("BlocksFetched %d, node saw %d", got.BlocksFetched, fetched)
			}
			if fetched > 40 || uint64(fetched) > (got.Slot-tc.from+1) {
				t.Errorf("%d block requests for a withdrawal %d slots after the first", fetched, got.Slot-tc.from)
			}
		})
	}
}

func TestFindWithdrawalFailures(t *testing.T) {
	fx := newSweepFixture(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		v    uint64
		opts beaconapi.WithdrawalSearch
		want []string
		is   error
	}{
		{"passed unpaid", fx.broke, beaconapi.WithdrawalSearch{}, []string{"withdrawal not found", "passed the validator between slots", "without paying it", "not withdrawable or had no balance left"}, beaconapi.ErrWithdrawalNotFound},
		{"not exited", fx.active, beaconapi.WithdrawalSearch{}, []string{"has not exited", "a partial withdrawal is searched for from a given first slot"}, beaconapi.ErrSearchStart},
		{"withdrawable after the head", sweepN + 1, beaconapi.WithdrawalSearch{}, []string{"after the node's head", "try again after that"}, beaconapi.ErrWithdrawalNotFound},
		{"not reached by the head", fx.late, beaconapi.WithdrawalSearch{}, []string{"has not reached the validator by the node's head", "try again later"}, beaconapi.ErrWithdrawalNotFound},
		{"outside MaxSlots", fx.ahead, beaconapi.WithdrawalSearch{MaxSlots: 50}, []string{"did not reach the validator in slots", "search more slots"}, beaconapi.ErrSearchSlots},
		{"outside MaxRequests", fx.ahead, beaconapi.WithdrawalSearch{MaxRequests: 2}, []string{"gave up after fetching 2 blocks", "allow more block requests"}, beaconapi.ErrSearchRequests},
		{"unknown validator", sweepN + 5, beaconapi.WithdrawalSearch{}, []string{"validator 20005 of state head", "no such validator"}, beaconapi.ErrNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := fx.client.FindWithdrawal(ctx, tc.v, tc.opts)
			checkErr(t, err, tc.is, tc.want...)
			if tc.is != beaconapi.ErrNotFound && !errors.Is(err, beaconapi.ErrWithdrawalNotFound) {
				t.Errorf("error is not %v", beaconapi.ErrWithdrawalNotFound)
			}
			// The advice names no option: a caller names its own (issue
			// 13, bug 4: a CLI user was told to set FromSlot).
			for _, field := range []string{"FromSlot", "MaxSlots", "MaxRequests", "--"} {
				if strings.Contains(err.Error(), field) {
					t.Errorf("the error names %s", field)
				}
			}
		})
	}

	t.Run("no block history", func(t *testing.T) {
		fx.chain.missingBelow = fx.exitSlot + 200
		defer func() { fx.chain.missingBelow = 0 }()
		_, err := fx.client.FindWithdrawal(ctx, fx.ahead, beaconapi.WithdrawalSearch{})
		checkErr(t, err, beaconapi.ErrNotFound, "the node has no block in the 64 slots from", "use a node with the full block history")
	})
}

// TestFindWithdrawalNoCapella: a network without capella has no
// withdrawals to find.
func TestFindWithdrawalNoCapella(t *testing.T) {
	n := mustNetwork(t, "mainnet")
	for i := range n.Forks {
		if n.Forks[i].Name != fork.Phase0 && n.Forks[i].Name != fork.Altair && n.Forks[i].Name != fork.Bellatrix {
			n.Forks[i].Epoch = fork.FarFutureEpoch
		}
	}
	node := newNode(t, n)
	c := newClient(t, node)
	_, err := c.FindWithdrawal(context.Background(), 1, beaconapi.WithdrawalSearch{FromSlot: 10})
	checkErr(t, err, beaconapi.ErrWithdrawalNotFound, "schedules no capella fork")
}

// TestBlockRootMissedSlot: over the synthetic chain, BlockRoot reports a
// missed slot as not ok and the next block's root as the block's.
func TestBlockRootMissedSlot(t *testing.T) {
	fx := newSweepFixture(t)
	ctx := context.Background()
	var missedSlot uint64
	for s := uint64(sweepStart + 10); ; s++ {
		if missed(s) {
			missedSlot = s
			break
		}
	}
	if _, ok, err := fx.client.BlockRoot(ctx, missedSlot); err != nil || ok {
		t.Fatalf("BlockRoot(missed slot %d) = ok %v, %v; want not ok", missedSlot, ok, err)
	}
	root, ok, err := fx.client.BlockRoot(ctx, missedSlot+1)
	if err != nil || !ok {
		t.Fatalf("BlockRoot(%d) = %v, %v", missedSlot+1, ok, err)
	}
	blk, err := fx.client.Block(ctx, beaconapi.SlotID(missedSlot+1))
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := beaconapi.BlockMessage(blk)
	if r, _ := msg.Root(); r != root {
		t.Fatalf("BlockRoot %x, block root %x", root, r)
	}
}

// TestFindWithdrawalRandom checks the search against the chain's ground
// truth for random validators and first slots: it finds the first paying
// block, or says why there is none, in a bounded number of requests.
func TestFindWithdrawalRandom(t *testing.T) {
	fx := newSweepFixture(t)
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	worst, n := 0, 30
	if testing.Short() {
		n = 8
	}
	for i := 0; i < n; i++ {
		v := rng.Uint64N(sweepN)
		from := sweepStart + rng.Uint64N(3900)
		before := fx.node.count("block")
		got, err := fx.client.FindWithdrawal(ctx, v, beaconapi.WithdrawalSearch{FromSlot: from})
		fetched := fx.node.count("block") - before
		worst = max(worst, fetched)
		want, ok := fx.chain.firstPaying(v, from)
		switch {
		case !ok:
			if !errors.Is(err, beaconapi.ErrWithdrawalNotFound) {
				t.Errorf("validator %d from %d: never paid, got %v, %v", v, from, got, err)
			}
		case err != nil:
			t.Errorf("validator %d from %d: want slot %d, got %v", v, from, want, err)
		case got.Slot != want:
			t.Errorf("validator %d from %d: found slot %d, want %d", v, from, got.Slot, want)
		}
		if fetched > 40 {
			t.Errorf("validator %d from %d: %d block requests", v, from, fetched)
		}
	}
	t.Logf("at most %d block requests per search", worst)
}
