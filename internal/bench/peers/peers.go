// Package peers holds the other Go SSZ provers the benchmarks compare
// beaconproof with, run on the same state file:
//
//   - go-eth2-client decode + dynamic-ssz GetTree + Prove (what Rocket
//     Pool's node software does today);
//   - go-eth2-client decode + fastssz's tree (ssz.ProofTree's Wrapper,
//     driven by go-eth2-client's generated HashTreeRootWith) + Prove: what
//     most Go provers did until go-eth2-client moved to dynamic-ssz;
//   - go-eth2-client decode + HashTreeRoot: the root only, no proof.
//
// This package is imported only by the peers' own binary
// (internal/bench/cmd/benchpeers) and by tests, never by the library or by
// the beaconproof command: go-eth2-client and dynamic-ssz link
// hashtree-bindings, which uses cgo when it is enabled.
package peers

import (
	"fmt"
	"math/rand/v2"
	"os"
	"runtime/debug"
	"sort"

	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/fulu"
	"github.com/attestantio/go-eth2-client/spec/gloas"
	dynssz "github.com/pk910/dynamic-ssz"
	"github.com/pk910/dynamic-ssz/sszutils"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/bench/proto"
	"github.com/beaconproof/beaconproof/proof"
)

// The peer methods.
const (
	DynSSZTree   = "eth2client-dynssz-tree"
	FastSSZTree  = "eth2client-fastssz-tree"
	HashTreeRoot = "eth2client-htr"
)

// extraProofs is how many extra validator proofs a tree method times after
// its two cold proofs, for the per-proof cost.
const extraProofs = 1000

// Methods maps each peer method to its runner.
var Methods = map[string]func(proto.Request, *proto.Response) error{
	DynSSZTree:   runDynSSZ,
	FastSSZTree:  runFastSSZ,
	HashTreeRoot: runHTR,
}

// Names returns the peer methods, sorted.
func Names() []string {
	var out []string
	for k := range Methods {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Run runs the request's method.
func Run(req proto.Request, r *proto.Response) error {
	m, ok := Methods[req.Method]
	if !ok {
		return fmt.Errorf("peers: unknown method %q (known: %v)", req.Method, Names())
	}
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "CGO_ENABLED" {
				r.Notes = append(r.Notes, "built with CGO_ENABLED="+s.Value)
			}
		}
	}
	return m(req, r)
}

// State is a go-eth2-client BeaconState.
type State interface {
	UnmarshalSSZ([]byte) error
	HashTreeRoot() ([32]byte, error)
	HashTreeRootWith(sszutils.HashWalker) error
}

// NewState returns an empty go-eth2-client BeaconState of the fork.
func NewState(forkName string) (State, error) {
	switch forkName {
	case fork.Electra:
		return new(electra.BeaconState), nil
	case fork.Fulu:
		return new(fulu.BeaconState), nil
	case fork.Gloas:
		return new(gloas.BeaconState), nil
	}
	return nil, fmt.Errorf("peers: no go-eth2-client BeaconState for fork %q", forkName)
}

// targets returns the gindices of the cold path's proofs: the validator's
// record and the slot.
func targets(req proto.Request) (validator, slot int, err error) {
	f, err := fork.Lookup(req.Fork)
	if err != nil {
		return 0, 0, err
	}
	preset := req.Preset
	if preset == "" {
		preset = "mainnet"
	}
	s, err := f.Schemas(preset)
	if err != nil {
		return 0, 0, err
	}
	gi := func(path string) (int, error) {
		g, _, err := s.BeaconState.Gindex(path)
		if err != nil {
			return 0, err
		}
		u, ok := g.Uint64()
		if !ok || u > 1<<62 {
			return 0, fmt.Errorf("peers: gindex of %s does not fit an int", path)
		}
		return int(u), nil
	}
	if validator, err = gi(fmt.Sprintf("validators[%d]", req.Validator)); err != nil {
		return 0, 0, err
	}
	if slot, err = gi("slot"); err != nil {
		return 0, 0, err
	}
	return validator, slot, nil
}

// extraTargets returns the gindices of n random validators below count.
func extraTargets(req proto.Request, count uint64, n int) ([]int, error) {
	f, err := fork.Lookup(req.Fork)
	if err != nil {
		return nil, err
	}
	s, err := f.Schemas("mainnet")
	if err != nil {
		return nil, err
	}
	rng := rand.New(rand.NewPCG(req.Seed, 1))
	out := make([]int, n)
	for i := range out {
		g, _, err := s.BeaconState.Gindex(fmt.Sprintf("validators[%d]", rng.Uint64N(count)))
		if err != nil {
			return nil, err
		}
		u, _ := g.Uint64()
		out[i] = int(u)
	}
	return out, nil
}

