package bench

import (
	"crypto/sha256"
	"encoding/binary"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/ssz"
)

// refHasher is a plain spec merkleizer that counts its SHA-256 calls
// (zero-subtree hashes are precomputed and not counted). Its roots are
// checked against ssz, so its count is the count of a correct hasher that
// hashes every node covering data once.
type refHasher struct {
	calls uint64
	zero  [65][32]byte
}

func newRefHasher() *refHasher {
	h := &refHasher{}
	for d := 1; d < len(h.zero); d++ {
		h.zero[d] = sha256.Sum256(append(h.zero[d-1][:], h.zero[d-1][:]...))
	}
	return h
}

func (h *refHasher) hash(a, b [32]byte) [32]byte {
	h.calls++
	return sha256.Sum256(append(a[:], b[:]...))
}

// merkleize is the specs' merkleize(chunks, limit) with a depth.
func (h *refHasher) merkleize(chunks [][32]byte, depth int) [32]byte {
	if len(chunks) == 0 {
		return h.zero[depth]
	}
	layer := chunks
	for d := 0; d < depth; d++ {
		if len(layer)%2 == 1 {
			layer = append(layer, h.zero[d])
		}
		next := make([][32]byte, len(layer)/2)
		for i := range next {
			next[i] = h.hash(layer[2*i], layer[2*i+1])
		}
		layer = next
	}
	return layer[0]
}

// progressive is the specs' merkleize_progressive.
func (h *refHasher) progressive(chunks [][32]byte, leaves int) [32]byte {
	if len(chunks) == 0 {
		return [32]byte{}
	}
	k := min(leaves, len(chunks))
	return h.hash(h.merkleize(chunks[:k], ceilLog2(uint64(leaves))), h.progressive(chunks[k:], leaves*4))
}

func (h *refHasher) mixIn(r [32]byte, n uint64) [32]byte {
	var c [32]byte
	binary.LittleEndian.PutUint64(c[:], n)
	return h.hash(r, c)
}

func packChunks(b []byte) [][32]byte {
	out := make([][32]byte, (len(b)+31)/32)
	for i := range out {
		copy(out[i][:], b[i*32:])
	}
	return out
}

func (h *refHasher) root(t testing.TB, typ *ssz.Type, b []byte) [32]byte {
	t.Helper()
	var out [32]byte
	switch typ.Kind {
	case ssz.KindUint, ssz.KindBool:
		copy(out[:], b)
		return out
	case ssz.KindByteVector:
		c := packChunks(b)
		return h.merkleize(c, ceilLog2(uint64(len(c))))
	case ssz.KindByteList:
		return h.mixIn(h.merkleize(packChunks(b), ceilLog2(chunksOf(typ.Limit, 1))), uint64(len(b)))
	case ssz.KindBitvector:
		return h.merkleize(packChunks(b), ceilLog2((typ.Size+255)/256))
	case ssz.KindBitlist, ssz.KindProgressiveBitlist:
		n, err := bitlistLen(b)
		if err != nil {
			t.Fatal(err)
		}
		data := append([]byte(nil), b[:(n+7)/8]...)
		if n%8 != 0 {
			data[len(data)-1] &^= 1 << (n % 8)
		}
		if typ.Kind == ssz.KindBitlist {
			return h.mixIn(h.merkleize(packChunks(data), ceilLog2((typ.Limit+255)/256)), n)
		}
		return h.mixIn(h.progressive(packChunks(data), 1), n)
	case ssz.KindVector, ssz.KindList, ssz.KindProgressiveList:
		var chunks [][32]byte
		var n uint64
		if typ.Elem.IsBasic() {
			chunks = packChunks(b)
			n = uint64(len(b)) / typ.Elem.FixedSize()
		} else {
			for _, e := range elems(t, typ, b) {
				chunks = append(chunks, h.root(t, typ.Elem, e))
			}
			n = uint64(len(chunks))
		}
		switch typ.Kind {
		case ssz.KindVector:
			limit := typ.Size
			if typ.Elem.IsBasic() {
				limit = chunksOf(typ.Size, typ.Elem.FixedSize())
			}
			return h.merkleize(chunks, ceilLog2(limit))
		case ssz.KindList:
			limit := typ.Limit
			if typ.Elem.IsBasic() {
				limit = chunksOf(typ.Limit, typ.Elem.FixedSize())
			}
			return h.mixIn(h.merkleize(chunks, ceilLog2(limit)), n)
		default:
			return h.mixIn(h.progressive(chunks, 1), n)
		}
	case ssz.KindContainer, ssz.KindProgressiveContainer:
		spans, err := containerSpans(typ, b)
		if err != nil {
			t.Fatal(err)
		}
		if typ.Kind == ssz.KindContainer {
			chunks := make([][32]byte, len(typ.Fields))
			for i, f := range typ.Fields {
				chunks[i] = h.root(t, f.Type, b[spans[i][0]:spans[i][1]])
			}
			return h.merkleize(chunks, ceilLog2(uint64(len(chunks))))
		}
		chunks := make([][32]byte, len(typ.ActiveFields))
		for i, f := range typ.Fields {
			chunks[f.Position] = h.root(t, f.Type, b[spans[i][0]:spans[i][1]])
		}
		var active [32]byte
		for i, a := range typ.ActiveFields {
			if a {
				active[i/8] |= 1 << (i % 8)
			}
		}
		return h.hash(h.progressive(chunks, 1), active)
	}
	t.Fatalf("kind %s", typ.Kind)
	return out
}

