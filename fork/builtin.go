package fork

import (
	"github.com/beaconproof/beaconproof/ssz"
)

// The built-in forks. Each entry derives its schemas from its parent's,
// following the consensus specs (https://github.com/ethereum/consensus-specs,
// specs/<fork>/beacon-chain.md) and, for gloas, the EIP-7732 types with the
// EIP-7495 / EIP-7916 progressive containers and lists as Lodestar 1.50.0
// and go-eth2-client v0.30.1 define them.
var builtinForks = []Fork{
	{Name: Phase0, Build: buildPhase0},
	{Name: Altair, Parent: Phase0, Build: buildAltair},
	{Name: Bellatrix, Parent: Altair, Build: buildBellatrix, Adds: []Feature{PayloadInBlock}},
	{Name: Capella, Parent: Bellatrix, Build: buildCapella, Adds: []Feature{Withdrawals, HistoricalSummaries}},
	{Name: Deneb, Parent: Capella, Build: buildDeneb, Adds: []Feature{BeaconRoots}},
	{Name: Electra, Parent: Deneb, Build: buildElectra},
	{Name: Fulu, Parent: Electra, Build: buildFulu},
	{Name: Gloas, Parent: Fulu, Build: buildGloas,
		Adds: []Feature{PayloadInEnvelope, ProgressiveRegistry}, Drops: []Feature{PayloadInBlock}},
}

func init() {
	for _, f := range builtinForks {
		if err := Register(f); err != nil {
			panic(err)
		}
	}
}

// Aliases of the specs' basic types, for readability.
var (
	u64           = ssz.Uint64
	root          = ssz.Bytes32
	bytes4        = ssz.ByteVector(4)
	bytes20       = ssz.ByteVector(20)
	blsPubkey     = ssz.ByteVector(48)
	blsSig        = ssz.ByteVector(96)
	kzgCommit     = ssz.ByteVector(48)
	participation = ssz.Uint8
)

// setBlock installs a new block body and rebuilds BeaconBlock and
// SignedBeaconBlock around it.
func setBlock(s *Schemas, body *ssz.Type) {
	s.BeaconBlockBody = body
	s.BeaconBlock = s.BeaconBlock.Replace("body", body)
	s.SignedBeaconBlock = s.SignedBeaconBlock.Replace("message", s.BeaconBlock)
}

// headerOf returns the ExecutionPayloadHeader of an ExecutionPayload: the
// lists become the roots of the lists.
func headerOf(payload *ssz.Type) *ssz.Type {
	l := fieldsOf(payload)
	for i, f := range l {
		if f.Name == "transactions" || f.Name == "withdrawals" {
			l[i] = ssz.F(f.Name+"_root", root)
		}
	}
	return l.container("ExecutionPayloadHeader")
}

// setPayload installs a new ExecutionPayload, its header, and the body and
// state fields that hold them.
func setPayload(s *Schemas, payload *ssz.Type) {
	s.ExecutionPayload = payload
	s.ExecutionPayloadHeader = headerOf(payload)
	s.BeaconState = s.BeaconState.Replace("latest_execution_payload_header", s.ExecutionPayloadHeader)
}

