// Package proto is the protocol between the benchmark runner and the
// subprocesses it measures: the runner writes one Request as JSON to the
// child's standard input, the child runs the method, times its stages and
// writes one Response as JSON to its standard output. The runner reads the
// child's peak memory from the operating system when it exits.
//
// Both the beaconproof binary (re-executed in child mode) and the peers'
// binary (internal/bench/cmd/benchpeers) speak it; the package has no
// dependencies so that either can import it.
package proto

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// Request says what one child runs.
type Request struct {
	// Method names the method (see the runner's method list).
	Method string `json:"method"`
	// Fork and Preset name the state's schema ("fulu", "mainnet").
	Fork   string `json:"fork"`
	Preset string `json:"preset"`
	// StatePath is the SSZ file of the state to load.
	StatePath string `json:"state_path"`
	// NextPath is the SSZ file of the next epoch's state (after-load
	// method only).
	NextPath string `json:"next_path,omitempty"`
	// Validator is the index of the validator whose record the cold path
	// proves.
	Validator uint64 `json:"validator"`
	// Proofs is how many extra validator proofs to time after the load.
	Proofs int `json:"proofs,omitempty"`
	// MultiproofK lists the numbers of validators of the multiproofs to
	// build (after-load method only).
	MultiproofK []int `json:"multiproof_k,omitempty"`
	// Seed picks the random validators of the extra proofs.
	Seed uint64 `json:"seed"`
	// Validators is the registry size of the state to generate, and Dir
	// the directory to write it to (prepare method only).
	Validators int    `json:"validators,omitempty"`
	Dir        string `json:"dir,omitempty"`
	// URL is the beacon API the network methods fetch the state from.
	URL string `json:"url,omitempty"`
	// RateBytes is the rate, in bytes per second, at which the network
	// path's server sends the state; 0 means unthrottled.
	RateBytes float64 `json:"rate_bytes,omitempty"`
	// HashRateMillis is how long each round of the gohashtree throughput
	// measurement lasts (prepare method only).
	HashRateMillis int `json:"hash_rate_millis,omitempty"`
}

// Stage is one timed step of a method.
type Stage struct {
	Name    string  `json:"name"`
	Seconds float64 `json:"seconds"`
}

// Response is what a child reports.
type Response struct {
	Method string `json:"method"`
	// Stages are the method's steps in order; their sum is the method's
	// wall time.
	Stages []Stage `json:"stages"`
	// CPUSeconds is the process's CPU time (user + system, all threads)
	// from the start of the timer to the last stage: the CPU the stages
	// used, which other processes on the machine disturb much less than
	// wall time.
	CPUSeconds float64 `json:"cpu_seconds,omitempty"`
	// Root is the hash tree root the method computed, 0x-hex.
	Root string `json:"root,omitempty"`
	// Values holds the method's other results by name (microseconds per
	// proof, proof sizes in hashes, ...).
	Values map[string]float64 `json:"values,omitempty"`
	// Notes are remarks on how the method ran.
	Notes []string `json:"notes,omitempty"`
	// Error is set when the method failed.
	Error string `json:"error,omitempty"`
}

// Timer records the stages of a Response.
type Timer struct {
	R    *Response
	last time.Time
	cpu0 float64
}

// NewTimer starts timing the stages of r.
func NewTimer(r *Response) *Timer { return &Timer{R: r, last: time.Now(), cpu0: cpuNow()} }

// Restart resets the timer's clock without recording a stage: what ran
// since the last stage is not measured.
func (t *Timer) Restart() { t.last = time.Now() }

// Stage records the time since the previous stage (or the start) as the
// named stage and returns it in seconds.
func (t *Timer) Stage(name string) float64 {
	now := time.Now()
	s := now.Sub(t.last).Seconds()
	t.R.Stages = append(t.R.Stages, Stage{Name: name, Seconds: s})
	t.R.CPUSeconds = cpuNow() - t.cpu0
	t.last = now
	return s
}

// PeakRSS returns the process's peak resident set size so far (VmHWM on
// Linux), in bytes; 0 where it is not known.
func PeakRSS() int64 { return vmHWM() }

// CPU returns the process's CPU time (user + system, all threads) since
// the Timer was made, in seconds.
func (t *Timer) CPU() float64 { return cpuNow() - t.cpu0 }

// Elapsed returns the seconds since the last stage (or the start or
// Restart) without recording a stage.
func (t *Timer) Elapsed() float64 { return time.Since(t.last).Seconds() }

// Set records a named value.
func (r *Response) Set(name string, v float64) {
	if r.Values == nil {
		r.Values = map[string]float64{}
	}
	r.Values[name] = v
}

// Total returns the sum of the stages, in seconds.
func (r *Response) Total() float64 {
	var s float64
	for _, st := range r.Stages {
		s += st.Seconds
	}
	return s
}

// Serve reads a Request from in, runs it with run and writes the Response
// to out. A panic or error of run is reported in Response.Error. It
// returns the exit code for the child: 0 when a response was written.
func Serve(in io.Reader, out io.Writer, run func(Request, *Response) error) int {
	var req Request
	if err := json.NewDecoder(in).Decode(&req); err != nil {
		fmt.Fprintf(out, `{"error":%q}`+"\n", "bad request: "+err.Error())
		return 2
	}
	resp := &Response{Method: req.Method}
	func() {
		defer func() {
			if p := recover(); p != nil {
				resp.Error = fmt.Sprintf("panic: %v", p)
			}
		}()
		if err := run(req, resp); err != nil {
			resp.Error = err.Error()
		}
	}()
	if hwm := vmHWM(); hwm > 0 {
		resp.Set("vmhwm_bytes", float64(hwm))
	}
	if err := json.NewEncoder(out).Encode(resp); err != nil {
		return 1
	}
	return 0
}

// vmHWM returns the process's peak resident set size in bytes as Linux
// counts it for the running program only (VmHWM of /proc/self/status), or
// 0 where there is no such file. Unlike the rusage of a child, it does not
// include the memory of the parent that started the process.
func vmHWM() int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) >= 2 && string(f[0]) == "VmHWM:" {
			kb, err := strconv.ParseInt(string(f[1]), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
