package verifiers

import (
	"errors"
	"fmt"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core"
	"github.com/ethereum/go-ethereum/core/state"
	"github.com/ethereum/go-ethereum/core/tracing"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/core/vm"
	"github.com/ethereum/go-ethereum/core/vm/runtime"
	"github.com/ethereum/go-ethereum/params"
	"github.com/holiman/uint256"
)

// Caller is the account every call and deployment comes from.
var Caller = common.HexToAddress("0xbeac0000000000000000000000000000000047880")

// ChainConfig is mainnet's with every fork up to Osaka active, so that
// every call is priced as on mainnet today whatever its timestamp.
func ChainConfig() *params.ChainConfig {
	c := *params.MainnetChainConfig
	zero := uint64(0)
	c.ShanghaiTime, c.CancunTime, c.PragueTime, c.OsakaTime = &zero, &zero, &zero, &zero
	return &c
}

// EVM is go-ethereum's EVM over an in-memory state holding the EIP-4788
// beacon roots contract (its real code, at its address) and the contracts
// deployed into it. It is not safe for concurrent use.
type EVM struct {
	cfg runtime.Config
	// abis decode custom errors in Revert.
	abis []abi.ABI
}

// NewEVM returns an EVM whose state holds the beacon roots contract only.
func NewEVM() (*EVM, error) {
	sdb, err := state.New(types.EmptyRootHash, state.NewDatabaseForTesting())
	if err != nil {
		return nil, err
	}
	sdb.SetCode(params.BeaconRootsAddress, params.BeaconRootsCode, tracing.CodeChangeGenesis)
	sdb.SetNonce(params.BeaconRootsAddress, 1, tracing.NonceChangeGenesis)
	// Every field runtime would otherwise default on first use is set
	// here, so that the system call sees the same block context as calls
	// (Random set: a post-merge block).
	return &EVM{cfg: runtime.Config{
		ChainConfig: ChainConfig(),
		State:       sdb,
		Origin:      Caller,
		GasLimit:    30_000_000,
		GasPrice:    new(big.Int),
		Value:       new(big.Int),
		Difficulty:  new(big.Int),
		BlockNumber: big.NewInt(24_000_000),
		Time:        1_800_000_000,
		BaseFee:     big.NewInt(1),
		BlobBaseFee: big.NewInt(1),
		Random:      new(common.Hash),
		GetHashFn:   func(uint64) common.Hash { return common.Hash{} },
	}}, nil
}

// State returns the EVM's state.
func (e *EVM) State() *state.StateDB { return e.cfg.State }

// StoreRoot runs the EIP-4788 system call of an execution block with the
// timestamp, storing root as its parent_beacon_block_root: the contract
// writes timestamp at slot timestamp % 8191 and root at that slot + 8191.
func (e *EVM) StoreRoot(timestamp uint64, root [32]byte) {
	cfg := e.cfg
	cfg.Time = timestamp
	core.ProcessBeaconBlockRoot(common.Hash(root), runtime.NewEnv(&cfg), nil)
}

// Deploy runs the creation code with the ABI-encoded constructor arguments
// and returns the new contract's address. Its ABI joins those Revert
// decodes errors with.
func (e *EVM) Deploy(c *Contract, args ...any) (common.Address, error) {
	packed, err := c.ABI.Pack("", args...)
	if err != nil {
		return common.Address{}, fmt.Errorf("deploy %s: constructor arguments: %w", c.Name, err)
	}
	cfg := e.cfg
	ret, addr, _, err := runtime.Create(append(append([]byte(nil), c.Bytecode...), packed...), &cfg)
	if err != nil {
		return common.Address{}, fmt.Errorf("deploy %s: %w: %s", c.Name, err, e.Revert(ret))
	}
	e.AddABI(c.ABI)
	return addr, nil
}

// AddABI adds an ABI whose custom errors Revert decodes.
func (e *EVM) AddABI(a abi.ABI) { e.abis = append(e.abis, a) }

// Result is the outcome of a call.
type Result struct {
	// Return is the returned data, or the revert data.
	Return []byte
	// Gas is the execution gas the call used.
	Gas uint64
	// Err is nil on success, wraps vm.ErrExecutionReverted on a revert.
	Err error
}

// Reverted reports whether the call reverted.
func (r Result) Reverted() bool { return errors.Is(r.Err, vm.ErrExecutionReverted) }

// Call runs a call of the contract at to with the calldata in a block with
// timestamp now. State changes of a successful call are kept.
func (e *EVM) Call(to common.Address, input []byte, now uint64) Result {
	cfg := e.cfg
	cfg.Time = now
	ret, left, err := runtime.Call(to, input, &cfg)
	return Result{Return: ret, Gas: cfg.GasLimit - left, Err: err}
}

// TxGas is what a transaction to the address with that calldata and
// execution gas is charged: intrinsic gas plus execution, or EIP-7623's
// calldata floor when higher.
func (e *EVM) TxGas(to common.Address, input []byte, exec uint64) (uint64, error) {
	rules := e.cfg.ChainConfig.Rules(e.cfg.BlockNumber, true, e.cfg.Time)
	intrinsic, err := core.IntrinsicGas(input, nil, nil, Caller, &to, new(uint256.Int), rules)
	if err != nil {
		return 0, err
	}
	floor, err := core.FloorDataGas(rules, Caller, &to, new(uint256.Int), input, nil)
	if err != nil {
		return 0, err
	}
	return max(intrinsic+exec, floor), nil
}

// Revert describes revert data: Error(string)'s reason, a custom error of
// a deployed contract's ABI with its arguments, or the raw bytes.
func (e *EVM) Revert(ret []byte) string {
	if reason, err := abi.UnpackRevert(ret); err == nil {
		return fmt.Sprintf("Error(%q)", reason)
	}
	if len(ret) >= 4 {
		for _, a := range e.abis {
			if er, err := a.ErrorByID([4]byte(ret[:4])); err == nil {
				args, _ := er.Unpack(ret)
				return fmt.Sprintf("%s%v", er.Name, args)
			}
		}
	}
	return fmt.Sprintf("revert 0x%x", ret)
}
