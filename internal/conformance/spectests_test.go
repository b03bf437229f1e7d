package conformance

import (
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/golang/snappy"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// TestSpecSSZStatic checks every deneb ssz_static case of the official
// consensus spec tests: our root of serialized.ssz_snappy equals roots.yaml,
// both from a fresh hash and through a Tree.
func TestSpecSSZStatic(t *testing.T) {
	base := vectors.Path(t, "consensus-spec-tests", "tests", "mainnet", "deneb", "ssz_static")
	typeDirs, err := os.ReadDir(base)
	if err != nil || len(typeDirs) == 0 {
		t.Fatalf("no ssz_static types under %s: %v", base, err)
	}
	f, err := fork.Lookup("deneb")
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := f.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	rootRE := regexp.MustCompile(`root: '(0x[0-9a-f]{64})'`)
	for _, td := range typeDirs {
		name := td.Name()
		t.Run(name, func(t *testing.T) {
			typ, err := schemas.ByName(name)
			if err != nil {
				t.Fatal(err)
			}
			cases, _ := filepath.Glob(filepath.Join(base, name, "ssz_random", "case_*"))
			if len(cases) == 0 {
				t.Fatal("no cases")
			}
			for _, dir := range cases {
				t.Run(filepath.Base(dir), func(t *testing.T) {
					comp, err := os.ReadFile(filepath.Join(dir, "serialized.ssz_snappy"))
					if err != nil {
						t.Fatal(err)
					}
					b, err := snappy.Decode(nil, comp)
					if err != nil {
						t.Fatal(err)
					}
					y, err := os.ReadFile(filepath.Join(dir, "roots.yaml"))
					if err != nil {
						t.Fatal(err)
					}
					m := rootRE.FindSubmatch(y)
					if m == nil {
						t.Fatalf("no root in roots.yaml: %q", y)
					}
					want, _ := proof.ParseHash(string(m[1]))
					got, err := ssz.HashTreeRoot(typ, b)
					if err != nil {
						t.Fatal(err)
					}
					if got != want {
						t.Fatalf("root %s, want %s", proof.FormatHash(got), m[1])
					}
					tree, err := ssz.NewTree(typ, b)
					if err != nil {
						t.Fatal(err)
					}
					if r, _ := tree.Root(); r != want {
						t.Fatalf("tree root %s, want %s", proof.FormatHash(r), m[1])
					}
				})
			}
		})
	}
}

// TestMainnetGenesis hashes the real mainnet genesis state.
func TestMainnetGenesis(t *testing.T) {
	b, err := os.ReadFile(vectors.Path(t, "genesis", "mainnet-genesis.ssz"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := fork.Lookup("phase0")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	const want = "0x7e76880eb67bbdc86250aa578958e9d0675e64e714337855204fb5abaaf82c2b"
	root, err := ssz.HashTreeRoot(s.BeaconState, b)
	if err != nil {
		t.Fatal(err)
	}
	if proof.FormatHash(root) != want {
		t.Fatalf("mainnet genesis root %s, want %s", proof.FormatHash(root), want)
	}
	tree, err := ssz.NewTree(s.BeaconState, b)
	if err != nil {
		t.Fatal(err)
	}
	// A proof of the 21,063rd validator from the real state verifies.
	g, _, err := s.BeaconState.Gindex("validators[21062].withdrawal_credentials")
	if err != nil {
		t.Fatal(err)
	}
	p, err := tree.Prove(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(root); err != nil {
		t.Fatal(err)
	}
}
