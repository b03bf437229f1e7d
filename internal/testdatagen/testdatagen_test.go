package testdatagen

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedTestdataUpToDate checks that the files under testdata/ are
// what this package generates today.
func TestCommittedTestdataUpToDate(t *testing.T) {
	state, block, err := Objects()
	if err != nil {
		t.Fatal(err)
	}
	for i, want := range [][]byte{state, block} {
		name := Files[i]
		gz, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatalf("%s: %v (run: go run ./internal/testdatagen/cmd/gentestdata)", name, err)
		}
		r, err := gzip.NewReader(bytes.NewReader(gz))
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/%s is out of date: run go run ./internal/testdatagen/cmd/gentestdata", name)
		}
	}
}
