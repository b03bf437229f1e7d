package ssz

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math/big"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v2"

	"github.com/beaconproof/beaconproof/proof"
)

// ---------------------------------------------------------------------------
// A reference hash_tree_root over decoded values, written straight from the
// specs (simple-serialize.md, EIP-7916, EIP-7495) and sharing no code with
// hash.go, levels.go or tree.go.

var refZero = func() (z [66][32]byte) {
	for d := 1; d < len(z); d++ {
		z[d] = sha256.Sum256(append(z[d-1][:], z[d-1][:]...))
	}
	return z
}()

func refHash(a, b [32]byte) [32]byte { return sha256.Sum256(append(a[:], b[:]...)) }

// refMerkleize is the specs' merkleize(chunks, limit), padding virtually
// with zero subtrees.
func refMerkleize(chunks [][32]byte, limit uint64) [32]byte {
	if uint64(len(chunks)) > limit {
		panic("refMerkleize: chunks over the limit")
	}
	depth := 0
	if limit > 1 {
		depth = bits.Len64(limit - 1)
	}
	if len(chunks) == 0 {
		return refZero[depth]
	}
	nodes := append([][32]byte(nil), chunks...)
	for d := 0; d < depth; d++ {
		if len(nodes)%2 == 1 {
			nodes = append(nodes, refZero[d])
		}
		next := make([][32]byte, len(nodes)/2)
		for i := range next {
			next[i] = refHash(nodes[2*i], nodes[2*i+1])
		}
		nodes = next
	}
	return nodes[0]
}

// refProgressive is EIP-7916's merkleize_progressive. The subtree of
// num_leaves chunks is the left child and the rest of the tree the right
// one, as in the EIP since ethereum/EIPs#11032 ("Merkleize to right") and
// in the oracle vectors.
func refProgressive(chunks [][32]byte, numLeaves uint64) [32]byte {
	if len(chunks) == 0 {
		return [32]byte{}
	}
	k := min(uint64(len(chunks)), numLeaves)
	return refHash(refMerkleize(chunks[:k], numLeaves), refProgressive(chunks[k:], numLeaves*4))
}

func refPack(b []byte) [][32]byte {
	out := make([][32]byte, (len(b)+31)/32)
	for i := range out {
		copy(out[i][:], b[32*i:])
	}
	return out
}

func refPackBits(bs []bool) [][32]byte {
	b := make([]byte, (len(bs)+7)/8)
	for i, x := range bs {
		if x {
			b[i/8] |= 1 << (i % 8)
		}
	}
	return refPack(b)
}

func refMixIn(r [32]byte, n int) [32]byte {
	var c [32]byte
	binary.LittleEndian.PutUint64(c[:], uint64(n))
	return refHash(r, c)
}

func mustEncode(t *Type, v any) []byte {
	b, err := Encode(t, v)
	if err != nil {
		panic(err)
	}
	return b
}

// refRoot returns the hash tree root of v, a value in Decode's forms.
func refRoot(t *Type, v any) [32]byte {
	switch t.Kind {
	case KindUint, KindBool:
		var c [32]byte
		copy(c[:], mustEncode(t, v))
		return c
	case KindByteVector:
		return refMerkleize(refPack(v.([]byte)), (t.Size+31)/32)
	case KindByteList:
		b := v.([]byte)
		return refMixIn(refMerkleize(refPack(b), (t.Limit+31)/32), len(b))
	case KindBitvector:
		return refMerkleize(refPackBits(v.([]bool)), (t.Size+255)/256)
	case KindBitlist:
		bs := v.([]bool)
		return refMixIn(refMerkleize(refPackBits(bs), (t.Limit+255)/256), len(bs))
	case KindProgressiveBitlist:
		bs := v.([]bool)
		return refMixIn(refProgressive(refPackBits(bs), 1), len(bs))
	case KindVector, KindList, KindProgressiveList:
		var chunks [][32]byte
		var n int
		if t.Elem.IsBasic() {
			b := mustEncode(t, v)
			n = len(b) / int(t.Elem.Size)
			chunks = refPack(b)
		} else {
			elems := v.([]any)
			n = len(elems)
			for _, e := range elems {
				chunks = append(chunks, refRoot(t.Elem, e))
			}
		}
		es := uint64(32)
		if t.Elem.IsBasic() {
			es = t.Elem.Size
		}
		switch t.Kind {
		case KindVector:
			return refMerkleize(chunks, (t.Size*es+31)/32)
		case KindList:
			hi, lo := bits.Mul64(t.Limit, es)
			if hi != 0 {
				panic("refRoot: limit too large")
			}
			return refMixIn(refMerkleize(chunks, (lo+31)/32), n)
		default:
			return refMixIn(refProgressive(chunks, 1), n)
		}
	case KindContainer:
		o := v.(*Object)
		var chunks [][32]byte
		for _, f := range t.Fields {
			fv, _ := o.Get(f.Name)
			chunks = append(chunks, refRoot(f.Type, fv))
		}
		return refMerkleize(chunks, uint64(len(chunks)))
	case KindProgressiveContainer:
		o := v.(*Object)
		chunks := make([][32]byte, len(t.ActiveFields))
		for _, f := range t.Fields {
			fv, _ := o.Get(f.Name)
			chunks[f.Position] = refRoot(f.Type, fv)
		}
		var active [32]byte
		for i, a := range t.ActiveFields {
			if a {
				active[i/8] |= 1 << (i % 8)
			}
		}
		return refHash(refProgressive(chunks, 1), active)
	}
	panic("refRoot: kind " + t.Kind.String())
}

