package ssz

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors for the main classes of bad input; every error returned by
// this package for malformed bytes wraps one of them and ErrInvalid.
var (
	// ErrInvalid is wrapped by every error about malformed SSZ bytes.
	ErrInvalid = errors.New("invalid SSZ")
	// ErrSize reports bytes of the wrong length for a fixed-size type.
	ErrSize = errors.New("wrong size")
	// ErrOffset reports an offset that points backwards, past the end or
	// not at the end of the fixed part.
	ErrOffset = errors.New("bad offset")
	// ErrLimit reports a list longer than its limit.
	ErrLimit = errors.New("list longer than its limit")
	// ErrValue reports a value that its type forbids (a boolean other than
	// 0 or 1, a bitlist without its length bit, set padding bits).
	ErrValue = errors.New("invalid value")
	// ErrPath reports a path or generalized index that the type does not have.
	ErrPath = errors.New("no such path")
)

// Error locates a problem in encoded bytes: the type, the field path from the
// top-level value, and the byte offset from the start of the top-level value.
type Error struct {
	Type   string // name of the type being read
	Path   string // field path from the top-level value, e.g. "validators[3].slashed"
	Offset int    // byte offset from the start of the top-level value
	Err    error  // what is wrong; wraps one of the sentinels
}

// Error formats the problem with its location.
func (e *Error) Error() string {
	p := e.Path
	if p == "" {
		p = "(top level)"
	}
	return fmt.Sprintf("ssz: %v at %s (type %s, byte offset %d)", e.Err, p, e.Type, e.Offset)
}

// Unwrap returns the underlying error, so that errors.Is works with the
// sentinels and with ErrInvalid.
func (e *Error) Unwrap() []error { return []error{e.Err, ErrInvalid} }

type detail struct {
	class error
	msg   string
}

func (d *detail) Error() string { return d.class.Error() + ": " + d.msg }
func (d *detail) Unwrap() error { return d.class }

func errf(class error, format string, args ...any) error {
	return &detail{class: class, msg: fmt.Sprintf(format, args...)}
}

// at wraps err with a location; an *Error passes through unchanged.
func at(t *Type, path string, off int, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{Type: t.Name, Path: path, Offset: off, Err: err}
}

func joinPath(parent, child string) string {
	if parent == "" {
		return child
	}
	if len(child) > 0 && child[0] == '[' {
		return parent + child
	}
	return parent + "." + child
}

func indexPath(parent string, i int) string { return parent + "[" + strconv.Itoa(i) + "]" }

// trail is the path from the top-level value to the one being read, kept
// as steps and built into a string (as joinPath and indexPath would) only
// when an error needs it: the walk of every proof carries one on its stack
// without allocating.
type trail struct {
	steps [16]step
	n     int // may exceed len(steps): deeper steps are shown as "…"
}

// step is a field's name, or an element's index when name is "".
type step struct {
	name  string
	index int
}

// trailAt returns a trail that starts at path (a string already built).
func trailAt(path string) *trail {
	p := new(trail)
	if path != "" {
		p.push(path, 0)
	}
	return p
}

func (p *trail) push(name string, index int) {
	if p.n < len(p.steps) {
		p.steps[p.n] = step{name, index}
	}
	p.n++
}

func (p *trail) pop() { p.n-- }

// String returns the path in the specs' spelling, "" for the top level.
func (p *trail) String() string {
	s := ""
	for i := 0; i < p.n; i++ {
		if i == len(p.steps) {
			return s + ".…"
		}
		if st := p.steps[i]; st.name == "" {
			s = indexPath(s, st.index)
		} else {
			s = joinPath(s, st.name)
		}
	}
	return s
}
