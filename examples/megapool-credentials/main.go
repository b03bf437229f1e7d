// Command megapool-credentials proves that validators withdraw to a Rocket
// Pool megapool: it loads the fulu BeaconState embedded in the module
// (mainnet preset, slot 13,165,000, 64 generated validators, every second
// one withdrawing to the megapool's address), finds the megapool's
// validators, proves their records and the state's slot against the root
// of the state's block, the root that the EIP-4788 contract returns to a
// contract, writes them as Rocket Pool's BeaconStateVerifier takes them,
// and verifies the result offline as a contract would: leaves recomputed
// from the validators' fields, gindices from the validator indices.
//
// Run it from the module root, offline:
//
//	go run ./examples/megapool-credentials
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
	"github.com/beaconproof/beaconproof/testdata"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "megapool-credentials:", err)
		os.Exit(1)
	}
}

// withdrawsTo reports whether withdrawal credentials name an execution
// address (0x01, or 0x02 compounding) and that address is addr.
func withdrawsTo(creds [32]byte, addr [20]byte) bool {
	return (creds[0] == 0x01 || creds[0] == 0x02) && bytes.Equal(creds[1:12], make([]byte, 11)) && bytes.Equal(creds[12:], addr[:])
}

func run(w io.Writer) error {
	// Load and hash the state once; every proof then reads the kept tree.
	state, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconState", testdata.FuluState())
	if err != nil {
		return err
	}
	p, err := beaconstate.NewProver(state)
	if err != nil {
		return err
	}
	// Anchor to the block whose post-state this is: its root is what
	// BEACON_ROOTS returns for the timestamp of the next block.
	sp, err := staking.NewStateProver(p, staking.AnchorBlock)
	if err != nil {
		return err
	}
	anchor := sp.Anchor()
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		return err
	}
	// The root is stored under the time of the child block; offline we
	// assume the next slot has one (with a beacon node, eip4788.AnchorOf
	// finds the child and CheckAnchor reads the contract).
	if anchor.Timestamp, err = eip4788.SlotTimestamp(mainnet, anchor.Slot+1); err != nil {
		return err
	}

	n, err := state.ValidatorCount()
	if err != nil {
		return err
	}
	var megapool []uint64
	compounding := 0
	for i := uint64(0); i < n; i++ {
		v, err := state.Validator(i)
		if err != nil {
			return err
		}
		if withdrawsTo(v.WithdrawalCredentials, testdata.Megapool) {
			megapool = append(megapool, i)
			if v.WithdrawalCredentials[0] == 0x02 {
				compounding++
			}
		}
	}

	// The slot proof binds the slot the contract is told; then one proof
	// per validator.
	slot, err := sp.SlotProof()
	if err != nil {
		return err
	}
	validators, err := sp.Validators(megapool)
	if err != nil {
		return err
	}
	doc, err := format.NewRocketPool(format.Input{
		Fork: state.Fork, Preset: state.Preset, Anchor: anchor,
		Claims: append([]staking.Claim{slot}, validators...),
	})
	if err != nil {
		return err
	}

	fmt.Fprintf(w, "state:   %s at slot %d\n", state, sp.Slot())
	fmt.Fprintf(w, "anchor:  block %s at slot %d\n", anchor.Root, anchor.Slot)
	fmt.Fprintf(w, "EIP-4788 timestamp: %d (the next slot's, if it has a block)\n", anchor.Timestamp)
	fmt.Fprintf(w, "megapool %#x: %d of %d validators withdraw to it (%d with 0x02 compounding credentials)\n",
		testdata.Megapool, len(megapool), n, compounding)
	for _, vp := range doc.ValidatorProofs[:3] {
		fmt.Fprintf(w, "  validator %d: credentials %s, exit epoch %s, %d witnesses\n",
			vp.ValidatorIndex, vp.Validator.WithdrawalCredentials, epoch(uint64(vp.Validator.ExitEpoch)), len(vp.Witnesses))
	}
	fmt.Fprintf(w, "  ... and %d more\n", len(doc.ValidatorProofs)-3)
	fmt.Fprintf(w, "slot proof: slot %d, %d witnesses\n", doc.SlotProof.Slot, len(doc.SlotProof.Witnesses))

	// Verify as a contract would, from the JSON alone: write it, read it
	// back, check every witness list against the anchor.
	b, err := format.Marshal(doc)
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
	calldata, err := format.CalldataOf(back)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "verified: %d proofs against the block root (%d bytes of JSON, %d calls to BeaconStateVerifier)\n",
		1+len(doc.ValidatorProofs), len(b), len(calldata.Calls))
	fmt.Fprintf(w, "first call: %s, selector %#x\n", calldata.Calls[0].Function, []byte(calldata.Calls[0].Selector))

	// A validator that claims other credentials does not verify.
	bad := *back.(*format.RocketPoolDocument)
	bad.ValidatorProofs = append([]format.RocketPoolValidatorProof(nil), bad.ValidatorProofs...)
	bad.ValidatorProofs[1].Validator.WithdrawalCredentials[31] ^= 1
	err = bad.Verify()
	if !errors.Is(err, proof.ErrRootMismatch) {
		return fmt.Errorf("a tampered document: %v", err)
	}
	fmt.Fprintf(w, "tampered credentials of validator %d: rejected (%v)\n", bad.ValidatorProofs[1].ValidatorIndex, proof.ErrRootMismatch)
	return nil
}

func epoch(e uint64) string {
	if e == ^uint64(0) {
		return "FAR_FUTURE"
	}
	return fmt.Sprint(e)
}