// ---------------------------------------------------------------------------
// Random values in Decode's forms, and equality of such values.

func randValue(r *rand.Rand, t *Type, maxLen int) any {
	count := func(limit uint64) int {
		n := r.IntN(maxLen + 1)
		if uint64(n) > limit {
			n = int(limit)
		}
		return n
	}
	switch t.Kind {
	case KindUint:
		b := make([]byte, t.Size)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		if r.IntN(4) == 0 {
			clear(b) // zero
		}
		if t.Size <= 8 {
			return leUint(b)
		}
		return leBig(b)
	case KindBool:
		return r.IntN(2) == 1
	case KindByteVector, KindByteList:
		n := int(t.Size)
		if t.Kind == KindByteList {
			n = count(t.Limit)
		}
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.Uint32())
		}
		return b
	case KindBitvector, KindBitlist, KindProgressiveBitlist:
		n := int(t.Size)
		switch t.Kind {
		case KindBitlist:
			n = count(t.Limit)
		case KindProgressiveBitlist:
			n = count(1 << 20)
		}
		bs := make([]bool, n)
		for i := range bs {
			bs[i] = r.IntN(2) == 1
		}
		return bs
	case KindVector, KindList, KindProgressiveList:
		var n int
		switch t.Kind {
		case KindVector:
			n = int(t.Size)
		case KindList:
			n = count(t.Limit)
		default:
			n = count(1 << 20)
		}
		if isByteString(t) {
			b := make([]byte, n)
			for i := range b {
				b[i] = byte(r.Uint32())
			}
			return b
		}
		out := make([]any, n)
		for i := range out {
			out[i] = randValue(r, t.Elem, maxLen)
		}
		return out
	case KindContainer, KindProgressiveContainer:
		o := NewObject(len(t.Fields))
		for _, f := range t.Fields {
			o.Set(f.Name, randValue(r, f.Type, maxLen))
		}
		return o
	}
	panic("randValue: kind " + t.Kind.String())
}

func equalValues(a, b any) bool {
	switch x := a.(type) {
	case *big.Int:
		y, ok := b.(*big.Int)
		return ok && x.Cmp(y) == 0
	case []byte:
		y, ok := b.([]byte)
		return ok && bytes.Equal(x, y)
	case []bool:
		y, ok := b.([]bool)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if x[i] != y[i] {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalValues(x[i], y[i]) {
				return false
			}
		}
		return true
	case *Object:
		y, ok := b.(*Object)
		if !ok || strings.Join(x.Keys, ",") != strings.Join(y.Keys, ",") {
			return false
		}
		for _, k := range x.Keys {
			if !equalValues(x.Values[k], y.Values[k]) {
				return false
			}
		}
		return true
	}
	return a == b
}

// ---------------------------------------------------------------------------
// Types used by the tests of this file and of fuzz_test.go.

var (
	tCheckpoint = Container("Checkpoint", F("epoch", Uint64), F("root", Bytes32))
	tValidator  = Container("Validator",
		F("pubkey", ByteVector(48)), F("withdrawal_credentials", Bytes32), F("effective_balance", Uint64),
		F("slashed", Bool), F("activation_eligibility_epoch", Uint64), F("activation_epoch", Uint64),
		F("exit_epoch", Uint64), F("withdrawable_epoch", Uint64))
	tProgContainer = ProgressiveContainer("ProgressiveTestStruct", []bool{true, false, true, true, false, true},
		F("a", Uint64),
		F("b", ProgressiveList(Uint16)),
		F("c", ProgressiveBitlist()),
		F("d", ProgressiveList(tVarTestStruct)))
	tMixed = Container("Mixed",
		F("u8", Uint8), F("u128", Uint128), F("u256", Uint256), F("flag", Bool),
		F("bv", Bitvector(10)), F("bl", Bitlist(300)),
		F("tx", ProgressiveList(Byte)), F("participation", List(Uint8, 64)),
		F("roots", Vector(Bytes32, 3)), F("extra", ByteList(40)),
		F("cps", List(tCheckpoint, 1<<40)), F("nested", List(List(Uint32, 5), 4)))
)

var roundTripTypes = []*Type{
	Uint8, Uint16, Uint32, Uint64, Uint128, Uint256, Bool, Byte,
	Bytes32, ByteVector(33), ByteList(0), ByteList(100),
	Bitvector(1), Bitvector(8), Bitvector(9), Bitvector(513),
	Bitlist(0), Bitlist(1), Bitlist(8), Bitlist(513), ProgressiveBitlist(),
	Vector(Uint16, 5), Vector(Bool, 17), Vector(Uint128, 3), Vector(tCheckpoint, 2),
	List(Uint64, 1<<40), List(Uint256, 9), List(Byte, 70), List(tValidator, 1<<40),
	ProgressiveList(Uint8), ProgressiveList(Uint64), ProgressiveList(tCheckpoint), ProgressiveList(ByteList(9)),
	tSingleFieldTestStruct, tSmallTestStruct, tFixedTestStruct, tVarTestStruct, tComplexTestStruct, tBitsStruct,
	tCheckpoint, tValidator, tProgContainer, tMixed,
}

