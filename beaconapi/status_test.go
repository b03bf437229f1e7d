package beaconapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/beaconproof/beaconproof/beaconapi"
)

// TestHTTPStatuses checks what the user sees for each HTTP error status
// that is not retried: one line that says what was asked, what the node
// answered and what to do, with a kind to match with errors.Is, and the
// *HTTPError of the status.
func TestHTTPStatuses(t *testing.T) {
	n := fuzzNetwork()
	genesis := fuzzGenesis(n)
	calls := map[string]struct {
		path string
		run  func(ctx context.Context, c *beaconapi.Client) error
	}{
		"Genesis": {"/eth/v1/beacon/genesis", func(ctx context.Context, c *beaconapi.Client) error { _, err := c.Genesis(ctx); return err }},
		"Block":   {"/eth/v2/beacon/blocks/head", func(ctx context.Context, c *beaconapi.Client) error { _, err := c.Block(ctx, "head"); return err }},
		"State":   {"/eth/v2/debug/beacon/states/head", func(ctx context.Context, c *beaconapi.Client) error { _, err := c.State(ctx, "head"); return err }},
	}
	for _, tc := range []struct {
		call, msg string
		status    int
		is        error
		want      []string
	}{
		{"Genesis", "Invalid request", 400, beaconapi.ErrRejected,
			[]string{"genesis from http://127.0.0.1:", ": the beacon node rejected the request (the node answered HTTP 400: Invalid request)"}},
		{"Genesis", "Unauthorized", 401, beaconapi.ErrRejected,
			[]string{"the beacon node rejected the request (the node answered HTTP 401: Unauthorized); check the API key or token"}},
		{"Block", "Forbidden", 403, beaconapi.ErrRejected,
			[]string{"block head from http://", "HTTP 403: Forbidden); check the API key or token"}},
		{"Genesis", "", 404, beaconapi.ErrNotFound,
			[]string{"genesis from http://", ": not found: the node knows no genesis yet", "(the node answered HTTP 404)"}},
		{"Block", "Accepted media type not supported", 406, beaconapi.ErrRejected,
			[]string{"block head from http://", "the beacon node rejected the request: it serves no format this client reads (the node answered HTTP 406: Accepted media type not supported)"}},
		{"State", "Accepted media type not supported", 406, beaconapi.ErrRejected,
			[]string{"state head from http://", "it serves no format this client reads (the node answered HTTP 406"}},
		{"Block", "Gone", 410, beaconapi.ErrRejected,
			[]string{"the beacon node rejected the request (the node answered HTTP 410: Gone)"}},
		{"State", "Gone", 410, beaconapi.ErrNotFound, // a state that is gone
			[]string{"state head from http://", "HTTP 410: Gone"}},
		{"Genesis", "I'm a teapot", 418, beaconapi.ErrRejected,
			[]string{"the beacon node rejected the request (the node answered HTTP 418: I'm a teapot)"}},
		{"Genesis", "Not implemented", 501, beaconapi.ErrRejected,
			[]string{"the beacon node rejected the request: it does not implement /eth/v1/beacon/genesis (the node answered HTTP 501: Not implemented); use a node that does"}},
		{"Genesis", "HTTP version not supported", 505, beaconapi.ErrUnavailable,
			[]string{"genesis from http://", ": the node answered HTTP 505: HTTP version not supported; try again later or use another node"}},
		{"Block", "", 304, beaconapi.ErrBadResponse,
			[]string{"block head from http://", "malformed response from the beacon node: unexpected HTTP status (the node answered HTTP 304)"}},
	} {
		t.Run(tc.call+"/"+strconv.Itoa(tc.status), func(t *testing.T) {
			call := calls[tc.call]
			requests := 0
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				switch r.URL.Path {
				case call.path:
					requests++
					w.Header().Set("Content-Type", "application/json")
					w.WriteHeader(tc.status)
					if tc.msg != "" {
						b, _ := json.Marshal(map[string]any{"code": tc.status, "message": tc.msg})
						_, _ = w.Write(b)
					}
				case "/eth/v1/beacon/genesis":
					w.Header().Set("Content-Type", "application/json")
					_, _ = w.Write(genesis)
				default:
					http.NotFound(w, r)
				}
			}))
			defer srv.Close()
			c, err := beaconapi.New(srv.URL, beaconapi.WithNetwork(n), beaconapi.WithRetries(2), beaconapi.WithProgress(nil))
			if err != nil {
				t.Fatal(err)
			}
			err = call.run(context.Background(), c)
			checkErr(t, err, tc.is, tc.want...)
			var he *beaconapi.HTTPError
			if !errors.As(err, &he) || he.StatusCode != tc.status || he.Path != call.path {
				t.Errorf("the error's *HTTPError is %+v, want status %d of %s", he, tc.status, call.path)
			}
			for _, other := range []error{beaconapi.ErrNotFound, beaconapi.ErrRejected, beaconapi.ErrUnavailable, beaconapi.ErrBadResponse} {
				if other != tc.is && errors.Is(err, other) {
					t.Errorf("the error is also %v", other)
				}
			}
			// Not retried: once, or twice for a 406 to a request for SSZ
			// (the client asks again for JSON).
			if max := 1 + btoi(tc.status == 406 && tc.call != "Genesis"); requests > max || strings.Contains(err.Error(), "attempts") {
				t.Errorf("%d requests, want at most %d", requests, max)
			}
		})
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
