// Package format turns the Claims of package staking into the
// documents that staking protocols and tools consume, and reads them back
// to verify them offline.
//
// Four formats are written, all JSON:
//
//   - JSON ("json"): the proof set of `beaconproof prove`
//     {"fork", "preset", "type", "root", "proofs": [{"path", "gindex", "leaf",
//     "branch"}]} with an "anchor" object {"kind", "root", "slot",
//     "timestamp"} and, per proof, its "kind" and decoded "value". The
//     top-level "root" is the anchor's root and "type" the type of the object
//     it is the root of (BeaconBlock for a block anchor), so that every
//     reader of the plain proof set still verifies it.
//   - Rocket Pool ("rocketpool"): the structs of Rocket Pool's
//     BeaconStateVerifier: SlotProof{slot, witnesses},
//     ValidatorProof{validatorIndex, validator{...}, witnesses} and
//     WithdrawalProof{withdrawalSlot, withdrawalNum, withdrawal{index,
//     validatorIndex, withdrawalCredentials, amountInGwei}, witnesses}, with
//     the witnesses bottom-up from the leaf to the beacon block root, plus
//     ValidatorBalanceProof{balanceChunk, witnesses} of the newer interface.
//   - EigenLayer ("eigenlayer"): the structs of EigenLayer's
//     BeaconChainProofs as EigenPod takes them: StateRootProof{beaconStateRoot,
//     proof} (state root to block root), ValidatorProof{validatorFields,
//     proof} (validator to state root),
//     BalanceContainerProof{balanceContainerRoot, proof} (balances root to
//     block root) and
//     BalanceProof{pubkeyHash, balanceRoot, proof} (balance chunk to the
//     balances root); proofs are the branch hashes concatenated bottom-up.
//   - Lido ("lido"): one withdrawal as Lido CSM's CSVerifier takes it:
//     ProvableBeaconBlockHeader{header, rootsTimestamp} (the whole header
//     of the anchor block), for a historical withdrawal
//     HistoricalHeaderWitness{header, proof} (the paying block's header
//     under the anchor state's historical_summaries), and
//     WithdrawalWitness{withdrawalOffset, ..., withdrawalProof,
//     validatorProof} (the withdrawal in the paying block's post-state and
//     its validator, against that block's state root), with the
//     validator's key, node operator and key index; LidoGIndicesOf gives
//     the gindices its constructor takes.
//   - Calldata ("calldata"): the ABI encoding (abi.encode) of the Rocket Pool,
//     EigenLayer or Lido structs, each with its Solidity tuple type, and, when the
//     EIP-4788 timestamp is known, the complete calldata of the verifier's
//     functions, ready to send or to sign offline.
//
// Parse also reads the plain proof sets of `beaconproof prove --path` and
// the oracle vectors, and the files of protocol vectors
// ({"cases": [...]}, VectorsDocument).
//
// Every document names its fork and preset, and the json, rocketpool,
// lido and calldata documents may name a network ("network") and carry its
// facts (NetworkConfig: "network_config" in json, "networkConfig" in the
// others): fork versions and epochs, genesis and the historical_summaries
// offset; beaconproof's documents carry them for every network, built-in
// ones too. A historical withdrawal is checked with the carried facts, so
// a document verifies without a built-in table, a devnet's or a network's
// from a config.yaml too; facts that contradict the built-in network of
// the same name are refused (proof.ErrMalformed). Without them the network
// is looked up among fork's built-in networks ("" means mainnet). Parse detects the format and
// Document.Verify checks it without trusting its gindices or leaves: leaves
// are recomputed from the decoded values (a validator's 8 fields, a
// withdrawal's 4, the slot, a balance in its lane of the chunk) and
// gindices from the fork's schemas and the indices the document proves.
// Errors name the failing item (an *ItemError, or a
// *beaconstate.ProofError in a proof set).
package format
