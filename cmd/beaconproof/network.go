package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
)

// The network of a run: --network names a built-in network or gives the
// path of a consensus config.yaml (any network, a devnet's too); a node's
// network is read from the node; a state file's is the built-in network
// with its genesis time. Documents carry the facts of their network, so
// that verify needs no table to check them.

// networkFlagHelp is the help of every --network flag's value.
func networkFlagHelp() string {
	var names []string
	for _, n := range fork.Networks() {
		names = append(names, n.Name)
	}
	return "a built-in network (" + strings.Join(names, ", ") + ") or the path of a consensus config.yaml"
}

// networkArg resolves a --network value: the name of a built-in network,
// or the path of a consensus config.yaml (fork.LoadNetworkConfig). "" is
// no network (nil). A config.yaml states no genesis: withGenesis takes it
// from the state.
func networkArg(arg string) (*fork.Network, error) {
	if arg == "" {
		return nil, nil
	}
	n, err := fork.NetworkByName(arg)
	if err == nil {
		return n, nil
	}
	if !strings.HasSuffix(arg, ".yaml") && !strings.HasSuffix(arg, ".yml") && !isFile(arg) {
		return nil, fmt.Errorf("--network: %w, nor the path of a config.yaml", err)
	}
	f, err := os.Open(arg)
	if err != nil {
		return nil, fmt.Errorf("--network: %w", err)
	}
	defer f.Close()
	if n, err = fork.LoadNetworkConfig(f); err != nil {
		return nil, fmt.Errorf("--network %s: %w", arg, err)
	}
	if n.Name == "" {
		n.Name = arg
	}
	return n, nil
}

// withGenesis fills in the genesis time and validators root that a
// network from a config.yaml lacks from the state, which holds both.
func withGenesis(n *fork.Network, state *beaconstate.Object) {
	if n == nil || state == nil || n.GenesisTime != 0 {
		return
	}
	if gt, err := state.Uint64("genesis_time"); err == nil {
		n.GenesisTime = gt
	}
	if b, _, err := state.Field("genesis_validators_root"); err == nil && len(b) == 32 {
		n.GenesisValidatorsRoot = [32]byte(b)
	}
}

// orMainnet returns net, or the built-in mainnet when net is nil (no
// network given or known: mainnet is assumed).
func orMainnet(net *fork.Network) (*fork.Network, error) {
	if net != nil {
		return net, nil
	}
	return fork.NetworkByName("mainnet")
}

// docNetwork returns the network facts a document carries: those of the
// run's network, built-in or not, so that verify checks the document with
// the facts it was made with rather than with a table (and refuses facts
// that contradict the built-in network of the same name). nil when no
// network is known (a state file of no built-in network, without
// --network): the document then names none.
func docNetwork(n *fork.Network) *fork.Network { return n }

// resolveNetwork reads --network into f.net, naming the network by its
// CONFIG_NAME.
func (f *kindFlags) resolveNetwork() error {
	n, err := networkArg(f.network)
	if err != nil || n == nil {
		return err
	}
	f.net, f.network = n, n.Name
	return nil
}

// stateNetwork completes f.net from a state read from a file: the genesis
// a config.yaml lacks, or, without --network, the built-in network whose
// genesis time the state has (none: f.net stays nil, mainnet is assumed
// where a network is needed).
func (f *kindFlags) stateNetwork(obj *beaconstate.Object) {
	if f.net != nil {
		withGenesis(f.net, obj)
		return
	}
	gt, err := obj.Uint64("genesis_time")
	if err != nil {
		return
	}
	for _, n := range fork.Networks() {
		if n.GenesisTime == gt {
			f.net, f.network = n, n.Name
			return
		}
	}
}

// stateSchedule returns the fork schedule that a state's fork field
// implies, to map a block's slot to its fork when no network is known:
// the state's fork from fork.epoch on and, when it activated after
// genesis, its parent fork before (nil without a state).
func stateSchedule(state *beaconstate.Object) (*fork.Network, error) {
	if state == nil {
		return nil, nil
	}
	f, err := fork.Lookup(state.Fork)
	if err != nil {
		return nil, err
	}
	epoch, err := state.Uint64("fork.epoch")
	if err != nil {
		return nil, err
	}
	n := &fork.Network{Name: "the state's fork schedule", PresetBase: state.Preset, SlotsPerEpoch: state.Schemas.Preset.SlotsPerEpoch}
	if f.Parent != "" && epoch > 0 {
		n.Forks = append(n.Forks, fork.ForkSchedule{Name: f.Parent})
	}
	n.Forks = append(n.Forks, fork.ForkSchedule{Name: f.Name, Epoch: epoch})
	return n, nil
}
