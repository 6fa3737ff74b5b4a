#!/usr/bin/env bash
# Regenerates the packages of the temporal module (temporal/internal) from their
# //go:generate lines. `go generate` cannot run them there: the generator belongs to the
# root module, whose dependencies the temporal module does not require.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)/arazzogen
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./cmd/arazzogen
while IFS= read -r file; do
  line=$(grep -m1 '^//go:generate go run github.com/arazzogen/arazzogen/cmd/arazzogen ' "$file")
  args=${line#//go:generate go run github.com/arazzogen/arazzogen/cmd/arazzogen }
  # shellcheck disable=SC2086
  if ! out=$(cd "$(dirname "$file")" && "$bin" $args 2>&1); then
    echo "$file:"; echo "$out"; exit 1
  fi
done < <(grep -rl --include='*.go' '^//go:generate go run github.com/arazzogen/arazzogen/cmd/arazzogen ' temporal/internal)
