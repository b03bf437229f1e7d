package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// The run of 'beaconproof prove KIND': its flags checked, the state
// opened (also for fixtures), the kind's claims proved and written in the
// chosen format.

// proveSession is what the kinds prove from.
type proveSession struct {
	node       *beaconapi.Client   // the beacon node, when proving from one
	net        *fork.Network       // the node's network, when proving from one
	obj        *beaconstate.Object // the state; nil for block-field from a block
	sp         *staking.StateProver
	in         format.Input
	validators map[uint64]beaconstate.Validator
	whole      bool      // the format takes whole validators only
	lido       bool      // the output is Lido's structs (lido, or calldata of them)
	progress   io.Writer // where a beacon node's state downloads draw a progress bar; nil for none
}

// withSlot puts the slot proof before claims.
func (s *proveSession) withSlot(claims []staking.Claim, err error) ([]staking.Claim, error) {
	if err != nil {
		return nil, err
	}
	c, err := s.sp.SlotProof()
	if err != nil {
		return nil, err
	}
	return append([]staking.Claim{c}, claims...), nil
}

// validatorFields proves fields of the indices' validators, or whole
// validators when the format takes only those.
func (s *proveSession) validatorFields(f *kindFlags, fields []string) ([]staking.Claim, error) {
	if s.whole {
		return s.withSlot(s.sp.Validators(f.indices))
	}
	var out []staking.Claim
	for _, i := range f.indices {
		for _, name := range fields {
			c, err := s.sp.ValidatorField(i, name)
			if err != nil {
				return nil, err
			}
			out = append(out, c)
		}
	}
	return s.withSlot(out, nil)
}

// proveRun is one run of a kind, its flags parsed and checked.
type proveRun struct {
	f        kindFlags
	name     format.Name // the output format
	protocol format.Name // the structs of --format calldata
	anchor   staking.AnchorKind
	file     string // the state file, "" without one
	fromNode bool   // the state comes from the beacon node
	// blockFromNode: block-field --beacon-url URL --block ID, the block
	// comes from the node.
	blockFromNode bool
	ts            uint64 // --timestamp N
	tsNext        bool   // --timestamp next
	fork          string // the proved object's fork, once known
}

func (k *kind) run(ctx context.Context, e *env, args []string) int {
	r, code, ok := k.parse(e, args)
	if !ok {
		return code
	}
	doc, err := k.prove(ctx, e, r)
	if err != nil {
		return e.fail(err)
	}
	out, err := format.Marshal(doc)
	if err != nil {
		return e.fail(err)
	}
	if _, err := e.stdout.Write(out); err != nil {
		return e.fail(err)
	}
	warnNotDeployed(e, r.name, r.protocol, r.fork)
	if cd, ok := doc.(*format.CalldataDocument); ok && cd.Note != "" {
		fmt.Fprintln(e.stderr, "beaconproof: note: "+cd.Note)
	}
	return exitOK
}

// warnNotDeployed warns, on stderr, when the document is in a protocol's
// format that the verifier the protocol deploys cannot check.
func warnNotDeployed(e *env, name, protocol format.Name, forkName string) {
	switch {
	case name == format.JSON || forkName == "":
		return
	case name == format.Calldata:
		name = protocol
	}
	if err := format.CheckDeployed(name, forkName); err != nil {
		fmt.Fprintln(e.stderr, oneLine("beaconproof: warning: "+strings.TrimPrefix(err.Error(), "format: ")))
	}
}

// parse parses and checks the kind's arguments; ok is false when the
// command must return code at once (help, or a usage error).
func (k *kind) parse(e *env, args []string) (r *proveRun, code int, ok bool) {
	c := k.command()
	fs := c.flagSet()
	r = new(proveRun)
	k.register(fs, &r.f)
	pos, done, code := c.parse(e, fs, args)
	if done {
		return nil, code, false
	}
	if msg := k.resolve(r, pos); msg != "" {
		return nil, c.usageError(e, "%s", msg), false
	}
	return r, 0, true
}

