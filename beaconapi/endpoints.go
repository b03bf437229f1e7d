package beaconapi

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// Header is a beacon block header as /eth/v1/beacon/headers/{id} serves
// it. Root is the block's root, the hash tree root of the header (and of
// the BeaconBlock): the Client checks that the node's root matches the
// header's fields.
type Header struct {
	Slot          uint64
	ProposerIndex uint64
	ParentRoot    [32]byte
	StateRoot     [32]byte
	BodyRoot      [32]byte
	// Root is the block root.
	Root [32]byte
	// Signature is the proposer's signature of the block.
	Signature [96]byte
	// Canonical says the block is on the node's canonical chain.
	Canonical bool
	// ExecutionOptimistic and Finalized are the node's metadata of the
	// answer: the block was imported optimistically, or is finalized.
	ExecutionOptimistic bool
	Finalized           bool
}

// Header fetches the header of the block with that id (head, finalized,
// justified, genesis, a slot or a block root) from
// /eth/v1/beacon/headers/{id}. A slot without a block, or an unknown root,
// fails with ErrNotFound.
func (c *Client) Header(ctx context.Context, id string) (Header, error) {
	kind, slot, err := parseID(id)
	if err != nil {
		return Header{}, err
	}
	cl := call{path: "/eth/v1/beacon/headers/" + id, what: describe("block header", id)}
	var body struct {
		ExecutionOptimistic bool `json:"execution_optimistic"`
		Finalized           bool `json:"finalized"`
		Data                *struct {
			Root      hexBytes `json:"root"`
			Canonical bool     `json:"canonical"`
			Header    *struct {
				Message *struct {
					Slot          quint    `json:"slot"`
					ProposerIndex quint    `json:"proposer_index"`
					ParentRoot    hexBytes `json:"parent_root"`
					StateRoot     hexBytes `json:"state_root"`
					BodyRoot      hexBytes `json:"body_root"`
				} `json:"message"`
				Signature hexBytes `json:"signature"`
			} `json:"header"`
		} `json:"data"`
	}
	if err := c.getJSON(ctx, cl, &body); err != nil {
		if isStatus(err, 404) {
			switch kind {
			case idSlot:
				return Header{}, newErr(fmt.Sprintf("%s: %v: no block at slot %d (a missed slot, a slot after the head, or history the node has not backfilled) (the node answered %v)",
					c.where(cl), ErrNotFound, slot, httpErr(err)), ErrNotFound, httpErr(err))
			case idRoot:
				return Header{}, newErr(fmt.Sprintf("%s: %v: the node knows no block with this root (the node answered %v)",
					c.where(cl), ErrNotFound, httpErr(err)), ErrNotFound, httpErr(err))
			}
		}
		return Header{}, c.httpFail(cl, err)
	}
	if body.Data == nil || body.Data.Header == nil || body.Data.Header.Message == nil {
		return Header{}, c.badResponse(cl, errors.New("no data.header.message"))
	}
	m := body.Data.Header.Message
	h := Header{
		Slot:                uint64(m.Slot),
		ProposerIndex:       uint64(m.ProposerIndex),
		Canonical:           body.Data.Canonical,
		ExecutionOptimistic: body.ExecutionOptimistic,
		Finalized:           body.Finalized,
	}
	var root [32]byte
	for _, f := range []struct {
		v    hexBytes
		dst  []byte
		name string
	}{
		{m.ParentRoot, h.ParentRoot[:], "parent_root"},
		{m.StateRoot, h.StateRoot[:], "state_root"},
		{m.BodyRoot, h.BodyRoot[:], "body_root"},
		{body.Data.Root, root[:], "root"},
	} {
		if err := f.v.fixed(f.dst, f.name); err != nil {
			return Header{}, c.badResponse(cl, err)
		}
	}
	if len(body.Data.Header.Signature) != 0 {
		if err := body.Data.Header.Signature.fixed(h.Signature[:], "signature"); err != nil {
			return Header{}, c.badResponse(cl, err)
		}
	}
	h.Root, err = headerRoot(h)
	if err != nil {
		return Header{}, c.badResponse(cl, err)
	}
	if h.Root != root {
		return Header{}, c.badResponse(cl, fmt.Errorf("the node says the block root is %s, but the header's fields hash to %s", RootID(root), RootID(h.Root)))
	}
	return h, nil
}

var headerType = sync.OnceValues(func() (*ssz.Type, error) {
	s, err := fork.SchemasOf(fork.Phase0, fork.PresetMainnet)
	if err != nil {
		return nil, err
	}
	return s.BeaconBlockHeader, nil
})

// headerRoot returns the hash tree root of a BeaconBlockHeader, the same
// in every fork and preset.
func headerRoot(h Header) ([32]byte, error) {
	t, err := headerType()
	if err != nil {
		return [32]byte{}, err
	}
	b := make([]byte, 0, 112)
	b = binary.LittleEndian.AppendUint64(b, h.Slot)
	b = binary.LittleEndian.AppendUint64(b, h.ProposerIndex)
	b = append(b, h.ParentRoot[:]...)
	b = append(b, h.StateRoot[:]...)
	b = append(b, h.BodyRoot[:]...)
	return ssz.HashTreeRoot(t, b)
}

