package staking

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// Kind names the fact a Claim proves.
type Kind string

// The kinds of Claim.
const (
	KindValidator                    Kind = "validator"
	KindValidatorField               Kind = "validator_field"
	KindSlot                         Kind = "slot"
	KindBalance                      Kind = "balance"
	KindStateField                   Kind = "state_field"
	KindPendingDeposit               Kind = "pending_deposit"
	KindPendingPartialWithdrawal     Kind = "pending_partial_withdrawal"
	KindPendingConsolidation         Kind = "pending_consolidation"
	KindParticipation                Kind = "participation"
	KindWithdrawal                   Kind = "withdrawal"                     // state -> block_roots -> block -> payload withdrawal
	KindHistoricalWithdrawal         Kind = "historical_withdrawal"          // state -> historical_summaries -> era block_roots -> block -> payload withdrawal
	KindExpectedWithdrawal           Kind = "expected_withdrawal"            // gloas: state -> state_roots -> state at ws -> payload_expected_withdrawals
	KindHistoricalExpectedWithdrawal Kind = "historical_expected_withdrawal" // gloas: state -> historical_summaries -> era state_roots -> state at ws -> payload_expected_withdrawals
	KindStateRoot                    Kind = "state_root"                     // the state root under the block root
	KindBlockField                   Kind = "block_field"
	KindBlockWithdrawal              Kind = "block_withdrawal"        // block -> payload withdrawal
	KindPostStateWithdrawal          Kind = "post_state_withdrawal"   // the block's post-state -> latest_execution_payload_header.withdrawals_root -> payload withdrawal
	KindBlockHeader                  Kind = "block_header"            // the anchor block's header: its root is the anchor
	KindHistoricalBlockHeader        Kind = "historical_block_header" // state -> historical_summaries -> era block_roots -> an old block's header
)

// kindSpec is what one kind of claim is: how its value reads from JSON,
// and how its gindex (from the fork's schemas, the path and the value) and
// its leaf (from the value) are checked. The StateProver checks every
// claim it returns through it, and so do the formats' Verify.
type kindSpec struct {
	parse func(raw []byte) (ClaimValue, error)
	check func(x CheckContext, c Claim) error
}

// kindSpecs has one entry per kind.
var kindSpecs = map[Kind]kindSpec{
	KindValidator:                    specOf(checkValidator),
	KindValidatorField:               specOf(checkValidatorField),
	KindSlot:                         specOf(checkStateMember[SlotValue]),
	KindStateField:                   specOf(checkStateMember[MemberValue]),
	KindPendingDeposit:               specOf(checkQueued[PendingDepositValue]),
	KindPendingPartialWithdrawal:     specOf(checkQueued[PendingPartialWithdrawalValue]),
	KindPendingConsolidation:         specOf(checkQueued[PendingConsolidationValue]),
	KindBalance:                      specOf(checkBalance),
	KindParticipation:                specOf(checkParticipation),
	KindStateRoot:                    specOf(checkStateRoot),
	KindBlockField:                   specOf(checkBlockField),
	KindBlockWithdrawal:              specOf(checkBlockWithdrawal),
	KindWithdrawal:                   specOf(checkWithdrawal),
	KindHistoricalWithdrawal:         specOf(checkWithdrawal),
	KindExpectedWithdrawal:           specOf(checkWithdrawal),
	KindHistoricalExpectedWithdrawal: specOf(checkWithdrawal),
	KindPostStateWithdrawal:          specOf(checkPostStateWithdrawal),
	KindBlockHeader:                  specOf(checkBlockHeader),
	KindHistoricalBlockHeader:        specOf(checkHistoricalBlockHeader),
}

// specOf returns the spec of a kind whose value is a T, checked by check.
// check gets nil when the claim has no value of type T: it then checks
// what it can without one (the gindex), so that a claim of another path
// fails as a path mismatch, and the missing value is reported after.
func specOf[T ClaimValue](check func(CheckContext, Claim, *T) error) kindSpec {
	return kindSpec{
		parse: func(raw []byte) (ClaimValue, error) {
			var v T
			if err := DecodeValue(raw, &v); err != nil {
				return nil, err
			}
			return v, nil
		},
		check: func(x CheckContext, c Claim) error {
			v, ok := c.Value.(T)
			if ok {
				return check(x, c, &v)
			}
			if err := check(x, c, nil); err != nil {
				return err
			}
			if c.Value == nil {
				return fmt.Errorf("%s value: %w: no value", c.Kind, proof.ErrMalformed)
			}
			return fmt.Errorf("%s value: %w: a %T, not a %T", c.Kind, proof.ErrMalformed, c.Value, v)
		},
	}
}

