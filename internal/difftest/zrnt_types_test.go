package difftest

import (
	"github.com/protolambda/zrnt/eth2/beacon/altair"
	"github.com/protolambda/zrnt/eth2/beacon/bellatrix"
	"github.com/protolambda/zrnt/eth2/beacon/capella"
	"github.com/protolambda/zrnt/eth2/beacon/common"
	"github.com/protolambda/zrnt/eth2/beacon/deneb"
	"github.com/protolambda/zrnt/eth2/beacon/electra"
	"github.com/protolambda/zrnt/eth2/beacon/phase0"
	"github.com/protolambda/ztyp/codec"
	"github.com/protolambda/ztyp/tree"
	"github.com/protolambda/ztyp/view"
)

// zType is one zrnt type: its tree-backed type definition (decoded into a
// view whose backing tree serves the bisection of a mismatch) and, where
// zrnt has one, its flat struct, which hashes through its own code path.
type zType struct {
	def func(spec *common.Spec) view.TypeDef
	obj func() any // a pointer implementing zSpecObject or zPlainObject; nil if none
}

// zrnt's structs come in two shapes: those whose layout depends on the
// preset take the spec, the others do not.
type zSpecObject interface {
	Deserialize(spec *common.Spec, dr *codec.DecodingReader) error
	HashTreeRoot(spec *common.Spec, hFn tree.HashFn) common.Root
}

type zPlainObject interface {
	Deserialize(dr *codec.DecodingReader) error
	HashTreeRoot(hFn tree.HashFn) common.Root
}

func fixedDef(d view.TypeDef) func(*common.Spec) view.TypeDef {
	return func(*common.Spec) view.TypeDef { return d }
}

func specDef[D view.TypeDef](f func(*common.Spec) D) func(*common.Spec) view.TypeDef {
	return func(s *common.Spec) view.TypeDef { return f(s) }
}

func zobj[T any]() func() any { return func() any { return new(T) } }

type zTypes map[string]zType