func buildPhase0(p *Preset, _ *Schemas) *Schemas {
	s := &Schemas{}
	fork := ssz.Container("Fork",
		ssz.F("previous_version", bytes4),
		ssz.F("current_version", bytes4),
		ssz.F("epoch", u64))
	forkData := ssz.Container("ForkData",
		ssz.F("current_version", bytes4),
		ssz.F("genesis_validators_root", root))
	checkpoint := ssz.Container("Checkpoint",
		ssz.F("epoch", u64),
		ssz.F("root", root))
	s.Validator = ssz.Container("Validator",
		ssz.F("pubkey", blsPubkey),
		ssz.F("withdrawal_credentials", root),
		ssz.F("effective_balance", u64),
		ssz.F("slashed", ssz.Bool),
		ssz.F("activation_eligibility_epoch", u64),
		ssz.F("activation_epoch", u64),
		ssz.F("exit_epoch", u64),
		ssz.F("withdrawable_epoch", u64))
	attData := ssz.Container("AttestationData",
		ssz.F("slot", u64),
		ssz.F("index", u64),
		ssz.F("beacon_block_root", root),
		ssz.F("source", checkpoint),
		ssz.F("target", checkpoint))
	indexedAtt := ssz.Container("IndexedAttestation",
		ssz.F("attesting_indices", ssz.List(u64, p.MaxValidatorsPerCommittee)),
		ssz.F("data", attData),
		ssz.F("signature", blsSig))
	pendingAtt := ssz.Container("PendingAttestation",
		ssz.F("aggregation_bits", ssz.Bitlist(p.MaxValidatorsPerCommittee)),
		ssz.F("data", attData),
		ssz.F("inclusion_delay", u64),
		ssz.F("proposer_index", u64))
	eth1Data := ssz.Container("Eth1Data",
		ssz.F("deposit_root", root),
		ssz.F("deposit_count", u64),
		ssz.F("block_hash", root))
	s.HistoricalBatch = ssz.Container("HistoricalBatch",
		ssz.F("block_roots", ssz.Vector(root, p.SlotsPerHistoricalRoot)),
		ssz.F("state_roots", ssz.Vector(root, p.SlotsPerHistoricalRoot)))
	depositMessage := ssz.Container("DepositMessage",
		ssz.F("pubkey", blsPubkey),
		ssz.F("withdrawal_credentials", root),
		ssz.F("amount", u64))
	depositData := ssz.Container("DepositData",
		ssz.F("pubkey", blsPubkey),
		ssz.F("withdrawal_credentials", root),
		ssz.F("amount", u64),
		ssz.F("signature", blsSig))
	s.BeaconBlockHeader = ssz.Container("BeaconBlockHeader",
		ssz.F("slot", u64),
		ssz.F("proposer_index", u64),
		ssz.F("parent_root", root),
		ssz.F("state_root", root),
		ssz.F("body_root", root))
	signingData := ssz.Container("SigningData",
		ssz.F("object_root", root),
		ssz.F("domain", root))
	s.SignedBeaconBlockHeader = ssz.Container("SignedBeaconBlockHeader",
		ssz.F("message", s.BeaconBlockHeader),
		ssz.F("signature", blsSig))
	proposerSlashing := ssz.Container("ProposerSlashing",
		ssz.F("signed_header_1", s.SignedBeaconBlockHeader),
		ssz.F("signed_header_2", s.SignedBeaconBlockHeader))
	attesterSlashing := ssz.Container("AttesterSlashing",
		ssz.F("attestation_1", indexedAtt),
		ssz.F("attestation_2", indexedAtt))
	attestation := ssz.Container("Attestation",
		ssz.F("aggregation_bits", ssz.Bitlist(p.MaxValidatorsPerCommittee)),
		ssz.F("data", attData),
		ssz.F("signature", blsSig))
	deposit := ssz.Container("Deposit",
		ssz.F("proof", ssz.Vector(root, DepositContractTreeDepth+1)),
		ssz.F("data", depositData))
	voluntaryExit := ssz.Container("VoluntaryExit",
		ssz.F("epoch", u64),
		ssz.F("validator_index", u64))
	signedVoluntaryExit := ssz.Container("SignedVoluntaryExit",
		ssz.F("message", voluntaryExit),
		ssz.F("signature", blsSig))

	s.BeaconBlockBody = ssz.Container("BeaconBlockBody",
		ssz.F("randao_reveal", blsSig),
		ssz.F("eth1_data", eth1Data),
		ssz.F("graffiti", root),
		ssz.F("proposer_slashings", ssz.List(proposerSlashing, p.MaxProposerSlashings)),
		ssz.F("attester_slashings", ssz.List(attesterSlashing, p.MaxAttesterSlashings)),
		ssz.F("attestations", ssz.List(attestation, p.MaxAttestations)),
		ssz.F("deposits", ssz.List(deposit, p.MaxDeposits)),
		ssz.F("voluntary_exits", ssz.List(signedVoluntaryExit, p.MaxVoluntaryExits)))
	s.BeaconBlock = ssz.Container("BeaconBlock",
		ssz.F("slot", u64),
		ssz.F("proposer_index", u64),
		ssz.F("parent_root", root),
		ssz.F("state_root", root),
		ssz.F("body", s.BeaconBlockBody))
	s.SignedBeaconBlock = ssz.Container("SignedBeaconBlock",
		ssz.F("message", s.BeaconBlock),
		ssz.F("signature", blsSig))
	s.BeaconState = ssz.Container("BeaconState",
		ssz.F("genesis_time", u64),
		ssz.F("genesis_validators_root", root),
		ssz.F("slot", u64),
		ssz.F("fork", fork),
		ssz.F("latest_block_header", s.BeaconBlockHeader),
		ssz.F("block_roots", ssz.Vector(root, p.SlotsPerHistoricalRoot)),
		ssz.F("state_roots", ssz.Vector(root, p.SlotsPerHistoricalRoot)),
		ssz.F("historical_roots", ssz.List(root, p.HistoricalRootsLimit)),
		ssz.F("eth1_data", eth1Data),
		ssz.F("eth1_data_votes", ssz.List(eth1Data, p.EpochsPerEth1VotingPeriod*p.SlotsPerEpoch)),
		ssz.F("eth1_deposit_index", u64),
		ssz.F("validators", ssz.List(s.Validator, p.ValidatorRegistryLimit)),
		ssz.F("balances", ssz.List(u64, p.ValidatorRegistryLimit)),
		ssz.F("randao_mixes", ssz.Vector(root, p.EpochsPerHistoricalVector)),
		ssz.F("slashings", ssz.Vector(u64, p.EpochsPerSlashingsVector)),
		ssz.F("previous_epoch_attestations", ssz.List(pendingAtt, p.MaxAttestations*p.SlotsPerEpoch)),
		ssz.F("current_epoch_attestations", ssz.List(pendingAtt, p.MaxAttestations*p.SlotsPerEpoch)),
		ssz.F("justification_bits", ssz.Bitvector(JustificationBitsLength)),
		ssz.F("previous_justified_checkpoint", checkpoint),
		ssz.F("current_justified_checkpoint", checkpoint),
		ssz.F("finalized_checkpoint", checkpoint))

	for _, t := range []*ssz.Type{fork, forkData, checkpoint, attData, indexedAtt, pendingAtt,
		eth1Data, depositMessage, depositData, signingData, proposerSlashing, attesterSlashing,
		attestation, deposit, voluntaryExit, signedVoluntaryExit} {
		s.Set(t.Name, t)
	}
	return s
}

