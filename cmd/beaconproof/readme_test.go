package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// readmeCommands returns the README's beaconproof command lines that run
// on the repository's own files (testdata/), continuation lines joined.
func readmeCommands(t *testing.T) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(b), "\\\n", " ")
	var out []string
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if !strings.HasPrefix(line, "beaconproof ") || strings.Contains(line, "http://") {
			continue
		}
		if strings.Contains(line, "testdata/") || strings.HasPrefix(line, "beaconproof verify proof.json") {
			out = append(out, line)
		}
	}
	return out
}

var spaces = regexp.MustCompile(`\s+`)

// TestReadmeCommands runs the README's commands on the shipped files, in
// order (a "> proof.json" feeds the next "verify proof.json"): each must
// succeed, as a user who copies them would see.
func TestReadmeCommands(t *testing.T) {
	cmds := readmeCommands(t)
	if len(cmds) < 5 {
		t.Fatalf("found %d README commands on testdata/: %q", len(cmds), cmds)
	}
	dir := t.TempDir()
	for _, cmd := range cmds {
		if i := strings.Index(cmd, " #"); i >= 0 {
			cmd = cmd[:i]
		}
		cmd, redirect, _ := strings.Cut(cmd, ">")
		args := spaces.Split(strings.TrimSpace(strings.TrimPrefix(cmd, "beaconproof ")), -1)
		for i, a := range args {
			a = strings.Trim(a, "'")
			if strings.HasPrefix(a, "testdata/") {
				a = filepath.Join("..", "..", a)
			} else if a == "proof.json" {
				a = filepath.Join(dir, a)
			}
			args[i] = a
		}
		t.Log(strings.Join(args, " "))
		r := runCLI(t, nil, args...)
		if r.code != 0 || r.stderr != "" {
			t.Fatalf("%s: exit %d, stderr %q", cmd, r.code, r.stderr)
		}
		if name := strings.TrimSpace(redirect); name != "" {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(r.stdout), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if args[0] == "verify" && r.stdout != "ok\n" {
			t.Fatalf("%s: %q", cmd, r.stdout)
		}
	}
}
