// Package e2e holds the end-to-end tests: the CLI built and run, its
// fixture sets and the library's claims checked by the reference verifier
// in go-ethereum's EVM and in real Foundry runs (where Rocket Pool's
// BeaconStateVerifier checks the fixture sets too), and real mainnet blocks
// against the EIP-4788 rules. It has no code of its own outside tests.
package e2e
