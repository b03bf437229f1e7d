package beaconstate

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/golang/snappy"

	"github.com/beaconproof/beaconproof/ssz"
)

// stream hides everything of a reader but Read: Load cannot learn its size
// or seek it, as with standard input.
type stream struct{ r io.Reader }

func (s stream) Read(p []byte) (int, error) { return s.r.Read(p) }

// gzipOf returns the gzip of b.
func gzipOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// framedOf returns b in the snappy framing format.
func framedOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := snappy.NewBufferedWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestDecompressedLimit(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		compressed, max, want int64
	}{
		{0, DefaultMaxSize, 64 * mib},
		{1, DefaultMaxSize, 64*mib + 64},
		{mib, DefaultMaxSize, 128 * mib},
		{15 * mib, DefaultMaxSize, DefaultMaxSize}, // 64 × 15 MiB + 64 MiB = 1024 MiB
		{15*mib + 1, DefaultMaxSize, DefaultMaxSize},
		{DefaultMaxSize, DefaultMaxSize, DefaultMaxSize},
		{1 << 62, DefaultMaxSize, DefaultMaxSize}, // no overflow
		{1000, 4 * mib, 4 * mib},                  // MaxSize below the allowance
		{mib, 1 << 62, 128 * mib},
	} {
		if got := DecompressedLimit(tc.compressed, tc.max); got != tc.want {
			t.Errorf("DecompressedLimit(%d, %d) = %d, want %d", tc.compressed, tc.max, got, tc.want)
		}
	}
}

// TestReadLimited checks the buffer readLimited returns: of the expected
// size when it is given, never grown for input of exactly the limit, and
// ErrTooLarge one byte past it.
func TestReadLimited(t *testing.T) {
	const limit = 4096
	for _, tc := range []struct {
		name    string
		n       int   // input bytes
		size    int64 // size given to readLimited
		oneByte bool  // the reader gives one byte per Read
		wantCap int   // 0: not checked
		tooBig  bool
	}{
		{"exact size given", 3000, 3000, false, 3000, false},
		{"size given, at the limit", limit, limit, false, limit, false},
		{"size given, more than the limit", limit + 1, limit + 1, false, 0, true},
		{"size given too small", 3000, 1000, false, 0, false},
		{"unknown size, at the limit", limit, -1, false, limit, false},
		{"unknown size, at the limit, one byte a read", limit, -1, true, limit, false},
		{"unknown size, power of two", 1024, -1, false, 1024, false},
		{"unknown size, one past the limit", limit + 1, -1, false, 0, true},
		{"unknown size, one past the limit, one byte a read", limit + 1, -1, true, 0, true},
		{"unknown size, far past the limit", 10 * limit, -1, false, 0, true},
		{"unknown size, empty", 0, -1, false, 0, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := make([]byte, tc.n)
			for i := range in {
				in[i] = byte(i)
			}
			var r io.Reader = stream{bytes.NewReader(in)}
			if tc.oneByte {
				r = iotest.OneByteReader(r)
			}
			got, err := readLimited(r, tc.size, limit, "input")
			if tc.tooBig {
				if !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "input of") {
					t.Fatalf("err = %v, want ErrTooLarge", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, in) {
				t.Fatalf("read %d bytes, want the %d of the input", len(got), len(in))
			}
			if tc.wantCap != 0 && cap(got) != tc.wantCap {
				t.Errorf("buffer of cap %d for %d bytes, want %d", cap(got), len(got), tc.wantCap)
			}
		})
	}
}

