package ssz

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"math/big"
	"math/bits"
	"reflect"
	"strconv"
)

// This file holds the generic value codec: Decode turns encoded bytes into
// plain Go values (for display and for tests), Encode turns such values, or
// the values that YAML and JSON decoders produce, back into SSZ bytes;
// json.go converts between SSZ bytes and the JSON of the beacon API. Every
// function here allocates at most in proportion to its input.

// Byte is the specs' byte: a uint8 that the JSON mapping writes as hex.
// Vectors and lists of Byte are byte strings: Decode returns them as []byte
// and ToJSON writes them as 0x-prefixed hex, while vectors and lists of
// Uint8 (ParticipationFlags, ...) are arrays of numbers. The two encode and
// hash identically.
var Byte = Uint8.Rename("byte")

// isByteString reports whether t is a Vector, List or ProgressiveList of
// Byte.
func isByteString(t *Type) bool {
	return t.Elem != nil && t.Elem.Kind == KindUint && t.Elem.Size == 1 && t.Elem.Name == "byte"
}

// Object is a decoded container: its field names in serialization order and
// their values. Decode returns containers as *Object; Encode accepts Object,
// *Object and maps keyed by field name.
type Object struct {
	Keys   []string
	Values map[string]any
}

// NewObject returns an empty Object with room for n fields.
func NewObject(n int) *Object {
	return &Object{Keys: make([]string, 0, n), Values: make(map[string]any, n)}
}

// Set sets the named field, appending the name to Keys if it is new.
func (o *Object) Set(name string, v any) {
	if o.Values == nil {
		o.Values = make(map[string]any)
	}
	if _, ok := o.Values[name]; !ok {
		o.Keys = append(o.Keys, name)
	}
	o.Values[name] = v
}

// Get returns the named field.
func (o *Object) Get(name string) (any, bool) {
	v, ok := o.Values[name]
	return v, ok
}

// Len returns the number of fields.
func (o *Object) Len() int { return len(o.Keys) }

// Decode validates b as a value of type t and returns it as a generic Go
// value:
//
//	uint8 ... uint64                            uint64
//	uint128, uint256                            *big.Int
//	boolean                                     bool
//	ByteVector, ByteList, sequences of Byte     []byte (a copy)
//	Bitvector, Bitlist, ProgressiveBitlist      []bool
//	Vector, List, ProgressiveList               []any
//	Container, ProgressiveContainer             *Object
//
// The result never aliases b, and its size is proportional to len(b).
func Decode(t *Type, b []byte) (any, error) {
	if err := Validate(t, b); err != nil {
		return nil, err
	}
	return decodeValue(t, b, new(trail), 0)
}

func decodeValue(t *Type, b []byte, path *trail, base int) (any, error) {
	switch t.Kind {
	case KindUint:
		if t.Size <= 8 {
			return leUint(b), nil
		}
		return leBig(b), nil
	case KindBool:
		return b[0] == 1, nil
	case KindByteVector, KindByteList:
		if len(b) == 0 {
			// One shared value for every empty byte string: a list of
			// 2^18 empty transactions then costs its []any, not 2^18
			// slice headers. Appending to it allocates, so it never aliases.
			return emptyBytes, nil
		}
		return append([]byte{}, b...), nil
	case KindBitvector:
		return unpackBits(b, t.Size), nil
	case KindBitlist, KindProgressiveBitlist:
		n, err := bitlistLen(b)
		if err != nil {
			return nil, at(t, path.String(), base, err)
		}
		return unpackBits(b, n), nil
	case KindVector, KindList, KindProgressiveList:
		if isByteString(t) {
			return append([]byte{}, b...), nil
		}
		s, err := sequenceOf(t, b)
		if err != nil {
			return nil, at(t, path.String(), base, err)
		}
		out := make([]any, s.n)
		for i := range out {
			path.push("", i)
			lo, hi, err := s.bounds(i)
			if err != nil {
				return nil, at(t, path.String(), base, err)
			}
			if out[i], err = decodeValue(t.Elem, b[lo:hi], path, base+lo); err != nil {
				return nil, err
			}
			path.pop()
		}
		return out, nil
	case KindContainer, KindProgressiveContainer:
		spans, err := containerSpans(t, b, nil)
		if err != nil {
			return nil, at(t, path.String(), base, err)
		}
		o := NewObject(len(t.Fields))
		for i, f := range t.Fields {
			sp := spans[i]
			path.push(f.Name, 0)
			v, err := decodeValue(f.Type, b[sp.lo:sp.hi], path, base+sp.lo)
			if err != nil {
				return nil, err
			}
			path.pop()
			o.Set(f.Name, v)
		}
		return o, nil
	}
	return nil, at(t, path.String(), base, errf(ErrValue, "unknown kind %v", t.Kind))
}

