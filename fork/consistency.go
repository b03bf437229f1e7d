package fork

import (
	"errors"
	"fmt"

	"github.com/beaconproof/beaconproof/ssz"
)

// ErrInconsistent reports schemas that contradict themselves: a named type
// holding another version of a named type of the same schemas (a Build
// that changed ExecutionPayloadBid but not the BeaconState field holding
// it), or a fork whose features its schemas lack.
var ErrInconsistent = errors.New("inconsistent schemas")

// checkConsistent checks the schemas a Build returned: every member of a
// named type whose type bears the name of one of the schemas' types is
// that very type, and the schemas have what f's features say.
func (s *Schemas) checkConsistent(f *Fork) error {
	for _, name := range s.Names() {
		if err := s.checkMembers(name, s.Get(name)); err != nil {
			return err
		}
	}
	return s.checkFeatures(f)
}

// checkMembers checks the members of t, at path, down to the next named
// types (which are checked on their own).
func (s *Schemas) checkMembers(path string, t *ssz.Type) error {
	check := func(p string, m *ssz.Type) error {
		want := s.Get(m.Name)
		if want == nil {
			return s.checkMembers(p, m)
		}
		if want != m {
			return fmt.Errorf("%w: %s is not the schemas' %s (a Build that changes a type must rebuild the types that hold it)", ErrInconsistent, p, m.Name)
		}
		return nil
	}
	for _, fl := range t.Fields {
		if err := check(path+"."+fl.Name, fl.Type); err != nil {
			return err
		}
	}
	if t.Elem != nil {
		return check(path+"[]", t.Elem)
	}
	return nil
}

// checkFeatures checks that the schemas have the members f's features
// speak of.
func (s *Schemas) checkFeatures(f *Fork) error {
	for _, c := range []struct {
		feature   Feature
		typ, path string
	}{
		{PayloadInBlock, "BeaconBlockBody", "execution_payload"},
		{PayloadInEnvelope, "ExecutionPayloadEnvelope", "payload"},
		{Withdrawals, "ExecutionPayload", "withdrawals"},
		{HistoricalSummaries, "BeaconState", "historical_summaries"},
	} {
		if !f.Has(c.feature) {
			continue
		}
		t := s.Get(c.typ)
		if t == nil {
			return fmt.Errorf("%w: the fork has %s but no %s", ErrInconsistent, c.feature, c.typ)
		}
		if _, ok := t.Field(c.path); !ok {
			return fmt.Errorf("%w: the fork has %s but its %s has no %s", ErrInconsistent, c.feature, c.typ, c.path)
		}
	}
	return nil
}
