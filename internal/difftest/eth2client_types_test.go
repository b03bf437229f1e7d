package difftest

import (
	"github.com/attestantio/go-eth2-client/spec/altair"
	"github.com/attestantio/go-eth2-client/spec/bellatrix"
	"github.com/attestantio/go-eth2-client/spec/capella"
	"github.com/attestantio/go-eth2-client/spec/deneb"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/fulu"
	"github.com/attestantio/go-eth2-client/spec/gloas"
	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// e2Object is what go-eth2-client's generated SSZ code gives every type.
type e2Object interface {
	MarshalSSZ() ([]byte, error)
	UnmarshalSSZ(buf []byte) error
	HashTreeRoot() ([32]byte, error)
}

type e2Types map[string]func() e2Object

func e2[T any, P interface {
	*T
	e2Object
}]() func() e2Object {
	return func() e2Object { return P(new(T)) }
}

// eth2clientTypes maps each fork to its go-eth2-client types by spec name.
// A fork inherits its parent's types and overrides those it changes.
var eth2clientTypes = func() map[string]e2Types {
	phase0Types := e2Types{
		"BeaconState":             e2[phase0.BeaconState](),
		"BeaconBlock":             e2[phase0.BeaconBlock](),
		"SignedBeaconBlock":       e2[phase0.SignedBeaconBlock](),
		"BeaconBlockBody":         e2[phase0.BeaconBlockBody](),
		"BeaconBlockHeader":       e2[phase0.BeaconBlockHeader](),
		"SignedBeaconBlockHeader": e2[phase0.SignedBeaconBlockHeader](),
		"Validator":               e2[phase0.Validator](),
		"Attestation":             e2[phase0.Attestation](),
		"AttestationData":         e2[phase0.AttestationData](),
		"IndexedAttestation":      e2[phase0.IndexedAttestation](),
		"AttesterSlashing":        e2[phase0.AttesterSlashing](),
		"ProposerSlashing":        e2[phase0.ProposerSlashing](),
		"PendingAttestation":      e2[phase0.PendingAttestation](),
		"Checkpoint":              e2[phase0.Checkpoint](),
		"Deposit":                 e2[phase0.Deposit](),
		"DepositData":             e2[phase0.DepositData](),
		"DepositMessage":          e2[phase0.DepositMessage](),
		"Eth1Data":                e2[phase0.ETH1Data](),
		"Fork":                    e2[phase0.Fork](),
		"ForkData":                e2[phase0.ForkData](),
		"SigningData":             e2[phase0.SigningData](),
		"VoluntaryExit":           e2[phase0.VoluntaryExit](),
		"SignedVoluntaryExit":     e2[phase0.SignedVoluntaryExit](),
		"AggregateAndProof":       e2[phase0.AggregateAndProof](),
		"SignedAggregateAndProof": e2[phase0.SignedAggregateAndProof](),
	}
	derive := func(parent e2Types, changes e2Types, drop ...string) e2Types {
		out := e2Types{}
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
	altairTypes := derive(phase0Types, e2Types{
		"BeaconState":                 e2[altair.BeaconState](),
		"BeaconBlock":                 e2[altair.BeaconBlock](),
		"SignedBeaconBlock":           e2[altair.SignedBeaconBlock](),
		"BeaconBlockBody":             e2[altair.BeaconBlockBody](),
		"SyncAggregate":               e2[altair.SyncAggregate](),
		"SyncCommittee":               e2[altair.SyncCommittee](),
		"SyncCommitteeMessage":        e2[altair.SyncCommitteeMessage](),
		"SyncCommitteeContribution":   e2[altair.SyncCommitteeContribution](),
		"ContributionAndProof":        e2[altair.ContributionAndProof](),
		"SignedContributionAndProof":  e2[altair.SignedContributionAndProof](),
		"SyncAggregatorSelectionData": e2[altair.SyncAggregatorSelectionData](),
	}, "PendingAttestation")
	bellatrixTypes := derive(altairTypes, e2Types{
		"BeaconState":            e2[bellatrix.BeaconState](),
		"BeaconBlock":            e2[bellatrix.BeaconBlock](),
		"SignedBeaconBlock":      e2[bellatrix.SignedBeaconBlock](),
		"BeaconBlockBody":        e2[bellatrix.BeaconBlockBody](),
		"ExecutionPayload":       e2[bellatrix.ExecutionPayload](),
		"ExecutionPayloadHeader": e2[bellatrix.ExecutionPayloadHeader](),
	})
	capellaTypes := derive(bellatrixTypes, e2Types{
		"BeaconState":                e2[capella.BeaconState](),
		"BeaconBlock":                e2[capella.BeaconBlock](),
		"SignedBeaconBlock":          e2[capella.SignedBeaconBlock](),
		"BeaconBlockBody":            e2[capella.BeaconBlockBody](),
		"ExecutionPayload":           e2[capella.ExecutionPayload](),
		"ExecutionPayloadHeader":     e2[capella.ExecutionPayloadHeader](),
		"Withdrawal":                 e2[capella.Withdrawal](),
		"HistoricalSummary":          e2[capella.HistoricalSummary](),
		"BLSToExecutionChange":       e2[capella.BLSToExecutionChange](),
		"SignedBLSToExecutionChange": e2[capella.SignedBLSToExecutionChange](),
	})
	denebTypes := derive(capellaTypes, e2Types{
		"BeaconState":            e2[deneb.BeaconState](),
		"BeaconBlock":            e2[deneb.BeaconBlock](),
		"SignedBeaconBlock":      e2[deneb.SignedBeaconBlock](),
		"BeaconBlockBody":        e2[deneb.BeaconBlockBody](),
		"ExecutionPayload":       e2[deneb.ExecutionPayload](),
		"ExecutionPayloadHeader": e2[deneb.ExecutionPayloadHeader](),
		"BlobIdentifier":         e2[deneb.BlobIdentifier](),
		"BlobSidecar":            e2[deneb.BlobSidecar](),
	})
	electraTypes := derive(denebTypes, e2Types{
		"BeaconState":              e2[electra.BeaconState](),
		"BeaconBlock":              e2[electra.BeaconBlock](),
		"SignedBeaconBlock":        e2[electra.SignedBeaconBlock](),
		"BeaconBlockBody":          e2[electra.BeaconBlockBody](),
		"Attestation":              e2[electra.Attestation](),
		"IndexedAttestation":       e2[electra.IndexedAttestation](),
		"AttesterSlashing":         e2[electra.AttesterSlashing](),
		"AggregateAndProof":        e2[electra.AggregateAndProof](),
		"SignedAggregateAndProof":  e2[electra.SignedAggregateAndProof](),
		"SingleAttestation":        e2[electra.SingleAttestation](),
		"ExecutionRequests":        e2[electra.ExecutionRequests](),
		"DepositRequest":           e2[electra.DepositRequest](),
		"WithdrawalRequest":        e2[electra.WithdrawalRequest](),
		"ConsolidationRequest":     e2[electra.ConsolidationRequest](),
		"PendingDeposit":           e2[electra.PendingDeposit](),
		"PendingPartialWithdrawal": e2[electra.PendingPartialWithdrawal](),
		"PendingConsolidation":     e2[electra.PendingConsolidation](),
	})
	fuluTypes := derive(electraTypes, e2Types{
		"BeaconState": e2[fulu.BeaconState](),
	})
	gloasTypes := derive(fuluTypes, e2Types{
		"BeaconState":                    e2[gloas.BeaconState](),
		"BeaconBlock":                    e2[gloas.BeaconBlock](),
		"SignedBeaconBlock":              e2[gloas.SignedBeaconBlock](),
		"BeaconBlockBody":                e2[gloas.BeaconBlockBody](),
		"Attestation":                    e2[gloas.Attestation](),
		"IndexedAttestation":             e2[gloas.IndexedAttestation](),
		"AttesterSlashing":               e2[gloas.AttesterSlashing](),
		"AggregateAndProof":              e2[gloas.AggregateAndProof](),
		"SignedAggregateAndProof":        e2[gloas.SignedAggregateAndProof](),
		"ExecutionPayload":               e2[gloas.ExecutionPayload](),
		"ExecutionRequests":              e2[gloas.ExecutionRequests](),
		"ExecutionPayloadEnvelope":       e2[gloas.ExecutionPayloadEnvelope](),
		"SignedExecutionPayloadEnvelope": e2[gloas.SignedExecutionPayloadEnvelope](),
		"ExecutionPayloadBid":            e2[gloas.ExecutionPayloadBid](),
		"SignedExecutionPayloadBid":      e2[gloas.SignedExecutionPayloadBid](),
		"Builder":                        e2[gloas.Builder](),
		"BuilderPendingPayment":          e2[gloas.BuilderPendingPayment](),
		"BuilderPendingWithdrawal":       e2[gloas.BuilderPendingWithdrawal](),
		"BuilderDepositRequest":          e2[gloas.BuilderDepositRequest](),
		"BuilderExitRequest":             e2[gloas.BuilderExitRequest](),
		"PayloadAttestation":             e2[gloas.PayloadAttestation](),
		"PayloadAttestationData":         e2[gloas.PayloadAttestationData](),
		"PayloadAttestationMessage":      e2[gloas.PayloadAttestationMessage](),
		"IndexedPayloadAttestation":      e2[gloas.IndexedPayloadAttestation](),
		"ProposerPreferences":            e2[gloas.ProposerPreferences](),
		"SignedProposerPreferences":      e2[gloas.SignedProposerPreferences](),
	}, "ExecutionPayloadHeader")
	return map[string]e2Types{
		"phase0": phase0Types, "altair": altairTypes, "bellatrix": bellatrixTypes,
		"capella": capellaTypes, "deneb": denebTypes, "electra": electraTypes,
		"fulu": fuluTypes, "gloas": gloasTypes,
	}
}()
