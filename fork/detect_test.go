package fork

import (
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// stateHead returns the first bytes of a BeaconState with the given slot
// and fork.current_version.
func stateHead(slot uint64, version [4]byte) []byte {
	b := make([]byte, 200)
	binary.LittleEndian.PutUint64(b[0:], 1606824023)
	binary.LittleEndian.PutUint64(b[40:], slot)
	copy(b[48:], []byte{9, 9, 9, 9})
	copy(b[52:], version[:])
	binary.LittleEndian.PutUint64(b[56:], 7)
	return b
}

func TestDetectFromStateBytes(t *testing.T) {
	testnet, err := LoadNetworkConfig(strings.NewReader(testConfigYAML))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		b        []byte
		preset   string
		networks []*Network
		want     string
		err      error
	}{
		{"mainnet deneb", stateHead(9000000, [4]byte{4, 0, 0, 0}), PresetMainnet, nil, Deneb, nil},
		{"mainnet fulu", stateHead(13000000, [4]byte{6, 0, 0, 0}), PresetMainnet, nil, Fulu, nil},
		{"sepolia electra", stateHead(1, [4]byte{0x90, 0, 0, 0x74}), PresetMainnet, nil, Electra, nil},
		{"hoodi capella", stateHead(1, [4]byte{0x40, 0, 0x09, 0x10}), PresetMainnet, nil, Capella, nil},
		{"holesky phase0", stateHead(1, [4]byte{0x01, 0x01, 0x70, 0}), PresetMainnet, nil, Phase0, nil},
		{"unknown version", stateHead(1, [4]byte{0xde, 0xad, 0xbe, 0xef}), PresetMainnet, nil, "", ErrUnknownForkVersion},
		{"minimal preset, no minimal network", stateHead(1, [4]byte{4, 0, 0, 0}), PresetMinimal, nil, "", ErrUnknownForkVersion},
		{"minimal network given", stateHead(1, [4]byte{3, 0, 0, 1}), PresetMinimal, []*Network{testnet}, Capella, nil},
		// A minimal-preset devnet (Lodestar's dev chain) keeps the specs'
		// minimal config versions: 0x04000001 is deneb (issue 13, bug 1).
		{"minimal devnet deneb", stateHead(1, [4]byte{4, 0, 0, 1}), PresetMinimal, nil, Deneb, nil},
		{"minimal devnet phase0", stateHead(1, [4]byte{0, 0, 0, 1}), PresetMinimal, nil, Phase0, nil},
		{"minimal devnet gloas", stateHead(1, [4]byte{7, 0, 0, 1}), PresetMinimal, nil, Gloas, nil},
		{"minimal version, mainnet preset", stateHead(1, [4]byte{4, 0, 0, 1}), PresetMainnet, nil, "", ErrUnknownForkVersion},
		{"unknown preset", stateHead(1, [4]byte{4, 0, 0, 0}), "tiny", nil, "", ErrUnknownPreset},
		{"too short", make([]byte, 60), PresetMainnet, nil, "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f, err := DetectFromStateBytes(tc.b, tc.preset, tc.networks...)
			if tc.want != "" {
				if err != nil || f.Name != tc.want {
					t.Fatalf("got %v, %v; want %s", f, err, tc.want)
				}
				return
			}
			if err == nil {
				t.Fatalf("got %s, want an error", f)
			}
			if tc.err != nil && !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if errors.Is(err, ErrUnknownForkVersion) && !strings.Contains(err.Error(), "0x") {
				t.Fatalf("error %q does not name the version", err)
			}
		})
	}
	if !strings.Contains(func() string {
		_, err := DetectFromStateBytes(stateHead(1, [4]byte{0xde, 0xad, 0xbe, 0xef}), PresetMainnet)
		return err.Error()
	}(), "0xdeadbeef") {
		t.Error("unknown version error does not spell the version in hex")
	}
}

// TestDetectWrongPresetHint: a version known on the other preset's
// networks says so.
func TestDetectWrongPresetHint(t *testing.T) {
	tests := []struct {
		version [4]byte
		preset  string
		want    string
	}{
		{[4]byte{4, 0, 0, 1}, PresetMainnet, "is deneb on the minimal-preset network"},
		{[4]byte{4, 0, 0, 0}, PresetMinimal, "is deneb on the mainnet-preset network mainnet"},
	}
	for _, tc := range tests {
		_, err := DetectFromStateBytes(stateHead(1, tc.version), tc.preset)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("version %#x, preset %s: err %v, want one that says %q", tc.version[:], tc.preset, err, tc.want)
		}
	}
}

func TestSpecConfigsAreNotNetworks(t *testing.T) {
	for _, c := range SpecConfigs() {
		if _, err := NetworkByName(c.Name); err == nil {
			t.Errorf("NetworkByName(%q) finds a spec config", c.Name)
		}
		for _, f := range c.Forks {
			if _, err := Lookup(f.Name); err != nil {
				t.Errorf("%s: fork %s: %v", c.Name, f.Name, err)
			}
		}
	}
}

func TestReadStateHeader(t *testing.T) {
	h, err := ReadStateHeader(stateHead(42, [4]byte{1, 2, 3, 4}))
	if err != nil {
		t.Fatal(err)
	}
	if h.GenesisTime != 1606824023 || h.Slot != 42 || h.CurrentVersion != [4]byte{1, 2, 3, 4} ||
		h.PreviousVersion != [4]byte{9, 9, 9, 9} || h.ForkEpoch != 7 {
		t.Errorf("%+v", h)
	}
}

// TestDetectVectors detects the fork of the real mainnet genesis state and
// fails, as it must, on the oracle states, whose fork versions are random.
func TestDetectVectors(t *testing.T) {
	dir := vectorsDir(t)
	b, err := os.ReadFile(filepath.Join(dir, "genesis", "mainnet-genesis.ssz"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := DetectFromStateBytes(b, PresetMainnet)
	if err != nil || f.Name != Phase0 {
		t.Errorf("mainnet genesis: %v, %v", f, err)
	}
	states, _ := filepath.Glob(filepath.Join(dir, "oracle", "*", "*", "state_*", "object.ssz"))
	for _, s := range states {
		b, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		preset := filepath.Base(filepath.Dir(filepath.Dir(filepath.Dir(s))))
		if f, err := DetectFromStateBytes(b, preset); !errors.Is(err, ErrUnknownForkVersion) {
			t.Errorf("%s: detected %v (%v); oracle states carry random versions", s, f, err)
		}
	}
}
