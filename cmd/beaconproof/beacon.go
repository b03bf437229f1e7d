package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/eip4788"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"golang.org/x/term"
)

// Proving from a beacon node: `beaconproof prove KIND --beacon-url URL
// [--state ID] ...` fetches the state (and, for withdrawals, the blocks
// and the era's block_roots) through the beacon API instead of reading
// files, and takes the anchor's EIP-4788 timestamp from the node.

// Environment variables that give flags their defaults.
const (
	envBeaconURL = "BEACON_URL"
	envELRPC     = "EL_RPC"
)

// defaultStateID is the state proved from a node when --state is absent.
const defaultStateID = "finalized"

// nodeHelp ends the help of prove; it says how to prove from a node.
const nodeHelp = `
From a beacon node: --beacon-url URL (or $BEACON_URL) instead of FILE;
--state is then a state id (finalized, head, a slot or a state root;
default finalized), and the anchor's EIP-4788 timestamp comes from the
node. withdrawal then takes --validator N [--withdrawal-slot S]: without
--withdrawal-slot the paying block is searched from the validator's
withdrawable epoch (or --search-from, which finds a partial withdrawal;
--search-slots and --search-requests bound the search); a historical
withdrawal's era block_roots are rebuilt from the node's block headers,
or else taken from its state at the next era's first slot. On gloas the
payload's withdrawals are read from the block's execution payload
envelope, and the withdrawal is proved from the block's post-state (by
its state root) and, when old, the era's state_roots (the node's state at
the next era's first slot, or --era, --era-state-roots).
block-field takes --block ID, a block id, and needs no state.

Example:
  beaconproof prove validator --beacon-url http://localhost:5052 --state finalized --index 123 --format rocketpool
  beaconproof prove withdrawal --beacon-url http://localhost:5052 --validator 123 --format rocketpool
  beaconproof prove block-field --beacon-url http://localhost:5052 --block head --field block_hash`

// nodeFlags are the flags of proving from a node.
type nodeFlags struct {
	url            string
	validator      uint64
	hasValidator   bool
	withdrawalSlot uint64
	searchFrom     uint64
	searchSlots    uint64
	searchRequests uint64
}

// uintFlag is a uint64 flag that remembers whether it was set.
type uintFlag struct {
	v   *uint64
	set *bool
}

func (u uintFlag) String() string {
	if u.v == nil {
		return ""
	}
	return fmt.Sprint(*u.v)
}

func (u uintFlag) Set(s string) error {
	var l uintList
	if err := l.Set(s); err != nil {
		return err
	}
	if len(l) != 1 {
		return fmt.Errorf("%q: want one integer", s)
	}
	*u.v = l[0]
	if u.set != nil {
		*u.set = true
	}
	return nil
}

// register registers --beacon-url.
func (n *nodeFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&n.url, "beacon-url", os.Getenv(envBeaconURL), "beacon node URL to fetch the state from instead of FILE; --state is then a state id (default $"+envBeaconURL+")")
}

// registerWithdrawal registers the flags that find a withdrawal through
// the node.
func (n *nodeFlags) registerWithdrawal(fs *flag.FlagSet) {
	fs.Var(uintFlag{&n.validator, &n.hasValidator}, "validator", "with --beacon-url: the validator whose withdrawal to prove")
	fs.Var(uintFlag{&n.withdrawalSlot, nil}, "withdrawal-slot", "with --beacon-url: the slot of the block that paid the withdrawal (searched when omitted)")
	fs.Var(uintFlag{&n.searchFrom, nil}, "search-from", "with --beacon-url: the first slot searched for the withdrawal (default: the validator's withdrawable epoch; give it to find a partial withdrawal)")
	n.searchSlots = beaconapi.DefaultSearchSlots
	fs.Var(uintFlag{&n.searchSlots, nil}, "search-slots", "with --beacon-url: how many slots the withdrawal search covers at most")
	n.searchRequests = beaconapi.DefaultSearchRequests
	fs.Var(uintFlag{&n.searchRequests, nil}, "search-requests", "with --beacon-url: how many blocks the withdrawal search fetches at most")
}