func buildAltair(p *Preset, parent *Schemas) *Schemas {
	s := parent.Clone()
	syncAggregate := ssz.Container("SyncAggregate",
		ssz.F("sync_committee_bits", ssz.Bitvector(p.SyncCommitteeSize)),
		ssz.F("sync_committee_signature", blsSig))
	syncCommittee := ssz.Container("SyncCommittee",
		ssz.F("pubkeys", ssz.Vector(blsPubkey, p.SyncCommitteeSize)),
		ssz.F("aggregate_pubkey", blsPubkey))
	s.Set("SyncAggregate", syncAggregate)
	s.Set("SyncCommittee", syncCommittee)
	s.Set("PendingAttestation", nil)

	setBlock(s, parent.BeaconBlockBody.WithFields(ssz.F("sync_aggregate", syncAggregate)))
	epochParticipation := ssz.List(participation, p.ValidatorRegistryLimit)
	s.BeaconState = fieldsOf(parent.BeaconState).
		replace("previous_epoch_attestations", ssz.F("previous_epoch_participation", epochParticipation)).
		replace("current_epoch_attestations", ssz.F("current_epoch_participation", epochParticipation)).
		plus(
			ssz.F("inactivity_scores", ssz.List(u64, p.ValidatorRegistryLimit)),
			ssz.F("current_sync_committee", syncCommittee),
			ssz.F("next_sync_committee", syncCommittee)).
		container("BeaconState")
	return s
}

