// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

/// @title BeaconProofVerifier
/// @notice Reference verifier for the Merkle proofs that beaconproof emits.
/// It reads a beacon block root from the EIP-4788 beacon roots contract by
/// execution timestamp and checks SHA-256 Merkle branches (the consensus
/// specs' is_valid_merkle_branch, with the SHA-256 precompile) against it.
///
/// Every proof is a leaf, a bottom-up branch (branch[0] is the leaf's
/// sibling) and a generalized index, which may exceed 64 bits (historical
/// withdrawals): bit i of the gindex says whether the node at level i is a
/// right child. The gindex's depth must equal the branch length.
///
/// An Anchor says where the proof ends:
///   - stateProof empty: the proof leads to the beacon block root stored at
///     `timestamp`;
///   - stateProof of 3 hashes: the proof leads to a BeaconState root, and
///     stateProof is the branch of BeaconBlock.state_root (gindex 11) that
///     leads from that state root to the block root stored at `timestamp`.
///
/// The per-kind entry points rebuild the leaf from decoded values, so the
/// caller proves values, not opaque hashes. This contract is a test oracle:
/// it takes the gindex from the caller, as the JSON proofs carry it. A
/// production verifier must instead derive the gindex from fork constants
/// and the index it proves (validator index, withdrawal slot and number),
/// or a caller could prove a different field that happens to hold the same
/// leaf.
contract BeaconProofVerifier {
    /// @notice The EIP-4788 beacon roots contract.
    address public constant BEACON_ROOTS = 0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02;

    /// @notice Generalized index of BeaconBlock.state_root (deneb to gloas).
    uint256 public constant STATE_ROOT_GINDEX = 11;

    /// @notice The beacon roots contract has no root for the timestamp
    /// (no block at that timestamp, or it left the 8191-entry ring buffer).
    error RootUnavailable(uint64 timestamp);
    /// @notice The gindex's depth is not the branch length.
    error BadGindex(uint256 gindex, uint256 branchLength);
    /// @notice The proof leads to `computed`, not to `expected`.
    error InvalidProof(bytes32 computed, bytes32 expected);
    /// @notice A balance is not in its lane of the proven chunk.
    error BadBalanceChunk(uint64 validatorIndex, uint64 balance, bytes32 chunk);
    /// @notice A BLS public key that is not 48 bytes long.
    error BadPubkeyLength(uint256 length);

    /// @notice Where a proof ends; see the contract's notice.
    struct Anchor {
        uint64 timestamp;
        bytes32[] stateProof;
    }

    /// @notice The consensus Validator container.
    struct Validator {
        bytes pubkey;
        bytes32 withdrawalCredentials;
        uint64 effectiveBalance;
        bool slashed;
        uint64 activationEligibilityEpoch;
        uint64 activationEpoch;
        uint64 exitEpoch;
        uint64 withdrawableEpoch;
    }

    /// @notice The consensus Withdrawal container; withdrawalCredentials is
    /// the 20-byte execution address.
    struct Withdrawal {
        uint64 index;
        uint64 validatorIndex;
        bytes20 withdrawalCredentials;
        uint64 amountInGwei;
    }

    /// @notice Rocket Pool-style proof of state.slot; witnesses lead to the
    /// block root.
    struct SlotProof {
        uint64 slot;
        bytes32[] witnesses;
    }

    /// @notice Rocket Pool-style proof of a validator; witnesses lead to the
    /// block root.
    struct ValidatorProof {
        uint40 validatorIndex;
        Validator validator;
        bytes32[] witnesses;
    }

    /// @notice Rocket Pool-style proof of a withdrawal in the block at
    /// withdrawalSlot; witnesses lead to the block root.
    struct WithdrawalProof {
        uint64 withdrawalSlot;
        uint16 withdrawalNum;
        Withdrawal withdrawal;
        bytes32[] witnesses;
    }

    // ------------------------------------------------------------------
    // Roots
    // ------------------------------------------------------------------

    /// @notice Returns the beacon block root stored under `timestamp`, or
    /// reverts with RootUnavailable.
    function beaconRoot(uint64 timestamp) public view returns (bytes32 root) {
        (bool ok, bytes memory out) = BEACON_ROOTS.staticcall(abi.encode(uint256(timestamp)));
        if (!ok || out.length != 32) revert RootUnavailable(timestamp);
        root = abi.decode(out, (bytes32));
    }

    /// @notice Returns the root that `leaf` and its bottom-up `branch` imply
    /// at generalized index `gindex`.
    function merkleRoot(bytes32 leaf, bytes32[] calldata branch, uint256 gindex) public view returns (bytes32) {
        return _merkleRoot(leaf, branch, gindex);
    }

    // ------------------------------------------------------------------
    // Generic and per-kind entry points. Each returns true or reverts.
    // ------------------------------------------------------------------

    /// @notice Verifies any 32-byte leaf (a root, withdrawal credentials, a
    /// block_roots entry, ...).
    function verifyLeaf(Anchor calldata anchor, bytes32 leaf, bytes32[] calldata branch, uint256 gindex)
        external
        view
        returns (bool)
    {
        _check(anchor, _merkleRoot(leaf, branch, gindex));
        return true;
    }

    /// @notice Verifies a uint64 leaf (state.slot, effective_balance,
    /// exit_epoch, withdrawable_epoch, ...).
    function verifyUint64(Anchor calldata anchor, uint64 value, bytes32[] calldata branch, uint256 gindex)
        external
        view
        returns (bool)
    {
        _check(anchor, _merkleRoot(_le64(value), branch, gindex));
        return true;
    }

    /// @notice Verifies a boolean leaf (validator.slashed).
    function verifyBool(Anchor calldata anchor, bool value, bytes32[] calldata branch, uint256 gindex)
        external
        view
        returns (bool)
    {
        _check(anchor, _merkleRoot(value ? bytes32(uint256(1) << 248) : bytes32(0), branch, gindex));
        return true;
    }

    /// @notice Verifies a validator's 48-byte BLS public key.
    function verifyPubkey(Anchor calldata anchor, bytes calldata pubkey, bytes32[] calldata branch, uint256 gindex)
        external
        view
        returns (bool)
    {
        _check(anchor, _merkleRoot(_pubkeyRoot(pubkey), branch, gindex));
        return true;
    }

    /// @notice Verifies a whole Validator container from its eight fields.
    function verifyValidator(Anchor calldata anchor, Validator calldata v, bytes32[] calldata branch, uint256 gindex)
        external
        view
        returns (bool)
    {
        _check(anchor, _merkleRoot(_validatorRoot(v), branch, gindex));
        return true;
    }

    /// @notice Verifies balances[validatorIndex]: `chunk` is the proven
    /// 32-byte chunk of four balances, and `balance` must sit in lane
    /// validatorIndex % 4 of it.
    function verifyBalance(
        Anchor calldata anchor,
        uint64 validatorIndex,
        uint64 balance,
        bytes32 chunk,
        bytes32[] calldata branch,
        uint256 gindex
    ) external view returns (bool) {
        uint256 lane = validatorIndex % 4;
        if (bytes8(chunk << (64 * lane)) != bytes8(_le64(balance))) {
            revert BadBalanceChunk(validatorIndex, balance, chunk);
        }
        _check(anchor, _merkleRoot(chunk, branch, gindex));
        return true;
    }

    /// @notice Verifies a Withdrawal container (recent or historical; the
    /// gindex says which).
    function verifyWithdrawal(Anchor calldata anchor, Withdrawal calldata w, bytes32[] calldata branch, uint256 gindex)
        external
        view
        returns (bool)
    {
        _check(anchor, _merkleRoot(_withdrawalRoot(w), branch, gindex));
        return true;
    }

    // ------------------------------------------------------------------
    // Rocket Pool-format entry points: witnesses lead to the block root
    // stored at slotTimestamp.
    // ------------------------------------------------------------------

    /// @notice Verifies a SlotProof.
    function verifySlotProof(uint64 slotTimestamp, uint256 gindex, SlotProof calldata proof)
        external
        view
        returns (bool)
    {
        _checkBlock(slotTimestamp, _merkleRoot(_le64(proof.slot), proof.witnesses, gindex));
        return true;
    }

    /// @notice Verifies a ValidatorProof.
    function verifyValidatorProof(uint64 slotTimestamp, uint256 gindex, ValidatorProof calldata proof)
        external
        view
        returns (bool)
    {
        _checkBlock(slotTimestamp, _merkleRoot(_validatorRoot(proof.validator), proof.witnesses, gindex));
        return true;
    }

    /// @notice Verifies a WithdrawalProof.
    function verifyWithdrawalProof(uint64 slotTimestamp, uint256 gindex, WithdrawalProof calldata proof)
        external
        view
        returns (bool)
    {
        _checkBlock(slotTimestamp, _merkleRoot(_withdrawalRoot(proof.withdrawal), proof.witnesses, gindex));
        return true;
    }

    // ------------------------------------------------------------------
    // Internals
    // ------------------------------------------------------------------

    function _check(Anchor calldata anchor, bytes32 computed) internal view {
        uint256 n = anchor.stateProof.length;
        if (n == 0) {
            _checkBlock(anchor.timestamp, computed);
            return;
        }
        // computed is a state root: link it to the block root.
        _checkBlock(anchor.timestamp, _merkleRoot(computed, anchor.stateProof, STATE_ROOT_GINDEX));
    }

    function _checkBlock(uint64 timestamp, bytes32 computed) internal view {
        bytes32 expected = beaconRoot(timestamp);
        if (computed != expected) revert InvalidProof(computed, expected);
    }

    function _merkleRoot(bytes32 leaf, bytes32[] calldata branch, uint256 gindex) internal view returns (bytes32 node) {
        uint256 n = branch.length;
        if (n >= 256 || gindex >> n != 1) revert BadGindex(gindex, n);
        node = leaf;
        assembly ("memory-safe") {
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                let sibling := calldataload(add(branch.offset, shl(5, i)))
                switch and(shr(i, gindex), 1)
                case 0 {
                    mstore(0x00, node)
                    mstore(0x20, sibling)
                }
                default {
                    mstore(0x00, sibling)
                    mstore(0x20, node)
                }
                if iszero(staticcall(gas(), 0x02, 0x00, 0x40, 0x00, 0x20)) { revert(0, 0) }
                node := mload(0x00)
            }
        }
    }

    function _hash(bytes32 a, bytes32 b) internal view returns (bytes32 r) {
        assembly ("memory-safe") {
            mstore(0x00, a)
            mstore(0x20, b)
            if iszero(staticcall(gas(), 0x02, 0x00, 0x40, 0x00, 0x20)) { revert(0, 0) }
            r := mload(0x00)
        }
    }

    /// @dev The SSZ chunk of a uint64: its 8 little-endian bytes, then zeros.
    function _le64(uint64 value) internal pure returns (bytes32) {
        uint256 x = value;
        x = ((x & 0xFF00FF00FF00FF00) >> 8) | ((x & 0x00FF00FF00FF00FF) << 8);
        x = ((x & 0xFFFF0000FFFF0000) >> 16) | ((x & 0x0000FFFF0000FFFF) << 16);
        x = ((x & 0xFFFFFFFF00000000) >> 32) | ((x & 0x00000000FFFFFFFF) << 32);
        return bytes32(x << 192);
    }

    function _pubkeyRoot(bytes calldata pubkey) internal pure returns (bytes32) {
        if (pubkey.length != 48) revert BadPubkeyLength(pubkey.length);
        return sha256(abi.encodePacked(pubkey, bytes16(0)));
    }

    function _validatorRoot(Validator calldata v) internal view returns (bytes32) {
        bytes32 a = _hash(_pubkeyRoot(v.pubkey), v.withdrawalCredentials);
        bytes32 b = _hash(_le64(v.effectiveBalance), v.slashed ? bytes32(uint256(1) << 248) : bytes32(0));
        bytes32 c = _hash(_le64(v.activationEligibilityEpoch), _le64(v.activationEpoch));
        bytes32 d = _hash(_le64(v.exitEpoch), _le64(v.withdrawableEpoch));
        return _hash(_hash(a, b), _hash(c, d));
    }

    function _withdrawalRoot(Withdrawal calldata w) internal view returns (bytes32) {
        bytes32 a = _hash(_le64(w.index), _le64(w.validatorIndex));
        bytes32 b = _hash(bytes32(w.withdrawalCredentials), _le64(w.amountInGwei));
        return _hash(a, b);
    }
}
