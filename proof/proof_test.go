package proof

import (
	"encoding/json"
	"errors"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestProofVerifyAllNodes(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	tr := newTree(r, 6)
	for g := uint64(2); g < 128; g++ {
		p, err := NewProof(GindexFromUint64(g), tr.nodeAt)
		if err != nil {
			t.Fatalf("NewProof(%d): %v", g, err)
		}
		if len(p.Branch) != p.Gindex.Depth() {
			t.Fatalf("gindex %d: branch of %d", g, len(p.Branch))
		}
		if p.Leaf != tr.nodes[g] {
			t.Fatalf("gindex %d: wrong leaf", g)
		}
		if err := p.Verify(tr.root()); err != nil {
			t.Fatalf("gindex %d: %v", g, err)
		}
		if g%16 != 0 {
			continue
		}
		// Every single-bit flip of the leaf, branch or gindex is caught.
		for i := range 256 {
			q := p
			q.Leaf[i/8] ^= 1 << (i % 8)
			if q.Verify(tr.root()) == nil {
				t.Fatalf("gindex %d: leaf bit %d flip verifies", g, i)
			}
			for j := range p.Branch {
				q := p
				q.Branch = append([][32]byte{}, p.Branch...)
				q.Branch[j][i/8] ^= 1 << (i % 8)
				if q.Verify(tr.root()) == nil {
					t.Fatalf("gindex %d: branch[%d] bit %d flip verifies", g, j, i)
				}
			}
		}
		for i := 0; i <= p.Gindex.Depth()+2; i++ {
			f, ok := flipBit(p.Gindex, i)
			if !ok {
				continue
			}
			q := p
			q.Gindex = f
			if q.Verify(tr.root()) == nil {
				t.Fatalf("gindex %d: gindex bit %d flip verifies", g, i)
			}
		}
	}
}

func TestProofErrors(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	tr := newTree(r, 4)
	good, err := NewProof(GindexFromUint64(21), tr.nodeAt)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		p       Proof
		root    [32]byte
		want    error
		contain []string
	}{
		{"zero gindex", Proof{Leaf: good.Leaf}, tr.root(), ErrInvalidGindex, []string{"zero"}},
		{"root gindex", Proof{Gindex: Root, Leaf: tr.root()}, tr.root(), ErrInvalidGindex, []string{"gindex ≥ 2"}},
		{"branch short", Proof{Gindex: good.Gindex, Leaf: good.Leaf, Branch: good.Branch[:3]}, tr.root(), ErrBranchLength, []string{"4 hashes, got 3"}},
		{"branch long", Proof{Gindex: good.Gindex, Leaf: good.Leaf, Branch: append(append([][32]byte{}, good.Branch...), [32]byte{})}, tr.root(), ErrBranchLength, []string{"4 hashes, got 5"}},
		{"wrong root", good, [32]byte{1}, ErrRootMismatch, []string{FormatHash(tr.root()), "0x0100000000"}},
		{"wrong position", Proof{Gindex: GindexFromUint64(20), Leaf: good.Leaf, Branch: good.Branch}, tr.root(), ErrRootMismatch, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.p.Verify(tc.root)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Verify = %v, want %v", err, tc.want)
			}
			for _, s := range tc.contain {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q lacks %q", err, s)
				}
			}
			if tc.want != ErrRootMismatch {
				if _, err := tc.p.Root(); !errors.Is(err, tc.want) {
					t.Errorf("Root = %v, want %v", err, tc.want)
				}
			}
		})
	}
	for _, g := range []Gindex{{}, Root} {
		if _, err := NewProof(g, tr.nodeAt); !errors.Is(err, ErrInvalidGindex) {
			t.Errorf("NewProof(%v) = %v", g, err)
		}
	}
	if _, err := NewProof(GindexFromUint64(64), tr.nodeAt); err == nil || !strings.Contains(err.Error(), "leaf 64") {
		t.Errorf("NewProof outside the tree: %v", err)
	}
}