func buildBellatrix(p *Preset, parent *Schemas) *Schemas {
	s := parent.Clone()
	transaction := ssz.ByteList(p.MaxBytesPerTransaction).Rename("Transaction")
	s.Set("Transaction", transaction)
	s.ExecutionPayload = ssz.Container("ExecutionPayload",
		ssz.F("parent_hash", root),
		ssz.F("fee_recipient", bytes20),
		ssz.F("state_root", root),
		ssz.F("receipts_root", root),
		ssz.F("logs_bloom", ssz.ByteVector(p.BytesPerLogsBloom)),
		ssz.F("prev_randao", root),
		ssz.F("block_number", u64),
		ssz.F("gas_limit", u64),
		ssz.F("gas_used", u64),
		ssz.F("timestamp", u64),
		ssz.F("extra_data", ssz.ByteList(p.MaxExtraDataBytes)),
		ssz.F("base_fee_per_gas", ssz.Uint256),
		ssz.F("block_hash", root),
		ssz.F("transactions", ssz.List(transaction, p.MaxTransactionsPerPayload)))
	s.ExecutionPayloadHeader = headerOf(s.ExecutionPayload)
	setBlock(s, parent.BeaconBlockBody.WithFields(ssz.F("execution_payload", s.ExecutionPayload)))
	s.BeaconState = parent.BeaconState.WithFields(ssz.F("latest_execution_payload_header", s.ExecutionPayloadHeader))
	return s
}

func buildCapella(p *Preset, parent *Schemas) *Schemas {
	s := parent.Clone()
	s.Withdrawal = ssz.Container("Withdrawal",
		ssz.F("index", u64),
		ssz.F("validator_index", u64),
		ssz.F("address", bytes20),
		ssz.F("amount", u64))
	blsChange := ssz.Container("BLSToExecutionChange",
		ssz.F("validator_index", u64),
		ssz.F("from_bls_pubkey", blsPubkey),
		ssz.F("to_execution_address", bytes20))
	signedBLSChange := ssz.Container("SignedBLSToExecutionChange",
		ssz.F("message", blsChange),
		ssz.F("signature", blsSig))
	s.Set(blsChange.Name, blsChange)
	s.Set(signedBLSChange.Name, signedBLSChange)
	s.HistoricalSummary = ssz.Container("HistoricalSummary",
		ssz.F("block_summary_root", root),
		ssz.F("state_summary_root", root))

	setPayload(s, parent.ExecutionPayload.WithFields(
		ssz.F("withdrawals", ssz.List(s.Withdrawal, p.MaxWithdrawalsPerPayload))))
	setBlock(s, parent.BeaconBlockBody.
		Replace("execution_payload", s.ExecutionPayload).
		WithFields(ssz.F("bls_to_execution_changes", ssz.List(signedBLSChange, p.MaxBLSToExecutionChanges))))
	s.BeaconState = s.BeaconState.WithFields(
		ssz.F("next_withdrawal_index", u64),
		ssz.F("next_withdrawal_validator_index", u64),
		ssz.F("historical_summaries", ssz.List(s.HistoricalSummary, p.HistoricalRootsLimit)))
	return s
}

func buildDeneb(p *Preset, parent *Schemas) *Schemas {
	s := parent.Clone()
	setPayload(s, parent.ExecutionPayload.WithFields(
		ssz.F("blob_gas_used", u64),
		ssz.F("excess_blob_gas", u64)))
	setBlock(s, parent.BeaconBlockBody.
		Replace("execution_payload", s.ExecutionPayload).
		WithFields(ssz.F("blob_kzg_commitments", ssz.List(kzgCommit, p.MaxBlobCommitmentsPerBlock))))
	return s
}

