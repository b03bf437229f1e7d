package bench

import (
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// The Go benchmarks of each stage, on a fulu state of benchValidators
// validators so that 'go test -bench=. ./internal/bench' runs in well
// under a minute. The mainnet-scale numbers come from 'beaconproof bench'.
const benchValidators = 100_000

var fixture struct {
	once  sync.Once
	typ   *ssz.Type
	state []byte
	next  []byte
	tree  *ssz.Tree
	err   error
}

func benchState(b *testing.B) (*ssz.Type, []byte, *ssz.Tree) {
	b.Helper()
	fixture.once.Do(func() {
		f, err := fork.Lookup(fork.Fulu)
		if err != nil {
			fixture.err = err
			return
		}
		s, err := f.Schemas("mainnet")
		if err != nil {
			fixture.err = err
			return
		}
		fixture.typ = s.BeaconState
		if fixture.state, _, fixture.err = synth.MainnetShaped(fork.Fulu, benchValidators); fixture.err != nil {
			return
		}
		if fixture.next, fixture.err = synth.NextEpoch(s.BeaconState, fixture.state); fixture.err != nil {
			return
		}
		if fixture.tree, fixture.err = ssz.NewTree(s.BeaconState, fixture.state); fixture.err != nil {
			return
		}
		_, fixture.err = fixture.tree.Root()
	})
	if fixture.err != nil {
		b.Fatal(fixture.err)
	}
	return fixture.typ, fixture.state, fixture.tree
}

func validatorGindices(b *testing.B, t *ssz.Type, n int, seed uint64) []proof.Gindex {
	b.Helper()
	gs, err := randomValidators(t, seed, benchValidators, n)
	if err != nil {
		b.Fatal(err)
	}
	return gs
}

// BenchmarkGenerate generates the mainnet-shaped state and its block.
func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, _, err := synth.MainnetShaped(fork.Fulu, benchValidators); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate checks the state's encoding (the first step of
// ssz.NewTree).
func BenchmarkValidate(b *testing.B) {
	t, state, _ := benchState(b)
	b.SetBytes(int64(len(state)))
	for b.Loop() {
		if err := ssz.Validate(t, state); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRootCold builds a fresh tree and hashes the whole state.
func BenchmarkRootCold(b *testing.B) {
	t, state, _ := benchState(b)
	b.SetBytes(int64(len(state)))
	for b.Loop() {
		tr, err := ssz.NewTree(t, state)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tr.Root(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHashTreeRoot hashes the state without keeping a tree.
func BenchmarkHashTreeRoot(b *testing.B) {
	t, state, _ := benchState(b)
	b.SetBytes(int64(len(state)))
	for b.Loop() {
		if _, err := ssz.HashTreeRoot(t, state); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFirstProof is the time from the state's bytes in memory to the
// first validator proof: a fresh tree, hashed, and one proof (Prove asks
// for the root).
func BenchmarkFirstProof(b *testing.B) {
	t, state, _ := benchState(b)
	g := validatorGindices(b, t, 1, 1)[0]
	for b.Loop() {
		tr, err := ssz.NewTree(t, state)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tr.Prove(g); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkExtraProof proves random validators' records from a tree
// already hashed (each proof is verified by Prove).
func BenchmarkExtraProof(b *testing.B) {
	t, _, tr := benchState(b)
	gs := validatorGindices(b, t, 4096, 2)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tr.Prove(gs[i%len(gs)]); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkMultiproof builds multiproofs of K random validators from a
// hashed tree and reports their size against K single proofs.
func BenchmarkMultiproof(b *testing.B) {
	t, _, tr := benchState(b)
	for _, k := range []int{10, 100, 1000} {
		b.Run(fmt.Sprintf("K=%d", k), func(b *testing.B) {
			gs := validatorGindices(b, t, k, uint64(k))
			var m *proof.Multiproof
			for b.Loop() {
				var err error
				if m, err = proof.NewMultiproof(gs, tr.Node); err != nil {
					b.Fatal(err)
				}
			}
			single := 0
			for _, g := range gs {
				single += 1 + g.Depth()
			}
			b.ReportMetric(float64(m.Size()), "hashes")
			b.ReportMetric(float64(single), "single-hashes")
		})
	}
}

// BenchmarkNextEpochRebuild re-proves the next epoch's state from scratch:
// the baseline of the incremental API (see Incremental).
func BenchmarkNextEpochRebuild(b *testing.B) {
	t, _, _ := benchState(b)
	next := fixture.next
	b.SetBytes(int64(len(next)))
	for b.Loop() {
		tr, err := ssz.NewTree(t, next)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tr.Root(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNextEpochIncremental re-proves the next epoch's state from the
// previous state's tree through Incremental; it is skipped until that is
// wired. (If the incremental API consumes its input tree, build one per
// iteration here.)
func BenchmarkNextEpochIncremental(b *testing.B) {
	t, state, _ := benchState(b)
	next := fixture.next
	prev, err := ssz.NewTree(t, state)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := prev.Root(); err != nil {
		b.Fatal(err)
	}
	if _, err := Incremental(prev, next); errors.Is(err, ErrNoIncremental) {
		b.Skip(err)
	}
	b.SetBytes(int64(len(next)))
	for b.Loop() {
		tr, err := Incremental(prev, next)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := tr.Root(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCountHashes counts the state's hashes (the lower bound's work).
func BenchmarkCountHashes(b *testing.B) {
	t, state, _ := benchState(b)
	var n uint64
	for b.Loop() {
		var err error
		if n, err = CountHashes(t, state); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n), "hashes")
}

// BenchmarkProveMany proves 4,096 random validators' records at once from
// a tree already hashed (Tree.ProveMany: branches on all cores, verified
// together); ns/op is per batch, the proof-µs metric per proof.
func BenchmarkProveMany(b *testing.B) {
	t, _, tr := benchState(b)
	gs := validatorGindices(b, t, 4096, 2)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := tr.ProveMany(gs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(b.N*len(gs)), "proof-µs")
}