func TestCompose(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	tr := newTree(r, 6)
	for s := uint64(2); s < 64; s++ {
		sub := GindexFromUint64(s)
		outer, err := NewProof(sub, tr.nodeAt)
		if err != nil {
			t.Fatal(err)
		}
		subAt := func(h Gindex) ([32]byte, error) { return tr.nodeAt(sub.Concat(h)) }
		for h := uint64(2); h < 1<<(6-sub.Depth()+1); h++ {
			inner, err := NewProof(GindexFromUint64(h), subAt)
			if err != nil {
				t.Fatal(err)
			}
			got, err := inner.Compose(outer)
			if err != nil {
				t.Fatalf("sub %d inner %d: %v", s, h, err)
			}
			want, err := NewProof(sub.Concat(inner.Gindex), tr.nodeAt)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got, cmp.Comparer(Gindex.Equal)); diff != "" {
				t.Fatalf("sub %d inner %d: (-want +got)\n%s", s, h, diff)
			}
			got2, err := Compose(outer, inner)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got2, cmp.Comparer(Gindex.Equal)); diff != "" {
				t.Fatalf("Compose(outer, inner): (-want +got)\n%s", diff)
			}
		}
	}

	// Three levels: node 2 of the tree, node 5 under it (9), node 13 under that (77).
	p1, _ := NewProof(GindexFromUint64(2), tr.nodeAt)
	p2, _ := NewProof(GindexFromUint64(5), func(h Gindex) ([32]byte, error) { return tr.nodeAt(Concat(GindexFromUint64(2), h)) })
	p3, _ := NewProof(GindexFromUint64(13), func(h Gindex) ([32]byte, error) {
		return tr.nodeAt(Concat(GindexFromUint64(2), GindexFromUint64(5), h))
	})
	got, err := Compose(p1, p2, p3)
	if err != nil {
		t.Fatal(err)
	}
	if want := GindexFromUint64(77); !got.Gindex.Equal(want) || !Concat(gs(2, 5, 13)...).Equal(want) {
		t.Fatalf("gindex %s, want %s", got.Gindex, want)
	}
	if err := got.Verify(tr.root()); err != nil {
		t.Fatal(err)
	}

	// Errors.
	inner, _ := NewProof(GindexFromUint64(6), func(h Gindex) ([32]byte, error) { return tr.nodeAt(Concat(GindexFromUint64(3), h)) })
	wrongOuter, _ := NewProof(GindexFromUint64(2), tr.nodeAt)
	if _, err := inner.Compose(wrongOuter); !errors.Is(err, ErrRootMismatch) {
		t.Errorf("mismatched compose: %v", err)
	}
	if _, err := Compose(wrongOuter, inner); !errors.Is(err, ErrRootMismatch) || !strings.Contains(err.Error(), "proof 1") {
		t.Errorf("mismatched Compose: %v", err)
	}
	if _, err := Compose(); !errors.Is(err, ErrMalformed) {
		t.Errorf("empty Compose: %v", err)
	}
	if _, err := (Proof{Gindex: Root}).Compose(wrongOuter); !errors.Is(err, ErrInvalidGindex) {
		t.Errorf("inner gindex 1: %v", err)
	}
	bad := wrongOuter
	bad.Branch = bad.Branch[:0]
	if _, err := inner.Compose(bad); !errors.Is(err, ErrBranchLength) {
		t.Errorf("short outer: %v", err)
	}
	if _, err := Compose(bad); !errors.Is(err, ErrBranchLength) {
		t.Errorf("Compose(short): %v", err)
	}
}

func TestBigGindex(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	// A depth-40 proof inside a depth-40 subtree, with random branches.
	inner := Proof{Gindex: randGindexAtDepth(r, 40), Leaf: randHash(r)}
	for range 40 {
		inner.Branch = append(inner.Branch, randHash(r))
	}
	mid, err := inner.Root()
	if err != nil {
		t.Fatal(err)
	}
	outer := Proof{Gindex: randGindexAtDepth(r, 40), Leaf: mid}
	for range 40 {
		outer.Branch = append(outer.Branch, randHash(r))
	}
	root, err := outer.Root()
	if err != nil {
		t.Fatal(err)
	}
	p, err := inner.Compose(outer)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := p.Gindex.Uint64(); ok || p.Gindex.Depth() != 80 {
		t.Fatalf("composed gindex %s has depth %d", p.Gindex, p.Gindex.Depth())
	}
	if err := p.Verify(root); err != nil {
		t.Fatal(err)
	}
	// Flipping any bit of the big gindex breaks the proof.
	for i := 0; i <= 81; i++ {
		f, ok := flipBit(p.Gindex, i)
		if !ok {
			continue
		}
		q := p
		q.Gindex = f
		if q.Verify(root) == nil {
			t.Fatalf("gindex bit %d flip verifies", i)
		}
	}
	// JSON round trip keeps the >64-bit gindex exact.
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	var back Proof
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(p, back, cmp.Comparer(Gindex.Equal)); diff != "" {
		t.Fatalf("round trip (-want +got)\n%s", diff)
	}

	// The same through a sparse depth-80 tree and NewProof.
	st := newSparseTree(80)
	st.set(p.Gindex, p.Leaf)
	other := randGindexAtDepth(r, 80)
	st.set(other, randHash(r))
	for _, g := range []Gindex{p.Gindex, other, p.Gindex.Sibling(), p.Gindex.Ancestor(40)} {
		q, err := NewProof(g, st.nodeAt)
		if err != nil {
			t.Fatal(err)
		}
		if err := q.Verify(st.root()); err != nil {
			t.Fatalf("sparse proof of %s: %v", g, err)
		}
	}
}

