package format

import (
	"fmt"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
)

// EigenLayerDocument is the "eigenlayer" format: the structs of
// EigenLayer's BeaconChainProofs library as EigenPod takes them, each proof
// the concatenation of its branch hashes bottom-up (the library's
// Merkle.verifyInclusionSha256):
//
//   - StateRootProof: the state root under the block root that EIP-4788
//     stores for Anchor.Timestamp (EigenPod's beaconTimestamp);
//   - ValidatorProofs: each validator's 8 fields under the state root;
//     EigenPod.verifyWithdrawalCredentials(beaconTimestamp, stateRootProof,
//     validatorIndices, validatorFieldsProofs, validatorFields) takes them
//     as parallel lists;
//   - BalanceContainerProof: the balances list root under the block root;
//   - BalanceProofs: each balance chunk under the balances root, for
//     EigenPod.verifyCheckpointProofs(balanceContainerProof, proofs).
//
// ValidatorIndex fields are what the structs leave to a separate argument.
type EigenLayerDocument struct {
	Fmt                   Name                             `json:"format"`
	Fork                  string                           `json:"fork"`
	Preset                string                           `json:"preset"`
	Anchor                AnchorJSON                       `json:"anchor"`
	StateRootProof        *EigenLayerStateRootProof        `json:"stateRootProof,omitempty"`
	ValidatorProofs       []EigenLayerValidatorProof       `json:"validatorProofs,omitempty"`
	BalanceContainerProof *EigenLayerBalanceContainerProof `json:"balanceContainerProof,omitempty"`
	BalanceProofs         []EigenLayerBalanceProof         `json:"balanceProofs,omitempty"`
}

// EigenLayerStateRootProof is BeaconChainProofs.StateRootProof{bytes32
// beaconStateRoot; bytes proof}.
type EigenLayerStateRootProof struct {
	BeaconStateRoot proof.Hash32 `json:"beaconStateRoot"`
	Proof           HexBytes     `json:"proof"`
}

// EigenLayerValidatorProof is BeaconChainProofs.ValidatorProof{bytes32[]
// validatorFields; bytes proof} with the validator's index.
type EigenLayerValidatorProof struct {
	ValidatorIndex  U64            `json:"validatorIndex"`
	ValidatorFields []proof.Hash32 `json:"validatorFields"`
	Proof           HexBytes       `json:"proof"`
}

// EigenLayerBalanceContainerProof is BeaconChainProofs.BalanceContainerProof{
// bytes32 balanceContainerRoot; bytes proof}.
type EigenLayerBalanceContainerProof struct {
	BalanceContainerRoot proof.Hash32 `json:"balanceContainerRoot"`
	Proof                HexBytes     `json:"proof"`
}

// EigenLayerBalanceProof is BeaconChainProofs.BalanceProof{bytes32
// pubkeyHash; bytes32 balanceRoot; bytes proof} with the validator's index
// and its balance (the lane of balanceRoot that the library extracts).
type EigenLayerBalanceProof struct {
	ValidatorIndex U64          `json:"validatorIndex"`
	Balance        U64          `json:"balance"`
	PubkeyHash     proof.Hash32 `json:"pubkeyHash"`
	BalanceRoot    proof.Hash32 `json:"balanceRoot"`
	Proof          HexBytes     `json:"proof"`
}

// Format returns EigenLayer.
func (d *EigenLayerDocument) Format() Name { return EigenLayer }

// splitAt cuts a block-anchored proof whose gindex passes through the node
// at depth top (from the root) into the inner proof (leaf to that node)
// and the outer branch (that node to the root), and returns the node.
func splitAt(p proof.Proof, top int) (node [32]byte, inner proof.Proof, outer [][32]byte, err error) {
	d := p.Gindex.Depth()
	if d <= top || len(p.Branch) != d {
		return node, inner, nil, fmt.Errorf("%w: a proof of depth %d does not pass through depth %d", proof.ErrBranchLength, d, top)
	}
	inner = proof.Proof{Gindex: p.Gindex.Subindex(d - top), Leaf: p.Leaf, Branch: p.Branch[:d-top]}
	node, err = inner.Root()
	return node, inner, p.Branch[d-top:], err
}

// NewEigenLayer returns the EigenLayer document of the input's claims:
// validator and balance claims anchored to a block (slot claims are left
// out: EigenPod binds the block by its EIP-4788 timestamp). A balance
// needs its validator's pubkey, from a validator claim or in.Validators.
// Other kinds fail with ErrUnsupported. The document is verified before it
// is returned.
func NewEigenLayer(in Input) (*EigenLayerDocument, error) {
	d, err := newEigenLayer(in)
	if err != nil {
		return nil, fmt.Errorf("format: eigenlayer: %w", err)
	}
	if err := d.Verify(); err != nil {
		return nil, fmt.Errorf("format: %w", err)
	}
	return d, nil
}

