// Package synth generates consensus objects (states, blocks, envelopes) of
// any fork from the fork table's schemas: deterministic, structurally valid,
// and shaped like the chain (most validators active, some exited, full
// vectors, historical summaries). It makes the project's own test data and
// the mainnet-scale inputs of the benchmarks; nothing it makes is copied
// from elsewhere.
package synth

import (
	"encoding/binary"
	"fmt"

	"github.com/beaconproof/beaconproof/ssz"
)

// Filler returns the encoding of the member at path (spec spelling), or
// false to use the default: zero for fixed-size types, empty for lists,
// members filled recursively for containers.
type Filler func(path string, t *ssz.Type) ([]byte, bool)

// Build encodes a value of type t, asking fill for each member first.
func Build(t *ssz.Type, fill Filler) ([]byte, error) {
	return build(t, "", fill)
}

func build(t *ssz.Type, path string, fill Filler) ([]byte, error) {
	if fill != nil {
		if b, ok := fill(path, t); ok {
			return b, nil
		}
	}
	switch t.Kind {
	case ssz.KindContainer, ssz.KindProgressiveContainer:
		parts := make([][]byte, len(t.Fields))
		for i, f := range t.Fields {
			p := f.Name
			if path != "" {
				p = path + "." + f.Name
			}
			b, err := build(f.Type, p, fill)
			if err != nil {
				return nil, err
			}
			parts[i] = b
		}
		return EncodeContainer(t, parts)
	case ssz.KindBitlist, ssz.KindProgressiveBitlist:
		return []byte{1}, nil
	case ssz.KindVector:
		if t.IsFixed() {
			if t.Elem.IsContainer() {
				elem, err := build(t.Elem, path+"[0]", fill)
				if err != nil {
					return nil, err
				}
				out := make([]byte, 0, t.FixedSize())
				for i := uint64(0); i < t.Size; i++ {
					out = append(out, elem...)
				}
				return out, nil
			}
			return make([]byte, t.FixedSize()), nil
		}
		elems := make([][]byte, t.Size)
		for i := range elems {
			b, err := build(t.Elem, fmt.Sprintf("%s[%d]", path, i), fill)
			if err != nil {
				return nil, err
			}
			elems[i] = b
		}
		return EncodeSequence(t.Elem, elems), nil
	}
	if t.IsFixed() {
		return make([]byte, t.FixedSize()), nil
	}
	return nil, nil // empty list
}

// EncodeContainer joins the encodings of a container's fields, writing the
// offsets of the variable-size ones.
func EncodeContainer(t *ssz.Type, parts [][]byte) ([]byte, error) {
	if len(parts) != len(t.Fields) {
		return nil, fmt.Errorf("synth: %s has %d fields, got %d", t.Name, len(t.Fields), len(parts))
	}
	fixed := 0
	total := 0
	for i, f := range t.Fields {
		if f.Type.IsFixed() {
			if uint64(len(parts[i])) != f.Type.FixedSize() {
				return nil, fmt.Errorf("synth: %s.%s: %d bytes, want %d", t.Name, f.Name, len(parts[i]), f.Type.FixedSize())
			}
			fixed += len(parts[i])
		} else {
			fixed += 4
			total += len(parts[i])
		}
	}
	out := make([]byte, 0, fixed+total)
	off := fixed
	for i, f := range t.Fields {
		if f.Type.IsFixed() {
			out = append(out, parts[i]...)
		} else {
			out = binary.LittleEndian.AppendUint32(out, uint32(off))
			off += len(parts[i])
		}
	}
	for i, f := range t.Fields {
		if !f.Type.IsFixed() {
			out = append(out, parts[i]...)
		}
	}
	return out, nil
}

// EncodeSequence joins encoded elements of a list or vector, with offsets
// when the element type has a variable size.
func EncodeSequence(elem *ssz.Type, elems [][]byte) []byte {
	var out []byte
	if elem.IsFixed() {
		for _, e := range elems {
			out = append(out, e...)
		}
		return out
	}
	off := 4 * len(elems)
	for _, e := range elems {
		out = binary.LittleEndian.AppendUint32(out, uint32(off))
		off += len(e)
	}
	for _, e := range elems {
		out = append(out, e...)
	}
	return out
}

// Uint64 encodes v little-endian.
func Uint64(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
