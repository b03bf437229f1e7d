package beaconstate

import (
	"errors"
	"fmt"
	"runtime"
	"sync"

	"github.com/beaconproof/beaconproof/ssz"
)

// ErrNoReserve reports that the platform cannot reserve memory (Reserve):
// read input of unknown size another way.
var ErrNoReserve = errNoReserve

// Reserved is address space reserved for input of unknown size (a pipe, a
// response without a Content-Length): it is read once, in place, with no
// buffer grown and copied, and only the pages written cost memory.
type Reserved struct {
	b       []byte
	release func() error
}

// Reserve reserves address space for up to size bytes. It fails with
// ErrNoReserve where the platform cannot (not unix). Release it, or give
// it to NewObjectReserved.
func Reserve(size int64) (*Reserved, error) {
	if size <= 0 {
		return nil, fmt.Errorf("beaconstate: Reserve: %d bytes", size)
	}
	b, release, err := reserveAnon(size)
	if err != nil {
		return nil, fmt.Errorf("beaconstate: Reserve %d bytes: %w (%v)", size, ErrNoReserve, err)
	}
	var once sync.Once
	var rerr error
	return &Reserved{b: b, release: func() error {
		once.Do(func() { rerr = release() })
		return rerr
	}}, nil
}

// Bytes returns the reserved memory, of the size asked for.
func (r *Reserved) Bytes() []byte { return r.b }

// Release gives the memory back. Nothing read from it may be used after.
// It may be called more than once.
func (r *Reserved) Release() error { return r.release() }

// NewObjectReserved is NewObject for the first n bytes of r. On success the
// Object owns r: Close releases it, and so does the garbage collector once
// the Object is unreachable, so keep the Object (or a Prover of it)
// reachable while its Bytes, or anything read from them in place, is used.
// On error r is left to the caller.
func NewObjectReserved(forkName, preset, typeName string, r *Reserved, n int) (*Object, error) {
	if n < 0 || n > len(r.b) {
		return nil, fmt.Errorf("beaconstate: NewObjectReserved: %d bytes of %d reserved", n, len(r.b))
	}
	obj, err := NewObject(forkName, preset, typeName, r.b[:n:n])
	if err != nil {
		return nil, err
	}
	obj.unmap = r.release
	runtime.AddCleanup(obj, func(release func() error) { _ = release() }, r.release)
	return obj, nil
}

// NewProverFromTree returns a Prover of obj that uses tree, the Merkle tree
// of obj's bytes built beforehand (by an ssz.Hasher while they downloaded):
// what the tree has hashed is not hashed again. The tree must be of obj's
// type and read obj.Bytes itself.
func NewProverFromTree(obj *Object, tree *ssz.Tree) (*Prover, error) {
	if obj == nil || obj.Type == nil || tree == nil {
		return nil, errors.New("beaconstate: NewProverFromTree: no object or no tree")
	}
	b := tree.Bytes()
	if tree.Type() != obj.Type || len(b) != len(obj.Bytes) || (len(b) > 0 && &b[0] != &obj.Bytes[0]) {
		return nil, obj.errorf("NewProverFromTree: the tree is not of this object's bytes")
	}
	return newProver(obj, tree)
}
