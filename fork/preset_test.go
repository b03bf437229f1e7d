package fork

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/protolambda/zrnt/eth2/beacon/common"
	"github.com/protolambda/zrnt/eth2/configs"
	"gopkg.in/yaml.v2"
)

// zrntDeviations are the values where this package deliberately differs
// from zrnt v0.34.1's presets, which predate them; see Minimal.
var zrntDeviations = map[string]map[string]uint64{
	PresetMinimal: {
		"MAX_BLOB_COMMITMENTS_PER_BLOCK":      4096, // consensus-specs v1.6.0-alpha.5 dropped the customized 32
		"MAX_DEPOSIT_REQUESTS_PER_PAYLOAD":    8192, // consensus-specs v1.7: no longer customized (was 4)
		"MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD": 16,   // consensus-specs v1.7: no longer customized (was 2)
	},
}

// zrntPresetValues returns the preset constants of a zrnt spec by name.
func zrntPresetValues(spec *common.Spec) map[string]uint64 {
	out := map[string]uint64{}
	for _, preset := range []any{spec.Phase0Preset, spec.AltairPreset, spec.BellatrixPreset,
		spec.CapellaPreset, spec.DenebPreset, spec.ElectraPreset} {
		v := reflect.ValueOf(preset)
		for i := 0; i < v.NumField(); i++ {
			key, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("yaml"), ",")
			switch f := v.Field(i); f.Kind() {
			case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				out[key] = f.Uint()
			}
		}
	}
	return out
}

// TestPresetsMatchZrnt cross-checks every constant of Mainnet and Minimal
// that zrnt v0.34.1's configs.Mainnet / configs.Minimal have (phase0 to
// electra). The gloas constants, which zrnt lacks, are checked by the
// gloas oracle vectors (PTC_SIZE sets the size of PayloadAttestation and
// of the state's ptc_window).
func TestPresetsMatchZrnt(t *testing.T) {
	for _, tc := range []struct {
		p    *Preset
		zrnt *common.Spec
	}{{&Mainnet, configs.Mainnet}, {&Minimal, configs.Minimal}} {
		t.Run(tc.p.Name, func(t *testing.T) {
			zrnt := zrntPresetValues(tc.zrnt)
			checked := 0
			rv := reflect.ValueOf(*tc.p)
			for i := 0; i < rv.NumField(); i++ {
				key := rv.Type().Field(i).Tag.Get("yaml")
				if key == "-" || rv.Field(i).Kind() != reflect.Uint64 {
					continue
				}
				ours := rv.Field(i).Uint()
				want, ok := zrnt[key]
				if dev, isDev := zrntDeviations[tc.p.Name][key]; isDev {
					if ours != dev || !ok || want == dev {
						t.Errorf("%s: ours %d, deviation table %d, zrnt %d (present %v): update the table", key, ours, dev, want, ok)
					}
					continue
				}
				if !ok {
					continue // a gloas constant zrnt does not have
				}
				checked++
				if ours != want {
					t.Errorf("%s = %d, zrnt has %d", key, ours, want)
				}
			}
			if checked < 25 {
				t.Errorf("only %d constants cross-checked against zrnt", checked)
			}
		})
	}
}

func TestPresetFieldsSet(t *testing.T) {
	for _, p := range []Preset{Mainnet, Minimal} {
		rv := reflect.ValueOf(p)
		for i := 0; i < rv.NumField(); i++ {
			f := rv.Type().Field(i)
			if f.Type.Kind() == reflect.Uint64 && rv.Field(i).Uint() == 0 {
				t.Errorf("%s: %s is 0", p.Name, f.Name)
			}
			if f.Name != "Name" && f.Tag.Get("yaml") == "" {
				t.Errorf("%s has no yaml tag", f.Name)
			}
		}
	}
}

func TestPresetByName(t *testing.T) {
	for _, name := range []string{PresetMainnet, PresetMinimal} {
		p, err := PresetByName(name)
		if err != nil || p.Name != name {
			t.Fatalf("PresetByName(%q) = %v, %v", name, p, err)
		}
		p.SlotsPerEpoch = 1 // a copy: must not affect the registry
	}
	if p, _ := PresetByName(PresetMainnet); p.SlotsPerEpoch != 32 {
		t.Fatal("PresetByName returned the registered preset itself")
	}
	_, err := PresetByName("gnosis-nope")
	if !errors.Is(err, ErrUnknownPreset) {
		t.Fatalf("unknown preset: err = %v, want ErrUnknownPreset", err)
	}
	names := PresetNames()
	if !sort.StringsAreSorted(names) || len(names) < 2 {
		t.Fatalf("PresetNames() = %v", names)
	}
}

