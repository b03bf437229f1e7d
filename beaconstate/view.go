package beaconstate

import (
	"encoding/binary"
	"fmt"

	"github.com/beaconproof/beaconproof/ssz"
)

// This file resolves the byte range of a member of an encoded SSZ value from
// its schema, using only the exported API of package ssz (Type.Fields,
// Type.FixedSize, Type.IsFixed, ssz.ParsePath). It is the minimal "view" the
// typed accessors need; every offset is checked before use, so it is safe on
// bytes that were not validated, though Load always validates them first.

// fieldSpan returns the byte range of the named field of a container encoded
// in b, and the field's type.
func fieldSpan(t *ssz.Type, b []byte, name string) (lo, hi int, ft *ssz.Type, err error) {
	if !t.IsContainer() {
		return 0, 0, nil, fmt.Errorf("%s is not a container: field %q needs a container: %w", t.Name, name, ssz.ErrPath)
	}
	idx, ok := t.FieldIndex(name)
	if !ok {
		return 0, 0, nil, fmt.Errorf("%s has no field %q: %w", t.Name, name, ssz.ErrPath)
	}
	// Walk the fixed part: fixed fields take their size, variable fields a
	// 4-byte offset.
	pos := 0
	for i, f := range t.Fields {
		var n int
		if f.Type.IsFixed() {
			n = int(f.Type.FixedSize())
		} else {
			n = 4
		}
		if i == idx {
			if pos+n > len(b) {
				return 0, 0, nil, fmt.Errorf("%s: %d bytes, too short for field %s: %w", t.Name, len(b), name, ssz.ErrSize)
			}
			if f.Type.IsFixed() {
				return pos, pos + n, f.Type, nil
			}
			lo = int(binary.LittleEndian.Uint32(b[pos:]))
			hi = len(b)
			// The field ends at the next variable field's offset.
			npos := pos + n
			for _, g := range t.Fields[i+1:] {
				if !g.Type.IsFixed() {
					if npos+4 > len(b) {
						return 0, 0, nil, fmt.Errorf("%s: %d bytes, too short for its offsets: %w", t.Name, len(b), ssz.ErrSize)
					}
					hi = int(binary.LittleEndian.Uint32(b[npos:]))
					break
				}
				npos += int(g.Type.FixedSize())
			}
			if lo > hi || hi > len(b) {
				return 0, 0, nil, fmt.Errorf("%s: field %s spans bytes %d..%d of %d: %w", t.Name, name, lo, hi, len(b), ssz.ErrOffset)
			}
			return lo, hi, f.Type, nil
		}
		pos += n
	}
	return 0, 0, nil, fmt.Errorf("%s has no field %q: %w", t.Name, name, ssz.ErrPath) // unreachable
}

// seqLen returns the number of elements of a Vector, List or ProgressiveList
// encoded in b.
func seqLen(t *ssz.Type, b []byte) (int, error) {
	switch t.Kind {
	case ssz.KindVector, ssz.KindList, ssz.KindProgressiveList:
	default:
		return 0, fmt.Errorf("%s is not a list or vector: %w", t.Name, ssz.ErrPath)
	}
	if t.Elem.IsFixed() {
		es := int(t.Elem.FixedSize())
		if len(b)%es != 0 {
			return 0, fmt.Errorf("%s: %d bytes is not a multiple of the element size %d: %w", t.Name, len(b), es, ssz.ErrSize)
		}
		return len(b) / es, nil
	}
	if len(b) == 0 {
		return 0, nil
	}
	if len(b) < 4 {
		return 0, fmt.Errorf("%s: %d bytes, too short for an offset: %w", t.Name, len(b), ssz.ErrSize)
	}
	first := int(binary.LittleEndian.Uint32(b))
	if first == 0 || first%4 != 0 || first > len(b) {
		return 0, fmt.Errorf("%s: first offset %d in %d bytes: %w", t.Name, first, len(b), ssz.ErrOffset)
	}
	return first / 4, nil
}

// elemSpan returns the byte range of element i of a Vector, List or
// ProgressiveList encoded in b, and the element type. For basic elements
// the range is the element's own bytes (not its 32-byte chunk).
func elemSpan(t *ssz.Type, b []byte, i uint64) (lo, hi int, et *ssz.Type, err error) {
	n, err := seqLen(t, b)
	if err != nil {
		return 0, 0, nil, err
	}
	if i >= uint64(n) {
		return 0, 0, nil, fmt.Errorf("index %d out of range: %s has %d elements: %w", i, t.Name, n, ssz.ErrPath)
	}
	if t.Elem.IsFixed() {
		es := int(t.Elem.FixedSize())
		return int(i) * es, (int(i) + 1) * es, t.Elem, nil
	}
	lo = int(binary.LittleEndian.Uint32(b[4*i:]))
	hi = len(b)
	if int(i)+1 < n {
		hi = int(binary.LittleEndian.Uint32(b[4*i+4:]))
	}
	if lo < 4*n || lo > hi || hi > len(b) {
		return 0, 0, nil, fmt.Errorf("%s: element %d spans bytes %d..%d of %d: %w", t.Name, i, lo, hi, len(b), ssz.ErrOffset)
	}
	return lo, hi, t.Elem, nil
}

// resolve walks a parsed path through the value of type t encoded in b and
// returns the member's bytes and type. Indices into lists are checked
// against the list's actual length, not only its limit.
func resolve(t *ssz.Type, b []byte, steps []ssz.Step) ([]byte, *ssz.Type, error) {
	cur, data := t, b
	for k, s := range steps {
		var lo, hi int
		var next *ssz.Type
		var err error
		if s.Name != "" {
			lo, hi, next, err = fieldSpan(cur, data, s.Name)
		} else {
			lo, hi, next, err = elemSpan(cur, data, s.Index)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("at %q: %w", stepsString(steps[:k+1]), err)
		}
		cur, data = next, data[lo:hi]
	}
	return data, cur, nil
}

// stepsString spells steps back as a path.
func stepsString(steps []ssz.Step) string {
	var out []byte
	for i, s := range steps {
		if s.Name != "" {
			if i > 0 {
				out = append(out, '.')
			}
			out = append(out, s.Name...)
		} else {
			out = fmt.Appendf(out, "[%d]", s.Index)
		}
	}
	return string(out)
}

// checkPath reports whether path exists in the value: every field is
// present and every index is below the actual length of its list. Paths
// into the chunks of packed basic lists (balances[7]) are checked the same
// way.
func checkPath(t *ssz.Type, b []byte, path string) error {
	steps, err := ssz.ParsePath(path)
	if err != nil {
		return err
	}
	_, _, err = resolve(t, b, steps)
	return err
}
