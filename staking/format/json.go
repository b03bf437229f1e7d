package format

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/staking"
)

// JSONDocument is the "json" format: a beaconstate.ProofSet whose root is
// the anchor's root, with the anchor and each proof's kind and value:
//
//	{"format": "json", "fork": "fulu", "preset": "mainnet", "type": "BeaconBlock",
//	 "root": "0x…", "anchor": {"kind": "block", "root": "0x…", "slot": "…", "timestamp": null},
//	 "proofs": [{"kind": "validator", "path": "validators[7]", "anchor": {…},
//	             "gindex": "…", "leaf": "0x…", "branch": ["0x…", …], "value": {…}}]}
//
// Paths name the leaf in the state (or, for block fields, the block); with
// a block anchor the gindex of a state path starts with the block's
// state_root (gindex 11). Type is the type of the object whose root Root
// is. A proof set without kinds (an oracle vector.json, the generic
// `beaconproof prove`) parses as a JSONDocument too and verifies as a
// ProofSet. The reverse holds only in part: read as a beaconstate.ProofSet,
// a document with a block anchor fails on its state paths, which a
// ProofSet reads in its type.
type JSONDocument struct {
	Fmt       Name            `json:"format,omitempty"`
	Fork      string          `json:"fork,omitempty"`
	Preset    string          `json:"preset,omitempty"`
	Network   string          `json:"network,omitempty"`
	BlockFork string          `json:"block_fork,omitempty"`
	Type      string          `json:"type,omitempty"`
	Root      proof.Hash32    `json:"root"`
	Anchor    *AnchorJSON     `json:"anchor,omitempty"`
	Proofs    []staking.Claim `json:"proofs"`
}

// Format returns JSON.
func (d *JSONDocument) Format() Name { return JSON }

// NewJSON returns the JSON document of the input's claims, verified.
func NewJSON(in Input) (*JSONDocument, error) {
	a := anchorJSON(in.Anchor, in.Timestamp)
	d := &JSONDocument{
		Fmt:       JSON,
		Fork:      in.Fork,
		Preset:    orMainnet(in.Preset),
		Network:   in.Network,
		BlockFork: in.BlockFork,
		Type:      anchorType(in.Anchor.Kind),
		Root:      in.Anchor.Root,
		Anchor:    &a,
		Proofs:    append([]staking.Claim(nil), in.Claims...),
	}
	if err := d.Verify(); err != nil {
		return nil, fmt.Errorf("format: json: %w", err)
	}
	return d, nil
}

func orMainnet(preset string) string {
	if preset == "" {
		return beaconstate.DefaultPreset
	}
	return preset
}

// UnmarshalJSON reads the document with beaconstate.ProofSet's checks
// ("root" and "proofs" required, each proof well formed) and then the
// anchor and the kinds and values.
func (d *JSONDocument) UnmarshalJSON(b []byte) error {
	var set beaconstate.ProofSet
	if err := set.UnmarshalJSON(b); err != nil {
		return err
	}
	var extra struct {
		Format    Name        `json:"format"`
		Network   string      `json:"network"`
		BlockFork string      `json:"block_fork"`
		Anchor    *AnchorJSON `json:"anchor"`
		Proofs    []struct {
			Kind   string          `json:"kind"`
			Anchor *staking.Anchor `json:"anchor"`
			Value  json.RawMessage `json:"value"`
		} `json:"proofs"`
	}
	if err := json.Unmarshal(b, &extra); err != nil {
		return fmt.Errorf("%w: %v", proof.ErrMalformed, err)
	}
	*d = JSONDocument{
		Fmt: extra.Format, Fork: set.Fork, Preset: set.Preset, Network: extra.Network, BlockFork: extra.BlockFork,
		Type: set.Type, Root: set.Root, Anchor: extra.Anchor, Proofs: make([]staking.Claim, len(set.Proofs)),
	}
	for i, pp := range set.Proofs {
		d.Proofs[i] = staking.Claim{Path: pp.Path, Proof: pp.Proof}
		if i < len(extra.Proofs) {
			d.Proofs[i].Kind = extra.Proofs[i].Kind
			if a := extra.Proofs[i].Anchor; a != nil {
				d.Proofs[i].Anchor = *a
			}
			if v := extra.Proofs[i].Value; len(v) > 0 && !bytes.Equal(v, []byte("null")) {
				d.Proofs[i].Value = v
			}
		}
	}
	return nil
}

