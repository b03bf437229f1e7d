package format

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/beaconproof/beaconproof/beaconstate"
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
	Calldata   Name = "calldata"
)

// Names lists the formats, the default first.
var Names = []Name{JSON, RocketPool, EigenLayer, Calldata}

// ParseName parses a format name.
func ParseName(s string) (Name, error) {
	for _, n := range Names {
		if string(n) == s {
			return n, nil
		}
	}
	return "", fmt.Errorf("format: unknown format %q (want %s)", s, joinNames(Names))
}

// ParseProtocol parses the protocol whose structs calldata encodes:
// rocketpool or eigenlayer.
func ParseProtocol(s string) (Name, error) {
	switch Name(s) {
	case RocketPool, EigenLayer:
		return Name(s), nil
	}
	return "", fmt.Errorf("format: unknown protocol %q (want %s or %s)", s, RocketPool, EigenLayer)
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
	// BlockFork is the fork of the withdrawal blocks when it is not Fork.
	BlockFork string
	// Anchor is the root every claim verifies against.
	Anchor staking.Anchor
	// Timestamp is the EIP-4788 key under which the beacon roots contract
	// stores Anchor.Root (the timestamp of the anchor block's child); 0
	// when unknown. Calldata of the verifiers' functions needs it.
	Timestamp uint64
	// Claims are the proofs, as StateProver returns them.
	Claims []staking.Claim
	// Validators holds validator records by index for what a claim does
	// not carry: EigenLayer's BalanceProof needs the validator's pubkey.
	Validators map[uint64]beaconstate.Validator
}

// AnchorJSON is the anchor as every document writes it. Timestamp is null
// when unknown.
type AnchorJSON struct {
	Kind      staking.AnchorKind `json:"kind"`
	Root      proof.Hash32       `json:"root"`
	Slot      U64                `json:"slot"`
	Timestamp *U64               `json:"timestamp"`
}

func anchorJSON(a staking.Anchor, ts uint64) AnchorJSON {
	j := AnchorJSON{Kind: a.Kind, Root: a.Root, Slot: U64(a.Slot)}
	if ts != 0 {
		t := U64(ts)
		j.Timestamp = &t
	}
	return j
}

// Anchor returns the anchor without its timestamp.
func (a AnchorJSON) Anchor() staking.Anchor {
	return staking.Anchor{Kind: a.Kind, Root: a.Root, Slot: uint64(a.Slot)}
}

// timestamp returns the timestamp, 0 when unknown.
func (a AnchorJSON) timestamp() uint64 {
	if a.Timestamp == nil {
		return 0
	}
	return uint64(*a.Timestamp)
}

func (a AnchorJSON) check() error {
	if _, err := staking.ParseAnchorKind(string(a.Kind)); err != nil {
		return fmt.Errorf("anchor: %w", err)
	}
	return nil
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
// structs that calldata encodes (rocketpool or eigenlayer; "" means
// rocketpool) and is ignored by the other formats.
func Emit(in Input, name Name, protocol Name) (Document, error) {
	switch name {
	case JSON, "":
		return NewJSON(in)
	case RocketPool:
		return NewRocketPool(in)
	case EigenLayer:
		return NewEigenLayer(in)
	case Calldata:
		return NewCalldata(in, protocol)
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
// `beaconproof prove` or an oracle vector.json) or as a file of protocol
// vectors ({"cases": [...]}).
func Parse(data []byte) (Document, error) {
	var head struct {
		Format *string          `json:"format"`
		Proofs json.RawMessage  `json:"proofs"`
		Cases  *json.RawMessage `json:"cases"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("%w: %v", proof.ErrMalformed, err)
	}
	var d Document
	switch {
	case head.Format != nil && *head.Format != string(JSON):
		switch Name(*head.Format) {
		case RocketPool:
			d = new(RocketPoolDocument)
		case EigenLayer:
			d = new(EigenLayerDocument)
		case Calldata:
			d = new(CalldataDocument)
		default:
			return nil, fmt.Errorf("%w: unknown format %q", proof.ErrMalformed, *head.Format)
		}
	case head.Cases != nil && head.Proofs == nil:
		d = new(VectorsDocument)
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
