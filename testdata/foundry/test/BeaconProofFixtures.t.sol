// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {BeaconProofVerifier} from "beaconproof/BeaconProofVerifier.sol";
import {FixtureSets, FixtureTypes} from "./FixtureSets.sol";

/// @notice The Rocket Pool-shaped balance proof of a fixture file (the
/// verifier takes its fields as arguments: it has no struct for it).
struct BalanceProof {
    uint64 validatorIndex;
    uint64 balance;
    bytes32 balanceChunk;
    bytes32[] witnesses;
}

/// @notice Generalized indices of electra and fulu mainnet proofs anchored
/// to the beacon block root, derived from the fork's container shapes and
/// the index a proof is for, as a production verifier derives them (the
/// fixture files carry none). Electra and fulu share them: both states have
/// 33 to 64 fields, both blocks' bodies 9 to 16.
library Gindex {
    uint256 internal constant BLOCK_STATE_ROOT = 11; // BeaconBlock.state_root: field 3 of 5
    uint256 internal constant BLOCK_BODY = 12; // BeaconBlock.body: field 4 of 5
    uint256 internal constant STATE_DEPTH = 6; // BeaconState: 37 (electra) or 38 (fulu) fields
    uint256 internal constant SLOT = 2;
    uint256 internal constant BLOCK_ROOTS = 5;
    uint256 internal constant VALIDATORS = 11;
    uint256 internal constant BALANCES = 12;
    uint256 internal constant HISTORICAL_SUMMARIES = 27;
    uint256 internal constant PENDING_DEPOSITS = 34;
    uint256 internal constant VALIDATORS_DEPTH = 40; // VALIDATOR_REGISTRY_LIMIT = 2^40
    uint256 internal constant BALANCES_DEPTH = 38; // 2^40 uint64s, four a chunk
    uint256 internal constant PENDING_DEPOSITS_DEPTH = 27; // PENDING_DEPOSITS_LIMIT = 2^27
    uint256 internal constant HISTORICAL_SUMMARIES_DEPTH = 24; // HISTORICAL_ROOTS_LIMIT = 2^24
    uint256 internal constant SLOTS_PER_HISTORICAL_ROOT = 8192;
    uint256 internal constant SLOTS_PER_HISTORICAL_ROOT_DEPTH = 13;
    uint256 internal constant BODY_EXECUTION_PAYLOAD = 25; // field 9 of 13: 16 + 9
    uint256 internal constant PAYLOAD_WITHDRAWALS = 46; // field 14 of 17: 32 + 14
    uint256 internal constant WITHDRAWALS_DEPTH = 4; // MAX_WITHDRAWALS_PER_PAYLOAD = 16
    uint256 internal constant SUMMARIES_OFFSET = 758; // mainnet's capella era: historical_summaries[0]

    /// @dev floor(log2(g)): the depth of the node g.
    function depth(uint256 g) internal pure returns (uint256 d) {
        while (g > 1) {
            g >>= 1;
            d++;
        }
    }

    /// @dev The gindex of node b of the subtree rooted at node a.
    function concat(uint256 a, uint256 b) internal pure returns (uint256) {
        uint256 d = depth(b);
        return (a << d) | (b ^ (1 << d));
    }

    /// @dev A state field's gindex from the block root.
    function stateField(uint256 field) internal pure returns (uint256) {
        return concat(BLOCK_STATE_ROOT, (1 << STATE_DEPTH) | field);
    }

    /// @dev Element i of a state list of 2^listDepth chunks (the list's
    /// data root is the left child of the length mix-in).
    function stateListItem(uint256 field, uint256 listDepth, uint256 i) internal pure returns (uint256) {
        return concat(stateField(field), (2 << listDepth) | i);
    }

    function slot() internal pure returns (uint256) {
        return stateField(SLOT);
    }

    function validator(uint256 i) internal pure returns (uint256) {
        return stateListItem(VALIDATORS, VALIDATORS_DEPTH, i);
    }

    function balance(uint256 i) internal pure returns (uint256) {
        return stateListItem(BALANCES, BALANCES_DEPTH, i / 4);
    }

    function pendingDeposit(uint256 i) internal pure returns (uint256) {
        return stateListItem(PENDING_DEPOSITS, PENDING_DEPOSITS_DEPTH, i);
    }

    /// @dev Withdrawal n of the block at withdrawalSlot, from the anchor
    /// state at stateSlot: through block_roots when at most
    /// SLOTS_PER_HISTORICAL_ROOT slots older, else through
    /// historical_summaries[ws / 8192 - offset].block_summary_root and the
    /// era's block_roots (a gindex of more than 64 bits).
    function withdrawal(uint256 stateSlot, uint256 withdrawalSlot, uint256 n)
        internal
        pure
        returns (uint256 g, bool historical)
    {
        require(withdrawalSlot < stateSlot, "withdrawal slot not before the state's");
        uint256 inBlock = concat(
            BLOCK_BODY, concat(BODY_EXECUTION_PAYLOAD, concat(PAYLOAD_WITHDRAWALS, (2 << WITHDRAWALS_DEPTH) | n))
        );
        uint256 entry = withdrawalSlot % SLOTS_PER_HISTORICAL_ROOT;
        uint256 blockRoot;
        historical = stateSlot - withdrawalSlot > SLOTS_PER_HISTORICAL_ROOT;
        if (!historical) {
            blockRoot = concat(stateField(BLOCK_ROOTS), (1 << SLOTS_PER_HISTORICAL_ROOT_DEPTH) | entry);
        } else {
            uint256 k = withdrawalSlot / SLOTS_PER_HISTORICAL_ROOT - SUMMARIES_OFFSET;
            uint256 summary = stateListItem(HISTORICAL_SUMMARIES, HISTORICAL_SUMMARIES_DEPTH, k);
            uint256 blockSummaryRoot = summary << 1; // HistoricalSummary.block_summary_root: field 0 of 2
            blockRoot = (blockSummaryRoot << SLOTS_PER_HISTORICAL_ROOT_DEPTH) | entry;
        }
        g = concat(blockRoot, inBlock);
    }
}