// PathsChecked reports whether Verify checks the proofs' paths against
// their gindices: whether the document names its fork. Without one, a
// proof without a kind proves only the node at its gindex, whatever its
// path says (and a proof with a kind fails).
func (d *JSONDocument) PathsChecked() bool { return d.Fork != "" }

// Verify checks every proof against Root as beaconstate.ProofSet does, and
// every path when the document names its fork: for a proof without a kind,
// the gindex against the one the path gives in the document's fork, preset
// and type (beaconstate.CheckPath; such a proof may not carry a value,
// which nothing would check); for a proof with a kind, the gindex against
// the one the path gives through the anchor and the leaf against the one
// the value gives. An unknown kind is an error. The error wraps
// beaconstate.ErrPathMismatch for a path that is not the gindex's.
func (d *JSONDocument) Verify() error {
	set := beaconstate.ProofSet{Root: d.Root} // paths are checked below, by kind
	for _, c := range d.Proofs {
		set.Proofs = append(set.Proofs, beaconstate.PathProof{Path: c.Path, Proof: c.Proof})
	}
	if err := set.Verify(); err != nil {
		return err
	}
	anchor := staking.AnchorBlock
	if d.Type == "BeaconState" {
		anchor = staking.AnchorState
	}
	if d.Anchor != nil {
		if err := d.Anchor.check(); err != nil {
			return err
		}
		if d.Anchor.Root != d.Root {
			return fmt.Errorf("%w: anchor root %s is not the document's root %s", proof.ErrRootMismatch, d.Anchor.Root, d.Root)
		}
		anchor = d.Anchor.Kind
	}
	for i, c := range d.Proofs {
		if c.Kind == "" {
			if err := d.checkPlain(c); err != nil {
				return &beaconstate.ProofError{Index: i, Path: c.Path, Err: err}
			}
			continue
		}
		if c.Anchor != (staking.Anchor{}) && (c.Anchor.Root != d.Root || d.Anchor != nil && c.Anchor != d.Anchor.Anchor()) {
			return &beaconstate.ProofError{Index: i, Path: c.Path, Err: fmt.Errorf("%w: the proof's anchor is not the document's", proof.ErrMalformed)}
		}
		if err := d.checkClaim(anchor, c); err != nil {
			return &beaconstate.ProofError{Index: i, Path: c.Path, Err: err}
		}
	}
	return nil
}

// checkPlain checks a proof without a kind: a path and a gindex, as in
// beaconstate.ProofSet, and no value.
func (d *JSONDocument) checkPlain(c staking.Claim) error {
	if len(c.Value) > 0 {
		return fmt.Errorf("%w: a value without a kind, which says how to check it", proof.ErrMalformed)
	}
	if d.Fork == "" || c.Path == "" {
		return nil
	}
	return beaconstate.CheckPath(d.Fork, d.Preset, d.Type, c.Path, c.Proof.Gindex)
}

// pathMismatch is the error about a claim whose gindex is not g, the one
// its path (or value) gives.
func pathMismatch(c staking.Claim, g proof.Gindex) error {
	return fmt.Errorf("%w: gindex %s, but %q gives %s", beaconstate.ErrPathMismatch, c.Proof.Gindex, c.Path, g)
}

