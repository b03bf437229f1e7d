package peers

import (
	"errors"
	"fmt"

	fastssz "github.com/ferranbt/fastssz"
	"github.com/pk910/dynamic-ssz/sszutils"
)

// errProgressive reports a progressive scope, which fastssz cannot build.
var errProgressive = errors.New("fastssz has no progressive merkleization (EIP-7916/7495)")

// fastWalker lets go-eth2-client's generated HashTreeRootWith, which takes
// dynamic-ssz's HashWalker, drive a fastssz Wrapper: the walker fastssz's
// generated GetTree (ssz.ProofTree) used before go-eth2-client moved to
// dynamic-ssz. Every call goes to the Wrapper, which builds fastssz's tree
// of *Node values; the methods fastssz's HashWalker lacks are mapped to
// their fastssz equivalents (a scope is an Index, Collapse is a no-op, a
// packed scope's Put* appends bytes). Progressive scopes fail: fastssz
// predates them.
type fastWalker struct {
	w      fastssz.Wrapper
	packed []bool // one entry per open scope
	err    error
}

var _ sszutils.HashWalker = (*fastWalker)(nil)

func (f *fastWalker) fail(err error) {
	if f.err == nil {
		f.err = err
	}
}

func (f *fastWalker) inPacked() bool { return len(f.packed) > 0 && f.packed[len(f.packed)-1] }

func (f *fastWalker) pop() {
	if len(f.packed) > 0 {
		f.packed = f.packed[:len(f.packed)-1]
	}
}

// Hash returns the hash of the last node.
func (f *fastWalker) Hash() []byte { return f.w.Hash() }

// HashErr returns the first failure.
func (f *fastWalker) HashErr() error { return f.err }

// AppendBool appends a boolean byte.
func (f *fastWalker) AppendBool(b bool) {
	if b {
		f.w.AppendUint8(1)
	} else {
		f.w.AppendUint8(0)
	}
}

// AppendUint8 appends one byte.
func (f *fastWalker) AppendUint8(i uint8) { f.w.AppendUint8(i) }

// AppendUint16 appends a little-endian uint16.
func (f *fastWalker) AppendUint16(i uint16) { f.w.Append([]byte{byte(i), byte(i >> 8)}) }

// AppendUint32 appends a little-endian uint32.
func (f *fastWalker) AppendUint32(i uint32) { f.w.AppendUint32(i) }

// AppendUint64 appends a little-endian uint64.
func (f *fastWalker) AppendUint64(i uint64) { f.w.AppendUint64(i) }

// AppendBytes32 appends b padded to 32 bytes.
func (f *fastWalker) AppendBytes32(b []byte) { f.w.AppendBytes32(b) }

// PutUint64Array adds a vector or list of uint64.
func (f *fastWalker) PutUint64Array(b []uint64, maxCapacity ...uint64) {
	f.w.PutUint64Array(b, maxCapacity...)
}

// PutUint64 adds a uint64 leaf (or packed bytes in a packed scope).
func (f *fastWalker) PutUint64(i uint64) {
	if f.inPacked() {
		f.w.AppendUint64(i)
		return
	}
	f.w.PutUint64(i)
}

// PutUint32 adds a uint32 leaf.
func (f *fastWalker) PutUint32(i uint32) {
	if f.inPacked() {
		f.w.AppendUint32(i)
		return
	}
	f.w.PutUint32(i)
}

// PutUint16 adds a uint16 leaf.
func (f *fastWalker) PutUint16(i uint16) {
	if f.inPacked() {
		f.AppendUint16(i)
		return
	}
	f.w.PutUint16(i)
}

// PutUint8 adds a uint8 leaf.
func (f *fastWalker) PutUint8(i uint8) {
	if f.inPacked() {
		f.w.AppendUint8(i)
		return
	}
	f.w.PutUint8(i)
}

// PutBitlist adds a bitlist.
func (f *fastWalker) PutBitlist(bb []byte, maxSize uint64) { f.w.PutBitlist(bb, maxSize) }

// PutProgressiveBitlist fails: fastssz has no progressive bitlists.
func (f *fastWalker) PutProgressiveBitlist([]byte) { f.fail(errProgressive) }

// PutBool adds a boolean leaf.
func (f *fastWalker) PutBool(b bool) {
	if f.inPacked() {
		f.AppendBool(b)
		return
	}
	f.w.PutBool(b)
}

// PutBytes adds a byte vector.
func (f *fastWalker) PutBytes(b []byte) {
	if f.inPacked() {
		f.w.Append(b)
		return
	}
	f.w.PutBytes(b)
}

// FillUpTo32 pads the buffer to a chunk.
func (f *fastWalker) FillUpTo32() { f.w.FillUpTo32() }

// Append appends raw bytes.
func (f *fastWalker) Append(i []byte) { f.w.Append(i) }

// Index opens a scope.
func (f *fastWalker) Index() int {
	f.packed = append(f.packed, false)
	return f.w.Index()
}

// CurrentIndex returns the Wrapper's node count.
func (f *fastWalker) CurrentIndex() int { return f.w.Index() }

// StartTree opens a scope of the given shape.
func (f *fastWalker) StartTree(treeType sszutils.TreeType) int {
	packed := treeType&sszutils.TreeTypePacked != 0
	if treeType&^sszutils.TreeTypePacked == sszutils.TreeTypeProgressive {
		f.fail(errProgressive)
	}
	f.packed = append(f.packed, packed)
	return f.w.Index()
}

// Collapse is a hint fastssz has no use for.
func (f *fastWalker) Collapse() {}

// WithTemp lends a scratch buffer.
func (f *fastWalker) WithTemp(fn func(tmp []byte) []byte) { _ = fn(nil) }

// Merkleize closes a scope.
func (f *fastWalker) Merkleize(indx int) {
	f.pop()
	if f.err != nil {
		return
	}
	f.safely(func() { f.w.Merkleize(indx) })
}

// MerkleizeWithMixin closes a list scope.
func (f *fastWalker) MerkleizeWithMixin(indx int, num, limit uint64) {
	f.pop()
	if f.err != nil {
		return
	}
	f.safely(func() { f.w.MerkleizeWithMixin(indx, num, limit) })
}

// MerkleizeProgressive fails: fastssz has no progressive trees.
func (f *fastWalker) MerkleizeProgressive(int) { f.pop(); f.fail(errProgressive) }

// MerkleizeProgressiveWithMixin fails: fastssz has no progressive trees.
func (f *fastWalker) MerkleizeProgressiveWithMixin(int, uint64) { f.pop(); f.fail(errProgressive) }

// MerkleizeProgressiveWithActiveFields fails: fastssz has no progressive
// containers.
func (f *fastWalker) MerkleizeProgressiveWithActiveFields(int, []byte) {
	f.pop()
	f.fail(errProgressive)
}

// HashRoot returns the root of the finished tree.
func (f *fastWalker) HashRoot() (r [32]byte, err error) {
	if f.err != nil {
		return r, f.err
	}
	n, err := f.node()
	if err != nil {
		return r, err
	}
	copy(r[:], n.Hash())
	return r, nil
}

// node returns the finished tree.
func (f *fastWalker) node() (n *fastssz.Node, err error) {
	if f.err != nil {
		return nil, f.err
	}
	f.safely(func() { n = f.w.Node() })
	if f.err != nil {
		return nil, f.err
	}
	return n, nil
}

// safely runs fn, turning a fastssz panic into the walker's error.
func (f *fastWalker) safely(fn func()) {
	defer func() {
		if p := recover(); p != nil {
			f.fail(fmt.Errorf("fastssz: %v", p))
		}
	}()
	fn()
}
