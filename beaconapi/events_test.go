package beaconapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
)

// TestEventsReconnects serves two connections that each send events and
// end, and checks that every event arrives, in order, and that the drop
// is reported.
func TestEventsReconnects(t *testing.T) {
	var mu sync.Mutex
	conns := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/eth/v1/events" || strings.Join(r.URL.Query()["topics"], " ") != "head finalized_checkpoint" {
			http.Error(w, "bad request", 400)
			return
		}
		mu.Lock()
		conns++
		n := conns
		mu.Unlock()
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprintf(w, ": keep-alive\n\nevent: head\ndata: {\"slot\":\"%d\",\"block\":\"0x%s\",\"state\":\"0x%s\"}\n\n", n, strings.Repeat("11", 32), strings.Repeat("22", 32))
		fmt.Fprintf(w, "event: finalized_checkpoint\ndata: {\"epoch\":\"%d\",\n", n)
		fmt.Fprintf(w, "data: \"block\":\"0x%s\",\"state\":\"0x%s\"}\n\n", strings.Repeat("33", 32), strings.Repeat("44", 32))
	}))
	defer srv.Close()
	c, err := beaconapi.New(srv.URL, beaconapi.WithBackoff(time.Millisecond, 5*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	var got []string
	drops := 0
	err = c.Events(ctx, []string{"head", "finalized_checkpoint"}, func(e beaconapi.Event) {
		info, err := e.Info()
		if err != nil {
			t.Error(err)
		}
		got = append(got, fmt.Sprintf("%s %d %d %x %x", e.Topic, info.Slot, info.Epoch, info.Block[0], info.State[0]))
		if len(got) == 4 {
			cancel()
		}
	}, func(error) { drops++ })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Events: %v, want context.Canceled", err)
	}
	want := []string{"head 1 0 11 22", "finalized_checkpoint 0 1 33 44", "head 2 0 11 22", "finalized_checkpoint 0 2 33 44"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("events:\n%q\nwant\n%q", got, want)
	}
	if drops != 1 {
		t.Errorf("drops = %d, want 1", drops)
	}
}

// TestEventsNotServed checks that a node without the stream fails at once.
func TestEventsNotServed(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	c, err := beaconapi.New(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Events(context.Background(), []string{"head"}, func(beaconapi.Event) {}, nil)
	if !errors.Is(err, beaconapi.ErrNotFound) {
		t.Fatalf("Events: %v, want ErrNotFound", err)
	}
}
