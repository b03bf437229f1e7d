package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
)

// Name names an output format.
type Name string

// The formats.
const (
	JSON       Name = "json"
	RocketPool Name = "rocketpool"
	EigenLayer Name = "eigenlayer"
	Lido       Name = "lido"
	Calldata   Name = "calldata"
)

// protocolFormat is the format of one protocol's structs (one file each:
// rocketpool.go, eigenlayer.go): its document, and the calldata of its
// structs and verifier functions.
type protocolFormat struct {
	name Name
	// emit builds the protocol's document of an input.
	emit func(Input) (Document, error)
	// empty returns an empty document for Parse.
	empty func() Document
	// calldata returns the calldata document of a document of the protocol
	// (without values and calls), or nil for another protocol's document.
	calldata func(Document) *CalldataDocument
	// encode adds the ABI-encoded values and calls of a document of the
	// protocol.
	encode func(Document, *calldataBuilder) error
	// decoder returns an empty document of the protocol, with the calldata
	// document's header, and the function that adds one calldata value to
	// it.
	decoder func(*CalldataDocument) (Document, func(calldataItem) error)
	// deployed reports whether the protocol's deployed verifier can check
	// a document of the fork, and if not, why.
	deployed func(forkName string) error
}

// ErrNotDeployed reports a document that the protocol's deployed verifier
// cannot check: the fork is not one it has indices for.
var ErrNotDeployed = errors.New("the deployed verifier cannot check it")

// CheckDeployed reports, for a protocol's document of the named fork,
// whether the verifier that protocol deploys (the release each protocol's
// file names) can check it. The error wraps ErrNotDeployed and says what
// the verifier takes. A document is still correct when it fails: it
// verifies offline, and against a verifier built for the fork.
func CheckDeployed(protocol Name, forkName string) error {
	p, ok := protocolFormatOf(protocol)
	if !ok {
		return fmt.Errorf("format: unknown protocol %q", protocol)
	}
	if err := p.deployed(forkName); err != nil {
		return fmt.Errorf("format: %s document of %s: %w: %v", protocol, forkName, ErrNotDeployed, err)
	}
	return nil
}

// protocolFormats returns the protocols' formats, in the order the format
// names list them.
func protocolFormats() []protocolFormat {
	return []protocolFormat{rocketPoolFormat(), eigenLayerFormat(), lidoFormat()}
}

// protocolFormatOf returns the format of the protocol of that name.
func protocolFormatOf(n Name) (protocolFormat, bool) {
	for _, p := range protocolFormats() {
		if p.name == n {
			return p, true
		}
	}
	return protocolFormat{}, false
}

// Names returns the formats, the default first: json, the protocols
// (rocketpool, eigenlayer, lido), calldata.
func Names() []Name {
	names := []Name{JSON}
	for _, p := range protocolFormats() {
		names = append(names, p.name)
	}
	return append(names, Calldata)
}

// Protocols returns the protocols whose structs calldata encodes:
// rocketpool, eigenlayer, lido.
func Protocols() []Name {
	var names []Name
	for _, p := range protocolFormats() {
		names = append(names, p.name)
	}
	return names
}

// ParseName parses a format name.
func ParseName(s string) (Name, error) {
	for _, n := range Names() {
		if string(n) == s {
			return n, nil
		}
	}
	return "", fmt.Errorf("format: unknown format %q (want %s)", s, joinNames(Names()))
}

// ParseProtocol parses the protocol whose structs calldata encodes:
// rocketpool, eigenlayer or lido.
func ParseProtocol(s string) (Name, error) {
	if _, ok := protocolFormatOf(Name(s)); ok {
		return Name(s), nil
	}
	ps := Protocols()
	return "", fmt.Errorf("format: unknown protocol %q (want %s or %s)", s, joinNames(ps[:len(ps)-1]), ps[len(ps)-1])
}

func joinNames(ns []Name) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = string(n)
	}
	return strings.Join(s, ", ")
}

// ErrUnsupported reports a claim that a format has no shape for (a
// pending deposit in Rocket Pool's structs, a withdrawal in EigenLayer's,
// a state anchor where a protocol checks block roots, ...).
var ErrUnsupported = errors.New("not expressible in this format")

// Input is what every format is built from: the claims of one StateProver
// (or of ProveBlockField) with their anchor, and what the claims do not
// say.
type Input struct {
	// Fork and Preset are the state's (or, for block fields, the block's);
	// Preset "" means mainnet.
	Fork, Preset string
	// Network names the network ("" means mainnet): its capella era offsets
	// historical_summaries for historical withdrawals.
	Network string
	// NetworkConfig, when set, is the network's facts: the documents that
	// name a network (json, rocketpool, lido, calldata) then carry them
	// (NetworkConfig) and are checked with them instead of the built-in
	// network that Network names, which a devnet or a network from a
	// config.yaml is not.
	NetworkConfig *fork.Network
	// BlockFork is the fork of the withdrawal blocks when it is not Fork.
	BlockFork string
	// Anchor is the root every claim verifies against. Its Timestamp is
	// the EIP-4788 key under which the beacon roots contract stores
	// Anchor.Root (the timestamp of the anchor block's child); 0 when
	// unknown. Calldata of the verifiers' functions needs it.
	Anchor staking.Anchor
	// Claims are the proofs, as StateProver returns them.
	Claims []staking.Claim
	// Validators holds validator records by index for what a claim does
	// not carry: EigenLayer's BalanceProof needs the validator's pubkey.
	Validators map[uint64]beaconstate.Validator
	// LidoOperator names the proved validator's key in Lido CSM, which
	// CSVerifier's functions take; without it the lido calldata has no
	// calls.
	LidoOperator *LidoOperator
}

