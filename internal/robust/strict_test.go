package robust

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// forks are the built-in forks, oldest first.
var forks = []string{"phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu", "gloas"}

// oracleTree returns the oracle state of a fork (mainnet) and its tree.
func oracleTree(t testing.TB, forkName string) (*ssz.Type, *ssz.Tree, [32]byte) {
	t.Helper()
	typ := schema(t, forkName, "mainnet", "BeaconState")
	tr, err := ssz.NewTree(typ, oracleObject(t, "mainnet", forkName, "state_0"))
	if err != nil {
		t.Fatal(err)
	}
	root, err := tr.Root()
	if err != nil {
		t.Fatal(err)
	}
	return typ, tr, root
}

func mustGindex(t testing.TB, typ *ssz.Type, path string) proof.Gindex {
	t.Helper()
	g, _, err := typ.Gindex(path)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func withGindex(p proof.Proof, g proof.Gindex) proof.Proof {
	p.Gindex = g
	return p
}

func withBranch(p proof.Proof, branch [][32]byte) proof.Proof {
	p.Branch = branch
	return p
}

// TestStrictVerification lists the proofs that must not verify: each is a
// real proof from the deneb oracle state with one thing wrong.
func TestStrictVerification(t *testing.T) {
	typ, tr, root := oracleTree(t, "deneb")
	g := mustGindex(t, typ, "validators[5].withdrawal_credentials")
	p, err := tr.Prove(g)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Verify(root); err != nil {
		t.Fatal(err)
	}
	short := slices.Clone(p.Branch[:len(p.Branch)-1])
	long := append(slices.Clone(p.Branch), [32]byte{})
	for _, c := range []struct {
		name string
		p    proof.Proof
		want error
	}{
		{"branch one hash short", withBranch(p, short), proof.ErrBranchLength},
		{"branch one hash long", withBranch(p, long), proof.ErrBranchLength},
		{"branch empty", withBranch(p, nil), proof.ErrBranchLength},
		{"gindex 0 (the zero Gindex)", withGindex(p, proof.Gindex{}), proof.ErrInvalidGindex},
		{"gindex 1 with the root as leaf and no branch", proof.Proof{Gindex: proof.Root, Leaf: root}, proof.ErrInvalidGindex},
		{"gindex 1 with the real branch", withGindex(p, proof.Root), proof.ErrInvalidGindex},
		{"gindex of the parent (one level up, branch too long)", withGindex(p, g.Parent()), proof.ErrBranchLength},
		{"gindex of a child (one level down, branch too short)", withGindex(p, g.Left()), proof.ErrBranchLength},
		{"gindex of the sibling (same depth)", withGindex(p, g.Sibling()), proof.ErrRootMismatch},
		{"gindex of validators[6].withdrawal_credentials", withGindex(p, mustGindex(t, typ, "validators[6].withdrawal_credentials")), proof.ErrRootMismatch},
	} {
		err := c.p.Verify(root)
		if err == nil || !errors.Is(err, c.want) {
			t.Errorf("%s: Verify = %v, want %v", c.name, err, c.want)
		}
	}

	// Leaves and roots of the wrong size can only come from JSON: the Go
	// types hold exactly 32 bytes.
	hex := func(n int) string { return `"0x` + strings.Repeat("ab", n) + `"` }
	doc := func(root, gindex, leaf string, branch []string) string {
		return `{"root":` + root + `,"proofs":[{"path":"p","gindex":` + gindex + `,"leaf":` + leaf + `,"branch":[` + strings.Join(branch, ",") + `]}]}`
	}
	var branchHex []string
	for _, h := range p.Branch {
		branchHex = append(branchHex, `"`+proof.FormatHash(h)+`"`)
	}
	good := doc(`"`+proof.FormatHash(root)+`"`, `"`+g.String()+`"`, `"`+proof.FormatHash(p.Leaf)+`"`, branchHex)
	if err := verifyDoc(good); err != nil {
		t.Fatalf("the genuine document: %v", err)
	}
	short31 := slices.Clone(branchHex)
	short31[3] = hex(31)
	for _, c := range []struct{ name, doc string }{
		{"leaf of 31 bytes", doc(`"`+proof.FormatHash(root)+`"`, `"`+g.String()+`"`, hex(31), branchHex)},
		{"leaf of 33 bytes", doc(`"`+proof.FormatHash(root)+`"`, `"`+g.String()+`"`, hex(33), branchHex)},
		{"root of 31 bytes", doc(hex(31), `"`+g.String()+`"`, `"`+proof.FormatHash(p.Leaf)+`"`, branchHex)},
		{"root of 33 bytes", doc(hex(33), `"`+g.String()+`"`, `"`+proof.FormatHash(p.Leaf)+`"`, branchHex)},
		{"branch hash of 31 bytes", doc(`"`+proof.FormatHash(root)+`"`, `"`+g.String()+`"`, `"`+proof.FormatHash(p.Leaf)+`"`, short31)},
		{"gindex \"0\"", doc(`"`+proof.FormatHash(root)+`"`, `"0"`, `"`+proof.FormatHash(p.Leaf)+`"`, nil)},
		{"gindex \"1\"", doc(`"`+proof.FormatHash(root)+`"`, `"1"`, `"`+proof.FormatHash(root)+`"`, nil)},
		{"gindex as a JSON number", doc(`"`+proof.FormatHash(root)+`"`, g.String(), `"`+proof.FormatHash(p.Leaf)+`"`, branchHex)},
		{"gindex negative", doc(`"`+proof.FormatHash(root)+`"`, `"-`+g.String()+`"`, `"`+proof.FormatHash(p.Leaf)+`"`, branchHex)},
		{"gindex in hex", doc(`"`+proof.FormatHash(root)+`"`, `"0x`+g.Big().Text(16)+`"`, `"`+proof.FormatHash(p.Leaf)+`"`, branchHex)},
		{"leaf without 0x", doc(`"`+proof.FormatHash(root)+`"`, `"`+g.String()+`"`, `"`+proof.FormatHash(p.Leaf)[2:]+`"`, branchHex)},
	} {
		if err := verifyDoc(c.doc); err == nil {
			t.Errorf("%s: verifies", c.name)
		}
	}
}

// verifyDoc reads a proof document as `beaconproof verify` does and
// verifies it.
func verifyDoc(doc string) error {
	var s beaconstate.ProofSet
	if err := json.Unmarshal([]byte(doc), &s); err != nil {
		return err
	}
	return s.Verify()
}

// TestMultiproofStrict lists the multiproofs that must not verify.
func TestMultiproofStrict(t *testing.T) {
	typ, tr, root := oracleTree(t, "deneb")
	var gs []proof.Gindex
	for _, path := range []string{"slot", "validators[5].withdrawal_credentials", "balances[5]", "validators[7].exit_epoch"} {
		gs = append(gs, mustGindex(t, typ, path))
	}
	m, err := proof.NewMultiproof(gs, tr.Node)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Verify(root); err != nil {
		t.Fatal(err)
	}
	clone := func() *proof.Multiproof {
		return &proof.Multiproof{Gindices: slices.Clone(m.Gindices), Leaves: slices.Clone(m.Leaves), Hashes: slices.Clone(m.Hashes)}
	}
	cases := []struct {
		name string
		m    *proof.Multiproof
	}{}
	add := func(name string, f func(c *proof.Multiproof)) {
		c := clone()
		f(c)
		cases = append(cases, struct {
			name string
			m    *proof.Multiproof
		}{name, c})
	}
	add("duplicate gindex (and leaf)", func(c *proof.Multiproof) {
		c.Gindices = append(c.Gindices, c.Gindices[1])
		c.Leaves = append(c.Leaves, c.Leaves[1])
	})
	add("a gindex that is the ancestor of another", func(c *proof.Multiproof) {
		c.Gindices = append(c.Gindices, c.Gindices[1].Parent())
		node, _ := tr.Node(c.Gindices[1].Parent())
		c.Leaves = append(c.Leaves, node)
	})
	add("gindex 1", func(c *proof.Multiproof) { c.Gindices[0] = proof.Root })
	add("gindex 0", func(c *proof.Multiproof) { c.Gindices[0] = proof.Gindex{} })
	add("no gindices", func(c *proof.Multiproof) { c.Gindices, c.Leaves = nil, nil })
	add("one leaf missing", func(c *proof.Multiproof) { c.Leaves = c.Leaves[:len(c.Leaves)-1] })
	add("one helper hash missing", func(c *proof.Multiproof) { c.Hashes = c.Hashes[:len(c.Hashes)-1] })
	add("one helper hash too many", func(c *proof.Multiproof) { c.Hashes = append(c.Hashes, [32]byte{}) })
	add("helper hashes out of order (first two swapped)", func(c *proof.Multiproof) { c.Hashes[0], c.Hashes[1] = c.Hashes[1], c.Hashes[0] })
	add("gindices reordered, leaves not", func(c *proof.Multiproof) { c.Gindices[0], c.Gindices[1] = c.Gindices[1], c.Gindices[0] })
	add("a gindex of another fork's layout (electra)", func(c *proof.Multiproof) {
		c.Gindices[1] = mustGindex(t, schema(t, "electra", "mainnet", "BeaconState"), "validators[5].withdrawal_credentials")
	})
	for _, c := range cases {
		if err := c.m.Verify(root); err == nil {
			t.Errorf("%s: verifies", c.name)
		}
	}

	// Through JSON: hashes of the wrong size or not hex, gindices that are
	// not positive decimals.
	good, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	var w map[string][]string
	if err := json.Unmarshal(good, &w); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, key string
		i         int
		v         string
	}{
		{"leaf of 31 bytes", "leaves", 0, "0x" + strings.Repeat("ab", 31)},
		{"leaf of 33 bytes", "leaves", 1, "0x" + strings.Repeat("ab", 33)},
		{"helper hash of 31 bytes", "hashes", 2, "0x" + strings.Repeat("ab", 31)},
		{"helper hash not hex", "hashes", 0, "0x" + strings.Repeat("zz", 32)},
		{"gindex 0", "gindices", 0, "0"},
		{"gindex 1", "gindices", 0, "1"},
		{"gindex negative", "gindices", 0, "-5"},
	} {
		bad := map[string][]string{}
		for k, v := range w {
			bad[k] = slices.Clone(v)
		}
		bad[c.key][c.i] = c.v
		b, _ := json.Marshal(bad)
		var got proof.Multiproof
		if err := json.Unmarshal(b, &got); err == nil {
			if got.Verify(root) == nil {
				t.Errorf("JSON with %s: verifies", c.name)
			} else {
				t.Errorf("JSON with %s: decodes (want a decoding error)", c.name)
			}
		}
	}

	// Gindices are in one canonical order, descending (ROB-7): the leaves
	// go with their gindices, as in the specs' verify_merkle_multiproof,
	// so permuting both states the same facts, but a multiproof has one
	// encoding and any other order is rejected, naming the positions.
	c := clone()
	c.Gindices[0], c.Gindices[2] = c.Gindices[2], c.Gindices[0]
	c.Leaves[0], c.Leaves[2] = c.Leaves[2], c.Leaves[0]
	if err := c.Verify(root); !errors.Is(err, proof.ErrUnsorted) || !strings.Contains(err.Error(), "gindices[0] = "+c.Gindices[0].String()+" is below gindices[1]") {
		t.Errorf("gindices and leaves permuted together: %v, want ErrUnsorted naming gindices[0] and [1]", err)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	var back proof.Multiproof
	if err := json.Unmarshal(b, &back); !errors.Is(err, proof.ErrUnsorted) {
		t.Errorf("JSON with gindices and leaves permuted together: %v, want ErrUnsorted", err)
	}
	for i := 1; i < len(m.Gindices); i++ {
		if m.Gindices[i-1].Cmp(m.Gindices[i]) <= 0 {
			t.Errorf("NewMultiproof gives gindices %v, not in descending order", m.Gindices)
		}
	}
}

// TestCraftedInputAllocationsMultiproof decodes crafted multiproofs whose
// gindices are deep — 1000 decimal digits, 3322 levels — and which carry
// too few helper hashes (ROB-3): each must fail, and allocate at most the
// budget of TestCraftedInputAllocations (budgetFactor × input +
// fixedAllowance), however deep the gindices: the hash count is compared
// before any path is walked. Its name contains TestCraftedInputAllocations
// so that scripts/fuzz.sh checks it in a build without -race; under -race
// only the errors are checked.
func TestCraftedInputAllocationsMultiproof(t *testing.T) {
	h := func(b byte) string { return `"` + proof.FormatHash([32]byte{b}) + `"` }
	// deep returns a gindex of 1000 digits: prefix, then digits from seed.
	deep := func(seed uint64, prefix string) string {
		r := rand.New(rand.NewPCG(seed, 1))
		d := []byte(prefix)
		if len(d) == 0 {
			d = append(d, byte('1'+r.IntN(9)))
		}
		for len(d) < 1000 {
			d = append(d, byte('0'+r.IntN(10)))
		}
		return string(d)
	}
	doc := func(gs []string, hashes int) []byte {
		var leaves, hs []string
		for i := range gs {
			leaves = append(leaves, h(byte(i)))
		}
		for i := range hashes {
			hs = append(hs, h(byte(i)))
		}
		q := make([]string, len(gs))
		for i, g := range gs {
			q[i] = `"` + g + `"`
		}
		return []byte(`{"gindices":[` + strings.Join(q, ",") + `],"leaves":[` + strings.Join(leaves, ",") + `],"hashes":[` + strings.Join(hs, ",") + `]}`)
	}
	// descending sorts decimal strings of equal length in descending order.
	descending := func(gs []string) []string {
		gs = slices.Clone(gs)
		slices.Sort(gs)
		slices.Reverse(gs)
		return gs
	}
	var random, shared, many []string
	for i := range 8 {
		random = append(random, deep(uint64(i), ""))
		// The same 990 leading digits: paths that share ~3290 levels, so
		// that comparing them reads many 64-bit words.
		shared = append(shared, deep(uint64(100+i), deep(99, "")[:990]))
	}
	for i := range 1000 {
		many = append(many, deep(uint64(1000+i), ""))
	}
	for _, c := range []struct {
		name string
		b    []byte
		want error
	}{
		{"8 gindices of 1000 digits, no hashes (the ROB-3 input, unsorted)", doc(random, 0), proof.ErrUnsorted},
		{"the same in descending order", doc(descending(random), 0), proof.ErrBranchLength},
		{"the same with 1000 hashes", doc(descending(random), 1000), proof.ErrBranchLength},
		{"8 gindices of 1000 digits sharing 990, descending, no hashes", doc(descending(shared), 0), proof.ErrBranchLength},
		{"1000 gindices of 1000 digits, descending, no hashes", doc(descending(many), 0), proof.ErrBranchLength},
	} {
		var err error
		run := func() {
			var m proof.Multiproof
			err = json.Unmarshal(c.b, &m)
		}
		catch(t, c.name, run) // warm-up
		if !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
			continue
		}
		if raceEnabled {
			continue
		}
		start := time.Now()
		n := allocated(run)
		elapsed := time.Since(start)
		budget := uint64(budgetFactor*len(c.b) + fixedAllowance)
		t.Logf("%s: %d input bytes, %s allocated (budget %s), %v", c.name, len(c.b), humanBytes(n), humanBytes(budget), elapsed)
		if n > budget {
			t.Errorf("%s: allocated %d bytes for %d input bytes, budget %d", c.name, n, len(c.b), budget)
		}
	}
}

