package beaconapi

import (
	"context"
	"mime"
	"net/http"
	"time"

	"github.com/beaconproof/beaconproof/beaconstate"
	"github.com/beaconproof/beaconproof/fork"
	"github.com/beaconproof/beaconproof/ssz"
)

// StateProver fetches the BeaconState with that id, as State does, and
// returns its Prover, the state hashed while it downloads: an ssz.Hasher
// follows the body as it arrives and, once the download has lasted a
// quarter of a second, hashes the blocks of the validators, balances and
// the other big lists and vectors as soon as their bytes are in, so that
// once the download ends little is left to hash (a download that ends
// sooner is hashed after it, on all cores). The root and
// every proof are the ones NewProver gives for the same state.
//
// The state is hashed ahead when the node answers SSZ and names its fork
// in the Eth-Consensus-Version header, as beacon nodes do; otherwise it is
// hashed after the download. The Prover's Object holds the state: Close it
// (p.Object().Close()) when done, which releases the memory of a body read
// without a Content-Length. Errors are State's.
func (c *Client) StateProver(ctx context.Context, id string) (*beaconstate.Prover, error) {
	kind, slot, net, err := c.resolveID(ctx, id)
	if err != nil {
		return nil, err
	}
	var h *ssz.Hasher // the hasher of the current attempt's body
	defer func() {
		if h != nil {
			h.Stop()
		}
	}()
	follow := func(hd http.Header, buf []byte, size int64) func(int) {
		if h != nil {
			h.Stop() // a retry: the bytes start again
			h = nil
		}
		t := followedType(hd, net)
		if t == nil {
			return nil
		}
		h = ssz.NewHasher(t, buf, int(size), hashDelay)
		return h.Arrived
	}
	cl := call{path: "/eth/v2/debug/beacon/states/" + id, what: describe("state", id), ssz: true, progress: true, reserve: true, follow: follow}
	resp, err := c.get(ctx, cl)
	if err != nil {
		return nil, c.stateFail(ctx, cl, kind, slot, err)
	}
	if resp.json && h != nil {
		h.Stop()
		h = nil
	}
	obj, err := c.decode(cl, resp, net, "BeaconState")
	if err != nil {
		return nil, err
	}
	p, err := proverOf(obj, h)
	if err != nil {
		obj.Close()
		return nil, c.badResponse(cl, err)
	}
	return p, nil
}

// followedType returns the type of the state a response announces in its
// headers (SSZ, with an Eth-Consensus-Version), or nil.
func followedType(hd http.Header, net *fork.Network) *ssz.Type {
	if mt, _, err := mime.ParseMediaType(hd.Get("Content-Type")); err != nil || mt != "application/octet-stream" {
		return nil
	}
	f, err := fork.FromConsensusVersionHeader(hd.Get("Eth-Consensus-Version"))
	if err != nil {
		return nil
	}
	t, err := fork.TypeOf(f.Name, net.PresetName(), "BeaconState")
	if err != nil {
		return nil
	}
	return t
}

// proverOf returns the Prover of obj, from the tree h hashed while obj's
// bytes arrived when it followed them as obj's type, else hashed now.
func proverOf(obj *beaconstate.Object, h *ssz.Hasher) (*beaconstate.Prover, error) {
	if h == nil || h.Type() != obj.Type {
		return beaconstate.NewProver(obj)
	}
	tree, err := h.Tree(obj.Bytes)
	if err != nil { // not the bytes it followed (never so for SSZ)
		return beaconstate.NewProver(obj)
	}
	if hashedAhead != nil {
		hashedAhead(h.HashedAhead())
	}
	return beaconstate.NewProverFromTree(obj, tree)
}

// hashDelay is how long a state downloads before its hashing starts: one
// that arrives sooner (from a node on the same machine, or a fast
// network) is hashed after, on all cores, which is then faster than
// sharing them with the download.
var hashDelay = 250 * time.Millisecond

// hashedAhead, when set (by tests), is told how many chunks of how many a
// StateProver's hasher hashed as they arrived.
var hashedAhead func(chunks, of int)
