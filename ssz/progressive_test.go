package ssz

import (
	"testing"
)

// TestFixedProgressiveContainer checks that a fixed-size ProgressiveContainer
// hashes the same whether it stands alone (through the chunk tree) or as an
// element of a list (through the batched fixed-size path).
func TestFixedProgressiveContainer(t *testing.T) {
	pc := ProgressiveContainer("PC", []bool{true, false, true, true, false, true},
		F("a", Uint64), F("b", Bytes32), F("c", Bool), F("d", ByteVector(48)))
	one := make([]byte, pc.FixedSize())
	for i := range one {
		one[i] = byte(i * 7)
	}
	one[8+32] = 1 // c is a boolean
	viaTree, err := NewTree(pc, one)
	if err != nil {
		t.Fatal(err)
	}
	want, err := viaTree.Root()
	if err != nil {
		t.Fatal(err)
	}
	var got [32]byte
	fixedRoots(pc, one, 1, got[:])
	if got != want {
		t.Fatalf("batched root %x, chunk-tree root %x", got, want)
	}
	list := ProgressiveList(pc)
	two := append(append([]byte(nil), one...), one...)
	lt, err := NewTree(list, two)
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := list.Gindex("[1]")
	if err != nil {
		t.Fatal(err)
	}
	n, err := lt.Node(g)
	if err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Fatalf("element root %x, want %x", n, want)
	}
}
