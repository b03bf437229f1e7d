package staking

import (
	"fmt"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// This file computes the generalized indices of the StateProver's proofs
// from the schemas alone, for verifiers (a contract's constants) and for
// checking proofs of states one does not have. Each function takes the same
// route as the prover, so a gindex from here equals the Gindex of the
// matching Claim's proof.

// anchorGindex returns the gindex of the state root below the anchor: the
// root itself for AnchorState, the block header's state_root (11) for
// AnchorBlock.
func anchorGindex(s *fork.Schemas, anchor AnchorKind) (proof.Gindex, error) {
	switch anchor {
	case AnchorState:
		return proof.Root, nil
	case AnchorBlock:
		g, _, err := s.BeaconBlockHeader.Gindex("state_root")
		return g, err
	}
	_, err := ParseAnchorKind(string(anchor))
	return proof.Gindex{}, err
}

// AnchoredGindex returns the generalized index of path in a BeaconState of
// the fork and preset ("" means mainnet), below the anchor: the state root
// (AnchorState) or the root of the block whose post-state it is
// (AnchorBlock: the header's state_root, 11, then the path). The empty path
// names the state root itself (11 under AnchorBlock). List indices are
// checked against the list's limit only. It equals the Gindex of the proof
// of a StateProver with that anchor for the same path ("validators[5]",
// "balances[9]" (the chunk), "slot", "pending_deposits[0]", ...).
func AnchoredGindex(forkName, preset string, anchor AnchorKind, path string) (proof.Gindex, error) {
	s, err := fork.SchemasOf(forkName, preset)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %w", err)
	}
	a, err := anchorGindex(s, anchor)
	if err != nil {
		return proof.Gindex{}, err
	}
	g, _, err := s.BeaconState.Gindex(path)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %s BeaconState: path %q: %w", forkName, path, err)
	}
	return a.Concat(g), nil
}

// WithdrawalLocation says where a withdrawal proof goes, for
// WithdrawalGindex: withdrawal N of the block at WithdrawalSlot, proved
// from a state at StateSlot, below the anchor.
type WithdrawalLocation struct {
	// StateFork is the fork of the state the proof starts from;
	// BlockFork is the fork of the withdrawal slot ("" means StateFork).
	// StateFork must be BlockFork or a later fork.
	StateFork, BlockFork string
	// Preset is the preset's name ("" means fork.DefaultPreset).
	Preset string
	// Anchor is the root the proof ends at.
	Anchor AnchorKind
	// StateSlot is the state's slot; WithdrawalSlot the block's.
	StateSlot, WithdrawalSlot uint64
	// N is the withdrawal's position in its payload's withdrawals.
	N uint64
	// Network gives the historical_summaries offset (758 on mainnet, 0
	// on hoodi); nil means mainnet.
	Network *fork.Network
}

// WithdrawalGindex returns the generalized index of the withdrawal at loc,
// as Withdrawal and GloasWithdrawal prove it:
//
//   - a block fork with the payload in the block (capella to fulu):
//     recent (WithdrawalIsRecent) block_roots[ws % n] -> the block's
//     body.execution_payload.withdrawals[n]; historical
//     historical_summaries[ws/n − offset].block_summary_root -> [ws % n]
//     -> the same block path;
//   - a block fork with the payload in an envelope (gloas on): the same
//     through state_roots and state_summary_root to the state at ws, then
//     its payload_expected_withdrawals[n].
func WithdrawalGindex(loc WithdrawalLocation) (proof.Gindex, error) {
	if loc.BlockFork == "" {
		loc.BlockFork = loc.StateFork
	}
	s, err := fork.SchemasOf(loc.StateFork, loc.Preset)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %w", err)
	}
	bs, err := fork.SchemasOf(loc.BlockFork, loc.Preset)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %w", err)
	}
	vector, inner, innerPath, err := withdrawalRoute(loc, bs)
	if err != nil {
		return proof.Gindex{}, err
	}
	sphr := s.Preset.SlotsPerHistoricalRoot
	r, err := routeTo(loc.StateSlot, loc.WithdrawalSlot, sphr, vector, loc.Network)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %w", err)
	}
	a, err := anchorGindex(s, loc.Anchor)
	if err != nil {
		return proof.Gindex{}, err
	}
	g, _, err := s.BeaconState.Gindex(r.statePath)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %s BeaconState: path %q: %w", loc.StateFork, r.statePath, err)
	}
	parts := []proof.Gindex{a, g}
	if !r.recent {
		eg, _, err := ssz.Vector(ssz.Bytes32, sphr).Gindex(fmt.Sprintf("[%d]", r.index))
		if err != nil {
			return proof.Gindex{}, fmt.Errorf("staking: %w", err)
		}
		parts = append(parts, eg)
	}
	ig, _, err := inner.Gindex(innerPath)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %s %s: path %q: %w", loc.BlockFork, inner.Name, innerPath, err)
	}
	return proof.Concat(append(parts, ig)...), nil
}

