// Command final-withdrawal proves a validator's final withdrawal, as Rocket
// Pool's BeaconStateVerifier.verifyWithdrawal takes it: withdrawal 0 of
// the execution payload of the block embedded in the module (slot
// 13,165,000: validator 7's 32.001 ETH to the megapool), anchored to the
// root of a later block.
//
// A withdrawal is proved from a later state, whose block_roots (for the
// last 8192 slots) or historical_summaries (older) commit to the block.
// The module embeds one: the state 32 slots after the block, with
// block_roots[13165000 % 8192] holding the block's root, as process_slot
// writes it. Against a real chain, load that later state from a beacon
// node instead (beaconapi) and keep the rest.
//
//	go run ./examples/final-withdrawal
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
	"github.com/beaconproof/beaconproof/testdata"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "final-withdrawal:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	block, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconBlock", testdata.FuluBlock())
	if err != nil {
		return err
	}
	ws, err := block.Slot()
	if err != nil {
		return err
	}
	wd, err := block.Withdrawal(0)
	if err != nil {
		return err
	}
	blockRoot, err := block.Root()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "withdrawal block: slot %d, root %#x\n", ws, blockRoot)
	fmt.Fprintf(w, "withdrawal 0: index %d, validator %d, %d Gwei to %#x\n", wd.Index, wd.ValidatorIndex, wd.Amount, wd.Address)

	state, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconState", testdata.FuluLaterState())
	if err != nil {
		return err
	}
	p, err := beaconstate.NewProver(state)
	if err != nil {
		return err
	}
	sp, err := staking.NewStateProver(p, staking.AnchorBlock)
	if err != nil {
		return err
	}
	anchor := sp.Anchor()
	fmt.Fprintf(w, "anchor: block %s at slot %d (the later state's block)\n", anchor.Root, anchor.Slot)

	recent, err := staking.WithdrawalIsRecent(sp.Slot(), ws, 8192)
	if err != nil {
		return err
	}
	withdrawal, err := sp.Withdrawal(staking.WithdrawalSource{Block: block}, 0)
	if err != nil {
		return err
	}
	slot, err := sp.SlotProof()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "route: %s (recent: %v), gindex %s, %d witnesses\n", withdrawal.Path, recent, withdrawal.Proof.Gindex, len(withdrawal.Proof.Branch))

	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		return err
	}
	// The EIP-4788 key; assumes the next slot has a block.
	if anchor.Timestamp, err = eip4788.SlotTimestamp(mainnet, anchor.Slot+1); err != nil {
		return err
	}
	in := format.Input{Fork: state.Fork, Preset: state.Preset, Anchor: anchor, Claims: []staking.Claim{slot, withdrawal}}
	rp, err := format.NewRocketPool(in)
	if err != nil {
		return err
	}
	wp := rp.WithdrawalProofs[0]
	fmt.Fprintf(w, "WithdrawalProof{withdrawalSlot: %d, withdrawalNum: %d, withdrawal: {index: %d, validatorIndex: %d, withdrawalCredentials: %s, amountInGwei: %d}, %d witnesses}\n",
		wp.WithdrawalSlot, wp.WithdrawalNum, wp.Withdrawal.Index, wp.Withdrawal.ValidatorIndex,
		mustText(wp.Withdrawal.WithdrawalCredentials), wp.Withdrawal.AmountInGwei, len(wp.Witnesses))

	calldata, err := format.CalldataOf(rp)
	if err != nil {
		return err
	}
	b, err := format.Marshal(calldata)
	if err != nil {
		return err
	}
	back, err := format.Parse(b)
	if err != nil {
		return err
	}
	if err := back.Verify(); err != nil {
		return err
	}
	for _, c := range calldata.Calls {
		fmt.Fprintf(w, "call %s: %d bytes\n", c.Function, len(c.Data))
	}
	fmt.Fprintf(w, "verified offline: the calldata decodes to proofs that lead to the anchor (timestamp %d)\n", anchor.Timestamp)
	return nil
}

func mustText(a format.Address) string {
	b, _ := a.MarshalText()
	return string(b)
}
