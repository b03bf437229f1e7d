package ssz

import (
	"encoding/binary"
	"math/bits"
)

// Validate checks that b is a well-formed encoding of a value of type t:
// sizes, offsets, list limits, booleans, bitlist delimiters and padding
// bits. It allocates nothing proportional to the input.
func Validate(t *Type, b []byte) error {
	return validate(t, b, new(trail), 0)
}

// validate checks b at byte base of the top-level value; path leads there
// and becomes a string only in an error.
func validate(t *Type, b []byte, path *trail, base int) error {
	switch t.Kind {
	case KindUint, KindByteVector:
		if uint64(len(b)) != t.fixedSize {
			return at(t, path.String(), base, errf(ErrSize, "%d bytes, want %d", len(b), t.fixedSize))
		}
	case KindBool:
		if len(b) != 1 {
			return at(t, path.String(), base, errf(ErrSize, "%d bytes, want 1", len(b)))
		}
		if b[0] > 1 {
			return at(t, path.String(), base, errf(ErrValue, "boolean byte 0x%02x", b[0]))
		}
	case KindBitvector:
		if uint64(len(b)) != t.fixedSize {
			return at(t, path.String(), base, errf(ErrSize, "%d bytes, want %d", len(b), t.fixedSize))
		}
		if r := t.Size % 8; r != 0 && b[len(b)-1]>>r != 0 {
			return at(t, path.String(), base+len(b)-1, errf(ErrValue, "padding bits of Bitvector[%d] are set", t.Size))
		}
	case KindByteList:
		if uint64(len(b)) > t.Limit {
			return at(t, path.String(), base, errf(ErrLimit, "%d bytes, limit %d", len(b), t.Limit))
		}
	case KindBitlist, KindProgressiveBitlist:
		n, err := bitlistLen(b)
		if err != nil {
			return at(t, path.String(), base, err)
		}
		if t.Kind == KindBitlist && n > t.Limit {
			return at(t, path.String(), base, errf(ErrLimit, "%d bits, limit %d", n, t.Limit))
		}
	case KindVector, KindList, KindProgressiveList:
		s, err := sequenceOf(t, b)
		if err != nil {
			return at(t, path.String(), base, err)
		}
		if t.Elem.IsFixed() {
			return checkFixed(t.Elem, b, s.n, true, path, base)
		}
		for i := 0; i < s.n; i++ {
			path.push("", i)
			lo, hi, err := s.bounds(i)
			if err != nil {
				return at(t, path.String(), base, err)
			}
			if err := validate(t.Elem, b[lo:hi], path, base+lo); err != nil {
				return err
			}
			path.pop()
		}
	case KindContainer, KindProgressiveContainer:
		if t.IsFixed() {
			if uint64(len(b)) != t.fixedSize {
				return at(t, path.String(), base, errf(ErrSize, "%d bytes, want %d", len(b), t.fixedSize))
			}
			return checkFixed(t, b, 1, false, path, base)
		}
		spans, err := containerSpans(t, b, nil)
		if err != nil {
			return at(t, path.String(), base, err)
		}
		for i, f := range t.Fields {
			sp := spans[i]
			path.push(f.Name, 0)
			if err := validate(f.Type, b[sp.lo:sp.hi], path, base+sp.lo); err != nil {
				return err
			}
			path.pop()
		}
	default:
		return at(t, path.String(), base, errf(ErrValue, "unknown kind %v", t.Kind))
	}
	return nil
}

// bitlistLen returns the number of bits in an encoded bitlist.
func bitlistLen(b []byte) (uint64, error) {
	if len(b) == 0 {
		return 0, errf(ErrSize, "empty bitlist has no length bit")
	}
	last := b[len(b)-1]
	if last == 0 {
		return 0, errf(ErrValue, "bitlist's last byte is zero (no length bit)")
	}
	return uint64(len(b)-1)*8 + uint64(bits.Len8(last)) - 1, nil
}

type span struct{ lo, hi int }

