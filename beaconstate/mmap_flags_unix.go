//go:build unix && !linux

package beaconstate

import "golang.org/x/sys/unix"

// mmapFlags maps a file privately.
const mmapFlags = unix.MAP_PRIVATE
