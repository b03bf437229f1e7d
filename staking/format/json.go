package format

import (
	"encoding/json"
	"fmt"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
)

// JSONDocument is the "json" format: a beaconstate.ProofSet whose root is
// the anchor's root, with the anchor and each proof's kind and value:
//
//	{"format": "json", "fork": "fulu", "preset": "mainnet", "type": "BeaconBlock",
//	 "root": "0x…", "anchor": {"kind": "block", "root": "0x…", "slot": "…", "timestamp": null},
//	 "proofs": [{"kind": "validator", "path": "validators[7]", "anchor": {…},
//	             "gindex": "…", "leaf": "0x…", "branch": ["0x…", …], "value": {…}}]}
//
// Paths name the leaf in the state (or, for block fields, the block); with
// a block anchor the gindex of a state path starts with the block's
// state_root (gindex 11). Type is the type of the object whose root Root
// is. A proof set without kinds (an oracle vector.json, the generic
// `beaconproof prove`) parses as a JSONDocument too and verifies as a
// ProofSet. The reverse holds only in part: read as a beaconstate.ProofSet,
// a document with a block anchor fails on its state paths, which a
// ProofSet reads in its type.
type JSONDocument struct {
	Fmt       Name   `json:"format,omitempty"`
	Fork      string `json:"fork,omitempty"`
	Preset    string `json:"preset,omitempty"`
	Network   string `json:"network,omitempty"`
	BlockFork string `json:"block_fork,omitempty"`
	// NetworkConfig is the network's facts, when the prover knew them;
	// checking uses them instead of the built-in network Network names.
	NetworkConfig *NetworkConfig  `json:"network_config,omitempty"`
	Type          string          `json:"type,omitempty"`
	Root          proof.Hash32    `json:"root"`
	Anchor        *staking.Anchor `json:"anchor,omitempty"`
	Proofs        []staking.Claim `json:"proofs"`
}

// Format returns JSON.
func (d *JSONDocument) Format() Name { return JSON }

// NewJSON returns the JSON document of the input's claims, verified.
func NewJSON(in Input) (*JSONDocument, error) {
	a := in.Anchor
	d := &JSONDocument{
		Fmt:           JSON,
		Fork:          in.Fork,
		Preset:        orMainnet(in.Preset),
		Network:       in.Network,
		BlockFork:     in.BlockFork,
		NetworkConfig: NetworkConfigOf(in.NetworkConfig),
		Type:          anchorType(in.Anchor.Kind),
		Root:          in.Anchor.Root,
		Anchor:        &a,
		Proofs:        append([]staking.Claim(nil), in.Claims...),
	}
	if err := d.Verify(); err != nil {
		return nil, fmt.Errorf("format: json: %w", err)
	}
	return d, nil
}

func orMainnet(preset string) string {
	if preset == "" {
		return beaconstate.DefaultPreset
	}
	return preset
}

// UnmarshalJSON reads the document with beaconstate.ProofSet's checks
// ("root" and "proofs" required, each proof well formed) and then the
// anchor and the kinds and values, each value as its kind's type
// (staking.Kind.ParseValue: a value of no kind or of an unknown kind is an
// error).
func (d *JSONDocument) UnmarshalJSON(b []byte) error {
	var set beaconstate.ProofSet
	if err := set.UnmarshalJSON(b); err != nil {
		return err
	}
	var extra struct {
		Format        Name            `json:"format"`
		Network       string          `json:"network"`
		BlockFork     string          `json:"block_fork"`
		NetworkConfig *NetworkConfig  `json:"network_config"`
		Anchor        *staking.Anchor `json:"anchor"`
		Proofs        []struct {
			Kind   staking.Kind    `json:"kind"`
			Anchor *staking.Anchor `json:"anchor"`
			Value  json.RawMessage `json:"value"`
		} `json:"proofs"`
	}
	if err := json.Unmarshal(b, &extra); err != nil {
		return fmt.Errorf("%w: %v", proof.ErrMalformed, err)
	}
	*d = JSONDocument{
		Fmt: extra.Format, Fork: set.Fork, Preset: set.Preset, Network: extra.Network, BlockFork: extra.BlockFork,
		NetworkConfig: extra.NetworkConfig, Type: set.Type, Root: set.Root, Anchor: extra.Anchor, Proofs: make([]staking.Claim, len(set.Proofs)),
	}
	for i, pp := range set.Proofs {
		d.Proofs[i] = staking.Claim{Path: pp.Path, Proof: pp.Proof}
		if i < len(extra.Proofs) {
			e := extra.Proofs[i]
			d.Proofs[i].Kind = e.Kind
			if e.Anchor != nil {
				d.Proofs[i].Anchor = *e.Anchor
			}
			v, err := e.Kind.ParseValue(e.Value)
			if err != nil {
				return &beaconstate.ProofError{Index: i, Path: pp.Path, Err: err}
			}
			d.Proofs[i].Value = v
		}
	}
	return nil
}

