package load

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"github.com/pb33f/libopenapi/datamodel"
	v3 "github.com/pb33f/libopenapi/datamodel/high/v3"
	"github.com/pb33f/libopenapi/datamodel/low"
	lowbase "github.com/pb33f/libopenapi/datamodel/low/base"
	v3low "github.com/pb33f/libopenapi/datamodel/low/v3"
	"github.com/pb33f/libopenapi/index"
	"github.com/pb33f/libopenapi/utils"
	yaml "go.yaml.in/yaml/v4"
)

// A description's model, built as far as the workflows need it.
//
// libopenapi's v3low.CreateDocumentFromConfig indexes a description and then builds the
// low-level model of all of it, and v3.NewDocument the high-level model of all of it. A
// generator needs the index (references resolve through it, and it finds those that point
// at nothing), the servers, the security requirements and schemes, the list of operations
// (to find the ones steps name, and to suggest others), and the full model of only the
// operations that steps call: a handful, in descriptions of hundreds. Building every
// operation's parameters, request body and responses, low and high level, was a fifth of
// parsing a description, and most of what it allocated stayed live for as long as the
// description was cached.
//
// newModel therefore does what CreateDocumentFromConfig and NewDocument do, following
// libopenapi v0.40.1 (the version go.mod pins) step by step, except for the paths: each
// path item is listed, its operations are found by building a copy of it whose
// operations hold nothing but their operationIds (so libopenapi's own rules decide what an
// operation is, and in which order), and the path item itself is built, exactly as
// libopenapi builds it, when one of its operations is first needed. A path item that such
// a copy could not stand for (a $ref, YAML merge keys, an operation that is a $ref or an
// alias, operations outside the standard methods) is built in full at once. TestLazyModel
// compares the result with libopenapi's own build for every description of the tests and
// the corpus.

// model is the part of a description libopenapi builds up front.
type model struct {
	ctx context.Context // carries libopenapi's model context, shared by every build
	idx *index.SpecIndex
	// doc holds the servers, security requirements and components; its Paths is nil.
	doc *v3.Document
	// items are the path items, by path template; nil when the description has no paths
	// object libopenapi could build (then it has no operations either).
	items map[string]*pathItem
	// order is items in document order.
	order []*pathItem
}

// pathItem is one entry of the paths object.
type pathItem struct {
	m          *model
	path       string
	key, value *yaml.Node // the entry as written
	once       sync.Once
	full       *v3.PathItem // built in full; nil until needed
}

// newModel indexes a parsed description and builds what every generation needs of it.
// The error joins what libopenapi reports, as CreateDocumentFromConfig's does.
// ForgetMemos clears libopenapi's process-wide memos of node hashes and index collections.
// They are keyed by the nodes and indexes of every description parsed in the process, so
// they keep each one in memory for good: a run over many descriptions (a SourceCache
// forgetting one) calls this. They are only memos; a description still in use computes
// again what it needs. libopenapi.ClearAllCaches would also replace its sync.Pools, which
// races with parses running at the same time; these are sync.Maps, safe to clear meanwhile.
func ForgetMemos() {
	low.ClearHashCache()
	index.ClearHashCache()
}

