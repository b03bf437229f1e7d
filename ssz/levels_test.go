package ssz

import (
	"encoding/binary"
	"testing"

	"github.com/beaconproof/beaconproof/proof"
)

// TestLevelsEveryLevel checks the stored and the recomputed levels of list
// trees around the sizes where the layout changes (keep, odd counts, the
// two-level steps, blocks of hashTwoLevels) against a plain merkleizer: the
// root, Node at every level for the first, last and some middle nodes, and
// a verified proof of chunks spread over the list.
func TestLevelsEveryLevel(t *testing.T) {
	// The same chunks as roots (the levels of proofs) and as packed bytes
	// (the levels of balances and flags), both of depth 20.
	for _, typ := range []*Type{List(Bytes32, 1<<20), List(Uint8, 32<<20)} {
		testLevelsEveryLevel(t, typ)
	}
}

func testLevelsEveryLevel(t *testing.T, typ *Type) {
	for _, n := range []int{1, 2, 3, 4, 5, 7, 8, 9, 4095, 4096, 4097, 5000, 16383, 16384, 16385, 70001, 300001} {
		b := make([]byte, n*32)
		for i := 0; i < n; i++ {
			binary.LittleEndian.PutUint64(b[i*32:], uint64(i)*0x9e3779b97f4a7c15+1)
		}
		tr, err := NewTree(typ, b)
		if err != nil {
			t.Fatal(err)
		}
		root, err := tr.Root()
		if err != nil {
			t.Fatal(err)
		}
		// The reference levels, bottom up.
		ref := [][][32]byte{make([][32]byte, n)}
		for i := range n {
			copy(ref[0][i][:], b[i*32:])
		}
		for d := 0; len(ref[d]) > 1; d++ {
			cur := ref[d]
			if len(cur)%2 == 1 {
				cur = append(cur, refZero[d])
			}
			next := make([][32]byte, len(cur)/2)
			for i := range next {
				next[i] = refHash(cur[2*i], cur[2*i+1])
			}
			ref = append(ref, next)
		}
		length := n
		if typ.Elem == Uint8 {
			length = 32 * n
		}
		if want := refMixIn(refMerkleize(ref[0], 1<<20), length); root != want {
			t.Fatalf("%s n=%d: root %x, want %x", typ.Name, n, root, want)
		}
		depth := 20
		for d, nodes := range ref {
			for _, i := range []int{0, 1, len(nodes) / 2, len(nodes) - 2, len(nodes) - 1} {
				if i < 0 || i >= len(nodes) {
					continue
				}
				// gindex of node i at level d of the data tree (left child of the root).
				g := proof.GindexFromUint64(uint64(2)<<(depth-d) | uint64(i))
				got, err := tr.Node(g)
				if err != nil {
					t.Fatalf("%s n=%d level %d node %d: %v", typ.Name, n, d, i, err)
				}
				if got != nodes[i] {
					t.Fatalf("%s n=%d level %d node %d: %x, want %x", typ.Name, n, d, i, got, nodes[i])
				}
				if _, err := tr.Prove(g); err != nil {
					t.Fatalf("%s n=%d level %d node %d: %v", typ.Name, n, d, i, err)
				}
			}
		}
	}
}

// TestProveMany checks that ProveMany returns, in order, what Prove returns
// for each gindex, for a mix of depths and for lists big enough to be
// proved on several cores; and that it fails for an invalid gindex.
func TestProveMany(t *testing.T) {
	typ := List(Bytes32, 1<<20)
	for _, n := range []int{1, 100, 5000} {
		b := make([]byte, n*32)
		for i := 0; i < n; i++ {
			binary.LittleEndian.PutUint64(b[i*32:], uint64(i)+7)
		}
		tr, err := NewTree(typ, b)
		if err != nil {
			t.Fatal(err)
		}
		var gs []proof.Gindex
		for i := 0; i < n; i += 1 + i/3 {
			gs = append(gs, proof.GindexFromUint64(uint64(2)<<20|uint64(i)))
			gs = append(gs, proof.GindexFromUint64(uint64(2)<<(20-(i%5))|uint64(i>>(i%5))))
		}
		gs = append(gs, proof.GindexFromUint64(3), proof.GindexFromUint64(2))
		for len(gs) < 1000 {
			gs = append(gs, gs...)
		}
		got, err := tr.ProveMany(gs)
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		for i, g := range gs {
			want, err := tr.Prove(g)
			if err != nil {
				t.Fatal(err)
			}
			if got[i].Gindex.String() != want.Gindex.String() || got[i].Leaf != want.Leaf || len(got[i].Branch) != len(want.Branch) {
				t.Fatalf("n=%d proof %d (gindex %s) differs from Prove's", n, i, g)
			}
			for k := range want.Branch {
				if got[i].Branch[k] != want.Branch[k] {
					t.Fatalf("n=%d proof %d (gindex %s): branch %d differs from Prove's", n, i, g, k)
				}
			}
		}
		if _, err := tr.ProveMany([]proof.Gindex{gs[0], proof.Root}); err == nil {
			t.Fatalf("n=%d: ProveMany of the root gindex did not fail", n)
		}
		if _, err := tr.ProveMany([]proof.Gindex{proof.GindexFromUint64(uint64(2)<<21 | 5)}); err == nil {
			t.Fatalf("n=%d: ProveMany below a chunk did not fail", n)
		}
	}
}
