package bench

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/bench/proto"
	"github.com/beaconproof/beaconproof/proof"
)

// The network path's methods, run in a child process each against the
// state the runner serves over loopback HTTP.
const (
	methodNetServe    = "beaconproof-net-serve"     // the node: serves the state
	methodNetDownload = "beaconproof-net-download"  // the bare download
	methodNetProve    = "beaconproof-net-prove"     // hashed as it arrives
	methodNetThenHash = "beaconproof-net-then-hash" // hashed after
)

// statePath is the state endpoint the runner serves.
const statePath = "/eth/v2/debug/beacon/states/head"

// serveState serves the state file over loopback HTTP as a beacon node
// serves /eth/v2/debug/beacon/states/head in SSZ: chunked (no
// Content-Length), with Content-Type and Eth-Consensus-Version, at rate
// bytes per second (0: as fast as the loopback takes them); and mainnet's
// /eth/v1/beacon/genesis. It returns the base URL and the function that
// stops the server.
func serveState(path, forkName string, rate float64) (string, func(), error) {
	state, err := os.ReadFile(path)
	if err != nil {
		return "", nil, err
	}
	net0, err := fork.NetworkByName("mainnet")
	if err != nil {
		return "", nil, err
	}
	genesis, err := genesisJSON(net0)
	if err != nil {
		return "", nil, err
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/eth/v1/beacon/genesis", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(genesis)
	})
	mux.HandleFunc(statePath, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Eth-Consensus-Version", forkName)
		writePaced(w, state, rate)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// writePaced writes b in 1 MiB writes, each flushed (so the response is
// chunked), at rate bytes per second when rate > 0.
func writePaced(w http.ResponseWriter, b []byte, rate float64) {
	fl, _ := w.(http.Flusher)
	start := time.Now()
	const piece = 1 << 20
	for off := 0; off < len(b); off += piece {
		if rate > 0 {
			due := start.Add(time.Duration(float64(off) / rate * float64(time.Second)))
			time.Sleep(time.Until(due))
		}
		if _, err := w.Write(b[off:min(off+piece, len(b))]); err != nil {
			return
		}
		if fl != nil {
			fl.Flush()
		}
	}
}

// genesisJSON is /eth/v1/beacon/genesis of a network.
func genesisJSON(n *fork.Network) ([]byte, error) {
	gv := [4]byte{}
	if fs, ok := n.Fork(fork.Phase0); ok {
		gv = fs.Version
	}
	return json.Marshal(map[string]any{"data": map[string]string{
		"genesis_time":            fmt.Sprint(n.GenesisTime),
		"genesis_validators_root": beaconapi.RootID(n.GenesisValidatorsRoot),
		"genesis_fork_version":    fmt.Sprintf("0x%x", gv[:]),
	}})
}

// runNetServe is the node: it serves the state file (serveState) at
// req.Rate bytes per second, writes the base URL as one line to standard
// output and serves until it is killed.
func runNetServe(req proto.Request, r *proto.Response) error {
	url, _, err := serveState(req.StatePath, req.Fork, req.RateBytes)
	if err != nil {
		return err
	}
	fmt.Println(url)
	select {}
}

// startServer starts the node in a child process of self and returns its
// URL and the function that stops it. A process of its own, as a beacon
// node is, it keeps the served bytes out of the runner's memory, which
// every child's peak RSS would otherwise count (see Measurement.PeakRSS).
func startServer(ctx context.Context, self string, req proto.Request) (string, func(), error) {
	in, err := json.Marshal(req)
	if err != nil {
		return "", nil, err
	}
	cmd := exec.CommandContext(ctx, self)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = append(os.Environ(), childEnv+"=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return "", nil, err
	}
	if err := cmd.Start(); err != nil {
		return "", nil, err
	}
	stop := func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		stop()
		return "", nil, fmt.Errorf("the serving process said %q: %v", strings.TrimSpace(line), err)
	}
	return strings.TrimSpace(line), stop, nil
}

// runNetDownload downloads the state as the client reads a chunked body
// (once, into reserved memory) and does nothing else: the bound the
// network path is measured against.
func runNetDownload(req proto.Request, r *proto.Response) error {
	tm := proto.NewTimer(r)
	resp, err := http.Get(req.URL + statePath)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	mem, err := beaconstate.Reserve(beaconapi.DefaultMaxSize + 1)
	if err != nil {
		return err
	}
	defer mem.Release()
	n, err := io.ReadFull(resp.Body, mem.Bytes())
	if err != io.ErrUnexpectedEOF {
		return fmt.Errorf("bench: download: %d bytes: %v", n, err)
	}
	tm.Stage("download")
	r.Set("bytes", float64(n))
	return nil
}