// zrntTypes maps each fork zrnt v0.34.1 knows (phase0 to electra) to its
// types by spec name.
var zrntTypes = func() map[string]zTypes {
	phase0Types := zTypes{
		"BeaconState":             {specDef(phase0.BeaconStateType), zobj[phase0.BeaconState]()},
		"BeaconBlock":             {specDef(phase0.BeaconBlockType), zobj[phase0.BeaconBlock]()},
		"SignedBeaconBlock":       {specDef(phase0.SignedBeaconBlockType), zobj[phase0.SignedBeaconBlock]()},
		"BeaconBlockBody":         {specDef(phase0.BeaconBlockBodyType), zobj[phase0.BeaconBlockBody]()},
		"BeaconBlockHeader":       {fixedDef(common.BeaconBlockHeaderType), zobj[common.BeaconBlockHeader]()},
		"SignedBeaconBlockHeader": {fixedDef(common.SignedBeaconBlockHeaderType), zobj[common.SignedBeaconBlockHeader]()},
		"Validator":               {fixedDef(phase0.ValidatorType), zobj[phase0.Validator]()},
		"Attestation":             {specDef(phase0.AttestationType), zobj[phase0.Attestation]()},
		"AttestationData":         {fixedDef(phase0.AttestationDataType), nil},
		"IndexedAttestation":      {specDef(phase0.IndexedAttestationType), nil},
		"AttesterSlashing":        {specDef(phase0.AttesterSlashingType), zobj[phase0.AttesterSlashing]()},
		"ProposerSlashing":        {fixedDef(phase0.ProposerSlashingType), nil},
		"PendingAttestation":      {specDef(phase0.PendingAttestationType), zobj[phase0.PendingAttestation]()},
		"Checkpoint":              {fixedDef(common.CheckpointType), zobj[common.Checkpoint]()},
		"Deposit":                 {fixedDef(common.DepositType), nil},
		"DepositData":             {fixedDef(common.DepositDataType), nil},
		"DepositMessage":          {fixedDef(common.DepositMessageType), nil},
		"Eth1Data":                {fixedDef(common.Eth1DataType), nil},
		"Fork":                    {fixedDef(common.ForkType), zobj[common.Fork]()},
		"ForkData":                {fixedDef(common.ForkDataType), nil},
		"SigningData":             {fixedDef(common.SigningDataType), nil},
		"VoluntaryExit":           {fixedDef(phase0.VoluntaryExitType), nil},
		"SignedVoluntaryExit":     {fixedDef(phase0.SignedVoluntaryExitType), nil},
		"HistoricalBatch":         {specDef(phase0.HistoricalBatchType), nil},
		"AggregateAndProof":       {nil, zobj[phase0.AggregateAndProof]()},
		"SignedAggregateAndProof": {nil, zobj[phase0.SignedAggregateAndProof]()},
	}
	derive := func(parent zTypes, changes zTypes, drop ...string) zTypes {
		out := zTypes{}
		for k, v := range parent {
			out[k] = v
		}
		for _, k := range drop {
			delete(out, k)
		}
		for k, v := range changes {
			out[k] = v
		}
		return out
	}
	altairTypes := derive(phase0Types, zTypes{
		"BeaconState":                 {specDef(altair.BeaconStateType), zobj[altair.BeaconState]()},
		"BeaconBlock":                 {specDef(altair.BeaconBlockType), zobj[altair.BeaconBlock]()},
		"SignedBeaconBlock":           {specDef(altair.SignedBeaconBlockType), zobj[altair.SignedBeaconBlock]()},
		"BeaconBlockBody":             {specDef(altair.BeaconBlockBodyType), zobj[altair.BeaconBlockBody]()},
		"SyncAggregate":               {specDef(altair.SyncAggregateType), zobj[altair.SyncAggregate]()},
		"SyncCommittee":               {specDef(common.SyncCommitteeType), zobj[common.SyncCommittee]()},
		"SyncCommitteeMessage":        {fixedDef(altair.SyncCommitteeMessageType), nil},
		"SyncCommitteeContribution":   {specDef(altair.SyncCommitteeContributionType), nil},
		"ContributionAndProof":        {specDef(altair.ContributionAndProofType), nil},
		"SignedContributionAndProof":  {specDef(altair.SignedContributionAndProofType), nil},
		"SyncAggregatorSelectionData": {fixedDef(altair.SyncAggregatorSelectionDataType), nil},
		"LightClientUpdate":           {specDef(altair.LightClientUpdateType), nil},
	}, "PendingAttestation")
	bellatrixTypes := derive(altairTypes, zTypes{
		"BeaconState":            {specDef(bellatrix.BeaconStateType), zobj[bellatrix.BeaconState]()},
		"BeaconBlock":            {specDef(bellatrix.BeaconBlockType), zobj[bellatrix.BeaconBlock]()},
		"SignedBeaconBlock":      {specDef(bellatrix.SignedBeaconBlockType), zobj[bellatrix.SignedBeaconBlock]()},
		"BeaconBlockBody":        {specDef(bellatrix.BeaconBlockBodyType), zobj[bellatrix.BeaconBlockBody]()},
		"ExecutionPayload":       {specDef(bellatrix.ExecutionPayloadType), zobj[bellatrix.ExecutionPayload]()},
		"ExecutionPayloadHeader": {fixedDef(bellatrix.ExecutionPayloadHeaderType), zobj[bellatrix.ExecutionPayloadHeader]()},
		"Transaction":            {specDef(common.TransactionType), nil},
	})
	capellaTypes := derive(bellatrixTypes, zTypes{
		"BeaconState":                {specDef(capella.BeaconStateType), zobj[capella.BeaconState]()},
		"BeaconBlock":                {specDef(capella.BeaconBlockType), zobj[capella.BeaconBlock]()},
		"SignedBeaconBlock":          {specDef(capella.SignedBeaconBlockType), zobj[capella.SignedBeaconBlock]()},
		"BeaconBlockBody":            {specDef(capella.BeaconBlockBodyType), zobj[capella.BeaconBlockBody]()},
		"ExecutionPayload":           {specDef(capella.ExecutionPayloadType), zobj[capella.ExecutionPayload]()},
		"ExecutionPayloadHeader":     {fixedDef(capella.ExecutionPayloadHeaderType), zobj[capella.ExecutionPayloadHeader]()},
		"Withdrawal":                 {fixedDef(common.WithdrawalType), zobj[common.Withdrawal]()},
		"HistoricalSummary":          {fixedDef(capella.HistoricalSummaryType), zobj[capella.HistoricalSummary]()},
		"BLSToExecutionChange":       {fixedDef(common.BLSToExecutionChangeType), nil},
		"SignedBLSToExecutionChange": {fixedDef(common.SignedBLSToExecutionChangeType), nil},
	})
	denebTypes := derive(capellaTypes, zTypes{
		"BeaconState":            {specDef(deneb.BeaconStateType), zobj[deneb.BeaconState]()},
		"BeaconBlock":            {specDef(deneb.BeaconBlockType), zobj[deneb.BeaconBlock]()},
		"SignedBeaconBlock":      {specDef(deneb.SignedBeaconBlockType), zobj[deneb.SignedBeaconBlock]()},
		"BeaconBlockBody":        {specDef(deneb.BeaconBlockBodyType), zobj[deneb.BeaconBlockBody]()},
		"ExecutionPayload":       {specDef(deneb.ExecutionPayloadType), zobj[deneb.ExecutionPayload]()},
		"ExecutionPayloadHeader": {fixedDef(deneb.ExecutionPayloadHeaderType), zobj[deneb.ExecutionPayloadHeader]()},
	})
	electraTypes := derive(denebTypes, zTypes{
		"BeaconState":              {specDef(electra.BeaconStateType), zobj[electra.BeaconState]()},
		"BeaconBlock":              {specDef(electraBeaconBlockType), zobj[electra.BeaconBlock]()},
		"SignedBeaconBlock":        {specDef(electraSignedBeaconBlockType), zobj[electra.SignedBeaconBlock]()},
		"BeaconBlockBody":          {specDef(electraBeaconBlockBodyType), zobj[electra.BeaconBlockBody]()},
		"Attestation":              {specDef(electra.AttestationType), zobj[electra.Attestation]()},
		"IndexedAttestation":       {specDef(electra.IndexedAttestationType), nil},
		"AttesterSlashing":         {specDef(electra.AttesterSlashingType), zobj[electra.AttesterSlashing]()},
		"AggregateAndProof":        {nil, zobj[electra.AggregateAndProof]()},
		"SignedAggregateAndProof":  {nil, zobj[electra.SignedAggregateAndProof]()},
		"SingleAttestation":        {fixedDef(electra.SingleAttestationType), zobj[electra.SingleAttestation]()},
		"ExecutionRequests":        {specDef(electra.ExecutionRequestsType), zobj[electra.ExecutionRequests]()},
		"DepositRequest":           {fixedDef(common.DepositRequestType), zobj[common.DepositRequest]()},
		"WithdrawalRequest":        {fixedDef(common.WithdrawalRequestType), zobj[common.WithdrawalRequest]()},
		"ConsolidationRequest":     {fixedDef(common.ConsolidationRequestType), zobj[common.ConsolidationRequest]()},
		"PendingDeposit":           {fixedDef(common.PendingDepositType), zobj[common.PendingDeposit]()},
		"PendingPartialWithdrawal": {fixedDef(common.PendingPartialWithdrawalType), zobj[common.PendingPartialWithdrawal]()},
		"PendingConsolidation":     {fixedDef(common.PendingConsolidationType), zobj[common.PendingConsolidation]()},
	})
	return map[string]zTypes{
		"phase0": phase0Types, "altair": altairTypes, "bellatrix": bellatrixTypes,
		"capella": capellaTypes, "deneb": denebTypes, "electra": electraTypes,
	}
}()

