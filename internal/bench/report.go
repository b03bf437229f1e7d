package bench

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/beaconproof/beaconproof/internal/bench/proto"
)

// Report is what Run measured. It prints as tables or as JSON.
type Report struct {
	// Date is when the run started, RFC 3339 in UTC.
	Date    string  `json:"date"`
	Machine Machine `json:"machine"`
	// Command reproduces the run.
	Command    string `json:"command"`
	Fork       string `json:"fork"`
	Preset     string `json:"preset"`
	Validators int    `json:"validators"`
	// Repeat is the number of runs of each method (the fastest is kept).
	Repeat int `json:"repeat"`
	// Validator is the index proven by the cold path.
	Validator  uint64 `json:"validator"`
	StateBytes int64  `json:"state_bytes"`
	BlockBytes int64  `json:"block_bytes"`
	// Root is the generated state's hash tree root, the one every method
	// must find.
	Root string `json:"root"`
	// GenerateSeconds is the time to generate the state and its block;
	// NextEpochSeconds the time to derive the next epoch's state.
	GenerateSeconds  float64 `json:"generate_seconds"`
	NextEpochSeconds float64 `json:"next_epoch_seconds"`
	// GeneratePeakRSS is the peak memory of the process that generated
	// the inputs and measured the lower bound's parts.
	GeneratePeakRSS int64         `json:"generate_peak_rss_bytes,omitempty"`
	LowerBound      LowerBound    `json:"lower_bound"`
	Methods         []Measurement `json:"methods"`
	AfterLoad       *AfterLoad    `json:"after_load,omitempty"`
	// Network is the network path, unthrottled and at each serving rate.
	Network []NetworkRun `json:"network,omitempty"`
	// RunnerPeakRSS is the runner's own peak resident set size: every
	// child's rusage peak is at least this (see Measurement.PeakRSS).
	RunnerPeakRSS int64    `json:"runner_peak_rss_bytes"`
	Notes         []string `json:"notes,omitempty"`
}

// Machine describes where the run happened.
type Machine struct {
	CPU        string `json:"cpu"`
	CPUs       int    `json:"cpus"`
	GOMAXPROCS int    `json:"gomaxprocs"`
	MemBytes   int64  `json:"mem_bytes,omitempty"`
	// LoadAvg is /proc/loadavg's 1-minute load at the start and at the
	// end of the run: other processes share the cores.
	LoadAvgStart float64 `json:"loadavg_start,omitempty"`
	LoadAvgEnd   float64 `json:"loadavg_end,omitempty"`
	OS           string  `json:"os"`
	Arch         string  `json:"arch"`
	Go           string  `json:"go"`
}

// LowerBound is the time no prover can beat on this machine: hashing the
// state's Merkle nodes at gohashtree's measured rate, plus reading the
// file.
//
// The rates are measured per second of CPU time of the hashing threads, so
// that the bound is what the cores do when they are given to the hashing,
// however busy the machine is with other work while the benchmark runs;
// the rates per second of wall time, which such work lowers, are kept for
// reference. On an idle machine the two agree.
type LowerBound struct {
	// Hashes is the number of 64-byte SHA-256 hashes the state's root
	// needs (CountHashes); Compressions is twice that (message block and
	// padding block).
	Hashes       uint64 `json:"hashes"`
	Compressions uint64 `json:"sha256_compressions"`
	// Cores is the number of hashing threads of the N-core figures
	// (GOMAXPROCS).
	Cores int `json:"cores"`
	// HashRateCPU1 is gohashtree's throughput in hashes per CPU second of
	// one thread; HashRateCPUN the sum over Cores threads hashing at once.
	HashRateCPU1 float64 `json:"gohashtree_hashes_per_cpu_second_1_core"`
	HashRateCPUN float64 `json:"gohashtree_hashes_per_cpu_second_n_cores"`
	// HashRate1 and HashRateN are the same per second of wall time, as
	// the machine delivered them during the run (for reference).
	HashRate1 float64 `json:"gohashtree_hashes_per_wall_second_1_core"`
	HashRateN float64 `json:"gohashtree_hashes_per_wall_second_n_cores"`
	// ReadSeconds is the time to read the state file in a fresh process
	// (page cache warm), the fastest of Config.Repeat runs, and
	// ReadCPUSeconds the CPU time of that read.
	ReadSeconds    float64 `json:"read_seconds"`
	ReadCPUSeconds float64 `json:"read_cpu_seconds"`
	// Seconds1 and SecondsN are Hashes/HashRateCPU1 (or N) + ReadSeconds:
	// the wall-time bounds on one core and on Cores cores.
	Seconds1 float64 `json:"seconds_1_core"`
	SecondsN float64 `json:"seconds_n_cores"`
	// CPUSeconds is Hashes/HashRateCPU1 + ReadCPUSeconds: the least CPU
	// time a prover spends.
	CPUSeconds float64 `json:"cpu_seconds"`
}

