// Package beaconstate loads beacon-chain SSZ objects (BeaconState,
// BeaconBlock, SignedBeaconBlock, ExecutionPayloadEnvelope, ...) from files
// or readers, reads typed values out of them in place, and proves any of
// their fields with Merkle proofs against their hash tree root.
//
// Load and LoadFile accept raw SSZ, the snappy block format of the consensus
// spec tests (.ssz_snappy), framed snappy and gzip, detecting the format by
// its magic bytes and the file's extension. They check the bytes against the
// schema of the object's fork and preset (package fork) before returning, so
// that every later read and proof works on well-formed bytes.
//
// A Prover hashes the object once and then serves any number of proofs,
// each verified against the root before it is returned.
package beaconstate

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/ssz"
)

// Sentinel errors of the package; match them with errors.Is.
var (
	// ErrTooLarge reports input (or decompressed input) larger than
	// LoadOptions.MaxSize.
	ErrTooLarge = errors.New("input larger than the size limit")
	// ErrNoFork reports that the fork could not be detected (or was not
	// given to NewObject): the caller has to name it (LoadOptions.Fork).
	ErrNoFork = errors.New("cannot detect the fork")
	// ErrNoNetwork reports a block whose fork could not be detected
	// because no network was given to map its slot to a fork
	// (LoadOptions.Network or NetworkConfig). It comes with ErrNoFork.
	ErrNoNetwork = errors.New("no network to map its slot to a fork")
	// ErrNoField reports an accessor used on an object whose type has no
	// such field (Validator on a block, Withdrawals on a state, ...).
	ErrNoField = errors.New("object has no such field")
)

// Object is a loaded SSZ object: its fork, preset and type, and its encoded
// bytes, which Load has validated against Type.
//
// The accessors read Bytes in place and never change it. An Object is safe
// for concurrent use as long as nobody modifies Bytes.
type Object struct {
	// Fork is the consensus fork's name ("deneb").
	Fork string
	// Preset is the preset's name ("mainnet").
	Preset string
	// TypeName is the type's spec name ("BeaconState").
	TypeName string
	// Type is the SSZ schema of the object.
	Type *ssz.Type
	// Schemas are the schemas of the object's fork and preset.
	Schemas *fork.Schemas
	// Bytes is the SSZ encoding of the object. When the Object owns memory
	// outside Go's heap (a mapped file, NewObjectReserved), Bytes and every
	// slice of it are valid only until Close, or until the Object is
	// unreachable: copy what must outlive the Object.
	Bytes []byte

	unmap     func() error // set when Bytes is memory-mapped
	validated bool         // Bytes passed ssz.Validate when the Object was made
}

// NewObject checks b against the schema of typeName in the given fork and
// preset (preset "" means mainnet) and returns it as an Object. It does not
// copy b, which must not change while the Object is used.
func NewObject(forkName, preset, typeName string, b []byte) (*Object, error) {
	if forkName == "" {
		return nil, fmt.Errorf("beaconstate: NewObject: %w: no fork given", ErrNoFork)
	}
	return object(b, LoadOptions{Fork: forkName, Preset: preset, Type: typeName}.withDefaults())
}

// Close releases the memory of an Object whose bytes were memory-mapped
// (LoadOptions.Mmap). After Close, Bytes must not be used. It is a no-op
// for other Objects and safe to call more than once, but not concurrently
// with any other use of the Object.
func (o *Object) Close() error {
	if o.unmap == nil {
		return nil
	}
	f := o.unmap
	o.unmap = nil
	o.Bytes = nil
	return f()
}

// String describes the object, as "deneb BeaconState (mainnet, 2793264 bytes)".
func (o *Object) String() string {
	return fmt.Sprintf("%s %s (%s, %d bytes)", o.Fork, o.TypeName, o.Preset, len(o.Bytes))
}

// errorf formats an error prefixed with the package, fork and type:
// "beaconstate: deneb BeaconState: ...".
func (o *Object) errorf(format string, args ...any) error {
	return fmt.Errorf("beaconstate: %s %s: "+format, append([]any{o.Fork, o.TypeName}, args...)...)
}

// Field returns the encoded bytes and the type of the member at path
// (spelled as in the specs: "validators[5].withdrawal_credentials",
// "latest_execution_payload_header"), read in place. Indices into lists are
// checked against the list's length. The empty path returns the whole
// object.
func (o *Object) Field(path string) ([]byte, *ssz.Type, error) {
	steps, err := ssz.ParsePath(path)
	if err != nil {
		return nil, nil, o.errorf("path %q: %w", path, err)
	}
	b, t, err := ssz.Lookup(o.Type, o.Bytes, steps)
	if err != nil {
		return nil, nil, o.errorf("path %q: %w", path, err)
	}
	return b, t, nil
}

// Uint64 returns the uint64 at path (for instance "slot" or
// "validators[3].exit_epoch").
func (o *Object) Uint64(path string) (uint64, error) {
	b, t, err := o.Field(path)
	if err != nil {
		return 0, err
	}
	if t.Kind != ssz.KindUint || t.FixedSize() != 8 {
		return 0, o.errorf("path %q is a %s, not a uint64", path, t.Name)
	}
	return binary.LittleEndian.Uint64(b), nil
}

