package beaconapi_test

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
)

// bigStateNode serves a generated state of n validators of a fork as head,
// big enough that its validators, balances and vectors are hashed while
// they download.
func bigStateNode(t testing.TB, forkName string, n int) (*fakeNode, []byte) {
	t.Helper()
	b := bigState(t, forkName, n)
	return serveState(t, forkName, b), b
}

// serveState serves the state b of a fork as head.
func serveState(t testing.TB, forkName string, b []byte) *fakeNode {
	node := newNode(t, mustNetwork(t, "mainnet"))
	node.addState(&served{fork: forkName, typeName: "BeaconState", preset: fork.PresetMainnet, ssz: b}, "head")
	node.set(func(f *fakeNode) { f.headSlot = 13_000_000 })
	return node
}

// bigState generates a state of n validators of a fork.
func bigState(t testing.TB, forkName string, n int) []byte {
	t.Helper()
	net := mustNetwork(t, "mainnet")
	s, err := fork.SchemasOf(forkName, fork.PresetMainnet)
	if err != nil {
		t.Fatal(err)
	}
	opts := synth.Options{Validators: n, Slot: 13_000_000, HistoricalSummaries: 10}
	if fs, ok := net.Fork(forkName); ok {
		opts.ForkVersion = fs.Version
	}
	b, err := synth.State(s.BeaconState, opts)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestStateChunkedReserved: a state sent without a Content-Length is read
// once into reserved memory, which the Object owns (Close releases it and
// drops Bytes); one sent with its length is read into a buffer of that
// size, which Close leaves to the garbage collector.
func TestStateChunkedReserved(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "plan9" {
		t.Skip("memory is reserved on unix only")
	}
	ctx := context.Background()
	node, b, root := stateNode(t, fork.Fulu)
	for _, chunked := range []bool{true, false} {
		node.set(func(f *fakeNode) { f.chunked, f.chunk = chunked, 100_000 })
		obj, err := newClient(t, node).State(ctx, "head")
		if err != nil {
			t.Fatal(err)
		}
		checkState(t, obj, fork.Fulu, fork.PresetMainnet, b, root)
		if err := obj.Close(); err != nil {
			t.Fatal(err)
		}
		if reserved := obj.Bytes == nil; reserved != chunked {
			t.Errorf("chunked %v: bytes in reserved memory: %v", chunked, reserved)
		}
	}
}

// TestStateProver checks that a state hashed while it downloads gives the
// root and the proofs of the same state hashed after, on every fork from
// phase0 to gloas, sent with a Content-Length or chunked (slowly, so that
// the hashing follows), in JSON, without a version header, and after a
// broken first attempt.
func TestStateProver(t *testing.T) {
	ctx := context.Background()
	paths := []string{"slot", "validators[0]", "validators[4100]", "validators[19999]", "balances[19999]", "block_roots[5]", "randao_mixes[9]"}
	modes := []struct {
		name string
		set  func(f *fakeNode)
	}{
		{"length", func(f *fakeNode) {}},
		{"chunked", func(f *fakeNode) { f.chunked, f.chunk, f.delay = true, 64<<10, 100*time.Microsecond }},
		{"json", func(f *fakeNode) { f.jsonOnly = true }},
		{"no version header", func(f *fakeNode) { f.noVersion, f.chunked = true, true }},
		{"truncated once", func(f *fakeNode) { f.truncate, f.chunked = 1, true }},
	}
	for _, forkName := range fork.Names() {
		b := bigState(t, forkName, 20_000)
		s, _ := fork.SchemasOf(forkName, fork.PresetMainnet)
		cold, err := beaconstate.NewObject(forkName, fork.PresetMainnet, "BeaconState", b)
		if err != nil {
			t.Fatal(err)
		}
		want, err := beaconstate.NewProver(cold)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range modes {
			if m.name == "json" && forkName != fork.Fulu && forkName != fork.Gloas {
				continue // slow, and the same path for every fork
			}
			t.Run(fmt.Sprintf("%s/%s", forkName, m.name), func(t *testing.T) {
				node := serveState(t, forkName, b)
				node.set(m.set)
				ahead, of := -1, 0
				beaconapi.SetHashedAhead(func(c, n int) { ahead, of = c, n })
				defer beaconapi.SetHashedAhead(nil)
				defer beaconapi.SetHashDelay(beaconapi.SetHashDelay(0)) // a test download is short
				p, err := newClient(t, node).StateProver(ctx, "head")
				if err != nil {
					t.Fatal(err)
				}
				switch followed := m.name != "json" && m.name != "no version header"; {
				case followed && (of < 20_000 || ahead < 0):
					t.Errorf("hashed ahead %d of %d chunks: want the hasher to follow at least 20000", ahead, of)
				case !followed && ahead >= 0:
					t.Errorf("hashed ahead %d chunks of a body it cannot follow", ahead)
				}
				if m.name == "chunked" && ahead < of/2 {
					t.Errorf("slowly chunked: hashed ahead only %d of %d chunks", ahead, of)
				}
				defer p.Object().Close()
				if p.Root() != want.Root() {
					t.Fatalf("root %x, want %x", p.Root(), want.Root())
				}
				for _, path := range paths {
					if _, _, err := s.BeaconState.Gindex(path); err != nil {
						continue
					}
					got, err := p.Prove(path)
					if err != nil {
						t.Fatal(err)
					}
					exp, err := want.Prove(path)
					if err != nil {
						t.Fatal(err)
					}
					if fmt.Sprint(got) != fmt.Sprint(exp) {
						t.Fatalf("%s: proof differs from the cold path's", path)
					}
				}
			})
		}
	}
}

// TestStateProverErrors: a body that breaks off on every attempt, one over
// the size limit (sent with or without its length) and bytes that are not
// a state fail with the errors State gives, and nothing is left running.
func TestStateProverErrors(t *testing.T) {
	ctx := context.Background()
	node, b := bigStateNode(t, fork.Gloas, 20_000)
	node.set(func(f *fakeNode) { f.truncate, f.chunked = 10, true })
	_, err := newClient(t, node, beaconapi.WithRetries(1)).StateProver(ctx, "head")
	checkErr(t, err, beaconapi.ErrUnavailable, "state head from", "the connection broke after", "of an unknown number of bytes (2 attempts)")

	node.set(func(f *fakeNode) { f.truncate = 0 })
	for _, chunked := range []bool{true, false} {
		node.set(func(f *fakeNode) { f.chunked = chunked })
		_, err = newClient(t, node, beaconapi.WithMaxSize(1<<20)).StateProver(ctx, "head")
		checkErr(t, err, beaconapi.ErrTooLarge, "the limit is 1048576")
	}

	bad := append([]byte(nil), b...)
	bad[len(bad)/2]++ // in a validator's record: a bad boolean or still valid
	short := b[:len(b)-7]
	for name, body := range map[string][]byte{"cut": short, "garbage": make([]byte, 1<<20)} {
		t.Run(name, func(t *testing.T) {
			node.addState(&served{fork: fork.Gloas, typeName: "BeaconState", preset: fork.PresetMainnet, ssz: body}, "head")
			_, err := newClient(t, node).StateProver(ctx, "head")
			checkErr(t, err, beaconapi.ErrBadResponse, "state head from", "gloas BeaconState")
		})
	}
}
