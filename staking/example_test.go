package staking_test

import (
	"fmt"
	"log"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/testdata"
)

// ExampleNewStateProver proves a validator of the committed fulu state
// (mainnet preset, slot 13,165,000) against the root of the block whose
// post-state it is: the root the EIP-4788 contract returns for the next
// block's timestamp. A verifier checks the claim against that root.
func ExampleNewStateProver() {
	state, err := beaconstate.NewObject("fulu", "mainnet", "BeaconState", testdata.FuluState())
	if err != nil {
		log.Fatal(err)
	}
	p, err := beaconstate.NewProver(state) // hashes the state once
	if err != nil {
		log.Fatal(err)
	}
	sp, err := staking.NewStateProver(p, staking.AnchorBlock)
	if err != nil {
		log.Fatal(err)
	}
	c, err := sp.Validator(13)
	if err != nil {
		log.Fatal(err)
	}

	// The block's own root is the anchor.
	block, err := beaconstate.NewObject("fulu", "mainnet", "BeaconBlock", testdata.FuluBlock())
	if err != nil {
		log.Fatal(err)
	}
	blockRoot, err := block.Root()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("anchor:", c.Anchor.Kind, "slot", c.Anchor.Slot, "is the block root:", c.Anchor.Root == blockRoot)
	fmt.Println("claim:", c.Kind, c.Path)
	fmt.Println("gindex", c.Proof.Gindex, "branch", len(c.Proof.Branch))
	fmt.Println("verifies:", c.Verify(blockRoot) == nil)

	v := c.Value.(staking.ValidatorValue) // a validator claim's value is the record
	fmt.Println("withdrawal credentials:", proof.FormatHash(v.WithdrawalCredentials))
	fmt.Println("withdraws to the megapool:", [20]byte(v.WithdrawalCredentials[12:]) == testdata.Megapool)
	fmt.Println("effective balance:", v.EffectiveBalance, "exit epoch:", v.ExitEpoch)
	fmt.Println("leaf:", proof.FormatHash(c.Proof.Leaf))
	// Output:
	// anchor: block slot 13165000 is the block root: true
	// claim: validator validators[13]
	// gindex 1572301627719693 branch 50
	// verifies: true
	// withdrawal credentials: 0x0100000000000000000000004d656761706f6f6c000000000000000000000788
	// withdraws to the megapool: true
	// effective balance: 32000000000 exit epoch: 18446744073709551615
	// leaf: 0xd88a90bee7268bafddcee47239a7cec14e99dccb476d3a61b391819c352ac808
}
