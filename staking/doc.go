// Package staking proves the facts that staking protocols check on chain —
// a validator's record and fields, its balance, the state's slot, the
// withdrawals a block paid (recent, through block_roots, or historical,
// through historical_summaries), the pending queues, a block's fields —
// as Claims: verified proofs anchored to the state root or to the block
// root that the EIP-4788 contract returns. Each claim carries the leaf's
// value as a Go type (a ClaimValue: ValidatorValue, BalanceValue,
// WithdrawalValue, ...), which its kind selects, and which its JSON writes
// in the beacon API's style.
//
// A StateProver wraps a beaconstate.Prover, so that every claim of one
// state shares one hashing of it. The generalized index of every claim is
// known without a state (AnchoredGindex, WithdrawalGindex,
// BlockFieldGindex), so that a verifier recomputes it from the fork's
// schemas instead of trusting a document. Package staking/format writes
// claims in the shapes that protocols' verifiers take.
package staking
