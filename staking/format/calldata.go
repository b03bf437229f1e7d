package format

import (
	"bytes"
	"fmt"
	"regexp"
	"strconv"

	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
)

// CalldataDocument is the "calldata" format: the Rocket Pool, EigenLayer or
// Lido structs ABI-encoded (abi.encode of the struct, as go-ethereum's abi
// package packs it), each with its Solidity declaration and tuple type, and
// the complete calldata (selector and arguments) of the verifier functions
// that take them, ready to send or to sign offline:
//
//   - rocketpool: verifySlot(uint64 _slotTimestamp, SlotProof),
//     verifyValidator(uint64 _slotTimestamp, uint64 _slot, ValidatorProof),
//     verifyWithdrawal(uint64 _slotTimestamp, uint64 _slot, WithdrawalProof);
//   - eigenlayer: EigenPod.verifyWithdrawalCredentials(uint64
//     beaconTimestamp, StateRootProof, uint40[] validatorIndices, bytes[]
//     validatorFieldsProofs, bytes32[][] validatorFields),
//     EigenPod.verifyStaleBalance(uint64 beaconTimestamp, StateRootProof,
//     ValidatorProof) of each slashed validator, and
//     EigenPod.verifyCheckpointProofs(BalanceContainerProof, BalanceProof[]);
//   - lido: CSVerifier.processWithdrawalProof(ProvableBeaconBlockHeader,
//     WithdrawalWitness, uint256 nodeOperatorId, uint256 keyIndex) or
//     processHistoricalWithdrawalProof(ProvableBeaconBlockHeader,
//     HistoricalHeaderWitness, WithdrawalWitness, nodeOperatorId, keyIndex).
//
// Calls that need the EIP-4788 timestamp (lido: the node operator and key
// index) are left out when it is unknown.
// Rocket Pool values also include ValidatorProofBundleV1{validatorProof,
// slotProof}, the payload of the newer verifyValidator(_slotTimestamp,
// _proofVersion, _proofData).
type CalldataDocument struct {
	Fmt       Name   `json:"format"`
	Protocol  Name   `json:"protocol"`
	Fork      string `json:"fork"`
	Preset    string `json:"preset"`
	Network   string `json:"network,omitempty"`
	BlockFork string `json:"blockFork,omitempty"`
	// NetworkConfig is the network's facts, when the prover knew them.
	NetworkConfig *NetworkConfig `json:"networkConfig,omitempty"`
	Anchor        staking.Anchor `json:"anchor"`
	// Key is, for lido, the validator's key that CSVerifier reads from its
	// module, and the node operator and key index its functions take.
	Key    *LidoKey        `json:"key,omitempty"`
	Values []CalldataValue `json:"values"`
	Calls  []CalldataCall  `json:"calls"`
	Note   string          `json:"note,omitempty"`
}

// CalldataValue is one ABI-encoded struct.
type CalldataValue struct {
	// Name is the struct's place in the protocol's document
	// ("validatorProofs[0]").
	Name string `json:"name"`
	// Struct is the Solidity declaration
	// ("SlotProof(uint64 slot,bytes32[] witnesses)").
	Struct string `json:"struct"`
	// Type is the ABI tuple type ("(uint64,bytes32[])").
	Type string `json:"type"`
	// ValidatorIndex is the validator of a struct that does not hold its
	// index (EigenLayer's ValidatorProof and BalanceProof, Rocket Pool's
	// ValidatorBalanceProof); the contract takes it as another argument.
	ValidatorIndex *U64 `json:"validatorIndex,omitempty"`
	// Data is abi.encode(value).
	Data HexBytes `json:"data"`
}

// CalldataCall is the calldata of one verifier function.
type CalldataCall struct {
	// Function is the signature, "verifySlot(uint64,(uint64,bytes32[]))".
	Function string `json:"function"`
	// Selector is the first 4 bytes of keccak256(Function).
	Selector HexBytes `json:"selector"`
	// Data is the selector followed by the ABI-encoded arguments.
	Data HexBytes `json:"data"`
}

