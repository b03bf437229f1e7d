package ssz

// buildUpper hashes the levels of the tree above keep (l.lv[0] is set),
// storing them as buildLevels describes, and returns the top level (one
// node). With dirty (the level-keep nodes that changed since the previous
// tree in re), a node whose children did not change is taken from the
// previous tree's level, and the others are hashed one by one, while they
// are few: a watcher's next epoch rehashes the ancestors of the changed
// validators, not the whole registry's tree.
func (l *levels) buildUpper(re *reuse, dirty []bool) []byte {
	cur := l.lv[0]
	cOld := len(re.level(l.keep)) / 32 // the previous tree's count at level d
	for d := l.keep; len(cur) > 32; {
		c := len(cur) / 32
		s := 2
		if half := (c + 1) / 2; c == 2 || half <= storeEveryLevel {
			s = 1 // the top, or a level small enough to keep
		}
		up := (c + 1<<s - 1) >> s
		old := re.level(d + s)
		next := re.array(d+s, up)
		if dirty != nil && old != nil {
			dirty = updateLevel(next, cur, old, dirty, d, s, cOld)
		} else {
			dirty = nil
		}
		if dirty == nil {
			if s == 1 {
				hashUp(next, cur, d)
			} else {
				hashTwoLevels(next, cur, d)
			}
		}
		cOld = len(old) / 32
		d += s
		l.lv[d-l.keep] = next
		cur = next
	}
	return cur
}

// updateLevel writes into next the level s above cur (level d, of which
// the previous tree had cOld nodes): the previous tree's nodes (old) where
// no child changed, the others hashed. It returns the nodes of next that
// changed, or nil, writing nothing, when more than a quarter did: hashing
// the whole level in vectorized batches is then cheaper.
func updateLevel(next, cur, old []byte, dirty []bool, d, s, cOld int) []bool {
	c, up, upOld := len(cur)/32, len(next)/32, len(old)/32
	changed := make([]bool, up)
	n := 0
	for p := range up {
		lo, hi := p<<s, min((p+1)<<s, c)
		// A node is new, or its children differ in number, or one changed.
		ch := p >= upOld || (cOld != c && (p+1)<<s > min(cOld, c))
		for j := lo; !ch && j < hi; j++ {
			ch = dirty[j]
		}
		if ch {
			changed[p] = true
			n++
		}
	}
	if 4*n > up {
		return nil
	}
	if &next[0] != &old[0] {
		copy(next, old[:min(len(old), len(next))])
	}
	node := func(i int) [32]byte {
		if i >= c {
			return zeroHashes[d]
		}
		return [32]byte(cur[i*32 : i*32+32])
	}
	pair := func(i int) [32]byte { // node i/2 of level d+1
		if i >= c {
			return zeroHashes[d+1]
		}
		return hash2(node(i), node(i+1))
	}
	for p, ch := range changed {
		if !ch {
			continue
		}
		h := pair(2 * p)
		if s == 2 {
			h = hash2(pair(4*p), pair(4*p+2))
		}
		copy(next[p*32:], h[:])
	}
	return changed
}
