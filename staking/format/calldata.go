package format

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/big"
	"regexp"
	"strconv"

	"github.com/beaconproof/beaconproof/proof"
)

// CalldataDocument is the "calldata" format: the Rocket Pool or EigenLayer
// structs ABI-encoded (abi.encode of the struct, as go-ethereum's abi
// package packs it), each with its Solidity declaration and tuple type, and
// the complete calldata (selector and arguments) of the verifier functions
// that take them, ready to send or to sign offline:
//
//   - rocketpool: verifySlot(uint64 _slotTimestamp, SlotProof),
//     verifyValidator(uint64 _slotTimestamp, uint64 _slot, ValidatorProof),
//     verifyWithdrawal(uint64 _slotTimestamp, uint64 _slot, WithdrawalProof);
//   - eigenlayer: EigenPod.verifyWithdrawalCredentials(uint64
//     beaconTimestamp, StateRootProof, uint40[] validatorIndices, bytes[]
//     validatorFieldsProofs, bytes32[][] validatorFields) and
//     EigenPod.verifyCheckpointProofs(BalanceContainerProof, BalanceProof[]).
//
// Calls that need the EIP-4788 timestamp are left out when it is unknown.
// Rocket Pool values also include ValidatorProofBundleV1{validatorProof,
// slotProof}, the payload of the newer verifyValidator(_slotTimestamp,
// _proofVersion, _proofData).
type CalldataDocument struct {
	Fmt       Name            `json:"format"`
	Protocol  Name            `json:"protocol"`
	Fork      string          `json:"fork"`
	Preset    string          `json:"preset"`
	Network   string          `json:"network,omitempty"`
	BlockFork string          `json:"blockFork,omitempty"`
	Anchor    AnchorJSON      `json:"anchor"`
	Values    []CalldataValue `json:"values"`
	Calls     []CalldataCall  `json:"calls"`
	Note      string          `json:"note,omitempty"`
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
// structs (rocketpool or eigenlayer; "" means rocketpool), verified.
func NewCalldata(in Input, protocol Name) (*CalldataDocument, error) {
	if protocol == "" {
		protocol = RocketPool
	}
	switch protocol {
	case RocketPool:
		rp, err := NewRocketPool(in)
		if err != nil {
			return nil, err
		}
		return CalldataOf(rp)
	case EigenLayer:
		el, err := NewEigenLayer(in)
		if err != nil {
			return nil, err
		}
		return CalldataOf(el)
	}
	_, err := ParseProtocol(string(protocol))
	return nil, err
}

// CalldataOf returns the calldata of a Rocket Pool or EigenLayer document,
// verified.
func CalldataOf(doc Document) (*CalldataDocument, error) {
	var d *CalldataDocument
	switch doc := doc.(type) {
	case *RocketPoolDocument:
		d = &CalldataDocument{Fmt: Calldata, Protocol: RocketPool, Fork: doc.Fork, Preset: doc.Preset, Network: doc.Network, BlockFork: doc.BlockFork, Anchor: doc.Anchor}
	case *EigenLayerDocument:
		d = &CalldataDocument{Fmt: Calldata, Protocol: EigenLayer, Fork: doc.Fork, Preset: doc.Preset, Anchor: doc.Anchor}
	default:
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

// encodeDoc returns the values and calls of a protocol document.
func encodeDoc(doc Document) (values []CalldataValue, calls []CalldataCall, note string, err error) {
	add := func(name string, s solStruct, index *U64, v any) error {
		b, err := s.encode(v)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		values = append(values, CalldataValue{Name: name, Struct: s.decl(), Type: s.typ().String(), ValidatorIndex: index, Data: b})
		return nil
	}
	addCall := func(m method, args ...any) error {
		c, err := m.call(args...)
		if err == nil {
			calls = append(calls, c)
		}
		return err
	}
	switch d := doc.(type) {
	case *RocketPoolDocument:
		ts, slot := d.Anchor.timestamp(), uint64(d.Anchor.Slot)
		if ts == 0 && (d.SlotProof != nil || len(d.ValidatorProofs) > 0 || len(d.WithdrawalProofs) > 0) {
			note = noTimestamp
		}
		var sp abiRPSlotProof
		if p := d.SlotProof; p != nil {
			sp = abiRPSlotProof{Slot: uint64(p.Slot), Witnesses: unhash(p.Witnesses)}
			if err := add("slotProof", solRPSlotProof, nil, sp); err != nil {
				return nil, nil, "", err
			}
			if ts != 0 {
				if err := addCall(rpVerifySlot, ts, sp); err != nil {
					return nil, nil, "", err
				}
			}
		}
		for k, p := range d.ValidatorProofs {
			v := rpValidatorABI(p)
			if err := add(fmt.Sprintf("validatorProofs[%d]", k), solRPValidatorProof, nil, v); err != nil {
				return nil, nil, "", err
			}
			if d.SlotProof != nil {
				if err := add(fmt.Sprintf("validatorProofBundles[%d]", k), solRPValidatorBundle, nil, abiRPValidatorBundle{ValidatorProof: v, SlotProof: sp}); err != nil {
					return nil, nil, "", err
				}
			}
			if ts != 0 {
				if err := addCall(rpVerifyValidator, ts, slot, v); err != nil {
					return nil, nil, "", err
				}
			}
		}
		for k, p := range d.WithdrawalProofs {
			w := rpWithdrawalABI(p)
			if err := add(fmt.Sprintf("withdrawalProofs[%d]", k), solRPWithdrawalProof, nil, w); err != nil {
				return nil, nil, "", err
			}
			if ts != 0 {
				if err := addCall(rpVerifyWithdrawal, ts, slot, w); err != nil {
					return nil, nil, "", err
				}
			}
		}
		for k, p := range d.BalanceProofs {
			b := abiRPBalanceProof{BalanceChunk: p.BalanceChunk, Witnesses: unhash(p.Witnesses)}
			if err := add(fmt.Sprintf("balanceProofs[%d]", k), solRPBalanceProof, u64p(uint64(p.ValidatorIndex)), b); err != nil {
				return nil, nil, "", err
			}
		}
	case *EigenLayerDocument:
		ts := d.Anchor.timestamp()
		var sr abiELStateRootProof
		if p := d.StateRootProof; p != nil {
			sr = abiELStateRootProof{BeaconStateRoot: p.BeaconStateRoot, Proof: p.Proof}
			if err := add("stateRootProof", solELStateRootProof, nil, sr); err != nil {
				return nil, nil, "", err
			}
		}
		var indices []*big.Int
		var proofs [][]byte
		var fields [][][32]byte
		for k, p := range d.ValidatorProofs {
			v := abiELValidatorProof{ValidatorFields: unhash(p.ValidatorFields), Proof: p.Proof}
			if err := add(fmt.Sprintf("validatorProofs[%d]", k), solELValidatorProof, u64p(uint64(p.ValidatorIndex)), v); err != nil {
				return nil, nil, "", err
			}
			indices = append(indices, new(big.Int).SetUint64(uint64(p.ValidatorIndex)))
			proofs = append(proofs, p.Proof)
			fields = append(fields, v.ValidatorFields)
		}
		if len(d.ValidatorProofs) > 0 {
			if ts == 0 {
				note = noTimestamp
			} else if err := addCall(elVerifyWithdrawalCredentials, ts, sr, indices, proofs, fields); err != nil {
				return nil, nil, "", err
			}
		}
		var bc abiELBalanceContainerProof
		if p := d.BalanceContainerProof; p != nil {
			bc = abiELBalanceContainerProof{BalanceContainerRoot: p.BalanceContainerRoot, Proof: p.Proof}
			if err := add("balanceContainerProof", solELBalanceContainerProof, nil, bc); err != nil {
				return nil, nil, "", err
			}
		}
		var bps []abiELBalanceProof
		for k, p := range d.BalanceProofs {
			b := abiELBalanceProof{PubkeyHash: p.PubkeyHash, BalanceRoot: p.BalanceRoot, Proof: p.Proof}
			if err := add(fmt.Sprintf("balanceProofs[%d]", k), solELBalanceProof, u64p(uint64(p.ValidatorIndex)), b); err != nil {
				return nil, nil, "", err
			}
			bps = append(bps, b)
		}
		if len(bps) > 0 {
			if err := addCall(elVerifyCheckpointProofs, bc, bps); err != nil {
				return nil, nil, "", err
			}
		}
	default:
		return nil, nil, "", fmt.Errorf("%w: a %s document", ErrUnsupported, doc.Format())
	}
	if calls == nil {
		calls = []CalldataCall{}
	}
	return values, calls, note, nil
}

func rpValidatorABI(p RocketPoolValidatorProof) abiRPValidatorProof {
	v := p.Validator
	return abiRPValidatorProof{
		ValidatorIndex: new(big.Int).SetUint64(uint64(p.ValidatorIndex)),
		Validator: abiRPValidator{
			Pubkey: v.Pubkey, WithdrawalCredentials: v.WithdrawalCredentials, EffectiveBalance: uint64(v.EffectiveBalance),
			Slashed: v.Slashed, ActivationEligibilityEpoch: uint64(v.ActivationEligibilityEpoch), ActivationEpoch: uint64(v.ActivationEpoch),
			ExitEpoch: uint64(v.ExitEpoch), WithdrawableEpoch: uint64(v.WithdrawableEpoch),
		},
		Witnesses: unhash(p.Witnesses),
	}
}

func rpWithdrawalABI(p RocketPoolWithdrawalProof) abiRPWithdrawalProof {
	w := p.Withdrawal
	return abiRPWithdrawalProof{
		WithdrawalSlot: uint64(p.WithdrawalSlot), WithdrawalNum: uint16(p.WithdrawalNum),
		Withdrawal: abiRPWithdrawal{Index: uint64(w.Index), ValidatorIndex: uint64(w.ValidatorIndex), WithdrawalCredentials: w.WithdrawalCredentials, AmountInGwei: uint64(w.AmountInGwei)},
		Witnesses:  unhash(p.Witnesses),
	}
}

// lane returns validator i's balance in a balances chunk.
func lane(chunk [32]byte, i uint64) uint64 {
	return binary.LittleEndian.Uint64(chunk[8*(i%4):])
}

var valueName = regexp.MustCompile(`^([A-Za-z]+)(?:\[(\d+)\])?$`)

// decode rebuilds the protocol document from the values that carry its
// proofs (bundles are checked by Verify's re-encoding).
func (d *CalldataDocument) decode() (Document, error) {
	rp := &RocketPoolDocument{Fmt: RocketPool, Fork: d.Fork, Preset: d.Preset, Network: d.Network, BlockFork: d.BlockFork, Anchor: d.Anchor}
	el := &EigenLayerDocument{Fmt: EigenLayer, Fork: d.Fork, Preset: d.Preset, Anchor: d.Anchor}
	for i, v := range d.Values {
		err := func() error {
			m := valueName.FindStringSubmatch(v.Name)
			if m == nil {
				return fmt.Errorf("%w: unknown value name", proof.ErrMalformed)
			}
			k := -1
			if m[2] != "" {
				n, err := strconv.Atoi(m[2])
				if err != nil {
					return fmt.Errorf("%w: unknown value name", proof.ErrMalformed)
				}
				k = n
			}
			index := func() (uint64, error) {
				if v.ValidatorIndex == nil {
					return 0, fmt.Errorf("%w: no validatorIndex", proof.ErrMalformed)
				}
				return uint64(*v.ValidatorIndex), nil
			}
			// next checks that list values come in order.
			next := func(n int) error {
				if k != n {
					return fmt.Errorf("%w: expected %s[%d]", proof.ErrMalformed, m[1], n)
				}
				return nil
			}
			switch d.Protocol {
			case RocketPool:
				switch m[1] {
				case "slotProof":
					var s abiRPSlotProof
					if err := solRPSlotProof.decode(v.Data, &s); err != nil {
						return err
					}
					rp.SlotProof = &RocketPoolSlotProof{Slot: U64(s.Slot), Witnesses: hashes(s.Witnesses)}
				case "validatorProofs":
					if err := next(len(rp.ValidatorProofs)); err != nil {
						return err
					}
					var p abiRPValidatorProof
					if err := solRPValidatorProof.decode(v.Data, &p); err != nil {
						return err
					}
					if !p.ValidatorIndex.IsUint64() {
						return fmt.Errorf("%w: validatorIndex out of range", proof.ErrMalformed)
					}
					x := p.Validator
					rp.ValidatorProofs = append(rp.ValidatorProofs, RocketPoolValidatorProof{
						ValidatorIndex: U64(p.ValidatorIndex.Uint64()),
						Validator: RocketPoolValidator{
							Pubkey: x.Pubkey, WithdrawalCredentials: x.WithdrawalCredentials, EffectiveBalance: U64(x.EffectiveBalance),
							Slashed: x.Slashed, ActivationEligibilityEpoch: U64(x.ActivationEligibilityEpoch), ActivationEpoch: U64(x.ActivationEpoch),
							ExitEpoch: U64(x.ExitEpoch), WithdrawableEpoch: U64(x.WithdrawableEpoch),
						},
						Witnesses: hashes(p.Witnesses),
					})
				case "withdrawalProofs":
					if err := next(len(rp.WithdrawalProofs)); err != nil {
						return err
					}
					var p abiRPWithdrawalProof
					if err := solRPWithdrawalProof.decode(v.Data, &p); err != nil {
						return err
					}
					w := p.Withdrawal
					rp.WithdrawalProofs = append(rp.WithdrawalProofs, RocketPoolWithdrawalProof{
						WithdrawalSlot: U64(p.WithdrawalSlot), WithdrawalNum: U64(p.WithdrawalNum),
						Withdrawal: RocketPoolWithdrawal{Index: U64(w.Index), ValidatorIndex: U64(w.ValidatorIndex), WithdrawalCredentials: w.WithdrawalCredentials, AmountInGwei: U64(w.AmountInGwei)},
						Witnesses:  hashes(p.Witnesses),
					})
				case "balanceProofs":
					if err := next(len(rp.BalanceProofs)); err != nil {
						return err
					}
					i, err := index()
					if err != nil {
						return err
					}
					var p abiRPBalanceProof
					if err := solRPBalanceProof.decode(v.Data, &p); err != nil {
						return err
					}
					rp.BalanceProofs = append(rp.BalanceProofs, RocketPoolBalanceProof{
						ValidatorIndex: U64(i), Balance: U64(lane(p.BalanceChunk, i)), BalanceChunk: p.BalanceChunk, Witnesses: hashes(p.Witnesses),
					})
				case "validatorProofBundles":
				default:
					return fmt.Errorf("%w: unknown value name", proof.ErrMalformed)
				}
			case EigenLayer:
				switch m[1] {
				case "stateRootProof":
					var p abiELStateRootProof
					if err := solELStateRootProof.decode(v.Data, &p); err != nil {
						return err
					}
					el.StateRootProof = &EigenLayerStateRootProof{BeaconStateRoot: p.BeaconStateRoot, Proof: p.Proof}
				case "validatorProofs":
					if err := next(len(el.ValidatorProofs)); err != nil {
						return err
					}
					i, err := index()
					if err != nil {
						return err
					}
					var p abiELValidatorProof
					if err := solELValidatorProof.decode(v.Data, &p); err != nil {
						return err
					}
					el.ValidatorProofs = append(el.ValidatorProofs, EigenLayerValidatorProof{ValidatorIndex: U64(i), ValidatorFields: hashes(p.ValidatorFields), Proof: p.Proof})
				case "balanceContainerProof":
					var p abiELBalanceContainerProof
					if err := solELBalanceContainerProof.decode(v.Data, &p); err != nil {
						return err
					}
					el.BalanceContainerProof = &EigenLayerBalanceContainerProof{BalanceContainerRoot: p.BalanceContainerRoot, Proof: p.Proof}
				case "balanceProofs":
					if err := next(len(el.BalanceProofs)); err != nil {
						return err
					}
					i, err := index()
					if err != nil {
						return err
					}
					var p abiELBalanceProof
					if err := solELBalanceProof.decode(v.Data, &p); err != nil {
						return err
					}
					el.BalanceProofs = append(el.BalanceProofs, EigenLayerBalanceProof{
						ValidatorIndex: U64(i), Balance: U64(lane(p.BalanceRoot, i)), PubkeyHash: p.PubkeyHash, BalanceRoot: p.BalanceRoot, Proof: p.Proof,
					})
				default:
					return fmt.Errorf("%w: unknown value name", proof.ErrMalformed)
				}
			default:
				_, err := ParseProtocol(string(d.Protocol))
				return err
			}
			return nil
		}()
		if err != nil {
			return nil, itemErr(fmt.Sprintf("values[%d] (%s)", i, v.Name), err)
		}
	}
	if d.Protocol == EigenLayer {
		return el, nil
	}
	return rp, nil
}

// Verify decodes the values that carry proofs into the protocol's document
// and verifies it (leaves from the decoded fields, gindices from the fork
// and indices), then checks that every value and call is exactly the
// encoding of that document: a tampered byte anywhere fails.
func (d *CalldataDocument) Verify() error {
	if err := d.verify(); err != nil {
		return fmt.Errorf("calldata: %w", err)
	}
	return nil
}

func (d *CalldataDocument) verify() error {
	if err := d.Anchor.check(); err != nil {
		return err
	}
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
