package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/beaconproof/beaconproof/staking/format"
	"github.com/beaconproof/beaconproof/watch"
)

// watchCommand is `beaconproof watch`: the watch package behind flags.
var watchCommand = &command{
	name:  "watch",
	usage: "beaconproof watch --beacon-url URL (--address A | --index N | --pubkey P)... [--out DIR] [--store FILE] [flags]",
	help: `Follows the beacon node's finalized checkpoints (or its head, --head) and
writes, once each, the verified proofs of what the watched validators need
proved: credentials (a validator appears or its credentials change),
exit (exit_epoch set), slashed, and each withdrawal (partial, and the full
one after withdrawable_epoch with the final balance), in --format
(rocketpool, eigenlayer, lido or json) with its calldata, the anchor's
EIP-4788 timestamp and its deadline. --address watches every validator
whose 0x01/0x02 credentials point at it (a megapool, an EigenPod).

--format lido writes only what Lido CSM's CSVerifier takes: a validator's
full withdrawal (from its withdrawable epoch; 8 ETH or more, or slashed),
proved from the paying block's post-state (one more state download each).
Every other event (credentials, exit, slashed, partial withdrawals) is
logged once with the reason and recorded as handled, not written. Lido's
calldata holds the structs, not the calls: these take the key's node
operator and key index, which the watcher does not know.

From gloas, a block's withdrawals are read from its execution payload
envelope, and a withdrawal is proved from the paying block's post-state
(one more state download per paying block): in --format json only; in
rocketpool and lido its event is not written, and a warning says so.

Events go to DIR, one file per event (<id>.json, written atomically), or,
without --out, as JSON lines on standard output. The store (--store,
default DIR/watch.db or ./beaconproof-watch.db) keeps the cursor and the
events written: restarted, the watcher catches up and writes each event
once. --once catches up and exits (cron, CI). SIGINT and SIGTERM stop it
cleanly. Logs are structured (--log-format text or json) on standard
error; --metrics-addr serves Prometheus metrics on /metrics.

Example:
  beaconproof watch --beacon-url http://localhost:5052 --address 0x1234...abcd --out proofs/
  beaconproof watch --beacon-url http://localhost:5052 --index 7 --index 9 --format json --once
  beaconproof watch --beacon-url http://localhost:5052 --address 0x1234...abcd --format lido --out csm-proofs/
  beaconproof watch --beacon-url http://localhost:5052 --address 0x1234...abcd --out proofs/ --metrics-addr 127.0.0.1:9464`,
	run: cmdWatch,
}

// watchFlags are the flags of watch.
type watchFlags struct {
	url, network, out, store, format, metrics, logFormat string
	indices                                              uintList
	pubkeys, addresses                                   stringList
	head, once                                           bool
	poll                                                 time.Duration
	startSlot                                            uint64
}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string { return strings.Join(*l, ",") }

func (l *stringList) Set(s string) error {
	*l = append(*l, strings.Split(s, ",")...)
	return nil
}

func (f *watchFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&f.url, "beacon-url", os.Getenv(envBeaconURL), "beacon node URL (default $"+envBeaconURL+")")
	fs.StringVar(&f.network, "network", "", "network the node must be on (default: read from the node)")
	fs.Var(&f.indices, "index", "validator index to watch (repeatable, or comma-separated)")
	fs.Var(&f.pubkeys, "pubkey", "validator pubkey to watch, 0x-hex (repeatable)")
	fs.Var(&f.addresses, "address", "withdrawal address: watch every validator whose 0x01/0x02 credentials point at it (repeatable)")
	fs.StringVar(&f.format, "format", string(watch.DefaultFormat), "document format: rocketpool, eigenlayer, lido (full withdrawals only) or json")
	fs.StringVar(&f.out, "out", "", "directory for the events, one file each (default: JSON lines on standard output)")
	fs.StringVar(&f.store, "store", "", "store file (default DIR/watch.db, or ./beaconproof-watch.db without --out)")
	fs.BoolVar(&f.head, "head", false, "follow the head instead of the finalized checkpoint (an orphaned block's events are proved again)")
	fs.BoolVar(&f.once, "once", false, "catch up with the node's checkpoint and exit")
	fs.DurationVar(&f.poll, "poll", 0, "poll interval without node events (default one slot)")
	fs.Uint64Var(&f.startSlot, "start-slot", 0, "first run only: search withdrawals from this slot (default: from the first checkpoint)")
	fs.StringVar(&f.metrics, "metrics-addr", "", "serve Prometheus metrics on http://ADDR/metrics (e.g. 127.0.0.1:9464)")
	fs.StringVar(&f.logFormat, "log-format", "text", "log format on standard error: text or json")
}

