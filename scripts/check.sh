#!/usr/bin/env bash
# Fails when committed generated code is stale or the tree is not clean in the ways CI cares
# about. Prints what is wrong; changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0

unformatted=$(gofmt -l $(git ls-files '*.go'))
if [ -n "$unformatted" ]; then
  echo "check: gofmt would change:"; echo "$unformatted"; status=1
fi

go vet ./... || status=1

# libopenapi must stay at v0.40.1: newer versions need a module the proxy refuses.
if ! go list -m github.com/pb33f/libopenapi | grep -q ' v0.40.1$'; then
  echo "check: github.com/pb33f/libopenapi must be pinned at v0.40.1"; status=1
fi

if ! go mod tidy -diff >/dev/null 2>&1; then
  echo "check: go.mod/go.sum are not tidy:"; go mod tidy -diff || true; status=1
fi

# The runtime and all its packages import only the standard library.
nonstd=$(go list -deps -f '{{if not .Standard}}{{.ImportPath}}{{end}}' ./runtime/... | grep -v '^github.com/arazzogen/arazzogen/runtime' || true)
if [ -n "$nonstd" ]; then
  echo "check: the runtime imports non-standard packages:"; echo "$nonstd"; status=1
fi

# Every committed generated package is regenerated in memory and compared (-check), from the
# arguments of its go:generate line.
bin=$(mktemp -d)/arazzogen
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/arazzogen
directive='//go:generate go tool arazzogen '
while IFS= read -r file; do
  line=$(grep -m1 "^$directive" "$file")
  args=${line#"$directive"}
  dir=$(dirname "$file")
  # shellcheck disable=SC2086
  if ! (cd "$dir" && "$bin" -check $args 2>/tmp/arazzogen-check.$$); then
    echo "check: generated code in $dir is stale (run 'make generate'):"
    grep -v ': warning: \|^	hint: ' /tmp/arazzogen-check.$$ || true
    status=1
  fi
  rm -f /tmp/arazzogen-check.$$
done < <(grep -rl --include='*.go' "^$directive" examples mcp/examples temporal/internal)

[ "$status" -eq 0 ] && echo "check: ok"
exit "$status"
