//go:build !race

package verifiers

// raceEnabled is true under the race detector, which makes every EVM call
// about 20 times slower: the tamper tests then change a sample of bytes.
const raceEnabled = false
