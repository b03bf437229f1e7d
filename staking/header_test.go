package staking

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
)

// peerHeader is the header of a block as go-eth2-client's tree of the
// block gives it: its first four fields' nodes and the body's root.
func peerHeader(t *testing.T, fx *chainFixture, p *peer) BlockHeaderValue {
	t.Helper()
	node := func(field string) [32]byte {
		g, err := beaconstate.Gindex(fx.fork, "", "BeaconBlock", field)
		if err != nil {
			t.Fatal(err)
		}
		return p.node(t, g)
	}
	slot, prop := node("slot"), node("proposer_index")
	return BlockHeaderValue{Slot: U64(binary.LittleEndian.Uint64(slot[:])), ProposerIndex: U64(binary.LittleEndian.Uint64(prop[:])),
		ParentRoot: node("parent_root"), StateRoot: node("state_root"), BodyRoot: node("body")}
}

// testChainPostState proves what Lido CSM's CSVerifier takes: the anchor
// block's header (its root go-eth2-client's block root), withdrawals 0
// and 2 of the block's payload in its post-state (the leaf go-eth2-client's
// node of the withdrawal in the block, the state's withdrawals_root its
// node of the block's withdrawals list), and the header of the block
// S − 8193 under historical_summaries.
func testChainPostState(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	if f, _ := fork.Lookup(fx.fork); f.Has(fork.PayloadInEnvelope) {
		_, err := sp.PostStateWithdrawal(fx.block, 0)
		wantErr(t, err, beaconstate.ErrNoField)
		return
	}
	for _, n := range []uint64{0, 2} {
		c, err := sp.PostStateWithdrawal(fx.block, n)
		if err != nil {
			t.Fatal(err)
		}
		g, err := PostStateWithdrawalGindex(fx.fork, "", a, n)
		if err != nil {
			t.Fatal(err)
		}
		fx.checkClaim(t, a, c, KindPostStateWithdrawal, g)
		wg, err := beaconstate.Gindex(fx.fork, "", "BeaconBlock", fmt.Sprintf("body.execution_payload.withdrawals[%d]", n))
		if err != nil {
			t.Fatal(err)
		}
		if want := fx.e2Block.node(t, wg); c.Proof.Leaf != want {
			t.Errorf("withdrawal %d: leaf %x, go-eth2-client %x", n, c.Proof.Leaf, want)
		}
		v := valueMap(t, c)
		if valueRoot(t, fx.s.Withdrawal, v) != c.Proof.Leaf || v["withdrawal_slot"] != fmt.Sprint(chainSlot) || v["index"] != fmt.Sprint(chainWithdrawals[n].Index) {
			t.Errorf("value %s", valueJSON(t, c))
		}
	}
	lg, err := beaconstate.Gindex(fx.fork, "", "BeaconBlock", "body.execution_payload.withdrawals")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := fx.statePeerNode(t, postStateWithdrawalsRoot), fx.e2Block.node(t, lg); got != want {
		t.Errorf("the state's withdrawals_root %x is not go-eth2-client's root of the block's withdrawals %x", got, want)
	}
	// Another block than the state's is refused.
	_, err = sp.PostStateWithdrawal(fx.past[chainSlot-8192].block, 0)
	wantErr(t, err, ErrNotPostState)
	if a == AnchorState {
		_, err := sp.BlockHeader()
		wantErr(t, err, proof.ErrMalformed)
	} else {
		testChainHeader(t, fx, sp)
	}
	testChainHistoricalHeader(t, fx, a, sp)
}

func testChainHeader(t *testing.T, fx *chainFixture, sp *StateProver) {
	c, err := sp.BlockHeader()
	if err != nil {
		t.Fatal(err)
	}
	fx.checkClaim(t, AnchorBlock, c, KindBlockHeader, anchored(t, fx.fork, AnchorBlock, ""))
	if c.Proof.Leaf != fx.e2State.root {
		t.Errorf("leaf %x, go-eth2-client's state root %x", c.Proof.Leaf, fx.e2State.root)
	}
	v, ok := c.Value.(BlockHeaderValue)
	if want := peerHeader(t, fx, fx.e2Block); !ok || v != want {
		t.Errorf("header %+v, go-eth2-client's block %+v", v, want)
	}
	if err := c.Check(CheckContext{Fork: fx.fork, Anchor: AnchorBlock, Slot: chainSlot}); err != nil {
		t.Error(err)
	}
	if err := c.Check(CheckContext{Fork: fx.fork, Anchor: AnchorBlock, Slot: chainSlot + 1}); err == nil {
		t.Error("a header at another slot than the anchor's passes")
	}
	// A header with another body (which the branch does not carry as is)
	// fails its check.
	bad := v
	bad.BodyRoot[0] ^= 1
	bc := c
	bc.Value = bad
	err = bc.Check(CheckContext{Fork: fx.fork, Anchor: AnchorBlock, Slot: chainSlot})
	wantErr(t, err, proof.ErrRootMismatch)
}

func testChainHistoricalHeader(t *testing.T, fx *chainFixture, a AnchorKind, sp *StateProver) {
	ws := chainSlot - 8193
	pf := fx.past[uint64(ws)]
	h := peerHeader(t, fx, pf.e2Block)
	c, err := sp.HistoricalBlockHeader(h, pf.EraBlockRoots, nil)
	if err != nil {
		t.Fatal(err)
	}
	g, k, err := HistoricalBlockRootGindex(fx.fork, "", nil, a, chainSlot, uint64(ws))
	if err != nil {
		t.Fatal(err)
	}
	fx.checkClaim(t, a, c, KindHistoricalBlockHeader, g)
	if c.Proof.Leaf != pf.e2Block.root || k != uint64(ws)/8192-758 {
		t.Errorf("leaf %x, go-eth2-client's block root %x; summary %d", c.Proof.Leaf, pf.e2Block.root, k)
	}
	v := valueMap(t, c)
	if v["historical_summary_index"] != fmt.Sprint(k) || v["slot"] != fmt.Sprint(ws) {
		t.Errorf("value %s", valueJSON(t, c))
	}
	// A header changed, or of an era not yet summarized, is refused.
	bad := h
	bad.ProposerIndex++
	if _, err := sp.HistoricalBlockHeader(bad, pf.EraBlockRoots, nil); err == nil {
		t.Error("a changed header is proved")
	}
	recent := h
	recent.Slot = chainSlot - 10
	_, err = sp.HistoricalBlockHeader(recent, pf.EraBlockRoots, nil)
	wantErr(t, err, ErrWithdrawalSlot)
}
