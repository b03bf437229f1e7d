package format

import (
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
)

// TestSameFacts: a document's network facts agree with the built-in
// network of the same name unless they state something else; a fork the
// built-in network schedules later (far future, or absent, in the
// document) is no contradiction.
func TestSameFacts(t *testing.T) {
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	cp := func(edit func(n *fork.Network)) *fork.Network {
		n := *mainnet
		n.Forks = append([]fork.ForkSchedule(nil), mainnet.Forks...)
		edit(&n)
		return &n
	}
	last := len(mainnet.Forks) - 1
	for _, c := range []struct {
		name string
		doc  *fork.Network
		b    *fork.Network
		want string
	}{
		{"same", mainnet, mainnet, ""},
		{"fork scheduled after the document", cp(func(n *fork.Network) { n.Forks[last].Epoch = fork.FarFutureEpoch }),
			cp(func(n *fork.Network) { n.Forks[last].Epoch = 500_000 }), ""},
		{"fork missing from the document", cp(func(n *fork.Network) { n.Forks = n.Forks[:last] }), mainnet, ""},
		{"fork epoch", cp(func(n *fork.Network) { n.Forks[2].Epoch++ }), mainnet, "fork bellatrix epoch 144897, built-in 144896"},
		{"fork version", cp(func(n *fork.Network) { n.Forks[1].Version[3] = 9 }), mainnet, "fork altair version 0x01000009, built-in 0x01000000"},
		{"unknown fork", cp(func(n *fork.Network) { n.Forks = append(n.Forks, fork.ForkSchedule{Name: "heze", Epoch: 9}) }), mainnet, "fork heze, which the built-in network does not schedule"},
		{"preset", cp(func(n *fork.Network) { n.PresetBase = fork.PresetMinimal }), mainnet, "preset minimal, built-in mainnet"},
		{"genesis time", cp(func(n *fork.Network) { n.GenesisTime++ }), mainnet, "genesis_time 1606824024"},
		{"genesis root", cp(func(n *fork.Network) { n.GenesisValidatorsRoot[0]++ }), mainnet, "genesis_validators_root 0x4c36"},
		{"slot time", cp(func(n *fork.Network) { n.SecondsPerSlot = 6 }), mainnet, "seconds_per_slot 6, built-in 12"},
	} {
		t.Run(c.name, func(t *testing.T) {
			err := sameFacts(c.doc, c.b)
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("error %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("error %v, want %q", err, c.want)
			}
		})
	}
}
