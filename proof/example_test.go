package proof_test

import (
	"crypto/sha256"
	"errors"
	"fmt"

	"github.com/beaconproof/beaconproof/proof"
)

// leafHash returns a deterministic leaf value.
func leafHash(i byte) [32]byte { return [32]byte{31: i} }

func node(a, b [32]byte) [32]byte { return sha256.Sum256(append(a[:], b[:]...)) }

// fourLeafTree returns the nodes 1…7 of a tree over four leaves (gindices 4…7).
func fourLeafTree() map[uint64][32]byte {
	n := map[uint64][32]byte{4: leafHash(1), 5: leafHash(2), 6: leafHash(3), 7: leafHash(4)}
	n[2] = node(n[4], n[5])
	n[3] = node(n[6], n[7])
	n[1] = node(n[2], n[3])
	return n
}

func ExampleProof_Verify() {
	nodes := fourLeafTree()
	p := proof.Proof{
		Gindex: proof.GindexFromUint64(6),
		Leaf:   nodes[6],
		Branch: [][32]byte{nodes[7], nodes[2]}, // bottom-up
	}
	fmt.Println("valid:", p.Verify(nodes[1]) == nil)

	p.Leaf[0] ^= 1
	err := p.Verify(nodes[1])
	fmt.Println("tampered:", errors.Is(err, proof.ErrRootMismatch))

	p.Branch = p.Branch[:1]
	fmt.Println(p.Verify(nodes[1]))
	// Output:
	// valid: true
	// tampered: true
	// verify: proof root: wrong proof length: gindex 6 needs a branch of 2 hashes, got 1
}

func ExampleNewMultiproof() {
	nodes := fourLeafTree()
	nodeAt := func(g proof.Gindex) ([32]byte, error) {
		v, _ := g.Uint64()
		h, ok := nodes[v]
		if !ok {
			return [32]byte{}, fmt.Errorf("no node %s", g)
		}
		return h, nil
	}
	gs := []proof.Gindex{proof.GindexFromUint64(4), proof.GindexFromUint64(6)}
	m, err := proof.NewMultiproof(gs, nodeAt)
	if err != nil {
		panic(err)
	}
	fmt.Println("gindices:", m.Gindices) // in the canonical order, descending
	fmt.Println("helpers:", proof.HelperIndices(gs))
	fmt.Println("size:", m.Size(), "hashes")
	fmt.Println("valid:", m.Verify(nodes[1]) == nil)
	// Output:
	// gindices: [6 4]
	// helpers: [7 5]
	// size: 4 hashes
	// valid: true
}

func ExampleVerifyMany() {
	// Two leaves of a 4-leaf tree, proved against the same root and
	// verified together.
	leaves := [][32]byte{{1}, {2}, {3}, {4}}
	h := func(a, b [32]byte) [32]byte { return sha256.Sum256(append(a[:], b[:]...)) }
	l, r := h(leaves[0], leaves[1]), h(leaves[2], leaves[3])
	root := h(l, r)
	proofs := []proof.Proof{
		{Gindex: proof.GindexFromUint64(4), Leaf: leaves[0], Branch: [][32]byte{leaves[1], r}},
		{Gindex: proof.GindexFromUint64(7), Leaf: leaves[3], Branch: [][32]byte{leaves[2], l}},
	}
	fmt.Println(proof.VerifyMany(proofs, root))
	proofs[1].Leaf[0] = 9
	fmt.Println(errors.Is(proof.VerifyMany(proofs, root), proof.ErrRootMismatch))
	// Output:
	// <nil>
	// true
}