// newClient returns a client of the node at url. want, when it states a
// genesis (a built-in network; a config.yaml does not), is the network the
// node must be on; otherwise the client reads the node's network from the
// node. State downloads draw a progress bar on progress, unless it is nil.
func newClient(url string, want *fork.Network, progress io.Writer) (*beaconapi.Client, error) {
	opts := []beaconapi.Option{beaconapi.WithProgress(progress), beaconapi.WithBackoff(50*time.Millisecond, 2*time.Second)}
	if want != nil && (want.GenesisTime != 0 || want.GenesisValidatorsRoot != [32]byte{}) {
		opts = append(opts, beaconapi.WithNetwork(want))
	}
	return beaconapi.New(url, opts...)
}

// progressTo returns w when it is a terminal, for a progress bar, and nil
// otherwise: a bar in a log or a pipe is noise.
func progressTo(w io.Writer) io.Writer {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return f
	}
	return nil
}

// connect connects to the node of f and reads its network: the node's
// own (/eth/v1/config/spec and /eth/v1/beacon/genesis), never looked up
// by its CONFIG_NAME among the built-in networks, which a devnet is not.
// It sets s.node and s.net, and f.net and f.network to the node's network.
func (s *proveSession) connect(ctx context.Context, f *kindFlags) error {
	c, err := newClient(f.node.url, f.net, s.progress)
	if err != nil {
		return err
	}
	net, err := c.Network(ctx)
	if err != nil {
		return err
	}
	s.node, s.net = c, net
	f.net, f.network = net, net.Name
	return nil
}

// nodeStateProver connects to the node of f and fetches the state --state
// names (default finalized), hashed while it downloads
// (beaconapi.Client.StateProver). It sets s.node and s.net and f.network.
func (s *proveSession) nodeStateProver(ctx context.Context, f *kindFlags) (*beaconstate.Prover, error) {
	if err := s.connect(ctx, f); err != nil {
		return nil, err
	}
	id := f.state
	if id == "" {
		id = defaultStateID
	}
	return s.node.StateProver(ctx, id)
}

