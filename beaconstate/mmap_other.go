//go:build !unix

package beaconstate

import (
	"errors"
	"os"
)

// mmapFile is not available on this platform: LoadFile reads the file.
func mmapFile(f *os.File, size int64) ([]byte, func() error, error) {
	return nil, nil, errors.New("memory mapping not supported")
}

// reserveAnon is not available on this platform: Load grows a buffer.
func reserveAnon(size int64) ([]byte, func() error, error) {
	return nil, nil, errors.New("memory mapping not supported")
}
