package beaconstate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// AnchorKind says which root a proof leads to.
type AnchorKind string

const (
	// AnchorState anchors proofs to the state's hash tree root.
	AnchorState AnchorKind = "state"
	// AnchorBlock anchors proofs to the root of the block whose post-state
	// is the state: the root that the EIP-4788 contract returns for the
	// timestamp of the block's child.
	AnchorBlock AnchorKind = "block"
)

// ParseAnchorKind parses "state" or "block".
func ParseAnchorKind(s string) (AnchorKind, error) {
	switch AnchorKind(s) {
	case AnchorState, AnchorBlock:
		return AnchorKind(s), nil
	}
	return "", fmt.Errorf("beaconstate: unknown anchor %q (want %q or %q)", s, AnchorState, AnchorBlock)
}

// Anchor is the root that a Claim's proof verifies against: a state root,
// or a block root as the EIP-4788 contract returns it (for the timestamp
// of the next block after Slot).
type Anchor struct {
	Kind AnchorKind   `json:"kind"`
	Root proof.Hash32 `json:"root"`
	// Slot is the slot of the anchor block (or state); in JSON a decimal
	// string.
	Slot uint64 `json:"slot,string"`
}

// The kinds of Claim.
const (
	KindValidator                    = "validator"
	KindValidatorField               = "validator_field"
	KindSlot                         = "slot"
	KindBalance                      = "balance"
	KindStateField                   = "state_field"
	KindPendingDeposit               = "pending_deposit"
	KindPendingPartialWithdrawal     = "pending_partial_withdrawal"
	KindPendingConsolidation         = "pending_consolidation"
	KindParticipation                = "participation"
	KindWithdrawal                   = "withdrawal"                     // state -> block_roots -> block -> payload withdrawal
	KindHistoricalWithdrawal         = "historical_withdrawal"          // state -> historical_summaries -> era block_roots -> block -> payload withdrawal
	KindExpectedWithdrawal           = "expected_withdrawal"            // gloas: state -> state_roots -> state at ws -> payload_expected_withdrawals
	KindHistoricalExpectedWithdrawal = "historical_expected_withdrawal" // gloas: state -> historical_summaries -> era state_roots -> state at ws -> payload_expected_withdrawals
	KindStateRoot                    = "state_root"                     // the state root under the block root
	KindBlockField                   = "block_field"
	KindBlockWithdrawal              = "block_withdrawal" // block -> payload withdrawal
)

// Claim is one verified proof with what it proves: the kind of fact, the
// path of the leaf from the anchor's object, the anchor (root and slot)
// the proof leads to, and the decoded leaf value.
type Claim struct {
	// Kind is the proof kind (the Kind constants: "validator",
	// "validator_field", "slot", "balance", "withdrawal", ...).
	Kind string
	// Path names the leaf in the state (or block); for proofs that cross
	// objects it joins the steps with " -> " (state, block, withdrawal).
	// With AnchorBlock the path starts below the block's state_root.
	Path string
	// Anchor is the root the proof leads to, with its kind and slot.
	Anchor Anchor
	// Proof leads from the leaf to Anchor.Root: Proof.Verify(Anchor.Root)
	// holds for every Claim this package returns. A verifier must check
	// Anchor.Root against a root it trusts (the EIP-4788 contract's).
	Proof proof.Proof
	// Value is the decoded leaf (JSON in the beacon API's style: integers
	// as decimal strings, bytes as 0x-hex).
	Value json.RawMessage
}

type claimJSON struct {
	Kind   string          `json:"kind"`
	Path   string          `json:"path"`
	Anchor Anchor          `json:"anchor"`
	Gindex proof.Gindex    `json:"gindex"`
	Leaf   proof.Hash32    `json:"leaf"`
	Branch []proof.Hash32  `json:"branch"`
	Value  json.RawMessage `json:"value,omitempty"`
}

// MarshalJSON writes the claim in the shape of the oracle vectors' proofs
// plus kind, anchor and value:
//
//	{"kind": "validator", "path": "validators[7]",
//	 "anchor": {"kind": "block", "root": "0x…", "slot": "13165000"},
//	 "gindex": "…", "leaf": "0x…", "branch": ["0x…", …], "value": {…}}
func (c Claim) MarshalJSON() ([]byte, error) {
	j := claimJSON{Kind: c.Kind, Path: c.Path, Anchor: c.Anchor, Gindex: c.Proof.Gindex, Leaf: c.Proof.Leaf, Value: c.Value}
	j.Branch = make([]proof.Hash32, len(c.Proof.Branch))
	for i, h := range c.Proof.Branch {
		j.Branch[i] = h
	}
	return json.Marshal(j)
}