// levelNodes returns the nodes on p's path, bottom-up: nodes[0] is the
// leaf, nodes[i+1] the hash of nodes[i] and Branch[i] in the order bit i
// of the gindex says (an independent is_valid_merkle_branch).
func levelNodes(p proof.Proof) [][32]byte {
	nodes := [][32]byte{p.Leaf}
	g := p.Gindex.Big()
	for i, sib := range p.Branch {
		cur := nodes[i]
		if g.Bit(i) == 1 {
			nodes = append(nodes, sha256.Sum256(append(sib[:], cur[:]...)))
		} else {
			nodes = append(nodes, sha256.Sum256(append(cur[:], sib[:]...)))
		}
	}
	return nodes
}

// flipGindex returns g with bit i flipped, and false when that leaves no
// valid gindex (zero).
func flipGindex(g proof.Gindex, i int) (proof.Gindex, bool) {
	v := g.Big()
	v.SetBit(v, i, v.Bit(i)^1)
	h, err := proof.GindexFromBig(v)
	return h, err == nil
}

// TestNoSingleBitFlipVerifies flips, one at a time, every bit of every
// input of real proofs — the root, the leaf, each branch hash, and the
// gindex's bits up to 8 above its top bit — and checks that no flipped
// proof verifies, with exactly one exception:
//
// Flipping bit i of the gindex (i below its depth) swaps the order in
// which the node on the path at level i is hashed with its sibling,
// Branch[i]: hash(node, sib) becomes hash(sib, node). When node == sib the
// two are the same bytes, so the flipped proof verifies — and it is true:
// the two subtrees have the same root, so the mirrored node holds the same
// leaf. This happens wherever a proof crosses two identical subtrees
// (typically both all zero: past the end of a list). No verifier can
// reject it without the tree, and it claims nothing false. Those flips are
// excluded, and the test checks that they are exactly the ones that
// verify and that the tree agrees with the flipped claim.
func TestNoSingleBitFlipVerifies(t *testing.T) {
	typ, tr, root := oracleTree(t, "deneb")
	var total, excluded int
	perPath := map[string]int{}
	for _, path := range []string{
		"validators[5].withdrawal_credentials",
		"balances[7]",
		"slot",
		"latest_execution_payload_header.block_hash",
		"historical_summaries", // a list root, length mixed in
		"validators[100000]",   // past the end: zero subtrees on both sides
	} {
		g := mustGindex(t, typ, path)
		p, err := tr.Prove(g)
		if err != nil {
			t.Fatal(err)
		}
		nodes := levelNodes(p)
		if nodes[len(nodes)-1] != root {
			t.Fatalf("%s: the independent check does not reach the root", path)
		}
		mustFail := func(what string, q proof.Proof, r [32]byte) {
			t.Helper()
			total++
			if q.Verify(r) == nil {
				t.Errorf("%s: %s: still verifies", path, what)
			}
		}
		for bit := range 256 {
			r := root
			r[bit/8] ^= 1 << (bit % 8)
			mustFail(fmt.Sprintf("root bit %d", bit), p, r)
			q := p
			q.Leaf[bit/8] ^= 1 << (bit % 8)
			mustFail(fmt.Sprintf("leaf bit %d", bit), q, root)
			for i := range p.Branch {
				q := withBranch(p, slices.Clone(p.Branch))
				q.Branch[i][bit/8] ^= 1 << (bit % 8)
				mustFail(fmt.Sprintf("branch[%d] bit %d", i, bit), q, root)
			}
		}
		d := g.Depth()
		for i := 0; i <= d+8; i++ {
			h, ok := flipGindex(g, i)
			if !ok {
				total++
				continue // no gindex to build: rejected by construction
			}
			q := withGindex(p, h)
			if i < d && nodes[i] == p.Branch[i] {
				total++
				excluded++
				perPath[path]++
				if err := q.Verify(root); err != nil {
					t.Errorf("%s: gindex bit %d: node equals its sibling, yet the flip fails: %v", path, i, err)
				}
				if node, err := tr.Node(h); err != nil || node != p.Leaf {
					t.Errorf("%s: gindex bit %d: the tree's node at %s is %x (%v), not the leaf", path, i, h, node, err)
				}
				continue
			}
			mustFail(fmt.Sprintf("gindex bit %d (%s -> %s)", i, g, h), q, root)
		}
	}
	t.Logf("%d single-bit changes, none verifies except %d gindex flips at levels where the node equals its sibling %v", total, excluded, perPath)
	if excluded == 0 {
		t.Error("no proof crossed equal subtrees: the exclusion is untested")
	}
}