func newModel(info *datamodel.SpecInfo, cfg *datamodel.DocumentConfiguration) (*model, error) {
	root := utils.NodeAlias(info.RootNode.Content[0])
	utils.CheckForMergeNodes(root)
	if n := documentNode(root, v3low.OpenAPILabel, false).value; n == nil {
		return nil, errors.New("no openapi version/tag found, cannot create document")
	}
	rolodex := indexDescription(info, cfg)
	errs := rolodex.GetCaughtErrors()
	m := &model{idx: rolodex.GetRootIndex()}
	modelContext := lowbase.ModelContext{SchemaCache: new(sync.Map)}
	m.ctx = context.WithValue(context.Background(), "modelCtx", &modelContext) //nolint:staticcheck // libopenapi's key

	// As createDocument's extractServers, extractSecurity and extractComponents.
	lowDoc := &v3low.Document{Index: m.idx}
	if n := documentNode(root, v3low.ServersLabel, false); n.value != nil && utils.IsNodeArray(n.value) {
		var servers []low.ValueReference[*v3low.Server]
		for _, sn := range n.value.Content {
			if utils.IsNodeMap(sn) {
				s := new(v3low.Server)
				_ = low.BuildModel(sn, s)
				_ = s.Build(m.ctx, n.key, sn, m.idx)
				servers = append(servers, low.ValueReference[*v3low.Server]{Value: s, ValueNode: sn})
			}
		}
		lowDoc.Servers = low.NodeReference[[]low.ValueReference[*v3low.Server]]{Value: servers, KeyNode: n.key, ValueNode: n.value}
	}
	sec, ln, vn, err := low.ExtractArray[*lowbase.SecurityRequirement](m.ctx, v3low.SecurityLabel, root, m.idx)
	if err != nil {
		errs = append(errs, err)
	} else if vn != nil && ln != nil {
		lowDoc.Security = low.NodeReference[[]low.ValueReference[*lowbase.SecurityRequirement]]{Value: sec, KeyNode: ln, ValueNode: vn}
	}
	if n := documentNode(root, v3low.ComponentsLabel, true); n.value != nil {
		c := new(v3low.Components)
		_ = low.BuildModel(n.value, c)
		if err := c.Build(m.ctx, n.value, m.idx); err != nil {
			errs = append(errs, err)
		} else {
			lowDoc.Components = low.NodeReference[*v3low.Components]{Value: c, ValueNode: n.value, KeyNode: n.key}
		}
	}
	m.doc = v3.NewDocument(lowDoc)

	if err := m.listPaths(documentNode(root, v3low.PathsLabel, false).value); err != nil {
		errs = append(errs, err)
	}
	return m, errors.Join(errs...)
}

// indexDescription is the index createDocument makes: a rolodex with the local file
// system at the description's directory, indexed and checked for circular references.
func indexDescription(info *datamodel.SpecInfo, cfg *datamodel.DocumentConfiguration) *index.Rolodex {
	ic := index.CreateClosedAPIIndexConfig()
	ic.SpecInfo = info
	ic.UseSchemaQuickHash = cfg.UseSchemaQuickHash
	ic.ExcludeExtensionRefs = cfg.ExcludeExtensionRefs
	ic.SkipMetadataCollection = cfg.SkipMetadataCollection
	ic.IgnoreArrayCircularReferences = cfg.IgnoreArrayCircularReferences
	ic.IgnorePolymorphicCircularReferences = cfg.IgnorePolymorphicCircularReferences
	ic.AllowUnknownExtensionContentDetection = cfg.AllowUnknownExtensionContentDetection
	ic.TransformSiblingRefs = cfg.TransformSiblingRefs
	ic.SkipExternalRefResolution = cfg.SkipExternalRefResolution
	ic.ResolveNestedRefsWithDocumentContext = cfg.ResolveNestedRefsWithDocumentContext
	ic.AvoidCircularReferenceCheck = true
	baseURL := cfg.BaseURL
	if info.Self != "" && baseURL == nil { // an OpenAPI 3.2 $self is the base of relative references
		if u, err := url.Parse(info.Self); err != nil {
			if info.Error == nil {
				info.Error = fmt.Errorf("$self field contains invalid URL: %w", err)
			}
		} else {
			baseURL = u
		}
	}
	if baseURL != nil {
		baseURL.Path, _ = strings.CutSuffix(baseURL.Path, "/")
	}
	ic.BaseURL = baseURL
	ic.BasePath = cfg.BasePath
	ic.SpecFilePath = cfg.SpecFilePath
	ic.Logger = cfg.Logger
	ic.ExtractRefsSequentially = cfg.ExtractRefsSequentially
	rolodex := index.NewRolodex(ic)
	rolodex.SetRootNode(info.RootNode)
	if cfg.AllowRemoteReferences {
		panic("load: indexDescription does not follow createDocument for remote references")
	}
	if ic.BasePath != "" || cfg.AllowFileReferences {
		cwd, _ := filepath.Abs(cfg.BasePath)
		// A supplied file system (the one that confines $refs to the allowed roots) is
		// wrapped as createDocument wraps it; without one, the local disk at cwd.
		conf := &index.LocalFSConfig{BaseDirectory: cwd, IndexConfig: ic, FileFilters: cfg.FileFilter}
		var fileFS index.RolodexFS
		if rfs, ok := cfg.LocalFS.(index.RolodexFS); ok {
			fileFS = rfs
		} else {
			conf.DirFS = cfg.LocalFS // nil: the local disk
			fileFS, _ = index.NewLocalFSWithConfig(conf)
			ic.AllowFileLookup = true
		}
		rolodex.AddLocalFS(cwd, fileFS)
	}
	_ = rolodex.IndexTheRolodex(context.Background())
	if !cfg.SkipCircularReferenceCheck {
		rolodex.CheckForCircularReferences()
	}
	return rolodex
}

