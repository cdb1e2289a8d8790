#!/usr/bin/env bash
# Mutation testing: plants small bugs (gremlins) in a package and runs its tests against
# each, to find tests that pass whatever the code does. Not in CI's time budget: it runs
# each package's tests once per mutant (minutes per package on two cores).
#   sudo ./scripts/mutation.sh                 # lab/mnt, scenarios, lab, tui/term
#   sudo ./scripts/mutation.sh ./lab/mnt       # one package
# Prints killed/lived/not covered/timed out and the two scores per package: efficacy
# (killed ÷ killed+lived) and mutator coverage (killed+lived ÷ all found).
set -euo pipefail
cd "$(dirname "$0")/.."
version=v0.6.0
gremlins=$(go env GOPATH)/bin/gremlins
if ! [ -x "$gremlins" ] || ! "$gremlins" --version >/dev/null 2>&1; then
  echo "mutation: installing gremlins $version from the Go module proxy" >&2
  go install "github.com/go-gremlins/gremlins/cmd/gremlins@$version"
fi
pkgs=("$@")
[ ${#pkgs[@]} -gt 0 ] || pkgs=(./lab/mnt ./scenarios ./lab ./tui/term)
# Which files of a package to mutate: its own (-E / leaves out its subpackages); in lab only
# the OSC 133 marks (osc133.go), since every other file there needs a whole lab per mutant.
excludes() {
  printf "%s\n" -E /
  if [ "$1" = ./lab ]; then
    for f in lab/*.go; do
      f=${f#lab/}
      case $f in osc133.go | *_test.go) ;; *) printf "%s\n" -E "^$f\$" ;; esac
    done
  fi
}
# -count=1: gremlins times each mutant against its coverage run; a cached one (0.4 s) gives
# limits far too short, and mutants "time out" instead of being killed.
export GOFLAGS="${GOFLAGS:+$GOFLAGS }-count=1"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
printf '%-12s %7s %6s %12s %9s %9s %9s\n' package killed lived "not covered" "timed out" efficacy coverage
for p in "${pkgs[@]}"; do
  name=${p#./}; [ "$p" = ./lab ] && name="lab(marks)"
  # Each package alone (gremlins runs the tests of the package it mutates); generous
  # timeouts, since the kernel tests start namespaces and shells.
  # shellcheck disable=SC2046 # excludes prints flag pairs on purpose
  "$gremlins" unleash --silent --workers 1 --timeout-coefficient 10 $(excludes "$p") \
    --output "$out/${name//\//_}.json" "$p" >"$out/${name//\//_}.log" 2>&1 || true
  f=$out/${name//\//_}.json
  if ! [ -s "$f" ]; then
    echo "mutation: gremlins wrote no results for $p:" >&2; cat "$out/${name//\//_}.log" >&2; continue
  fi
  python3 - "$f" "$name" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
c = {}
for f in r.get("files", []):
    for m in f.get("mutations", []):
        c[m["status"]] = c.get(m["status"], 0) + 1
k, l = c.get("KILLED", 0), c.get("LIVED", 0)
nc, to = c.get("NOT COVERED", 0), c.get("TIMED OUT", 0)
eff = 100 * k / (k + l) if k + l else 0
cov = 100 * (k + l) / (k + l + nc) if k + l + nc else 0
print(f"{sys.argv[2]:<12} {k:7} {l:6} {nc:12} {to:9} {eff:8.1f}% {cov:8.1f}%")
for f in r.get("files", []):
    for m in f.get("mutations", []):
        if m["status"] in ("LIVED", "NOT COVERED"):
            print(f"    {m['status']:<11} {f['file_name']}:{m['line']}:{m['column']} {m['type']}", file=sys.stderr)
PY
done