// sharedProof is a proof that several claims share (the state root's, the
// balances root's).
type sharedProof struct {
	root   [32]byte
	branch [][32]byte
}

// setShared sets *dst to the proof, or checks that it leads from the same
// node.
func setShared(dst **sharedProof, what string, root [32]byte, branch [][32]byte) error {
	if *dst == nil {
		*dst = &sharedProof{root: root, branch: branch}
		return nil
	}
	if (*dst).root != root {
		return fmt.Errorf("%w: the claims lead through two %s roots", proof.ErrMalformed, what)
	}
	return nil
}

func newEigenLayer(in Input) (*EigenLayerDocument, error) {
	if err := needBlockAnchor(EigenLayer, in.Anchor); err != nil {
		return nil, err
	}
	sr, _, err := stateGindex(in.Fork, in.Preset, staking.AnchorBlock, "")
	if err != nil {
		return nil, err
	}
	balances, _, err := stateGindex(in.Fork, in.Preset, staking.AnchorBlock, "balances")
	if err != nil {
		return nil, err
	}
	d := &EigenLayerDocument{Fmt: EigenLayer, Fork: in.Fork, Preset: orMainnet(in.Preset), Anchor: anchorJSON(in.Anchor, in.Timestamp)}
	pubkeys := map[uint64][48]byte{}
	for i, v := range in.Validators {
		pubkeys[i] = v.Pubkey
	}
	var stateRoot, container *sharedProof
	for k, c := range in.Claims {
		err := func() error {
			switch c.Kind {
			case "slot":
				return nil
			case "validator":
				i, _, ok := pathIndex(c.Path, "validators")
				if !ok {
					return fmt.Errorf("%w: a validator's path is validators[i]", proof.ErrMalformed)
				}
				var vj validatorJSON
				if err := decodeStrict("validator value", c.Value, &vj); err != nil {
					return err
				}
				v, err := vj.validator()
				if err != nil {
					return err
				}
				pubkeys[i] = v.Pubkey
				root, inner, outer, err := splitAt(c.Proof, sr.Depth())
				if err != nil {
					return err
				}
				if err := setShared(&stateRoot, "state", root, outer); err != nil {
					return err
				}
				f := ValidatorFields(v)
				d.ValidatorProofs = append(d.ValidatorProofs, EigenLayerValidatorProof{
					ValidatorIndex: U64(i), ValidatorFields: hashes(f[:]), Proof: concat(inner.Branch),
				})
			case "balance":
				i, _, ok := pathIndex(c.Path, "balances")
				if !ok {
					return fmt.Errorf("%w: a balance's path is balances[i]", proof.ErrMalformed)
				}
				var v balanceJSON
				if err := decodeStrict("balance value", c.Value, &v); err != nil {
					return err
				}
				root, inner, outer, err := splitAt(c.Proof, balances.Depth())
				if err != nil {
					return err
				}
				if err := setShared(&container, "balances", root, outer); err != nil {
					return err
				}
				d.BalanceProofs = append(d.BalanceProofs, EigenLayerBalanceProof{
					ValidatorIndex: U64(i), Balance: v.Balance, BalanceRoot: c.Proof.Leaf, Proof: concat(inner.Branch),
				})
			default:
				return fmt.Errorf("%w: EigenPod takes no %s proofs (it takes validators' fields and balances; prove the whole validator for its exit or withdrawable epoch)", ErrUnsupported, c.Kind)
			}
			return nil
		}()
		if err != nil {
			return nil, fmt.Errorf("claims[%d] (%s %s): %w", k, c.Kind, c.Path, err)
		}
	}
	for k := range d.BalanceProofs {
		p := &d.BalanceProofs[k]
		pk, ok := pubkeys[uint64(p.ValidatorIndex)]
		if !ok {
			return nil, fmt.Errorf("%w: the BalanceProof of validator %d needs its pubkey: add a validator claim or Input.Validators[%d]",
				proof.ErrMalformed, p.ValidatorIndex, p.ValidatorIndex)
		}
		p.PubkeyHash = PubkeyRoot(pk)
	}
	if stateRoot != nil {
		d.StateRootProof = &EigenLayerStateRootProof{BeaconStateRoot: stateRoot.root, Proof: concat(stateRoot.branch)}
	}
	if container != nil {
		d.BalanceContainerProof = &EigenLayerBalanceContainerProof{BalanceContainerRoot: container.root, Proof: concat(container.branch)}
	}
	if len(d.ValidatorProofs) == 0 && len(d.BalanceProofs) == 0 {
		return nil, fmt.Errorf("%w: no validator or balance claims", ErrUnsupported)
	}
	return d, nil
}

