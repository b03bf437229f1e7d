package live

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/era"
	"github.com/beaconproof/beaconproof/internal/devnet"
)

// The scenario exit.sh plays on each node: validators changedFirst to
// changedLast get execution credentials (the others' partial withdrawals
// start once their balance passes 32 ETH) and exitIndex exits (its full
// withdrawal follows).
const (
	changedFirst, changedLast = 0, 2
	exitIndex                 = 1
)

// suite is what the subtests share.
type suite struct {
	cli      *cli
	reg, arc *devnet.Node // a pruning node and an archive node
	regCheck *checker
	arcCheck *checker
	spe      uint64 // SLOTS_PER_EPOCH
	sphr     uint64 // SLOTS_PER_HISTORICAL_ROOT
}

// TestDevnet runs the CLI against two real nodes, a pruning one and an
// archive one, that play the same scenario (exit.sh): every proof kind
// from the pruning node while the validators exit, their partial and full
// withdrawals once paid, then the full withdrawal as a historical proof
// from the archive node once it has left block_roots.
func TestDevnet(t *testing.T) {
	r := devnet.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	s := setup(ctx, t, r)

	t.Run("root of the node's state", func(t *testing.T) { s.testRoot(ctx, t) })
	t.Run("state proofs", func(t *testing.T) { s.testStateProofs(ctx, t) })
	t.Run("block-field", func(t *testing.T) { s.testBlockField(ctx, t) })
	t.Run("full withdrawal and fixtures", func(t *testing.T) { s.testFullWithdrawal(ctx, t) })
	t.Run("historical withdrawal", func(t *testing.T) { s.testHistoricalWithdrawal(ctx, t) })
	t.Run("partial withdrawal", func(t *testing.T) { s.testPartialWithdrawal(ctx, t) })
	t.Run("historical withdrawal from a pruning node, through block headers", func(t *testing.T) { s.testPruned(ctx, t) })
}

