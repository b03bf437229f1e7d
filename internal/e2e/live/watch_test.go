package live

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/internal/devnet"
	"github.com/beaconproof/beaconproof/watch"
)

// The megapool scenario of the watcher's test: validators megaFirst to
// megaLast move their credentials to megapool, and megaExit exits.
const (
	megapool            = "0x4d656761706f6f6c000000000000000000000001"
	megaFirst, megaLast = 0, 3
	megaExit            = 3
)

// TestWatch runs `beaconproof watch` on a megapool's withdrawal address
// against a real node while exit.sh moves validators 0-3 to it and exits
// validator 3: it must write, in order, the credentials proofs of 0-3,
// the exit proof of 3 and its full-withdrawal proof (and every partial
// withdrawal paid to the address), each verified and anchored to the
// node's block; killed with SIGKILL at several points and restarted on
// the same store and folder, it loses nothing and writes nothing twice.
func TestWatch(t *testing.T) {
	r := devnet.Require(t)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	lodestar, err := r.Build(ctx)
	if err != nil {
		t.Fatal(err)
	}
	bin, err := buildCLI(ctx, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	node, err := r.Start(ctx, lodestar, devnet.StartOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { stopNode(t, node) })
	t0 := time.Now()
	elapsed := func() time.Duration { return time.Since(t0).Round(time.Second) }

	tmp := t.TempDir()
	w := &watchProc{t: t, bin: bin, node: node, out: filepath.Join(tmp, "events"), store: filepath.Join(tmp, "watch.db"), logs: tmp}
	t.Cleanup(w.cleanup)
	w.start()
	w.waitProcessed(ctx, 0, 2*time.Minute)
	t.Logf("watcher on %s: first checkpoint processed (%v)", megapool, elapsed())

	exited := make(chan error, 1)
	go func() { exited <- node.ExitTo(ctx, megapool, megaExit, megaFirst, megaLast) }()

	// Kill 1: as soon as the first credentials event is written (maybe
	// between its write and its record).
	w.waitFile(ctx, "credentials-v", 5*time.Minute)
	w.kill()
	t.Logf("SIGKILL after the first credentials event (%v)", elapsed())
	if err := <-exited; err != nil {
		t.Fatal(err)
	}
	t.Logf("exit.sh done (%v)", elapsed())
	w.start()
	// Kill 2: a few seconds into a run, at whatever it is doing.
	time.Sleep(3 * time.Second)
	w.kill()
	t.Logf("SIGKILL 3 s into a run (%v)", elapsed())
	w.start()
	// Kill 3: when the exit event is written.
	w.waitFile(ctx, fmt.Sprintf("exit-v%d-", megaExit), 5*time.Minute)
	w.kill()
	t.Logf("SIGKILL after the exit event (%v)", elapsed())
	w.start()
	// Kill 4: when the full withdrawal is written.
	full := w.waitFile(ctx, "full_withdrawal-", 6*time.Minute)
	w.kill()
	t.Logf("SIGKILL after the full withdrawal %s (%v)", full, elapsed())
	// A last run follows the chain a while, and stops on SIGTERM.
	w.start()
	h, err := node.Header(ctx, "head")
	if err != nil {
		t.Fatal(err)
	}
	w.waitProcessed(ctx, h.Slot, 3*time.Minute)
	w.stop()
	// One-shot: catches up, and writes nothing already written.
	w.start("--once")
	if err := w.wait(2 * time.Minute); err != nil {
		t.Fatalf("watch --once: %v: %s", err, w.cur.tail())
	}
	t.Logf("watcher stopped; --once run done (%v)", elapsed())

	cursor := w.cursor()
	events := w.check(ctx)
	w.checkOrder(events)
	w.checkComplete(ctx, events, cursor)
}

// watchProc runs `beaconproof watch` as a process, again and again on the
// same folder and store.
type watchProc struct {
	t          *testing.T
	bin        string
	node       *devnet.Node
	out, store string // the events' folder, the store file
	logs       string // the folder of the runs' logs
	runs       []*watchRun
	cur        *watchRun
}

// watchRun is one run of the watcher.
type watchRun struct {
	cmd  *exec.Cmd
	log  string // its standard error: JSON logs
	done chan error
}

// start starts a run with extra flags.
func (p *watchProc) start(extra ...string) {
	p.t.Helper()
	args := append([]string{"watch", "--beacon-url", p.node.URL, "--address", megapool, "--out", p.out,
		"--store", p.store, "--poll", "2s", "--log-format", "json"}, extra...)
	r := &watchRun{log: filepath.Join(p.logs, fmt.Sprintf("run-%d.log", len(p.runs)+1)), done: make(chan error, 1)}
	f, err := os.Create(r.log)
	if err != nil {
		p.t.Fatal(err)
	}
	r.cmd = exec.Command(p.bin, args...)
	r.cmd.Env = append(os.Environ(), "BEACON_URL=", "EL_RPC=")
	r.cmd.Stderr = f
	if err := r.cmd.Start(); err != nil {
		f.Close()
		p.t.Fatal(err)
	}
	go func() { r.done <- r.cmd.Wait(); f.Close() }()
	p.runs, p.cur = append(p.runs, r), r
}

// wait waits for the current run to end.
func (p *watchProc) wait(timeout time.Duration) error {
	select {
	case err := <-p.cur.done:
		p.cur.done <- err
		return err
	case <-time.After(timeout):
		return fmt.Errorf("still running after %v", timeout)
	}
}

// kill kills the current run with SIGKILL and waits for it.
func (p *watchProc) kill() {
	p.t.Helper()
	if err := p.cur.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		p.t.Fatalf("SIGKILL: %v", err)
	}
	err := p.wait(time.Minute)
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != -1 {
		p.t.Fatalf("the killed watcher ended with %v, not by SIGKILL: %s", err, p.cur.tail())
	}
}

