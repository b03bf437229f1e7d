package ssz

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
)

// fuzzTypes are the types FuzzValidateAndHash reads its input as; the first
// argument of the fuzz function picks one.
var fuzzTypes = []*Type{
	tVarTestStruct,                  // a container with a variable field
	tComplexTestStruct,              // nested variable containers and vectors of them
	List(tVarTestStruct, 1<<20),     // a list of variable-size containers
	List(tValidator, 1<<40),         // a list of fixed-size containers
	ProgressiveList(tVarTestStruct), // EIP-7916, composite elements
	ProgressiveList(Uint16),         // EIP-7916, packed elements
	tProgContainer,                  // EIP-7495, with inactive fields
	Bitlist(513),
	ProgressiveBitlist(),
	tBitsStruct,
	tMixed,
}

// fuzzGindices are node indices that FuzzValidateAndHash proves in every
// accepted value, besides the ones the fuzzer picks.
var fuzzGindices = []uint64{2, 3, 5, 1<<40 + 3}

// specSeeds returns serialized cases of the spec tests, valid and invalid,
// for the container and bitlist handlers.
func specSeeds(f *testing.F) map[string][][]byte {
	root := vectors.Path(f, "consensus-spec-tests", "tests", "general", "phase0", "ssz_generic")
	out := map[string][][]byte{}
	for _, pat := range []string{"containers/*/*", "bitlist/*/*"} {
		dirs, _ := filepath.Glob(filepath.Join(root, pat))
		for _, d := range dirs {
			if _, err := os.Stat(filepath.Join(d, "serialized.ssz_snappy")); err != nil {
				continue
			}
			b := readSerialized(f, d)
			name := filepath.Base(d)
			prefix, _, _ := strings.Cut(name, "_")
			if strings.HasPrefix(name, "bitlist") {
				prefix = "bitlist"
			}
			if len(out[prefix]) < 40 {
				out[prefix] = append(out[prefix], b)
			}
		}
	}
	return out
}

func FuzzValidateAndHash(f *testing.F) {
	r := rand.New(rand.NewPCG(7, 8))
	for i, typ := range fuzzTypes {
		for _, maxLen := range []int{0, 2, 6} {
			f.Add(uint8(i), uint64(r.IntN(200)), mustEncode(typ, randValue(r, typ, maxLen)))
		}
	}
	index := func(typ *Type) uint8 {
		for i, x := range fuzzTypes {
			if x == typ {
				return uint8(i)
			}
		}
		panic("not a fuzz type")
	}
	for prefix, bs := range specSeeds(f) {
		var sel uint8
		switch prefix {
		case "VarTestStruct":
			sel = index(tVarTestStruct)
		case "ComplexTestStruct":
			sel = index(tComplexTestStruct)
		case "BitsStruct":
			sel = index(tBitsStruct)
		case "bitlist":
			sel = index(fuzzTypes[7])
		default:
			continue
		}
		for _, b := range bs {
			f.Add(sel, uint64(9), b)
		}
	}
	f.Fuzz(func(t *testing.T, sel uint8, g uint64, b []byte) {
		typ := fuzzTypes[int(sel)%len(fuzzTypes)]
		fuzzCheck(t, typ, b, g)
	})
}

// fuzzCheck checks that every entry point agrees on b as a value of typ:
// all reject it with ErrInvalid, or all accept it with the same root, and
// the value round-trips through Decode/Encode and ToJSON/FromJSON.
func fuzzCheck(t *testing.T, typ *Type, b []byte, g uint64) {
	catch(t, "fuzz "+typ.Name, func() {
		verr := Validate(typ, b)
		if verr != nil {
			if !errors.Is(verr, ErrInvalid) {
				t.Fatalf("Validate error %v does not wrap ErrInvalid", verr)
			}
			checkInvalid(t, typ, b)
			return
		}
		r1, err := HashTreeRoot(typ, b)
		if err != nil {
			t.Fatalf("Validate accepted but HashTreeRoot: %v", err)
		}
		tr, err := NewTree(typ, b)
		if err != nil {
			t.Fatalf("Validate accepted but NewTree: %v", err)
		}
		r2, err := tr.Root()
		if err != nil || r1 != r2 {
			t.Fatalf("HashTreeRoot %x != Tree.Root %x (%v)", r1, r2, err)
		}
		v, err := Decode(typ, b)
		if err != nil {
			t.Fatalf("Validate accepted but Decode: %v", err)
		}
		if ref := refRoot(typ, v); ref != r1 {
			t.Fatalf("HashTreeRoot %x != reference root %x", r1, ref)
		}
		enc, err := Encode(typ, v)
		if err != nil || !bytes.Equal(enc, b) {
			t.Fatalf("Encode(Decode(b)) = %x, %v; want %x", enc, err, b)
		}
		j, err := ToJSON(typ, b)
		if err != nil {
			t.Fatalf("ToJSON: %v", err)
		}
		if back, err := FromJSON(typ, j); err != nil || !bytes.Equal(back, b) {
			t.Fatalf("FromJSON(ToJSON(b)) = %x, %v; want %x", back, err, b)
		}
		// Any node: Node must not panic, and where it answers, Prove must
		// give a proof that verifies against the root (Prove checks it).
		for _, gi := range append([]uint64{g, g >> 32, g & 0xffff}, fuzzGindices...) {
			if gi == 0 {
				if _, err := tr.Node(proof.Gindex{}); err == nil {
					t.Fatalf("Node(0) succeeded")
				}
				continue
			}
			gx := proof.GindexFromUint64(gi)
			node, err := tr.Node(gx)
			if err != nil || gx.Depth() == 0 {
				continue
			}
			p, err := tr.Prove(gx)
			if err != nil {
				t.Fatalf("Node(%d) answered but Prove: %v", gi, err)
			}
			if p.Leaf != node {
				t.Fatalf("Prove(%d).Leaf %x != Node %x", gi, p.Leaf, node)
			}
		}
	})
}

