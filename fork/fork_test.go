package fork

import (
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/beaconproof/beaconproof/ssz"
)

func TestAllInOrder(t *testing.T) {
	want := []string{Phase0, Altair, Bellatrix, Capella, Deneb, Electra, Fulu, Gloas}
	all := All()
	if len(all) < len(want) {
		t.Fatalf("All() has %d forks", len(all))
	}
	for i, name := range want {
		if all[i].Name != name || all[i].Index() != i {
			t.Errorf("All()[%d] = %s (index %d), want %s", i, all[i].Name, all[i].Index(), name)
		}
		if i > 0 && all[i].Parent != want[i-1] {
			t.Errorf("%s: parent %q, want %q", name, all[i].Parent, want[i-1])
		}
	}
	if got := Names(); len(got) != len(all) || got[0] != Phase0 {
		t.Errorf("Names() = %v", got)
	}
}

func TestLookupAndSchemaErrors(t *testing.T) {
	_, err := Lookup("phase9")
	if !errors.Is(err, ErrUnknownFork) || !strings.Contains(err.Error(), "phase9") {
		t.Errorf("Lookup(phase9): err = %v", err)
	}
	f, err := Lookup(Deneb)
	if err != nil {
		t.Fatal(err)
	}
	_, err = f.Schemas("tiny")
	if !errors.Is(err, ErrUnknownPreset) || !strings.Contains(err.Error(), "deneb") || !strings.Contains(err.Error(), "tiny") {
		t.Errorf("Schemas(tiny): err = %v, want ErrUnknownPreset naming fork and preset", err)
	}
}

func TestByName(t *testing.T) {
	tests := []struct {
		fork, typ string
		present   bool
	}{
		{Phase0, "BeaconState", true},
		{Phase0, "SignedBeaconBlock", true},
		{Phase0, "BeaconBlockHeader", true},
		{Phase0, "HistoricalBatch", true},
		{Phase0, "PendingAttestation", true},
		{Phase0, "Attestation", true},
		{Phase0, "ExecutionPayload", false},
		{Phase0, "SyncCommittee", false},
		{Altair, "SyncCommittee", true},
		{Altair, "PendingAttestation", false},
		{Bellatrix, "ExecutionPayload", true},
		{Bellatrix, "ExecutionPayloadHeader", true},
		{Bellatrix, "Withdrawal", false},
		{Capella, "Withdrawal", true},
		{Capella, "HistoricalSummary", true},
		{Capella, "SignedBLSToExecutionChange", true},
		{Deneb, "PendingDeposit", false},
		{Electra, "PendingDeposit", true},
		{Electra, "PendingPartialWithdrawal", true},
		{Electra, "PendingConsolidation", true},
		{Electra, "ExecutionRequests", true},
		{Electra, "SingleAttestation", true},
		{Fulu, "ExecutionPayloadEnvelope", false},
		{Gloas, "ExecutionPayloadEnvelope", true},
		{Gloas, "SignedExecutionPayloadEnvelope", true},
		{Gloas, "ExecutionPayloadBid", true},
		{Gloas, "SignedExecutionPayloadBid", true},
		{Gloas, "Builder", true},
		{Gloas, "PayloadAttestation", true},
		{Gloas, "ExecutionPayloadHeader", false},
		{Gloas, "NoSuchType", false},
	}
	for _, tc := range tests {
		for _, preset := range []string{PresetMainnet, PresetMinimal} {
			s := mustSchemas(t, tc.fork, preset)
			typ, err := s.ByName(tc.typ)
			switch {
			case tc.present && (err != nil || typ == nil):
				t.Errorf("%s/%s ByName(%s): %v", tc.fork, preset, tc.typ, err)
			case tc.present && typ.Name != tc.typ:
				t.Errorf("%s/%s ByName(%s) is named %s", tc.fork, preset, tc.typ, typ.Name)
			case !tc.present && !errors.Is(err, ErrUnknownType):
				t.Errorf("%s/%s ByName(%s): err = %v, want ErrUnknownType", tc.fork, preset, tc.typ, err)
			case !tc.present && !strings.Contains(err.Error(), tc.fork):
				t.Errorf("%s/%s ByName(%s): error %q does not name the fork", tc.fork, preset, tc.typ, err)
			}
		}
	}
	s := mustSchemas(t, Gloas, PresetMainnet)
	if s.Fork != Gloas || s.Preset.Name != PresetMainnet {
		t.Errorf("schemas say fork %s preset %s", s.Fork, s.Preset.Name)
	}
	names := s.Names()
	if len(names) < 30 {
		t.Errorf("gloas defines only %d types: %v", len(names), names)
	}
	for _, n := range names {
		if _, err := s.ByName(n); err != nil {
			t.Errorf("Names() lists %s but ByName fails: %v", n, err)
		}
	}
}