// stop stops the current run with SIGTERM; it must exit 0.
func (p *watchProc) stop() {
	p.t.Helper()
	if err := p.cur.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		p.t.Fatalf("SIGTERM: %v", err)
	}
	if err := p.wait(time.Minute); err != nil {
		p.t.Fatalf("the watcher stopped by SIGTERM: %v: %s", err, p.cur.tail())
	}
}

// cleanup kills a run still going.
func (p *watchProc) cleanup() {
	if p.cur != nil && p.cur.cmd.ProcessState == nil {
		p.cur.cmd.Process.Signal(syscall.SIGKILL)
		p.wait(time.Minute)
	}
	if p.t.Failed() {
		for i, r := range p.runs {
			p.t.Logf("run %d: %s", i+1, r.tailN(8))
		}
	}
}

// files returns the event files written, by name.
func (p *watchProc) files() []string {
	p.t.Helper()
	des, err := os.ReadDir(p.out)
	if err != nil && !os.IsNotExist(err) {
		p.t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		if n := de.Name(); !strings.HasPrefix(n, ".") && strings.HasSuffix(n, ".json") {
			names = append(names, n)
		}
	}
	return names
}

// waitFile waits until an event file whose name starts with prefix is
// written, while the current run goes on, and returns its name.
func (p *watchProc) waitFile(ctx context.Context, prefix string, timeout time.Duration) string {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, n := range p.files() {
			if strings.HasPrefix(n, prefix) {
				return n
			}
		}
		select {
		case err := <-p.cur.done:
			p.t.Fatalf("the watcher ended (%v) before writing %s*: %s", err, prefix, p.cur.tail())
		case <-ctx.Done():
			p.t.Fatal(ctx.Err())
		case <-time.After(200 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no event %s* after %v (files %v); watcher: %s", prefix, timeout, p.files(), p.cur.tail())
		}
	}
}

// logLine is a line of the watcher's JSON logs.
type logLine struct {
	Msg  string `json:"msg"`
	ID   string `json:"id"`
	Slot uint64 `json:"slot"`
}

// lines returns the run's log lines that parse (a killed run may end in
// half a line).
func (r *watchRun) lines() []logLine {
	f, err := os.Open(r.log)
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []logLine
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		var l logLine
		if json.Unmarshal(sc.Bytes(), &l) == nil {
			out = append(out, l)
		}
	}
	return out
}

func (r *watchRun) tail() string { return r.tailN(4) }

func (r *watchRun) tailN(n int) string {
	b, _ := os.ReadFile(r.log)
	return lastLines(string(b), n)
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], " | ")
}

