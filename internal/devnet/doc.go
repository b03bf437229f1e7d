// Package devnet runs a real beacon node for end-to-end tests: the
// Lodestar v1.22.0 single-node dev chain of the devnet recipe
// (BEACONPROOF_DEVNET, default ../shared/devnet from the repository root;
// see its README). It builds Lodestar once per machine into a cache
// folder outside the repository (BEACONPROOF_CACHE, default
// $XDG_CACHE_HOME/beaconproof or ~/.cache/beaconproof), starts nodes on
// free loopback ports, stops them, runs the recipe's exit.sh, reads the
// node's Beacon API, and decodes the compact multiproofs of Lodestar's
// proof API.
//
// The tests that use it run only when BEACONPROOF_E2E=1: Require skips
// them otherwise, and fails them, naming what is missing, when they are
// asked for and node, npm, a C toolchain or the recipe folder is absent.
//
// It is test support: nothing of it is part of the library or the CLI.
package devnet
