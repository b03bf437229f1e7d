package watch

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Metrics are a Watcher's Prometheus metrics. A nil *Metrics records
// nothing.
type Metrics struct {
	lastSlot     prometheus.Gauge
	checkpoint   prometheus.Gauge
	lag          prometheus.Gauge
	emitted      *prometheus.CounterVec
	proofsFailed prometheus.Counter
	reorgs       prometheus.Counter
	states       prometheus.Counter
}

// NewMetrics creates the metrics and registers them with reg:
// beaconproof_watch_last_slot_seen, beaconproof_watch_checkpoint_slot,
// beaconproof_watch_lag_seconds, beaconproof_watch_events_emitted_total
// (by kind), beaconproof_watch_proofs_failed_total,
// beaconproof_watch_reorgs_total and
// beaconproof_watch_states_downloaded_total.
func NewMetrics(reg prometheus.Registerer) (*Metrics, error) {
	m := &Metrics{
		lastSlot:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "beaconproof_watch_last_slot_seen", Help: "Slot of the latest head or block the node announced."}),
		checkpoint: prometheus.NewGauge(prometheus.GaugeOpts{Name: "beaconproof_watch_checkpoint_slot", Help: "Slot of the last checkpoint processed."}),
		lag: prometheus.NewGauge(prometheus.GaugeOpts{Name: "beaconproof_watch_lag_seconds",
			Help: "Seconds between the wall clock and the start of the last checkpoint's slot."}),
		emitted: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "beaconproof_watch_events_emitted_total", Help: "Events written, by kind."},
			[]string{"kind"}),
		proofsFailed: prometheus.NewCounter(prometheus.CounterOpts{Name: "beaconproof_watch_proofs_failed_total", Help: "Events whose proof could not be built or verified (retried at the next checkpoint)."}),
		reorgs:       prometheus.NewCounter(prometheus.CounterOpts{Name: "beaconproof_watch_reorgs_total", Help: "Checkpoints found orphaned (head mode)."}),
		states:       prometheus.NewCounter(prometheus.CounterOpts{Name: "beaconproof_watch_states_downloaded_total", Help: "Beacon states downloaded to prove events."}),
	}
	for _, c := range []prometheus.Collector{m.lastSlot, m.checkpoint, m.lag, m.emitted, m.proofsFailed, m.reorgs, m.states} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	return m, nil
}

func (m *Metrics) seen(slot uint64) {
	if m != nil {
		m.lastSlot.Set(float64(slot))
	}
}

func (m *Metrics) processed(slot uint64, lagSeconds float64) {
	if m != nil {
		m.checkpoint.Set(float64(slot))
		m.lag.Set(lagSeconds)
	}
}

func (m *Metrics) emit(k Kind) {
	if m != nil {
		m.emitted.WithLabelValues(string(k)).Inc()
	}
}

func (m *Metrics) failed() {
	if m != nil {
		m.proofsFailed.Inc()
	}
}

func (m *Metrics) reorg() {
	if m != nil {
		m.reorgs.Inc()
	}
}

func (m *Metrics) state() {
	if m != nil {
		m.states.Inc()
	}
}
