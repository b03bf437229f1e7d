package beaconapi

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
)

// Defaults of a Client.
const (
	// DefaultTimeout is how long a node may stay silent: before it sends
	// the response headers, and between two reads of the body.
	DefaultTimeout = 30 * time.Second
	// DefaultRetries is how many times a failed request is retried after
	// the first attempt (server errors, broken connections, timeouts).
	DefaultRetries = 3
	// DefaultBackoff is the wait before the first retry; it doubles at
	// each retry, up to DefaultMaxBackoff, with random jitter.
	DefaultBackoff = 500 * time.Millisecond
	// DefaultMaxBackoff bounds the wait between two attempts, a node's
	// Retry-After included.
	DefaultMaxBackoff = 15 * time.Second
	// DefaultMaxSize is the largest response body a Client reads: 1 GiB,
	// as beaconstate.DefaultMaxSize (a mainnet state is about 300 MB in
	// SSZ).
	DefaultMaxSize = beaconstate.DefaultMaxSize
)

// Client fetches beacon states, blocks, headers and the network
// configuration from a beacon node through the standard beacon API. It
// asks for SSZ and takes the fork from the Eth-Consensus-Version header,
// and falls back to JSON for nodes that answer only JSON.
//
// A Client is safe for concurrent use. It reads the network configuration
// (/eth/v1/config/spec and /eth/v1/beacon/genesis) from the node once, on
// first need, unless WithNetwork gave one.
type Client struct {
	base       *url.URL // scheme://host/prefix, no trailing slash
	display    string   // scheme://host, for messages
	hc         *http.Client
	timeout    time.Duration
	retries    int
	backoff    time.Duration
	maxBackoff time.Duration
	maxSize    int64
	progress   io.Writer
	header     http.Header
	want       *fork.Network

	mu       sync.Mutex
	net      *fork.Network     // the network, once known
	spec     map[string]string // the node's /eth/v1/config/spec
	jsonOnly atomic.Bool       // the node refused SSZ once
}

// Option configures a Client.
type Option func(*Client) error

// maxIdlePerNode is how many idle connections to a node the default HTTP
// client keeps: as many as PeriodBlockRoots may have requests in flight.
const maxIdlePerNode = 64

// defaultHTTPClient is the HTTP client of a Client without
// WithHTTPClient: http.DefaultTransport's settings (proxy from the
// environment, timeouts, HTTP/2), but keeping up to maxIdlePerNode idle
// connections to a node instead of 2, so that concurrent requests reuse
// their connections instead of opening one each.
var defaultHTTPClient = func() *http.Client {
	t, ok := http.DefaultTransport.(*http.Transport)
	if !ok {
		return http.DefaultClient
	}
	t = t.Clone()
	t.MaxIdleConnsPerHost = maxIdlePerNode
	return &http.Client{Transport: t}
}()

// WithHTTPClient makes the Client send its requests with hc (for a proxy,
// TLS settings or a custom transport). The default is a client with
// http.DefaultTransport's settings that keeps up to 64 idle connections
// to the node.
// hc.Timeout, if set, bounds each attempt in addition to WithTimeout.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *Client) error {
		if hc == nil {
			return fmt.Errorf("WithHTTPClient: nil client")
		}
		c.hc = hc
		return nil
	}
}

// WithTimeout sets how long the node may stay silent before an attempt is
// abandoned (and retried): the wait for the response headers, and any
// pause between two reads of the body. A slow but steady 300 MB download
// is never cut. The default is DefaultTimeout; bound a whole call with
// its context.
func WithTimeout(d time.Duration) Option {
	return func(c *Client) error {
		if d <= 0 {
			return fmt.Errorf("WithTimeout: %v is not positive", d)
		}
		c.timeout = d
		return nil
	}
}

// WithRetries sets how many times a request is retried after a server
// error (5xx other than a syncing 503, or 429), a broken or refused
// connection, a truncated body or a timeout. 0 disables retries. The
// default is DefaultRetries.
func WithRetries(n int) Option {
	return func(c *Client) error {
		if n < 0 {
			return fmt.Errorf("WithRetries: %d is negative", n)
		}
		c.retries = n
		return nil
	}
}

// WithBackoff sets the wait before the first retry and its upper bound:
// the wait doubles at each retry, with random jitter, and follows a
// node's Retry-After up to max. The defaults are DefaultBackoff and
// DefaultMaxBackoff.
func WithBackoff(base, max time.Duration) Option {
	return func(c *Client) error {
		if base < 0 || max < base {
			return fmt.Errorf("WithBackoff: want 0 <= base <= max, got %v and %v", base, max)
		}
		c.backoff, c.maxBackoff = base, max
		return nil
	}
}

// WithMaxSize bounds the size of a response body, in bytes; a larger one
// fails with ErrTooLarge, before it is read when the node announces its
// length. The default is DefaultMaxSize.
func WithMaxSize(n int64) Option {
	return func(c *Client) error {
		if n <= 0 {
			return fmt.Errorf("WithMaxSize: %d is not positive", n)
		}
		c.maxSize = n
		return nil
	}
}

// WithProgress draws a progress bar of state downloads on w (a terminal,
// typically os.Stderr); nil draws none, the default.
func WithProgress(w io.Writer) Option {
	return func(c *Client) error {
		c.progress = w
		return nil
	}
}

