// Package watch follows a beacon chain for a set of validators and
// discharges their proof duties: each time a fact that a staking contract
// must learn becomes visible on chain, it writes, once, a document with
// the verified proofs of that fact in the protocol's format.
//
// # Events
//
// A Watcher watches validators by index, by pubkey, or by withdrawal
// address (every validator whose 0x01 or 0x02 withdrawal credentials
// point at the address: a Rocket Pool megapool, an EigenPod). It emits:
//
//   - credentials: a validator appears, or its credentials change, with
//     its validator record proved;
//   - exit: its exit_epoch is set (a voluntary exit, an execution-layer
//     exit request, a slashing), with its record proved;
//   - slashed: it is slashed, with its record proved;
//   - withdrawal: a block pays it a withdrawal, with the withdrawal proved
//     through the state's block_roots, or through historical_summaries once
//     the block is older than SLOTS_PER_HISTORICAL_ROOT slots;
//     full_withdrawal when paid at or after its withdrawable_epoch, with
//     its record and its final balance proved too. From gloas, where the
//     payload travels in the block's execution payload envelope, the
//     withdrawal is read from the envelope and proved from the paying
//     block's post-state (kind expected_withdrawal, json format only; see
//     gloas.go).
//
// Every event carries the anchor its proofs verify against (a beacon
// block root), the EIP-4788 timestamp under which the beacon roots
// contract stores that root, and the deadline: the timestamp at which the
// root leaves the contract's ring buffer (eip4788.Expiry). The proofs are
// verified before an event is written.
//
// # Following the chain
//
// The Watcher works on checkpoints: the node's finalized block (the
// default: a proof of an unfinalized block can be reorged away) or its
// head (Config.Head). It wakes on the node's server-sent events
// (/eth/v1/events: head, block, finalized_checkpoint) and polls every
// Config.Poll when the stream is down or not served. For each new
// checkpoint it asks the node only for cheap things: the watched
// validators' records (/eth/v1/beacon/states/{id}/validators) and the
// blocks from the previous checkpoint's to this one's, excluded (their
// withdrawals, deposits and BLS-to-execution changes: a checkpoint's state
// proves the withdrawals of the blocks before it, so the checkpoint's own
// block is read at the next one). It downloads the checkpoint's state only
// when a proof is due, at most one per checkpoint, and hashes it with
// beaconstate.Prover.Next from the previous one, so that a new epoch costs
// the changes, not the whole state. At the end of the checkpoint it
// releases the state (Prover.Release) and gives its memory back: between
// checkpoints it holds no state, and the next is downloaded into the room
// of the last.
//
// Facts are proved against the current checkpoint, not the block where
// they happened: after downtime, an event whose own block's root has
// left the ring buffer gets a proof against a current anchor (a
// withdrawal through historical_summaries when it is that old). The lido
// format is the exception, as Lido's CSVerifier wants it: a full
// withdrawal is proved from its block's post-state, anchored to that
// block while its root is in the ring buffer (see Config.Format).
//
// # Exactly once
//
// A Store (an embedded bbolt database) keeps the cursor (the last
// checkpoint processed) and the ids of the events written. An event's id
// is a function of the fact (validator, credentials, exit epoch,
// withdrawal index and block), never of the anchor, so a fact detected
// again after a restart is recognised. An event is written before its id
// is recorded, and the cursor moves only once every event of a checkpoint
// is recorded: killed at any instant, a restarted Watcher writes every
// event again that it had not recorded. DirSink writes one file per event
// id, atomically (a temporary file renamed), so a rewrite replaces the
// file: exactly one file per event. LineSink writes JSON lines on a
// stream, which cannot take a line back: a crash between a write and its
// record repeats that one line, with the same id, on restart.
package watch
