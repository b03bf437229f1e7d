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
	megapool, compounding, err := megapoolValidators(state, testdata.Megapool)
	if err != nil {
		return err
	}
	doc, err := prove(sp, megapool)
	if err != nil {
		return err
	}
	n, err := state.ValidatorCount()
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "state:   %s at slot %d\n", state, sp.Slot())
	fmt.Fprintf(w, "anchor:  block %s at slot %d\n", doc.Anchor.Root, doc.Anchor.Slot)
	fmt.Fprintf(w, "EIP-4788 timestamp: %d (the next slot's, if it has a block)\n", doc.Anchor.Timestamp)
	fmt.Fprintf(w, "megapool %#x: %d of %d validators withdraw to it (%d with 0x02 compounding credentials)\n",
		testdata.Megapool, len(megapool), n, compounding)
	for _, vp := range doc.ValidatorProofs[:3] {
		fmt.Fprintf(w, "  validator %d: credentials %s, exit epoch %s, %d witnesses\n",
			vp.ValidatorIndex, vp.Validator.WithdrawalCredentials, epoch(uint64(vp.Validator.ExitEpoch)), len(vp.Witnesses))
	}
	fmt.Fprintf(w, "  ... and %d more\n", len(doc.ValidatorProofs)-3)
	fmt.Fprintf(w, "slot proof: slot %d, %d witnesses\n", doc.SlotProof.Slot, len(doc.SlotProof.Witnesses))
	return verifyOffline(w, doc)
}

// megapoolValidators returns the indices of the validators that withdraw
// to addr, and how many of them have 0x02 compounding credentials.
func megapoolValidators(state *beaconstate.Object, addr [20]byte) (indices []uint64, compounding int, err error) {
	n, err := state.ValidatorCount()
	if err != nil {
		return nil, 0, err
	}
	for i := uint64(0); i < n; i++ {
		v, err := state.Validator(i)
		if err != nil {
			return nil, 0, err
		}
		if withdrawsTo(v.WithdrawalCredentials, addr) {
			indices = append(indices, i)
			if v.WithdrawalCredentials[0] == 0x02 {
				compounding++
			}
		}
	}
	return indices, compounding, nil
}

// prove proves the state's slot (it binds the slot the contract is told)
// and the validators, as Rocket Pool's BeaconStateVerifier takes them.
func prove(sp *staking.StateProver, indices []uint64) (*format.RocketPoolDocument, error) {
	anchor := sp.Anchor()
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		return nil, err
	}
	// The root is stored under the time of the child block; offline we
	// assume the next slot has one (with a beacon node, eip4788.AnchorOf
	// finds the child and CheckAnchor reads the contract).
	if anchor.Timestamp, err = eip4788.SlotTimestamp(mainnet, anchor.Slot+1); err != nil {
		return nil, err
	}
	slot, err := sp.SlotProof()
	if err != nil {
		return nil, err
	}
	validators, err := sp.Validators(indices)
	if err != nil {
		return nil, err
	}
	state := sp.Prover().Object()
	return format.NewRocketPool(format.Input{
		Fork: state.Fork, Preset: state.Preset, Anchor: anchor,
		Claims: append([]staking.Claim{slot}, validators...),
	})
}

// verifyOffline verifies the document as a contract would, from the JSON
// alone: it writes it, reads it back, checks every witness list against
// the anchor, and shows that a tampered copy fails.
func verifyOffline(w io.Writer, doc *format.RocketPoolDocument) error {
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