type keyValue struct{ key, value *yaml.Node }

// documentNode finds a top-level field as createDocument does: the first key of the root
// mapping, else (unless topOnly) the first such key anywhere.
func documentNode(root *yaml.Node, label string, topOnly bool) keyValue {
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := utils.NodeAlias(root.Content[i]); k.Value == label {
			return keyValue{k, utils.NodeAlias(root.Content[i+1])}
		}
	}
	if topOnly {
		_, k, v := utils.FindKeyNodeFullTop(label, root.Content)
		return keyValue{k, v}
	}
	_, k, v := utils.FindKeyNodeFull(label, root.Content)
	return keyValue{k, v}
}

// listPaths lists the path items of the paths object paths (nil when there is none), as
// Paths.Build and extractPathItemsMap do, and builds in full those a copy cannot list.
// Its error is extractPathItemsMap's: a path item $ref that points at nothing, which
// leaves the model without paths.
func (m *model) listPaths(paths *yaml.Node) error {
	if paths == nil {
		return nil
	}
	paths = utils.NodeAlias(paths)
	utils.CheckForMergeNodes(paths)
	var entries []keyValue
	skip := false
	var key *yaml.Node
	for i, n := range paths.Content { // extractPathItemsMap's walk, extensions skipped
		if len(n.Value) >= 2 && (n.Value[0] == 'x' || n.Value[0] == 'X') && n.Value[1] == '-' {
			skip = true
			continue
		}
		if skip {
			skip = false
			continue
		}
		if i%2 == 0 {
			key = n
			continue
		}
		entries = append(entries, keyValue{key, n})
	}
	items := map[string]*pathItem{}
	var order []*pathItem
	for _, e := range entries {
		it := &pathItem{m: m, path: e.key.Value, key: e.key, value: e.value}
		if isRef, _, _ := utils.IsNodeRefValue(e.value); isRef {
			full, err := m.buildPathItem(e.key, e.value)
			if err != nil {
				return err
			}
			it.once.Do(func() { it.full = full })
		}
		if prev := items[it.path]; prev != nil { // an ordered map by path: the later replaces the earlier in place
			order[slices.Index(order, prev)] = it
		} else {
			order = append(order, it)
		}
		items[it.path] = it
	}
	m.items, m.order = items, order
	return nil
}

