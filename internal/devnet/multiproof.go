package devnet

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
)

// Lodestar's proof API (/eth/v0/beacon/proof/state/{id} and
// /eth/v0/beacon/proof/block/{id}) answers with the compact multiproofs of
// @chainsafe/persistent-merkle-tree: a descriptor and a list of leaves.
// The descriptor is a bit string (most significant bit of each byte first)
// that walks the proof's tree depth first, left before right: a 0 bit is a
// node whose two children follow, a 1 bit a node whose hash is the next
// leaf. A complete walk has one more 1 bit than 0 bits; the rest of the
// last byte is zero padding. This file decodes that format on its own,
// independently of the project's proof package, so that the end-to-end
// tests compare the CLI's branches with the node's.

// Multiproof is a decoded compact multiproof: the hash of every node it
// reveals or implies, by generalized index.
type Multiproof struct {
	nodes map[string][32]byte // key: the gindex's bit string
}

// maxDescriptorBits bounds a descriptor (Lodestar accepts 2048 bytes).
const maxDescriptorBits = 8 * 2048

// DecodeCompactMultiproof decodes a compact multiproof and hashes every
// inner node it implies.
func DecodeCompactMultiproof(descriptor []byte, leaves [][32]byte) (*Multiproof, error) {
	if len(descriptor)*8 > maxDescriptorBits {
		return nil, fmt.Errorf("devnet: compact multiproof: descriptor of %d bytes", len(descriptor))
	}
	bits, err := descriptorBits(descriptor)
	if err != nil {
		return nil, err
	}
	if len(bits) != 2*len(leaves)-1 {
		return nil, fmt.Errorf("devnet: compact multiproof: %d descriptor bits for %d leaves, want %d", len(bits), len(leaves), 2*len(leaves)-1)
	}
	m := &Multiproof{nodes: map[string][32]byte{}}
	d := decoder{bits: bits, leaves: leaves, m: m}
	if _, err := d.node("1"); err != nil {
		return nil, err
	}
	return m, nil
}

// descriptorBits returns the walk's bits without the padding, checking
// that the walk ends in the last byte and that the padding is zero.
func descriptorBits(descriptor []byte) ([]bool, error) {
	var bits []bool
	zeros, ones := 0, 0
	n := len(descriptor) * 8
	for i := 0; i < n; i++ {
		bit := descriptor[i/8]>>(7-i%8)&1 == 1
		bits = append(bits, bit)
		if bit {
			ones++
		} else {
			zeros++
		}
		if ones <= zeros {
			continue
		}
		if n-(i+1) >= 8 {
			return nil, errors.New("devnet: compact multiproof: descriptor has bytes after the walk")
		}
		for j := i + 1; j < n; j++ {
			if descriptor[j/8]>>(7-j%8)&1 == 1 {
				return nil, errors.New("devnet: compact multiproof: descriptor padding is not zero")
			}
		}
		return bits, nil
	}
	return nil, errors.New("devnet: compact multiproof: descriptor ends before its walk")
}

type decoder struct {
	bits   []bool
	leaves [][32]byte
	bi, li int
	m      *Multiproof
}

// node decodes the subtree at gindex g (a bit string) and returns its hash.
func (d *decoder) node(g string) ([32]byte, error) {
	if d.bi >= len(d.bits) {
		return [32]byte{}, errors.New("devnet: compact multiproof: walk runs past the descriptor")
	}
	bit := d.bits[d.bi]
	d.bi++
	var h [32]byte
	if bit {
		if d.li >= len(d.leaves) {
			return h, errors.New("devnet: compact multiproof: too few leaves")
		}
		h = d.leaves[d.li]
		d.li++
	} else {
		l, err := d.node(g + "0")
		if err != nil {
			return h, err
		}
		r, err := d.node(g + "1")
		if err != nil {
			return h, err
		}
		h = sha256.Sum256(append(l[:], r[:]...))
	}
	d.m.nodes[g] = h
	return h, nil
}

// Root returns the root the proof leads to.
func (m *Multiproof) Root() [32]byte { return m.nodes["1"] }

// Node returns the hash of the node at gindex g, if the proof holds it.
func (m *Multiproof) Node(g *big.Int) ([32]byte, bool) {
	h, ok := m.nodes[g.Text(2)]
	return h, ok
}

// Branch returns the single-leaf branch of g, bottom-up (the siblings of
// g, of its parent, ... up to the root's children), as the consensus
// specs' is_valid_merkle_branch takes it.
func (m *Multiproof) Branch(g *big.Int) ([][32]byte, error) {
	s := g.Text(2)
	if g.Sign() <= 0 {
		return nil, fmt.Errorf("devnet: gindex %s is not positive", g)
	}
	var out [][32]byte
	for ; len(s) > 1; s = s[:len(s)-1] {
		sib := s[:len(s)-1]
		if s[len(s)-1] == '0' {
			sib += "1"
		} else {
			sib += "0"
		}
		h, ok := m.nodes[sib]
		if !ok {
			return nil, fmt.Errorf("devnet: multiproof lacks node %s, the sibling on the path of %s", bitsToDecimal(sib), g)
		}
		out = append(out, h)
	}
	return out, nil
}

func bitsToDecimal(s string) string {
	v, _ := new(big.Int).SetString(s, 2)
	return v.String()
}

// Descriptor returns the compact multiproof descriptor that asks for the
// nodes at the gindices (and the branches that prove them), in the format
// above.
func Descriptor(gindices ...*big.Int) ([]byte, error) {
	if len(gindices) == 0 {
		return nil, errors.New("devnet: descriptor of no gindex")
	}
	targets := map[string]bool{}
	paths := map[string]bool{} // strict ancestors of a target
	for _, g := range gindices {
		if g.Sign() <= 0 {
			return nil, fmt.Errorf("devnet: gindex %s is not positive", g)
		}
		s := g.Text(2)
		targets[s] = true
		for i := 1; i < len(s); i++ {
			paths[s[:i]] = true
		}
	}
	for t := range targets {
		if paths[t] {
			return nil, fmt.Errorf("devnet: gindex %s is an ancestor of another one", bitsToDecimal(t))
		}
	}
	var bits []bool
	var walk func(g string)
	walk = func(g string) {
		if !paths[g] { // a target, or a sibling of the path: a leaf
			bits = append(bits, true)
			return
		}
		bits = append(bits, false)
		walk(g + "0")
		walk(g + "1")
	}
	walk("1")
	out := make([]byte, (len(bits)+7)/8)
	for i, b := range bits {
		if b {
			out[i/8] |= 1 << (7 - i%8)
		}
	}
	return out, nil
}
