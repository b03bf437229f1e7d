package beaconstate

import (
	"fmt"
	"sync/atomic"

	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// Prover proves members of one Object against its hash tree root. The
// object is hashed once, by NewProver; every proof after that reads the
// kept tree. Every proof is verified against the root before it is
// returned. A Prover is safe for concurrent use.
type Prover struct {
	obj      atomic.Pointer[Object] // without its bytes after Release
	released atomic.Bool
	tree     *ssz.Tree
	root     [32]byte
}

// ErrReleased reports a Prover asked for a proof after Release (it is
// ssz.ErrReleased).
var ErrReleased = ssz.ErrReleased

// object returns the Prover's object.
func (p *Prover) object() *Object { return p.obj.Load() }

// NewProver hashes obj and returns a Prover for it. obj.Bytes must not
// change while the Prover is used (nor, for a memory-mapped Object, be
// closed).
func NewProver(obj *Object) (*Prover, error) {
	if obj == nil || obj.Type == nil {
		return nil, fmt.Errorf("beaconstate: NewProver: no object")
	}
	var tree *ssz.Tree
	if obj.validated {
		tree = ssz.NewValidatedTree(obj.Type, obj.Bytes)
	} else {
		var err error
		if tree, err = ssz.NewTree(obj.Type, obj.Bytes); err != nil {
			return nil, obj.errorf("%w", err)
		}
	}
	return newProver(obj, tree)
}

func newProver(obj *Object, tree *ssz.Tree) (*Prover, error) {
	root, err := tree.Root()
	if err != nil {
		return nil, obj.errorf("hash tree root: %w", err)
	}
	p := &Prover{tree: tree, root: root}
	p.obj.Store(obj)
	return p, nil
}

// Next returns a Prover for obj, a later version of the same kind of object
// (typically the state an epoch later), that reuses the hashes of every
// validator record, balance chunk and vector entry whose bytes did not
// change: a watcher re-proving every epoch pays for the changes, not for
// the whole state. obj must have the same fork, preset and type. p stays
// usable, unless it was released (Release): then Next takes its stored
// nodes over, and a second Next from p fails. Next compares obj with
// fingerprints of p's bytes, not with the bytes (see ssz.Tree.Next for
// what that means for the root, which a caller that knows the state root
// to expect should check).
func (p *Prover) Next(obj *Object) (*Prover, error) {
	if obj == nil || obj.Type != p.object().Type {
		return nil, fmt.Errorf("beaconstate: Prover.Next: %v is not a later version of %v", obj, p.object())
	}
	next := p.tree.Next
	if obj.validated {
		next = p.tree.NextValidated
	}
	tree, err := next(obj.Bytes)
	if err != nil {
		return nil, obj.errorf("%w", err)
	}
	return newProver(obj, tree)
}

// Object returns the object the Prover proves: after Release, its fork,
// preset and type without its bytes.
func (p *Prover) Object() *Object { return p.object() }

// Release drops the Prover's references to the object's bytes, keeping
// its root and what Next needs (ssz.Tree.Release: a few percent of a
// state). The caller may then close or drop the object, before it
// downloads the next state: a watcher holds one state at a time, not two.
// After Release, Root and one Next answer; every proof fails with
// ErrReleased. Release must not run while proofs from p do.
func (p *Prover) Release() error {
	o := p.object()
	if err := p.tree.Release(); err != nil {
		return o.errorf("release: %w", err)
	}
	stub := &Object{Fork: o.Fork, Preset: o.Preset, TypeName: o.TypeName, Type: o.Type, Schemas: o.Schemas, validated: o.validated}
	p.released.Store(true)
	p.obj.Store(stub)
	return nil
}

// Root returns the object's hash tree root.
func (p *Prover) Root() [32]byte { return p.root }

// Gindex returns the generalized index of path ("validators[5].exit_epoch")
// in the object, after checking that the path exists in this object: every
// list index must be below the list's length, not only its limit.
func (p *Prover) Gindex(path string) (proof.Gindex, error) {
	o := p.object()
	g, _, err := o.Type.Gindex(path)
	if err == nil && p.released.Load() {
		err = ErrReleased
	}
	if err == nil {
		err = checkPath(o.Type, o.Bytes, path)
	}
	if err != nil {
		return proof.Gindex{}, o.errorf("path %q: %w", path, err)
	}
	return g, nil
}

// Prove returns the Merkle proof of the member at path against Root. A path
// that ends at a list proves the list's root (with its length mixed in); an
// index into a list of basic values proves the 32-byte chunk that holds
// the element. Errors name the path and the fork:
// `beaconstate: deneb BeaconState: path "validators[x]": ...`.
func (p *Prover) Prove(path string) (proof.Proof, error) {
	g, err := p.Gindex(path)
	if err != nil {
		return proof.Proof{}, err
	}
	pr, err := p.tree.Prove(g)
	if err != nil {
		return proof.Proof{}, p.object().errorf("path %q: %w", path, err)
	}
	return pr, nil
}

// ProvePaths returns the proofs of several paths, in order, as Prove
// would, but built together (ssz.Tree.ProveMany): the branches are read on
// all cores and verified against Root level by level in vectorized batches,
// so that thousands of validators cost a few microseconds each. It fails
// on the first path that does not resolve.
func (p *Prover) ProvePaths(paths []string) ([]proof.Proof, error) {
	gs := make([]proof.Gindex, len(paths))
	for i, path := range paths {
		g, err := p.Gindex(path)
		if err != nil {
			return nil, err
		}
		gs[i] = g
	}
	out, err := p.tree.ProveMany(gs)
	if err != nil {
		return nil, p.object().errorf("%d paths: %w", len(paths), err)
	}
	return out, nil
}

// ProveGindex returns the Merkle proof of the node at generalized index g
// against Root. Unlike Prove, it does not check list lengths: a gindex past
// the end of a list proves a zero node.
func (p *Prover) ProveGindex(g proof.Gindex) (proof.Proof, error) {
	pr, err := p.tree.Prove(g)
	if err != nil {
		return proof.Proof{}, p.object().errorf("gindex %s: %w", g, err)
	}
	return pr, nil
}

// Multiproof returns one multiproof of the members at paths, verified
// against Root. The paths must be distinct and none may contain another.
// The multiproof lists the members' gindices in descending order, the
// canonical order of proof.Multiproof, each with its leaf: not in the
// order of paths (Gindex gives a path's gindex).
func (p *Prover) Multiproof(paths []string) (*proof.Multiproof, error) {
	gs := make([]proof.Gindex, len(paths))
	for i, path := range paths {
		g, err := p.Gindex(path)
		if err != nil {
			return nil, err
		}
		gs[i] = g
	}
	m, err := proof.NewMultiproof(gs, p.tree.Node)
	if err != nil {
		return nil, p.object().errorf("multiproof of %q: %w", paths, err)
	}
	if err := m.Verify(p.root); err != nil {
		return nil, p.object().errorf("internal error: multiproof of %q does not verify: %w", paths, err)
	}
	return m, nil
}

// ProofSet returns the proofs of paths with the object's fork, preset, type
// and root: the document that `beaconproof prove` prints.
func (p *Prover) ProofSet(paths []string) (*ProofSet, error) {
	proofs, err := p.ProvePaths(paths)
	if err != nil {
		return nil, err
	}
	s := &ProofSet{
		Fork:   p.object().Fork,
		Preset: p.object().Preset,
		Type:   p.object().TypeName,
		Root:   p.root,
		Proofs: make([]PathProof, len(paths)),
	}
	for i := range paths {
		s.Proofs[i] = PathProof{Path: paths[i], Proof: proofs[i]}
	}
	return s, nil
}
