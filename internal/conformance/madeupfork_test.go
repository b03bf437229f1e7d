package conformance

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/synth"
	"github.com/beaconproof/beaconproof/ssz"
	"github.com/beaconproof/beaconproof/staking"
)

// TestMadeUpForkProves registers a fork through the public API only — fulu
// with one more state field — and proves against it: schemas, loading,
// hashing and proofs all follow from the one table entry.
func TestMadeUpForkProves(t *testing.T) {
	err := fork.Register(fork.Fork{
		Name:   "fulu-extra",
		Parent: fork.Fulu,
		Build: func(p *fork.Preset, parent *fork.Schemas) *fork.Schemas {
			s := parent.Clone()
			s.BeaconState = parent.BeaconState.WithFields(ssz.F("extra_root", ssz.Bytes32))
			return s
		},
	})
	if err != nil && !errors.Is(err, fork.ErrForkExists) { // go test -count=2
		t.Fatal(err)
	}
	f, err := fork.Lookup("fulu-extra")
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Schemas("mainnet")
	if err != nil {
		t.Fatal(err)
	}
	extra := synth.Hash(7, "extra", 0)
	b, err := synth.Build(s.BeaconState, func(path string, _ *ssz.Type) ([]byte, bool) {
		switch path {
		case "extra_root":
			return extra[:], true
		case "slot":
			return synth.Uint64(100), true
		case "validators":
			return append(synth.ValidatorBytes(synth.Options{}, 0), synth.ValidatorBytes(synth.Options{}, 1)...), true
		case "balances":
			return make([]byte, 16), true
		}
		return nil, false
	})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := beaconstate.NewObject("fulu-extra", "mainnet", "BeaconState", b)
	if err != nil {
		t.Fatal(err)
	}
	p, err := beaconstate.NewProver(obj)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path   string
		gindex string
	}{
		// fulu's state has 38 fields (depth 6); the 39th lands at 64+38.
		{"extra_root", "102"},
		{"slot", "66"},
		{"validators[1].withdrawal_credentials", ""},
	} {
		pr, err := p.Prove(tc.path)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if err := pr.Verify(p.Root()); err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if tc.gindex != "" && pr.Gindex.String() != tc.gindex {
			t.Errorf("%s: gindex %s, want %s", tc.path, pr.Gindex, tc.gindex)
		}
		if tc.path == "extra_root" && pr.Leaf != extra {
			t.Errorf("extra_root leaf %x, want %x", pr.Leaf, extra)
		}
	}
}

// hezeVersion is the made-up heze fork version on mainnet.
var hezeVersion = [4]byte{0x08, 0x00, 0x00, 0x00}

// registerHeze adds the fork after gloas (heze, EIP-7805) as an outside
// user would, through the public API only: a preset constant, the fork
// (ExecutionPayloadBid gains inclusion_list_bits, and every type holding
// the bid is rebuilt), and its version on mainnet.
func registerHeze() error {
	const size = "INCLUSION_LIST_COMMITTEE_SIZE"
	if err := fork.AddPresetValues(fork.PresetMainnet, map[string]uint64{size: 16}); err != nil {
		return err
	}
	err := fork.Register(fork.Fork{Name: "heze", Parent: fork.Gloas, Build: func(p *fork.Preset, parent *fork.Schemas) *fork.Schemas {
		s := parent.Clone()
		s.ExecutionPayloadBid = parent.ExecutionPayloadBid.WithFields(ssz.F("inclusion_list_bits", ssz.Bitvector(p.MustValue(size))))
		s.SignedExecutionPayloadBid = parent.SignedExecutionPayloadBid.Replace("message", s.ExecutionPayloadBid)
		s.BeaconBlockBody = parent.BeaconBlockBody.Replace("signed_execution_payload_bid", s.SignedExecutionPayloadBid)
		s.BeaconBlock = parent.BeaconBlock.Replace("body", s.BeaconBlockBody)
		s.SignedBeaconBlock = parent.SignedBeaconBlock.Replace("message", s.BeaconBlock)
		s.BeaconState = parent.BeaconState.Replace("latest_execution_payload_bid", s.ExecutionPayloadBid)
		return s
	}})
	if err != nil && !errors.Is(err, fork.ErrForkExists) { // go test -count=2
		return err
	}
	err = fork.ScheduleFork("mainnet", fork.ForkSchedule{Name: "heze", Version: hezeVersion, Epoch: fork.FarFutureEpoch})
	if err != nil && !errors.Is(err, fork.ErrForkScheduled) {
		return err
	}
	return nil
}

