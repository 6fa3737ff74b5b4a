// Package corpus runs the generator over a corpus of real-world Arazzo documents, compiles
// and vets everything it generates, and reports every document that does not make it
// through, with the first reason why. It backs `make corpus`.
package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"
)

// Document is an Arazzo document of the corpus.
type Document struct {
	// Path is slash-separated and relative to the corpus root.
	Path string
	// URLs maps source urls that are not relative paths (remote, absolute) to local copies,
	// as paths relative to the corpus root; from <label>/url-map.json.
	URLs map[string]string
}

// URLMapFile is the name of the file that maps non-relative source urls (remote,
// absolute) to local copies. It may sit at the corpus root or in a label's directory (the
// first level under the root), and takes one of two shapes:
//
//   - per document: {"<document path relative to the file's dir>": {"<url>": "<local path>"}}
//   - flat, for every document under the file's dir: {"<url>": "<local path>"}
//
// Local paths are relative to the file's directory. Keys that start with "_" are comments.
const URLMapFile = "url-map.json"

// Discover finds every Arazzo document under root: any .yml, .yaml or .json file whose root
// mapping has an `arazzo` key. Documents are sorted by path.
func Discover(root string) ([]*Document, error) {
	var docs []*Document
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			return nil
		}
		switch strings.ToLower(filepath.Ext(p)) {
		case ".yml", ".yaml", ".json":
		default:
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if !isArazzo(data) {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		docs = append(docs, &Document{Path: filepath.ToSlash(rel)})
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(docs, func(a, b *Document) int { return strings.Compare(a.Path, b.Path) })
	if err := applyURLMaps(root, docs); err != nil {
		return nil, err
	}
	return docs, nil
}

// arazzoKeyLine recognises a top-level `arazzo:` key in text that does not parse, so that a
// broken Arazzo document is reported as a failure instead of silently left out.
var arazzoKeyLine = regexp.MustCompile(`(?m)^(?:\{\s*)?["']?arazzo["']?\s*:`)

func isArazzo(data []byte) bool {
	// Most files of a corpus are OpenAPI descriptions, some of them megabytes long; only
	// files that mention the key at all are worth parsing.
	if !bytes.Contains(data, []byte("arazzo")) {
		return false
	}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return arazzoKeyLine.Match(data)
	}
	if root.Kind != yaml.DocumentNode || len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return false
	}
	m := root.Content[0]
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == "arazzo" {
			return true
		}
	}
	return false
}

// applyURLMaps reads the url-map.json at the root and in each label's directory and
// attaches their mappings to the documents; a label's mapping wins over the root's for the
// same url. A mapping for a document that is not there, or to a file that is not there, is
// an error: it would otherwise turn into a confusing failure of some other kind.
func applyURLMaps(root string, docs []*Document) error {
	labels := map[string]bool{}
	for _, d := range docs {
		if label, _, ok := strings.Cut(d.Path, "/"); ok {
			labels[label] = true
		}
	}
	// The root first, so that a label's own file overrides it.
	if err := applyURLMap(root, "", docs); err != nil {
		return err
	}
	for _, label := range slices.Sorted(maps.Keys(labels)) {
		if err := applyURLMap(root, label, docs); err != nil {
			return err
		}
	}
	return nil
}

// applyURLMap applies the url-map.json of the directory dir (slash-separated, relative to
// root; "" is the root itself), if there is one.
func applyURLMap(root, dir string, docs []*Document) error {
	file := filepath.Join(root, filepath.FromSlash(dir), URLMapFile)
	data, err := os.ReadFile(file)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		return err
	}
	var entries map[string]json.RawMessage
	if err := json.Unmarshal(data, &entries); err != nil {
		return fmt.Errorf("%s: %v", file, err)
	}
	byPath := map[string]*Document{}
	for _, d := range docs {
		byPath[d.Path] = d
	}
	add := func(d *Document, url, local string) error {
		local = path.Join(dir, filepath.ToSlash(local))
		if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(local))); err != nil {
			return fmt.Errorf("the local copy of %s: %v", url, err)
		}
		if d.URLs == nil {
			d.URLs = map[string]string{}
		}
		d.URLs[url] = local
		return nil
	}
	for _, key := range slices.Sorted(maps.Keys(entries)) {
		if strings.HasPrefix(key, "_") {
			continue
		}
		var local string
		if json.Unmarshal(entries[key], &local) == nil {
			// Flat: the key is a url, for every document under dir.
			for _, d := range docs {
				if dir == "" || strings.HasPrefix(d.Path, dir+"/") {
					if err := add(d, key, local); err != nil {
						return fmt.Errorf("%s: %w", file, err)
					}
				}
			}
			continue
		}
		var urls map[string]string
		if err := json.Unmarshal(entries[key], &urls); err != nil {
			return fmt.Errorf("%s: %s: want a local path or an object of url mappings: %v", file, key, err)
		}
		d := byPath[path.Join(dir, key)]
		if d == nil {
			return fmt.Errorf("%s: %s is not an Arazzo document of the corpus", file, key)
		}
		for _, url := range slices.Sorted(maps.Keys(urls)) {
			if err := add(d, url, urls[url]); err != nil {
				return fmt.Errorf("%s: %s: %w", file, key, err)
			}
		}
	}
	return nil
}
