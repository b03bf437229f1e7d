//go:build !linux && !darwin

package proto

// cpuNow is not measured on this platform.
func cpuNow() float64 { return 0 }
