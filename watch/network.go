package watch

import (
	"reflect"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/staking/format"
)

// docNetwork sets the network of a document: its name when it is a
// built-in network with the node's facts, else the node's facts
// (NetworkConfig), so that a devnet's document (its historical_summaries
// offset, its fork schedule) verifies without a table, as the CLI's do.
func docNetwork(in *format.Input, net *fork.Network) {
	b, err := fork.NetworkByName(net.Name)
	if err == nil {
		in.Network = net.Name
	}
	if err != nil || !reflect.DeepEqual(format.NetworkConfigOf(b), format.NetworkConfigOf(net)) {
		in.NetworkConfig = net
	}
}