// UnmarshalJSON reads what MarshalJSON writes.
func (c *Claim) UnmarshalJSON(b []byte) error {
	var j claimJSON
	if err := json.Unmarshal(b, &j); err != nil {
		return fmt.Errorf("beaconstate: claim: %w", err)
	}
	*c = Claim{Kind: j.Kind, Path: j.Path, Anchor: j.Anchor, Proof: proof.Proof{Gindex: j.Gindex, Leaf: j.Leaf}, Value: j.Value}
	c.Proof.Branch = make([][32]byte, len(j.Branch))
	for i, h := range j.Branch {
		c.Proof.Branch[i] = h
	}
	return nil
}

// Verify checks the claim's proof against root, which the caller trusts
// (a 4788 block root or a state root), and that root is the claim's
// anchor.
func (c Claim) Verify(root [32]byte) error {
	if c.Anchor.Root != root {
		return fmt.Errorf("beaconstate: %s claim is anchored to %s, not to %s", c.Kind, proof.FormatHash(c.Anchor.Root), proof.FormatHash(root))
	}
	if err := c.Proof.Verify(root); err != nil {
		return fmt.Errorf("beaconstate: %s claim %s: %w", c.Kind, c.Path, err)
	}
	return nil
}

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
	p        *Prover
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
func NewStateProver(p *Prover, kind AnchorKind) (*StateProver, error) {
	obj := p.Object()
	if obj.TypeName != "BeaconState" {
		return nil, obj.errorf("a StateProver needs a BeaconState")
	}
	s, err := schemasOf(obj.Fork, obj.Preset)
	if err != nil {
		return nil, obj.errorf("%w", err)
	}
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
func postStateHeader(obj *Object, stateRoot [32]byte) (proof.Proof, [32]byte, error) {
	slot, err := obj.Uint64("slot")
	if err != nil {
		return proof.Proof{}, [32]byte{}, err
	}
	hb, ht, err := obj.Field("latest_block_header")
	if err != nil {
		return proof.Proof{}, [32]byte{}, err
	}
	header := append([]byte(nil), hb...)
	hslot, err := (&Object{Fork: obj.Fork, Preset: obj.Preset, TypeName: "BeaconBlockHeader", Type: ht, Bytes: header}).Uint64("slot")
	if err != nil {
		return proof.Proof{}, [32]byte{}, err
	}
	lo, hi, _, err := fieldSpan(ht, header, "state_root")
	if err != nil {
		return proof.Proof{}, [32]byte{}, obj.errorf("latest_block_header: %w", err)
	}
	if hslot != slot || !isZero(header[lo:hi]) {
		return proof.Proof{}, [32]byte{}, obj.errorf("%w: the state is at slot %d but its latest block is at slot %d; "+
			"a block root commits only to the block's post-state: load the state at slot %d, or anchor to the state root",
			ErrNotPostState, slot, hslot, hslot)
	}
	copy(header[lo:hi], stateRoot[:])
	tree, err := ssz.NewTree(ht, header)
	if err != nil {
		return proof.Proof{}, [32]byte{}, obj.errorf("latest_block_header: %w", err)
	}
	g, _, err := ht.Gindex("state_root")
	if err != nil {
		return proof.Proof{}, [32]byte{}, obj.errorf("%w", err)
	}
	pr, err := tree.Prove(g)
	if err != nil {
		return proof.Proof{}, [32]byte{}, obj.errorf("block header: %w", err)
	}
	blockRoot, err := tree.Root()
	if err != nil {
		return proof.Proof{}, [32]byte{}, obj.errorf("block header: %w", err)
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
func (sp *StateProver) Prover() *Prover { return sp.p }

// Slot returns the state's slot.
func (sp *StateProver) Slot() uint64 { return sp.slot }

// finish anchors a proof of the state (outermost first in inner, the
// first proving against the state root) and verifies it against the
// anchor.
func (sp *StateProver) finish(kind, path string, value json.RawMessage, inner ...proof.Proof) (Claim, error) {
	pr, err := sp.anchored(kind, path, inner...)
	if err != nil {
		return Claim{}, err
	}
	if err := pr.Verify(sp.anchor.Root); err != nil {
		return Claim{}, sp.p.Object().errorf("internal error: %s proof of %s does not verify: %w", kind, path, err)
	}
	return Claim{Kind: kind, Path: path, Anchor: sp.anchor, Proof: pr, Value: value}, nil
}

// anchored composes the anchor's proof (when the anchor is a block root)
// with inner, the proofs from the state root down, outermost first.
func (sp *StateProver) anchored(kind, path string, inner ...proof.Proof) (proof.Proof, error) {
	chain := inner
	if sp.toAnchor != nil {
		chain = append([]proof.Proof{*sp.toAnchor}, inner...)
	}
	pr, err := proof.Compose(chain...)
	if err != nil {
		return proof.Proof{}, sp.p.Object().errorf("%s %s: %w", kind, path, err)
	}
	return pr, nil
}

// member proves a path of the state with the JSON of the member as value,
// after the fields pre (key, value, ...) when given.
func (sp *StateProver) member(kind, path string, pre ...string) (Claim, error) {
	pr, err := sp.p.Prove(path)
	if err != nil {
		return Claim{}, err
	}
	v, err := sp.memberValue(path, pre...)
	if err != nil {
		return Claim{}, err
	}
	return sp.finish(kind, path, v, pr)
}

// memberValue is the JSON of the member at path, after the fields pre.
func (sp *StateProver) memberValue(path string, pre ...string) (json.RawMessage, error) {
	b, t, err := sp.p.Object().Field(path)
	if err != nil {
		return nil, err
	}
	v, err := ssz.ToJSON(t, b)
	if err != nil {
		return nil, sp.p.Object().errorf("path %q: %w", path, err)
	}
	if len(pre) > 0 && !bytes.HasPrefix(v, []byte("{")) {
		// A scalar member: name it after its field.
		v = appendRaw(jsonObject(pre...), path[strings.LastIndexByte(path, '.')+1:], json.RawMessage(v))
	} else {
		v = prependFields(v, pre...)
	}
	return v, nil
}

// Validator proves the whole Validator record validators[i] (the leaf is
// the record's hash tree root); the value is the record with its 8 fields,
// after "validator_index". Gloas's progressive validators list is proved
// the same way.
func (sp *StateProver) Validator(i uint64) (Claim, error) {
	return sp.member(KindValidator, fmt.Sprintf("validators[%d]", i), "validator_index", fmt.Sprint(i))
}

// Validators proves several validators of the state, as Validator does
// each. They share the one hashing pass of the state (the Prover's), and
// their branches are read and verified together (Prover.ProvePaths, then
// proof.VerifyMany against the anchor), so each costs a few microseconds.
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
	for k, i := range indices {
		v, err := sp.memberValue(paths[k], "validator_index", fmt.Sprint(i))
		if err != nil {
			return nil, err
		}
		pr, err := sp.anchored(KindValidator, paths[k], prs[k])
		if err != nil {
			return nil, err
		}
		anchoredProofs[k] = pr
		out[k] = Claim{Kind: KindValidator, Path: paths[k], Anchor: sp.anchor, Proof: pr, Value: v}
	}
	if err := proof.VerifyMany(anchoredProofs, sp.anchor.Root); err != nil {
		return nil, sp.p.Object().errorf("internal error: validator proofs do not verify: %w", err)
	}
	return out, nil
}

// ValidatorFields are the fields of a Validator record, in order.
var ValidatorFields = []string{
	"pubkey", "withdrawal_credentials", "effective_balance", "slashed",
	"activation_eligibility_epoch", "activation_epoch", "exit_epoch", "withdrawable_epoch",
}

// ValidatorField proves one field of validators[i] (see ValidatorFields).
// For pubkey the leaf is the root of the 48-byte key, not the key; the
// others are their 32-byte chunk. The value is
// {"validator_index": "i", "<field>": value}.
func (sp *StateProver) ValidatorField(i uint64, field string) (Claim, error) {
	if !slices.Contains(ValidatorFields, field) {
		return Claim{}, sp.p.Object().errorf("validator field %q: want one of %s", field, strings.Join(ValidatorFields, ", "))
	}
	return sp.member(KindValidatorField, fmt.Sprintf("validators[%d].%s", i, field), "validator_index", fmt.Sprint(i))
}

// SlotProof proves state.slot; verifiers use it to bind the slot argument
// of the other proofs. The leaf is the slot as a little-endian chunk.
func (sp *StateProver) SlotProof() (Claim, error) { return sp.member(KindSlot, "slot") }

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
	v := jsonObject("validator_index", fmt.Sprint(i), "balance", fmt.Sprint(bal), "chunk_offset", fmt.Sprint(8*(i%4)))
	return sp.finish(KindBalance, path, v, pr)
}

// Field proves any path of the state in the specs' spelling
// ("pending_deposits[3]", "current_epoch_participation[9]",
// "finalized_checkpoint.root", ...), with the member as value. An index
// into a list of basic values proves the chunk that holds the element (see
// Balance and Participation for helpers that say where in the chunk).
func (sp *StateProver) Field(path string) (Claim, error) { return sp.member(KindStateField, path) }

// PendingDeposit proves pending_deposits[i] (electra on): the leaf is the
// PendingDeposit's root, the value its fields after "index".
func (sp *StateProver) PendingDeposit(i uint64) (Claim, error) {
	return sp.queued(KindPendingDeposit, "pending_deposits", i)
}

// PendingPartialWithdrawal proves pending_partial_withdrawals[i] (electra
// on): the leaf is the record's root, the value its fields after "index".
func (sp *StateProver) PendingPartialWithdrawal(i uint64) (Claim, error) {
	return sp.queued(KindPendingPartialWithdrawal, "pending_partial_withdrawals", i)
}

// PendingConsolidation proves pending_consolidations[i] (electra on): the
// leaf is the record's root, the value its fields after "index".
func (sp *StateProver) PendingConsolidation(i uint64) (Claim, error) {
	return sp.queued(KindPendingConsolidation, "pending_consolidations", i)
}

func (sp *StateProver) queued(kind, list string, i uint64) (Claim, error) {
	obj := sp.p.Object()
	if !hasPath(obj.Type, list) {
		return Claim{}, obj.errorf("%w: no %s (electra on)", ErrNoField, list)
	}
	return sp.member(kind, fmt.Sprintf("%s[%d]", list, i), "index", fmt.Sprint(i))
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
	if !hasPath(obj.Type, list) {
		return Claim{}, obj.errorf("%w: no %s (altair on)", ErrNoField, list)
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
		return Claim{}, obj.errorf("path %q: %d bytes, want 1", path, len(b))
	}
	flags := b[0]
	if off := i % 32; pr.Leaf[off] != flags {
		return Claim{}, obj.errorf("internal error: %s is %d but byte %d of its chunk is %d", path, flags, off, pr.Leaf[off])
	}
	v := jsonObject("validator_index", fmt.Sprint(i), "epoch", epoch, "flags", fmt.Sprint(flags), "chunk_offset", fmt.Sprint(i%32))
	v = appendRaw(v, "timely_source", flags&TimelySourceFlag != 0, "timely_target", flags&TimelyTargetFlag != 0, "timely_head", flags&TimelyHeadFlag != 0)
	return sp.finish(KindParticipation, path, v, pr)
}

// WithdrawalIsRecent decides, in one place, how a withdrawal at slot ws is
// proved from a state at slot s: through the state's block_roots (or, from
// gloas, state_roots) (recent) or through historical_summaries
// (historical). Both vectors hold the roots of the slots s−n … s−1
// (n = SLOTS_PER_HISTORICAL_ROOT; entry slot % n is written when slot+1 is
// processed), so the oldest entry, ws = s−n, still counts as recent:
// recent iff ws < s ≤ ws + n, historical iff ws + n < s. This agrees with
// Rocket Pool's BeaconStateVerifier, which takes the historical branch only
// when ws + 8192 < s. A historical slot's era, ws / n, is complete in
// historical_summaries by then (its summary is appended at the era's last
// slot, before slot (ws/n + 1)·n ≤ ws + n < s). A withdrawal at or after s
// cannot be proved from the state at all. Withdrawal, GloasWithdrawal and
// WithdrawalGindex all decide through this function.
func WithdrawalIsRecent(s, ws, slotsPerHistoricalRoot uint64) (bool, error) {
	if ws >= s {
		return false, fmt.Errorf("%w: withdrawal slot %d is not before the state's slot %d", ErrWithdrawalSlot, ws, s)
	}
	return s-ws <= slotsPerHistoricalRoot, nil
}

// historyRoute is how a state reaches the root its history keeps for a
// past slot: the entry of one of its root vectors, or a historical summary
// and the entry of the era's vector.
type historyRoute struct {
	recent    bool
	statePath string // "block_roots[i]" or "historical_summaries[k].block_summary_root"
	era, k    uint64 // historical: the era (ws / n) and its summary index
	index     uint64 // ws % n: the entry in the state's vector or the era's
}

// routeTo decides (through WithdrawalIsRecent) the route from a state at
// slot s to the entry for slot ws of vector ("block_roots" or
// "state_roots"; historical summaries hold the matching
// "block_summary_root" or "state_summary_root"). net gives the
// historical_summaries offset (nil: mainnet).
func routeTo(s, ws, sphr uint64, vector string, net *fork.Network) (historyRoute, error) {
	recent, err := WithdrawalIsRecent(s, ws, sphr)
	if err != nil {
		return historyRoute{}, err
	}
	r := historyRoute{recent: recent, index: ws % sphr}
	if recent {
		r.statePath = fmt.Sprintf("%s[%d]", vector, r.index)
		return r, nil
	}
	if net == nil {
		if net, err = fork.NetworkByName("mainnet"); err != nil {
			return historyRoute{}, err
		}
	}
	offset, err := net.HistoricalSummariesOffset()
	if err != nil {
		return historyRoute{}, err
	}
	r.era = ws / sphr
	if r.era < offset {
		return historyRoute{}, fmt.Errorf("%w: slot %d is in era %d, before Capella's era %d on %s: historical_summaries does not cover it",
			ErrWithdrawalSlot, ws, r.era, offset, net.Name)
	}
	r.k = r.era - offset
	summary := strings.TrimSuffix(vector, "_roots") + "_summary_root"
	r.statePath = fmt.Sprintf("historical_summaries[%d].%s", r.k, summary)
	return r, nil
}

// proveHistory proves that the state's history holds leaf for slot ws in
// vector (see routeTo): the proofs, outermost first and starting at the
// state root, and the path. what names the leaf in errors ("the block at
// slot 5"); eraVector is the era's vector for a historical route, named
// eraName in errors.
func (sp *StateProver) proveHistory(ws uint64, vector string, leaf [32]byte, what string, eraVector []byte, eraName string, net *fork.Network) ([]proof.Proof, string, historyRoute, error) {
	obj := sp.p.Object()
	sphr := sp.schemas.Preset.SlotsPerHistoricalRoot
	r, err := routeTo(sp.slot, ws, sphr, vector, net)
	if err != nil {
		return nil, "", r, obj.errorf("%w", err)
	}
	sproof, err := sp.p.Prove(r.statePath)
	if err != nil {
		return nil, "", r, err
	}
	if r.recent {
		if sproof.Leaf != leaf {
			return nil, "", r, obj.errorf("%s is %s but %s has root %s: it is not in this state's history",
				r.statePath, proof.FormatHash(sproof.Leaf), what, proof.FormatHash(leaf))
		}
		return []proof.Proof{sproof}, r.statePath, r, nil
	}
	if eraVector == nil {
		return nil, "", r, obj.errorf("%s is %d slots before the state, in era %d (historical_summaries[%d]): the era's %s are needed (%s)",
			what, sp.slot-ws, r.era, r.k, vector, eraName)
	}
	vt := ssz.Vector(ssz.Bytes32, sphr)
	et, err := ssz.NewTree(vt, eraVector)
	if err != nil {
		return nil, "", r, obj.errorf("era %d %s: %w", r.era, vector, err)
	}
	eraRoot, err := et.Root()
	if err != nil {
		return nil, "", r, obj.errorf("era %d %s: %w", r.era, vector, err)
	}
	if eraRoot != sproof.Leaf {
		return nil, "", r, obj.errorf("the %s given for era %d hash to %s but %s is %s",
			vector, r.era, proof.FormatHash(eraRoot), r.statePath, proof.FormatHash(sproof.Leaf))
	}
	g, _, err := vt.Gindex(fmt.Sprintf("[%d]", r.index))
	if err != nil {
		return nil, "", r, obj.errorf("%w", err)
	}
	eproof, err := et.Prove(g)
	if err != nil {
		return nil, "", r, obj.errorf("era %d %s[%d]: %w", r.era, vector, r.index, err)
	}
	if eproof.Leaf != leaf {
		return nil, "", r, obj.errorf("era %d %s[%d] is %s but %s has root %s",
			r.era, vector, r.index, proof.FormatHash(eproof.Leaf), what, proof.FormatHash(leaf))
	}
	return []proof.Proof{sproof, eproof}, fmt.Sprintf("%s -> [%d]", r.statePath, r.index), r, nil
}

// WithdrawalSource is what a withdrawal proof needs besides the state.
type WithdrawalSource struct {
	// Block is the BeaconBlock or SignedBeaconBlock at the withdrawal slot
	// (capella to fulu: its execution payload holds the withdrawals; from
	// gloas use GloasWithdrawal).
	Block *Object
	// EraBlockRoots is the block_roots vector of the era that holds the
	// block (for instance from the state at the next era's first slot —
	// the state at the era's last slot still lacks its last entry — or
	// an era file). Only a historical proof needs it.
	EraBlockRoots []byte
	// Network gives the historical_summaries offset (the Capella fork's
	// era: 758 on mainnet, 0 on hoodi); nil means mainnet.
	Network *fork.Network
}

// Withdrawal proves withdrawal n of the block's execution payload, through
// the state's block_roots when the block is recent and through
// historical_summaries[ws/n − offset].block_summary_root and the era's
// block_roots otherwise (see WithdrawalIsRecent): state -> block root ->
// body.execution_payload.withdrawals[n], as one branch. The value is the
// withdrawal with its slot and number (and, historical, the summary
// index). The kind is KindWithdrawal or KindHistoricalWithdrawal.
func (sp *StateProver) Withdrawal(src WithdrawalSource, n uint64) (Claim, error) {
	obj := sp.p.Object()
	if src.Block == nil {
		return Claim{}, obj.errorf("withdrawal proof: no block")
	}
	block, err := unsignedBlock(src.Block)
	if err != nil {
		return Claim{}, err
	}
	if f, err := fork.Lookup(block.Fork); err == nil && f.Descends(fork.Gloas) {
		return Claim{}, block.errorf("%w: a %s block carries no execution payload: prove the withdrawal with GloasWithdrawal and the state at the block's slot",
			ErrNoField, block.Fork)
	}
	ws, err := block.Uint64("slot")
	if err != nil {
		return Claim{}, err
	}
	bp, err := NewProver(block)
	if err != nil {
		return Claim{}, err
	}
	wpath, err := block.WithdrawalsPath()
	if err != nil {
		return Claim{}, err
	}
	wpath = fmt.Sprintf("%s[%d]", wpath, n)
	wproof, err := bp.Prove(wpath)
	if err != nil {
		return Claim{}, err
	}
	w, err := block.Withdrawal(n)
	if err != nil {
		return Claim{}, err
	}
	proofs, path, r, err := sp.proveHistory(ws, "block_roots", bp.Root(), fmt.Sprintf("the block at slot %d", ws),
		src.EraBlockRoots, "WithdrawalSource.EraBlockRoots", src.Network)
	if err != nil {
		return Claim{}, err
	}
	value := withdrawalValue(ws, n, w)
	kind := KindWithdrawal
	if !r.recent {
		kind = KindHistoricalWithdrawal
		value = appendFields(value, "historical_summary_index", fmt.Sprint(r.k))
	}
	return sp.finish(kind, path+" -> "+wpath, value, append(proofs, wproof)...)
}

// withdrawalValue is the JSON of a withdrawal with its slot and number, in
// the order of the protocols' vectors.
func withdrawalValue(ws, n uint64, w Withdrawal) json.RawMessage {
	return jsonObject(
		"withdrawal_slot", fmt.Sprint(ws),
		"withdrawal_num", fmt.Sprint(n),
		"index", fmt.Sprint(w.Index),
		"validator_index", fmt.Sprint(w.ValidatorIndex),
		"address", fmt.Sprintf("0x%x", w.Address),
		"amount", fmt.Sprint(w.Amount))
}

// unsignedBlock returns the BeaconBlock of a BeaconBlock or SignedBeaconBlock.
func unsignedBlock(o *Object) (*Object, error) {
	switch o.TypeName {
	case "BeaconBlock":
		return o, nil
	case "SignedBeaconBlock":
		b, t, err := o.Field("message")
		if err != nil {
			return nil, err
		}
		return &Object{Fork: o.Fork, Preset: o.Preset, TypeName: "BeaconBlock", Type: t, Bytes: b}, nil
	}
	return nil, o.errorf("want a BeaconBlock or SignedBeaconBlock")
}

// jsonObject returns the JSON object of string fields kv (key, value, ...), in
// order.
func jsonObject(kv ...string) json.RawMessage { return appendFields(json.RawMessage("{}"), kv...) }

// appendFields returns the JSON object v with the string fields kv (key,
// value, ...) added at its end.
func appendFields(v json.RawMessage, kv ...string) json.RawMessage {
	vals := make([]any, len(kv))
	for i, s := range kv {
		vals[i] = s
	}
	return appendRaw(v, vals...)
}

// appendRaw returns the JSON object v with the fields kv (string key, any
// value, ...) added at its end.
func appendRaw(v json.RawMessage, kv ...any) json.RawMessage {
	out := bytes.TrimRight(append([]byte(nil), v...), " \t\r\n")
	out = out[:len(out)-1] // the closing brace
	empty := len(bytes.TrimSpace(out)) == 1
	for i := 0; i+1 < len(kv); i += 2 {
		if !empty {
			out = append(out, ',')
		}
		empty = false
		k, _ := json.Marshal(kv[i])
		val, _ := json.Marshal(kv[i+1])
		out = append(append(append(out, k...), ':'), val...)
	}
	return append(out, '}')
}

// prependFields returns the JSON object v with the string fields kv (key,
// value, ...) put first.
func prependFields(v json.RawMessage, kv ...string) json.RawMessage {
	if len(kv) == 0 {
		return v
	}
	head := jsonObject(kv...)
	rest := bytes.TrimSpace(v)
	if len(bytes.TrimSpace(rest[1:len(rest)-1])) == 0 {
		return head
	}
	return append(append(head[:len(head)-1:len(head)-1], ','), rest[1:]...)
}

// BlockFields are the block fields ProveBlockField knows, with their paths
// in a BeaconBlock from bellatrix to fulu. From gloas the block carries no
// execution payload: "block_hash" is the builder's bid's
// (body.signed_execution_payload_bid.message.block_hash), and
// "block_number" and "timestamp" are in the ExecutionPayloadEnvelope only.
var BlockFields = map[string]string{
	"slot":           "slot",
	"proposer_index": "proposer_index",
	"parent_root":    "parent_root",
	"state_root":     "state_root",
	"block_hash":     "body.execution_payload.block_hash",
	"block_number":   "body.execution_payload.block_number",
	"timestamp":      "body.execution_payload.timestamp",
}

// gloasBlockHash is the path of the execution block hash in a gloas block.
const gloasBlockHash = "body.signed_execution_payload_bid.message.block_hash"

// blockFieldPath returns the path of a BlockFields field in a BeaconBlock
// of the fork.
func blockFieldPath(forkName, field string) (string, error) {
	path, ok := BlockFields[field]
	if !ok {
		names := make([]string, 0, len(BlockFields))
		for k := range BlockFields {
			names = append(names, k)
		}
		slices.Sort(names)
		return "", fmt.Errorf("unknown block field %q: want one of %s", field, strings.Join(names, ", "))
	}
	if !strings.HasPrefix(path, "body.execution_payload.") {
		return path, nil
	}
	f, err := fork.Lookup(forkName)
	if err != nil {
		return "", err
	}
	switch {
	case f.Descends(fork.Gloas):
		if field == "block_hash" {
			return gloasBlockHash, nil
		}
		return "", fmt.Errorf("%w: a %s block carries no execution payload: %s is in the ExecutionPayloadEnvelope, "+
			"which no beacon block root commits to (the payload's timestamp is the slot's start time: prove the slot)", ErrNoField, forkName, field)
	case !f.Descends(fork.Bellatrix):
		return "", fmt.Errorf("%w: a %s block has no execution payload (bellatrix on)", ErrNoField, forkName)
	}
	return path, nil
}

// ProveBlockField proves a field of a block against the block's root (the
// root EIP-4788 stores), which is the claim's anchor: "slot",
// "proposer_index", "parent_root", "state_root", and the execution
// payload's "block_hash", "block_number" and "timestamp" (the link to the
// execution layer; bellatrix to fulu; from gloas only "block_hash", the
// bid's, see BlockFields).
func ProveBlockField(block *Object, field string) (Claim, error) {
	b, err := unsignedBlock(block)
	if err != nil {
		return Claim{}, err
	}
	path, err := blockFieldPath(b.Fork, field)
	if err != nil {
		return Claim{}, b.errorf("%w", err)
	}
	return proveBlockPath(b, KindBlockField, path, nil)
}

// stateBlockFieldPath returns the path in a BeaconState of the fork of a
// BlockFields field of the state's latest block: the header's slot,
// proposer_index and parent_root, and the execution payload's fields in
// latest_execution_payload_header (bellatrix to fulu) or the bid's
// block_hash in latest_execution_payload_bid (gloas on: the block_hash
// that block's bid committed to).
func stateBlockFieldPath(forkName, field string) (string, error) {
	if field == "state_root" {
		return "", fmt.Errorf("the latest block's state_root is the state's root (zero in latest_block_header): " +
			"with AnchorBlock it is StateRootProof, with AnchorState it is the anchor")
	}
	path, err := blockFieldPath(forkName, field)
	if err != nil {
		return "", err
	}
	switch {
	case path == gloasBlockHash:
		return "latest_execution_payload_bid.block_hash", nil
	case strings.HasPrefix(path, "body.execution_payload."):
		return "latest_execution_payload_header." + strings.TrimPrefix(path, "body.execution_payload."), nil
	}
	return "latest_block_header." + path, nil
}

// BlockField proves, from the state, a field of the state's latest block
// (the anchor block with AnchorBlock), as ProveBlockField proves it from
// the block: "slot", "proposer_index" and "parent_root" through
// latest_block_header, and the execution payload's "block_hash",
// "block_number" and "timestamp" through latest_execution_payload_header
// (bellatrix to fulu; from gloas only "block_hash", through
// latest_execution_payload_bid). The value is the field's JSON.
func (sp *StateProver) BlockField(field string) (Claim, error) {
	path, err := stateBlockFieldPath(sp.p.Object().Fork, field)
	if err != nil {
		return Claim{}, sp.p.Object().errorf("block field: %w", err)
	}
	return sp.member(KindBlockField, path)
}

// StateRootProof proves the state root under the anchor block's root: the
// header's state_root (gindex 11). It needs AnchorBlock.
func (sp *StateProver) StateRootProof() (Claim, error) {
	if sp.toAnchor == nil {
		return Claim{}, sp.p.Object().errorf("the state root is the anchor of an AnchorState prover: nothing to prove")
	}
	pr := *sp.toAnchor
	pr.Branch = append([][32]byte(nil), pr.Branch...)
	if err := pr.Verify(sp.anchor.Root); err != nil {
		return Claim{}, sp.p.Object().errorf("internal error: state root proof does not verify: %w", err)
	}
	v := jsonObject("state_root", proof.FormatHash(sp.p.Root()))
	return Claim{Kind: KindStateRoot, Path: "state_root", Anchor: sp.anchor, Proof: pr, Value: v}, nil
}

// ProveBlockWithdrawal proves withdrawal n of a block's execution payload
// (capella to fulu) against the block's root: the proof for a withdrawal
// in the very block whose root EIP-4788 returns, without a state. The
// value is the withdrawal with its slot and number.
func ProveBlockWithdrawal(block *Object, n uint64) (Claim, error) {
	b, err := unsignedBlock(block)
	if err != nil {
		return Claim{}, err
	}
	if f, err := fork.Lookup(b.Fork); err == nil && f.Descends(fork.Gloas) {
		return Claim{}, b.errorf("%w: a %s block carries no execution payload: its withdrawals are the post-state's payload_expected_withdrawals (GloasWithdrawal)",
			ErrNoField, b.Fork)
	}
	wpath, err := b.WithdrawalsPath()
	if err != nil {
		return Claim{}, err
	}
	w, err := b.Withdrawal(n)
	if err != nil {
		return Claim{}, err
	}
	slot, err := b.Uint64("slot")
	if err != nil {
		return Claim{}, err
	}
	return proveBlockPath(b, KindBlockWithdrawal, fmt.Sprintf("%s[%d]", wpath, n), withdrawalValue(slot, n, w))
}

// proveBlockPath proves path of the unsigned block b against its root,
// with value (nil: the member's JSON).
func proveBlockPath(b *Object, kind, path string, value json.RawMessage) (Claim, error) {
	p, err := NewProver(b)
	if err != nil {
		return Claim{}, err
	}
	pr, err := p.Prove(path)
	if err != nil {
		return Claim{}, err
	}
	if value == nil {
		fb, ft, err := b.Field(path)
		if err != nil {
			return Claim{}, err
		}
		if value, err = ssz.ToJSON(ft, fb); err != nil {
			return Claim{}, b.errorf("%s: %w", path, err)
		}
	}
	slot, err := b.Uint64("slot")
	if err != nil {
		return Claim{}, err
	}
	anchor := Anchor{Kind: AnchorBlock, Root: p.Root(), Slot: slot}
	if err := pr.Verify(anchor.Root); err != nil {
		return Claim{}, b.errorf("internal error: %s proof of %s does not verify: %w", kind, path, err)
	}
	return Claim{Kind: kind, Path: path, Anchor: anchor, Proof: pr, Value: value}, nil
}
