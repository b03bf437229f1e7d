package live

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/internal/devnet"
)

// checker compares documents with a node: anchors with its headers,
// branches with its proof API. It alternates JSON and SSZ answers.
type checker struct {
	node *devnet.Node
	sphr uint64 // SLOTS_PER_HISTORICAL_ROOT
	n    atomic.Int64
}

func (c *checker) format() devnet.ProofFormat {
	if c.n.Add(1)%2 == 0 {
		return devnet.ProofSSZ
	}
	return devnet.ProofJSON
}

// checkAnchor checks that the document's anchor is the node's block (or
// state) root at the anchor's slot, and returns the header.
func (c *checker) checkAnchor(ctx context.Context, t *testing.T, d doc) devnet.Header {
	t.Helper()
	slot, err := strconv.ParseUint(string(d.Anchor.Slot), 10, 64)
	if err != nil {
		t.Fatalf("anchor slot %q", d.Anchor.Slot)
	}
	h, err := c.node.Header(ctx, strconv.FormatUint(slot, 10))
	if err != nil {
		t.Fatalf("the node's header at the anchor's slot: %v", err)
	}
	want := h.Root
	if d.Anchor.Kind == "state" {
		want = h.StateRoot
	}
	if got := d.Anchor.Root; got != hex32(want) {
		t.Errorf("%s anchor at slot %d is %s, the node's is %s", d.Anchor.Kind, slot, got, hex32(want))
	}
	return h
}

// segment is one object a proof crosses: the node proves gindex g in the
// block or state with the id; the document's proof holds the bottom
// `used` levels of that branch (0: all of it).
type segment struct {
	object string // "block" or "state"
	id     string
	g      *big.Int
	used   int
	root   string // the object's root when known ("" when id is a slot)
	ws     uint64 // for the era's state: the withdrawal slot, whose block_roots entry it proves
}

// checkClaims checks every proof of a json document against the node.
func (c *checker) checkClaims(ctx context.Context, t *testing.T, d doc) {
	t.Helper()
	if d.Format != "json" {
		t.Fatalf("checkClaims of a %s document", d.Format)
	}
	h := c.checkAnchor(ctx, t, d)
	if len(d.Proofs) == 0 {
		t.Fatal("the document has no proofs")
	}
	for _, cl := range d.Proofs {
		segs, err := c.segments(ctx, d, h, cl)
		if err != nil {
			t.Errorf("%s %s: %v", cl.Kind, cl.Path, err)
			continue
		}
		if err := c.compare(ctx, cl, segs); err != nil {
			t.Errorf("%s %s: %v", cl.Kind, cl.Path, err)
		}
	}
}

// segments returns the objects the claim's proof crosses, top first.
func (c *checker) segments(ctx context.Context, d doc, h devnet.Header, cl claim) ([]segment, error) {
	gi := func(forkName, typ, path string) (*big.Int, error) {
		g, err := beaconstate.Gindex(forkName, d.Preset, typ, path)
		if err != nil {
			return nil, err
		}
		return g.Big(), nil
	}
	var segs []segment
	if d.Anchor.Kind == "block" {
		if cl.Kind == "block_field" && !strings.HasPrefix(cl.Path, "latest_") {
			g, err := gi(d.Fork, "BeaconBlock", cl.Path)
			if err != nil {
				return nil, err
			}
			return []segment{{object: "block", id: hex32(h.Root), g: g, root: hex32(h.Root)}}, nil
		}
		segs = append(segs, segment{object: "block", id: hex32(h.Root), g: big.NewInt(11), root: hex32(h.Root)})
	}
	state := segment{object: "state", id: hex32(h.StateRoot), root: hex32(h.StateRoot)}
	switch cl.Kind {
	case "withdrawal", "historical_withdrawal":
		var v struct {
			Slot    string `json:"withdrawal_slot"`
			Num     string `json:"withdrawal_num"`
			Summary string `json:"historical_summary_index"`
		}
		if err := json.Unmarshal(cl.Value, &v); err != nil {
			return nil, fmt.Errorf("value: %v", err)
		}
		ws, err1 := strconv.ParseUint(v.Slot, 10, 64)
		num, err2 := strconv.ParseUint(v.Num, 10, 64)
		if err1 != nil || err2 != nil {
			return nil, fmt.Errorf("value %s", cl.Value)
		}
		entry := fmt.Sprintf("block_roots[%d]", ws%c.sphr)
		var err error
		if cl.Kind == "withdrawal" {
			if state.g, err = gi(d.Fork, "BeaconState", entry); err != nil {
				return nil, err
			}
			segs = append(segs, state)
		} else {
			if state.g, err = gi(d.Fork, "BeaconState", fmt.Sprintf("historical_summaries[%s].block_summary_root", v.Summary)); err != nil {
				return nil, err
			}
			// The era's block_roots, as the state at the next era's first
			// slot holds them (the node must keep that state: an archive).
			eg, err := gi(d.Fork, "BeaconState", entry)
			if err != nil {
				return nil, err
			}
			used := len(big.NewInt(int64(c.sphr)).Text(2)) - 1
			eraEnd := (ws/c.sphr + 1) * c.sphr
			// The node's proof API serves only the states it holds in
			// memory: when it has no proof of the state at the era's end
			// (compare), the branch in the era's block_roots is rebuilt
			// from its headers instead.
			era := segment{object: "state", id: strconv.FormatUint(eraEnd, 10), g: eg, used: used, ws: ws}
			segs = append(segs, state, era)
		}
		wh, err := c.node.Header(ctx, strconv.FormatUint(ws, 10))
		if err != nil {
			return nil, err
		}
		blockFork := d.Fork
		if d.BlockFork != "" {
			blockFork = d.BlockFork
		}
		wg, err := gi(blockFork, "BeaconBlock", fmt.Sprintf("body.execution_payload.withdrawals[%d]", num))
		if err != nil {
			return nil, err
		}
		return append(segs, segment{object: "block", id: hex32(wh.Root), g: wg, root: hex32(wh.Root)}), nil
	default: // a path of the state
		g, err := gi(d.Fork, "BeaconState", cl.Path)
		if err != nil {
			return nil, err
		}
		state.g = g
		return append(segs, state), nil
	}
}

