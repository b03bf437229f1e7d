//go:build !race

package eip4788

// raceEnabled is true when the tests run under the race detector, which
// makes every EVM call about 20 times slower.
const raceEnabled = false
