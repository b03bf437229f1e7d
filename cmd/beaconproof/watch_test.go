package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestWatchUsage checks watch's help and its usage errors.
func TestWatchUsage(t *testing.T) {
	store := filepath.Join(t.TempDir(), "watch.db")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"watch", "--help"}, exitOK, "Example:\n  beaconproof watch --beacon-url"},
		{[]string{"watch", "--help"}, exitOK, "--format lido writes only what Lido CSM's CSVerifier takes"},
		{[]string{"watch", "--beacon-url", "http://127.0.0.1:1", "--index", "1", "--format", "calldata", "--store", store, "--once"}, exitFail,
			"want rocketpool, eigenlayer, lido or json"},
		{[]string{"watch", "--beacon-url", "http://127.0.0.1:1"}, exitUsage, "name the validators to watch"},
		{[]string{"watch", "--address", "0x01"}, exitUsage, "--beacon-url"},
		{[]string{"watch", "--beacon-url", "http://127.0.0.1:1", "--address", "0x01", "--once"}, exitFail, "--address \"0x01\": 1 bytes, want 20"},
		{[]string{"watch", "--beacon-url", "http://127.0.0.1:1", "--index", "1", "--log-format", "xml"}, exitUsage, "--log-format"},
	} {
		var out, errb bytes.Buffer
		code := run(context.Background(), tc.args, strings.NewReader(""), &out, &errb)
		if code != tc.code || !strings.Contains(out.String()+errb.String(), tc.want) {
			t.Errorf("%q: exit %d, want %d; output %q does not contain %q", tc.args, code, tc.code, out.String()+errb.String(), tc.want)
		}
	}
}