// TestFieldNames checks the spec spelling of the fields the proofs use most.
func TestFieldNames(t *testing.T) {
	tests := []struct {
		fork, typ string
		fields    []string
	}{
		{Phase0, "Validator", []string{"pubkey", "withdrawal_credentials", "effective_balance", "slashed", "activation_eligibility_epoch", "activation_epoch", "exit_epoch", "withdrawable_epoch"}},
		{Capella, "HistoricalSummary", []string{"block_summary_root", "state_summary_root"}},
		{Capella, "Withdrawal", []string{"index", "validator_index", "address", "amount"}},
		{Deneb, "ExecutionPayloadHeader", []string{"parent_hash", "fee_recipient", "state_root", "receipts_root", "logs_bloom", "prev_randao", "block_number", "gas_limit", "gas_used", "timestamp", "extra_data", "base_fee_per_gas", "block_hash", "transactions_root", "withdrawals_root", "blob_gas_used", "excess_blob_gas"}},
		{Electra, "PendingDeposit", []string{"pubkey", "withdrawal_credentials", "amount", "signature", "slot"}},
		{Gloas, "ExecutionPayloadEnvelope", []string{"payload", "execution_requests", "builder_index", "beacon_block_root", "parent_beacon_block_root"}},
		{Gloas, "Builder", []string{"pubkey", "version", "execution_address", "balance", "deposit_epoch", "withdrawable_epoch"}},
	}
	for _, tc := range tests {
		typ, err := mustSchemas(t, tc.fork, PresetMainnet).ByName(tc.typ)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range typ.Fields {
			got = append(got, f.Name)
		}
		if strings.Join(got, ",") != strings.Join(tc.fields, ",") {
			t.Errorf("%s %s fields\n got %v\nwant %v", tc.fork, tc.typ, got, tc.fields)
		}
	}
}

func TestSchemasCachedAndConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	results := make([][]*Schemas, 16)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for _, bf := range builtinForks {
				f, _ := Lookup(bf.Name)
				for _, p := range []string{PresetMinimal, PresetMainnet} {
					s, err := f.Schemas(p)
					if err != nil {
						t.Error(err)
						return
					}
					results[i] = append(results[i], s)
				}
			}
		}(i)
	}
	wg.Wait()
	for i := 1; i < len(results); i++ {
		if len(results[i]) != len(results[0]) {
			t.Fatalf("goroutine %d got %d schemas, goroutine 0 got %d", i, len(results[i]), len(results[0]))
		}
		for j := range results[i] {
			if results[i][j] != results[0][j] {
				t.Fatalf("schemas %d differ between goroutines: not built once", j)
			}
		}
	}
}

