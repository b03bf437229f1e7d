package staking

import (
	"fmt"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// WithdrawalIsRecent decides, in one place, how a withdrawal at slot ws is
// proved from a state at slot s: through the state's block_roots (or, from
// gloas, state_roots) (recent) or through historical_summaries
// (historical). Both vectors hold the roots of the slots s−n … s−1
// (n = SLOTS_PER_HISTORICAL_ROOT; entry slot % n is written when slot+1 is
// processed), so the oldest entry, ws = s−n, still counts as recent:
// recent iff ws < s ≤ ws + n, historical iff ws + n < s. This agrees with
// Rocket Pool's BeaconStateVerifier, which takes the historical branch only
// when ws + 8192 < s. A historical slot's era, ws / n, is complete in
// historical_summaries by then (its summary is appended at the era's last
// slot, before slot (ws/n + 1)·n ≤ ws + n < s). A withdrawal at or after s
// cannot be proved from the state at all. Withdrawal, GloasWithdrawal and
// WithdrawalGindex all decide through this function.
func WithdrawalIsRecent(s, ws, slotsPerHistoricalRoot uint64) (bool, error) {
	if ws >= s {
		return false, fmt.Errorf("%w: withdrawal slot %d is not before the state's slot %d", ErrWithdrawalSlot, ws, s)
	}
	return s-ws <= slotsPerHistoricalRoot, nil
}

// historyRoute is how a state reaches the root its history keeps for a
// past slot: the entry of one of its root vectors, or a historical summary
// and the entry of the era's vector.
type historyRoute struct {
	recent    bool
	statePath string // "block_roots[i]" or "historical_summaries[k].block_summary_root"
	era, k    uint64 // historical: the era (ws / n) and its summary index
	index     uint64 // ws % n: the entry in the state's vector or the era's
}

// routeTo decides (through WithdrawalIsRecent) the route from a state at
// slot s to the entry for slot ws of vector ("block_roots" or
// "state_roots"; historical summaries hold the matching
// "block_summary_root" or "state_summary_root"). net gives the
// historical_summaries offset (nil: mainnet).
func routeTo(s, ws, sphr uint64, vector string, net *fork.Network) (historyRoute, error) {
	recent, err := WithdrawalIsRecent(s, ws, sphr)
	if err != nil {
		return historyRoute{}, err
	}
	r := historyRoute{recent: recent, index: ws % sphr}
	if recent {
		r.statePath = fmt.Sprintf("%s[%d]", vector, r.index)
		return r, nil
	}
	return summaryRoute(s, ws, sphr, vector, net)
}

// summaryRoute is the route from a state at slot s to the entry for slot
// ws of vector through historical_summaries, which must hold ws's era:
// its summary is appended when the era's last slot is processed, so it is
// in every state from slot (ws/n + 1)·n on. net gives the
// historical_summaries offset (nil: mainnet).
func summaryRoute(s, ws, sphr uint64, vector string, net *fork.Network) (historyRoute, error) {
	r := historyRoute{index: ws % sphr, era: ws / sphr}
	if ws >= s || (r.era+1)*sphr > s {
		return historyRoute{}, fmt.Errorf("%w: slot %d's era %d is not in historical_summaries of a state at slot %d (from slot %d on)",
			ErrWithdrawalSlot, ws, r.era, s, (r.era+1)*sphr)
	}
	var err error
	if net == nil {
		if net, err = fork.NetworkByName("mainnet"); err != nil {
			return historyRoute{}, err
		}
	}
	offset, err := net.HistoricalSummariesOffset()
	if err != nil {
		return historyRoute{}, err
	}
	if r.era < offset {
		return historyRoute{}, fmt.Errorf("%w: slot %d is in era %d, before Capella's era %d on %s: historical_summaries does not cover it",
			ErrWithdrawalSlot, ws, r.era, offset, net.Name)
	}
	r.k = r.era - offset
	summary := strings.TrimSuffix(vector, "_roots") + "_summary_root"
	r.statePath = fmt.Sprintf("historical_summaries[%d].%s", r.k, summary)
	return r, nil
}

// proveHistory proves that the state's history holds leaf for slot ws in
// vector (see routeTo): the proofs, outermost first and starting at the
// state root, and the path. what names the leaf in errors ("the block at
// slot 5"); eraVector is the era's vector for a historical route, named
// eraName in errors.
func (sp *StateProver) proveHistory(ws uint64, vector string, leaf [32]byte, what string, eraVector []byte, eraName string, net *fork.Network) ([]proof.Proof, string, historyRoute, error) {
	r, err := routeTo(sp.slot, ws, sp.schemas.Preset.SlotsPerHistoricalRoot, vector, net)
	if err != nil {
		return nil, "", r, errorf(sp.p.Object(), "%w", err)
	}
	proofs, path, err := sp.proveRoute(r, ws, vector, leaf, what, eraVector, eraName)
	return proofs, path, r, err
}

// proveRoute proves, along the route r to slot ws's entry of vector, that
// the state's history holds leaf (see proveHistory).
func (sp *StateProver) proveRoute(r historyRoute, ws uint64, vector string, leaf [32]byte, what string, eraVector []byte, eraName string) ([]proof.Proof, string, error) {
	obj := sp.p.Object()
	sphr := sp.schemas.Preset.SlotsPerHistoricalRoot
	sproof, err := sp.p.Prove(r.statePath)
	if err != nil {
		return nil, "", err
	}
	if r.recent {
		if sproof.Leaf != leaf {
			return nil, "", errorf(obj, "%s is %s but %s has root %s: it is not in this state's history",
				r.statePath, proof.FormatHash(sproof.Leaf), what, proof.FormatHash(leaf))
		}
		return []proof.Proof{sproof}, r.statePath, nil
	}
	if eraVector == nil {
		return nil, "", errorf(obj, "%s is %d slots before the state, in era %d (historical_summaries[%d]): the era's %s are needed (%s)",
			what, sp.slot-ws, r.era, r.k, vector, eraName)
	}
	vt := ssz.Vector(ssz.Bytes32, sphr)
	et, err := ssz.NewTree(vt, eraVector)
	if err != nil {
		return nil, "", errorf(obj, "era %d %s: %w", r.era, vector, err)
	}
	eraRoot, err := et.Root()
	if err != nil {
		return nil, "", errorf(obj, "era %d %s: %w", r.era, vector, err)
	}
	if eraRoot != sproof.Leaf {
		return nil, "", errorf(obj, "the %s given for era %d hash to %s but %s is %s",
			vector, r.era, proof.FormatHash(eraRoot), r.statePath, proof.FormatHash(sproof.Leaf))
	}
	g, _, err := vt.Gindex(fmt.Sprintf("[%d]", r.index))
	if err != nil {
		return nil, "", errorf(obj, "%w", err)
	}
	eproof, err := et.Prove(g)
	if err != nil {
		return nil, "", errorf(obj, "era %d %s[%d]: %w", r.era, vector, r.index, err)
	}
	if eproof.Leaf != leaf {
		return nil, "", errorf(obj, "era %d %s[%d] is %s but %s has root %s",
			r.era, vector, r.index, proof.FormatHash(eproof.Leaf), what, proof.FormatHash(leaf))
	}
	return []proof.Proof{sproof, eproof}, historyPath(r), nil
}

// historyPath is the path of a historical route's entry:
// "historical_summaries[k].block_summary_root -> [i]".
func historyPath(r historyRoute) string { return fmt.Sprintf("%s -> [%d]", r.statePath, r.index) }

// WithdrawalSource is what a withdrawal proof needs besides the state.
type WithdrawalSource struct {
	// Block is the BeaconBlock or SignedBeaconBlock at the withdrawal slot
	// (capella to fulu: its execution payload holds the withdrawals; from
	// gloas use GloasWithdrawal).
	Block *beaconstate.Object
	// EraBlockRoots is the block_roots vector of the era that holds the
	// block (for instance from the state at the next era's first slot —
	// the state at the era's last slot still lacks its last entry — or
	// an era file). Only a historical proof needs it.
	EraBlockRoots []byte
	// Network gives the historical_summaries offset (the Capella fork's
	// era: 758 on mainnet, 0 on hoodi); nil means mainnet.
	Network *fork.Network
}

// Withdrawal proves withdrawal n of the block's execution payload, through
// the state's block_roots when the block is recent and through
// historical_summaries[ws/n − offset].block_summary_root and the era's
// block_roots otherwise (see WithdrawalIsRecent): state -> block root ->
// body.execution_payload.withdrawals[n], as one branch. The value is the
// withdrawal with its slot and number (and, historical, the summary
// index). The kind is KindWithdrawal or KindHistoricalWithdrawal.
func (sp *StateProver) Withdrawal(src WithdrawalSource, n uint64) (Claim, error) {
	obj := sp.p.Object()
	if src.Block == nil {
		return Claim{}, errorf(obj, "withdrawal proof: no block")
	}
	block, err := unsignedBlock(src.Block)
	if err != nil {
		return Claim{}, err
	}
	if f, err := fork.Lookup(block.Fork); err == nil && f.Has(fork.PayloadInEnvelope) {
		return Claim{}, errorf(block, "%w: a %s block carries no execution payload: prove the withdrawal with GloasWithdrawal and the state at the block's slot",
			beaconstate.ErrNoField, block.Fork)
	}
	ws, err := block.Uint64("slot")
	if err != nil {
		return Claim{}, err
	}
	bp, err := beaconstate.NewProver(block)
	if err != nil {
		return Claim{}, err
	}
	wpath, err := block.WithdrawalsPath()
	if err != nil {
		return Claim{}, err
	}
	wpath = fmt.Sprintf("%s[%d]", wpath, n)
	wproof, err := bp.Prove(wpath)
	if err != nil {
		return Claim{}, err
	}
	w, err := block.Withdrawal(n)
	if err != nil {
		return Claim{}, err
	}
	proofs, path, r, err := sp.proveHistory(ws, "block_roots", bp.Root(), fmt.Sprintf("the block at slot %d", ws),
		src.EraBlockRoots, "WithdrawalSource.EraBlockRoots", src.Network)
	if err != nil {
		return Claim{}, err
	}
	value := WithdrawalValue{Slot: ws, Num: n, Withdrawal: w}
	kind := KindWithdrawal
	if !r.recent {
		kind = KindHistoricalWithdrawal
		value.HistoricalSummaryIndex = &r.k
	}
	x := sp.checkContext()
	x.BlockFork, x.Network = block.Fork, src.Network
	return sp.finishWith(x, kind, path+" -> "+wpath, value, append(proofs, wproof)...)
}

// unsignedBlock returns the BeaconBlock of a BeaconBlock or SignedBeaconBlock.
func unsignedBlock(o *beaconstate.Object) (*beaconstate.Object, error) {
	b, err := o.Unsigned()
	if err != nil {
		return nil, err
	}
	if b.TypeName != "BeaconBlock" {
		return nil, errorf(o, "want a BeaconBlock or SignedBeaconBlock")
	}
	return b, nil
}