// TestRoundTripRandom encodes random values of many types and checks that
// every entry point agrees: Decode returns the value, the package's root
// equals the reference root, JSON round-trips, and every member proves.
func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, typ := range roundTripTypes {
		t.Run(typ.Name, func(t *testing.T) {
			for _, maxLen := range []int{0, 1, 3, 10, 40} {
				for range 4 {
					v := randValue(r, typ, maxLen)
					b, err := Encode(typ, v)
					if err != nil {
						t.Fatalf("Encode: %v", err)
					}
					ref := refRoot(typ, v)
					checkValid(t, typ, b, ref[:], nil)
					got, err := Decode(typ, b)
					if err != nil || !equalValues(got, v) {
						t.Fatalf("Decode(Encode(v)) = %#v, %v; want %#v", got, err, v)
					}
				}
			}
		})
	}
}

// TestProgressiveLong covers progressive trees of several subtrees, with
// elements past the first few subtree boundaries (1, 5, 21, 85, 341).
func TestProgressiveLong(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, n := range []int{0, 1, 2, 5, 6, 21, 22, 85, 86, 341, 342, 1365, 1366, 5000} {
		for _, typ := range []*Type{ProgressiveList(Uint64), ProgressiveList(tCheckpoint), ProgressiveBitlist()} {
			var v any
			switch typ.Kind {
			case KindProgressiveBitlist:
				bs := make([]bool, n*97)
				for i := range bs {
					bs[i] = r.IntN(3) == 0
				}
				v = bs
			default:
				elems := make([]any, n)
				for i := range elems {
					elems[i] = randValue(r, typ.Elem, 0)
				}
				v = elems
			}
			b := mustEncode(typ, v)
			ref := refRoot(typ, v)
			got, err := HashTreeRoot(typ, b)
			if err != nil || got != ref {
				t.Errorf("%s n=%d: HashTreeRoot = %x, %v; want %x", typ.Name, n, got, err, ref)
				continue
			}
			tr, err := NewTree(typ, b)
			if err != nil {
				t.Fatal(err)
			}
			if typ.Kind == KindProgressiveBitlist {
				continue
			}
			for _, i := range []int{0, n / 3, n - 1} {
				if i < 0 || i >= n {
					continue
				}
				path := "[" + itoa(i) + "]"
				g, et, err := typ.Gindex(path)
				if err != nil {
					t.Fatalf("Gindex(%s): %v", path, err)
				}
				p, err := tr.Prove(g)
				if err != nil {
					t.Fatalf("%s n=%d Prove(%s): %v", typ.Name, n, path, err)
				}
				var want [32]byte
				if et.IsBasic() {
					eb := mustEncode(typ, v)
					c := i * int(et.Size) / 32 * 32
					copy(want[:], eb[c:min(c+32, len(eb))])
				} else {
					want = refRoot(et, v.([]any)[i])
				}
				if p.Leaf != want {
					t.Errorf("%s n=%d Prove(%s).Leaf = %x, want %x", typ.Name, n, path, p.Leaf, want)
				}
			}
		}
	}
}

func itoa(i int) string { return big.NewInt(int64(i)).String() }

// ---------------------------------------------------------------------------
// Decode's forms.

func TestDecodeForms(t *testing.T) {
	cpRoot := bytes.Repeat([]byte{0xab}, 32)
	cp := append([]byte{5, 0, 0, 0, 0, 0, 0, 0}, cpRoot...)
	big256 := new(big.Int).Lsh(big.NewInt(1), 255)
	le256 := make([]byte, 32)
	le256[31] = 0x80
	for _, tc := range []struct {
		name string
		typ  *Type
		b    []byte
		want any
	}{
		{"uint8", Uint8, []byte{200}, uint64(200)},
		{"uint64", Uint64, []byte{1, 2, 0, 0, 0, 0, 0, 0x80}, uint64(0x8000000000000201)},
		{"uint256", Uint256, le256, big256},
		{"bool", Bool, []byte{1}, true},
		{"bytes", ByteVector(3), []byte{1, 2, 3}, []byte{1, 2, 3}},
		{"empty bytelist", ByteList(4), []byte{}, []byte{}},
		{"byte list", List(Byte, 4), []byte{9, 8}, []byte{9, 8}},
		{"uint8 list", List(Uint8, 4), []byte{9, 8}, []any{uint64(9), uint64(8)}},
		{"bitvector", Bitvector(3), []byte{0b101}, []bool{true, false, true}},
		{"bitlist", Bitlist(8), []byte{0b1101}, []bool{true, false, true}},
		{"empty bitlist", Bitlist(8), []byte{1}, []bool{}},
		{"progressive bitlist", ProgressiveBitlist(), []byte{0xff, 0b10}, []bool{true, true, true, true, true, true, true, true, false}},
		{"vector", Vector(Uint16, 2), []byte{1, 0, 2, 0}, []any{uint64(1), uint64(2)}},
		{"container", tCheckpoint, cp, &Object{Keys: []string{"epoch", "root"}, Values: map[string]any{"epoch": uint64(5), "root": cpRoot}}},
		{"empty list", List(tCheckpoint, 9), []byte{}, []any{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Decode(tc.typ, tc.b)
			if err != nil || !equalValues(got, tc.want) {
				t.Errorf("Decode = %#v, %v; want %#v", got, err, tc.want)
			}
		})
	}
}