// TestDerivedFromParent checks that unchanged types are shared with the
// parent fork rather than rebuilt.
func TestDerivedFromParent(t *testing.T) {
	tests := []struct {
		fork, typ string
	}{
		{Altair, "Validator"},
		{Electra, "Withdrawal"},
		{Electra, "ExecutionPayload"},
		{Fulu, "BeaconBlock"},
		{Fulu, "ExecutionRequests"},
		{Gloas, "Validator"},
		{Gloas, "PendingDeposit"},
	}
	for _, tc := range tests {
		f, _ := Lookup(tc.fork)
		s := mustSchemas(t, tc.fork, PresetMainnet)
		p := mustSchemas(t, f.Parent, PresetMainnet)
		if s.Get(tc.typ) != p.Get(tc.typ) {
			t.Errorf("%s.%s is not its parent's", tc.fork, tc.typ)
		}
	}
	// and changed types are new
	if mustSchemas(t, Fulu, PresetMainnet).BeaconState == mustSchemas(t, Electra, PresetMainnet).BeaconState {
		t.Error("fulu BeaconState is electra's")
	}
}

func TestDescends(t *testing.T) {
	tests := []struct {
		fork, ancestor string
		want           bool
	}{
		{Gloas, Capella, true},
		{Gloas, Gloas, true},
		{Capella, Gloas, false},
		{Phase0, Phase0, true},
		{Altair, "nope", false},
	}
	for _, tc := range tests {
		f, _ := Lookup(tc.fork)
		if got := f.Descends(tc.ancestor); got != tc.want {
			t.Errorf("%s.Descends(%s) = %v", tc.fork, tc.ancestor, got)
		}
	}
}

func TestFeatures(t *testing.T) {
	all := []Feature{PayloadInBlock, PayloadInEnvelope, Withdrawals, HistoricalSummaries, BeaconRoots, ProgressiveRegistry}
	tests := []struct {
		fork string
		want []Feature
	}{
		{Phase0, nil},
		{Altair, nil},
		{Bellatrix, []Feature{PayloadInBlock}},
		{Capella, []Feature{PayloadInBlock, Withdrawals, HistoricalSummaries}},
		{Deneb, []Feature{PayloadInBlock, Withdrawals, HistoricalSummaries, BeaconRoots}},
		{Fulu, []Feature{PayloadInBlock, Withdrawals, HistoricalSummaries, BeaconRoots}},
		{Gloas, []Feature{Withdrawals, HistoricalSummaries, BeaconRoots, PayloadInEnvelope, ProgressiveRegistry}},
	}
	for _, tc := range tests {
		f, err := Lookup(tc.fork)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Features(); !slices.Equal(got, tc.want) {
			t.Errorf("%s.Features() = %v, want %v", tc.fork, got, tc.want)
		}
		for _, x := range all {
			if got, want := f.Has(x), slices.Contains(tc.want, x); got != want {
				t.Errorf("%s.Has(%s) = %v, want %v", tc.fork, x, got, want)
			}
		}
	}
	// A fork that is not registered inherits from its registered parent.
	heze := &Fork{Name: "heze-unregistered", Parent: Gloas, Drops: []Feature{ProgressiveRegistry}, Adds: []Feature{"inclusion-lists"}}
	if !heze.Has(PayloadInEnvelope) || heze.Has(ProgressiveRegistry) || !heze.Has("inclusion-lists") || heze.Has(PayloadInBlock) {
		t.Errorf("unregistered child of gloas: features %v", heze.Features())
	}
}

