// Package conformance holds the tests that check beaconproof against data
// it did not write: the oracle vectors (an independent SSZ implementation),
// the official consensus spec tests and the real mainnet genesis state.
// It has no non-test code.
package conformance
