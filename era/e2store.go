package era

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// Record types of an era file (the e2store types of
// eth-clients/e2store-format-specs).
var (
	// TypeVersion starts every group: "e2", no data.
	TypeVersion = [2]byte{0x65, 0x32}
	// TypeCompressedSignedBeaconBlock holds a SignedBeaconBlock in SSZ,
	// compressed with snappy's framing format.
	TypeCompressedSignedBeaconBlock = [2]byte{0x01, 0x00}
	// TypeCompressedBeaconState holds a BeaconState in SSZ, compressed
	// with snappy's framing format.
	TypeCompressedBeaconState = [2]byte{0x02, 0x00}
	// TypeEmpty is a record whose data is skipped.
	TypeEmpty = [2]byte{0x00, 0x00}
	// TypeSlotIndex is a slot index: the starting slot, one offset per
	// slot, the count, each an 8-byte little-endian signed integer.
	TypeSlotIndex = [2]byte{0x69, 0x32}
)

// HeaderSize is the size of a record's header: the type (2 bytes), the
// data's length (uint32, little endian) and 2 reserved bytes that must be
// zero.
const HeaderSize = 8

// Sentinel errors; match them with errors.Is.
var (
	// ErrCorrupt reports a file that is not a well-formed era file: a
	// record past the end of the file, an index that points outside the
	// file or at a record of the wrong type, a snappy stream that does
	// not decompress, a block of another slot than its index says.
	ErrCorrupt = errors.New("corrupt era file")
	// ErrNotFound reports an era or a slot that the file (or folder) does
	// not hold.
	ErrNotFound = errors.New("not in the era files")
	// ErrNoBlock reports a slot without a block (a missed slot): its
	// offset in the block index is 0.
	ErrNoBlock = errors.New("no block at this slot")
)

// Record is the header of an e2store record.
type Record struct {
	// Type is the record's type (TypeVersion, ...).
	Type [2]byte
	// Offset is the byte offset of the record's header in the file; its
	// data starts HeaderSize bytes later.
	Offset int64
	// Length is the length of the record's data.
	Length int64
}

// End returns the offset of the byte after the record.
func (r Record) End() int64 { return r.Offset + HeaderSize + r.Length }

// typeNames names the record types an era file holds.
var typeNames = map[[2]byte]string{
	TypeVersion:                     "Version",
	TypeCompressedSignedBeaconBlock: "CompressedSignedBeaconBlock",
	TypeCompressedBeaconState:       "CompressedBeaconState",
	TypeEmpty:                       "Empty",
	TypeSlotIndex:                   "SlotIndex",
}

// TypeName returns the name of a record type ("SlotIndex"), or its bytes
// in hex ("0x6632") when it is not one of an era file's.
func TypeName(t [2]byte) string {
	if n, ok := typeNames[t]; ok {
		return n
	}
	return fmt.Sprintf("0x%02x%02x", t[0], t[1])
}

// corrupt returns an error that wraps ErrCorrupt.
func corrupt(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrCorrupt}, args...)...)
}

// ReadRecord reads the header of the record at offset off of a file of
// size bytes, and checks that the record lies inside the file. The error,
// which wraps ErrCorrupt for a malformed record, names the offset.
func ReadRecord(r io.ReaderAt, size, off int64) (Record, error) {
	if off < 0 || off > size-HeaderSize {
		return Record{}, corrupt("record header at byte %d is outside the file (%d bytes)", off, size)
	}
	var h [HeaderSize]byte
	if _, err := r.ReadAt(h[:], off); err != nil {
		return Record{}, fmt.Errorf("record header at byte %d: %w", off, err)
	}
	rec := Record{Type: [2]byte{h[0], h[1]}, Offset: off, Length: int64(binary.LittleEndian.Uint32(h[2:6]))}
	if reserved := binary.LittleEndian.Uint16(h[6:8]); reserved != 0 {
		return Record{}, corrupt("%s record at byte %d: reserved header bytes are %#04x, not 0", TypeName(rec.Type), off, reserved)
	}
	if rec.Length > size-off-HeaderSize {
		return Record{}, corrupt("%s record at byte %d: %d data bytes, past the end of the file (%d bytes)", TypeName(rec.Type), off, rec.Length, size)
	}
	return rec, nil
}

// readRecordOf reads the header at off and checks its type and that the
// record ends by end.
func readRecordOf(r io.ReaderAt, size, off, end int64, want [2]byte, what string) (Record, error) {
	rec, err := ReadRecord(r, size, off)
	if err != nil {
		return Record{}, fmt.Errorf("%s: %w", what, err)
	}
	if rec.Type != want {
		return Record{}, corrupt("%s: the record at byte %d is a %s, not a %s", what, off, TypeName(rec.Type), TypeName(want))
	}
	if rec.End() > end {
		return Record{}, corrupt("%s: the %s record at byte %d ends at byte %d, past the next record at byte %d", what, TypeName(want), off, rec.End(), end)
	}
	return rec, nil
}

// appendHeader appends a record header.
func appendHeader(b []byte, t [2]byte, length uint32) []byte {
	b = append(b, t[0], t[1])
	b = binary.LittleEndian.AppendUint32(b, length)
	return append(b, 0, 0)
}
