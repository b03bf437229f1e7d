package staking

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// ClaimValue is the value of a Claim: what its leaf commits to, as a Go
// type. It is one of ValidatorValue, ValidatorFieldValue, SlotValue,
// BalanceValue, ParticipationValue, PendingDepositValue,
// PendingPartialWithdrawalValue, PendingConsolidationValue,
// StateRootValue, WithdrawalValue and MemberValue; the claim's kind says
// which (Kind.ParseValue). Their JSON is the beacon API's (integers as
// decimal strings, bytes as 0x-hex), with the index of the proved entry
// first; their roots are computed by package ssz in the fork's schemas.
type ClaimValue interface {
	// claimValue marks the value types: the set is closed, since a
	// claim's kind must say how its value is checked.
	claimValue()
}

func (ValidatorValue) claimValue()                {}
func (ValidatorFieldValue) claimValue()           {}
func (SlotValue) claimValue()                     {}
func (BalanceValue) claimValue()                  {}
func (ParticipationValue) claimValue()            {}
func (PendingDepositValue) claimValue()           {}
func (PendingPartialWithdrawalValue) claimValue() {}
func (PendingConsolidationValue) claimValue()     {}
func (StateRootValue) claimValue()                {}
func (WithdrawalValue) claimValue()               {}
func (MemberValue) claimValue()                   {}

// ValidatorValue is the value of a validator claim: validators[Index].
type ValidatorValue struct {
	Index uint64
	beaconstate.Validator
}

type validatorJSON struct {
	ValidatorIndex             U64          `json:"validator_index"`
	Pubkey                     HexBytes     `json:"pubkey"`
	WithdrawalCredentials      proof.Hash32 `json:"withdrawal_credentials"`
	EffectiveBalance           U64          `json:"effective_balance"`
	Slashed                    bool         `json:"slashed"`
	ActivationEligibilityEpoch U64          `json:"activation_eligibility_epoch"`
	ActivationEpoch            U64          `json:"activation_epoch"`
	ExitEpoch                  U64          `json:"exit_epoch"`
	WithdrawableEpoch          U64          `json:"withdrawable_epoch"`
}

// MarshalJSON writes {"validator_index": "i", "pubkey": "0x…", …}, the
// fields in the record's order (written directly: a StateProver writes
// one per validator it proves).
func (v ValidatorValue) MarshalJSON() ([]byte, error) {
	b := make([]byte, 0, 400)
	u := func(key string, x uint64) {
		b = append(append(append(b, ",\""+key+"\":\""...), strconv.FormatUint(x, 10)...), '"')
	}
	b = append(append(append(b, `{"validator_index":"`...), strconv.FormatUint(v.Index, 10)...), '"')
	b = append(append(append(b, `,"pubkey":"0x`...), hex.EncodeToString(v.Pubkey[:])...), '"')
	b = append(append(append(b, `,"withdrawal_credentials":"0x`...), hex.EncodeToString(v.WithdrawalCredentials[:])...), '"')
	u("effective_balance", v.EffectiveBalance)
	b = append(append(b, `,"slashed":`...), strconv.FormatBool(v.Slashed)...)
	u("activation_eligibility_epoch", v.ActivationEligibilityEpoch)
	u("activation_epoch", v.ActivationEpoch)
	u("exit_epoch", v.ExitEpoch)
	u("withdrawable_epoch", v.WithdrawableEpoch)
	return append(b, '}'), nil
}

// UnmarshalJSON reads what MarshalJSON writes; the pubkey must be 48 bytes.
func (v *ValidatorValue) UnmarshalJSON(b []byte) error {
	var j validatorJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	if len(j.Pubkey) != 48 {
		return fmt.Errorf("%w: pubkey is %d bytes, want 48", proof.ErrMalformed, len(j.Pubkey))
	}
	*v = ValidatorValue{Index: uint64(j.ValidatorIndex), Validator: beaconstate.Validator{
		WithdrawalCredentials: j.WithdrawalCredentials, EffectiveBalance: uint64(j.EffectiveBalance), Slashed: j.Slashed,
		ActivationEligibilityEpoch: uint64(j.ActivationEligibilityEpoch), ActivationEpoch: uint64(j.ActivationEpoch),
		ExitEpoch: uint64(j.ExitEpoch), WithdrawableEpoch: uint64(j.WithdrawableEpoch),
	}}
	copy(v.Pubkey[:], j.Pubkey)
	return nil
}

// validatorSSZ is the record as package ssz encodes it.
func validatorSSZ(v beaconstate.Validator) map[string]any {
	return map[string]any{
		"pubkey": v.Pubkey[:], "withdrawal_credentials": v.WithdrawalCredentials[:],
		"effective_balance": v.EffectiveBalance, "slashed": v.Slashed,
		"activation_eligibility_epoch": v.ActivationEligibilityEpoch, "activation_epoch": v.ActivationEpoch,
		"exit_epoch": v.ExitEpoch, "withdrawable_epoch": v.WithdrawableEpoch,
	}
}

