package beaconstate

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/golang/snappy"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

var ctx = context.Background()

// TestLoadOracle loads every oracle object with an explicit fork and
// checks its type, size and root against vector.json, and that the Prover
// gives every vector path the oracle's generalized index, leaf and branch.
func TestLoadOracle(t *testing.T) {
	for _, c := range oracleCases(t) {
		t.Run(c.String(), func(t *testing.T) {
			obj, err := LoadFile(ctx, c.object(), LoadOptions{Fork: c.Fork, Preset: c.Preset, Type: c.Vector.Type})
			if err != nil {
				t.Fatal(err)
			}
			if obj.Fork != c.Fork || obj.Preset != c.Preset || obj.TypeName != c.Vector.Type || obj.Type == nil {
				t.Fatalf("object is %s", obj)
			}
			if len(obj.Bytes) != c.Vector.Size {
				t.Fatalf("%d bytes, vector says %d", len(obj.Bytes), c.Vector.Size)
			}
			p, err := NewProver(obj)
			if err != nil {
				t.Fatal(err)
			}
			root, err := obj.Root()
			if err != nil {
				t.Fatal(err)
			}
			if root != p.Root() {
				t.Fatalf("Object.Root %x, Prover.Root %x", root, p.Root())
			}
			if proof.FormatHash(root) != c.Vector.Root {
				t.Fatalf("root %s, oracle %s", proof.FormatHash(root), c.Vector.Root)
			}
			for _, vp := range c.Vector.Proofs {
				pr, err := p.Prove(vp.Path)
				if err != nil {
					t.Errorf("%s: %v", vp.Path, err)
					continue
				}
				if diff := diffProof(formatProof(pr), vp.oracleProof); diff != "" {
					t.Errorf("%s: %s", vp.Path, diff)
				}
			}
		})
	}
}

// specRoot reads the root of a consensus spec test case's roots.yaml.
func specRoot(t *testing.T, dir string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "roots.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`root: '(0x[0-9a-f]{64})'`).FindSubmatch(b)
	if m == nil {
		t.Fatalf("no root in %s/roots.yaml", dir)
	}
	return string(m[1])
}

