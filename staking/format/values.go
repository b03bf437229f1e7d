package format

import (
	"encoding/binary"
	"encoding/json"
	"fmt"

	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/staking"
)

// U64 is a uint64 written in JSON as a decimal string; it reads a decimal
// string or a JSON number.
type U64 = staking.U64

// HexBytes is a byte string written as 0x-prefixed hex.
type HexBytes = staking.HexBytes

// Address is a 20-byte execution-layer address written as 0x-prefixed hex.
type Address = staking.Address

// hashes converts a branch to its JSON form.
func hashes(hs [][32]byte) []proof.Hash32 {
	out := make([]proof.Hash32, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}

// unhash converts a JSON branch back.
func unhash(hs []proof.Hash32) [][32]byte {
	out := make([][32]byte, len(hs))
	for i, h := range hs {
		out[i] = h
	}
	return out
}

// concat joins a branch into the byte string EigenLayer takes.
func concat(hs [][32]byte) []byte {
	out := make([]byte, 0, 32*len(hs))
	for _, h := range hs {
		out = append(out, h[:]...)
	}
	return out
}

// split cuts an EigenLayer proof into its hashes.
func split(b []byte) ([][32]byte, error) {
	if len(b)%32 != 0 {
		return nil, fmt.Errorf("%w: proof of %d bytes is not a whole number of 32-byte hashes", proof.ErrBranchLength, len(b))
	}
	out := make([][32]byte, len(b)/32)
	for i := range out {
		copy(out[i][:], b[32*i:])
	}
	return out, nil
}

// Leaves and roots, by package ssz -----------------------------------------

// ChunkUint64 returns the SSZ chunk of a uint64 (its hash tree root): its 8
// little-endian bytes followed by 24 zero bytes.
func ChunkUint64(v uint64) [32]byte {
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], v)
	c, err := ssz.HashTreeRoot(ssz.Uint64, b[:])
	if err != nil {
		panic("format: the root of a uint64: " + err.Error()) // 8 bytes are a uint64
	}
	return c
}

// PubkeyRoot returns the hash tree root of a 48-byte BLS public key,
// EigenLayer's pubkeyHash.
func PubkeyRoot(pubkey [48]byte) [32]byte {
	r, err := ssz.HashTreeRoot(ssz.ByteVector(48), pubkey[:])
	if err != nil {
		panic("format: the root of a pubkey: " + err.Error()) // 48 bytes are a pubkey
	}
	return r
}

// fieldsRoot returns the root of a container's field roots (EigenLayer's
// validatorFields), as a vector of 32-byte chunks.
func fieldsRoot(fields [][32]byte) ([32]byte, error) {
	return ssz.HashTreeRoot(ssz.Vector(ssz.Bytes32, uint64(len(fields))), concat(fields))
}

// lane returns validator i's balance in a balances chunk.
func lane(chunk [32]byte, i uint64) uint64 {
	return binary.LittleEndian.Uint64(chunk[8*(i%4):])
}

// claimValue returns a claim's value, which must be a T (its kind's
// type).
func claimValue[T staking.ClaimValue](c staking.Claim) (T, error) {
	t, ok := c.Value.(T)
	if !ok {
		if c.Value == nil {
			return t, fmt.Errorf("%s value: %w: no value", c.Kind, proof.ErrMalformed)
		}
		return t, fmt.Errorf("%w: a %s claim's value is a %T, not a %T", proof.ErrMalformed, c.Kind, c.Value, t)
	}
	return t, nil
}

// decodeStrict decodes a value, naming what it is on error.
func decodeStrict(what string, raw json.RawMessage, v any) error {
	if err := staking.DecodeValue(raw, v); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}
