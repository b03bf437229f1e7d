package beaconapi

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/schollz/progressbar/v3"

	"github.com/beaconproof/beaconproof/beaconstate"
)

// The Accept headers: SSZ preferred, JSON accepted; JSON only.
const (
	acceptSSZ  = "application/octet-stream;q=1.0,application/json;q=0.9"
	acceptJSON = "application/json"
)

// call is one GET request of the beacon API.
type call struct {
	path     string     // relative to the base URL, from "/eth/..."
	what     string     // what is asked, for messages: "state head"
	ssz      bool       // the endpoint may answer in SSZ
	progress bool       // draw a progress bar of the body
	once     bool       // no retries
	query    url.Values // query parameters, added to the base URL's
	// reserve reads a body without a Content-Length into reserved memory
	// (beaconstate.Reserve), which the response then owns: for states.
	reserve bool
	// follow, when set, is called once an attempt's body is about to be
	// read into buf (of size bytes, -1 when unknown), and returns nil or a
	// function told of each advance: buf[:n] has arrived.
	follow func(h http.Header, buf []byte, size int64) func(n int)
}

// response is a successful answer, its body read in full.
type response struct {
	header   http.Header
	body     []byte
	json     bool                  // the body is JSON, not SSZ
	reserved *beaconstate.Reserved // the memory body is in, when reserved: the response's to release
}

// release gives back the reserved memory of the body, if any.
func (r *response) release() {
	if r.reserved != nil {
		_ = r.reserved.Release()
		r.reserved = nil
	}
}

// bodyBuf is the memory that a call's attempts read the body into, kept
// from one attempt to the next: a buffer, and memory reserved for a body
// of unknown size.
type bodyBuf struct {
	b   []byte
	res *beaconstate.Reserved
}

// failure is why an attempt may be retried.
type failure int

const (
	failNetwork   failure = iota // the request failed before a response
	failStatus                   // a retryable HTTP status
	failTruncated                // the body broke off
	failTimeout                  // the node stayed silent for the timeout
)

// attemptResult is the outcome of one attempt: a response, a final error,
// or a failure to retry.
type attemptResult struct {
	resp          *response
	fatal         error
	why           failure
	err           error      // the cause of a failure
	status        *HTTPError // for failStatus
	got, want     int64      // for failTruncated: bytes read, Content-Length (-1 if none)
	retryAfter    time.Duration
	notAcceptable bool // the node refused SSZ
}

// errStalled cancels an attempt whose node stayed silent for the timeout.
var errStalled = errors.New("stalled")

// errBodyTooLarge reports a body that passed the size limit while read.
var errBodyTooLarge = errors.New("body too large")

// where names a call and the node in messages: "state head from
// http://localhost:5052".
func (c *Client) where(cl call) string { return cl.what + " from " + c.display }

// get performs a call with retries and returns the response. An HTTP
// error status that is not retried is returned as a bare *HTTPError, for
// the caller to classify (see httpFail); every other error is final and
// has its message.
func (c *Client) get(ctx context.Context, cl call) (*response, error) {
	if err := ctx.Err(); err != nil {
		return nil, c.ctxErr(cl, ctx)
	}
	retries := c.retries
	if cl.once {
		retries = 0
	}
	var (
		buf      bodyBuf // the body's memory, reused across attempts
		last     attemptResult
		attempts int
	)
	for attempts <= retries {
		if attempts > 0 {
			if err := sleep(ctx, c.delay(attempts, last.retryAfter)); err != nil {
				return nil, c.ctxErr(cl, ctx)
			}
		}
		accept := acceptJSON
		if cl.ssz && !c.jsonOnly.Load() {
			accept = acceptSSZ
		}
		res := c.attempt(ctx, cl, accept, &buf)
		if res.notAcceptable {
			// The node does not serve SSZ: ask again for JSON, at once
			// and without counting an attempt, and remember it.
			c.jsonOnly.Store(true)
			continue
		}
		attempts++
		if res.fatal != nil {
			buf.release(nil)
			return nil, res.fatal
		}
		if res.resp != nil {
			buf.release(res.resp)
			return res.resp, nil
		}
		last = res
	}
	buf.release(nil)
	return nil, c.exhausted(ctx, cl, last, attempts)
}

