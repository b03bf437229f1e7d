package beaconstate

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
)

// oracleCase is one case of the oracle vectors: oracle/<preset>/<fork>/<name>.
type oracleCase struct {
	Dir, Preset, Fork, Name string
	Vector                  oracleVector
}

type oracleVector struct {
	Type   string `json:"type"`
	Root   string `json:"root"`
	Size   int    `json:"size"`
	Proofs []struct {
		Path string `json:"path"`
		oracleProof
	} `json:"proofs"`
}

// oracleProof is a proof as vector.json spells it.
type oracleProof struct {
	Gindex string   `json:"gindex"`
	Leaf   string   `json:"leaf"`
	Branch []string `json:"branch"`
}

// formatProof spells p as vector.json does.
func formatProof(p proof.Proof) oracleProof {
	o := oracleProof{Gindex: p.Gindex.String(), Leaf: proof.FormatHash(p.Leaf), Branch: []string{}}
	for _, h := range p.Branch {
		o.Branch = append(o.Branch, proof.FormatHash(h))
	}
	return o
}

func (c oracleCase) String() string { return c.Preset + "/" + c.Fork + "/" + c.Name }

func (c oracleCase) object() string { return filepath.Join(c.Dir, "object.ssz") }

// oracleCases returns every oracle case, failing the test if there are none.
func oracleCases(t testing.TB) []oracleCase {
	t.Helper()
	root := vectors.Path(t, "oracle")
	dirs, err := filepath.Glob(filepath.Join(root, "*", "*", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no oracle cases under %s (%v)", root, err)
	}
	sort.Strings(dirs)
	var out []oracleCase
	for _, d := range dirs {
		c := oracleCase{
			Dir:    d,
			Name:   filepath.Base(d),
			Fork:   filepath.Base(filepath.Dir(d)),
			Preset: filepath.Base(filepath.Dir(filepath.Dir(d))),
		}
		b, err := os.ReadFile(filepath.Join(d, "vector.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(b, &c.Vector); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		out = append(out, c)
	}
	return out
}

// oracleCase returns the named case ("mainnet/deneb/state_0").
func findCase(t testing.TB, name string) oracleCase {
	t.Helper()
	for _, c := range oracleCases(t) {
		if c.String() == name {
			return c
		}
	}
	t.Fatalf("no oracle case %s", name)
	return oracleCase{}
}

// diffProof describes the first difference between got and the oracle's
// want, or returns "" when they are the same.
func diffProof(got, want oracleProof) string {
	switch {
	case got.Gindex != want.Gindex:
		return fmt.Sprintf("gindex %s, oracle %s", got.Gindex, want.Gindex)
	case got.Leaf != want.Leaf:
		return fmt.Sprintf("leaf %s, oracle %s", got.Leaf, want.Leaf)
	case len(got.Branch) != len(want.Branch):
		return fmt.Sprintf("branch of %d, oracle %d", len(got.Branch), len(want.Branch))
	}
	for i := range got.Branch {
		if got.Branch[i] != want.Branch[i] {
			return fmt.Sprintf("branch[%d] %s, oracle %s", i, got.Branch[i], want.Branch[i])
		}
	}
	return ""
}