// nodeBlock fetches the block with the id (head, finalized, justified, a
// slot or a block root) from the node and returns its BeaconBlock; close
// releases it. The block's root must be the node's block root at its slot
// (checkNodeRoot).
func (s *proveSession) nodeBlock(ctx context.Context, id string) (block *beaconstate.Object, close func(), err error) {
	signed, err := s.node.Block(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	if block, err = beaconapi.BlockMessage(signed); err != nil {
		signed.Close()
		return nil, nil, err
	}
	close = func() { block.Close(); signed.Close() }
	if err := s.checkNodeRoot(ctx, block); err != nil {
		close()
		return nil, nil, fmt.Errorf("block %s: %w", id, err)
	}
	return block, close, nil
}

// checkNodeRoot checks that the root computed from a block the node
// served is the root of the node's header at the block's slot: a block
// read as another fork or preset than its own would hash to another root,
// and proofs against that root would prove nothing.
func (s *proveSession) checkNodeRoot(ctx context.Context, block *beaconstate.Object) error {
	slot, err := block.Slot()
	if err != nil {
		return err
	}
	root, err := block.Root()
	if err != nil {
		return err
	}
	h, err := s.node.Header(ctx, beaconapi.SlotID(slot))
	if err != nil {
		return err
	}
	if h.Root != root {
		return fmt.Errorf("read as a %s %s block, it hashes to %s, but the node's block root at slot %d is %s: %w",
			block.Fork, block.Preset, proof.FormatHash(root), slot, proof.FormatHash(h.Root), eip4788.ErrRootMismatch)
	}
	return nil
}

// nodeTimestamp returns the EIP-4788 timestamp of the anchor from the
// node: the time of its block's child. A block without a child yet has
// none (0). For a block anchor, the node's block at the anchor's slot must
// be the anchor's block, child or not.
func (s *proveSession) nodeTimestamp(ctx context.Context, anchor staking.Anchor) (uint64, error) {
	a, err := eip4788.AnchorOf(ctx, s.net, s.node, anchor.Slot)
	if errors.Is(err, eip4788.ErrNoChild) {
		if anchor.Kind != staking.AnchorBlock {
			return 0, nil
		}
		h, err := s.node.Header(ctx, beaconapi.SlotID(anchor.Slot))
		if err != nil {
			return 0, err
		}
		a = staking.Anchor{Kind: staking.AnchorBlock, Slot: anchor.Slot, Root: h.Root}
	} else if err != nil {
		return 0, err
	}
	if anchor.Kind == staking.AnchorBlock && a.Root != [32]byte(anchor.Root) {
		return 0, fmt.Errorf("the node's block at slot %d is %s, the proofs' anchor is %s (the node changed its chain meanwhile?): %w",
			anchor.Slot, proof.FormatHash(a.Root), proof.FormatHash(anchor.Root), eip4788.ErrRootMismatch)
	}
	return a.Timestamp, nil
}

// nodeWithdrawals proves the withdrawal of --validator: the block at
// --withdrawal-slot, or the one FindWithdrawal finds, and for a historical
// one the era's block_roots (historyRoots).
func (s *proveSession) nodeWithdrawals(ctx context.Context, f *kindFlags) ([]staking.Claim, error) {
	if !f.node.hasValidator {
		return nil, errors.New("withdrawal from a beacon node: --validator is required")
	}
	block, env, num, err := s.nodeWithdrawalBlock(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(f.withdrawalNums) > 0 {
		num = f.withdrawalNums[0]
	}
	if env != nil {
		return s.nodeGloasWithdrawal(ctx, f, block, env, num)
	}
	src := staking.WithdrawalSource{Block: block, Network: s.net}
	ws, err := block.Uint64("slot")
	if err != nil {
		return nil, err
	}
	sphr := s.obj.Schemas.Preset.SlotsPerHistoricalRoot
	recent, err := staking.WithdrawalIsRecent(s.sp.Slot(), ws, sphr)
	if err != nil {
		return nil, err
	}
	if !recent {
		if src.EraBlockRoots, err = s.historyRoots(ctx, f, block, ws/sphr, sphr); err != nil {
			return nil, err
		}
	}
	if block.Fork != s.obj.Fork {
		s.in.BlockFork = block.Fork
	}
	c, err := s.sp.Withdrawal(src, num)
	if err != nil {
		return nil, err
	}
	return s.withSlot([]staking.Claim{c}, nil)
}

// nodeWithdrawalBlock returns the BeaconBlock that paid --validator's
// withdrawal, from gloas on the block's SignedExecutionPayloadEnvelope
// (whose payload paid it; nil before gloas), and the withdrawal's
// position in the payload: the block at --withdrawal-slot, or the one the
// node's withdrawal search finds.
func (s *proveSession) nodeWithdrawalBlock(ctx context.Context, f *kindFlags) (*beaconstate.Object, *beaconstate.Object, uint64, error) {
	v := f.node.validator
	if f.node.withdrawalSlot == 0 {
		id := f.state
		if id == "" {
			id = defaultStateID
		}
		wb, err := s.node.FindWithdrawal(ctx, v, beaconapi.WithdrawalSearch{
			FromSlot: f.node.searchFrom, StateID: id, MaxSlots: f.node.searchSlots, MaxRequests: int(min(f.node.searchRequests, 1<<20)),
		})
		if err != nil {
			return nil, nil, 0, err
		}
		block, err := beaconapi.BlockMessage(wb.Block)
		return block, wb.Envelope, uint64(wb.Position), err
	}
	signed, err := s.node.Block(ctx, beaconapi.SlotID(f.node.withdrawalSlot))
	if err != nil {
		return nil, nil, 0, err
	}
	block, err := beaconapi.BlockMessage(signed)
	if err != nil {
		return nil, nil, 0, err
	}
	payload, env, err := s.nodePayload(ctx, block)
	if err != nil {
		return nil, nil, 0, err
	}
	ws, err := payload.Withdrawals()
	if err != nil {
		return nil, nil, 0, err
	}
	for i, w := range ws {
		if w.ValidatorIndex == v {
			return block, env, uint64(i), nil
		}
	}
	return nil, nil, 0, fmt.Errorf("the block at slot %d pays no withdrawal to validator %d", f.node.withdrawalSlot, v)
}

// historyRoots returns the block_roots of a historical withdrawal's era:
// from --era's era files or --era-block-roots when given, else from the
// node (eraBlockRoots).
func (s *proveSession) historyRoots(ctx context.Context, f *kindFlags, block *beaconstate.Object, era, sphr uint64) ([]byte, error) {
	switch {
	case f.eraFiles != "":
		return readEraFiles(ctx, f, s.net, block)
	case f.eraBlockRoots != "":
		return readEraBlockRoots(ctx, f, s.obj)
	}
	return s.eraBlockRoots(ctx, era, sphr)
}

// eraBlockRoots returns the block_roots of era (the withdrawal slot's
// divided by SLOTS_PER_HISTORICAL_ROOT): rebuilt from the node's block
// headers and checked against the anchor state's historical summary, which
// any node that keeps blocks serves; or else from the node's state at the
// next era's first slot, which only an archive node keeps. When the node
// keeps neither, the error says so and what to do.
func (s *proveSession) eraBlockRoots(ctx context.Context, era, sphr uint64) ([]byte, error) {
	summary, err := s.summaryRoot(era)
	if err != nil {
		return nil, err
	}
	roots, herr := s.node.PeriodBlockRoots(ctx, era, summary, 0)
	if herr == nil {
		return flattenRoots(roots), nil
	}
	slot := (era + 1) * sphr
	st, err := s.node.State(ctx, beaconapi.SlotID(slot))
	if errors.Is(err, beaconapi.ErrPruned) && errors.Is(herr, beaconapi.ErrNotFound) {
		return nil, fmt.Errorf("the withdrawal is historical, and this node keeps neither the blocks of its era %d (%v) nor the state at slot %d that holds the era's block_roots (%w): "+
			"give era files that hold its slots %d to %d with --era FILE|DIR, or the era's block_roots with --era-block-roots FILE, or use an archive node",
			era, herr, slot, err, era*sphr, slot-1)
	}
	if err != nil {
		return nil, fmt.Errorf("the era's block_roots: from block headers: %v; from the state at slot %d: %w", herr, slot, err)
	}
	defer st.Close()
	b, _, err := st.Field("block_roots")
	if err != nil {
		return nil, err
	}
	return append([]byte(nil), b...), nil
}

// summaryRoot returns the block_summary_root of the era in the anchor
// state's historical_summaries.
func (s *proveSession) summaryRoot(era uint64) ([32]byte, error) {
	net, err := orMainnet(s.net)
	if err != nil {
		return [32]byte{}, err
	}
	offset, err := net.HistoricalSummariesOffset()
	if err != nil {
		return [32]byte{}, err
	}
	if era < offset {
		return [32]byte{}, fmt.Errorf("era %d is before %s's historical_summaries (from era %d)", era, net.Name, offset)
	}
	b, _, err := s.obj.Field(fmt.Sprintf("historical_summaries[%d].block_summary_root", era-offset))
	if err != nil {
		return [32]byte{}, err
	}
	return [32]byte(b), nil
}

// isFile reports whether --state names an existing file rather than a
// state id, so that $BEACON_URL does not override a local file.
func isFile(name string) bool {
	if name == "" || name == "-" {
		return name == "-"
	}
	st, err := os.Stat(name)
	return err == nil && !st.IsDir()
}
