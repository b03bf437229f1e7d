package robust

import (
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/internal/vectors"
	"github.com/beaconproof/beaconproof/ssz"
)

// schema returns the named type of a fork in a preset.
func schema(t testing.TB, forkName, preset, typeName string) *ssz.Type {
	t.Helper()
	f, err := fork.Lookup(forkName)
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.Schemas(preset)
	if err != nil {
		t.Fatal(err)
	}
	typ, err := s.ByName(typeName)
	if err != nil {
		t.Fatal(err)
	}
	return typ
}

// oracleObject reads oracle/<preset>/<fork>/<name>/object.ssz.
func oracleObject(t testing.TB, preset, forkName, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(vectors.Path(t, "oracle", preset, forkName, name, "object.ssz"))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// fieldOffsetPos returns the position, in the fixed part of a container's
// encoding, of the 4-byte offset of the named variable-size field (or of
// the value of a fixed-size field).
func fieldOffsetPos(t testing.TB, typ *ssz.Type, name string) int {
	t.Helper()
	pos := 0
	for _, f := range typ.Fields {
		if f.Name == name {
			return pos
		}
		if f.Type.IsFixed() {
			pos += int(f.Type.FixedSize())
		} else {
			pos += 4
		}
	}
	t.Fatalf("%s has no field %s", typ.Name, name)
	return 0
}

// withUint32 returns a copy of b with the little-endian uint32 at pos set
// to v.
func withUint32(b []byte, pos int, v uint32) []byte {
	c := append([]byte(nil), b...)
	binary.LittleEndian.PutUint32(c[pos:], v)
	return c
}

// allocated returns the bytes that f allocates on the heap, as the growth
// of runtime.MemStats.TotalAlloc across the call, after a GC. TotalAlloc
// counts every allocation and no free, so the result bounds from above
// the peak of the live heap that f adds: it is the conservative measure
// the allocation tests compare against the input's size. Nothing else may
// run in the test binary meanwhile (the tests that use it are not
// parallel); the runtime's own background allocations are a few KiB at
// most and fall within the fixed allowance.
func allocated(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// catch runs f and reports a panic as a test error with its stack.
func catch(t testing.TB, what string, f func()) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Errorf("%s panicked: %v\n%s", what, r, debug.Stack())
		}
	}()
	f()
}

// humanBytes formats n as B, KiB or MiB.
func humanBytes(n uint64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 10<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