// ValidatorRoot returns the hash tree root of a Validator record in the
// fork's schemas.
func ValidatorRoot(s *fork.Schemas, v beaconstate.Validator) ([32]byte, error) {
	return encodedRoot(s.Validator, "Validator", validatorSSZ(v))
}

// ValidatorFieldRoots returns the roots of the fields of a Validator
// record, in order (EigenLayer's validatorFields): the pubkey's root, the
// withdrawal credentials, the effective balance, ... as SSZ chunks.
func ValidatorFieldRoots(s *fork.Schemas, v beaconstate.Validator) ([][32]byte, error) {
	t := s.Validator
	if t == nil {
		return nil, fmt.Errorf("staking: %s has no Validator type", s.Fork)
	}
	b, err := ssz.Encode(t, validatorSSZ(v))
	if err != nil {
		return nil, fmt.Errorf("staking: Validator: %w", err)
	}
	out := make([][32]byte, len(t.Fields))
	for i, f := range t.Fields {
		lo, hi, ft, err := ssz.FieldSpan(t, b, f.Name)
		if err != nil {
			return nil, fmt.Errorf("staking: Validator: %w", err)
		}
		if out[i], err = ssz.HashTreeRoot(ft, b[lo:hi]); err != nil {
			return nil, fmt.Errorf("staking: Validator.%s: %w", f.Name, err)
		}
	}
	return out, nil
}

// WithdrawalRoot returns the hash tree root of a Withdrawal in the fork's
// schemas (capella on).
func WithdrawalRoot(s *fork.Schemas, w beaconstate.Withdrawal) ([32]byte, error) {
	return encodedRoot(s.Withdrawal, "Withdrawal", map[string]any{
		"index": w.Index, "validator_index": w.ValidatorIndex, "address": w.Address[:], "amount": w.Amount,
	})
}

// encodedRoot returns the hash tree root of v (see ssz.Encode) as a value
// of type t, named name in errors.
func encodedRoot(t *ssz.Type, name string, v any) ([32]byte, error) {
	if t == nil {
		return [32]byte{}, fmt.Errorf("staking: the fork has no %s type", name)
	}
	b, err := ssz.Encode(t, v)
	if err != nil {
		return [32]byte{}, fmt.Errorf("staking: %s: %w", name, err)
	}
	return ssz.HashTreeRoot(t, b)
}

// WithdrawalValue is the value of the withdrawal kinds: withdrawal Num of
// the payload at Slot (for gloas, of payload_expected_withdrawals of the
// state at Slot).
type WithdrawalValue struct {
	Slot, Num uint64
	beaconstate.Withdrawal
	// HistoricalSummaryIndex is set for the historical kinds: the entry of
	// historical_summaries the proof goes through.
	HistoricalSummaryIndex *uint64
	// BlockRoot and EnvelopeChecked are set for the gloas kinds: the root
	// of the block at Slot, and whether its envelope was checked.
	BlockRoot       *[32]byte
	EnvelopeChecked *bool
}

type withdrawalJSON struct {
	WithdrawalSlot         U64           `json:"withdrawal_slot"`
	WithdrawalNum          U64           `json:"withdrawal_num"`
	Index                  U64           `json:"index"`
	ValidatorIndex         U64           `json:"validator_index"`
	Address                Address       `json:"address"`
	Amount                 U64           `json:"amount"`
	HistoricalSummaryIndex *U64          `json:"historical_summary_index,omitempty"`
	BlockRoot              *proof.Hash32 `json:"block_root,omitempty"`
	EnvelopeChecked        *bool         `json:"envelope_checked,omitempty,string"`
}