// runNetProve is the network path: beaconapi's StateProver (the state
// hashed as it arrives), then a validator's proof and the slot's, verified.
// runNetThenHash is the same with the state hashed after its download.
func runNetProve(req proto.Request, r *proto.Response) error { return netProve(req, r, true) }

func runNetThenHash(req proto.Request, r *proto.Response) error { return netProve(req, r, false) }

func netProve(req proto.Request, r *proto.Response, ahead bool) error {
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		return err
	}
	c, err := beaconapi.New(req.URL, beaconapi.WithNetwork(mainnet), beaconapi.WithProgress(nil))
	if err != nil {
		return err
	}
	ctx := context.Background()
	tm := proto.NewTimer(r)
	var p *beaconstate.Prover
	if ahead {
		if p, err = c.StateProver(ctx, "head"); err != nil {
			return err
		}
		tm.Stage("download + hash")
	} else {
		obj, err := c.State(ctx, "head")
		if err != nil {
			return err
		}
		tm.Stage("download")
		if p, err = beaconstate.NewProver(obj); err != nil {
			return err
		}
		tm.Stage("hash")
	}
	defer p.Object().Close()
	if _, err := p.Prove(fmt.Sprintf("validators[%d]", req.Validator)); err != nil {
		return err
	}
	if _, err := p.Prove("slot"); err != nil {
		return err
	}
	tm.Stage("prove validator & slot")
	r.Root = proof.FormatHash(p.Root())
	return nil
}

// NetworkRun is the network path at one serving rate.
type NetworkRun struct {
	// RateMBps is the rate the state was served at, in MB/s; 0 means
	// unthrottled (as fast as the loopback and the client take it).
	RateMBps float64 `json:"rate_mb_per_s"`
	// Download is the bare download; Prove the download with the state
	// hashed as it arrives, to the verified proofs; ThenHash the download,
	// then the hashing, then the proofs. File, in the unthrottled run
	// only, is the cold path from the file (MethodCold), run in the same
	// rounds.
	Download NetMethod  `json:"download"`
	Prove    NetMethod  `json:"prove"`
	ThenHash NetMethod  `json:"then_hash"`
	File     *NetMethod `json:"file,omitempty"`
	// ProveVsDownload and ThenHashVsDownload are the ratios of the
	// methods' wall times to the download's in the same round, one round
	// being one run of each method in turn; ProveVsFile and
	// ThenHashVsFile the ratios to the file's, in time and in peak RSS
	// (the unthrottled run only).
	ProveVsDownload    Spread  `json:"prove_vs_download"`
	ThenHashVsDownload Spread  `json:"then_hash_vs_download"`
	ProveVsFile        *Spread `json:"prove_vs_file,omitempty"`
	ThenHashVsFile     *Spread `json:"then_hash_vs_file,omitempty"`
}

// Spread is the median and range of ratios measured side by side.
type Spread struct {
	Median float64   `json:"median"`
	Min    float64   `json:"min"`
	Max    float64   `json:"max"`
	All    []float64 `json:"all,omitempty"`
}

func (s *Spread) add(q float64) {
	s.All = append(s.All, q)
	sorted := slices.Clone(s.All)
	slices.Sort(sorted)
	s.Min, s.Max = sorted[0], sorted[len(sorted)-1]
	if n := len(sorted); n%2 == 1 {
		s.Median = sorted[n/2]
	} else {
		s.Median = (sorted[n/2-1] + sorted[n/2]) / 2
	}
}

func (s Spread) String() string {
	if len(s.All) == 0 {
		return "—"
	}
	return fmt.Sprintf("%.2f× (%.2f–%.2f)", s.Median, s.Min, s.Max)
}

// NetMethod is one method of the network path: its fastest run.
type NetMethod struct {
	Seconds float64   `json:"seconds"`
	Runs    []float64 `json:"runs,omitempty"`
	// CPUSeconds is the fastest run's user + system time (all threads).
	CPUSeconds float64       `json:"cpu_seconds"`
	PeakRSS    int64         `json:"peak_rss_bytes"` // VmHWM where the platform reports it
	Stages     []proto.Stage `json:"stages,omitempty"`
	Error      string        `json:"error,omitempty"`
}

func (m *NetMethod) add(r childResult) {
	if r.Error != "" {
		m.Error = r.Error
		return
	}
	m.Runs = append(m.Runs, r.Total())
	if m.Seconds == 0 || r.Total() < m.Seconds {
		m.Seconds, m.PeakRSS, m.Stages, m.CPUSeconds = r.Total(), r.peakRSS, r.Stages, r.Response.CPUSeconds
		if hwm := int64(r.Values["vmhwm_bytes"]); hwm > 0 {
			m.PeakRSS = hwm // the child's own, not floored by the runner's
		}
	}
}