// Known reports whether k is one of the Kind constants.
func (k Kind) Known() bool { _, ok := kindSpecs[k]; return ok }

// ParseValue reads the JSON of the value of a claim of kind k as k's value
// type (see ClaimValue); unknown keys are allowed. An absent value (no
// JSON, or null) is nil. A value of an unknown kind, or of no kind (which
// would say how to check it), is an error. Errors wrap proof.ErrMalformed.
func (k Kind) ParseValue(raw []byte) (ClaimValue, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if k == "" {
		return nil, fmt.Errorf("%w: a value without a kind, which says how to check it", proof.ErrMalformed)
	}
	spec, ok := kindSpecs[k]
	if !ok {
		return nil, fmt.Errorf("%w: unknown kind %q", proof.ErrMalformed, k)
	}
	v, err := spec.parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%s value: %w", k, err)
	}
	return v, nil
}

// DecodeValue decodes the JSON of a claim value into v (one of the value
// types); unknown keys are allowed. Errors wrap proof.ErrMalformed.
func DecodeValue(raw json.RawMessage, v any) error {
	if len(raw) == 0 {
		return fmt.Errorf("%w: no value", proof.ErrMalformed)
	}
	if err := json.NewDecoder(bytes.NewReader(raw)).Decode(v); err != nil {
		return fmt.Errorf("%w: %v", proof.ErrMalformed, err)
	}
	return nil
}

// CheckContext is what checking a claim needs besides the claim: the
// fork and preset of the anchor's state (or block), the anchor's kind and
// slot, and for withdrawals the fork of the withdrawal's block and the
// network.
type CheckContext struct {
	Fork, Preset string
	// BlockFork is the fork of a withdrawal's slot ("" means Fork).
	BlockFork string
	// Network gives the historical_summaries offset; nil means mainnet.
	Network *fork.Network
	Anchor  AnchorKind
	// Slot is the anchor's slot, which withdrawal claims need; SlotUnknown
	// says that it is not known (they then fail).
	Slot        uint64
	SlotUnknown bool
}

// Check checks a claim against the schemas without trusting its gindex or
// leaf: the gindex must be the one its kind gives for its path (or, for
// withdrawals, its value's slot and number) below the anchor, and the leaf
// must be the one its value gives; the value must be of its kind's type.
// It does not check the branch (see Claim.Verify). An unknown kind is an
// error.
func (c Claim) Check(x CheckContext) error {
	spec, ok := kindSpecs[c.Kind]
	if !ok {
		return fmt.Errorf("%w: unknown kind %q", proof.ErrMalformed, c.Kind)
	}
	if x.Fork == "" {
		return fmt.Errorf("%w: a %s proof needs the document's fork to be checked", proof.ErrMalformed, c.Kind)
	}
	return spec.check(x, c)
}

// stateGindex returns the gindex of path in the fork's BeaconState below
// the anchor's root, and the type of the member at path.
func stateGindex(x CheckContext, path string) (proof.Gindex, *ssz.Type, error) {
	g, err := AnchoredGindex(x.Fork, x.Preset, x.Anchor, path)
	if err != nil {
		return proof.Gindex{}, nil, err
	}
	s, err := fork.SchemasOf(x.Fork, x.Preset)
	if err != nil {
		return proof.Gindex{}, nil, err
	}
	t := s.BeaconState
	if path != "" {
		if _, t, err = s.BeaconState.Gindex(path); err != nil {
			return proof.Gindex{}, nil, err
		}
	}
	return g, t, nil
}

// blockGindex returns the gindex of path in the fork's BeaconBlock and the
// type of the member at path.
func blockGindex(x CheckContext, path string) (proof.Gindex, *ssz.Type, error) {
	s, err := fork.SchemasOf(x.Fork, x.Preset)
	if err != nil {
		return proof.Gindex{}, nil, err
	}
	g, t, err := s.BeaconBlock.Gindex(path)
	if err != nil {
		return proof.Gindex{}, nil, fmt.Errorf("%s BeaconBlock: path %q: %w", x.Fork, path, err)
	}
	return g, t, nil
}