// checkClaim checks a claim's gindex and leaf against its path and value.
func (d *JSONDocument) checkClaim(anchor staking.AnchorKind, c staking.Claim) error {
	if d.Fork == "" {
		return fmt.Errorf("%w: a %s proof needs the document's fork to be checked", proof.ErrMalformed, c.Kind)
	}
	switch c.Kind {
	case staking.KindSlot, staking.KindValidator, staking.KindValidatorField, staking.KindStateField,
		staking.KindPendingDeposit, staking.KindPendingPartialWithdrawal, staking.KindPendingConsolidation:
		g, t, err := stateGindex(d.Fork, d.Preset, anchor, c.Path)
		if err != nil {
			return err
		}
		return checkMember(g, t, c)
	case staking.KindBalance:
		g, _, err := stateGindex(d.Fork, d.Preset, anchor, c.Path)
		if err != nil {
			return err
		}
		return checkBalance(g, c)
	case staking.KindParticipation:
		g, _, err := stateGindex(d.Fork, d.Preset, anchor, c.Path)
		if err != nil {
			return err
		}
		return checkParticipation(g, c)
	case staking.KindStateRoot:
		if anchor != staking.AnchorBlock {
			return fmt.Errorf("%w: a state root proof needs a block anchor, not %q", proof.ErrMalformed, anchor)
		}
		if c.Path != "state_root" {
			return fmt.Errorf("%w: a state root proof's path is \"state_root\", not %q", beaconstate.ErrPathMismatch, c.Path)
		}
		g, _, err := stateGindex(d.Fork, d.Preset, anchor, "")
		if err != nil {
			return err
		}
		var v struct {
			StateRoot proof.Hash32 `json:"state_root"`
		}
		if err := decodeStrict("state_root value", c.Value, &v); err != nil {
			return err
		}
		return checkLeaf(g, c, v.StateRoot)
	case staking.KindBlockField:
		// A field of the anchor block, proved from the block (a path in
		// the BeaconBlock) or from its post-state (latest_block_header,
		// latest_execution_payload_header, ...).
		if g, t, err := stateGindex(d.Fork, d.Preset, anchor, c.Path); err == nil && c.Proof.Gindex.Equal(g) {
			return checkMember(g, t, c)
		}
		if anchor != staking.AnchorBlock {
			return fmt.Errorf("%w: gindex %s is not that of %q in the state", beaconstate.ErrPathMismatch, c.Proof.Gindex, c.Path)
		}
		g, t, err := blockGindex(d.Fork, d.Preset, c.Path)
		if err != nil {
			return err
		}
		return checkMember(g, t, c)
	case staking.KindBlockWithdrawal:
		if anchor != staking.AnchorBlock {
			return fmt.Errorf("%w: a block's withdrawal needs a block anchor, not %q", proof.ErrMalformed, anchor)
		}
		g, _, err := blockGindex(d.Fork, d.Preset, c.Path)
		if err != nil {
			return err
		}
		v, err := withdrawalValue(c)
		if err != nil {
			return err
		}
		return checkLeaf(g, c, WithdrawalRoot(v.withdrawal()))
	case staking.KindWithdrawal, staking.KindHistoricalWithdrawal,
		staking.KindExpectedWithdrawal, staking.KindHistoricalExpectedWithdrawal:
		return d.checkWithdrawal(anchor, c)
	}
	return fmt.Errorf("%w: unknown kind %q", proof.ErrMalformed, c.Kind)
}

// checkLeaf checks a claim's gindex and leaf.
// withdrawalValue decodes a withdrawal claim's value and checks that its
// path ends at that withdrawal (withdrawals[n] of the value's number).
func withdrawalValue(c staking.Claim) (withdrawalJSON, error) {
	var v withdrawalJSON
	if err := decodeStrict("withdrawal value", c.Value, &v); err != nil {
		return v, err
	}
	if want := fmt.Sprintf("withdrawals[%d]", v.WithdrawalNum); !strings.HasSuffix(c.Path, want) {
		return v, fmt.Errorf("%w: the value is withdrawal %d, the path %q", beaconstate.ErrPathMismatch, v.WithdrawalNum, c.Path)
	}
	return v, nil
}

func checkLeaf(g proof.Gindex, c staking.Claim, leaf [32]byte) error {
	if !c.Proof.Gindex.Equal(g) {
		return pathMismatch(c, g)
	}
	if leaf != c.Proof.Leaf {
		return fmt.Errorf("%w: the value gives the leaf %s, the proof has %s", proof.ErrRootMismatch, proof.FormatHash(leaf), proof.FormatHash(c.Proof.Leaf))
	}
	return nil
}