func TestDecodeDoesNotAlias(t *testing.T) {
	b := []byte{1, 2, 3}
	v, err := Decode(ByteVector(3), b)
	if err != nil {
		t.Fatal(err)
	}
	b[0] = 9
	if v.([]byte)[0] != 1 {
		t.Error("Decode's []byte aliases its input")
	}
}

// ---------------------------------------------------------------------------
// Encode's accepted forms.

func TestEncodeForms(t *testing.T) {
	u128max := "340282366920938463463374607431768211455"
	maxBig, _ := new(big.Int).SetString(u128max, 10)
	ff16 := bytes.Repeat([]byte{0xff}, 16)
	cp := append([]byte{7, 0, 0, 0, 0, 0, 0, 0}, bytes.Repeat([]byte{1}, 32)...)
	hex32 := "0x" + strings.Repeat("01", 32)
	for _, tc := range []struct {
		name string
		typ  *Type
		v    any
		want []byte
	}{
		{"uint64 from int", Uint64, 5, []byte{5, 0, 0, 0, 0, 0, 0, 0}},
		{"uint16 from int8", Uint16, int8(5), []byte{5, 0}},
		{"uint16 from uint", Uint16, uint(258), []byte{2, 1}},
		{"uint32 from float64", Uint32, float64(65536), []byte{0, 0, 1, 0}},
		{"uint64 from json.Number", Uint64, json.Number("18446744073709551615"), bytes.Repeat([]byte{0xff}, 8)},
		{"uint64 from string", Uint64, "256", []byte{0, 1, 0, 0, 0, 0, 0, 0}},
		{"uint128 from string", Uint128, u128max, ff16},
		{"uint128 from *big.Int", Uint128, maxBig, ff16},
		{"uint128 from big.Int", Uint128, *maxBig, ff16},
		{"uint128 from uint64", Uint128, uint64(1), append([]byte{1}, make([]byte, 15)...)},
		{"byte from hex", Byte, "0x7f", []byte{0x7f}},
		{"byte from number", Byte, 127, []byte{0x7f}},
		{"bool", Bool, true, []byte{1}},
		{"bytes from []byte", ByteVector(2), []byte{1, 2}, []byte{1, 2}},
		{"bytes from hex", ByteVector(2), "0x0A0b", []byte{10, 11}},
		{"bytes from array", Bytes32, [32]byte{31: 1}, append(make([]byte, 31), 1)},
		{"bytes from numbers", ByteList(3), []any{1, 2.0, "3"}, []byte{1, 2, 3}},
		{"empty bytes", ByteList(3), "0x", []byte{}},
		{"uint8 list from hex", List(Uint8, 3), "0x0102", []byte{1, 2}},
		{"byte list from []byte", ProgressiveList(Byte), []byte{1, 2}, []byte{1, 2}},
		{"bitvector from bools", Bitvector(10), []any{true, false, false, false, false, false, false, false, false, true}, []byte{1, 2}},
		{"bitvector from hex", Bitvector(10), "0x0102", []byte{1, 2}},
		{"bitvector from []bool", Bitvector(3), []bool{false, true, true}, []byte{6}},
		{"bitlist from bools", Bitlist(9), []bool{true, false, true}, []byte{0b1101}},
		{"bitlist of 8", Bitlist(9), make([]bool, 8), []byte{0, 1}},
		{"empty bitlist", Bitlist(9), []bool{}, []byte{1}},
		{"bitlist from hex", Bitlist(9), "0x0d", []byte{0b1101}},
		{"bitlist from ssz bytes", Bitlist(9), []byte{0b1101}, []byte{0b1101}},
		{"progressive bitlist", ProgressiveBitlist(), []bool{true}, []byte{0b11}},
		{"vector from []uint16", Vector(Uint16, 2), []uint16{1, 2}, []byte{1, 0, 2, 0}},
		{"list from []string", List(Uint64, 3), []string{"1"}, []byte{1, 0, 0, 0, 0, 0, 0, 0}},
		{"nil []any list", List(Uint64, 3), []any(nil), []byte{}},
		{"container from map[string]any", tCheckpoint, map[string]any{"epoch": 7, "root": hex32}, cp},
		{"container from map[any]any", tCheckpoint, map[any]any{"epoch": "7", "root": hex32}, cp},
		{"container from map[string]string", tCheckpoint, map[string]string{"epoch": "7", "root": hex32}, cp},
		{"container from Object", tCheckpoint, Object{Keys: []string{"epoch", "root"}, Values: map[string]any{"epoch": uint64(7), "root": hex32}}, cp},
		{"list of maps", List(tCheckpoint, 2), []map[string]any{{"epoch": 7, "root": hex32}}, cp},
		{"var list", List(ByteList(4), 3), []any{"0x01", "0x", []byte{2, 3}}, []byte{12, 0, 0, 0, 13, 0, 0, 0, 13, 0, 0, 0, 1, 2, 3}},
		{"var container", tVarTestStruct, map[string]any{"A": 1, "B": []any{2, 3}, "C": 4}, []byte{1, 0, 7, 0, 0, 0, 4, 2, 0, 3, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Encode(tc.typ, tc.v)
			if err != nil || !bytes.Equal(got, tc.want) {
				t.Errorf("Encode = %x, %v; want %x", got, err, tc.want)
			}
		})
	}
}

