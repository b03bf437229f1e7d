package beaconstate

import "golang.org/x/sys/unix"

// mmapFlags maps a file privately and populates the mapping at once: for a
// state in the page cache that is one pass over the page tables instead of
// a fault on every 4 KiB page as the hashing reaches it.
const mmapFlags = unix.MAP_PRIVATE | unix.MAP_POPULATE