// Len returns the number of elements of the list or vector at path.
func (o *Object) Len(path string) (uint64, error) {
	b, t, err := o.Field(path)
	if err != nil {
		return 0, err
	}
	n, err := ssz.Len(t, b)
	if err != nil {
		return 0, o.errorf("path %q: %w", path, err)
	}
	return uint64(n), nil
}

// Slot returns the slot of a state, block, signed block or block header:
// the first of "slot", "message.slot" that the type has. The error wraps
// ErrNoField for types without a slot (a gloas ExecutionPayloadEnvelope).
func (o *Object) Slot() (uint64, error) {
	for _, p := range []string{"slot", "message.slot"} {
		if o.Type.HasPath(p) {
			return o.Uint64(p)
		}
	}
	return 0, o.errorf("%w: no slot", ErrNoField)
}

// hasPath reports whether the type has the (field-only) path.
// firstPath returns the first of paths that the type has.
func (o *Object) firstPath(what string, paths ...string) (string, error) {
	for _, p := range paths {
		if o.Type.HasPath(p) {
			return p, nil
		}
	}
	return "", o.errorf("%w: no %s", ErrNoField, what)
}

// Validator is a validator record of the beacon state's registry.
type Validator struct {
	Pubkey                     [48]byte
	WithdrawalCredentials      [32]byte
	EffectiveBalance           uint64
	Slashed                    bool
	ActivationEligibilityEpoch uint64
	ActivationEpoch            uint64
	ExitEpoch                  uint64
	WithdrawableEpoch          uint64
}

// Withdrawal is a withdrawal of an execution payload.
type Withdrawal struct {
	Index          uint64
	ValidatorIndex uint64
	Address        [20]byte
	Amount         uint64
}

// ValidatorCount returns the number of validators in a state's registry.
func (o *Object) ValidatorCount() (uint64, error) {
	if !o.Type.HasPath("validators") {
		return 0, o.errorf("%w: no validators", ErrNoField)
	}
	return o.Len("validators")
}

// Validator returns validator i of a state's registry, read in place.
func (o *Object) Validator(i uint64) (Validator, error) {
	var v Validator
	if !o.Type.HasPath("validators") {
		return v, o.errorf("%w: no validators", ErrNoField)
	}
	b, t, err := o.Field(fmt.Sprintf("validators[%d]", i))
	if err != nil {
		return v, err
	}
	r := record{t: t, b: b}
	r.bytes("pubkey", v.Pubkey[:])
	r.bytes("withdrawal_credentials", v.WithdrawalCredentials[:])
	v.EffectiveBalance = r.uint64("effective_balance")
	v.Slashed = r.bool("slashed")
	v.ActivationEligibilityEpoch = r.uint64("activation_eligibility_epoch")
	v.ActivationEpoch = r.uint64("activation_epoch")
	v.ExitEpoch = r.uint64("exit_epoch")
	v.WithdrawableEpoch = r.uint64("withdrawable_epoch")
	if r.err != nil {
		return Validator{}, o.errorf("validators[%d]: %w", i, r.err)
	}
	return v, nil
}

// Balance returns the balance of validator i, in Gwei.
func (o *Object) Balance(i uint64) (uint64, error) {
	if !o.Type.HasPath("balances") {
		return 0, o.errorf("%w: no balances", ErrNoField)
	}
	return o.Uint64(fmt.Sprintf("balances[%d]", i))
}

// withdrawalsPath returns the path of the execution payload's withdrawals
// in the object's type.
func (o *Object) withdrawalsPath() (string, error) {
	return o.firstPath("execution payload withdrawals",
		"body.execution_payload.withdrawals",         // BeaconBlock
		"message.body.execution_payload.withdrawals", // SignedBeaconBlock
		"payload.withdrawals",                        // ExecutionPayloadEnvelope
		"message.payload.withdrawals",                // SignedExecutionPayloadEnvelope
		"withdrawals",                                // ExecutionPayload
	)
}

// WithdrawalsPath returns the path of the execution payload's withdrawals
// list in the object's type ("body.execution_payload.withdrawals" for a
// BeaconBlock, "payload.withdrawals" for an ExecutionPayloadEnvelope), for
// use with a Prover. The error wraps ErrNoField for a type without one.
func (o *Object) WithdrawalsPath() (string, error) { return o.withdrawalsPath() }

// WithdrawalCount returns the number of withdrawals in the execution
// payload of a block or envelope.
func (o *Object) WithdrawalCount() (uint64, error) {
	p, err := o.withdrawalsPath()
	if err != nil {
		return 0, err
	}
	return o.Len(p)
}

// Withdrawal returns withdrawal n of the execution payload of a block or
// envelope, read in place.
func (o *Object) Withdrawal(n uint64) (Withdrawal, error) {
	p, err := o.withdrawalsPath()
	if err != nil {
		return Withdrawal{}, err
	}
	b, t, err := o.Field(fmt.Sprintf("%s[%d]", p, n))
	if err != nil {
		return Withdrawal{}, err
	}
	return o.withdrawal(t, b, fmt.Sprintf("%s[%d]", p, n))
}

