package beaconapi_test

import (
	"bytes"
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// signedEnvelope wraps an ExecutionPayloadEnvelope into its signed form:
// the message's offset, a signature, the message.
func signedEnvelope(msg []byte) []byte { return signed(msg) }

// TestEnvelope fetches gloas execution payload envelopes of a synthetic
// gloas chain from the fake node: by slot and by root, in SSZ and JSON,
// with and without the version header; a missing one is ErrNotFound, one
// of another block or of a fork without envelopes is ErrBadResponse.
func TestEnvelope(t *testing.T) {
	const slot = 200
	ws, other := uint64(slot-10), uint64(slot-5)
	want := []synth.Withdrawal{{Index: 7, ValidatorIndex: 3, Address: [20]byte{19: 3}, Amount: 1234}}
	ch, err := synth.NewChain(synth.ChainOptions{Fork: fork.Gloas, Preset: fork.PresetMinimal,
		Options: synth.Options{Validators: 8, Slot: slot, Seed: 3}, Past: []uint64{ws, other}, Withdrawals: want})
	if err != nil {
		t.Fatal(err)
	}
	p := ch.Past[ws]
	env := &served{fork: fork.Gloas, typeName: "SignedExecutionPayloadEnvelope", preset: fork.PresetMinimal, ssz: signedEnvelope(p.Envelope)}
	rootID := beaconapi.RootID(p.BlockRoot)
	wrongID := beaconapi.RootID(ch.Past[other].BlockRoot)

	for _, c := range []struct {
		name string
		id   string
		set  func(f *fakeNode)
	}{
		{"ssz by slot", strconv.FormatUint(ws, 10), nil},
		{"ssz by root", rootID, nil},
		{"json", rootID, func(f *fakeNode) { f.jsonOnly = true }},
		{"no version, by slot", strconv.FormatUint(ws, 10), func(f *fakeNode) { f.noVersion = true }},
	} {
		t.Run(c.name, func(t *testing.T) {
			node := newNode(t, minimalNetwork())
			node.addEnvelope(env, strconv.FormatUint(ws, 10), rootID)
			if c.set != nil {
				node.set(c.set)
			}
			cl, err := beaconapi.New(node.URL())
			if err != nil {
				t.Fatal(err)
			}
			got, err := cl.Envelope(context.Background(), c.id)
			if err != nil {
				t.Fatal(err)
			}
			defer got.Close()
			if got.Fork != fork.Gloas || got.TypeName != "SignedExecutionPayloadEnvelope" || !bytes.Equal(got.Bytes, env.ssz) {
				t.Fatalf("got a %s %s of %d bytes, want the served envelope", got.Fork, got.TypeName, len(got.Bytes))
			}
			ws, err := got.Withdrawals()
			if err != nil {
				t.Fatal(err)
			}
			if len(ws) != 1 || ws[0].Index != 7 || ws[0].ValidatorIndex != 3 || ws[0].Amount != 1234 {
				t.Fatalf("withdrawals %+v, want %+v", ws, want)
			}
			if n := node.count("envelope"); n != 1 {
				t.Fatalf("%d envelope requests, want 1", n)
			}
		})
	}

	for _, c := range []struct {
		name, id string
		set      func(f *fakeNode)
		is       error
		msg      string
	}{
		{"missing", "123", nil, beaconapi.ErrNotFound, "withheld"},
		{"another block's", wrongID, nil, beaconapi.ErrBadResponse, "asked for the envelope of block " + wrongID},
		{"no version, by root", rootID, func(f *fakeNode) { f.noVersion = true }, beaconapi.ErrBadResponse, "Eth-Consensus-Version"},
		{"fulu", rootID, func(f *fakeNode) { f.version = fork.Fulu }, beaconapi.ErrBadResponse, "fulu"},
		{"bad id", "current", nil, nil, "invalid id"},
	} {
		t.Run(c.name, func(t *testing.T) {
			node := newNode(t, minimalNetwork())
			// The node answers another block's root with this envelope.
			node.addEnvelope(env, rootID, wrongID)
			if c.set != nil {
				node.set(c.set)
			}
			cl, err := beaconapi.New(node.URL())
			if err != nil {
				t.Fatal(err)
			}
			_, err = cl.Envelope(context.Background(), c.id)
			if err == nil || (c.is != nil && !errors.Is(err, c.is)) || !strings.Contains(err.Error(), c.msg) {
				t.Fatalf("error %v, want %v containing %q", err, c.is, c.msg)
			}
			if c.is != nil && !strings.Contains(err.Error(), "execution payload envelope") {
				t.Fatalf("error %q does not say what was asked", err)
			}
		})
	}
}

// TestFindWithdrawalGloas finds a gloas withdrawal through the blocks'
// envelopes: the first block's payload was withheld (no envelope), the
// next one's envelope pays the validator, after a builder's withdrawal
// (BuilderIndexFlag), which the sweep leaves out but the position counts.
func TestFindWithdrawalGloas(t *testing.T) {
	const slot = 200
	withheld, paid := uint64(190), uint64(192)
	ch, err := synth.NewChain(synth.ChainOptions{Fork: fork.Gloas, Preset: fork.PresetMinimal,
		Options: synth.Options{Validators: 8, Slot: slot, Seed: 4}, Past: []uint64{withheld, paid},
		Withdrawals: []synth.Withdrawal{{Index: 6, ValidatorIndex: beaconapi.BuilderIndexFlag | 3, Address: [20]byte{19: 9}, Amount: 5},
			{Index: 7, ValidatorIndex: 2, Address: [20]byte{19: 2}, Amount: 10}, {Index: 8, ValidatorIndex: 3, Address: [20]byte{19: 3}, Amount: 1234}}})
	if err != nil {
		t.Fatal(err)
	}
	node := newNode(t, minimalNetwork())
	for _, ws := range []uint64{withheld, paid} {
		p := ch.Past[ws]
		b := &served{fork: fork.Gloas, typeName: "SignedBeaconBlock", preset: fork.PresetMinimal, ssz: signed(p.Block)}
		node.addBlock(b, strconv.FormatUint(ws, 10), beaconapi.RootID(p.BlockRoot), "head")
	}
	p := ch.Past[paid]
	env := &served{fork: fork.Gloas, typeName: "SignedExecutionPayloadEnvelope", preset: fork.PresetMinimal, ssz: signedEnvelope(p.Envelope)}
	node.addEnvelope(env, beaconapi.RootID(p.BlockRoot))
	cl, err := beaconapi.New(node.URL())
	if err != nil {
		t.Fatal(err)
	}
	wb, err := cl.FindWithdrawal(context.Background(), 3, beaconapi.WithdrawalSearch{FromSlot: withheld})
	if err != nil {
		t.Fatal(err)
	}
	if wb.Slot != paid || wb.Root != p.BlockRoot || wb.Position != 2 || wb.Withdrawal.Amount != 1234 || wb.Envelope == nil || !bytes.Equal(wb.Envelope.Bytes, env.ssz) {
		t.Fatalf("found slot %d root %x position %d %+v, envelope %v; want slot %d position 2", wb.Slot, wb.Root, wb.Position, wb.Withdrawal, wb.Envelope != nil, paid)
	}
	if n := node.count("envelope"); n != 2 {
		t.Fatalf("%d envelope requests, want 2 (the withheld one and the paying one)", n)
	}
}

// TestPostState fetches a block's post-state by its state root, or by
// its slot when the node serves it only so.
func TestPostState(t *testing.T) {
	ch, err := synth.NewChain(synth.ChainOptions{Fork: fork.Gloas, Preset: fork.PresetMinimal,
		Options: synth.Options{Validators: 8, Slot: 200, Seed: 3}, Past: []uint64{190}})
	if err != nil {
		t.Fatal(err)
	}
	p := ch.Past[190]
	st := &served{fork: fork.Gloas, typeName: "BeaconState", preset: fork.PresetMinimal, ssz: p.State}
	for _, c := range []struct {
		name string
		ids  []string
	}{{"by root", []string{beaconapi.RootID(p.StateRoot)}}, {"by slot", []string{"190"}}, {"neither", nil}} {
		t.Run(c.name, func(t *testing.T) {
			node := newNode(t, minimalNetwork())
			node.addState(st, c.ids...)
			node.addBlock(&served{fork: fork.Gloas, typeName: "SignedBeaconBlock", preset: fork.PresetMinimal, ssz: signed(ch.Block)}, "head")
			cl, err := beaconapi.New(node.URL())
			if err != nil {
				t.Fatal(err)
			}
			got, err := cl.PostState(context.Background(), p.StateRoot, 190)
			if c.ids == nil {
				if !errors.Is(err, beaconapi.ErrNotFound) || !strings.Contains(err.Error(), beaconapi.RootID(p.StateRoot)) {
					t.Fatalf("error %v, want ErrNotFound naming the root", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes, p.State) {
				t.Fatal("not the post-state")
			}
		})
	}
}
