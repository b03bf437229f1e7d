// Command verify-fixture verifies proof files offline, as
// `beaconproof verify` does: any format beaconproof writes (json,
// rocketpool, eigenlayer, calldata), a proof set or oracle vector.json, or
// a file of protocol vectors (the real Rocket Pool and EigenLayer proofs of
// the shared vectors' protocols/*.json). Nothing is trusted but the
// anchor root each file names: leaves are recomputed from the values the
// file states and gindices from its fork and indices.
//
// Without arguments it first writes fixtures of validator 13 (one of the
// megapool's) from the fulu state embedded in the module, in every
// format, verifies them, and shows a tampered copy fail:
//
//	go run ./examples/verify-fixture
//	go run ./examples/verify-fixture ../shared/vectors/protocols/rocketpool-mainnet.json
package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
	"github.com/beaconproof/beaconproof/testdata"
)

func main() {
	ok, err := run(os.Stdout, os.Args[1:])
	if err != nil {
		fmt.Fprintln(os.Stderr, "verify-fixture:", err)
		os.Exit(1)
	}
	if !ok {
		os.Exit(1)
	}
}

// run verifies the files, or writes and verifies fixtures when there are
// none. ok is false when a file does not verify.
func run(w io.Writer, files []string) (ok bool, err error) {
	if len(files) == 0 {
		dir, err := os.MkdirTemp("", "verify-fixture")
		if err != nil {
			return false, err
		}
		defer os.RemoveAll(dir)
		if files, err = writeFixtures(dir); err != nil {
			return false, err
		}
		fmt.Fprintf(w, "wrote %d fixtures of validator 13\n", len(files))
		defer func() {
			if err == nil && ok {
				err = tamper(w, files[1])
			}
		}()
	}
	ok = true
	for _, file := range files {
		if err := verify(w, file); err != nil {
			fmt.Fprintf(w, "%s: FAILED: %v\n", filepath.Base(file), err)
			ok = false
		}
	}
	return ok, nil
}

// verify reads, parses and verifies one file, and prints what it holds.
func verify(w io.Writer, file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	d, err := format.Parse(b)
	if err != nil {
		return err
	}
	if err := d.Verify(); err != nil {
		return err
	}
	fmt.Fprintf(w, "%s: %s, ok\n", filepath.Base(file), describe(d))
	return nil
}

// describe says what a verified document proves.
func describe(d format.Document) string {
	switch d := d.(type) {
	case *format.JSONDocument:
		if d.Anchor == nil {
			return fmt.Sprintf("proof set of %d proofs under %s", len(d.Proofs), d.Root)
		}
		return fmt.Sprintf("%d json proofs under the %s root %s at slot %d", len(d.Proofs), d.Anchor.Kind, d.Anchor.Root, d.Anchor.Slot)
	case *format.RocketPoolDocument:
		n := len(d.ValidatorProofs) + len(d.WithdrawalProofs) + len(d.BalanceProofs)
		if d.SlotProof != nil {
			n++
		}
		return fmt.Sprintf("%d Rocket Pool proofs under the block root %s at slot %d", n, d.Anchor.Root, d.Anchor.Slot)
	case *format.EigenLayerDocument:
		return fmt.Sprintf("EigenLayer: %d validators, %d balances, state root %s", len(d.ValidatorProofs), len(d.BalanceProofs), d.StateRootProof.BeaconStateRoot)
	case *format.CalldataDocument:
		return fmt.Sprintf("%s calldata: %d values, %d calls", d.Protocol, len(d.Values), len(d.Calls))
	case *format.VectorsDocument:
		return fmt.Sprintf("%d protocol vectors", len(d.Cases))
	}
	return string(d.Format())
}

// writeFixtures proves validator 13, its balance and the slot against the
// embedded state's block and writes them in every format.
func writeFixtures(dir string) ([]string, error) {
	state, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconState", testdata.FuluState())
	if err != nil {
		return nil, err
	}
	p, err := beaconstate.NewProver(state)
	if err != nil {
		return nil, err
	}
	sp, err := staking.NewStateProver(p, staking.AnchorBlock)
	if err != nil {
		return nil, err
	}
	var claims []staking.Claim
	for _, prove := range []func() (staking.Claim, error){
		sp.SlotProof,
		func() (staking.Claim, error) { return sp.Validator(13) },
		func() (staking.Claim, error) { return sp.Balance(13) },
	} {
		c, err := prove()
		if err != nil {
			return nil, err
		}
		claims = append(claims, c)
	}
	in := format.Input{Fork: state.Fork, Preset: state.Preset, Anchor: sp.Anchor(), Claims: claims}
	in.Anchor.Timestamp = 1764804035
	var files []string
	for _, f := range []struct {
		name, protocol format.Name
		file           string
	}{
		{format.JSON, "", "validator-13.json"},
		{format.RocketPool, "", "validator-13.rocketpool.json"},
		{format.EigenLayer, "", "validator-13.eigenlayer.json"},
		{format.Calldata, format.RocketPool, "validator-13.calldata.json"},
	} {
		d, err := format.Emit(in, f.name, f.protocol)
		if err != nil {
			return nil, err
		}
		b, err := format.Marshal(d)
		if err != nil {
			return nil, err
		}
		file := filepath.Join(dir, f.file)
		if err := os.WriteFile(file, b, 0o644); err != nil {
			return nil, err
		}
		files = append(files, file)
	}
	return files, nil
}

// tamper changes validator 13's effective balance in a copy of the Rocket
// Pool fixture and shows that it no longer verifies.
func tamper(w io.Writer, file string) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return err
	}
	bad := bytes.Replace(b, []byte(`"effectiveBalance": "32000000000"`), []byte(`"effectiveBalance": "2048000000000"`), 1)
	if bytes.Equal(bad, b) {
		return fmt.Errorf("%s: no effective balance to change", file)
	}
	badFile := filepath.Join(filepath.Dir(file), "tampered.json")
	if err := os.WriteFile(badFile, bad, 0o644); err != nil {
		return err
	}
	err = verify(io.Discard, badFile)
	var item *format.ItemError
	if !errors.As(err, &item) || !errors.Is(err, proof.ErrRootMismatch) {
		return fmt.Errorf("a tampered fixture: %v", err)
	}
	fmt.Fprintf(w, "tampered.json (effective balance 2048 ETH): rejected at %s: %v\n", item.Item, proof.ErrRootMismatch)
	return nil
}
