package verifiers

import (
	"fmt"
	"math/big"
	"reflect"
	"testing"

	"github.com/ethereum/go-ethereum/accounts/abi"
)

// A mutation changes one thing in a call's arguments: one byte of one
// value (a bit of it flipped), a bool toggled, or a list cut, extended or
// reordered. Mutations walk the arguments with the method's ABI types, so
// that every field of every struct, every element of every list and every
// byte of every hash is reached.
type mutation struct {
	// what names the change: "_proof.witnesses[3] byte 7".
	what string
	// arg is the argument changed and path leads from it to the value.
	arg  int
	path []func(reflect.Value) reflect.Value
	op   func(reflect.Value)
}

// sampledByte reports whether byte j of a 32-byte word is changed: every
// byte, or under the race detector or -short bytes 0, 1, 15 and 31.
func sampledByte(j int) bool {
	return !(raceEnabled || testing.Short()) || j == 0 || j == 1 || j == 15 || j == 31
}

// mutations returns the changes of the method's arguments.
func mutations(m abi.Method, args []any) []mutation {
	var out []mutation
	for i, a := range m.Inputs {
		start := len(out)
		walk(a.Type, reflect.ValueOf(args[i]), a.Name, nil, &out)
		for k := start; k < len(out); k++ {
			out[k].arg = i
		}
	}
	return out
}

func extend(path []func(reflect.Value) reflect.Value, f func(reflect.Value) reflect.Value) []func(reflect.Value) reflect.Value {
	return append(append([]func(reflect.Value) reflect.Value(nil), path...), f)
}

func flipBytes(name string, n int, word bool, path []func(reflect.Value) reflect.Value, out *[]mutation, flip func(v reflect.Value, j int)) {
	for j := 0; j < n; j++ {
		if word && !sampledByte(j%32) {
			continue
		}
		*out = append(*out, mutation{what: fmt.Sprintf("%s byte %d", name, j), path: path, op: func(v reflect.Value) { flip(v, j) }})
	}
}

func walk(t abi.Type, v reflect.Value, name string, path []func(reflect.Value) reflect.Value, out *[]mutation) {
	switch t.T {
	case abi.UintTy, abi.IntTy:
		n := t.Size / 8
		flipBytes(name, n, false, path, out, func(v reflect.Value, j int) {
			if v.Kind() == reflect.Pointer { // *big.Int
				x := new(big.Int).Set(v.Interface().(*big.Int))
				v.Set(reflect.ValueOf(x.Xor(x, new(big.Int).Lsh(big.NewInt(1), uint(8*j)))))
				return
			}
			v.SetUint(v.Uint() ^ 1<<(8*j))
		})
	case abi.BoolTy:
		*out = append(*out, mutation{what: name + " toggled", path: path, op: func(v reflect.Value) { v.SetBool(!v.Bool()) }})
	case abi.FixedBytesTy:
		flipBytes(name, t.Size, t.Size == 32, path, out, func(v reflect.Value, j int) {
			v.Index(j).SetUint(v.Index(j).Uint() ^ 1)
		})
	case abi.BytesTy:
		n := v.Len()
		flipBytes(name, n, n%32 == 0, path, out, func(v reflect.Value, j int) {
			b := append([]byte(nil), v.Bytes()...)
			b[j] ^= 1
			v.SetBytes(b)
		})
		if n%32 == 0 && n > 0 {
			*out = append(*out,
				mutation{what: name + " without its last 32 bytes", path: path, op: func(v reflect.Value) { v.SetBytes(v.Bytes()[:n-32]) }},
				mutation{what: name + " with 32 more bytes", path: path, op: func(v reflect.Value) {
					v.SetBytes(append(append([]byte(nil), v.Bytes()...), make([]byte, 32)...))
				}},
				mutation{what: name + " first two hashes swapped", path: path, op: func(v reflect.Value) {
					b := append([]byte(nil), v.Bytes()...)
					var tmp [32]byte
					copy(tmp[:], b[:32])
					copy(b[:32], b[32:64])
					copy(b[32:64], tmp[:])
					v.SetBytes(b)
				}})
		}
	case abi.SliceTy, abi.ArrayTy:
		for k := 0; k < v.Len(); k++ {
			k := k
			walk(*t.Elem, v.Index(k), fmt.Sprintf("%s[%d]", name, k), extend(path, func(v reflect.Value) reflect.Value { return v.Index(k) }), out)
		}
		if t.T == abi.SliceTy && v.Len() > 0 {
			*out = append(*out,
				mutation{what: name + " without its last element", path: path, op: func(v reflect.Value) { v.Set(v.Slice(0, v.Len()-1)) }},
				mutation{what: name + " with one more element", path: path, op: func(v reflect.Value) {
					zero := reflect.New(v.Type().Elem()).Elem()
					if et := v.Type().Elem(); et.Kind() == reflect.Pointer {
						zero = reflect.New(et.Elem()) // a zero *big.Int, not nil
					}
					v.Set(reflect.Append(v, zero))
				}})
			if v.Len() > 1 {
				*out = append(*out, mutation{what: name + " first two elements swapped", path: path, op: func(v reflect.Value) {
					a, b := reflect.ValueOf(v.Index(0).Interface()), reflect.ValueOf(v.Index(1).Interface())
					v.Index(0).Set(b)
					v.Index(1).Set(a)
				}})
			}
		}
	case abi.TupleTy:
		for k, elem := range t.TupleElems {
			field := abi.ToCamelCase(t.TupleRawNames[k])
			walk(*elem, v.FieldByName(field), name+"."+t.TupleRawNames[k],
				extend(path, func(v reflect.Value) reflect.Value { return v.FieldByName(field) }), out)
		}
	default:
		panic(fmt.Sprintf("mutations: ABI type %s of %s", t, name))
	}
}

// apply returns a deep copy of the arguments with the mutation made.
func (m mutation) apply(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = deepCopy(reflect.ValueOf(a)).Interface()
	}
	// The changed argument is held in an addressable variable.
	v := reflect.New(reflect.TypeOf(out[m.arg])).Elem()
	v.Set(reflect.ValueOf(out[m.arg]))
	holder := v
	for _, step := range m.path {
		v = step(v)
	}
	m.op(v)
	out[m.arg] = holder.Interface()
	return out
}

// deepCopy copies slices, structs, arrays and big.Ints all the way down.
func deepCopy(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Slice:
		if v.IsNil() {
			return v
		}
		c := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := 0; i < v.Len(); i++ {
			c.Index(i).Set(deepCopy(v.Index(i)))
		}
		return c
	case reflect.Struct:
		c := reflect.New(v.Type()).Elem()
		for i := 0; i < v.NumField(); i++ {
			c.Field(i).Set(deepCopy(v.Field(i)))
		}
		return c
	case reflect.Pointer:
		if b, ok := v.Interface().(*big.Int); ok && b != nil {
			return reflect.ValueOf(new(big.Int).Set(b))
		}
		return v
	}
	return v
}

// sample keeps n mutations spread over the list, and the last few (the
// list changes of the last argument).
func sample(ms []mutation, n int) []mutation {
	if len(ms) <= n {
		return ms
	}
	out := make([]mutation, 0, n+4)
	step := len(ms) / n
	for i := 0; i < len(ms)-4; i += step {
		out = append(out, ms[i])
	}
	return append(out, ms[len(ms)-4:]...)
}