// checkGindex checks that the claim's gindex is g, the one its path gives.
func checkGindex(c Claim, g proof.Gindex) error {
	if !c.Proof.Gindex.Equal(g) {
		return fmt.Errorf("%w: gindex %s, but %q gives %s", beaconstate.ErrPathMismatch, c.Proof.Gindex, c.Path, g)
	}
	return nil
}

// checkLeaf checks a claim's gindex and leaf.
func checkLeaf(g proof.Gindex, c Claim, leaf [32]byte) error {
	if err := checkGindex(c, g); err != nil {
		return err
	}
	if leaf != c.Proof.Leaf {
		return fmt.Errorf("%w: the value gives the leaf %s, the proof has %s", proof.ErrRootMismatch, proof.FormatHash(leaf), proof.FormatHash(c.Proof.Leaf))
	}
	return nil
}

// checkRoot checks that the leaf is root, the value's.
func checkRoot(c Claim, root [32]byte) error {
	if root != c.Proof.Leaf {
		return fmt.Errorf("%w: the value hashes to %s, the leaf is %s", proof.ErrRootMismatch, proof.FormatHash(root), proof.FormatHash(c.Proof.Leaf))
	}
	return nil
}

var firstIndex = regexp.MustCompile(`\[(\d+)\]`)

// checkIndex checks that the first index in the claim's path is i.
func checkIndex(c Claim, key string, i uint64) error {
	if sm := firstIndex.FindStringSubmatch(c.Path); sm == nil || sm[1] != strconv.FormatUint(i, 10) {
		return fmt.Errorf("%w: %s %d is not the index in %q", proof.ErrMalformed, key, i, c.Path)
	}
	return nil
}

func checkValidator(x CheckContext, c Claim, v *ValidatorValue) error {
	g, _, err := stateGindex(x, c.Path)
	if err != nil {
		return err
	}
	if err := checkGindex(c, g); err != nil || v == nil {
		return err
	}
	val := *v
	if err := checkIndex(c, "validator_index", val.Index); err != nil {
		return err
	}
	s, err := fork.SchemasOf(x.Fork, x.Preset)
	if err != nil {
		return err
	}
	root, err := ValidatorRoot(s, val.Validator)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	return checkRoot(c, root)
}

func checkValidatorField(x CheckContext, c Claim, v *ValidatorFieldValue) error {
	g, t, err := stateGindex(x, c.Path)
	if err != nil {
		return err
	}
	if err := checkGindex(c, g); err != nil || v == nil {
		return err
	}
	f := *v
	if err := checkIndex(c, "validator_index", f.ValidatorIndex); err != nil {
		return err
	}
	if name := c.Path[strings.LastIndexByte(c.Path, '.')+1:]; f.Field != name {
		return fmt.Errorf("%w: want the value of %s after validator_index", proof.ErrMalformed, name)
	}
	return checkMemberLeaf(t, c, f.Value)
}

// queuedValue is the value of a queued record (a pending deposit,
// partial withdrawal or consolidation).
type queuedValue interface {
	ClaimValue
	entry() (U64, map[string]any)
}

func checkQueued[T queuedValue](x CheckContext, c Claim, v *T) error {
	g, t, err := stateGindex(x, c.Path)
	if err != nil {
		return err
	}
	if err := checkGindex(c, g); err != nil || v == nil {
		return err
	}
	idx, entry := (*v).entry()
	if err := checkIndex(c, "index", uint64(idx)); err != nil {
		return err
	}
	root, err := encodedRoot(t, t.Name, entry)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	return checkRoot(c, root)
}

// checkStateMember checks a claim of a state path whose value is the
// member (state_field, slot).
func checkStateMember[T ClaimValue](x CheckContext, c Claim, v *T) error {
	g, t, err := stateGindex(x, c.Path)
	if err != nil {
		return err
	}
	if err := checkGindex(c, g); err != nil || v == nil {
		return err
	}
	return checkMemberLeaf(t, c, *v)
}