// registerOnce registers f, tolerating a second registration when the
// tests run more than once in one process (go test -count=2).
func registerOnce(t *testing.T, f Fork) *Fork {
	t.Helper()
	if err := Register(f); err != nil && !errors.Is(err, ErrForkExists) {
		t.Fatalf("Register(%s): %v", f.Name, err)
	}
	r, err := Lookup(f.Name)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestRegisterMadeUpFork registers, through the public API, a fork whose
// BeaconState has one more field than fulu's, and checks that its schemas
// resolve with the new field and share every other type with fulu.
func TestRegisterMadeUpFork(t *testing.T) {
	f := registerOnce(t, Fork{
		Name:   "fulu-plus",
		Parent: Fulu,
		Build: func(p *Preset, parent *Schemas) *Schemas {
			s := parent.Clone()
			s.BeaconState = parent.BeaconState.WithFields(ssz.F("extra_root", ssz.Bytes32))
			return s
		},
	})
	if !f.Descends(Capella) || f.Parent != Fulu || f.Index() < 8 {
		t.Errorf("fulu-plus: parent %s, index %d", f.Parent, f.Index())
	}
	listed := false
	for _, a := range All() {
		listed = listed || a == f
	}
	if !listed {
		t.Errorf("fulu-plus is not listed by All()")
	}
	for _, preset := range []string{PresetMainnet, PresetMinimal} {
		s, err := f.Schemas(preset)
		if err != nil {
			t.Fatal(err)
		}
		parent := mustSchemas(t, Fulu, preset)
		if s.Fork != "fulu-plus" || s.Preset.Name != preset {
			t.Errorf("schemas say fork %q preset %q", s.Fork, s.Preset.Name)
		}
		st, err := s.ByName("BeaconState")
		if err != nil {
			t.Fatal(err)
		}
		n := len(parent.BeaconState.Fields)
		if len(st.Fields) != n+1 {
			t.Fatalf("%s: BeaconState has %d fields, fulu's %d", preset, len(st.Fields), n)
		}
		extra, ok := st.Field("extra_root")
		if !ok || extra.Type != ssz.Bytes32 || extra.Position != n {
			t.Errorf("%s: extra_root = %+v, %v", preset, extra, ok)
		}
		for i, pf := range parent.BeaconState.Fields {
			if st.Fields[i].Name != pf.Name || st.Fields[i].Type != pf.Type {
				t.Errorf("%s: field %d is %s, fulu has %s", preset, i, st.Fields[i].Name, pf.Name)
			}
		}
		for _, name := range parent.Names() {
			if name == "BeaconState" {
				continue
			}
			if s.Get(name) != parent.Get(name) {
				t.Errorf("%s: %s differs from fulu's", preset, name)
			}
		}
		// 39 fields: a 64-leaf tree, extra_root at leaf 38.
		g, _, err := st.Gindex("extra_root")
		if err != nil {
			t.Fatal(err)
		}
		if g.String() != "102" {
			t.Errorf("%s: extra_root gindex %s, want 102", preset, g)
		}
	}
	if _, err := FromConsensusVersionHeader("Fulu-Plus"); err != nil {
		t.Errorf("consensus version header: %v", err)
	}
}

func TestRegisterErrors(t *testing.T) {
	build := func(p *Preset, parent *Schemas) *Schemas { return parent.Clone() }
	tests := []struct {
		name string
		f    Fork
		want error
	}{
		{"duplicate", Fork{Name: Deneb, Parent: Capella, Build: build}, ErrForkExists},
		{"unknown parent", Fork{Name: "orphan", Parent: "nope", Build: build}, ErrUnknownFork},
		{"no build", Fork{Name: "nobuild", Parent: Fulu}, nil},
		{"empty name", Fork{Parent: Fulu, Build: build}, nil},
		{"space in name", Fork{Name: " x", Parent: Fulu, Build: build}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := Register(tc.f)
			if err == nil {
				t.Fatal("Register succeeded")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestBuildErrors checks that a Build that panics or returns nothing gives
// an error naming the fork and the preset, for every preset.
func TestBuildErrors(t *testing.T) {
	panics := registerOnce(t, Fork{
		Name:   "broken-panics",
		Parent: Fulu,
		Build: func(p *Preset, parent *Schemas) *Schemas {
			s := parent.Clone()
			s.BeaconState = parent.BeaconState.Replace("no_such_field", ssz.Bytes32)
			return s
		},
	})
	nothing := registerOnce(t, Fork{
		Name:   "broken-nil",
		Parent: Fulu,
		Build:  func(p *Preset, parent *Schemas) *Schemas { return nil },
	})
	child := registerOnce(t, Fork{
		Name:   "broken-child",
		Parent: "broken-nil",
		Build:  func(p *Preset, parent *Schemas) *Schemas { return parent.Clone() },
	})
	for _, f := range []*Fork{panics, nothing, child} {
		for i := 0; i < 2; i++ { // the error is cached, not rebuilt
			_, err := f.Schemas(PresetMinimal)
			if err == nil || !strings.Contains(err.Error(), f.Name) || !strings.Contains(err.Error(), PresetMinimal) {
				t.Errorf("%s: err = %v", f.Name, err)
			}
		}
	}
}

func TestFromConsensusVersionHeader(t *testing.T) {
	tests := []struct {
		header string
		want   string
	}{
		{"phase0", Phase0},
		{"deneb", Deneb},
		{"Electra", Electra},
		{" fulu\n", Fulu},
		{"gloas", Gloas},
		{"", ""},
		{"heze", ""},
	}
	for _, tc := range tests {
		f, err := FromConsensusVersionHeader(tc.header)
		if tc.want == "" {
			if !errors.Is(err, ErrUnknownFork) {
				t.Errorf("%q: err = %v, want ErrUnknownFork", tc.header, err)
			}
			continue
		}
		if err != nil || f.Name != tc.want {
			t.Errorf("%q: %v, %v", tc.header, f, err)
		}
	}
}

// TestBuildInconsistent checks that Schemas refuses a Build that changes
// a type without rebuilding the types that hold it, or that lacks what
// the fork's features promise, naming the inconsistency.
func TestBuildInconsistent(t *testing.T) {
	bid := func(parent *Schemas) *ssz.Type {
		return parent.ExecutionPayloadBid.WithFields(ssz.F("inclusion_list_bits", ssz.Bitvector(16)))
	}
	tests := []struct {
		f    Fork
		want string
	}{
		{Fork{Name: "inconsistent-bid", Parent: Gloas, Build: func(p *Preset, parent *Schemas) *Schemas {
			s := parent.Clone()
			s.ExecutionPayloadBid = bid(parent) // the state, the signed bid and the block still hold the old one
			return s
		}}, "BeaconState.latest_execution_payload_bid is not the schemas' ExecutionPayloadBid"},
		{Fork{Name: "inconsistent-signed-bid", Parent: Gloas, Build: func(p *Preset, parent *Schemas) *Schemas {
			s := parent.Clone()
			s.ExecutionPayloadBid = bid(parent)
			s.BeaconState = parent.BeaconState.Replace("latest_execution_payload_bid", s.ExecutionPayloadBid)
			return s
		}}, "SignedExecutionPayloadBid.message is not the schemas' ExecutionPayloadBid"},
		{Fork{Name: "inconsistent-block", Parent: Deneb, Build: func(p *Preset, parent *Schemas) *Schemas {
			s := parent.Clone()
			s.BeaconBlockBody = parent.BeaconBlockBody.WithFields(ssz.F("extra", ssz.Bytes32))
			s.BeaconBlock = parent.BeaconBlock.Replace("body", s.BeaconBlockBody) // but not SignedBeaconBlock
			return s
		}}, "SignedBeaconBlock.message is not the schemas' BeaconBlock"},
		{Fork{Name: "inconsistent-feature", Parent: Altair, Adds: []Feature{PayloadInBlock},
			Build: func(p *Preset, parent *Schemas) *Schemas { return parent.Clone() }},
			"the fork has payload-in-block but its BeaconBlockBody has no execution_payload"},
	}
	for _, tc := range tests {
		f := registerOnce(t, tc.f)
		_, err := f.Schemas(PresetMainnet)
		if !errors.Is(err, ErrInconsistent) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), f.Name) {
			t.Errorf("%s: err = %v, want ErrInconsistent saying %q", f.Name, err, tc.want)
		}
	}
	// Every built-in fork is consistent in every preset.
	for _, f := range All()[:len(builtinForks)] {
		for _, p := range []string{PresetMainnet, PresetMinimal} {
			if _, err := f.Schemas(p); err != nil {
				t.Errorf("%s %s: %v", f.Name, p, err)
			}
		}
	}
}