// setup builds Lodestar (once per machine) and the CLI, starts the two
// nodes and plays exit.sh on both.
func setup(ctx context.Context, t *testing.T, r *devnet.Recipe) *suite {
	t0 := time.Now()
	lodestar, err := r.Build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("Lodestar ready in %s (%v)", lodestar, time.Since(t0).Round(time.Second))
	s := &suite{cli: &cli{work: t.TempDir()}}

	// One at a time: a node that starts too slowly (a busy machine) finds
	// its genesis already past and waits forever for peers to sync from.
	if s.cli.bin, err = buildCLI(ctx, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	for _, n := range []struct {
		node **devnet.Node
		opts devnet.StartOptions
	}{{&s.reg, devnet.StartOptions{}}, {&s.arc, devnet.StartOptions{Archive: true}}} {
		node, err := r.Start(ctx, lodestar, n.opts)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { stopNode(t, node) })
		*n.node = node
	}
	t.Logf("nodes at %s and %s (archive), CLI built (%v)", s.reg.URL, s.arc.URL, time.Since(t0).Round(time.Second))

	spec := map[string]string{}
	var resp struct {
		Data map[string]any `json:"data"`
	}
	if err := s.reg.GetJSON(ctx, "/eth/v1/config/spec", &resp); err != nil {
		t.Fatal(err)
	}
	for k, v := range resp.Data {
		if str, ok := v.(string); ok {
			spec[k] = str
		}
	}
	s.spe, _ = strconv.ParseUint(spec["SLOTS_PER_EPOCH"], 10, 64)
	s.sphr, _ = strconv.ParseUint(spec["SLOTS_PER_HISTORICAL_ROOT"], 10, 64)
	if s.spe == 0 || s.sphr == 0 {
		t.Fatalf("the node's spec has SLOTS_PER_EPOCH %q, SLOTS_PER_HISTORICAL_ROOT %q", spec["SLOTS_PER_EPOCH"], spec["SLOTS_PER_HISTORICAL_ROOT"])
	}
	s.regCheck = &checker{node: s.reg, sphr: s.sphr}
	s.arcCheck = &checker{node: s.arc, sphr: s.sphr}

	t1 := time.Now()
	var wg sync.WaitGroup
	var exitErrs [2]error
	wg.Add(2)
	for i, n := range []*devnet.Node{s.reg, s.arc} {
		go func() { defer wg.Done(); exitErrs[i] = n.Exit(ctx, exitIndex, changedFirst, changedLast) }()
	}
	wg.Wait()
	for _, err := range exitErrs {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("exit.sh played on both nodes (%v)", time.Since(t1).Round(time.Second))
	return s
}

func stopNode(t *testing.T, n *devnet.Node) {
	if t.Failed() {
		t.Logf("node %s log: %s", n.URL, n.LogTail(5))
	}
	if err := n.Stop(); err != nil {
		t.Error(err)
	}
}

// headSlot waits until the node's head is at slot min or later and
// returns the head's slot: a slot with a block, whose state the node
// holds.
func headSlot(ctx context.Context, t *testing.T, n *devnet.Node, min uint64) uint64 {
	t.Helper()
	if _, err := n.WaitSlot(ctx, min); err != nil {
		t.Fatal(err)
	}
	h, err := n.Header(ctx, "head")
	if err != nil {
		t.Fatal(err)
	}
	return h.Slot
}

// testRoot: `root` of the node's state file equals the node's state root
// (the fork detected from a minimal-preset devnet's fork version).
func (s *suite) testRoot(ctx context.Context, t *testing.T) {
	h, err := s.reg.Header(ctx, "head")
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.reg.Get(ctx, fmt.Sprintf("/eth/v2/debug/beacon/states/%d", h.Slot), "application/octet-stream")
	if err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(s.cli.work, "state.ssz")
	if err := os.WriteFile(file, b, 0o644); err != nil {
		t.Fatal(err)
	}
	r := s.cli.run(ctx, "root", "--preset", "minimal", file)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	if got := strings.TrimSpace(string(r.stdout)); got != hex32(h.StateRoot) {
		t.Errorf("root of the state at slot %d: %s, the node's state root is %s", h.Slot, got, hex32(h.StateRoot))
	}
}

// proveAll proves args in every format listed from the state at slot on
// the pruning node, checks the json document against the node and the
// others' witnesses against it, and verifies every document.
func (s *suite) proveAll(ctx context.Context, t *testing.T, n *devnet.Node, c *checker, slot string, formats []string, args ...string) doc {
	t.Helper()
	base := append(append([]string{"prove"}, args...), "--beacon-url", n.URL, "--state", slot)
	file, out := s.cli.prove(ctx, t, append(base, "--format", "json")...)
	s.cli.verify(ctx, t, file)
	ref := parseDoc(t, out)
	c.checkClaims(ctx, t, ref)
	for _, f := range formats {
		extra := []string{"--format", f}
		if strings.HasPrefix(f, "calldata-") {
			extra = []string{"--format", "calldata", "--protocol", strings.TrimPrefix(f, "calldata-")}
		}
		file, out := s.cli.prove(ctx, t, append(base, extra...)...)
		s.cli.verify(ctx, t, file)
		d := parseDoc(t, out)
		c.checkAnchor(ctx, t, d)
		if d.Anchor.Root != ref.Anchor.Root {
			t.Errorf("%s: anchor %s, the json document's is %s", f, d.Anchor.Root, ref.Anchor.Root)
		}
		if f == "rocketpool" || f == "eigenlayer" {
			checkWitnesses(t, out, ref)
		}
	}
	return ref
}

var (
	bothFormats = []string{"rocketpool", "eigenlayer", "calldata-rocketpool", "calldata-eigenlayer"}
	rpFormats   = []string{"rocketpool", "calldata-rocketpool"}
)

// childedSlot returns the slot of a block at slot min or later that has a
// child block (a fixture's anchor must: the child stores its root).
func childedSlot(ctx context.Context, t *testing.T, n *devnet.Node, min uint64) uint64 {
	t.Helper()
	for slot := min + 1; ; slot++ {
		headSlot(ctx, t, n, slot)
		head, err := n.Header(ctx, "head")
		if err != nil {
			t.Fatal(err)
		}
		parent, err := n.Header(ctx, hex32(head.ParentRoot))
		if err != nil {
			t.Fatal(err)
		}
		if parent.Slot >= min {
			return parent.Slot
		}
	}
}

// testStateProofs proves every kind of state proof from the pruning node's
// head state.
func (s *suite) testStateProofs(ctx context.Context, t *testing.T) {
	slot := strconv.FormatUint(headSlot(ctx, t, s.reg, 0), 10)
	tests := []struct {
		name    string
		formats []string
		args    []string
	}{
		{"validator", bothFormats, []string{"validator", "--index", "0", "--index", "1"}},
		{"validator-field", nil, []string{"validator-field", "--index", "1", "--field", "withdrawal_credentials", "--field", "effective_balance"}},
		{"exit", bothFormats, []string{"exit", "--index", "1"}},
		{"balance", bothFormats, []string{"balance", "--index", "1", "--index", "2"}},
		{"slot", rpFormats, []string{"slot"}},
		{"field", nil, []string{"field", "--path", "finalized_checkpoint.root", "--path", "historical_summaries"}},
		{"block-field from the state", nil, []string{"block-field", "--field", "block_hash", "--field", "slot"}},
		{"state anchor", nil, []string{"validator", "--index", "3", "--anchor", "state"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { s.proveAll(ctx, t, s.reg, s.regCheck, slot, tt.formats, tt.args...) })
	}
	t.Run("pending-deposit", func(t *testing.T) {
		// The devnet runs deneb: its states have no pending_deposits.
		r := s.cli.run(ctx, "prove", "pending-deposit", "--index", "0", "--beacon-url", s.reg.URL, "--state", slot)
		if r.code != 1 || !strings.Contains(r.stderr, "pending_deposits") || strings.Count(r.stderr, "\n") != 1 {
			t.Errorf("pending-deposit of a deneb state: %v; want exit 1 with one line that names pending_deposits", r)
		}
	})
}

// testBlockField proves block fields of blocks the node names by id.
func (s *suite) testBlockField(ctx context.Context, t *testing.T) {
	h, err := s.reg.Header(ctx, "head")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"head", "finalized", strconv.FormatUint(h.Slot, 10), hex32(h.Root)} {
		t.Run(id, func(t *testing.T) {
			file, out := s.cli.prove(ctx, t, "prove", "block-field", "--beacon-url", s.reg.URL, "--block", id,
				"--field", "block_hash", "--field", "slot", "--field", "proposer_index")
			s.cli.verify(ctx, t, file)
			d := parseDoc(t, out)
			s.regCheck.checkClaims(ctx, t, d)
		})
	}
}

// paidWithdrawal is a withdrawal the node's blocks pay.
type paidWithdrawal struct {
	validator      uint64
	slot, num      uint64
	amount         uint64
	blocksSearched int
}

// withdrawalFilter picks a withdrawal.
type withdrawalFilter func(validator, amount uint64) bool

// fullOf picks validator v's full withdrawal (the interop validators hold
// 32 ETH; a full withdrawal pays about that).
func fullOf(v uint64) withdrawalFilter {
	return func(validator, amount uint64) bool { return validator == v && amount >= 31_000_000_000 }
}

// partialOfChanged picks a partial withdrawal (a skim of a balance above
// 32 ETH) of a validator whose credentials exit.sh changed, but the
// exiting one.
func partialOfChanged(validator, amount uint64) bool {
	return validator >= changedFirst && validator <= changedLast && validator != exitIndex && amount < 1_000_000_000
}

// anyOfChanged picks any withdrawal of a validator whose credentials
// exit.sh changed.
func anyOfChanged(validator, _ uint64) bool {
	return validator >= changedFirst && validator <= changedLast
}

// findPayment scans the node's blocks from slot from on (to its head,
// waiting for more until wait has passed) for a withdrawal that pick
// picks, and fails the test when there is none.
func findPayment(ctx context.Context, t *testing.T, n *devnet.Node, from uint64, pick withdrawalFilter, wait time.Duration) paidWithdrawal {
	t.Helper()
	w, ok := searchPayment(ctx, t, n, from, pick, wait)
	if !ok {
		t.Fatalf("no such withdrawal from slot %d on (%d blocks)", from, w.blocksSearched)
	}
	return w
}

// searchPayment is findPayment that reports whether it found one.
func searchPayment(ctx context.Context, t *testing.T, n *devnet.Node, from uint64, pick withdrawalFilter, wait time.Duration) (paidWithdrawal, bool) {
	t.Helper()
	deadline := time.Now().Add(wait)
	searched := 0
	for slot := from; ; slot++ {
		if _, err := n.WaitSlot(ctx, slot); err != nil {
			t.Fatal(err)
		}
		var resp struct {
			Data struct {
				Message struct {
					Body struct {
						Payload struct {
							Withdrawals []struct {
								Validator string `json:"validator_index"`
								Amount    string `json:"amount"`
							} `json:"withdrawals"`
						} `json:"execution_payload"`
					} `json:"body"`
				} `json:"message"`
			} `json:"data"`
		}
		if err := n.GetJSON(ctx, fmt.Sprintf("/eth/v2/beacon/blocks/%d", slot), &resp); err != nil {
			if strings.Contains(err.Error(), "HTTP 404") {
				continue // a missed slot
			}
			t.Fatal(err)
		}
		searched++
		for i, w := range resp.Data.Message.Body.Payload.Withdrawals {
			v, _ := strconv.ParseUint(w.Validator, 10, 64)
			amount, _ := strconv.ParseUint(w.Amount, 10, 64)
			if pick(v, amount) {
				return paidWithdrawal{validator: v, slot: slot, num: uint64(i), amount: amount, blocksSearched: searched}, true
			}
		}
		if time.Now().After(deadline) {
			return paidWithdrawal{blocksSearched: searched}, false
		}
	}
}

// checkWithdrawal checks that the document proves withdrawal w.
func checkWithdrawal(t *testing.T, d doc, kind string, w paidWithdrawal) {
	t.Helper()
	for _, c := range d.Proofs {
		if c.Kind != kind {
			continue
		}
		for _, want := range []string{
			fmt.Sprintf(`"withdrawal_slot":"%d"`, w.slot),
			fmt.Sprintf(`"withdrawal_num":"%d"`, w.num),
			fmt.Sprintf(`"validator_index":"%d"`, w.validator),
			fmt.Sprintf(`"amount":"%d"`, w.amount),
		} {
			if !strings.Contains(strings.ReplaceAll(string(c.Value), " ", ""), want) {
				t.Errorf("%s value %s lacks %s", kind, c.Value, want)
			}
		}
		return
	}
	t.Errorf("the document has no %s proof", kind)
}

// testFullWithdrawal waits for the exited validator's full withdrawal on
// the pruning node, proves it (the CLI searches for it), its exit and the
// fixture set.
func (s *suite) testFullWithdrawal(ctx context.Context, t *testing.T) {
	w := findPayment(ctx, t, s.reg, 1, fullOf(exitIndex), 5*time.Minute)
	t.Logf("full withdrawal of validator %d at slot %d", exitIndex, w.slot)
	state := strconv.FormatUint(headSlot(ctx, t, s.reg, w.slot+1), 10)
	v := strconv.Itoa(exitIndex)
	d := s.proveAll(ctx, t, s.reg, s.regCheck, state, rpFormats, "withdrawal", "--validator", v)
	checkWithdrawal(t, d, "withdrawal", w)
	s.proveAll(ctx, t, s.reg, s.regCheck, state, bothFormats, "exit", "--index", v)

	// fixtures: every file verifies, is anchored to the node's block, and
	// its witnesses are branches of json documents of the same state that
	// match the node's proofs.
	out := filepath.Join(s.cli.work, "fixtures")
	state = strconv.FormatUint(childedSlot(ctx, t, s.reg, w.slot+1), 10)
	r := s.cli.run(ctx, "fixtures", "--beacon-url", s.reg.URL, "--state", state, "--index", v, "--index", "0", "--validator", v, "--out", out)
	if r.code != 0 {
		t.Fatalf("%v", r)
	}
	var ref doc
	for _, args := range [][]string{{"validator", "--index", v, "--index", "0"}, {"balance", "--index", v, "--index", "0"}, {"withdrawal", "--validator", v}} {
		file, b := s.cli.prove(ctx, t, append(append([]string{"prove"}, args...), "--beacon-url", s.reg.URL, "--state", state)...)
		s.cli.verify(ctx, t, file)
		d := parseDoc(t, b)
		s.regCheck.checkClaims(ctx, t, d)
		ref.Proofs = append(ref.Proofs, d.Proofs...)
	}
	files, err := filepath.Glob(filepath.Join(out, "*.json"))
	if err != nil || len(files) < 8 {
		t.Fatalf("fixtures wrote %v (%v)", files, err)
	}
	for _, f := range files {
		if filepath.Base(f) == "manifest.json" {
			continue
		}
		s.cli.verify(ctx, t, f)
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		s.regCheck.checkAnchor(ctx, t, parseDoc(t, b))
		checkWitnesses(t, b, ref)
	}
}

// testHistoricalWithdrawal proves the full withdrawal on the archive node
// once it has left block_roots, through historical_summaries and the
// era's block_roots.
func (s *suite) testHistoricalWithdrawal(ctx context.Context, t *testing.T) {
	w := findPayment(ctx, t, s.arc, 1, fullOf(exitIndex), 5*time.Minute)
	after := w.slot + s.sphr + 1 // the first slot whose state no longer holds it in block_roots
	t.Logf("archive: full withdrawal at slot %d; waiting for slot %d", w.slot, after)
	state := strconv.FormatUint(headSlot(ctx, t, s.arc, after), 10)
	eraEnd := (w.slot/s.sphr + 1) * s.sphr
	if _, err := s.arc.Get(ctx, fmt.Sprintf("/eth/v2/debug/beacon/states/%d", eraEnd), "application/octet-stream"); err != nil {
		// Lodestar 1.22 archives the states of the finalized checkpoints
		// only: when finality jumps over an epoch (a busy machine), its
		// state is never kept.
		t.Skipf("the archive node has no state at the era's end, slot %d (finality skipped that epoch?): %v", eraEnd, err)
	}
	v := strconv.Itoa(exitIndex)
	d := s.proveAll(ctx, t, s.arc, s.arcCheck, state, rpFormats, "withdrawal", "--validator", v, "--withdrawal-slot", strconv.FormatUint(w.slot, 10))
	checkWithdrawal(t, d, "historical_withdrawal", w)
	// The same proof with the era's block_roots from an era file written
	// from the node's blocks and its state at the era's end.
	file := writeEraFile(ctx, t, s.arc, s.cli.work, w.slot/s.sphr*s.sphr, eraEnd)
	e := s.proveAll(ctx, t, s.arc, s.arcCheck, state, nil, "withdrawal", "--validator", v,
		"--withdrawal-slot", strconv.FormatUint(w.slot, 10), "--era", file)
	if e.Proofs[1].Leaf != d.Proofs[1].Leaf || strings.Join(e.Proofs[1].Branch, ",") != strings.Join(d.Proofs[1].Branch, ",") {
		t.Errorf("--era: the proof differs from the one through the node's state")
	}
}

// writeEraFile writes the era file of the era that ends at eraEnd (its
// blocks from start on, and the state at eraEnd) from the node into dir.
func writeEraFile(ctx context.Context, t *testing.T, n *devnet.Node, dir string, start, eraEnd uint64) string {
	t.Helper()
	var buf bytes.Buffer
	w, err := era.NewWriter(&buf, "minimal")
	if err != nil {
		t.Fatal(err)
	}
	for slot := start; slot < eraEnd; slot++ {
		b, err := n.Get(ctx, fmt.Sprintf("/eth/v2/beacon/blocks/%d", slot), "application/octet-stream")
		if err != nil {
			continue // a missed slot
		}
		if err := w.AddBlock(b); err != nil {
			t.Fatalf("block at slot %d: %v", slot, err)
		}
	}
	st, err := n.Get(ctx, fmt.Sprintf("/eth/v2/debug/beacon/states/%d", eraEnd), "application/octet-stream")
	if err != nil {
		t.Fatal(err)
	}
	if err := w.AddState(st); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, fmt.Sprintf("devnet-%05d-00000000.era", eraEnd/(eraEnd-start)))
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// testPartialWithdrawal proves a recent partial withdrawal of a validator
// whose credentials exit.sh changed (one paid in the last half era, or
// the next one): found by its slot, and by a search. It runs late, to give
// the balances time to pass 32 ETH; on a machine so busy that the
// validators miss their duties they may never, and the test skips, saying
// so.
func (s *suite) testPartialWithdrawal(ctx context.Context, t *testing.T) {
	n, c := s.reg, s.regCheck
	head := headSlot(ctx, t, n, 0)
	from := head - min(head-1, s.sphr/2)
	w, ok := searchPayment(ctx, t, n, from, partialOfChanged, 2*time.Minute)
	if !ok {
		var resp struct {
			Data []struct {
				Index   string `json:"index"`
				Balance string `json:"balance"`
			} `json:"data"`
		}
		err := n.GetJSON(ctx, fmt.Sprintf("/eth/v1/beacon/states/head/validator_balances?id=%d&id=%d", changedFirst, changedLast), &resp)
		t.Skipf("the chain paid no partial withdrawal in %d blocks: the balances of the validators with execution credentials stayed at or under 32 ETH (%+v, %v); a busy machine makes the validators miss their duties",
			w.blocksSearched, resp.Data, err)
	}
	state := strconv.FormatUint(headSlot(ctx, t, n, w.slot+1), 10)
	v := strconv.FormatUint(w.validator, 10)
	d := s.proveAll(ctx, t, n, c, state, rpFormats, "withdrawal", "--validator", v, "--withdrawal-slot", strconv.FormatUint(w.slot, 10))
	checkWithdrawal(t, d, "withdrawal", w)

	// The search finds it from a slot before it (after the last one).
	file, out := s.cli.prove(ctx, t, "prove", "withdrawal", "--beacon-url", n.URL, "--state", state,
		"--validator", v, "--search-from", strconv.FormatUint(max(from, w.slot-min(w.slot, 3)), 10))
	s.cli.verify(ctx, t, file)
	checkWithdrawal(t, parseDoc(t, out), "withdrawal", w)

	// Without --search-from, the error names the flag to use.
	r := s.cli.run(ctx, "prove", "withdrawal", "--beacon-url", n.URL, "--state", state, "--validator", v)
	if r.code != 1 || !strings.Contains(r.stderr, "--search-from") || strings.Contains(r.stderr, "FromSlot") {
		t.Errorf("withdrawal search of a validator that has not exited: %v; want an error that names --search-from", r)
	}
}

// testPruned asks the pruning node for a historical withdrawal, its
// earliest one, whose era's state it cannot serve once the era's end is
// finalized: the error must say so and what to do. A busy machine can
// hold finality back; the test then waits a minute, and skips.
func (s *suite) testPruned(ctx context.Context, t *testing.T) {
	p := findPayment(ctx, t, s.reg, 1, anyOfChanged, time.Minute)
	eraEnd := (p.slot/s.sphr + 1) * s.sphr
	for deadline := time.Now().Add(time.Minute); ; {
		f, err := s.reg.Header(ctx, "finalized")
		if err != nil {
			t.Fatal(err)
		}
		if f.Slot > eraEnd {
			break
		}
		if time.Now().After(deadline) {
			t.Skipf("the pruning node has finalized only slot %d, not past the era's end (slot %d): it still holds the era's state", f.Slot, eraEnd)
		}
		time.Sleep(2 * time.Second)
	}
	// The node keeps no state at the era's end: an archive node's question.
	if _, err := s.reg.Get(ctx, fmt.Sprintf("/eth/v2/debug/beacon/states/%d", eraEnd), "application/octet-stream"); err == nil {
		t.Fatalf("the pruning node serves the state at the era's end (slot %d)", eraEnd)
	}
	// The era's block_roots come from the node's block headers instead.
	head := strconv.FormatUint(headSlot(ctx, t, s.reg, p.slot+s.sphr+1), 10)
	d := s.proveAll(ctx, t, s.reg, s.regCheck, head, rpFormats, "withdrawal",
		"--validator", strconv.FormatUint(p.validator, 10), "--withdrawal-slot", strconv.FormatUint(p.slot, 10))
	checkWithdrawal(t, d, "historical_withdrawal", p)
}
