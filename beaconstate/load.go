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
	// means DefaultMaxSize. Larger input fails with ErrTooLarge. Compressed
	// input also fails with ErrTooLarge when it decompresses to more than
	// 64 times its own size plus 64 MiB, far more than any beacon-chain
	// object compresses.
	MaxSize int64
	// Compression is the input's compression; the zero value detects it.
	Compression Compression
	// Mmap lets LoadFile map an uncompressed file into memory instead of
	// reading it, and Load read uncompressed input of unknown size (a
	// pipe, standard input) into reserved memory in one pass, where the
	// platform allows (unix). The Object must then be closed with Close,
	// after which its Bytes must not be used, and a mapped file must not
	// be truncated while it is mapped.
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
		inner, _ = compressionFromName(strings.TrimSuffix(lower, ext))
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
// end into a single buffer (of the input's size when r is a file or an
// in-memory reader), and fails with ErrTooLarge as soon as the input or
// its decompressed form passes opts.MaxSize. Gzip and framed snappy are
// decompressed twice: once to count the bytes, once into a buffer of
// exactly that size, so that a compression bomb fails before anything of
// its size is allocated. Errors name the fork and the type, as in
// "beaconstate: deneb BeaconState: ssz: bad offset: ... at validators[3] ...".
func Load(ctx context.Context, r io.Reader, opts LoadOptions) (*Object, error) {
	opts = opts.withDefaults()
	in, err := readInput(ctx, r, opts.Compression, CompressionAuto, opts)
	if err != nil {
		return nil, fmt.Errorf("beaconstate: %w", err)
	}
	return in.decode(opts)
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
	in, err := readInput(ctx, f, outer, inner, opts)
	if err != nil {
		return nil, fmt.Errorf("beaconstate: %s: %w", path, err)
	}
	return in.decode(opts)
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
	obj, err = decode(b, CompressionAuto, int64(len(b)), opts)
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

// ErrEmpty reports input of zero bytes: Load found no object to read.
var ErrEmpty = errors.New("empty input")

// The limit on what compressed input may decompress to, beside MaxSize:
// maxCompressionRatio × the compressed size + compressionAllowance. A
// compression bomb (gzip turns 1 MiB of zeros into about 1 KiB) is refused
// long before MaxSize, while real objects stay far inside the limit. A
// large beacon state is mostly its validators, 139 bytes each (with the
// balance, inactivity score and participation flags) of which 48 are a
// BLS public key that no compressor shrinks: a state of more than 64 MiB
// (over 450,000 validators) cannot compress better than about 3:1. The
// mainnet genesis state (21,063 validators, 5.4 MB) gzips 3.3:1. Only
// small states compress better (the oracle's 2.7 MB deneb state with 400
// validators 10:1, a nearly empty one up to about 1000:1), and the
// allowance takes any object of up to 64 MiB whatever its ratio.
const (
	maxCompressionRatio  = 64
	compressionAllowance = 64 << 20
)

// DecompressedLimit returns the largest size that compressed bytes of
// input may decompress to before Load fails with ErrTooLarge: max, or less
// when the input is small (64 times its size plus 64 MiB). Readers of
// other compressed containers (era files) bound their records the same
// way.
func DecompressedLimit(compressed, max int64) int64 {
	if compressed > (max-compressionAllowance)/maxCompressionRatio {
		return max
	}
	return min(max, maxCompressionRatio*compressed+compressionAllowance)
}

// limitMessage names the limit that DecompressedLimit(compressed, max)
// gives, for ErrTooLarge messages.
func limitMessage(limit, compressed, max int64) string {
	if limit < max {
		return fmt.Sprintf("limit %d for %d compressed bytes (%d × the compressed size + %d MiB)",
			limit, compressed, maxCompressionRatio, compressionAllowance>>20)
	}
	return fmt.Sprintf("limit %d", max)
}

// sizeHint returns the number of bytes left in r when r is a regular file
// or an in-memory reader (*bytes.Reader, *strings.Reader, *bytes.Buffer),
// or -1. rewind is set when r can go back to its current position (a
// regular file, a *bytes.Reader or *strings.Reader): it seeks there.
func sizeHint(r io.Reader) (size int64, rewind func() error) {
	switch r := r.(type) {
	case *bytes.Buffer:
		return int64(r.Len()), nil
	case *bytes.Reader, *strings.Reader:
		rs := r.(io.ReadSeeker)
		pos, err := rs.Seek(0, io.SeekCurrent)
		if err != nil {
			return -1, nil
		}
		return int64(r.(interface{ Len() int }).Len()), func() error {
			_, err := rs.Seek(pos, io.SeekStart)
			return err
		}
	case *os.File:
		st, err := r.Stat()
		if err != nil || !st.Mode().IsRegular() {
			return -1, nil
		}
		pos, err := r.Seek(0, io.SeekCurrent)
		if err != nil || pos > st.Size() {
			return -1, nil
		}
		return st.Size() - pos, func() error {
			_, err := r.Seek(pos, io.SeekStart)
			return err
		}
	}
	return -1, nil
}

// readInput reads r to its end, undoing a gzip or framed-snappy layer. It
// returns the bytes, the compression still to undo (the snappy block
// format, which needs the whole input; CompressionAuto, unknown: raw SSZ,
// or snappy block as a fallback; or CompressionNone) and the size of the
// input as read, which bounds what undoing it may give (DecompressedLimit).
//
// Raw input is read once into one buffer, of the input's size when that is
// known; of unknown size and with opts.Mmap, into reserved memory
// (readReserved), else into a buffer grown as it fills. Compressed input is decompressed twice (see decompress), from r
// again when r can seek back, otherwise from a copy of the compressed
// bytes (readChunks): the decompressed bytes are never held beyond one buffer of their
// exact size, which is allocated only once they are known to be within
// the limit.
func readInput(ctx context.Context, r io.Reader, outer, inner Compression, opts LoadOptions) (input, error) {
	data, comp, size, release, err := readLayers(ctx, r, outer, inner, opts)
	return input{data, comp, size, release}, err
}

// input is what readInput read: the bytes, their remaining compression,
// the input's size, and, when the bytes are in reserved memory, the
// function that releases it.
type input struct {
	data    []byte
	comp    Compression
	size    int64
	release func() error
}

// decode turns the input into an Object. The Object owns the reserved
// memory its bytes are in; any other reserved memory is released.
func (in input) decode(opts LoadOptions) (*Object, error) {
	obj, err := decode(in.data, in.comp, in.size, opts)
	if in.release == nil {
		return obj, err
	}
	if err == nil && len(obj.Bytes) > 0 && &obj.Bytes[0] == &in.data[0] {
		obj.unmap = in.release
		return obj, nil
	}
	_ = in.release()
	return obj, err
}

// readLayers does readInput's work.
func readLayers(ctx context.Context, r io.Reader, outer, inner Compression, opts LoadOptions) ([]byte, Compression, int64, func() error, error) {
	max := opts.MaxSize
	size, rewind := sizeHint(r)
	cr := ctxReader{ctx, r}
	var head [10]byte
	n, err := io.ReadFull(cr, head[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return nil, 0, 0, nil, err
	}
	if n == 0 {
		return nil, 0, 0, nil, ErrEmpty
	}
	if got := sniff(head[:n]); got != CompressionAuto && outer != CompressionNone {
		if outer != got {
			inner = CompressionAuto // the extension lied about the outer layer
		}
		outer = got
	}
	rest := io.MultiReader(bytes.NewReader(head[:n]), cr)
	if outer != CompressionGzip && outer != CompressionSnappyFramed {
		if size < 0 && opts.Mmap {
			if data, release, err := readReserved(rest, max); err != errNoReserve {
				return data, outer, int64(len(data)), release, err
			}
		}
		data, err := readLimited(rest, size, max, "input")
		if err != nil {
			return nil, 0, 0, nil, err
		}
		return data, outer, int64(len(data)), nil, nil
	}

	// The compressed input, from its start, for each pass.
	var open func() (io.Reader, error)
	if size >= 0 && rewind != nil {
		if size > max {
			return nil, 0, 0, nil, fmt.Errorf("%w: input of %d bytes, limit %d", ErrTooLarge, size, max)
		}
		open = func() (io.Reader, error) { return cr, rewind() }
	} else {
		chunks, n, err := readChunks(rest, size, max, "input")
		if err != nil {
			return nil, 0, 0, nil, err
		}
		size = n
		open = func() (io.Reader, error) {
			rs := make([]io.Reader, len(chunks))
			for i, c := range chunks {
				rs[i] = bytes.NewReader(c)
			}
			return ctxReader{ctx, io.MultiReader(rs...)}, nil
		}
	}
	limit := DecompressedLimit(size, max)
	lim := func(what string) sizeLimit { return sizeLimit{what, limit, limitMessage(limit, size, max)} }
	if outer == CompressionSnappyFramed {
		data, err := decompress(open, newSnappyLayer(), lim("decompressed (snappy)"))
		if err != nil {
			return nil, 0, 0, nil, fmt.Errorf("framed snappy: %w", err)
		}
		return data, CompressionNone, size, nil, nil
	}
	data, err := decompress(open, newGzipLayer(), lim("decompressed (gzip)"))
	if err != nil {
		return nil, 0, 0, nil, fmt.Errorf("gzip: %w", err)
	}
	// A gzip may hold framed snappy, or (by its name) block snappy.
	if sniff(data) == CompressionSnappyFramed {
		open := func() (io.Reader, error) { return ctxReader{ctx, bytes.NewReader(data)}, nil }
		if data, err = decompress(open, newSnappyLayer(), lim("decompressed (snappy)")); err != nil {
			return nil, 0, 0, nil, fmt.Errorf("framed snappy in gzip: %w", err)
		}
		return data, CompressionNone, size, nil, nil
	}
	return data, inner, size, nil, nil
}

// sizeLimit bounds a decompressed size, for decompress.
type sizeLimit struct {
	what  string // "decompressed (gzip)"
	limit int64
	msg   string // "limit N", naming where the limit comes from
}

func (l sizeLimit) exceeded() error {
	return fmt.Errorf("%w: %s of more than %d bytes, %s", ErrTooLarge, l.what, l.limit, l.msg)
}

// layer is a decompressor that can be reused on a new input.
type layer interface {
	// reader returns a reader of r's decompressed bytes, reusing the
	// decompressor's buffers from one call to the next.
	reader(r io.Reader) (io.Reader, error)
}

type gzipLayer struct{ zr *gzip.Reader }

func newGzipLayer() *gzipLayer { return &gzipLayer{} }

func (g *gzipLayer) reader(r io.Reader) (io.Reader, error) {
	if g.zr == nil {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, err
		}
		g.zr = zr
		return zr, nil
	}
	if err := g.zr.Reset(r); err != nil {
		return nil, err
	}
	return g.zr, nil
}

type snappyLayer struct{ sr *snappy.Reader }

func newSnappyLayer() *snappyLayer { return &snappyLayer{} }

func (s *snappyLayer) reader(r io.Reader) (io.Reader, error) {
	if s.sr == nil {
		s.sr = snappy.NewReader(r)
	} else {
		s.sr.Reset(r)
	}
	return s.sr, nil
}

// decompress undoes one layer of compression in two passes over the
// compressed input, which open returns from its start. The first pass
// counts the decompressed bytes without keeping them and fails with
// ErrTooLarge as soon as they pass the limit; it also checks the stream (headers, checksums). The second
// decodes into one buffer of exactly the counted size. So a bomb costs no
// more memory than its compressed bytes, and a real object exactly its
// size, at the price of decompressing twice.
func decompress(open func() (io.Reader, error), l layer, lim sizeLimit) ([]byte, error) {
	src, err := open()
	if err != nil {
		return nil, err
	}
	zr, err := l.reader(src)
	if err != nil {
		return nil, err
	}
	// io.Discard reads through a pooled buffer: the pass allocates nothing.
	n, err := io.Copy(io.Discard, io.LimitReader(zr, lim.limit+1))
	if err != nil {
		return nil, err
	}
	if n > lim.limit {
		return nil, lim.exceeded()
	}

	if src, err = open(); err != nil {
		return nil, err
	}
	if zr, err = l.reader(src); err != nil {
		return nil, err
	}
	out := make([]byte, n)
	if _, err := io.ReadFull(zr, out); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, fmt.Errorf("%w: the input changed while read: %s of fewer than the %d bytes counted before", io.ErrUnexpectedEOF, lim.what, n)
		}
		return nil, err
	}
	if err := expectEOF(zr); err != nil {
		if err == errNotEOF {
			return nil, fmt.Errorf("%w: the input changed while read: %s of more than the %d bytes counted before", ErrTooLarge, lim.what, n)
		}
		return nil, err
	}
	return out, nil
}

