package beaconapi

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors of the package. Every error a Client returns is one line
// that starts with "beaconapi: ", says what was asked and from which node,
// and tells the user what to do; match the kind with errors.Is.
var (
	// ErrNotFound reports an id the node has nothing for: an unknown block
	// or state root, a missed slot, a slot after the head. Errors that wrap
	// ErrPruned wrap ErrNotFound too.
	ErrNotFound = errors.New("not found")
	// ErrPruned reports a state (or block history) the node no longer
	// keeps: a pruning node serves recent states only.
	ErrPruned = errors.New("this node does not keep states that old; use an archive node")
	// ErrSyncing reports a node that answered 503 because it is still
	// syncing, or that says so on /eth/v1/node/syncing.
	ErrSyncing = errors.New("the beacon node is still syncing; wait until it has synced or use a synced node")
	// ErrWrongNetwork reports a node whose genesis (validators root or
	// time) is not the one of the network the caller expects.
	ErrWrongNetwork = errors.New("the beacon node is on another network")
	// ErrUnknownFork reports an object of a fork that the fork table
	// (package fork) does not know. Errors that wrap it also wrap
	// fork.ErrUnknownFork.
	ErrUnknownFork = errors.New("fork unknown to this version of beaconproof; upgrade beaconproof")
	// ErrTooLarge reports a response larger than the client's size limit
	// (WithMaxSize). Errors that wrap it also wrap beaconstate.ErrTooLarge.
	ErrTooLarge = errors.New("response larger than the size limit")
	// ErrTimeout reports a node that sent nothing (no response, or no body
	// bytes) for the client's timeout (WithTimeout), on every attempt.
	ErrTimeout = errors.New("the beacon node did not answer in time")
	// ErrUnavailable reports a node that could not be reached or broke the
	// connection on every attempt, or answered with a server error: a
	// retried status (408, 429, 500, 502, 503 but from a syncing node,
	// 504) on every attempt, any other 5xx but 501 at once.
	ErrUnavailable = errors.New("the beacon node is unavailable")
	// ErrRejected reports a request the node refused with an HTTP client
	// error that is neither retried (408, 429) nor a missing object (404,
	// and 410 for a state: ErrNotFound) — 400 for an id or parameter it
	// does not accept, 401 or 403 for missing credentials, 406 for a
	// format it does not serve, ... — or with 501 for an endpoint it does
	// not implement. Retrying does not help; the *HTTPError it wraps has
	// the status and the node's message.
	ErrRejected = errors.New("the beacon node rejected the request")
	// ErrBadResponse reports a response that is not what the beacon API
	// specifies: malformed JSON, SSZ that does not decode as the type of
	// its fork, a header whose root does not match its fields, an HTTP
	// status that is neither success nor error (a redirect not followed).
	ErrBadResponse = errors.New("malformed response from the beacon node")
	// ErrWithdrawalNotFound reports that FindWithdrawal found no block
	// paying the validator in its search range.
	ErrWithdrawalNotFound = errors.New("withdrawal not found")
	// ErrSearchStart reports a FindWithdrawal for a validator that has
	// not exited, and so has no full withdrawal, without a first slot
	// (WithdrawalSearch.FromSlot) from which to find a partial one. It
	// comes with ErrWithdrawalNotFound.
	ErrSearchStart = errors.New("a partial withdrawal is searched for from a given first slot")
	// ErrSearchSlots reports a FindWithdrawal that searched as many slots
	// as it may (WithdrawalSearch.MaxSlots) before the node's head; more
	// slots may find the withdrawal. It comes with ErrWithdrawalNotFound.
	ErrSearchSlots = errors.New("the search covered as many slots as it may; search more slots")
	// ErrSearchRequests reports a FindWithdrawal that fetched as many
	// blocks as it may (WithdrawalSearch.MaxRequests); more requests may
	// find the withdrawal. It comes with ErrWithdrawalNotFound.
	ErrSearchRequests = errors.New("the search fetched as many blocks as it may; allow more block requests")
)

// HTTPError is an HTTP error status a beacon node answered with. Errors
// of the package that come from such an answer wrap an *HTTPError; get it
// with errors.As.
type HTTPError struct {
	// Method and Path are the request's ("GET",
	// "/eth/v2/debug/beacon/states/head"), Path relative to the base URL.
	Method, Path string
	// StatusCode is the HTTP status (404, 503, ...).
	StatusCode int
	// Message is the node's error message: the "message" of its JSON
	// error body, or the first line of a text body, on one line.
	Message string
}

// Error returns "HTTP 404: State not found".
func (e *HTTPError) Error() string {
	if e.Message == "" {
		return fmt.Sprintf("HTTP %d", e.StatusCode)
	}
	return fmt.Sprintf("HTTP %d: %s", e.StatusCode, e.Message)
}

// apiError is an error with a message of its own that wraps any number of
// sentinels and causes, so that one line can say what happened and what
// to do while errors.Is still finds each kind.
type apiError struct {
	msg  string
	errs []error
}

func (e *apiError) Error() string   { return e.msg }
func (e *apiError) Unwrap() []error { return e.errs }

// newErr returns an error whose message is "beaconapi: " + msg and that
// wraps errs (nil entries are dropped).
func newErr(msg string, errs ...error) error {
	var kept []error
	for _, e := range errs {
		if e != nil {
			kept = append(kept, e)
		}
	}
	return &apiError{msg: "beaconapi: " + oneLine(msg), errs: kept}
}

// oneLine folds a message to a single line of at most 1000 bytes.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 1000 {
		s = s[:997] + "..."
	}
	return s
}