// measureNetwork runs the network path at each serving rate: the state
// served by a process of its own, the methods in child processes, one of
// each in turn per round (and, unthrottled, the cold path from the file).
func measureNetwork(ctx context.Context, cfg Config, self string, base proto.Request, statePath string, root string, logf func(string, ...any)) ([]NetworkRun, error) {
	var out []NetworkRun
	for _, mbps := range append([]float64{0}, cfg.ServeRates...) {
		sreq := base
		sreq.Method, sreq.StatePath, sreq.RateBytes = methodNetServe, statePath, mbps*1e6
		url, stop, err := startServer(ctx, self, sreq)
		if err != nil {
			return out, fmt.Errorf("bench: serving the state: %w", err)
		}
		run := NetworkRun{RateMBps: mbps}
		methods := []string{methodNetDownload, methodNetProve, methodNetThenHash}
		if mbps == 0 {
			methods = append(methods, MethodCold)
			run.File, run.ProveVsFile, run.ThenHashVsFile = &NetMethod{}, &Spread{}, &Spread{}
		}
		for k := 0; k < cfg.Repeat && ctx.Err() == nil; k++ {
			var round [4]childResult
			for i, m := range methods {
				req := base
				req.Method, req.URL, req.Validator, req.StatePath = m, url, cfg.Validator, statePath
				round[i] = runChild(ctx, self, true, req, cfg.MethodTimeout)
				if r := &round[i]; r.Error == "" && r.Root != "" && r.Root != root {
					r.Error = fmt.Sprintf("root mismatch: %s, want %s", r.Root, root)
				}
				logf("%s at %s: %.3f s, peak RSS %d MB %s", m, rateName(mbps), round[i].Total(), round[i].peakRSS>>20, round[i].Error)
			}
			run.addRound(round)
		}
		stop()
		if err := ctx.Err(); err != nil {
			return out, err
		}
		out = append(out, run)
	}
	return out, nil
}

// addRound records one round: download, prove, then hash, and file when
// the run has it.
func (run *NetworkRun) addRound(r [4]childResult) {
	run.Download.add(r[0])
	run.Prove.add(r[1])
	run.ThenHash.add(r[2])
	ok := func(i int) bool { return r[i].Error == "" && r[i].Total() > 0 }
	if ok(0) && ok(1) {
		run.ProveVsDownload.add(r[1].Total() / r[0].Total())
	}
	if ok(0) && ok(2) {
		run.ThenHashVsDownload.add(r[2].Total() / r[0].Total())
	}
	if run.File == nil {
		return
	}
	run.File.add(r[3])
	if ok(3) && ok(1) {
		run.ProveVsFile.add(r[1].Total() / r[3].Total())
	}
	if ok(3) && ok(2) {
		run.ThenHashVsFile.add(r[2].Total() / r[3].Total())
	}
}

func rateName(mbps float64) string {
	if mbps == 0 {
		return "unthrottled"
	}
	return fmt.Sprintf("%g MB/s", mbps)
}

// printNetwork prints the network path's table.
func printNetwork(w io.Writer, runs []NetworkRun) {
	if len(runs) == 0 {
		return
	}
	fmt.Fprintln(w, "\nnetwork path (the state served over loopback HTTP by a process of its own as a beacon node serves it: chunked SSZ with Eth-Consensus-Version; beaconapi reads it once into reserved memory; peak RSS is each client process's VmHWM):")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "served at\tbare download\tdownload, hashed as it arrives, 2 verified proofs\t× download\tdownload, then hash, 2 proofs\t× download")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", rateName(r.RateMBps),
			r.Download.cell(), r.Prove.cell(), r.ProveVsDownload, r.ThenHash.cell(), r.ThenHashVsDownload)
	}
	tw.Flush()
	for _, r := range runs {
		if r.File == nil {
			continue
		}
		fmt.Fprintf(w, "the file path in the same rounds (map + validate + root + 2 proofs): %s; hashed as it arrives %s its time, %.2f× its peak RSS; then hash %s its time, %.2f× its peak RSS\n",
			r.File.cell(), r.ProveVsFile, ratio(r.Prove.PeakRSS, r.File.PeakRSS), r.ThenHashVsFile, ratio(r.ThenHash.PeakRSS, r.File.PeakRSS))
	}
	fmt.Fprintln(w, "ratios: median (range) of the rounds, one run of each method in turn per round; times: the fastest run")
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

func (m NetMethod) cell() string {
	if m.Error != "" {
		return "FAILED: " + m.Error
	}
	return fmt.Sprintf("%.2f s (CPU %.2f s), %s", m.Seconds, m.CPUSeconds, mb(m.PeakRSS))
}
