package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
)

// Lido CSM in the CLI: `gindex --lido` prints CSVerifier's constructor
// gindices, and `prove withdrawal --format lido` proves a withdrawal as
// CSVerifier takes it.

// lidoFlags are the withdrawal kind's flags for --format lido.
type lidoFlags struct {
	blockState    string
	operator, key uint64
	hasOperator   bool
	hasKey        bool
}

// registerLido registers the lido flags of the withdrawal kind.
func registerLido(fs *flag.FlagSet, f *kindFlags) {
	fs.StringVar(&f.lido.blockState, "block-state", "", "the post-state of the withdrawal's block: on gloas, where the block carries no payload, the state the withdrawals are proved from (instead of --block); with --format lido, of BLOCK when BLOCK is older than FILE's block")
	fs.Var(uintFlag{&f.lido.operator, &f.lido.hasOperator}, "node-operator-id", "with --format lido: the validator's Lido CSM node operator, for the calls")
	fs.Var(uintFlag{&f.lido.key, &f.lido.hasKey}, "key-index", "with --format lido: the validator's key index in the operator's keys, for the calls")
}

// lidoGindicesOutput is what `gindex --lido` prints.
type lidoGindicesOutput struct {
	Fork     string              `json:"fork"`
	Preset   string              `json:"preset"`
	GIndices format.LidoGIndices `json:"gIndices"`
	// Constructor is CSVerifier's GIndices struct for a verifier of this
	// fork alone: each gindex as both its Prev and its Curr member.
	Constructor []proof.Hash32 `json:"constructorGIndices"`
}

// printLidoGindices prints CSVerifier's constructor gindices for the fork.
func printLidoGindices(e *env, forkName, preset string) int {
	g, err := format.LidoGIndicesOf(forkName, preset)
	if err != nil {
		return e.fail(err)
	}
	out := lidoGindicesOutput{Fork: forkName, Preset: preset, GIndices: g}
	for _, c := range g.Constructor() {
		out.Constructor = append(out.Constructor, c)
	}
	b, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintln(e.stdout, string(b))
	return exitOK
}

// proveLidoWithdrawal proves one withdrawal as Lido's CSVerifier takes
// it: the anchor block's header; the withdrawal in its paying block's
// post-state and the validator there; and, when BLOCK is older than the
// state's block, its header under the state's historical_summaries, from
// --block-state (BLOCK's post-state) and --era-block-roots.
func proveLidoWithdrawal(ctx context.Context, e *env, f *kindFlags, s *proveSession) ([]staking.Claim, error) {
	if f.block == "" || len(f.withdrawalNums) != 1 {
		return nil, errors.New("--format lido proves one withdrawal: give --block and one --withdrawal-num")
	}
	if f.lido.hasOperator != f.lido.hasKey {
		return nil, errors.New("--node-operator-id and --key-index go together")
	}
	if f.lido.hasOperator {
		s.in.LidoOperator = &format.LidoOperator{NodeOperatorID: f.lido.operator, KeyIndex: f.lido.key}
	}
	block, err := loadBlock(ctx, e, f, s.obj)
	if err != nil {
		return nil, err
	}
	defer block.Close()
	ws, err := block.Slot()
	if err != nil {
		return nil, err
	}
	header, err := s.sp.BlockHeader()
	if err != nil {
		return nil, err
	}
	if ws == s.sp.Slot() {
		if f.lido.blockState != "" {
			return nil, errors.New("--block-state: BLOCK is the state's own block, whose post-state FILE is")
		}
		w, v, err := lidoWitnessClaims(s.sp, block, f.withdrawalNums[0])
		return []staking.Claim{header, w, v}, err
	}
	if f.lido.blockState == "" {
		return nil, fmt.Errorf("--format lido: BLOCK is at slot %d, before the state's slot %d: give its post-state (--block-state) and --era-block-roots "+
			"to prove it under historical_summaries, or prove from BLOCK's post-state", ws, s.sp.Slot())
	}
	old, err := beaconstate.LoadFile(ctx, f.lido.blockState, beaconstate.LoadOptions{Preset: f.preset, Type: "BeaconState", NetworkConfig: f.net, MaxSize: f.maxSize, Mmap: true})
	if err != nil {
		return nil, fmt.Errorf("--block-state: %w", err)
	}
	defer old.Close()
	claims, err := lidoHistorical(ctx, f, s, old, block)
	if err != nil {
		return nil, err
	}
	return append([]staking.Claim{header}, claims...), nil
}

// lidoHistorical proves the old block's header under the state's
// historical_summaries, and the withdrawal and validator in its
// post-state old.
func lidoHistorical(ctx context.Context, f *kindFlags, s *proveSession, old, block *beaconstate.Object) ([]staking.Claim, error) {
	p, err := beaconstate.NewProver(old)
	if err != nil {
		return nil, err
	}
	osp, err := staking.NewStateProver(p, staking.AnchorBlock)
	if err != nil {
		return nil, fmt.Errorf("--block-state: %w", err)
	}
	oh, err := osp.BlockHeader()
	if err != nil {
		return nil, err
	}
	hv, ok := oh.Value.(staking.BlockHeaderValue)
	if !ok {
		return nil, fmt.Errorf("internal error: a block header claim holds a %T", oh.Value)
	}
	var era []byte
	if f.eraBlockRoots != "" {
		if era, err = readEraBlockRoots(ctx, f, s.obj); err != nil {
			return nil, err
		}
	}
	net, err := orMainnet(f.net)
	if err != nil {
		return nil, err
	}
	hist, err := s.sp.HistoricalBlockHeader(hv, era, net)
	if err != nil {
		return nil, err
	}
	w, v, err := lidoWitnessClaims(osp, block, f.withdrawalNums[0])
	if old.Fork != s.obj.Fork {
		s.in.BlockFork = old.Fork
	}
	return []staking.Claim{hist, w, v}, err
}

// lidoWitnessClaims proves withdrawal n of block in its post-state, the
// StateProver's, and the validator it pays.
func lidoWitnessClaims(sp *staking.StateProver, block *beaconstate.Object, n uint64) (w, v staking.Claim, err error) {
	if w, err = sp.PostStateWithdrawal(block, n); err != nil {
		return w, v, err
	}
	wv, ok := w.Value.(staking.WithdrawalValue)
	if !ok {
		return w, v, fmt.Errorf("internal error: a withdrawal claim holds a %T", w.Value)
	}
	v, err = sp.Validator(wv.ValidatorIndex)
	return w, v, err
}