// elems splits a sequence of composite elements.
func elems(t testing.TB, typ *ssz.Type, b []byte) [][]byte {
	var out [][]byte
	if typ.Elem.IsFixed() {
		es := int(typ.Elem.FixedSize())
		for i := 0; i+es <= len(b); i += es {
			out = append(out, b[i:i+es])
		}
		return out
	}
	if len(b) == 0 {
		return nil
	}
	n := int(binary.LittleEndian.Uint32(b)) / 4
	for i := 0; i < n; i++ {
		lo := int(binary.LittleEndian.Uint32(b[4*i:]))
		hi := len(b)
		if i+1 < n {
			hi = int(binary.LittleEndian.Uint32(b[4*(i+1):]))
		}
		out = append(out, b[lo:hi])
	}
	return out
}

func TestCountHashesMatchesReference(t *testing.T) {
	for _, name := range []string{fork.Capella, fork.Electra, fork.Fulu, fork.Gloas} {
		t.Run(name, func(t *testing.T) {
			f, err := fork.Lookup(name)
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.Schemas("mainnet")
			if err != nil {
				t.Fatal(err)
			}
			state, block, err := synth.MainnetShaped(name, 300)
			if err != nil {
				t.Fatal(err)
			}
			next, err := synth.NextEpoch(s.BeaconState, state)
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []struct {
				what string
				typ  *ssz.Type
				b    []byte
			}{{"state", s.BeaconState, state}, {"next", s.BeaconState, next}, {"block", s.BeaconBlock, block}} {
				want, err := ssz.HashTreeRoot(c.typ, c.b)
				if err != nil {
					t.Fatal(err)
				}
				h := newRefHasher()
				if got := h.root(t, c.typ, c.b); got != want {
					t.Fatalf("%s: reference root %x, ssz %x", c.what, got, want)
				}
				n, err := CountHashes(c.typ, c.b)
				if err != nil {
					t.Fatal(err)
				}
				if n != h.calls {
					t.Errorf("%s: CountHashes = %d, the reference hasher made %d", c.what, n, h.calls)
				}
			}
		})
	}
}

func TestTreeHashes(t *testing.T) {
	for _, c := range []struct {
		n     uint64
		depth int
		want  uint64
	}{
		{0, 40, 0}, {1, 0, 0}, {1, 3, 3}, {2, 1, 1}, {3, 2, 3}, {4, 2, 3}, {5, 3, 6}, {8, 3, 7}, {5, 40, 6 + 37},
	} {
		if got := treeHashes(c.n, c.depth); got != c.want {
			t.Errorf("treeHashes(%d, %d) = %d, want %d", c.n, c.depth, got, c.want)
		}
	}
}
