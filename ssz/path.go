package ssz

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/beaconproof/beaconproof/proof"
)

// Step is one step of a path: a field name, or an index when Name is empty.
type Step struct {
	Name  string
	Index uint64
}

func (s Step) String() string {
	if s.Name != "" {
		return s.Name
	}
	return fmt.Sprintf("[%d]", s.Index)
}

// ParsePath splits a path spelled as in the consensus specs, such as
// "validators[5].withdrawal_credentials" or "historical_summaries[3].block_summary_root",
// into steps. The empty path names the value itself.
func ParsePath(path string) ([]Step, error) {
	var steps []Step
	if len(path) > 4096 {
		return nil, fmt.Errorf("ssz: path of %d bytes is too long: %w", len(path), ErrPath)
	}
	rest := path
	for len(rest) > 0 {
		switch {
		case rest[0] == '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("ssz: path %q: unclosed '[': %w", path, ErrPath)
			}
			v, err := strconv.ParseUint(rest[1:end], 10, 64)
			if err != nil {
				return nil, fmt.Errorf("ssz: path %q: index %q is not a number: %w", path, rest[1:end], ErrPath)
			}
			steps = append(steps, Step{Index: v})
			rest = rest[end+1:]
		case rest[0] == '.':
			if len(steps) == 0 || len(rest) == 1 || rest[1] == '.' || rest[1] == '[' {
				return nil, fmt.Errorf("ssz: path %q: misplaced '.': %w", path, ErrPath)
			}
			rest = rest[1:]
		default:
			end := strings.IndexAny(rest, ".[")
			if end < 0 {
				end = len(rest)
			}
			name := rest[:end]
			for _, c := range name {
				if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
					return nil, fmt.Errorf("ssz: path %q: bad character %q in field name: %w", path, c, ErrPath)
				}
			}
			if len(steps) > 0 && steps[len(steps)-1].Name != "" && path[len(path)-len(rest)-1] != '.' {
				return nil, fmt.Errorf("ssz: path %q: missing '.': %w", path, ErrPath)
			}
			steps = append(steps, Step{Name: name})
			rest = rest[end:]
		}
	}
	return steps, nil
}

// Gindex returns the generalized index of path within values of type t, and
// the type found there. A path that ends at a list names the list's root
// (the node that mixes in the length); an index into a list or vector of
// basic values names the chunk that holds the element.
func (t *Type) Gindex(path string) (proof.Gindex, *Type, error) {
	steps, err := ParsePath(path)
	if err != nil {
		return proof.Gindex{}, nil, err
	}
	return t.GindexOfSteps(steps)
}

// GindexOfSteps is Gindex for a parsed path.
func (t *Type) GindexOfSteps(steps []Step) (proof.Gindex, *Type, error) {
	g := proof.Root
	cur := t
	for k, s := range steps {
		where := func() string {
			parts := make([]string, 0, k)
			for _, p := range steps[:k] {
				parts = append(parts, p.String())
			}
			return strings.ReplaceAll(strings.Join(parts, "."), ".[", "[")
		}
		var local proof.Gindex
		var next *Type
		switch cur.Kind {
		case KindContainer, KindProgressiveContainer:
			if s.Name == "" {
				return proof.Gindex{}, nil, fmt.Errorf("ssz: %s at %q is a container: index %s needs a field name: %w", cur.Name, where(), s, ErrPath)
			}
			f, ok := cur.Field(s.Name)
			if !ok {
				return proof.Gindex{}, nil, fmt.Errorf("ssz: %s at %q has no field %q: %w", cur.Name, where(), s.Name, ErrPath)
			}
			local = chunkGindex(cur, uint64(f.Position))
			next = f.Type
		case KindVector, KindList, KindProgressiveList:
			if s.Name != "" {
				return proof.Gindex{}, nil, fmt.Errorf("ssz: %s at %q is a sequence: field %q needs an index: %w", cur.Name, where(), s.Name, ErrPath)
			}
			if cur.Kind == KindVector && s.Index >= cur.Size || cur.Kind == KindList && s.Index >= cur.Limit {
				return proof.Gindex{}, nil, fmt.Errorf("ssz: index %d out of range for %s at %q: %w", s.Index, cur.Name, where(), ErrPath)
			}
			c := s.Index
			if cur.Elem.IsBasic() {
				c = s.Index / (32 / cur.Elem.fixedSize)
			}
			local = chunkGindex(cur, c)
			next = cur.Elem
		default:
			return proof.Gindex{}, nil, fmt.Errorf("ssz: cannot step %q into %s at %q: %w", s, cur.Name, where(), ErrPath)
		}
		g = g.Concat(local)
		cur = next
		if cur.IsBasic() && k+1 < len(steps) {
			return proof.Gindex{}, nil, fmt.Errorf("ssz: %s at %q has no members: %w", cur.Name, where()+"."+s.String(), ErrPath)
		}
	}
	return g, cur, nil
}

// chunkGindex returns the generalized index of chunk c relative to a
// composite type's root.
func chunkGindex(t *Type, c uint64) proof.Gindex {
	switch t.Kind {
	case KindProgressiveList, KindProgressiveBitlist, KindProgressiveContainer:
		g := proof.Root.Left() // data tree; the right child is the mix-in
		j := 0
		for j < 31 && c >= subtreeStart(j+1) {
			g = g.Right()
			j++
		}
		g = g.Left()
		return g.Concat(leafGindex(2*j, c-subtreeStart(j)))
	case KindContainer, KindVector, KindBitvector, KindByteVector:
		return leafGindex(ceilLog2(chunkLimit(t)), c)
	default: // lists mix in their length
		return proof.Root.Left().Concat(leafGindex(ceilLog2(chunkLimit(t)), c))
	}
}

// leafGindex returns 2^depth + i.
func leafGindex(depth int, i uint64) proof.Gindex {
	g := proof.Root
	for k := depth - 1; k >= 0; k-- {
		if k < 64 {
			g = g.Child(uint(i>>uint(k)) & 1)
		} else {
			g = g.Left()
		}
	}
	return g
}

// HasPath reports whether path names a member of the type.
func (t *Type) HasPath(path string) bool {
	_, _, err := t.Gindex(path)
	return err == nil
}
