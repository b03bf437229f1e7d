package beaconstate_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/golang/snappy"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/ssz"
)

// loadCombo is one top-level type of one fork in one preset.
type loadCombo struct{ fork, preset, typ string }

// loadCombos lists every top-level type of every built-in fork in both
// presets: the state, the block, the signed block and, from gloas on, the
// execution payload envelope (signed and not). The order is fixed, so that
// a corpus entry keeps naming the same combination.
var loadCombos = func() []loadCombo {
	var out []loadCombo
	for _, f := range []string{"phase0", "altair", "bellatrix", "capella", "deneb", "electra", "fulu", "gloas"} {
		for _, p := range []string{fork.PresetMainnet, fork.PresetMinimal} {
			for _, typ := range []string{"BeaconState", "BeaconBlock", "SignedBeaconBlock", "ExecutionPayloadEnvelope", "SignedExecutionPayloadEnvelope"} {
				fk, err := fork.Lookup(f)
				if err != nil {
					panic(err)
				}
				s, err := fk.Schemas(p)
				if err != nil {
					panic(err)
				}
				if s.Get(typ) != nil {
					out = append(out, loadCombo{f, p, typ})
				}
			}
		}
	}
	return out
}()

// loadCompressions are the compressions FuzzLoad asks for, by its second
// argument.
var loadCompressions = []beaconstate.Compression{
	beaconstate.CompressionAuto, beaconstate.CompressionNone, beaconstate.CompressionSnappy,
	beaconstate.CompressionSnappyFramed, beaconstate.CompressionGzip,
}

// fuzzMaxSize bounds what one fuzz input may decompress to.
const fuzzMaxSize = 8 << 20

func comboIndex(f, preset, typ string) uint8 {
	for i, c := range loadCombos {
		if c == (loadCombo{f, preset, typ}) {
			return uint8(i)
		}
	}
	panic("no combination " + f + "/" + preset + "/" + typ)
}

func compIndex(c beaconstate.Compression) uint8 {
	for i, x := range loadCompressions {
		if x == c {
			return uint8(i)
		}
	}
	panic("unknown compression")
}

func framed(b []byte) []byte {
	var w bytes.Buffer
	sw := snappy.NewBufferedWriter(&w)
	_, _ = sw.Write(b)
	_ = sw.Close()
	return w.Bytes()
}

func gzipped(b []byte) []byte {
	var w bytes.Buffer
	zw := gzip.NewWriter(&w)
	_, _ = zw.Write(b)
	_ = zw.Close()
	return w.Bytes()
}

