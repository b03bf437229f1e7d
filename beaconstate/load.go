package beaconstate

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/golang/snappy"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// Compression says how the input of Load is compressed.
type Compression int

// The compressions Load reads. With CompressionAuto, gzip and framed snappy
// are recognised by their magic bytes; the snappy block format has none, so
// it is taken from the file name (.ssz_snappy, .snappy) in LoadFile, and
// otherwise tried when the input is not valid raw SSZ.
const (
	CompressionAuto         Compression = iota // detect
	CompressionNone                            // raw SSZ
	CompressionSnappy                          // snappy block format, as in the consensus spec tests
	CompressionSnappyFramed                    // snappy framing (stream) format
	CompressionGzip                            // gzip
)

var compressionNames = [...]string{"auto", "none", "snappy", "snappy-framed", "gzip"}

// String returns the compression's name.
func (c Compression) String() string {
	if c >= 0 && int(c) < len(compressionNames) {
		return compressionNames[c]
	}
	return fmt.Sprintf("Compression(%d)", int(c))
}

// LoadOptions say what Load reads.
type LoadOptions struct {
	// Fork is the fork's name ("deneb"). When empty, the fork is detected:
	// a BeaconState's from its fork.current_version, a BeaconBlock's or
	// SignedBeaconBlock's from its slot when Network is set. Anything else
	// needs an explicit fork.
	Fork string
	// Preset is the preset's name; "" means DefaultPreset (mainnet).
	Preset string
	// Type is the spec name of the object's type; "" means DefaultType
	// (BeaconState). Any name the fork's schemas know works
	// ("SignedBeaconBlock", "ExecutionPayloadEnvelope", "Validator", ...).
	Type string
	// Network names the network whose fork schedule maps a block's slot to
	// its fork, and restricts the networks whose fork versions a state's
	// fork.current_version is looked up in. Only used when Fork is empty.
	Network string
	// NetworkConfig, when set, is used instead of the built-in network
	// named by Network (for a devnet loaded with fork.LoadNetworkConfig).
	NetworkConfig *fork.Network
	// MaxSize bounds the input and its decompressed size, in bytes; 0
	// means DefaultMaxSize. Larger input fails with ErrTooLarge.
	MaxSize int64
	// Compression is the input's compression; the zero value detects it.
	Compression Compression
	// Mmap lets LoadFile map an uncompressed file into memory instead of
	// reading it, where the platform allows (unix). The Object must then
	// be closed with Close, after which its Bytes must not be used, and the
	// file must not be truncated while it is mapped.
	Mmap bool
}

func (o LoadOptions) withDefaults() LoadOptions {
	if o.Preset == "" {
		o.Preset = DefaultPreset
	}
	if o.Type == "" {
		o.Type = DefaultType
	}
	if o.MaxSize <= 0 {
		o.MaxSize = DefaultMaxSize
	}
	return o
}

// Magic bytes.
var (
	gzipMagic   = []byte{0x1f, 0x8b}
	framedMagic = []byte("\xff\x06\x00\x00sNaPpY")
)

// sniff returns the compression announced by the first bytes of the input,
// or CompressionAuto when they announce none.
func sniff(head []byte) Compression {
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		return CompressionGzip
	case bytes.HasPrefix(head, framedMagic):
		return CompressionSnappyFramed
	}
	return CompressionAuto
}

// compressionFromName returns the compression named by a file's extension:
// the snappy block format for .ssz_snappy and .snappy, gzip for .gz, and
// CompressionAuto otherwise. inner is the compression of what a .gz holds
// (x.ssz_snappy.gz).
func compressionFromName(name string) (outer, inner Compression) {
	lower := strings.ToLower(filepath.Base(name))
	ext := filepath.Ext(lower)
	if ext == ".gz" || ext == ".gzip" {
		outer = CompressionGzip
		_, inner = compressionFromName(strings.TrimSuffix(lower, ext))
		return outer, inner
	}
	switch ext {
	case ".ssz_snappy", ".snappy":
		return CompressionSnappy, CompressionAuto
	case ".ssz":
		return CompressionAuto, CompressionAuto
	}
	return CompressionAuto, CompressionAuto
}