// TestReadChunks checks the copy of a compressed stream: its bytes, in
// chunks of at most maxChunk that together cost little more than the
// input, and ErrTooLarge one byte past the limit.
func TestReadChunks(t *testing.T) {
	const limit = 300000
	for _, tc := range []struct {
		name   string
		n      int
		size   int64
		tooBig bool
	}{
		{"empty", 0, -1, false},
		{"one byte", 1, -1, false},
		{"one chunk", 512, -1, false},
		{"two chunks", 513, -1, false},
		{"many chunks", 200000, -1, false},
		{"at the limit", limit, -1, false},
		{"one past the limit", limit + 1, -1, true},
		{"size known", 200000, 200000, false},
		{"size known, past the limit", limit + 1, limit + 1, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := make([]byte, tc.n)
			for i := range in {
				in[i] = byte(i * 7)
			}
			chunks, n, err := readChunks(iotest.HalfReader(stream{bytes.NewReader(in)}), tc.size, limit, "input")
			if tc.tooBig {
				if !errors.Is(err, ErrTooLarge) {
					t.Fatalf("err = %v, want ErrTooLarge", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := bytes.Join(chunks, nil); n != int64(tc.n) || !bytes.Equal(got, in) {
				t.Fatalf("%d bytes in %d chunks, want the %d of the input", n, len(chunks), tc.n)
			}
			total := 0
			for _, c := range chunks {
				total += cap(c)
				if tc.size < 0 && len(c) > maxChunk {
					t.Errorf("chunk of %d bytes", len(c))
				}
			}
			if total > tc.n+maxChunk {
				t.Errorf("chunks of %d bytes in all for %d", total, tc.n)
			}
		})
	}
}

// TestCheckSnappyBlock checks the walk over a snappy block's elements:
// every real block passes; each crafted fault is refused with an error
// that wraps snappy.ErrCorrupt and says what is wrong.
func TestCheckSnappyBlock(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 100000)
	for i := range random {
		random[i] = byte(r.Uint32())
	}
	raw, err := os.ReadFile(findCase(t, "mainnet/deneb/state_0").object())
	if err != nil {
		t.Fatal(err)
	}
	for name, b := range map[string][]byte{
		"empty": {}, "zeros": make([]byte, 1<<20), "random": random, "text": bytes.Repeat([]byte("beacon state "), 5000),
		"deneb state": raw,
	} {
		if err := checkSnappyBlock(snappy.Encode(nil, b)); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	uv := func(v uint64) []byte { return binary.AppendUvarint(nil, v) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	for _, tc := range []struct {
		name string
		b    []byte
		want string
	}{
		{"no header", nil, "bad length header"},
		{"header of 6 bytes", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, "bad length header"},
		{"header above 2^32", uv(1 << 32), "bad length header"},
		{"states 5, has 4", cat(uv(5), []byte{3 << 2, 1, 2, 3, 4}), "states 5 decoded bytes, its elements decode to 4"},
		{"states 3, literal of 4", cat(uv(3), []byte{3 << 2, 1, 2, 3, 4}), "literal at byte 1: 4 bytes decode past the stated length 3"},
		{"literal past the end", cat(uv(4), []byte{3 << 2, 1, 2}), "literal at byte 1: 4 bytes, past the end of the block"},
		{"literal length bytes missing", cat(uv(300), []byte{61 << 2, 0x2b}), "literal at byte 2: its length runs past the end"},
		{"literal of 2^32 bytes", cat(uv(4), []byte{63 << 2, 0xff, 0xff, 0xff, 0xff}), "literal at byte 1: 4294967296 bytes, past the end"},
		{"copy before the start", cat(uv(8), []byte{0x01, 0x01, 1, 2, 3, 4}), "copy at byte 1: offset 1, but 0 bytes are decoded before it"},
		{"copy offset 0", cat(uv(9), []byte{0, 7, 0x01, 0x00}), "copy at byte 3: offset 0"},
		{"copy2 reaching back too far", cat(uv(70), []byte{0, 7, 63<<2 | 2, 2, 0}), "copy at byte 3: offset 2, but 1 bytes are decoded"},
		{"copy4 past the stated length", cat(uv(10), []byte{0, 7, 63<<2 | 3, 1, 0, 0, 0}), "copy at byte 3: 64 bytes decode past the stated length 10 (at 1)"},
		{"copy1 cut", cat(uv(10), []byte{0, 7, 0x01}), "copy at byte 3 runs past the end"},
		{"copy2 cut", cat(uv(10), []byte{0, 7, 0x02, 1}), "copy at byte 3 runs past the end"},
		{"copy4 cut", cat(uv(10), []byte{0, 7, 0x03, 1, 0, 0}), "copy at byte 3 runs past the end"},
		{"garbage stating 22×", cat(uv(22*1000), bytes.Repeat([]byte{0xff}, 1000)), "copy at byte 3: offset 4294967295"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkSnappyBlock(tc.b)
			if !errors.Is(err, snappy.ErrCorrupt) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want snappy.ErrCorrupt saying %q", err, tc.want)
			}
			if _, derr := snappy.Decode(nil, tc.b); derr == nil {
				t.Fatalf("snappy.Decode accepts what checkSnappyBlock refuses")
			}
		})
	}
}

// TestCheckSnappyBlockAgrees mutates real blocks at random and checks that
// checkSnappyBlock accepts exactly what snappy.Decode decodes, so that
// decodeBlock refuses no valid block and lets through no corrupt one.
func TestCheckSnappyBlockAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var seeds [][]byte
	for _, n := range []int{10, 100, 3000} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(r.IntN(4)) // compressible: copies of every kind
		}
		seeds = append(seeds, snappy.Encode(nil, b), snappy.Encode(nil, bytes.Repeat(b[:n/10+1], 20)))
	}
	accepted := 0
	for i := range 30000 {
		b := append([]byte(nil), seeds[i%len(seeds)]...)
		for range 1 + r.IntN(3) {
			switch pos := r.IntN(len(b)); r.IntN(3) {
			case 0:
				b[pos] ^= byte(1 << r.IntN(8))
			case 1:
				b[pos] = byte(r.Uint32())
			case 2:
				b = b[:pos+1]
			}
		}
		_, derr := snappy.Decode(nil, b)
		cerr := checkSnappyBlock(b)
		if (derr == nil) != (cerr == nil) {
			t.Fatalf("block %x: snappy.Decode: %v, checkSnappyBlock: %v", b, derr, cerr)
		}
		if cerr == nil {
			accepted++
		}
	}
	t.Logf("%d of 30000 mutated blocks still decode", accepted)
}

