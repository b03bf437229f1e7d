// Command prove-exit proves that a validator has exited and can be
// withdrawn: its exit_epoch and withdrawable_epoch, and the state's slot,
// from the fulu BeaconState embedded in the module (every eighth generated
// validator has exited: 7, 15, ...), against the root of the state's block.
// It writes the proofs as `beaconproof prove exit --index 7` does (the json
// format), verifies them offline, and shows that an altered epoch fails.
//
//	go run ./examples/prove-exit
package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
	"github.com/beaconproof/beaconproof/testdata"
)

// validator is the exited validator the example proves.
const validator = 7

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "prove-exit:", err)
		os.Exit(1)
	}
}

func run(w io.Writer) error {
	state, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconState", testdata.FuluState())
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
	slot, err := sp.SlotProof()
	if err != nil {
		return err
	}
	claims := []staking.Claim{slot}
	epochs := map[string]uint64{}
	for _, field := range []string{"exit_epoch", "withdrawable_epoch"} {
		c, err := sp.ValidatorField(validator, field)
		if err != nil {
			return err
		}
		// The value is the validator's index and the field's JSON, here
		// an epoch as a decimal string.
		v, ok := c.Value.(staking.ValidatorFieldValue)
		if !ok {
			return fmt.Errorf("%s: value %T", c.Path, c.Value)
		}
		var epoch staking.U64
		if err := json.Unmarshal(v.Value, &epoch); err != nil {
			return err
		}
		epochs[field] = uint64(epoch)
		claims = append(claims, c)
		fmt.Fprintf(w, "%-32s = %-7d gindex %s, %d hashes\n", c.Path, epochs[field], c.Proof.Gindex, len(c.Proof.Branch))
	}
	current := sp.Slot() / 32
	fmt.Fprintf(w, "state slot %d: epoch %d; anchor block %s\n", sp.Slot(), current, sp.Anchor().Root)
	switch {
	case epochs["exit_epoch"] > current:
		fmt.Fprintf(w, "validator %d has not exited yet\n", validator)
	case epochs["withdrawable_epoch"] > current:
		fmt.Fprintf(w, "validator %d has exited, withdrawable from epoch %d\n", validator, epochs["withdrawable_epoch"])
	default:
		fmt.Fprintf(w, "validator %d exited at epoch %d and is withdrawable since epoch %d\n",
			validator, epochs["exit_epoch"], epochs["withdrawable_epoch"])
	}

	doc, err := format.NewJSON(format.Input{Fork: state.Fork, Preset: state.Preset, Anchor: sp.Anchor(), Claims: claims})
	if err != nil {
		return err
	}
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
	fmt.Fprintf(w, "verified %d proofs (%d bytes of JSON): leaves from the values, gindices from the paths\n", len(claims), len(b))

	// Claim an exit one epoch later: the value no longer matches the leaf.
	bad := *back.(*format.JSONDocument)
	bad.Proofs = append([]staking.Claim(nil), bad.Proofs...)
	later := json.RawMessage(strconv.Quote(strconv.FormatUint(epochs["exit_epoch"]+1, 10)))
	bad.Proofs[1].Value = staking.ValidatorFieldValue{ValidatorIndex: validator, Field: "exit_epoch", Value: later}
	err = bad.Verify()
	if !errors.Is(err, proof.ErrRootMismatch) {
		return fmt.Errorf("a tampered document: %v", err)
	}
	fmt.Fprintf(w, "exit epoch %d instead: rejected (%v)\n", epochs["exit_epoch"]+1, proof.ErrRootMismatch)
	return nil
}
