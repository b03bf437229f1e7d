package ssz

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/golang/snappy"
	"gopkg.in/yaml.v2"

	"github.com/beaconproof/beaconproof/internal/vectors"
)

// The containers of the consensus specs' ssz_generic tests
// (tests/generators/ssz_generic/ssz_test_cases/ssz_container.py).
var (
	tSingleFieldTestStruct = Container("SingleFieldTestStruct", F("A", Byte))
	tSmallTestStruct       = Container("SmallTestStruct", F("A", Uint16), F("B", Uint16))
	tFixedTestStruct       = Container("FixedTestStruct", F("A", Uint8), F("B", Uint64), F("C", Uint32))
	tVarTestStruct         = Container("VarTestStruct", F("A", Uint16), F("B", List(Uint16, 1024)), F("C", Uint8))
	tComplexTestStruct     = Container("ComplexTestStruct",
		F("A", Uint16),
		F("B", List(Uint16, 128)),
		F("C", Uint8),
		F("D", List(Byte, 256)),
		F("E", tVarTestStruct),
		F("F", Vector(tFixedTestStruct, 4)),
		F("G", Vector(tVarTestStruct, 2)))
	tBitsStruct = Container("BitsStruct",
		F("A", Bitlist(5)), F("B", Bitvector(2)), F("C", Bitvector(1)), F("D", Bitlist(6)), F("E", Bitvector(8)))
)

var genericContainers = map[string]*Type{
	"SingleFieldTestStruct": tSingleFieldTestStruct,
	"SmallTestStruct":       tSmallTestStruct,
	"FixedTestStruct":       tFixedTestStruct,
	"VarTestStruct":         tVarTestStruct,
	"ComplexTestStruct":     tComplexTestStruct,
	"BitsStruct":            tBitsStruct,
}

var uintByBits = map[int]*Type{8: Uint8, 16: Uint16, 32: Uint32, 64: Uint64, 128: Uint128, 256: Uint256}

// errIllegalType marks a case whose name describes a type that SSZ forbids
// (Vector[T, 0], Bitvector[0]): the test cannot even build it, which counts
// as rejecting the case.
var errIllegalType = errors.New("illegal SSZ type")

var (
	reVec     = regexp.MustCompile(`^vec_(bool|uint(\d+))_(\d+)(_|$)`)
	reBitvec  = regexp.MustCompile(`^bitvec_(\d+)(_|$)`)
	reBitlist = regexp.MustCompile(`^bitlist_(\d+)(_|$)`)
	reUint    = regexp.MustCompile(`^uint_(\d+)_`)
)

// genericType parses the type of an ssz_generic case from its handler and
// case name, e.g. ("basic_vector", "vec_uint16_8_random") or ("bitlist",
// "bitlist_512_but_513").
func genericType(handler, name string) (*Type, error) {
	atoi := func(s string) uint64 { n, _ := strconv.ParseUint(s, 10, 64); return n }
	switch handler {
	case "boolean":
		return Bool, nil
	case "uints":
		m := reUint.FindStringSubmatch(name)
		if m == nil {
			break
		}
		if u, ok := uintByBits[int(atoi(m[1]))]; ok {
			return u, nil
		}
	case "basic_vector":
		m := reVec.FindStringSubmatch(name)
		if m == nil {
			break
		}
		elem := Bool
		if m[1] != "bool" {
			u, ok := uintByBits[int(atoi(m[2]))]
			if !ok {
				break
			}
			elem = u
		}
		n := atoi(m[3])
		if n == 0 {
			return nil, fmt.Errorf("Vector[%s, 0]: %w", elem.Name, errIllegalType)
		}
		return Vector(elem, n), nil
	case "bitvector":
		m := reBitvec.FindStringSubmatch(name)
		if m == nil {
			break
		}
		n := atoi(m[1])
		if n == 0 {
			return nil, fmt.Errorf("Bitvector[0]: %w", errIllegalType)
		}
		return Bitvector(n), nil
	case "bitlist":
		if strings.HasPrefix(name, "bitlist_no_delimiter_") {
			// These cases name no limit; their bytes lack the length bit,
			// which no Bitlist accepts.
			return Bitlist(8), nil
		}
		m := reBitlist.FindStringSubmatch(name)
		if m == nil {
			break
		}
		return Bitlist(atoi(m[1])), nil
	case "containers":
		prefix, _, _ := strings.Cut(name, "_")
		if c, ok := genericContainers[prefix]; ok {
			return c, nil
		}
	}
	return nil, fmt.Errorf("cannot parse the type of %s/%s", handler, name)
}

