// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.24;

import {ValidatorWithdrawalInfo} from "src/interfaces/ICSModule.sol";

/// @title CSModuleStandIn
/// @notice Stands in for Lido CSM's module (ICSModule) in beaconproof's
/// tests of CSVerifier: answers getSigningKeys with the keys it is given
/// and records what submitWithdrawals is told. Not Lido's code.
contract CSModuleStandIn {
    mapping(uint256 => mapping(uint256 => bytes)) internal keys;
    ValidatorWithdrawalInfo[] internal withdrawals;

    function setSigningKey(uint256 nodeOperatorId, uint256 keyIndex, bytes calldata pubkey) external {
        keys[nodeOperatorId][keyIndex] = pubkey;
    }

    /// @notice ICSModule.getSigningKeys for one key.
    function getSigningKeys(uint256 nodeOperatorId, uint256 startIndex, uint256 keysCount) external view returns (bytes memory) {
        require(keysCount == 1, "one key at a time");
        bytes memory key = keys[nodeOperatorId][startIndex];
        require(key.length == 48, "no such key");
        return key;
    }

    /// @notice ICSModule.submitWithdrawals: records them.
    function submitWithdrawals(ValidatorWithdrawalInfo[] calldata withdrawalsInfo) external {
        for (uint256 i = 0; i < withdrawalsInfo.length; i++) {
            withdrawals.push(withdrawalsInfo[i]);
        }
    }

    /// @notice What submitWithdrawals was told, in order.
    function submitted() external view returns (ValidatorWithdrawalInfo[] memory) {
        return withdrawals;
    }
}
