// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {Vm} from "./Vm.sol";

/// @notice How the tests decode the fixture files' objects: vm.parseJsonType
/// with these type descriptions encodes an object's fields in the order
/// given here, the verifiers' (BeaconProofVerifier's and Rocket Pool's
/// BeaconStateVerifier's structs have these fields in this order), whatever
/// the order of the keys in the file (sorted) and whatever other structs
/// with the same field names the project declares. (vm.parseJson orders
/// fields by key, or, in recent Foundry versions such as 1.7.1, in the
/// declaration order of a struct of the project whose fields have the same
/// names, which is ambiguous when two such structs exist.)
library FixtureTypes {
    string internal constant SLOT_PROOF = "SlotProof(uint64 slot,bytes32[] witnesses)";
    string internal constant VALIDATOR_PROOF =
        "ValidatorProof(uint40 validatorIndex,Validator validator,bytes32[] witnesses)"
        "Validator(bytes pubkey,bytes32 withdrawalCredentials,uint64 effectiveBalance,bool slashed,"
        "uint64 activationEligibilityEpoch,uint64 activationEpoch,uint64 exitEpoch,uint64 withdrawableEpoch)";
    string internal constant WITHDRAWAL_PROOF =
        "WithdrawalProof(uint64 withdrawalSlot,uint16 withdrawalNum,Withdrawal withdrawal,bytes32[] witnesses)"
        "Withdrawal(uint64 index,uint64 validatorIndex,bytes20 withdrawalCredentials,uint64 amountInGwei)";
    string internal constant BALANCE_PROOF =
        "BalanceProof(uint64 validatorIndex,uint64 balance,bytes32 balanceChunk,bytes32[] witnesses)";
}

/// @notice The fixture sets `beaconproof fixtures` writes, as the fixture
/// tests load them: the directories listed in $BEACONPROOF_FIXTURE_SETS
/// (comma-separated, relative to the project root; default "fixtures"),
/// each with a manifest.json of an electra or fulu mainnet anchor, whose
/// root the real EIP-4788 beacon roots contract, etched at its address,
/// holds at the manifest's timestamp.
abstract contract FixtureSets {
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    address internal constant BEACON_ROOTS = 0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02;
    address internal constant SYSTEM_ADDRESS = 0xffffFFFfFFffffffffffffffFfFFFfffFFFfFFfE;
    /// @dev The beacon roots contract's runtime code (EIP-4788).
    bytes internal constant BEACON_ROOTS_CODE =
        hex"3373fffffffffffffffffffffffffffffffffffffffe14604d57602036146024575f5ffd5b5f35801560495762001fff810690815414603c575f5ffd5b62001fff01545f5260205ff35b5f5ffd5b62001fff42064281555f359062001fff015500";

    /// @dev A fixture set: a directory with manifest.json.
    struct Set {
        string dir;
        string manifest;
        uint64 timestamp;
        uint64 slot;
        bytes32 root;
    }

    Set[] internal sets;

    /// @dev Reads the sets' manifests, etches the beacon roots contract,
    /// stores each set's anchor root by the contract's system call (from
    /// SYSTEM_ADDRESS, at the manifest's timestamp, as the execution block
    /// at that time does) and moves the clock a slot past the latest.
    function _loadSets() internal {
        vm.etch(BEACON_ROOTS, BEACON_ROOTS_CODE);
        string[] memory dflt = new string[](1);
        dflt[0] = "fixtures";
        string[] memory dirs = vm.envOr("BEACONPROOF_FIXTURE_SETS", ",", dflt);
        uint256 latest;
        for (uint256 i = 0; i < dirs.length; i++) {
            string memory dir = string.concat(vm.projectRoot(), "/", dirs[i]);
            string memory m = vm.readFile(string.concat(dir, "/manifest.json"));
            string memory fk = vm.parseJsonString(m, ".fork");
            require(_eq(fk, "electra") || _eq(fk, "fulu"), string.concat(dirs[i], ": fork ", fk, ": the gindices here are electra's and fulu's"));
            require(_eq(vm.parseJsonString(m, ".preset"), "mainnet"), string.concat(dirs[i], ": not the mainnet preset"));
            require(_eq(vm.parseJsonString(m, ".network"), "mainnet"), string.concat(dirs[i], ": not mainnet (historical_summaries offset)"));
            require(
                vm.parseJsonBytes(m, ".beaconRoots").length == 20
                    && address(bytes20(vm.parseJsonBytes(m, ".beaconRoots"))) == BEACON_ROOTS,
                "manifest: another beacon roots contract"
            );
            Set memory s = Set({
                dir: dir,
                manifest: m,
                timestamp: uint64(vm.parseJsonUint(m, ".anchor.timestamp")),
                slot: uint64(vm.parseJsonUint(m, ".anchor.slot")),
                root: vm.parseJsonBytes32(m, ".anchor.root")
            });
            sets.push(s);
            vm.warp(s.timestamp);
            vm.prank(SYSTEM_ADDRESS);
            (bool ok,) = BEACON_ROOTS.call(abi.encode(s.root));
            require(ok, "beacon roots system call failed");
            if (s.timestamp > latest) latest = s.timestamp;
        }
        vm.warp(latest + 12);
    }

    /// @dev The key of element i of the array at key.
    function _at(string memory key, uint256 i) internal pure returns (string memory) {
        return string.concat(key, "[", vm.toString(i), "]");
    }

    function _eq(string memory a, string memory b) internal pure returns (bool) {
        return keccak256(bytes(a)) == keccak256(bytes(b));
    }
}
