package format

import (
	"fmt"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
)

// The Solidity structs and functions of the protocols, as go-ethereum's
// abi package packs them (each protocol's in its file): field names are
// the Solidity names in CamelCase, uint40 is *big.Int.

// solStruct is a Solidity struct: its name and its fields, in order.
type solStruct struct {
	name   string
	fields []abi.ArgumentMarshaling
}

func field(name, typ string, components ...abi.ArgumentMarshaling) abi.ArgumentMarshaling {
	return abi.ArgumentMarshaling{Name: name, Type: typ, Components: components}
}

func (s solStruct) arg(name string) abi.ArgumentMarshaling {
	return abi.ArgumentMarshaling{Name: name, Type: "tuple", InternalType: "struct " + s.name, Components: s.fields}
}

func (s solStruct) array(name string) abi.ArgumentMarshaling {
	return abi.ArgumentMarshaling{Name: name, Type: "tuple[]", InternalType: "struct " + s.name + "[]", Components: s.fields}
}

// typ returns the struct's ABI type.
func (s solStruct) typ() abi.Type {
	t, err := abi.NewType("tuple", "struct "+s.name, s.fields)
	if err != nil {
		panic("format: ABI type of " + s.name + ": " + err.Error()) // the structs below are fixed
	}
	return t
}

// decl returns the struct's declaration: "SlotProof(uint64 slot,bytes32[] witnesses)".
func (s solStruct) decl() string {
	parts := make([]string, len(s.fields))
	for i, f := range s.fields {
		t := f.Type
		if strings.HasPrefix(t, "tuple") {
			t = strings.TrimPrefix(f.InternalType, "struct ") // a nested struct, by name
		}
		parts[i] = t + " " + f.Name
	}
	return s.name + "(" + strings.Join(parts, ",") + ")"
}

// encode returns abi.encode(v) for a value of the struct.
func (s solStruct) encode(v any) ([]byte, error) {
	b, err := abi.Arguments{{Type: s.typ()}}.Pack(v)
	if err != nil {
		return nil, fmt.Errorf("abi.encode %s: %w", s.name, err)
	}
	return b, nil
}

// decode reads abi.encode(v) of the struct into dst, a pointer to its Go
// struct. It does not check that the encoding is the canonical one: the
// calldata document's Verify re-encodes.
func (s solStruct) decode(data []byte, dst any) error {
	args := abi.Arguments{{Type: s.typ()}}
	vals, err := args.Unpack(data)
	if err != nil {
		return fmt.Errorf("abi.decode %s: %w", s.name, err)
	}
	return convert(s.name, vals[0], dst)
}

// convert copies an unpacked tuple into dst, a pointer to its Go struct.
// abi.ConvertType panics on a mismatch.
func convert(name string, v, dst any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("abi.decode %s: %v", name, r)
		}
	}()
	abi.ConvertType(v, dst)
	return nil
}

// method is a verifier function.
type method struct {
	name string
	args []abi.ArgumentMarshaling
}

func (m method) abi() abi.Method {
	var in abi.Arguments
	for _, a := range m.args {
		t, err := abi.NewType(a.Type, a.InternalType, a.Components)
		if err != nil {
			panic("format: ABI type of " + m.name + "." + a.Name + ": " + err.Error())
		}
		in = append(in, abi.Argument{Name: a.Name, Type: t})
	}
	return abi.NewMethod(m.name, m.name, abi.Function, "view", false, false, in, nil)
}

// call returns the function's signature, selector and calldata.
func (m method) call(args ...any) (CalldataCall, error) {
	am := m.abi()
	packed, err := am.Inputs.Pack(args...)
	if err != nil {
		return CalldataCall{}, fmt.Errorf("calldata of %s: %w", am.Sig, err)
	}
	return CalldataCall{Function: am.Sig, Selector: HexBytes(am.ID), Data: append(append([]byte(nil), am.ID...), packed...)}, nil
}