// check verifies a peer's proof of gindex g against root with our verifier.
func check(g int, leaf []byte, hashes [][]byte, root [32]byte) error {
	p := proof.Proof{Gindex: proof.GindexFromUint64(uint64(g))}
	if len(leaf) != 32 {
		return fmt.Errorf("peers: proof of %d: %d-byte leaf", g, len(leaf))
	}
	copy(p.Leaf[:], leaf)
	for _, h := range hashes {
		if len(h) != 32 {
			return fmt.Errorf("peers: proof of %d: %d-byte hash", g, len(h))
		}
		p.Branch = append(p.Branch, [32]byte(h))
	}
	if err := p.Verify(root); err != nil {
		return fmt.Errorf("peers: proof of gindex %d: %w", g, err)
	}
	return nil
}

// load reads and decodes the state, timing both.
func load(req proto.Request, t *proto.Timer) (State, int, error) {
	b, err := os.ReadFile(req.StatePath)
	if err != nil {
		return nil, 0, err
	}
	t.Stage("read")
	st, err := NewState(req.Fork)
	if err != nil {
		return nil, 0, err
	}
	if err := st.UnmarshalSSZ(b); err != nil {
		return nil, 0, fmt.Errorf("peers: decode: %w", err)
	}
	t.Stage("decode")
	return st, len(b), nil
}

func validatorCount(st State) uint64 {
	switch s := st.(type) {
	case *electra.BeaconState:
		return uint64(len(s.Validators))
	case *fulu.BeaconState:
		return uint64(len(s.Validators))
	case *gloas.BeaconState:
		return uint64(len(s.Validators))
	}
	return 0
}

func runHTR(req proto.Request, r *proto.Response) error {
	t := proto.NewTimer(r)
	st, _, err := load(req, t)
	if err != nil {
		return err
	}
	root, err := st.HashTreeRoot()
	if err != nil {
		return err
	}
	t.Stage("root")
	r.Root = proof.FormatHash(root)
	return nil
}

func runDynSSZ(req proto.Request, r *proto.Response) error {
	vg, sg, err := targets(req)
	if err != nil {
		return err
	}
	t := proto.NewTimer(r)
	st, _, err := load(req, t)
	if err != nil {
		return err
	}
	tree, err := dynssz.GetGlobalDynSsz().GetTree(st)
	if err != nil {
		return fmt.Errorf("peers: dynamic-ssz GetTree: %w", err)
	}
	t.Stage("tree")
	root := [32]byte(tree.Hash())
	t.Stage("root")
	pv, err := tree.Prove(vg)
	if err != nil {
		return err
	}
	t.Stage("prove validator")
	ps, err := tree.Prove(sg)
	if err != nil {
		return err
	}
	t.Stage("prove slot")
	r.Root = proof.FormatHash(root)
	if err := check(vg, pv.Leaf, pv.Hashes, root); err != nil {
		return err
	}
	if err := check(sg, ps.Leaf, ps.Hashes, root); err != nil {
		return err
	}
	extra, err := extraTargets(req, validatorCount(st), extraProofs)
	if err != nil {
		return err
	}
	t.Restart()
	for _, g := range extra {
		if _, err := tree.Prove(g); err != nil {
			return err
		}
	}
	r.Set("extra_proof_us", t.Elapsed()/float64(len(extra))*1e6)
	return nil
}

func runFastSSZ(req proto.Request, r *proto.Response) error {
	vg, sg, err := targets(req)
	if err != nil {
		return err
	}
	t := proto.NewTimer(r)
	st, _, err := load(req, t)
	if err != nil {
		return err
	}
	w := &fastWalker{}
	if err := st.HashTreeRootWith(w); err != nil {
		return fmt.Errorf("peers: fastssz walk: %w", err)
	}
	node, err := w.node()
	if err != nil {
		return err
	}
	t.Stage("tree")
	root := [32]byte(node.Hash())
	t.Stage("root")
	pv, err := node.Prove(vg)
	if err != nil {
		return err
	}
	t.Stage("prove validator")
	ps, err := node.Prove(sg)
	if err != nil {
		return err
	}
	t.Stage("prove slot")
	r.Root = proof.FormatHash(root)
	if err := check(vg, pv.Leaf, pv.Hashes, root); err != nil {
		return err
	}
	if err := check(sg, ps.Leaf, ps.Hashes, root); err != nil {
		return err
	}
	extra, err := extraTargets(req, validatorCount(st), extraProofs)
	if err != nil {
		return err
	}
	t.Restart()
	for _, g := range extra {
		if _, err := node.Prove(g); err != nil {
			return err
		}
	}
	r.Set("extra_proof_us", t.Elapsed()/float64(len(extra))*1e6)
	return nil
}
