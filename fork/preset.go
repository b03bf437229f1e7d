package fork

import (
	"errors"
	"fmt"
	"maps"
	"sort"
	"sync"
)

// ErrUnknownPreset reports a preset name that is not registered.
var ErrUnknownPreset = errors.New("unknown preset")

// The preset names of the consensus specs.
const (
	PresetMainnet = "mainnet"
	PresetMinimal = "minimal"
)

// Preset holds the consensus preset constants that shape the SSZ schemas:
// list limits and vector lengths. The yaml tags are the specs' names, so a
// preset file of the consensus specs decodes into a Preset (see
// LoadPreset); the constants this struct has no field for, such as those
// of a fork registered outside this package, go to Extra. Value reads
// either by spec name.
//
// A constant that a fork does not use is ignored by the schemas of the
// earlier forks.
type Preset struct {
	// Name is the preset's name ("mainnet", "minimal").
	Name string `yaml:"-"`

	// Extra holds the constants without a field of their own, by spec
	// name ("INCLUSION_LIST_COMMITTEE_SIZE"): a new fork's Build reads
	// them with Value or MustValue.
	Extra map[string]uint64 `yaml:",inline"`

	// Phase0.
	MaxCommitteesPerSlot      uint64 `yaml:"MAX_COMMITTEES_PER_SLOT"`
	MaxValidatorsPerCommittee uint64 `yaml:"MAX_VALIDATORS_PER_COMMITTEE"`
	SlotsPerEpoch             uint64 `yaml:"SLOTS_PER_EPOCH"`
	MinSeedLookahead          uint64 `yaml:"MIN_SEED_LOOKAHEAD"`
	EpochsPerEth1VotingPeriod uint64 `yaml:"EPOCHS_PER_ETH1_VOTING_PERIOD"`
	SlotsPerHistoricalRoot    uint64 `yaml:"SLOTS_PER_HISTORICAL_ROOT"`
	EpochsPerHistoricalVector uint64 `yaml:"EPOCHS_PER_HISTORICAL_VECTOR"`
	EpochsPerSlashingsVector  uint64 `yaml:"EPOCHS_PER_SLASHINGS_VECTOR"`
	HistoricalRootsLimit      uint64 `yaml:"HISTORICAL_ROOTS_LIMIT"`
	ValidatorRegistryLimit    uint64 `yaml:"VALIDATOR_REGISTRY_LIMIT"`
	MaxProposerSlashings      uint64 `yaml:"MAX_PROPOSER_SLASHINGS"`
	MaxAttesterSlashings      uint64 `yaml:"MAX_ATTESTER_SLASHINGS"`
	MaxAttestations           uint64 `yaml:"MAX_ATTESTATIONS"`
	MaxDeposits               uint64 `yaml:"MAX_DEPOSITS"`
	MaxVoluntaryExits         uint64 `yaml:"MAX_VOLUNTARY_EXITS"`

	// Altair.
	SyncCommitteeSize            uint64 `yaml:"SYNC_COMMITTEE_SIZE"`
	EpochsPerSyncCommitteePeriod uint64 `yaml:"EPOCHS_PER_SYNC_COMMITTEE_PERIOD"`

	// Bellatrix.
	MaxBytesPerTransaction    uint64 `yaml:"MAX_BYTES_PER_TRANSACTION"`
	MaxTransactionsPerPayload uint64 `yaml:"MAX_TRANSACTIONS_PER_PAYLOAD"`
	BytesPerLogsBloom         uint64 `yaml:"BYTES_PER_LOGS_BLOOM"`
	MaxExtraDataBytes         uint64 `yaml:"MAX_EXTRA_DATA_BYTES"`

	// Capella.
	MaxBLSToExecutionChanges uint64 `yaml:"MAX_BLS_TO_EXECUTION_CHANGES"`
	MaxWithdrawalsPerPayload uint64 `yaml:"MAX_WITHDRAWALS_PER_PAYLOAD"`

	// Deneb.
	MaxBlobCommitmentsPerBlock uint64 `yaml:"MAX_BLOB_COMMITMENTS_PER_BLOCK"`

	// Electra.
	MaxAttesterSlashingsElectra        uint64 `yaml:"MAX_ATTESTER_SLASHINGS_ELECTRA"`
	MaxAttestationsElectra             uint64 `yaml:"MAX_ATTESTATIONS_ELECTRA"`
	PendingDepositsLimit               uint64 `yaml:"PENDING_DEPOSITS_LIMIT"`
	PendingPartialWithdrawalsLimit     uint64 `yaml:"PENDING_PARTIAL_WITHDRAWALS_LIMIT"`
	PendingConsolidationsLimit         uint64 `yaml:"PENDING_CONSOLIDATIONS_LIMIT"`
	MaxDepositRequestsPerPayload       uint64 `yaml:"MAX_DEPOSIT_REQUESTS_PER_PAYLOAD"`
	MaxWithdrawalRequestsPerPayload    uint64 `yaml:"MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD"`
	MaxConsolidationRequestsPerPayload uint64 `yaml:"MAX_CONSOLIDATION_REQUESTS_PER_PAYLOAD"`

	// Gloas (EIP-7732). The gloas schemas use progressive lists, which have
	// no limit, for the builder registry and the payload attestations; the
	// limits are kept for reference.
	PTCSize                        uint64 `yaml:"PTC_SIZE"`
	MaxPayloadAttestations         uint64 `yaml:"MAX_PAYLOAD_ATTESTATIONS"`
	BuilderRegistryLimit           uint64 `yaml:"BUILDER_REGISTRY_LIMIT"`
	BuilderPendingWithdrawalsLimit uint64 `yaml:"BUILDER_PENDING_WITHDRAWALS_LIMIT"`
}

