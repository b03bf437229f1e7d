// Package fork says, for each consensus fork (phase0 to gloas) and each
// preset (mainnet, minimal), what the SSZ schemas of the beacon chain are,
// and knows the fork schedules of the public networks.
//
// SchemasOf and TypeOf are the one way from names to schemas. Each fork's
// schemas are derived from its parent's, and what a fork's chain has (the
// execution payload in the block or in an envelope, historical summaries,
// ...) is a Feature it adds or drops, which code above asks with Has
// instead of comparing fork names. A new hard fork is one Fork value given
// to Register, with any preset constant it needs (AddPresetValues) and its
// version on the built-in networks (ScheduleFork) so that its states are
// detected:
//
//	fork.AddPresetValues(fork.PresetMainnet, map[string]uint64{"INCLUSION_LIST_COMMITTEE_SIZE": 16})
//	fork.Register(fork.Fork{
//		Name:   "heze",
//		Parent: fork.Gloas,
//		Build: func(p *fork.Preset, parent *fork.Schemas) *fork.Schemas {
//			s := parent.Clone()
//			s.ExecutionPayloadBid = parent.ExecutionPayloadBid.WithFields(
//				ssz.F("inclusion_list_bits", ssz.Bitvector(p.MustValue("INCLUSION_LIST_COMMITTEE_SIZE"))))
//			// ... and every type holding the bid: SignedExecutionPayloadBid,
//			// BeaconBlockBody, BeaconBlock, SignedBeaconBlock, BeaconState.
//			return s
//		},
//	})
//	fork.ScheduleFork("mainnet", fork.ForkSchedule{Name: "heze", Version: [4]byte{8, 0, 0, 0}, Epoch: fork.FarFutureEpoch})
//
// Schemas are built lazily, once per fork and preset, checked for
// consistency (ErrInconsistent), and are safe to share between goroutines.
package fork

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/beaconproof/beaconproof/ssz"
)

// ErrUnknownFork reports a fork name that is not registered.
var ErrUnknownFork = errors.New("unknown fork")

// ErrForkExists reports a Register call for a name already registered.
var ErrForkExists = errors.New("fork already registered")

// The names of the built-in forks, in order. They are the lower-case names
// the beacon API uses in the Eth-Consensus-Version header.
const (
	Phase0    = "phase0"
	Altair    = "altair"
	Bellatrix = "bellatrix"
	Capella   = "capella"
	Deneb     = "deneb"
	Electra   = "electra"
	Fulu      = "fulu"
	Gloas     = "gloas"
)

// Fork is one consensus fork: how to build its schemas from its parent's.
type Fork struct {
	// Name is the fork's lower-case name ("capella").
	Name string
	// Parent is the name of the fork this one derives from; empty only for
	// the genesis fork, phase0.
	Parent string
	// Build returns the fork's schemas in preset p. parent holds the
	// parent fork's schemas in the same preset (nil for a fork without
	// parent); Build must not modify it but may return parent.Clone() with
	// changes. Build may panic on a malformed schema (the ssz constructors
	// do) or a missing preset constant (Preset.MustValue): Schemas turns
	// the panic into an error. Schemas also checks that the result is
	// consistent (see ErrInconsistent): a type that a fork changes must
	// be rebuilt in every type that holds it.
	Build func(p *Preset, parent *Schemas) *Schemas
	// Adds lists the features the fork adds to its parent's; Drops, those
	// it drops (see Feature and Has).
	Adds, Drops []Feature

	// index is the fork's position in the registry; cache holds its
	// schemas per preset. Both are set by Register.
	index int
	cache *schemaCache
}

type schemaCache struct {
	mu      sync.Mutex
	entries map[string]*schemaEntry
}

type schemaEntry struct {
	once sync.Once
	s    *Schemas
	err  error
}

var registry = struct {
	sync.RWMutex
	forks  []*Fork
	byName map[string]*Fork
}{byName: map[string]*Fork{}}

// Register adds a fork. Its name must be new and its parent, unless the
// fork is a genesis fork, already registered. Register does not build the
// schemas: Schemas does, on first use, and reports a Build that fails.
func Register(f Fork) error {
	name := strings.TrimSpace(f.Name)
	if name == "" || name != f.Name {
		return fmt.Errorf("fork: register %q: name must be non-empty and without spaces", f.Name)
	}
	if f.Build == nil {
		return fmt.Errorf("fork: register %s: no Build function", f.Name)
	}
	registry.Lock()
	defer registry.Unlock()
	if _, dup := registry.byName[f.Name]; dup {
		return fmt.Errorf("fork: register %s: %w", f.Name, ErrForkExists)
	}
	if f.Parent != "" {
		if _, ok := registry.byName[f.Parent]; !ok {
			return fmt.Errorf("fork: register %s: parent: %w %q", f.Name, ErrUnknownFork, f.Parent)
		}
	}
	nf := f
	nf.Adds, nf.Drops = append([]Feature(nil), f.Adds...), append([]Feature(nil), f.Drops...)
	nf.index = len(registry.forks)
	nf.cache = &schemaCache{entries: map[string]*schemaEntry{}}
	registry.forks = append(registry.forks, &nf)
	registry.byName[nf.Name] = &nf
	return nil
}