// Document is a parsed or emitted document of one of the formats.
type Document interface {
	// Format names the document's format.
	Format() Name
	// Verify checks every proof of the document against its root, with
	// leaves recomputed from the document's values and gindices from its
	// fork and indices. The error names the first failing proof.
	Verify() error
}

// Emit builds the document of the named format; protocol chooses the
// structs that calldata encodes (rocketpool, eigenlayer or lido; "" means
// rocketpool) and is ignored by the other formats.
func Emit(in Input, name Name, protocol Name) (Document, error) {
	switch name {
	case JSON, "":
		return NewJSON(in)
	case Calldata:
		return NewCalldata(in, protocol)
	}
	if p, ok := protocolFormatOf(name); ok {
		return p.emit(in)
	}
	_, err := ParseName(string(name))
	return nil, err
}

// Marshal writes a document as indented JSON with a final newline.
func Marshal(d Document) ([]byte, error) {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Parse reads a document of any format, detecting it: by its "format"
// key, and without one as a proof set ({"root", "proofs"}, as written by
// `beaconproof prove` or an oracle vector.json), a multiproof ({"root",
// "multiproof"}, as written by `beaconproof prove --multiproof`) or as a
// file of protocol vectors ({"cases": [...]}).
func Parse(data []byte) (Document, error) {
	var head struct {
		Format *string          `json:"format"`
		Proofs json.RawMessage  `json:"proofs"`
		Cases  *json.RawMessage `json:"cases"`
		Multi  *json.RawMessage `json:"multiproof"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%w: %v", proof.ErrMalformed, err)
	}
	var d Document
	switch {
	case head.Format != nil && *head.Format == string(Calldata):
		d = new(CalldataDocument)
	case head.Format != nil && *head.Format != string(JSON):
		p, ok := protocolFormatOf(Name(*head.Format))
		if !ok {
			return nil, fmt.Errorf("%w: unknown format %q", proof.ErrMalformed, *head.Format)
		}
		d = p.empty()
	case head.Cases != nil && head.Proofs == nil:
		d = new(VectorsDocument)
	case head.Multi != nil && head.Proofs == nil:
		d = new(MultiproofDocument)
	default:
		d = new(JSONDocument)
	}
	if err := strictUnmarshal(data, d); err != nil {
		return nil, err
	}
	return d, nil
}

// strictUnmarshal decodes JSON into v; unknown keys are allowed (the
// documents are meant to be annotated), trailing data is not.
func strictUnmarshal(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, proof.ErrMalformed) {
			return err
		}
		return fmt.Errorf("%w: %v", proof.ErrMalformed, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: data after the document", proof.ErrMalformed)
	}
	return nil
}

// ItemError is the error about one item of a document: a proof, a
// validator, a withdrawal, a value.
type ItemError struct {
	// Item names the item as the document spells it, as
	// "validatorProofs[2] (validator 7)".
	Item string
	Err  error
}

// Error names the item.
func (e *ItemError) Error() string { return e.Item + ": " + e.Err.Error() }

// Unwrap returns the underlying error.
func (e *ItemError) Unwrap() error { return e.Err }

// verifyDoc is the shared part of the documents' Verify: the anchor is
// well formed, then body checks the document's proofs; an error is
// prefixed with the format's name.
func verifyDoc(name Name, a staking.Anchor, body func() error) error {
	err := a.Check()
	if err == nil {
		err = body()
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// verifyProtocolDoc is verifyDoc for a protocol's document, which must be
// anchored to a block.
func verifyProtocolDoc(name Name, a staking.Anchor, body func() error) error {
	return verifyDoc(name, a, func() error {
		if err := needBlockAnchor(name, a); err != nil {
			return err
		}
		return body()
	})
}

func itemErr(item string, err error) error {
	if err == nil {
		return nil
	}
	return &ItemError{Item: item, Err: err}
}

// check verifies a proof whose gindex was computed from the document's
// data; stated is the gindex the document wrote for information (invalid
// when absent) and must agree.
func check(g proof.Gindex, stated *proof.Gindex, leaf [32]byte, branch [][32]byte, root [32]byte) error {
	if stated != nil && stated.IsValid() && !stated.Equal(g) {
		return fmt.Errorf("%w: the document says gindex %s, its data gives %s", proof.ErrMalformed, stated, g)
	}
	p := proof.Proof{Gindex: g, Leaf: leaf, Branch: branch}
	return p.Verify(root)
}
