package staking

import (
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/beaconproof/beaconproof/proof"
)

// The JSON forms of claim values and documents, in the beacon API's style:
// integers as decimal strings, bytes as 0x-prefixed hex.

// U64 is a uint64 written in JSON as a decimal string (uint64 values do not
// fit JavaScript numbers); it reads a decimal string or a JSON number.
type U64 uint64

// MarshalJSON writes u as a decimal string.
func (u U64) MarshalJSON() ([]byte, error) {
	return []byte(`"` + strconv.FormatUint(uint64(u), 10) + `"`), nil
}

// UnmarshalJSON reads a decimal string or a JSON number.
func (u *U64) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %s is not a uint64", proof.ErrMalformed, truncate(string(b)))
	}
	*u = U64(v)
	return nil
}

// HexBytes is a byte string written as 0x-prefixed hex.
type HexBytes []byte

// MarshalText writes 0x-prefixed hex.
func (h HexBytes) MarshalText() ([]byte, error) {
	return []byte("0x" + hex.EncodeToString(h)), nil
}

// UnmarshalText reads 0x-prefixed hex.
func (h *HexBytes) UnmarshalText(b []byte) error {
	s := string(b)
	if !strings.HasPrefix(s, "0x") {
		return fmt.Errorf("%w: %s: want 0x-prefixed hex", proof.ErrMalformed, truncate(s))
	}
	out, err := hex.DecodeString(s[2:])
	if err != nil {
		return fmt.Errorf("%w: %s: %v", proof.ErrMalformed, truncate(s), err)
	}
	*h = out
	return nil
}

// Address is a 20-byte execution-layer address written as 0x-prefixed hex.
type Address [20]byte

// MarshalText writes 0x-prefixed hex.
func (a Address) MarshalText() ([]byte, error) { return HexBytes(a[:]).MarshalText() }

// UnmarshalText reads 0x-prefixed hex of 20 bytes.
func (a *Address) UnmarshalText(b []byte) error {
	var h HexBytes
	if err := h.UnmarshalText(b); err != nil {
		return err
	}
	if len(h) != 20 {
		return fmt.Errorf("%w: address %s is %d bytes, want 20", proof.ErrMalformed, truncate(string(b)), len(h))
	}
	copy(a[:], h)
	return nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:77] + "..."
	}
	return s
}
