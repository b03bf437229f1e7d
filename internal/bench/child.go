package bench

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/bench/proto"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// childEnv marks a process that the runner started to measure one of
// beaconproof's own methods: it is the runner's own executable (the
// beaconproof binary, or a test binary), which the init function below
// turns into a child that reads a proto.Request on standard input, runs
// it, writes the proto.Response and exits, before main runs.
const childEnv = "BEACONPROOF_BENCH_CHILD"

func init() {
	if os.Getenv(childEnv) != "1" {
		return
	}
	os.Exit(proto.Serve(os.Stdin, os.Stdout, runOurs))
}

// Our methods, run in a child process each.
const (
	MethodCold      = "beaconproof-cold"
	MethodRoot      = "beaconproof-root"
	MethodAfterLoad = "beaconproof-after-load"
)

// ErrNoIncremental is what Incremental returns when no incremental update
// is available.
var ErrNoIncremental = errors.New("ssz.Tree has no incremental update")

// Incremental re-hashes next, the next epoch's state, reusing prev, the
// tree of the state before it, and returns next's tree (ssz.Tree.Next).
// The after-load method times it beside the non-incremental baseline
// (ssz.NewTree on next) and checks that both give the same root. The
// method runs in a child process, so it is wired here.
var Incremental = func(prev *ssz.Tree, next []byte) (*ssz.Tree, error) {
	return prev.Next(next)
}

func runOurs(req proto.Request, r *proto.Response) error {
	switch req.Method {
	case MethodCold:
		return runCold(req, r)
	case MethodRoot:
		return runRoot(req, r)
	case MethodAfterLoad:
		return runAfterLoad(req, r)
	case MethodWatchCycle:
		return runWatchCycle(req, r)
	case methodPrepare:
		return runPrepare(req, r)
	case methodRead:
		return runRead(req, r)
	case methodNetServe:
		return runNetServe(req, r)
	case methodNetDownload:
		return runNetDownload(req, r)
	case methodNetProve:
		return runNetProve(req, r)
	case methodNetThenHash:
		return runNetThenHash(req, r)
	}
	return fmt.Errorf("bench: unknown method %q", req.Method)
}

func stateType(req proto.Request) (*ssz.Type, error) {
	f, err := fork.Lookup(req.Fork)
	if err != nil {
		return nil, err
	}
	preset := req.Preset
	if preset == "" {
		preset = "mainnet"
	}
	s, err := f.Schemas(preset)
	if err != nil {
		return nil, err
	}
	return s.BeaconState, nil
}

// validatorGindex returns the gindex of validators[i] in a state of type t.
func validatorGindex(t *ssz.Type, i uint64) (proof.Gindex, error) {
	g, _, err := t.Gindex(fmt.Sprintf("validators[%d]", i))
	return g, err
}

// load opens the state file the way `beaconproof prove` does —
// beaconstate.LoadFile with Mmap: the file is memory-mapped (populated at
// once on Linux), not copied, and validated — and hashes its tree,
// recording the stages "map + validate" and "root". The Object holds the
// mapping and must stay reachable while the tree is used.
func load(req proto.Request, path string, tm *proto.Timer) (*ssz.Tree, [32]byte, *beaconstate.Object, error) {
	preset := req.Preset
	if preset == "" {
		preset = "mainnet"
	}
	obj, err := beaconstate.LoadFile(context.Background(), path, beaconstate.LoadOptions{
		Fork: req.Fork, Preset: preset, Type: "BeaconState", Mmap: true,
	})
	if err != nil {
		return nil, [32]byte{}, nil, err
	}
	tm.Stage("map + validate")
	tr := ssz.NewValidatedTree(obj.Type, obj.Bytes)
	root, err := tr.Root()
	if err != nil {
		return nil, root, nil, err
	}
	tm.Stage("root")
	return tr, root, obj, nil
}

// runCold is the cold path: read the file, validate, hash, and prove one
// validator's record and the slot. Prove verifies each proof against the
// root before it returns it.
func runCold(req proto.Request, r *proto.Response) error {
	t, err := stateType(req)
	if err != nil {
		return err
	}
	vg, err := validatorGindex(t, req.Validator)
	if err != nil {
		return err
	}
	sg, _, err := t.Gindex("slot")
	if err != nil {
		return err
	}
	tm := proto.NewTimer(r)
	tr, root, obj, err := load(req, req.StatePath, tm)
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(obj)
	if _, err := tr.Prove(vg); err != nil {
		return err
	}
	tm.Stage("prove validator")
	if _, err := tr.Prove(sg); err != nil {
		return err
	}
	tm.Stage("prove slot")
	r.Root = proof.FormatHash(root)
	return nil
}

// runRoot reads the file and computes the root without keeping a tree.
func runRoot(req proto.Request, r *proto.Response) error {
	t, err := stateType(req)
	if err != nil {
		return err
	}
	tm := proto.NewTimer(r)
	obj, err := beaconstate.LoadFile(context.Background(), req.StatePath, beaconstate.LoadOptions{
		Fork: req.Fork, Preset: req.Preset, Type: "BeaconState", Mmap: true,
	})
	if err != nil {
		return err
	}
	defer obj.Close()
	tm.Stage("map + validate")
	root, err := ssz.HashTreeRoot(t, obj.Bytes)
	if err != nil {
		return err
	}
	tm.Stage("validate + root")
	r.Root = proof.FormatHash(root)
	return nil
}

