package format

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/abi"
)

// The Solidity structs, as go-ethereum's abi package packs them: field
// names are the Solidity names in CamelCase, uint40 is *big.Int.

type abiRPSlotProof struct {
	Slot      uint64
	Witnesses [][32]byte
}

type abiRPValidator struct {
	Pubkey                     []byte
	WithdrawalCredentials      [32]byte
	EffectiveBalance           uint64
	Slashed                    bool
	ActivationEligibilityEpoch uint64
	ActivationEpoch            uint64
	ExitEpoch                  uint64
	WithdrawableEpoch          uint64
}

type abiRPValidatorProof struct {
	ValidatorIndex *big.Int
	Validator      abiRPValidator
	Witnesses      [][32]byte
}

type abiRPWithdrawal struct {
	Index                 uint64
	ValidatorIndex        uint64
	WithdrawalCredentials [20]byte
	AmountInGwei          uint64
}

type abiRPWithdrawalProof struct {
	WithdrawalSlot uint64
	WithdrawalNum  uint16
	Withdrawal     abiRPWithdrawal
	Witnesses      [][32]byte
}

type abiRPBalanceProof struct {
	BalanceChunk [32]byte
	Witnesses    [][32]byte
}

type abiRPValidatorBundle struct {
	ValidatorProof abiRPValidatorProof
	SlotProof      abiRPSlotProof
}

type abiELStateRootProof struct {
	BeaconStateRoot [32]byte
	Proof           []byte
}

type abiELValidatorProof struct {
	ValidatorFields [][32]byte
	Proof           []byte
}

type abiELBalanceContainerProof struct {
	BalanceContainerRoot [32]byte
	Proof                []byte
}

type abiELBalanceProof struct {
	PubkeyHash  [32]byte
	BalanceRoot [32]byte
	Proof       []byte
}

// solStruct is a Solidity struct: its name and its fields, in order.
type solStruct struct {
	name   string
	fields []abi.ArgumentMarshaling
}

func field(name, typ string, components ...abi.ArgumentMarshaling) abi.ArgumentMarshaling {
	return abi.ArgumentMarshaling{Name: name, Type: typ, Components: components}
}

func (s solStruct) arg(name string) abi.ArgumentMarshaling {
	return abi.ArgumentMarshaling{Name: name, Type: "tuple", InternalType: "struct " + s.name, Components: s.fields}
}

func (s solStruct) array(name string) abi.ArgumentMarshaling {
	return abi.ArgumentMarshaling{Name: name, Type: "tuple[]", InternalType: "struct " + s.name + "[]", Components: s.fields}
}

// typ returns the struct's ABI type.
func (s solStruct) typ() abi.Type {
	t, err := abi.NewType("tuple", "struct "+s.name, s.fields)
	if err != nil {
		panic("format: ABI type of " + s.name + ": " + err.Error()) // the structs below are fixed
	}
	return t
}

// decl returns the struct's declaration: "SlotProof(uint64 slot,bytes32[] witnesses)".
func (s solStruct) decl() string {
	parts := make([]string, len(s.fields))
	for i, f := range s.fields {
		t := f.Type
		if strings.HasPrefix(t, "tuple") {
			t = strings.TrimPrefix(f.InternalType, "struct ") // a nested struct, by name
		}
		parts[i] = t + " " + f.Name
	}
	return s.name + "(" + strings.Join(parts, ",") + ")"
}

var (
	solRPWithdrawal = solStruct{"Withdrawal", []abi.ArgumentMarshaling{
		field("index", "uint64"), field("validatorIndex", "uint64"), field("withdrawalCredentials", "bytes20"), field("amountInGwei", "uint64"),
	}}
	solRPValidator = solStruct{"Validator", []abi.ArgumentMarshaling{
		field("pubkey", "bytes"), field("withdrawalCredentials", "bytes32"), field("effectiveBalance", "uint64"), field("slashed", "bool"),
		field("activationEligibilityEpoch", "uint64"), field("activationEpoch", "uint64"), field("exitEpoch", "uint64"), field("withdrawableEpoch", "uint64"),
	}}
	solRPSlotProof = solStruct{"SlotProof", []abi.ArgumentMarshaling{
		field("slot", "uint64"), field("witnesses", "bytes32[]"),
	}}
	solRPValidatorProof = solStruct{"ValidatorProof", []abi.ArgumentMarshaling{
		field("validatorIndex", "uint40"), solRPValidator.arg("validator"), field("witnesses", "bytes32[]"),
	}}
	solRPWithdrawalProof = solStruct{"WithdrawalProof", []abi.ArgumentMarshaling{
		field("withdrawalSlot", "uint64"), field("withdrawalNum", "uint16"), solRPWithdrawal.arg("withdrawal"), field("witnesses", "bytes32[]"),
	}}
	solRPBalanceProof = solStruct{"ValidatorBalanceProof", []abi.ArgumentMarshaling{
		field("balanceChunk", "bytes32"), field("witnesses", "bytes32[]"),
	}}
	solRPValidatorBundle = solStruct{"ValidatorProofBundleV1", []abi.ArgumentMarshaling{
		solRPValidatorProof.arg("validatorProof"), solRPSlotProof.arg("slotProof"),
	}}

	solELStateRootProof = solStruct{"StateRootProof", []abi.ArgumentMarshaling{
		field("beaconStateRoot", "bytes32"), field("proof", "bytes"),
	}}
	solELValidatorProof = solStruct{"ValidatorProof", []abi.ArgumentMarshaling{
		field("validatorFields", "bytes32[]"), field("proof", "bytes"),
	}}
	solELBalanceContainerProof = solStruct{"BalanceContainerProof", []abi.ArgumentMarshaling{
		field("balanceContainerRoot", "bytes32"), field("proof", "bytes"),
	}}
	solELBalanceProof = solStruct{"BalanceProof", []abi.ArgumentMarshaling{
		field("pubkeyHash", "bytes32"), field("balanceRoot", "bytes32"), field("proof", "bytes"),
	}}
)

