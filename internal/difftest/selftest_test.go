package difftest

import (
	"strings"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/deneb"
	"github.com/attestantio/go-eth2-client/spec/electra"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// TestHarnessFindsWrongSchemas feeds compareRoots schemas broken on
// purpose and checks that it fails them and names the broken field, so
// that a green TestDifferential means something.
func TestHarnessFindsWrongSchemas(t *testing.T) {
	cases := []struct {
		name   string
		schema func() *ssz.Type
		obj    e2Object
		want   []string // substrings every report must contain
	}{
		{
			name: "deneb body with a wrong blob_kzg_commitments limit",
			schema: func() *ssz.Type {
				body := schemasFor(t, fork.Deneb, fork.PresetMainnet).BeaconBlockBody
				f, _ := body.Field("blob_kzg_commitments")
				return body.Replace("blob_kzg_commitments", ssz.List(f.Type.Elem, 2048))
			},
			obj:  new(deneb.BeaconBlockBody),
			want: []string{"the SCHEMA (or the peer) differs", "blob_kzg_commitments: List[ByteVector[48], 2048]: another tree shape", "chunk limit of 2^12"},
		},
		{
			name: "electra state with a wrong pending_consolidations limit",
			schema: func() *ssz.Type {
				st := schemasFor(t, fork.Electra, fork.PresetMainnet).BeaconState
				f, _ := st.Field("pending_consolidations")
				return st.Replace("pending_consolidations", ssz.List(f.Type.Elem, 1<<17))
			},
			obj:  new(electra.BeaconState),
			want: []string{"pending_consolidations: List[PendingConsolidation, 131072]: another tree shape", "chunk limit of 2^18"},
		},
		{
			name: "electra state whose validators are a progressive list",
			schema: func() *ssz.Type {
				st := schemasFor(t, fork.Electra, fork.PresetMainnet).BeaconState
				f, _ := st.Field("validators")
				return st.Replace("validators", ssz.ProgressiveList(f.Type.Elem))
			},
			obj:  new(electra.BeaconState),
			want: []string{"validators: ProgressiveList[Validator]: another tree shape", "2 levels below"},
		},
		{
			name: "deneb body without its last field",
			schema: func() *ssz.Type {
				body := schemasFor(t, fork.Deneb, fork.PresetMainnet).BeaconBlockBody
				return ssz.Container(body.Name, body.Fields[:len(body.Fields)-1]...)
			},
			obj:  new(deneb.BeaconBlockBody),
			want: []string{"our schema BeaconBlockBody rejects"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A seed whose object has the field non-empty.
			for seed := uint64(1); seed < 50; seed++ {
				obj := c.obj
				newStructFiller(seed).fill(obj)
				b, err := obj.MarshalSSZ()
				if err != nil {
					t.Fatal(err)
				}
				root, err := obj.HashTreeRoot()
				if err != nil {
					t.Fatal(err)
				}
				problems := compareRoots(c.schema(), b, root, dynTree(dynFor(fork.PresetMainnet), obj))
				if len(problems) == 0 {
					continue // this object happens to hash alike (empty list)
				}
				report := strings.Join(problems, "\n")
				for _, w := range c.want {
					if !strings.Contains(report, w) {
						t.Errorf("seed %d: report lacks %q:\n%s", seed, w, report)
					}
				}
				t.Logf("seed %d:\n%s", seed, report)
				return
			}
			t.Fatal("no seed gave an object that tells the broken schema apart")
		})
	}
}