// Load reads one SSZ object from r, decompressing it as opts.Compression
// says (by default detected from its magic bytes), and checks it against
// the schema of opts.Type in opts.Fork and opts.Preset. It reads r to its
// end, once, into a single buffer, and fails with ErrTooLarge as soon as
// the input or its decompressed form passes opts.MaxSize. Errors name the
// fork and the type, as in
// "beaconstate: deneb BeaconState: ssz: bad offset: ... at validators[3] ...".
func Load(ctx context.Context, r io.Reader, opts LoadOptions) (*Object, error) {
	opts = opts.withDefaults()
	data, comp, err := readInput(ctx, r, opts.Compression, CompressionAuto, opts.MaxSize, sizeHint(r))
	if err != nil {
		return nil, fmt.Errorf("beaconstate: %w", err)
	}
	return decode(data, comp, opts)
}

// LoadFile is Load for the named file. Beside the magic bytes, it takes
// the compression from the file's extension: .ssz_snappy and .snappy are
// the snappy block format, .gz is gzip (x.ssz_snappy.gz is both). With
// opts.Mmap, an uncompressed file is mapped into memory rather than read.
func LoadFile(ctx context.Context, path string, opts LoadOptions) (*Object, error) {
	opts = opts.withDefaults()
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("beaconstate: %w", err)
	}
	defer f.Close()
	outer, inner := compressionFromName(path)
	if opts.Compression != CompressionAuto {
		outer, inner = opts.Compression, CompressionAuto
	}
	if opts.Mmap && outer == CompressionAuto {
		if obj, ok, err := loadMapped(ctx, f, opts); ok {
			return obj, err
		}
	}
	data, comp, err := readInput(ctx, f, outer, inner, opts.MaxSize, sizeHint(f))
	if err != nil {
		return nil, fmt.Errorf("beaconstate: %s: %w", path, err)
	}
	return decode(data, comp, opts)
}

// loadMapped maps f and loads it when it is an uncompressed regular file.
// ok is false when the file is not mapped (not regular, empty, compressed,
// or the platform cannot map it); the caller then reads it.
func loadMapped(ctx context.Context, f *os.File, opts LoadOptions) (obj *Object, ok bool, err error) {
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() == 0 {
		return nil, false, nil
	}
	if st.Size() > opts.MaxSize {
		return nil, true, fmt.Errorf("beaconstate: %s: %w: %d bytes, limit %d", f.Name(), ErrTooLarge, st.Size(), opts.MaxSize)
	}
	b, unmap, err := mmapFile(f, st.Size())
	if err != nil {
		return nil, false, nil
	}
	if sniff(b) != CompressionAuto {
		_ = unmap()
		return nil, false, nil
	}
	if err := ctx.Err(); err != nil {
		_ = unmap()
		return nil, true, fmt.Errorf("beaconstate: %w", err)
	}
	obj, err = decode(b, CompressionAuto, opts)
	if err != nil {
		_ = unmap()
		return nil, true, err
	}
	if len(obj.Bytes) > 0 && &obj.Bytes[0] == &b[0] {
		obj.unmap = unmap
	} else {
		_ = unmap() // decoded from snappy into a new buffer
	}
	return obj, true, nil
}

// sizeHint returns the number of bytes left in r when r is a regular file,
// or -1.
func sizeHint(r io.Reader) int64 {
	f, ok := r.(*os.File)
	if !ok {
		return -1
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return -1
	}
	pos, err := f.Seek(0, io.SeekCurrent)
	if err != nil || pos > st.Size() {
		return -1
	}
	return st.Size() - pos
}

