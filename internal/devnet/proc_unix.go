//go:build unix

package devnet

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"syscall"
	"time"
)

// stopProcess sends SIGTERM to pid, then SIGKILL if it is still alive
// after grace, and waits until it is gone. The node is not our child
// (start.sh started it in the background), so it is polled, not waited
// for; a zombie counts as gone.
func stopProcess(pid int, grace time.Duration) error {
	if err := syscall.Kill(pid, syscall.SIGTERM); err != nil {
		if errors.Is(err, syscall.ESRCH) {
			return nil
		}
		return fmt.Errorf("devnet: stop node %d: %w", pid, err)
	}
	if waitGone(pid, grace) {
		return nil
	}
	if err := syscall.Kill(pid, syscall.SIGKILL); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("devnet: kill node %d: %w", pid, err)
	}
	if waitGone(pid, 10*time.Second) {
		return nil
	}
	return fmt.Errorf("devnet: node %d still runs after SIGKILL", pid)
}

// waitGone polls until pid is gone or a zombie, for at most d.
func waitGone(pid int, d time.Duration) bool {
	deadline := time.Now().Add(d)
	for {
		if !alive(pid) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// alive reports whether pid runs (and is not a zombie).
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return !os.IsNotExist(err) // no /proc (darwin): trust kill -0
	}
	// pid (comm) STATE ...: comm may hold spaces and parentheses.
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z'
	}
	return true
}
