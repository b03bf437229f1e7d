package beaconstate

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/golang/snappy"
)

// The element tags of the snappy block format
// (https://github.com/google/snappy/blob/main/format_description.txt).
const (
	snappyLiteral = 0x00
	snappyCopy1   = 0x01
	snappyCopy2   = 0x02
	snappyCopy4   = 0x03
)

// checkSnappyBlock walks the elements of a snappy block without writing
// them and checks that they decode to exactly the length the block states:
// no literal runs past the end of the block, no copy reaches before the
// start of the output or past the stated length, and the output ends at
// the stated length. These are the checks snappy.Decode makes while it
// writes, in the same order, so a block that passes decodes without error;
// but checkSnappyBlock allocates nothing, so that a corrupt block is
// refused before its stated length is allocated. It costs one pass over
// the element tags (the literals are skipped, not read). Its errors wrap
// snappy.ErrCorrupt and say which element is wrong.
func checkSnappyBlock(src []byte) error {
	stated, hdr := binary.Uvarint(src)
	if hdr <= 0 || hdr > 5 || stated > 0xffffffff || stated > math.MaxInt {
		return fmt.Errorf("%w: bad length header", snappy.ErrCorrupt)
	}
	want := int(stated)
	d, s := 0, hdr // bytes decoded so far, position in src
	for s < len(src) {
		at := s
		var length, offset int
		switch src[s] & 0x03 {
		case snappyLiteral:
			x := uint32(src[s] >> 2)
			if x >= 60 {
				// The length-1 follows in x-59 little-endian bytes.
				n := int(x) - 59
				if n > len(src)-s-1 {
					return fmt.Errorf("%w: literal at byte %d: its length runs past the end of the block (%d bytes)", snappy.ErrCorrupt, at, len(src))
				}
				x = 0
				for i := n; i >= 1; i-- {
					x = x<<8 | uint32(src[s+i])
				}
				s += n
			}
			s++
			length = int(x) + 1
			if length <= 0 || length > len(src)-s {
				return fmt.Errorf("%w: literal at byte %d: %d bytes, past the end of the block (%d bytes)", snappy.ErrCorrupt, at, uint64(x)+1, len(src))
			}
			if length > want-d {
				return fmt.Errorf("%w: literal at byte %d: %d bytes decode past the stated length %d (at %d)", snappy.ErrCorrupt, at, length, want, d)
			}
			d += length
			s += length
			continue
		case snappyCopy1:
			if len(src)-s < 2 {
				return fmt.Errorf("%w: copy at byte %d runs past the end of the block (%d bytes)", snappy.ErrCorrupt, at, len(src))
			}
			length = 4 + int(src[s])>>2&0x7
			offset = int(uint32(src[s])&0xe0<<3 | uint32(src[s+1]))
			s += 2
		case snappyCopy2:
			if len(src)-s < 3 {
				return fmt.Errorf("%w: copy at byte %d runs past the end of the block (%d bytes)", snappy.ErrCorrupt, at, len(src))
			}
			length = 1 + int(src[s])>>2
			offset = int(binary.LittleEndian.Uint16(src[s+1:]))
			s += 3
		case snappyCopy4:
			if len(src)-s < 5 {
				return fmt.Errorf("%w: copy at byte %d runs past the end of the block (%d bytes)", snappy.ErrCorrupt, at, len(src))
			}
			length = 1 + int(src[s])>>2
			offset = int(binary.LittleEndian.Uint32(src[s+1:]))
			s += 5
		}
		if offset <= 0 || offset > d {
			return fmt.Errorf("%w: copy at byte %d: offset %d, but %d bytes are decoded before it", snappy.ErrCorrupt, at, offset, d)
		}
		if length > want-d {
			return fmt.Errorf("%w: copy at byte %d: %d bytes decode past the stated length %d (at %d)", snappy.ErrCorrupt, at, length, want, d)
		}
		d += length
	}
	if d != want {
		return fmt.Errorf("%w: the block states %d decoded bytes, its elements decode to %d", snappy.ErrCorrupt, want, d)
	}
	return nil
}