// TestLoadSpecTests loads the consensus spec tests' .ssz_snappy files (the
// snappy block format) by name and, without the name, from a reader, and
// checks the roots against roots.yaml.
func TestLoadSpecTests(t *testing.T) {
	base := vectors.Path(t, "consensus-spec-tests", "tests", "mainnet", "deneb", "ssz_static")
	for _, typ := range []string{"BeaconState", "BeaconBlock", "SignedBeaconBlock", "BeaconBlockBody", "ExecutionPayload", "Validator", "Withdrawal"} {
		dirs, _ := filepath.Glob(filepath.Join(base, typ, "ssz_random", "case_*"))
		if len(dirs) == 0 {
			t.Fatalf("no spec test cases for %s", typ)
		}
		for _, d := range dirs[:min(2, len(dirs))] {
			t.Run(typ+"/"+filepath.Base(d), func(t *testing.T) {
				want := specRoot(t, d)
				file := filepath.Join(d, "serialized.ssz_snappy")
				obj, err := LoadFile(ctx, file, LoadOptions{Fork: fork.Deneb, Type: typ})
				if err != nil {
					t.Fatal(err)
				}
				if r, _ := obj.Root(); proof.FormatHash(r) != want {
					t.Fatalf("root %x, want %s", r, want)
				}
				// From a reader, the block format has no magic bytes: Load
				// finds it after the bytes fail as raw SSZ.
				f, err := os.Open(file)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				obj2, err := Load(ctx, f, LoadOptions{Fork: fork.Deneb, Type: typ})
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(obj.Bytes, obj2.Bytes) {
					t.Fatal("Load and LoadFile disagree")
				}
				if typ == "SignedBeaconBlock" {
					slot, err := obj.Slot()
					want, _ := obj.Uint64("message.slot")
					if err != nil || slot != want {
						t.Fatalf("Slot = %d, %v", slot, err)
					}
					if _, err := obj.Withdrawals(); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}

// TestLoadGenesis loads the mainnet genesis state without a fork: it is
// detected from fork.current_version.
func TestLoadGenesis(t *testing.T) {
	file := vectors.Path(t, "genesis", "mainnet-genesis.ssz")
	for _, mmap := range []bool{false, true} {
		obj, err := LoadFile(ctx, file, LoadOptions{Mmap: mmap})
		if err != nil {
			t.Fatal(err)
		}
		if obj.Fork != fork.Phase0 || obj.Preset != "mainnet" || obj.TypeName != "BeaconState" {
			t.Fatalf("loaded %s", obj)
		}
		p, err := NewProver(obj)
		if err != nil {
			t.Fatal(err)
		}
		if got := proof.FormatHash(p.Root()); got != "0x7e76880eb67bbdc86250aa578958e9d0675e64e714337855204fb5abaaf82c2b" {
			t.Fatalf("genesis root %s", got)
		}
		if n, err := obj.ValidatorCount(); err != nil || n != 21063 {
			t.Fatalf("ValidatorCount = %d, %v", n, err)
		}
		v, err := obj.Validator(21062)
		if err != nil {
			t.Fatal(err)
		}
		if v.ExitEpoch != fork.FarFutureEpoch || v.ActivationEpoch != 0 || v.EffectiveBalance != 32e9 || v.Slashed {
			t.Fatalf("validator 21062: %+v", v)
		}
		if s, err := obj.Slot(); err != nil || s != 0 {
			t.Fatalf("Slot = %d, %v", s, err)
		}
		if err := obj.Close(); err != nil {
			t.Fatal(err)
		}
		if err := obj.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// Restricting detection to another network fails, naming the version.
	_, err := LoadFile(ctx, file, LoadOptions{Network: "sepolia"})
	if !errors.Is(err, ErrNoFork) || !errors.Is(err, fork.ErrUnknownForkVersion) || strings.Contains(err.Error(), "--") {
		t.Fatalf("genesis on sepolia: %v", err)
	}
}

// TestLoadCompressed writes one object in every supported format, named
// rightly and wrongly, and loads each by file and by reader.
func TestLoadCompressed(t *testing.T) {
	c := findCase(t, "minimal/deneb/state_0")
	raw, err := os.ReadFile(c.object())
	if err != nil {
		t.Fatal(err)
	}
	opts := LoadOptions{Fork: c.Fork, Preset: c.Preset}
	want, err := LoadFile(ctx, c.object(), opts)
	if err != nil {
		t.Fatal(err)
	}
	wantRoot, _ := want.Root()

	gz := func(b []byte) []byte {
		var buf bytes.Buffer
		w := gzip.NewWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	framed := func(b []byte) []byte {
		var buf bytes.Buffer
		w := snappy.NewBufferedWriter(&buf)
		w.Write(b)
		w.Close()
		return buf.Bytes()
	}
	block := snappy.Encode(nil, raw)
	dir := t.TempDir()
	files := map[string][]byte{
		"state.ssz":                  raw,
		"state.ssz_snappy":           block,
		"state.ssz.gz":               gz(raw),
		"state.ssz_snappy.gz":        gz(block),
		"state.framed.snappy":        framed(raw),
		"state.framed.gz":            gz(framed(raw)),
		"gzip-named.ssz":             gz(raw),
		"framed-named.ssz":           framed(raw),
		"block-named.ssz":            block,
		"block-noext":                block,
		"framed-as-block.ssz_snappy": framed(raw),
	}
	for name, data := range files {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		for _, mmap := range []bool{false, true} {
			o := opts
			o.Mmap = mmap
			obj, err := LoadFile(ctx, path, o)
			if err != nil {
				t.Errorf("LoadFile %s (mmap %v): %v", name, mmap, err)
				continue
			}
			if r, _ := obj.Root(); r != wantRoot {
				t.Errorf("LoadFile %s: root %x, want %x", name, r, wantRoot)
			}
			obj.Close()
		}
		obj, err := Load(ctx, bytes.NewReader(data), opts)
		if err != nil {
			t.Errorf("Load %s: %v", name, err)
			continue
		}
		if r, _ := obj.Root(); r != wantRoot {
			t.Errorf("Load %s: root %x, want %x", name, r, wantRoot)
		}
	}
	// An explicit compression is obeyed.
	if _, err := Load(ctx, bytes.NewReader(block), LoadOptions{Fork: c.Fork, Preset: c.Preset, Compression: CompressionSnappy}); err != nil {
		t.Errorf("explicit snappy: %v", err)
	}
	if _, err := Load(ctx, bytes.NewReader(block), LoadOptions{Fork: c.Fork, Preset: c.Preset, Compression: CompressionNone}); err == nil {
		t.Errorf("snappy read as CompressionNone: no error")
	}
}

// TestLoadErrors checks the errors for bad input and bad options.
func TestLoadErrors(t *testing.T) {
	c := findCase(t, "mainnet/deneb/state_0")
	raw, err := os.ReadFile(c.object())
	if err != nil {
		t.Fatal(err)
	}
	block := findCase(t, "mainnet/deneb/block_0")
	blockRaw, err := os.ReadFile(block.object())
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	var gzBuf bytes.Buffer
	zw := gzip.NewWriter(&gzBuf)
	zw.Write(raw)
	zw.Close()
	// A snappy block that states a decoded length of 2^28 bytes for 69.
	bomb := append([]byte{0x80, 0x80, 0x80, 0x80, 0x01}, make([]byte, 64)...)

	deneb := LoadOptions{Fork: "deneb"}
	tests := []struct {
		name   string
		file   string
		opts   LoadOptions
		is     error    // errors.Is target, if any
		substr []string // the message must contain each
	}{
		{"truncated", write("trunc.ssz", raw[:len(raw)-1000]), deneb, ssz.ErrInvalid,
			[]string{"beaconstate: deneb BeaconState: ssz: "}},
		{"truncated fixed part", write("short.ssz", raw[:100]), deneb, ssz.ErrSize,
			[]string{"beaconstate: deneb BeaconState: ssz: wrong size"}},
		{"wrong fork", c.object(), LoadOptions{Fork: "capella"}, ssz.ErrInvalid,
			[]string{"beaconstate: capella BeaconState: ssz: "}},
		{"wrong type", block.object(), deneb, ssz.ErrInvalid,
			[]string{"beaconstate: deneb BeaconState: ssz: "}},
		{"unknown fork", c.object(), LoadOptions{Fork: "london"}, fork.ErrUnknownFork,
			[]string{"unknown fork \"london\""}},
		{"unknown type", c.object(), LoadOptions{Fork: "deneb", Type: "Nope"}, fork.ErrUnknownType,
			[]string{"Nope"}},
		{"unknown preset", c.object(), LoadOptions{Fork: "deneb", Preset: "tiny"}, fork.ErrUnknownPreset,
			[]string{"tiny"}},
		{"oversize", c.object(), LoadOptions{Fork: "deneb", MaxSize: 1 << 20}, ErrTooLarge,
			[]string{"limit 1048576"}},
		{"oversize gzip", write("big.ssz.gz", gzBuf.Bytes()), LoadOptions{Fork: "deneb", MaxSize: 1 << 20}, ErrTooLarge,
			[]string{"decompressed (gzip)"}},
		{"oversize snappy", write("big.ssz_snappy", snappy.Encode(nil, raw)), LoadOptions{Fork: "deneb", MaxSize: 1 << 20}, ErrTooLarge,
			[]string{fmt.Sprintf("decompressed (snappy) size %d bytes", len(raw))}},
		{"snappy bomb", write("bomb.ssz_snappy", bomb), deneb, snappy.ErrCorrupt,
			[]string{"snappy: corrupt input: states 268435456 decoded bytes for 69 bytes"}},
		{"corrupt snappy", write("bad.ssz_snappy", []byte{10, 1, 2, 3}), deneb, snappy.ErrCorrupt,
			[]string{"beaconstate: snappy: corrupt input: copy at byte 1: offset 2, but 0 bytes are decoded before it"}},
		{"snappy copy before the start", write("copy.ssz_snappy", []byte{8, 0x01, 0x01, 1, 2, 3, 4}), deneb, snappy.ErrCorrupt,
			[]string{"snappy: corrupt input: copy at byte 1: offset 1, but 0 bytes are decoded before it"}},
		{"corrupt gzip", write("bad.gz", []byte{0x1f, 0x8b, 0, 0}), deneb, nil,
			[]string{"gzip"}},
		{"empty", write("empty.ssz", nil), deneb, ErrEmpty, []string{"empty.ssz: empty input"}},
		{"random fork version", c.object(), LoadOptions{}, ErrNoFork,
			[]string{"BeaconState: cannot detect the fork: unknown fork version 0x", "networks)"}},
		{"block without network", block.object(), LoadOptions{Type: "BeaconBlock"}, ErrNoNetwork,
			[]string{"cannot detect the fork of a BeaconBlock: no network"}},
		{"unknown network", block.object(), LoadOptions{Type: "BeaconBlock", Network: "nonet"}, fork.ErrUnknownNetwork,
			[]string{"nonet"}},
		{"envelope without fork", block.object(), LoadOptions{Type: "ExecutionPayloadEnvelope"}, ErrNoFork,
			[]string{"cannot detect the fork of a ExecutionPayloadEnvelope"}},
		{"missing file", filepath.Join(dir, "nope.ssz"), deneb, os.ErrNotExist, []string{"nope.ssz"}},
	}
	_ = blockRaw
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := LoadFile(ctx, tt.file, tt.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("error %v does not wrap %v", err, tt.is)
			}
			for _, s := range tt.substr {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not contain %q", err, s)
				}
			}
			if !strings.HasPrefix(err.Error(), "beaconstate: ") {
				t.Errorf("error %q lacks the package prefix", err)
			}
			if strings.Contains(err.Error(), "--") {
				t.Errorf("error %q names a command-line flag", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q has several lines", err)
			}
		})
	}
}

// TestLoadBlockBySlot detects a block's fork from its slot on a network.
func TestLoadBlockBySlot(t *testing.T) {
	c := findCase(t, "mainnet/deneb/block_0")
	raw, err := os.ReadFile(c.object())
	if err != nil {
		t.Fatal(err)
	}
	mainnet, err := fork.NetworkByName("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	denebSlot := mainnet.ForkEpoch(fork.Deneb) * mainnet.SlotsPerEpoch
	b := append([]byte(nil), raw...)
	putUint64(b[0:8], denebSlot+5)
	obj, err := Load(ctx, bytes.NewReader(b), LoadOptions{Type: "BeaconBlock", Network: "mainnet"})
	if err != nil {
		t.Fatal(err)
	}
	if obj.Fork != fork.Deneb {
		t.Fatalf("fork %s", obj.Fork)
	}
	if s, _ := obj.Slot(); s != denebSlot+5 {
		t.Fatalf("slot %d", s)
	}
	// A capella slot picks capella, whose schema this block does not fit.
	putUint64(b[0:8], denebSlot-1)
	_, err = Load(ctx, bytes.NewReader(b), LoadOptions{Type: "BeaconBlock", Network: "mainnet"})
	if err == nil || !strings.Contains(err.Error(), "capella BeaconBlock") {
		t.Fatalf("capella slot: %v", err)
	}
}

func putUint64(b []byte, v uint64) {
	for i := 0; i < 8; i++ {
		b[i] = byte(v >> (8 * i))
	}
}

// TestLoadContext stops reading when the context is done.
func TestLoadContext(t *testing.T) {
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	_, err := Load(cctx, bytes.NewReader(make([]byte, 100)), LoadOptions{Fork: "deneb"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
}

func TestNewObject(t *testing.T) {
	b := make([]byte, 112) // BeaconBlockHeader
	obj, err := NewObject("deneb", "", "BeaconBlockHeader", b)
	if err != nil {
		t.Fatal(err)
	}
	if obj.Preset != "mainnet" || obj.String() != "deneb BeaconBlockHeader (mainnet, 112 bytes)" {
		t.Fatalf("object %s", obj)
	}
	if _, err := NewObject("deneb", "", "BeaconBlockHeader", b[:100]); err == nil ||
		!strings.HasPrefix(err.Error(), "beaconstate: deneb BeaconBlockHeader: ssz: wrong size") {
		t.Fatalf("short header: %v", err)
	}
	if _, err := NewObject("", "", "BeaconBlockHeader", b); !errors.Is(err, ErrNoFork) {
		t.Fatalf("no fork: %v", err)
	}
}

func TestCompressionString(t *testing.T) {
	for c, want := range map[Compression]string{CompressionAuto: "auto", CompressionGzip: "gzip", CompressionSnappy: "snappy", Compression(42): "Compression(42)"} {
		if c.String() != want {
			t.Errorf("%d: %s", int(c), c)
		}
	}
}
