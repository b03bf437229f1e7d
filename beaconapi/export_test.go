package beaconapi

// SetHashedAhead sets the hook that StateProver tells how many chunks it
// hashed as they arrived; nil removes it.
func SetHashedAhead(f func(chunks, of int)) { hashedAhead = f }
