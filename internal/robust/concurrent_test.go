package robust

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// hammer runs work on 8 goroutines released at once, each with its own
// index, and reports the first error.
func hammer(t *testing.T, work func(w int) error) {
	t.Helper()
	const workers = 8
	start := make(chan struct{})
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() {
				if r := recover(); r != nil {
					errs <- fmt.Errorf("worker %d panicked: %v", w, r)
				}
			}()
			<-start
			if err := work(w); err != nil {
				errs <- fmt.Errorf("worker %d: %w", w, err)
			}
		}()
	}
	close(start)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// concurrentPaths are the members every worker proves, in a worker-specific
// order.
var concurrentPaths = []string{
	"slot", "validators[0].pubkey", "validators[5].withdrawal_credentials", "validators[399].exit_epoch",
	"balances[7]", "balances[399]", "block_roots[3]", "randao_mixes[100]", "latest_execution_payload_header.block_hash",
	"historical_summaries", "previous_epoch_participation[17]", "inactivity_scores[3]", "current_sync_committee.pubkeys[5]",
}

// TestConcurrentTree hammers one ssz.Tree from 8 goroutines before anything
// is hashed: every Root, Node and Prove must give what a tree used from one
// goroutine gives. Run under -race.
func TestConcurrentTree(t *testing.T) {
	for _, forkName := range []string{"deneb", "gloas"} {
		t.Run(forkName, func(t *testing.T) {
			typ := schema(t, forkName, "mainnet", "BeaconState")
			b := oracleObject(t, "mainnet", forkName, "state_0")
			ref, err := ssz.NewTree(typ, b)
			if err != nil {
				t.Fatal(err)
			}
			root, err := ref.Root()
			if err != nil {
				t.Fatal(err)
			}
			var gs []proof.Gindex
			want := map[string][32]byte{}
			for _, path := range concurrentPaths {
				g, _, err := typ.Gindex(path)
				if err != nil {
					continue
				}
				gs = append(gs, g)
				if want[g.String()], err = ref.Node(g); err != nil {
					t.Fatalf("%s: %v", path, err)
				}
			}
			tr, err := ssz.NewTree(typ, b)
			if err != nil {
				t.Fatal(err)
			}
			hammer(t, func(w int) error {
				r := rand.New(rand.NewPCG(uint64(w), 1))
				for range 40 {
					g := gs[r.IntN(len(gs))]
					switch r.IntN(3) {
					case 0:
						got, err := tr.Root()
						if err != nil || got != root {
							return fmt.Errorf("Root = %x, %v", got, err)
						}
					case 1:
						got, err := tr.Node(g)
						if err != nil || got != want[g.String()] {
							return fmt.Errorf("Node(%s) = %x, %v", g, got, err)
						}
					default:
						p, err := tr.Prove(g)
						if err != nil || p.Leaf != want[g.String()] {
							return fmt.Errorf("Prove(%s): %v", g, err)
						}
						if err := p.Verify(root); err != nil {
							return err
						}
					}
				}
				return nil
			})
		})
	}
}

// TestConcurrentProver hammers one beaconstate.Prover (proofs, multiproofs,
// gindices), and a Prover of the next epoch's state made by Next while
// the first is in use.
func TestConcurrentProver(t *testing.T) {
	typ := schema(t, "deneb", "mainnet", "BeaconState")
	b := oracleObject(t, "mainnet", "deneb", "state_0")
	obj, err := beaconstate.NewObject("deneb", "mainnet", "BeaconState", b)
	if err != nil {
		t.Fatal(err)
	}
	next, err := synth.NextEpoch(typ, b)
	if err != nil {
		t.Fatal(err)
	}
	objNext, err := beaconstate.Load(context.Background(), bytes.NewReader(next), beaconstate.LoadOptions{Fork: "deneb"})
	if err != nil {
		t.Fatal(err)
	}
	// References, from provers used by one goroutine.
	expect := func(o *beaconstate.Object) ([32]byte, map[string]proof.Proof) {
		p, err := beaconstate.NewProver(o)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]proof.Proof{}
		for _, path := range concurrentPaths {
			if out[path], err = p.Prove(path); err != nil {
				t.Fatalf("%s: %v", path, err)
			}
		}
		return p.Root(), out
	}
	root, want := expect(obj)
	rootNext, wantNext := expect(objNext)

	p, err := beaconstate.NewProver(obj)
	if err != nil {
		t.Fatal(err)
	}
	var pn *beaconstate.Prover
	var once sync.Once
	check := func(p *beaconstate.Prover, root [32]byte, want map[string]proof.Proof, r *rand.Rand) error {
		path := concurrentPaths[r.IntN(len(concurrentPaths))]
		switch r.IntN(4) {
		case 0:
			got, err := p.Prove(path)
			if err != nil || got.Leaf != want[path].Leaf || got.Verify(root) != nil {
				return fmt.Errorf("Prove(%s): %v", path, err)
			}
		case 1:
			other := concurrentPaths[(r.IntN(len(concurrentPaths)-1)+1+indexOf(path))%len(concurrentPaths)]
			m, err := p.Multiproof([]string{path, other})
			if err != nil {
				return fmt.Errorf("Multiproof(%s, %s): %v", path, other, err)
			}
			i, j := 0, 1 // the positions of path and other: a multiproof lists its gindices in descending order
			if m.Gindices[0].Equal(want[other].Gindex) {
				i, j = 1, 0
			}
			if m.Leaves[i] != want[path].Leaf || m.Leaves[j] != want[other].Leaf || m.Verify(root) != nil {
				return fmt.Errorf("Multiproof(%s, %s): wrong leaves", path, other)
			}
		case 2:
			got, err := p.ProveGindex(want[path].Gindex)
			if err != nil || got.Leaf != want[path].Leaf {
				return fmt.Errorf("ProveGindex(%s): %v", path, err)
			}
		default:
			if p.Root() != root {
				return fmt.Errorf("Root changed")
			}
		}
		return nil
	}
	hammer(t, func(w int) error {
		r := rand.New(rand.NewPCG(uint64(w), 2))
		for range 40 {
			if w%2 == 0 {
				if err := check(p, root, want, r); err != nil {
					return err
				}
				continue
			}
			var err error
			once.Do(func() { pn, err = p.Next(objNext) })
			if err != nil {
				return fmt.Errorf("Next: %v", err)
			}
			if pn == nil {
				return nil // Next failed in another worker, which reports it
			}
			if pn.Root() != rootNext {
				return fmt.Errorf("Next: root %x, want %x", pn.Root(), rootNext)
			}
			if err := check(pn, rootNext, wantNext, r); err != nil {
				return fmt.Errorf("next epoch: %w", err)
			}
		}
		return nil
	})
}

func indexOf(path string) int {
	for i, p := range concurrentPaths {
		if p == path {
			return i
		}
	}
	return -1
}
