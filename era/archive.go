package era

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Archive is an era file or a folder of them. It opens a folder's files
// only when an era is asked for, the one whose name says it holds the era
// first (<config-name>-<era-number>-...era, era-number being the first
// era of the file), then the others until one holds it; it keeps open
// the files that held an era asked for, until Close, and remembers the
// eras of the others. It is safe for concurrent use.
type Archive struct {
	path  string
	opts  Options
	sphr  uint64
	files []archiveFile

	mu      sync.Mutex
	opened  map[string]*File // files that hold an era asked for, kept open
	scanned map[string]scan  // every file read
}

// scan is what reading a file of an Archive found: its eras, or why it is
// no era file.
type scan struct {
	eras []uint64
	err  error
}

// archiveFile is a file of an Archive and the first era its name says
// (-1 when it says none).
type archiveFile struct {
	path  string
	first int64
}

// eraName matches the era number of an era file's name:
// <config-name>-<era-number>-<short-root>.era, or with an era count
// before the root.
var eraName = regexp.MustCompile(`-(\d{5,})-(?:\d+-)?[0-9a-fA-F]{8}\.era$`)

// Open opens an era file, or a folder of era files (its *.era files, not
// those of its subfolders). A file is read at once (its indices, see
// NewFile); a folder's files when an era is asked for.
func Open(path string, opts Options) (*Archive, error) {
	opts, sphr, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("era: %w", err)
	}
	a := &Archive{path: path, opts: opts, sphr: sphr, opened: map[string]*File{}, scanned: map[string]scan{}}
	if !st.IsDir() {
		f, err := OpenFile(path, opts)
		if err != nil {
			return nil, err
		}
		a.files = []archiveFile{{path: path, first: -1}}
		a.opened[path] = f
		a.scanned[path] = scan{eras: f.Eras()}
		return a, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("era: %w", err)
	}
	for _, e := range entries {
		if e.IsDir() || !strings.EqualFold(filepath.Ext(e.Name()), ".era") {
			continue
		}
		af := archiveFile{path: filepath.Join(path, e.Name()), first: -1}
		if m := eraName.FindStringSubmatch(e.Name()); m != nil {
			if n, err := strconv.ParseInt(m[1], 10, 64); err == nil {
				af.first = n
			}
		}
		a.files = append(a.files, af)
	}
	if len(a.files) == 0 {
		return nil, fmt.Errorf("era: %s: %w: no .era file in the folder", path, ErrNotFound)
	}
	return a, nil
}

// Close closes every file the Archive opened.
func (a *Archive) Close() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	var errs []error
	for p, f := range a.opened {
		errs = append(errs, f.Close())
		delete(a.opened, p)
	}
	return errors.Join(errs...)
}

// SlotsPerHistoricalRoot returns the length of an era in slots.
func (a *Archive) SlotsPerHistoricalRoot() uint64 { return a.sphr }

// File returns the file that holds an era, opening the folder's files in
// the order the Archive's documentation gives. An era no file holds fails
// with an error that wraps ErrNotFound; a file that is not a valid era
// file fails with its error (ErrCorrupt) when it is the one the era's
// name points to, and is skipped otherwise.
func (a *Archive) File(era uint64) (*File, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var skipped []error
	for _, af := range a.candidates(era) {
		if f := a.opened[af.path]; f != nil {
			if f.Has(era) {
				return f, nil
			}
			continue
		}
		sc, ok := a.scanned[af.path]
		if ok && sc.err == nil && !slices.Contains(sc.eras, era) {
			continue
		}
		var f *File
		err := sc.err
		if err == nil {
			f, err = OpenFile(af.path, a.opts)
		}
		if err != nil {
			if af.first == int64(era) {
				return nil, err
			}
			a.scanned[af.path] = scan{err: err}
			skipped = append(skipped, err)
			continue
		}
		a.scanned[af.path] = scan{eras: f.Eras()}
		if f.Has(era) {
			a.opened[af.path] = f
			return f, nil
		}
		f.Close()
	}
	msg := fmt.Sprintf("era: %s: %v: era %d (%s)", a.path, ErrNotFound, era, eraContents(era, a.sphr))
	if len(skipped) > 0 {
		msg += fmt.Sprintf("; %d files that are no era files skipped, the first: %v", len(skipped), skipped[0])
	}
	return nil, &notFound{msg}
}

// eraContents says what the group of an era holds.
func eraContents(era, sphr uint64) string {
	if era == 0 {
		return "the genesis state"
	}
	return fmt.Sprintf("the blocks of slots %d to %d and the state at slot %d", (era-1)*sphr, era*sphr-1, era*sphr)
}

// notFound is an ErrNotFound with a message of its own.
type notFound struct{ msg string }

func (e *notFound) Error() string { return e.msg }
func (e *notFound) Unwrap() error { return ErrNotFound }

// candidates orders the files to look for an era in: the one whose name
// says it starts with the era, those whose names say an earlier era
// (latest first: a file may hold several eras), those whose names say
// nothing, then the rest.
func (a *Archive) candidates(era uint64) []archiveFile {
	rank := func(af archiveFile) int {
		switch {
		case af.first == int64(era):
			return 0
		case af.first >= 0 && af.first < int64(era):
			return 1
		case af.first < 0:
			return 2
		}
		return 3
	}
	out := append([]archiveFile(nil), a.files...)
	sort.SliceStable(out, func(i, j int) bool {
		ri, rj := rank(out[i]), rank(out[j])
		if ri != rj {
			return ri < rj
		}
		return out[i].first > out[j].first
	})
	return out
}

// Block returns the SignedBeaconBlock of a slot (see File.Block).
func (a *Archive) Block(ctx context.Context, slot uint64) ([]byte, error) {
	f, err := a.File(EraOfSlot(slot, a.sphr))
	if err != nil {
		return nil, err
	}
	return f.Block(ctx, slot)
}

// State returns the state at the end of an era (see File.State).
func (a *Archive) State(ctx context.Context, era uint64) ([]byte, error) {
	f, err := a.File(era)
	if err != nil {
		return nil, err
	}
	return f.State(ctx, era)
}

// BlockRoots returns an era's block roots from its state (see
// File.BlockRoots).
func (a *Archive) BlockRoots(ctx context.Context, era uint64) ([][32]byte, error) {
	f, err := a.File(era)
	if err != nil {
		return nil, err
	}
	return f.BlockRoots(ctx, era)
}

// StateRoots returns an era's state roots from its state (see
// File.StateRoots).
func (a *Archive) StateRoots(ctx context.Context, era uint64) ([][32]byte, error) {
	f, err := a.File(era)
	if err != nil {
		return nil, err
	}
	return f.StateRoots(ctx, era)
}

// BlockRootsFromBlocks returns an era's block roots from its blocks (see
// File.BlockRootsFromBlocks).
func (a *Archive) BlockRootsFromBlocks(ctx context.Context, era uint64) ([][32]byte, error) {
	f, err := a.File(era)
	if err != nil {
		return nil, err
	}
	return f.BlockRootsFromBlocks(ctx, era)
}