var firstIndex = regexp.MustCompile(`\[(\d+)\]`)

// memberValue returns the JSON of the member a claim proves: its value
// without the index the StateProver puts first ("validator_index" of
// validators and their fields, "index" of the electra queues' entries),
// checked against the path's index.
func memberValue(t *ssz.Type, c staking.Claim) (json.RawMessage, error) {
	var pre string
	switch c.Kind {
	case staking.KindValidator, staking.KindValidatorField:
		pre = "validator_index"
	case staking.KindPendingDeposit, staking.KindPendingPartialWithdrawal, staking.KindPendingConsolidation:
		pre = "index"
	default:
		return c.Value, nil
	}
	var m map[string]json.RawMessage
	if err := decodeStrict(c.Kind+" value", c.Value, &m); err != nil {
		return nil, err
	}
	var idx U64
	if err := decodeStrict(pre, m[pre], &idx); err != nil {
		return nil, err
	}
	if sm := firstIndex.FindStringSubmatch(c.Path); sm == nil || sm[1] != strconv.FormatUint(uint64(idx), 10) {
		return nil, fmt.Errorf("%w: %s %d is not the index in %q", proof.ErrMalformed, pre, idx, c.Path)
	}
	delete(m, pre)
	if t.IsContainer() {
		return json.Marshal(m)
	}
	name := c.Path[strings.LastIndexByte(c.Path, '.')+1:]
	v, ok := m[name]
	if !ok || len(m) != 1 {
		return nil, fmt.Errorf("%w: want the value of %s after %s", proof.ErrMalformed, name, pre)
	}
	return v, nil
}