// Verify checks the state root proof and the balance container proof
// against the anchor's block root, each validator's fields (merkleized)
// against the state root and each balance chunk against the balances root,
// with gindices computed from the fork and the validator indices. A
// balance proof's pubkeyHash must match the validator's fields when both
// are present.
func (d *EigenLayerDocument) Verify() error {
	if err := d.verify(); err != nil {
		return fmt.Errorf("eigenlayer: %w", err)
	}
	return nil
}

func (d *EigenLayerDocument) verify() error {
	if err := d.Anchor.check(); err != nil {
		return err
	}
	if err := needBlockAnchor(EigenLayer, d.Anchor.Anchor()); err != nil {
		return err
	}
	if d.StateRootProof == nil && d.BalanceContainerProof == nil {
		return fmt.Errorf("%w to verify", beaconstate.ErrNoProofs)
	}
	root := [32]byte(d.Anchor.Root)
	fields := map[uint64][32]byte{}
	if p := d.StateRootProof; p != nil {
		err := func() error {
			g, _, err := stateGindex(d.Fork, d.Preset, staking.AnchorBlock, "")
			if err != nil {
				return err
			}
			branch, err := split(p.Proof)
			if err != nil {
				return err
			}
			return check(g, nil, p.BeaconStateRoot, branch, root)
		}()
		if err != nil {
			return itemErr("stateRootProof", err)
		}
	}
	if len(d.ValidatorProofs) > 0 && d.StateRootProof == nil {
		return itemErr("validatorProofs", fmt.Errorf("%w: no stateRootProof to verify them against", proof.ErrMalformed))
	}
	for k, p := range d.ValidatorProofs {
		err := func() error {
			if p.ValidatorIndex >= 1<<40 {
				return fmt.Errorf("%w: validatorIndex %d does not fit a uint40", proof.ErrMalformed, p.ValidatorIndex)
			}
			if len(p.ValidatorFields) != 8 {
				return fmt.Errorf("%w: %d validatorFields, want 8", proof.ErrMalformed, len(p.ValidatorFields))
			}
			g, _, err := stateGindex(d.Fork, d.Preset, staking.AnchorState, fmt.Sprintf("validators[%d]", p.ValidatorIndex))
			if err != nil {
				return err
			}
			branch, err := split(p.Proof)
			if err != nil {
				return err
			}
			fields[uint64(p.ValidatorIndex)] = p.ValidatorFields[0]
			return check(g, nil, merkleize(unhash(p.ValidatorFields)), branch, d.StateRootProof.BeaconStateRoot)
		}()
		if err != nil {
			return itemErr(fmt.Sprintf("validatorProofs[%d] (validator %d)", k, p.ValidatorIndex), err)
		}
	}
	if p := d.BalanceContainerProof; p != nil {
		err := func() error {
			g, _, err := stateGindex(d.Fork, d.Preset, staking.AnchorBlock, "balances")
			if err != nil {
				return err
			}
			branch, err := split(p.Proof)
			if err != nil {
				return err
			}
			return check(g, nil, p.BalanceContainerRoot, branch, root)
		}()
		if err != nil {
			return itemErr("balanceContainerProof", err)
		}
	}
	if len(d.BalanceProofs) > 0 && d.BalanceContainerProof == nil {
		return itemErr("balanceProofs", fmt.Errorf("%w: no balanceContainerProof to verify them against", proof.ErrMalformed))
	}
	for k, p := range d.BalanceProofs {
		err := func() error {
			if p.ValidatorIndex >= 1<<40 {
				return fmt.Errorf("%w: validatorIndex %d does not fit a uint40", proof.ErrMalformed, p.ValidatorIndex)
			}
			if pk, ok := fields[uint64(p.ValidatorIndex)]; ok && pk != p.PubkeyHash {
				return fmt.Errorf("%w: pubkeyHash %s is not the pubkey root %s of the validator's fields", proof.ErrMalformed, p.PubkeyHash, proof.FormatHash(pk))
			}
			if err := checkLane(p.BalanceRoot, uint64(p.ValidatorIndex), uint64(p.Balance)); err != nil {
				return err
			}
			list, _, err := stateGindex(d.Fork, d.Preset, staking.AnchorState, "balances")
			if err != nil {
				return err
			}
			elem, _, err := stateGindex(d.Fork, d.Preset, staking.AnchorState, fmt.Sprintf("balances[%d]", p.ValidatorIndex))
			if err != nil {
				return err
			}
			branch, err := split(p.Proof)
			if err != nil {
				return err
			}
			g := elem.Subindex(elem.Depth() - list.Depth())
			return check(g, nil, p.BalanceRoot, branch, d.BalanceContainerProof.BalanceContainerRoot)
		}()
		if err != nil {
			return itemErr(fmt.Sprintf("balanceProofs[%d] (validator %d)", k, p.ValidatorIndex), err)
		}
	}
	return nil
}