// Constants of the specs that are not preset values.
const (
	// DepositContractTreeDepth is DEPOSIT_CONTRACT_TREE_DEPTH.
	DepositContractTreeDepth = 32
	// JustificationBitsLength is JUSTIFICATION_BITS_LENGTH.
	JustificationBitsLength = 4
	// FarFutureEpoch is FAR_FUTURE_EPOCH, the epoch of a fork that is not
	// scheduled.
	FarFutureEpoch = ^uint64(0)
)

// Mainnet is the consensus specs' mainnet preset. Every value zrnt v0.34.1's
// configs.Mainnet has (phase0 to electra) equals zrnt's, which a test
// checks; the gloas values, which zrnt lacks, are those of consensus-specs
// v1.7 and Lodestar 1.50.0, checked by the gloas oracle vectors.
//
// The schemas read the copy registered at init, so changing this variable
// does not change them; register another preset instead.
var Mainnet = Preset{
	Name: PresetMainnet,

	MaxCommitteesPerSlot:      64,
	MaxValidatorsPerCommittee: 2048,
	SlotsPerEpoch:             32,
	MinSeedLookahead:          1,
	EpochsPerEth1VotingPeriod: 64,
	SlotsPerHistoricalRoot:    8192,
	EpochsPerHistoricalVector: 65536,
	EpochsPerSlashingsVector:  8192,
	HistoricalRootsLimit:      1 << 24,
	ValidatorRegistryLimit:    1 << 40,
	MaxProposerSlashings:      16,
	MaxAttesterSlashings:      2,
	MaxAttestations:           128,
	MaxDeposits:               16,
	MaxVoluntaryExits:         16,

	SyncCommitteeSize:            512,
	EpochsPerSyncCommitteePeriod: 256,

	MaxBytesPerTransaction:    1 << 30,
	MaxTransactionsPerPayload: 1 << 20,
	BytesPerLogsBloom:         256,
	MaxExtraDataBytes:         32,

	MaxBLSToExecutionChanges: 16,
	MaxWithdrawalsPerPayload: 16,

	MaxBlobCommitmentsPerBlock: 4096,

	MaxAttesterSlashingsElectra:        1,
	MaxAttestationsElectra:             8,
	PendingDepositsLimit:               1 << 27,
	PendingPartialWithdrawalsLimit:     1 << 27,
	PendingConsolidationsLimit:         1 << 18,
	MaxDepositRequestsPerPayload:       8192,
	MaxWithdrawalRequestsPerPayload:    16,
	MaxConsolidationRequestsPerPayload: 2,

	PTCSize:                        512,
	MaxPayloadAttestations:         4,
	BuilderRegistryLimit:           1 << 40,
	BuilderPendingWithdrawalsLimit: 1 << 20,
}

