package ssz

import (
	"fmt"
	"slices"

	"github.com/beaconproof/beaconproof/proof"
)

// ProveMany returns the Merkle proofs of the nodes gs against the value's
// root, in the order of gs: what Prove returns for each, built faster. The
// branches are read on all cores, and the proofs are verified together
// against the root with proof.VerifyMany (level by level, each level of
// all the branches in vectorized calls) before they are returned. The
// branches share one allocation.
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
	const batch = 64 // walks per task
	err = forEach((len(gs)+batch-1)/batch, func(k int) error {
		for _, i := range order[k*batch : min((k+1)*batch, len(gs))] {
			leaf, err := tr.walk(gs[i], ps[i].Branch)
			if err != nil {
				return err
			}
			ps[i].Leaf = leaf
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if err := proof.VerifyMany(ps, root); err != nil {
		return nil, fmt.Errorf("ssz: internal error: generated proofs do not verify: %w", err)
	}
	return ps, nil
}