// Genesis is the node's /eth/v1/beacon/genesis.
type Genesis struct {
	// Time is the Unix time of slot 0.
	Time uint64
	// ValidatorsRoot is the genesis_validators_root, which tells networks
	// apart.
	ValidatorsRoot [32]byte
	// ForkVersion is the genesis fork version.
	ForkVersion [4]byte
}

// Genesis fetches the node's genesis from /eth/v1/beacon/genesis.
func (c *Client) Genesis(ctx context.Context) (Genesis, error) {
	cl := call{path: "/eth/v1/beacon/genesis", what: "genesis"}
	var body struct {
		Data *struct {
			Time           quint    `json:"genesis_time"`
			ValidatorsRoot hexBytes `json:"genesis_validators_root"`
			ForkVersion    hexBytes `json:"genesis_fork_version"`
		} `json:"data"`
	}
	if err := c.getJSON(ctx, cl, &body); err != nil {
		if isStatus(err, 404) {
			return Genesis{}, newErr(fmt.Sprintf("%s: %v: the node knows no genesis yet (the chain has not started) (the node answered %v)", c.where(cl), ErrNotFound, httpErr(err)),
				ErrNotFound, httpErr(err))
		}
		return Genesis{}, c.httpFail(cl, err)
	}
	if body.Data == nil {
		return Genesis{}, c.badResponse(cl, errors.New("no data"))
	}
	g := Genesis{Time: uint64(body.Data.Time)}
	if err := body.Data.ValidatorsRoot.fixed(g.ValidatorsRoot[:], "genesis_validators_root"); err != nil {
		return Genesis{}, c.badResponse(cl, err)
	}
	if err := body.Data.ForkVersion.fixed(g.ForkVersion[:], "genesis_fork_version"); err != nil {
		return Genesis{}, c.badResponse(cl, err)
	}
	return g, nil
}

// SpecValues returns the node's configuration, /eth/v1/config/spec: every
// value the node writes as a string, by name ("SECONDS_PER_SLOT": "12").
// Values of other shapes (BLOB_SCHEDULE) are left out. The result is
// fetched once and remembered; the caller may modify the returned map.
func (c *Client) SpecValues(ctx context.Context) (map[string]string, error) {
	c.mu.Lock()
	spec := c.spec
	c.mu.Unlock()
	if spec == nil {
		cl := call{path: "/eth/v1/config/spec", what: "config"}
		var body struct {
			Data map[string]json.RawMessage `json:"data"`
		}
		if err := c.getJSON(ctx, cl, &body); err != nil {
			return nil, c.httpFail(cl, err)
		}
		if body.Data == nil {
			return nil, c.badResponse(cl, errors.New("no data"))
		}
		spec = make(map[string]string, len(body.Data))
		for k, raw := range body.Data {
			var s string
			if json.Unmarshal(raw, &s) == nil {
				spec[k] = s
			}
		}
		c.mu.Lock()
		c.spec = spec
		c.mu.Unlock()
	}
	out := make(map[string]string, len(spec))
	for k, v := range spec {
		out[k] = v
	}
	return out, nil
}

var configKeyRE = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// Spec reads the node's network configuration: /eth/v1/config/spec (fork
// schedule, preset, slot timing, deposit contract) and
// /eth/v1/beacon/genesis (genesis time and validators root). The name is
// the config's CONFIG_NAME, or that of the built-in network with the same
// genesis validators root.
func (c *Client) Spec(ctx context.Context) (*fork.Network, error) {
	values, err := c.SpecValues(ctx)
	if err != nil {
		return nil, err
	}
	g, err := c.Genesis(ctx)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(values))
	for k := range values {
		if configKeyRE.MatchString(k) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var yml strings.Builder
	for _, k := range keys {
		v, _ := json.Marshal(values[k]) // a JSON string is a YAML double-quoted scalar
		fmt.Fprintf(&yml, "%s: %s\n", k, v)
	}
	n, err := fork.LoadNetworkConfig(strings.NewReader(yml.String()))
	if err != nil {
		cl := call{what: "config"}
		return nil, c.badResponse(cl, err)
	}
	n.GenesisTime = g.Time
	n.GenesisValidatorsRoot = g.ValidatorsRoot
	if n.Name == "" {
		n.Name = networkName(g.ValidatorsRoot)
	}
	return n, nil
}

// networkName names the built-in network with that genesis validators
// root, or returns "an unknown network".
func networkName(root [32]byte) string {
	for _, n := range fork.Networks() {
		if n.GenesisValidatorsRoot == root {
			return n.Name
		}
	}
	return "an unknown network"
}

