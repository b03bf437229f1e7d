package era

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/golang/snappy"

	"github.com/beaconproof/beaconproof/beaconstate"
)

// readers pools snappy readers, whose buffers (about 140 KiB) are worth
// keeping from one record to the next.
var readers = sync.Pool{New: func() any { return snappy.NewReader(nil) }}

// ctxReader stops reading when its context is done.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// stream returns a reader of the decompressed data of rec and a function
// that gives the reader back to the pool.
func stream(ctx context.Context, r io.ReaderAt, rec Record) (io.Reader, func()) {
	zr := readers.Get().(*snappy.Reader)
	zr.Reset(ctxReader{ctx, io.NewSectionReader(r, rec.Offset+HeaderSize, rec.Length)})
	return zr, func() {
		zr.Reset(nil)
		readers.Put(zr)
	}
}

// decompress returns the decompressed data of rec, read in two passes: the
// first counts the bytes without keeping them and stops past the limit,
// the second reads them into one buffer of exactly that size. A record
// that would decompress to more than max (or to more than its own size
// allows: beaconstate.DecompressedLimit) fails with an error that wraps
// beaconstate.ErrTooLarge before anything of that size is allocated.
func decompress(ctx context.Context, r io.ReaderAt, rec Record, max int64, what string) ([]byte, error) {
	limit := beaconstate.DecompressedLimit(rec.Length, max)
	zr, done := stream(ctx, r, rec)
	n, err := io.Copy(io.Discard, io.LimitReader(zr, limit+1))
	done()
	if err != nil {
		return nil, snappyErr(ctx, err, what, rec)
	}
	if n > limit {
		return nil, fmt.Errorf("%s at byte %d: %w: decompresses to more than %d bytes (%d compressed bytes)", what, rec.Offset, beaconstate.ErrTooLarge, limit, rec.Length)
	}
	zr, done = stream(ctx, r, rec)
	defer done()
	out := make([]byte, n)
	if _, err := io.ReadFull(zr, out); err != nil {
		return nil, snappyErr(ctx, err, what, rec)
	}
	return out, nil
}

// snappyErr describes a failure to decompress rec.
func snappyErr(ctx context.Context, err error, what string, rec Record) error {
	if ctx.Err() != nil {
		return fmt.Errorf("%s at byte %d: %w", what, rec.Offset, ctx.Err())
	}
	if errors.Is(err, snappy.ErrCorrupt) || errors.Is(err, snappy.ErrUnsupported) || errors.Is(err, io.ErrUnexpectedEOF) {
		return corrupt("%s at byte %d: framed snappy: %w", what, rec.Offset, err)
	}
	return fmt.Errorf("%s at byte %d: %w", what, rec.Offset, err)
}