// resolve checks the parsed flags and positional arguments and fills in
// r; a message is a usage error.
func (k *kind) resolve(r *proveRun, pos []string) string {
	f := &r.f
	var err error
	if r.name, err = format.ParseName(f.format); err != nil {
		return strings.TrimPrefix(err.Error(), "format: ")
	}
	if r.protocol, err = format.ParseProtocol(f.protocol); err != nil {
		return strings.TrimPrefix(err.Error(), "format: ")
	}
	if r.anchor, err = staking.ParseAnchorKind(f.anchor); err != nil {
		return strings.TrimPrefix(err.Error(), "beaconstate: ")
	}
	if msg := k.checkFormat(r); msg != "" {
		return msg
	}
	if k.check != nil {
		if msg := k.check(f); msg != "" {
			return msg
		}
	}
	if msg := k.resolveInputs(r, pos); msg != "" {
		return msg
	}
	if r.ts, r.tsNext, err = parseTimestamp(f.timestamp); err != nil {
		return err.Error()
	}
	return ""
}

// checkFormat checks that the kind has the output format and, for the
// protocols', a block anchor.
func (k *kind) checkFormat(r *proveRun) string {
	if r.name == format.JSON {
		return ""
	}
	target := r.name
	if r.name == format.Calldata {
		target = r.protocol
	}
	if !slices.Contains(k.protocols, target) {
		return fmt.Sprintf("%s proofs have no %s form (use --format json)", k.name, target)
	}
	if r.anchor != staking.AnchorBlock {
		return fmt.Sprintf("%s proofs lead to the EIP-4788 block root: --anchor block", target)
	}
	return ""
}

// resolveInputs decides where the state (and block-field's block) come
// from: a FILE, --state, or the beacon node.
func (k *kind) resolveInputs(r *proveRun, pos []string) string {
	f := &r.f
	r.file = f.state
	if len(pos) > 0 {
		r.file = pos[0]
	}
	fromBlock := k.noState && f.block != ""
	r.fromNode = f.node.url != "" && len(pos) == 0 && !fromBlock && !isFile(f.state)
	r.blockFromNode = fromBlock && f.node.url != "" && !isFile(f.block)
	switch n := len(pos) + min(len(f.state), 1); {
	case r.fromNode:
	case fromBlock && n > 0:
		return "with --block, the fields are proved from the block: no state FILE"
	case n > 1:
		return fmt.Sprintf("want one state FILE (or --state), got %d", n)
	case n == 0 && !fromBlock:
		return "want the state FILE (or --state)"
	}
	if !r.fromNode && r.file != "" && r.file == f.block {
		return "the state and the block are the same file"
	}
	return ""
}

// prove proves the kind's claims and returns their document.
func (k *kind) prove(ctx context.Context, e *env, r *proveRun) (format.Document, error) {
	f := &r.f
	if err := f.resolveNetwork(); err != nil {
		return nil, err
	}
	s := &proveSession{validators: map[uint64]beaconstate.Validator{}, whole: r.name != format.JSON, progress: progressTo(e.stderr),
		lido: r.name == format.Lido || r.name == format.Calldata && r.protocol == format.Lido}
	if r.blockFromNode {
		if err := s.connect(ctx, f); err != nil {
			return nil, err
		}
	}
	if r.fromNode || r.file != "" {
		release, err := s.openState(ctx, e, f, r.fromNode, r.file, r.anchor)
		if err != nil {
			return nil, err
		}
		defer release()
	}
	claims, err := k.claims(ctx, e, f, s)
	if err != nil {
		return nil, err
	}
	s.in.Claims = claims
	s.in.Validators = s.validators
	if len(claims) > 0 && s.sp == nil { // block-field from a block
		s.in.Anchor = claims[0].Anchor
	}
	if err := s.anchorTimestamp(ctx, f, r); err != nil {
		return nil, err
	}
	r.fork = s.in.Fork
	return format.Emit(s.in, r.name, r.protocol)
}

