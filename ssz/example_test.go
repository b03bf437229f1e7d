package ssz_test

import (
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// Checkpoint is the consensus specs' Checkpoint container.
var Checkpoint = ssz.Container("Checkpoint",
	ssz.F("epoch", ssz.Uint64),
	ssz.F("root", ssz.Bytes32))

// checkpoint returns the SSZ encoding of a Checkpoint: the epoch as 8
// little-endian bytes, then the 32-byte root.
func checkpoint(epoch uint64, rootByte byte) []byte {
	b := make([]byte, 40)
	for i := 0; i < 8; i++ {
		b[i] = byte(epoch >> (8 * i))
	}
	for i := 8; i < 40; i++ {
		b[i] = rootByte
	}
	return b
}

func ExampleHashTreeRoot() {
	// The zero Checkpoint: the root is hash(zero chunk, zero chunk).
	root, err := ssz.HashTreeRoot(Checkpoint, checkpoint(0, 0))
	if err != nil {
		panic(err)
	}
	fmt.Printf("%x\n", root)

	// Malformed bytes are rejected before anything is hashed.
	_, err = ssz.HashTreeRoot(Checkpoint, make([]byte, 39))
	fmt.Println(err)
	// Output:
	// f5a5fd42d16a20302798ef6ed309979b43003d2320d9f0e8ea9831a92759fb4b
	// ssz: wrong size: 39 bytes, want 40 at (top level) (type Checkpoint, byte offset 0)
}

func ExampleType_Gindex() {
	checkpoints := ssz.List(Checkpoint, 1024)
	for _, path := range []string{"", "[0]", "[5]", "[5].root"} {
		g, typ, err := checkpoints.Gindex(path)
		if err != nil {
			panic(err)
		}
		fmt.Printf("%-9q gindex %-5s type %s\n", path, g, typ)
	}
	_, _, err := checkpoints.Gindex("[1024]")
	fmt.Println(err)
	// Output:
	// ""        gindex 1     type List[Checkpoint, 1024]
	// "[0]"     gindex 2048  type Checkpoint
	// "[5]"     gindex 2053  type Checkpoint
	// "[5].root" gindex 4107  type ByteVector[32]
	// ssz: index 1024 out of range for List[Checkpoint, 1024] at "": no such path
}

func ExampleNewTree() {
	checkpoints := ssz.List(Checkpoint, 1024)
	var b []byte
	for epoch := uint64(1); epoch <= 3; epoch++ {
		b = append(b, checkpoint(epoch, byte(epoch))...)
	}
	tree, err := ssz.NewTree(checkpoints, b)
	if err != nil {
		panic(err)
	}
	root, _ := tree.Root()

	// Prove the epoch of the second checkpoint against the list's root.
	g, _, err := checkpoints.Gindex("[1].epoch")
	if err != nil {
		panic(err)
	}
	p, err := tree.Prove(g)
	if err != nil {
		panic(err)
	}
	fmt.Println("gindex:", p.Gindex)
	fmt.Println("leaf:  ", hex.EncodeToString(p.Leaf[:]))
	fmt.Println("branch:", len(p.Branch), "hashes")
	fmt.Println("valid: ", p.Verify(root) == nil)

	// The length of the list is the right child of the root.
	n, _ := tree.Node(proof.GindexFromUint64(3))
	fmt.Println("length chunk:", hex.EncodeToString(n[:8]))
	// Output:
	// gindex: 4098
	// leaf:   0200000000000000000000000000000000000000000000000000000000000000
	// branch: 12 hashes
	// valid:  true
	// length chunk: 0300000000000000
}

func ExampleDecode() {
	v, err := ssz.Decode(Checkpoint, checkpoint(7, 0xaa))
	if err != nil {
		panic(err)
	}
	obj := v.(*ssz.Object)
	for _, k := range obj.Keys {
		fmt.Printf("%s: %v\n", k, obj.Values[k])
	}
	// Output:
	// epoch: 7
	// root: [170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170 170]
}

func ExampleEncode() {
	// Values as a YAML or JSON decoder hands them over.
	b, err := ssz.Encode(Checkpoint, map[string]any{
		"epoch": "7",
		"root":  "0x" + strings.Repeat("aa", 32),
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(hex.EncodeToString(b[:12]), len(b))

	_, err = ssz.Encode(ssz.List(Checkpoint, 2), []any{
		map[string]any{"epoch": 1, "root": "0x00"},
	})
	fmt.Println(err)
	// Output:
	// 0700000000000000aaaaaaaa 40
	// ssz: wrong size: 1 bytes, want 32 at [0].root (type ByteVector[32], byte offset 8)
}

func ExampleToJSON() {
	j, err := ssz.ToJSON(Checkpoint, checkpoint(7, 0xaa))
	if err != nil {
		panic(err)
	}
	fmt.Println(string(j))
	// Output:
	// {"epoch":"7","root":"0xaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"}
}

func ExampleFromJSON() {
	b, err := ssz.FromJSON(ssz.Bitlist(16), []byte(`"0x0d"`))
	if err != nil {
		panic(err)
	}
	v, _ := ssz.Decode(ssz.Bitlist(16), b)
	fmt.Println(v)
	// Output:
	// [true false true]
}

func ExampleTree_ProveMany() {
	// A list of 1,000 checkpoints; prove every tenth one's root field at once.
	checkpoints := ssz.List(Checkpoint, 1<<20)
	var b []byte
	for i := 0; i < 1000; i++ {
		b = append(b, checkpoint(uint64(i), byte(i))...)
	}
	tr, err := ssz.NewTree(checkpoints, b)
	if err != nil {
		panic(err)
	}
	var gs []proof.Gindex
	for i := 0; i < 1000; i += 10 {
		g, _, err := checkpoints.Gindex(fmt.Sprintf("[%d].root", i))
		if err != nil {
			panic(err)
		}
		gs = append(gs, g)
	}
	// Read on all cores and verified together against the root.
	proofs, err := tr.ProveMany(gs)
	if err != nil {
		panic(err)
	}
	root, _ := tr.Root()
	fmt.Println(len(proofs), "proofs;", "the 51st proves", proofs[50].Gindex, "with", len(proofs[50].Branch), "siblings")
	fmt.Println(proof.VerifyMany(proofs, root))
	// Output:
	// 100 proofs; the 51st proves 4195305 with 22 siblings
	// <nil>
}
