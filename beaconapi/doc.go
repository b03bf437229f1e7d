// Package beaconapi fetches beacon states, blocks, headers and the network
// configuration from any beacon node through the standard beacon API, and
// returns them as beaconstate Objects ready to be proved.
//
// # Endpoints
//
//	State         GET /eth/v2/debug/beacon/states/{id}
//	Block         GET /eth/v2/beacon/blocks/{id}
//	Header        GET /eth/v1/beacon/headers/{id}
//	SpecValues    GET /eth/v1/config/spec
//	Genesis       GET /eth/v1/beacon/genesis
//	Syncing       GET /eth/v1/node/syncing
//	Validator     GET /eth/v1/beacon/states/{id}/validators/{index}
//	Envelope      GET /eth/v1/beacon/execution_payload_envelope/{id} (gloas on)
//
// Ids are head, finalized, justified, genesis, a slot ("123", SlotID) or a
// 0x-prefixed root (RootID).
//
// # Transport
//
// States, blocks and envelopes are asked for in SSZ (Accept: application/octet-stream,
// with JSON as second choice); the fork comes from the
// Eth-Consensus-Version header. A node that answers JSON, or refuses SSZ
// with 406, gets JSON requests from then on, and its JSON is converted to
// SSZ with ssz.FromJSON. A body is read once into a buffer sized from its
// Content-Length, which becomes the Object's bytes: a 300 MB state is held
// once. Without a Content-Length (chunked transfer) the buffer grows by
// doubling. Bodies over the size limit (WithMaxSize) fail with
// ErrTooLarge, before any byte is read when the length is announced.
//
// Every request follows its context. A node silent for the timeout
// (WithTimeout: no headers, or no body bytes) is abandoned; server errors
// (5xx, 429), refused or broken connections, truncated bodies and
// timeouts are retried with exponential backoff and jitter (WithRetries,
// WithBackoff). State downloads draw a progress bar only when asked to
// (WithProgress).
//
// # Errors
//
// Errors are one line that says what was asked of which node and what to
// do, and match the package's sentinels with errors.Is: ErrPruned (a
// state the node no longer keeps: use an archive node), ErrNotFound,
// ErrSyncing (503, or a syncing status), ErrWrongNetwork (genesis
// mismatch, see CheckNetwork and WithNetwork), ErrUnknownFork,
// ErrTooLarge, ErrTimeout, ErrUnavailable, ErrRejected (an HTTP client
// error the client does not retry or map to another kind: 400, 401, 403,
// 406, ..., and 501), ErrBadResponse, ErrWithdrawalNotFound and
// ErrHistoryMismatch. An error that comes from an HTTP status also wraps
// an *HTTPError, with the status and the node's message.
//
// # Network
//
// The Client reads the network configuration from the node (Spec: the
// fork schedule and preset of /eth/v1/config/spec, the genesis of
// /eth/v1/beacon/genesis) once, on first need; WithNetwork gives it
// instead and makes the Client check the node's genesis against it.
//
// # EIP-4788 and withdrawals
//
// A Client is an eip4788.BlockSource (BlockRoot and HeadSlot, a 404 for a
// slot being a missed slot), so eip4788.AnchorOf can find where a block
// root is stored. FindWithdrawal finds the block that paid a validator's
// withdrawal by following the withdrawal sweep rather than scanning slot
// by slot; its documentation describes the strategy.
//
// # History without an archive node
//
// PeriodBlockRoots rebuilds the block_roots vector of a past period (the
// SLOTS_PER_HISTORICAL_ROOT slots that a historical_summaries entry
// summarises) from the node's block headers, fetched concurrently, and
// returns it only when it hashes to the entry's block_summary_root: a
// historical withdrawal then proves from a node that keeps blocks but not
// old states.
package beaconapi
