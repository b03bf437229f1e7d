package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOracleObjects drives the CLI over every oracle object: root prints
// the vector's root; one prove run with a --path for every path of the
// vector prints, for each, the vector's gindex, leaf and branch, byte for
// byte; and verify of that output says ok, with every path bound to its
// gindex in the object's fork, preset and type.
func TestOracleObjects(t *testing.T) {
	for _, c := range oracleCases(t) {
		t.Run(c.name(), func(t *testing.T) {
			flags := []string{"--fork", c.fork, "--preset", c.preset, "--type", c.vector.Type}
			r := runCLI(t, nil, append(append([]string{"root"}, flags...), c.object())...).ok(t)
			if r.stdout != c.vector.Root+"\n" {
				t.Fatalf("root %q, vector %s", r.stdout, c.vector.Root)
			}
			if len(c.vector.Proofs) == 0 {
				t.Fatal("the vector has no proofs")
			}
			args := append([]string{"prove"}, flags...)
			for _, vp := range c.vector.Proofs {
				args = append(args, "--path", vp.Path)
			}
			out := runCLI(t, nil, append(args, c.object())...).ok(t).stdout
			checkOracleProofs(t, c, out)
			file := filepath.Join(t.TempDir(), "proofs.json")
			if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
			if v := runCLI(t, nil, "verify", file).ok(t); v.stdout != "ok\n" {
				t.Fatalf("verify: %q, want ok with the paths checked", v.stdout)
			}
		})
	}
}

// checkOracleProofs checks that out, a prove document, is that of c's
// object and holds, in order, exactly the proofs of c's vector.
func checkOracleProofs(t *testing.T, c oracleCase, out string) {
	t.Helper()
	var doc struct {
		Fork   string        `json:"fork"`
		Preset string        `json:"preset"`
		Type   string        `json:"type"`
		Root   string        `json:"root"`
		Proofs []oracleProof `json:"proofs"`
	}
	dec := json.NewDecoder(strings.NewReader(out))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("prove output: %v", err)
	}
	if doc.Fork != c.fork || doc.Preset != c.preset || doc.Type != c.vector.Type || doc.Root != c.vector.Root {
		t.Fatalf("prove output is of the %s %s %s with root %s", doc.Preset, doc.Fork, doc.Type, doc.Root)
	}
	if len(doc.Proofs) != len(c.vector.Proofs) {
		t.Fatalf("%d proofs, vector %d", len(doc.Proofs), len(c.vector.Proofs))
	}
	for i, got := range doc.Proofs {
		want := c.vector.Proofs[i]
		switch {
		case got.Path != want.Path:
			t.Errorf("proofs[%d]: path %q, vector %q", i, got.Path, want.Path)
		case got.Gindex != want.Gindex:
			t.Errorf("%s: gindex %s, vector %s", want.Path, got.Gindex, want.Gindex)
		case got.Leaf != want.Leaf:
			t.Errorf("%s: leaf %s, vector %s", want.Path, got.Leaf, want.Leaf)
		case len(got.Branch) != len(want.Branch):
			t.Errorf("%s: branch of %d, vector %d", want.Path, len(got.Branch), len(want.Branch))
		default:
			for k := range got.Branch {
				if got.Branch[k] != want.Branch[k] {
					t.Errorf("%s: branch[%d] %s, vector %s", want.Path, k, got.Branch[k], want.Branch[k])
					break
				}
			}
		}
	}
}