func TestGenericType(t *testing.T) {
	for _, tc := range []struct {
		handler, name, want string
		illegal             bool
	}{
		{"basic_vector", "vec_uint16_8_random", "Vector[uint16, 8]", false},
		{"basic_vector", "vec_bool_513_max", "Vector[boolean, 513]", false},
		{"basic_vector", "vec_uint256_1_zero_one_byte_more", "Vector[uint256, 1]", false},
		{"basic_vector", "vec_uint8_0", "", true},
		{"bitvector", "bitvec_9_random", "Bitvector[9]", false},
		{"bitvector", "bitvec_9_max_8", "Bitvector[9]", false},
		{"bitvector", "bitvec_0", "", true},
		{"bitlist", "bitlist_512_max_3", "Bitlist[512]", false},
		{"bitlist", "bitlist_1_but_2", "Bitlist[1]", false},
		{"uints", "uint_256_zero", "uint256", false},
		{"boolean", "byte_2", "boolean", false},
		{"containers", "ComplexTestStruct_lengthy_offset_2_zeroed", "ComplexTestStruct", false},
	} {
		typ, err := genericType(tc.handler, tc.name)
		switch {
		case tc.illegal:
			if !errors.Is(err, errIllegalType) {
				t.Errorf("%s: got %v, %v; want an illegal type", tc.name, typ, err)
			}
		case err != nil || typ.Name != tc.want:
			t.Errorf("%s: got %v, %v; want %s", tc.name, typ, err, tc.want)
		}
	}
	if _, err := genericType("containers", "NoSuchStruct_random"); err == nil {
		t.Error("unknown container accepted")
	}
}

// genericCase is one case directory of the ssz_generic tests.
type genericCase struct {
	handler, name, dir string
	valid              bool
}

func genericCases(t *testing.T) []genericCase {
	root := vectors.Path(t, "consensus-spec-tests", "tests", "general", "phase0", "ssz_generic")
	var cases []genericCase
	for _, h := range []string{"basic_vector", "bitlist", "bitvector", "boolean", "containers", "uints"} {
		for _, kind := range []string{"valid", "invalid"} {
			ents, err := os.ReadDir(filepath.Join(root, h, kind))
			if err != nil {
				t.Fatal(err)
			}
			if len(ents) == 0 {
				t.Fatalf("no %s cases for %s", kind, h)
			}
			for _, e := range ents {
				cases = append(cases, genericCase{h, e.Name(), filepath.Join(root, h, kind, e.Name()), kind == "valid"})
			}
		}
	}
	return cases
}

