package watch_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/watch"
)

// exampleNode serves the fake chain of the tests at its first
// checkpoint, for Example.
func exampleNode() (*httptest.Server, func()) {
	c := newChainNoCleanup(&testing.T{})
	story(c, 1)
	return c.srv, c.srv.Close
}

// Example watches every validator whose withdrawal credentials point at
// an address (a megapool) and writes each proof duty once, as a
// Rocket Pool document, into a directory.
func Example() {
	srv, stop := exampleNode()
	defer stop()
	dir, _ := os.MkdirTemp("", "watch")
	defer os.RemoveAll(dir)

	hoodi, err := fork.NetworkByName("hoodi")
	if err != nil {
		fmt.Println(err)
		return
	}
	node, err := beaconapi.New(srv.URL, beaconapi.WithNetwork(hoodi))
	if err != nil {
		fmt.Println(err)
		return
	}
	store, err := watch.OpenStore(filepath.Join(dir, "watch.db"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer store.Close()
	w, err := watch.New(watch.Config{
		Node:      node,
		Addresses: [][20]byte{addrA}, // the megapool
		Sink:      watch.DirSink{Dir: dir},
		Store:     store,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	// CatchUp is the one-shot mode; Run follows the chain until its
	// context ends.
	if err := w.CatchUp(context.Background()); err != nil {
		fmt.Println(err)
		return
	}
	files, _ := filepath.Glob(filepath.Join(dir, "credentials-*.json"))
	fmt.Println(len(files), "credentials proofs written")
	n, _ := store.EmittedCount()
	fmt.Println(n, "events recorded")
	// Output:
	// 8 credentials proofs written
	// 8 events recorded
}