// release gives back the reserved memory of buf unless resp owns it.
func (buf *bodyBuf) release(resp *response) {
	if buf.res != nil && (resp == nil || resp.reserved != buf.res) {
		_ = buf.res.Release()
	}
	buf.res = nil
}

// attempt sends the request once and reads the whole body into buf,
// whose memory it reuses when large enough and otherwise replaces.
func (c *Client) attempt(ctx context.Context, cl call, accept string, buf *bodyBuf) attemptResult {
	actx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	timer := time.AfterFunc(c.timeout, func() { cancel(errStalled) })
	defer timer.Stop()

	req, err := http.NewRequestWithContext(actx, http.MethodGet, c.urlFor(cl.path, cl.query), nil)
	if err != nil {
		return attemptResult{fatal: newErr(fmt.Sprintf("%s: %v", c.where(cl), err))}
	}
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	req.Header.Set("Accept", accept)
	resp, err := c.hc.Do(req)
	if err != nil {
		return c.transportFailure(ctx, actx, cl, err, failNetwork)
	}
	defer resp.Body.Close()
	timer.Reset(c.timeout)

	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		he := &HTTPError{Method: http.MethodGet, Path: cl.path, StatusCode: resp.StatusCode, Message: errorMessage(resp.Body)}
		switch {
		case resp.StatusCode == http.StatusServiceUnavailable && mentionsSyncing(he.Message):
			return attemptResult{fatal: c.syncingErr(cl, he)}
		case (resp.StatusCode == http.StatusNotAcceptable || resp.StatusCode == http.StatusUnsupportedMediaType) && accept == acceptSSZ:
			return attemptResult{notAcceptable: true}
		case retryableStatus(resp.StatusCode):
			return attemptResult{why: failStatus, status: he, err: he, retryAfter: retryAfter(resp.Header)}
		}
		return attemptResult{fatal: he}
	}

	if resp.ContentLength > c.maxSize {
		return attemptResult{fatal: c.tooLarge(cl, resp.ContentLength)}
	}
	var bar *progressbar.ProgressBar
	if cl.progress && c.progress != nil {
		bar = c.newBar(resp.ContentLength, cl.what)
	}
	rd := &watchedReader{r: resp.Body, timer: timer, d: c.timeout, bar: bar}
	var follow func(buf []byte, size int64) func(int)
	if cl.follow != nil {
		follow = func(buf []byte, size int64) func(int) { return cl.follow(resp.Header, buf, size) }
	}
	body, reserved, err := readBody(rd, resp.ContentLength, c.maxSize, buf, cl.reserve, follow)
	if err != nil {
		if bar != nil {
			_ = bar.Exit()
		}
		if errors.Is(err, errBodyTooLarge) {
			return attemptResult{fatal: c.tooLarge(cl, -1)}
		}
		res := c.transportFailure(ctx, actx, cl, err, failTruncated)
		res.got, res.want = rd.n, resp.ContentLength
		return res
	}
	if bar != nil {
		_ = bar.Finish()
	}
	return attemptResult{resp: &response{
		header:   resp.Header,
		body:     body,
		json:     isJSON(resp.Header.Get("Content-Type"), body),
		reserved: reserved,
	}}
}

// transportFailure classifies an error of the transport: the caller's
// context ended (final), the attempt stalled (retry as a timeout), a
// certificate problem (final), anything else (retry as why).
func (c *Client) transportFailure(ctx, actx context.Context, cl call, err error, why failure) attemptResult {
	if ctx.Err() != nil {
		return attemptResult{fatal: c.ctxErr(cl, ctx)}
	}
	if errors.Is(context.Cause(actx), errStalled) {
		return attemptResult{why: failTimeout, err: err}
	}
	err = bareError(err)
	var certErr *tls.CertificateVerificationError
	var unknownAuth x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	if errors.As(err, &certErr) || errors.As(err, &unknownAuth) || errors.As(err, &hostErr) {
		return attemptResult{fatal: newErr(fmt.Sprintf("%s: %v", c.where(cl), err), ErrUnavailable, err)}
	}
	return attemptResult{why: why, err: err}
}