func TestEncodeErrors(t *testing.T) {
	hex32 := "0x" + strings.Repeat("00", 32)
	fixed := map[string]any{"A": 1, "B": 2, "C": 3}
	for _, tc := range []struct {
		name  string
		typ   *Type
		v     any
		class error
		path  string // expected Error.Path
	}{
		{"nil", Uint64, nil, ErrValue, ""},
		{"negative", Uint64, -1, ErrValue, ""},
		{"uint8 overflow", Uint8, 256, ErrValue, ""},
		{"uint16 overflow string", Uint16, "65536", ErrValue, ""},
		{"uint64 overflow string", Uint64, "18446744073709551616", ErrValue, ""},
		{"uint128 overflow", Uint128, "340282366920938463463374607431768211456", ErrValue, ""},
		{"negative big", Uint256, big.NewInt(-1), ErrValue, ""},
		{"fraction", Uint64, 1.5, ErrValue, ""},
		{"imprecise float", Uint64, 1e19, ErrValue, ""},
		{"not a number", Uint64, "12a", ErrValue, ""},
		{"signed string", Uint64, "-1", ErrValue, ""},
		{"long string", Uint256, strings.Repeat("1", 100), ErrValue, ""},
		{"bool from int", Bool, 1, ErrValue, ""},
		{"short bytes", Bytes32, "0x00", ErrSize, ""},
		{"long bytes", ByteVector(1), []byte{1, 2}, ErrSize, ""},
		{"bytes over limit", ByteList(1), "0x0102", ErrLimit, ""},
		{"hex without 0x", Bytes32, strings.Repeat("00", 32), ErrValue, ""},
		{"odd hex", ByteList(4), "0x123", ErrValue, ""},
		{"bad hex", ByteList(4), "0x1g", ErrValue, ""},
		{"byte value too big", ByteList(4), []any{1, 256}, ErrValue, "[1]"},
		{"bitvector length", Bitvector(3), []bool{true}, ErrSize, ""},
		{"bitvector hex length", Bitvector(9), "0x01", ErrSize, ""},
		{"bitvector padding", Bitvector(3), "0x08", ErrValue, ""},
		{"bitlist over limit", Bitlist(2), []bool{true, true, true}, ErrLimit, ""},
		{"bitlist hex over limit", Bitlist(2), "0x08", ErrLimit, ""},
		{"bitlist no delimiter", Bitlist(8), "0x00", ErrValue, ""},
		{"bitlist empty hex", Bitlist(8), "0x", ErrSize, ""},
		{"bit not bool", Bitlist(8), []any{1}, ErrValue, "[0]"},
		{"vector length", Vector(Uint8, 3), []any{1, 2}, ErrSize, ""},
		{"vector hex length", Vector(Uint8, 3), "0x0102", ErrSize, ""},
		{"list over limit", List(Uint64, 1), []any{1, 2}, ErrLimit, ""},
		{"not a sequence", List(Uint64, 1), 5, ErrValue, ""},
		{"element", List(Uint16, 4), []any{1, 70000}, ErrValue, "[1]"},
		{"missing field", tCheckpoint, map[string]any{"epoch": 1}, ErrValue, "root"},
		{"unknown field", tCheckpoint, map[string]any{"epoch": 1, "root": hex32, "x": 1}, ErrValue, ""},
		{"not an object", tCheckpoint, []any{1, hex32}, ErrValue, ""},
		{"nested", List(tComplexTestStruct, 2), []any{map[string]any{
			"A": 1, "B": []any{}, "C": 1, "D": "0x",
			"E": map[string]any{"A": 1, "B": []any{}, "C": 1},
			"F": []any{}, "G": []any{},
		}}, ErrSize, "[0].F"},
		{"deep", tComplexTestStruct, map[string]any{
			"A": 1, "B": []any{}, "C": 1, "D": "0x",
			"E": map[string]any{"A": 1, "B": []any{1, -2}, "C": 1},
			"F": []any{fixed, fixed, fixed, fixed}, "G": []any{},
		}, ErrValue, "E.B[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Encode(tc.typ, tc.v)
			if err == nil {
				t.Fatalf("Encode = %x, want an error", b)
			}
			if !errors.Is(err, tc.class) || !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap %v and ErrInvalid", err, tc.class)
			}
			var e *Error
			if !errors.As(err, &e) || e.Path != tc.path {
				t.Errorf("error %v: path %q, want %q", err, pathOf(e), tc.path)
			}
		})
	}
}

func pathOf(e *Error) string {
	if e == nil {
		return "(not an *Error)"
	}
	return e.Path
}