// containerSpans returns the byte range of each field of a container,
// checking the fixed part's size and every offset. buf is reused if large
// enough.
func containerSpans(t *Type, b []byte, buf []span) ([]span, error) {
	if len(t.Fields) == 0 {
		if len(b) != 0 {
			return nil, errf(ErrSize, "%d bytes for an empty container", len(b))
		}
		return buf[:0], nil
	}
	if t.IsFixed() && uint64(len(b)) != t.fixedSize {
		return nil, errf(ErrSize, "%d bytes, want %d", len(b), t.fixedSize)
	}
	spans := buf[:0]
	if cap(spans) < len(t.Fields) {
		spans = make([]span, 0, len(t.Fields))
	}
	fixedEnd := 0
	for _, f := range t.Fields {
		if f.Type.IsFixed() {
			fixedEnd += int(f.Type.fixedSize)
		} else {
			fixedEnd += 4
		}
	}
	if len(b) < fixedEnd {
		return nil, errf(ErrSize, "%d bytes, shorter than the fixed part (%d bytes)", len(b), fixedEnd)
	}
	pos := 0
	prevVar := -1 // index into spans of the previous variable field
	for _, f := range t.Fields {
		if f.Type.IsFixed() {
			n := int(f.Type.fixedSize)
			spans = append(spans, span{pos, pos + n})
			pos += n
			continue
		}
		off := int(binary.LittleEndian.Uint32(b[pos:]))
		if prevVar < 0 {
			if off != fixedEnd {
				return nil, errf(ErrOffset, "offset of field %s at byte %d is %d, want %d (end of the fixed part)", f.Name, pos, off, fixedEnd)
			}
		} else {
			if off < spans[prevVar].lo {
				return nil, errf(ErrOffset, "offset of field %s at byte %d is %d, before the previous offset %d", f.Name, pos, off, spans[prevVar].lo)
			}
			spans[prevVar].hi = off
		}
		if off > len(b) {
			return nil, errf(ErrOffset, "offset of field %s at byte %d is %d, past the end (%d bytes)", f.Name, pos, off, len(b))
		}
		spans = append(spans, span{off, len(b)})
		prevVar = len(spans) - 1
		pos += 4
	}
	if prevVar < 0 && len(b) != fixedEnd {
		return nil, errf(ErrSize, "%d bytes, want %d", len(b), fixedEnd)
	}
	return spans, nil
}

// sequence describes the elements of an encoded vector or list.
type sequence struct {
	b        []byte
	n        int
	elemSize int // fixed element size, or 0 for variable-size elements
}

func (s sequence) bounds(i int) (int, int, error) {
	if s.elemSize > 0 {
		return i * s.elemSize, (i + 1) * s.elemSize, nil
	}
	lo := int(binary.LittleEndian.Uint32(s.b[4*i:]))
	hi := len(s.b)
	if i+1 < s.n {
		hi = int(binary.LittleEndian.Uint32(s.b[4*i+4:]))
	}
	if lo > hi || hi > len(s.b) || lo < 4*s.n {
		return 0, 0, errf(ErrOffset, "element %d spans bytes %d..%d of %d", i, lo, hi, len(s.b))
	}
	return lo, hi, nil
}

// sequenceOf checks the shape of an encoded Vector, List or ProgressiveList:
// its length against the type's size or limit, and for variable-size
// elements that the first offset is sane (later offsets are checked by
// bounds as they are read, and all of them by validate).
func sequenceOf(t *Type, b []byte) (sequence, error) {
	s := sequence{b: b}
	if t.Elem.IsFixed() {
		es := int(t.Elem.fixedSize)
		if len(b)%es != 0 {
			return s, errf(ErrSize, "%d bytes is not a multiple of the element size %d", len(b), es)
		}
		s.n, s.elemSize = len(b)/es, es
	} else if len(b) > 0 {
		if len(b) < 4 {
			return s, errf(ErrSize, "%d bytes, too short for an offset", len(b))
		}
		first := int(binary.LittleEndian.Uint32(b))
		if first%4 != 0 || first == 0 || first > len(b) {
			return s, errf(ErrOffset, "first offset %d in %d bytes", first, len(b))
		}
		s.n = first / 4
		// Check that offsets never decrease; this makes bounds(i) exact.
		prev := first
		for i := 1; i < s.n; i++ {
			o := int(binary.LittleEndian.Uint32(b[4*i:]))
			if o < prev || o > len(b) {
				return s, errf(ErrOffset, "offset %d of element %d (previous %d, length %d)", o, i, prev, len(b))
			}
			prev = o
		}
	}
	switch t.Kind {
	case KindVector:
		if uint64(s.n) != t.Size {
			return s, errf(ErrSize, "%d elements, want %d", s.n, t.Size)
		}
	case KindList:
		if uint64(s.n) > t.Limit {
			return s, errf(ErrLimit, "%d elements, limit %d", s.n, t.Limit)
		}
	}
	return s, nil
}

