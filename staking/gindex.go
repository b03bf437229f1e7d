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

// gindexSchemas returns the schemas of a fork and preset ("" means mainnet).
func gindexSchemas(forkName, preset string) (*fork.Schemas, error) {
	s, err := fork.SchemasOf(forkName, preset)
	if err != nil {
		return nil, fmt.Errorf("staking: %w", err)
	}
	return s, nil
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
	s, err := gindexSchemas(forkName, preset)
	if err != nil {
		return proof.Gindex{}, err
	}
	a, err := anchorGindex(s, anchor)
	if err != nil {
		return proof.Gindex{}, err
	}
	g, _, err := s.BeaconState.Gindex(path)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %s BeaconState: path %q: %w", forkName, path, err)
	}
	return a.Concat(g), nil
}

// WithdrawalGindex returns the generalized index of withdrawal n of the
// withdrawal slot withdrawalSlot, proved from a state of stateFork at
// stateSlot, below the anchor, as Withdrawal and GloasWithdrawal prove it:
//
//   - blockFork (the fork of the withdrawal slot) capella to fulu: recent
//     (WithdrawalIsRecent) block_roots[ws % n] -> the block's
//     body.execution_payload.withdrawals[n]; historical
//     historical_summaries[ws/n − offset].block_summary_root -> [ws % n]
//     -> the same block path;
//   - blockFork gloas on: the same through state_roots and
//     state_summary_root to the state at ws, then its
//     payload_expected_withdrawals[n].
//
// net gives the historical_summaries offset (758 on mainnet, 0 on hoodi);
// nil means mainnet. stateFork must be blockFork or a later fork.
func WithdrawalGindex(stateFork, blockFork, preset string, anchor AnchorKind, stateSlot, withdrawalSlot, n uint64, net *fork.Network) (proof.Gindex, error) {
	s, err := gindexSchemas(stateFork, preset)
	if err != nil {
		return proof.Gindex{}, err
	}
	bs, err := gindexSchemas(blockFork, preset)
	if err != nil {
		return proof.Gindex{}, err
	}
	sf, err := fork.Lookup(stateFork)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %w", err)
	}
	bf, err := fork.Lookup(blockFork)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %w", err)
	}
	if !sf.Descends(blockFork) {
		return proof.Gindex{}, fmt.Errorf("beaconstate: a %s state cannot hold a %s block in its history", stateFork, blockFork)
	}
	if !bf.Descends(fork.Capella) {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %w: %s blocks have no withdrawals (capella on)", beaconstate.ErrNoField, blockFork)
	}
	vector, inner, innerPath := "block_roots", bs.BeaconBlock, fmt.Sprintf("body.execution_payload.withdrawals[%d]", n)
	if bf.Descends(fork.Gloas) {
		vector, inner, innerPath = "state_roots", bs.BeaconState, fmt.Sprintf("payload_expected_withdrawals[%d]", n)
	}
	sphr := s.Preset.SlotsPerHistoricalRoot
	r, err := routeTo(stateSlot, withdrawalSlot, sphr, vector, net)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %w", err)
	}
	a, err := anchorGindex(s, anchor)
	if err != nil {
		return proof.Gindex{}, err
	}
	g, _, err := s.BeaconState.Gindex(r.statePath)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %s BeaconState: path %q: %w", stateFork, r.statePath, err)
	}
	parts := []proof.Gindex{a, g}
	if !r.recent {
		eg, _, err := ssz.Vector(ssz.Bytes32, sphr).Gindex(fmt.Sprintf("[%d]", r.index))
		if err != nil {
			return proof.Gindex{}, fmt.Errorf("beaconstate: %w", err)
		}
		parts = append(parts, eg)
	}
	ig, _, err := inner.Gindex(innerPath)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %s %s: path %q: %w", blockFork, inner.Name, innerPath, err)
	}
	return proof.Concat(append(parts, ig)...), nil
}

// BlockFieldGindex returns the generalized index of a BlockFields field
// ("slot", "block_hash", ...) in a BeaconBlock of the fork and preset (""
// means mainnet): the Gindex of ProveBlockField's proof, below the block
// root.
func BlockFieldGindex(forkName, preset, field string) (proof.Gindex, error) {
	s, err := gindexSchemas(forkName, preset)
	if err != nil {
		return proof.Gindex{}, err
	}
	path, err := blockFieldPath(forkName, field)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %s BeaconBlock: %w", forkName, err)
	}
	g, _, err := s.BeaconBlock.Gindex(path)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %s BeaconBlock: path %q: %w", forkName, path, err)
	}
	return g, nil
}

// WithdrawalRef locates a withdrawal proof: withdrawal Num of the slot
// WithdrawalSlot, proved from the state at StateSlot below the anchor.
type WithdrawalRef struct {
	// Fork and Preset are the state's ("" means mainnet).
	Fork, Preset string
	// BlockFork is the withdrawal slot's fork ("" means Fork).
	BlockFork string
	// Network gives the historical_summaries offset; nil means mainnet.
	Network                        *fork.Network
	Anchor                         AnchorKind
	StateSlot, WithdrawalSlot, Num uint64
}

// Locate returns the gindex of the withdrawal below the anchor's root (as
// WithdrawalGindex), whether the route is historical (WithdrawalIsRecent),
// and for a historical one the index into historical_summaries.
func (w WithdrawalRef) Locate() (g proof.Gindex, historical bool, summary uint64, err error) {
	if w.Fork == "" {
		return g, false, 0, fmt.Errorf("%w: no fork named", proof.ErrMalformed)
	}
	s, err := gindexSchemas(w.Fork, w.Preset)
	if err != nil {
		return g, false, 0, err
	}
	net := w.Network
	if net == nil {
		if net, err = fork.NetworkByName("mainnet"); err != nil {
			return g, false, 0, err
		}
	}
	blockFork := w.BlockFork
	if blockFork == "" {
		blockFork = w.Fork
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
	g, err = WithdrawalGindex(w.Fork, blockFork, w.Preset, w.Anchor, w.StateSlot, w.WithdrawalSlot, w.Num, net)
	return g, !recent, summary, err
}
