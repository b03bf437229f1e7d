package beaconapi

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// State fetches the BeaconState with that id (head, finalized, justified,
// genesis, a slot or a state root) from /eth/v2/debug/beacon/states/{id}.
//
// It asks for SSZ, reads the body once into a buffer sized from the
// Content-Length, or without one into reserved memory that the Object
// owns (Close it when done: see the package's Transport section); the
// returned Object's Bytes is that memory, so a 300 MB state is held once.
// It takes the fork from the Eth-Consensus-Version
// header, or, when a node sends none, from the state's
// fork.current_version. A node that only speaks JSON is answered in JSON,
// converted to SSZ. With WithProgress, a progress bar is drawn.
//
// Errors: ErrPruned (and ErrNotFound) for a past state the node no longer
// keeps (also a server error for a slot before the node's finalized slot:
// a pruning node that tries to regenerate such a state fails so, as
// Lodestar answers 500), ErrNotFound for a slot after the head or an unknown root,
// ErrSyncing, ErrUnknownFork, ErrTooLarge, ErrTimeout, ErrUnavailable,
// ErrWrongNetwork (with WithNetwork), ErrBadResponse.
func (c *Client) State(ctx context.Context, id string) (*beaconstate.Object, error) {
	kind, slot, net, err := c.resolveID(ctx, id)
	if err != nil {
		return nil, err
	}
	cl := call{path: "/eth/v2/debug/beacon/states/" + id, what: describe("state", id), ssz: true, progress: true, reserve: true}
	resp, err := c.get(ctx, cl)
	if err != nil {
		return nil, c.stateFail(ctx, cl, kind, slot, err)
	}
	return c.decode(cl, resp, net, "BeaconState")
}

// stateFail classifies the error of a state request (see State).
func (c *Client) stateFail(ctx context.Context, cl call, kind idKind, slot uint64, err error) error {
	if isStatus(err, 404) || isStatus(err, 410) {
		return c.stateNotFound(ctx, cl, kind, slot, httpErr(err))
	}
	var he *HTTPError
	if errors.As(err, &he) && err == error(he) && mentionsPruning(he.Message) {
		return c.pruned(cl, he)
	}
	err = c.httpFail(cl, err)
	if kind == idSlot && !errors.Is(err, ErrSyncing) && errors.As(err, &he) && he.StatusCode >= 500 {
		if f, ferr := c.Header(ctx, "finalized"); ferr == nil && slot < f.Slot {
			return c.prunedBefore(cl, slot, f.Slot, he)
		}
	}
	return err
}

// prunedBefore is the error for a state at a slot before the node's
// finalized slot that the node failed to serve with a server error, as a
// pruning node does (Lodestar answers 500 while trying to regenerate it):
// ErrPruned, with the node's answer.
func (c *Client) prunedBefore(cl call, slot, finalized uint64, he *HTTPError) error {
	return newErr(fmt.Sprintf("%s: slot %d is before the node's finalized slot %d, and %v (the node answered %v)",
		c.where(cl), slot, finalized, ErrPruned, he), ErrPruned, ErrNotFound, he)
}

// stateNotFound classifies a 404 for a state: a slot not after the head,
// or genesis, is a state the node pruned; a slot after the head does not
// exist yet; a root may be either.
func (c *Client) stateNotFound(ctx context.Context, cl call, kind idKind, slot uint64, he *HTTPError) error {
	if mentionsPruning(he.Message) {
		return c.pruned(cl, he)
	}
	switch kind {
	case idSlot:
		if h, err := c.Header(ctx, "head"); err == nil && slot > h.Slot {
			return newErr(fmt.Sprintf("%s: %v: slot %d is after the node's head (slot %d) (the node answered %v)", c.where(cl), ErrNotFound, slot, h.Slot, he),
				ErrNotFound, he)
		}
		return c.pruned(cl, he)
	case idRoot:
		return newErr(fmt.Sprintf("%s: %v: the node knows no state with this root; if it is an old state, note that this node may not keep states that old (use an archive node) (the node answered %v)",
			c.where(cl), ErrNotFound, he), ErrNotFound, he)
	}
	if cl.what == "state genesis" {
		return c.pruned(cl, he)
	}
	return newErr(fmt.Sprintf("%s: %v (the node answered %v)", c.where(cl), ErrNotFound, he), ErrNotFound, he)
}