func TestRegisterPreset(t *testing.T) {
	tests := []struct {
		name string
		p    Preset
		ok   bool
	}{
		{"empty name", Preset{}, false},
		{"duplicate", Mainnet, false},
		{"zero slots per epoch", func() Preset { p := Mainnet; p.Name = "bad-preset"; p.SlotsPerEpoch = 0; return p }(), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := RegisterPreset(tc.p)
			if (err == nil) != tc.ok {
				t.Fatalf("RegisterPreset: err = %v, want ok=%v", err, tc.ok)
			}
		})
	}
}

func TestPresetValue(t *testing.T) {
	p := Mainnet
	p.Extra = map[string]uint64{"INCLUSION_LIST_COMMITTEE_SIZE": 16}
	tests := []struct {
		name string
		want uint64
		ok   bool
	}{
		{"SLOTS_PER_EPOCH", 32, true},
		{"PTC_SIZE", 512, true},
		{"INCLUSION_LIST_COMMITTEE_SIZE", 16, true},
		{"NOPE", 0, false},
		{"Name", 0, false},
	}
	for _, tc := range tests {
		if v, ok := p.Value(tc.name); v != tc.want || ok != tc.ok {
			t.Errorf("Value(%s) = %d, %v; want %d, %v", tc.name, v, ok, tc.want, tc.ok)
		}
	}
	p.SetValue("SLOTS_PER_EPOCH", 8)
	p.SetValue("NEW_LIMIT", 3)
	if p.SlotsPerEpoch != 8 || p.MustValue("NEW_LIMIT") != 3 {
		t.Errorf("SetValue: SlotsPerEpoch %d, Extra %v", p.SlotsPerEpoch, p.Extra)
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "preset mainnet has no NOPE") {
				t.Errorf("MustValue(NOPE): recovered %v", r)
			}
		}()
		p.MustValue("NOPE")
	}()
}

// TestLoadPreset reads preset files with a constant Preset has no field
// for, and the same through yaml.Unmarshal.
func TestLoadPreset(t *testing.T) {
	phase0 := "# Mainnet preset - Phase0\nSLOTS_PER_EPOCH: 32\nMAX_COMMITTEES_PER_SLOT: 64\n"
	heze := "INCLUSION_LIST_COMMITTEE_SIZE: 16\nSLOTS_PER_EPOCH: 8\n"
	p, err := LoadPreset("heze-test", strings.NewReader(phase0), strings.NewReader(heze))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "heze-test" || p.SlotsPerEpoch != 8 || p.MaxCommitteesPerSlot != 64 || p.Extra["INCLUSION_LIST_COMMITTEE_SIZE"] != 16 {
		t.Errorf("LoadPreset = %+v", p)
	}
	var q Preset
	if err := yaml.Unmarshal([]byte(phase0+heze), &q); err != nil {
		t.Fatal(err)
	}
	if v, ok := q.Value("INCLUSION_LIST_COMMITTEE_SIZE"); !ok || v != 16 {
		t.Errorf("yaml.Unmarshal into Preset dropped the unknown key: %+v", q.Extra)
	}
	for _, bad := range []string{"SLOTS_PER_EPOCH: many\n", "SLOTS_PER_EPOCH: [1\n", "X: -1\n"} {
		if _, err := LoadPreset("bad", strings.NewReader(bad)); err == nil {
			t.Errorf("LoadPreset(%q): no error", bad)
		}
	}
}

func TestAddPresetValues(t *testing.T) {
	if err := RegisterPreset(func() Preset { p := Minimal; p.Name = "add-values-test"; return p }()); err != nil && !strings.Contains(err.Error(), "already registered") {
		t.Fatal(err)
	}
	before, _ := presetRef("add-values-test")
	if err := AddPresetValues("add-values-test", map[string]uint64{"NEW_LIMIT": 7, "SLOTS_PER_EPOCH": 8}); err != nil {
		t.Fatal(err)
	}
	p, _ := PresetByName("add-values-test")
	if v, ok := p.Value("NEW_LIMIT"); !ok || v != 7 {
		t.Errorf("NEW_LIMIT = %d, %v", v, ok)
	}
	if _, ok := before.Value("NEW_LIMIT"); ok {
		t.Error("AddPresetValues changed the preset value schemas may be reading")
	}
	if err := AddPresetValues("add-values-test", map[string]uint64{"SLOTS_PER_EPOCH": 32}); err == nil {
		t.Error("changing SLOTS_PER_EPOCH: no error")
	}
	if err := AddPresetValues("add-values-test", map[string]uint64{"NEW_LIMIT": 8}); err == nil {
		t.Error("changing NEW_LIMIT: no error")
	}
	if err := AddPresetValues("nope", nil); !errors.Is(err, ErrUnknownPreset) {
		t.Errorf("unknown preset: %v", err)
	}
}