// MarshalJSON writes {"withdrawal_slot", "withdrawal_num", "index",
// "validator_index", "address", "amount"} and the optional fields that are
// set.
func (v WithdrawalValue) MarshalJSON() ([]byte, error) {
	j := withdrawalJSON{
		WithdrawalSlot: U64(v.Slot), WithdrawalNum: U64(v.Num), Index: U64(v.Index),
		ValidatorIndex: U64(v.ValidatorIndex), Address: v.Address, Amount: U64(v.Amount),
		EnvelopeChecked: v.EnvelopeChecked,
	}
	if v.HistoricalSummaryIndex != nil {
		k := U64(*v.HistoricalSummaryIndex)
		j.HistoricalSummaryIndex = &k
	}
	if v.BlockRoot != nil {
		r := proof.Hash32(*v.BlockRoot)
		j.BlockRoot = &r
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (v *WithdrawalValue) UnmarshalJSON(b []byte) error {
	var j withdrawalJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	*v = WithdrawalValue{
		Slot: uint64(j.WithdrawalSlot), Num: uint64(j.WithdrawalNum), EnvelopeChecked: j.EnvelopeChecked,
		Withdrawal: beaconstate.Withdrawal{Index: uint64(j.Index), ValidatorIndex: uint64(j.ValidatorIndex), Address: j.Address, Amount: uint64(j.Amount)},
	}
	if j.HistoricalSummaryIndex != nil {
		k := uint64(*j.HistoricalSummaryIndex)
		v.HistoricalSummaryIndex = &k
	}
	if j.BlockRoot != nil {
		r := [32]byte(*j.BlockRoot)
		v.BlockRoot = &r
	}
	return nil
}

// BalanceValue is the value of a balance claim: the balance of validator
// Index, at byte ChunkOffset (8·(Index mod 4)) of the leaf.
type BalanceValue struct {
	ValidatorIndex U64 `json:"validator_index"`
	Balance        U64 `json:"balance"`
	ChunkOffset    U64 `json:"chunk_offset"`
}

func newBalanceValue(i, balance uint64) BalanceValue {
	return BalanceValue{ValidatorIndex: U64(i), Balance: U64(balance), ChunkOffset: U64(8 * (i % 4))}
}

// checkLane checks that the value is validator i's lane of a balances
// chunk.
func (v BalanceValue) checkLane(chunk [32]byte) error {
	return CheckBalanceLane(chunk, uint64(v.ValidatorIndex), uint64(v.Balance))
}

// CheckBalanceLane checks that balance is validator i's lane (bytes
// 8·(i mod 4) to 8·(i mod 4)+8, little-endian) of a balances chunk.
func CheckBalanceLane(chunk [32]byte, i, balance uint64) error {
	want, err := ssz.Encode(ssz.Uint64, balance)
	if err != nil {
		return err
	}
	off := 8 * (i % 4)
	if !bytes.Equal(chunk[off:off+8], want) {
		return fmt.Errorf("%w: balance %d is not at byte %d of the chunk %s", proof.ErrRootMismatch, balance, off, proof.FormatHash(chunk))
	}
	return nil
}

// ParticipationValue is the value of a participation claim: the flags of
// validator ValidatorIndex in the current or previous epoch ("current",
// "previous"), byte ChunkOffset (Index mod 32) of the leaf.
type ParticipationValue struct {
	ValidatorIndex uint64
	Epoch          string
	Flags          uint64
	ChunkOffset    uint64
}

type participationJSON struct {
	ValidatorIndex U64    `json:"validator_index"`
	Epoch          string `json:"epoch"`
	Flags          U64    `json:"flags"`
	ChunkOffset    U64    `json:"chunk_offset"`
	TimelySource   *bool  `json:"timely_source"`
	TimelyTarget   *bool  `json:"timely_target"`
	TimelyHead     *bool  `json:"timely_head"`
}

// MarshalJSON writes the flags and, decoded, timely_source, timely_target
// and timely_head.
func (v ParticipationValue) MarshalJSON() ([]byte, error) {
	flag := func(bit uint64) *bool { b := v.Flags&bit != 0; return &b }
	return json.Marshal(participationJSON{
		ValidatorIndex: U64(v.ValidatorIndex), Epoch: v.Epoch, Flags: U64(v.Flags), ChunkOffset: U64(v.ChunkOffset),
		TimelySource: flag(TimelySourceFlag), TimelyTarget: flag(TimelyTargetFlag), TimelyHead: flag(TimelyHeadFlag),
	})
}

// UnmarshalJSON reads what MarshalJSON writes; the timely flags, optional,
// must agree with the flags.
func (v *ParticipationValue) UnmarshalJSON(b []byte) error {
	var j participationJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return err
	}
	for bit, t := range []*bool{j.TimelySource, j.TimelyTarget, j.TimelyHead} {
		if t != nil && *t != (j.Flags>>bit&1 == 1) {
			return fmt.Errorf("%w: flags %d and the timely flags disagree", proof.ErrMalformed, j.Flags)
		}
	}
	*v = ParticipationValue{ValidatorIndex: uint64(j.ValidatorIndex), Epoch: j.Epoch, Flags: uint64(j.Flags), ChunkOffset: uint64(j.ChunkOffset)}
	return nil
}

// StateRootValue is the value of a state_root claim.
type StateRootValue struct {
	StateRoot proof.Hash32 `json:"state_root"`
}

// SlotValue is the value of a slot claim: state.slot, in JSON a decimal
// string.
type SlotValue uint64

// MarshalJSON writes the slot as a decimal string.
func (v SlotValue) MarshalJSON() ([]byte, error) { return U64(v).MarshalJSON() }

// UnmarshalJSON reads a decimal string or a JSON number.
func (v *SlotValue) UnmarshalJSON(b []byte) error { return (*U64)(v).UnmarshalJSON(b) }

// MemberValue is the value of a claim of any path (state_field,
// block_field): the member's JSON as ssz.ToJSON writes it.
type MemberValue json.RawMessage

// MarshalJSON returns the member's JSON (null if there is none).
func (v MemberValue) MarshalJSON() ([]byte, error) { return json.RawMessage(v).MarshalJSON() }

// UnmarshalJSON sets the value to a copy of b.
func (v *MemberValue) UnmarshalJSON(b []byte) error {
	*v = append((*v)[:0], b...)
	return nil
}

// ValidatorFieldValue is the value of a validator_field claim: field
// Field of validators[ValidatorIndex], Value its JSON.
type ValidatorFieldValue struct {
	ValidatorIndex uint64
	Field          string
	Value          json.RawMessage
}

// MarshalJSON writes {"validator_index": "i", "<field>": value}.
func (v ValidatorFieldValue) MarshalJSON() ([]byte, error) {
	return orderedObject("validator_index", U64(v.ValidatorIndex), v.Field, v.Value)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (v *ValidatorFieldValue) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	var idx U64
	if raw, ok := m["validator_index"]; !ok {
		return fmt.Errorf("%w: validator_index: no value", proof.ErrMalformed)
	} else if err := json.Unmarshal(raw, &idx); err != nil {
		return fmt.Errorf("%w: validator_index: %v", proof.ErrMalformed, err)
	}
	delete(m, "validator_index")
	if len(m) != 1 {
		return fmt.Errorf("%w: want the value of one field after validator_index", proof.ErrMalformed)
	}
	*v = ValidatorFieldValue{ValidatorIndex: uint64(idx)}
	for k, raw := range m {
		v.Field, v.Value = k, raw
	}
	return nil
}

// orderedObject encodes the JSON object of kv (string key, value, ...) with
// its keys in that order.
func orderedObject(kv ...any) ([]byte, error) {
	buf := []byte{'{'}
	for i := 0; i+1 < len(kv); i += 2 {
		if i > 0 {
			buf = append(buf, ',')
		}
		k, err := json.Marshal(kv[i])
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(kv[i+1])
		if err != nil {
			return nil, err
		}
		buf = append(append(append(buf, k...), ':'), v...)
	}
	return append(buf, '}'), nil
}

// PendingDepositValue is the value of a pending_deposit claim:
// pending_deposits[Index] (electra on).
type PendingDepositValue struct {
	Index                 U64          `json:"index"`
	Pubkey                HexBytes     `json:"pubkey"`
	WithdrawalCredentials proof.Hash32 `json:"withdrawal_credentials"`
	Amount                U64          `json:"amount"`
	Signature             HexBytes     `json:"signature"`
	Slot                  U64          `json:"slot"`
}

// entry returns the index and the record as package ssz encodes it.
func (v PendingDepositValue) entry() (U64, map[string]any) {
	return v.Index, map[string]any{
		"pubkey": []byte(v.Pubkey), "withdrawal_credentials": v.WithdrawalCredentials[:],
		"amount": uint64(v.Amount), "signature": []byte(v.Signature), "slot": uint64(v.Slot),
	}
}

// PendingPartialWithdrawalValue is the value of a
// pending_partial_withdrawal claim: pending_partial_withdrawals[Index]
// (electra on).
type PendingPartialWithdrawalValue struct {
	Index             U64 `json:"index"`
	ValidatorIndex    U64 `json:"validator_index"`
	Amount            U64 `json:"amount"`
	WithdrawableEpoch U64 `json:"withdrawable_epoch"`
}

// entry returns the index and the record as package ssz encodes it.
func (v PendingPartialWithdrawalValue) entry() (U64, map[string]any) {
	return v.Index, map[string]any{
		"validator_index": uint64(v.ValidatorIndex), "amount": uint64(v.Amount), "withdrawable_epoch": uint64(v.WithdrawableEpoch),
	}
}

// PendingConsolidationValue is the value of a pending_consolidation
// claim: pending_consolidations[Index] (electra on).
type PendingConsolidationValue struct {
	Index       U64 `json:"index"`
	SourceIndex U64 `json:"source_index"`
	TargetIndex U64 `json:"target_index"`
}

// entry returns the index and the record as package ssz encodes it.
func (v PendingConsolidationValue) entry() (U64, map[string]any) {
	return v.Index, map[string]any{"source_index": uint64(v.SourceIndex), "target_index": uint64(v.TargetIndex)}
}
