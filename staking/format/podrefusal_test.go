package format

import (
	"encoding/binary"
	"math"
	"strings"
	"testing"
)

func TestPodRefusal(t *testing.T) {
	fields := func(activation, exit uint64) [][32]byte {
		f := make([][32]byte, 8)
		binary.LittleEndian.PutUint64(f[elActivationEpoch][:], activation)
		binary.LittleEndian.PutUint64(f[elExitEpoch][:], exit)
		return f
	}
	const far = math.MaxUint64
	tests := []struct {
		name   string
		fields [][32]byte
		want   string
	}{
		{"active", fields(3, far), ""},
		{"exiting", fields(3, 700), "ValidatorIsExitingBeaconChain"},
		{"pending activation", fields(far, far), "ValidatorInactiveOnBeaconChain"},
		{"short fields", nil, "ValidatorIsExitingBeaconChain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := podRefusal(tt.fields)
			if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
				t.Errorf("podRefusal = %q, want %q", got, tt.want)
			}
		})
	}
}
