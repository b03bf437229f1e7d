package verifiers

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
)

//go:embed compile.js
var compileJS string

// Compilation is one solc run: the sources, the folders their imports are
// read from, and the settings.
type Compilation struct {
	// Solc is the solc-js package to compile with.
	Solc Package
	// Packages are other npm packages the sources import; their
	// node_modules folders are roots after Roots.
	Packages []Package
	// Files are the entry points: source unit names, paths relative to a
	// root ("contracts/contract/util/BeaconStateVerifier.sol").
	Files []string
	// Inline are sources given by content, by source unit name (this
	// package's own contracts).
	Inline map[string]string
	// Roots are the folders imports are resolved against, in order.
	Roots []string
	// Optimizer runs (0: optimizer off), EVM version ("" for the
	// compiler's default) and whether the metadata hash is left out of the
	// bytecode.
	Runs           int
	EVMVersion     string
	NoBytecodeHash bool
}

// Contract is a compiled contract.
type Contract struct {
	// Name is "source unit:contract name".
	Name string
	// Compiler is the solc version string.
	Compiler         string
	ABI              abi.ABI
	Bytecode         []byte // creation code
	DeployedBytecode []byte
}

// Contracts are the contracts of a compilation, by "source unit:name".
type Contracts map[string]*Contract

// Get returns the contract, or an error naming the ones there are.
func (cs Contracts) Get(name string) (*Contract, error) {
	if c, ok := cs[name]; ok {
		return c, nil
	}
	var names []string
	for n := range cs {
		names = append(names, n)
	}
	sort.Strings(names)
	return nil, fmt.Errorf("no contract %s (have %s)", name, strings.Join(names, ", "))
}

type solcOutput struct {
	Version string `json:"version"`
	Output  struct {
		Errors []struct {
			Severity         string `json:"severity"`
			FormattedMessage string `json:"formattedMessage"`
			Message          string `json:"message"`
		} `json:"errors"`
		Contracts map[string]map[string]struct {
			ABI json.RawMessage `json:"abi"`
			EVM struct {
				Bytecode         struct{ Object string } `json:"bytecode"`
				DeployedBytecode struct{ Object string } `json:"deployedBytecode"`
			} `json:"evm"`
		} `json:"contracts"`
	} `json:"output"`
}

// input returns the standard JSON input.
func (c Compilation) input() (map[string]any, error) {
	sources := map[string]any{}
	for _, f := range c.Files {
		content, err := readFromRoots(c.Roots, f)
		if err != nil {
			return nil, err
		}
		sources[f] = map[string]string{"content": content}
	}
	for name, content := range c.Inline {
		sources[name] = map[string]string{"content": content}
	}
	settings := map[string]any{
		"optimizer":       map[string]any{"enabled": c.Runs > 0, "runs": max(c.Runs, 200)},
		"outputSelection": map[string]any{"*": map[string]any{"*": []string{"abi", "evm.bytecode.object", "evm.deployedBytecode.object"}}},
	}
	if c.EVMVersion != "" {
		settings["evmVersion"] = c.EVMVersion
	}
	if c.NoBytecodeHash {
		settings["metadata"] = map[string]any{"bytecodeHash": "none"}
	}
	return map[string]any{"language": "Solidity", "sources": sources, "settings": settings}, nil
}

func readFromRoots(roots []string, name string) (string, error) {
	for _, r := range roots {
		b, err := os.ReadFile(filepath.Join(r, filepath.FromSlash(name)))
		if err == nil {
			return string(b), nil
		}
	}
	return "", fmt.Errorf("source %s not found in %s", name, strings.Join(roots, ", "))
}