// fuzzPathType is the type of a value whose tree FuzzParsePath walks with the paths it
// resolves.
var fuzzPathType = Container("PathTest",
	F("mixed", tMixed),
	F("progressive", tProgContainer),
	F("validators", List(tValidator, 1<<40)),
	F("complex", Vector(tComplexTestStruct, 2)))

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{
		"", "mixed", "mixed.cps[0].root", "mixed.nested[1][2]", "mixed.roots[2]", "mixed.participation[33]",
		"progressive.d[0].B[3]", "progressive.b[100]", "progressive.c", "validators[1].pubkey",
		"validators[1099511627775].slashed", "complex[1].G[1].B[1023]", "complex[0].F[3].C",
		"validators[1099511627776]", "a..b", ".a", "a.", "[", "[]", "[-1]", "[1", "a[1]b", "a[18446744073709551616]",
		"x[0x10]", "a[+1]", "a b", "é", "[1][2].a[3]",
	} {
		f.Add(s)
	}
	r := rand.New(rand.NewPCG(9, 10))
	b := mustEncode(fuzzPathType, randValue(r, fuzzPathType, 4))
	tr, err := NewTree(fuzzPathType, b)
	if err != nil {
		f.Fatal(err)
	}
	types := []*Type{fuzzPathType, tMixed, tProgContainer, List(Uint8, 100), Uint64, ProgressiveList(Uint256)}
	f.Fuzz(func(t *testing.T, path string) {
		catch(t, "path "+path, func() {
			steps, err := ParsePath(path)
			if err != nil {
				if !errors.Is(err, ErrPath) {
					t.Fatalf("ParsePath error %v does not wrap ErrPath", err)
				}
				return
			}
			// The steps print back to a path that parses to the same steps.
			var sb strings.Builder
			for k, s := range steps {
				if s.Name != "" && k > 0 {
					sb.WriteByte('.')
				}
				sb.WriteString(s.String())
			}
			again, err := ParsePath(sb.String())
			if err != nil || len(again) != len(steps) {
				t.Fatalf("ParsePath(%q) = %v; reprinted %q parses to %v, %v", path, steps, sb.String(), again, err)
			}
			for i := range steps {
				if steps[i] != again[i] {
					t.Fatalf("ParsePath(%q) = %v; reprinted %q parses to %v", path, steps, sb.String(), again)
				}
			}
			for _, typ := range types {
				g, _, err := typ.Gindex(path)
				if err != nil {
					if !errors.Is(err, ErrPath) {
						t.Fatalf("Gindex error %v does not wrap ErrPath", err)
					}
					continue
				}
				if !g.IsValid() {
					t.Fatalf("%s.Gindex(%q) = invalid gindex", typ.Name, path)
				}
				if typ != fuzzPathType {
					continue
				}
				node, err := tr.Node(g)
				if err != nil || g.Depth() == 0 {
					continue
				}
				p, err := tr.Prove(g)
				if err != nil || p.Leaf != node {
					t.Fatalf("Prove(%q = %s): %v", path, g, err)
				}
			}
		})
	})
}

// FuzzFromJSON feeds arbitrary JSON to FromJSON: it must not panic, and
// what it accepts must be valid SSZ that prints back to equivalent JSON.
func FuzzFromJSON(f *testing.F) {
	r := rand.New(rand.NewPCG(11, 12))
	jsonTypes := []*Type{tComplexTestStruct, tBitsStruct, tMixed, tProgContainer, List(tCheckpoint, 3)}
	for i, typ := range jsonTypes {
		for _, maxLen := range []int{0, 3} {
			j, err := ToJSON(typ, mustEncode(typ, randValue(r, typ, maxLen)))
			if err != nil {
				f.Fatal(err)
			}
			f.Add(uint8(i), j)
		}
	}
	f.Add(uint8(0), []byte(`{"A":1,"B":[],"C":1,"D":"0x","E":{"A":1,"B":[],"C":1},"F":[],"G":[]}`))
	f.Add(uint8(4), []byte(`[{"epoch":1e3,"root":"0x"}]`))
	f.Fuzz(func(t *testing.T, sel uint8, j []byte) {
		typ := jsonTypes[int(sel)%len(jsonTypes)]
		catch(t, "FromJSON", func() {
			b, err := FromJSON(typ, j)
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("FromJSON error %v does not wrap ErrInvalid", err)
				}
				return
			}
			if err := Validate(typ, b); err != nil {
				t.Fatalf("FromJSON returned invalid bytes %x: %v", b, err)
			}
			j2, err := ToJSON(typ, b)
			if err != nil {
				t.Fatal(err)
			}
			b2, err := FromJSON(typ, j2)
			if err != nil || !bytes.Equal(b, b2) {
				t.Fatalf("JSON round trip: %x, %v; want %x", b2, err, b)
			}
		})
	})
}