// compare checks the claim's gindex, leaf and branch against the node's
// proofs of the segments.
func (c *checker) compare(ctx context.Context, cl claim, segs []segment) error {
	bits := "1"
	for _, s := range segs {
		b := s.g.Text(2)[1:]
		if s.used > 0 {
			b = b[len(b)-s.used:]
		}
		bits += b
	}
	want, _ := new(big.Int).SetString(bits, 2)
	if cl.Gindex != want.String() {
		return fmt.Errorf("gindex %s, the node's objects give %s", cl.Gindex, want)
	}
	var branch []string
	for i := len(segs) - 1; i >= 0; i-- {
		s := segs[i]
		var m *devnet.Multiproof
		var err error
		if s.object == "block" {
			m, err = c.node.BlockProof(ctx, s.id, c.format(), s.g)
		} else {
			m, err = c.node.StateProof(ctx, s.id, c.format(), s.g)
		}
		if err != nil && s.ws != 0 {
			br, rerr := c.rootsBranch(ctx, s.ws)
			if rerr != nil {
				return fmt.Errorf("%v; from headers: %w", err, rerr)
			}
			branch = append(branch, br...)
			continue
		}
		if err != nil {
			return err
		}
		if s.root != "" && hex32(m.Root()) != s.root {
			return fmt.Errorf("the node's proof of %s %s leads to %s", s.object, s.id, hex32(m.Root()))
		}
		if i == len(segs)-1 {
			if leaf, _ := m.Node(s.g); hex32(leaf) != cl.Leaf {
				return fmt.Errorf("leaf %s, the node's %s %s has %s at gindex %s", cl.Leaf, s.object, s.id, hex32(leaf), s.g)
			}
		}
		br, err := m.Branch(s.g)
		if err != nil {
			return err
		}
		if s.used > 0 {
			br = br[:s.used]
		}
		for _, h := range br {
			branch = append(branch, hex32(h))
		}
	}
	if len(branch) != len(cl.Branch) {
		return fmt.Errorf("branch of %d nodes, the node's has %d", len(cl.Branch), len(branch))
	}
	for i := range branch {
		if cl.Branch[i] != branch[i] {
			return fmt.Errorf("branch node %d is %s, the node's is %s", i, cl.Branch[i], branch[i])
		}
	}
	return nil
}

// checkWitnesses checks that every witness list of a rocketpool or
// eigenlayer document (a "witnesses" array, or a "proof" of concatenated
// hashes) is a run of a branch of ref, a json document of the same state
// whose branches checkClaims compared with the node.
func checkWitnesses(t *testing.T, raw []byte, ref doc) {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var branches []string
	for _, cl := range ref.Proofs {
		branches = append(branches, strings.Join(cl.Branch, ","))
	}
	found := 0
	var walk func(key string, v any)
	walk = func(key string, v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				walk(k, e)
			}
		case []any:
			if key == "witnesses" {
				var hs []string
				for _, e := range x {
					s, _ := e.(string)
					hs = append(hs, s)
				}
				found++
				checkRun(t, key, hs, branches)
				return
			}
			for _, e := range x {
				walk(key, e)
			}
		case string:
			if key == "proof" && len(x) > 2 && (len(x)-2)%64 == 0 {
				var hs []string
				for i := 2; i < len(x); i += 64 {
					hs = append(hs, "0x"+x[i:i+64])
				}
				found++
				checkRun(t, key, hs, branches)
			}
		}
	}
	walk("", v)
	if found == 0 {
		t.Errorf("no witnesses in the document")
	}
}

// checkRun checks that hs is a run of one of the branches (comma-joined).
func checkRun(t *testing.T, key string, hs []string, branches []string) {
	t.Helper()
	run := strings.Join(hs, ",")
	for _, b := range branches {
		if strings.Contains(b, run) {
			return
		}
	}
	t.Errorf("%s of %d hashes (%.20s…) is in no branch of the json document", key, len(hs), run)
}

func hex32(b [32]byte) string { return fmt.Sprintf("0x%x", b) }

// rootsBranch returns the branch of block_roots[ws % SLOTS_PER_HISTORICAL_ROOT]
// in its era's block_roots vector, which it rebuilds from the node's
// headers: a missed slot repeats the root before it, and the slots before
// the era's first block take that block's parent_root.
func (c *checker) rootsBranch(ctx context.Context, ws uint64) ([]string, error) {
	start := ws / c.sphr * c.sphr
	roots := make([][32]byte, c.sphr)
	var firstMissed []int
	var prev *[32]byte
	for i := range roots {
		h, err := c.node.Header(ctx, strconv.FormatUint(start+uint64(i), 10))
		switch {
		case err == nil:
			if prev == nil {
				for _, j := range firstMissed {
					roots[j] = h.ParentRoot
				}
			}
			r := h.Root
			prev = &r
		case prev == nil:
			firstMissed = append(firstMissed, i)
			continue
		}
		roots[i] = *prev
	}
	var out []string
	level, idx := roots, int(ws%c.sphr)
	for len(level) > 1 {
		out = append(out, hex32(level[idx^1]))
		next := make([][32]byte, len(level)/2)
		for j := range next {
			next[j] = sha256.Sum256(append(level[2*j][:], level[2*j+1][:]...))
		}
		level, idx = next, idx/2
	}
	return out, nil
}
