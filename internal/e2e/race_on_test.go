//go:build race

package e2e

// raceEnabled is true when the tests run under the race detector, which
// makes every EVM call about 20 times slower.
const raceEnabled = true
