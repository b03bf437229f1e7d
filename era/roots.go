package era

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"strings"

	"golang.org/x/sync/errgroup"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// BlockRoots returns the block roots of an era's slots, [(era-1)*SLOTS_PER_HISTORICAL_ROOT,
// era*SLOTS_PER_HISTORICAL_ROOT) in order, as the state at the era's end
// holds them in its block_roots field (a missed slot has the root of the
// last block before it). Only the state's first bytes, up to the end of
// block_roots, are decompressed. These are the roots whose hash tree root,
// as a Vector[Root, SLOTS_PER_HISTORICAL_ROOT], is the period's
// historical_summaries entry's block_summary_root; the caller checks them
// against it.
func (f *File) BlockRoots(ctx context.Context, era uint64) ([][32]byte, error) {
	return f.rootVector(ctx, era, "block_roots")
}

// StateRoots returns the state roots of an era's slots, as BlockRoots
// returns the block roots: the state at the era's end's state_roots field,
// read up to its end only. Entry i is the root of the state at the end of
// slot (era-1)*SLOTS_PER_HISTORICAL_ROOT + i: a block's post-state when
// the slot has a block. Their hash tree root is the period's
// historical_summaries entry's state_summary_root, against which the
// caller checks them. A gloas withdrawal is proved through them
// (staking.GloasWithdrawalSource.EraStateRoots).
func (f *File) StateRoots(ctx context.Context, era uint64) ([][32]byte, error) {
	return f.rootVector(ctx, era, "state_roots")
}

// rootVector reads an era's block_roots or state_roots from the state at
// its end, decompressing the state up to the field's end.
func (f *File) rootVector(ctx context.Context, era uint64, field string) ([][32]byte, error) {
	g, err := f.group(era)
	if err != nil {
		return nil, err
	}
	if g.blocks == nil {
		return nil, f.errorf("%w: era 0 (genesis) holds no blocks and no %s", ErrNotFound, strings.ReplaceAll(field, "_", " "))
	}
	zr, done := stream(ctx, f.r, g.state)
	defer done()
	h, head, err := f.readStateHeader(ctx, g, zr)
	if err != nil {
		return nil, err
	}
	schemas, err := f.stateSchemas(g, h, head)
	if err != nil {
		return nil, err
	}
	lo, hi, err := fixedFieldSpan(schemas.BeaconState, field)
	if err == nil && (uint64(hi-lo) != 32*f.sphr || lo < stateHeaderSize) {
		err = fmt.Errorf("%s is bytes %d to %d, not %d roots after the first %d bytes", field, lo, hi, f.sphr, stateHeaderSize)
	}
	if err != nil {
		return nil, f.errorf("state of era %d: %s BeaconState: %v", era, schemas.Fork, err)
	}
	what := fmt.Sprintf("state of era %d", era)
	if _, err := io.CopyN(io.Discard, zr, int64(lo-stateHeaderSize)); err != nil {
		return nil, f.errorf("%w", f.shortState(ctx, g, err, what, field))
	}
	vec := make([]byte, hi-lo)
	if _, err := io.ReadFull(zr, vec); err != nil {
		return nil, f.errorf("%w", f.shortState(ctx, g, err, what, field))
	}
	roots := make([][32]byte, f.sphr)
	for i := range roots {
		copy(roots[i][:], vec[32*i:])
	}
	return roots, nil
}

// shortState describes a state that ended, or failed to decompress,
// before the end of its field.
func (f *File) shortState(ctx context.Context, g *group, err error, what, field string) error {
	if err == io.EOF || err == io.ErrUnexpectedEOF {
		return corrupt("%s at byte %d: ends before its %s", what, g.state.Offset, field)
	}
	return snappyErr(ctx, err, what, g.state)
}

// network returns the network of a group: Options.Network, or the
// built-in network whose genesis validators root is the state's.
func (f *File) network(g *group, h fork.StateHeader) (*fork.Network, error) {
	if f.opts.Network != nil {
		return f.opts.Network, nil
	}
	for _, n := range fork.Networks() {
		if n.GenesisValidatorsRoot == h.GenesisValidatorsRoot && n.PresetName() == f.opts.Preset {
			return n, nil
		}
	}
	return nil, f.errorf("era %d: the state's genesis validators root %#x is no built-in %s network's; pass the network (Options.Network)",
		g.era, h.GenesisValidatorsRoot[:], f.opts.Preset)
}

// stateSchemas returns the schemas of the fork of a group's state, from
// its fork.current_version.
func (f *File) stateSchemas(g *group, h fork.StateHeader, head []byte) (*fork.Schemas, error) {
	n, err := f.network(g, h)
	if err != nil {
		return nil, err
	}
	fk, err := fork.DetectFromStateBytes(head, f.opts.Preset, n)
	if err != nil {
		return nil, f.errorf("state of era %d: %w", g.era, err)
	}
	s, err := fk.Schemas(f.opts.Preset)
	if err != nil {
		return nil, f.errorf("state of era %d: %w", g.era, err)
	}
	return s, nil
}

