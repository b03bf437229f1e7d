package difftest

import "testing"

// TestDifferential is the acceptance matrix: subtests are named
// <peer>/<fork>/<preset>/<Type>/seed_N.
func TestDifferential(t *testing.T) {
	t.Run("eth2client", testEth2Client)
	t.Run("zrnt", testZrnt)
}
