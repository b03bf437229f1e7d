package ssz

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
)

// ToJSON validates b as a value of type t and returns its JSON in the style
// of the beacon API and of the consensus specs' JSON mapping: uints as
// decimal strings (except Byte, as "0x12"), booleans as JSON booleans, byte
// vectors and lists (and vectors and lists of Byte) as 0x-prefixed hex, bitfields as 0x-prefixed
// hex of their SSZ encoding, vectors and lists as arrays, containers as
// objects with their fields in order.
func ToJSON(t *Type, b []byte) ([]byte, error) {
	if err := Validate(t, b); err != nil {
		return nil, err
	}
	return appendJSON(make([]byte, 0, 2*len(b)+16), t, b, new(trail), 0)
}

const hexDigits = "0123456789abcdef"

func appendHex(out, b []byte) []byte {
	out = append(out, '"', '0', 'x')
	for _, c := range b {
		out = append(out, hexDigits[c>>4], hexDigits[c&15])
	}
	return append(out, '"')
}

func appendJSON(out []byte, t *Type, b []byte, path *trail, base int) ([]byte, error) {
	switch t.Kind {
	case KindUint:
		if t.Name == "byte" {
			return appendHex(out, b), nil
		}
		out = append(out, '"')
		if t.Size <= 8 {
			out = strconv.AppendUint(out, leUint(b), 10)
		} else {
			out = leBig(b).Append(out, 10)
		}
		return append(out, '"'), nil
	case KindBool:
		if b[0] == 1 {
			return append(out, "true"...), nil
		}
		return append(out, "false"...), nil
	case KindByteVector, KindByteList, KindBitvector, KindBitlist, KindProgressiveBitlist:
		return appendHex(out, b), nil
	case KindVector, KindList, KindProgressiveList:
		if isByteString(t) {
			return appendHex(out, b), nil
		}
		s, err := sequenceOf(t, b)
		if err != nil {
			return nil, at(t, path.String(), base, err)
		}
		out = append(out, '[')
		for i := 0; i < s.n; i++ {
			if i > 0 {
				out = append(out, ',')
			}
			path.push("", i)
			lo, hi, err := s.bounds(i)
			if err != nil {
				return nil, at(t, path.String(), base, err)
			}
			if out, err = appendJSON(out, t.Elem, b[lo:hi], path, base+lo); err != nil {
				return nil, err
			}
			path.pop()
		}
		return append(out, ']'), nil
	case KindContainer, KindProgressiveContainer:
		spans, err := containerSpans(t, b, nil)
		if err != nil {
			return nil, at(t, path.String(), base, err)
		}
		out = append(out, '{')
		for i, f := range t.Fields {
			if i > 0 {
				out = append(out, ',')
			}
			out = appendJSONString(out, f.Name)
			out = append(out, ':')
			sp := spans[i]
			path.push(f.Name, 0)
			if out, err = appendJSON(out, f.Type, b[sp.lo:sp.hi], path, base+sp.lo); err != nil {
				return nil, err
			}
			path.pop()
		}
		return append(out, '}'), nil
	}
	return nil, at(t, path.String(), base, errf(ErrValue, "unknown kind %v", t.Kind))
}

// appendJSONString appends s as a JSON string.
func appendJSONString(out []byte, s string) []byte {
	out = append(out, '"')
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			out = append(out, '\\', c)
		case c < 0x20:
			out = append(out, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
		default:
			out = append(out, c)
		}
	}
	return append(out, '"')
}

// FromJSON reads JSON in the forms that ToJSON writes (the beacon API's)
// and returns the SSZ encoding of the value of type t that it describes. It
// also accepts JSON numbers for uints, arrays of bools for bitfields and
// arrays of numbers for bytes. Every field of a container must be present
// exactly once, and no other key may be. The JSON is read as a stream, so
// that memory stays proportional to the encoded value.
func FromJSON(t *Type, data []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	r := &jsonReader{dec: dec}
	out, err := r.value(t, "", nil)
	if err != nil {
		return nil, err
	}
	if tok, err := dec.Token(); err != io.EOF {
		if err != nil {
			return nil, r.fail(t, "", 0, err)
		}
		return nil, at(t, "", len(out), errf(ErrValue, "JSON: unexpected %v after the value", tok))
	}
	return out, nil
}

type jsonReader struct {
	dec *json.Decoder
}

func (r *jsonReader) fail(t *Type, path string, off int, err error) error {
	if errors.Is(err, ErrInvalid) {
		return err
	}
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return at(t, path, off, errf(ErrValue, "JSON: %v", err))
}

// token reads the next token, refusing null.
func (r *jsonReader) token(t *Type, path string, off int) (json.Token, error) {
	tok, err := r.dec.Token()
	if err != nil {
		return nil, r.fail(t, path, off, err)
	}
	if tok == nil {
		return nil, at(t, path, off, errf(ErrValue, "JSON: null"))
	}
	return tok, nil
}

// scalars reads the rest of an array of scalars, after its '['.
func (r *jsonReader) scalars(t *Type, path string, off int) ([]any, error) {
	out := []any{}
	for r.dec.More() {
		tok, err := r.token(t, path, off)
		if err != nil {
			return nil, err
		}
		if _, ok := tok.(json.Delim); ok {
			return nil, at(t, indexPath(path, len(out)), off, errf(ErrValue, "JSON: unexpected %v", tok))
		}
		out = append(out, tok)
	}
	if _, err := r.dec.Token(); err != nil { // ']'
		return nil, r.fail(t, path, off, err)
	}
	return out, nil
}

