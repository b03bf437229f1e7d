//go:build linux || darwin

package proto

import "syscall"

// cpuNow returns the CPU time (user + system) of the process so far, in
// seconds.
func cpuNow() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
