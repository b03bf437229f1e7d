package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestProveExit(t *testing.T) {
	var out bytes.Buffer
	if err := run(&out); err != nil {
		t.Fatal(err)
	}
	want := `validators[7].exit_epoch         = 205703  gindex 12578413021757502, 53 hashes
validators[7].withdrawable_epoch = 205959  gindex 12578413021757503, 53 hashes
state slot 13165000: epoch 411406; anchor block 0x57d8e80d2a820cb488d356e8d5db44397d6bad74aafb78e7ae4da8fa216c7765
validator 7 exited at epoch 205703 and is withdrawable since epoch 205959
verified 3 proofs (`
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("output:\n%s\nwant it to start with:\n%s", out.String(), want)
	}
	if !strings.HasSuffix(out.String(), "exit epoch 205704 instead: rejected (merkle root mismatch)\n") {
		t.Errorf("output ends:\n%s", out.String())
	}
}