// Measurement is one method's result.
type Measurement struct {
	Method string `json:"method"`
	Label  string `json:"label"`
	// Seconds is the method's wall time inside its process, from reading
	// the file to the last proof (the sum of Stages; for the after-load
	// method, the load only).
	Seconds float64 `json:"seconds,omitempty"`
	// CPUSeconds is the CPU time (user + system, all threads) of the same
	// stages: less sensitive than wall time to other processes on the
	// machine. CPURatio is it over the lower bound's CPU time.
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
	CPURatio   float64 `json:"cpu_ratio_to_lower_bound,omitempty"`
	// ProcessSeconds is the child's whole life, start-up and extra
	// measurements included, and ProcessCPUSeconds its CPU time.
	ProcessSeconds    float64 `json:"process_seconds,omitempty"`
	ProcessCPUSeconds float64 `json:"process_cpu_seconds,omitempty"`
	// PeakRSS is the child's peak resident set size from its rusage, in
	// bytes; VmHWM is the child's own reading of its peak (Linux), which
	// excludes the runner's memory the child was cloned from.
	PeakRSS int64 `json:"peak_rss_bytes,omitempty"`
	VmHWM   int64 `json:"vmhwm_bytes,omitempty"`
	// Runs are the wall times of every run when the method ran more than
	// once (Config.Repeat); the other fields are the fastest run's.
	Runs []float64 `json:"runs_seconds,omitempty"`
	// Ratio is Seconds over the lower bound on all cores.
	Ratio   float64            `json:"ratio_to_lower_bound,omitempty"`
	Stages  []proto.Stage      `json:"stages,omitempty"`
	Root    string             `json:"root,omitempty"`
	Values  map[string]float64 `json:"values,omitempty"`
	Notes   []string           `json:"notes,omitempty"`
	Error   string             `json:"error,omitempty"`
	Skipped string             `json:"skipped,omitempty"`
}

// AfterLoad are the numbers of a prover that already holds the state's
// tree.
type AfterLoad struct {
	// Proofs extra validator proofs took ProofsSeconds: ProofMicros each.
	// ProofUnverifiedMicros is the same proofs built without ssz.Tree.Prove's
	// check of each proof against the root (proof.NewProof over Tree.Node).
	Proofs                int     `json:"proofs"`
	ProofsSeconds         float64 `json:"proofs_seconds"`
	ProofMicros           float64 `json:"proof_microseconds"`
	ProofUnverifiedMicros float64 `json:"proof_unverified_microseconds"`
	// ManySeconds is the same proofs asked for at once (ssz.Tree.ProveMany,
	// which StateProver.Validators uses): ManyMicros each.
	ManySeconds float64 `json:"prove_many_seconds"`
	ManyMicros  float64 `json:"prove_many_microseconds"`
	// PeerProofMicros is the same for the peers' trees (1,000 proofs).
	PeerProofMicros map[string]float64 `json:"peer_proof_microseconds,omitempty"`
	Multiproofs     []MultiproofSize   `json:"multiproofs,omitempty"`
	// NextReadSeconds and NextRebuildSeconds are reading the next epoch's
	// state and building its tree and root from scratch (ssz.NewTree).
	NextReadSeconds    float64 `json:"next_epoch_read_seconds"`
	NextRebuildSeconds float64 `json:"next_epoch_rebuild_seconds"`
	// NextIncrementalSeconds is the same through Incremental, when it is
	// wired; IncrementalNote says why it is not.
	NextIncrementalSeconds *float64 `json:"next_epoch_incremental_seconds,omitempty"`
	IncrementalNote        string   `json:"incremental_note,omitempty"`
}

