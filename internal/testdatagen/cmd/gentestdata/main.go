// Command gentestdata writes the generated objects of package testdatagen
// into a directory (default: testdata).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/beaconproof/beaconproof/internal/testdatagen"
)

func main() {
	dir := "testdata"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := run(dir); err != nil {
		fmt.Fprintln(os.Stderr, "gentestdata:", err)
		os.Exit(1)
	}
}

func run(dir string) error {
	state, block, later, err := testdatagen.Objects()
	if err != nil {
		return err
	}
	for i, b := range [][]byte{state, block, later} {
		gz, err := testdatagen.Gzip(b)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, testdatagen.Files[i]), gz, 0o644); err != nil {
			return err
		}
	}
	return nil
}
