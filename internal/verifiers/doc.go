// Package verifiers runs the staking protocols' production verifier
// contracts in go-ethereum's EVM, for the project's tests: Rocket Pool's
// BeaconStateVerifier, EigenLayer's BeaconChainProofs (through a harness
// contract of this package, testdata/EigenHarness.sol) and Lido CSM's
// CSVerifier (with a stand-in module, testdata/CSModuleStandIn.sol).
//
// The contracts are read in place from the folder BEACONPROOF_CONTRACTS
// names (default ../shared/contracts relative to the module root); they are
// never copied into the repository. They are compiled with solc-js through
// node: the pinned compilers and OpenZeppelin come from the npm registry and
// are installed once into a cache folder outside the repository
// ($BEACONPROOF_CACHE, default the user cache folder's beaconproof/), and
// each compilation's output is cached there too, keyed by the hash of
// everything that goes into it (compiler, settings, every source).
//
// Each EVM is an in-memory state with the EIP-4788 beacon roots contract's
// real code at its address; StoreRoot runs the system call that writes a
// block root under a timestamp, as on mainnet. Without node, npm or the
// contracts folder the tests that need them skip with a message saying
// what is missing, except under CI=true, where they fail.
//
// Nothing outside tests imports this package.
package verifiers
