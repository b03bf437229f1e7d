package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// TestGloasWithdrawal proves gloas withdrawals through the CLI from a
// synthetic gloas chain: from the post-state of the block at a recent slot
// (with and without its envelope) and of an older one (through
// historical_summaries and the era's state_roots); the output verifies,
// a tampered copy does not, and wrong inputs are refused in one line.
func TestGloasWithdrawal(t *testing.T) {
	const slot = 13_200_000
	recentSlot, histSlot := uint64(slot-100), uint64(slot-9000)
	ch, err := synth.NewChain(synth.ChainOptions{
		Fork: fork.Gloas, Options: synth.Options{Validators: 16, Slot: slot, Seed: 5}, SummariesOffset: 758,
		Past: []uint64{recentSlot, histSlot, slot - 50},
		Withdrawals: []synth.Withdrawal{
			{Index: 90, ValidatorIndex: 3, Address: [20]byte{19: 0x03}, Amount: 32_001_234_567},
			{Index: 91, ValidatorIndex: 4, Address: [20]byte{19: 0x04}, Amount: 1_234},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	recent, hist := ch.Past[recentSlot], ch.Past[histSlot]
	state := writeFile(t, dir, "state.ssz", ch.State)
	recentState := writeFile(t, dir, "recent.ssz", recent.State)
	recentEnv := writeFile(t, dir, "recent-envelope.ssz", recent.Envelope)
	// The signed form: the message's offset, a signature, the message.
	signed := append(append([]byte{100, 0, 0, 0}, make([]byte, 96)...), recent.Envelope...)
	signedEnv := writeFile(t, dir, "recent-signed-envelope.ssz", signed)
	otherEnv := writeFile(t, dir, "other-envelope.ssz", ch.Past[slot-50].Envelope)
	histState := writeFile(t, dir, "hist.ssz", hist.State)
	eraStateRoots := writeFile(t, dir, "era-state-roots.ssz", hist.EraStateRoots)
	eraBlockRoots := writeFile(t, dir, "era-block-roots.ssz", hist.EraBlockRoots)
	block := writeFile(t, dir, "block.ssz", recent.Block)
	base := []string{"withdrawal", "--fork", "gloas", "--block-fork", "gloas", "--withdrawal-num", "1"}

	for _, c := range []struct {
		name, kind string
		args       []string
	}{
		{"recent", "expected_withdrawal", []string{"--block-state", recentState}},
		{"recent with envelope", "expected_withdrawal", []string{"--block-state", recentState, "--envelope", recentEnv, "--anchor", "state"}},
		{"recent with signed envelope", "expected_withdrawal", []string{"--block-state", recentState, "--envelope", signedEnv}},
		{"historical", "historical_expected_withdrawal", []string{"--block-state", histState, "--era-state-roots", eraStateRoots}},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := proveAndVerify(t, append(append(base, c.args...), state)...)
			checked := strings.Contains(strings.Join(c.args, " "), "--envelope")
			if !strings.Contains(out, `"kind": "`+c.kind+`"`) || !strings.Contains(out, `"amount": "1234"`) ||
				!strings.Contains(out, fmt.Sprintf(`"envelope_checked": "%v"`, checked)) {
				t.Fatalf("output lacks kind %s, the amount or envelope_checked %v:\n%s", c.kind, checked, out)
			}
			bad := strings.Replace(out, `"amount": "1234"`, `"amount": "1235"`, 1)
			file := writeFile(t, t.TempDir(), "bad.json", []byte(bad))
			r := runCLI(t, nil, "verify", file)
			if r.code != 1 || !strings.HasPrefix(r.stderr, "beaconproof: ") || strings.Count(r.stderr, "\n") != 1 {
				t.Fatalf("tampered: exit %d, stderr %q", r.code, r.stderr)
			}
		})
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--block", block}, "carries no execution payload"},
		{[]string{"--block-state", recentState, "--envelope", otherEnv}, "envelope"},
		{[]string{"--block-state", recentState, "--envelope", recentState}, "--envelope: neither"},
		{[]string{"--block-state", histState}, ""},
		{[]string{"--block-state", histState, "--era-state-roots", eraBlockRoots}, ""},
		{[]string{"--block-state", histState, "--era-block-roots", eraStateRoots}, "--era-state-roots"},
		{[]string{"--block-state", recentState, "--block", block}, "give no --block"},
		{[]string{"--block-state", state}, "not before"},
		{[]string{"--block-state", recentState, "--format", "rocketpool"}, "not expressible in this format"},
	} {
		runCLI(t, nil, append(append(append([]string{"prove"}, base...), c.args...), state)...).failsWithOneLine(t, c.want)
	}
}