// randomValidators returns the gindices of n validators picked at random
// (with a fixed seed) among count.
func randomValidators(t *ssz.Type, seed, count uint64, n int) ([]proof.Gindex, error) {
	rng := rand.New(rand.NewPCG(seed, 2))
	seen := map[uint64]bool{}
	out := make([]proof.Gindex, 0, n)
	for len(out) < n && uint64(len(seen)) < count {
		i := rng.Uint64N(count)
		if seen[i] {
			continue
		}
		seen[i] = true
		g, err := validatorGindex(t, i)
		if err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, nil
}

// runAfterLoad loads the state as the cold path does, then measures what
// comes after: extra validator proofs, multiproofs against single proofs,
// and re-proving the next epoch's state (the non-incremental baseline and
// the Incremental hook).
func runAfterLoad(req proto.Request, r *proto.Response) error {
	t, err := stateType(req)
	if err != nil {
		return err
	}
	tm := proto.NewTimer(r)
	tr, root, obj, err := load(req, req.StatePath, tm)
	if err != nil {
		return err
	}
	defer runtime.KeepAlive(obj)
	r.Root = proof.FormatHash(root)
	vb, _, err := t.Gindex("validators")
	if err != nil {
		return err
	}
	vnode, err := tr.Node(vb.Right()) // the length mix-in chunk
	if err != nil {
		return err
	}
	count := binary.LittleEndian.Uint64(vnode[:8])
	if count == 0 {
		return fmt.Errorf("bench: the state has no validators")
	}
	if req.Proofs > 0 {
		gs, err := randomValidators(t, req.Seed, count, req.Proofs)
		if err != nil {
			return err
		}
		tm.Restart()
		for _, g := range gs {
			if _, err := tr.Prove(g); err != nil {
				return err
			}
		}
		s := tm.Elapsed()
		r.Set("proofs", float64(len(gs)))
		r.Set("proofs_s", s)
		r.Set("proof_us", s/float64(len(gs))*1e6)
		// The same proofs without Prove's check against the root.
		tm.Restart()
		for _, g := range gs {
			if _, err := proof.NewProof(g, tr.Node); err != nil {
				return err
			}
		}
		r.Set("proof_unverified_us", tm.Elapsed()/float64(len(gs))*1e6)
		// All of them at once, as StateProver.Validators does: the
		// branches read on both cores, verified level by level together.
		tm.Restart()
		ps, err := tr.ProveMany(gs)
		if err != nil {
			return err
		}
		s = tm.Elapsed()
		if len(ps) != len(gs) {
			return fmt.Errorf("bench: ProveMany returned %d proofs for %d", len(ps), len(gs))
		}
		r.Set("proofs_many_s", s)
		r.Set("proof_many_us", s/float64(len(gs))*1e6)
	}
	for _, k := range req.MultiproofK {
		if k < 1 {
			continue
		}
		gs, err := randomValidators(t, req.Seed+uint64(k), count, k)
		if err != nil {
			return err
		}
		tm.Restart()
		m, err := proof.NewMultiproof(gs, tr.Node)
		if err != nil {
			return err
		}
		s := tm.Elapsed()
		if err := m.Verify(root); err != nil {
			return fmt.Errorf("bench: multiproof of %d validators: %w", k, err)
		}
		single := 0
		for _, g := range gs {
			single += 1 + g.Depth() // leaf + branch
		}
		key := fmt.Sprintf("multiproof_%d", len(gs))
		r.Set(key+"_s", s)
		r.Set(key+"_hashes", float64(m.Size()))
		r.Set(key+"_single_hashes", float64(single))
	}
	if req.NextPath != "" {
		tm.Restart()
		nb, err := os.ReadFile(req.NextPath)
		if err != nil {
			return err
		}
		r.Set("next_read_s", tm.Elapsed())
		tm.Restart()
		ntr, err := ssz.NewTree(t, nb)
		if err != nil {
			return err
		}
		nroot, err := ntr.Root()
		if err != nil {
			return err
		}
		r.Set("next_rebuild_s", tm.Elapsed())
		r.Set("next_differs", b2f(nroot != root))
		tm.Restart()
		itr, err := Incremental(tr, nb)
		var iroot [32]byte
		if err == nil {
			iroot, err = itr.Root()
		}
		s := tm.Elapsed()
		switch {
		case errors.Is(err, ErrNoIncremental):
			r.Notes = append(r.Notes, "incremental: "+err.Error())
		case err != nil:
			return fmt.Errorf("bench: incremental: %w", err)
		default:
			if iroot != nroot {
				return fmt.Errorf("bench: incremental root %s, rebuilt root %s", proof.FormatHash(iroot), proof.FormatHash(nroot))
			}
			r.Set("next_incremental_s", s)
		}
	}
	return nil
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