// buildPathItem builds a path item as extractPathItemsMap and NewPaths do.
func (m *model) buildPathItem(key, value *yaml.Node) (*v3.PathItem, error) {
	ctx, idx := m.ctx, m.idx
	var refNode *yaml.Node
	if isRef, _, _ := utils.IsNodeRefValue(value); isRef {
		refNode = value
		r, fIdx, err, fCtx := low.LocateRefNodeWithContext(ctx, value, m.idx)
		if r == nil {
			return nil, fmt.Errorf("path item build failed: cannot find reference: '%s' at line %d, col %d",
				value.Content[1].Value, value.Content[1].Line, value.Content[1].Column)
		}
		value, ctx = r, fCtx
		if err != nil && !m.idx.AllowCircularReferenceResolving() {
			return nil, fmt.Errorf("path item build failed: %s", err.Error())
		}
		if fIdx != nil {
			idx = fIdx
		}
	}
	p := new(v3low.PathItem)
	_ = low.BuildModel(value, p)
	_ = p.Build(ctx, key, value, idx) // an error leaves what was built, as libopenapi keeps it
	if refNode != nil {
		p.SetReference(refNode.Content[1].Value, refNode)
	}
	p.Nodes.Store(key.Line, key)
	return v3.NewPathItem(p), nil
}

// built is the path item built in full.
func (p *pathItem) built() *v3.PathItem {
	p.once.Do(func() {
		p.full, _ = p.m.buildPathItem(p.key, p.value) // not a $ref: those were built at once
	})
	return p.full
}

// listing is a path item with the operations libopenapi finds in it, each holding its
// operationId only unless full: unless the path item is built in full.
func (p *pathItem) listing() (item *v3.PathItem, full bool) {
	if p.full != nil {
		return p.full, true
	}
	stub := stubPathItem(p.value)
	if stub == nil {
		return p.built(), true
	}
	item, _ = p.m.buildPathItem(p.key, stub)
	if item.AdditionalOperations != nil && item.AdditionalOperations.Len() > 0 {
		// Whether libopenapi keeps these depends on how the other operations build.
		return p.built(), true
	}
	return item, false
}

// stubPathItem copies a path item's mapping, with each operation of a standard method
// replaced by a mapping of its operationId alone. Nil when the copy could list other
// operations than the path item does: when the path item is a $ref or not a mapping, or
// it or an operation has YAML merge keys, or an operation is an alias or a $ref.
func stubPathItem(item *yaml.Node) *yaml.Node {
	n := utils.NodeAlias(item)
	if n == nil || n.Kind != yaml.MappingNode || hasMergeKey(n) {
		return nil
	}
	if isRef, _, _ := utils.IsNodeRefValue(n); isRef {
		return nil
	}
	c := *n
	c.Content = slices.Clone(n.Content)
	for i := 0; i+1 < len(c.Content); i += 2 {
		if !isMethod(c.Content[i].Value) {
			continue
		}
		op := c.Content[i+1]
		if op.Kind == yaml.AliasNode {
			return nil
		}
		if op.Kind != yaml.MappingNode {
			continue // as written: libopenapi does with it what it would do anyway
		}
		if isRef, _, _ := utils.IsNodeRefValue(op); isRef || hasMergeKey(op) {
			return nil
		}
		s := &yaml.Node{Kind: op.Kind, Style: op.Style, Tag: op.Tag, Line: op.Line, Column: op.Column}
		for j := 0; j+1 < len(op.Content); j += 2 {
			// BuildModel matches field names without regard to case; the first wins.
			if strings.ToLower(utils.NodeAlias(op.Content[j]).Value) == "operationid" {
				s.Content = append(s.Content, op.Content[j], op.Content[j+1])
			}
		}
		c.Content[i+1] = s
	}
	return &c
}

func isMethod(s string) bool {
	switch s {
	case v3low.GetLabel, v3low.PostLabel, v3low.PutLabel, v3low.PatchLabel, v3low.DeleteLabel,
		v3low.HeadLabel, v3low.OptionsLabel, v3low.TraceLabel, v3low.QueryLabel:
		return true
	}
	return false
}

func hasMergeKey(n *yaml.Node) bool {
	for i := 0; i < len(n.Content); i += 2 {
		if n.Content[i] != nil && n.Content[i].Tag == "!!merge" {
			return true
		}
	}
	return false
}
