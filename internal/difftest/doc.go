// Package difftest holds differential tests only: random beacon-chain
// objects of every fork, made in the tests, must hash to the same root with
// this module's ssz and fork packages as with go-eth2-client (phase0 to
// gloas) and zrnt (phase0 to electra), in the mainnet and minimal presets.
//
// The objects come from two independent generators, so that a wrong schema
// cannot hide behind a generator built from it:
//
//   - a reflection-based filler of go-eth2-client's Go structs, driven by
//     their ssz-size, ssz-max and ssz-type tags, whose output the peer
//     library serialises itself; and
//   - a generator of random, well-formed SSZ bytes driven by this module's
//     own *ssz.Type schemas, whose output the peer libraries must decode
//     (a schema of the wrong shape fails there) and re-encode byte for byte.
//
// When two roots differ, the test walks both Merkle trees from the root
// down and names the first fields whose subtree roots differ.
//
// The package has no non-test code; it exists so that the peer libraries,
// one of which uses cgo, are linked into test binaries only.
package difftest
