package verifiers

import (
	"sync"
)

// cell is the gas of one call: execution, and what its transaction costs.
type cell struct{ exec, tx uint64 }

// gasCell is a production verifier's gas and, when the reference verifier
// has an entry point that checks the same proof, the reference's.
type gasCell struct {
	prod cell
	ref  *cell
}

// gasTable collects the gas of the production verifiers, and of the
// reference verifier on the same proofs, by protocol, row and fork.
type gasTable struct {
	mu   sync.Mutex
	rows map[string]map[string]map[string]gasCell // protocol -> row -> fork -> {production, reference}
}

func (g *gasTable) record(protocol, row, forkName string, prod cell, ref *cell) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.rows == nil {
		g.rows = map[string]map[string]map[string]gasCell{}
	}
	if g.rows[protocol] == nil {
		g.rows[protocol] = map[string]map[string]gasCell{}
	}
	if g.rows[protocol][row] == nil {
		g.rows[protocol][row] = map[string]gasCell{}
	}
	if _, ok := g.rows[protocol][row][forkName]; !ok {
		g.rows[protocol][row][forkName] = gasCell{prod, ref}
	}
}
