package staking

import (
	"fmt"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// The claims of a block in its own post-state, and of an old block's
// header under a later state's historical_summaries: what a verifier needs
// that hashes whole block headers against the EIP-4788 root and proves a
// withdrawal through the paying block's post-state (Lido CSM's CSVerifier).

// BlockHeaderValue is the value of the block header kinds: a
// BeaconBlockHeader with its state_root filled in, whose hash tree root is
// the block's root.
type BlockHeaderValue struct {
	Slot          U64          `json:"slot"`
	ProposerIndex U64          `json:"proposer_index"`
	ParentRoot    proof.Hash32 `json:"parent_root"`
	StateRoot     proof.Hash32 `json:"state_root"`
	BodyRoot      proof.Hash32 `json:"body_root"`
	// HistoricalSummaryIndex is set for historical_block_header: the entry
	// of historical_summaries the proof goes through.
	HistoricalSummaryIndex *U64 `json:"historical_summary_index,omitempty"`
}

func (BlockHeaderValue) claimValue() {}

// BlockHeaderRoot returns the hash tree root of the header in the fork's
// schemas: the root of the block it heads.
func BlockHeaderRoot(s *fork.Schemas, h BlockHeaderValue) ([32]byte, error) {
	return encodedRoot(s.BeaconBlockHeader, "BeaconBlockHeader", map[string]any{
		"slot": uint64(h.Slot), "proposer_index": uint64(h.ProposerIndex),
		"parent_root": h.ParentRoot[:], "state_root": h.StateRoot[:], "body_root": h.BodyRoot[:],
	})
}

// BlockHeader returns the header of the anchor block (the state's latest
// block, with the state's root as its state_root) as a claim: the proof of
// the state root under the block root (gindex 11, as StateRootProof),
// whose branch is the rest of the header, so that the whole header, the
// value, hashes to the anchor. It needs AnchorBlock.
func (sp *StateProver) BlockHeader() (Claim, error) {
	obj := sp.p.Object()
	if sp.toAnchor == nil {
		return Claim{}, errorf(obj, "%w: a block header is the root of a block anchor, not of a state anchor", proof.ErrMalformed)
	}
	h, err := obj.Member("latest_block_header")
	if err != nil {
		return Claim{}, err
	}
	v := BlockHeaderValue{StateRoot: sp.p.Root()}
	slot, err := h.Uint64("slot")
	if err != nil {
		return Claim{}, err
	}
	proposer, err := h.Uint64("proposer_index")
	if err != nil {
		return Claim{}, err
	}
	v.Slot, v.ProposerIndex = U64(slot), U64(proposer)
	for _, f := range []struct {
		name string
		dst  *proof.Hash32
	}{{"parent_root", &v.ParentRoot}, {"body_root", &v.BodyRoot}} {
		b, _, err := h.Field(f.name)
		if err != nil {
			return Claim{}, err
		}
		copy(f.dst[:], b)
	}
	pr := *sp.toAnchor
	pr.Branch = append([][32]byte(nil), pr.Branch...)
	c := Claim{Kind: KindBlockHeader, Path: "state_root", Anchor: sp.anchor, Proof: pr}
	if err := c.Proof.Verify(sp.anchor.Root); err != nil {
		return Claim{}, errorf(obj, "internal error: block header proof does not verify: %w", err)
	}
	return newClaim(obj, sp.checkContext(), c, v)
}

func checkBlockHeader(x CheckContext, c Claim, v *BlockHeaderValue) error {
	if x.Anchor != AnchorBlock {
		return fmt.Errorf("%w: a block header needs a block anchor, not %q", proof.ErrMalformed, x.Anchor)
	}
	if c.Path != "state_root" {
		return fmt.Errorf("%w: a block header's path is \"state_root\", not %q", beaconstate.ErrPathMismatch, c.Path)
	}
	g, _, err := stateGindex(x, "")
	if err != nil || v == nil {
		return err
	}
	h := *v
	if h.HistoricalSummaryIndex != nil {
		return fmt.Errorf("%w: the anchor's header has no historical_summary_index", proof.ErrMalformed)
	}
	if !x.SlotUnknown && uint64(h.Slot) != x.Slot {
		return fmt.Errorf("%w: the header is at slot %d, the anchor at slot %d", proof.ErrMalformed, h.Slot, x.Slot)
	}
	s, err := fork.SchemasOf(x.Fork, x.Preset)
	if err != nil {
		return err
	}
	if err := checkLeaf(g, c, h.StateRoot); err != nil {
		return err
	}
	root, err := BlockHeaderRoot(s, h)
	if err != nil {
		return err
	}
	if got, err := c.Proof.Root(); err != nil || got != root {
		return fmt.Errorf("%w: the header hashes to %s, its proof to %s (%v)", proof.ErrRootMismatch, proof.FormatHash(root), proof.FormatHash(got), err)
	}
	return nil
}

// PostStateWithdrawalGindex returns the generalized index of withdrawal n
// of the payload of a state's own block, in a BeaconState of the fork and
// preset ("" means mainnet) below the anchor:
// latest_execution_payload_header.withdrawals_root, then entry n of the
// payload's withdrawals list (capella to fulu; from gloas the payload is
// not in the block). It is the Gindex of PostStateWithdrawal's proof.
func PostStateWithdrawalGindex(forkName, preset string, anchor AnchorKind, n uint64) (proof.Gindex, error) {
	f, err := fork.Lookup(forkName)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %w", err)
	}
	if !f.Has(fork.Withdrawals) || !f.Has(fork.PayloadInBlock) {
		return proof.Gindex{}, fmt.Errorf("staking: %w: a %s state has no latest_execution_payload_header.withdrawals_root (capella to fulu)",
			beaconstate.ErrNoField, forkName)
	}
	g, err := AnchoredGindex(forkName, preset, anchor, postStateWithdrawalsRoot)
	if err != nil {
		return proof.Gindex{}, err
	}
	s, err := fork.SchemasOf(forkName, preset)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %w", err)
	}
	_, lt, err := s.BeaconBlock.Gindex("body.execution_payload.withdrawals")
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %s BeaconBlock: %w", forkName, err)
	}
	ig, _, err := lt.Gindex(fmt.Sprintf("[%d]", n))
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: withdrawal %d: %w", n, err)
	}
	return g.Concat(ig), nil
}