// fixedFieldSpan returns the byte span of a container's field when every
// field up to it has a fixed size.
func fixedFieldSpan(t *ssz.Type, name string) (lo, hi int, err error) {
	for _, fl := range t.Fields {
		if !fl.Type.IsFixed() {
			return 0, 0, fmt.Errorf("%s.%s is of variable size before %s", t.Name, fl.Name, name)
		}
		n := int(fl.Type.FixedSize())
		if fl.Name == name {
			return lo, lo + n, nil
		}
		lo += n
	}
	return 0, 0, fmt.Errorf("%s has no field %s", t.Name, name)
}

// blockInfo is what the roots need of a block: its root and parent root.
type blockInfo struct {
	ok           bool
	root, parent [32]byte
}

// BlockRootsFromBlocks returns the block roots of an era's slots as
// BlockRoots does, but computed from the era's blocks: the hash tree root
// of each block's message, in the schema of the fork of its slot; a missed
// slot repeats the root before it, and the slots before the era's first
// block take that block's parent_root. Each block's parent_root must be
// the root of the block before it. The blocks are read and hashed on all
// cores, one at a time per core. An era without blocks fails: its roots
// are the root of a block of an earlier era.
func (f *File) BlockRootsFromBlocks(ctx context.Context, era uint64) ([][32]byte, error) {
	g, err := f.group(era)
	if err != nil {
		return nil, err
	}
	if g.blocks == nil {
		return nil, f.errorf("%w: era 0 (genesis) holds no blocks", ErrNotFound)
	}
	h, err := f.StateHeader(ctx, era)
	if err != nil {
		return nil, err
	}
	n, err := f.network(g, h)
	if err != nil {
		return nil, err
	}
	infos := make([]blockInfo, len(g.blocks))
	eg, ectx := errgroup.WithContext(ctx)
	eg.SetLimit(runtime.GOMAXPROCS(0))
	for i, off := range g.blocks {
		if off == 0 {
			continue
		}
		eg.Go(func() error {
			var err error
			infos[i], err = f.blockInfo(ectx, g, i, n)
			return err
		})
	}
	if err := eg.Wait(); err != nil {
		return nil, err
	}
	roots, err := linkRoots(infos, g.blockStart)
	if err != nil {
		return nil, f.errorf("era %d: %w", era, err)
	}
	return roots, nil
}

// blockInfo reads the block at index i of a group and hashes its message.
func (f *File) blockInfo(ctx context.Context, g *group, i int, n *fork.Network) (blockInfo, error) {
	slot := g.blockStart + uint64(i)
	b, err := f.block(ctx, g, i)
	if err != nil {
		return blockInfo{}, err
	}
	name := n.ForkAtSlot(slot)
	obj, err := beaconstate.NewObject(name, f.opts.Preset, "SignedBeaconBlock", b)
	if err != nil {
		return blockInfo{}, f.errorf("%w", corrupt("block of slot %d at byte %d: %v", slot, g.blocks[i], err))
	}
	msg, mt, err := obj.Field("message")
	if err != nil {
		return blockInfo{}, f.errorf("block of slot %d: %w", slot, err)
	}
	parent, _, err := obj.Field("message.parent_root")
	if err != nil || len(parent) != 32 {
		return blockInfo{}, f.errorf("block of slot %d: no parent_root (%v)", slot, err)
	}
	info := blockInfo{ok: true}
	if info.root, err = ssz.HashTreeRoot(mt, msg); err != nil {
		return blockInfo{}, f.errorf("block of slot %d: %w", slot, err)
	}
	copy(info.parent[:], parent)
	return info, nil
}

// linkRoots turns the blocks of an era's slots into the era's block
// roots: a slot without a block takes the root before it, and the slots
// before the first block that block's parent root. Each block's parent
// must be the block before it.
func linkRoots(infos []blockInfo, startSlot uint64) ([][32]byte, error) {
	first := -1
	for i := range infos {
		if infos[i].ok {
			first = i
			break
		}
	}
	if first < 0 {
		return nil, fmt.Errorf("%w: no block in slots %d to %d: their roots are the root of an earlier block", ErrNotFound, startSlot, startSlot+uint64(len(infos))-1)
	}
	roots := make([][32]byte, len(infos))
	prev, prevSlot := infos[first].parent, uint64(0)
	for i, info := range infos {
		if info.ok {
			if i > first && info.parent != prev {
				return nil, corrupt("the block of slot %d has parent_root %#x, but the block before it, of slot %d, has root %#x",
					startSlot+uint64(i), info.parent[:], prevSlot, prev[:])
			}
			prev, prevSlot = info.root, startSlot+uint64(i)
		}
		roots[i] = prev
	}
	return roots, nil
}
