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

// URLMapFile is the name of the file, in a label's directory (the first level under the
// corpus root), that maps non-relative source urls of that label's documents to local
// copies: {"<document path relative to the label dir>": {"<url>": "<local path relative to
// the label dir>"}}.
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

// applyURLMaps reads each label's url-map.json and attaches its mappings to the documents.
// A mapping for a document that is not there, or to a file that is not there, is an error:
// it would otherwise turn into a confusing failure of some other kind.
func applyURLMaps(root string, docs []*Document) error {
	byPath := map[string]*Document{}
	labels := map[string]bool{}
	for _, d := range docs {
		byPath[d.Path] = d
		if label, _, ok := strings.Cut(d.Path, "/"); ok {
			labels[label] = true
		}
	}
	for _, label := range slices.Sorted(maps.Keys(labels)) {
		file := filepath.Join(root, label, URLMapFile)
		data, err := os.ReadFile(file)
		if os.IsNotExist(err) {
			continue
		}
		if err != nil {
			return err
		}
		var m map[string]map[string]string
		if err := json.Unmarshal(data, &m); err != nil {
			return fmt.Errorf("%s: %v", file, err)
		}
		for _, docPath := range slices.Sorted(maps.Keys(m)) {
			d := byPath[path.Join(label, docPath)]
			if d == nil {
				return fmt.Errorf("%s: %s is not an Arazzo document of the corpus", file, docPath)
			}
			for url, local := range m[docPath] {
				local = path.Join(label, filepath.ToSlash(local))
				if _, err := os.Stat(filepath.Join(root, filepath.FromSlash(local))); err != nil {
					return fmt.Errorf("%s: %s: the local copy of %s: %v", file, docPath, url, err)
				}
				if d.URLs == nil {
					d.URLs = map[string]string{}
				}
				d.URLs[url] = local
			}
		}
	}
	return nil
}