// postStateWithdrawalsRoot is the state path of the root of the state's
// own block's withdrawals.
const postStateWithdrawalsRoot = "latest_execution_payload_header.withdrawals_root"

// postStateWithdrawalPath is the path of a post_state_withdrawal claim.
func postStateWithdrawalPath(n uint64) string {
	return fmt.Sprintf("%s -> withdrawals[%d]", postStateWithdrawalsRoot, n)
}

// PostStateWithdrawal proves withdrawal n of the execution payload of the
// block whose post-state the state is, in that post-state: state ->
// latest_execution_payload_header.withdrawals_root -> withdrawals[n] (the
// payload's list, which block gives), as one branch. block is that block
// (its root must be the root of the state's latest block, with the state's
// root as its state_root: the state must be the block's post-state). The
// value is the withdrawal with the state's slot and its number; the kind
// is KindPostStateWithdrawal. Capella to fulu.
func (sp *StateProver) PostStateWithdrawal(block *beaconstate.Object, n uint64) (Claim, error) {
	obj := sp.p.Object()
	if block == nil {
		return Claim{}, errorf(obj, "post-state withdrawal proof: no block")
	}
	b, err := unsignedBlock(block)
	if err != nil {
		return Claim{}, err
	}
	if _, err := PostStateWithdrawalGindex(obj.Fork, obj.Preset, AnchorState, n); err != nil {
		return Claim{}, errorf(obj, "%w", err)
	}
	_, stateBlock, err := postStateHeader(obj, sp.p.Root())
	if err != nil {
		return Claim{}, err
	}
	bp, err := beaconstate.NewProver(b)
	if err != nil {
		return Claim{}, err
	}
	if b.Fork != obj.Fork || b.Preset != obj.Preset || bp.Root() != stateBlock {
		return Claim{}, errorf(obj, "%w: the %s block's root is %s, the state's latest block's %s: give the block the state is the post-state of",
			ErrNotPostState, b.Fork, proof.FormatHash(bp.Root()), proof.FormatHash(stateBlock))
	}
	w, err := b.Withdrawal(n)
	if err != nil {
		return Claim{}, err
	}
	inner, err := listEntryProof(b, n)
	if err != nil {
		return Claim{}, err
	}
	outer, err := sp.p.Prove(postStateWithdrawalsRoot)
	if err != nil {
		return Claim{}, err
	}
	return sp.finish(KindPostStateWithdrawal, postStateWithdrawalPath(n), WithdrawalValue{Slot: sp.slot, Num: n, Withdrawal: w}, outer, inner)
}

