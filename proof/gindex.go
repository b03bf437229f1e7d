package proof

import (
	"errors"
	"fmt"
	"math/big"
	"math/bits"
	"strconv"
)

// Gindex is a generalized index: the position of a node in a binary Merkle
// tree, where the root is 1 and the children of node g are 2g and 2g+1.
//
// Generalized indices are not limited to 64 bits: a path from a beacon block
// root through a state's historical_summaries into an old block's withdrawal
// is deeper than that. The zero value is not a valid index; a Gindex is
// immutable and safe to copy and share.
type Gindex struct {
	// small holds the value when big is nil; 0 means invalid.
	small uint64
	big   *big.Int
}

// ErrInvalidGindex reports a generalized index that is zero, negative or unparsable.
var ErrInvalidGindex = errors.New("invalid generalized index")

// Root is the generalized index of a tree's root, 1.
var Root = Gindex{small: 1}

// GindexFromUint64 returns the generalized index g. It panics only for g == 0,
// which is never a valid index; use ParseGindex for untrusted input.
func GindexFromUint64(g uint64) Gindex {
	if g == 0 {
		panic("proof: generalized index 0")
	}
	return Gindex{small: g}
}

// GindexFromBig returns the generalized index v, or an error if v < 1.
func GindexFromBig(v *big.Int) (Gindex, error) {
	if v == nil || v.Sign() <= 0 {
		return Gindex{}, fmt.Errorf("%w: %v", ErrInvalidGindex, v)
	}
	if v.IsUint64() {
		return Gindex{small: v.Uint64()}, nil
	}
	return Gindex{big: new(big.Int).Set(v)}, nil
}

// ParseGindex parses a decimal generalized index, as written in JSON proofs.
// It accepts at most 1000 digits and allocates one buffer of the value's
// size.
func ParseGindex(s string) (Gindex, error) {
	if len(s) == 0 || len(s) > 1000 {
		return Gindex{}, fmt.Errorf("%w: %q", ErrInvalidGindex, truncate(s))
	}
	if s[0] == '+' || s[0] == '-' {
		return Gindex{}, fmt.Errorf("%w: %q is not a decimal number", ErrInvalidGindex, truncate(s))
	}
	if len(s) <= 19 { // below 10^19 < 2^64
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return Gindex{}, fmt.Errorf("%w: %q is not a decimal number", ErrInvalidGindex, truncate(s))
		}
		if v == 0 {
			return Gindex{}, fmt.Errorf("%w: 0", ErrInvalidGindex)
		}
		return Gindex{small: v}, nil
	}
	// Room for the value up front: SetString would otherwise grow its
	// buffer digit by digit (log2(10) < 3.322 bits per digit).
	v := new(big.Int).SetBits(make([]big.Word, 0, len(s)*3322/1000/bits.UintSize+2))
	if _, ok := v.SetString(s, 10); !ok {
		return Gindex{}, fmt.Errorf("%w: %q is not a decimal number", ErrInvalidGindex, truncate(s))
	}
	if v.Sign() <= 0 {
		return Gindex{}, fmt.Errorf("%w: %v", ErrInvalidGindex, v)
	}
	return norm(v), nil
}

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// IsValid reports whether g is a generalized index (g ≥ 1).
func (g Gindex) IsValid() bool { return g.big != nil || g.small != 0 }

// Big returns g as a new big.Int.
func (g Gindex) Big() *big.Int {
	if g.big != nil {
		return new(big.Int).Set(g.big)
	}
	return new(big.Int).SetUint64(g.small)
}

// Uint64 returns g and true if it fits in 64 bits.
func (g Gindex) Uint64() (uint64, bool) {
	if g.big != nil {
		return 0, false
	}
	return g.small, true
}

// String returns g in decimal.
func (g Gindex) String() string {
	if g.big != nil {
		return g.big.String()
	}
	return fmt.Sprint(g.small)
}

// MarshalText encodes g as a decimal string.
func (g Gindex) MarshalText() ([]byte, error) {
	if !g.IsValid() {
		return nil, ErrInvalidGindex
	}
	return []byte(g.String()), nil
}

// UnmarshalText decodes a decimal string.
func (g *Gindex) UnmarshalText(b []byte) error {
	v, err := ParseGindex(string(b))
	if err != nil {
		return err
	}
	*g = v
	return nil
}