// TestEncodeYAMLForms encodes values as both YAML libraries of the module
// graph would hand them over.
func TestEncodeYAMLForms(t *testing.T) {
	doc := `
A: 65535
B: [1, 2, 65535]
C: 255
D: '0x0102ff'
E: {A: 1, B: [], C: 2}
F:
- {A: 1, B: 18446744073709551615, C: 4294967295}
- {A: 2, B: 0, C: 0}
- {A: 3, B: 1, C: 1}
- {A: 4, B: 2, C: 2}
G:
- {A: 5, B: [7], C: 6}
- {A: 6, B: [], C: 7}
`
	var v any
	if err := yaml.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatal(err)
	}
	b, err := Encode(tComplexTestStruct, v)
	if err != nil {
		t.Fatal(err)
	}
	j, err := ToJSON(tComplexTestStruct, b)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"A":"65535","B":["1","2","65535"],"C":"255","D":"0x0102ff","E":{"A":"1","B":[],"C":"2"},` +
		`"F":[{"A":"1","B":"18446744073709551615","C":"4294967295"},{"A":"2","B":"0","C":"0"},{"A":"3","B":"1","C":"1"},{"A":"4","B":"2","C":"2"}],` +
		`"G":[{"A":"5","B":["7"],"C":"6"},{"A":"6","B":[],"C":"7"}]}`
	if string(j) != want {
		t.Errorf("ToJSON =\n%s\nwant\n%s", j, want)
	}
}

// ---------------------------------------------------------------------------
// JSON.

func TestToJSON(t *testing.T) {
	le := func(s string) []byte { b, _ := hex.DecodeString(s); return b }
	for _, tc := range []struct {
		name string
		typ  *Type
		b    []byte
		want string
	}{
		{"uint64", Uint64, le("ffffffffffffffff"), `"18446744073709551615"`},
		{"uint8", Uint8, []byte{7}, `"7"`},
		{"byte", Byte, []byte{7}, `"0x07"`},
		{"uint256", Uint256, append([]byte{1}, make([]byte, 31)...), `"1"`},
		{"bool", Bool, []byte{0}, `false`},
		{"bytes", ByteVector(2), []byte{0xab, 0xcd}, `"0xabcd"`},
		{"empty bytes", ByteList(2), []byte{}, `"0x"`},
		{"bitvector", Bitvector(10), []byte{1, 2}, `"0x0102"`},
		{"bitlist", Bitlist(10), []byte{0x0d}, `"0x0d"`},
		{"byte list", ProgressiveList(Byte), []byte{1, 2}, `"0x0102"`},
		{"participation", List(Uint8, 4), []byte{1, 2}, `["1","2"]`},
		{"empty list", List(Uint64, 4), []byte{}, `[]`},
		{"checkpoint", tCheckpoint, append([]byte{3, 0, 0, 0, 0, 0, 0, 0}, make([]byte, 32)...), `{"epoch":"3","root":"0x` + strings.Repeat("00", 32) + `"}`},
		{"odd field name", Container("X", F(`a"b`, Bool)), []byte{1}, `{"a\"b":true}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ToJSON(tc.typ, tc.b)
			if err != nil || string(got) != tc.want {
				t.Fatalf("ToJSON = %s, %v; want %s", got, err, tc.want)
			}
			if !json.Valid(got) {
				t.Errorf("invalid JSON %s", got)
			}
			back, err := FromJSON(tc.typ, got)
			if err != nil || !bytes.Equal(back, tc.b) {
				t.Errorf("FromJSON = %x, %v; want %x", back, err, tc.b)
			}
		})
	}
}

func TestFromJSONForms(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		typ        *Type
		want       []byte
	}{
		{"number", `5`, Uint16, []byte{5, 0}},
		{"string", ` "5" `, Uint16, []byte{5, 0}},
		{"bit array", `[true,false,true]`, Bitlist(4), []byte{0b1101}},
		{"byte array", `[1,"2"]`, ByteList(4), []byte{1, 2}},
		{"uint8 hex", `"0x0102"`, List(Uint8, 4), []byte{1, 2}},
		{"keys out of order", `{"root":"0x` + strings.Repeat("00", 32) + `","epoch":"1"}`, tCheckpoint, append([]byte{1}, make([]byte, 39)...)},
		{"var container", `{"C":"4","B":["2",3],"A":1}`, tVarTestStruct, []byte{1, 0, 7, 0, 0, 0, 4, 2, 0, 3, 0}},
		{"var list", `["0x01","0x","0x0203"]`, List(ByteList(4), 3), []byte{12, 0, 0, 0, 13, 0, 0, 0, 13, 0, 0, 0, 1, 2, 3}},
		{"empty var list", `[]`, List(ByteList(4), 3), []byte{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := FromJSON(tc.typ, []byte(tc.json))
			if err != nil || !bytes.Equal(got, tc.want) {
				t.Errorf("FromJSON = %x, %v; want %x", got, err, tc.want)
			}
		})
	}
}

func TestFromJSONErrors(t *testing.T) {
	z := `"0x` + strings.Repeat("00", 32) + `"`
	for _, tc := range []struct {
		name, json string
		typ        *Type
		class      error
		path       string
	}{
		{"empty", ``, Uint64, ErrValue, ""},
		{"null", `null`, Uint64, ErrValue, ""},
		{"trailing", `1 2`, Uint64, ErrValue, ""},
		{"syntax", `{"epoch":`, tCheckpoint, ErrValue, "epoch"},
		{"object for uint", `{}`, Uint64, ErrValue, ""},
		{"array for bool", `[true]`, Bool, ErrValue, ""},
		{"missing field", `{"epoch":"1"}`, tCheckpoint, ErrValue, "root"},
		{"duplicate field", `{"epoch":"1","epoch":"2","root":` + z + `}`, tCheckpoint, ErrValue, "epoch"},
		{"unknown field", `{"epoch":"1","root":` + z + `,"x":1}`, tCheckpoint, ErrValue, ""},
		{"vector too long", `["1","2","3"]`, Vector(Uint16, 2), ErrSize, ""},
		{"vector too short", `["1"]`, Vector(Uint16, 2), ErrSize, ""},
		{"list too long", `["1","2","3"]`, List(Uint16, 2), ErrLimit, ""},
		{"var list too long", `["0x","0x"]`, List(ByteList(1), 1), ErrLimit, ""},
		{"nested array in bytes", `[[1]]`, ByteList(4), ErrValue, "[0]"},
		{"bad element", `["1","x"]`, List(Uint16, 2), ErrValue, "[1]"},
		{"nested error", `{"A":1,"B":["1",{}],"C":1}`, tVarTestStruct, ErrValue, "B[1]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := FromJSON(tc.typ, []byte(tc.json))
			if err == nil {
				t.Fatalf("FromJSON = %x, want an error", b)
			}
			if !errors.Is(err, tc.class) || !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v does not wrap %v and ErrInvalid", err, tc.class)
			}
			var e *Error
			if !errors.As(err, &e) || e.Path != tc.path {
				t.Errorf("error %v: path %q, want %q", err, pathOf(e), tc.path)
			}
		})
	}
}