// bareError strips the *url.Error around a transport error: its message
// repeats the whole URL, which may hold an API key.
func bareError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// exhausted builds the error of a call whose every attempt failed.
func (c *Client) exhausted(ctx context.Context, cl call, last attemptResult, attempts int) error {
	n := fmt.Sprintf("%d attempt", attempts)
	if attempts != 1 {
		n += "s"
	}
	where := c.where(cl)
	switch last.why {
	case failStatus:
		if last.status.StatusCode == http.StatusServiceUnavailable && !cl.once {
			// A 503 that does not say why: ask the node whether it syncs.
			sctx, cancel := context.WithTimeout(ctx, c.timeout)
			st, err := c.syncing(sctx, true)
			cancel()
			if err == nil && st.IsSyncing {
				return c.syncingErr(cl, last.status)
			}
		}
		return newErr(fmt.Sprintf("%s: the node answered %v (%s); try again later or use another node", where, last.status, n),
			ErrUnavailable, last.status)
	case failTimeout:
		return newErr(fmt.Sprintf("%s: %v: no data for %v (%s); check the node, or raise the timeout (WithTimeout)", where, ErrTimeout, c.timeout, n),
			ErrTimeout)
	case failTruncated:
		of := "an unknown number of"
		if last.want >= 0 {
			of = strconv.FormatInt(last.want, 10)
		}
		return newErr(fmt.Sprintf("%s: the connection broke after %d of %s bytes (%s): %v; check the node and the network", where, last.got, of, n, last.err),
			ErrUnavailable, last.err)
	}
	if errors.Is(last.err, io.EOF) || errors.Is(last.err, syscall.ECONNRESET) {
		return newErr(fmt.Sprintf("%s: the node closed the connection before answering (%s): %v; check the node, or a proxy in front of it", where, n, last.err),
			ErrUnavailable, last.err)
	}
	return newErr(fmt.Sprintf("%s: cannot reach the node (%s): %v", where, n, last.err), ErrUnavailable, last.err)
}

// ctxErr is the error of a call whose context ended.
func (c *Client) ctxErr(cl call, ctx context.Context) error {
	err := ctx.Err()
	cause := context.Cause(ctx)
	if cause != nil && cause != err {
		return newErr(fmt.Sprintf("%s: %v: %v", c.where(cl), err, cause), err, cause)
	}
	return newErr(fmt.Sprintf("%s: %v", c.where(cl), err), err)
}

func (c *Client) syncingErr(cl call, he *HTTPError) error {
	return newErr(fmt.Sprintf("%s: %v (the node answered %v)", c.where(cl), ErrSyncing, he), ErrSyncing, he)
}

func (c *Client) tooLarge(cl call, size int64) error {
	what := fmt.Sprintf("more than %d bytes", c.maxSize)
	if size >= 0 {
		what = fmt.Sprintf("%d bytes", size)
	}
	return newErr(fmt.Sprintf("%s: %v: the node sends %s, the limit is %d; raise it (WithMaxSize)", c.where(cl), ErrTooLarge, what, c.maxSize),
		ErrTooLarge, beaconstate.ErrTooLarge)
}

// httpFail turns a bare *HTTPError that get returned into the call's
// error; other errors pass unchanged. Every status gets a kind besides the
// *HTTPError: 404 ErrNotFound; any other client error (400, 401, 403, 406,
// 410, ...) and 501 ErrRejected; the server errors that are not retried
// (505, ...) ErrUnavailable; anything else (a 3xx that was not followed)
// ErrBadResponse.
func (c *Client) httpFail(cl call, err error) error {
	var he *HTTPError
	if !errors.As(err, &he) || err != error(he) {
		return err
	}
	where := c.where(cl)
	switch code := he.StatusCode; {
	case code == http.StatusNotFound:
		return newErr(fmt.Sprintf("%s: %v (the node answered %v)", where, ErrNotFound, he), ErrNotFound, he)
	case code == http.StatusUnauthorized || code == http.StatusForbidden:
		return newErr(fmt.Sprintf("%s: %v (the node answered %v); check the API key or token the node expects (WithHeader, or in the URL)", where, ErrRejected, he),
			ErrRejected, he)
	case code == http.StatusNotAcceptable || code == http.StatusUnsupportedMediaType:
		return newErr(fmt.Sprintf("%s: %v: it serves no format this client reads (the node answered %v)", where, ErrRejected, he), ErrRejected, he)
	case code == http.StatusNotImplemented:
		return newErr(fmt.Sprintf("%s: %v: it does not implement %s (the node answered %v); use a node that does", where, ErrRejected, cl.path, he),
			ErrRejected, he)
	case code >= 400 && code <= 499:
		return newErr(fmt.Sprintf("%s: %v (the node answered %v)", where, ErrRejected, he), ErrRejected, he)
	case code >= 500 && code <= 599:
		return newErr(fmt.Sprintf("%s: the node answered %v; try again later or use another node", where, he), ErrUnavailable, he)
	}
	return newErr(fmt.Sprintf("%s: %v: unexpected HTTP status (the node answered %v)", where, ErrBadResponse, he), ErrBadResponse, he)
}

