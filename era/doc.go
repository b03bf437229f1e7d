// Package era reads and writes era files: the e2store files in which
// beacon-chain history is archived and published (the format of
// eth-clients/e2store-format-specs, formats/era.md).
//
// # Format
//
// An e2store file is a sequence of records, each an 8-byte header (a
// 2-byte type, the data's length as a little-endian uint32, 2 zero bytes)
// and its data. An era file is one or more groups:
//
//	group := Version | block* | state | other* | slot-index(blocks)? | slot-index(state)
//
// Era n's group holds the blocks of slots
// [(n-1)*SLOTS_PER_HISTORICAL_ROOT, n*SLOTS_PER_HISTORICAL_ROOT) in slot
// order, missed slots skipped (CompressedSignedBeaconBlock records), the
// state at slot n*SLOTS_PER_HISTORICAL_ROOT (CompressedBeaconState), then
// two SlotIndex records: the blocks' (omitted for era 0, the genesis
// state alone) and the state's. A SlotIndex holds its starting slot, one
// offset per slot from the start of the index record to the slot's record
// (0 for a missed slot) and the count, each an 8-byte little-endian signed
// integer. Blocks and states are SSZ compressed with snappy's framing
// format.
//
// # Reading
//
// NewFile and OpenFile read a file's indices from its end, group by
// group, and check them: every offset points inside the file, before its
// index, at a record of the right type; blocks are in slot order before
// the state; each group starts with a Version record. Nothing else is
// read until asked for, and then only the records asked for: a block
// (File.Block), a state (File.State), or the era's block roots
// (File.BlockRoots reads the state's block_roots field, decompressing
// only the state's first bytes; File.BlockRootsFromBlocks hashes the
// blocks instead), or the era's state roots (File.StateRoots, the
// state's state_roots field, read the same way: what a gloas withdrawal
// is proved through). Open reads a file or a folder of them (Archive), in
// which it finds an era by the files' names and contents.
//
// # Limits
//
// A file is never held in memory: an index takes 8 bytes per slot, and a
// record is decompressed into one buffer of its exact size after a first
// pass has counted its bytes, so that a record that would decompress to
// more than Options.MaxSize, or to more than 64 times its own size plus
// 64 MiB, fails before anything of that size is allocated. Malformed
// input fails with an error that wraps ErrCorrupt and names the record
// and its byte offset.
//
// # Eras and historical summaries
//
// The block roots of era n are the block_roots vector that
// historical_summaries[n - 1 - offset].block_summary_root summarises (its
// state roots, the state_summary_root's),
// where offset is the network's fork.Network.HistoricalSummariesOffset
// (758 on mainnet): see SummaryEra and EraOfSlot.
package era
