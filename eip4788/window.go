package eip4788

import (
	"errors"
	"fmt"
	"time"

	"github.com/beaconproof/beaconproof/fork"
)

// HistoryBufferLength is the EIP's HISTORY_BUFFER_LENGTH: the number of
// entries of the contract's ring buffer, indexed by timestamp modulo 8191.
const HistoryBufferLength = 8191

// ErrOutsideWindow reports an anchor whose root the ring buffer no longer
// holds (or may no longer hold) at the time of the read.
var ErrOutsideWindow = errors.New("anchor outside the EIP-4788 window")

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// Lifetime returns how long a root stays in the contract when every slot
// has a block: the smallest multiple of SECONDS_PER_SLOT that is also a
// multiple of 8191 seconds, which is 8191 × SECONDS_PER_SLOT unless the slot
// duration is a multiple of 8191 (98,292 s, 27 h 18 min 12 s, on every
// public network).
func Lifetime(net *fork.Network) (time.Duration, error) {
	secs, err := lifetimeSeconds(net)
	if err != nil {
		return 0, err
	}
	return time.Duration(secs) * time.Second, nil
}

func lifetimeSeconds(net *fork.Network) (uint64, error) {
	if net == nil || net.SecondsPerSlot == 0 {
		return 0, errors.New("eip4788: network has no SECONDS_PER_SLOT")
	}
	return HistoryBufferLength / gcd(net.SecondsPerSlot, HistoryBufferLength) * net.SecondsPerSlot, nil
}

// Expiry returns the first timestamp at which a block overwrites the root
// stored at timestamp: timestamp + Lifetime. A call executed in a block
// whose timestamp is below Expiry reads the root (8190 slots later is the
// last such block); the block at Expiry (8191 slots later) stores another
// root in the same ring entry before any transaction runs, so from then on
// the contract reverts for timestamp. If the slot at Expiry is missed the
// entry survives until the next block on the same index, a full Lifetime
// later; Expiry does not count on that.
func Expiry(net *fork.Network, timestamp uint64) (uint64, error) {
	secs, err := lifetimeSeconds(net)
	if err != nil {
		return 0, err
	}
	if timestamp > ^uint64(0)-secs {
		return 0, fmt.Errorf("eip4788: timestamp %d: expiry overflows", timestamp)
	}
	return timestamp + secs, nil
}

// Remaining returns how long the root stored at timestamp stays readable
// after now (a Unix time, or the timestamp of the block a read runs in): the
// time until Expiry, zero or negative once it has passed.
func Remaining(net *fork.Network, timestamp, now uint64) (time.Duration, error) {
	exp, err := Expiry(net, timestamp)
	if err != nil {
		return 0, err
	}
	return time.Duration(int64(exp)-int64(now)) * time.Second, nil
}

// CheckWindow reports whether the root stored at timestamp can be read in
// a block with timestamp now. It fails with ErrOutsideWindow, saying how
// many slots and how long ago the anchor was stored, once now reaches
// Expiry (8191 slots later with 12-second slots), and with ErrNoRoot when
// now is before timestamp (the storing block does not exist yet).
func CheckWindow(net *fork.Network, timestamp, now uint64) error {
	exp, err := Expiry(net, timestamp)
	if err != nil {
		return err
	}
	if now < timestamp {
		return fmt.Errorf("eip4788: anchor timestamp %d is %s after %d, not stored yet: %w",
			timestamp, time.Duration(timestamp-now)*time.Second, now, ErrNoRoot)
	}
	if now < exp {
		return nil
	}
	age := now - timestamp
	life := exp - timestamp
	return fmt.Errorf("eip4788: anchor at timestamp %d is %d slots (%s) old at timestamp %d; the beacon roots contract keeps %d slots (%s): %w",
		timestamp, age/net.SecondsPerSlot, time.Duration(age)*time.Second, now,
		life/net.SecondsPerSlot, time.Duration(life)*time.Second, ErrOutsideWindow)
}
