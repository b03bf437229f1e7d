package staking

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// ErrNotPostState reports a state that is not the post-state of its latest
// block, so that no block root commits to it.
var ErrNotPostState = errors.New("state is not the post-state of a block")

// ErrWithdrawalSlot reports a withdrawal block that the state cannot prove:
// not before the state, or older than the history it keeps.
var ErrWithdrawalSlot = errors.New("withdrawal slot out of range")

// StateProver proves the facts that staking protocols check on chain
// (validators, balances, the slot, withdrawals, the electra queues,
// participation) from one BeaconState, anchored to the state root or to
// the block root that EIP-4788 exposes. It shares the Prover's hashing:
// proving many validators costs one pass over the state, and two
// StateProvers (one per anchor) may share one Prover. A StateProver is
// safe for concurrent use.
type StateProver struct {
	p        *beaconstate.Prover
	schemas  *fork.Schemas
	slot     uint64
	anchor   Anchor
	toAnchor *proof.Proof // state root -> block root; nil for AnchorState
}

// NewStateProver returns a StateProver for the BeaconState of p. With
// AnchorBlock, the anchor is the state's latest block, whose header the
// state holds (latest_block_header, with state_root still zero in a
// post-state): the state must be the post-state of that block, not a state
// advanced through empty slots (the error then wraps ErrNotPostState).
// Every proof is then one branch: block header -> state_root (gindex 11)
// -> the state path.
func NewStateProver(p *beaconstate.Prover, kind AnchorKind) (*StateProver, error) {
	obj := p.Object()
	if obj.TypeName != "BeaconState" {
		return nil, errorf(obj, "a StateProver needs a BeaconState")
	}
	s := obj.Schemas
	slot, err := obj.Uint64("slot")
	if err != nil {
		return nil, err
	}
	sp := &StateProver{p: p, schemas: s, slot: slot}
	switch kind {
	case AnchorState:
		sp.anchor = Anchor{Kind: AnchorState, Root: p.Root(), Slot: slot}
	case AnchorBlock:
		pr, blockRoot, err := postStateHeader(obj, p.Root())
		if err != nil {
			return nil, err
		}
		sp.toAnchor = &pr
		sp.anchor = Anchor{Kind: AnchorBlock, Root: blockRoot, Slot: slot}
	default:
		_, err := ParseAnchorKind(string(kind))
		return nil, err
	}
	return sp, nil
}

