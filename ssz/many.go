package ssz

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/beaconproof/beaconproof/proof"
)

// ProveMany returns the Merkle proofs of the nodes gs against the value's
// root, in the order of gs: what Prove returns for each, built faster. The
// branches are read on all cores, and the proofs are verified together
// against the root with proof.VerifyMany (every level of every branch
// hashed in one vectorized call) before they are returned. The branches
// share one allocation.
func (tr *Tree) ProveMany(gs []proof.Gindex) ([]proof.Proof, error) {
	total := 0
	for _, g := range gs {
		if !g.IsValid() || g.Depth() < 1 {
			return nil, fmt.Errorf("ssz: %s: prove generalized index %s: %w", tr.t.Name, g, proof.ErrInvalidGindex)
		}
		total += g.Depth()
	}
	root, err := tr.Root()
	if err != nil {
		return nil, err
	}
	ps := make([]proof.Proof, len(gs))
	backing := make([][32]byte, total)
	for i, g := range gs {
		d := g.Depth()
		ps[i] = proof.Proof{Gindex: g, Branch: backing[:d:d]}
		backing = backing[d:]
	}
	// Walk in gindex order: neighbouring walks then read neighbouring
	// bytes of the value and of the stored levels.
	order := make([]int, len(gs))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return gs[a].Cmp(gs[b]) })
	walk := func(k int) error {
		i := order[k]
		leaf, err := tr.walk(tr.t, tr.b, 0, gs[i], gs[i].Depth(), new(trail), ps[i].Branch)
		ps[i].Leaf = leaf
		return err
	}
	workers := min(runtime.GOMAXPROCS(0), len(gs)/64+1)
	if workers <= 1 {
		for i := range gs {
			if err := walk(i); err != nil {
				return nil, err
			}
		}
	} else {
		var next atomic.Int64
		var failed atomic.Bool
		errs := make([]error, workers)
		var wg sync.WaitGroup
		const batch = 64
		for w := 0; w < workers; w++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for !failed.Load() {
					lo := int(next.Add(batch) - batch)
					if lo >= len(gs) {
						return
					}
					for i := lo; i < min(lo+batch, len(gs)); i++ {
						if err := walk(i); err != nil {
							errs[w] = err
							failed.Store(true)
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return nil, err
			}
		}
	}
	if err := proof.VerifyMany(ps, root); err != nil {
		return nil, fmt.Errorf("ssz: internal error: generated proofs do not verify: %w", err)
	}
	return ps, nil
}
