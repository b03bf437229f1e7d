package watch

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/staking/format"
)

// DefaultFormat is the format of the documents when Config names none.
const DefaultFormat = format.RocketPool

// Config is what a Watcher watches, where it reads the chain and where it
// writes.
type Config struct {
	// Node is the beacon node.
	Node *beaconapi.Client
	// Indices, Pubkeys and Addresses name the validators watched: by
	// index, by pubkey, and every validator whose 0x01 or 0x02 withdrawal
	// credentials point at one of the addresses. At least one is needed.
	Indices   []uint64
	Pubkeys   [][48]byte
	Addresses [][20]byte
	// Format is the documents' format: rocketpool (DefaultFormat),
	// eigenlayer, lido or json. EigenLayer's structs have no withdrawal
	// proof: its withdrawal events carry the validator and its balance.
	// Lido CSM's CSVerifier takes only a validator's full withdrawal (8
	// ETH or more, or any amount of a slashed validator, from its
	// withdrawable epoch), proved from the paying block's post-state (one
	// more state download per such withdrawal): the other facts
	// (credentials, exit, slashed, partial withdrawals) are recorded as
	// handled with one log line each saying why, and not written. Lido's
	// calldata holds the structs but not the calls, which take the key's
	// node operator and key index, unknown to the watcher.
	Format format.Name
	// Sink receives the events; Store remembers the cursor and what was
	// emitted. Both are required.
	Sink  Sink
	Store *Store
	// Head follows the node's head instead of its finalized checkpoint.
	// An event of a block later orphaned is then proved again on the new
	// chain (its file replaced, or a second line with the same id).
	Head bool
	// Poll is how often the node is asked for a new checkpoint without an
	// event from its stream; 0 means one slot of the node's network.
	Poll time.Duration
	// StartSlot, on the first run only, is the first slot whose blocks are
	// searched for withdrawals; 0 means the first checkpoint's slot (no
	// history).
	StartSlot uint64
	// Logger receives structured logs; nil discards them.
	Logger *slog.Logger
	// Metrics, when not nil, are updated as the Watcher works.
	Metrics *Metrics
}

// check validates the configuration and fills the defaults.
func (c *Config) check() error {
	switch {
	case c.Node == nil:
		return errors.New("watch: no beacon node")
	case c.Sink == nil:
		return errors.New("watch: no sink for the events")
	case c.Store == nil:
		return errors.New("watch: no store")
	case len(c.Indices) == 0 && len(c.Pubkeys) == 0 && len(c.Addresses) == 0:
		return errors.New("watch: no validators to watch: give indices, pubkeys or withdrawal addresses")
	case c.Poll < 0:
		return fmt.Errorf("watch: poll interval %v is negative", c.Poll)
	}
	if c.Format == "" {
		c.Format = DefaultFormat
	}
	switch c.Format {
	case format.RocketPool, format.EigenLayer, format.Lido, format.JSON:
	default:
		return fmt.Errorf("watch: format %q: want %s, %s, %s or %s", c.Format, format.RocketPool, format.EigenLayer, format.Lido, format.JSON)
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return nil
}
