package xpath

type axis uint8

const (
	axisAncestor axis = iota
	axisAncestorOrSelf
	axisAttribute
	axisChild
	axisDescendant
	axisDescendantOrSelf
	axisFollowing
	axisFollowingSibling
	axisNamespace
	axisParent
	axisPreceding
	axisPrecedingSibling
	axisSelf
)

var axisByName = map[string]axis{
	"ancestor":           axisAncestor,
	"ancestor-or-self":   axisAncestorOrSelf,
	"attribute":          axisAttribute,
	"child":              axisChild,
	"descendant":         axisDescendant,
	"descendant-or-self": axisDescendantOrSelf,
	"following":          axisFollowing,
	"following-sibling":  axisFollowingSibling,
	"namespace":          axisNamespace,
	"parent":             axisParent,
	"preceding":          axisPreceding,
	"preceding-sibling":  axisPrecedingSibling,
	"self":               axisSelf,
}

// reverse reports a reverse axis, whose proximity positions count backwards from the
// context node (§2.4).
func (a axis) reverse() bool {
	return a == axisAncestor || a == axisAncestorOrSelf || a == axisPreceding || a == axisPrecedingSibling
}

// principal is the node type that name tests select on the axis (§2.3).
func (a axis) principal() NodeType {
	switch a {
	case axisAttribute:
		return AttributeNode
	case axisNamespace:
		return NamespaceNode
	}
	return ElementNode
}

// owner is the element an attribute or namespace node belongs to; such nodes have a parent
// but are nobody's child, so sibling and document-order walks start from the owner.
func owner(n *Node) *Node {
	if n.typ == AttributeNode || n.typ == NamespaceNode {
		return n.parent
	}
	return nil
}

func root(n *Node) *Node {
	for n.parent != nil {
		n = n.parent
	}
	return n
}

// collect appends to buf the nodes on axis a from n that pass t, in axis order (reverse
// document order for reverse axes).
func (a axis) collect(n *Node, t *nodeTest, buf []*Node, b *budget) []*Node {
	add := func(x *Node) {
		b.spend(1)
		if t.match(x) {
			buf = append(buf, x)
		}
	}
	switch a {
	case axisSelf:
		add(n)
	case axisChild:
		for _, x := range n.children {
			add(x)
		}
	case axisAttribute:
		for _, x := range n.attrs {
			add(x)
		}
	case axisNamespace:
		for x := n; x != nil; x = x.parent {
			b.spend(1) // namespaces walks up to the root
		}
		for _, x := range n.namespaces() {
			add(x)
		}
	case axisDescendantOrSelf:
		add(n)
		fallthrough
	case axisDescendant:
		for x := firstInSubtree(n); x != nil; x = nextInSubtree(x, n) {
			add(x)
		}
	case axisParent:
		if n.parent != nil {
			add(n.parent)
		}
	case axisAncestorOrSelf:
		add(n)
		fallthrough
	case axisAncestor:
		for x := n.parent; x != nil; x = x.parent {
			add(x)
		}
	case axisFollowingSibling:
		if n.parent != nil && owner(n) == nil {
			for _, x := range n.parent.children[n.idx+1:] {
				add(x)
			}
		}
	case axisPrecedingSibling:
		if n.parent != nil && owner(n) == nil {
			for i := n.idx - 1; i >= 0; i-- {
				add(n.parent.children[i])
			}
		}
	case axisFollowing:
		// Everything after n in document order except its descendants. For an attribute
		// or namespace node that starts with its owner's children, which follow it.
		var x *Node
		if o := owner(n); o != nil {
			x = nextInSubtree(o, root(o))
		} else {
			x = afterSubtree(n)
		}
		for top := root(n); x != nil; x = nextInSubtree(x, top) {
			add(x)
		}
	case axisPreceding:
		// Everything before n in document order except its ancestors, in reverse. The
		// walk goes forward from the root, skipping the ancestors as it meets them in
		// order, and the matches are reversed afterwards.
		target := n
		if o := owner(n); o != nil {
			target = o
		}
		var ancestors []*Node
		for x := target.parent; x != nil && x.parent != nil; x = x.parent {
			b.spend(1)
			ancestors = append(ancestors, x)
		}
		start := len(buf)
		top := root(target)
		next := len(ancestors) - 1
		for x := firstInSubtree(top); x != nil && x != target; x = nextInSubtree(x, top) {
			if next >= 0 && x == ancestors[next] {
				next--
				continue
			}
			add(x)
		}
		for i, j := start, len(buf)-1; i < j; i, j = i+1, j-1 {
			buf[i], buf[j] = buf[j], buf[i]
		}
	}
	return buf
}

// afterSubtree is the first node after n and all its descendants in document order.
func afterSubtree(n *Node) *Node {
	for x := n; x.parent != nil; x = x.parent {
		if int(x.idx)+1 < len(x.parent.children) {
			return x.parent.children[x.idx+1]
		}
	}
	return nil
}