// loadSeeds adds the seed corpus of FuzzLoad: the oracle blocks and
// envelopes as they are; small synthetic states of every fork (the
// oracle's are 0.3 to 3 MB, too slow to mutate), raw and compressed; the
// mainnet states compressed, as they shrink to a few KB; and crafted
// broken inputs.
func loadSeeds(f *testing.F) {
	dirs, _ := filepath.Glob(filepath.Join(vectors.Path(f, "oracle"), "*", "*", "*"))
	for _, d := range dirs {
		name := filepath.Base(d)
		forkName := filepath.Base(filepath.Dir(d))
		preset := filepath.Base(filepath.Dir(filepath.Dir(d)))
		var typ string
		switch {
		case strings.HasPrefix(name, "block"):
			typ = "BeaconBlock"
		case strings.HasPrefix(name, "envelope"):
			typ = "ExecutionPayloadEnvelope"
		default:
			continue // states: synthetic ones below
		}
		b, err := os.ReadFile(filepath.Join(d, "object.ssz"))
		if err != nil {
			f.Fatal(err)
		}
		sel := comboIndex(forkName, preset, typ)
		f.Add(sel, compIndex(beaconstate.CompressionAuto), b)
		if name == "block_0" || name == "envelope_0" {
			f.Add(sel, compIndex(beaconstate.CompressionSnappy), snappy.Encode(nil, b))
			// The same bytes as a SignedBeaconBlock: an offset and a
			// zero signature in front.
			if typ == "BeaconBlock" {
				signed := binary.LittleEndian.AppendUint32(nil, 100)
				signed = append(signed, make([]byte, 96)...)
				f.Add(comboIndex(forkName, preset, "SignedBeaconBlock"), compIndex(beaconstate.CompressionAuto), append(signed, b...))
			}
		}
	}
	for i, c := range loadCombos {
		fk, _ := fork.Lookup(c.fork)
		s, _ := fk.Schemas(c.preset)
		typ := s.Get(c.typ)
		var b []byte
		var err error
		if c.typ == "BeaconState" {
			b, err = synth.State(typ, synth.Options{Validators: 3, Slot: 70, RecentRoots: 2, HistoricalSummaries: 1, PendingDeposits: 1})
		} else {
			b, err = synth.Build(typ, nil)
		}
		if err != nil {
			f.Fatalf("%v: %v", c, err)
		}
		sel := uint8(i)
		if c.preset == fork.PresetMinimal || c.typ != "BeaconState" {
			f.Add(sel, compIndex(beaconstate.CompressionAuto), b)
			f.Add(sel, compIndex(beaconstate.CompressionNone), b[:len(b)-1])
		}
		f.Add(sel, compIndex(beaconstate.CompressionGzip), gzipped(b))
		f.Add(sel, compIndex(beaconstate.CompressionSnappyFramed), framed(b))
		f.Add(sel, compIndex(beaconstate.CompressionAuto), snappy.Encode(nil, b))
	}
	sel := comboIndex("deneb", fork.PresetMinimal, "BeaconState")
	for _, b := range [][]byte{
		{}, {0}, {0xff, 0xff, 0xff, 0xff},
		binary.AppendUvarint(nil, 1<<40),                 // snappy block stating 2^40 bytes
		[]byte("\xff\x06\x00\x00sNaPpY\x00\xff\xff\xff"), // framed, 16 MiB chunk
		{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff},          // gzip header only
	} {
		for c := range loadCompressions {
			f.Add(sel, uint8(c), b)
		}
	}
}

// FuzzLoad loads arbitrary bytes as each top-level type of each fork, with
// an explicit fork, preset and type and each compression. Load must not
// panic; it must fail with an error of a known class that names the fork
// and the type, or return an object whose root computes and whose members
// prove. Small objects also round-trip through the value codec and JSON.
func FuzzLoad(f *testing.F) {
	loadSeeds(f)
	ctx := context.Background()
	f.Fuzz(func(t *testing.T, sel, comp uint8, data []byte) {
		defer watchdog(fuzzHang)()
		c := loadCombos[int(sel)%len(loadCombos)]
		opts := beaconstate.LoadOptions{Fork: c.fork, Preset: c.preset, Type: c.typ,
			MaxSize: fuzzMaxSize, Compression: loadCompressions[int(comp)%len(loadCompressions)]}
		obj, err := beaconstate.Load(ctx, bytes.NewReader(data), opts)
		if err != nil {
			checkLoadError(t, c, err)
			return
		}
		if obj.Fork != c.fork || obj.Preset != c.preset || obj.TypeName != c.typ {
			t.Fatalf("asked for %v, got %s", c, obj)
		}
		if err := ssz.Validate(obj.Type, obj.Bytes); err != nil {
			t.Fatalf("Load accepted bytes that do not validate: %v", err)
		}
		root, err := obj.Root()
		if err != nil {
			t.Fatalf("accepted, but the root does not compute: %v", err)
		}
		p, err := beaconstate.NewProver(obj)
		if err != nil {
			t.Fatalf("accepted, but NewProver: %v", err)
		}
		if p.Root() != root {
			t.Fatalf("Prover root %x, Object root %x", p.Root(), root)
		}
		for _, fld := range []ssz.Field{obj.Type.Fields[0], obj.Type.Fields[len(obj.Type.Fields)-1]} {
			pr, err := p.Prove(fld.Name)
			if err != nil {
				t.Fatalf("Prove(%s): %v", fld.Name, err)
			}
			if err := pr.Verify(root); err != nil {
				t.Fatalf("Prove(%s) does not verify: %v", fld.Name, err)
			}
		}
		if len(obj.Bytes) > 64<<10 {
			return
		}
		v, err := ssz.Decode(obj.Type, obj.Bytes)
		if err != nil {
			t.Fatalf("Decode: %v", err)
		}
		if enc, err := ssz.Encode(obj.Type, v); err != nil || !bytes.Equal(enc, obj.Bytes) {
			t.Fatalf("Encode(Decode(b)) differs: %v", err)
		}
		j, err := ssz.ToJSON(obj.Type, obj.Bytes)
		if err != nil {
			t.Fatalf("ToJSON: %v", err)
		}
		if back, err := ssz.FromJSON(obj.Type, j); err != nil || !bytes.Equal(back, obj.Bytes) {
			t.Fatalf("FromJSON(ToJSON(b)) differs: %v", err)
		}
	})
}

