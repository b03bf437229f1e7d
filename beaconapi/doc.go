// Package beaconapi fetches beacon states, blocks, headers, validators,
// events and the network configuration from any beacon node through the
// standard beacon API, and returns states and blocks as beaconstate
// Objects ready to be proved, or a state as a Prover hashed while it
// downloads.
//
// # Endpoints
//
//	State         GET /eth/v2/debug/beacon/states/{id} (also PostState, EraStateRoots)
//	StateProver   GET /eth/v2/debug/beacon/states/{id} (hashed as it arrives)
//	Block         GET /eth/v2/beacon/blocks/{id}
//	Header        GET /eth/v1/beacon/headers/{id} (also BlockRoot, HeadSlot, PeriodBlockRoots)
//	SpecValues    GET /eth/v1/config/spec (also Spec, Network)
//	Validators    GET /eth/v1/beacon/states/{id}/validators?id=...
//	Events        GET /eth/v1/events (server-sent events)
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
// once. A state without a Content-Length (chunked transfer) is read once
// as well, into memory reserved for the size limit of which only the
// pages written cost memory (beaconstate.Reserve, on unix; elsewhere a
// buffer grown by doubling): the Object owns that memory, and Close, or
// the garbage collector once the Object is unreachable, releases it.
// Bodies over the size limit (WithMaxSize) fail with ErrTooLarge, before
// any byte is read when the length is announced, as soon as they pass it
// otherwise.
//
// StateProver hashes the state while it downloads: an ssz.Hasher follows
// the body as it lands and, once the download has lasted a quarter of a
// second, hashes the validators, balances and other big lists and vectors
// block by block as their bytes arrive, so that the time to a proof is
// close to the download's; a download that ends sooner is hashed after it.
// The root and every proof are those of a state hashed after its
// download.
//
// Every request follows its context. A node silent for the timeout
// (WithTimeout: no headers, or no body bytes) is abandoned; server errors
// (5xx, 429), refused or broken connections, truncated bodies and
// timeouts are retried with exponential backoff and jitter (WithRetries,
// WithBackoff). State downloads draw a progress bar only when asked to
// (WithProgress). WithHeader adds a header to every request (an API key);
// a base URL's path prefix and query are kept, and messages name only its
// scheme and host, never a key in its path or query. Connections to the
// node are reused, up to 64 idle ones (WithHTTPClient replaces the HTTP
// client).
//
// Validators asks for many validators of a state by index or pubkey in
// requests of up to 64 ids, without downloading the state. Events follows
// the node's server-sent events stream and reconnects when it breaks;
// events sent meanwhile are lost, so the caller catches up by polling.
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
// 406, ..., and 501), ErrBadResponse, ErrHistoryMismatch, and for
// FindWithdrawal ErrWithdrawalNotFound, ErrSearchStart, ErrSearchSlots and
// ErrSearchRequests. An error that comes from an HTTP status also wraps
// an *HTTPError, with the status and the node's message.
//
// # Network
//
// The Client reads the network configuration from the node (Spec: the
// fork schedule and preset of /eth/v1/config/spec, the genesis of
// /eth/v1/beacon/genesis) once, on first need, and uses the node's own
// facts, a devnet's too, never a built-in table looked up by CONFIG_NAME;
// WithNetwork gives it instead and makes the Client check the node's
// genesis against it. A state or block without an Eth-Consensus-Version
// header has its fork found from its bytes on that network: a state's
// fork.current_version, a block's slot.
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