func TestInvalidBytesRejected(t *testing.T) {
	for _, tc := range []struct {
		name string
		typ  *Type
		b    []byte
	}{
		{"short uint", Uint64, []byte{1}},
		{"bool 2", Bool, []byte{2}},
		{"bitlist without length bit", Bitlist(8), []byte{0}},
		{"offset past end", tVarTestStruct, []byte{1, 0, 99, 0, 0, 0, 4}},
		{"list element offset", List(ByteList(4), 4), []byte{8, 0, 0, 0, 4, 0, 0, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) { checkInvalid(t, tc.typ, tc.b) })
	}
}

// ---------------------------------------------------------------------------
// Bounded allocation: sizes that a type declares must never be allocated on
// the strength of a small input.

func allocated(f func()) uint64 {
	var m0, m1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m0)
	f()
	runtime.ReadMemStats(&m1)
	return m1.TotalAlloc - m0.TotalAlloc
}

func TestBoundedAllocation(t *testing.T) {
	huge := uint64(1) << 40
	for _, tc := range []struct {
		name string
		f    func() error
	}{
		{"Encode huge ByteVector", func() error { _, err := Encode(ByteVector(huge), "0x00"); return err }},
		{"Encode huge Vector", func() error { _, err := Encode(Vector(Bytes32, huge), []any{}); return err }},
		{"Encode huge Vector of uint8", func() error { _, err := Encode(Vector(Uint8, huge), "0x0102"); return err }},
		{"Encode huge Bitvector", func() error { _, err := Encode(Bitvector(huge), []bool{true}); return err }},
		{"Encode huge Bitvector hex", func() error { _, err := Encode(Bitvector(huge), "0x01"); return err }},
		{"Encode container of huge vectors", func() error {
			_, err := Encode(Container("C", F("a", Vector(Uint64, huge)), F("b", ByteVector(huge))), map[string]any{"a": []any{1}, "b": "0x"})
			return err
		}},
		{"Encode small list, huge limit", func() error { _, err := Encode(List(tValidator, huge), []any{}); return err }},
		{"Decode huge Vector", func() error { _, err := Decode(Vector(Bytes32, huge), make([]byte, 64)); return err }},
		{"Decode huge Bitvector", func() error { _, err := Decode(Bitvector(huge), []byte{1}); return err }},
		{"FromJSON huge Vector", func() error { _, err := FromJSON(Vector(Uint64, huge), []byte(`["1","2"]`)); return err }},
		{"FromJSON huge ByteVector", func() error { _, err := FromJSON(ByteVector(huge), []byte(`"0x00"`)); return err }},
		{"ToJSON huge Vector", func() error { _, err := ToJSON(Vector(Uint64, huge), make([]byte, 16)); return err }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var err error
			n := allocated(func() { err = tc.f() })
			if n > 1<<16 {
				t.Errorf("allocated %d bytes", n)
			}
			_ = err // success or failure alike; only the allocation matters
		})
	}
}

// TestAllocationProportional checks that Decode and Encode stay within a
// constant factor of the encoded size on a large value.
func TestAllocationProportional(t *testing.T) {
	typ := List(tValidator, 1<<40)
	r := rand.New(rand.NewPCG(5, 6))
	elems := make([]any, 2000)
	for i := range elems {
		elems[i] = randValue(r, tValidator, 0)
	}
	b := mustEncode(typ, elems)
	var v any
	if n := allocated(func() { v, _ = Decode(typ, b) }); n > 40*uint64(len(b)) {
		t.Errorf("Decode of %d bytes allocated %d", len(b), n)
	}
	if n := allocated(func() { _, _ = Encode(typ, v) }); n > 40*uint64(len(b)) {
		t.Errorf("Encode of %d bytes allocated %d", len(b), n)
	}
	j, err := ToJSON(typ, b)
	if err != nil {
		t.Fatal(err)
	}
	if n := allocated(func() { _, _ = FromJSON(typ, j) }); n > 40*uint64(len(j)) {
		t.Errorf("FromJSON of %d bytes allocated %d", len(j), n)
	}
}

func TestObject(t *testing.T) {
	var o Object
	o.Set("a", 1)
	o.Set("b", 2)
	o.Set("a", 3)
	if o.Len() != 2 || strings.Join(o.Keys, ",") != "a,b" {
		t.Errorf("keys %v", o.Keys)
	}
	if v, ok := o.Get("a"); !ok || v != 3 {
		t.Errorf("Get(a) = %v, %v", v, ok)
	}
	if _, ok := o.Get("c"); ok {
		t.Error("Get(c) found")
	}
}

