//go:build !race

package robust

// raceEnabled is true in a -race build, where instrumentation changes what
// escapes to the heap: allocation budgets are only checked without it.
const raceEnabled = false
