package ssz

import (
	"encoding/binary"
	"fmt"
)

// This file finds the byte range of a member of an encoded value from its
// schema, reading only the offsets on the way: O(depth) for any member,
// whatever the size of the lists it passes through. Every offset it reads is
// checked, so it is safe on bytes that were not validated.

// FieldSpan returns the byte range [lo, hi) in b of the named field of a
// container of type t encoded in b, and the field's type.
func FieldSpan(t *Type, b []byte, name string) (lo, hi int, ft *Type, err error) {
	if !t.IsContainer() {
		return 0, 0, nil, fmt.Errorf("%s is not a container: field %q needs a container: %w", t.Name, name, ErrPath)
	}
	idx, ok := t.FieldIndex(name)
	if !ok {
		return 0, 0, nil, fmt.Errorf("%s has no field %q: %w", t.Name, name, ErrPath)
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
				return 0, 0, nil, fmt.Errorf("%s: %d bytes, too short for field %s: %w", t.Name, len(b), name, ErrSize)
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
						return 0, 0, nil, fmt.Errorf("%s: %d bytes, too short for its offsets: %w", t.Name, len(b), ErrSize)
					}
					hi = int(binary.LittleEndian.Uint32(b[npos:]))
					break
				}
				npos += int(g.Type.FixedSize())
			}
			if lo > hi || hi > len(b) {
				return 0, 0, nil, fmt.Errorf("%s: field %s spans bytes %d..%d of %d: %w", t.Name, name, lo, hi, len(b), ErrOffset)
			}
			return lo, hi, f.Type, nil
		}
		pos += n
	}
	return 0, 0, nil, fmt.Errorf("%s has no field %q: %w", t.Name, name, ErrPath) // unreachable
}

// Len returns the number of elements of a Vector, List or ProgressiveList
// of type t encoded in b.
func Len(t *Type, b []byte) (int, error) {
	switch t.Kind {
	case KindVector, KindList, KindProgressiveList:
	default:
		return 0, fmt.Errorf("%s is not a list or vector: %w", t.Name, ErrPath)
	}
	if t.Elem.IsFixed() {
		es := int(t.Elem.FixedSize())
		if len(b)%es != 0 {
			return 0, fmt.Errorf("%s: %d bytes is not a multiple of the element size %d: %w", t.Name, len(b), es, ErrSize)
		}
		return len(b) / es, nil
	}
	if len(b) == 0 {
		return 0, nil
	}
	if len(b) < 4 {
		return 0, fmt.Errorf("%s: %d bytes, too short for an offset: %w", t.Name, len(b), ErrSize)
	}
	first := int(binary.LittleEndian.Uint32(b))
	if first == 0 || first%4 != 0 || first > len(b) {
		return 0, fmt.Errorf("%s: first offset %d in %d bytes: %w", t.Name, first, len(b), ErrOffset)
	}
	return first / 4, nil
}

// ElemSpan returns the byte range [lo, hi) of element i of a Vector, List or
// ProgressiveList encoded in b, and the element type. For basic elements
// the range is the element's own bytes (not its 32-byte chunk).
func ElemSpan(t *Type, b []byte, i uint64) (lo, hi int, et *Type, err error) {
	n, err := Len(t, b)
	if err != nil {
		return 0, 0, nil, err
	}
	if i >= uint64(n) {
		return 0, 0, nil, fmt.Errorf("index %d out of range: %s has %d elements: %w", i, t.Name, n, ErrPath)
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
		return 0, 0, nil, fmt.Errorf("%s: element %d spans bytes %d..%d of %d: %w", t.Name, i, lo, hi, len(b), ErrOffset)
	}
	return lo, hi, t.Elem, nil
}

// Lookup walks a parsed path through the value of type t encoded in b and
// returns the member's bytes (a subslice of b) and type. Indices into lists
// are checked against the list's actual length, not only its limit.
func Lookup(t *Type, b []byte, steps []Step) ([]byte, *Type, error) {
	cur, data := t, b
	for k, s := range steps {
		var lo, hi int
		var next *Type
		var err error
		if s.Name != "" {
			lo, hi, next, err = FieldSpan(cur, data, s.Name)
		} else {
			lo, hi, next, err = ElemSpan(cur, data, s.Index)
		}
		if err != nil {
			return nil, nil, fmt.Errorf("at %q: %w", stepsString(steps[:k+1]), err)
		}
		cur, data = next, data[lo:hi]
	}
	return data, cur, nil
}

// stepsString spells steps back as a path.
func stepsString(steps []Step) string {
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
