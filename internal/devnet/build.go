package devnet

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/gofrs/flock"
)

// LodestarDir returns the folder Build builds Lodestar into.
func (r *Recipe) LodestarDir() string {
	return filepath.Join(r.Cache, "lodestar-"+LodestarVersion)
}

// built reports whether the cache holds a finished build (setup.sh's
// .ready marker).
func (r *Recipe) built() bool {
	_, err := os.Stat(filepath.Join(r.LodestarDir(), ".ready"))
	return err == nil
}

// Build builds Lodestar into the cache with the recipe's setup.sh, once
// per machine: a finished build is reused, and a lock file lets one
// process build while the others wait. It returns the build's folder.
// The build's output goes to a log beside it, named in errors.
func (r *Recipe) Build(ctx context.Context) (string, error) {
	dir := r.LodestarDir()
	if r.built() {
		return dir, nil
	}
	if err := os.MkdirAll(r.Cache, 0o755); err != nil {
		return "", fmt.Errorf("devnet: cache folder: %w", err)
	}
	lock := flock.New(dir + ".lock")
	ok, err := lock.TryLockContext(ctx, time.Second)
	if err != nil || !ok {
		return "", fmt.Errorf("devnet: lock %s: %v", lock.Path(), err)
	}
	defer lock.Unlock()
	if r.built() { // another process built it while we waited
		return dir, nil
	}
	logPath := dir + ".setup.log"
	log, err := os.Create(logPath)
	if err != nil {
		return "", fmt.Errorf("devnet: %w", err)
	}
	defer log.Close()
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(r.Dir, "setup.sh"), dir)
	cmd.Env = cleanEnv()
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("devnet: building Lodestar with %s failed (%v); see %s", filepath.Join(r.Dir, "setup.sh"), err, logPath)
	}
	if !r.built() {
		return "", fmt.Errorf("devnet: %s finished without a build in %s; see %s", filepath.Join(r.Dir, "setup.sh"), dir, logPath)
	}
	return dir, nil
}

// cleanEnv is the environment without LODESTAR_* variables, which
// Lodestar would read as flags.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "LODESTAR_") {
			env = append(env, kv)
		}
	}
	return env
}