// errNotEOF is expectEOF's report of a byte where the end was expected.
var errNotEOF = errors.New("more bytes")

// expectEOF reads from r into a one-byte probe until r ends (nil), gives
// a byte (errNotEOF) or fails.
func expectEOF(r io.Reader) error {
	var probe [1]byte
	for {
		n, err := r.Read(probe[:])
		if n > 0 {
			return errNotEOF
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// errNoReserve reports that the platform cannot reserve memory for
// readReserved: the caller reads another way.
var errNoReserve = errors.New("cannot reserve memory")

// readReserved reads r to its end into address space reserved for limit
// bytes, of which only the pages written cost memory: input of unknown
// size (a pipe, a response without a length) is read once, with no
// buffer grown and copied. The returned function releases the memory.
func readReserved(r io.Reader, limit int64) ([]byte, func() error, error) {
	region, release, err := reserveAnon(limit + 1)
	if err != nil {
		return nil, nil, errNoReserve
	}
	n := 0
	for {
		m, err := r.Read(region[n:])
		n += m
		if int64(n) > limit {
			_ = release()
			return nil, nil, fmt.Errorf("%w: input of more than %d bytes", ErrTooLarge, limit)
		}
		if err == io.EOF {
			return region[:n:n], release, nil
		}
		if err != nil {
			_ = release()
			return nil, nil, err
		}
	}
}

// readLimited reads r to its end into one buffer, failing with ErrTooLarge
// past limit bytes. size is the expected size, or -1: the buffer is
// allocated at that size, and otherwise starts small and doubles (not past
// limit). Whenever the buffer is full, a one-byte probe looks for the end
// before the buffer grows, so that input of exactly the expected size, or
// of exactly limit bytes, is read without a larger buffer.
func readLimited(r io.Reader, size, limit int64, what string) ([]byte, error) {
	if size > limit {
		return nil, fmt.Errorf("%w: %s of %d bytes, limit %d", ErrTooLarge, what, size, limit)
	}
	c := min(int64(512), limit)
	if size >= 0 {
		c = size
	}
	buf := make([]byte, 0, c)
	var probe [1]byte
	for {
		if len(buf) == cap(buf) {
			n, err := r.Read(probe[:])
			if n > 0 {
				if int64(len(buf)) >= limit {
					return nil, fmt.Errorf("%w: %s of more than %d bytes", ErrTooLarge, what, limit)
				}
				// Double the buffer (not past the limit) to copy little.
				grown := make([]byte, len(buf), min(int64(max(2*len(buf), 512)), limit))
				copy(grown, buf)
				buf = append(grown, probe[0])
			}
			if err == io.EOF {
				return buf, nil
			}
			if err != nil {
				return nil, err
			}
			continue
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if int64(len(buf)) > limit {
			return nil, fmt.Errorf("%w: %s of more than %d bytes", ErrTooLarge, what, limit)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

// maxChunk is the largest chunk of readChunks.
const maxChunk = 64 << 10

// readChunks reads r to its end, failing with ErrTooLarge past limit
// bytes, and returns its bytes in chunks: one of size bytes when size (the
// expected size, or -1) is known, otherwise chunks that start at 512 bytes
// and double up to maxChunk. Unlike one growing buffer, the chunks are
// never copied: the compressed input of a stream costs its size, plus at
// most one chunk.
func readChunks(r io.Reader, size, limit int64, what string) (chunks [][]byte, n int64, err error) {
	if size >= 0 { // readLimited refuses a size past limit
		b, err := readLimited(r, size, limit, what)
		return [][]byte{b}, int64(len(b)), err
	}
	next := int64(512)
	for {
		c := make([]byte, min(next, limit-n+1))
		m, err := io.ReadFull(r, c)
		n += int64(m)
		if n > limit {
			return nil, 0, fmt.Errorf("%w: %s of more than %d bytes", ErrTooLarge, what, limit)
		}
		if m > 0 {
			chunks = append(chunks, c[:m])
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return chunks, n, nil
		}
		if err != nil {
			return nil, 0, err
		}
		next = min(2*next, maxChunk)
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

// decodeBlock undoes the snappy block format. It checks the decoded length
// that the block states against max and DecompressedLimit(input, max),
// input being the size of Load's input, and then that its elements decode
// to that length (checkSnappyBlock), before it allocates the output: a
// corrupt block costs nothing beyond its own bytes.
func decodeBlock(data []byte, input, max int64) ([]byte, error) {
	n, err := snappy.DecodedLen(data)
	if err != nil {
		return nil, err // snappy.ErrCorrupt or snappy.ErrTooLarge, saying "snappy: "
	}
	// No snappy element expands more than 64/3 times (a 3-byte copy of 64
	// bytes): a larger stated length is corrupt, whatever the elements.
	if int64(n) > 22*int64(len(data))+64 {
		return nil, fmt.Errorf("%w: states %d decoded bytes for %d bytes, more than any snappy block expands to", snappy.ErrCorrupt, n, len(data))
	}
	if limit := DecompressedLimit(input, max); int64(n) > limit {
		return nil, fmt.Errorf("%w: decompressed (snappy) size %d bytes, %s", ErrTooLarge, n, limitMessage(limit, input, max))
	}
	if err := checkSnappyBlock(data); err != nil {
		return nil, err
	}
	out, err := snappy.Decode(nil, data)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// decode turns the read bytes into an Object: undoes the snappy block
// format when comp says so, finds the fork and validates. input is the
// size of Load's input, which bounds the snappy block's decoded size
// (DecompressedLimit).
func decode(data []byte, comp Compression, input int64, opts LoadOptions) (*Object, error) {
	if comp == CompressionSnappy {
		b, err := decodeBlock(data, input, opts.MaxSize)
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
	if b, berr := decodeBlock(data, input, opts.MaxSize); berr == nil {
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
	s, err := fork.SchemasOf(forkName, opts.Preset)
	if err != nil {
		return nil, fmt.Errorf("beaconstate: %w", err)
	}
	t, err := s.ByName(opts.Type)
	if err != nil {
		return nil, fmt.Errorf("beaconstate: %w", err)
	}
	o := &Object{Fork: forkName, Preset: opts.Preset, TypeName: opts.Type, Type: t, Schemas: s, Bytes: b}
	if err := ssz.Validate(t, b); err != nil {
		return nil, o.errorf("%w", err)
	}
	o.validated = true
	return o, nil
}