// byteCheck is a byte of a fixed-size type's encoding that not every value
// may take: a boolean (0 or 1) or the last byte of a bitvector whose bit
// length is not a multiple of 8 (padding bits zero).
type byteCheck struct {
	off  int
	mask byte   // bits that must be zero; for a boolean, 0xfe
	path string // member path within the type, for errors
	t    *Type
	deep bool // validate the value at off of type t recursively instead
}

// maxUnrolledChecks bounds the byte checks listed for one fixed-size type.
const maxUnrolledChecks = 4096

// fixedChecks returns the byte checks of a fixed-size type, computed once.
func (t *Type) fixedChecks() []byteCheck {
	t.checksOnce.Do(func() { t.checks = collectChecks(t, 0, "", nil) })
	return t.checks
}

func collectChecks(t *Type, off int, path string, out []byteCheck) []byteCheck {
	switch t.Kind {
	case KindBool:
		out = append(out, byteCheck{off: off, mask: 0xfe, path: path, t: t})
	case KindBitvector:
		if r := t.Size % 8; r != 0 {
			out = append(out, byteCheck{off: off + int(t.fixedSize) - 1, mask: 0xff << r, path: path, t: t})
		}
	case KindVector:
		es := int(t.Elem.fixedSize)
		if sub := t.Elem.fixedChecks(); len(sub) > 0 {
			if t.Size*uint64(len(sub)) > maxUnrolledChecks {
				// Too many to list: check the whole vector value by value.
				return append(out, byteCheck{off: off, path: path, t: t, deep: true})
			}
			for i := 0; i < int(t.Size); i++ {
				for _, c := range sub {
					c.off += off + i*es
					c.path = joinPath(indexPath(path, i), c.path)
					out = append(out, c)
				}
			}
		}
	case KindContainer, KindProgressiveContainer:
		pos := off
		for _, f := range t.Fields {
			out = collectChecks(f.Type, pos, joinPath(path, f.Name), out)
			pos += int(f.Type.fixedSize)
		}
	}
	return out
}

// checkFixed validates n consecutive values of the fixed-size type t (the
// elements of a sequence when seq) at byte base, reached by path.
func checkFixed(t *Type, b []byte, n int, seq bool, path *trail, base int) error {
	checks := t.fixedChecks()
	if len(checks) == 0 || n == 0 {
		return nil
	}
	es := int(t.fixedSize)
	for i := 0; i < n; i++ {
		e := b[i*es:]
		for _, c := range checks {
			if !c.deep && e[c.off]&c.mask == 0 {
				continue
			}
			depth := path.n
			if seq {
				path.push("", i)
			}
			if c.path != "" {
				path.push(c.path, 0)
			}
			if c.deep {
				if err := validate(c.t, e[c.off:c.off+int(c.t.fixedSize)], path, base+i*es+c.off); err != nil {
					return err
				}
				path.n = depth
				continue
			}
			what := "boolean byte"
			if c.t.Kind == KindBitvector {
				what = "padding bits of " + c.t.Name + " in byte"
			}
			return at(c.t, path.String(), base+i*es+c.off, errf(ErrValue, "%s 0x%02x", what, e[c.off]))
		}
	}
	return nil
}
