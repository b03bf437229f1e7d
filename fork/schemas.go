package fork

import (
	"errors"
	"fmt"
	"sort"

	"github.com/beaconproof/beaconproof/ssz"
)

// ErrUnknownType reports a type name that a fork's schemas do not define.
var ErrUnknownType = errors.New("unknown type")

// Schemas are the SSZ types of one fork in one preset. A field is nil when
// the fork has no such type (ExecutionPayload before bellatrix, Builder
// before gloas, ExecutionPayloadHeader from gloas on, ...). Every other
// container of the fork (Attestation, Checkpoint, SyncCommittee, ...) is
// reachable through ByName.
//
// Schemas returned by Fork.Schemas are shared and must not be modified; a
// fork's Build function derives its schemas from a Clone of its parent's.
type Schemas struct {
	// Fork is the fork's name; Preset is the preset the schemas use. Both
	// are set by Fork.Schemas after Build returns.
	Fork   string
	Preset *Preset

	BeaconState                    *ssz.Type
	BeaconBlock                    *ssz.Type
	SignedBeaconBlock              *ssz.Type
	BeaconBlockBody                *ssz.Type
	BeaconBlockHeader              *ssz.Type
	SignedBeaconBlockHeader        *ssz.Type
	ExecutionPayload               *ssz.Type
	ExecutionPayloadHeader         *ssz.Type
	ExecutionPayloadEnvelope       *ssz.Type
	SignedExecutionPayloadEnvelope *ssz.Type
	ExecutionPayloadBid            *ssz.Type
	SignedExecutionPayloadBid      *ssz.Type
	ExecutionRequests              *ssz.Type
	Validator                      *ssz.Type
	Withdrawal                     *ssz.Type
	HistoricalSummary              *ssz.Type
	HistoricalBatch                *ssz.Type
	PendingDeposit                 *ssz.Type
	PendingPartialWithdrawal       *ssz.Type
	PendingConsolidation           *ssz.Type
	Builder                        *ssz.Type

	// other holds the remaining types by spec name.
	other map[string]*ssz.Type
}

// namedFields maps the spec names of the types with a Schemas field to it.
var namedFields = map[string]func(*Schemas) **ssz.Type{
	"BeaconState":                    func(s *Schemas) **ssz.Type { return &s.BeaconState },
	"BeaconBlock":                    func(s *Schemas) **ssz.Type { return &s.BeaconBlock },
	"SignedBeaconBlock":              func(s *Schemas) **ssz.Type { return &s.SignedBeaconBlock },
	"BeaconBlockBody":                func(s *Schemas) **ssz.Type { return &s.BeaconBlockBody },
	"BeaconBlockHeader":              func(s *Schemas) **ssz.Type { return &s.BeaconBlockHeader },
	"SignedBeaconBlockHeader":        func(s *Schemas) **ssz.Type { return &s.SignedBeaconBlockHeader },
	"ExecutionPayload":               func(s *Schemas) **ssz.Type { return &s.ExecutionPayload },
	"ExecutionPayloadHeader":         func(s *Schemas) **ssz.Type { return &s.ExecutionPayloadHeader },
	"ExecutionPayloadEnvelope":       func(s *Schemas) **ssz.Type { return &s.ExecutionPayloadEnvelope },
	"SignedExecutionPayloadEnvelope": func(s *Schemas) **ssz.Type { return &s.SignedExecutionPayloadEnvelope },
	"ExecutionPayloadBid":            func(s *Schemas) **ssz.Type { return &s.ExecutionPayloadBid },
	"SignedExecutionPayloadBid":      func(s *Schemas) **ssz.Type { return &s.SignedExecutionPayloadBid },
	"ExecutionRequests":              func(s *Schemas) **ssz.Type { return &s.ExecutionRequests },
	"Validator":                      func(s *Schemas) **ssz.Type { return &s.Validator },
	"Withdrawal":                     func(s *Schemas) **ssz.Type { return &s.Withdrawal },
	"HistoricalSummary":              func(s *Schemas) **ssz.Type { return &s.HistoricalSummary },
	"HistoricalBatch":                func(s *Schemas) **ssz.Type { return &s.HistoricalBatch },
	"PendingDeposit":                 func(s *Schemas) **ssz.Type { return &s.PendingDeposit },
	"PendingPartialWithdrawal":       func(s *Schemas) **ssz.Type { return &s.PendingPartialWithdrawal },
	"PendingConsolidation":           func(s *Schemas) **ssz.Type { return &s.PendingConsolidation },
	"Builder":                        func(s *Schemas) **ssz.Type { return &s.Builder },
}

// Clone returns a copy of s that a fork's Build function may change: the
// types are shared (they are immutable), the set of types is not.
func (s *Schemas) Clone() *Schemas {
	c := *s
	c.other = make(map[string]*ssz.Type, len(s.other))
	for k, v := range s.other {
		c.other[k] = v
	}
	return &c
}

// Set adds or replaces the type with that spec name: the matching field for
// the names Schemas has a field for, the ByName table for the others. A nil
// t removes the type (for a container the fork drops).
func (s *Schemas) Set(name string, t *ssz.Type) {
	if f, ok := namedFields[name]; ok {
		*f(s) = t
		return
	}
	if s.other == nil {
		s.other = make(map[string]*ssz.Type)
	}
	if t == nil {
		delete(s.other, name)
		return
	}
	s.other[name] = t
}

// Get returns the type with that spec name, or nil.
func (s *Schemas) Get(name string) *ssz.Type {
	if f, ok := namedFields[name]; ok {
		return *f(s)
	}
	return s.other[name]
}

// ByName returns the type with that spec name ("BeaconState",
// "SignedBeaconBlock", "ExecutionPayloadEnvelope", "Validator",
// "Attestation", ...). The error, which wraps ErrUnknownType, names the
// fork when it has no such type.
func (s *Schemas) ByName(typeName string) (*ssz.Type, error) {
	if t := s.Get(typeName); t != nil {
		return t, nil
	}
	return nil, fmt.Errorf("fork %s (preset %s): %w %q", s.Fork, s.presetName(), ErrUnknownType, typeName)
}

// Names returns the spec names of every type the schemas define, sorted.
func (s *Schemas) Names() []string {
	var names []string
	for n, f := range namedFields {
		if *f(s) != nil {
			names = append(names, n)
		}
	}
	for n := range s.other {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *Schemas) presetName() string {
	if s.Preset == nil {
		return "?"
	}
	return s.Preset.Name
}
