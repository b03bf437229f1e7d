// Package live holds the end-to-end tests on a live node: the beaconproof CLI run against
// a real beacon node (Lodestar's single-node dev chain, package
// internal/devnet), every document it writes verified, its anchor checked
// against the node's headers and its branches against the node's own
// proof API.
//
// The tests run only when BEACONPROOF_E2E=1:
//
//	BEACONPROOF_E2E=1 go test -timeout 30m ./internal/e2e/live
//
// The first run on a machine builds Lodestar into the cache (two to four
// minutes); a run takes about five minutes (more on a busy machine), most
// of it waiting for the chain to pay an exited validator's withdrawal and
// then to make it historical.
package live
