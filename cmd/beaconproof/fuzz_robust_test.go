package main

// Robustness of the CLI against hostile input: FuzzVerifyJSON, a table of
// bad inputs that must each give exit status 1 and one line on stderr, and
// every single-bit change of a real proof document. The helpers here are
// prefixed "robust" so as not to collide with run_test.go's.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	"github.com/golang/snappy"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// robustResult is what one run of the CLI printed and returned.
type robustResult struct {
	code           int
	stdout, stderr string
}

func robustRun(stdin []byte, args ...string) robustResult {
	var out, errb bytes.Buffer
	code := run(context.Background(), args, bytes.NewReader(stdin), &out, &errb)
	return robustResult{code, out.String(), errb.String()}
}

// failure returns why r is not a clean failure: exit 1, nothing on stdout,
// and exactly one line on stderr that starts "beaconproof: " and is not
// the report of a recovered panic.
func (r robustResult) failure() string {
	switch {
	case r.code != exitFail:
		return fmt.Sprintf("exit %d, want 1", r.code)
	case r.stdout != "":
		return fmt.Sprintf("stdout %q on failure", r.stdout)
	case !strings.HasPrefix(r.stderr, "beaconproof: ") || !strings.HasSuffix(r.stderr, "\n") || strings.Count(r.stderr, "\n") != 1:
		return fmt.Sprintf("stderr is not one line starting with beaconproof: %q", r.stderr)
	case strings.Contains(r.stderr, "internal error"):
		return fmt.Sprintf("a recovered panic: %q", r.stderr)
	}
	return ""
}

