package difftest

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// The fixed seeds every object is made from. A failing subtest is named
// .../seed_N and logs the generator seed derived from N, so it reproduces
// with -run.
var seeds = []int{1, 2, 3}

var presets = []string{fork.PresetMainnet, fork.PresetMinimal}

// requiredTypes are the types each fork must have in our schemas and in
// each peer that knows the fork: the acceptance matrix.
func requiredTypes(forkName string) []string {
	f, err := fork.Lookup(forkName)
	if err != nil {
		return nil
	}
	req := []string{"BeaconState", "BeaconBlock", "SignedBeaconBlock", "BeaconBlockBody", "BeaconBlockHeader", "Validator"}
	if f.Descends(fork.Bellatrix) {
		req = append(req, "ExecutionPayload")
		if !f.Descends(fork.Gloas) {
			req = append(req, "ExecutionPayloadHeader")
		}
	}
	if f.Descends(fork.Capella) {
		req = append(req, "Withdrawal", "HistoricalSummary")
	}
	if f.Descends(fork.Electra) {
		req = append(req, "PendingDeposit", "PendingPartialWithdrawal", "PendingConsolidation")
	}
	if f.Descends(fork.Gloas) {
		req = append(req, "ExecutionPayloadEnvelope", "SignedExecutionPayloadEnvelope")
	}
	return req
}

// rngSeed derives the generator seed of one subtest from its coordinates,
// so that every subtest is independent of which others run.
func rngSeed(parts ...any) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		fmt.Fprintf(h, "%v/", p)
	}
	return h.Sum64()
}

func schemasFor(t testing.TB, forkName, preset string) *fork.Schemas {
	t.Helper()
	f, err := fork.Lookup(forkName)
	if err != nil {
		t.Fatalf("fork.Lookup(%q): %v", forkName, err)
	}
	s, err := f.Schemas(preset)
	if err != nil {
		t.Fatalf("%s.Schemas(%q): %v", forkName, preset, err)
	}
	return s
}

// typesToTest returns the sorted names of the types both our schemas and
// a peer define, and fails for a required type either side lacks.
func typesToTest(t *testing.T, s *fork.Schemas, forkName string, peer []string) []string {
	t.Helper()
	ours := s.Names()
	var out []string
	for _, n := range peer {
		if slices.Contains(ours, n) {
			out = append(out, n)
		}
	}
	for _, n := range requiredTypes(forkName) {
		if !slices.Contains(ours, n) {
			t.Errorf("our %s schemas (%s) have no %s", forkName, s.Preset.Name, n)
		}
		if !slices.Contains(peer, n) {
			t.Errorf("the peer has no %s %s (test registry incomplete)", forkName, n)
		}
	}
	var peerOnly []string
	for _, n := range peer {
		if !slices.Contains(ours, n) {
			peerOnly = append(peerOnly, n)
		}
	}
	sort.Strings(out)
	t.Logf("%d types compared: %v; the peer's types our schemas do not define: %v", len(out), out, peerOnly)
	return out
}

// nodeFunc returns the hash of node g of a peer's Merkle tree.
type nodeFunc func(g uint64) ([32]byte, error)

// check compares our root of b (hashed both directly and through a Tree)
// with the peer's, and on a difference says which side is wrong: it hashes
// b once more with refHasher, a spec-literal hasher that shares only the
// schema with the ssz package, and walks our tree and the peer's (built by
// peerTree, called only then) down to the first fields whose roots differ.
func check(t *testing.T, what string, schema *ssz.Type, b []byte, peerRoot [32]byte, peerTree func() (nodeFunc, error)) {
	t.Helper()
	for _, p := range compareRoots(schema, b, peerRoot, peerTree) {
		t.Errorf("%s: %s", what, p)
	}
}