// PathsChecked reports whether Verify checks the proofs' paths against
// their gindices: whether the document names its fork. Without one, a
// proof without a kind proves only the node at its gindex, whatever its
// path says (and a proof with a kind fails).
func (d *JSONDocument) PathsChecked() bool { return d.Fork != "" }

// Verify checks every proof against Root as beaconstate.ProofSet does, and
// every path when the document names its fork: for a proof without a kind,
// the gindex against the one the path gives in the document's fork, preset
// and type (beaconstate.CheckPath; such a proof may not carry a value,
// which nothing would check); for a proof with a kind, the gindex against
// the one the path gives through the anchor and the leaf against the one
// the value gives. An unknown kind is an error. The error wraps
// beaconstate.ErrPathMismatch for a path that is not the gindex's.
func (d *JSONDocument) Verify() error {
	if err := checkFacts(d.NetworkConfig); err != nil {
		return err
	}
	set := beaconstate.ProofSet{Root: d.Root} // paths are checked below, by kind
	for _, c := range d.Proofs {
		set.Proofs = append(set.Proofs, beaconstate.PathProof{Path: c.Path, Proof: c.Proof})
	}
	if err := set.Verify(); err != nil {
		return err
	}
	anchor := staking.AnchorBlock
	if d.Type == "BeaconState" {
		anchor = staking.AnchorState
	}
	if d.Anchor != nil {
		if err := d.Anchor.Check(); err != nil {
			return err
		}
		if d.Anchor.Root != d.Root {
			return fmt.Errorf("%w: anchor root %s is not the document's root %s", proof.ErrRootMismatch, d.Anchor.Root, d.Root)
		}
		anchor = d.Anchor.Kind
	}
	for i, c := range d.Proofs {
		if c.Kind == "" {
			if err := d.checkPlain(c); err != nil {
				return &beaconstate.ProofError{Index: i, Path: c.Path, Err: err}
			}
			continue
		}
		if c.Anchor != (staking.Anchor{}) && (c.Anchor.Root != d.Root || d.Anchor != nil && c.Anchor != d.Anchor.WithoutTimestamp()) {
			return &beaconstate.ProofError{Index: i, Path: c.Path, Err: fmt.Errorf("%w: the proof's anchor is not the document's", proof.ErrMalformed)}
		}
		if err := d.checkClaim(anchor, c); err != nil {
			return &beaconstate.ProofError{Index: i, Path: c.Path, Err: err}
		}
	}
	return nil
}

// checkPlain checks a proof without a kind: a path and a gindex, as in
// beaconstate.ProofSet, and no value.
func (d *JSONDocument) checkPlain(c staking.Claim) error {
	if c.Value != nil {
		return fmt.Errorf("%w: a value without a kind, which says how to check it", proof.ErrMalformed)
	}
	if d.Fork == "" || c.Path == "" {
		return nil
	}
	return beaconstate.CheckPath(d.Fork, d.Preset, d.Type, c.Path, c.Proof.Gindex)
}

// checkClaim checks a claim's gindex and leaf against its path and value,
// as its kind says (staking.Claim.Check).
func (d *JSONDocument) checkClaim(anchor staking.AnchorKind, c staking.Claim) error {
	x := staking.CheckContext{Fork: d.Fork, Preset: d.Preset, BlockFork: d.BlockFork, Anchor: anchor, SlotUnknown: d.Anchor == nil}
	if d.Anchor != nil {
		x.Slot = d.Anchor.Slot
	}
	if d.Network != "" || d.NetworkConfig != nil {
		net, err := networkOf(d.Network, d.NetworkConfig)
		if err != nil {
			return err
		}
		x.Network = net
	}
	return c.Check(x)
}