func cmdWatch(ctx context.Context, e *env, args []string) int {
	c := lookupCommand("watch")
	var f watchFlags
	fs := c.flagSet()
	f.register(fs)
	pos, done, code := c.parse(e, fs, args)
	if done {
		return code
	}
	if len(pos) > 0 {
		return c.usageError(e, "unexpected argument %q", pos[0])
	}
	if f.url == "" {
		return c.usageError(e, "--beacon-url (or $%s) is required", envBeaconURL)
	}
	if len(f.indices)+len(f.pubkeys)+len(f.addresses) == 0 {
		return c.usageError(e, "name the validators to watch: --address, --index or --pubkey")
	}
	if f.logFormat != "text" && f.logFormat != "json" {
		return c.usageError(e, "--log-format %q: want text or json", f.logFormat)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := runWatch(ctx, e, &f); err != nil {
		return e.fail(err)
	}
	return exitOK
}

// runWatch builds the watcher of f and runs it.
func runWatch(ctx context.Context, e *env, f *watchFlags) error {
	cfg, err := f.config(e)
	if err != nil {
		return err
	}
	st, err := watch.OpenStore(f.storePath())
	if err != nil {
		return err
	}
	defer st.Close()
	cfg.Store = st
	if f.metrics != "" {
		stopMetrics, err := serveMetrics(f.metrics, &cfg)
		if err != nil {
			return err
		}
		defer stopMetrics()
	}
	w, err := watch.New(cfg)
	if err != nil {
		return err
	}
	if f.once {
		return w.CatchUp(ctx)
	}
	cfg.Logger.Info("watching", "node", cfg.Node.URL(), "head", f.head, "format", cfg.Format)
	return w.Run(ctx)
}

// storePath returns the store file of f.
func (f *watchFlags) storePath() string {
	switch {
	case f.store != "":
		return f.store
	case f.out != "":
		return filepath.Join(f.out, "watch.db")
	}
	return "beaconproof-watch.db"
}

// config turns the flags into a watch.Config (without its store).
func (f *watchFlags) config(e *env) (watch.Config, error) {
	want, err := networkArg(f.network)
	if err != nil {
		return watch.Config{}, err
	}
	node, err := newClient(f.url, want, nil)
	if err != nil {
		return watch.Config{}, err
	}
	name, err := format.ParseName(f.format)
	if err != nil {
		return watch.Config{}, fmt.Errorf("--format: %w", err)
	}
	cfg := watch.Config{Node: node, Indices: f.indices, Format: name, Head: f.head, Poll: f.poll, StartSlot: f.startSlot}
	for _, p := range f.pubkeys {
		b, err := hexFixed(p, 48)
		if err != nil {
			return cfg, fmt.Errorf("--pubkey %q: %w", p, err)
		}
		cfg.Pubkeys = append(cfg.Pubkeys, [48]byte(b))
	}
	for _, a := range f.addresses {
		b, err := hexFixed(a, 20)
		if err != nil {
			return cfg, fmt.Errorf("--address %q: %w", a, err)
		}
		cfg.Addresses = append(cfg.Addresses, [20]byte(b))
	}
	var h slog.Handler = slog.NewTextHandler(e.stderr, nil)
	if f.logFormat == "json" {
		h = slog.NewJSONHandler(e.stderr, nil)
	}
	cfg.Logger = slog.New(h)
	cfg.Sink = &watch.LineSink{W: e.stdout}
	if f.out != "" {
		if err := os.MkdirAll(f.out, 0o755); err != nil {
			return cfg, err
		}
		cfg.Sink = watch.DirSink{Dir: f.out}
	}
	return cfg, nil
}

// hexFixed decodes 0x-hex of n bytes.
func hexFixed(s string, n int) ([]byte, error) {
	b, err := hex.DecodeString(strings.TrimPrefix(strings.TrimSpace(s), "0x"))
	if err != nil {
		return nil, errors.New("not 0x-hex")
	}
	if len(b) != n {
		return nil, fmt.Errorf("%d bytes, want %d", len(b), n)
	}
	return b, nil
}

// serveMetrics registers the watcher's metrics and serves them on addr
// until the returned function is called.
func serveMetrics(addr string, cfg *watch.Config) (func(), error) {
	reg := prometheus.NewRegistry()
	m, err := watch.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	cfg.Metrics = m
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("--metrics-addr: %w", err)
	}
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	cfg.Logger.Info("serving metrics", "url", "http://"+ln.Addr().String()+"/metrics")
	return func() { srv.Close() }, nil
}