// checkMemberLeaf checks the leaf of a member of type t proved at the
// claim's path, whose JSON is value's: the value's hash tree root, or for
// an element of a packed list of basic values, the value in its lane of
// the chunk.
func checkMemberLeaf(t *ssz.Type, c Claim, v any) error {
	var value []byte
	switch m := v.(type) {
	case json.RawMessage:
		value = m
	case MemberValue:
		value = m
	default:
		var err error
		if value, err = json.Marshal(v); err != nil {
			return fmt.Errorf("value: %w", err)
		}
	}
	enc, err := ssz.FromJSON(t, value)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	if t.IsBasic() && strings.HasSuffix(c.Path, "]") {
		i := strings.LastIndexByte(c.Path, '[')
		idx, err := strconv.ParseUint(c.Path[i+1:len(c.Path)-1], 10, 64)
		if err != nil {
			return fmt.Errorf("%w: path %q", proof.ErrMalformed, c.Path)
		}
		size := uint64(len(enc))
		off := idx * size % 32
		if !bytes.Equal(c.Proof.Leaf[off:off+size], enc) {
			return fmt.Errorf("%w: the value %s is not at byte %d of the leaf %s", proof.ErrRootMismatch, value, off, proof.FormatHash(c.Proof.Leaf))
		}
		return nil
	}
	root, err := ssz.HashTreeRoot(t, enc)
	if err != nil {
		return fmt.Errorf("value: %w", err)
	}
	return checkRoot(c, root)
}

func checkBalance(x CheckContext, c Claim, v *BalanceValue) error {
	g, _, err := stateGindex(x, c.Path)
	if err != nil {
		return err
	}
	if err := checkGindex(c, g); err != nil || v == nil {
		return err
	}
	i, ok := listIndex(c.Path, "balances")
	if !ok {
		return fmt.Errorf("%w: a balance proof's path is balances[i], not %q", proof.ErrMalformed, c.Path)
	}
	b := *v
	if uint64(b.ValidatorIndex) != i || uint64(b.ChunkOffset) != 8*(i%4) {
		return fmt.Errorf("%w: the value is for validator %d at offset %d, the path for validator %d at offset %d",
			proof.ErrMalformed, b.ValidatorIndex, b.ChunkOffset, i, 8*(i%4))
	}
	return b.checkLane(c.Proof.Leaf)
}

var listPath = regexp.MustCompile(`^([a-z_]+)\[(\d+)\]$`)

// listIndex parses "list[i]" and returns i.
func listIndex(path, list string) (uint64, bool) {
	m := listPath.FindStringSubmatch(path)
	if m == nil || m[1] != list {
		return 0, false
	}
	i, err := strconv.ParseUint(m[2], 10, 64)
	return i, err == nil
}

func checkParticipation(x CheckContext, c Claim, v *ParticipationValue) error {
	g, _, err := stateGindex(x, c.Path)
	if err != nil {
		return err
	}
	if err := checkGindex(c, g); err != nil || v == nil {
		return err
	}
	p := *v
	if sm := firstIndex.FindStringSubmatch(c.Path); sm == nil || sm[1] != strconv.FormatUint(p.ValidatorIndex, 10) || p.ChunkOffset != p.ValidatorIndex%32 {
		return fmt.Errorf("%w: validator %d at offset %d is not %q", proof.ErrMalformed, p.ValidatorIndex, p.ChunkOffset, c.Path)
	}
	if p.Flags > 0xff || c.Proof.Leaf[p.ChunkOffset] != byte(p.Flags) {
		return fmt.Errorf("%w: flags %d are not at byte %d of the chunk %s", proof.ErrRootMismatch, p.Flags, p.ChunkOffset, proof.FormatHash(c.Proof.Leaf))
	}
	return nil
}

func checkStateRoot(x CheckContext, c Claim, v *StateRootValue) error {
	if x.Anchor != AnchorBlock {
		return fmt.Errorf("%w: a state root proof needs a block anchor, not %q", proof.ErrMalformed, x.Anchor)
	}
	if c.Path != "state_root" {
		return fmt.Errorf("%w: a state root proof's path is \"state_root\", not %q", beaconstate.ErrPathMismatch, c.Path)
	}
	g, _, err := stateGindex(x, "")
	if err != nil || v == nil {
		return err
	}
	return checkLeaf(g, c, v.StateRoot)
}

// checkBlockField checks a field of the anchor block, proved from the
// block (a path in the BeaconBlock) or from its post-state
// (latest_block_header, latest_execution_payload_header, ...).
func checkBlockField(x CheckContext, c Claim, v *MemberValue) error {
	if g, t, err := stateGindex(x, c.Path); err == nil && c.Proof.Gindex.Equal(g) {
		if v == nil {
			return nil
		}
		return checkMemberLeaf(t, c, *v)
	}
	if x.Anchor != AnchorBlock {
		return fmt.Errorf("%w: gindex %s is not that of %q in the state", beaconstate.ErrPathMismatch, c.Proof.Gindex, c.Path)
	}
	g, t, err := blockGindex(x, c.Path)
	if err != nil {
		return err
	}
	if err := checkGindex(c, g); err != nil || v == nil {
		return err
	}
	return checkMemberLeaf(t, c, *v)
}

