package devnet

import (
	"crypto/sha256"
	"encoding/hex"
	"math/big"
	"strings"
	"testing"
)

// Descriptors that @chainsafe/persistent-merkle-tree 0.8.0's
// computeDescriptor returns for these gindices (run in the devnet's
// Lodestar build).
func TestDescriptorMatchesLodestar(t *testing.T) {
	big70 := new(big.Int).Add(new(big.Int).Lsh(big.NewInt(1), 70), big.NewInt(12345))
	tests := []struct {
		gindices []*big.Int
		want     string
	}{
		{[]*big.Int{big.NewInt(34)}, "0be0"},
		{[]*big.Int{big.NewInt(11)}, "2e"},
		{[]*big.Int{big.NewInt(1)}, "80"},
		{[]*big.Int{big.NewInt(2)}, "60"},
		{[]*big.Int{big.NewInt(3)}, "60"},
		{[]*big.Int{big.NewInt(8), big.NewInt(13)}, "1ce0"},
		{[]*big.Int{big.NewInt(5), big.NewInt(6), big.NewInt(16)}, "0f60"},
		{[]*big.Int{big70}, "0000000000000050151ffffffffffffffff8"},
	}
	for _, tt := range tests {
		d, err := Descriptor(tt.gindices...)
		if err != nil {
			t.Fatalf("Descriptor(%v): %v", tt.gindices, err)
		}
		if got := hex.EncodeToString(d); got != tt.want {
			t.Errorf("Descriptor(%v) = %s, want %s", tt.gindices, got, tt.want)
		}
	}
}

// fullTree is a perfect binary tree of depth 4 over leaves sha256(i).
type fullTree map[int64][32]byte

func newFullTree() fullTree {
	t := fullTree{}
	for i := int64(16); i < 32; i++ {
		t[i] = sha256.Sum256([]byte{byte(i)})
	}
	for i := int64(15); i >= 1; i-- {
		l, r := t[2*i], t[2*i+1]
		t[i] = sha256.Sum256(append(l[:], r[:]...))
	}
	return t
}

// compact returns the leaves of the compact multiproof of descriptor
// over t, walking it as the format says.
func (t fullTree) compact(desc []byte) [][32]byte {
	bits, err := descriptorBits(desc)
	if err != nil {
		panic(err)
	}
	var leaves [][32]byte
	i := 0
	var walk func(g int64)
	walk = func(g int64) {
		bit := bits[i]
		i++
		if bit {
			leaves = append(leaves, t[g])
			return
		}
		walk(2 * g)
		walk(2*g + 1)
	}
	walk(1)
	return leaves
}

func TestDecodeCompactMultiproof(t *testing.T) {
	tree := newFullTree()
	for _, gs := range [][]int64{{1}, {2}, {3}, {9}, {16}, {31}, {5, 6}, {16, 31, 10}} {
		var gindices []*big.Int
		for _, g := range gs {
			gindices = append(gindices, big.NewInt(g))
		}
		desc, err := Descriptor(gindices...)
		if err != nil {
			t.Fatal(err)
		}
		m, err := DecodeCompactMultiproof(desc, tree.compact(desc))
		if err != nil {
			t.Fatalf("%v: %v", gs, err)
		}
		if m.Root() != tree[1] {
			t.Errorf("%v: root %x, want %x", gs, m.Root(), tree[1])
		}
		for _, g := range gs {
			if h, ok := m.Node(big.NewInt(g)); !ok || h != tree[g] {
				t.Errorf("%v: node %d = %x, %v", gs, g, h, ok)
			}
			branch, err := m.Branch(big.NewInt(g))
			if err != nil {
				t.Fatalf("%v: branch of %d: %v", gs, g, err)
			}
			var want [][32]byte
			for x := g; x > 1; x /= 2 {
				want = append(want, tree[x^1])
			}
			if len(branch) != len(want) {
				t.Fatalf("%v: branch of %d has %d nodes, want %d", gs, g, len(branch), len(want))
			}
			for i := range want {
				if branch[i] != want[i] {
					t.Errorf("%v: branch of %d, node %d: %x, want %x", gs, g, i, branch[i], want[i])
				}
			}
		}
	}
}

func TestDecodeCompactMultiproofRejects(t *testing.T) {
	tree := newFullTree()
	desc, _ := Descriptor(big.NewInt(9))
	leaves := tree.compact(desc)
	tests := []struct {
		name   string
		desc   string
		leaves [][32]byte
		want   string
	}{
		{"too few leaves", hex.EncodeToString(desc), leaves[:len(leaves)-1], "descriptor bits"},
		{"too many leaves", hex.EncodeToString(desc), append(leaves, leaves[0]), "descriptor bits"},
		{"padding", "0be1", leaves, "padding"},
		{"trailing byte", hex.EncodeToString(desc) + "00", leaves, "after the walk"},
		{"short walk", "00", leaves, "ends before"},
		{"empty", "", nil, "ends before"},
	}
	for _, tt := range tests {
		d, _ := hex.DecodeString(tt.desc)
		_, err := DecodeCompactMultiproof(d, tt.leaves)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err %v, want one that says %q", tt.name, err, tt.want)
		}
	}
}

func TestDescriptorRejects(t *testing.T) {
	if _, err := Descriptor(); err == nil {
		t.Error("no gindex: no error")
	}
	if _, err := Descriptor(big.NewInt(0)); err == nil {
		t.Error("gindex 0: no error")
	}
	if _, err := Descriptor(big.NewInt(2), big.NewInt(4)); err == nil {
		t.Error("an ancestor and its descendant: no error")
	}
}

func TestDecodeProofSSZ(t *testing.T) {
	// {leaves: [0x11…, 0x22…], descriptor: 0x60} as Lodestar serialises it.
	b := []byte{8, 0, 0, 0, 72, 0, 0, 0}
	for _, c := range []byte{0x11, 0x22} {
		for i := 0; i < 32; i++ {
			b = append(b, c)
		}
	}
	b = append(b, 0x60)
	leaves, desc, err := decodeProofSSZ(b)
	if err != nil || len(leaves) != 2 || leaves[1][0] != 0x22 || string(desc) != "\x60" {
		t.Fatalf("decodeProofSSZ = %d leaves, %x, %v", len(leaves), desc, err)
	}
	for _, bad := range [][]byte{b[:7], append([]byte{9}, b[1:]...), b[:70]} {
		if _, _, err := decodeProofSSZ(bad); err == nil {
			t.Errorf("decodeProofSSZ(%d bytes): no error", len(bad))
		}
	}
}

func TestNodeMajor(t *testing.T) {
	for s, want := range map[string]int{"v20.20.2\n": 20, "v18.1.0": 18, "v22.0.0": 22} {
		if got, ok := nodeMajor(s); !ok || got != want {
			t.Errorf("nodeMajor(%q) = %d, %v", s, got, ok)
		}
	}
	if _, ok := nodeMajor("node"); ok {
		t.Error(`nodeMajor("node") ok`)
	}
}