// Format returns Calldata.
func (d *CalldataDocument) Format() Name { return Calldata }

// NewCalldata returns the calldata of the input's claims as the protocol's
// structs (rocketpool, eigenlayer or lido; "" means rocketpool), verified.
func NewCalldata(in Input, protocol Name) (*CalldataDocument, error) {
	if protocol == "" {
		protocol = RocketPool
	}
	p, ok := protocolFormatOf(protocol)
	if !ok {
		_, err := ParseProtocol(string(protocol))
		return nil, err
	}
	doc, err := p.emit(in)
	if err != nil {
		return nil, err
	}
	return CalldataOf(doc)
}

// CalldataOf returns the calldata of a Rocket Pool, EigenLayer or Lido
// document, verified.
func CalldataOf(doc Document) (*CalldataDocument, error) {
	var d *CalldataDocument
	for _, p := range protocolFormats() {
		if d = p.calldata(doc); d != nil {
			break
		}
	}
	if d == nil {
		return nil, fmt.Errorf("format: calldata: %w: a %s document", ErrUnsupported, doc.Format())
	}
	var err error
	if d.Values, d.Calls, d.Note, err = encodeDoc(doc); err != nil {
		return nil, fmt.Errorf("format: calldata: %w", err)
	}
	if err := d.Verify(); err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	return d, nil
}

const noTimestamp = "the EIP-4788 timestamp of the anchor is unknown, so the calls that take it are left out (prove with --timestamp)"

func u64p(v uint64) *U64 { u := U64(v); return &u }

// calldataBuilder collects the values and calls of a calldata document.
type calldataBuilder struct {
	values []CalldataValue
	calls  []CalldataCall
	note   string
}

// value adds abi.encode(v) of the struct s under name; index is the
// validator of a struct that does not hold it.
func (b *calldataBuilder) value(name string, s solStruct, index *U64, v any) error {
	data, err := s.encode(v)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	b.values = append(b.values, CalldataValue{Name: name, Struct: s.decl(), Type: s.typ().String(), ValidatorIndex: index, Data: data})
	return nil
}

// call adds the calldata of the function m with args.
func (b *calldataBuilder) call(m method, args ...any) error {
	c, err := m.call(args...)
	if err == nil {
		b.calls = append(b.calls, c)
	}
	return err
}

// encodeDoc returns the values and calls of a protocol document.
func encodeDoc(doc Document) (values []CalldataValue, calls []CalldataCall, note string, err error) {
	for _, p := range protocolFormats() {
		if p.calldata(doc) == nil {
			continue
		}
		var b calldataBuilder
		if err := p.encode(doc, &b); err != nil {
			return nil, nil, "", err
		}
		if b.calls == nil {
			b.calls = []CalldataCall{}
		}
		return b.values, b.calls, b.note, nil
	}
	return nil, nil, "", fmt.Errorf("%w: a %s document", ErrUnsupported, doc.Format())
}

var valueName = regexp.MustCompile(`^([A-Za-z]+)(?:\[(\d+)\])?$`)

// calldataItem is one value of a calldata document, its name parsed:
// "validatorProofs[2]" is list "validatorProofs", k 2 (-1 without an
// index).
type calldataItem struct {
	CalldataValue
	list string
	k    int
}

func parseItem(v CalldataValue) (calldataItem, error) {
	m := valueName.FindStringSubmatch(v.Name)
	if m == nil {
		return calldataItem{}, fmt.Errorf("%w: unknown value name", proof.ErrMalformed)
	}
	it := calldataItem{CalldataValue: v, list: m[1], k: -1}
	if m[2] != "" {
		n, err := strconv.Atoi(m[2])
		if err != nil {
			return calldataItem{}, fmt.Errorf("%w: unknown value name", proof.ErrMalformed)
		}
		it.k = n
	}
	return it, nil
}

