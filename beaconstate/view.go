package beaconstate

import "github.com/beaconproof/beaconproof/ssz"

// checkPath reports whether path exists in the value: every field is
// present and every index is below the actual length of its list. Paths
// into the chunks of packed basic lists (balances[7]) are checked the same
// way.
func checkPath(t *ssz.Type, b []byte, path string) error {
	steps, err := ssz.ParsePath(path)
	if err != nil {
		return err
	}
	_, _, err = ssz.Lookup(t, b, steps)
	return err
}
