package difftest

import (
	"fmt"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// TestRefHasher checks the ssz package against refHasher, the spec-literal
// hasher of this package, for every type of every fork and preset, the
// types no peer has included (HistoricalBatch after phase0, gloas's
// progressive Transaction, ...). It also keeps refHasher, which check uses
// to tell a schema bug from a hashing bug, honest.
func TestRefHasher(t *testing.T) {
	for _, f := range fork.All() {
		for _, preset := range presets {
			s := schemasFor(t, f.Name, preset)
			for _, name := range s.Names() {
				schema, _ := s.ByName(name)
				for _, n := range seeds[:2] {
					t.Run(fmt.Sprintf("%s/%s/%s/seed_%d", f.Name, preset, name, n), func(t *testing.T) {
						b := newSchemaGen(rngSeed("ref", f.Name, preset, name, n)).value(schema)
						if err := ssz.Validate(schema, b); err != nil {
							t.Fatalf("schemaGen made invalid bytes: %v", err)
						}
						want := refHasher{}.root(schema, b)
						got, err := ssz.HashTreeRoot(schema, b)
						if err != nil || got != want {
							t.Errorf("ssz.HashTreeRoot = %x, %v; spec-literal hash %x", got, err, want)
						}
						tr, err := ssz.NewTree(schema, b)
						if err != nil {
							t.Fatal(err)
						}
						if got, err := tr.Root(); err != nil || got != want {
							t.Errorf("Tree.Root = %x, %v; spec-literal hash %x", got, err, want)
						}
					})
				}
			}
		}
	}
}