// robustOracle reads oracle/<preset>/<fork>/<name>/object.ssz.
func robustOracle(t testing.TB, preset, forkName, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(vectors.Path(t, "oracle", preset, forkName, name, "object.ssz"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// robustProver returns a Prover of an oracle object.
func robustProver(t testing.TB, preset, forkName, name, typ string) *beaconstate.Prover {
	t.Helper()
	obj, err := beaconstate.NewObject(forkName, preset, typ, robustOracle(t, preset, forkName, name))
	if err != nil {
		t.Fatal(err)
	}
	p, err := beaconstate.NewProver(obj)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// robustProofSet proves paths with p and returns the proof document that
// `beaconproof prove` prints.
func robustProofSet(t testing.TB, p *beaconstate.Prover, paths ...string) []byte {
	t.Helper()
	set, err := p.ProofSet(paths)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.MarshalIndent(set, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// robustZeroRegion returns a document proving validators[100000] of the
// deneb oracle state by gindex: past the end of the list, where the nodes
// on the path equal their siblings at the lowest levels.
func robustZeroRegion(t testing.TB, p *beaconstate.Prover) []byte {
	t.Helper()
	g, err := beaconstate.Gindex("deneb", "mainnet", "BeaconState", "validators[100000]")
	if err != nil {
		t.Fatal(err)
	}
	pr, err := p.ProveGindex(g)
	if err != nil {
		t.Fatal(err)
	}
	slot, err := p.Prove("slot")
	if err != nil {
		t.Fatal(err)
	}
	set := beaconstate.ProofSet{Fork: "deneb", Preset: "mainnet", Type: "BeaconState", Root: p.Root(),
		Proofs: []beaconstate.PathProof{{Path: "validators[100000]", Proof: pr}, {Path: "slot", Proof: slot}}}
	b, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// truth tells whether a node a document states is a fact of a real object,
// by asking the object's Prover for the node at that gindex.
type truth struct {
	provers map[[32]byte]*beaconstate.Prover
}

func newTruth() *truth {
	return &truth{provers: map[[32]byte]*beaconstate.Prover{}}
}

func (tr *truth) addProver(p *beaconstate.Prover) { tr.provers[p.Root()] = p }

func (tr *truth) holds(root [32]byte, g *big.Int, leaf [32]byte) bool {
	p := tr.provers[root]
	if p == nil {
		return false
	}
	gi, err := proof.GindexFromBig(g)
	if err != nil {
		return false
	}
	pr, err := p.ProveGindex(gi)
	return err == nil && pr.Leaf == leaf
}

// robustDoc is a proof document as this test reads it, independently of
// the code under test (but with encoding/json, as the CLI).
type robustDoc struct {
	fork, preset, typ string
	root              [32]byte
	proofs            []robustProof
}

type robustProof struct {
	path, kind string
	hasValue   bool // a "value" other than null
	gindex     *big.Int
	leaf       [32]byte
	branch     [][32]byte
}

func robustHash(s string) ([32]byte, error) {
	var h [32]byte
	if len(s) != 66 || s[:2] != "0x" {
		return h, fmt.Errorf("hash %q", s)
	}
	_, err := hex.Decode(h[:], []byte(s[2:]))
	return h, err
}

// robustParse reads a proof document; it fails where the CLI must fail
// too (missing or malformed values), and is lenient elsewhere.
func robustParse(b []byte) (robustDoc, error) {
	var w struct {
		Fork, Preset, Type string
		Root               *string
		Proofs             []struct {
			Path   string
			Kind   string
			Value  json.RawMessage
			Gindex *string
			Leaf   *string
			Branch []string
		}
	}
	var d robustDoc
	if err := json.Unmarshal(b, &w); err != nil {
		return d, err
	}
	if w.Root == nil {
		return d, fmt.Errorf("no root")
	}
	var err error
	if d.root, err = robustHash(*w.Root); err != nil {
		return d, err
	}
	d.fork, d.preset, d.typ = w.Fork, w.Preset, w.Type
	for _, p := range w.Proofs {
		if p.Gindex == nil || p.Leaf == nil {
			return d, fmt.Errorf("proof without gindex or leaf")
		}
		g, ok := new(big.Int).SetString(*p.Gindex, 10)
		if !ok {
			return d, fmt.Errorf("gindex %q", *p.Gindex)
		}
		rp := robustProof{path: p.Path, kind: p.Kind, hasValue: len(p.Value) > 0 && string(p.Value) != "null", gindex: g}
		if rp.leaf, err = robustHash(*p.Leaf); err != nil {
			return d, err
		}
		for _, s := range p.Branch {
			h, err := robustHash(s)
			if err != nil {
				return d, err
			}
			rp.branch = append(rp.branch, h)
		}
		d.proofs = append(d.proofs, rp)
	}
	return d, nil
}

// isProofSet reports whether verify reads data as a proof set ({"root",
// "proofs"}, with or without "format": "json"), as staking/format.Parse
// detects it, rather than as one of the protocol formats.
func isProofSet(data []byte) bool {
	var head struct {
		Format *string          `json:"format"`
		Proofs json.RawMessage  `json:"proofs"`
		Cases  *json.RawMessage `json:"cases"`
	}
	if json.Unmarshal(data, &head) != nil {
		return false
	}
	switch {
	case head.Format != nil && *head.Format != "json":
		return false
	case head.Cases != nil && head.Proofs == nil:
		return false
	}
	return true
}

// robustVerify is the specs' is_valid_merkle_branch, written again.
func robustVerify(root [32]byte, p robustProof) bool {
	if p.gindex.Sign() <= 0 || p.gindex.BitLen()-1 != len(p.branch) || len(p.branch) == 0 {
		return false
	}
	node := p.leaf
	for i, sib := range p.branch {
		if p.gindex.Bit(i) == 1 {
			node = sha256.Sum256(append(sib[:], node[:]...))
		} else {
			node = sha256.Sum256(append(node[:], sib[:]...))
		}
	}
	return node == root
}

// robustWatchdog crashes the process with every goroutine's stack when a
// fuzz input runs longer than d, so that the fuzzing engine saves a hang
// as a failing input instead of stalling.
func robustWatchdog(d time.Duration) (stop func()) {
	timer := time.AfterFunc(d, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("fuzz input still running after %v: a hang\n%s", d, buf))
	})
	return func() { timer.Stop() }
}

// verifySeeds returns real proof documents — from `prove` on oracle
// objects of several forks and types, and oracle vector.json files cut to
// a few proofs — and the truth about their objects.
func verifySeeds(t testing.TB) ([][]byte, *truth) {
	tr := newTruth()
	prover := func(preset, forkName, name, typ string) *beaconstate.Prover {
		p := robustProver(t, preset, forkName, name, typ)
		tr.addProver(p)
		return p
	}
	deneb := prover("mainnet", "deneb", "state_0", "BeaconState")
	docs := [][]byte{
		robustProofSet(t, deneb, "validators[5].withdrawal_credentials", "balances[5]", "slot"),
		robustProofSet(t, prover("mainnet", "electra", "state_0", "BeaconState"), "validators[5].withdrawal_credentials", "pending_deposits"),
		robustProofSet(t, prover("minimal", "gloas", "state_1", "BeaconState"), "validators[3]", "latest_block_header.state_root"),
		robustProofSet(t, prover("mainnet", "capella", "block_0", "BeaconBlock"), "body.execution_payload.block_hash"),
		robustProofSet(t, prover("mainnet", "gloas", "envelope_0", "ExecutionPayloadEnvelope"), "payload.withdrawals"),
		robustZeroRegion(t, deneb),
	}
	// Documents of the other formats verify reads: the protocol vectors.
	for _, name := range []string{"rocketpool-mainnet.json", "eigenlayer-goerli.json"} {
		b, err := os.ReadFile(vectors.Path(t, "protocols", name))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b)
	}
	for _, c := range []struct{ preset, fork, name, typ string }{
		{"mainnet", "phase0", "block_0", "BeaconBlock"},
		{"minimal", "altair", "state_0", "BeaconState"},
	} {
		b, err := os.ReadFile(vectors.Path(t, "oracle", c.preset, c.fork, c.name, "vector.json"))
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]json.RawMessage
		var proofs []json.RawMessage
		if err := json.Unmarshal(b, &v); err != nil || json.Unmarshal(v["proofs"], &proofs) != nil {
			t.Fatalf("%v: %v", c, err)
		}
		v["proofs"], _ = json.Marshal(proofs[:3])
		doc, _ := json.Marshal(v)
		docs = append(docs, doc)
		p := robustProver(t, c.preset, c.fork, c.name, c.typ)
		if d, err := robustParse(doc); err != nil || d.root != p.Root() {
			t.Fatalf("%v: root %x, ours %x (%v)", c, d.root, p.Root(), err)
		}
		tr.addProver(p)
	}
	return docs, tr
}

// robustRace reports whether the test binary was built with -race.
func robustRace() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// bindsPaths reports whether verify checks a proof's path against its
// gindex in the document's fork, preset and type: whether it rejects a real
// document whose path was changed to another member of the same object
// (ROB-4).
func bindsPaths(t testing.TB, doc []byte) bool {
	var m map[string]any
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	m["proofs"].([]any)[0].(map[string]any)["path"] = "genesis_time"
	b, _ := json.Marshal(m)
	return robustRun(b, "verify", "-").code != exitOK
}

// okLine is what verify prints for a proof set that verifies: ok, with a
// note when the paths could not be checked (no fork).
func okLine(d robustDoc) string {
	if d.fork == "" {
		for _, p := range d.proofs {
			if p.path != "" {
				return "ok (paths not checked: no fork)\n"
			}
		}
	}
	return "ok\n"
}

// FuzzVerifyJSON runs `beaconproof verify FILE` on arbitrary JSON. It must
// exit 0 (printing ok) or 1 (one line on stderr, no recovered panic) —
// never 2, which is for wrong usage — and it must never say ok for a
// document that states anything false: every proof of a document that
// verifies must hold by an independent check (robustVerify) and state a
// true node of a real object (see truth); when the document names its
// fork, the path of every proof without a kind must be its gindex's in the
// document's fork, preset and type, and such a proof may carry no value;
// a proof with a kind must have a kind that verify checks; and without a
// fork, verify must say that the paths were not checked. The seeds are
// real proofs.
func FuzzVerifyJSON(f *testing.F) {
	seeds, facts := verifySeeds(f)
	for _, d := range seeds {
		f.Add(d)
	}
	f.Add([]byte(`{"root":"0x` + strings.Repeat("00", 32) + `","proofs":[]}`))
	f.Add([]byte(`{"root":null,"proofs":[{"gindex":"1","leaf":"0x","branch":[]}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`{"proofs":[{"gindex":"` + strings.Repeat("9", 1000) + `"}]}`))
	if !bindsPaths(f, seeds[0]) {
		f.Fatal("verify does not check paths against gindices (ROB-4)")
	}
	file := filepath.Join(f.TempDir(), "proofs.json")
	f.Fuzz(func(t *testing.T, data []byte) {
		defer robustWatchdog(20 * time.Second)()
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r := robustRun(nil, "verify", file)
		if len(data)%2 == 1 {
			if s := robustRun(data, "verify", "-"); s.code != r.code {
				t.Fatalf("verify FILE exits %d but verify - exits %d", r.code, s.code)
			}
		}
		if r.code != exitOK {
			if why := r.failure(); why != "" {
				t.Fatalf("verify: %s", why)
			}
			return
		}
		if r.stderr != "" {
			t.Fatalf("exit 0 with stderr %q", r.stderr)
		}
		if !isProofSet(data) {
			// Another format (protocol structs, calldata, vectors), whose
			// leaves and gindices verify recomputes from its values: the
			// checks above apply, the facts below are a proof set's.
			if r.stdout != "ok\n" {
				t.Fatalf("exit 0 with stdout %q", r.stdout)
			}
			return
		}
		d, err := robustParse(data)
		if err != nil {
			t.Fatalf("verify said ok to a document this test cannot read: %v", err)
		}
		if want := okLine(d); r.stdout != want {
			t.Fatalf("exit 0 with stdout %q, want %q", r.stdout, want)
		}
		if len(d.proofs) == 0 {
			t.Fatal("verify said ok to a document without proofs")
		}
		for i, p := range d.proofs {
			if !robustVerify(d.root, p) {
				t.Fatalf("verify said ok, but proof %d does not verify by the specs' algorithm", i)
			}
			if !facts.holds(d.root, p.gindex, p.leaf) {
				t.Fatalf("verify said ok to proof %d stating a false node: gindex %s", i, p.gindex)
			}
			switch {
			case p.kind != "":
				// Its path and value are checked by kind, through the
				// anchor (staking/format's tests).
				if !staking.Kind(p.kind).Known() || d.fork == "" {
					t.Fatalf("verify said ok to proof %d of kind %q (document fork %q)", i, p.kind, d.fork)
				}
			case p.hasValue:
				t.Fatalf("verify said ok to proof %d with a value but no kind", i)
			case d.fork != "" && p.path != "":
				g, err := beaconstate.Gindex(d.fork, d.preset, d.typ, p.path)
				if err != nil || g.Big().Cmp(p.gindex) != 0 {
					t.Fatalf("verify said ok to proof %d whose path %q is not its gindex %s in %s (%v)", i, p.path, p.gindex, d.fork, err)
				}
			}
		}
	})
}

// TestVerifyJSONSingleBitFlips flips every bit of a real proof document,
// one at a time, and runs verify on each. Every run must exit 0 or 1 with
// a clean one-line failure; a run that says ok must state the same facts
// (root, gindices, leaves, branches) as the real document — a flip of the
// case of a hex digit, or of a key's case (encoding/json matches keys
// without case), changes nothing — or, for a gindex flip where the node
// equals its sibling, another true fact (see internal/robust's
// TestNoSingleBitFlipVerifies); and its paths must be its gindices' in its
// fork, preset and type (ROB-4), unless a flip of the "fork" key dropped
// the fork, which verify must then say ("paths not checked").
func TestVerifyJSONSingleBitFlips(t *testing.T) {
	p := robustProver(t, "mainnet", "deneb", "state_0", "BeaconState")
	doc := robustZeroRegion(t, p)
	orig, err := robustParse(doc)
	if err != nil {
		t.Fatal(err)
	}
	facts := newTruth()
	facts.addProver(p)
	stride := 1
	if robustRace() {
		stride = 5 // every fifth byte under -race, where each run is slow; all of them without
	}
	var flips, ok, unchecked int
	for i := 0; i < len(doc); i += stride {
		for bit := range 8 {
			data := bytes.Clone(doc)
			data[i] ^= 1 << bit
			flips++
			r := robustRun(data, "verify", "-")
			if r.code != exitOK {
				if why := r.failure(); why != "" {
					t.Fatalf("byte %d bit %d: %s", i, bit, why)
				}
				continue
			}
			ok++
			d, err := robustParse(data)
			if err != nil {
				t.Fatalf("byte %d bit %d: ok, but unreadable: %v", i, bit, err)
			}
			if want := okLine(d); r.stdout != want {
				t.Fatalf("byte %d bit %d: stdout %q, want %q", i, bit, r.stdout, want)
			}
			if d.fork == "" {
				unchecked++
			}
			for j, p := range d.proofs {
				if d.fork == "" || p.path == "" {
					continue
				}
				if g, err := beaconstate.Gindex(d.fork, d.preset, d.typ, p.path); err != nil || g.Big().Cmp(p.gindex) != 0 {
					t.Errorf("byte %d bit %d: ok, but proof %d's path %q is not its gindex %s in %s %s %s (%v)",
						i, bit, j, p.path, p.gindex, d.preset, d.fork, d.typ, err)
				}
			}
			if sameFacts(orig, d) {
				continue
			}
			for j, p := range d.proofs {
				if !robustVerify(d.root, p) || !facts.holds(d.root, p.gindex, p.leaf) {
					t.Errorf("byte %d bit %d (%q): ok, but proof %d states something false", i, bit, doc[i], j)
				}
			}
		}
	}
	t.Logf("%d single-bit changes of a %d-byte document: %d still verify (%d of them drop the fork, and verify says the paths were not checked; the others change the case of a hex digit or key, or a gindex within equal subtrees)",
		flips, len(doc), ok, unchecked)
}

func sameFacts(a, b robustDoc) bool {
	if a.root != b.root || len(a.proofs) != len(b.proofs) {
		return false
	}
	for i := range a.proofs {
		p, q := a.proofs[i], b.proofs[i]
		if p.gindex.Cmp(q.gindex) != 0 || p.leaf != q.leaf || len(p.branch) != len(q.branch) {
			return false
		}
		for k := range p.branch {
			if p.branch[k] != q.branch[k] {
				return false
			}
		}
	}
	return true
}

// TestBadInputExitsOneLine runs the CLI on a table of bad inputs: each must
// exit 1 with exactly one line on stderr that names what is wrong — the
// fork and type, the field and the byte offset for malformed SSZ.
func TestBadInputExitsOneLine(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	state := robustOracle(t, "mainnet", "deneb", "state_0")
	// Positions of offsets in the deneb state's fixed part.
	st, err := beaconstate.NewObject("deneb", "mainnet", "BeaconState", state)
	if err != nil {
		t.Fatal(err)
	}
	pos := func(field string) int {
		p := 0
		for _, f := range st.Type.Fields {
			if f.Name == field {
				return p
			}
			if f.Type.IsFixed() {
				p += int(f.Type.FixedSize())
			} else {
				p += 4
			}
		}
		t.Fatalf("no field %s", field)
		return 0
	}
	posHistoricalRoots, posEth1DataVotes := pos("historical_roots"), pos("eth1_data_votes")
	posValidators, posBalances := pos("validators"), pos("balances")
	set := func(pos int, v uint32) []byte {
		c := bytes.Clone(state)
		binary.LittleEndian.PutUint32(c[pos:], v)
		return c
	}
	u32 := func(pos int) uint32 { return binary.LittleEndian.Uint32(state[pos:]) }
	slashed := bytes.Clone(state)
	slashed[int(u32(posValidators))+48+32+8+121*3] = 7
	zero := `"0x` + strings.Repeat("00", 32) + `"`
	good := robustProofSet(t, robustProver(t, "mainnet", "deneb", "state_0", "BeaconState"), "slot")
	edit := func(f func(p map[string]any)) []byte {
		var m map[string]any
		_ = json.Unmarshal(good, &m)
		f(m["proofs"].([]any)[0].(map[string]any))
		b, _ := json.Marshal(m)
		return b
	}
	withRoot := func(root string) []byte {
		var m map[string]any
		_ = json.Unmarshal(good, &m)
		m["root"] = root
		b, _ := json.Marshal(m)
		return b
	}
	root := func(file string, extra ...string) []string {
		return append(append([]string{"root", "--fork", "deneb"}, extra...), file)
	}
	for _, c := range []struct {
		name string
		args []string
		want []string // substrings of the one line
	}{
		{"offset pointing backwards", root(write("back.ssz", set(posValidators, u32(posEth1DataVotes)-1))),
			[]string{"deneb BeaconState", "validators", "bad offset", "byte offset"}},
		{"offset past the end", root(write("past.ssz", set(posBalances, uint32(len(state)+1)))),
			[]string{"deneb BeaconState", "balances", "past the end", "byte offset"}},
		{"4 GB offset", root(write("4g.ssz", set(posValidators, 0xffffffff))),
			[]string{"deneb BeaconState", "validators", "4294967295", "byte offset"}},
		{"first offset not at the end of the fixed part", root(write("first.ssz", set(posHistoricalRoots, u32(posHistoricalRoots)+4))),
			[]string{"deneb BeaconState", "historical_roots", "byte offset"}},
		{"truncated", root(write("trunc.ssz", state[:len(state)/3])),
			[]string{"deneb BeaconState", "shorter than the fixed part"}},
		{"boolean byte 7", root(write("bool.ssz", slashed)),
			[]string{"deneb BeaconState", "validators[3].slashed", "boolean", "byte offset"}},
		{"validators not whole records", root(write("ragged.ssz", set(posBalances, u32(posBalances)+1))),
			[]string{"deneb BeaconState", "validators", "byte offset"}},
		{"prove on a malformed state", []string{"prove", "--fork", "deneb", "--path", "slot", write("p.ssz", set(posValidators, 0xffffffff))},
			[]string{"deneb BeaconState", "validators", "byte offset"}},
		{"state as the wrong fork", root(write("s.ssz", state), "--fork", "capella"),
			[]string{"capella BeaconState"}},
		{"empty file", root(write("empty.ssz", nil)), []string{"empty"}},
		{"snappy block stating 2^40 bytes", root(write("huge.ssz_snappy", append(binary.AppendUvarint(nil, 1<<40), 1, 2, 3))),
			[]string{"snappy"}},
		{"snappy block, corrupt", root(write("bad.ssz_snappy", snappy.Encode(nil, state)[:1000])), []string{"snappy"}},
		{"framed snappy, chunk of 16 MiB", root(write("f.ssz", []byte("\xff\x06\x00\x00sNaPpY\x00\xff\xff\xff"))), []string{"snappy"}},
		{"gzip, truncated", root(write("t.ssz.gz", []byte{0x1f, 0x8b, 8, 0})), []string{"gzip"}},
		{"larger than --max-size", root(write("big.ssz", state), "--max-size", "1000"), []string{"larger than the size limit"}},
		{"verify: not JSON", []string{"verify", write("a.json", []byte("{"))}, []string{"a.json"}},
		{"verify: null", []string{"verify", write("null.json", []byte("null"))}, []string{"root"}},
		{"verify: deeply nested", []string{"verify", write("deep.json", []byte(strings.Repeat("[", 100000)))}, []string{"deep.json"}},
		{"verify: branch one hash short", []string{"verify", write("short.json", edit(func(p map[string]any) {
			b := p["branch"].([]any)
			p["branch"] = b[:len(b)-1]
		}))}, []string{"proofs[0]", "branch"}},
		{"verify: gindex 0", []string{"verify", write("g0.json", edit(func(p map[string]any) { p["gindex"] = "0" }))}, []string{"proofs[0]", "gindex"}},
		{"verify: gindex 1", []string{"verify", write("g1.json", edit(func(p map[string]any) { p["gindex"], p["branch"] = "1", []any{} }))},
			[]string{"proofs[0]", "gindex"}},
		{"verify: gindex of 1001 digits", []string{"verify", write("gbig.json", edit(func(p map[string]any) { p["gindex"] = strings.Repeat("7", 1001) }))},
			[]string{"proofs[0]", "gindex"}},
		{"verify: leaf of 31 bytes", []string{"verify", write("l31.json", edit(func(p map[string]any) { p["leaf"] = "0x" + strings.Repeat("ab", 31) }))},
			[]string{"proofs[0]", "leaf"}},
		{"verify: branch hash of 33 bytes", []string{"verify", write("b33.json", edit(func(p map[string]any) {
			p["branch"].([]any)[2] = "0x" + strings.Repeat("ab", 33)
		}))}, []string{"proofs[0]", "branch[2]"}},
		{"verify: root of 33 bytes", []string{"verify", write("r33.json", withRoot("0x"+strings.Repeat("ab", 33)))}, []string{"root"}},
		{"verify: root not hex", []string{"verify", write("rx.json", withRoot("0x"+strings.Repeat("zz", 32)))}, []string{"root"}},
		{"verify: wrong root", []string{"verify", write("rw.json", withRoot(strings.Trim(zero, `"`)))}, []string{"proofs[0]", "merkle root mismatch"}},
	} {
		r := robustRun(nil, c.args...)
		if why := r.failure(); why != "" {
			t.Errorf("%s: %s (stderr %q)", c.name, why, r.stderr)
			continue
		}
		for _, w := range c.want {
			if !strings.Contains(r.stderr, w) {
				t.Errorf("%s: %q does not mention %q", c.name, strings.TrimSpace(r.stderr), w)
			}
		}
	}
}

// TestVerifyBindsPathsAndValues tampers with what a document says a proof
// is about — its path, its value, its kind, its fork — and checks that
// verify rejects it (ROB-4): a proof with a "kind" has its path and value
// checked against its gindex and leaf (staking/format); a proof without one
// (prove --path, or a claim whose "kind" was deleted) has its path checked
// against its gindex in the document's fork, preset and type, and may not
// carry a value. A document without a fork verifies, but verify says that
// its paths were not checked.
func TestVerifyBindsPathsAndValues(t *testing.T) {
	p := robustProver(t, "mainnet", "deneb", "state_0", "BeaconState")
	sp, err := staking.NewStateProver(p, staking.AnchorState)
	if err != nil {
		t.Fatal(err)
	}
	claim, err := sp.Validator(5)
	if err != nil {
		t.Fatal(err)
	}
	other, err := sp.Validator(6)
	if err != nil {
		t.Fatal(err)
	}
	doc, err := format.NewJSON(format.Input{Fork: "deneb", Preset: "mainnet", Anchor: sp.Anchor(), Claims: []staking.Claim{claim}})
	if err != nil {
		t.Fatal(err)
	}
	good, err := format.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	plain := robustProofSet(t, p, "slot", "validators[5]")
	edit := func(doc []byte, f func(d, p map[string]any)) []byte {
		var m map[string]any
		if err := json.Unmarshal(doc, &m); err != nil {
			t.Fatal(err)
		}
		f(m, m["proofs"].([]any)[0].(map[string]any))
		b, err := json.Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	otherValue := other.Value
	const mismatch = "path does not match the gindex"
	for _, c := range []struct {
		name string
		doc  []byte
		want string // "ok…": the line on stdout; else a part of the one line on stderr
	}{
		{"the genuine document", good, "ok\n"},
		{"the genuine plain proof set", plain, "ok\n"},
		{"path of another validator", edit(good, func(_, p map[string]any) { p["path"] = "validators[6]" }), mismatch},
		{"value of another validator", edit(good, func(_, p map[string]any) { p["value"] = otherValue }), "validator_index 6 is not the index"},
		{"kind changed", edit(good, func(_, p map[string]any) { p["kind"] = "balance" }), "proofs[0]"},
		{"unknown kind", edit(good, func(_, p map[string]any) { p["kind"] = "validator2"; p["path"] = "validators[6]" }), `unknown kind "validator2"`},
		{"kind deleted", edit(good, func(_, p map[string]any) { delete(p, "kind") }), "a value without a kind"},
		{"kind deleted, path of another validator", edit(good, func(_, p map[string]any) { delete(p, "kind"); p["path"] = "validators[6]" }), "proofs[0]"},
		{"kind deleted, value of another validator", edit(good, func(_, p map[string]any) { delete(p, "kind"); p["value"] = otherValue }), "a value without a kind"},
		{"kind and value deleted, path of another validator", edit(good, func(_, p map[string]any) {
			delete(p, "kind")
			delete(p, "value")
			p["path"] = "validators[6]"
		}), mismatch},
		{"plain proof set (prove --path), path of another member", edit(plain, func(_, p map[string]any) { p["path"] = "genesis_time" }), mismatch},
		{"plain proof set, a value added", edit(plain, func(_, p map[string]any) { p["value"] = "7" }), "a value without a kind"},
		{"plain proof set, another fork's layout", edit(plain, func(d, _ map[string]any) { d["fork"] = "electra" }), mismatch},
		{"plain proof set, another type", edit(plain, func(d, _ map[string]any) { d["type"] = "BeaconBlock" }), mismatch},
		{"plain proof set, unknown fork", edit(plain, func(d, _ map[string]any) { d["fork"] = "london" }), `unknown fork "london"`},
		{"plain proof set, fork deleted (paths not checked)", edit(plain, func(d, p map[string]any) {
			delete(d, "fork")
			p["path"] = "genesis_time"
		}), "ok (paths not checked: no fork)\n"},
		{"kinds, fork deleted", edit(good, func(d, _ map[string]any) { delete(d, "fork") }), "needs the document's fork"},
	} {
		r := robustRun(c.doc, "verify", "-")
		if strings.HasPrefix(c.want, "ok") {
			if r.code != exitOK || r.stdout != c.want {
				t.Errorf("%s: exit %d, stdout %q, stderr %q; want %q", c.name, r.code, r.stdout, r.stderr, c.want)
			}
			continue
		}
		if why := r.failure(); why != "" {
			t.Errorf("%s: %s", c.name, why)
		} else if !strings.Contains(r.stderr, c.want) {
			t.Errorf("%s: %q does not say %q", c.name, strings.TrimSpace(r.stderr), c.want)
		}
	}
}