// MultiproofSize compares a multiproof of K validators' records with K
// single proofs, in 32-byte hashes (leaves included).
type MultiproofSize struct {
	K            int     `json:"k"`
	Hashes       int     `json:"multiproof_hashes"`
	SingleHashes int     `json:"single_proofs_hashes"`
	Seconds      float64 `json:"seconds"`
}

func newReport(cfg Config) *Report {
	return &Report{
		Date:       time.Now().UTC().Format(time.RFC3339),
		Machine:    machine(),
		Command:    cfg.Command,
		Fork:       cfg.Fork,
		Preset:     "mainnet",
		Validators: cfg.Validators,
		Repeat:     cfg.Repeat,
		Validator:  cfg.Validator,
	}
}

func (r *Report) setPrepare(p childResult) {
	v := p.Values
	r.Root = p.Root
	r.StateBytes = int64(v["state_bytes"])
	r.BlockBytes = int64(v["block_bytes"])
	r.GenerateSeconds = v["generate_s"]
	r.NextEpochSeconds = v["next_epoch_s"]
	r.GeneratePeakRSS = p.peakRSS
	lb := &r.LowerBound
	lb.Hashes = uint64(v["hashes"])
	lb.Compressions = 2 * lb.Hashes
	lb.HashRate1 = v["hash_rate_1"]
	lb.HashRateN = v["hash_rate_n"]
	lb.Cores = int(v["cores"])
	lb.HashRateCPU1 = v["hash_rate_cpu_1"]
	lb.HashRateCPUN = v["hash_rate_cpu_n"]
	lb.sums()
}

// setRead records a run of the read method, keeping the fastest.
func (r *Report) setRead(p childResult) {
	lb := &r.LowerBound
	if s := p.Total(); lb.ReadSeconds == 0 || s < lb.ReadSeconds {
		lb.ReadSeconds, lb.ReadCPUSeconds = s, p.CPUSeconds
	}
	lb.sums()
}

func (lb *LowerBound) sums() {
	// Without per-thread CPU times (not Linux), fall back to wall rates.
	r1, rn := lb.HashRateCPU1, lb.HashRateCPUN
	if r1 <= 0 || rn <= 0 {
		r1, rn = lb.HashRate1, lb.HashRateN
	}
	if r1 > 0 {
		lb.Seconds1 = float64(lb.Hashes)/r1 + lb.ReadSeconds
		lb.CPUSeconds = float64(lb.Hashes)/r1 + lb.ReadCPUSeconds
	}
	if rn > 0 {
		lb.SecondsN = float64(lb.Hashes)/rn + lb.ReadSeconds
	}
}

func (m *Measurement) set(res childResult) {
	m.Stages = res.Stages
	m.Root = res.Root
	m.Values = res.Values
	m.Notes = res.Notes
	m.Error = res.Error
	m.PeakRSS = res.peakRSS
	m.ProcessSeconds = res.procSeconds
	m.ProcessCPUSeconds = res.cpuSeconds
	m.CPUSeconds = res.Response.CPUSeconds
	m.VmHWM = int64(res.Values["vmhwm_bytes"])
	delete(m.Values, "vmhwm_bytes")
	if len(m.Values) == 0 {
		m.Values = nil
	}
	if m.Error == "" {
		m.Seconds = res.Total()
	}
}