// Minimal is the consensus specs' minimal preset, used by test networks and
// the spec tests, as of consensus-specs v1.7 (the version Lodestar 1.50.0
// implements; the minimal oracle vectors check it). It equals zrnt v0.34.1's
// configs.Minimal except where the specs have since dropped a [customized]
// minimal value for the mainnet one: MAX_BLOB_COMMITMENTS_PER_BLOCK (32 in
// zrnt, 4096 since v1.6.0-alpha.5), MAX_DEPOSIT_REQUESTS_PER_PAYLOAD (4,
// now 8192) and MAX_WITHDRAWAL_REQUESTS_PER_PAYLOAD (2, now 16); and
// PTC_SIZE, 16 in the gloas preset (zrnt's configs have no gloas preset;
// its eip-7732 draft file says 2). A test checks every other value zrnt has
// against zrnt's configs.Minimal.
var Minimal = Preset{
	Name: PresetMinimal,

	MaxCommitteesPerSlot:      4,
	MaxValidatorsPerCommittee: 2048,
	SlotsPerEpoch:             8,
	MinSeedLookahead:          1,
	EpochsPerEth1VotingPeriod: 4,
	SlotsPerHistoricalRoot:    64,
	EpochsPerHistoricalVector: 64,
	EpochsPerSlashingsVector:  64,
	HistoricalRootsLimit:      1 << 24,
	ValidatorRegistryLimit:    1 << 40,
	MaxProposerSlashings:      16,
	MaxAttesterSlashings:      2,
	MaxAttestations:           128,
	MaxDeposits:               16,
	MaxVoluntaryExits:         16,

	SyncCommitteeSize:            32,
	EpochsPerSyncCommitteePeriod: 8,

	MaxBytesPerTransaction:    1 << 30,
	MaxTransactionsPerPayload: 1 << 20,
	BytesPerLogsBloom:         256,
	MaxExtraDataBytes:         32,

	MaxBLSToExecutionChanges: 16,
	MaxWithdrawalsPerPayload: 4,

	MaxBlobCommitmentsPerBlock: 4096, // zrnt v0.34.1: 32

	MaxAttesterSlashingsElectra:        1,
	MaxAttestationsElectra:             8,
	PendingDepositsLimit:               1 << 27,
	PendingPartialWithdrawalsLimit:     64,
	PendingConsolidationsLimit:         64,
	MaxDepositRequestsPerPayload:       8192, // zrnt v0.34.1: 4
	MaxWithdrawalRequestsPerPayload:    16,   // zrnt v0.34.1: 2
	MaxConsolidationRequestsPerPayload: 2,

	PTCSize:                        16, // zrnt v0.34.1 eip-7732 draft file: 2
	MaxPayloadAttestations:         4,
	BuilderRegistryLimit:           1 << 40,
	BuilderPendingWithdrawalsLimit: 1 << 20,
}

var presets = struct {
	sync.RWMutex
	m map[string]*Preset
}{m: map[string]*Preset{}}

func init() {
	for _, p := range []Preset{Mainnet, Minimal} {
		if err := RegisterPreset(p); err != nil {
			panic(err)
		}
	}
}

// RegisterPreset adds a preset (for instance a chain with its own list
// limits) under p.Name. It fails if the name is empty or taken, or if a
// constant every fork needs is zero.
func RegisterPreset(p Preset) error {
	if p.Name == "" {
		return errors.New("fork: register preset: empty name")
	}
	for _, c := range []struct {
		name string
		v    uint64
	}{
		{"SLOTS_PER_EPOCH", p.SlotsPerEpoch},
		{"SLOTS_PER_HISTORICAL_ROOT", p.SlotsPerHistoricalRoot},
		{"EPOCHS_PER_HISTORICAL_VECTOR", p.EpochsPerHistoricalVector},
		{"EPOCHS_PER_SLASHINGS_VECTOR", p.EpochsPerSlashingsVector},
		{"MAX_VALIDATORS_PER_COMMITTEE", p.MaxValidatorsPerCommittee},
	} {
		if c.v == 0 {
			return fmt.Errorf("fork: register preset %q: %s is 0", p.Name, c.name)
		}
	}
	presets.Lock()
	defer presets.Unlock()
	if _, dup := presets.m[p.Name]; dup {
		return fmt.Errorf("fork: register preset %q: already registered", p.Name)
	}
	p.Extra = maps.Clone(p.Extra)
	presets.m[p.Name] = &p
	return nil
}

// PresetByName returns a copy of the registered preset with that name. The
// error wraps ErrUnknownPreset.
func PresetByName(name string) (*Preset, error) {
	p, err := presetRef(name)
	if err != nil {
		return nil, err
	}
	c := *p
	c.Extra = maps.Clone(p.Extra)
	return &c, nil
}

// presetRef returns the registered preset itself, which must not be changed.
func presetRef(name string) (*Preset, error) {
	presets.RLock()
	defer presets.RUnlock()
	p, ok := presets.m[name]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %v)", ErrUnknownPreset, name, presetNamesLocked())
	}
	return p, nil
}

// PresetNames returns the names of the registered presets, sorted.
func PresetNames() []string {
	presets.RLock()
	defer presets.RUnlock()
	return presetNamesLocked()
}

func presetNamesLocked() []string {
	names := make([]string, 0, len(presets.m))
	for n := range presets.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
