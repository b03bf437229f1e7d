package fork

import (
	"fmt"
	"io"
	"maps"
	"reflect"
	"strconv"
	"sync"

	"gopkg.in/yaml.v2"
)

// presetFields maps the spec name of each uint64 field of Preset (its yaml
// tag) to the field's index.
var presetFields = sync.OnceValue(func() map[string]int {
	m := map[string]int{}
	t := reflect.TypeFor[Preset]()
	for i := range t.NumField() {
		f := t.Field(i)
		if tag := f.Tag.Get("yaml"); f.Type.Kind() == reflect.Uint64 && tag != "" && tag != "-" {
			m[tag] = i
		}
	}
	return m
})

// Value returns the preset constant with that spec name
// ("SLOTS_PER_EPOCH", or a name in Extra), and whether the preset has it.
func (p *Preset) Value(name string) (uint64, bool) {
	if i, ok := presetFields()[name]; ok {
		return reflect.ValueOf(p).Elem().Field(i).Uint(), true
	}
	v, ok := p.Extra[name]
	return v, ok
}

// MustValue returns the preset constant with that spec name, and panics
// when the preset does not have it. It is meant for a fork's Build
// function: Fork.Schemas reports the panic as an error naming the fork,
// the preset and the constant.
func (p *Preset) MustValue(name string) uint64 {
	v, ok := p.Value(name)
	if !ok {
		panic(fmt.Sprintf("preset %s has no %s", p.Name, name))
	}
	return v
}

// SetValue sets the preset constant with that spec name: its field, or
// its entry in Extra for a name without a field.
func (p *Preset) SetValue(name string, v uint64) {
	if i, ok := presetFields()[name]; ok {
		reflect.ValueOf(p).Elem().Field(i).SetUint(v)
		return
	}
	if p.Extra == nil {
		p.Extra = map[string]uint64{}
	}
	p.Extra[name] = v
}

// AddPresetValues adds constants to the registered preset of that name:
// those a fork registered outside this package needs (EIP-7805's
// INCLUSION_LIST_COMMITTEE_SIZE, say) in a built-in preset. Add them
// before the fork's schemas are first built. A name the preset already
// has must keep its value: a constant cannot change under schemas already
// built. The error wraps ErrUnknownPreset for an unknown preset.
func AddPresetValues(preset string, values map[string]uint64) error {
	presets.Lock()
	defer presets.Unlock()
	old, ok := presets.m[preset]
	if !ok {
		return fmt.Errorf("fork: add preset values: %w %q (known: %v)", ErrUnknownPreset, preset, presetNamesLocked())
	}
	p := *old // copy on write: schemas being built keep reading old
	p.Extra = maps.Clone(old.Extra)
	for name, v := range values {
		if cur, ok := p.Value(name); ok && cur != v {
			return fmt.Errorf("fork: add preset values to %s: %s is %d, not %d", preset, name, cur, v)
		}
		p.SetValue(name, v)
	}
	presets.m[preset] = &p
	return nil
}

// LoadPreset reads the preset named name from preset files of the
// consensus specs (presets/<name>/phase0.yaml, altair.yaml, ...: one
// reader each; later files win). Every key is a constant: those Preset has
// a field for set it, the others go to Extra. Register the result with
// RegisterPreset.
func LoadPreset(name string, files ...io.Reader) (Preset, error) {
	p := Preset{Name: name}
	for i, r := range files {
		data, err := io.ReadAll(r)
		if err != nil {
			return Preset{}, fmt.Errorf("fork: load preset %s: file %d: %w", name, i+1, err)
		}
		var kv yaml.MapSlice
		if err := yaml.Unmarshal(data, &kv); err != nil {
			return Preset{}, fmt.Errorf("fork: load preset %s: file %d: %w", name, i+1, err)
		}
		for _, e := range kv {
			key := fmt.Sprint(e.Key)
			v, err := strconv.ParseUint(fmt.Sprint(e.Value), 0, 64)
			if err != nil {
				return Preset{}, fmt.Errorf("fork: load preset %s: file %d: %s: %v is not a uint64", name, i+1, key, e.Value)
			}
			p.SetValue(key, v)
		}
	}
	return p, nil
}
