package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestMegapoolCredentials(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"state:   fulu BeaconState (mainnet, ",
		"anchor:  block 0x57d8e80d2a820cb488d356e8d5db44397d6bad74aafb78e7ae4da8fa216c7765 at slot 13165000\n",
		"EIP-4788 timestamp: 1764804035 ",
		"megapool 0x4d656761706f6f6c000000000000000000000788: 32 of 64 validators withdraw to it (6 with 0x02 compounding credentials)\n",
		"  validator 1: credentials 0x0100000000000000000000004d656761706f6f6c000000000000000000000788, exit epoch FAR_FUTURE, 50 witnesses\n",
		"  validator 3: credentials 0x0100000000000000000000004d656761706f6f6c000000000000000000000788, ",
		"  ... and 29 more\n",
		"slot proof: slot 13165000, 9 witnesses\n",
		"verified: 33 proofs against the block root (",
		"33 calls to BeaconStateVerifier)\n",
		"first call: verifySlot(uint64,(uint64,bytes32[])), selector 0xd223ff37\n",
		"tampered credentials of validator 3: rejected (merkle root mismatch)\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
