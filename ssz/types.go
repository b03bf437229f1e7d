// Package ssz describes SSZ types and reads, hashes and proves values straight
// from their encoded bytes, without decoding them into a tree of structs.
//
// A *Type is an immutable descriptor built with the constructors in this file
// (Uint64, ByteVector, List, Container, ProgressiveList, ...). The functions
// that take a type and bytes (Validate, HashTreeRoot, NewTree, View) never
// copy the bytes and check every offset and length before they use it.
package ssz

import (
	"fmt"
	"strings"
	"sync"
)

// Kind is the SSZ kind of a type.
type Kind uint8

// The SSZ kinds, including the progressive kinds of EIP-7916 and EIP-7495.
const (
	KindUint Kind = iota + 1
	KindBool
	KindByteVector
	KindByteList
	KindBitvector
	KindBitlist
	KindVector
	KindList
	KindContainer
	KindProgressiveList
	KindProgressiveBitlist
	KindProgressiveContainer
)

var kindNames = map[Kind]string{
	KindUint: "uint", KindBool: "boolean", KindByteVector: "ByteVector", KindByteList: "ByteList",
	KindBitvector: "Bitvector", KindBitlist: "Bitlist", KindVector: "Vector", KindList: "List",
	KindContainer: "Container", KindProgressiveList: "ProgressiveList",
	KindProgressiveBitlist: "ProgressiveBitlist", KindProgressiveContainer: "ProgressiveContainer",
}

// String returns the kind's name as the specs spell it.
func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Field is a named member of a container.
type Field struct {
	Name string
	Type *Type
	// Position is the field's leaf position in the container's Merkle tree.
	// It equals the field's index except in progressive containers, where
	// it is the index of the field's bit in active_fields.
	Position int
}

// Type describes an SSZ type. Build types with the constructors of this
// package; a Type must not be modified once built.
type Type struct {
	Kind Kind
	// Name is the type's name in the specs ("Validator", "uint64", ...).
	Name string
	// Size is the byte width of a uint, the length of a ByteVector or
	// Vector, or the bit length of a Bitvector.
	Size uint64
	// Limit is the maximum length of a ByteList or List, or the bit limit of
	// a Bitlist. Progressive kinds have no limit.
	Limit uint64
	// Elem is the element type of a Vector, List or ProgressiveList.
	Elem *Type
	// Fields are the members of a container, in serialization order.
	Fields []Field
	// ActiveFields is the active_fields bit vector of a ProgressiveContainer.
	ActiveFields []bool

	fixedSize  uint64 // encoded size when fixed; 0 when variable
	fieldIndex map[string]int

	checksOnce sync.Once
	checks     []byteCheck // for fixed-size types: the bytes that can be invalid
}

func basic(kind Kind, name string, size uint64) *Type {
	return &Type{Kind: kind, Name: name, Size: size, fixedSize: size}
}

// The basic types.
var (
	Uint8   = basic(KindUint, "uint8", 1)
	Uint16  = basic(KindUint, "uint16", 2)
	Uint32  = basic(KindUint, "uint32", 4)
	Uint64  = basic(KindUint, "uint64", 8)
	Uint128 = basic(KindUint, "uint128", 16)
	Uint256 = basic(KindUint, "uint256", 32)
	Bool    = basic(KindBool, "boolean", 1)
)

// Bytes32 is ByteVector[32], the type of roots and hashes.
var Bytes32 = ByteVector(32)

// ByteVector returns ByteVector[n].
func ByteVector(n uint64) *Type {
	if n == 0 {
		panic("ssz: ByteVector[0] is not a legal type")
	}
	return &Type{Kind: KindByteVector, Name: fmt.Sprintf("ByteVector[%d]", n), Size: n, fixedSize: n}
}

// ByteList returns ByteList[limit].
func ByteList(limit uint64) *Type {
	return &Type{Kind: KindByteList, Name: fmt.Sprintf("ByteList[%d]", limit), Limit: limit}
}

