// Package eip4788 connects beaconproof's Merkle proofs to the EIP-4788
// beacon roots contract, the on-chain anchor a smart contract verifies them
// against.
//
// # Where a beacon block root is stored
//
// At the start of every execution block, a system call stores the block's
// parent_beacon_block_root in the contract at BeaconRootsAddress, keyed by
// the execution block's timestamp. The execution block of slot C carries the
// root of the latest beacon block before C, so the root of the beacon block
// at slot S is stored under the timestamp of its child: the first slot
// after S that has a block (missed slots are skipped):
//
//	timestamp = genesis_time + child_slot × SECONDS_PER_SLOT
//
// AnchorOf finds the child slot through a BlockSource (the beacon API, or a
// test double) and returns that timestamp; ParentOf goes the other way, from
// an execution block's timestamp and parent_beacon_block_root to the beacon
// slot. The contract only exists from the Cancun execution fork, which
// activates with the deneb consensus fork: a root whose child slot is before
// deneb was never stored.
//
// # How long a root stays readable
//
// The contract is a ring buffer of HistoryBufferLength (8191) entries keyed
// by timestamp modulo 8191, not by block count. A root stored at timestamp T
// is replaced by the first later block whose timestamp T' has
// T' ≡ T (mod 8191). Block timestamps step by SECONDS_PER_SLOT (12 on every
// public network), and 8191 is prime, so the first such T' is
// T + 8191 × SECONDS_PER_SLOT (27 h 18 min 12 s): with one block per slot,
// a call made in the block 8190 slots after the anchor still reads it, and
// from the block 8191 slots after it on, the root is gone. If that slot is
// missed, the root survives until the next block on the same ring index,
// 8191 slots later again; this package never counts on that and treats the
// anchor as expired (see Expiry and CheckWindow).
//
// # Reading the root
//
// ReadRoot calls the contract through go-ethereum's ethclient (any
// ethereum.ContractCaller) and tells a missing root (ErrNoRoot: the
// contract reverted because no block has that timestamp, or its entry was
// overwritten) apart from a failure to reach the node (ErrTransport).
// CheckAnchor compares the stored root with the root a proof claims, at a
// known timestamp; FindAnchor finds the timestamp with the execution client
// alone, reading the slots after the anchor's until one holds a root.
//
// The Solidity reference verifier in testdata/solidity, compiled by
// scripts/solc/compile.sh, checks the same proofs on chain; this package's
// tests run it in go-ethereum's EVM for every proof kind and fork, and
// GAS.md lists what each kind costs.
package eip4788
