package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/beaconproof/beaconproof/staking/format"
)

// manifestFile is the fixture set's manifest, which verify of a folder
// skips: it lists the proofs, it is not one.
const manifestFile = "manifest.json"

func cmdVerify(ctx context.Context, e *env, args []string) int {
	c := lookupCommand("verify")
	fs := c.flagSet()
	var lf liveFlags
	fs.StringVar(&lf.elRPC, "el-rpc", os.Getenv(envELRPC), "execution client JSON-RPC URL: check the anchor against its beacon roots contract (default $"+envELRPC+")")
	fs.StringVar(&lf.beaconURL, "beacon-url", os.Getenv(envBeaconURL), "with --el-rpc: beacon node that gives the anchor's timestamp when the file states none (default $"+envBeaconURL+")")
	fs.StringVar(&lf.network, "network", "", "with --beacon-url: the network the node must be on, "+networkFlagHelp())
	pos, done, code := c.parse(e, fs, args)
	if done {
		return code
	}
	if len(pos) == 0 {
		return c.usageError(e, "want a FILE.json or a folder of them")
	}
	if len(pos) > 1 && slices.Contains(pos, "-") {
		return c.usageError(e, "- (standard input) is read alone")
	}
	files, err := verifyTargets(pos)
	if err != nil {
		return e.fail(err)
	}
	if len(pos) == 1 && len(files) == 1 && files[0] == pos[0] {
		// One file: "ok", or the one line of its failure.
		line, err := verifyFile(ctx, e, files[0], lf)
		if err != nil {
			return e.fail(err)
		}
		fmt.Fprintln(e.stdout, line)
		return exitOK
	}
	failed := 0
	for _, name := range files {
		line, err := verifyFile(ctx, e, name, lf)
		if err != nil {
			e.fail(err)
			failed++
			continue
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", name, line)
	}
	if failed > 0 {
		fmt.Fprintf(e.stderr, "beaconproof: %d of %d files failed\n", failed, len(files))
		return exitFail
	}
	return exitOK
}

// verifyTargets expands verify's arguments: a file is itself, a folder
// (a fixture set) every .json file in it but the manifest, in name order.
func verifyTargets(args []string) ([]string, error) {
	var files []string
	for _, a := range args {
		st, err := os.Stat(a)
		if a == "-" || err != nil || !st.IsDir() {
			files = append(files, a) // a missing file fails when read, naming it
			continue
		}
		entries, err := os.ReadDir(a)
		if err != nil {
			return nil, err
		}
		var in []string
		for _, en := range entries {
			if !en.IsDir() && strings.HasSuffix(en.Name(), ".json") && en.Name() != manifestFile {
				in = append(in, filepath.Join(a, en.Name()))
			}
		}
		if len(in) == 0 {
			return nil, fmt.Errorf("%s: no .json proof files in the folder", a)
		}
		sort.Strings(in)
		files = append(files, in...)
	}
	return files, nil
}

// verifyFile reads, parses and verifies one proof file ("-" for standard
// input), and with --el-rpc checks its anchor live; it returns what verify
// prints for it. Errors name the file.
func verifyFile(ctx context.Context, e *env, name string, lf liveFlags) (string, error) {
	var r io.Reader = e.stdin
	if name == "-" {
		name = "standard input"
	} else {
		f, err := os.Open(name)
		if err != nil {
			return "", err
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, maxProofFile+1))
	if err == nil && len(data) > maxProofFile {
		err = fmt.Errorf("larger than %d bytes", maxProofFile)
	}
	var doc format.Document
	if err == nil {
		doc, err = format.Parse(data)
	}
	if err == nil {
		err = doc.Verify()
	}
	if err == nil && lf.elRPC != "" {
		err = checkLive(ctx, doc, lf)
	}
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	return verifiedLine(doc), nil
}

// verifiedLine is what verify prints for a document that verifies: ok, and
// what was not checked — the paths of a proof set without a fork.
func verifiedLine(doc format.Document) string {
	if d, ok := doc.(*format.MultiproofDocument); ok && !d.PathsChecked() && len(d.Paths) > 0 {
		return "ok (paths not checked: no fork)"
	}
	if d, ok := doc.(*format.JSONDocument); ok && !d.PathsChecked() {
		for _, c := range d.Proofs {
			if c.Path != "" {
				return "ok (paths not checked: no fork)"
			}
		}
	}
	return "ok"
}
