package live

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// cli runs the beaconproof binary, built once per test run.
type cli struct {
	bin  string // the binary
	work string // the working folder: documents are written there
	n    atomic.Int64
}

// buildCLI builds cmd/beaconproof into dir.
func buildCLI(ctx context.Context, dir string) (string, error) {
	bin := filepath.Join(dir, "beaconproof")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", bin, "github.com/beaconproof/beaconproof/cmd/beaconproof")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("go build ./cmd/beaconproof: %v: %s", err, out)
	}
	return bin, nil
}

// result is one run of the CLI.
type result struct {
	args   []string
	stdout []byte
	stderr string
	code   int
}

func (r result) String() string {
	return fmt.Sprintf("beaconproof %s: exit %d: %s", strings.Join(r.args, " "), r.code, strings.TrimSpace(r.stderr))
}

// run runs the CLI with args in the working folder.
func (c *cli) run(ctx context.Context, args ...string) result {
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Dir = c.work
	cmd.Env = append(os.Environ(), "BEACON_URL=", "EL_RPC=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	if err != nil {
		code = -1
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		}
	}
	return result{args: args, stdout: stdout.Bytes(), stderr: stderr.String(), code: code}
}

// prove runs the CLI, which must succeed, writes its output to a file in
// the working folder and returns the file's path and contents.
func (c *cli) prove(ctx context.Context, t *testing.T, args ...string) (string, []byte) {
	t.Helper()
	r := c.run(ctx, args...)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	file := filepath.Join(c.work, fmt.Sprintf("doc-%03d.json", c.n.Add(1)))
	if err := os.WriteFile(file, r.stdout, 0o644); err != nil {
		t.Fatal(err)
	}
	return file, r.stdout
}

// verify runs `beaconproof verify FILE`, which must print ok.
func (c *cli) verify(ctx context.Context, t *testing.T, file string) {
	t.Helper()
	r := c.run(ctx, "verify", file)
	if r.code != 0 || strings.TrimSpace(string(r.stdout)) != "ok" {
		t.Errorf("%v (stdout %q)", r, r.stdout)
	}
}

// doc is what every document of the CLI states: its format and anchor.
type doc struct {
	Format string `json:"format"`
	Fork   string `json:"fork"`
	Preset string `json:"preset"`
	Anchor struct {
		Kind      string   `json:"kind"`
		Root      string   `json:"root"`
		Slot      decimal  `json:"slot"`
		Timestamp *decimal `json:"timestamp"`
	} `json:"anchor"`
	// BlockFork is the withdrawal block's fork when it is not Fork.
	BlockFork string `json:"block_fork"`
	// Proofs are a json document's claims.
	Proofs []claim `json:"proofs"`
}

// claim is one proof of a json document.
type claim struct {
	Kind   string          `json:"kind"`
	Path   string          `json:"path"`
	Gindex string          `json:"gindex"`
	Leaf   string          `json:"leaf"`
	Branch []string        `json:"branch"`
	Value  json.RawMessage `json:"value"`
}

// decimal is an integer written as a decimal string, or as a JSON number
// (fixture files write numbers).
type decimal string

func (d *decimal) UnmarshalJSON(b []byte) error {
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return err
	}
	*d = decimal(n)
	return nil
}

func parseDoc(t *testing.T, b []byte) doc {
	t.Helper()
	var d doc
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatalf("document: %v: %.200s", err, b)
	}
	return d
}
