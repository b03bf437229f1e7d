package difftest

import (
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"

	dynssz "github.com/pk910/dynamic-ssz"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// eth2clientForks are the forks go-eth2-client v0.30.1 covers.
var eth2clientForks = []string{fork.Phase0, fork.Altair, fork.Bellatrix, fork.Capella, fork.Deneb, fork.Electra, fork.Fulu, fork.Gloas}

// presetSpecs returns the spec values go-eth2-client's dynssz-size and
// dynssz-max tags refer to. They are read from zrnt's copy of the
// consensus-specs presets (with the minimal-preset updates of
// minimalUpdates), not from our fork package, so that a wrong value there
// cannot hide.
func presetSpecs(preset string) map[string]any {
	spec := zrntSpec(preset)
	out := map[string]any{
		"DEPOSIT_CONTRACT_TREE_DEPTH": uint64(32),
		"PTC_SIZE":                    uint64(512), // gloas.yaml, mainnet
	}
	for _, part := range []any{spec.Phase0Preset, spec.AltairPreset, spec.BellatrixPreset, spec.CapellaPreset, spec.DenebPreset, spec.ElectraPreset} {
		v := reflect.ValueOf(part)
		for i := 0; i < v.NumField(); i++ {
			name := v.Type().Field(i).Tag.Get("yaml")
			f := v.Field(i)
			switch f.Kind() {
			case reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
				out[name] = f.Uint()
			}
		}
	}
	if preset == fork.PresetMinimal {
		for k, v := range minimalUpdates {
			out[k] = v
		}
	}
	return out
}

var (
	dynOnce sync.Once
	dyn     map[string]*dynssz.DynSsz
)

// dynFor returns a dynamic-ssz instance with the preset's spec values that
// walks go-eth2-client's structs by reflection on their tags only (no
// generated code), for the minimal preset and for bisecting.
func dynFor(preset string) *dynssz.DynSsz {
	dynOnce.Do(func() {
		dyn = map[string]*dynssz.DynSsz{}
		for _, p := range presets {
			dyn[p] = dynssz.NewDynSsz(presetSpecs(p), dynssz.WithNoFastSsz(), dynssz.WithNoDelegation())
		}
	})
	return dyn[preset]
}

// dynTree returns a nodeFunc over the peer's tree of obj built by dynssz.
func dynTree(ds *dynssz.DynSsz, obj any) func() (nodeFunc, error) {
	return func() (nf nodeFunc, err error) {
		defer catch(&err)
		root, err := ds.GetTree(obj)
		if err != nil {
			return nil, err
		}
		return func(g uint64) (h [32]byte, err error) {
			defer catch(&err)
			n, err := root.Get(int(g))
			if err != nil {
				return h, err
			}
			copy(h[:], n.Hash())
			return h, nil
		}, nil
	}
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func testEth2Client(t *testing.T) {
	for _, forkName := range eth2clientForks {
		t.Run(forkName, func(t *testing.T) {
			peer := eth2clientTypes[forkName]
			for _, preset := range presets {
				t.Run(preset, func(t *testing.T) {
					s := schemasFor(t, forkName, preset)
					for _, typ := range typesToTest(t, s, forkName, sortedKeys(peer)) {
						schema, _ := s.ByName(typ)
						t.Run(typ, func(t *testing.T) {
							t.Parallel()
							for _, n := range seeds {
								t.Run(fmt.Sprintf("seed_%d", n), func(t *testing.T) {
									seed := rngSeed("eth2client", forkName, preset, typ, n)
									t.Logf("seed_%d: generator seed %#x", n, seed)
									if preset == fork.PresetMainnet {
										eth2clientFilled(t, schema, peer[typ], seed)
										eth2clientDecoded(t, schema, peer[typ], seed)
									} else {
										eth2clientDynamic(t, schema, peer[typ], preset, seed)
									}
								})
							}
						})
					}
				})
			}
		})
	}
}

// eth2clientFilled fills the peer's struct at random, has the peer encode
// and hash it, and hashes the peer's bytes with our schema.
func eth2clientFilled(t *testing.T, schema *ssz.Type, newObj func() e2Object, seed uint64) {
	obj := newObj()
	newStructFiller(seed).fill(obj)
	b, err := obj.MarshalSSZ()
	if err != nil {
		t.Fatalf("filled %T: MarshalSSZ: %v", obj, err)
	}
	root, err := obj.HashTreeRoot()
	if err != nil {
		t.Fatalf("filled %T: HashTreeRoot: %v", obj, err)
	}
	check(t, "struct-filled object", schema, b, root, dynTree(dynFor(fork.PresetMainnet), obj))
}

// eth2clientDecoded makes random bytes from our schema, has the peer decode,
// hash and re-encode them.
func eth2clientDecoded(t *testing.T, schema *ssz.Type, newObj func() e2Object, seed uint64) {
	b := newSchemaGen(seed).value(schema)
	obj := newObj()
	if err := obj.UnmarshalSSZ(b); err != nil {
		t.Fatalf("schema-made bytes (%d): %T.UnmarshalSSZ: %v\nours: %s\npeer: %s", len(b), obj, err, schema.Describe(), describeGo(obj))
	}
	root, err := obj.HashTreeRoot()
	if err != nil {
		t.Fatalf("schema-made bytes: %T.HashTreeRoot: %v", obj, err)
	}
	check(t, "schema-made bytes", schema, b, root, dynTree(dynFor(fork.PresetMainnet), obj))
	out, err := obj.MarshalSSZ()
	roundTrip(t, "schema-made bytes", b, out, err)
}

// eth2clientDynamic is eth2clientDecoded for a preset go-eth2-client's
// generated code does not cover: dynamic-ssz walks the same structs with
// the preset's sizes.
func eth2clientDynamic(t *testing.T, schema *ssz.Type, newObj func() e2Object, preset string, seed uint64) {
	ds := dynFor(preset)
	b := newSchemaGen(seed).value(schema)
	obj := newObj()
	var err error
	func() {
		defer catch(&err)
		err = ds.UnmarshalSSZ(obj, b)
	}()
	if err != nil {
		t.Fatalf("schema-made bytes (%d): dynssz(%s).UnmarshalSSZ(%T): %v\nours: %s\npeer: %s", len(b), preset, obj, err, schema.Describe(), describeGo(obj))
	}
	var root [32]byte
	func() {
		defer catch(&err)
		root, err = ds.HashTreeRoot(obj)
	}()
	if err != nil {
		t.Fatalf("schema-made bytes: dynssz(%s).HashTreeRoot(%T): %v", preset, obj, err)
	}
	check(t, "schema-made bytes (dynssz "+preset+")", schema, b, root, dynTree(ds, obj))
	var out []byte
	func() {
		defer catch(&err)
		out, err = ds.MarshalSSZ(obj)
	}()
	roundTrip(t, "schema-made bytes (dynssz "+preset+")", b, out, err)
}