// withdrawalRoute checks that loc's forks can hold a withdrawal proof and
// returns the state vector the proof goes through (block_roots, or
// state_roots when the block fork's payload is in an envelope), the type
// it leads to in the block fork's schemas bs, and the withdrawal's path in
// that type.
func withdrawalRoute(loc WithdrawalLocation, bs *fork.Schemas) (vector string, inner *ssz.Type, innerPath string, err error) {
	sf, err := fork.Lookup(loc.StateFork)
	if err != nil {
		return "", nil, "", fmt.Errorf("staking: %w", err)
	}
	bf, err := fork.Lookup(loc.BlockFork)
	if err != nil {
		return "", nil, "", fmt.Errorf("staking: %w", err)
	}
	if !sf.Descends(loc.BlockFork) {
		return "", nil, "", fmt.Errorf("staking: a %s state cannot hold a %s block in its history", loc.StateFork, loc.BlockFork)
	}
	if !bf.Has(fork.Withdrawals) {
		return "", nil, "", fmt.Errorf("staking: %w: %s blocks have no withdrawals (capella on)", beaconstate.ErrNoField, loc.BlockFork)
	}
	if bf.Has(fork.PayloadInEnvelope) {
		return "state_roots", bs.BeaconState, fmt.Sprintf("payload_expected_withdrawals[%d]", loc.N), nil
	}
	return "block_roots", bs.BeaconBlock, fmt.Sprintf("body.execution_payload.withdrawals[%d]", loc.N), nil
}

// BlockFieldGindex returns the generalized index of a BlockFields field
// ("slot", "block_hash", ...) in a BeaconBlock of the fork and preset (""
// means mainnet): the Gindex of ProveBlockField's proof, below the block
// root.
func BlockFieldGindex(forkName, preset, field string) (proof.Gindex, error) {
	s, err := fork.SchemasOf(forkName, preset)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %w", err)
	}
	path, err := blockFieldPath(forkName, field)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %s BeaconBlock: %w", forkName, err)
	}
	g, _, err := s.BeaconBlock.Gindex(path)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("staking: %s BeaconBlock: path %q: %w", forkName, path, err)
	}
	return g, nil
}

// Locate returns the withdrawal's generalized index below the anchor
// (WithdrawalGindex, the network mainnet when none is given), whether the
// proof is historical (the withdrawal's slot is SLOTS_PER_HISTORICAL_ROOT
// or more before the state's) and then the entry of
// historical_summaries it goes through.
func (w WithdrawalLocation) Locate() (g proof.Gindex, historical bool, summary uint64, err error) {
	if w.StateFork == "" {
		return g, false, 0, fmt.Errorf("%w: no fork named", proof.ErrMalformed)
	}
	s, err := fork.SchemasOf(w.StateFork, w.Preset)
	if err != nil {
		return g, false, 0, err
	}
	net := w.Network
	if net == nil {
		if net, err = fork.NetworkByName("mainnet"); err != nil {
			return g, false, 0, err
		}
	}
	sphr := s.Preset.SlotsPerHistoricalRoot
	recent, err := WithdrawalIsRecent(w.StateSlot, w.WithdrawalSlot, sphr)
	if err != nil {
		return g, false, 0, err
	}
	if !recent {
		offset, err := net.HistoricalSummariesOffset()
		if err != nil {
			return g, false, 0, err
		}
		if era := w.WithdrawalSlot / sphr; era >= offset {
			summary = era - offset
		}
	}
	w.Network = net
	g, err = WithdrawalGindex(w)
	return g, !recent, summary, err
}