// Bitvector returns Bitvector[n].
func Bitvector(n uint64) *Type {
	if n == 0 {
		panic("ssz: Bitvector[0] is not a legal type")
	}
	return &Type{Kind: KindBitvector, Name: fmt.Sprintf("Bitvector[%d]", n), Size: n, fixedSize: (n + 7) / 8}
}

// Bitlist returns Bitlist[limit].
func Bitlist(limit uint64) *Type {
	return &Type{Kind: KindBitlist, Name: fmt.Sprintf("Bitlist[%d]", limit), Limit: limit}
}

// ProgressiveBitlist returns the EIP-7916 ProgressiveBitlist.
func ProgressiveBitlist() *Type {
	return &Type{Kind: KindProgressiveBitlist, Name: "ProgressiveBitlist"}
}

// Vector returns Vector[elem, n].
func Vector(elem *Type, n uint64) *Type {
	if n == 0 {
		panic("ssz: Vector[" + elem.Name + ", 0] is not a legal type")
	}
	if elem.IsFixed() && n > (1<<62)/elem.fixedSize {
		panic("ssz: Vector[" + elem.Name + "] is too large")
	}
	t := &Type{Kind: KindVector, Name: fmt.Sprintf("Vector[%s, %d]", elem.Name, n), Elem: elem, Size: n}
	if elem.IsFixed() {
		t.fixedSize = elem.fixedSize * n
	}
	return t
}

// List returns List[elem, limit].
func List(elem *Type, limit uint64) *Type {
	return &Type{Kind: KindList, Name: fmt.Sprintf("List[%s, %d]", elem.Name, limit), Elem: elem, Limit: limit}
}

// ProgressiveList returns the EIP-7916 ProgressiveList[elem].
func ProgressiveList(elem *Type) *Type {
	return &Type{Kind: KindProgressiveList, Name: fmt.Sprintf("ProgressiveList[%s]", elem.Name), Elem: elem}
}

// F is shorthand for a container field, for use with Container.
func F(name string, t *Type) Field { return Field{Name: name, Type: t} }

// Container returns a container type with the given fields in order.
func Container(name string, fields ...Field) *Type {
	if len(fields) == 0 {
		panic("ssz: Container " + name + " has no fields")
	}
	t := &Type{Kind: KindContainer, Name: name}
	fs := make([]Field, len(fields))
	for i, f := range fields {
		f.Position = i
		fs[i] = f
	}
	t.setFields(fs)
	return t
}

// ProgressiveContainer returns an EIP-7495 ProgressiveContainer. Its fields
// take the positions of the set bits of active, in order; with active nil,
// every field is active.
func ProgressiveContainer(name string, active []bool, fields ...Field) *Type {
	if active == nil {
		active = make([]bool, len(fields))
		for i := range active {
			active[i] = true
		}
	}
	t := &Type{Kind: KindProgressiveContainer, Name: name, ActiveFields: append([]bool(nil), active...)}
	fs := make([]Field, 0, len(fields))
	pos := 0
	for _, f := range fields {
		for pos < len(active) && !active[pos] {
			pos++
		}
		if pos >= len(active) {
			panic(fmt.Sprintf("ssz: ProgressiveContainer %s: more fields than active bits", name))
		}
		f.Position = pos
		fs = append(fs, f)
		pos++
	}
	for ; pos < len(active); pos++ {
		if active[pos] {
			panic(fmt.Sprintf("ssz: ProgressiveContainer %s: fewer fields than active bits", name))
		}
	}
	if len(active) == 0 || len(active) > 256 || !active[len(active)-1] {
		panic(fmt.Sprintf("ssz: ProgressiveContainer %s: active_fields must have 1 to 256 bits and end with 1", name))
	}
	t.setFields(fs)
	return t
}

