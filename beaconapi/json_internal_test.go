package beaconapi

import (
	"strings"
	"testing"
)

func TestMembers(t *testing.T) {
	in := ` {"version":"deneb", "n": 12, "esc":"a\"}b", "data":{"a":[1,{"b":"]}"}],"c":"\\"},"t":true,"z":null } `
	m, err := members([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"version": `"deneb"`, "n": "12", "esc": `"a\"}b"`,
		"data": `{"a":[1,{"b":"]}"}],"c":"\\"}`, "t": "true", "z": "null",
	}
	if len(m) != len(want) {
		t.Fatalf("members %q", m)
	}
	for k, v := range want {
		if string(m[k]) != v {
			t.Errorf("%s = %s, want %s", k, m[k], v)
		}
	}
	if m, err := members([]byte("{}")); err != nil || len(m) != 0 {
		t.Fatalf("{}: %v %v", m, err)
	}
	for _, bad := range []string{"", "[]", `{"a"}`, `{"a":}`, `{"a":1`, `{"a":"x}`, `{"a":{"b":1}`, `{"a":1} x`, `{a:1}`, `{"a":1,}`} {
		if _, err := members([]byte(bad)); err == nil {
			t.Errorf("%q accepted", bad)
		} else if !strings.HasPrefix(err.Error(), "JSON: ") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestParseID(t *testing.T) {
	for _, ok := range []string{"head", "finalized", "justified", "genesis", "0", "123456789", "0x" + strings.Repeat("ab", 32)} {
		if _, _, err := parseID(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "latest", "-1", "1.5", "0x12", "0x" + strings.Repeat("zz", 32), "../../x", "18446744073709551616"} {
		if _, _, err := parseID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestDelay(t *testing.T) {
	c := &Client{backoff: 100, maxBackoff: 1000}
	for n := 1; n < 10; n++ {
		d := c.delay(n, 0)
		hi := min(int64(100)<<(n-1), 1000)
		if int64(d) < hi/2 || int64(d) > hi {
			t.Errorf("retry %d: delay %d outside [%d, %d]", n, d, hi/2, hi)
		}
	}
	if d := c.delay(1, 500); d != 500 {
		t.Errorf("Retry-After 500: delay %d", d)
	}
	if d := c.delay(1, 5000); d != 1000 {
		t.Errorf("Retry-After 5000: delay %d, want the cap", d)
	}
}
