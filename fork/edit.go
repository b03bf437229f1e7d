package fork

import (
	"fmt"

	"github.com/beaconproof/beaconproof/ssz"
)

// fieldList is a container's field list being edited by a fork's Build
// function. Its methods return new lists and panic on a missing field:
// schemas are fixed data, and Fork.Schemas reports the panic as an error.
type fieldList []ssz.Field

// fieldsOf returns the fields of container t.
func fieldsOf(t *ssz.Type) fieldList {
	if !t.IsContainer() {
		panic(fmt.Sprintf("fork: %s is not a container", t.Name))
	}
	return append(fieldList(nil), t.Fields...)
}

func (l fieldList) index(name string) int {
	for i, f := range l {
		if f.Name == name {
			return i
		}
	}
	panic(fmt.Sprintf("fork: no field %s", name))
}

// get returns the type of the named field.
func (l fieldList) get(name string) *ssz.Type { return l[l.index(name)].Type }

// replace puts f (another name, another type) in the place of the named field.
func (l fieldList) replace(name string, f ssz.Field) fieldList {
	i := l.index(name)
	out := append(fieldList(nil), l...)
	out[i] = ssz.Field{Name: f.Name, Type: f.Type}
	return out
}

// retype changes the type of the named field.
func (l fieldList) retype(name string, t *ssz.Type) fieldList {
	return l.replace(name, ssz.F(name, t))
}

// remove drops the named fields.
func (l fieldList) remove(names ...string) fieldList {
	drop := make(map[string]bool, len(names))
	for _, n := range names {
		l.index(n) // panics when absent
		drop[n] = true
	}
	var out fieldList
	for _, f := range l {
		if !drop[f.Name] {
			out = append(out, f)
		}
	}
	return out
}

// plus appends fields.
func (l fieldList) plus(fs ...ssz.Field) fieldList {
	return append(append(fieldList(nil), l...), fs...)
}

// container builds a Container.
func (l fieldList) container(name string) *ssz.Type { return ssz.Container(name, l...) }

// progressive builds a ProgressiveContainer with every field active.
func (l fieldList) progressive(name string) *ssz.Type {
	return ssz.ProgressiveContainer(name, nil, l...)
}