// Depth returns the depth of g: the length of its branch, floor(log2(g)).
func (g Gindex) Depth() int {
	if g.big != nil {
		return g.big.BitLen() - 1
	}
	if g.small == 0 {
		return -1
	}
	return bits.Len64(g.small) - 1
}

// Bit returns bit i of g (bit 0 is the least significant). Bit i for i below
// the depth says whether the path turns right (1) at depth Depth()-i.
func (g Gindex) Bit(i int) uint {
	if g.big != nil {
		return g.big.Bit(i)
	}
	if i >= 64 {
		return 0
	}
	return uint(g.small>>uint(i)) & 1
}

// IsRight reports whether g is a right child (odd).
func (g Gindex) IsRight() bool { return g.Bit(0) == 1 }

// Parent returns g/2. The parent of the root is invalid.
func (g Gindex) Parent() Gindex {
	if g.big != nil {
		return norm(new(big.Int).Rsh(g.big, 1))
	}
	return Gindex{small: g.small >> 1}
}

// Sibling returns g with its last bit flipped.
func (g Gindex) Sibling() Gindex {
	if g.big != nil {
		v := new(big.Int).Set(g.big)
		return Gindex{big: v.SetBit(v, 0, g.big.Bit(0)^1)}
	}
	return Gindex{small: g.small ^ 1}
}

// Child returns 2g+bit.
func (g Gindex) Child(bit uint) Gindex {
	bit &= 1
	if g.big == nil && g.small < 1<<63 {
		return Gindex{small: g.small<<1 | uint64(bit)}
	}
	v := g.Big()
	v.Lsh(v, 1)
	if bit == 1 {
		v.SetBit(v, 0, 1)
	}
	return norm(v)
}

// Left returns 2g.
func (g Gindex) Left() Gindex { return g.Child(0) }

// Right returns 2g+1.
func (g Gindex) Right() Gindex { return g.Child(1) }

// Concat returns the generalized index of node h of the subtree rooted at g:
// the specs' concat_generalized_indices(g, h). If g or h is invalid, so is
// the result.
func (g Gindex) Concat(h Gindex) Gindex {
	if !g.IsValid() || !h.IsValid() {
		return Gindex{}
	}
	d := h.Depth()
	if g.big == nil && h.big == nil && g.Depth()+d < 63 {
		return Gindex{small: g.small<<uint(d) | (h.small ^ 1<<uint(d))}
	}
	v := g.Big()
	v.Lsh(v, uint(d))
	hb := h.Big()
	hb.SetBit(hb, d, 0)
	return norm(v.Or(v, hb))
}

// Concat joins generalized indices from the outermost tree inward.
func Concat(gs ...Gindex) Gindex {
	out := Root
	for _, g := range gs {
		out = out.Concat(g)
	}
	return out
}

// Cmp compares g and h as integers.
func (g Gindex) Cmp(h Gindex) int { return cmpGindex(g, h) }

// Equal reports whether g and h are the same index.
func (g Gindex) Equal(h Gindex) bool { return g.Cmp(h) == 0 }

// IsAncestorOf reports whether g is h or lies on the path from the root to h.
func (g Gindex) IsAncestorOf(h Gindex) bool {
	dg, dh := g.Depth(), h.Depth()
	if dg > dh || dg < 0 {
		return false
	}
	return h.Ancestor(dh - dg).Equal(g)
}

// Ancestor returns g shifted up by n levels (g >> n).
func (g Gindex) Ancestor(n int) Gindex {
	if g.big != nil {
		return norm(new(big.Int).Rsh(g.big, uint(n)))
	}
	if n >= 64 {
		return Gindex{}
	}
	return Gindex{small: g.small >> uint(n)}
}

// Subindex returns the position of g relative to its ancestor n levels up:
// the gindex h such that g.Ancestor(n).Concat(h) == g. A negative n gives an
// invalid index.
func (g Gindex) Subindex(n int) Gindex {
	if n < 0 {
		return Gindex{}
	}
	if g.big == nil && n < 63 {
		return Gindex{small: 1<<uint(n) | g.small&(1<<uint(n)-1)}
	}
	v := g.Big()
	mask := new(big.Int).Lsh(big.NewInt(1), uint(n))
	v.Mod(v, mask)
	return norm(v.Or(v, mask))
}

func norm(v *big.Int) Gindex {
	if v.Sign() <= 0 {
		return Gindex{}
	}
	if v.IsUint64() {
		return Gindex{small: v.Uint64()}
	}
	return Gindex{big: v}
}
