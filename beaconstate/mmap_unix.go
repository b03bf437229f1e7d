//go:build unix

package beaconstate

import (
	"os"

	"golang.org/x/sys/unix"
)

// mmapFile maps the first size bytes of f read-only. The returned function
// unmaps them.
func mmapFile(f *os.File, size int64) ([]byte, func() error, error) {
	if int64(int(size)) != size {
		return nil, nil, unix.EINVAL
	}
	b, err := unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, mmapFlags)
	if err != nil {
		return nil, nil, err
	}
	return b, func() error { return unix.Munmap(b) }, nil
}

// reserveAnon maps size bytes of private anonymous memory for reading and
// writing. Only the pages written cost memory. The returned function
// unmaps it.
func reserveAnon(size int64) ([]byte, func() error, error) {
	if int64(int(size)) != size {
		return nil, nil, unix.EINVAL
	}
	b, err := unix.Mmap(-1, 0, int(size), unix.PROT_READ|unix.PROT_WRITE, anonFlags)
	if err != nil {
		return nil, nil, err
	}
	adviseHuge(b)
	return b, func() error { return unix.Munmap(b) }, nil
}