var emptyBytes any = []byte{}

func leUint(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		v = v<<8 | uint64(b[i])
	}
	return v
}

func leBig(b []byte) *big.Int {
	be := make([]byte, len(b))
	for i, c := range b {
		be[len(b)-1-i] = c
	}
	return new(big.Int).SetBytes(be)
}

func unpackBits(b []byte, n uint64) []bool {
	out := make([]bool, n)
	for i := range out {
		out[i] = b[i/8]>>(i%8)&1 == 1
	}
	return out
}

// Encode returns the SSZ encoding of v as a value of type t. It accepts the
// forms that Decode returns and those that YAML and JSON decoders produce:
//
//   - uints: any Go integer, a float without fraction (up to 2^53),
//     json.Number, a decimal string, *big.Int or big.Int (and a Byte also
//     as a one-byte hex string, "0x7f");
//   - booleans: bool;
//   - ByteVector, ByteList (and Vector or List of uint8): []byte, a byte
//     array, a 0x-prefixed hex string, or a sequence of byte values;
//   - Bitvector, Bitlist, ProgressiveBitlist: []bool or a sequence of bools,
//     or their SSZ encoding as []byte or as a 0x-prefixed hex string (the
//     form of the consensus spec tests and the beacon API);
//   - Vector, List, ProgressiveList: []any or any other slice or array;
//   - containers: *Object, Object, map[string]any, map[any]any (YAML), or
//     any map with string keys. Every field must be present, and no other
//     key may be.
//
// Errors are *Error values that name the field path and wrap ErrSize (wrong
// length for a vector), ErrLimit (list over its limit) or ErrValue (any
// other unusable value). Encode allocates in proportion to v, never to the
// sizes that t declares.
func Encode(t *Type, v any) ([]byte, error) {
	return encodeValue(t, v, "", make([]byte, 0, 64))
}

func encodeValue(t *Type, v any, path string, buf []byte) ([]byte, error) {
	if v == nil {
		return nil, at(t, path, len(buf), errf(ErrValue, "missing value (nil)"))
	}
	switch t.Kind {
	case KindUint, KindBool, KindByteVector, KindByteList, KindBitvector, KindBitlist, KindProgressiveBitlist:
		return encodeLeaf(t, v, path, buf)
	case KindVector, KindList, KindProgressiveList:
		return encodeSequence(t, v, path, buf)
	case KindContainer, KindProgressiveContainer:
		return encodeContainer(t, v, path, buf)
	}
	return nil, at(t, path, len(buf), errf(ErrValue, "unknown kind %v", t.Kind))
}

