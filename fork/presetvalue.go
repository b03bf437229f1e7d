package fork

import (
	"fmt"
	"io"
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