// TestLoadCompressionLimits loads compression bombs through a seekable
// reader, a stream and a file: each fails with ErrTooLarge naming the
// limit that stopped it, and a bomb within the allowance reaches the
// SSZ check.
func TestLoadCompressionLimits(t *testing.T) {
	// 70 gzip members of 1 MiB of zeros each (the gzip reader reads every
	// member): 70 KiB that decompress to 70 MiB, more than
	// 64 × 70 KiB + 64 MiB.
	member := gzipOf(t, make([]byte, 1<<20))
	bomb := bytes.Repeat(member, 70)
	limit := DecompressedLimit(int64(len(bomb)), DefaultMaxSize)
	dir := t.TempDir()
	for _, tc := range []struct {
		name string
		b    []byte
		opts LoadOptions
		is   error
		want string
	}{
		{"gzip past the ratio", bomb, LoadOptions{Fork: "deneb"}, ErrTooLarge,
			"decompressed (gzip) of more than " + fmtInt(limit) + " bytes, limit " + fmtInt(limit) + " for " + fmtInt(int64(len(bomb))) +
				" compressed bytes (64 × the compressed size + 64 MiB)"},
		{"gzip past MaxSize", bomb, LoadOptions{Fork: "deneb", MaxSize: 8 << 20}, ErrTooLarge,
			"decompressed (gzip) of more than 8388608 bytes, limit 8388608"},
		{"gzip of framed snappy past MaxSize", gzipOf(t, framedOf(t, make([]byte, 9<<20))), LoadOptions{Fork: "deneb", MaxSize: 8 << 20}, ErrTooLarge,
			"framed snappy in gzip: input larger than the size limit: decompressed (snappy) of more than 8388608 bytes, limit 8388608"},
		{"framed snappy past MaxSize", framedOf(t, make([]byte, 9<<20)), LoadOptions{Fork: "deneb", MaxSize: 8 << 20}, ErrTooLarge,
			"framed snappy: input larger than the size limit: decompressed (snappy) of more than 8388608 bytes"},
		{"gzip within the allowance", bytes.Repeat(member, 8), LoadOptions{Fork: "deneb"}, ssz.ErrInvalid,
			"deneb BeaconState: ssz: "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_"))
			if err := os.WriteFile(path, tc.b, 0o644); err != nil {
				t.Fatal(err)
			}
			for how, load := range map[string]func() error{
				"reader": func() error { _, err := Load(ctx, bytes.NewReader(tc.b), tc.opts); return err },
				"stream": func() error { _, err := Load(ctx, stream{bytes.NewReader(tc.b)}, tc.opts); return err },
				"file":   func() error { _, err := LoadFile(ctx, path, tc.opts); return err },
			} {
				err := load()
				if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
					t.Errorf("%s: err = %v, want %v saying %q", how, err, tc.is, tc.want)
				}
			}
		})
	}
	// Named .ssz_snappy.gz, the block inside is decoded and its stated
	// length meets the ratio limit of the gzip's size.
	path := filepath.Join(dir, "bomb.ssz_snappy.gz")
	b := gzipOf(t, snappy.Encode(nil, make([]byte, 70<<20)))
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadFile(ctx, path, LoadOptions{Fork: "deneb"})
	limit = DecompressedLimit(int64(len(b)), DefaultMaxSize)
	if want := "decompressed (snappy) size 73400320 bytes, limit " + fmtInt(limit) + " for " + fmtInt(int64(len(b))) + " compressed bytes"; !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), want) {
		t.Errorf("snappy block in gzip: err = %v, want ErrTooLarge saying %q", err, want)
	}
}