// next checks that list values come in order: this one is the n-th.
func (it calldataItem) next(n int) error {
	if it.k != n {
		return fmt.Errorf("%w: expected %s[%d]", proof.ErrMalformed, it.list, n)
	}
	return nil
}

// index returns the value's validatorIndex, which it must have.
func (it calldataItem) index() (uint64, error) {
	if it.ValidatorIndex == nil {
		return 0, fmt.Errorf("%w: no validatorIndex", proof.ErrMalformed)
	}
	return uint64(*it.ValidatorIndex), nil
}

// errUnknownValue is the error about a value name the protocol has not.
var errUnknownValue = fmt.Errorf("%w: unknown value name", proof.ErrMalformed)

// decode rebuilds the protocol document from the values that carry its
// proofs (bundles are checked by Verify's re-encoding).
func (d *CalldataDocument) decode() (Document, error) {
	p, ok := protocolFormatOf(d.Protocol)
	if !ok {
		_, err := ParseProtocol(string(d.Protocol))
		if len(d.Values) == 0 {
			// As before: an unknown protocol fails on its first value.
			return (&RocketPoolDocument{Fmt: RocketPool, Fork: d.Fork, Preset: d.Preset, Network: d.Network, BlockFork: d.BlockFork,
				NetworkConfig: d.NetworkConfig, Anchor: d.Anchor}), nil
		}
		return nil, itemErr(fmt.Sprintf("values[%d] (%s)", 0, d.Values[0].Name), err)
	}
	doc, add := p.decoder(d)
	for i, v := range d.Values {
		it, err := parseItem(v)
		if err == nil {
			err = add(it)
		}
		if err != nil {
			return nil, itemErr(fmt.Sprintf("values[%d] (%s)", i, v.Name), err)
		}
	}
	return doc, nil
}

// Verify decodes the values that carry proofs into the protocol's document
// and verifies it (leaves from the decoded fields, gindices from the fork
// and indices), then checks that every value and call is exactly the
// encoding of that document: a tampered byte anywhere fails.
func (d *CalldataDocument) Verify() error { return verifyDoc(Calldata, d.Anchor, d.verify) }

// verify checks the values and calls, the anchor checked.
func (d *CalldataDocument) verify() error {
	doc, err := d.decode()
	if err != nil {
		return err
	}
	if err := doc.Verify(); err != nil {
		return err
	}
	values, calls, _, err := encodeDoc(doc)
	if err != nil {
		return err
	}
	if len(values) != len(d.Values) {
		return fmt.Errorf("%w: %d values, the proofs they carry encode to %d", proof.ErrMalformed, len(d.Values), len(values))
	}
	for i, want := range values {
		got := d.Values[i]
		switch {
		case got.Name != want.Name:
			return itemErr(fmt.Sprintf("values[%d] (%s)", i, got.Name), fmt.Errorf("%w: expected %s", proof.ErrMalformed, want.Name))
		case got.Type != want.Type || got.Struct != want.Struct:
			return itemErr(fmt.Sprintf("values[%d] (%s)", i, got.Name), fmt.Errorf("%w: type %s, want %s", proof.ErrMalformed, got.Type, want.Type))
		case !bytes.Equal(got.Data, want.Data):
			return itemErr(fmt.Sprintf("values[%d] (%s)", i, got.Name), fmt.Errorf("%w: the data is not the canonical encoding of the proofs the document carries", proof.ErrMalformed))
		}
	}
	if len(calls) != len(d.Calls) {
		return fmt.Errorf("%w: %d calls, the values and the anchor's timestamp give %d", proof.ErrMalformed, len(d.Calls), len(calls))
	}
	for i, want := range calls {
		got := d.Calls[i]
		if got.Function != want.Function || !bytes.Equal(got.Selector, want.Selector) || !bytes.Equal(got.Data, want.Data) {
			return itemErr(fmt.Sprintf("calls[%d] (%s)", i, got.Function), fmt.Errorf("%w: not the calldata of %s with the document's values and anchor", proof.ErrMalformed, want.Function))
		}
	}
	return nil
}