// listEntryProof proves withdrawal n of the block's payload against the
// root of the withdrawals list.
func listEntryProof(b *beaconstate.Object, n uint64) (proof.Proof, error) {
	wpath, err := b.WithdrawalsPath()
	if err != nil {
		return proof.Proof{}, err
	}
	lb, lt, err := b.Field(wpath)
	if err != nil {
		return proof.Proof{}, err
	}
	tree, err := ssz.NewTree(lt, lb)
	if err != nil {
		return proof.Proof{}, errorf(b, "%s: %w", wpath, err)
	}
	g, _, err := lt.Gindex(fmt.Sprintf("[%d]", n))
	if err != nil {
		return proof.Proof{}, errorf(b, "%s[%d]: %w", wpath, n, err)
	}
	p, err := tree.Prove(g)
	if err != nil {
		return proof.Proof{}, errorf(b, "%s[%d]: %w", wpath, n, err)
	}
	return p, nil
}

func checkPostStateWithdrawal(x CheckContext, c Claim, v *WithdrawalValue) error {
	if x.SlotUnknown {
		return fmt.Errorf("%w: a post-state withdrawal proof needs the anchor's slot", proof.ErrMalformed)
	}
	if v == nil {
		return nil
	}
	w := *v
	if w.Slot != x.Slot {
		return fmt.Errorf("%w: the withdrawal is at slot %d, the post-state at slot %d", proof.ErrMalformed, w.Slot, x.Slot)
	}
	if want := postStateWithdrawalPath(w.Num); c.Path != want {
		return fmt.Errorf("%w: the value is withdrawal %d, whose path is %q, not %q", beaconstate.ErrPathMismatch, w.Num, want, c.Path)
	}
	g, err := PostStateWithdrawalGindex(x.Fork, x.Preset, x.Anchor, w.Num)
	if err != nil {
		return err
	}
	return checkWithdrawalLeaf(x, g, c, w)
}

// HistoricalBlockRootGindex returns the generalized index of the root of
// the block at blockSlot in a BeaconState of the fork and preset ("" means
// mainnet) at stateSlot, below the anchor, always through
// historical_summaries: historical_summaries[blockSlot/n −
// offset].block_summary_root, then entry blockSlot % n of the era's
// block_roots (n = SLOTS_PER_HISTORICAL_ROOT). The era's summary must be
// in the state (stateSlot ≥ (blockSlot/n + 1)·n). net gives the offset
// (nil means mainnet). It also returns the summary's index. It is the
// Gindex of HistoricalBlockHeader's proof.
func HistoricalBlockRootGindex(forkName, preset string, net *fork.Network, anchor AnchorKind, stateSlot, blockSlot uint64) (proof.Gindex, uint64, error) {
	s, err := fork.SchemasOf(forkName, preset)
	if err != nil {
		return proof.Gindex{}, 0, fmt.Errorf("staking: %w", err)
	}
	sphr := s.Preset.SlotsPerHistoricalRoot
	r, err := summaryRoute(stateSlot, blockSlot, sphr, "block_roots", net)
	if err != nil {
		return proof.Gindex{}, 0, fmt.Errorf("staking: %w", err)
	}
	g, err := AnchoredGindex(forkName, preset, anchor, r.statePath)
	if err != nil {
		return proof.Gindex{}, 0, err
	}
	eg, _, err := ssz.Vector(ssz.Bytes32, sphr).Gindex(fmt.Sprintf("[%d]", r.index))
	if err != nil {
		return proof.Gindex{}, 0, fmt.Errorf("staking: %w", err)
	}
	return g.Concat(eg), r.k, nil
}

