package difftest

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/protolambda/zrnt/eth2/beacon/common"
	"github.com/protolambda/zrnt/eth2/beacon/electra"
	"github.com/protolambda/zrnt/eth2/configs"
	"github.com/protolambda/ztyp/codec"
	"github.com/protolambda/ztyp/tree"
	"github.com/protolambda/ztyp/view"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// zrntForks are the forks zrnt v0.34.1 covers.
var zrntForks = []string{fork.Phase0, fork.Altair, fork.Bellatrix, fork.Capella, fork.Deneb, fork.Electra}

// minimalUpdates are the minimal-preset values of consensus-specs v1.7
// (the version our fork package and Lodestar 1.50.0 follow) that differ
// from zrnt v0.34.1's embedded minimal preset, which predates them: the
// specs have since dropped these [customized] minimal values for the
// mainnet ones, and gloas.yaml has PTC_SIZE 16 where zrnt's eip-7732 draft
// has 2. They are applied to zrnt's spec and to dynamic-ssz's; every other
// value is zrnt's own.
var minimalUpdates = map[string]uint64{
	"MAX_BLOB_COMMITMENTS_PER_BLOCK":       4096,
	"KZG_COMMITMENT_INCLUSION_PROOF_DEPTH": 17,
	"MAX_DEPOSIT_REQUESTS_PER_PAYLOAD":     8192,
	"MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD":  16,
	"PTC_SIZE":                             16,
}

// zrntMinimal is zrnt's minimal spec with minimalUpdates applied.
var zrntMinimal = func() *common.Spec {
	s := *configs.Minimal
	s.MAX_BLOB_COMMITMENTS_PER_BLOCK = view.Uint64View(minimalUpdates["MAX_BLOB_COMMITMENTS_PER_BLOCK"])
	s.KZG_COMMITMENT_INCLUSION_PROOF_DEPTH = view.Uint64View(minimalUpdates["KZG_COMMITMENT_INCLUSION_PROOF_DEPTH"])
	s.MAX_DEPOSIT_REQUESTS_PER_PAYLOAD = view.Uint64View(minimalUpdates["MAX_DEPOSIT_REQUESTS_PER_PAYLOAD"])
	s.MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD = view.Uint64View(minimalUpdates["MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD"])
	return &s
}()

func zrntSpec(preset string) *common.Spec {
	if preset == fork.PresetMinimal {
		return zrntMinimal
	}
	return configs.Mainnet
}

func testZrnt(t *testing.T) {
	for _, forkName := range zrntForks {
		t.Run(forkName, func(t *testing.T) {
			peer := zrntTypes[forkName]
			for _, preset := range presets {
				t.Run(preset, func(t *testing.T) {
					s := schemasFor(t, forkName, preset)
					spec := zrntSpec(preset)
					for _, typ := range typesToTest(t, s, forkName, sortedKeys(peer)) {
						schema, _ := s.ByName(typ)
						zt := peer[typ]
						t.Run(typ, func(t *testing.T) {
							t.Parallel()
							for _, n := range seeds {
								t.Run(fmt.Sprintf("seed_%d", n), func(t *testing.T) {
									seed := rngSeed("zrnt", forkName, preset, typ, n)
									t.Logf("seed_%d: generator seed %#x", n, seed)
									b := newSchemaGen(seed).value(schema)
									zrntCompare(t, "schema-made bytes", schema, zt, spec, b, true)
									// The same consensus encoding made by the other
									// peer's encoder from its own random struct.
									if mk, ok := eth2clientTypes[forkName][typ]; ok && preset == fork.PresetMainnet {
										obj := mk()
										newStructFiller(seed).fill(obj)
										b, err := obj.MarshalSSZ()
										if err != nil {
											t.Fatalf("filled %T: MarshalSSZ: %v", obj, err)
										}
										zrntCompare(t, "go-eth2-client-encoded object", schema, zt, spec, b, false)
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

// zrntCompare decodes b with zrnt's type definition (a tree-backed view)
// and with its flat struct where it has one, and compares both roots with
// ours. With reencode it also checks that zrnt encodes b back unchanged.
func zrntCompare(t *testing.T, what string, schema *ssz.Type, zt zType, spec *common.Spec, b []byte, reencode bool) {
	t.Helper()
	hFn := tree.GetHashFn()
	var v view.View
	if zt.def != nil {
		var err error
		func() {
			defer catch(&err)
			v, err = zt.def(spec).Deserialize(codec.NewDecodingReader(bytes.NewReader(b), uint64(len(b))))
		}()
		if err != nil {
			t.Fatalf("%s (%d bytes): zrnt %s view: Deserialize: %v\nours: %s", what, len(b), schema.Name, err, schema.Describe())
		}
		root := v.HashTreeRoot(hFn)
		check(t, what+" (zrnt view)", schema, b, root, viewNodes(v))
		if reencode {
			var out bytes.Buffer
			err := v.Serialize(codec.NewEncodingWriter(&out))
			roundTrip(t, what+" (zrnt view)", b, out.Bytes(), err)
		}
	}
	if zt.obj == nil {
		return
	}
	obj := zt.obj()
	dr := codec.NewDecodingReader(bytes.NewReader(b), uint64(len(b)))
	var root common.Root
	var err error
	func() {
		defer catch(&err)
		switch o := obj.(type) {
		case zSpecObject:
			if err = o.Deserialize(spec, dr); err == nil {
				root = o.HashTreeRoot(spec, hFn)
			}
		case zPlainObject:
			if err = o.Deserialize(dr); err == nil {
				root = o.HashTreeRoot(hFn)
			}
		default:
			err = fmt.Errorf("%T has no Deserialize/HashTreeRoot the test knows", obj)
		}
	}()
	if err != nil {
		t.Fatalf("%s (%d bytes): zrnt struct %T: %v\nours: %s", what, len(b), obj, err, schema.Describe())
	}
	var peerTree func() (nodeFunc, error)
	if v != nil {
		peerTree = viewNodes(v)
	}
	check(t, what+" (zrnt struct)", schema, b, root, peerTree)
}

// viewNodes returns a nodeFunc over a zrnt view's backing tree.
func viewNodes(v view.View) func() (nodeFunc, error) {
	hFn := tree.GetHashFn()
	return func() (nodeFunc, error) {
		return func(g uint64) (h [32]byte, err error) {
			defer catch(&err)
			n, err := v.Backing().Getter(tree.Gindex64(g))
			if err != nil {
				return h, err
			}
			return n.MerkleRoot(hFn), nil
		}, nil
	}
}

// TestZrntElectraAttesterSlashingsLimit pins the zrnt bug that
// electraBeaconBlockBodyType works around, so that the workaround is
// dropped when zrnt is upgraded to a version without it.
func TestZrntElectraAttesterSlashingsLimit(t *testing.T) {
	for _, spec := range []*common.Spec{configs.Mainnet, configs.Minimal} {
		body := electra.BeaconBlockBodyType(spec)
		for _, f := range body.Fields {
			if f.Name != "attester_slashings" {
				continue
			}
			l, ok := f.Type.(*view.ComplexListTypeDef)
			if !ok {
				t.Fatalf("attester_slashings is a %T", f.Type)
			}
			if l.ListLimit == uint64(spec.MAX_ATTESTER_SLASHINGS_ELECTRA) {
				t.Errorf("zrnt's electra BeaconBlockBodyType now has the right attester_slashings limit: drop electraBeaconBlockBodyType")
			} else if l.ListLimit != uint64(spec.MAX_ATTESTER_SLASHINGS) {
				t.Errorf("zrnt's electra attester_slashings limit is %d", l.ListLimit)
			}
		}
	}
}