func TestHash(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"0x" + strings.Repeat("ab", 32), ""},
		{"0x" + strings.Repeat("AB", 32), ""},
		{strings.Repeat("ab", 32), "lacks the 0x prefix"},
		{"0X" + strings.Repeat("ab", 32), "lacks the 0x prefix"},
		{"0x" + strings.Repeat("ab", 31), "62 hex digits, want 64"},
		{"0x" + strings.Repeat("ab", 33), "66 hex digits, want 64"},
		{"0x" + strings.Repeat("zz", 32), "invalid byte"},
		{"", "lacks the 0x prefix"},
	}
	for _, tc := range tests {
		h, err := ParseHash(tc.in)
		if tc.wantErr == "" {
			if err != nil {
				t.Errorf("ParseHash(%q): %v", tc.in, err)
			} else if got := FormatHash(h); got != strings.ToLower(tc.in) {
				t.Errorf("FormatHash = %q", got)
			}
			continue
		}
		if !errors.Is(err, ErrMalformed) || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("ParseHash(%q) = %v, want %q", tc.in, err, tc.wantErr)
		}
	}
	var h Hash32
	if err := json.Unmarshal([]byte(`"0x`+strings.Repeat("01", 32)+`"`), &h); err != nil || h[31] != 1 {
		t.Fatalf("Hash32: %v %x", err, h)
	}
	if b, _ := json.Marshal(h); string(b) != `"0x`+strings.Repeat("01", 32)+`"` || h.String() != strings.Trim(string(b), `"`) {
		t.Fatalf("Hash32 marshal %s", b)
	}
	if err := json.Unmarshal([]byte(`"0x01"`), &h); !errors.Is(err, ErrMalformed) {
		t.Fatalf("Hash32 short: %v", err)
	}
}

func TestProofJSON(t *testing.T) {
	h := func(b byte) string {
		return "0x" + strings.Repeat(string("0123456789abcdef"[b>>4])+string("0123456789abcdef"[b&15]), 32)
	}
	p := Proof{Gindex: GindexFromUint64(5), Leaf: [32]byte{0: 0x11, 31: 0x11}, Branch: [][32]byte{{1}, {2}}}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"gindex":"5","leaf":"0x1100000000000000000000000000000000000000000000000000000000000011","branch":["0x0100000000000000000000000000000000000000000000000000000000000000","0x0200000000000000000000000000000000000000000000000000000000000000"]}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
	if _, err := json.Marshal(Proof{}); !errors.Is(err, ErrInvalidGindex) {
		t.Errorf("marshal zero gindex: %v", err)
	}

	tests := []struct {
		name, in string
		want     error
		contain  string
	}{
		{"ok", `{"path":"x","gindex":"2","leaf":"` + h(1) + `","branch":["` + h(2) + `"]}`, nil, ""},
		{"gindex number", `{"gindex":2,"leaf":"` + h(1) + `","branch":["` + h(2) + `"]}`, ErrMalformed, ""},
		{"gindex zero", `{"gindex":"0","leaf":"` + h(1) + `","branch":[]}`, ErrInvalidGindex, "gindex"},
		{"gindex hex", `{"gindex":"0x2","leaf":"` + h(1) + `","branch":["` + h(2) + `"]}`, ErrInvalidGindex, "gindex"},
		{"missing gindex", `{"leaf":"` + h(1) + `","branch":[]}`, ErrMalformed, `"gindex"`},
		{"missing leaf", `{"gindex":"2","branch":["` + h(2) + `"]}`, ErrMalformed, `"leaf"`},
		{"missing branch", `{"gindex":"2","leaf":"` + h(1) + `"}`, ErrMalformed, `"branch"`},
		{"null branch", `{"gindex":"2","leaf":"` + h(1) + `","branch":null}`, ErrMalformed, `"branch"`},
		{"short leaf", `{"gindex":"2","leaf":"0x01","branch":["` + h(2) + `"]}`, ErrMalformed, "leaf"},
		{"short branch entry", `{"gindex":"6","leaf":"` + h(1) + `","branch":["` + h(2) + `","0x0102"]}`, ErrMalformed, "branch[1]"},
		{"bad hex branch entry", `{"gindex":"6","leaf":"` + h(1) + `","branch":["` + h(2) + `","` + strings.Repeat("0", 66) + `"]}`, ErrMalformed, "branch[1]"},
		{"branch too long", `{"gindex":"2","leaf":"` + h(1) + `","branch":["` + h(2) + `","` + h(3) + `"]}`, ErrBranchLength, "1 hashes, got 2"},
		{"not an object", `[1,2]`, ErrMalformed, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var p Proof
			err := json.Unmarshal([]byte(tc.in), &p)
			if tc.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.contain) {
				t.Fatalf("got %v, want %v containing %q", err, tc.want, tc.contain)
			}
		})
	}
}