// readInput reads r to its end, undoing a gzip or framed-snappy layer as it
// streams. It returns the bytes and the compression still to undo: the
// snappy block format (which needs the whole input), CompressionAuto
// (unknown: raw SSZ, or snappy block as a fallback) or CompressionNone.
func readInput(ctx context.Context, r io.Reader, outer, inner Compression, max, hint int64) ([]byte, Compression, error) {
	r = ctxReader{ctx, r}
	var head [10]byte
	n, err := io.ReadFull(r, head[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, 0, err
	}
	if n == 0 {
		return nil, 0, errors.New("empty input")
	}
	if got := sniff(head[:n]); got != CompressionAuto && outer != CompressionNone {
		if outer != got {
			inner = CompressionAuto // the extension lied about the outer layer
		}
		outer = got
	}
	rest := io.MultiReader(bytes.NewReader(head[:n]), r)
	var data []byte
	switch outer {
	case CompressionGzip:
		zr, err := gzip.NewReader(rest)
		if err != nil {
			return nil, 0, fmt.Errorf("gzip: %w", err)
		}
		if data, err = readLimited(zr, -1, max, "decompressed (gzip)"); err != nil {
			return nil, 0, fmt.Errorf("gzip: %w", err)
		}
		// A gzip may hold framed snappy, or (by its name) block snappy.
		if sniff(data) == CompressionSnappyFramed {
			if data, err = readLimited(snappy.NewReader(bytes.NewReader(data)), -1, max, "decompressed (snappy)"); err != nil {
				return nil, 0, fmt.Errorf("framed snappy in gzip: %w", err)
			}
			return data, CompressionNone, nil
		}
		return data, inner, nil
	case CompressionSnappyFramed:
		if data, err = readLimited(snappy.NewReader(rest), -1, max, "decompressed (snappy)"); err != nil {
			return nil, 0, fmt.Errorf("framed snappy: %w", err)
		}
		return data, CompressionNone, nil
	}
	if data, err = readLimited(rest, hint, max, "input"); err != nil {
		return nil, 0, err
	}
	return data, outer, nil
}

// readLimited reads r to its end into one buffer sized from hint (the
// expected size, or -1), failing with ErrTooLarge past max bytes.
func readLimited(r io.Reader, hint, max int64, what string) ([]byte, error) {
	if hint > max {
		return nil, fmt.Errorf("%w: %s of %d bytes, limit %d", ErrTooLarge, what, hint, max)
	}
	size := int64(512)
	if hint >= 0 {
		size = hint + 1 // one more byte to see EOF without growing
	}
	buf := make([]byte, 0, size)
	for {
		if len(buf) == cap(buf) {
			// Double the buffer (not past the limit) to copy little.
			buf = slices.Grow(buf, int(min(int64(len(buf)), max-int64(len(buf))+1)))
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > max {
			return nil, fmt.Errorf("%w: %s of more than %d bytes", ErrTooLarge, what, max)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// ctxReader fails reads once its context is done.
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

// decodeBlock undoes the snappy block format, checking the decoded length
// that the block states against max before allocating.
func decodeBlock(data []byte, max int64) ([]byte, error) {
	n, err := snappy.DecodedLen(data)
	if err != nil {
		return nil, fmt.Errorf("snappy: %w", err)
	}
	if int64(n) > max {
		return nil, fmt.Errorf("%w: decompressed (snappy) size %d bytes, limit %d", ErrTooLarge, n, max)
	}
	// No snappy element expands more than 64/3 times (a 3-byte copy of 64
	// bytes): a larger stated length is corrupt, and is refused before the
	// decoder allocates it.
	if int64(n) > 22*int64(len(data))+64 {
		return nil, fmt.Errorf("snappy: corrupt input: states %d decoded bytes for %d bytes", n, len(data))
	}
	out, err := snappy.Decode(nil, data)
	if err != nil {
		return nil, fmt.Errorf("snappy: %w", err)
	}
	return out, nil
}

// decode turns the read bytes into an Object: undoes the snappy block
// format when comp says so, finds the fork and validates.
func decode(data []byte, comp Compression, opts LoadOptions) (*Object, error) {
	if comp == CompressionSnappy {
		b, err := decodeBlock(data, opts.MaxSize)
		if err != nil {
			return nil, fmt.Errorf("beaconstate: %w", err)
		}
		return object(b, opts)
	}
	obj, err := object(data, opts)
	if err == nil || comp != CompressionAuto || errors.Is(err, ErrTooLarge) {
		return obj, err
	}
	// Not valid raw SSZ: it may be the snappy block format, which has no
	// magic bytes. Keep the raw error unless that works.
	if b, berr := decodeBlock(data, opts.MaxSize); berr == nil {
		if obj, berr := object(b, opts); berr == nil {
			return obj, nil
		}
	}
	return nil, err
}

// object finds the fork of b (given or detected) and validates b as
// opts.Type.
func object(b []byte, opts LoadOptions) (*Object, error) {
	forkName := opts.Fork
	if forkName == "" {
		var err error
		if forkName, err = detectFork(b, opts); err != nil {
			return nil, fmt.Errorf("beaconstate: %s: %w", opts.Type, err)
		}
	}
	t, err := schemaOf(forkName, opts.Preset, opts.Type)
	if err != nil {
		return nil, fmt.Errorf("beaconstate: %w", err)
	}
	o := &Object{Fork: forkName, Preset: opts.Preset, TypeName: opts.Type, Type: t, Bytes: b}
	if err := ssz.Validate(t, b); err != nil {
		return nil, o.errorf("%w", err)
	}
	o.validated = true
	return o, nil
}
