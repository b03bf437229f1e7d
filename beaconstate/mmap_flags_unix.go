//go:build unix && !linux

package beaconstate

import "golang.org/x/sys/unix"

// mmapFlags maps a file privately.
const mmapFlags = unix.MAP_PRIVATE

// anonFlags reserve private memory.
const anonFlags = unix.MAP_PRIVATE | unix.MAP_ANON

// adviseHuge is a no-op where huge pages are not asked for by madvise.
func adviseHuge([]byte) {}
