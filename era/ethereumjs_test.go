package era_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/beaconproof/beaconproof/era"
)

// The independent reader: @ethereumjs/e2store from npm, pinned by
// testdata/ethereumjs/package-lock.json, installed outside the
// repository (BEACONPROOF_E2STORE_JS, default <user cache>/beaconproof/npm-e2store).
const jsDir = "testdata/ethereumjs"

// jsReader installs the pinned @ethereumjs/e2store when it is not
// installed yet, and returns the folder to run read-era.mjs in. It skips
// the test when node or npm is missing, and fails it under CI=true.
func jsReader(t *testing.T) string {
	t.Helper()
	for _, tool := range []string{"node", "npm"} {
		if _, err := exec.LookPath(tool); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s not found: the cross-check with @ethereumjs/e2store needs node and npm", tool)
			}
			t.Skipf("%s not found: install node and npm to cross-check era files with @ethereumjs/e2store", tool)
		}
	}
	dir := os.Getenv("BEACONPROOF_E2STORE_JS")
	if dir == "" {
		cache, err := os.UserCacheDir()
		if err != nil {
			t.Fatal(err)
		}
		dir = filepath.Join(cache, "beaconproof", "npm-e2store")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	lock, err := os.ReadFile(filepath.Join(jsDir, "package-lock.json"))
	if err != nil {
		t.Fatal(err)
	}
	installed, _ := os.ReadFile(filepath.Join(dir, "installed.lock"))
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@ethereumjs", "e2store", "package.json")); err != nil || !bytes.Equal(installed, lock) {
		for _, name := range []string{"package.json", "package-lock.json"} {
			copyFile(t, filepath.Join(jsDir, name), filepath.Join(dir, name))
		}
		t.Logf("installing @ethereumjs/e2store into %s (npm ci)", dir)
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("npm ci in %s: %v\n%s", dir, err, out)
		}
		if err := os.WriteFile(filepath.Join(dir, "installed.lock"), lock, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(t, filepath.Join(jsDir, "read-era.mjs"), filepath.Join(dir, "read-era.mjs"))
	return dir
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// jsIndex and jsFile are what read-era.mjs prints.
type jsIndex struct {
	StartSlot   uint64  `json:"startSlot"`
	RecordStart int64   `json:"recordStart"`
	SlotOffsets []int64 `json:"slotOffsets"`
}

type jsRecord struct {
	Slot   uint64 `json:"slot"`
	Type   string `json:"type"`
	Length int    `json:"length"`
	SHA256 string `json:"sha256"`
}

type jsFile struct {
	File       string     `json:"file"`
	StateIndex jsIndex    `json:"stateIndex"`
	BlockIndex *jsIndex   `json:"blockIndex"`
	State      jsRecord   `json:"state"`
	Blocks     []jsRecord `json:"blocks"`
}

// TestEthereumJSReadsOurFiles writes one era file per era of the test
// chain (the genesis era, and eras of deneb and electra blocks with missed
// slots) and reads each with @ethereumjs/e2store: its slot indices must
// point where this package's reader finds the records, and the state and
// every block it decompresses must be the SSZ written.
func TestEthereumJSReadsOurFiles(t *testing.T) {
	js := jsReader(t)
	c := newTestChain(t, 3)
	dir := c.writeDir(t, 3)
	var paths []string
	for e := uint64(0); e <= 3; e++ {
		paths = append(paths, filepath.Join(dir, fmt.Sprintf("era-test-%05d-%08x.era", e, e*0x1111)))
	}
	cmd := exec.Command("node", append([]string{"read-era.mjs"}, paths...)...)
	cmd.Dir = js
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node read-era.mjs: %v\n%s", err, stderr.Bytes())
	}
	var files []jsFile
	if err := json.Unmarshal(out, &files); err != nil {
		t.Fatalf("read-era.mjs printed %q: %v", out, err)
	}
	if len(files) != len(paths) {
		t.Fatalf("read-era.mjs read %d files, want %d", len(files), len(paths))
	}
	for e, got := range files {
		checkJSFile(t, c, uint64(e), got)
	}
}

// checkJSFile compares what @ethereumjs/e2store read of era e's file with
// the chain and with this package's reading of the same file.
func checkJSFile(t *testing.T, c *testChain, e uint64, got jsFile) {
	t.Helper()
	b, err := os.ReadFile(got.File)
	if err != nil {
		t.Fatal(err)
	}
	l := records(t, b)
	stateIx, stateRec := l[len(l)-1], l[len(l)-2]
	if e > 0 {
		stateRec = l[len(l)-3]
	}
	digest := func(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }
	if got.StateIndex.StartSlot != e*64 || got.StateIndex.RecordStart != stateIx.Offset ||
		len(got.StateIndex.SlotOffsets) != 1 || stateIx.Offset+got.StateIndex.SlotOffsets[0] != stateRec.Offset {
		t.Fatalf("era %d: state index %+v, want slot %d, index at byte %d, state at byte %d", e, got.StateIndex, e*64, stateIx.Offset, stateRec.Offset)
	}
	if got.State.Type != "0200" || got.State.SHA256 != digest(c.states[e]) {
		t.Fatalf("era %d: the state ethereumjs reads is not the one written (%+v)", e, got.State)
	}
	if e == 0 {
		if got.BlockIndex != nil || len(got.Blocks) != 0 {
			t.Fatalf("genesis era: ethereumjs reads a block index %+v", got.BlockIndex)
		}
		return
	}
	blockIx := l[len(l)-2]
	if got.BlockIndex == nil || got.BlockIndex.StartSlot != (e-1)*64 || got.BlockIndex.RecordStart != blockIx.Offset || len(got.BlockIndex.SlotOffsets) != 64 {
		t.Fatalf("era %d: block index %+v, want slot %d at byte %d", e, got.BlockIndex, (e-1)*64, blockIx.Offset)
	}
	var want []jsRecord
	for slot := (e - 1) * 64; slot < e*64; slot++ {
		if blk, ok := c.blocks[slot]; ok {
			want = append(want, jsRecord{Slot: slot, Type: "0100", Length: len(blk), SHA256: digest(blk)})
		}
	}
	if len(got.Blocks) != len(want) {
		t.Fatalf("era %d: ethereumjs reads %d blocks, want %d", e, len(got.Blocks), len(want))
	}
	for i, w := range want {
		if got.Blocks[i] != w {
			t.Fatalf("era %d: ethereumjs reads %+v, want %+v", e, got.Blocks[i], w)
		}
		// Where it found the block is where the records are, in order.
		off := got.BlockIndex.SlotOffsets[w.Slot-(e-1)*64]
		if rec := l[1+i]; blockIx.Offset+off != rec.Offset {
			t.Fatalf("era %d: ethereumjs finds the block of slot %d at byte %d, the file has it at byte %d", e, w.Slot, blockIx.Offset+off, rec.Offset)
		}
	}
	// And this package reads the same file the same.
	f, err := era.OpenFile(got.File, era.Options{Network: c.net})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, w := range want {
		blk, err := f.Block(context.Background(), w.Slot)
		if err != nil || digest(blk) != w.SHA256 {
			t.Fatalf("era %d: Block(%d): %v", e, w.Slot, err)
		}
	}
	t.Logf("era %d: ethereumjs reads the state (%d bytes) and %d blocks as written", e, got.State.Length, len(got.Blocks))
}
