package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/beaconproof/beaconproof/internal/bench/proto"
)

// modulePath is the module whose directory the peers' binary is built in.
const modulePath = "github.com/beaconproof/beaconproof"

// peersPackage is the peers' main package.
const peersPackage = modulePath + "/internal/bench/cmd/benchpeers"

// Run generates a mainnet-shaped state and measures every method of cfg on
// it, each in its own child process, one after another; then it prints the
// report to stdout, as tables or (cfg.JSON) as JSON. It returns an error
// when the inputs cannot be made or when a method's root differs from the
// generated state's root; a method that fails or is skipped is reported in
// its row.
//
// Run re-executes the running program (os.Executable) for beaconproof's
// own methods: the program must import this package, whose init function
// turns the child into the method's runner. The peers run in the separate
// benchpeers binary, built with the go command unless cfg.PeersBinary
// names one.
func Run(ctx context.Context, cfg Config, stdout io.Writer) error {
	rep, err := Measure(ctx, cfg)
	if rep == nil {
		return err
	}
	if cfg.JSONFile != "" {
		var buf bytes.Buffer
		if perr := rep.Print(&buf, true); perr != nil && err == nil {
			err = perr
		}
		if werr := os.WriteFile(cfg.JSONFile, buf.Bytes(), 0o644); werr != nil && err == nil {
			err = fmt.Errorf("bench: %w", werr)
		}
	}
	if perr := rep.Print(stdout, cfg.JSON); perr != nil && err == nil {
		err = perr
	}
	return err
}