// finish derives the ratios and the after-load numbers.
func (r *Report) finish() {
	r.RunnerPeakRSS = selfPeakRSS()
	r.Machine.LoadAvgEnd = loadAvg()
	peers := map[string]float64{}
	for i := range r.Methods {
		m := &r.Methods[i]
		if m.Seconds > 0 && r.LowerBound.SecondsN > 0 {
			m.Ratio = m.Seconds / r.LowerBound.SecondsN
		}
		if m.CPUSeconds > 0 && r.LowerBound.CPUSeconds > 0 {
			m.CPURatio = m.CPUSeconds / r.LowerBound.CPUSeconds
		}
		if us, ok := m.Values["extra_proof_us"]; ok {
			peers[m.Method] = us
		}
	}
	for _, m := range r.Methods {
		if m.Method != MethodAfterLoad || m.Error != "" || m.Skipped != "" {
			continue
		}
		v := m.Values
		a := &AfterLoad{
			Proofs:                int(v["proofs"]),
			ProofsSeconds:         v["proofs_s"],
			ProofMicros:           v["proof_us"],
			ProofUnverifiedMicros: v["proof_unverified_us"],
			ManySeconds:           v["proofs_many_s"],
			ManyMicros:            v["proof_many_us"],
			NextReadSeconds:       v["next_read_s"],
			NextRebuildSeconds:    v["next_rebuild_s"],
		}
		if len(peers) > 0 {
			a.PeerProofMicros = peers
		}
		if s, ok := v["next_incremental_s"]; ok {
			a.NextIncrementalSeconds = &s
		}
		for _, n := range m.Notes {
			if rest, ok := strings.CutPrefix(n, "incremental: "); ok {
				a.IncrementalNote = rest
			}
		}
		for key := range v {
			ks, ok := strings.CutPrefix(key, "multiproof_")
			if !ok || !strings.HasSuffix(ks, "_hashes") || strings.HasSuffix(ks, "_single_hashes") {
				continue
			}
			k, err := strconv.Atoi(strings.TrimSuffix(ks, "_hashes"))
			if err != nil {
				continue
			}
			p := "multiproof_" + strconv.Itoa(k)
			a.Multiproofs = append(a.Multiproofs, MultiproofSize{
				K: k, Hashes: int(v[p+"_hashes"]), SingleHashes: int(v[p+"_single_hashes"]), Seconds: v[p+"_s"],
			})
		}
		sort.Slice(a.Multiproofs, func(i, j int) bool { return a.Multiproofs[i].K < a.Multiproofs[j].K })
		r.AfterLoad = a
	}
	r.Notes = append(r.Notes,
		"wall times are measured inside each child process, from reading the state file (warm page cache) to the last proof",
		fmt.Sprintf("each method ran %d time(s), each in a new process; the fastest run is shown", r.Repeat),
		"peak RSS is the child's rusage maxrss; each method runs in its own process, one after another",
		"CPU is the user + system time of the method's stages (all threads); its lower bound is the hashes at gohashtree's 1-core rate plus the CPU time of reading the file",
		fmt.Sprintf("lower bound = %s hashes of 64 bytes (%s SHA-256 compressions: gohashtree precomputes the padding block's message schedule but still runs its 64 rounds) ÷ gohashtree's rate measured in this run per CPU second of the hashing threads (%s/s on 1 core, %s/s on %d), + reading the file in a fresh process (%.2f s, %.2f s CPU); per wall second the machine gave %s/s and %s/s during the run",
			thousands(int64(r.LowerBound.Hashes)), thousands(int64(r.LowerBound.Compressions)), rate(r.LowerBound.HashRateCPU1), rate(r.LowerBound.HashRateCPUN), r.LowerBound.Cores,
			r.LowerBound.ReadSeconds, r.LowerBound.ReadCPUSeconds, rate(r.LowerBound.HashRate1), rate(r.LowerBound.HashRateN)))
}

// Print writes the report as tables, or as indented JSON.
func (r *Report) Print(w io.Writer, asJSON bool) error {
	if asJSON {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		e.SetEscapeHTML(false)
		return e.Encode(r)
	}
	bw := bufio.NewWriter(w)
	r.printTables(bw)
	return bw.Flush()
}

