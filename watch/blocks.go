package watch

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
)

// scanBlocks reads the blocks from the cursor's (included) to the
// checkpoint's (excluded: its withdrawals are proved from the next
// checkpoint's state): their withdrawals to watched validators (kept,
// with the block, to prove them), and, for watched addresses, the
// deposits and BLS-to-execution changes that may bring new validators to
// them (candidates, resolved through the validators endpoint).
func (s *step) scanBlocks(ctx context.Context) error {
	var newIDs []string
	for slot := s.from; slot < s.target.Slot; slot++ {
		signed, err := s.w.cfg.Node.Block(ctx, beaconapi.SlotID(slot))
		if errors.Is(err, beaconapi.ErrNotFound) {
			continue // a missed slot
		}
		if err != nil {
			return fmt.Errorf("watch: block at slot %d: %w", slot, err)
		}
		ids, err := s.readBlock(ctx, slot, signed)
		if err != nil {
			return err
		}
		newIDs = append(newIDs, ids...)
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if len(newIDs) == 0 {
		return nil
	}
	for _, id := range newIDs {
		s.candidates[id], s.candUpdate[id] = true, true
	}
	return s.fetchValidators(ctx, newIDs)
}

// readBlock reads one block: it keeps the block when it pays a watched
// validator, and returns the candidates it names.
func (s *step) readBlock(ctx context.Context, slot uint64, signed *beaconstate.Object) ([]string, error) {
	block, err := beaconapi.BlockMessage(signed)
	if err != nil {
		signed.Close()
		return nil, fmt.Errorf("watch: block at slot %d: %w", slot, err)
	}
	keep := false
	defer func() {
		if !keep {
			signed.Close()
		}
	}()
	ws, err := block.Withdrawals()
	var env *beaconstate.Object // gloas on: the payload's envelope (gloas.go)
	if errors.Is(err, beaconstate.ErrNoField) && hasEnvelope(block) {
		if ws, env, err = s.envelopeWithdrawals(ctx, slot, block); err != nil {
			return nil, err
		}
	}
	if errors.Is(err, beaconstate.ErrNoField) && !s.warnedNoPayload {
		// before capella
		s.w.log.Warn("blocks without payload withdrawals: withdrawals are not watched", "slot", slot, "fork", block.Fork)
		s.warnedNoPayload = true
	} else if err != nil && !errors.Is(err, beaconstate.ErrNoField) {
		return nil, fmt.Errorf("watch: block at slot %d: %w", slot, err)
	}
	root, err := block.Root()
	if err != nil {
		return nil, err
	}
	for n, w := range ws {
		if w.ValidatorIndex&beaconapi.BuilderIndexFlag != 0 {
			continue // a gloas builder's withdrawal: no validator's
		}
		_, known := s.infos[w.ValidatorIndex]
		if !known && !s.watched[w.ValidatorIndex] && !s.isAddress(w.Address) {
			continue
		}
		s.paid = append(s.paid, payment{slot: slot, root: root, num: uint64(n), w: w})
		s.blocks[root], keep = block, true
	}
	if keep && env != nil {
		s.keepEnvelope(root, env)
	} else if env != nil {
		env.Close()
	}
	if len(s.w.cfg.Addresses) == 0 {
		return nil, nil
	}
	return s.candidatesIn(block)
}

// isAddress reports a watched address.
func (s *step) isAddress(a [20]byte) bool {
	for _, b := range s.w.cfg.Addresses {
		if a == b {
			return true
		}
	}
	return false
}

// candidatesIn returns the pubkeys of the block's deposits (phase0 on,
// and electra's deposit requests) with credentials pointing at a watched
// address, and the indices of its BLS-to-execution changes to one.
func (s *step) candidatesIn(block *beaconstate.Object) ([]string, error) {
	var ids []string
	for _, list := range []struct{ path, data string }{{"body.deposits", ".data"}, {"body.execution_requests.deposits", ""}} {
		n, err := block.Len(list.path)
		if err != nil {
			continue // the fork has no such list
		}
		for i := range n {
			p := fmt.Sprintf("%s[%d]%s", list.path, i, list.data)
			cred, _, err := block.Field(p + ".withdrawal_credentials")
			if err != nil || len(cred) != 32 {
				return nil, fmt.Errorf("watch: %s: %v", p, err)
			}
			if _, ok := s.pointsAt([32]byte(cred)); !ok {
				continue
			}
			pk, _, err := block.Field(p + ".pubkey")
			if err != nil {
				return nil, err
			}
			ids = append(ids, "0x"+hex.EncodeToString(pk))
		}
	}
	n, err := block.Len("body.bls_to_execution_changes")
	if err != nil {
		return ids, nil
	}
	for i := range n {
		p := fmt.Sprintf("body.bls_to_execution_changes[%d].message", i)
		addr, _, err := block.Field(p + ".to_execution_address")
		if err != nil || len(addr) != 20 {
			return nil, fmt.Errorf("watch: %s: %v", p, err)
		}
		if !s.isAddress([20]byte(addr)) {
			continue
		}
		v, err := block.Uint64(p + ".validator_index")
		if err != nil {
			return nil, err
		}
		ids = append(ids, strconv.FormatUint(v, 10))
	}
	return ids, nil
}
