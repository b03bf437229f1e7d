package bench

import (
	"os"
	"syscall"
)

// peakRSS returns the peak resident set size of an exited child, in bytes:
// Linux reports Maxrss in kilobytes. It is at least the runner's own peak
// when the child started (the child was cloned from the runner's memory
// before it executed its program), which is why the runner stays small.
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss << 10
	}
	return 0
}

// selfPeakRSS returns the runner's own peak resident set size in bytes.
func selfPeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss << 10
}