func fmtInt(n int64) string { return strconv.FormatInt(n, 10) }

// TestLoadOneBuffer checks that every way of reading an object ends in
// one buffer of exactly its size: the raw bytes from a file or an
// in-memory reader, and the decompressed bytes of gzip and framed snappy
// from any reader.
func TestLoadOneBuffer(t *testing.T) {
	raw, err := os.ReadFile(findCase(t, "minimal/deneb/state_0").object())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	opts := LoadOptions{Fork: "deneb", Preset: "minimal"}
	for name, b := range map[string][]byte{
		"raw":            raw,
		"gzip":           gzipOf(t, raw),
		"framed":         framedOf(t, raw),
		"gzip(framed)":   gzipOf(t, framedOf(t, raw)),
		"snappy block":   snappy.Encode(nil, raw),
		"gzip(block).gz": gzipOf(t, snappy.Encode(nil, raw)),
	} {
		path := filepath.Join(dir, "state.ssz")
		if strings.HasSuffix(name, ".gz") {
			path = filepath.Join(dir, "state.ssz_snappy.gz")
		}
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		loads := map[string]func() (*Object, error){
			"reader": func() (*Object, error) { return Load(ctx, bytes.NewReader(b), opts) },
			"file":   func() (*Object, error) { return LoadFile(ctx, path, opts) },
		}
		if name != "raw" {
			loads["stream"] = func() (*Object, error) { return Load(ctx, stream{bytes.NewReader(b)}, opts) }
		}
		for how, load := range loads {
			obj, err := load()
			if err != nil {
				t.Errorf("%s %s: %v", name, how, err)
				continue
			}
			if !bytes.Equal(obj.Bytes, raw) {
				t.Errorf("%s %s: bytes differ", name, how)
			}
			if cap(obj.Bytes) != len(raw) {
				t.Errorf("%s %s: buffer of cap %d for %d bytes", name, how, cap(obj.Bytes), len(raw))
			}
		}
	}
}

// TestDecompressChangedInput: when the second pass over the compressed
// input does not give what the first counted (a file written meanwhile),
// decompress fails rather than return a short or cut buffer.
func TestDecompressChangedInput(t *testing.T) {
	short, long := gzipOf(t, make([]byte, 1000)), gzipOf(t, make([]byte, 1001))
	lim := sizeLimit{"decompressed (gzip)", 1 << 20, "limit 1048576"}
	for _, tc := range []struct {
		name         string
		first, again []byte
		is           error
		want         string
	}{
		{"shorter", long, short, io.ErrUnexpectedEOF, "fewer than the 1001 bytes counted before"},
		{"longer", short, long, ErrTooLarge, "more than the 1000 bytes counted before"},
		{"corrupt", short, append(short[:len(short)-8:len(short)-8], 1, 2, 3, 4, 5, 6, 7, 8), gzip.ErrChecksum, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			passes := 0
			open := func() (io.Reader, error) {
				passes++
				if passes == 1 {
					return bytes.NewReader(tc.first), nil
				}
				return bytes.NewReader(tc.again), nil
			}
			_, err := decompress(open, newGzipLayer(), lim)
			if !errors.Is(err, tc.is) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want %v saying %q", err, tc.is, tc.want)
			}
		})
	}
}