// withdrawalPathEnd checks that a withdrawal claim's path ends at the
// value's withdrawal (withdrawals[n] of the value's number).
func withdrawalPathEnd(c Claim, w WithdrawalValue) error {
	if want := fmt.Sprintf("withdrawals[%d]", w.Num); !strings.HasSuffix(c.Path, want) {
		return fmt.Errorf("%w: the value is withdrawal %d, the path %q", beaconstate.ErrPathMismatch, w.Num, c.Path)
	}
	return nil
}

func checkBlockWithdrawal(x CheckContext, c Claim, v *WithdrawalValue) error {
	if x.Anchor != AnchorBlock {
		return fmt.Errorf("%w: a block's withdrawal needs a block anchor, not %q", proof.ErrMalformed, x.Anchor)
	}
	g, _, err := blockGindex(x, c.Path)
	if err != nil || v == nil {
		return err
	}
	w := *v
	if err := withdrawalPathEnd(c, w); err != nil {
		return err
	}
	return checkWithdrawalLeaf(x, g, c, w)
}

// checkWithdrawalLeaf checks the claim's gindex against g and its leaf
// against the root of the withdrawal in the value, in the fork's schemas.
func checkWithdrawalLeaf(x CheckContext, g proof.Gindex, c Claim, w WithdrawalValue) error {
	s, err := fork.SchemasOf(x.Fork, x.Preset)
	if err != nil {
		return err
	}
	leaf, err := WithdrawalRoot(s, w.Withdrawal)
	if err != nil {
		return err
	}
	return checkLeaf(g, c, leaf)
}

// checkWithdrawal checks a withdrawal proved from a state: the gindex
// follows from the value's slot and number and the anchor's slot; the
// path names the route, which ends at the withdrawal.
func checkWithdrawal(x CheckContext, c Claim, v *WithdrawalValue) error {
	if x.SlotUnknown {
		return fmt.Errorf("%w: a withdrawal proof needs the anchor's slot", proof.ErrMalformed)
	}
	if v == nil {
		return nil
	}
	w := *v
	if err := withdrawalPathEnd(c, w); err != nil {
		return err
	}
	ref := WithdrawalLocation{StateFork: x.Fork, BlockFork: x.BlockFork, Preset: x.Preset, Network: x.Network, Anchor: x.Anchor,
		StateSlot: x.Slot, WithdrawalSlot: w.Slot, N: w.Num}
	g, historical, k, err := ref.Locate()
	if err != nil {
		return err
	}
	if want := kindOfRoute(c.Kind, historical); c.Kind != want {
		return fmt.Errorf("%w: a withdrawal at slot %d proved from slot %d is a %s, not a %s",
			proof.ErrMalformed, w.Slot, x.Slot, want, c.Kind)
	}
	if historical && w.HistoricalSummaryIndex != nil && *w.HistoricalSummaryIndex != k {
		return fmt.Errorf("%w: historical_summary_index is %d, the slot gives %d", proof.ErrMalformed, *w.HistoricalSummaryIndex, k)
	}
	if !c.Proof.Gindex.Equal(g) {
		return fmt.Errorf("%w: gindex %s, but withdrawal %d at slot %d gives %s", proof.ErrMalformed, c.Proof.Gindex, w.Num, w.Slot, g)
	}
	blockFork := x.BlockFork
	if blockFork == "" {
		blockFork = x.Fork
	}
	s, err := fork.SchemasOf(blockFork, x.Preset)
	if err != nil {
		return err
	}
	root, err := WithdrawalRoot(s, w.Withdrawal)
	if err != nil {
		return err
	}
	if root != c.Proof.Leaf {
		return fmt.Errorf("%w: the withdrawal hashes to %s, the leaf is %s", proof.ErrRootMismatch, proof.FormatHash(root), proof.FormatHash(c.Proof.Leaf))
	}
	return nil
}

// kindOfRoute returns the withdrawal kind of the same family as kind
// (payload withdrawal or, gloas, expected withdrawal) for the route.
func kindOfRoute(kind Kind, historical bool) Kind {
	base := strings.TrimPrefix(string(kind), "historical_")
	if historical {
		return Kind("historical_" + base)
	}
	return Kind(base)
}