// waitProcessed waits until the current run has processed a checkpoint
// at slot or later.
func (p *watchProc) waitProcessed(ctx context.Context, slot uint64, timeout time.Duration) {
	p.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		for _, l := range p.cur.lines() {
			if l.Msg == "checkpoint processed" && l.Slot >= slot {
				return
			}
		}
		select {
		case err := <-p.cur.done:
			p.t.Fatalf("the watcher ended (%v) before processing slot %d: %s", err, slot, p.cur.tail())
		case <-ctx.Done():
			p.t.Fatal(ctx.Err())
		case <-time.After(500 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("no checkpoint at slot %d or later processed after %v: %s", slot, timeout, p.cur.tail())
		}
	}
}

// cursor returns the store's cursor once the watcher is stopped.
func (p *watchProc) cursor() watch.Cursor {
	p.t.Helper()
	st, err := watch.OpenStore(p.store)
	if err != nil {
		p.t.Fatal(err)
	}
	defer st.Close()
	c, ok, err := st.Cursor()
	if err != nil || !ok {
		p.t.Fatalf("the store's cursor: %v (set: %v)", err, ok)
	}
	n, err := st.EmittedCount()
	if err != nil {
		p.t.Fatal(err)
	}
	if files := p.files(); n != len(files) {
		p.t.Errorf("the store records %d events, the folder holds %d files", n, len(files))
	}
	return c
}

// check reads every event file, verifies its document with `beaconproof
// verify`, checks its anchor against the node's headers (the block root
// at the anchor's slot, the 4788 timestamp of its child, the deadline
// 8191 slots on) and returns the events by id.
func (p *watchProc) check(ctx context.Context) map[string]watch.Event {
	t := p.t
	t.Helper()
	c := &cli{bin: p.bin, work: t.TempDir()}
	chk := &checker{node: p.node}
	genesis, slotSecs := p.genesis(ctx)
	events := map[string]watch.Event{}
	for _, name := range p.files() {
		b, err := os.ReadFile(filepath.Join(p.out, name))
		if err != nil {
			t.Fatal(err)
		}
		var e watch.Event
		if err := json.Unmarshal(b, &e); err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if e.ID+".json" != name {
			t.Errorf("%s holds event %q", name, e.ID)
		}
		if e.Validator < megaFirst || e.Validator > megaLast {
			t.Errorf("%s: validator %d does not point at the megapool", name, e.Validator)
		}
		file := filepath.Join(c.work, name)
		if err := os.WriteFile(file, e.Document, 0o644); err != nil {
			t.Fatal(err)
		}
		c.verify(ctx, t, file)
		d := parseDoc(t, e.Document)
		h := chk.checkAnchor(ctx, t, d)
		if d.Anchor.Root != hex32(e.Anchor.Root) || h.Slot != e.Anchor.Slot {
			t.Errorf("%s: the event's anchor (slot %d, %s) is not its document's (%s)", name, e.Anchor.Slot, hex32(e.Anchor.Root), d.Anchor.Root)
		}
		if e.Anchor.Timestamp == 0 { // a head anchor without a child yet (--head)
			if e.Deadline != 0 || len(e.Calldata) != 0 {
				t.Errorf("%s: no anchor timestamp, but deadline %d and calldata %.40s", name, e.Deadline, e.Calldata)
			}
			events[e.ID] = e
			continue
		}
		child := p.child(ctx, h)
		if want := genesis + child*slotSecs; e.Anchor.Timestamp != want {
			t.Errorf("%s: anchor timestamp %d, want %d (the child block's, slot %d)", name, e.Anchor.Timestamp, want, child)
		}
		if want := e.Anchor.Timestamp + 8191*slotSecs; e.Deadline != want {
			t.Errorf("%s: deadline %d, want %d", name, e.Deadline, want)
		}
		if len(e.Calldata) == 0 {
			t.Errorf("%s: no calldata", name)
		}
		events[e.ID] = e
	}
	return events
}