// fuzzHang is how long one fuzz input may take before the watchdog
// treats it as a hang.
const fuzzHang = 20 * time.Second

// watchdog crashes the process, with every goroutine's stack, if the
// returned stop function is not called within d. The fuzzing engine does
// not notice a hung input by itself (the run just stops making progress);
// a crash makes it save the input under testdata/fuzz.
func watchdog(d time.Duration) (stop func()) {
	timer := time.AfterFunc(d, func() {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		panic(fmt.Sprintf("fuzz input still running after %v: a hang\n%s", d, buf))
	})
	return func() { timer.Stop() }
}

// checkLoadError checks that a Load error is one line of a known class and,
// for malformed SSZ, names the fork and the type.
func checkLoadError(t *testing.T, c loadCombo, err error) {
	t.Helper()
	msg := err.Error()
	if strings.ContainsAny(msg, "\n\r") {
		t.Fatalf("error of more than one line: %q", msg)
	}
	var corrupt flate.CorruptInputError
	switch {
	case errors.Is(err, ssz.ErrInvalid):
		if !strings.Contains(msg, c.fork+" "+c.typ) {
			t.Fatalf("SSZ error does not name %s %s: %v", c.fork, c.typ, err)
		}
		var se *ssz.Error
		if !errors.As(err, &se) {
			t.Fatalf("SSZ error without an *ssz.Error (type, path, offset): %v", err)
		}
	case errors.Is(err, beaconstate.ErrTooLarge), errors.Is(err, beaconstate.ErrEmpty),
		errors.Is(err, snappy.ErrCorrupt), errors.Is(err, snappy.ErrUnsupported), errors.Is(err, snappy.ErrTooLarge),
		errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.As(err, &corrupt),
		errors.Is(err, io.ErrUnexpectedEOF):
	default:
		t.Fatalf("error of no known class: %v", err)
	}
}

// TestLoadSeedsAccepted checks that FuzzLoad's synthetic seeds are valid
// objects of their fork and type, raw and in every compression, so that
// the fuzzer starts from inputs that reach the hashing and proving code
// of every combination.
func TestLoadSeedsAccepted(t *testing.T) {
	for _, c := range loadCombos {
		fk, _ := fork.Lookup(c.fork)
		s, _ := fk.Schemas(c.preset)
		typ := s.Get(c.typ)
		var b []byte
		var err error
		if c.typ == "BeaconState" {
			b, err = synth.State(typ, synth.Options{Validators: 3, Slot: 70, RecentRoots: 2, HistoricalSummaries: 1, PendingDeposits: 1})
		} else {
			b, err = synth.Build(typ, nil)
		}
		if err != nil {
			t.Fatalf("%v: %v", c, err)
		}
		for _, in := range []struct {
			comp beaconstate.Compression
			b    []byte
		}{
			{beaconstate.CompressionAuto, b}, {beaconstate.CompressionGzip, gzipped(b)},
			{beaconstate.CompressionSnappyFramed, framed(b)}, {beaconstate.CompressionAuto, snappy.Encode(nil, b)},
		} {
			obj, err := beaconstate.Load(context.Background(), bytes.NewReader(in.b),
				beaconstate.LoadOptions{Fork: c.fork, Preset: c.preset, Type: c.typ, MaxSize: fuzzMaxSize, Compression: in.comp})
			if err != nil {
				t.Errorf("%v (%v): %v", c, in.comp, err)
				continue
			}
			if _, err := obj.Root(); err != nil {
				t.Errorf("%v: root: %v", c, err)
			}
		}
	}
}