func buildElectra(p *Preset, parent *Schemas) *Schemas {
	s := parent.Clone()
	attData := parent.Get("AttestationData")
	bitsMax := p.MaxValidatorsPerCommittee * p.MaxCommitteesPerSlot
	attestation := ssz.Container("Attestation",
		ssz.F("aggregation_bits", ssz.Bitlist(bitsMax)),
		ssz.F("data", attData),
		ssz.F("signature", blsSig),
		ssz.F("committee_bits", ssz.Bitvector(p.MaxCommitteesPerSlot)))
	indexedAtt := ssz.Container("IndexedAttestation",
		ssz.F("attesting_indices", ssz.List(u64, bitsMax)),
		ssz.F("data", attData),
		ssz.F("signature", blsSig))
	attesterSlashing := ssz.Container("AttesterSlashing",
		ssz.F("attestation_1", indexedAtt),
		ssz.F("attestation_2", indexedAtt))
	singleAtt := ssz.Container("SingleAttestation",
		ssz.F("committee_index", u64),
		ssz.F("attester_index", u64),
		ssz.F("data", attData),
		ssz.F("signature", blsSig))
	depositRequest := ssz.Container("DepositRequest",
		ssz.F("pubkey", blsPubkey),
		ssz.F("withdrawal_credentials", root),
		ssz.F("amount", u64),
		ssz.F("signature", blsSig),
		ssz.F("index", u64))
	withdrawalRequest := ssz.Container("WithdrawalRequest",
		ssz.F("source_address", bytes20),
		ssz.F("validator_pubkey", blsPubkey),
		ssz.F("amount", u64))
	consolidationRequest := ssz.Container("ConsolidationRequest",
		ssz.F("source_address", bytes20),
		ssz.F("source_pubkey", blsPubkey),
		ssz.F("target_pubkey", blsPubkey))
	s.ExecutionRequests = ssz.Container("ExecutionRequests",
		ssz.F("deposits", ssz.List(depositRequest, p.MaxDepositRequestsPerPayload)),
		ssz.F("withdrawals", ssz.List(withdrawalRequest, p.MaxWithdrawalRequestsPerPayload)),
		ssz.F("consolidations", ssz.List(consolidationRequest, p.MaxConsolidationRequestsPerPayload)))
	s.PendingDeposit = ssz.Container("PendingDeposit",
		ssz.F("pubkey", blsPubkey),
		ssz.F("withdrawal_credentials", root),
		ssz.F("amount", u64),
		ssz.F("signature", blsSig),
		ssz.F("slot", u64))
	s.PendingPartialWithdrawal = ssz.Container("PendingPartialWithdrawal",
		ssz.F("validator_index", u64),
		ssz.F("amount", u64),
		ssz.F("withdrawable_epoch", u64))
	s.PendingConsolidation = ssz.Container("PendingConsolidation",
		ssz.F("source_index", u64),
		ssz.F("target_index", u64))
	for _, t := range []*ssz.Type{attestation, indexedAtt, attesterSlashing, singleAtt,
		depositRequest, withdrawalRequest, consolidationRequest} {
		s.Set(t.Name, t)
	}

	setBlock(s, parent.BeaconBlockBody.
		Replace("attester_slashings", ssz.List(attesterSlashing, p.MaxAttesterSlashingsElectra)).
		Replace("attestations", ssz.List(attestation, p.MaxAttestationsElectra)).
		WithFields(ssz.F("execution_requests", s.ExecutionRequests)))
	s.BeaconState = parent.BeaconState.WithFields(
		ssz.F("deposit_requests_start_index", u64),
		ssz.F("deposit_balance_to_consume", u64),
		ssz.F("exit_balance_to_consume", u64),
		ssz.F("earliest_exit_epoch", u64),
		ssz.F("consolidation_balance_to_consume", u64),
		ssz.F("earliest_consolidation_epoch", u64),
		ssz.F("pending_deposits", ssz.List(s.PendingDeposit, p.PendingDepositsLimit)),
		ssz.F("pending_partial_withdrawals", ssz.List(s.PendingPartialWithdrawal, p.PendingPartialWithdrawalsLimit)),
		ssz.F("pending_consolidations", ssz.List(s.PendingConsolidation, p.PendingConsolidationsLimit)))
	return s
}

func buildFulu(p *Preset, parent *Schemas) *Schemas {
	s := parent.Clone()
	s.BeaconState = parent.BeaconState.WithFields(
		ssz.F("proposer_lookahead", ssz.Vector(u64, (p.MinSeedLookahead+1)*p.SlotsPerEpoch)))
	return s
}

