// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {BeaconChainProofs} from "src/contracts/libraries/BeaconChainProofs.sol";

/// @title EigenHarness
/// @notice Exposes EigenLayer's BeaconChainProofs library (whose functions
/// are internal) to beaconproof's tests: each library function as it is,
/// the block root read from the EIP-4788 contract for a timestamp as
/// EigenPod.getParentBlockRoot reads it, and the EigenPod entry points
/// that take the proofs (verifyWithdrawalCredentials, verifyCheckpointProofs)
/// with the same arguments and the same library calls, without the pod's
/// bookkeeping: only the proofs are checked. Not EigenLayer's code.
/// verifyStaleBalance is EigenPod's third such entry point, likewise.
contract EigenHarness {
    address internal constant BEACON_ROOTS_ADDRESS = 0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02;

    /// @notice The timestamp of the first block at or after the Pectra
    /// fork, as EigenPodManager.pectraForkTimestamp gives it to EigenPod.
    uint64 public immutable pectraForkTimestamp;

    /// @notice The checkpoint's timestamp and block root (startCheckpoint).
    uint64 public checkpointTimestamp;
    bytes32 public checkpointBlockRoot;

    /// @notice Validator index + 1 by pubkey hash, recorded by
    /// verifyWithdrawalCredentials (0: not verified).
    mapping(bytes32 => uint64) internal indexPlusOne;

    error RootNotAvailable(uint64 timestamp);
    error InputArrayLengthMismatch();
    error UnknownValidator(bytes32 pubkeyHash);
    error NoCheckpoint();
    error ValidatorNotSlashedOnBeaconChain();

    constructor(uint64 _pectraForkTimestamp) {
        pectraForkTimestamp = _pectraForkTimestamp;
    }

    /// @notice The block root EIP-4788 holds for the timestamp (EigenPod's
    /// getParentBlockRoot without its age check).
    function getParentBlockRoot(uint64 timestamp) public view returns (bytes32) {
        (bool success, bytes memory result) = BEACON_ROOTS_ADDRESS.staticcall(abi.encode(timestamp));
        if (!success || result.length == 0) revert RootNotAvailable(timestamp);
        return abi.decode(result, (bytes32));
    }

    /// @notice EigenPod._getProofVersion.
    function proofVersion(uint64 timestamp) public view returns (BeaconChainProofs.ProofVersion) {
        return timestamp <= pectraForkTimestamp
            ? BeaconChainProofs.ProofVersion.DENEB
            : BeaconChainProofs.ProofVersion.PECTRA;
    }

    function verifyStateRoot(uint64 beaconTimestamp, BeaconChainProofs.StateRootProof calldata proof) external view {
        BeaconChainProofs.verifyStateRoot(getParentBlockRoot(beaconTimestamp), proof);
    }

    function verifyValidatorFields(
        BeaconChainProofs.ProofVersion version,
        bytes32 beaconStateRoot,
        bytes32[] calldata validatorFields,
        bytes calldata validatorFieldsProof,
        uint40 validatorIndex
    ) external view {
        BeaconChainProofs.verifyValidatorFields(version, beaconStateRoot, validatorFields, validatorFieldsProof, validatorIndex);
    }

    function verifyBalanceContainer(
        BeaconChainProofs.ProofVersion version,
        uint64 beaconTimestamp,
        BeaconChainProofs.BalanceContainerProof calldata proof
    ) external view {
        BeaconChainProofs.verifyBalanceContainer(version, getParentBlockRoot(beaconTimestamp), proof);
    }

    function verifyValidatorBalance(
        bytes32 balanceContainerRoot,
        uint40 validatorIndex,
        BeaconChainProofs.BalanceProof calldata proof
    ) external view returns (uint64) {
        return BeaconChainProofs.verifyValidatorBalance(balanceContainerRoot, validatorIndex, proof);
    }

    /// @notice EigenPod.verifyWithdrawalCredentials's proof checks; records
    /// each validator's index by its pubkey hash.
    function verifyWithdrawalCredentials(
        uint64 beaconTimestamp,
        BeaconChainProofs.StateRootProof calldata stateRootProof,
        uint40[] calldata validatorIndices,
        bytes[] calldata validatorFieldsProofs,
        bytes32[][] calldata validatorFields
    ) external {
        if (validatorIndices.length != validatorFieldsProofs.length || validatorFieldsProofs.length != validatorFields.length) {
            revert InputArrayLengthMismatch();
        }
        BeaconChainProofs.verifyStateRoot(getParentBlockRoot(beaconTimestamp), stateRootProof);
        BeaconChainProofs.ProofVersion version = proofVersion(beaconTimestamp);
        for (uint256 i = 0; i < validatorIndices.length; i++) {
            BeaconChainProofs.verifyValidatorFields(
                version, stateRootProof.beaconStateRoot, validatorFields[i], validatorFieldsProofs[i], validatorIndices[i]
            );
            indexPlusOne[BeaconChainProofs.getPubkeyHash(validatorFields[i])] = uint64(validatorIndices[i]) + 1;
        }
    }

    /// @notice Starts a checkpoint at the block EIP-4788 holds for the
    /// timestamp (EigenPod takes the current block's parent).
    function startCheckpoint(uint64 beaconTimestamp) external {
        checkpointBlockRoot = getParentBlockRoot(beaconTimestamp);
        checkpointTimestamp = beaconTimestamp;
    }

    /// @notice EigenPod.verifyCheckpointProofs's proof checks; returns each
    /// proven balance (in gwei). A validator whose credentials were not
    /// verified reverts (EigenPod skips it).
    function verifyCheckpointProofs(
        BeaconChainProofs.BalanceContainerProof calldata balanceContainerProof,
        BeaconChainProofs.BalanceProof[] calldata proofs
    ) external view returns (uint64[] memory balances) {
        if (checkpointTimestamp == 0) revert NoCheckpoint();
        BeaconChainProofs.verifyBalanceContainer(proofVersion(checkpointTimestamp), checkpointBlockRoot, balanceContainerProof);
        balances = new uint64[](proofs.length);
        for (uint256 i = 0; i < proofs.length; i++) {
            uint64 idx = indexPlusOne[proofs[i].pubkeyHash];
            if (idx == 0) revert UnknownValidator(proofs[i].pubkeyHash);
            balances[i] = BeaconChainProofs.verifyValidatorBalance(
                balanceContainerProof.balanceContainerRoot, uint40(idx - 1), proofs[i]
            );
        }
    }

    /// @notice EigenPod.verifyStaleBalance's proof checks: the validator is
    /// one whose credentials were verified (its index is the one recorded
    /// then, as the pod reads it from its storage by pubkey hash), it is
    /// slashed, and its fields prove under the state root, which proves
    /// under the block root of beaconTimestamp. The pod's other conditions
    /// (the timestamp after the last checkpoint, the validator ACTIVE in the
    /// pod) and the checkpoint it starts are left out.
    function verifyStaleBalance(
        uint64 beaconTimestamp,
        BeaconChainProofs.StateRootProof calldata stateRootProof,
        BeaconChainProofs.ValidatorProof calldata proof
    ) external view {
        bytes32 pubkeyHash = BeaconChainProofs.getPubkeyHash(proof.validatorFields);
        uint64 idx = indexPlusOne[pubkeyHash];
        if (idx == 0) revert UnknownValidator(pubkeyHash);
        if (!BeaconChainProofs.isValidatorSlashed(proof.validatorFields)) revert ValidatorNotSlashedOnBeaconChain();
        BeaconChainProofs.verifyStateRoot(getParentBlockRoot(beaconTimestamp), stateRootProof);
        BeaconChainProofs.verifyValidatorFields(
            proofVersion(beaconTimestamp), stateRootProof.beaconStateRoot, proof.validatorFields, proof.proof, uint40(idx - 1)
        );
    }
}