// TestNoSingleBitFlipVerifiesMultiproof does the same for a multiproof:
// every bit of every leaf, helper hash and the root must break it; a
// flipped gindex bit may only verify when the flipped claim is true of
// the tree (equal subtrees, as for single proofs).
func TestNoSingleBitFlipVerifiesMultiproof(t *testing.T) {
	typ, tr, root := oracleTree(t, "deneb")
	var gs []proof.Gindex
	for _, path := range []string{"slot", "validators[5].withdrawal_credentials", "balances[5]", "validators[100000]"} {
		gs = append(gs, mustGindex(t, typ, path))
	}
	m, err := proof.NewMultiproof(gs, tr.Node)
	if err != nil {
		t.Fatal(err)
	}
	clone := func() *proof.Multiproof {
		return &proof.Multiproof{Gindices: slices.Clone(m.Gindices), Leaves: slices.Clone(m.Leaves), Hashes: slices.Clone(m.Hashes)}
	}
	var total, trueFlips int
	for bit := range 256 {
		r := root
		r[bit/8] ^= 1 << (bit % 8)
		total++
		if m.Verify(r) == nil {
			t.Errorf("root bit %d: verifies", bit)
		}
		for i := range m.Leaves {
			c := clone()
			c.Leaves[i][bit/8] ^= 1 << (bit % 8)
			total++
			if c.Verify(root) == nil {
				t.Errorf("leaf %d bit %d: verifies", i, bit)
			}
		}
		for i := range m.Hashes {
			c := clone()
			c.Hashes[i][bit/8] ^= 1 << (bit % 8)
			total++
			if c.Verify(root) == nil {
				t.Errorf("hash %d bit %d: verifies", i, bit)
			}
		}
	}
	for j, g := range m.Gindices {
		for i := 0; i <= g.Depth()+8; i++ {
			h, ok := flipGindex(g, i)
			total++
			if !ok {
				continue
			}
			c := clone()
			c.Gindices[j] = h
			if c.Verify(root) != nil {
				continue
			}
			trueFlips++
			for k, gk := range c.Gindices {
				if node, err := tr.Node(gk); err != nil || node != c.Leaves[k] {
					t.Errorf("gindex %d bit %d: verifies, but the tree's node at %s is %x (%v), not leaf %d", j, i, gk, node, err, k)
				}
			}
		}
	}
	t.Logf("%d single-bit changes of a %d-leaf multiproof; %d gindex flips verify, each a true claim (equal subtrees)", total, len(m.Leaves), trueFlips)
}

