package generator

import (
	"bytes"
	"errors"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/arazzogen/arazzogen/generator/internal/load"
)

// SourceCache shares parsed OpenAPI descriptions between Generate calls, so that a run over
// many Arazzo documents parses each description once even when many documents reference it.
// Large descriptions take far longer to parse than everything else the generator does.
//
// An entry is found by the resolved file path and its bytes: the path because libopenapi
// resolves relative $refs against it and diagnostics name it, the bytes (compared with a
// copy kept in the entry, which costs far less than hashing them on every lookup) so that a
// file changed between two calls is parsed again. Parse errors are cached too, so every
// document that references a broken description reports the same error.
//
// The cached model is shared: the stages after loading only read it (libopenapi builds its
// high-level schemas lazily behind its own locks). A SourceCache is safe for concurrent use;
// callers that need the same description at the same time wait for one parse.
//
// A cache keeps the SourceCacheSize descriptions used most recently and forgets older ones
// (a model in use stays valid; only a later lookup parses it again). Documents that share a
// description are usually generated close together, and a parsed description holds about
// 25 times its size in memory: keeping every one for the whole run made a run over the
// real-world corpus hold 1.2 GB, and the garbage collector's work on that heap slowed
// everything else down.
type SourceCache struct {
	mu sync.Mutex
	// entries are the descriptions kept, the most recently used last.
	entries []*sourceEntry
	size    int // how many entries are kept
	hits    atomic.Int64
	misses  atomic.Int64
}

// CacheStats counts the lookups of a SourceCache: Misses parsed a description, Hits reused one.
type CacheStats struct {
	Hits, Misses int64
}

// SourceCacheSize is how many parsed descriptions a SourceCache keeps.
const SourceCacheSize = 16

type sourceEntry struct {
	file   string        // the file
	access string        // the directories its $refs could read (FileAccess.Key)
	data   []byte        // a copy of the bytes parsed
	done   chan struct{} // closed when the parse below has finished
	oa     *load.OpenAPI
	err    error
	// panicked holds the value of a panic in the parser, re-raised for every caller so that
	// a cached run fails exactly as an uncached one would.
	panicked any
}

// NewSourceCache returns an empty cache.
func NewSourceCache() *SourceCache {
	return &SourceCache{size: SourceCacheSize}
}

// Stats returns the number of hits and misses so far.
func (c *SourceCache) Stats() CacheStats {
	return CacheStats{Hits: c.hits.Load(), Misses: c.misses.Load()}
}

// parseOpenAPI is load.ParseOpenAPI through the cache; a nil cache parses every time. A
// description whose $refs name other files gives what the allowed directories let it read:
// one parsed with other directories is parsed again (and not kept).
func (c *SourceCache) parseOpenAPI(file string, data []byte, access *load.FileAccess) (*load.OpenAPI, error) {
	if c == nil {
		return load.ParseOpenAPI(file, data, access)
	}
	c.mu.Lock()
	e := c.lookup(file, data)
	ok := e != nil
	if !ok {
		e = &sourceEntry{file: file, access: access.Key(), data: bytes.Clone(data), done: make(chan struct{})}
		c.entries = append(c.entries, e)
		if len(c.entries) > c.size {
			c.entries[0] = nil
			c.entries = c.entries[1:]
			load.ForgetMemos()
		}
	}
	c.mu.Unlock()
	if !ok {
		c.misses.Add(1)
		defer func() {
			// Re-raised from inside the deferred call, the panic keeps the parser's frames
			// in its stack; waiters get the same value.
			if r := recover(); r != nil {
				e.panicked = r
				close(e.done)
				panic(r)
			}
			close(e.done)
		}()
		e.oa, e.err = load.ParseOpenAPI(file, data, access)
		return e.oa, e.err
	}
	<-e.done
	if e.panicked != nil {
		c.hits.Add(1)
		panic(e.panicked)
	}
	var refused load.RefErrors
	if e.access != access.Key() && (e.oa != nil && e.oa.ReadsFiles || errors.As(e.err, &refused)) {
		c.misses.Add(1)
		return load.ParseOpenAPI(file, data, access)
	}
	c.hits.Add(1)
	return e.oa, e.err
}

// holds reports whether c has parsed file with data as an OpenAPI description, so that
// what it is need not be found out again. A nil cache holds nothing.
func (c *SourceCache) holds(file string, data []byte) bool {
	if c == nil {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lookup(file, data) != nil
}

// lookup returns the entry of file with data and makes it the most recently used, or nil.
// c.mu is held.
func (c *SourceCache) lookup(file string, data []byte) *sourceEntry {
	for i, e := range slices.Backward(c.entries) {
		if e.file == file && bytes.Equal(e.data, data) {
			copy(c.entries[i:], c.entries[i+1:])
			c.entries[len(c.entries)-1] = e
			return e
		}
	}
	return nil
}
