// Package testchain holds in-memory stand-ins of a chain for the tests of
// eip4788 and the end-to-end tests: a BlockSource with missed slots, and
// the beacon roots contract's storage as the EIP-4788 system call writes
// it.
package testchain

import (
	"context"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/common"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// HistoryBufferLength is EIP-4788's ring buffer length.
const HistoryBufferLength = 8191

// Chain is an in-memory eip4788.BlockSource: slots in Missed have no
// block, every other slot up to Head has a made-up root (or its entry in
// Roots), and a slot in Fail fails its lookup.
type Chain struct {
	Head   uint64
	Missed map[uint64]bool
	Roots  map[uint64][32]byte
	Fail   map[uint64]error
	Calls  int // BlockRoot calls so far
}

// NewChain returns a Chain up to head with the given slots missed.
func NewChain(head uint64, missed ...uint64) *Chain {
	c := &Chain{Head: head, Missed: map[uint64]bool{}, Roots: map[uint64][32]byte{}, Fail: map[uint64]error{}}
	for _, s := range missed {
		c.Missed[s] = true
	}
	return c
}

// Root returns the root of the block at slot, missed or not.
func (c *Chain) Root(slot uint64) [32]byte {
	if r, ok := c.Roots[slot]; ok {
		return r
	}
	return synth.Hash(4788, "block", slot)
}

// BlockRoot implements eip4788.BlockSource.
func (c *Chain) BlockRoot(ctx context.Context, slot uint64) ([32]byte, bool, error) {
	c.Calls++
	if err := c.Fail[slot]; err != nil {
		return [32]byte{}, false, err
	}
	if slot > c.Head || c.Missed[slot] {
		return [32]byte{}, false, nil
	}
	return c.Root(slot), true, nil
}

// HeadSlot implements eip4788.BlockSource.
func (c *Chain) HeadSlot(context.Context) (uint64, error) { return c.Head, nil }

// StoredRoot is a root put into the beacon roots contract's storage as the
// system call would have stored it.
type StoredRoot struct {
	Name      string
	Timestamp uint64
	Root      [32]byte
}

// RingStorage returns the contract storage that holds roots: slot
// timestamp % 8191 holds the timestamp, slot timestamp % 8191 + 8191 the
// root. Two roots at the same ring index are an error.
func RingStorage(roots []StoredRoot) (map[common.Hash]common.Hash, error) {
	st := map[common.Hash]common.Hash{}
	for _, r := range roots {
		i := r.Timestamp % HistoryBufferLength
		k := common.BigToHash(new(big.Int).SetUint64(i))
		if _, dup := st[k]; dup {
			return nil, fmt.Errorf("testchain: %s: ring index %d is used twice", r.Name, i)
		}
		st[k] = common.BigToHash(new(big.Int).SetUint64(r.Timestamp))
		st[common.BigToHash(new(big.Int).SetUint64(i+HistoryBufferLength))] = r.Root
	}
	return st, nil
}

// TB is the part of testing.TB the helpers use.
type TB interface {
	Helper()
	Fatal(args ...any)
	Fatalf(format string, args ...any)
}

// MustNetwork returns the built-in network with that name.
func MustNetwork(t TB, name string) *fork.Network {
	t.Helper()
	n, err := fork.NetworkByName(name)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// FirstSlot returns the first slot of the named fork on n.
func FirstSlot(t TB, n *fork.Network, name string) uint64 {
	t.Helper()
	e := n.ForkEpoch(name)
	if e == fork.FarFutureEpoch {
		t.Fatalf("%s does not schedule %s", n.Name, name)
	}
	return e * n.SlotsPerEpoch
}
