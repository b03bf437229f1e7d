package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestMultiproofRoundTrip: `prove --path ... --multiproof` prints one
// multiproof that `verify` accepts, with each path beside its gindex; a
// copy with a leaf, a hash or a path changed is refused in one line, and
// without its fork only the nodes are checked.
func TestMultiproofRoundTrip(t *testing.T) {
	f := writeFixtures(t)
	paths := []string{"slot", "validators[7].exit_epoch", "balances[3]", "finalized_checkpoint.root"}
	args := []string{"prove", "--multiproof"}
	for _, p := range paths {
		args = append(args, "--path", p)
	}
	out := runCLI(t, nil, append(args, f.state)...).ok(t).stdout
	var doc map[string]any
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	m := doc["multiproof"].(map[string]any)
	gotPaths := doc["paths"].([]any)
	if doc["fork"] != "fulu" || len(gotPaths) != len(paths) || len(m["gindices"].([]any)) != len(paths) || len(m["hashes"].([]any)) == 0 {
		t.Fatalf("document %s", out)
	}
	// Each path beside its own gindex, as `gindex` prints it.
	for i, p := range gotPaths {
		g := strings.TrimSpace(runCLI(t, nil, "gindex", "--fork", "fulu", p.(string)).ok(t).stdout)
		if g != m["gindices"].([]any)[i] {
			t.Errorf("paths[%d] %q beside gindex %v, gindex prints %s", i, p, m["gindices"].([]any)[i], g)
		}
	}
	if v := runCLI(t, nil, "verify", writeFile(t, t.TempDir(), "m.json", []byte(out))).ok(t); v.stdout != "ok\n" {
		t.Fatalf("verify: %q", v.stdout)
	}
	if v := runCLI(t, []byte(out), "verify", "-").ok(t); v.stdout != "ok\n" {
		t.Fatalf("verify stdin: %q", v.stdout)
	}

	flip := func(h string) string {
		if h[2] == '0' {
			return "0x1" + h[3:]
		}
		return "0x0" + h[3:]
	}
	for _, c := range []struct {
		name string
		edit func(d map[string]any)
		want string
	}{
		{"leaf", func(d map[string]any) {
			ls := d["multiproof"].(map[string]any)["leaves"].([]any)
			ls[1] = flip(ls[1].(string))
		}, "multiproof: "},
		{"hash", func(d map[string]any) {
			hs := d["multiproof"].(map[string]any)["hashes"].([]any)
			hs[0] = flip(hs[0].(string))
		}, "multiproof: "},
		{"paths swapped", func(d map[string]any) {
			ps := d["paths"].([]any)
			ps[0], ps[1] = ps[1], ps[0]
		}, "path does not match the gindex"},
		{"path dropped", func(d map[string]any) {
			d["paths"] = d["paths"].([]any)[1:]
		}, "3 paths for 4 gindices"},
		{"gindex changed", func(d map[string]any) {
			gs := d["multiproof"].(map[string]any)["gindices"].([]any)
			gs[len(gs)-1] = "35"
		}, "multiproof"},
		{"root", func(d map[string]any) { d["root"] = flip(d["root"].(string)) }, "multiproof: "},
	} {
		t.Run(c.name, func(t *testing.T) {
			var d map[string]any
			if err := json.Unmarshal([]byte(out), &d); err != nil {
				t.Fatal(err)
			}
			c.edit(d)
			b, err := json.Marshal(d)
			if err != nil {
				t.Fatal(err)
			}
			runCLI(t, nil, "verify", writeFile(t, t.TempDir(), "bad.json", b)).failsWithOneLine(t, c.want)
		})
	}

	// Without its fork the nodes verify, and verify says the paths were
	// not checked.
	var d map[string]any
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	delete(d, "fork")
	b, _ := json.Marshal(d)
	if v := runCLI(t, nil, "verify", writeFile(t, t.TempDir(), "nofork.json", b)).ok(t); v.stdout != "ok (paths not checked: no fork)\n" {
		t.Fatalf("verify without fork: %q", v.stdout)
	}

	// Paths one inside another, or twice, make no multiproof.
	for _, bad := range [][]string{{"validators[7]", "validators[7].exit_epoch"}, {"slot", "slot"}} {
		runCLI(t, nil, "prove", "--multiproof", "--path", bad[0], "--path", bad[1], f.state).failsWithOneLine(t, "multiproof")
	}
}