// encodeSequence appends the encoding of a vector or list: from bytes for
// a sequence of bytes, else element by element.
func encodeSequence(t *Type, v any, path string, buf []byte) ([]byte, error) {
	if t.Elem.Kind == KindUint && t.Elem.Size == 1 {
		if raw, ok, err := bytesOf(t, v, path, len(buf)); err != nil {
			return nil, err
		} else if ok {
			if err := checkCount(t, len(raw), path, len(buf)); err != nil {
				return nil, err
			}
			return append(buf, raw...), nil
		}
	}
	sq, ok := seqOf(v)
	if !ok {
		return nil, at(t, path, len(buf), errf(ErrValue, "want a sequence, got %T", v))
	}
	n := sq.len()
	if err := checkCount(t, n, path, len(buf)); err != nil {
		return nil, err
	}
	var err error
	if t.Elem.IsFixed() {
		for i := 0; i < n; i++ {
			if buf, err = encodeValue(t.Elem, sq.at(i), indexPath(path, i), buf); err != nil {
				return nil, err
			}
		}
		return buf, nil
	}
	start := len(buf)
	buf = append(buf, make([]byte, 4*n)...)
	for i := 0; i < n; i++ {
		if err := putOffset(t, buf, start+4*i, len(buf)-start, indexPath(path, i)); err != nil {
			return nil, err
		}
		if buf, err = encodeValue(t.Elem, sq.at(i), indexPath(path, i), buf); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// encodeContainer appends the encoding of a container from an object or
// map holding exactly its fields.
func encodeContainer(t *Type, v any, path string, buf []byte) ([]byte, error) {
	get, n, ok := fieldsOf(v)
	if !ok {
		return nil, at(t, path, len(buf), errf(ErrValue, "want an object or map, got %T", v))
	}
	vals := make([]any, len(t.Fields))
	for i, f := range t.Fields {
		fv, ok := get(f.Name)
		if !ok {
			return nil, at(t, joinPath(path, f.Name), len(buf), errf(ErrValue, "missing field %s of %s", f.Name, t.Name))
		}
		vals[i] = fv
	}
	if n != len(t.Fields) {
		return nil, at(t, path, len(buf), errf(ErrValue, "unknown field %s for %s", unknownKey(t, v), t.Name))
	}
	start := len(buf)
	var err error
	for i, f := range t.Fields {
		if !f.Type.IsFixed() {
			buf = append(buf, 0, 0, 0, 0)
		} else if buf, err = encodeValue(f.Type, vals[i], joinPath(path, f.Name), buf); err != nil {
			return nil, err
		}
	}
	slot := start
	for i, f := range t.Fields {
		if f.Type.IsFixed() {
			slot += int(f.Type.fixedSize)
			continue
		}
		if err := putOffset(t, buf, slot, len(buf)-start, joinPath(path, f.Name)); err != nil {
			return nil, err
		}
		slot += 4
		if buf, err = encodeValue(f.Type, vals[i], joinPath(path, f.Name), buf); err != nil {
			return nil, err
		}
	}
	return buf, nil
}

// checkCount checks an element count against a vector's length or a list's
// limit.
func checkCount(t *Type, n int, path string, off int) error {
	switch t.Kind {
	case KindVector:
		if uint64(n) != t.Size {
			return at(t, path, off, errf(ErrSize, "%d elements, want %d", n, t.Size))
		}
	case KindList:
		if uint64(n) > t.Limit {
			return at(t, path, off, errf(ErrLimit, "%d elements, limit %d", n, t.Limit))
		}
	}
	return nil
}

func putOffset(t *Type, buf []byte, slot, off int, path string) error {
	if uint64(off) > math.MaxUint32 {
		return at(t, path, slot, errf(ErrSize, "offset %d does not fit in 4 bytes", off))
	}
	binary.LittleEndian.PutUint32(buf[slot:], uint32(off))
	return nil
}

// encodeLeaf encodes the kinds whose value is not made of members: uints,
// booleans, byte vectors and lists, and bitfields.
func encodeLeaf(t *Type, v any, path string, buf []byte) ([]byte, error) {
	off := len(buf)
	switch t.Kind {
	case KindUint:
		return appendUint(t, v, path, buf)
	case KindBool:
		b, ok := v.(bool)
		if !ok {
			return nil, at(t, path, off, errf(ErrValue, "want a bool, got %T", v))
		}
		if b {
			return append(buf, 1), nil
		}
		return append(buf, 0), nil
	case KindByteVector, KindByteList:
		raw, ok, err := bytesOf(t, v, path, off)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, at(t, path, off, errf(ErrValue, "want bytes or a 0x-hex string, got %T", v))
		}
		if t.Kind == KindByteVector && uint64(len(raw)) != t.Size {
			return nil, at(t, path, off, errf(ErrSize, "%d bytes, want %d", len(raw), t.Size))
		}
		if t.Kind == KindByteList && uint64(len(raw)) > t.Limit {
			return nil, at(t, path, off, errf(ErrLimit, "%d bytes, limit %d", len(raw), t.Limit))
		}
		return append(buf, raw...), nil
	case KindBitvector, KindBitlist, KindProgressiveBitlist:
		return appendBits(t, v, path, buf)
	}
	return nil, at(t, path, off, errf(ErrValue, "%v is not a leaf kind", t.Kind))
}

// appendBits encodes a bitfield given as bools or as its SSZ encoding.
func appendBits(t *Type, v any, path string, buf []byte) ([]byte, error) {
	off := len(buf)
	var raw []byte
	switch x := v.(type) {
	case string:
		r, err := hexBytes(t, x, path, off)
		if err != nil {
			return nil, err
		}
		raw = r
	case []byte:
		raw = x
	}
	if raw != nil {
		// The SSZ encoding itself: check it as Validate would.
		if err := validate(t, raw, trailAt(path), off); err != nil {
			return nil, err
		}
		return append(buf, raw...), nil
	}
	sq, ok := seqOf(v)
	if !ok {
		return nil, at(t, path, off, errf(ErrValue, "want bools or a 0x-hex string, got %T", v))
	}
	n := sq.len()
	switch t.Kind {
	case KindBitvector:
		if uint64(n) != t.Size {
			return nil, at(t, path, off, errf(ErrSize, "%d bits, want %d", n, t.Size))
		}
	case KindBitlist:
		if uint64(n) > t.Limit {
			return nil, at(t, path, off, errf(ErrLimit, "%d bits, limit %d", n, t.Limit))
		}
	}
	nb := (n + 7) / 8
	if t.Kind != KindBitvector {
		nb = n/8 + 1 // room for the length bit
	}
	buf = append(buf, make([]byte, nb)...)
	out := buf[off:]
	for i := 0; i < n; i++ {
		b, ok := sq.at(i).(bool)
		if !ok {
			return nil, at(t, indexPath(path, i), off, errf(ErrValue, "want a bool, got %T", sq.at(i)))
		}
		if b {
			out[i/8] |= 1 << (i % 8)
		}
	}
	if t.Kind != KindBitvector {
		out[n/8] |= 1 << (n % 8)
	}
	return buf, nil
}

// bytesOf returns the bytes of a byte-valued v: []byte, a byte array, a
// 0x-hex string, or a sequence of numbers 0..255. ok is false when v has
// none of these forms.
func bytesOf(t *Type, v any, path string, off int) (raw []byte, ok bool, err error) {
	switch x := v.(type) {
	case []byte:
		return x, true, nil
	case string:
		r, err := hexBytes(t, x, path, off)
		return r, err == nil, err
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Array && rv.Type().Elem().Kind() == reflect.Uint8 {
		out := make([]byte, rv.Len())
		reflect.Copy(reflect.ValueOf(out), rv)
		return out, true, nil
	}
	sq, isSeq := seqOf(v)
	if !isSeq {
		return nil, false, nil
	}
	n := sq.len()
	out := make([]byte, n)
	for i := 0; i < n; i++ {
		c, err := appendUint(Uint8, sq.at(i), indexPath(path, i), nil)
		if err != nil {
			return nil, false, err
		}
		out[i] = c[0]
	}
	return out, true, nil
}

// hexBytes decodes a 0x-prefixed hex string.
func hexBytes(t *Type, s, path string, off int) ([]byte, error) {
	if len(s) < 2 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X') {
		return nil, at(t, path, off, errf(ErrValue, "want a 0x-prefixed hex string, got %q", truncate(s)))
	}
	h := s[2:]
	if len(h)%2 != 0 {
		return nil, at(t, path, off, errf(ErrValue, "hex string of odd length %d", len(h)))
	}
	out := make([]byte, len(h)/2)
	for i := range out {
		hi, ok1 := unhex(h[2*i])
		lo, ok2 := unhex(h[2*i+1])
		if !ok1 || !ok2 {
			return nil, at(t, path, off, errf(ErrValue, "bad hex digit near position %d of %q", 2+2*i, truncate(s)))
		}
		out[i] = hi<<4 | lo
	}
	return out, nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:37] + "..."
	}
	return s
}