func (c *Client) pruned(cl call, he *HTTPError) error {
	return newErr(fmt.Sprintf("%s: %v (the node answered %v)", c.where(cl), ErrPruned, he), ErrPruned, ErrNotFound, he)
}

// mentionsPruning reports an error message that says the state is gone
// from a pruning node.
func mentionsPruning(msg string) bool {
	m := strings.ToLower(msg)
	for _, w := range []string{"prune", "pruned", "archive", "historical state", "not available", "unavailable state"} {
		if strings.Contains(m, w) {
			return true
		}
	}
	return false
}

// Block fetches the SignedBeaconBlock with that id (head, finalized,
// genesis, a slot or a block root) from /eth/v2/beacon/blocks/{id}, in SSZ
// when the node serves it and in JSON otherwise. The fork comes from the
// Eth-Consensus-Version header, or from the block's slot and the
// network's fork schedule. BlockMessage returns the unsigned BeaconBlock
// inside. A slot without a block (a missed slot) fails with ErrNotFound.
func (c *Client) Block(ctx context.Context, id string) (*beaconstate.Object, error) {
	kind, slot, net, err := c.resolveID(ctx, id)
	if err != nil {
		return nil, err
	}
	cl := call{path: "/eth/v2/beacon/blocks/" + id, what: describe("block", id), ssz: true}
	resp, err := c.get(ctx, cl)
	if err != nil {
		if isStatus(err, 404) {
			he := httpErr(err)
			switch kind {
			case idSlot:
				return nil, newErr(fmt.Sprintf("%s: %v: no block at slot %d (a missed slot, a slot after the head, or history the node has not backfilled) (the node answered %v)",
					c.where(cl), ErrNotFound, slot, he), ErrNotFound, he)
			case idRoot:
				return nil, newErr(fmt.Sprintf("%s: %v: the node knows no block with this root (the node answered %v)", c.where(cl), ErrNotFound, he), ErrNotFound, he)
			}
		}
		return nil, c.httpFail(cl, err)
	}
	return c.decode(cl, resp, net, "SignedBeaconBlock")
}

// BlockMessage returns the unsigned BeaconBlock of a SignedBeaconBlock
// (its "message"), sharing signed's bytes. Its Root is the block root.
func BlockMessage(signed *beaconstate.Object) (*beaconstate.Object, error) {
	if signed == nil {
		return nil, errors.New("beaconapi: BlockMessage: nil block")
	}
	if signed.TypeName != "SignedBeaconBlock" {
		return nil, fmt.Errorf("beaconapi: BlockMessage: a %s is not a SignedBeaconBlock", signed.TypeName)
	}
	b, err := signed.Unsigned()
	if err != nil {
		return nil, fmt.Errorf("beaconapi: BlockMessage: %w", err)
	}
	return b, nil
}

// decode turns a state or block response into an Object of typeName: it
// finds the fork (header, JSON "version", or the bytes), converts JSON to
// SSZ, and validates against the fork's schema.
//
// The Object owns the reserved memory of an SSZ body (Close releases it);
// any other is released.
func (c *Client) decode(cl call, resp *response, net *fork.Network, typeName string) (*beaconstate.Object, error) {
	defer resp.release() // unless the Object took it
	forkName, data, err := c.sszOf(cl, resp, net, typeName)
	if err != nil {
		return nil, err
	}
	preset := net.PresetName()
	var obj *beaconstate.Object
	if resp.reserved != nil && !resp.json {
		if obj, err = beaconstate.NewObjectReserved(forkName, preset, typeName, resp.reserved, len(data)); err == nil {
			resp.reserved = nil
		}
	} else {
		obj, err = beaconstate.NewObject(forkName, preset, typeName, data)
	}
	if err != nil {
		return nil, newErr(fmt.Sprintf("%s: %v: %v", c.where(cl), ErrBadResponse, err), ErrBadResponse, err)
	}
	return obj, nil
}