func (r *Report) printTables(w io.Writer) {
	fmt.Fprintf(w, "%s mainnet-shaped BeaconState: %s validators, %s bytes (generated in %.1f s, peak RSS %s); root %s\n",
		r.Fork, thousands(int64(r.Validators)), thousands(r.StateBytes), r.GenerateSeconds, mb(r.GeneratePeakRSS), r.Root)
	fmt.Fprintf(w, "machine: %s, %d CPUs (GOMAXPROCS %d), %s, %s/%s; %s; load average %.1f at the start, %.1f at the end\n",
		r.Machine.CPU, r.Machine.CPUs, r.Machine.GOMAXPROCS, r.Machine.Go, r.Machine.OS, r.Machine.Arch, r.Date, r.Machine.LoadAvgStart, r.Machine.LoadAvgEnd)
	fmt.Fprintf(w, "command: %s\n\n", r.Command)

	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "method\twall\tpeak RSS\t× lower bound\tCPU\tCPU × lower bound\tstages (s)")
	for _, m := range r.Methods {
		if m.Method == MethodAfterLoad || m.Method == MethodWatchCycle {
			continue
		}
		switch {
		case m.Skipped != "":
			fmt.Fprintf(tw, "%s\t—\t—\t\t\t\tskipped: %s\n", m.Label, m.Skipped)
		case m.Error != "":
			fmt.Fprintf(tw, "%s\t—\t%s\t\t\t\tFAILED: %s\n", m.Label, mb(m.PeakRSS), m.Error)
		default:
			fmt.Fprintf(tw, "%s\t%.2f s\t%s\t%.1f×\t%.2f s\t%.1f×\t%s\n", m.Label, m.Seconds, mb(m.PeakRSS), m.Ratio, m.CPUSeconds, m.CPURatio, stages(m.Stages))
		}
	}
	lb := r.LowerBound
	fmt.Fprintf(tw, "lower bound, %d cores\t%.2f s\t—\t1.0×\t%.2f s\t1.0×\thash %.2f · read %.2f\n",
		lb.Cores, lb.SecondsN, lb.CPUSeconds, lb.SecondsN-lb.ReadSeconds, lb.ReadSeconds)
	ratio1 := 0.0
	if lb.SecondsN > 0 {
		ratio1 = lb.Seconds1 / lb.SecondsN
	}
	fmt.Fprintf(tw, "lower bound, 1 core\t%.2f s\t—\t%.1f×\t\t\thash %.2f · read %.2f\n",
		lb.Seconds1, ratio1, lb.Seconds1-lb.ReadSeconds, lb.ReadSeconds)
	tw.Flush()

	for _, m := range r.Methods {
		if m.Method != MethodAfterLoad {
			continue
		}
		fmt.Fprintln(w)
		switch {
		case m.Skipped != "":
			fmt.Fprintf(w, "after load: skipped: %s\n", m.Skipped)
			continue
		case m.Error != "":
			fmt.Fprintf(w, "after load: FAILED: %s\n", m.Error)
			continue
		}
		a := r.AfterLoad
		fmt.Fprintf(w, "after load (beaconproof, the state's tree in memory; load %.2f s, peak RSS %s with the next epoch's tree):\n", m.Seconds, mb(m.PeakRSS))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintf(tw, "extra validator proofs, all at once (Tree.ProveMany)\t%.1f µs each\t%s random validators in %.3f s, verified together\n",
			a.ManyMicros, thousands(int64(a.Proofs)), a.ManySeconds)
		fmt.Fprintf(tw, "extra validator proof, one at a time (Tree.Prove)\t%.1f µs each\t%s random validators in %.3f s; %.1f µs each without Prove's check against the root\n",
			a.ProofMicros, thousands(int64(a.Proofs)), a.ProofsSeconds, a.ProofUnverifiedMicros)
		var peerNames []string
		for p := range a.PeerProofMicros {
			peerNames = append(peerNames, p)
		}
		sort.Strings(peerNames)
		for _, p := range peerNames {
			fmt.Fprintf(tw, "  %s\t%.1f µs each\t1,000 random validators\n", label(r, p), a.PeerProofMicros[p])
		}
		for _, mp := range a.Multiproofs {
			fmt.Fprintf(tw, "multiproof of %s validator%s\t%s hashes\tvs %s in %s single proofs (%.0f%%); built in %.4f s\n",
				thousands(int64(mp.K)), plural(mp.K), thousands(int64(mp.Hashes)), thousands(int64(mp.SingleHashes)), thousands(int64(mp.K)),
				100*float64(mp.Hashes)/float64(max(mp.SingleHashes, 1)), mp.Seconds)
		}
		fmt.Fprintf(tw, "next epoch's state, NewTree + root (no reuse)\t%.2f s\tplus %.2f s to read it\n", a.NextRebuildSeconds, a.NextReadSeconds)
		if a.NextIncrementalSeconds != nil {
			fmt.Fprintf(tw, "next epoch's state, incremental\t%.3f s\t\n", *a.NextIncrementalSeconds)
		} else {
			fmt.Fprintf(tw, "next epoch's state, incremental\tn/a\t%s\n", a.IncrementalNote)
		}
		tw.Flush()
	}
	r.printWatchCycle(w)
	printNetwork(w, r.Network)
	fmt.Fprintln(w)
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func label(r *Report, method string) string {
	for _, m := range r.Methods {
		if m.Method == method {
			return m.Label
		}
	}
	return method
}

