package conformance

import (
	"crypto/sha256"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

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

func mustHash(t *testing.T, s string) [32]byte {
	t.Helper()
	h, err := proof.ParseHash(s)
	if err != nil {
		t.Fatalf("vector hash %q: %v", s, err)
	}
	return h
}

// oracleCases returns the oracle case directories grouped by preset/fork.
func oracleCases(t *testing.T) map[string][]string {
	dir := vectors.Path(t, "oracle")
	files, err := filepath.Glob(filepath.Join(dir, "*", "*", "*", "vector.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no oracle vectors under %s: %v", dir, err)
	}
	out := map[string][]string{}
	for _, f := range files {
		rel, _ := filepath.Rel(dir, filepath.Dir(f))
		parts := strings.Split(rel, string(filepath.Separator))
		key := parts[1] + "/" + parts[0] // fork/preset
		out[key] = append(out[key], filepath.Dir(f))
	}
	return out
}

// TestOracleVectors checks every oracle object against its vector.json:
// the root, and every proof's generalized index, leaf and branch, byte for
// byte; every oracle proof must verify and every tampered copy must fail.
func TestOracleVectors(t *testing.T) {
	cases := oracleCases(t)
	keys := make([]string, 0, len(cases))
	for k := range cases {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, key := range keys {
		forkName, preset, _ := strings.Cut(key, "/")
		t.Run(key, func(t *testing.T) {
			t.Parallel()
			f, err := fork.Lookup(forkName)
			if err != nil {
				t.Fatal(err)
			}
			schemas, err := f.Schemas(preset)
			if err != nil {
				t.Fatal(err)
			}
			for _, dir := range cases[key] {
				t.Run(filepath.Base(dir), func(t *testing.T) {
					checkOracleCase(t, schemas, dir)
				})
			}
		})
	}
}

func checkOracleCase(t *testing.T, schemas *fork.Schemas, dir string) {
	raw, err := os.ReadFile(filepath.Join(dir, "vector.json"))
	if err != nil {
		t.Fatal(err)
	}
	var v oracleVector
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	obj, err := os.ReadFile(filepath.Join(dir, "object.ssz"))
	if err != nil {
		t.Fatal(err)
	}
	typ, err := schemas.ByName(v.Type)
	if err != nil {
		t.Fatal(err)
	}
	tree, err := ssz.NewTree(typ, obj)
	if err != nil {
		t.Fatalf("%s: %v", v.Type, err)
	}
	root, err := tree.Root()
	if err != nil {
		t.Fatal(err)
	}
	if wantRoot := mustHash(t, v.Root); root != wantRoot {
		t.Fatalf("%s root = %s, oracle %s", v.Type, proof.FormatHash(root), v.Root)
	}
	if r2, err := ssz.HashTreeRoot(typ, obj); err != nil || r2 != root {
		t.Fatalf("HashTreeRoot = %x, %v; tree root %x", r2, err, root)
	}
	for _, vp := range v.Proofs {
		vg, err := proof.ParseGindex(vp.Gindex)
		if err != nil {
			t.Fatalf("%s: %v", vp.Path, err)
		}
		want := proof.Proof{Gindex: vg, Leaf: mustHash(t, vp.Leaf)}
		for _, h := range vp.Branch {
			want.Branch = append(want.Branch, mustHash(t, h))
		}
		path := vp.Path
		g, _, err := typ.Gindex(path)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if !g.Equal(vg) {
			t.Errorf("%s: gindex %s, oracle %s", path, g, vg)
			continue
		}
		got, err := tree.Prove(g)
		if err != nil {
			t.Errorf("%s: %v", path, err)
			continue
		}
		if got.Leaf != want.Leaf {
			t.Errorf("%s: leaf %x, oracle %x", path, got.Leaf, want.Leaf)
		}
		if len(got.Branch) != len(want.Branch) {
			t.Errorf("%s: branch of %d, oracle %d", path, len(got.Branch), len(want.Branch))
			continue
		}
		for i := range got.Branch {
			if got.Branch[i] != want.Branch[i] {
				t.Errorf("%s: branch[%d] %x, oracle %x", path, i, got.Branch[i], want.Branch[i])
			}
		}
		if err := want.Verify(root); err != nil {
			t.Errorf("%s: oracle proof rejected: %v", path, err)
		}
		checkTamperRejected(t, path, want, root)
	}
}

// checkTamperRejected flips bits of the leaf, every branch entry and the
// gindex of a valid proof and checks that each change is rejected.
func checkTamperRejected(t *testing.T, path string, p proof.Proof, root [32]byte) {
	t.Helper()
	mutate := func(what string, f func(q *proof.Proof)) {
		q := proof.Proof{Gindex: p.Gindex, Leaf: p.Leaf, Branch: append([][32]byte(nil), p.Branch...)}
		f(&q)
		if q.Verify(root) == nil {
			t.Errorf("%s: tampered %s still verifies", path, what)
		}
	}
	for i := 0; i < 32; i++ {
		mutate("leaf", func(q *proof.Proof) { q.Leaf[i] ^= 1 << (i % 8) })
	}
	for j := range p.Branch {
		k := (j * 7) % 32
		mutate("branch", func(q *proof.Proof) { q.Branch[j][k] ^= 0x80 >> (j % 8) })
	}
	// Flipping gindex bit b swaps the node at level b with its sibling; when
	// the two are equal (zero roots beside zero roots) nothing changes and
	// no verifier can tell, so those levels are skipped.
	node := p.Leaf
	for b := 0; b < p.Gindex.Depth(); b++ {
		equal := node == p.Branch[b]
		if p.Gindex.Bit(b) == 1 {
			node = sha256.Sum256(append(append([]byte(nil), p.Branch[b][:]...), node[:]...))
		} else {
			node = sha256.Sum256(append(append([]byte(nil), node[:]...), p.Branch[b][:]...))
		}
		if equal {
			continue
		}
		mutate("gindex", func(q *proof.Proof) {
			v := q.Gindex.Big()
			v.SetBit(v, b, v.Bit(b)^1)
			q.Gindex, _ = proof.GindexFromBig(v)
		})
	}
}