// CheckNetwork checks that the node is on the network want: that its
// genesis validators root (and genesis time, when want has one) are
// want's. It fails with ErrWrongNetwork, naming both networks, when they
// are not.
func (c *Client) CheckNetwork(ctx context.Context, want *fork.Network) error {
	if want == nil {
		return errors.New("beaconapi: CheckNetwork: nil network")
	}
	var zero [32]byte
	if want.GenesisValidatorsRoot == zero && want.GenesisTime == 0 {
		return fmt.Errorf("beaconapi: CheckNetwork: network %q has neither genesis validators root nor genesis time to check the node against", want.Name)
	}
	g, err := c.Genesis(ctx)
	if err != nil {
		return err
	}
	rootOK := want.GenesisValidatorsRoot == zero || g.ValidatorsRoot == want.GenesisValidatorsRoot
	timeOK := want.GenesisTime == 0 || g.Time == want.GenesisTime
	if rootOK && timeOK {
		return nil
	}
	return newErr(fmt.Sprintf("%v: %s is on %s (genesis validators root %s, genesis time %d), not on %s (genesis validators root %s, genesis time %d); use a %s node",
		ErrWrongNetwork, c.display, networkName(g.ValidatorsRoot), RootID(g.ValidatorsRoot), g.Time,
		want.Name, RootID(want.GenesisValidatorsRoot), want.GenesisTime, want.Name), ErrWrongNetwork)
}

// SyncStatus is the node's /eth/v1/node/syncing.
type SyncStatus struct {
	// HeadSlot is the slot of the node's head; SyncDistance how many slots
	// it is behind the clock.
	HeadSlot     uint64
	SyncDistance uint64
	// IsSyncing says the node is still syncing; IsOptimistic that its head
	// is not yet verified by the execution client; ELOffline that it has
	// no execution client.
	IsSyncing    bool
	IsOptimistic bool
	ELOffline    bool
}

// Syncing fetches the node's sync status from /eth/v1/node/syncing.
func (c *Client) Syncing(ctx context.Context) (SyncStatus, error) {
	return c.syncing(ctx, false)
}

func (c *Client) syncing(ctx context.Context, once bool) (SyncStatus, error) {
	cl := call{path: "/eth/v1/node/syncing", what: "sync status", once: once}
	var body struct {
		Data *struct {
			HeadSlot     quint `json:"head_slot"`
			SyncDistance quint `json:"sync_distance"`
			IsSyncing    bool  `json:"is_syncing"`
			IsOptimistic bool  `json:"is_optimistic"`
			ELOffline    bool  `json:"el_offline"`
		} `json:"data"`
	}
	if err := c.getJSON(ctx, cl, &body); err != nil {
		return SyncStatus{}, c.httpFail(cl, err)
	}
	if body.Data == nil {
		return SyncStatus{}, c.badResponse(cl, errors.New("no data"))
	}
	d := body.Data
	return SyncStatus{HeadSlot: uint64(d.HeadSlot), SyncDistance: uint64(d.SyncDistance), IsSyncing: d.IsSyncing, IsOptimistic: d.IsOptimistic, ELOffline: d.ELOffline}, nil
}

// ValidatorInfo is a validator as /eth/v1/beacon/states/{id}/validators/{index}
// serves it.
type ValidatorInfo struct {
	// Index is the validator's index in the registry.
	Index uint64
	// Balance is its balance in Gwei.
	Balance uint64
	// Status is the beacon API's status ("active_ongoing",
	// "withdrawal_done", ...).
	Status string
	// Validator is the registry record.
	Validator beaconstate.Validator
}

// Validator fetches validator index of the state with that id from
// /eth/v1/beacon/states/{id}/validators/{index}, without downloading the
// state. An index the state does not have fails with ErrNotFound.
func (c *Client) Validator(ctx context.Context, stateID string, index uint64) (ValidatorInfo, error) {
	if _, _, err := parseID(stateID); err != nil {
		return ValidatorInfo{}, err
	}
	cl := call{path: fmt.Sprintf("/eth/v1/beacon/states/%s/validators/%d", stateID, index),
		what: fmt.Sprintf("validator %d of %s", index, describe("state", stateID))}
	var body struct {
		Data *validatorJSON `json:"data"`
	}
	if err := c.getJSON(ctx, cl, &body); err != nil {
		if isStatus(err, 404) {
			return ValidatorInfo{}, newErr(fmt.Sprintf("%s: %v: no such validator in that state, or the node does not keep that state (the node answered %v)",
				c.where(cl), ErrNotFound, httpErr(err)), ErrNotFound, httpErr(err))
		}
		return ValidatorInfo{}, c.httpFail(cl, err)
	}
	if body.Data == nil || body.Data.Validator == nil {
		return ValidatorInfo{}, c.badResponse(cl, errors.New("no data.validator"))
	}
	info, err := body.Data.info()
	if err != nil {
		return ValidatorInfo{}, c.badResponse(cl, err)
	}
	if info.Index != index {
		return ValidatorInfo{}, c.badResponse(cl, fmt.Errorf("asked for validator %d, got %d", index, info.Index))
	}
	return info, nil
}

// isStatus reports whether err is a bare *HTTPError with that status, as
// get returns it.
func isStatus(err error, code int) bool {
	he, ok := err.(*HTTPError)
	return ok && he.StatusCode == code
}

// httpErr returns the *HTTPError in err, or nil.
func httpErr(err error) *HTTPError {
	var he *HTTPError
	if errors.As(err, &he) {
		return he
	}
	return nil
}
