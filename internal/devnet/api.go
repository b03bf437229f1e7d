package devnet

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// The node's Beacon API, read directly (not through the project's client)
// so that tests compare the project's answers with the node's own.

// maxResponse bounds a response read by the helpers (a minimal-preset
// state is a few hundred kB).
const maxResponse = 64 << 20

var httpClient = &http.Client{Timeout: 30 * time.Second}

// userAgent identifies the tests' requests. It must not be Go's default:
// Lodestar answers JSON, whatever the Accept header, to a client whose
// User-Agent starts with Go-http-client (a workaround for go-eth2-client
// in its REST server), except for blocks and states.
const userAgent = "beaconproof-e2e"

// Get fetches path (relative to the node's URL) with the Accept header
// and returns the body; a status other than 200, or an answer in another
// media type than the one accepted, is an error that holds the node's
// message.
func (n *Node) Get(ctx context.Context, path, accept string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, n.URL+path, nil)
	if err != nil {
		return nil, fmt.Errorf("devnet: %w", err)
	}
	req.Header.Set("Accept", accept)
	req.Header.Set("User-Agent", userAgent)
	resp, err := httpClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("devnet: GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxResponse))
	if err != nil {
		return nil, fmt.Errorf("devnet: GET %s: %w", path, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("devnet: GET %s: HTTP %d: %s", path, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, accept) {
		return nil, fmt.Errorf("devnet: GET %s: answered %q, not %s", path, ct, accept)
	}
	return body, nil
}

// GetJSON fetches path as JSON into v.
func (n *Node) GetJSON(ctx context.Context, path string, v any) error {
	body, err := n.Get(ctx, path, "application/json")
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("devnet: GET %s: %w", path, err)
	}
	return nil
}

// Header is a block header as /eth/v1/beacon/headers/{id} gives it.
type Header struct {
	Slot       uint64
	Root       [32]byte // the block root
	ParentRoot [32]byte
	StateRoot  [32]byte
}

// Header returns the header of the block with the id (head, finalized, a
// slot, a block root).
func (n *Node) Header(ctx context.Context, id string) (Header, error) {
	var resp struct {
		Data struct {
			Root   string `json:"root"`
			Header struct {
				Message struct {
					Slot       string `json:"slot"`
					ParentRoot string `json:"parent_root"`
					StateRoot  string `json:"state_root"`
				} `json:"message"`
			} `json:"header"`
		} `json:"data"`
	}
	if err := n.GetJSON(ctx, "/eth/v1/beacon/headers/"+id, &resp); err != nil {
		return Header{}, err
	}
	var h Header
	var err error
	if h.Slot, err = strconv.ParseUint(resp.Data.Header.Message.Slot, 10, 64); err != nil {
		return h, fmt.Errorf("devnet: header %s: slot %q", id, resp.Data.Header.Message.Slot)
	}
	if h.Root, err = ParseRoot(resp.Data.Root); err != nil {
		return h, fmt.Errorf("devnet: header %s: %w", id, err)
	}
	if h.StateRoot, err = ParseRoot(resp.Data.Header.Message.StateRoot); err != nil {
		return h, fmt.Errorf("devnet: header %s: %w", id, err)
	}
	if h.ParentRoot, err = ParseRoot(resp.Data.Header.Message.ParentRoot); err != nil {
		return h, fmt.Errorf("devnet: header %s: %w", id, err)
	}
	return h, nil
}

// WaitSlot waits until the node's head is at slot or later and returns
// the head's slot.
func (n *Node) WaitSlot(ctx context.Context, slot uint64) (uint64, error) {
	for {
		h, err := n.Header(ctx, "head")
		if err == nil && h.Slot >= slot {
			return h.Slot, nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("devnet: waiting for slot %d: %w (last error: %v)", slot, ctx.Err(), err)
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// ProofFormat is how the proof endpoints answer.
type ProofFormat int

// The formats of the proof endpoints' answers.
const (
	ProofJSON ProofFormat = iota
	ProofSSZ
)

// StateProof asks the node's proof API for the nodes at the gindices of
// the state with the id (a slot, a state root, head, finalized), in the
// format, and decodes the compact multiproof.
func (n *Node) StateProof(ctx context.Context, id string, f ProofFormat, gindices ...*big.Int) (*Multiproof, error) {
	return n.proof(ctx, "state", id, f, gindices)
}

// BlockProof is StateProof for the BeaconBlock with the id.
func (n *Node) BlockProof(ctx context.Context, id string, f ProofFormat, gindices ...*big.Int) (*Multiproof, error) {
	return n.proof(ctx, "block", id, f, gindices)
}

func (n *Node) proof(ctx context.Context, what, id string, f ProofFormat, gindices []*big.Int) (*Multiproof, error) {
	desc, err := Descriptor(gindices...)
	if err != nil {
		return nil, err
	}
	path := fmt.Sprintf("/eth/v0/beacon/proof/%s/%s?format=0x%x", what, id, desc)
	var leaves [][32]byte
	var got []byte
	switch f {
	case ProofSSZ:
		body, err := n.Get(ctx, path, "application/octet-stream")
		if err != nil {
			return nil, err
		}
		if leaves, got, err = decodeProofSSZ(body); err != nil {
			return nil, fmt.Errorf("devnet: GET %s: %w", path, err)
		}
	default:
		if leaves, got, err = n.proofJSON(ctx, path); err != nil {
			return nil, err
		}
	}
	if string(got) != string(desc) {
		return nil, fmt.Errorf("devnet: GET %s: the answer's descriptor is 0x%x", path, got)
	}
	m, err := DecodeCompactMultiproof(got, leaves)
	if err != nil {
		return nil, fmt.Errorf("devnet: GET %s: %w", path, err)
	}
	return m, nil
}

func (n *Node) proofJSON(ctx context.Context, path string) ([][32]byte, []byte, error) {
	var resp struct {
		Data struct {
			Leaves     []string `json:"leaves"`
			Descriptor string   `json:"descriptor"`
		} `json:"data"`
	}
	if err := n.GetJSON(ctx, path, &resp); err != nil {
		return nil, nil, err
	}
	leaves := make([][32]byte, len(resp.Data.Leaves))
	for i, s := range resp.Data.Leaves {
		var err error
		if leaves[i], err = ParseRoot(s); err != nil {
			return nil, nil, fmt.Errorf("devnet: GET %s: leaf %d: %w", path, i, err)
		}
	}
	desc, err := hex.DecodeString(strings.TrimPrefix(resp.Data.Descriptor, "0x"))
	if err != nil {
		return nil, nil, fmt.Errorf("devnet: GET %s: descriptor %q", path, resp.Data.Descriptor)
	}
	return leaves, desc, nil
}

// decodeProofSSZ decodes Lodestar's CompactMultiProofType, the SSZ
// container {leaves: List[Root, 10000], descriptor: ByteList[2048]}: two
// 4-byte offsets, then the leaves, then the descriptor.
func decodeProofSSZ(b []byte) ([][32]byte, []byte, error) {
	if len(b) < 8 {
		return nil, nil, fmt.Errorf("SSZ compact multiproof of %d bytes", len(b))
	}
	o1, o2 := binary.LittleEndian.Uint32(b), binary.LittleEndian.Uint32(b[4:])
	if o1 != 8 || o2 < o1 || uint64(o2) > uint64(len(b)) || (o2-o1)%32 != 0 || (o2-o1)/32 > 10000 || len(b)-int(o2) > 2048 {
		return nil, nil, fmt.Errorf("SSZ compact multiproof: offsets %d, %d in %d bytes", o1, o2, len(b))
	}
	leaves := make([][32]byte, (o2-o1)/32)
	for i := range leaves {
		copy(leaves[i][:], b[int(o1)+32*i:])
	}
	return leaves, append([]byte(nil), b[o2:]...), nil
}

// ParseRoot parses a 0x-prefixed 32-byte hex root.
func ParseRoot(s string) ([32]byte, error) {
	var r [32]byte
	b, err := hex.DecodeString(strings.TrimPrefix(s, "0x"))
	if err != nil || len(b) != 32 || !strings.HasPrefix(s, "0x") {
		return r, fmt.Errorf("%q is not a 0x-hex 32-byte root", s)
	}
	copy(r[:], b)
	return r, nil
}