/// @notice Runs every proof of the fixture sets `beaconproof fixtures`
/// writes through BeaconProofVerifier, against the real EIP-4788 beacon
/// roots contract etched at its address and fed each set's anchor root by
/// the system call, at the manifest's timestamp. Each test_*Proofs test
/// checks one kind and fails when the sets hold none of it; each
/// test_RevertWhen_* test changes every proof of every kind in one way and
/// checks that the verifier reverts with the expected error.
contract BeaconProofFixturesTest is FixtureSets {
    /// @dev How a proof is changed before it is sent.
    enum Change {
        None, // the proof as written: accepted
        Witness, // a bit of the first witness: InvalidProof
        Value, // the proven value (slot + 1, another effective balance, ...): InvalidProof
        Timestamp, // the next slot's timestamp, which holds no root: RootUnavailable
        Depth // a gindex one level deeper than the branch: BadGindex
    }

    /// @dev Proofs run, by kind.
    struct Counts {
        uint256 slot;
        uint256 validator;
        uint256 balance;
        uint256 recentWithdrawal;
        uint256 historicalWithdrawal;
        uint256 pendingDeposit;
    }

    BeaconProofVerifier internal verifier;

    function setUp() public {
        verifier = new BeaconProofVerifier();
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

    function test_BalanceProofs() public view {
        require(_run(Change.None).balance > 0, "no balance proofs in the fixtures");
    }

    function test_RecentWithdrawalProofs() public view {
        require(_run(Change.None).recentWithdrawal > 0, "no recent withdrawal proofs in the fixtures");
    }

    function test_HistoricalWithdrawalProofs() public view {
        require(_run(Change.None).historicalWithdrawal > 0, "no historical withdrawal proofs in the fixtures");
    }

    function test_PendingDepositProofs() public view {
        require(_run(Change.None).pendingDeposit > 0, "no pending deposit proofs in the fixtures");
    }

    // ------------------------------------------------------------------
    // Every proof, changed, reverts.
    // ------------------------------------------------------------------

    function test_RevertWhen_WitnessChanged() public view {
        _run(Change.Witness);
    }

    function test_RevertWhen_ValueChanged() public view {
        _run(Change.Value);
    }

    function test_RevertWhen_RootNotStored() public view {
        _run(Change.Timestamp);
    }

    function test_RevertWhen_GindexTooDeep() public view {
        _run(Change.Depth);
    }

    // ------------------------------------------------------------------
    // Walking the sets
    // ------------------------------------------------------------------

    /// @dev Sends every proof of every file of every set, changed by c, and
    /// checks the outcome; returns the proofs sent by kind.
    function _run(Change c) internal view returns (Counts memory n) {
        for (uint256 i = 0; i < sets.length; i++) {
            Set memory s = sets[i];
            for (uint256 f = 0; vm.keyExistsJson(s.manifest, _at(".files", f)); f++) {
                string memory file = vm.parseJsonString(s.manifest, string.concat(_at(".files", f), ".file"));
                string memory json = vm.readFile(string.concat(s.dir, "/", file));
                string memory format = vm.parseJsonString(s.manifest, string.concat(_at(".files", f), ".format"));
                if (_eq(format, "json")) {
                    n.pendingDeposit += _pendingDeposits(s, file, json, c);
                    continue;
                }
                require(_eq(format, "rocketpool"), string.concat(file, ": format ", format));
                if (vm.keyExistsJson(json, ".slotProof")) {
                    _slotProof(s, file, json, c);
                    n.slot++;
                }
                for (uint256 j = 0; vm.keyExistsJson(json, _at(".validatorProofs", j)); j++) {
                    _validatorProof(s, file, json, _at(".validatorProofs", j), c);
                    n.validator++;
                }
                for (uint256 j = 0; vm.keyExistsJson(json, _at(".balanceProofs", j)); j++) {
                    _balanceProof(s, file, json, _at(".balanceProofs", j), c);
                    n.balance++;
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
        BeaconProofVerifier.SlotProof memory p = abi.decode(
            vm.parseJsonType(json, ".slotProof", FixtureTypes.SLOT_PROOF), (BeaconProofVerifier.SlotProof)
        );
        (uint64 ts, uint256 g) = _change(c, s.timestamp, Gindex.slot(), p.witnesses);
        if (c == Change.Value) p.slot++;
        _expect(
            abi.encodeCall(BeaconProofVerifier.verifySlotProof, (ts, g, p)),
            c,
            BeaconProofVerifier.InvalidProof.selector,
            string.concat(file, " .slotProof")
        );
    }

    function _validatorProof(Set memory s, string memory file, string memory json, string memory key, Change c)
        internal
        view
    {
        BeaconProofVerifier.ValidatorProof memory p = abi.decode(
            vm.parseJsonType(json, key, FixtureTypes.VALIDATOR_PROOF), (BeaconProofVerifier.ValidatorProof)
        );
        (uint64 ts, uint256 g) = _change(c, s.timestamp, Gindex.validator(p.validatorIndex), p.witnesses);
        if (c == Change.Value) p.validator.effectiveBalance += 1e9;
        _expect(
            abi.encodeCall(BeaconProofVerifier.verifyValidatorProof, (ts, g, p)),
            c,
            BeaconProofVerifier.InvalidProof.selector,
            string.concat(file, " ", key)
        );
    }

    function _balanceProof(Set memory s, string memory file, string memory json, string memory key, Change c)
        internal
        view
    {
        BalanceProof memory p = abi.decode(vm.parseJsonType(json, key, FixtureTypes.BALANCE_PROOF), (BalanceProof));
        (uint64 ts, uint256 g) = _change(c, s.timestamp, Gindex.balance(p.validatorIndex), p.witnesses);
        if (c == Change.Value) p.balance++; // no longer the chunk's lane
        BeaconProofVerifier.Anchor memory a = BeaconProofVerifier.Anchor({timestamp: ts, stateProof: new bytes32[](0)});
        _expect(
            abi.encodeCall(
                BeaconProofVerifier.verifyBalance, (a, p.validatorIndex, p.balance, p.balanceChunk, p.witnesses, g)
            ),
            c,
            BeaconProofVerifier.BadBalanceChunk.selector,
            string.concat(file, " ", key)
        );
    }

    /// @dev Returns whether the withdrawal is historical.
    function _withdrawalProof(Set memory s, string memory file, string memory json, string memory key, Change c)
        internal
        view
        returns (bool historical)
    {
        BeaconProofVerifier.WithdrawalProof memory p = abi.decode(
            vm.parseJsonType(json, key, FixtureTypes.WITHDRAWAL_PROOF), (BeaconProofVerifier.WithdrawalProof)
        );
        uint256 g;
        (g, historical) = Gindex.withdrawal(s.slot, p.withdrawalSlot, p.withdrawalNum);
        uint64 ts;
        (ts, g) = _change(c, s.timestamp, g, p.witnesses);
        if (c == Change.Value) p.withdrawal.amountInGwei++;
        _expect(
            abi.encodeCall(BeaconProofVerifier.verifyWithdrawalProof, (ts, g, p)),
            c,
            BeaconProofVerifier.InvalidProof.selector,
            string.concat(file, " ", key)
        );
    }

    /// @dev A json document of pending_deposits proofs: each leaf is
    /// rebuilt from the decoded PendingDeposit, so the value is what is
    /// proved, and verified with verifyLeaf (the verifier has no
    /// PendingDeposit entry point).
    function _pendingDeposits(Set memory s, string memory file, string memory json, Change c)
        internal
        view
        returns (uint256 n)
    {
        require(vm.parseJsonBytes32(json, ".anchor.root") == s.root, string.concat(file, ": another anchor root"));
        require(vm.parseJsonUint(json, ".anchor.timestamp") == s.timestamp, string.concat(file, ": another timestamp"));
        for (; vm.keyExistsJson(json, _at(".proofs", n)); n++) {
            string memory key = _at(".proofs", n);
            (bytes32 leaf, uint256 g) = _pendingDepositLeaf(json, key, c);
            if (c == Change.None) {
                require(leaf == vm.parseJsonBytes32(json, string.concat(key, ".leaf")), string.concat(file, ": leaf is not the value's root"));
                require(g == vm.parseJsonUint(json, string.concat(key, ".gindex")), string.concat(file, ": gindex is not pending_deposits[index]'s"));
            }
            bytes32[] memory branch = vm.parseJsonBytes32Array(json, string.concat(key, ".branch"));
            uint64 ts;
            (ts, g) = _change(c, s.timestamp, g, branch);
            BeaconProofVerifier.Anchor memory a = BeaconProofVerifier.Anchor({timestamp: ts, stateProof: new bytes32[](0)});
            _expect(
                abi.encodeCall(BeaconProofVerifier.verifyLeaf, (a, leaf, branch, g)),
                c,
                BeaconProofVerifier.InvalidProof.selector,
                string.concat(file, " ", key)
            );
        }
    }

    /// @dev The root of the pending deposit proof key's value (its amount
    /// plus one for Change.Value) and its gindex, pending_deposits[index]'s.
    function _pendingDepositLeaf(string memory json, string memory key, Change c)
        internal
        pure
        returns (bytes32 leaf, uint256 g)
    {
        string memory v = string.concat(key, ".value");
        uint256 amount = vm.parseJsonUint(json, string.concat(v, ".amount"));
        if (c == Change.Value) amount++;
        leaf = _pendingDepositRoot(
            vm.parseJsonBytes(json, string.concat(v, ".pubkey")),
            vm.parseJsonBytes32(json, string.concat(v, ".withdrawal_credentials")),
            amount,
            vm.parseJsonBytes(json, string.concat(v, ".signature")),
            vm.parseJsonUint(json, string.concat(v, ".slot"))
        );
        g = Gindex.pendingDeposit(vm.parseJsonUint(json, string.concat(v, ".index")));
    }

    // ------------------------------------------------------------------
    // Helpers
    // ------------------------------------------------------------------

    /// @dev Applies the witness, timestamp and depth changes; returns the
    /// timestamp and gindex to send.
    function _change(Change c, uint64 ts, uint256 g, bytes32[] memory witnesses)
        internal
        pure
        returns (uint64, uint256)
    {
        if (c == Change.Witness) witnesses[0] ^= bytes32(uint256(1));
        if (c == Change.Timestamp) ts += 12;
        if (c == Change.Depth) g <<= 1;
        return (ts, g);
    }

    /// @dev Calls the verifier and checks the outcome the change calls for:
    /// success and true for none, else a revert with the change's error
    /// (valueError for a changed value).
    function _expect(bytes memory data, Change c, bytes4 valueError, string memory what) internal view {
        (bool ok, bytes memory ret) = address(verifier).staticcall(data);
        if (c == Change.None) {
            require(ok && ret.length == 32 && abi.decode(ret, (bool)), string.concat(what, ": the valid proof was refused"));
            return;
        }
        bytes4 want = BeaconProofVerifier.InvalidProof.selector;
        if (c == Change.Value) want = valueError;
        if (c == Change.Timestamp) want = BeaconProofVerifier.RootUnavailable.selector;
        if (c == Change.Depth) want = BeaconProofVerifier.BadGindex.selector;
        require(!ok, string.concat(what, ": the changed proof was accepted"));
        require(ret.length >= 4 && bytes4(ret) == want, string.concat(what, ": reverted with another error"));
    }

    /// @dev hash_tree_root of a PendingDeposit (pubkey, withdrawal_credentials,
    /// amount, signature, slot).
    function _pendingDepositRoot(bytes memory pubkey, bytes32 credentials, uint256 amount, bytes memory signature, uint256 slot)
        internal
        pure
        returns (bytes32)
    {
        require(pubkey.length == 48 && signature.length == 96, "pending deposit: bad pubkey or signature length");
        bytes32 pk = sha256(abi.encodePacked(pubkey, bytes16(0)));
        bytes32 sig = _h(_h(_word(signature, 0), _word(signature, 32)), _h(_word(signature, 64), bytes32(0)));
        return _h(
            _h(_h(pk, credentials), _h(_le64(amount), sig)),
            _h(_h(_le64(slot), bytes32(0)), _h(bytes32(0), bytes32(0)))
        );
    }

    function _h(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return sha256(abi.encodePacked(a, b));
    }

    function _word(bytes memory b, uint256 off) internal pure returns (bytes32 w) {
        assembly ("memory-safe") {
            w := mload(add(add(b, 0x20), off))
        }
    }

    /// @dev The SSZ chunk of a uint64.
    function _le64(uint256 v) internal pure returns (bytes32) {
        require(v <= type(uint64).max, "not a uint64");
        uint256 x;
        for (uint256 i = 0; i < 8; i++) {
            x |= ((v >> (8 * i)) & 0xff) << (8 * (31 - i));
        }
        return bytes32(x);
    }
}
