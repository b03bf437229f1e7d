package devnet

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Node is a running Lodestar dev chain started by start.sh.
type Node struct {
	// URL is the node's Beacon API, http://127.0.0.1:PORT.
	URL string
	// RESTPort and P2PPort are the ports it listens on (127.0.0.1).
	RESTPort, P2PPort int
	// Archive reports whether it keeps every finalized epoch's state.
	Archive bool
	// PID is the node's process id.
	PID int
	// Log is the node's log file.
	Log string

	recipe   *Recipe
	lodestar string
	dir      string // the node's temporary folder: data and log
}

// StartOptions say how to start a node.
type StartOptions struct {
	// Archive starts an archive node (ARCHIVE=1): it keeps the state of
	// every finalized epoch.
	Archive bool
}

// Start starts a node of the chain built in lodestar (Build's folder) on
// free loopback ports with start.sh, which returns once the node has made
// its first block (about 10 s). Stop it with Stop. It tries three times:
// another process may take a free port first, and a node that takes more
// than about 20 s to start (on a busy machine) finds its genesis (5 s after
// its launch) more than an epoch past, takes itself for a node that is
// syncing, and never proposes.
func (r *Recipe) Start(ctx context.Context, lodestar string, opts StartOptions) (*Node, error) {
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		var n *Node
		if n, err = r.start(ctx, lodestar, opts); err == nil {
			return n, nil
		}
		select {
		case <-ctx.Done():
			return nil, err
		case <-time.After(5 * time.Second):
		}
	}
	return nil, err
}

func (r *Recipe) start(ctx context.Context, lodestar string, opts StartOptions) (*Node, error) {
	rest, err := freePort()
	if err != nil {
		return nil, err
	}
	p2p, err := freePort()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "beaconproof-devnet-*")
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	n := &Node{
		URL: fmt.Sprintf("http://127.0.0.1:%d", rest), RESTPort: rest, P2PPort: p2p, Archive: opts.Archive,
		Log: filepath.Join(dir, "lodestar.log"), recipe: r, lodestar: lodestar, dir: dir,
	}
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(r.Dir, "start.sh"), lodestar, filepath.Join(dir, "data"), n.Log,
		strconv.Itoa(rest), strconv.Itoa(p2p))
	cmd.Env = cleanEnv()
	if opts.Archive {
		cmd.Env = append(cmd.Env, "ARCHIVE=1")
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tail := n.LogTail(5)
		os.RemoveAll(dir)
		hint := ""
		if strings.Contains(tail, "Node is syncing") {
			hint = " (the node started too slowly, on a busy machine: its genesis had passed and it waited for peers to sync from)"
		}
		return nil, fmt.Errorf("devnet: start.sh (REST port %d, p2p port %d): %v: %s%s; log: %s", rest, p2p, err, strings.TrimSpace(stderr.String()), hint, tail)
	}
	if n.PID, err = strconv.Atoi(strings.TrimSpace(string(out))); err != nil || n.PID <= 1 {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("devnet: start.sh printed %q, not a PID", out)
	}
	return n, nil
}

// freePort returns a loopback port that is free for TCP and UDP (libp2p
// listens on TCP, discv5 on UDP).
func freePort() (int, error) {
	for i := 0; i < 20; i++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("devnet: free port: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		u, err := net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", port))
		l.Close()
		if err == nil {
			u.Close()
			return port, nil
		}
	}
	return 0, errors.New("devnet: no free loopback port for both TCP and UDP")
}

// Stop stops the node (SIGTERM, then SIGKILL after 20 s), waits until its
// process is gone and removes its folder. Stopping a stopped node does
// nothing.
func (n *Node) Stop() error {
	if n.PID == 0 {
		return nil
	}
	err := stopProcess(n.PID, 20*time.Second)
	n.PID = 0
	if err == nil {
		err = os.RemoveAll(n.dir)
	}
	return err
}

// Exit runs the recipe's exit.sh on the node: validators first..last get
// execution-address credentials (0x…beef00 + i) and validator index
// submits a voluntary exit (about 15 s).
func (n *Node) Exit(ctx context.Context, index, first, last int) error {
	return n.ExitTo(ctx, "", index, first, last)
}

// ExitTo is Exit with every changed validator's credentials pointing at
// the execution address to (0x-hex, exit.sh's TO), as a megapool's
// validators; an empty to is Exit's addresses.
func (n *Node) ExitTo(ctx context.Context, to string, index, first, last int) error {
	cmd := exec.CommandContext(ctx, "bash", filepath.Join(n.recipe.Dir, "exit.sh"), n.lodestar, strconv.Itoa(index),
		fmt.Sprintf("%d..%d", first, last), strconv.Itoa(n.RESTPort))
	cmd.Env = cleanEnv()
	if to != "" {
		cmd.Env = append(cmd.Env, "TO="+to)
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("devnet: exit.sh %d %d..%d: %v: %s", index, first, last, err, lastLines(string(out), 5))
	}
	return nil
}

// LogTail returns the last lines of the node's log, on one line.
func (n *Node) LogTail(lines int) string {
	b, err := os.ReadFile(n.Log)
	if err != nil {
		return fmt.Sprintf("(no log: %v)", err)
	}
	return lastLines(string(b), lines)
}

func lastLines(s string, lines int) string {
	var all []string
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		all = append(all, sc.Text())
	}
	if len(all) > lines {
		all = all[len(all)-lines:]
	}
	return strings.Join(all, " | ")
}