// HistoricalBlockHeader proves that the state's historical_summaries hold
// the root of the block whose header is h (with its state_root; for
// instance BlockHeader's value from the block's post-state):
// historical_summaries[k].block_summary_root -> the era's block_roots
// [slot % n], as one branch, whatever the block's age once its era's
// summary is in the state (see HistoricalBlockRootGindex). eraBlockRoots
// is the era's block_roots vector; net gives the historical_summaries
// offset (nil means mainnet). The value is the header with its summary
// index; the kind is KindHistoricalBlockHeader.
func (sp *StateProver) HistoricalBlockHeader(h BlockHeaderValue, eraBlockRoots []byte, net *fork.Network) (Claim, error) {
	obj := sp.p.Object()
	h.HistoricalSummaryIndex = nil
	root, err := BlockHeaderRoot(sp.schemas, h)
	if err != nil {
		return Claim{}, errorf(obj, "%w", err)
	}
	r, err := summaryRoute(sp.slot, uint64(h.Slot), sp.schemas.Preset.SlotsPerHistoricalRoot, "block_roots", net)
	if err != nil {
		return Claim{}, errorf(obj, "%w", err)
	}
	what := fmt.Sprintf("the block at slot %d", h.Slot)
	proofs, path, err := sp.proveRoute(r, uint64(h.Slot), "block_roots", root, what, eraBlockRoots, "the era's block roots")
	if err != nil {
		return Claim{}, err
	}
	k := U64(r.k)
	h.HistoricalSummaryIndex = &k
	x := sp.checkContext()
	x.Network = net
	return sp.finishWith(x, KindHistoricalBlockHeader, path, h, proofs...)
}

func checkHistoricalBlockHeader(x CheckContext, c Claim, v *BlockHeaderValue) error {
	if x.SlotUnknown {
		return fmt.Errorf("%w: a historical block header proof needs the anchor's slot", proof.ErrMalformed)
	}
	if v == nil {
		return nil
	}
	h := *v
	g, k, err := HistoricalBlockRootGindex(x.Fork, x.Preset, x.Network, x.Anchor, x.Slot, uint64(h.Slot))
	if err != nil {
		return err
	}
	if h.HistoricalSummaryIndex != nil && uint64(*h.HistoricalSummaryIndex) != k {
		return fmt.Errorf("%w: historical_summary_index is %d, the slot gives %d", proof.ErrMalformed, *h.HistoricalSummaryIndex, k)
	}
	s, err := fork.SchemasOf(x.Fork, x.Preset)
	if err != nil {
		return err
	}
	if want := fmt.Sprintf("historical_summaries[%d].block_summary_root -> [%d]", k, uint64(h.Slot)%s.Preset.SlotsPerHistoricalRoot); c.Path != want {
		return fmt.Errorf("%w: a header at slot %d is at %q, not %q", beaconstate.ErrPathMismatch, h.Slot, want, c.Path)
	}
	h.HistoricalSummaryIndex = nil
	root, err := BlockHeaderRoot(s, h)
	if err != nil {
		return err
	}
	return checkLeaf(g, c, root)
}
