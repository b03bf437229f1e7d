package verifiers

import (
	_ "embed"
	"fmt"
	"math/big"
	"path/filepath"
	"sync"
	"testing"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/params"

	"github.com/beaconproof/beaconproof/fork"
)

//go:embed testdata/EigenHarness.sol
var eigenHarnessSol string

//go:embed testdata/CSModuleStandIn.sol
var csModuleStandInSol string

// The compilations of the production verifiers. Rocket Pool's: solc 0.8.30
// as its pragma pins, the optimizer runs of its Hardhat configuration
// (15,000), the compiler's default EVM; Lido CSM's its foundry.toml's (solc 0.8.24, 160 runs,
// cancun, no metadata hash); EigenLayer's library is compiled, inside the
// harness, as its foundry.toml says (200 runs) but with solc 0.8.30 (the
// repository pins 0.8.27; its sources take any 0.8.x from 0.8.27, the first
// with require(bool, error) in the legacy pipeline).
var (
	rocketPoolSources = []string{"contracts/contract/util/BeaconStateVerifier.sol"}
	// RocketPoolVerifier is the contract's name in the compilation.
	RocketPoolVerifier = "contracts/contract/util/BeaconStateVerifier.sol:BeaconStateVerifier"
	// EigenHarness is the harness contract's name.
	EigenHarness = "EigenHarness.sol:EigenHarness"
	// LidoVerifier and LidoModule are CSVerifier's and the stand-in
	// module's names.
	LidoVerifier = "src/CSVerifier.sol:CSVerifier"
	LidoModule   = "CSModuleStandIn.sol:CSModuleStandIn"
)

// compiled memoizes compilations within a test binary.
var compiled sync.Map // string -> *compileOnce

type compileOnce struct {
	once sync.Once
	cs   Contracts
	err  error
}

func compile(t testing.TB, key string, c func(dir string) Compilation) Contracts {
	t.Helper()
	needTools(t)
	dir := ContractsDir(t)
	v, _ := compiled.LoadOrStore(key, &compileOnce{})
	o := v.(*compileOnce)
	o.once.Do(func() { o.cs, o.err = Compile(t.Context(), c(dir)) })
	if o.err != nil {
		t.Fatalf("compile %s: %v", key, o.err)
	}
	return o.cs
}

// CompileRocketPool compiles Rocket Pool's BeaconStateVerifier.
func CompileRocketPool(t testing.TB) *Contract {
	t.Helper()
	cs := compile(t, "rocketpool", func(dir string) Compilation {
		return Compilation{Solc: Solc0830, Files: rocketPoolSources, Roots: []string{filepath.Join(dir, "rocketpool")}, Runs: 15000}
	})
	c, err := cs.Get(RocketPoolVerifier)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// CompileEigenHarness compiles testdata/EigenHarness.sol with EigenLayer's
// BeaconChainProofs.
func CompileEigenHarness(t testing.TB) *Contract {
	t.Helper()
	cs := compile(t, "eigenlayer", func(dir string) Compilation {
		return Compilation{Solc: Solc0830, Inline: map[string]string{"EigenHarness.sol": eigenHarnessSol},
			Roots: []string{filepath.Join(dir, "eigenlayer")}, Runs: 200}
	})
	c, err := cs.Get(EigenHarness)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// CompileLido compiles Lido CSM's CSVerifier and testdata/CSModuleStandIn.sol.
func CompileLido(t testing.TB) (verifier, module *Contract) {
	t.Helper()
	cs := compile(t, "lido-csm", func(dir string) Compilation {
		return Compilation{Solc: Solc0824, Packages: []Package{OpenZeppelin}, Files: []string{"src/CSVerifier.sol"},
			Inline: map[string]string{"CSModuleStandIn.sol": csModuleStandInSol},
			Roots:  []string{filepath.Join(dir, "lido-csm")}, Runs: 160, EVMVersion: "cancun", NoBytecodeHash: true}
	})
	var err error
	if verifier, err = cs.Get(LidoVerifier); err != nil {
		t.Fatal(err)
	}
	if module, err = cs.Get(LidoModule); err != nil {
		t.Fatal(err)
	}
	return verifier, module
}

// Deployed is a contract deployed in an EVM.
type Deployed struct {
	EVM      *EVM
	Address  common.Address
	Contract *Contract
}

// Deploy deploys the contract with the constructor arguments, failing t
// when that fails.
func Deploy(t testing.TB, e *EVM, c *Contract, args ...any) *Deployed {
	t.Helper()
	addr, err := e.Deploy(c, args...)
	if err != nil {
		t.Fatal(err)
	}
	return &Deployed{EVM: e, Address: addr, Contract: c}
}

// Pack returns the calldata of the method with the arguments.
func (d *Deployed) Pack(method string, args ...any) ([]byte, error) {
	return d.Contract.ABI.Pack(method, args...)
}

// Call sends the calldata in a block at time now.
func (d *Deployed) Call(input []byte, now uint64) Result {
	return d.EVM.Call(d.Address, input, now)
}

// Unpack decodes a successful call's return values.
func (d *Deployed) Unpack(method string, r Result) ([]any, error) {
	if r.Err != nil {
		return nil, fmt.Errorf("%s: %w: %s", method, r.Err, d.EVM.Revert(r.Return))
	}
	return d.Contract.ABI.Unpack(method, r.Return)
}

// RocketPoolArgs returns BeaconStateVerifier's constructor arguments for
// the network: a made-up RocketStorage address (the verifier does not
// read it), SLOTS_PER_HISTORICAL_ROOT, the first slots of altair,
// bellatrix, capella, deneb and electra, the EIP-4788 contract's address,
// the genesis time and the genesis validators root.
func RocketPoolArgs(net *fork.Network) ([]any, error) {
	p, err := fork.PresetByName(net.PresetBase)
	if err != nil {
		return nil, err
	}
	spe := net.SlotsPerEpoch
	if spe == 0 {
		spe = p.SlotsPerEpoch
	}
	var slots [5]uint64
	for i, f := range []string{fork.Altair, fork.Bellatrix, fork.Capella, fork.Deneb, fork.Electra} {
		fs, ok := net.Fork(f)
		if !ok || fs.Epoch == fork.FarFutureEpoch {
			return nil, fmt.Errorf("network %s does not schedule %s", net.Name, f)
		}
		slots[i] = fs.Epoch * spe
	}
	storage := common.HexToAddress("0x5707a9e000000000000000000000000000000001")
	return []any{storage, new(big.Int).SetUint64(p.SlotsPerHistoricalRoot), slots, params.BeaconRootsAddress,
		new(big.Int).SetUint64(net.GenesisTime), net.GenesisValidatorsRoot}, nil
}

// DeployRocketPool compiles and deploys BeaconStateVerifier for the
// network.
func DeployRocketPool(t testing.TB, e *EVM, net *fork.Network) *Deployed {
	t.Helper()
	c := CompileRocketPool(t)
	args, err := RocketPoolArgs(net)
	if err != nil {
		t.Fatal(err)
	}
	return Deploy(t, e, c, args...)
}

// DeployEigenHarness compiles and deploys the EigenLayer harness with the
// Pectra fork timestamp EigenPod compares proof timestamps with.
func DeployEigenHarness(t testing.TB, e *EVM, pectraForkTimestamp uint64) *Deployed {
	t.Helper()
	return Deploy(t, e, CompileEigenHarness(t), pectraForkTimestamp)
}
