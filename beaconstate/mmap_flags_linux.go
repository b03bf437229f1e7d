package beaconstate

import "golang.org/x/sys/unix"

// mmapFlags maps a file privately and populates the mapping at once: for a
// state in the page cache that is one pass over the page tables instead of
// a fault on every 4 KiB page as the hashing reaches it.
const mmapFlags = unix.MAP_PRIVATE | unix.MAP_POPULATE

// anonFlags reserve private memory without committing swap for it.
const anonFlags = unix.MAP_PRIVATE | unix.MAP_ANON | unix.MAP_NORESERVE

// adviseHuge asks for huge pages where the kernel leaves them to madvise:
// a 300 MB read then takes a few hundred page faults, not 75,000.
func adviseHuge(b []byte) { _ = unix.Madvise(b, unix.MADV_HUGEPAGE) }