// value reads one JSON value of type t and appends its SSZ encoding to buf.
func (r *jsonReader) value(t *Type, path string, buf []byte) ([]byte, error) {
	switch t.Kind {
	case KindUint, KindBool, KindByteVector, KindByteList, KindBitvector, KindBitlist, KindProgressiveBitlist:
		return r.leaf(t, path, buf)
	case KindVector, KindList, KindProgressiveList:
		return r.sequence(t, path, buf)
	case KindContainer, KindProgressiveContainer:
		return r.container(t, path, buf)
	}
	return nil, at(t, path, len(buf), errf(ErrValue, "unknown kind %v", t.Kind))
}

// leaf reads a basic value, a byte string or a bit string: a JSON scalar,
// or an array of scalars for the byte and bit kinds.
func (r *jsonReader) leaf(t *Type, path string, buf []byte) ([]byte, error) {
	off := len(buf)
	tok, err := r.token(t, path, off)
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); ok {
		if d != '[' || t.Kind == KindUint || t.Kind == KindBool {
			return nil, at(t, path, off, errf(ErrValue, "JSON: unexpected %v", d))
		}
		s, err := r.scalars(t, path, off)
		if err != nil {
			return nil, err
		}
		tok = s
	}
	return encodeLeaf(t, tok, path, buf)
}

// sequence reads a vector or list: a JSON array, or a hex string for bytes.
func (r *jsonReader) sequence(t *Type, path string, buf []byte) ([]byte, error) {
	off := len(buf)
	tok, err := r.token(t, path, off)
	if err != nil {
		return nil, err
	}
	if s, ok := tok.(string); ok && t.Elem.Kind == KindUint && t.Elem.Size == 1 {
		return encodeValue(t, s, path, buf)
	}
	if tok != json.Delim('[') {
		return nil, at(t, path, off, errf(ErrValue, "JSON: want an array, got %v", tok))
	}
	n := 0
	var ends []int // variable-size elements: end of each in body
	var body []byte
	for r.dec.More() {
		if t.Kind == KindVector && uint64(n) >= t.Size {
			return nil, at(t, path, off, errf(ErrSize, "more than %d elements", t.Size))
		}
		if t.Kind == KindList && uint64(n) >= t.Limit {
			return nil, at(t, path, off, errf(ErrLimit, "more than %d elements, limit %d", t.Limit, t.Limit))
		}
		if t.Elem.IsFixed() {
			if buf, err = r.value(t.Elem, indexPath(path, n), buf); err != nil {
				return nil, err
			}
		} else {
			if body, err = r.value(t.Elem, indexPath(path, n), body); err != nil {
				return nil, err
			}
			ends = append(ends, len(body))
		}
		n++
	}
	if _, err := r.dec.Token(); err != nil { // ']'
		return nil, r.fail(t, path, off, err)
	}
	if err := checkCount(t, n, path, off); err != nil {
		return nil, err
	}
	if t.Elem.IsFixed() {
		return buf, nil
	}
	buf = append(buf, make([]byte, 4*n)...)
	prev := 0
	for i, end := range ends {
		if err := putOffset(t, buf, off+4*i, 4*n+prev, indexPath(path, i)); err != nil {
			return nil, err
		}
		prev = end
	}
	return append(buf, body...), nil
}

// container reads a JSON object with every field of t once.
func (r *jsonReader) container(t *Type, path string, buf []byte) ([]byte, error) {
	off := len(buf)
	tok, err := r.token(t, path, off)
	if err != nil {
		return nil, err
	}
	if tok != json.Delim('{') {
		return nil, at(t, path, off, errf(ErrValue, "JSON: want an object, got %v", tok))
	}
	parts := make([][]byte, len(t.Fields))
	seen := make([]bool, len(t.Fields))
	for r.dec.More() {
		tok, err := r.token(t, path, off)
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string)
		i, ok := t.FieldIndex(key)
		if !ok {
			return nil, at(t, path, off, errf(ErrValue, "unknown field %q for %s", truncate(key), t.Name))
		}
		if seen[i] {
			return nil, at(t, joinPath(path, key), off, errf(ErrValue, "field %s given twice", key))
		}
		seen[i] = true
		if parts[i], err = r.value(t.Fields[i].Type, joinPath(path, key), nil); err != nil {
			return nil, err
		}
	}
	if _, err := r.dec.Token(); err != nil { // '}'
		return nil, r.fail(t, path, off, err)
	}
	for i, f := range t.Fields {
		if !seen[i] {
			return nil, at(t, joinPath(path, f.Name), off, errf(ErrValue, "missing field %s of %s", f.Name, t.Name))
		}
	}
	return joinFields(t, path, parts, buf)
}

// joinFields appends the container encoding of the fields' encodings
// parts: the fixed part with an offset for each variable field, then the
// variable fields.
func joinFields(t *Type, path string, parts [][]byte, buf []byte) ([]byte, error) {
	fixedEnd := 0
	for i, f := range t.Fields {
		if f.Type.IsFixed() {
			fixedEnd += len(parts[i])
		} else {
			fixedEnd += 4
		}
	}
	varOff := fixedEnd
	for i, f := range t.Fields {
		if f.Type.IsFixed() {
			buf = append(buf, parts[i]...)
			continue
		}
		buf = append(buf, 0, 0, 0, 0)
		if err := putOffset(t, buf, len(buf)-4, varOff, joinPath(path, f.Name)); err != nil {
			return nil, err
		}
		varOff += len(parts[i])
	}
	for i, f := range t.Fields {
		if !f.Type.IsFixed() {
			buf = append(buf, parts[i]...)
		}
	}
	return buf, nil
}