// compareRoots is check without the testing.T: it returns the problems
// found, none when every root agrees.
func compareRoots(schema *ssz.Type, b []byte, peerRoot [32]byte, peerTree func() (nodeFunc, error)) []string {
	if err := ssz.Validate(schema, b); err != nil {
		return []string{fmt.Sprintf("our schema %s rejects the %d bytes: %v", schema.Name, len(b), err)}
	}
	ours, err := ssz.HashTreeRoot(schema, b)
	if err != nil {
		return []string{fmt.Sprintf("ssz.HashTreeRoot(%s): %v", schema.Name, err)}
	}
	tr, err := ssz.NewTree(schema, b)
	if err != nil {
		return []string{fmt.Sprintf("ssz.NewTree(%s): %v", schema.Name, err)}
	}
	cached, err := tr.Root()
	if err != nil {
		return []string{fmt.Sprintf("Tree.Root(): %v", err)}
	}
	var problems []string
	if cached != ours {
		problems = append(problems, fmt.Sprintf("Tree.Root() = %x but HashTreeRoot = %x", cached, ours))
	}
	if ours == peerRoot {
		return problems
	}
	ref := refHasher{}.root(schema, b)
	msg := fmt.Sprintf("root of %s (%d bytes) differs: ours %x, peer %x", schema.Name, len(b), ours, peerRoot)
	switch {
	case ref == peerRoot:
		msg += fmt.Sprintf("\nA spec-literal hash of OUR SCHEMA (refHasher) gives the peer's root %x: the schema is right and the ssz package hashes it wrongly.", ref)
	case ref == ours:
		msg += "\nA spec-literal hash of our schema (refHasher) gives our root: the SCHEMA (or the peer) differs; see the subtrees below."
	default:
		msg += fmt.Sprintf("\nA spec-literal hash of our schema (refHasher) gives a third root %x.", ref)
	}
	if peerTree == nil {
		return append(problems, msg)
	}
	pn, err := peerTree()
	if err != nil {
		return append(problems, fmt.Sprintf("%s\n(no peer tree to bisect: %v)", msg, err))
	}
	if r, err := pn(1); err != nil || r != peerRoot {
		msg += fmt.Sprintf("\n(the peer's tree has root %x, err %v: bisection below may be off)", r, err)
	}
	return append(problems, fmt.Sprintf("%s\nfirst differing subtrees (path: type: ours / peer):\n%s", msg, strings.Join(bisect(schema, tr, pn, 12), "\n")))
}

// bisect walks our tree and the peer's from the root and returns the
// deepest paths whose subtree roots differ, at most max of them.
func bisect(schema *ssz.Type, tr *ssz.Tree, peer nodeFunc, max int) []string {
	var out []string
	add := func(s string) {
		if len(out) < max {
			out = append(out, "  "+s)
		} else if len(out) == max {
			out = append(out, "  ...")
		}
	}
	// differs reports whether node g differs, adding a line when a side
	// cannot be read.
	differs := func(path string, g proof.Gindex) (bool, [32]byte, [32]byte) {
		o, err := tr.Node(g)
		if err != nil {
			add(fmt.Sprintf("%s: our tree: %v", path, err))
			return false, o, o
		}
		gi, ok := g.Uint64()
		if !ok {
			add(fmt.Sprintf("%s: gindex %s too deep to compare", path, g))
			return false, o, o
		}
		p, err := peer(gi)
		if err != nil {
			add(fmt.Sprintf("%s: peer tree at gindex %d: %v", path, gi, err))
			return false, o, p
		}
		return o != p, o, p
	}
	var walk func(path string, steps []ssz.Step, t *ssz.Type)
	walk = func(path string, steps []ssz.Step, t *ssz.Type) {
		if len(out) > max {
			return
		}
		g, _, err := schema.GindexOfSteps(steps)
		if err != nil {
			add(fmt.Sprintf("%s: %v", path, err))
			return
		}
		d, o, p := differs(path, g)
		if !d {
			return
		}
		name := path
		if name == "" {
			name = "(root)"
		}
		before := len(out)
		switch t.Kind {
		case ssz.KindContainer, ssz.KindProgressiveContainer:
			for _, f := range t.Fields {
				walk(joinPath(path, f.Name), append(slices.Clone(steps), ssz.Step{Name: f.Name}), f.Type)
			}
			if len(out) == before {
				add(fmt.Sprintf("%s: %s: every field's root agrees but the container's does not (ours %x / peer %x): "+
					"the peer's container has other fields, or another number of them, or another merkleization (%s)",
					name, t.Name, o, p, t.Kind))
			}
			return
		case ssz.KindList, ssz.KindProgressiveList, ssz.KindVector:
			if t.Kind != ssz.KindVector {
				lg := g.Right()
				if dl, ol, pl := differs(name+" (length)", lg); dl {
					add(fmt.Sprintf("%s: %s: length mix-in differs: ours %d / peer %d", name, t.Name,
						binary.LittleEndian.Uint64(ol[:8]), binary.LittleEndian.Uint64(pl[:8])))
					return
				}
			}
			n := t.Size
			if t.Kind != ssz.KindVector {
				ol, _ := tr.Node(g.Right())
				n = binary.LittleEndian.Uint64(ol[:8])
			}
			if n > 0 {
				if msg, ok := shapeMismatch(tr, peer, schema, steps, g); ok {
					add(fmt.Sprintf("%s: %s: %s", name, t.Name, msg))
					return
				}
			}
			if !t.Elem.IsBasic() {
				for i := uint64(0); i < n && i < 64; i++ {
					walk(fmt.Sprintf("%s[%d]", path, i), append(slices.Clone(steps), ssz.Step{Index: i}), t.Elem)
				}
				if len(out) == before {
					add(fmt.Sprintf("%s: %s: elements agree but the root does not (ours %x / peer %x): another limit or tree shape (%s)",
						name, t.Name, o, p, t.Kind))
				}
				return
			}
		}
		add(fmt.Sprintf("%s: %s (%s): ours %x / peer %x", name, t.Name, t.Kind, o, p))
	}
	walk("", nil, schema)
	if len(out) == 0 {
		out = append(out, "  (no differing subtree found)")
	}
	return out
}

