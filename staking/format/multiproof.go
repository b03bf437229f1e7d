package format

import "github.com/beaconproof/beaconproof/beaconstate"

// MultiproofDocument is a multiproof of members of one object, as
// `beaconproof prove --multiproof` writes it: a beaconstate.MultiproofSet,
// which says the form and what Verify checks. It carries no kinds or
// values; Format reports JSON.
type MultiproofDocument struct {
	beaconstate.MultiproofSet
}

// Format returns JSON.
func (d *MultiproofDocument) Format() Name { return JSON }