// getJSON performs a JSON call and decodes the body into v.
func (c *Client) getJSON(ctx context.Context, cl call, v any) error {
	resp, err := c.get(ctx, cl)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(resp.body, v); err != nil {
		return c.badResponse(cl, err)
	}
	return nil
}

func (c *Client) badResponse(cl call, err error) error {
	return newErr(fmt.Sprintf("%s: %v: %v", c.where(cl), ErrBadResponse, err), ErrBadResponse, err)
}

// urlFor returns the URL of an API path under the base URL, with the
// base URL's query and query added to it.
func (c *Client) urlFor(path string, query url.Values) string {
	u := *c.base
	u.Path = c.base.Path + path
	if len(query) > 0 {
		q := u.Query()
		for k, vs := range query {
			for _, v := range vs {
				q.Add(k, v)
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// delay returns the wait before retry number n (1 for the first): the
// backoff doubled n-1 times, capped, with jitter over its upper half; or
// the node's Retry-After when longer, capped as well.
func (c *Client) delay(n int, retryAfter time.Duration) time.Duration {
	d := c.backoff
	for i := 1; i < n && d < c.maxBackoff; i++ {
		d *= 2
	}
	d = min(d, c.maxBackoff)
	if d > 1 {
		d = d/2 + rand.N(d/2+1)
	}
	if retryAfter > d {
		d = min(retryAfter, c.maxBackoff)
	}
	return d
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// retryableStatus reports the statuses worth another attempt: server
// errors that may pass, and rate limiting.
func retryableStatus(code int) bool {
	switch code {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable,
		http.StatusGatewayTimeout, http.StatusTooManyRequests, http.StatusRequestTimeout:
		return true
	}
	return false
}

// retryAfter reads a Retry-After header given in seconds.
func retryAfter(h http.Header) time.Duration {
	s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After")))
	if err != nil || s < 0 {
		return 0
	}
	return time.Duration(s) * time.Second
}

// mentionsSyncing reports an error message that blames syncing, as the
// 503 answers of Lighthouse, Teku, Prysm, Nimbus and Lodestar do.
func mentionsSyncing(msg string) bool {
	return strings.Contains(strings.ToLower(msg), "sync")
}

// errorMessage reads the message of an error body: the "message" of the
// beacon API's JSON error object, or the body's first line.
func errorMessage(r io.Reader) string {
	b, _ := io.ReadAll(io.LimitReader(r, 64<<10))
	var e struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(b, &e) == nil && e.Message != "" {
		return clip(e.Message)
	}
	s := strings.TrimSpace(string(b))
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return clip(s)
}

// clip folds a node's message to one line of at most 200 bytes.
func clip(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 200 {
		s = s[:197] + "..."
	}
	return s
}

// isJSON reports whether a body is JSON: by its Content-Type, or, when
// the node sends none, by its first byte.
func isJSON(contentType string, body []byte) bool {
	if mt, _, err := mime.ParseMediaType(contentType); err == nil {
		switch {
		case mt == "application/json" || strings.HasSuffix(mt, "+json"):
			return true
		case mt == "application/octet-stream":
			return false
		}
	}
	for _, b := range body {
		switch b {
		case ' ', '\t', '\r', '\n':
			continue
		}
		return b == '{'
	}
	return false
}

// watchedReader counts the bytes read, re-arms the silence timer on each
// read that brings bytes, and advances the progress bar.
type watchedReader struct {
	r     io.Reader
	timer *time.Timer
	d     time.Duration
	bar   *progressbar.ProgressBar
	n     int64
}

func (w *watchedReader) Read(p []byte) (int, error) {
	k, err := w.r.Read(p)
	if k > 0 {
		w.n += int64(k)
		w.timer.Reset(w.d)
		if w.bar != nil {
			_ = w.bar.Add64(int64(k))
		}
	}
	return k, err
}

// readBody reads r to its end. With a known length n it reads into one
// buffer of exactly n bytes, the only copy of the body. Without, when
// reserve is set and the platform allows, it reads into memory reserved
// for max bytes (beaconstate.Reserve), of which only the pages written
// cost memory, and returns it as reserved; otherwise it grows a buffer by
// doubling. It fails with errBodyTooLarge past max. buf's memory is
// reused when large enough and is replaced otherwise, so that a retry
// needs no second buffer. follow, when set, is given the memory the body
// is read into and its size (-1 when unknown), and the function it
// returns is told of every advance.
func readBody(r io.Reader, n, max int64, buf *bodyBuf, reserve bool, follow func([]byte, int64) func(int)) (body []byte, reserved *beaconstate.Reserved, err error) {
	if n >= 0 {
		if int64(cap(buf.b)) < n {
			buf.b = make([]byte, n)
		}
		b := buf.b[:n]
		k, err := readInto(r, b, n, follow)
		if err == nil && int64(k) < n {
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return nil, nil, err
		}
		return b, nil, nil
	}
	if reserve && buf.res == nil {
		buf.res, _ = beaconstate.Reserve(max + 1) // nil where the platform cannot
	}
	if reserve && buf.res != nil {
		k, err := readInto(r, buf.res.Bytes(), -1, follow)
		if err != nil {
			return nil, nil, err
		}
		if int64(k) > max {
			return nil, nil, errBodyTooLarge
		}
		return buf.res.Bytes()[:k:k], buf.res, nil
	}
	b, err := readGrowing(r, max, buf)
	return b, nil, err
}

// readInto reads r into b until r ends or b is full, telling follow's
// function of every advance, and returns the bytes read. A known size n
// that r ends before is io.ErrUnexpectedEOF.
func readInto(r io.Reader, b []byte, n int64, follow func([]byte, int64) func(int)) (int, error) {
	var arrived func(int)
	if follow != nil {
		arrived = follow(b, n)
	}
	k := 0
	for k < len(b) {
		m, err := r.Read(b[k:])
		k += m
		if m > 0 && arrived != nil {
			arrived(k)
		}
		if err == io.EOF {
			if n >= 0 && int64(k) < n {
				return k, io.ErrUnexpectedEOF
			}
			return k, nil
		}
		if err != nil {
			return k, err
		}
	}
	return k, nil
}

// readGrowing reads r to its end into a buffer grown by doubling, the way
// of a body of unknown size where memory cannot be reserved.
func readGrowing(r io.Reader, max int64, buf *bodyBuf) ([]byte, error) {
	b := buf.b[:0]
	if cap(b) == 0 {
		b = make([]byte, 0, 64<<10)
	}
	for {
		if len(b) == cap(b) {
			grow := int64(len(b))
			if room := max + 1 - int64(len(b)); grow > room {
				grow = room
			}
			b = slices.Grow(b, int(max64(grow, 1)))
		}
		k, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+k]
		buf.b = b
		if int64(len(b)) > max {
			return nil, errBodyTooLarge
		}
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return nil, err
		}
	}
}

func max64(a, b int64) int64 {
	if a > b {
		return a
	}
	return b
}

// newBar returns a progress bar of a download of size bytes (-1 when
// unknown) on the Client's progress writer.
func (c *Client) newBar(size int64, what string) *progressbar.ProgressBar {
	w := c.progress
	return progressbar.NewOptions64(size,
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription(what),
		progressbar.OptionShowBytes(true),
		progressbar.OptionShowTotalBytes(true),
		progressbar.OptionSetWidth(30),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionShowCount(),
		progressbar.OptionSetSpinnerChangeInterval(0), // no goroutine: render on reads only
		progressbar.OptionSetRenderBlankState(true),
		progressbar.OptionOnCompletion(func() { fmt.Fprintln(w) }),
	)
}
