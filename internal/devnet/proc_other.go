//go:build !unix

package devnet

import (
	"fmt"
	"os"
	"time"
)

// stopProcess kills pid; start.sh only runs on unix, so this is not used
// in practice.
func stopProcess(pid int, _ time.Duration) error {
	p, err := os.FindProcess(pid)
	if err != nil {
		return fmt.Errorf("devnet: stop node %d: %w", pid, err)
	}
	return p.Kill()
}
