package format_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
	"github.com/beaconproof/beaconproof/staking/format"
	"github.com/beaconproof/beaconproof/testdata"
)

var (
	fixtureOnce sync.Once
	fixtureSP   *staking.StateProver
	fixtureErr  error
)

// stateProver returns a StateProver of the embedded fulu state anchored to
// its block.
func stateProver(t testing.TB) *staking.StateProver {
	t.Helper()
	fixtureOnce.Do(func() {
		obj, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconState", testdata.FuluState())
		if err != nil {
			fixtureErr = err
			return
		}
		p, err := beaconstate.NewProver(obj)
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureSP, fixtureErr = staking.NewStateProver(p, staking.AnchorBlock)
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureSP
}

const timestamp = 1606824023 + 13_165_001*12 // the child slot's time

// input returns the claims of the slot, validators 2 and 7 and the
// balances of 2 and 7.
func input(t testing.TB) format.Input {
	t.Helper()
	sp := stateProver(t)
	in := format.Input{Fork: fork.Fulu, Preset: "mainnet", Anchor: sp.Anchor()}
	in.Anchor.Timestamp = timestamp
	c, err := sp.SlotProof()
	if err != nil {
		t.Fatal(err)
	}
	in.Claims = append(in.Claims, c)
	vs, err := sp.Validators([]uint64{2, 7})
	if err != nil {
		t.Fatal(err)
	}
	in.Claims = append(in.Claims, vs...)
	for _, i := range []uint64{2, 7} {
		c, err := sp.Balance(i)
		if err != nil {
			t.Fatal(err)
		}
		in.Claims = append(in.Claims, c)
	}
	return in
}

func emit(t *testing.T, in format.Input, name, protocol format.Name) []byte {
	t.Helper()
	d, err := format.Emit(in, name, protocol)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	b, err := format.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseVerify(t *testing.T, b []byte, want format.Name) {
	t.Helper()
	d, err := format.Parse(b)
	if err != nil {
		t.Fatalf("parse %s: %v", want, err)
	}
	if d.Format() != want {
		t.Fatalf("parsed as %s, want %s", d.Format(), want)
	}
	if err := d.Verify(); err != nil {
		t.Fatalf("verify %s: %v", want, err)
	}
	// The document marshals back to the same bytes.
	again, err := format.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, b) {
		t.Errorf("%s: re-marshaled document differs:\n%s\nvs\n%s", want, again, b)
	}
}

func TestRoundTrip(t *testing.T) {
	in := input(t)
	for _, c := range []struct{ name, protocol format.Name }{
		{format.JSON, ""}, {format.RocketPool, ""}, {format.EigenLayer, ""},
		{format.Calldata, format.RocketPool}, {format.Calldata, format.EigenLayer},
	} {
		t.Run(string(c.name)+"/"+string(c.protocol), func(t *testing.T) {
			b := emit(t, in, c.name, c.protocol)
			parseVerify(t, b, c.name)
		})
	}
}

// TestJSONIsAProofSet checks that the json format still reads as the
// generic proof set, rooted at the anchor: its proofs verify as such, but
// not its paths, which name state fields below a block anchor while a
// ProofSet reads them in its type (the block) and knows no anchors.
func TestJSONIsAProofSet(t *testing.T) {
	in := input(t)
	b := emit(t, in, format.JSON, "")
	var set beaconstate.ProofSet
	if err := json.Unmarshal(b, &set); err != nil {
		t.Fatal(err)
	}
	if err := set.Verify(); !errors.Is(err, beaconstate.ErrPathMismatch) || !strings.Contains(err.Error(), `"slot" is gindex 8 in the mainnet fulu BeaconBlock`) {
		t.Fatalf("a block-anchored document as a ProofSet: %v, want the state path \"slot\" not to be the block's", err)
	}
	unchecked := set
	unchecked.Fork = ""
	if err := unchecked.Verify(); err != nil {
		t.Fatal(err)
	}
	if set.Root != in.Anchor.Root || set.Type != "BeaconBlock" || len(set.Proofs) != len(in.Claims) {
		t.Fatalf("root %x type %s, %d proofs", set.Root, set.Type, len(set.Proofs))
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	a := doc["anchor"].(map[string]any)
	if a["kind"] != "block" || a["slot"] != "13165000" || a["timestamp"] != "1764804035" {
		t.Errorf("anchor %v", a)
	}
	p0 := doc["proofs"].([]any)[0].(map[string]any)
	if p0["kind"] != "slot" || p0["value"] != "13165000" {
		t.Errorf("first proof %v", p0)
	}
}

// TestRocketPoolShape checks the field names of Rocket Pool's structs.
func TestRocketPoolShape(t *testing.T) {
	b := emit(t, input(t), format.RocketPool, "")
	var doc struct {
		Anchor          map[string]any   `json:"anchor"`
		SlotProof       map[string]any   `json:"slotProof"`
		ValidatorProofs []map[string]any `json:"validatorProofs"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	if doc.SlotProof["slot"] != "13165000" || len(doc.SlotProof["witnesses"].([]any)) == 0 {
		t.Errorf("slotProof %v", doc.SlotProof)
	}
	if len(doc.ValidatorProofs) != 2 {
		t.Fatalf("%d validator proofs", len(doc.ValidatorProofs))
	}
	v := doc.ValidatorProofs[1]["validator"].(map[string]any)
	for _, k := range []string{"pubkey", "withdrawalCredentials", "effectiveBalance", "slashed", "activationEligibilityEpoch", "activationEpoch", "exitEpoch", "withdrawableEpoch"} {
		if _, ok := v[k]; !ok {
			t.Errorf("validator lacks %s: %v", k, v)
		}
	}
	if doc.ValidatorProofs[1]["validatorIndex"] != "7" || len(doc.ValidatorProofs[1]["witnesses"].([]any)) != 3+6+41 {
		t.Errorf("validator proof %v", doc.ValidatorProofs[1])
	}
}

// TestEigenLayerShape checks the proofs' lengths: EigenLayer's library
// requires 32·3 bytes for the state root proof, 32·(41+6) for a validator
// (a post-electra state has 6 levels), 32·(3+6) for the balances container
// and 32·39 for a balance.
func TestEigenLayerShape(t *testing.T) {
	d, err := format.NewEigenLayer(input(t))
	if err != nil {
		t.Fatal(err)
	}
	if n := len(d.StateRootProof.Proof); n != 32*3 {
		t.Errorf("state root proof: %d bytes", n)
	}
	for _, p := range d.ValidatorProofs {
		if n := len(p.Proof); n != 32*47 || len(p.ValidatorFields) != 8 {
			t.Errorf("validator %d: %d bytes, %d fields", p.ValidatorIndex, n, len(p.ValidatorFields))
		}
	}
	if n := len(d.BalanceContainerProof.Proof); n != 32*9 {
		t.Errorf("balance container proof: %d bytes", n)
	}
	for _, p := range d.BalanceProofs {
		if n := len(p.Proof); n != 32*39 {
			t.Errorf("balance %d: %d bytes", p.ValidatorIndex, n)
		}
		if p.PubkeyHash != d.ValidatorProofs[0].ValidatorFields[0] && p.PubkeyHash != d.ValidatorProofs[1].ValidatorFields[0] {
			t.Errorf("balance %d: pubkeyHash %s", p.ValidatorIndex, p.PubkeyHash)
		}
	}
}

// TestCalldata checks the ABI types, the selectors and the calls.
func TestCalldata(t *testing.T) {
	in := input(t)
	d, err := format.NewCalldata(in, format.RocketPool)
	if err != nil {
		t.Fatal(err)
	}
	if d.Values[0].Name != "slotProof" || d.Values[0].Type != "(uint64,bytes32[])" || d.Values[0].Struct != "SlotProof(uint64 slot,bytes32[] witnesses)" {
		t.Errorf("values[0] = %+v", d.Values[0])
	}
	var fns []string
	for _, c := range d.Calls {
		fns = append(fns, c.Function)
		if !bytes.HasPrefix(c.Data, c.Selector) || len(c.Selector) != 4 {
			t.Errorf("%s: selector %x", c.Function, c.Selector)
		}
	}
	want := []string{
		"verifySlot(uint64,(uint64,bytes32[]))",
		"verifyValidator(uint64,uint64,(uint40,(bytes,bytes32,uint64,bool,uint64,uint64,uint64,uint64),bytes32[]))",
		"verifyValidator(uint64,uint64,(uint40,(bytes,bytes32,uint64,bool,uint64,uint64,uint64,uint64),bytes32[]))",
	}
	if strings.Join(fns, " ") != strings.Join(want, " ") {
		t.Errorf("calls %v", fns)
	}
	el, err := format.NewCalldata(in, format.EigenLayer)
	if err != nil {
		t.Fatal(err)
	}
	fns = nil
	for _, c := range el.Calls {
		fns = append(fns, c.Function)
	}
	want = []string{
		"verifyWithdrawalCredentials(uint64,(bytes32,bytes),uint40[],bytes[],bytes32[][])",
		"verifyCheckpointProofs((bytes32,bytes),(bytes32,bytes32,bytes)[])",
	}
	if strings.Join(fns, " ") != strings.Join(want, " ") {
		t.Errorf("eigenlayer calls %v", fns)
	}
	// EigenPod's verifyWithdrawalCredentials selector as its bindings print it.
	if got := el.Calls[0].Selector; !bytes.Equal(got, []byte{0x3f, 0x65, 0xcf, 0x19}) {
		t.Errorf("verifyWithdrawalCredentials selector %x, want 3f65cf19", got)
	}
	// Without the timestamp, calls that need it are left out.
	in.Anchor.Timestamp = 0
	d, err = format.NewCalldata(in, format.RocketPool)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Calls) != 0 || d.Note == "" {
		t.Errorf("calls %v note %q", d.Calls, d.Note)
	}
}

// TestTamper flips bytes of every emitted document and expects Verify to
// fail.
func TestTamper(t *testing.T) {
	in := input(t)
	for _, c := range []struct {
		name, protocol format.Name
		edit           func(string) string
	}{
		{format.JSON, "", func(s string) string { return replaceNth(s, `"value": "13165000"`, `"value": "13165001"`) }},
		{format.JSON, "", func(s string) string { return strings.Replace(s, `"slashed": false`, `"slashed": true`, 1) }},
		{format.RocketPool, "", func(s string) string { return strings.Replace(s, `"slot": "13165000"`, `"slot": "13165001"`, 1) }},
		{format.RocketPool, "", func(s string) string {
			return strings.Replace(s, `"validatorIndex": "7"`, `"validatorIndex": "9"`, 1)
		}},
		{format.RocketPool, "", func(s string) string {
			return strings.Replace(s, `"exitEpoch": "18446744073709551615"`, `"exitEpoch": "1"`, 1)
		}},
		{format.EigenLayer, "", func(s string) string { return strings.Replace(s, `"validatorIndex": "2"`, `"validatorIndex": "3"`, 1) }},
		{format.EigenLayer, "", func(s string) string { return strings.Replace(s, `"balance": "`, `"balance": "1`, 1) }},
		{format.Calldata, format.RocketPool, func(s string) string { return flipLastHex(s, `"data": "0x`) }},
		{format.Calldata, format.EigenLayer, func(s string) string { return flipLastHex(s, `"data": "0x`) }},
	} {
		b := string(emit(t, in, c.name, c.protocol))
		bad := c.edit(b)
		if bad == b {
			t.Fatalf("%s: the edit changed nothing", c.name)
		}
		d, err := format.Parse([]byte(bad))
		if err != nil {
			continue // refused while parsing: fine too
		}
		if err := d.Verify(); err == nil {
			t.Errorf("%s/%s: a tampered document verifies", c.name, c.protocol)
		}
	}
}

func replaceNth(s, old, new string) string { return strings.Replace(s, old, new, 1) }

// flipLastHex changes the last hex digit of the first string that starts
// with prefix.
func flipLastHex(s, prefix string) string {
	i := strings.Index(s, prefix)
	if i < 0 {
		return s
	}
	j := i + len(prefix) + strings.IndexByte(s[i+len(prefix):], '"') - 1
	c := byte('0')
	if s[j] == '0' {
		c = '1'
	}
	return s[:j] + string(c) + s[j+1:]
}

func TestUnsupported(t *testing.T) {
	sp := stateProver(t)
	c, err := sp.ValidatorField(7, "exit_epoch")
	if err != nil {
		t.Fatal(err)
	}
	in := format.Input{Fork: fork.Fulu, Anchor: sp.Anchor(), Claims: []staking.Claim{c}}
	for _, n := range []format.Name{format.RocketPool, format.EigenLayer} {
		if _, err := format.Emit(in, n, ""); !errors.Is(err, format.ErrUnsupported) {
			t.Errorf("%s: %v", n, err)
		}
	}
	if _, err := format.Emit(in, format.JSON, ""); err != nil {
		t.Errorf("json: %v", err)
	}
	in.Anchor.Kind = staking.AnchorState
	if _, err := format.Emit(in, format.RocketPool, ""); !errors.Is(err, format.ErrUnsupported) {
		t.Errorf("state anchor: %v", err)
	}
}

// TestProtocolVectors verifies the real Rocket Pool and EigenLayer proofs
// of the shared vectors, recomputing leaves from their values and
// gindices from their forks and indices, and as Rocket Pool documents.
func TestProtocolVectors(t *testing.T) {
	files, _ := filepath.Glob(vectors.Path(t, "protocols", "*.json"))
	if len(files) == 0 {
		t.Fatal("no protocol vectors")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		d, err := format.Parse(b)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if _, ok := d.(*format.VectorsDocument); !ok {
			t.Fatalf("%s parsed as %T", f, d)
		}
		if err := d.Verify(); err != nil {
			t.Errorf("%s: %v", f, err)
		}
		// A wrong leaf value is caught.
		bad := bytes.Replace(b, []byte(`"amount": "19165416"`), []byte(`"amount": "19165417"`), 1)
		if !bytes.Equal(bad, b) {
			d, err := format.Parse(bad)
			if err != nil {
				t.Fatal(err)
			}
			if err := d.Verify(); err == nil || !strings.Contains(err.Error(), "rp_withdrawal_11825974_0") {
				t.Errorf("tampered amount: %v", err)
			}
		}
	}
	t.Run("as-rocketpool", func(t *testing.T) { rocketPoolFromVectors(t) })
}

// rpVector is a case of rocketpool-mainnet.json.
type rpVector struct {
	Name   string         `json:"name"`
	Root   string         `json:"root"`
	Slot   uint64         `json:"slot"`
	Branch []string       `json:"branch"`
	Value  map[string]any `json:"value"`
	TS     string         `json:"eip4788_timestamp"`
}

// rocketPoolFromVectors builds Rocket Pool documents from the real mainnet
// cases and verifies them: the slot and validator proofs of slot
// 11821055, the recent and historical withdrawals of slot 11834166.
func rocketPoolFromVectors(t *testing.T) {
	b, err := os.ReadFile(vectors.Path(t, "protocols", "rocketpool-mainnet.json"))
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		Cases []rpVector `json:"cases"`
	}
	if err := json.Unmarshal(b, &file); err != nil {
		t.Fatal(err)
	}
	byName := map[string]int{}
	for i, c := range file.Cases {
		byName[c.Name] = i
	}
	get := func(name string) rpVector {
		i, ok := byName[name]
		if !ok {
			t.Fatalf("no case %s", name)
		}
		return file.Cases[i]
	}
	slot, val := get("rp_slot_11821055"), get("rp_validator_1060378")
	recent, hist := get("rp_withdrawal_11825974_0"), get("rp_historical_withdrawal_11813956_0")
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	doc1 := `{"format": "rocketpool", "fork": "electra", "preset": "mainnet", "network": "mainnet",
	  "anchor": {"kind": "block", "root": "` + slot.Root + `", "slot": "11821055", "timestamp": "` + slot.TS + `"},
	  "slotProof": {"slot": "11821055", "witnesses": ` + js(slot.Branch) + `},
	  "validatorProofs": [{"validatorIndex": "1060378", "validator": {
	    "pubkey": "` + val.Value["pubkey"].(string) + `",
	    "withdrawalCredentials": "` + val.Value["withdrawal_credentials"].(string) + `",
	    "effectiveBalance": "32000000000", "slashed": false,
	    "activationEligibilityEpoch": "246886", "activationEpoch": "247130",
	    "exitEpoch": "18446744073709551615", "withdrawableEpoch": "18446744073709551615"},
	    "witnesses": ` + js(val.Branch) + `}]}`
	w := func(c rpVector) string {
		v := c.Value
		return `{"withdrawalSlot": "` + v["withdrawal_slot"].(string) + `", "withdrawalNum": "0", "withdrawal": {
		  "index": "` + v["index"].(string) + `", "validatorIndex": "` + v["validator_index"].(string) + `",
		  "withdrawalCredentials": "` + v["address"].(string) + `", "amountInGwei": "` + v["amount"].(string) + `"},
		  "witnesses": ` + js(c.Branch) + `}`
	}
	doc2 := `{"format": "rocketpool", "fork": "electra", "preset": "mainnet", "network": "mainnet",
	  "anchor": {"kind": "block", "root": "` + recent.Root + `", "slot": "11834166", "timestamp": "` + recent.TS + `"},
	  "withdrawalProofs": [` + w(recent) + `, ` + w(hist) + `]}`
	for _, doc := range []string{doc1, doc2} {
		d, err := format.Parse([]byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		if err := d.Verify(); err != nil {
			t.Fatalf("real Rocket Pool proofs: %v", err)
		}
		// And as calldata, back and forth.
		cd, err := format.CalldataOf(d)
		if err != nil {
			t.Fatal(err)
		}
		b, err := format.Marshal(cd)
		if err != nil {
			t.Fatal(err)
		}
		parseVerify(t, b, format.Calldata)
	}
	// The historical withdrawal's index into historical_summaries is 684
	// (the vectors' notes); a wrong network offset breaks it.
	bad := strings.Replace(doc2, `"network": "mainnet"`, `"network": "hoodi"`, 1)
	d, err := format.Parse([]byte(bad))
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Verify(); err == nil || !strings.Contains(err.Error(), "withdrawalProofs[1]") {
		t.Errorf("hoodi offset: %v", err)
	}
}

// TestJSONKinds checks the json format's leaf and gindex checks for every
// kind of claim, and that a changed value or path fails.
func TestJSONKinds(t *testing.T) {
	sp := stateProver(t)
	block, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconBlock", testdata.FuluBlock())
	if err != nil {
		t.Fatal(err)
	}
	var claims []staking.Claim
	for _, prove := range []func() (staking.Claim, error){
		sp.SlotProof,
		sp.StateRootProof,
		func() (staking.Claim, error) { return sp.Validator(7) },
		func() (staking.Claim, error) { return sp.ValidatorField(7, "pubkey") },
		func() (staking.Claim, error) { return sp.ValidatorField(7, "slashed") },
		func() (staking.Claim, error) { return sp.Balance(6) },
		func() (staking.Claim, error) { return sp.Participation(3, true) },
		func() (staking.Claim, error) { return sp.PendingDeposit(1) },
		func() (staking.Claim, error) { return sp.Field("finalized_checkpoint.root") },
		func() (staking.Claim, error) { return sp.Field("balances[5]") },
		func() (staking.Claim, error) { return sp.Field("fork") },
		func() (staking.Claim, error) { return sp.BlockField("timestamp") },
		func() (staking.Claim, error) { return staking.ProveBlockField(block, "block_hash") },
		func() (staking.Claim, error) { return staking.ProveBlockField(block, "slot") },
		func() (staking.Claim, error) { return staking.ProveBlockWithdrawal(block, 1) },
	} {
		c, err := prove()
		if err != nil {
			t.Fatal(err)
		}
		if c.Anchor != sp.Anchor() {
			t.Fatalf("%s: anchor %+v, want the state's block %+v", c.Kind, c.Anchor, sp.Anchor())
		}
		claims = append(claims, c)
	}
	in := format.Input{Fork: fork.Fulu, Anchor: sp.Anchor(), Claims: claims}
	b := emit(t, in, format.JSON, "")
	parseVerify(t, b, format.JSON)
	for i := range claims {
		bad := in
		bad.Claims = append([]staking.Claim(nil), claims...)
		raw, err := json.Marshal(claims[i].Value)
		if err != nil {
			t.Fatal(err)
		}
		raw = bump(t, raw)
		if bad.Claims[i].Value, err = claims[i].Kind.ParseValue(raw); err != nil {
			t.Fatalf("%s %s: value %s: %v", claims[i].Kind, claims[i].Path, raw, err)
		}
		if _, err := format.NewJSON(bad); err == nil {
			t.Errorf("%s %s: value %s verifies", claims[i].Kind, claims[i].Path, raw)
		}
	}
	bad := in
	bad.Claims = append([]staking.Claim(nil), claims...)
	bad.Claims[2].Path = "validators[8]"
	if _, err := format.NewJSON(bad); err == nil || !strings.Contains(err.Error(), `"validators[8]" gives`) {
		t.Errorf("another path: %v", err)
	}
}

// bump changes the last hex digit of a value's last string.
func bump(t *testing.T, v json.RawMessage) json.RawMessage {
	t.Helper()
	out := append(json.RawMessage(nil), v...)
	for i := len(out) - 1; i > 0; i-- {
		if out[i] == '"' && strings.IndexByte("0123456789abcdef", out[i-1]) >= 0 && (i+1 == len(out) || out[i+1] != ':') {
			if out[i-1] == '1' {
				out[i-1] = '2'
			} else {
				out[i-1] = '1'
			}
			return out
		}
	}
	t.Fatalf("nothing to change in %s", v)
	return nil
}

// FuzzParse checks that Parse and Verify never panic, whatever the input,
// and that what verifies still verifies after a round trip.
func FuzzParse(f *testing.F) {
	in := input(f)
	for _, c := range []struct{ name, protocol format.Name }{
		{format.JSON, ""}, {format.RocketPool, ""}, {format.EigenLayer, ""},
		{format.Calldata, format.RocketPool}, {format.Calldata, format.EigenLayer},
	} {
		d, err := format.Emit(in, c.name, c.protocol)
		if err != nil {
			f.Fatal(err)
		}
		b, err := json.Marshal(d)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"cases": [{"kind": "validator", "anchor": "block_root", "fork": "electra", "gindex": "2", "leaf": "0x00", "branch": []}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := format.Parse(b)
		if err != nil {
			return
		}
		if err := d.Verify(); err != nil {
			return
		}
		again, err := format.Marshal(d)
		if err != nil {
			t.Fatalf("marshal a verified %s document: %v", d.Format(), err)
		}
		d2, err := format.Parse(again)
		if err != nil {
			t.Fatalf("parse a re-marshaled %s document: %v", d.Format(), err)
		}
		if err := d2.Verify(); err != nil {
			t.Fatalf("a re-marshaled %s document fails: %v", d.Format(), err)
		}
	})
}

// TestJSONBindsPaths checks that a document that names its fork binds
// every proof's path to its gindex (ROB-4): a plain proof's path is read in
// the document's fork, preset and type; a proof with a kind has its path
// and value checked through the anchor; a proof may not carry a value
// without a kind, nor an unknown kind. Without a fork, the paths of plain
// proofs are not checked, and PathsChecked says so.
func TestJSONBindsPaths(t *testing.T) {
	obj, err := beaconstate.NewObject(fork.Fulu, "mainnet", "BeaconState", testdata.FuluState())
	if err != nil {
		t.Fatal(err)
	}
	p, err := beaconstate.NewProver(obj)
	if err != nil {
		t.Fatal(err)
	}
	set, err := p.ProofSet([]string{"slot", "validators[7]", "block_roots[3]"})
	if err != nil {
		t.Fatal(err)
	}
	plain, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	sp := stateProver(t)
	in := input(t)
	sr, err := sp.StateRootProof()
	if err != nil {
		t.Fatal(err)
	}
	in.Claims = append(in.Claims, sr)
	kinded := emit(t, in, format.JSON, "")
	// edit returns doc with f applied to the document and to its proof i.
	edit := func(doc []byte, i int, f func(d, p map[string]any)) []byte {
		var d map[string]any
		if err := json.Unmarshal(doc, &d); err != nil {
			t.Fatal(err)
		}
		f(d, d["proofs"].([]any)[i].(map[string]any))
		b, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	last := len(in.Claims) - 1
	for _, c := range []struct {
		name    string
		doc     []byte
		want    error // nil: verifies
		checked bool  // PathsChecked, when it verifies
		contain string
	}{
		{"plain, genuine", plain, nil, true, ""},
		{"plain, path of another member", edit(plain, 0, func(_, p map[string]any) { p["path"] = "genesis_time" }),
			beaconstate.ErrPathMismatch, false, `proofs[0] (path "genesis_time"): path does not match the gindex: the proof has gindex`},
		{"plain, path of another validator", edit(plain, 1, func(_, p map[string]any) { p["path"] = "validators[8]" }),
			beaconstate.ErrPathMismatch, false, `"validators[8]" is gindex`},
		{"plain, path of no member", edit(plain, 1, func(_, p map[string]any) { p["path"] = "validators[7].nope" }),
			beaconstate.ErrPathMismatch, false, "is no path of the mainnet fulu BeaconState"},
		{"plain, no path", edit(plain, 1, func(_, p map[string]any) { delete(p, "path") }), nil, true, ""},
		{"plain, a value without a kind", edit(plain, 1, func(_, p map[string]any) { p["value"] = map[string]any{"slashed": false} }),
			proof.ErrMalformed, false, "a value without a kind"},
		{"plain, another fork's layout", edit(plain, 0, func(d, _ map[string]any) { d["fork"] = "phase0" }),
			beaconstate.ErrPathMismatch, false, "in the mainnet phase0 BeaconState"},
		{"plain, another preset", edit(plain, 0, func(d, _ map[string]any) { d["preset"] = "minimal" }),
			beaconstate.ErrPathMismatch, false, `"block_roots[3]" is gindex`},
		{"plain, another type", edit(plain, 0, func(d, _ map[string]any) { d["type"] = "BeaconBlock" }),
			beaconstate.ErrPathMismatch, false, "BeaconBlock"},
		{"plain, unknown fork", edit(plain, 0, func(d, _ map[string]any) { d["fork"] = "fuluu" }),
			fork.ErrUnknownFork, false, `"fuluu"`},
		{"plain, no fork", edit(plain, 0, func(d, p map[string]any) { delete(d, "fork"); p["path"] = "genesis_time" }), nil, false, ""},
		{"kinds, genuine", kinded, nil, true, ""},
		{"kinds, path of another validator", edit(kinded, 1, func(_, p map[string]any) { p["path"] = "validators[8]" }),
			beaconstate.ErrPathMismatch, false, `"validators[8]" gives`},
		{"kinds, kind deleted", edit(kinded, 1, func(_, p map[string]any) { delete(p, "kind") }),
			proof.ErrMalformed, false, "a value without a kind"},
		{"kinds, kind and value deleted (a state path below a block)", edit(kinded, 1, func(_, p map[string]any) { delete(p, "kind"); delete(p, "value") }),
			beaconstate.ErrPathMismatch, false, "is no path of the mainnet fulu BeaconBlock"},
		{"kinds, unknown kind", edit(kinded, 1, func(_, p map[string]any) { p["kind"] = "validator2" }),
			proof.ErrMalformed, false, `unknown kind "validator2"`},
		{"kinds, state root with another path", edit(kinded, last, func(_, p map[string]any) { p["path"] = "parent_root" }),
			beaconstate.ErrPathMismatch, false, `not "parent_root"`},
		{"kinds, no fork", edit(kinded, 0, func(d, _ map[string]any) { delete(d, "fork") }),
			proof.ErrMalformed, false, "needs the document's fork"},
	} {
		t.Run(c.name, func(t *testing.T) {
			// A value that no kind says how to read fails already in
			// Parse; the rest in Verify.
			d, err := format.Parse(c.doc)
			if err == nil {
				err = d.Verify()
			} else if c.want == nil {
				t.Fatal(err)
			}
			if c.want == nil {
				if err != nil {
					t.Fatal(err)
				}
				if got := d.(*format.JSONDocument).PathsChecked(); got != c.checked {
					t.Fatalf("PathsChecked = %v, want %v", got, c.checked)
				}
				return
			}
			if !errors.Is(err, c.want) || !strings.Contains(err.Error(), c.contain) {
				t.Fatalf("Parse or Verify = %v, want %v containing %q", err, c.want, c.contain)
			}
		})
	}
}

// TestCheckDeployed says which forks each protocol's deployed verifier
// checks: Rocket Pool's electra and fulu, EigenLayer's deneb to fulu.
func TestCheckDeployed(t *testing.T) {
	for _, tc := range []struct {
		protocol format.Name
		fork     string
		ok       bool
	}{
		{format.RocketPool, "deneb", false},
		{format.RocketPool, "electra", true},
		{format.RocketPool, "fulu", true},
		{format.RocketPool, "gloas", false},
		{format.EigenLayer, "capella", false},
		{format.EigenLayer, "deneb", true},
		{format.EigenLayer, "electra", true},
		{format.EigenLayer, "fulu", true},
		{format.EigenLayer, "gloas", false},
	} {
		err := format.CheckDeployed(tc.protocol, tc.fork)
		if (err == nil) != tc.ok || (err != nil && !errors.Is(err, format.ErrNotDeployed)) {
			t.Errorf("%s on %s: %v, want ok %v", tc.protocol, tc.fork, err, tc.ok)
		}
	}
	if err := format.CheckDeployed("nope", "fulu"); err == nil || errors.Is(err, format.ErrNotDeployed) {
		t.Errorf("unknown protocol: %v", err)
	}
}