// maxDecimalDigits bounds decimal strings: uint256 has at most 78 digits.
const maxDecimalDigits = 80

// appendUint appends the little-endian encoding of an integer-valued v.
func appendUint(t *Type, v any, path string, buf []byte) ([]byte, error) {
	off := len(buf)
	size := int(t.Size)
	if n, ok := v.(json.Number); ok {
		v = string(n)
	}
	if x, ok := v.(string); ok && size == 1 && len(x) == 4 && x[0] == '0' && (x[1] == 'x' || x[1] == 'X') {
		b, err := hexBytes(t, x, path, off) // a byte as the JSON mapping writes it
		if err != nil {
			return nil, err
		}
		return append(buf, b[0]), nil
	}
	small, bigv, err := uintValue(t, v)
	if err != nil {
		return nil, at(t, path, off, err)
	}
	if bigv != nil {
		if bigv.BitLen() > 8*size {
			return nil, at(t, path, off, errf(ErrValue, "%s does not fit in %s", truncate(bigv.String()), t.Name))
		}
		be := bigv.FillBytes(make([]byte, size))
		for i := size - 1; i >= 0; i-- {
			buf = append(buf, be[i])
		}
		return buf, nil
	}
	if size < 8 && bits.Len64(small) > 8*size {
		return nil, at(t, path, off, errf(ErrValue, "%d does not fit in %s", small, t.Name))
	}
	for i := 0; i < size; i++ {
		if i < 8 {
			buf = append(buf, byte(small>>(8*i)))
		} else {
			buf = append(buf, 0)
		}
	}
	return buf, nil
}