func stages(ss []proto.Stage) string {
	parts := make([]string, 0, len(ss))
	for _, s := range ss {
		v := strconv.FormatFloat(s.Seconds, 'f', 2, 64)
		if s.Seconds < 0.005 {
			v = strconv.FormatFloat(s.Seconds, 'g', 2, 64)
		}
		parts = append(parts, s.Name+" "+v)
	}
	return strings.Join(parts, " · ")
}

// mb formats a size in MiB.
func mb(b int64) string {
	if b <= 0 {
		return "—"
	}
	return fmt.Sprintf("%s MiB", thousands((b+(1<<19))>>20))
}

func rate(r float64) string {
	return fmt.Sprintf("%.2f M", r/1e6)
}

// thousands formats n with commas.
func thousands(n int64) string {
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// machine describes this machine.
func machine() Machine {
	m := Machine{
		CPU:        runtime.GOARCH,
		CPUs:       runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		OS:         runtime.GOOS,
		Arch:       runtime.GOARCH,
		Go:         runtime.Version(),
	}
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				m.CPU = strings.TrimSpace(v)
				break
			}
		}
	}
	m.LoadAvgStart = loadAvg()
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			f := strings.Fields(line)
			if len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					m.MemBytes = kb << 10
				}
			}
		}
	}
	return m
}

// loadAvg returns the 1-minute load average, or 0 where unknown.
func loadAvg() float64 {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) == 0 {
		return 0
	}
	v, _ := strconv.ParseFloat(f[0], 64)
	return v
}

// printWatchCycle prints the watcher's cycle: its peak RSS against the
// state's size, and its stages.
func (r *Report) printWatchCycle(w io.Writer) {
	for _, m := range r.Methods {
		if m.Method != MethodWatchCycle {
			continue
		}
		fmt.Fprintln(w)
		switch {
		case m.Skipped != "":
			fmt.Fprintf(w, "watcher's cycle: skipped: %s\n", m.Skipped)
			continue
		case m.Error != "":
			fmt.Fprintf(w, "watcher's cycle: FAILED: %s\n", m.Error)
			continue
		}
		size := int64(m.Values["state_bytes"])
		ratio := 0.0
		if size > 0 {
			ratio = float64(m.PeakRSS) / float64(size)
		}
		fmt.Fprintf(w, "watcher's cycle (each epoch's state read into memory, hashed — Prover.Next after the first — proved and released before the next is read): peak RSS %s = %.2f × the state's %s; %.2f s\n",
			mb(m.PeakRSS), ratio, mb(size), m.Seconds)
		fmt.Fprintf(w, "  stages (s): %s\n", stages(m.Stages))
		cold := m.Values["hash_cpu_0_s"]
		for k := 1; k < len(watchEpochs); k++ {
			if c, ok := m.Values[fmt.Sprintf("hash_cpu_%d_s", k)]; ok && cold > 0 {
				fmt.Fprintf(w, "  hashing the %s with Prover.Next: %.3f s of CPU = %.0f%% of the cold hash's %.3f s\n", watchEpochs[k], c, 100*c/cold, cold)
			}
		}
	}
}