// checkMember checks the gindex and the leaf of a member proved at a path
// of type t: the value's hash tree root, or for an element of a packed list
// of basic values, the value in its lane of the chunk.
func checkMember(g proof.Gindex, t *ssz.Type, c staking.Claim) error {
	if !c.Proof.Gindex.Equal(g) {
		return pathMismatch(c, g)
	}
	if len(c.Value) == 0 {
		return fmt.Errorf("%w: no value", proof.ErrMalformed)
	}
	value, err := memberValue(t, c)
	if err != nil {
		return err
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
	if root != c.Proof.Leaf {
		return fmt.Errorf("%w: the value hashes to %s, the leaf is %s", proof.ErrRootMismatch, proof.FormatHash(root), proof.FormatHash(c.Proof.Leaf))
	}
	return nil
}

// checkParticipation checks the flags of a participation claim in their
// byte of the chunk.
func checkParticipation(g proof.Gindex, c staking.Claim) error {
	if !c.Proof.Gindex.Equal(g) {
		return pathMismatch(c, g)
	}
	var v struct {
		ValidatorIndex U64   `json:"validator_index"`
		Flags          U64   `json:"flags"`
		ChunkOffset    U64   `json:"chunk_offset"`
		TimelySource   *bool `json:"timely_source"`
		TimelyTarget   *bool `json:"timely_target"`
		TimelyHead     *bool `json:"timely_head"`
	}
	if err := decodeStrict("participation value", c.Value, &v); err != nil {
		return err
	}
	if sm := firstIndex.FindStringSubmatch(c.Path); sm == nil || sm[1] != strconv.FormatUint(uint64(v.ValidatorIndex), 10) || v.ChunkOffset != v.ValidatorIndex%32 {
		return fmt.Errorf("%w: validator %d at offset %d is not %q", proof.ErrMalformed, v.ValidatorIndex, v.ChunkOffset, c.Path)
	}
	for bit, b := range []*bool{v.TimelySource, v.TimelyTarget, v.TimelyHead} {
		if b != nil && *b != (v.Flags>>bit&1 == 1) {
			return fmt.Errorf("%w: flags %d and the timely flags disagree", proof.ErrMalformed, v.Flags)
		}
	}
	if v.Flags > 0xff || c.Proof.Leaf[v.ChunkOffset] != byte(v.Flags) {
		return fmt.Errorf("%w: flags %d are not at byte %d of the chunk %s", proof.ErrRootMismatch, v.Flags, v.ChunkOffset, proof.FormatHash(c.Proof.Leaf))
	}
	return nil
}

func checkBalance(g proof.Gindex, c staking.Claim) error {
	if !c.Proof.Gindex.Equal(g) {
		return pathMismatch(c, g)
	}
	i, _, ok := pathIndex(c.Path, "balances")
	if !ok {
		return fmt.Errorf("%w: a balance proof's path is balances[i], not %q", proof.ErrMalformed, c.Path)
	}
	var v balanceJSON
	if err := decodeStrict("balance value", c.Value, &v); err != nil {
		return err
	}
	if uint64(v.ValidatorIndex) != i || uint64(v.ChunkOffset) != 8*(i%4) {
		return fmt.Errorf("%w: the value is for validator %d at offset %d, the path for validator %d at offset %d",
			proof.ErrMalformed, v.ValidatorIndex, v.ChunkOffset, i, 8*(i%4))
	}
	return checkLane(c.Proof.Leaf, i, uint64(v.Balance))
}

// checkLane checks that balance is validator i's lane of a balances chunk.
func checkLane(chunk [32]byte, i, balance uint64) error {
	want := ChunkUint64(balance)
	off := 8 * (i % 4)
	if !bytes.Equal(chunk[off:off+8], want[:8]) {
		return fmt.Errorf("%w: balance %d is not at byte %d of the chunk %s", proof.ErrRootMismatch, balance, off, proof.FormatHash(chunk))
	}
	return nil
}

func (d *JSONDocument) checkWithdrawal(anchor staking.AnchorKind, c staking.Claim) error {
	if d.Anchor == nil {
		return fmt.Errorf("%w: a withdrawal proof needs the anchor's slot", proof.ErrMalformed)
	}
	// The gindex follows from the value's slot and number; the path names
	// the route, which ends at the withdrawal.
	v, err := withdrawalValue(c)
	if err != nil {
		return err
	}
	ref := withdrawalRef{
		Fork: d.Fork, Preset: d.Preset, BlockFork: d.BlockFork, Network: d.Network, Anchor: anchor,
		StateSlot: uint64(d.Anchor.Slot), WithdrawalSlot: uint64(v.WithdrawalSlot), Num: uint64(v.WithdrawalNum),
	}
	g, historical, k, err := ref.gindex()
	if err != nil {
		return err
	}
	if c.Kind != kindOfRoute(c.Kind, historical) {
		return fmt.Errorf("%w: a withdrawal at slot %d proved from slot %d is a %s, not a %s",
			proof.ErrMalformed, v.WithdrawalSlot, d.Anchor.Slot, kindOfRoute(c.Kind, historical), c.Kind)
	}
	if historical && v.HistoricalSummaryIndex != nil && uint64(*v.HistoricalSummaryIndex) != k {
		return fmt.Errorf("%w: historical_summary_index is %d, the slot gives %d", proof.ErrMalformed, *v.HistoricalSummaryIndex, k)
	}
	if !c.Proof.Gindex.Equal(g) {
		return fmt.Errorf("%w: gindex %s, but withdrawal %d at slot %d gives %s", proof.ErrMalformed, c.Proof.Gindex, v.WithdrawalNum, v.WithdrawalSlot, g)
	}
	if root := WithdrawalRoot(v.withdrawal()); root != c.Proof.Leaf {
		return fmt.Errorf("%w: the withdrawal hashes to %s, the leaf is %s", proof.ErrRootMismatch, proof.FormatHash(root), proof.FormatHash(c.Proof.Leaf))
	}
	return nil
}

// kindOfRoute returns the withdrawal kind of the same family as kind
// (payload withdrawal or, gloas, expected withdrawal) for the route.
func kindOfRoute(kind string, historical bool) string {
	base := strings.TrimPrefix(kind, "historical_")
	if historical {
		return "historical_" + base
	}
	return base
}