// Measure is Run without the printing: it returns the report (nil when the
// inputs could not be made).
func Measure(ctx context.Context, cfg Config) (*Report, error) {
	cfg = cfg.withDefaults()
	if err := cfg.check(); err != nil {
		return nil, err
	}
	logf := func(format string, args ...any) { fmt.Fprintf(cfg.Log, "bench: "+format+"\n", args...) }
	self, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	dir, err := os.MkdirTemp(cfg.Dir, "beaconproof-bench-")
	if err != nil {
		return nil, fmt.Errorf("bench: %w", err)
	}
	if cfg.Keep {
		logf("inputs kept in %s", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	rep := newReport(cfg)

	logf("generating a %s state with %d validators and the next epoch's state in %s", cfg.Fork, cfg.Validators, dir)
	base := proto.Request{Fork: cfg.Fork, Preset: "mainnet", Seed: cfg.Seed}
	preq := base
	preq.Method, preq.Validators, preq.Dir = methodPrepare, cfg.Validators, dir
	preq.HashRateMillis = int(cfg.HashRateDuration / time.Millisecond)
	prep := runChild(ctx, self, true, preq, cfg.MethodTimeout)
	if prep.Error != "" {
		return nil, fmt.Errorf("bench: preparing the inputs: %s", prep.Error)
	}
	rep.setPrepare(prep)
	rreq := base
	rreq.Method, rreq.StatePath = methodRead, filepath.Join(dir, stateFile)
	for k := 0; k < cfg.Repeat; k++ {
		rd := runChild(ctx, self, true, rreq, cfg.MethodTimeout)
		if rd.Error != "" {
			return nil, fmt.Errorf("bench: reading the state: %s", rd.Error)
		}
		rep.setRead(rd)
	}
	logf("state: %d bytes, %d hashes; gohashtree: %.3g hashes per CPU second on 1 core, %.3g on %d; lower bound %.2f s on %d cores",
		rep.StateBytes, rep.LowerBound.Hashes, rep.LowerBound.HashRateCPU1, rep.LowerBound.HashRateCPUN, rep.LowerBound.Cores, rep.LowerBound.SecondsN, rep.LowerBound.Cores)

	// Resolve each method's binary and request, then run the rounds: with
	// Repeat > 1 the methods take turns (A B C A B C ...), so that a busy
	// spell of the machine does not fall on one method's runs only.
	type job struct {
		meas  Measurement
		bin   string
		ours  bool
		req   proto.Request
		best  childResult
		runs  []float64
		done  bool // failed or skipped: no more runs
		valid bool // best holds a run
	}
	var jobs []*job
	var peersBin string
	var peersErr error
	peersBuilt := false
	for _, m := range cfg.selected() {
		j := &job{meas: Measurement{Method: m.name, Label: m.label}, bin: self, ours: true}
		jobs = append(jobs, j)
		if why := m.skipReason(cfg); why != "" {
			j.meas.Skipped, j.done = why, true
			continue
		}
		if m.peer {
			if !peersBuilt {
				logf("building the peers' binary")
				peersBin, peersErr = buildPeers(ctx, cfg, dir)
				peersBuilt = true
			}
			if peersErr != nil {
				j.meas.Skipped, j.done = "peers unavailable: "+peersErr.Error(), true
				continue
			}
			j.bin, j.ours = peersBin, false
		}
		j.req = base
		j.req.Method = m.name
		j.req.StatePath = filepath.Join(dir, stateFile)
		j.req.Validator = cfg.Validator
		if m.name == MethodWatchCycle {
			j.req.NextPath = filepath.Join(dir, nextFile)
		}
		if m.name == MethodAfterLoad {
			j.req.NextPath = filepath.Join(dir, nextFile)
			j.req.Proofs = cfg.Proofs
			j.req.MultiproofK = cfg.MultiproofK
		}
	}
	for k := 0; k < cfg.Repeat; k++ {
		for _, j := range jobs {
			if j.done {
				continue
			}
			logf("running %s (%d/%d)", j.meas.Method, k+1, cfg.Repeat)
			r := runChild(ctx, j.bin, j.ours, j.req, cfg.MethodTimeout)
			if r.Error == "" && r.Root != "" && r.Root != rep.Root {
				r.Error = fmt.Sprintf("root mismatch: %s, want %s", r.Root, rep.Root)
			}
			if r.Error != "" {
				j.best, j.valid, j.done = r, true, true
			} else {
				j.runs = append(j.runs, r.Total())
				if !j.valid || r.Total() < j.best.Total() {
					j.best, j.valid = r, true
				}
			}
			logf("%s: %.3f s, peak RSS %d MB %s", j.meas.Method, r.Total(), r.peakRSS>>20, r.Error)
			if err := ctx.Err(); err != nil {
				return rep, err
			}
		}
	}
	for _, j := range jobs {
		if j.valid {
			j.meas.set(j.best)
		}
		if len(j.runs) > 1 {
			j.meas.Runs = j.runs
		}
		rep.Methods = append(rep.Methods, j.meas)
	}
	if !cfg.NoNetwork {
		runs, err := measureNetwork(ctx, cfg, self, base, filepath.Join(dir, stateFile), rep.Root, logf)
		rep.Network = runs
		if err != nil {
			return rep, err
		}
	}
	rep.finish()
	var bad []string
	for _, m := range rep.Methods {
		if strings.HasPrefix(m.Error, "root mismatch") {
			bad = append(bad, m.Method)
		}
	}
	if len(bad) > 0 {
		return rep, fmt.Errorf("bench: root mismatch in %s", strings.Join(bad, ", "))
	}
	return rep, nil
}

// childResult is what one child run gave.
type childResult struct {
	proto.Response
	peakRSS     int64
	procSeconds float64
	cpuSeconds  float64
}

// runChild runs req in a child process of bin (with childEnv set when ours)
// and returns its response, with Error set when the child failed.
func runChild(ctx context.Context, bin string, ours bool, req proto.Request, timeout time.Duration) childResult {
	res := childResult{Response: proto.Response{Method: req.Method}}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	in, err := json.Marshal(req)
	if err != nil {
		res.Error = err.Error()
		return res
	}
	cmd := exec.CommandContext(ctx, bin)
	cmd.Stdin = bytes.NewReader(in)
	var out, errOut bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = &limitedBuffer{max: 8 << 10, buf: &errOut}
	cmd.Env = os.Environ()
	if ours {
		cmd.Env = append(cmd.Env, childEnv+"=1")
	}
	start := time.Now()
	runErr := cmd.Run()
	res.procSeconds = time.Since(start).Seconds()
	if cmd.ProcessState != nil {
		res.peakRSS = peakRSS(cmd.ProcessState)
		res.cpuSeconds = (cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()).Seconds()
	}
	if perr := lastJSON(out.Bytes(), &res.Response); perr != nil {
		msg := strings.TrimSpace(errOut.String())
		switch {
		case ctx.Err() != nil:
			res.Error = fmt.Sprintf("timed out after %s", timeout)
		case runErr != nil:
			res.Error = fmt.Sprintf("%v: %s", runErr, lastLines(msg, 3))
		default:
			res.Error = fmt.Sprintf("no response: %v", perr)
		}
	}
	return res
}

// lastJSON decodes the last non-empty line of out into v.
func lastJSON(out []byte, v any) error {
	lines := bytes.Split(bytes.TrimSpace(out), []byte("\n"))
	if len(lines) == 0 || len(lines[len(lines)-1]) == 0 {
		return errors.New("empty output")
	}
	return json.Unmarshal(lines[len(lines)-1], v)
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, " | ")
}

// limitedBuffer keeps the last max bytes written to it (roughly).
type limitedBuffer struct {
	max int
	buf *bytes.Buffer
}

func (l *limitedBuffer) Write(p []byte) (int, error) {
	l.buf.Write(p)
	if l.buf.Len() > 2*l.max {
		tail := append([]byte(nil), l.buf.Bytes()[l.buf.Len()-l.max:]...)
		l.buf.Reset()
		l.buf.Write(tail)
	}
	return len(p), nil
}

// buildPeers returns the peers' binary: cfg.PeersBinary, or one built with
// the go command into dir.
func buildPeers(ctx context.Context, cfg Config, dir string) (string, error) {
	if cfg.PeersBinary != "" {
		if _, err := os.Stat(cfg.PeersBinary); err != nil {
			return "", err
		}
		return cfg.PeersBinary, nil
	}
	mod := cfg.ModuleDir
	if mod == "" {
		var err error
		if mod, err = findModule(); err != nil {
			return "", err
		}
	}
	goBin, err := goCommand()
	if err != nil {
		return "", err
	}
	out := filepath.Join(dir, "benchpeers")
	if runtime.GOOS == "windows" {
		out += ".exe"
	}
	cmd := exec.CommandContext(ctx, goBin, "build", "-o", out, peersPackage)
	cmd.Dir = mod
	var errOut bytes.Buffer
	cmd.Stderr = &limitedBuffer{max: 8 << 10, buf: &errOut}
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("go build %s: %v: %s", peersPackage, err, lastLines(strings.TrimSpace(errOut.String()), 5))
	}
	return out, nil
}

// goCommand finds the go command on the PATH.
func goCommand() (string, error) {
	p, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("no go command on the PATH to build the peers with (pass --peers-bin)")
	}
	return p, nil
}

// findModule returns the first directory from the working directory up
// whose go.mod declares the beaconproof module.
func findModule() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if isModuleDir(dir) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("not inside the %s module (run from the repository, or pass --module or --peers-bin)", modulePath)
		}
		dir = parent
	}
}

func isModuleDir(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "go.mod"))
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok {
			return strings.Trim(strings.TrimSpace(rest), `"`) == modulePath
		}
	}
	return false
}
