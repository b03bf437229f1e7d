package eip4788

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"strings"

	ethereum "github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/proof"
	"github.com/beaconproof/beaconproof/staking"
)

// BeaconRootsAddress is the address of the EIP-4788 beacon roots contract
// on every chain that has it.
var BeaconRootsAddress = common.HexToAddress("0x000F3df6D732807Ef1319fB7B8bB8522d0Beac02")

var (
	// ErrNoRoot reports that the contract holds no root for the timestamp:
	// it reverted because no block has that timestamp, the timestamp is 0,
	// or a later block overwrote the entry (see Expiry).
	ErrNoRoot = errors.New("no beacon root stored for the timestamp")
	// ErrNoContract reports a call that returned no data: the node's chain
	// has no beacon roots contract at BeaconRootsAddress (a pre-Cancun
	// chain, or a state that does not know it).
	ErrNoContract = errors.New("no beacon roots contract")
	// ErrTransport reports that the node could not be asked or did not
	// answer the call: a network or HTTP failure, or a JSON-RPC error other
	// than a revert. Errors that wrap it also wrap the underlying error.
	ErrTransport = errors.New("execution client call failed")
)

// Caller is what ReadRoot needs of an execution client: go-ethereum's
// *ethclient.Client and the simulated backend's client implement it.
type Caller = ethereum.ContractCaller

// Dial connects to an execution client's JSON-RPC endpoint (http, https, ws,
// wss or an IPC path) with go-ethereum's ethclient.
func Dial(ctx context.Context, rawurl string) (*ethclient.Client, error) {
	c, err := ethclient.DialContext(ctx, rawurl)
	if err != nil {
		return nil, fmt.Errorf("eip4788: dial %s: %w: %w", rawurl, ErrTransport, err)
	}
	return c, nil
}

// ReadRoot returns the beacon block root stored under the execution
// timestamp, read at the client's latest block. The error wraps ErrNoRoot
// when the contract reverts (no block at that timestamp, or its entry was
// overwritten), ErrNoContract when the chain has no beacon roots contract,
// and ErrTransport (with the cause) when the node could not be reached or
// answered with another error.
func ReadRoot(ctx context.Context, client Caller, timestamp uint64) ([32]byte, error) {
	return ReadRootAt(ctx, client, timestamp, nil)
}

// ReadRootAt is ReadRoot in the state after the execution block with the
// given number (nil for the latest block).
func ReadRootAt(ctx context.Context, client Caller, timestamp uint64, block *big.Int) ([32]byte, error) {
	var root [32]byte
	if client == nil {
		return root, errors.New("eip4788: read root: no client")
	}
	if timestamp == 0 {
		return root, fmt.Errorf("eip4788: read root: timestamp 0: %w", ErrNoRoot)
	}
	data := make([]byte, 32)
	binary.BigEndian.PutUint64(data[24:], timestamp)
	to := BeaconRootsAddress
	out, err := client.CallContract(ctx, ethereum.CallMsg{To: &to, Data: data}, block)
	if err != nil {
		if isRevert(err) {
			return root, fmt.Errorf("eip4788: read root at timestamp %d%s: %w (%v)", timestamp, atBlock(block), ErrNoRoot, err)
		}
		return root, fmt.Errorf("eip4788: read root at timestamp %d%s: %w: %w", timestamp, atBlock(block), ErrTransport, err)
	}
	switch len(out) {
	case 32:
		copy(root[:], out)
		return root, nil
	case 0:
		return root, fmt.Errorf("eip4788: read root at timestamp %d%s: %w at %s (empty result)",
			timestamp, atBlock(block), ErrNoContract, BeaconRootsAddress.Hex())
	default:
		return root, fmt.Errorf("eip4788: read root at timestamp %d%s: %w: %d bytes returned, want 32",
			timestamp, atBlock(block), ErrNoContract, len(out))
	}
}

func atBlock(block *big.Int) string {
	if block == nil {
		return ""
	}
	return " in block " + block.String()
}

// isRevert reports whether err is the node's answer that the call reverted,
// rather than a failure to make the call. Execution clients answer a
// revert with a JSON-RPC error whose message says "execution reverted"
// (code 3 when the revert carries data, -32000 otherwise, as the beacon
// roots contract's bare revert does).
func isRevert(err error) bool {
	var re rpc.Error
	if !errors.As(err, &re) {
		return false
	}
	if re.ErrorCode() == 3 {
		return true
	}
	return strings.Contains(strings.ToLower(re.Error()), "revert")
}

// CheckAnchor reads the root stored under timestamp and checks that it is
// root, the anchor a proof claims. The error wraps ErrRootMismatch (with
// both roots) when another root is stored, and otherwise is ReadRoot's.
func CheckAnchor(ctx context.Context, client Caller, timestamp uint64, root [32]byte) error {
	got, err := ReadRoot(ctx, client, timestamp)
	if err != nil {
		return err
	}
	if got != root {
		return fmt.Errorf("eip4788: the beacon roots contract holds %s at timestamp %d, the proof's anchor is %s: %w",
			proof.FormatHash(got), timestamp, proof.FormatHash(root), ErrRootMismatch)
	}
	return nil
}

// MaxChildSearch is how many slots after an anchor FindAnchor looks for the
// child block that stored it: runs of missed slots on mainnet are far
// shorter.
const MaxChildSearch = 64

// FindAnchor finds, with the execution client alone, where the root of
// the beacon block at slot is stored and checks that it is root: it reads
// the contract at the timestamps of slot+1, slot+2, ... (up to
// MaxChildSearch slots), skipping those it has no root for (missed slots),
// and the first root it finds must be root, since the first block after
// slot stores it. The error wraps ErrRootMismatch when that first root is
// another (the block at slot is not canonical, or slot is wrong), ErrNoRoot
// when no slot in the range has a root (not stored yet, or outside the
// window: see Expiry), ErrBeforeEIP4788 when the whole range is before
// deneb, and ErrTransport when the node fails.
//
// With a beacon node at hand, AnchorOf finds the child slot directly.
func FindAnchor(ctx context.Context, client Caller, net *fork.Network, slot uint64, root [32]byte) (staking.Anchor, error) {
	if err := checkNetwork(net); err != nil {
		return staking.Anchor{}, err
	}
	var firstErr error
	for c := slot + 1; c <= slot+MaxChildSearch && c > slot; c++ {
		ts, err := SlotTimestamp(net, c)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		got, err := ReadRoot(ctx, client, ts)
		if errors.Is(err, ErrNoRoot) {
			continue
		}
		if err != nil {
			return staking.Anchor{}, fmt.Errorf("eip4788: find anchor of slot %d: %w", slot, err)
		}
		a := blockAnchor(slot, got, ts)
		if got != root {
			return a, fmt.Errorf("eip4788: the first root stored after slot %d (at timestamp %d, slot %d) is %s, the proof's anchor is %s: %w",
				slot, ts, c, proof.FormatHash(got), proof.FormatHash(root), ErrRootMismatch)
		}
		return a, nil
	}
	if errors.Is(firstErr, ErrBeforeEIP4788) {
		if _, err := SlotTimestamp(net, slot+MaxChildSearch); err != nil {
			return staking.Anchor{}, fmt.Errorf("eip4788: find anchor of slot %d: %w", slot, firstErr)
		}
	}
	exp, _ := Expiry(net, net.SlotTime(slot+1))
	return staking.Anchor{}, fmt.Errorf("eip4788: no root stored in the %d slots after slot %d: the child block is not produced yet, or the anchor left the window (at timestamp %d at the earliest): %w",
		MaxChildSearch, slot, exp, ErrNoRoot)
}
