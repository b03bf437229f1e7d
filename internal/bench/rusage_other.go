//go:build !linux && !darwin

package bench

import "os"

// peakRSS is not measured on this platform.
func peakRSS(*os.ProcessState) int64 { return 0 }

// selfPeakRSS is not measured on this platform.
func selfPeakRSS() int64 { return 0 }