// cacheKey hashes everything the output depends on: the script, the
// compiler, the input (settings and entry sources) and every .sol file
// under the roots (the sources imports may read).
func cacheKey(c Compilation, roots []string, input []byte) (string, error) {
	h := sha256.New()
	fmt.Fprintf(h, "compile.js\x00%s\x00%s\x00", compileJS, c.Solc)
	h.Write(input)
	for _, r := range roots {
		var files []string
		err := filepath.WalkDir(r, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && strings.HasSuffix(p, ".sol") {
				files = append(files, p)
			}
			return nil
		})
		if err != nil {
			return "", err
		}
		sort.Strings(files)
		for _, f := range files {
			b, err := os.ReadFile(f)
			if err != nil {
				return "", err
			}
			rel, _ := filepath.Rel(r, f)
			fmt.Fprintf(h, "\x00%s\x00%d\x00", filepath.ToSlash(rel), len(b))
			h.Write(b)
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Compile compiles with solc-js through node, installing the compiler and
// packages first when needed, and caches the output by the hash of
// everything that goes into it. Compiler errors fail; warnings are
// ignored.
func Compile(ctx context.Context, c Compilation) (Contracts, error) {
	solcModules, err := Install(ctx, c.Solc)
	if err != nil {
		return nil, err
	}
	roots := append([]string(nil), c.Roots...)
	for _, p := range c.Packages {
		nm, err := Install(ctx, p)
		if err != nil {
			return nil, err
		}
		roots = append(roots, nm)
	}
	c.Roots = roots
	in, err := c.input()
	if err != nil {
		return nil, err
	}
	inJSON, err := json.Marshal(in)
	if err != nil {
		return nil, err
	}
	key, err := cacheKey(c, roots, inJSON)
	if err != nil {
		return nil, err
	}
	cache, err := CacheDir()
	if err != nil {
		return nil, err
	}
	cached := filepath.Join(cache, "solc-out", key+".json")
	out, err := os.ReadFile(cached)
	if err != nil {
		req, err := json.Marshal(map[string]any{"solc": filepath.Join(solcModules, "solc"), "roots": roots, "input": in})
		if err != nil {
			return nil, err
		}
		cmd := exec.CommandContext(ctx, "node", "-e", compileJS)
		var stderr bytes.Buffer
		cmd.Stdin, cmd.Stderr = bytes.NewReader(req), &stderr
		if out, err = cmd.Output(); err != nil {
			return nil, fmt.Errorf("solc %s: %w\n%s", c.Solc.Version, err, stderr.Bytes())
		}
		if err := parseOutput(out, nil); err != nil {
			return nil, err
		}
		if err := writeAtomic(cached, out); err != nil {
			return nil, err
		}
	}
	cs := Contracts{}
	return cs, parseOutput(out, cs)
}

// parseOutput checks the compiler's output for errors and, with cs, reads
// its contracts into cs.
func parseOutput(out []byte, cs Contracts) error {
	var o solcOutput
	if err := json.Unmarshal(out, &o); err != nil {
		return fmt.Errorf("solc output: %w", err)
	}
	var errs []string
	for _, e := range o.Output.Errors {
		if e.Severity == "error" {
			errs = append(errs, e.FormattedMessage+e.Message)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("solc %s: %s", o.Version, strings.Join(errs, "\n"))
	}
	if cs == nil {
		return nil
	}
	for unit, byName := range o.Output.Contracts {
		for name, out := range byName {
			parsed, err := abi.JSON(bytes.NewReader(out.ABI))
			if err != nil {
				return fmt.Errorf("%s:%s: ABI: %w", unit, name, err)
			}
			code, err := hex.DecodeString(out.EVM.Bytecode.Object)
			if err != nil {
				return fmt.Errorf("%s:%s: bytecode: %w", unit, name, err)
			}
			deployed, err := hex.DecodeString(out.EVM.DeployedBytecode.Object)
			if err != nil {
				return fmt.Errorf("%s:%s: deployed bytecode: %w", unit, name, err)
			}
			cs[unit+":"+name] = &Contract{Name: unit + ":" + name, Compiler: o.Version, ABI: parsed, Bytecode: code, DeployedBytecode: deployed}
		}
	}
	return nil
}

// writeAtomic writes the file through a temporary one and a rename.
func writeAtomic(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(name), ".tmp-")
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(f.Name())
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return err
	}
	if err := os.Rename(f.Name(), name); err != nil {
		os.Remove(f.Name())
		return err
	}
	return nil
}
