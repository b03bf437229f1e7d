package beaconapi

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Event topics of /eth/v1/events that a watcher follows.
const (
	TopicHead                = "head"
	TopicBlock               = "block"
	TopicFinalizedCheckpoint = "finalized_checkpoint"
	TopicChainReorg          = "chain_reorg"
)

// maxEventLine bounds one line of the event stream (an event's data is
// one JSON object of a few hundred bytes).
const maxEventLine = 1 << 20

// Event is one server-sent event of /eth/v1/events: its topic ("head",
// "block", "finalized_checkpoint", ...) and its JSON data.
type Event struct {
	Topic string
	Data  json.RawMessage
}

// EventInfo is what the head, block and finalized_checkpoint events say:
// a slot (head, block) or an epoch (finalized_checkpoint), and the block
// and state roots each names (State zero for block).
type EventInfo struct {
	Slot, Epoch  uint64
	Block, State [32]byte
}

// Info decodes the slot, epoch, block and state of a head, block or
// finalized_checkpoint event.
func (e Event) Info() (EventInfo, error) {
	var j struct {
		Slot  *quint   `json:"slot"`
		Epoch *quint   `json:"epoch"`
		Block hexBytes `json:"block"`
		State hexBytes `json:"state"`
	}
	if err := json.Unmarshal(e.Data, &j); err != nil {
		return EventInfo{}, fmt.Errorf("beaconapi: %s event: %v", e.Topic, err)
	}
	var info EventInfo
	if j.Slot != nil {
		info.Slot = uint64(*j.Slot)
	}
	if j.Epoch != nil {
		info.Epoch = uint64(*j.Epoch)
	}
	if err := j.Block.fixed(info.Block[:], "block"); err != nil {
		return EventInfo{}, fmt.Errorf("beaconapi: %s event: %v", e.Topic, err)
	}
	if len(j.State) > 0 {
		if err := j.State.fixed(info.State[:], "state"); err != nil {
			return EventInfo{}, fmt.Errorf("beaconapi: %s event: %v", e.Topic, err)
		}
	}
	return info, nil
}

// Events subscribes to the topics of the node's /eth/v1/events stream
// and calls handle with each event, in order, until ctx ends. When the
// stream breaks (the node restarts, a proxy cuts it) it reconnects, with
// the Client's backoff doubling up to its maximum, and calls onDrop (when
// not nil) with why; events sent while disconnected are lost, so a caller
// catches up by polling. It returns ctx's error, or at once an error
// wrapping ErrRejected or ErrNotFound when the node does not serve the
// stream (400, 404, 405, 501): the caller then polls instead.
func (c *Client) Events(ctx context.Context, topics []string, handle func(Event), onDrop func(error)) error {
	cl := call{path: "/eth/v1/events", query: url.Values{"topics": topics}, // one topics= each: Lodestar rejects topics=a%2Cb
		what: "event stream " + strings.Join(topics, ",")}
	wait := c.backoff
	for {
		connected, err := c.stream(ctx, cl, handle)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if notServed(err) {
			return c.httpFail(cl, err)
		}
		if onDrop != nil {
			onDrop(newErr(fmt.Sprintf("%s: %v; reconnecting", c.where(cl), err), ErrUnavailable, err))
		}
		if connected {
			wait = c.backoff
		}
		if err := sleep(ctx, max(wait, time.Millisecond)); err != nil {
			return ctx.Err()
		}
		wait = min(2*wait, c.maxBackoff)
	}
}

// notServed reports an answer that says the node does not serve the
// stream: an HTTP client error other than 408 and 429, or 501.
func notServed(err error) bool {
	he, ok := err.(*HTTPError)
	if !ok {
		return false
	}
	code := he.StatusCode
	return code == http.StatusNotImplemented || code >= 400 && code < 500 && code != http.StatusRequestTimeout && code != http.StatusTooManyRequests
}

// stream reads one connection of the event stream until it breaks;
// connected reports that the node accepted it.
func (c *Client) stream(ctx context.Context, cl call, handle func(Event)) (connected bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.urlFor(cl.path, cl.query), nil)
	if err != nil {
		return false, err
	}
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Accept", "text/event-stream")
	resp, err := c.hc.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return false, &HTTPError{Method: http.MethodGet, Path: cl.path, StatusCode: resp.StatusCode, Message: errorMessage(resp.Body)}
	}
	return true, readEvents(resp.Body, handle)
}

// readEvents parses a text/event-stream body and calls handle with each
// event; it returns when the body ends (io.ErrUnexpectedEOF) or breaks.
func readEvents(r io.Reader, handle func(Event)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), maxEventLine)
	var topic string
	var data strings.Builder
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if data.Len() > 0 {
				handle(Event{Topic: topic, Data: json.RawMessage(data.String())})
			}
			topic = ""
			data.Reset()
		case strings.HasPrefix(line, ":"):
			// a comment: keep-alive
		default:
			field, value, _ := strings.Cut(line, ":")
			value = strings.TrimPrefix(value, " ")
			switch field {
			case "event":
				topic = value
			case "data":
				if data.Len() > 0 {
					data.WriteByte('\n')
				}
				if data.Len()+len(value) > maxEventLine {
					return errors.New("event data too large")
				}
				data.WriteString(value)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return err
	}
	return io.ErrUnexpectedEOF
}