// WithHeader adds a header to every request (an API key, for instance).
func WithHeader(key, value string) Option {
	return func(c *Client) error {
		c.header.Add(key, value)
		return nil
	}
}

// WithNetwork gives the network the node must be on. The Client then uses
// n instead of reading the configuration from the node, and checks once,
// before its first request that needs the network, that the node's
// genesis is n's (see CheckNetwork): every call fails with
// ErrWrongNetwork on a node of another network.
func WithNetwork(n *fork.Network) Option {
	return func(c *Client) error {
		if n == nil {
			return fmt.Errorf("WithNetwork: nil network")
		}
		cp := *n
		cp.Forks = append([]fork.ForkSchedule(nil), n.Forks...)
		c.want = &cp
		return nil
	}
}

// New returns a Client for the beacon node at baseURL ("http://localhost:5052";
// a path prefix and query parameters are kept and sent with every
// request).
func New(baseURL string, opts ...Option) (*Client, error) {
	u, err := url.Parse(strings.TrimSpace(baseURL))
	if err != nil {
		return nil, fmt.Errorf("beaconapi: node URL %q: %v", baseURL, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("beaconapi: node URL %q: want an http:// or https:// URL", baseURL)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("beaconapi: node URL %q: no host", baseURL)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	u.Fragment = ""
	c := &Client{
		base:       u,
		display:    u.Scheme + "://" + u.Host,
		hc:         defaultHTTPClient,
		timeout:    DefaultTimeout,
		retries:    DefaultRetries,
		backoff:    DefaultBackoff,
		maxBackoff: DefaultMaxBackoff,
		maxSize:    DefaultMaxSize,
		header:     http.Header{},
	}
	for _, o := range opts {
		if err := o(c); err != nil {
			return nil, fmt.Errorf("beaconapi: %v", err)
		}
	}
	return c, nil
}

// URL returns the node's base URL without credentials, path or query, as
// the Client's messages show it ("http://localhost:5052").
func (c *Client) URL() string { return c.display }

// network returns the network of the node: the one WithNetwork gave,
// checked once against the node's genesis, or the one read from the
// node's configuration. A failure is not remembered.
func (c *Client) network(ctx context.Context) (*fork.Network, error) {
	c.mu.Lock()
	n := c.net
	c.mu.Unlock()
	if n != nil {
		return n, nil
	}
	if c.want != nil {
		if err := c.CheckNetwork(ctx, c.want); err != nil {
			return nil, err
		}
		n = c.want
	} else {
		var err error
		if n, err = c.Spec(ctx); err != nil {
			return nil, err
		}
	}
	if _, err := fork.PresetByName(n.PresetName()); err != nil {
		return nil, newErr(fmt.Sprintf("network %s of %s uses preset %q: %v", n.Name, c.display, n.PresetName(), err), ErrBadResponse, err)
	}
	c.mu.Lock()
	if c.net == nil {
		c.net = n
	}
	n = c.net
	c.mu.Unlock()
	return n, nil
}

// Network returns the network the Client works with: the one given with
// WithNetwork once checked against the node, or the one read from the
// node (Spec), fetched once and remembered.
func (c *Client) Network(ctx context.Context) (*fork.Network, error) {
	n, err := c.network(ctx)
	if err != nil {
		return nil, err
	}
	cp := *n
	cp.Forks = append([]fork.ForkSchedule(nil), n.Forks...)
	return &cp, nil
}

// SlotID returns the state or block id of a slot ("123").
func SlotID(slot uint64) string { return strconv.FormatUint(slot, 10) }

// RootID returns the state or block id of a root ("0x" and 64 hex digits).
func RootID(root [32]byte) string { return "0x" + hex.EncodeToString(root[:]) }

// idKind says what a state or block id names.
type idKind int

const (
	idNamed idKind = iota // head, finalized, justified, genesis
	idSlot
	idRoot
)

// resolveID parses a block or state id and reads the node's network,
// which every object request needs to decode what it gets.
func (c *Client) resolveID(ctx context.Context, id string) (idKind, uint64, *fork.Network, error) {
	kind, slot, err := parseID(id)
	if err != nil {
		return 0, 0, nil, err
	}
	net, err := c.network(ctx)
	if err != nil {
		return 0, 0, nil, err
	}
	return kind, slot, net, nil
}

// parseID checks a state or block id: head, finalized, justified,
// genesis, a decimal slot or a 0x-prefixed 32-byte root.
func parseID(id string) (idKind, uint64, error) {
	switch id {
	case "head", "finalized", "justified", "genesis":
		return idNamed, 0, nil
	}
	if strings.HasPrefix(id, "0x") || strings.HasPrefix(id, "0X") {
		b, err := hex.DecodeString(id[2:])
		if err == nil && len(b) == 32 {
			return idRoot, 0, nil
		}
	} else if s, err := strconv.ParseUint(id, 10, 64); err == nil {
		return idSlot, s, nil
	}
	return 0, 0, fmt.Errorf("beaconapi: invalid id %q: want head, finalized, justified, genesis, a slot number or a 0x-prefixed 32-byte root", id)
}

// describe names a state or block id in messages: "state at slot 123",
// "state head", "block 0xab…".
func describe(what, id string) string {
	k, _, _ := parseID(id)
	if k == idSlot {
		return what + " at slot " + id
	}
	return what + " " + id
}
