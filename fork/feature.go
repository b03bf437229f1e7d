package fork

import "slices"

// A Feature is a capability of a fork's chain that code above the schemas
// asks about, instead of comparing fork names: where the execution
// payload travels, whether the state keeps historical summaries, and so
// on. A fork has the features of its parent, plus those it Adds, minus
// those it Drops. Code outside this package may define features of its
// own.
type Feature string

// The features of the built-in forks.
const (
	// PayloadInBlock: the beacon block body carries the execution payload
	// (body.execution_payload), bellatrix to fulu.
	PayloadInBlock Feature = "payload-in-block"
	// PayloadInEnvelope: the execution payload travels in an
	// ExecutionPayloadEnvelope of its own; the block carries a builder's
	// signed bid (EIP-7732), gloas on.
	PayloadInEnvelope Feature = "payload-in-envelope"
	// Withdrawals: the execution payload carries withdrawals, capella on.
	Withdrawals Feature = "withdrawals"
	// HistoricalSummaries: the state keeps historical_summaries (and
	// historical_roots stops growing), capella on.
	HistoricalSummaries Feature = "historical-summaries"
	// BeaconRoots: the execution layer stores beacon block roots
	// (EIP-4788), deneb on.
	BeaconRoots Feature = "beacon-roots"
	// ProgressiveRegistry: the state's validator registry and its
	// companion lists are EIP-7916 progressive lists, gloas on.
	ProgressiveRegistry Feature = "progressive-registry"
)

// Has reports whether the fork has the feature: whether the nearest fork
// on its line of ancestry (itself included) that adds or drops it adds it.
func (f *Fork) Has(feature Feature) bool {
	for cur := f; cur != nil; cur = cur.parent() {
		if slices.Contains(cur.Drops, feature) {
			return false
		}
		if slices.Contains(cur.Adds, feature) {
			return true
		}
	}
	return false
}

// Features returns the features the fork has, in the order its ancestors
// added them.
func (f *Fork) Features() []Feature {
	var line []*Fork
	for cur := f; cur != nil; cur = cur.parent() {
		line = append(line, cur)
	}
	var out []Feature
	for i := len(line) - 1; i >= 0; i-- {
		for _, x := range line[i].Adds {
			if !slices.Contains(out, x) {
				out = append(out, x)
			}
		}
		out = slices.DeleteFunc(out, func(x Feature) bool { return slices.Contains(line[i].Drops, x) })
	}
	return out
}

// parent returns the registered parent fork, or nil.
func (f *Fork) parent() *Fork {
	if f.Parent == "" {
		return nil
	}
	p, err := Lookup(f.Parent)
	if err != nil {
		return nil
	}
	return p
}