// genesis returns the node's genesis time and SECONDS_PER_SLOT.
func (p *watchProc) genesis(ctx context.Context) (uint64, uint64) {
	p.t.Helper()
	var g struct {
		Data struct {
			Time decimal `json:"genesis_time"`
		} `json:"data"`
	}
	var spec struct {
		Data struct {
			SecondsPerSlot decimal `json:"SECONDS_PER_SLOT"`
		} `json:"data"`
	}
	if err := p.node.GetJSON(ctx, "/eth/v1/beacon/genesis", &g); err != nil {
		p.t.Fatal(err)
	}
	if err := p.node.GetJSON(ctx, "/eth/v1/config/spec", &spec); err != nil {
		p.t.Fatal(err)
	}
	gt, err1 := strconv.ParseUint(string(g.Data.Time), 10, 64)
	sps, err2 := strconv.ParseUint(string(spec.Data.SecondsPerSlot), 10, 64)
	if err1 != nil || err2 != nil || sps == 0 {
		p.t.Fatalf("genesis time %q, SECONDS_PER_SLOT %q", g.Data.Time, spec.Data.SecondsPerSlot)
	}
	return gt, sps
}

// child returns the slot of the block whose parent is h.
func (p *watchProc) child(ctx context.Context, h devnet.Header) uint64 {
	p.t.Helper()
	for slot := h.Slot + 1; slot < h.Slot+64; slot++ {
		c, err := p.node.Header(ctx, strconv.FormatUint(slot, 10))
		if err != nil {
			continue // a missed slot
		}
		if c.ParentRoot != h.Root {
			p.t.Fatalf("the block at slot %d is not the child of the anchor at slot %d", slot, h.Slot)
		}
		return slot
	}
	p.t.Fatalf("no child of the block at slot %d", h.Slot)
	return 0
}

// emissions returns the ids the runs' logs say were written, in order,
// and the last id written by each killed run.
func (p *watchProc) emissions() (order []string, lastOfKilled map[string]bool) {
	lastOfKilled = map[string]bool{}
	for _, r := range p.runs {
		last := ""
		for _, l := range r.lines() {
			if l.Msg == "event emitted" {
				order = append(order, l.ID)
				last = l.ID
			}
		}
		if ws, ok := r.cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && last != "" {
			lastOfKilled[last] = true
		}
	}
	return order, lastOfKilled
}

// checkOrder checks the order the events were written in, across runs,
// and that none was written twice, but one a SIGKILL caught between its
// write and its record.
func (p *watchProc) checkOrder(events map[string]watch.Event) {
	t := p.t
	order, lastOfKilled := p.emissions()
	first := map[string]int{}
	count := map[string]int{}
	for i, id := range order {
		if _, ok := first[id]; !ok {
			first[id] = i
		}
		count[id]++
	}
	for id, n := range count {
		if n > 1 && (!lastOfKilled[id] || n > 2) {
			t.Errorf("event %s written %d times", id, n)
		}
		if _, ok := events[id]; !ok {
			t.Errorf("event %s written (log) but no file holds it", id)
		}
	}
	for id := range events {
		if _, ok := first[id]; !ok {
			t.Errorf("event file %s.json, but no run logged writing it", id)
		}
	}
	exit := p.find(events, watch.KindExit, megaExit)
	full := firstFull(events)
	if full == "" {
		t.Errorf("no full_withdrawal event of validator %d", megaExit)
	}
	for v := uint64(megaFirst); v <= megaLast; v++ {
		cred := p.find(events, watch.KindCredentials, v)
		if cred != "" && exit != "" && first[cred] > first[exit] {
			t.Errorf("%s written after %s", cred, exit)
		}
	}
	if exit != "" && full != "" && first[exit] > first[full] {
		t.Errorf("%s written after %s", exit, full)
	}
	t.Logf("%d events, %d writes: %v (SIGKILL between write and record: %v)", len(events), len(order), order, lastOfKilled)
}

// firstFull returns the id of the exited validator's first full
// withdrawal: the one that returns its capital. Every later sweep of the
// balance it still earns (its sync committee duty outlasts its exit) is a
// full withdrawal too, as the spec's is_fully_withdrawable_validator says.
func firstFull(events map[string]watch.Event) string {
	id := ""
	for k, e := range events {
		if e.Kind == watch.KindFullWithdrawal && e.Validator == megaExit && (id == "" || e.Slot < events[id].Slot) {
			id = k
		}
	}
	return id
}