// uintValue returns the unsigned number v holds (any Go integer or float
// type, a decimal string, a big.Int): in small, or in big when it does not
// fit 64 bits. A negative number is an error.
func uintValue(t *Type, v any) (small uint64, bigv *big.Int, err error) {
	switch x := v.(type) {
	case uint64:
		return x, nil, nil
	case uint:
		return uint64(x), nil, nil
	case uint32:
		return uint64(x), nil, nil
	case uint16:
		return uint64(x), nil, nil
	case uint8:
		return uint64(x), nil, nil
	case int, int64, int32, int16, int8:
		i := reflect.ValueOf(x).Int()
		if i < 0 {
			return 0, nil, errf(ErrValue, "negative number %d for %s", i, t.Name)
		}
		return uint64(i), nil, nil
	case float64:
		small, err = floatUint(x)
	case float32:
		small, err = floatUint(float64(x))
	case string:
		return decimalUint(x)
	case *big.Int:
		if x == nil {
			return 0, nil, errf(ErrValue, "nil *big.Int")
		}
		bigv = x
	case big.Int:
		bigv = &x
	default:
		return 0, nil, errf(ErrValue, "want a number, got %T", v)
	}
	switch {
	case err != nil:
		return 0, nil, errf(ErrValue, "%v", err)
	case bigv != nil && bigv.Sign() < 0:
		return 0, nil, errf(ErrValue, "negative number %s for %s", bigv, t.Name)
	}
	return small, bigv, nil
}

// decimalUint reads a decimal number of up to maxDecimalDigits digits.
func decimalUint(x string) (uint64, *big.Int, error) {
	if len(x) == 0 || len(x) > maxDecimalDigits {
		return 0, nil, errf(ErrValue, "want a decimal number, got %q", truncate(x))
	}
	for i := 0; i < len(x); i++ {
		if x[i] < '0' || x[i] > '9' {
			return 0, nil, errf(ErrValue, "want a decimal number, got %q", truncate(x))
		}
	}
	if u, err := strconv.ParseUint(x, 10, 64); err == nil {
		return u, nil, nil
	}
	b, _ := new(big.Int).SetString(x, 10)
	return 0, b, nil
}

func floatUint(f float64) (uint64, error) {
	switch {
	case f != math.Trunc(f) || math.IsInf(f, 0) || math.IsNaN(f):
		return 0, fmt.Errorf("%v is not an integer", f)
	case f < 0:
		return 0, fmt.Errorf("negative number %v", f)
	case f > 1<<53:
		return 0, fmt.Errorf("%v is above 2^53 and may have lost precision as a float; pass it as a string or json.Number", f)
	}
	return uint64(f), nil
}

// seq gives indexed access to the elements of a slice or array.
type seq struct {
	anys []any
	rv   reflect.Value
}

func (s seq) len() int {
	if s.anys != nil {
		return len(s.anys)
	}
	return s.rv.Len()
}

func (s seq) at(i int) any {
	if s.anys != nil {
		return s.anys[i]
	}
	return s.rv.Index(i).Interface()
}

// seqOf returns v's elements if v is a slice or an array.
func seqOf(v any) (seq, bool) {
	if a, ok := v.([]any); ok {
		if a == nil {
			a = []any{}
		}
		return seq{anys: a}, true
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.Slice, reflect.Array:
		return seq{rv: rv}, true
	}
	return seq{}, false
}

// fieldsOf returns a lookup function for the members of a container value
// and how many members the value has.
func fieldsOf(v any) (get func(string) (any, bool), n int, ok bool) {
	switch m := v.(type) {
	case *Object:
		if m == nil {
			return nil, 0, false
		}
		return m.Get, len(m.Values), true
	case Object:
		return m.Get, len(m.Values), true
	case map[string]any:
		return func(k string) (any, bool) { x, ok := m[k]; return x, ok }, len(m), true
	case map[any]any:
		return func(k string) (any, bool) { x, ok := m[k]; return x, ok }, len(m), true
	}
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Map || rv.Type().Key().Kind() != reflect.String {
		return nil, 0, false
	}
	kt := rv.Type().Key()
	return func(k string) (any, bool) {
		x := rv.MapIndex(reflect.ValueOf(k).Convert(kt))
		if !x.IsValid() {
			return nil, false
		}
		return x.Interface(), true
	}, rv.Len(), true
}

// unknownKey names a key of container value v that t has no field for.
func unknownKey(t *Type, v any) string {
	var keys []reflect.Value
	switch m := v.(type) {
	case *Object:
		keys = reflect.ValueOf(m.Values).MapKeys()
	case Object:
		keys = reflect.ValueOf(m.Values).MapKeys()
	default:
		keys = reflect.ValueOf(v).MapKeys()
	}
	for _, k := range keys {
		s := fmt.Sprint(k.Interface())
		if _, ok := t.FieldIndex(s); !ok || k.Kind() == reflect.Interface && k.Elem().Kind() != reflect.String {
			return strconv.Quote(truncate(s))
		}
	}
	return "(unknown)"
}