// readSerialized reads a case's snappy-block-compressed serialized.ssz_snappy.
func readSerialized(t testing.TB, dir string) []byte {
	t.Helper()
	comp, err := os.ReadFile(filepath.Join(dir, "serialized.ssz_snappy"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := snappy.Decode(nil, comp)
	if err != nil {
		t.Fatalf("snappy: %v", err)
	}
	return b
}

func readYAML(t testing.TB, path string) any {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// catch runs f and turns a panic into a test error.
func catch(t testing.TB, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panicked: %v\n%s", what, r, debug.Stack())
		}
	}()
	f()
}

func TestSSZGeneric(t *testing.T) {
	cases := genericCases(t)
	var valid, invalid, typeRejected atomic.Int64
	for _, c := range cases {
		kind := "invalid"
		if c.valid {
			kind = "valid"
		}
		t.Run(c.handler+"/"+kind+"/"+c.name, func(t *testing.T) {
			typ, err := genericType(c.handler, c.name)
			if err != nil {
				if !c.valid && errors.Is(err, errIllegalType) {
					typeRejected.Add(1)
					invalid.Add(1)
					t.Logf("rejected by its type: %v", err)
					return
				}
				t.Fatal(err)
			}
			b := readSerialized(t, c.dir)
			if c.valid {
				checkValidGeneric(t, typ, c.dir, b)
			} else {
				checkInvalid(t, typ, b)
			}
			if !t.Failed() {
				if c.valid {
					valid.Add(1)
				} else {
					invalid.Add(1)
				}
			}
		})
	}
	t.Logf("ssz_generic: %d valid and %d invalid cases passed (%d invalid by their type alone), of %d",
		valid.Load(), invalid.Load(), typeRejected.Load(), len(cases))
}

func checkValidGeneric(t *testing.T, typ *Type, dir string, b []byte) {
	meta, _ := readYAML(t, filepath.Join(dir, "meta.yaml")).(map[any]any)
	rootHex, _ := meta["root"].(string)
	want, err := hex.DecodeString(strings.TrimPrefix(rootHex, "0x"))
	if err != nil || len(want) != 32 {
		t.Fatalf("meta.yaml root %q", rootHex)
	}
	yv := readYAML(t, filepath.Join(dir, "value.yaml"))
	checkValid(t, typ, b, want, yv)
}

// checkValid runs every check on the valid encoding b of a value of type typ
// whose root is want; yv is the value as a YAML decoder gives it, or nil.
func checkValid(t testing.TB, typ *Type, b, want []byte, yv any) {
	t.Helper()
	catch(t, "valid case", func() {
		if err := Validate(typ, b); err != nil {
			t.Fatalf("Validate: %v", err)
		}
		r, err := HashTreeRoot(typ, b)
		if err != nil || !bytes.Equal(r[:], want) {
			t.Errorf("HashTreeRoot = %x, %v; want %x", r, err, want)
		}
		tr, err := NewTree(typ, b)
		if err != nil {
			t.Fatalf("NewTree: %v", err)
		}
		if r, err := tr.Root(); err != nil || !bytes.Equal(r[:], want) {
			t.Errorf("Tree.Root = %x, %v; want %x", r, err, want)
		}
		v, err := Decode(typ, b)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if ref := refRoot(typ, v); !bytes.Equal(ref[:], want) {
			t.Errorf("reference root of the decoded value = %x, want %x", ref, want)
		}
		if enc, err := Encode(typ, v); err != nil || !bytes.Equal(enc, b) {
			t.Errorf("Encode(Decode(b)) = %x, %v; want %x", enc, err, b)
		}
		if yv != nil {
			if enc, err := Encode(typ, yv); err != nil || !bytes.Equal(enc, b) {
				t.Errorf("Encode(value.yaml) = %x, %v; want %x", enc, err, b)
			}
		}
		j, err := ToJSON(typ, b)
		if err != nil {
			t.Fatalf("ToJSON: %v", err)
		}
		if back, err := FromJSON(typ, j); err != nil || !bytes.Equal(back, b) {
			t.Errorf("FromJSON(ToJSON(b)) = %x, %v; want %x\nJSON: %s", back, err, b, j)
		}
		checkMemberProofs(t, typ, tr, v)
	})
}

// checkMemberProofs proves each field of a container (and the first element
// of each of its lists) and checks the proven leaf against the member's own
// hash tree root.
func checkMemberProofs(t testing.TB, typ *Type, tr *Tree, v any) {
	t.Helper()
	obj, ok := v.(*Object)
	if !ok {
		return
	}
	for _, f := range typ.Fields {
		fv, _ := obj.Get(f.Name)
		paths := []string{f.Name}
		var elems []any
		switch x := fv.(type) {
		case []any:
			elems = x
		case []byte:
			for _, c := range x {
				elems = append(elems, uint64(c))
			}
		}
		if (f.Type.Kind == KindList || f.Type.Kind == KindVector || f.Type.Kind == KindProgressiveList) && len(elems) > 0 && !f.Type.Elem.IsBasic() {
			paths = append(paths, f.Name+"[0]")
		}
		for i, p := range paths {
			g, mt, err := typ.Gindex(p)
			if err != nil {
				t.Errorf("Gindex(%q): %v", p, err)
				continue
			}
			mv := fv
			if i > 0 {
				mv = elems[0]
			}
			mb, err := Encode(mt, mv)
			if err != nil {
				t.Errorf("Encode %s: %v", p, err)
				continue
			}
			leaf, err := HashTreeRoot(mt, mb)
			if err != nil {
				t.Errorf("HashTreeRoot %s: %v", p, err)
				continue
			}
			if node, err := tr.Node(g); err != nil || node != leaf {
				t.Errorf("Node(%s = %s) = %x, %v; want the member's root %x", p, g, node, err, leaf)
			}
			if g.Depth() == 0 {
				continue // the member is the whole value (a one-field container)
			}
			pr, err := tr.Prove(g)
			if err != nil {
				t.Errorf("Prove(%s = %s): %v", p, g, err)
				continue
			}
			if pr.Leaf != leaf {
				t.Errorf("Prove(%s = %s).Leaf = %x, want the member's root %x", p, g, pr.Leaf, leaf)
			}
		}
	}
}

// checkInvalid checks that every entry point rejects b as a value of typ
// with an error wrapping ErrInvalid, without panicking.
func checkInvalid(t testing.TB, typ *Type, b []byte) {
	t.Helper()
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Errorf("%s accepted invalid %s bytes %x", what, typ.Name, truncBytes(b))
		} else if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %v does not wrap ErrInvalid", what, err)
		}
	}
	catch(t, "Validate", func() { check("Validate", Validate(typ, b)) })
	catch(t, "HashTreeRoot", func() { _, err := HashTreeRoot(typ, b); check("HashTreeRoot", err) })
	catch(t, "NewTree", func() { _, err := NewTree(typ, b); check("NewTree", err) })
	catch(t, "Decode", func() { _, err := Decode(typ, b); check("Decode", err) })
	catch(t, "ToJSON", func() { _, err := ToJSON(typ, b); check("ToJSON", err) })
}

func truncBytes(b []byte) []byte {
	if len(b) > 64 {
		return b[:64]
	}
	return b
}
