package beaconapi

import "time"

// SetHashedAhead sets the hook that StateProver tells how many chunks it
// hashed as they arrived; nil removes it.
func SetHashedAhead(f func(chunks, of int)) { hashedAhead = f }

// SetHashDelay sets how long a state downloads before StateProver hashes
// it, and returns the previous delay.
func SetHashDelay(d time.Duration) time.Duration {
	old := hashDelay
	hashDelay = d
	return old
}