// ---------------------------------------------------------------------------
// Regression tests for bugs once found in the other files of the package
// (path arithmetic overflow, chunk limits, empty progressive trees,
// unbounded validation checks, illegal zero-size types).

// tree.go, (*Tree).node: in an empty ProgressiveList or ProgressiveBitlist
// the data tree is a single zero leaf, yet Node answers for its right child
// (a zero hash) while it rejects the left child, so Node and Prove disagree.
// Both children are outside the tree and should be rejected with ErrPath.
func TestKnownBugEmptyProgressiveNode(t *testing.T) {
	for _, tc := range []struct {
		typ *Type
		b   []byte
	}{
		{ProgressiveList(Uint64), []byte{}},
		{ProgressiveList(tCheckpoint), []byte{}},
		{ProgressiveBitlist(), []byte{1}},
	} {
		tr, err := NewTree(tc.typ, tc.b)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range []uint64{4, 5, 10, 11} {
			if h, err := tr.Node(proof.GindexFromUint64(g)); !errors.Is(err, ErrPath) {
				t.Errorf("%s empty: Node(%d) = %x, %v; want an ErrPath error (node 2 is a leaf)", tc.typ.Name, g, h, err)
			}
		}
	}
}

// path.go, chunkGindex: for a ProgressiveList of composite elements and an
// index at or past subtreeStart(32) = 0x5555555555555555, the loop
// `for c >= subtreeStart(j+1)` never ends (subtreeStart(33) wraps around to
// the same value), and g grows by a bit per turn: a path string hangs the
// caller and eats memory.
func TestKnownBugProgressiveGindexHang(t *testing.T) {
	typ := ProgressiveList(tCheckpoint)
	for _, path := range []string{"[6148914691236517205]", "[18446744073709551615].root"} {
		done := make(chan error, 1)
		go func() { _, _, err := typ.Gindex(path); done <- err }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("%s.Gindex(%q) did not return", typ.Name, path)
		}
	}
}

// path.go, GindexOfSteps: the chunk of element i of a sequence of basic
// values is computed as i*size/32, which wraps around for i*size >= 2^64, so
// that element 2^61 of a ProgressiveList[uint64] (or of a List[uint64, N]
// with N > 2^61) gets the generalized index of element 0.
func TestKnownBugBasicIndexOverflow(t *testing.T) {
	for _, typ := range []*Type{ProgressiveList(Uint64), List(Uint64, 1<<62)} {
		g0, _, err0 := typ.Gindex("[0]")
		g1, _, err1 := typ.Gindex("[2305843009213693952]")
		if err0 != nil || err1 != nil || g0.Equal(g1) {
			t.Errorf("%s: [0] and [2^61] both resolve to %s (%v, %v)", typ.Name, g1, err0, err1)
		}
	}
}

// hash.go, chunkLimit: for a List of basic values with limit*size >= 2^64
// it returns 1<<63 instead of ceil(limit*size/32), so the tree is too deep
// and the root wrong: List[uint256, 2^60] has 2^60 chunks (depth 60).
func TestKnownBugChunkLimitOverflow(t *testing.T) {
	typ := List(Uint256, 1<<60)
	want := refMixIn(refMerkleize(make([][32]byte, 1), 1<<60), 1)
	if got, err := HashTreeRoot(typ, make([]byte, 32)); err != nil || got != want {
		t.Errorf("HashTreeRoot(%s with one zero) = %x, %v; want %x", typ.Name, got, err, want)
	}
}

// types.go: the constructors accept sizes that SSZ forbids (Vector[T, 0],
// ByteVector[0], Bitvector[0], a container with no fields). Their fixed
// size is 0, the package's marker for variable-size types, so that such a
// type validates the empty input (the ssz_generic cases vec_*_0 and
// bitvec_0 are invalid) and a ByteVector[0] field gets a 4-byte offset.
func TestKnownBugZeroSizeTypes(t *testing.T) {
	for name, build := range map[string]func() *Type{
		"Vector[uint8, 0]": func() *Type { return Vector(Uint8, 0) },
		"ByteVector[0]":    func() *Type { return ByteVector(0) },
		"Bitvector[0]":     func() *Type { return Bitvector(0) },
		"Container()":      func() *Type { return Container("Empty") },
	} {
		func() {
			defer func() { _ = recover() }()
			typ := build()
			if err := Validate(typ, nil); err == nil {
				t.Errorf("%s: built, and it validates the empty input; want a panic at construction", name)
			}
		}()
	}
}

// validate.go, checkFixed/collectChecks: the byte checks of a fixed-size
// element type are unrolled element by element (one byteCheck and one path
// string per boolean of a Vector[boolean, N]) and built even when the list
// holds no element, so validating an empty List[Vector[boolean, 2^20], 4]
// allocates about 100 MB.
func TestKnownBugFixedChecksAllocation(t *testing.T) {
	typ := List(Vector(Bool, 1<<20), 4)
	var err error
	if n := allocated(func() { err = Validate(typ, nil) }); err != nil || n > 1<<20 {
		t.Errorf("Validate(%s, empty) = %v, allocating %d bytes", typ.Name, err, n)
	}
}