// sszOf returns the fork and the SSZ bytes of a state or block response:
// the fork from the header, the JSON "version" or the bytes; the bytes
// the body's, or converted from its JSON.
func (c *Client) sszOf(cl call, resp *response, net *fork.Network, typeName string) (string, []byte, error) {
	version := resp.header.Get("Eth-Consensus-Version")
	data := resp.body
	var jsonData []byte
	if resp.json {
		m, err := members(resp.body)
		if err != nil {
			return "", nil, c.badResponse(cl, err)
		}
		if v, ok := m["version"]; ok && version == "" {
			if err := json.Unmarshal(v, &version); err != nil {
				return "", nil, c.badResponse(cl, fmt.Errorf("version: %v", err))
			}
		}
		if jsonData = m["data"]; jsonData == nil {
			return "", nil, c.badResponse(cl, errors.New("JSON answer without data"))
		}
		if version == "" {
			return "", nil, c.badResponse(cl, errors.New("JSON answer without Eth-Consensus-Version header or version"))
		}
	}
	var forkName string
	if version != "" {
		f, err := fork.FromConsensusVersionHeader(version)
		if err != nil {
			known := strings.Join(fork.Names(), ", ")
			return "", nil, newErr(fmt.Sprintf("%s: the node serves fork %q: %v (known: %s)", c.where(cl), strings.TrimSpace(version), ErrUnknownFork, known),
				ErrUnknownFork, fork.ErrUnknownFork)
		}
		forkName = f.Name
	} else {
		var err error
		if forkName, err = detectFork(data, net, typeName); err != nil {
			return "", nil, newErr(fmt.Sprintf("%s: the node sent no Eth-Consensus-Version header and %v", c.where(cl), err), append([]error{ErrBadResponse}, unwrapAll(err)...)...)
		}
	}
	if jsonData != nil {
		s, err := fork.TypeOf(forkName, net.PresetName(), typeName)
		if err != nil {
			return "", nil, c.badResponse(cl, err)
		}
		if data, err = ssz.FromJSON(s, jsonData); err != nil {
			return "", nil, newErr(fmt.Sprintf("%s: %v: the JSON is not a %s %s: %v", c.where(cl), ErrBadResponse, forkName, typeName, err), ErrBadResponse, err)
		}
	}
	return forkName, data, nil
}

func unwrapAll(err error) []error {
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		return u.Unwrap()
	}
	if u := errors.Unwrap(err); u != nil {
		return []error{u}
	}
	return nil
}

// detectFork finds the fork of SSZ bytes without a version header: a
// state's from its fork.current_version in the network's schedule, a
// block's from its slot.
func detectFork(b []byte, net *fork.Network, typeName string) (string, error) {
	switch typeName {
	case "BeaconState":
		f, err := fork.DetectFromStateBytes(b, net.PresetName(), net)
		if err != nil {
			if errors.Is(err, fork.ErrUnknownForkVersion) {
				return "", fmt.Errorf("the state's fork version is not in the schedule of %s: %w", net.Name, ErrUnknownFork)
			}
			if errors.Is(err, fork.ErrUnknownFork) {
				return "", fmt.Errorf("the state's fork version names %w; %w", fork.ErrUnknownFork, ErrUnknownFork)
			}
			return "", fmt.Errorf("the state is unreadable: %w", err)
		}
		return f.Name, nil
	case "SignedBeaconBlock":
		if len(b) < 4 {
			return "", fmt.Errorf("a %d-byte block is too short", len(b))
		}
		off := int(binary.LittleEndian.Uint32(b))
		if off < 4 || off+8 > len(b) {
			return "", fmt.Errorf("the block has a bad message offset %d", off)
		}
		slot := binary.LittleEndian.Uint64(b[off:])
		name := net.ForkAtSlot(slot)
		if name == "" {
			return "", fmt.Errorf("%s schedules no fork at the block's slot %d", net.Name, slot)
		}
		if _, err := fork.Lookup(name); err != nil {
			return "", fmt.Errorf("the block's slot %d is in fork %q: %w; %w", slot, name, fork.ErrUnknownFork, ErrUnknownFork)
		}
		return name, nil
	}
	return "", fmt.Errorf("the fork of a %s cannot be detected", typeName)
}
