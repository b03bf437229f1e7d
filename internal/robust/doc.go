// Package robust holds the project's robustness tests: hostile inputs
// through every entry point that reads bytes from someone else (ssz,
// proof, beaconstate), with their allocations measured against the input's
// size; strict-verification and tamper properties of proofs and
// multiproofs; concurrent use of one Tree and one Prover under -race; and
// fuzz targets that the per-package ones do not cover.
//
// The package has no API: everything is in its _test.go files.
// docs/ROBUSTNESS.md describes what is checked and how to run the fuzzers
// (scripts/fuzz.sh).
package robust
