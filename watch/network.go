package watch

import (
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/staking/format"
)

// docNetwork sets the network of a document: its name when it is a
// built-in network, and always the node's facts (NetworkConfig), so that
// the document (its historical_summaries offset, its fork schedule)
// verifies without a table, as the CLI's do.
func docNetwork(in *format.Input, net *fork.Network) {
	if _, err := fork.NetworkByName(net.Name); err == nil {
		in.Network = net.Name
	}
	in.NetworkConfig = net
}
