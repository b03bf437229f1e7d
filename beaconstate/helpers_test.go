package beaconstate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"testing"

	"github.com/beaconproof/beaconproof/internal/vectors"
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
		Path   string   `json:"path"`
		Gindex string   `json:"gindex"`
		Leaf   string   `json:"leaf"`
		Branch []string `json:"branch"`
	} `json:"proofs"`
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

// validatorFieldPath matches the paths for which the oracle reports the
// proof of the whole validators[i] container (Lodestar keeps a Validator as
// one tree node): those are not compared.
var validatorFieldPath = regexp.MustCompile(`(^|\.)validators\[\d+\]\.`)