// buildGloas derives gloas (EIP-7732, enshrined proposer-builder
// separation) from fulu. The execution payload leaves the block for a
// separate ExecutionPayloadEnvelope, the block carries a builder's signed
// bid and payload attestations instead, and the state trades
// latest_execution_payload_header for latest_block_hash and gains the
// builder registry. Gloas also moves the growing containers to the EIP-7495
// ProgressiveContainer and the unbounded lists to the EIP-7916
// ProgressiveList, as Lodestar 1.50.0 and go-eth2-client v0.30.1 do.
func buildGloas(p *Preset, parent *Schemas) *Schemas {
	s := parent.Clone()
	pl := ssz.ProgressiveList

	attestation := fieldsOf(parent.Get("Attestation")).
		retype("aggregation_bits", ssz.ProgressiveBitlist()).
		progressive("Attestation")
	indexedAtt := fieldsOf(parent.Get("IndexedAttestation")).
		retype("attesting_indices", pl(u64)).
		progressive("IndexedAttestation")
	attesterSlashing := ssz.Container("AttesterSlashing",
		ssz.F("attestation_1", indexedAtt),
		ssz.F("attestation_2", indexedAtt))

	builderDepositRequest := ssz.Container("BuilderDepositRequest",
		ssz.F("pubkey", blsPubkey),
		ssz.F("withdrawal_credentials", root),
		ssz.F("amount", u64),
		ssz.F("signature", blsSig))
	builderExitRequest := ssz.Container("BuilderExitRequest",
		ssz.F("source_address", bytes20),
		ssz.F("pubkey", blsPubkey))
	s.ExecutionRequests = ssz.ProgressiveContainer("ExecutionRequests", nil,
		ssz.F("deposits", pl(parent.Get("DepositRequest"))),
		ssz.F("withdrawals", pl(parent.Get("WithdrawalRequest"))),
		ssz.F("consolidations", pl(parent.Get("ConsolidationRequest"))),
		ssz.F("builder_deposits", pl(builderDepositRequest)),
		ssz.F("builder_exits", pl(builderExitRequest)))

	s.Builder = ssz.Container("Builder",
		ssz.F("pubkey", blsPubkey),
		ssz.F("version", ssz.Uint8),
		ssz.F("execution_address", bytes20),
		ssz.F("balance", u64),
		ssz.F("deposit_epoch", u64),
		ssz.F("withdrawable_epoch", u64))
	builderPendingWithdrawal := ssz.Container("BuilderPendingWithdrawal",
		ssz.F("fee_recipient", bytes20),
		ssz.F("amount", u64),
		ssz.F("builder_index", u64))
	builderPendingPayment := ssz.Container("BuilderPendingPayment",
		ssz.F("weight", u64),
		ssz.F("withdrawal", builderPendingWithdrawal),
		ssz.F("proposer_index", u64))

	payloadAttData := ssz.Container("PayloadAttestationData",
		ssz.F("beacon_block_root", root),
		ssz.F("slot", u64),
		ssz.F("payload_present", ssz.Bool),
		ssz.F("blob_data_available", ssz.Bool))
	payloadAtt := ssz.ProgressiveContainer("PayloadAttestation", nil,
		ssz.F("aggregation_bits", ssz.Bitvector(p.PTCSize)),
		ssz.F("data", payloadAttData),
		ssz.F("signature", blsSig))
	payloadAttMessage := ssz.Container("PayloadAttestationMessage",
		ssz.F("validator_index", u64),
		ssz.F("data", payloadAttData),
		ssz.F("signature", blsSig))
	indexedPayloadAtt := ssz.ProgressiveContainer("IndexedPayloadAttestation", nil,
		ssz.F("attesting_indices", ssz.List(u64, p.PTCSize)),
		ssz.F("data", payloadAttData),
		ssz.F("signature", blsSig))

	s.ExecutionPayloadBid = ssz.ProgressiveContainer("ExecutionPayloadBid", nil,
		ssz.F("parent_block_hash", root),
		ssz.F("parent_block_root", root),
		ssz.F("block_hash", root),
		ssz.F("prev_randao", root),
		ssz.F("fee_recipient", bytes20),
		ssz.F("gas_limit", u64),
		ssz.F("builder_index", u64),
		ssz.F("slot", u64),
		ssz.F("value", u64),
		ssz.F("execution_payment", u64),
		ssz.F("blob_kzg_commitments", pl(kzgCommit)),
		ssz.F("execution_requests_root", root))
	s.SignedExecutionPayloadBid = ssz.Container("SignedExecutionPayloadBid",
		ssz.F("message", s.ExecutionPayloadBid),
		ssz.F("signature", blsSig))

	transaction := pl(ssz.Uint8).Rename("Transaction")
	s.Set("Transaction", transaction)
	withdrawals := pl(s.Withdrawal)
	s.ExecutionPayload = fieldsOf(parent.ExecutionPayload).
		retype("transactions", pl(transaction)).
		retype("withdrawals", withdrawals).
		plus(
			ssz.F("block_access_list", pl(ssz.Uint8).Rename("BlockAccessList")),
			ssz.F("slot_number", u64)).
		progressive("ExecutionPayload")
	s.ExecutionPayloadHeader = nil
	s.ExecutionPayloadEnvelope = ssz.ProgressiveContainer("ExecutionPayloadEnvelope", nil,
		ssz.F("payload", s.ExecutionPayload),
		ssz.F("execution_requests", s.ExecutionRequests),
		ssz.F("builder_index", u64),
		ssz.F("beacon_block_root", root),
		ssz.F("parent_beacon_block_root", root))
	s.SignedExecutionPayloadEnvelope = ssz.Container("SignedExecutionPayloadEnvelope",
		ssz.F("message", s.ExecutionPayloadEnvelope),
		ssz.F("signature", blsSig))

	body := fieldsOf(parent.BeaconBlockBody)
	setBlock(s, body.
		retype("proposer_slashings", pl(body.get("proposer_slashings").Elem)).
		retype("attester_slashings", pl(attesterSlashing)).
		retype("attestations", pl(attestation)).
		retype("deposits", pl(body.get("deposits").Elem)).
		retype("voluntary_exits", pl(body.get("voluntary_exits").Elem)).
		retype("bls_to_execution_changes", pl(body.get("bls_to_execution_changes").Elem)).
		remove("execution_payload", "blob_kzg_commitments", "execution_requests").
		plus(
			ssz.F("signed_execution_payload_bid", s.SignedExecutionPayloadBid),
			ssz.F("payload_attestations", pl(payloadAtt)),
			ssz.F("parent_execution_requests", s.ExecutionRequests)).
		progressive("BeaconBlockBody"))

	state := fieldsOf(parent.BeaconState)
	s.BeaconState = state.
		retype("validators", pl(s.Validator)).
		retype("balances", pl(u64)).
		retype("previous_epoch_participation", pl(participation)).
		retype("current_epoch_participation", pl(participation)).
		retype("inactivity_scores", pl(u64)).
		replace("latest_execution_payload_header", ssz.F("latest_block_hash", root)).
		retype("pending_deposits", pl(s.PendingDeposit)).
		retype("pending_partial_withdrawals", pl(s.PendingPartialWithdrawal)).
		retype("pending_consolidations", pl(s.PendingConsolidation)).
		plus(
			ssz.F("builders", pl(s.Builder)),
			ssz.F("next_withdrawal_builder_index", u64),
			ssz.F("execution_payload_availability", ssz.Bitvector(p.SlotsPerHistoricalRoot)),
			ssz.F("builder_pending_payments", ssz.Vector(builderPendingPayment, 2*p.SlotsPerEpoch)),
			ssz.F("builder_pending_withdrawals", pl(builderPendingWithdrawal)),
			ssz.F("latest_execution_payload_bid", s.ExecutionPayloadBid),
			ssz.F("payload_expected_withdrawals", withdrawals),
			ssz.F("ptc_window", ssz.Vector(ssz.Vector(u64, p.PTCSize), (2+p.MinSeedLookahead)*p.SlotsPerEpoch))).
		progressive("BeaconState")

	for _, t := range []*ssz.Type{attestation, indexedAtt, attesterSlashing, builderDepositRequest,
		builderExitRequest, builderPendingWithdrawal, builderPendingPayment, payloadAttData, payloadAtt,
		payloadAttMessage, indexedPayloadAtt} {
		s.Set(t.Name, t)
	}
	return s
}