// find returns the id of the one event of kind for validator v.
func (p *watchProc) find(events map[string]watch.Event, kind watch.Kind, v uint64) string {
	var ids []string
	for id, e := range events {
		if e.Kind == kind && e.Validator == v {
			ids = append(ids, id)
		}
	}
	if len(ids) != 1 {
		p.t.Errorf("%d %s events of validator %d, want 1: %v", len(ids), kind, v, ids)
		return ""
	}
	return ids[0]
}

// checkComplete checks that the events hold every withdrawal the node's
// blocks paid to the megapool before the cursor's slot (the cursor's own
// block is proved from the next checkpoint's state), and nothing else: the
// exited validator's full withdrawal as full_withdrawal, the others as
// withdrawal.
func (p *watchProc) checkComplete(ctx context.Context, events map[string]watch.Event, cursor watch.Cursor) {
	t := p.t
	got := map[string]string{} // "slot/index" -> id
	for id, e := range events {
		if e.Kind != watch.KindWithdrawal && e.Kind != watch.KindFullWithdrawal {
			continue
		}
		var index, slot uint64
		if _, err := fmt.Sscanf(strings.TrimPrefix(id, string(e.Kind)+"-"), "w%d-s%d-", &index, &slot); err != nil || slot != e.Slot {
			t.Errorf("withdrawal event id %q (slot %d): %v", id, e.Slot, err)
		}
		got[fmt.Sprintf("%d/%d", slot, index)] = id
	}
	want := map[string]bool{}
	fullSlot := uint64(0)
	for slot := uint64(1); slot < cursor.Slot; slot++ {
		var resp struct {
			Data struct {
				Message struct {
					Body struct {
						Payload struct {
							Withdrawals []struct {
								Index     decimal `json:"index"`
								Validator decimal `json:"validator_index"`
								Address   string  `json:"address"`
								Amount    decimal `json:"amount"`
							} `json:"withdrawals"`
						} `json:"execution_payload"`
					} `json:"body"`
				} `json:"message"`
			} `json:"data"`
		}
		if err := p.node.GetJSON(ctx, fmt.Sprintf("/eth/v2/beacon/blocks/%d", slot), &resp); err != nil {
			if strings.Contains(err.Error(), "HTTP 404") {
				continue // a missed slot
			}
			t.Fatal(err)
		}
		for _, w := range resp.Data.Message.Body.Payload.Withdrawals {
			if !strings.EqualFold(w.Address, megapool) {
				continue
			}
			key := fmt.Sprintf("%d/%s", slot, w.Index)
			want[key] = true
			id, ok := got[key]
			if !ok {
				t.Errorf("withdrawal %s of validator %s (%s gwei) at slot %d: no event", w.Index, w.Validator, w.Amount, slot)
				continue
			}
			amount, _ := strconv.ParseUint(string(w.Amount), 10, 64)
			isExit := string(w.Validator) == strconv.Itoa(megaExit)
			if isExit && amount >= 31_000_000_000 && fullSlot == 0 {
				fullSlot = slot // the capital returned; the sweeps after it are full withdrawals too
			}
			wantKind := watch.KindWithdrawal
			if isExit && fullSlot != 0 {
				wantKind = watch.KindFullWithdrawal
			}
			if k := events[id].Kind; k != wantKind || strconv.FormatUint(events[id].Validator, 10) != string(w.Validator) {
				t.Errorf("%s: kind %s of validator %d, the block pays %s gwei to validator %s", id, k, events[id].Validator, w.Amount, w.Validator)
			}
		}
	}
	var extra []string
	for key, id := range got {
		if !want[key] {
			extra = append(extra, id)
		}
	}
	slices.Sort(extra)
	if len(extra) > 0 {
		t.Errorf("withdrawal events the node's blocks before the cursor (slot %d) do not pay: %v", cursor.Slot, extra)
	}
	if fullSlot == 0 {
		t.Errorf("the node's blocks before slot %d pay validator %d no full withdrawal", cursor.Slot, megaExit)
	}
	t.Logf("%d withdrawals to the megapool before slot %d (the full one at slot %d), each written once", len(want), cursor.Slot, fullSlot)
}
