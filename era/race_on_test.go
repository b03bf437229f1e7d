//go:build race

package era_test

// raceEnabled is true in a -race build, where instrumentation changes what
// escapes to the heap: allocations are only measured without it.
const raceEnabled = true
