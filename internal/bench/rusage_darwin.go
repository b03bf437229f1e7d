package bench

import (
	"os"
	"syscall"
)

// peakRSS returns the peak resident set size of an exited child, in bytes
// (macOS reports Maxrss in bytes).
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return ru.Maxrss
	}
	return 0
}

// selfPeakRSS returns the runner's own peak resident set size in bytes.
func selfPeakRSS() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Maxrss
}
