// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

// Rocket Pool's contracts, compiled in place (never copied here): the
// remapping @rocketpool/ points at $BEACONPROOF_CONTRACTS/rocketpool (see
// foundry.toml's rocketpool profile and README.md).
import {BeaconStateVerifier} from "@rocketpool/contracts/contract/util/BeaconStateVerifier.sol";
import {RocketStorageInterface} from "@rocketpool/contracts/interface/RocketStorageInterface.sol";
import {
    SlotProof,
    ValidatorProof,
    WithdrawalProof
} from "@rocketpool/contracts/interface/util/BeaconStateVerifierInterface.sol";
import {FixtureSets, FixtureTypes} from "../test/FixtureSets.sol";

/// @notice Runs every Rocket Pool-shaped proof of the fixture sets
/// `beaconproof fixtures` writes through Rocket Pool's BeaconStateVerifier
/// (rocket-pool/rocketpool, commit fef41a4, Saturn), deployed for mainnet, against
/// the real EIP-4788 beacon roots contract etched at its address and fed
/// each set's anchor root at the manifest's timestamp: slot proofs through
/// verifySlot, validator proofs through verifyValidator, withdrawal proofs,
/// recent and historical, through verifyWithdrawal. The verifier has no
/// balance or pending deposit function: those proofs are not sent here.
///
/// Each test_*Proofs test checks one kind and fails when the sets hold none
/// of it. The verifier returns false for a proof whose root is not the
/// block root (test_RejectedWhen_*) and reverts on the checks it makes
/// before (test_RevertWhen_*): each of those tests changes every proof in
/// one way and checks the verifier's exact answer.
contract RocketPoolFixturesTest is FixtureSets {
    // BeaconStateVerifier's constructor arguments for mainnet, as
    // internal/verifiers deploys it (RocketPoolArgs).
    /// @dev A made-up RocketStorage: the verifier does not read it.
    address internal constant ROCKET_STORAGE = 0x5707A9E000000000000000000000000000000001;
    uint256 internal constant SLOTS_PER_HISTORICAL_ROOT = 8192;
    /// @dev The first slots of altair, bellatrix, capella, deneb, electra.
    uint64 internal constant SLOT_ALTAIR = 74240 * 32;
    uint64 internal constant SLOT_BELLATRIX = 144896 * 32;
    uint64 internal constant SLOT_CAPELLA = 194048 * 32;
    uint64 internal constant SLOT_DENEB = 269568 * 32;
    uint64 internal constant SLOT_ELECTRA = 364032 * 32;
    uint256 internal constant GENESIS_TIME = 1606824023;
    bytes32 internal constant GENESIS_VALIDATORS_ROOT =
        0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95;

    /// @dev How a proof is changed before it is sent.
    enum Change {
        None, // the proof as written: true
        Witness, // a bit of the first witness: false
        Value, // the proven value (slot + 1, another effective balance, ...): false
        Timestamp, // the next slot's timestamp, which holds no root: "Block root is not available"
        Length, // one witness more than the verifier's path: "Invalid witness length"
        Genesis // slot proofs only: a bit of witnesses[1]: "Invalid genesis witness"
    }

    /// @dev Proofs sent, by kind.
    struct Counts {
        uint256 slot;
        uint256 validator;
        uint256 recentWithdrawal;
        uint256 historicalWithdrawal;
    }

    BeaconStateVerifier internal verifier;

    function setUp() public {
        verifier = new BeaconStateVerifier(
            RocketStorageInterface(ROCKET_STORAGE),
            SLOTS_PER_HISTORICAL_ROOT,
            [SLOT_ALTAIR, SLOT_BELLATRIX, SLOT_CAPELLA, SLOT_DENEB, SLOT_ELECTRA],
            BEACON_ROOTS,
            GENESIS_TIME,
            GENESIS_VALIDATORS_ROOT
        );
        _loadSets();
    }

    // ------------------------------------------------------------------
    // Every proof of each kind is accepted.
    // ------------------------------------------------------------------

    function test_SlotProofs() public view {
        require(_run(Change.None).slot > 0, "no slot proofs in the fixtures");
    }

    function test_ValidatorProofs() public view {
        require(_run(Change.None).validator > 0, "no validator proofs in the fixtures");
    }

    function test_RecentWithdrawalProofs() public view {
        require(_run(Change.None).recentWithdrawal > 0, "no recent withdrawal proofs in the fixtures");
    }

    function test_HistoricalWithdrawalProofs() public view {
        require(_run(Change.None).historicalWithdrawal > 0, "no historical withdrawal proofs in the fixtures");
    }

    // ------------------------------------------------------------------
    // Every proof, changed, is refused.
    // ------------------------------------------------------------------

    function test_RejectedWhen_WitnessChanged() public view {
        _run(Change.Witness);
    }

    function test_RejectedWhen_ValueChanged() public view {
        _run(Change.Value);
    }

    function test_RevertWhen_RootNotStored() public view {
        _run(Change.Timestamp);
    }

    function test_RevertWhen_WitnessCountWrong() public view {
        _run(Change.Length);
    }

    function test_RevertWhen_GenesisWitnessChanged() public view {
        require(_run(Change.Genesis).slot > 0, "no slot proofs in the fixtures");
    }

    // ------------------------------------------------------------------
    // Walking the sets
    // ------------------------------------------------------------------

    /// @dev Sends every Rocket Pool-shaped proof of every file of every
    /// set, changed by c, and checks the answer; returns the proofs sent by
    /// kind. Change.Genesis sends slot proofs only.
    function _run(Change c) internal view returns (Counts memory n) {
        for (uint256 i = 0; i < sets.length; i++) {
            Set memory s = sets[i];
            for (uint256 f = 0; vm.keyExistsJson(s.manifest, _at(".files", f)); f++) {
                string memory key = _at(".files", f);
                if (!_eq(vm.parseJsonString(s.manifest, string.concat(key, ".format")), "rocketpool")) continue;
                string memory file = vm.parseJsonString(s.manifest, string.concat(key, ".file"));
                string memory json = vm.readFile(string.concat(s.dir, "/", file));
                if (vm.keyExistsJson(json, ".slotProof")) {
                    _slotProof(s, file, json, c);
                    n.slot++;
                }
                if (c == Change.Genesis) continue;
                for (uint256 j = 0; vm.keyExistsJson(json, _at(".validatorProofs", j)); j++) {
                    _validatorProof(s, file, json, _at(".validatorProofs", j), c);
                    n.validator++;
                }
                for (uint256 j = 0; vm.keyExistsJson(json, _at(".withdrawalProofs", j)); j++) {
                    if (_withdrawalProof(s, file, json, _at(".withdrawalProofs", j), c)) {
                        n.historicalWithdrawal++;
                    } else {
                        n.recentWithdrawal++;
                    }
                }
            }
        }
    }

    function _slotProof(Set memory s, string memory file, string memory json, Change c) internal view {
        SlotProof memory p =
            abi.decode(vm.parseJsonType(json, ".slotProof", FixtureTypes.SLOT_PROOF), (SlotProof));
        uint64 ts;
        (ts, p.witnesses) = _change(c, s.timestamp, p.witnesses);
        if (c == Change.Value) p.slot++;
        if (c == Change.Genesis) p.witnesses[1] ^= bytes32(uint256(1));
        _expect(abi.encodeCall(BeaconStateVerifier.verifySlot, (ts, p)), c, string.concat(file, " .slotProof"));
    }

    function _validatorProof(Set memory s, string memory file, string memory json, string memory key, Change c)
        internal
        view
    {
        ValidatorProof memory p =
            abi.decode(vm.parseJsonType(json, key, FixtureTypes.VALIDATOR_PROOF), (ValidatorProof));
        uint64 ts;
        (ts, p.witnesses) = _change(c, s.timestamp, p.witnesses);
        if (c == Change.Value) p.validator.effectiveBalance += 1e9;
        _expect(
            abi.encodeCall(BeaconStateVerifier.verifyValidator, (ts, s.slot, p)), c, string.concat(file, " ", key)
        );
    }

    /// @dev Returns whether the withdrawal is historical: more than
    /// SLOTS_PER_HISTORICAL_ROOT slots before the anchor, proved through
    /// historical_summaries (the verifier's own rule).
    function _withdrawalProof(Set memory s, string memory file, string memory json, string memory key, Change c)
        internal
        view
        returns (bool historical)
    {
        WithdrawalProof memory p =
            abi.decode(vm.parseJsonType(json, key, FixtureTypes.WITHDRAWAL_PROOF), (WithdrawalProof));
        historical = p.withdrawalSlot + SLOTS_PER_HISTORICAL_ROOT < s.slot;
        uint64 ts;
        (ts, p.witnesses) = _change(c, s.timestamp, p.witnesses);
        if (c == Change.Value) p.withdrawal.amountInGwei++;
        _expect(
            abi.encodeCall(BeaconStateVerifier.verifyWithdrawal, (ts, s.slot, p)), c, string.concat(file, " ", key)
        );
    }

    // ------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------

    /// @dev Applies the witness, timestamp and length changes; returns the
    /// timestamp and witnesses to send.
    function _change(Change c, uint64 ts, bytes32[] memory witnesses)
        internal
        pure
        returns (uint64, bytes32[] memory)
    {
        if (c == Change.Witness) witnesses[0] ^= bytes32(uint256(1));
        if (c == Change.Timestamp) ts += 12;
        if (c == Change.Length) {
            bytes32[] memory longer = new bytes32[](witnesses.length + 1);
            for (uint256 i = 0; i < witnesses.length; i++) {
                longer[i] = witnesses[i];
            }
            witnesses = longer;
        }
        return (ts, witnesses);
    }

    /// @dev Calls the verifier and checks the answer the change calls for:
    /// true for none, false for a changed witness or value, else a revert
    /// with the verifier's reason.
    function _expect(bytes memory data, Change c, string memory what) internal view {
        (bool ok, bytes memory ret) = address(verifier).staticcall(data);
        if (c == Change.None || c == Change.Witness || c == Change.Value) {
            require(ok, string.concat(what, ": reverted: ", _reason(ret)));
            require(ret.length == 32, string.concat(what, ": no bool returned"));
            bool accepted = abi.decode(ret, (bool));
            if (c == Change.None) require(accepted, string.concat(what, ": the valid proof was refused"));
            else require(!accepted, string.concat(what, ": the changed proof was accepted"));
            return;
        }
        string memory want = "Invalid genesis witness";
        if (c == Change.Timestamp) want = "Block root is not available";
        if (c == Change.Length) want = "Invalid witness length";
        require(!ok, string.concat(what, ": the changed proof did not revert"));
        require(
            keccak256(ret) == keccak256(abi.encodeWithSignature("Error(string)", want)),
            string.concat(what, ": reverted with ", _reason(ret), ", want ", want)
        );
    }

    /// @dev The reason of an Error(string) revert, or a placeholder.
    function _reason(bytes memory ret) internal pure returns (string memory) {
        if (ret.length < 68 || bytes4(ret) != bytes4(keccak256("Error(string)"))) return "(no reason string)";
        bytes memory body = new bytes(ret.length - 4);
        for (uint256 i = 0; i < body.length; i++) {
            body[i] = ret[i + 4];
        }
        return abi.decode(body, (string));
    }
}