// TestOtherForkLayoutRejected proves paths in each fork's oracle state
// and checks the proof against every other fork's gindex for the same
// path: whenever the layouts differ (a different gindex), the proof must
// not verify. Where two forks give a path the same gindex the layouts
// coincide there and no check can tell them apart; those pairs are
// counted, not failed. A random state may not hold a path (an empty
// historical_summaries): it is skipped in that state.
func TestOtherForkLayoutRejected(t *testing.T) {
	paths := []string{
		"slot", "fork.current_version", "validators[5].withdrawal_credentials", "validators[5].effective_balance",
		"balances[5]", "block_roots[3]", "randao_mixes[7]", "latest_block_header.state_root",
		"finalized_checkpoint.root", "latest_execution_payload_header.block_hash",
		"historical_summaries[0].block_summary_root", "next_withdrawal_index", "current_sync_committee",
	}
	for _, preset := range []string{"mainnet", "minimal"} {
		var differ, same int
		var table, absent strings.Builder
		for _, a := range forks {
			ta := schema(t, a, preset, "BeaconState")
			tr, err := ssz.NewTree(ta, oracleObject(t, preset, a, "state_0"))
			if err != nil {
				t.Fatal(err)
			}
			root, err := tr.Root()
			if err != nil {
				t.Fatal(err)
			}
			for _, path := range paths {
				ga, _, err := ta.Gindex(path)
				if err != nil {
					continue // not in fork a
				}
				p, err := tr.Prove(ga)
				if errors.Is(err, ssz.ErrPath) {
					fmt.Fprintf(&absent, " %s:%s", a, path) // past the end of a list
					continue
				}
				if err != nil {
					t.Fatalf("%s %s: %v", a, path, err)
				}
				for _, b := range forks {
					if b == a {
						continue
					}
					gb, _, err := schema(t, b, preset, "BeaconState").Gindex(path)
					if err != nil {
						continue
					}
					if gb.Equal(ga) {
						same++
						continue
					}
					differ++
					err = withGindex(p, gb).Verify(root)
					if err == nil {
						t.Errorf("%s: %s proof of %s verifies with %s's gindex %s (own %s)", preset, a, path, b, gb, ga)
					}
					if a == "deneb" && b == "electra" && strings.HasPrefix(path, "validators") && !errors.Is(err, proof.ErrBranchLength) {
						t.Errorf("deneb validator proof with electra's gindex: %v, want a wrong branch length (electra's state is one level deeper)", err)
					}
					if slices.Index(forks, b) == slices.Index(forks, a)+1 {
						fmt.Fprintf(&table, "  %-9s -> %-9s %-45s %s -> %s\n", a, b, path, ga, gb)
					}
				}
			}
		}
		if absent.Len() == 0 {
			absent.WriteString(" none")
		}
		t.Logf("%s: %d (fork, other fork, path) checks with different gindices, all rejected; %d with the same gindex (same layout); not in the state:%s\nconsecutive forks whose gindices differ:\n%s",
			preset, differ, same, absent.String(), table.String())
	}
}
