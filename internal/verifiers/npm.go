package verifiers

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Package is an npm package at an exact version.
type Package struct {
	Name, Version string
}

// The npm packages the contracts compile with.
var (
	Solc0830     = Package{"solc", "0.8.30"}
	Solc0824     = Package{"solc", "0.8.24"}
	OpenZeppelin = Package{"@openzeppelin/contracts", "5.0.2"}
)

func (p Package) String() string { return p.Name + "@" + p.Version }

// dir is the package's folder name in the cache.
func (p Package) dir() string { return strings.ReplaceAll(p.String(), "/", "+") }

// installedVersion returns the version of the package installed under
// nodeModules, or "".
func (p Package) installedVersion(nodeModules string) string {
	b, err := os.ReadFile(filepath.Join(nodeModules, filepath.FromSlash(p.Name), "package.json"))
	if err != nil {
		return ""
	}
	var pkg struct {
		Version string `json:"version"`
	}
	if json.Unmarshal(b, &pkg) != nil {
		return ""
	}
	return pkg.Version
}

// Install installs the package from the npm registry into its own folder
// of the cache, unless it is there already, and returns the node_modules
// folder that holds it. Concurrent installs (of several test binaries)
// each install into a temporary folder and rename it into place; the
// first rename wins.
func Install(ctx context.Context, p Package) (string, error) {
	cache, err := CacheDir()
	if err != nil {
		return "", fmt.Errorf("npm %s: %w", p, err)
	}
	final := filepath.Join(cache, "npm", p.dir())
	nodeModules := filepath.Join(final, "node_modules")
	if p.installedVersion(nodeModules) == p.Version {
		return nodeModules, nil
	}
	if err := os.MkdirAll(filepath.Dir(final), 0o755); err != nil {
		return "", fmt.Errorf("npm %s: %w", p, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(final), ".install-")
	if err != nil {
		return "", fmt.Errorf("npm %s: %w", p, err)
	}
	defer os.RemoveAll(tmp)
	cmd := exec.CommandContext(ctx, "npm", "install", "--prefix", tmp, "--no-save", "--no-package-lock",
		"--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error", p.String())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("npm install %s: %w\n%s", p, err, out.Bytes())
	}
	if v := p.installedVersion(filepath.Join(tmp, "node_modules")); v != p.Version {
		return "", fmt.Errorf("npm install %s installed version %q", p, v)
	}
	// A stale or partial folder (an interrupted older install) goes first.
	if p.installedVersion(nodeModules) != p.Version {
		if err := os.RemoveAll(final); err != nil {
			return "", fmt.Errorf("npm %s: %w", p, err)
		}
	}
	if err := os.Rename(tmp, final); err != nil && !errors.Is(err, os.ErrExist) && p.installedVersion(nodeModules) != p.Version {
		return "", fmt.Errorf("npm %s: %w", p, err)
	}
	if p.installedVersion(nodeModules) != p.Version {
		return "", fmt.Errorf("npm %s: not installed in %s", p, final)
	}
	return nodeModules, nil
}
