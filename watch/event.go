package watch

import (
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/beaconproof/beaconproof/staking"
)

// Kind names what an Event reports.
type Kind string

// The kinds of Event, in the order a checkpoint's events are emitted.
const (
	KindCredentials    Kind = "credentials"
	KindSlashed        Kind = "slashed"
	KindExit           Kind = "exit"
	KindWithdrawal     Kind = "withdrawal"
	KindFullWithdrawal Kind = "full_withdrawal"
)

// order ranks the kinds for emission: facts of the checkpoint's state
// first, then withdrawals by slot.
func (k Kind) order() int {
	switch k {
	case KindCredentials:
		return 0
	case KindSlashed:
		return 1
	case KindExit:
		return 2
	}
	return 3
}

// Event is one proof duty discharged: a fact about a validator and the
// verified document that proves it.
type Event struct {
	// ID names the fact; the same fact always has the same ID ("exit-v3-e42").
	ID string
	// Kind is what happened, Validator to which validator.
	Kind      Kind
	Validator uint64
	// Slot is the slot where the fact was seen: the checkpoint's, or the
	// slot of the block that paid a withdrawal.
	Slot uint64
	// Anchor is the block root the proofs verify against, with its slot
	// and EIP-4788 timestamp (0 while the block has no child).
	Anchor staking.Anchor
	// Deadline is the timestamp at which the anchor's root leaves the
	// beacon roots contract's ring buffer (0 when Anchor.Timestamp is).
	Deadline uint64
	// Format names the document's format; Document is the document and
	// Calldata, for a protocol's format, its ABI-encoded calldata.
	Format   string
	Document json.RawMessage
	Calldata json.RawMessage
}

type eventJSON struct {
	ID        string          `json:"id"`
	Kind      Kind            `json:"kind"`
	Validator string          `json:"validator"`
	Slot      string          `json:"slot"`
	Anchor    staking.Anchor  `json:"anchor"`
	Deadline  *string         `json:"deadline"`
	Format    string          `json:"format"`
	Document  json.RawMessage `json:"document"`
	Calldata  json.RawMessage `json:"calldata,omitempty"`
}

// MarshalJSON writes {"id", "kind", "validator", "slot", "anchor",
// "deadline", "format", "document", "calldata"}, integers as decimal
// strings, the deadline null when unknown.
func (e Event) MarshalJSON() ([]byte, error) {
	j := eventJSON{ID: e.ID, Kind: e.Kind, Validator: strconv.FormatUint(e.Validator, 10), Slot: strconv.FormatUint(e.Slot, 10),
		Anchor: e.Anchor, Format: e.Format, Document: e.Document, Calldata: e.Calldata}
	if e.Deadline != 0 {
		d := strconv.FormatUint(e.Deadline, 10)
		j.Deadline = &d
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (e *Event) UnmarshalJSON(b []byte) error {
	var j eventJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("watch: event: %w", err)
	}
	v, err := strconv.ParseUint(j.Validator, 10, 64)
	if err != nil {
		return fmt.Errorf("watch: event %s: validator: %w", j.ID, err)
	}
	s, err := strconv.ParseUint(j.Slot, 10, 64)
	if err != nil {
		return fmt.Errorf("watch: event %s: slot: %w", j.ID, err)
	}
	*e = Event{ID: j.ID, Kind: j.Kind, Validator: v, Slot: s, Anchor: j.Anchor, Format: j.Format, Document: j.Document, Calldata: j.Calldata}
	if j.Deadline != nil {
		if e.Deadline, err = strconv.ParseUint(*j.Deadline, 10, 64); err != nil {
			return fmt.Errorf("watch: event %s: deadline: %w", j.ID, err)
		}
	}
	return nil
}

// fact is an event before its proof: what happened, and what proving it
// needs.
type fact struct {
	id        string
	kind      Kind
	validator uint64
	slot      uint64
	// withdrawal: the paying block's root and the withdrawal's position
	// in its payload.
	block  [32]byte
	num    uint64
	amount uint64 // Gwei
}