func (o *Object) withdrawal(t *ssz.Type, b []byte, where string) (Withdrawal, error) {
	var w Withdrawal
	r := record{t: t, b: b}
	w.Index = r.uint64("index")
	w.ValidatorIndex = r.uint64("validator_index")
	r.bytes("address", w.Address[:])
	w.Amount = r.uint64("amount")
	if r.err != nil {
		return Withdrawal{}, o.errorf("%s: %w", where, r.err)
	}
	return w, nil
}

// Withdrawals returns every withdrawal of the execution payload of a block
// or envelope.
func (o *Object) Withdrawals() ([]Withdrawal, error) {
	p, err := o.withdrawalsPath()
	if err != nil {
		return nil, err
	}
	b, t, err := o.Field(p)
	if err != nil {
		return nil, err
	}
	n, err := ssz.Len(t, b)
	if err != nil {
		return nil, o.errorf("%s: %w", p, err)
	}
	out := make([]Withdrawal, n)
	for i := range out {
		lo, hi, et, err := ssz.ElemSpan(t, b, uint64(i))
		if err != nil {
			return nil, o.errorf("%s: %w", p, err)
		}
		if out[i], err = o.withdrawal(et, b[lo:hi], fmt.Sprintf("%s[%d]", p, i)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// record reads the fields of one fixed-size container by name, remembering
// the first error.
type record struct {
	t   *ssz.Type
	b   []byte
	err error
}

func (r *record) field(name string, want ssz.Kind, size uint64) []byte {
	if r.err != nil {
		return nil
	}
	lo, hi, ft, err := ssz.FieldSpan(r.t, r.b, name)
	if err != nil {
		r.err = err
		return nil
	}
	if ft.Kind != want || uint64(hi-lo) != size {
		r.err = fmt.Errorf("field %s is a %s, want %d bytes of %s", name, ft.Name, size, want)
		return nil
	}
	return r.b[lo:hi]
}

func (r *record) uint64(name string) uint64 {
	if b := r.field(name, ssz.KindUint, 8); b != nil {
		return binary.LittleEndian.Uint64(b)
	}
	return 0
}

func (r *record) bool(name string) bool {
	if b := r.field(name, ssz.KindBool, 1); b != nil {
		return b[0] == 1
	}
	return false
}

func (r *record) bytes(name string, dst []byte) {
	if b := r.field(name, ssz.KindByteVector, uint64(len(dst))); b != nil {
		copy(dst, b)
	}
}

// Root returns the object's hash tree root. It hashes the whole object each
// time and keeps nothing: use a Prover to prove members as well.
func (o *Object) Root() ([32]byte, error) {
	r, err := ssz.HashTreeRoot(o.Type, o.Bytes)
	if err != nil {
		return r, o.errorf("hash tree root: %w", err)
	}
	return r, nil
}

// Gindex returns the generalized index of path in the type typeName of a
// fork and preset ("" means mainnet), from the schema alone: list indices
// are checked against the list's limit only.
func Gindex(forkName, preset, typeName, path string) (proof.Gindex, error) {
	preset, typeName = withDefaults(preset, typeName)
	t, err := fork.TypeOf(forkName, preset, typeName)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %w", err)
	}
	g, _, err := t.Gindex(path)
	if err != nil {
		return proof.Gindex{}, fmt.Errorf("beaconstate: %s %s: path %q: %w", forkName, typeName, path, err)
	}
	return g, nil
}

// Member returns the container at path as an Object of its own type,
// sharing o's bytes: the message of a signed block, a state's
// latest_block_header. The member's type must be one of the fork's named
// types.
func (o *Object) Member(path string) (*Object, error) {
	b, t, err := o.Field(path)
	if err != nil {
		return nil, err
	}
	if o.Schemas == nil || o.Schemas.Get(t.Name) != t {
		return nil, o.errorf("path %q: %s is not a type of its own", path, t.Name)
	}
	return &Object{Fork: o.Fork, Preset: o.Preset, TypeName: t.Name, Type: t, Schemas: o.Schemas, Bytes: b, validated: o.validated}, nil
}

// Unsigned returns the message of a signed object (SignedBeaconBlock,
// SignedExecutionPayloadEnvelope, ...), sharing o's bytes, and o itself
// for an object that is not signed: the one way to unwrap a signed block.
func (o *Object) Unsigned() (*Object, error) {
	if !strings.HasPrefix(o.TypeName, "Signed") {
		return o, nil
	}
	return o.Member("message")
}

// WithdrawalAt returns the Withdrawal container at path: an element of a
// payload's withdrawals or of a gloas state's payload_expected_withdrawals.
func (o *Object) WithdrawalAt(path string) (Withdrawal, error) {
	b, t, err := o.Field(path)
	if err != nil {
		return Withdrawal{}, err
	}
	return o.withdrawal(t, b, path)
}