// anchorTimestamp sets the anchor's EIP-4788 timestamp: --timestamp N or
// next, or the node's.
func (s *proveSession) anchorTimestamp(ctx context.Context, f *kindFlags, r *proveRun) error {
	var err error
	a := &s.in.Anchor
	switch {
	case r.ts != 0:
		if err := s.checkTimestamp(ctx, f.net, a.Slot, r.ts); err != nil {
			return err
		}
		a.Timestamp = r.ts
	case r.tsNext:
		a.Timestamp, err = nextTimestamp(f.net, a.Slot)
	case s.node != nil:
		a.Timestamp, err = s.nodeTimestamp(ctx, *a)
	}
	return err
}

// openState loads the state (from the node, or from file), and sets up
// the session to prove from it against the anchor: s.obj, s.sp, s.in,
// and f.net and f.network (stateNetwork). release closes the state.
func (s *proveSession) openState(ctx context.Context, e *env, f *kindFlags, fromNode bool, file string, anchor staking.AnchorKind) (release func(), err error) {
	var obj *beaconstate.Object
	var p *beaconstate.Prover
	if fromNode {
		// Hashed while it downloads.
		if p, err = s.nodeStateProver(ctx, f); err == nil {
			obj = p.Object()
		}
	} else {
		obj, err = loadObject(ctx, e, file, beaconstate.LoadOptions{Fork: f.fork, Preset: f.preset, Type: "BeaconState", NetworkConfig: f.net, MaxSize: f.maxSize, Mmap: true})
	}
	if err != nil {
		return nil, err
	}
	release = func() { obj.Close() }
	if p == nil {
		p, err = beaconstate.NewProver(obj)
	}
	if err == nil {
		s.sp, err = staking.NewStateProver(p, anchor)
	}
	if err != nil {
		release()
		return nil, err
	}
	s.obj = obj
	if !fromNode {
		f.stateNetwork(obj)
	}
	s.in = format.Input{Fork: obj.Fork, Preset: obj.Preset, Network: f.network, NetworkConfig: docNetwork(f.net), Anchor: s.sp.Anchor()}
	return release, nil
}

// parseTimestamp parses --timestamp: a number, "next" or empty.
func parseTimestamp(s string) (ts uint64, next bool, err error) {
	switch s {
	case "":
		return 0, false, nil
	case "next":
		return 0, true, nil
	}
	ts, err = strconv.ParseUint(s, 10, 64)
	if err != nil || ts == 0 {
		return 0, false, fmt.Errorf("--timestamp %q: want a Unix time or next", s)
	}
	return ts, false, nil
}

// nextTimestamp returns the time of the slot after slot on the network
// (nil: mainnet): the EIP-4788 key of the anchor's root when that slot has
// a block.
func nextTimestamp(net *fork.Network, slot uint64) (uint64, error) {
	net, err := orMainnet(net)
	if err != nil {
		return 0, fmt.Errorf("--timestamp next: %w", err)
	}
	return eip4788.SlotTimestamp(net, slot+1)
}

// loadObject loads a file, or standard input for "-".
func loadObject(ctx context.Context, e *env, file string, o beaconstate.LoadOptions) (*beaconstate.Object, error) {
	if file == "-" {
		return beaconstate.Load(ctx, e.stdin, o)
	}
	return beaconstate.LoadFile(ctx, file, o)
}

// checkTimestamp checks --timestamp ts against the anchor's slot on the
// network (the node's, or else net, default mainnet), and against the
// node's blocks when proving from a node.
func (s *proveSession) checkTimestamp(ctx context.Context, net *fork.Network, slot, ts uint64) error {
	if s.net != nil {
		net = s.net
	}
	net, err := orMainnet(net)
	if err != nil {
		return fmt.Errorf("--timestamp: %w", err)
	}
	var src eip4788.BlockSource
	if s.node != nil {
		src = s.node
	}
	if err := eip4788.CheckTimestamp(ctx, net, src, slot, ts); err != nil {
		return fmt.Errorf("--timestamp %d: %w", ts, err)
	}
	return nil
}