// zrnt v0.34.1's electra.BeaconBlockBodyType gives attester_slashings the
// phase0 limit, MAX_ATTESTER_SLASHINGS (2), where the electra spec has
// MAX_ATTESTER_SLASHINGS_ELECTRA (1): its tree-backed view of an electra
// body (and so of a block) has the wrong root whenever the list has an
// element. zrnt's flat structs use the right limit. These three type
// definitions are zrnt's own with that one field corrected; the bug itself
// is pinned by TestZrntElectraAttesterSlashingsLimit.
func electraBeaconBlockBodyType(spec *common.Spec) *view.ContainerTypeDef {
	return withField(electra.BeaconBlockBodyType(spec), "attester_slashings",
		view.ListType(electra.AttesterSlashingType(spec), uint64(spec.MAX_ATTESTER_SLASHINGS_ELECTRA)))
}

func electraBeaconBlockType(spec *common.Spec) *view.ContainerTypeDef {
	return withField(electra.BeaconBlockType(spec), "body", electraBeaconBlockBodyType(spec))
}

func electraSignedBeaconBlockType(spec *common.Spec) *view.ContainerTypeDef {
	return withField(electra.SignedBeaconBlockType(spec), "message", electraBeaconBlockType(spec))
}

// withField returns a copy of container def with the named field's type
// replaced.
func withField(def *view.ContainerTypeDef, name string, t view.TypeDef) *view.ContainerTypeDef {
	fields := append([]view.FieldDef(nil), def.Fields...)
	found := false
	for i := range fields {
		if fields[i].Name == name {
			fields[i].Type = t
			found = true
		}
	}
	if !found {
		panic("withField: " + def.ContainerName + " has no field " + name)
	}
	return view.ContainerType(def.ContainerName, fields)
}