// encode returns abi.encode(v) for a value of the struct.
func (s solStruct) encode(v any) ([]byte, error) {
	b, err := abi.Arguments{{Type: s.typ()}}.Pack(v)
	if err != nil {
		return nil, fmt.Errorf("abi.encode %s: %w", s.name, err)
	}
	return b, nil
}

// decode reads abi.encode(v) of the struct into dst, a pointer to its Go
// struct. It does not check that the encoding is the canonical one: the
// calldata document's Verify re-encodes.
func (s solStruct) decode(data []byte, dst any) error {
	args := abi.Arguments{{Type: s.typ()}}
	vals, err := args.Unpack(data)
	if err != nil {
		return fmt.Errorf("abi.decode %s: %w", s.name, err)
	}
	return convert(s.name, vals[0], dst)
}

// convert copies an unpacked tuple into dst, a pointer to its Go struct.
// abi.ConvertType panics on a mismatch.
func convert(name string, v, dst any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("abi.decode %s: %v", name, r)
		}
	}()
	abi.ConvertType(v, dst)
	return nil
}

// method is a verifier function.
type method struct {
	name string
	args []abi.ArgumentMarshaling
}

func (m method) abi() abi.Method {
	var in abi.Arguments
	for _, a := range m.args {
		t, err := abi.NewType(a.Type, a.InternalType, a.Components)
		if err != nil {
			panic("format: ABI type of " + m.name + "." + a.Name + ": " + err.Error())
		}
		in = append(in, abi.Argument{Name: a.Name, Type: t})
	}
	return abi.NewMethod(m.name, m.name, abi.Function, "view", false, false, in, nil)
}

// call returns the function's signature, selector and calldata.
func (m method) call(args ...any) (CalldataCall, error) {
	am := m.abi()
	packed, err := am.Inputs.Pack(args...)
	if err != nil {
		return CalldataCall{}, fmt.Errorf("calldata of %s: %w", am.Sig, err)
	}
	return CalldataCall{Function: am.Sig, Selector: HexBytes(am.ID), Data: append(append([]byte(nil), am.ID...), packed...)}, nil
}

var (
	rpVerifySlot = method{"verifySlot", []abi.ArgumentMarshaling{
		field("_slotTimestamp", "uint64"), solRPSlotProof.arg("_proof"),
	}}
	rpVerifyValidator = method{"verifyValidator", []abi.ArgumentMarshaling{
		field("_slotTimestamp", "uint64"), field("_slot", "uint64"), solRPValidatorProof.arg("_proof"),
	}}
	rpVerifyWithdrawal = method{"verifyWithdrawal", []abi.ArgumentMarshaling{
		field("_slotTimestamp", "uint64"), field("_slot", "uint64"), solRPWithdrawalProof.arg("_proof"),
	}}
	elVerifyWithdrawalCredentials = method{"verifyWithdrawalCredentials", []abi.ArgumentMarshaling{
		field("beaconTimestamp", "uint64"), solELStateRootProof.arg("stateRootProof"),
		field("validatorIndices", "uint40[]"), field("validatorFieldsProofs", "bytes[]"), field("validatorFields", "bytes32[][]"),
	}}
	elVerifyCheckpointProofs = method{"verifyCheckpointProofs", []abi.ArgumentMarshaling{
		solELBalanceContainerProof.arg("balanceContainerProof"), solELBalanceProof.array("proofs"),
	}}
)