// Lookup returns the registered fork with that name. The error wraps
// ErrUnknownFork.
func Lookup(name string) (*Fork, error) {
	registry.RLock()
	defer registry.RUnlock()
	f, ok := registry.byName[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownFork, name, strings.Join(namesLocked(), ", "))
	}
	return f, nil
}

// All returns the registered forks in the order they were registered: the
// built-in forks phase0 to gloas first.
func All() []*Fork {
	registry.RLock()
	defer registry.RUnlock()
	return append([]*Fork(nil), registry.forks...)
}

// Names returns the names of the registered forks, in order.
func Names() []string {
	registry.RLock()
	defer registry.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	names := make([]string, len(registry.forks))
	for i, f := range registry.forks {
		names[i] = f.Name
	}
	return names
}

// Index returns the fork's position in the registry (phase0 is 0), or -1
// for a Fork that was not registered.
func (f *Fork) Index() int {
	if f.cache == nil {
		return -1
	}
	return f.index
}

// Descends reports whether f is the fork named ancestor or derives from it,
// directly or not: a made-up fork with parent fulu descends from capella,
// so its states have historical_summaries.
//
// To ask what a fork's chain has (an execution payload in the block,
// historical summaries, ...), ask Has about a Feature instead.
func (f *Fork) Descends(ancestor string) bool {
	for cur := f; cur != nil; cur = cur.parent() {
		if cur.Name == ancestor {
			return true
		}
	}
	return false
}

// String returns the fork's name.
func (f *Fork) String() string { return f.Name }

// Schemas returns the fork's SSZ schemas in the named preset, building them
// (and those of the fork's ancestors) on first use. It is safe for
// concurrent use; every caller gets the same *Schemas, which must not be
// modified. Errors name the fork and the preset and wrap ErrUnknownPreset
// for an unknown preset.
func (f *Fork) Schemas(preset string) (*Schemas, error) {
	if f.cache == nil { // a Fork value that was never registered
		return f.build(preset)
	}
	f.cache.mu.Lock()
	e, ok := f.cache.entries[preset]
	if !ok {
		e = &schemaEntry{}
		f.cache.entries[preset] = e
	}
	f.cache.mu.Unlock()
	e.once.Do(func() { e.s, e.err = f.build(preset) })
	return e.s, e.err
}

func (f *Fork) build(preset string) (s *Schemas, err error) {
	p, err := presetRef(preset)
	if err != nil {
		return nil, fmt.Errorf("fork %s: schemas: %w", f.Name, err)
	}
	var parent *Schemas
	if f.Parent != "" {
		pf, err := Lookup(f.Parent)
		if err != nil {
			return nil, fmt.Errorf("fork %s (preset %s): parent: %w", f.Name, preset, err)
		}
		if parent, err = pf.Schemas(preset); err != nil {
			return nil, fmt.Errorf("fork %s (preset %s): parent: %w", f.Name, preset, err)
		}
	}
	if f.Build == nil {
		return nil, fmt.Errorf("fork %s (preset %s): no Build function", f.Name, preset)
	}
	defer func() {
		if r := recover(); r != nil {
			s, err = nil, fmt.Errorf("fork %s (preset %s): build schemas: %v", f.Name, preset, r)
		}
	}()
	s = f.Build(p, parent)
	if s == nil {
		return nil, fmt.Errorf("fork %s (preset %s): Build returned no schemas", f.Name, preset)
	}
	if s == parent {
		s = parent.Clone()
	}
	s.Fork = f.Name
	s.Preset = p
	if s.BeaconState == nil || s.BeaconBlock == nil {
		return nil, fmt.Errorf("fork %s (preset %s): schemas have no BeaconState or BeaconBlock", f.Name, preset)
	}
	if err := s.checkConsistent(f); err != nil {
		return nil, fmt.Errorf("fork %s (preset %s): %w", f.Name, preset, err)
	}
	return s, nil
}

// FromConsensusVersionHeader returns the fork named by the beacon API's
// Eth-Consensus-Version header ("deneb", "electra", ...; case and
// surrounding spaces are ignored). The error wraps ErrUnknownFork.
func FromConsensusVersionHeader(v string) (*Fork, error) {
	name := strings.ToLower(strings.TrimSpace(v))
	if name == "" {
		return nil, fmt.Errorf("fork: consensus version header: %w: empty value", ErrUnknownFork)
	}
	f, err := Lookup(name)
	if err != nil {
		return nil, fmt.Errorf("fork: consensus version header %q: %w", v, err)
	}
	return f, nil
}

// DefaultPreset is the preset used where none is named.
const DefaultPreset = PresetMainnet

// DefaultType is the type used where none is named.
const DefaultType = "BeaconState"

// SchemasOf returns the schemas of the named fork in the named preset
// ("" is DefaultPreset): the one way from names to schemas.
func SchemasOf(forkName, preset string) (*Schemas, error) {
	if preset == "" {
		preset = DefaultPreset
	}
	f, err := Lookup(forkName)
	if err != nil {
		return nil, err
	}
	return f.Schemas(preset)
}

// TypeOf returns the type named typeName ("" is DefaultType) in the named
// fork and preset ("" is DefaultPreset).
func TypeOf(forkName, preset, typeName string) (*ssz.Type, error) {
	s, err := SchemasOf(forkName, preset)
	if err != nil {
		return nil, err
	}
	if typeName == "" {
		typeName = DefaultType
	}
	return s.ByName(typeName)
}