// shapeMismatch tells a sequence whose tree has another shape in the peer
// (another limit, or a progressive list against a bounded one) from one
// whose elements differ: it looks for our first chunk, where the peer has
// something else, along the peer's leftmost path below the sequence, where
// every shape puts chunk 0.
func shapeMismatch(tr *ssz.Tree, peer nodeFunc, schema *ssz.Type, steps []ssz.Step, g proof.Gindex) (string, bool) {
	g0, _, err := schema.GindexOfSteps(append(slices.Clone(steps), ssz.Step{Index: 0}))
	if err != nil {
		return "", false
	}
	ours, err := tr.Node(g0)
	if err != nil {
		return "", false
	}
	gi0, ok1 := g0.Uint64()
	gs, ok2 := g.Uint64()
	if !ok1 || !ok2 {
		return "", false
	}
	if p, err := peer(gi0); err == nil && p == ours {
		return "", false // chunk 0 is where we have it: look at the elements
	}
	ourDepth := g0.Depth() - g.Depth()
	for d := 1; d <= 64 && gs<<uint(d)>>uint(d) == gs && gs<<uint(d) != 0; d++ {
		if p, err := peer(gs << uint(d)); err == nil && p == ours {
			return fmt.Sprintf("another tree shape: the first chunk is %d levels below the sequence's root in our tree and %d in the peer's "+
				"(a Vector's chunks are ceil(log2(chunk count)) levels down, a List's 1+ceil(log2(chunk limit)), so a peer List would have "+
				"a chunk limit of 2^%d; a ProgressiveList's first chunk is 2 levels down)", ourDepth, d, d-1), true
		}
	}
	return "", false
}

func joinPath(parent, name string) string {
	if parent == "" {
		return name
	}
	return parent + "." + name
}

// roundTrip checks that a peer re-encodes what it decoded byte for byte.
func roundTrip(t *testing.T, what string, in, out []byte, err error) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: the peer cannot re-encode what it decoded: %v", what, err)
		return
	}
	if !bytes.Equal(in, out) {
		i := 0
		for i < len(in) && i < len(out) && in[i] == out[i] {
			i++
		}
		t.Errorf("%s: the peer re-encodes %d bytes as %d bytes, first difference at byte %d", what, len(in), len(out), i)
	}
}

// catch turns a peer's panic into an error.
func catch(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("panic: %v", r)
	}
}

// describeGo lists a Go struct's SSZ fields, to put beside our schema's
// when the peer rejects our bytes.
func describeGo(v any) string {
	t := reflect.TypeOf(v)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s (Go)\n", t)
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if f.IsExported() {
			fmt.Fprintf(&b, "  %-40s %s\n", f.Name, f.Type)
		}
	}
	return b.String()
}
