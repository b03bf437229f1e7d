package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestFinalWithdrawal(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"withdrawal block: slot 13165000, root 0x57d8e80d2a820cb488d356e8d5db44397d6bad74aafb78e7ae4da8fa216c7765\n",
		"withdrawal 0: index 90000001, validator 7, 32001234567 Gwei to 0x4d656761706f6f6c000000000000000000000788\n",
		" at slot 13165032 (the later state's block)\n",
		"route: block_roots[456] -> body.execution_payload.withdrawals[0] (recent: true), gindex 761342797248, 39 witnesses\n",
		"WithdrawalProof{withdrawalSlot: 13165000, withdrawalNum: 0, withdrawal: {index: 90000001, validatorIndex: 7, " +
			"withdrawalCredentials: 0x4d656761706f6f6c000000000000000000000788, amountInGwei: 32001234567}, 39 witnesses}\n",
		"call verifySlot(uint64,(uint64,bytes32[])): 452 bytes\n",
		"call verifyWithdrawal(uint64,uint64,(uint64,uint16,(uint64,uint64,bytes20,uint64),bytes32[])): 1604 bytes\n",
		"verified offline: the calldata decodes to proofs that lead to the anchor (timestamp 1764804419)\n",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
}
