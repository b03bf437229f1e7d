package beaconapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
)

// EnvelopePath is the beacon-API route of a block's signed execution
// payload envelope (gloas, EIP-7732), relative to the node's base URL:
// getExecutionPayloadEnvelope of ethereum/beacon-APIs
// (apis/beacon/execution_payload/envelope_get.yaml), served under this
// path in the sources of Lighthouse, Prysm and Teku (not yet tried
// against a running gloas node).
const EnvelopePath = "/eth/v1/beacon/execution_payload_envelope/"

// Envelope fetches the SignedExecutionPayloadEnvelope of the block with
// that id (head, finalized, justified, a slot or a block root) from
// /eth/v1/beacon/execution_payload_envelope/{id}: from gloas on, the
// execution payload (and its withdrawals) travels in this envelope, not in
// the block. It asks for SSZ, as Block does, and reads the JSON answer
// ({"version", "data"}) of a node that serves only JSON. The fork comes
// from the Eth-Consensus-Version header (or the JSON's version), else
// from the slot of a slot id; with neither, the call fails with
// ErrBadResponse. The body is bounded by the Client's size limit
// (WithMaxSize).
//
// When id is a block root, the envelope's beacon_block_root must be that
// root (ErrBadResponse otherwise). What else binds the envelope to its
// block (its payload's block hash against the bid, its withdrawals
// against the post-state's payload_expected_withdrawals) is checked by
// staking.StateProver.GloasWithdrawal.
//
// A block without an envelope fails with ErrNotFound: a block before
// gloas, a payload its builder withheld (or not revealed yet), a missed
// slot, or an envelope the node does not keep.
func (c *Client) Envelope(ctx context.Context, id string) (*beaconstate.Object, error) {
	kind, slot, net, err := c.resolveID(ctx, id)
	if err != nil {
		return nil, err
	}
	cl := call{path: EnvelopePath + id, what: describe("execution payload envelope of the block", id), ssz: true}
	resp, err := c.get(ctx, cl)
	if err != nil {
		if isStatus(err, 404) {
			he := httpErr(err)
			return nil, newErr(fmt.Sprintf("%s: %v: the node has no envelope for it: a block before gloas, a payload its builder withheld or has not revealed yet, a missed slot, or an envelope the node does not keep (the node answered %v)",
				c.where(cl), ErrNotFound, he), ErrNotFound, he)
		}
		return nil, c.httpFail(cl, err)
	}
	if resp.header.Get("Eth-Consensus-Version") == "" && !resp.json {
		if kind != idSlot || net.ForkAtSlot(slot) == "" {
			return nil, c.badResponse(cl, errors.New("an SSZ answer without Eth-Consensus-Version header: the envelope's fork is unknown (ask by slot, or use a node that sends the header)"))
		}
		resp.header = resp.header.Clone()
		resp.header.Set("Eth-Consensus-Version", net.ForkAtSlot(slot))
	}
	env, err := c.decode(cl, resp, net, "SignedExecutionPayloadEnvelope")
	if err != nil {
		return nil, err
	}
	if err := checkEnvelopeRoot(env, kind, id); err != nil {
		env.Close()
		return nil, c.badResponse(cl, err)
	}
	return env, nil
}

// checkEnvelopeRoot checks that an envelope asked for by block root names
// that root as its beacon_block_root, and that its fork has envelopes.
func checkEnvelopeRoot(env *beaconstate.Object, kind idKind, id string) error {
	if f, err := fork.Lookup(env.Fork); err != nil || !f.Has(fork.PayloadInEnvelope) {
		return fmt.Errorf("the node says the envelope is of fork %s, which has no execution payload envelopes", env.Fork)
	}
	if kind != idRoot {
		return nil
	}
	got, _, err := env.Field("message.beacon_block_root")
	if err != nil {
		return err
	}
	want, err := rootOf(id)
	if err != nil {
		return err
	}
	if !bytes.Equal(got, want[:]) {
		return fmt.Errorf("asked for the envelope of block %s, got one of block 0x%x", id, got)
	}
	return nil
}

// rootOf parses a root id.
func rootOf(id string) ([32]byte, error) {
	var r [32]byte
	var h hexBytes
	if err := h.UnmarshalJSON([]byte(`"` + id + `"`)); err != nil {
		return r, err
	}
	return r, h.fixed(r[:], "block root")
}

// BuilderIndexFlag is gloas's BUILDER_INDEX_FLAG (2**40): a withdrawal
// whose validator_index has this bit set pays a builder (index
// validator_index without the flag), not a validator.
const BuilderIndexFlag uint64 = 1 << 40

// withdrawalsOf returns the validators' withdrawals a block's payload
// paid: the block's own payload's, or, from gloas on, its envelope's
// (fetched by the block's root; none when the node has no envelope, a
// payload its builder withheld) without the builders' withdrawals, with
// the positions of those kept in the payload (nil when none was left out)
// and the envelope.
func (s *sweeper) withdrawalsOf(ctx context.Context, slot uint64, blk *beaconstate.Object) ([]beaconstate.Withdrawal, []int, *beaconstate.Object, error) {
	ws, err := blk.Withdrawals()
	if err == nil {
		return ws, nil, nil, nil
	}
	if !errors.Is(err, beaconstate.ErrNoField) {
		return nil, nil, nil, newErr(fmt.Sprintf("%s: block at slot %d: %v", s.what, slot, err), ErrBadResponse, err)
	}
	if f, ferr := fork.Lookup(blk.Fork); ferr != nil || !f.Has(fork.PayloadInEnvelope) {
		return nil, nil, nil, newErr(fmt.Sprintf("%s: the %s block at slot %d has no execution payload withdrawals (before capella there are none)",
			s.what, blk.Fork, slot), ErrWithdrawalNotFound, err)
	}
	env, err := s.envelopeOf(ctx, slot, blk)
	if env == nil || err != nil {
		return nil, nil, nil, err
	}
	if ws, err = env.Withdrawals(); err != nil {
		env.Close()
		return nil, nil, nil, newErr(fmt.Sprintf("%s: envelope of the block at slot %d: %v", s.what, slot, err), ErrBadResponse, err)
	}
	var kept []beaconstate.Withdrawal
	var pos []int
	for i, w := range ws {
		if w.ValidatorIndex&BuilderIndexFlag == 0 {
			kept, pos = append(kept, w), append(pos, i)
		}
	}
	if len(kept) == len(ws) {
		pos = nil
	}
	return kept, pos, env, nil
}

// envelopeOf fetches the envelope of a gloas block by its root: nil, and
// no error, when the node has none (a withheld payload).
func (s *sweeper) envelopeOf(ctx context.Context, slot uint64, blk *beaconstate.Object) (*beaconstate.Object, error) {
	msg, err := BlockMessage(blk)
	if err != nil {
		return nil, newErr(fmt.Sprintf("%s: block at slot %d: %v", s.what, slot, err), ErrBadResponse, err)
	}
	root, err := msg.Root()
	if err != nil {
		return nil, newErr(fmt.Sprintf("%s: block at slot %d: %v", s.what, slot, err), ErrBadResponse, err)
	}
	env, err := s.c.Envelope(ctx, RootID(root))
	if errors.Is(err, ErrNotFound) {
		return nil, nil
	}
	return env, err
}
