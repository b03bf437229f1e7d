package beaconapi_test

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/beaconproof/beaconproof/beaconapi"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// zeroValue returns the SSZ encoding of the zero value of t: zero bytes
// for fixed-size values, empty lists.
func zeroValue(t *ssz.Type) []byte {
	if t.IsFixed() {
		return make([]byte, t.FixedSize())
	}
	switch t.Kind {
	case ssz.KindContainer:
		fixed := 0
		for _, f := range t.Fields {
			if f.Type.IsFixed() {
				fixed += int(f.Type.FixedSize())
			} else {
				fixed += 4
			}
		}
		out, pos := make([]byte, fixed), 0
		for _, f := range t.Fields {
			if f.Type.IsFixed() {
				pos += int(f.Type.FixedSize())
				continue
			}
			binary.LittleEndian.PutUint32(out[pos:], uint32(len(out)))
			out = append(out, zeroValue(f.Type)...)
			pos += 4
		}
		return out
	case ssz.KindBitlist:
		return []byte{1}
	}
	return nil // an empty list
}

// Example fetches a state from a beacon node: here a stand-in node that
// serves mainnet's genesis and config, and a deneb state in SSZ.
func Example() {
	f, _ := fork.Lookup(fork.Deneb)
	schemas, _ := f.Schemas(fork.PresetMainnet)
	state := zeroValue(schemas.BeaconState)

	node := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/eth/v1/beacon/genesis":
			fmt.Fprint(w, `{"data":{"genesis_time":"1606824023",`+
				`"genesis_validators_root":"0x4b363db94e286120d76eb905340fdd4e54bfe9f06bf33ff6cf5ad27f511bfe95",`+
				`"genesis_fork_version":"0x00000000"}}`)
		case "/eth/v1/config/spec":
			fmt.Fprint(w, `{"data":{"CONFIG_NAME":"mainnet","PRESET_BASE":"mainnet",`+
				`"SECONDS_PER_SLOT":"12","SLOTS_PER_EPOCH":"32",`+
				`"GENESIS_FORK_VERSION":"0x00000000",`+
				`"CAPELLA_FORK_VERSION":"0x03000000","CAPELLA_FORK_EPOCH":"194048",`+
				`"DENEB_FORK_VERSION":"0x04000000","DENEB_FORK_EPOCH":"269568"}}`)
		case "/eth/v2/debug/beacon/states/head":
			w.Header().Set("Eth-Consensus-Version", "deneb")
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(state)
		default: // pruned states, unknown blocks
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `{"code":404,"message":"State not found"}`)
		}
	}))
	defer node.Close()

	ctx := context.Background()
	c, err := beaconapi.New(node.URL,
		beaconapi.WithTimeout(time.Minute), // silence allowed before giving up an attempt
		beaconapi.WithProgress(nil),        // no progress bar
	)
	if err != nil {
		log.Fatal(err)
	}
	net, err := c.Network(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("network:", net.Name, "- fork at slot 9000000:", net.ForkAtSlot(9_000_000))

	st, err := c.State(ctx, "head")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("state:", st)

	_, err = c.State(ctx, "1")
	fmt.Println("old state pruned:", errors.Is(err, beaconapi.ErrPruned))
	// Output:
	// network: mainnet - fork at slot 9000000: deneb
	// state: deneb BeaconState (mainnet, 2737237 bytes)
	// old state pruned: true
}
