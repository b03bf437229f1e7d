package watch

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Buckets of the store.
var (
	bucketMeta       = []byte("meta")       // "cursor": the last checkpoint processed
	bucketEmitted    = []byte("emitted")    // event id -> emittedRecord
	bucketWatched    = []byte("watched")    // validator index (8 bytes) -> withdrawal address found
	bucketCandidates = []byte("candidates") // "p"+pubkey or "i"+index: may point at a watched address
	keyCursor        = []byte("cursor")
)

// Cursor is the last checkpoint a Watcher processed.
type Cursor struct {
	Slot uint64   `json:"slot,string"`
	Root [32]byte `json:"root"`
	// Finalized is the node's finalized slot when the cursor was set, in
	// head mode: where a reorg rewinds to.
	Finalized uint64 `json:"finalized,string"`
}

// emittedRecord is what the store keeps of an event written: the anchor
// slot, to forget events of orphaned blocks (head mode).
type emittedRecord struct {
	AnchorSlot uint64 `json:"anchor_slot,string"`
}

// Store is a Watcher's memory across restarts, in a bbolt database file:
// the cursor, the ids of the events written, and the validators found
// pointing at a watched address. One process opens it at a time.
type Store struct {
	db *bolt.DB
}

// OpenStore opens (creating it if needed) the store in the file at path.
// It fails after a second when another process holds it.
func OpenStore(path string) (*Store, error) {
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("watch: store %s is in use by another watcher", path)
		}
		return nil, fmt.Errorf("watch: store %s: %w", path, err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketMeta, bucketEmitted, bucketWatched, bucketCandidates} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		db.Close()
		return nil, fmt.Errorf("watch: store %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// Cursor returns the last checkpoint processed; ok is false before the
// first.
func (s *Store) Cursor() (c Cursor, ok bool, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketMeta).Get(keyCursor)
		if b == nil {
			return nil
		}
		ok = true
		return json.Unmarshal(b, &c)
	})
	if err != nil {
		return Cursor{}, false, fmt.Errorf("watch: store: cursor: %w", err)
	}
	return c, ok, nil
}

// Emitted reports whether the event with that id was recorded.
func (s *Store) Emitted(id string) (bool, error) {
	var ok bool
	err := s.db.View(func(tx *bolt.Tx) error {
		ok = tx.Bucket(bucketEmitted).Get([]byte(id)) != nil
		return nil
	})
	return ok, err
}

// markEmitted records an event as written.
func (s *Store) markEmitted(id string, anchorSlot uint64) error {
	v, err := json.Marshal(emittedRecord{AnchorSlot: anchorSlot})
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketEmitted).Put([]byte(id), v)
	})
}

// EmittedCount returns how many events the store has recorded.
func (s *Store) EmittedCount() (int, error) {
	var n int
	err := s.db.View(func(tx *bolt.Tx) error {
		n = tx.Bucket(bucketEmitted).Stats().KeyN
		return nil
	})
	return n, err
}

// watchedSet returns the validators found pointing at a watched address,
// and the candidates: ids ("123", "0x…") that may come to.
func (s *Store) watchedSet() (watched map[uint64]bool, candidates map[string]bool, err error) {
	watched, candidates = map[uint64]bool{}, map[string]bool{}
	err = s.db.View(func(tx *bolt.Tx) error {
		if err := tx.Bucket(bucketWatched).ForEach(func(k, _ []byte) error {
			if len(k) == 8 {
				watched[binary.BigEndian.Uint64(k)] = true
			}
			return nil
		}); err != nil {
			return err
		}
		return tx.Bucket(bucketCandidates).ForEach(func(k, _ []byte) error {
			candidates[string(k)] = true
			return nil
		})
	})
	return watched, candidates, err
}

// commit moves the cursor and records, in one transaction, the
// validators found and the candidates to keep or drop.
func (s *Store) commit(c Cursor, found map[uint64][20]byte, candidates map[string]bool) error {
	v, err := json.Marshal(c)
	if err != nil {
		return err
	}
	return s.db.Update(func(tx *bolt.Tx) error {
		w := tx.Bucket(bucketWatched)
		for i, addr := range found {
			if err := w.Put(binary.BigEndian.AppendUint64(nil, i), addr[:]); err != nil {
				return err
			}
		}
		cb := tx.Bucket(bucketCandidates)
		for id, keep := range candidates {
			var err error
			if keep {
				err = cb.Put([]byte(id), nil)
			} else {
				err = cb.Delete([]byte(id))
			}
			if err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keyCursor, v)
	})
}

// rewind moves the cursor back to c and forgets the events anchored after
// it (head mode, after a reorg): they are proved again on the new chain.
// It returns how many it forgot.
func (s *Store) rewind(c Cursor) (int, error) {
	v, err := json.Marshal(c)
	if err != nil {
		return 0, err
	}
	n := 0
	err = s.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketEmitted)
		var drop [][]byte
		if err := b.ForEach(func(k, v []byte) error {
			var r emittedRecord
			if json.Unmarshal(v, &r) == nil && r.AnchorSlot > c.Slot {
				drop = append(drop, append([]byte(nil), k...))
			}
			return nil
		}); err != nil {
			return err
		}
		for _, k := range drop {
			if err := b.Delete(k); err != nil {
				return err
			}
		}
		n = len(drop)
		return tx.Bucket(bucketMeta).Put(keyCursor, v)
	})
	return n, err
}
