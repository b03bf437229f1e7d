package watch

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sync"
)

// Sink receives the events a Watcher emits. Write must be done with the
// event (durable, for a file) when it returns nil: the Watcher records
// the event as emitted next.
type Sink interface {
	Write(e Event) error
}

// idRE is what an event id may be: it names a file.
var idRE = regexp.MustCompile(`^[a-z_]+(-[a-z0-9]+)+$`)

// DirSink writes each event to <Dir>/<id>.json, atomically: a temporary
// file in Dir, synced, renamed over the final name, and the directory
// synced. Writing an event again replaces its file.
type DirSink struct {
	Dir string
}

// Write writes the event's file.
func (d DirSink) Write(e Event) error {
	if !idRE.MatchString(e.ID) {
		return fmt.Errorf("watch: event id %q cannot name a file", e.ID)
	}
	b, err := json.MarshalIndent(e, "", "  ")
	if err != nil {
		return fmt.Errorf("watch: event %s: %w", e.ID, err)
	}
	f, err := os.CreateTemp(d.Dir, "."+e.ID+".*.tmp")
	if err != nil {
		return fmt.Errorf("watch: event %s: %w", e.ID, err)
	}
	tmp := f.Name()
	_, err = f.Write(append(b, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, filepath.Join(d.Dir, e.ID+".json"))
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("watch: event %s: %w", e.ID, err)
	}
	return syncDir(d.Dir)
}

// syncDir makes a rename in dir durable.
func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("watch: %w", err)
	}
	defer f.Close()
	if err := f.Sync(); err != nil {
		return fmt.Errorf("watch: sync %s: %w", dir, err)
	}
	return nil
}

// LineSink writes each event as one line of JSON on W (standard output,
// a pipe). Safe for concurrent use.
type LineSink struct {
	W  io.Writer
	mu sync.Mutex
}

// Write writes the event's line.
func (l *LineSink) Write(e Event) error {
	b, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("watch: event %s: %w", e.ID, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.W.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("watch: event %s: %w", e.ID, err)
	}
	return nil
}
