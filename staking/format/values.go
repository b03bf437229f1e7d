package format

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/proof"
)

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

// Leaves and roots --------------------------------------------------------

// ChunkUint64 returns the SSZ chunk of a uint64: its 8 little-endian bytes
// followed by 24 zero bytes.
func ChunkUint64(v uint64) [32]byte {
	var c [32]byte
	binary.LittleEndian.PutUint64(c[:], v)
	return c
}

// chunkBool returns the SSZ chunk of a boolean.
func chunkBool(b bool) [32]byte {
	var c [32]byte
	if b {
		c[0] = 1
	}
	return c
}

// PubkeyRoot returns the hash tree root of a 48-byte BLS public key:
// sha256(pubkey ‖ 16 zero bytes), EigenLayer's pubkeyHash.
func PubkeyRoot(pubkey [48]byte) [32]byte {
	var b [64]byte
	copy(b[:], pubkey[:])
	return sha256.Sum256(b[:])
}

// merkleize returns the root of a power-of-two number of chunks.
func merkleize(chunks [][32]byte) [32]byte {
	level := append([][32]byte(nil), chunks...)
	for len(level) > 1 {
		next := level[:len(level)/2]
		for i := range next {
			var b [64]byte
			copy(b[:32], level[2*i][:])
			copy(b[32:], level[2*i+1][:])
			next[i] = sha256.Sum256(b[:])
		}
		level = next
	}
	return level[0]
}

// ValidatorFields returns the 8 chunks of a Validator record, EigenLayer's
// validatorFields: the pubkey's root, the withdrawal credentials, and the
// effective balance, slashed flag and four epochs as SSZ chunks.
func ValidatorFields(v beaconstate.Validator) [8][32]byte {
	return [8][32]byte{
		PubkeyRoot(v.Pubkey),
		v.WithdrawalCredentials,
		ChunkUint64(v.EffectiveBalance),
		chunkBool(v.Slashed),
		ChunkUint64(v.ActivationEligibilityEpoch),
		ChunkUint64(v.ActivationEpoch),
		ChunkUint64(v.ExitEpoch),
		ChunkUint64(v.WithdrawableEpoch),
	}
}

// ValidatorRoot returns the hash tree root of a Validator record.
func ValidatorRoot(v beaconstate.Validator) [32]byte {
	f := ValidatorFields(v)
	return merkleize(f[:])
}

// WithdrawalRoot returns the hash tree root of a Withdrawal: index,
// validator_index, address (right-padded to 32 bytes), amount.
func WithdrawalRoot(w beaconstate.Withdrawal) [32]byte {
	var addr [32]byte
	copy(addr[:], w.Address[:])
	return merkleize([][32]byte{ChunkUint64(w.Index), ChunkUint64(w.ValidatorIndex), addr, ChunkUint64(w.Amount)})
}

// Claim values -----------------------------------------------------------

// validatorJSON is a Validator in the beacon API's JSON, as claims hold it.
type validatorJSON struct {
	Pubkey                     HexBytes     `json:"pubkey"`
	WithdrawalCredentials      proof.Hash32 `json:"withdrawal_credentials"`
	EffectiveBalance           U64          `json:"effective_balance"`
	Slashed                    bool         `json:"slashed"`
	ActivationEligibilityEpoch U64          `json:"activation_eligibility_epoch"`
	ActivationEpoch            U64          `json:"activation_epoch"`
	ExitEpoch                  U64          `json:"exit_epoch"`
	WithdrawableEpoch          U64          `json:"withdrawable_epoch"`
}

func (j validatorJSON) validator() (beaconstate.Validator, error) {
	if len(j.Pubkey) != 48 {
		return beaconstate.Validator{}, fmt.Errorf("%w: pubkey is %d bytes, want 48", proof.ErrMalformed, len(j.Pubkey))
	}
	v := beaconstate.Validator{
		WithdrawalCredentials:      j.WithdrawalCredentials,
		EffectiveBalance:           uint64(j.EffectiveBalance),
		Slashed:                    j.Slashed,
		ActivationEligibilityEpoch: uint64(j.ActivationEligibilityEpoch),
		ActivationEpoch:            uint64(j.ActivationEpoch),
		ExitEpoch:                  uint64(j.ExitEpoch),
		WithdrawableEpoch:          uint64(j.WithdrawableEpoch),
	}
	copy(v.Pubkey[:], j.Pubkey)
	return v, nil
}

// withdrawalJSON is the value of a withdrawal claim.
type withdrawalJSON struct {
	WithdrawalSlot         U64     `json:"withdrawal_slot"`
	WithdrawalNum          U64     `json:"withdrawal_num"`
	Index                  U64     `json:"index"`
	ValidatorIndex         U64     `json:"validator_index"`
	Address                Address `json:"address"`
	Amount                 U64     `json:"amount"`
	HistoricalSummaryIndex *U64    `json:"historical_summary_index,omitempty"`
}

func (j withdrawalJSON) withdrawal() beaconstate.Withdrawal {
	return beaconstate.Withdrawal{Index: uint64(j.Index), ValidatorIndex: uint64(j.ValidatorIndex), Address: j.Address, Amount: uint64(j.Amount)}
}

// balanceJSON is the value of a balance claim.
type balanceJSON struct {
	ValidatorIndex U64 `json:"validator_index"`
	Balance        U64 `json:"balance"`
	ChunkOffset    U64 `json:"chunk_offset"`
}

// decodeStrict decodes a claim value, naming what it is on error.
func decodeStrict(what string, raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return fmt.Errorf("%w: %s: no value", proof.ErrMalformed, what)
	}
	d := json.NewDecoder(bytes.NewReader(raw))
	if err := d.Decode(v); err != nil {
		return fmt.Errorf("%w: %s: %v", proof.ErrMalformed, what, err)
	}
	return nil
}

var indexedPath = regexp.MustCompile(`^([a-z_]+)\[(\d+)\](?:\.([a-z_]+))?$`)

// pathIndex parses "list[i]" or "list[i].field" and returns i and field.
func pathIndex(path, list string) (uint64, string, bool) {
	m := indexedPath.FindStringSubmatch(path)
	if m == nil || m[1] != list {
		return 0, "", false
	}
	i, err := strconv.ParseUint(m[2], 10, 64)
	if err != nil {
		return 0, "", false
	}
	return i, m[3], true
}