// postStateHeader returns, for a state that is the post-state of its
// latest block, the proof of the state root (given) in that block's
// header and the block's root: the state's latest_block_header with its
// state_root filled in, as the next process_slot fills it. The block root
// is the header's root because the header's body_root is the body's root.
func postStateHeader(obj *beaconstate.Object, stateRoot [32]byte) (proof.Proof, [32]byte, error) {
	slot, err := obj.Uint64("slot")
	if err != nil {
		return proof.Proof{}, [32]byte{}, err
	}
	hb, ht, err := obj.Field("latest_block_header")
	if err != nil {
		return proof.Proof{}, [32]byte{}, err
	}
	header := append([]byte(nil), hb...)
	hobj, err := obj.Member("latest_block_header")
	if err != nil {
		return proof.Proof{}, [32]byte{}, err
	}
	hslot, err := hobj.Uint64("slot")
	if err != nil {
		return proof.Proof{}, [32]byte{}, err
	}
	lo, hi, _, err := ssz.FieldSpan(ht, header, "state_root")
	if err != nil {
		return proof.Proof{}, [32]byte{}, errorf(obj, "latest_block_header: %w", err)
	}
	if hslot != slot || !isZero(header[lo:hi]) {
		return proof.Proof{}, [32]byte{}, errorf(obj, "%w: the state is at slot %d but its latest block is at slot %d; "+
			"a block root commits only to the block's post-state: load the state at slot %d, or anchor to the state root",
			ErrNotPostState, slot, hslot, hslot)
	}
	copy(header[lo:hi], stateRoot[:])
	tree, err := ssz.NewTree(ht, header)
	if err != nil {
		return proof.Proof{}, [32]byte{}, errorf(obj, "latest_block_header: %w", err)
	}
	g, _, err := ht.Gindex("state_root")
	if err != nil {
		return proof.Proof{}, [32]byte{}, errorf(obj, "%w", err)
	}
	pr, err := tree.Prove(g)
	if err != nil {
		return proof.Proof{}, [32]byte{}, errorf(obj, "block header: %w", err)
	}
	blockRoot, err := tree.Root()
	if err != nil {
		return proof.Proof{}, [32]byte{}, errorf(obj, "block header: %w", err)
	}
	return pr, blockRoot, nil
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// Anchor returns the root that every proof of the StateProver verifies
// against.
func (sp *StateProver) Anchor() Anchor { return sp.anchor }

// Prover returns the underlying state Prover.
func (sp *StateProver) Prover() *beaconstate.Prover { return sp.p }

// Slot returns the state's slot.
func (sp *StateProver) Slot() uint64 { return sp.slot }

// checkContext is the CheckContext of the StateProver's claims.
func (sp *StateProver) checkContext() CheckContext {
	obj := sp.p.Object()
	return CheckContext{Fork: obj.Fork, Preset: obj.Preset, Anchor: sp.anchor.Kind, Slot: sp.slot}
}

// finish anchors a proof of the state (outermost first in inner, the
// first proving against the state root) and verifies it against the
// anchor; the value is the claim's.
func (sp *StateProver) finish(kind Kind, path string, value ClaimValue, inner ...proof.Proof) (Claim, error) {
	return sp.finishWith(sp.checkContext(), kind, path, value, inner...)
}

// finishWith is finish with the context its kind's check needs.
func (sp *StateProver) finishWith(x CheckContext, kind Kind, path string, value ClaimValue, inner ...proof.Proof) (Claim, error) {
	pr, err := sp.anchored(kind, path, inner...)
	if err != nil {
		return Claim{}, err
	}
	if err := pr.Verify(sp.anchor.Root); err != nil {
		return Claim{}, errorf(sp.p.Object(), "internal error: %s proof of %s does not verify: %w", kind, path, err)
	}
	return newClaim(sp.p.Object(), x, Claim{Kind: kind, Path: path, Anchor: sp.anchor, Proof: pr}, value)
}

// newClaim sets the claim's value and checks the claim as its kind says
// (its gindex from the schemas, its leaf from its value).
func newClaim(obj *beaconstate.Object, x CheckContext, c Claim, value ClaimValue) (Claim, error) {
	c.Value = value
	if err := c.Check(x); err != nil {
		return Claim{}, errorf(obj, "internal error: %s claim of %s: %w", c.Kind, c.Path, err)
	}
	return c, nil
}

// anchored composes the anchor's proof (when the anchor is a block root)
// with inner, the proofs from the state root down, outermost first.
func (sp *StateProver) anchored(kind Kind, path string, inner ...proof.Proof) (proof.Proof, error) {
	chain := inner
	if sp.toAnchor != nil {
		chain = append([]proof.Proof{*sp.toAnchor}, inner...)
	}
	pr, err := proof.Compose(chain...)
	if err != nil {
		return proof.Proof{}, errorf(sp.p.Object(), "%s %s: %w", kind, path, err)
	}
	return pr, nil
}

// member proves a path of the state with the value that value returns
// from the member's JSON.
func (sp *StateProver) member(kind Kind, path string, value func(json.RawMessage) (ClaimValue, error)) (Claim, error) {
	pr, err := sp.p.Prove(path)
	if err != nil {
		return Claim{}, err
	}
	m, err := sp.memberJSON(path)
	if err != nil {
		return Claim{}, err
	}
	v, err := value(m)
	if err != nil {
		return Claim{}, errorf(sp.p.Object(), "path %q: %w", path, err)
	}
	return sp.finish(kind, path, v, pr)
}

// asIs is the value of a claim whose value is the member's JSON.
func asIs(m json.RawMessage) (ClaimValue, error) { return MemberValue(m), nil }

// memberJSON is the JSON of the member at path.
func (sp *StateProver) memberJSON(path string) (json.RawMessage, error) {
	b, t, err := sp.p.Object().Field(path)
	if err != nil {
		return nil, err
	}
	v, err := ssz.ToJSON(t, b)
	if err != nil {
		return nil, errorf(sp.p.Object(), "path %q: %w", path, err)
	}
	return v, nil
}

// Validator proves the whole Validator record validators[i] (the leaf is
// the record's hash tree root); the value is the record with its 8 fields,
// after "validator_index". Gloas's progressive validators list is proved
// the same way.
func (sp *StateProver) Validator(i uint64) (Claim, error) {
	cs, err := sp.Validators([]uint64{i})
	if err != nil {
		return Claim{}, err
	}
	return cs[0], nil
}

// Validators proves several validators of the state, as Validator does
// each. They share the one hashing pass of the state (the Prover's), and
// their branches are read and verified together (Prover.ProvePaths, then
// proof.VerifyMany against the anchor), and each claim is checked as its
// kind says (Claim.Check: the gindex from the schemas, the leaf from the
// record); each costs some ten microseconds.
func (sp *StateProver) Validators(indices []uint64) ([]Claim, error) {
	paths := make([]string, len(indices))
	for k, i := range indices {
		paths[k] = fmt.Sprintf("validators[%d]", i)
	}
	prs, err := sp.p.ProvePaths(paths)
	if err != nil {
		return nil, err
	}
	out := make([]Claim, len(indices))
	anchoredProofs := make([]proof.Proof, len(indices))
	x := sp.checkContext()
	for k, i := range indices {
		v, err := sp.p.Object().Validator(i)
		if err != nil {
			return nil, err
		}
		pr, err := sp.anchored(KindValidator, paths[k], prs[k])
		if err != nil {
			return nil, err
		}
		anchoredProofs[k] = pr
		c := Claim{Kind: KindValidator, Path: paths[k], Anchor: sp.anchor, Proof: pr}
		if out[k], err = newClaim(sp.p.Object(), x, c, ValidatorValue{Index: i, Validator: v}); err != nil {
			return nil, err
		}
	}
	if err := proof.VerifyMany(anchoredProofs, sp.anchor.Root); err != nil {
		return nil, errorf(sp.p.Object(), "internal error: validator proofs do not verify: %w", err)
	}
	return out, nil
}

// ValidatorFields returns the fields of a Validator record, in order.
func ValidatorFields() []string {
	return []string{
		"pubkey", "withdrawal_credentials", "effective_balance", "slashed",
		"activation_eligibility_epoch", "activation_epoch", "exit_epoch", "withdrawable_epoch",
	}
}

// ValidatorField proves one field of validators[i] (see ValidatorFields).
// For pubkey the leaf is the root of the 48-byte key, not the key; the
// others are their 32-byte chunk. The value is
// {"validator_index": "i", "<field>": value}.
func (sp *StateProver) ValidatorField(i uint64, field string) (Claim, error) {
	if !slices.Contains(ValidatorFields(), field) {
		return Claim{}, errorf(sp.p.Object(), "validator field %q: want one of %s", field, strings.Join(ValidatorFields(), ", "))
	}
	return sp.member(KindValidatorField, fmt.Sprintf("validators[%d].%s", i, field), func(m json.RawMessage) (ClaimValue, error) {
		return ValidatorFieldValue{ValidatorIndex: i, Field: field, Value: m}, nil
	})
}

// SlotProof proves state.slot; verifiers use it to bind the slot argument
// of the other proofs. The leaf is the slot as a little-endian chunk.
func (sp *StateProver) SlotProof() (Claim, error) {
	pr, err := sp.p.Prove("slot")
	if err != nil {
		return Claim{}, err
	}
	return sp.finish(KindSlot, "slot", SlotValue(sp.slot), pr)
}

// Balance proves balances[i]. Four balances share a 32-byte chunk: the
// leaf is that chunk, the value the balance of validator i (at byte
// 8·(i mod 4) of the chunk, "chunk_offset").
func (sp *StateProver) Balance(i uint64) (Claim, error) {
	path := fmt.Sprintf("balances[%d]", i)
	pr, err := sp.p.Prove(path)
	if err != nil {
		return Claim{}, err
	}
	bal, err := sp.p.Object().Uint64(path)
	if err != nil {
		return Claim{}, err
	}
	return sp.finish(KindBalance, path, newBalanceValue(i, bal), pr)
}

// Field proves any path of the state in the specs' spelling
// ("pending_deposits[3]", "current_epoch_participation[9]",
// "finalized_checkpoint.root", ...), with the member as value. An index
// into a list of basic values proves the chunk that holds the element (see
// Balance and Participation for helpers that say where in the chunk).
func (sp *StateProver) Field(path string) (Claim, error) {
	return sp.member(KindStateField, path, asIs)
}

// PendingDeposit proves pending_deposits[i] (electra on): the leaf is the
// PendingDeposit's root, the value its fields after "index".
func (sp *StateProver) PendingDeposit(i uint64) (Claim, error) {
	return sp.queued(KindPendingDeposit, "pending_deposits", i, decodeInto(PendingDepositValue{Index: U64(i)}))
}

// PendingPartialWithdrawal proves pending_partial_withdrawals[i] (electra
// on): the leaf is the record's root, the value its fields after "index".
func (sp *StateProver) PendingPartialWithdrawal(i uint64) (Claim, error) {
	return sp.queued(KindPendingPartialWithdrawal, "pending_partial_withdrawals", i, decodeInto(PendingPartialWithdrawalValue{Index: U64(i)}))
}

// PendingConsolidation proves pending_consolidations[i] (electra on): the
// leaf is the record's root, the value its fields after "index".
func (sp *StateProver) PendingConsolidation(i uint64) (Claim, error) {
	return sp.queued(KindPendingConsolidation, "pending_consolidations", i, decodeInto(PendingConsolidationValue{Index: U64(i)}))
}

// decodeInto returns the value of a member whose JSON decodes into v.
func decodeInto[T ClaimValue](v T) func(json.RawMessage) (ClaimValue, error) {
	return func(m json.RawMessage) (ClaimValue, error) {
		if err := DecodeValue(m, &v); err != nil {
			return nil, err
		}
		return v, nil
	}
}

// queued proves list[i] of a list of queued records (electra on).
func (sp *StateProver) queued(kind Kind, list string, i uint64, value func(json.RawMessage) (ClaimValue, error)) (Claim, error) {
	obj := sp.p.Object()
	if !obj.Type.HasPath(list) {
		return Claim{}, errorf(obj, "%w: no %s (electra on)", beaconstate.ErrNoField, list)
	}
	return sp.member(kind, fmt.Sprintf("%s[%d]", list, i), value)
}

// Participation flag bits (altair on).
const (
	TimelySourceFlag = 1 << 0
	TimelyTargetFlag = 1 << 1
	TimelyHeadFlag   = 1 << 2
)

// Participation proves the participation flags of validator i in the
// current epoch (current) or the previous one (altair on). Thirty-two
// validators share a 32-byte chunk: the leaf is that chunk, the flags are
// its byte i mod 32 ("chunk_offset"), decoded as timely source, target
// and head.
func (sp *StateProver) Participation(i uint64, current bool) (Claim, error) {
	obj := sp.p.Object()
	list, epoch := "previous_epoch_participation", "previous"
	if current {
		list, epoch = "current_epoch_participation", "current"
	}
	if !obj.Type.HasPath(list) {
		return Claim{}, errorf(obj, "%w: no %s (altair on)", beaconstate.ErrNoField, list)
	}
	path := fmt.Sprintf("%s[%d]", list, i)
	pr, err := sp.p.Prove(path)
	if err != nil {
		return Claim{}, err
	}
	b, _, err := obj.Field(path)
	if err != nil {
		return Claim{}, err
	}
	if len(b) != 1 {
		return Claim{}, errorf(obj, "path %q: %d bytes, want 1", path, len(b))
	}
	flags := b[0]
	if off := i % 32; pr.Leaf[off] != flags {
		return Claim{}, errorf(obj, "internal error: %s is %d but byte %d of its chunk is %d", path, flags, off, pr.Leaf[off])
	}
	v := ParticipationValue{ValidatorIndex: i, Epoch: epoch, Flags: uint64(flags), ChunkOffset: i % 32}
	return sp.finish(KindParticipation, path, v, pr)
}

// errorf returns an error about the object o, naming its fork and type.
func errorf(o *beaconstate.Object, format string, args ...any) error {
	return fmt.Errorf("staking: %s %s: "+format, append([]any{o.Fork, o.TypeName}, args...)...)
}