// TestNextFork registers heze through the public API and checks that a
// heze state is detected from its version, loads, hashes and proves; that
// the staking layer treats heze as it treats gloas (it asks for features,
// not fork names); and that heze in a preset without its constant fails
// with an error naming the constant.
func TestNextFork(t *testing.T) {
	if err := registerHeze(); err != nil {
		t.Fatal(err)
	}
	heze, err := fork.Lookup("heze")
	if err != nil {
		t.Fatal(err)
	}
	if !heze.Has(fork.PayloadInEnvelope) || heze.Has(fork.PayloadInBlock) {
		t.Errorf("heze features %v, want gloas's", heze.Features())
	}
	s, err := fork.SchemasOf("heze", "")
	if err != nil {
		t.Fatal(err)
	}
	bits := []byte{0xa5, 0x0f}
	b, err := synth.Build(s.BeaconState, func(path string, _ *ssz.Type) ([]byte, bool) {
		switch path {
		case "fork":
			return append(append([]byte{0x07, 0, 0, 0}, hezeVersion[:]...), make([]byte, 8)...), true
		case "slot":
			return synth.Uint64(100), true
		case "latest_execution_payload_bid.inclusion_list_bits":
			return bits, true
		case "validators":
			return append(synth.ValidatorBytes(synth.Options{}, 0), synth.ValidatorBytes(synth.Options{}, 1)...), true
		case "balances":
			return make([]byte, 16), true
		}
		return nil, false
	})
	if err != nil {
		t.Fatal(err)
	}
	obj, err := beaconstate.Load(context.Background(), bytes.NewReader(b), beaconstate.LoadOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if obj.Fork != "heze" || obj.Schemas != s {
		t.Fatalf("detected fork %s, want heze", obj.Fork)
	}
	p, err := beaconstate.NewProver(obj)
	if err != nil {
		t.Fatal(err)
	}
	pr, err := p.Prove("latest_execution_payload_bid.inclusion_list_bits")
	if err != nil {
		t.Fatal(err)
	}
	if err := pr.Verify(p.Root()); err != nil || !bytes.HasPrefix(pr.Leaf[:], bits) {
		t.Errorf("inclusion_list_bits: leaf %x, verify %v", pr.Leaf, err)
	}
	sp, err := staking.NewStateProver(p, staking.AnchorState)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := sp.Validator(1); err != nil {
		t.Errorf("heze validator claim: %v", err)
	}
	hezeBlock(t, s)
	if _, err := fork.SchemasOf("heze", fork.PresetMinimal); err == nil || !strings.Contains(err.Error(), "INCLUSION_LIST_COMMITTEE_SIZE") {
		t.Errorf("heze in minimal, which lacks the constant: err = %v", err)
	}
}

// hezeBlock proves a heze block's block_hash, which staking finds in the
// bid as for gloas, and checks that the payload's timestamp is refused.
func hezeBlock(t *testing.T, s *fork.Schemas) {
	hash := synth.Hash(7, "heze-block-hash", 0)
	b, err := synth.Build(s.BeaconBlock, func(path string, _ *ssz.Type) ([]byte, bool) {
		if path == "body.signed_execution_payload_bid.message.block_hash" {
			return hash[:], true
		}
		return nil, false
	})
	if err != nil {
		t.Fatal(err)
	}
	block, err := beaconstate.NewObject("heze", "", "BeaconBlock", b)
	if err != nil {
		t.Fatal(err)
	}
	c, err := staking.ProveBlockField(block, "block_hash")
	if err != nil || c.Proof.Leaf != hash {
		t.Errorf("heze block_hash: leaf %x, err %v", c.Proof.Leaf, err)
	}
	if _, err := staking.ProveBlockField(block, "timestamp"); !errors.Is(err, beaconstate.ErrNoField) {
		t.Errorf("heze timestamp: err = %v, want ErrNoField", err)
	}
}

// TestNextForkForgetful registers a heze whose Build forgets to rebuild
// the BeaconState around the new bid: Schemas, and every load, fail with
// an error naming the stale member.
func TestNextForkForgetful(t *testing.T) {
	err := fork.Register(fork.Fork{Name: "heze-forgetful", Parent: fork.Gloas, Build: func(p *fork.Preset, parent *fork.Schemas) *fork.Schemas {
		s := parent.Clone()
		s.ExecutionPayloadBid = parent.ExecutionPayloadBid.WithFields(ssz.F("inclusion_list_bits", ssz.Bitvector(16)))
		s.SignedExecutionPayloadBid = parent.SignedExecutionPayloadBid.Replace("message", s.ExecutionPayloadBid)
		s.BeaconBlockBody = parent.BeaconBlockBody.Replace("signed_execution_payload_bid", s.SignedExecutionPayloadBid)
		s.BeaconBlock = parent.BeaconBlock.Replace("body", s.BeaconBlockBody)
		s.SignedBeaconBlock = parent.SignedBeaconBlock.Replace("message", s.BeaconBlock)
		return s // forgot: s.BeaconState's latest_execution_payload_bid
	}})
	if err != nil && !errors.Is(err, fork.ErrForkExists) {
		t.Fatal(err)
	}
	const want = "BeaconState.latest_execution_payload_bid is not the schemas' ExecutionPayloadBid"
	_, err = fork.SchemasOf("heze-forgetful", "")
	if !errors.Is(err, fork.ErrInconsistent) || !strings.Contains(err.Error(), want) {
		t.Errorf("SchemasOf: err = %v, want ErrInconsistent saying %q", err, want)
	}
	_, err = beaconstate.NewObject("heze-forgetful", "", "BeaconState", nil)
	if !errors.Is(err, fork.ErrInconsistent) || !strings.Contains(err.Error(), want) {
		t.Errorf("NewObject: err = %v, want ErrInconsistent saying %q", err, want)
	}
}