// vectorsDir returns the shared test vectors folder, skipping the test when
// it is absent (and failing under CI).
func vectorsDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("BEACONPROOF_VECTORS")
	if dir == "" {
		dir = filepath.Join("..", "..", "shared", "vectors")
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("test vectors not found at %s (set BEACONPROOF_VECTORS)", dir)
		}
		t.Skipf("test vectors not found at %s (set BEACONPROOF_VECTORS): %v", dir, err)
	}
	return dir
}

// TestOracleVectors decodes every proof of the oracle vectors with
// Proof.UnmarshalJSON and verifies it against the object's root.
func TestOracleVectors(t *testing.T) {
	dir := vectorsDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "oracle", "*", "*", "*", "vector.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no oracle vectors under %s", dir)
	}
	n, big := 0, 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Root   Hash32  `json:"root"`
			Proofs []Proof `json:"proofs"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for i, p := range v.Proofs {
			if err := p.Verify(v.Root); err != nil {
				t.Errorf("%s proof %d: %v", f, i, err)
			}
			if _, ok := p.Gindex.Uint64(); !ok {
				big++
			}
			n++
		}
	}
	t.Logf("%d proofs in %d files (%d with gindices over 64 bits)", n, len(files), big)
}

// TestProtocolVectors verifies the real mainnet proofs of production
// verifiers, one of them deeper than 64 levels.
func TestProtocolVectors(t *testing.T) {
	dir := vectorsDir(t)
	files, err := filepath.Glob(filepath.Join(dir, "protocols", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no protocol vectors under %s", dir)
	}
	deep := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Cases []json.RawMessage `json:"cases"`
		}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, raw := range v.Cases {
			var c struct {
				Name string `json:"name"`
				Root Hash32 `json:"root"`
			}
			var p Proof
			if err := json.Unmarshal(raw, &c); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
			if err := json.Unmarshal(raw, &p); err != nil {
				t.Fatalf("%s %s: %v", f, c.Name, err)
			}
			if err := p.Verify(c.Root); err != nil {
				t.Errorf("%s %s: %v", f, c.Name, err)
			}
			if p.Gindex.Depth() >= 64 {
				deep++
			}
		}
	}
	if deep == 0 {
		t.Log("no proof deeper than 64 levels among the protocol vectors")
	}
}

func TestGindexConcatInvalid(t *testing.T) {
	b, err := GindexFromBig(new(big.Int).Lsh(big.NewInt(3), 70))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		got  Gindex
	}{
		{"big.Concat(zero)", b.Concat(Gindex{})},
		{"zero.Concat(big)", Gindex{}.Concat(b)},
		{"small.Concat(zero)", GindexFromUint64(5).Concat(Gindex{})},
		{"zero.Concat(small)", Gindex{}.Concat(GindexFromUint64(5))},
		{"big.Subindex(-1)", b.Subindex(-1)},
		{"small.Subindex(-1)", GindexFromUint64(5).Subindex(-1)},
	} {
		if tc.got.IsValid() {
			t.Errorf("%s = %s, want invalid", tc.name, tc.got)
		}
	}
}