func (t *Type) setFields(fs []Field) {
	t.Fields = fs
	t.fieldIndex = make(map[string]int, len(fs))
	fixed := true
	var size uint64
	for i, f := range fs {
		if f.Type == nil {
			panic(fmt.Sprintf("ssz: %s.%s has no type", t.Name, f.Name))
		}
		if _, dup := t.fieldIndex[f.Name]; dup {
			panic(fmt.Sprintf("ssz: %s has two fields named %s", t.Name, f.Name))
		}
		t.fieldIndex[f.Name] = i
		if f.Type.IsFixed() {
			size += f.Type.fixedSize
		} else {
			fixed = false
		}
	}
	if fixed && len(fs) > 0 {
		t.fixedSize = size
	}
}

// Rename returns a copy of t with another name (for instance a List used
// under a spec alias such as "Transaction").
func (t *Type) Rename(name string) *Type {
	c := &Type{Kind: t.Kind, Name: name, Size: t.Size, Limit: t.Limit, Elem: t.Elem,
		Fields: t.Fields, ActiveFields: t.ActiveFields, fixedSize: t.fixedSize, fieldIndex: t.fieldIndex}
	return c
}

// WithFields returns a new container of the same kind and name with fields
// appended (and, for a ProgressiveContainer, marked active). It is how a
// fork extends its parent's containers.
func (t *Type) WithFields(fields ...Field) *Type {
	all := append(append([]Field(nil), t.Fields...), fields...)
	switch t.Kind {
	case KindContainer:
		return Container(t.Name, all...)
	case KindProgressiveContainer:
		active := append([]bool(nil), t.ActiveFields...)
		for range fields {
			active = append(active, true)
		}
		return ProgressiveContainer(t.Name, active, all...)
	}
	panic("ssz: WithFields on " + t.Kind.String())
}

// Replace returns a copy of container t with the named field's type
// replaced. It panics if t has no such field: schemas are built at init.
func (t *Type) Replace(name string, ft *Type) *Type {
	i, ok := t.fieldIndex[name]
	if !ok {
		panic(fmt.Sprintf("ssz: %s has no field %s", t.Name, name))
	}
	fs := append([]Field(nil), t.Fields...)
	fs[i].Type = ft
	switch t.Kind {
	case KindContainer:
		return Container(t.Name, fs...)
	default:
		return ProgressiveContainer(t.Name, t.ActiveFields, fs...)
	}
}

// Named returns a copy of t renamed; an alias for Rename that reads well in
// schema tables.
func (t *Type) Named(name string) *Type { return t.Rename(name) }

// FieldIndex returns the index of the named field in a container.
func (t *Type) FieldIndex(name string) (int, bool) {
	i, ok := t.fieldIndex[name]
	return i, ok
}

// Field returns the named field of a container.
func (t *Type) Field(name string) (Field, bool) {
	i, ok := t.fieldIndex[name]
	if !ok {
		return Field{}, false
	}
	return t.Fields[i], true
}

// IsFixed reports whether every value of t has the same encoded size.
func (t *Type) IsFixed() bool { return t.fixedSize != 0 }

// FixedSize returns the encoded size of a fixed-size type, or 0.
func (t *Type) FixedSize() uint64 { return t.fixedSize }

// IsBasic reports whether t is a uint or a boolean.
func (t *Type) IsBasic() bool { return t.Kind == KindUint || t.Kind == KindBool }

// IsContainer reports whether t is a Container or a ProgressiveContainer.
func (t *Type) IsContainer() bool {
	return t.Kind == KindContainer || t.Kind == KindProgressiveContainer
}

// String returns the type's name.
func (t *Type) String() string { return t.Name }

// Describe returns a multi-line description of a container's fields.
func (t *Type) Describe() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%s)\n", t.Name, t.Kind)
	for _, f := range t.Fields {
		fmt.Fprintf(&b, "  %-40s %s\n", f.Name, f.Type.Name)
	}
	return b.String()
}
