#!/usr/bin/env bash
# Runs every native Go fuzz target of the module, one after the other, for a
# bounded time each; .ci/run calls it after the tests.
#
#   scripts/fuzz.sh [packages...]        (default ./...)
#
# Environment:
#   FUZZTIME          time (or Nx runs) per target        default 20s
#   FUZZMINIMIZETIME  time to minimise a new input         default 2s
#   FUZZPARALLEL      fuzzing workers per target           default 1
#   FUZZTIMEOUT       go test -timeout per target          default 30m
#   FUZZ_TARGETS      regexp: run only the targets it matches (e.g. 'FuzzLoad|FuzzVerifyJSON')
#   FUZZLOG           append "package target execs status date fuzztime" lines to this file
#   ROBUST_ALLOC=0    skip the allocation budgets (see below)
#
# Before fuzzing it runs internal/robust's allocation budgets in a build
# without -race (the CI test step runs with -race, under which the budgets
# cannot be measured and are skipped).
#
# A target that fails leaves its input under <package>/testdata/fuzz/<Target>/:
# fix the bug, then commit that file — `go test` replays it as a
# regression case from then on. The script goes on with the other targets
# and exits 1 at the end if any failed. docs/ROBUSTNESS.md has the details.
set -euo pipefail
cd "$(dirname "$0")/.."

FUZZTIME="${FUZZTIME:-20s}"
FUZZMINIMIZETIME="${FUZZMINIMIZETIME:-2s}"
FUZZPARALLEL="${FUZZPARALLEL:-1}"
FUZZTIMEOUT="${FUZZTIMEOUT:-30m}"
FUZZ_TARGETS="${FUZZ_TARGETS:-.}"
pkgs=("$@")
[ ${#pkgs[@]} -eq 0 ] && pkgs=(./...)

failed=()

if [ "${ROBUST_ALLOC:-1}" != 0 ] && [ -d internal/robust ]; then
  echo "== allocation budgets (internal/robust, without -race)"
  if ! go test -count=1 -run 'TestCraftedInputAllocations|TestValidInputAllocations' ./internal/robust; then
    failed+=("internal/robust allocation budgets")
  fi
fi

echo "== listing fuzz targets: go test -list '^Fuzz' ${pkgs[*]}"
listing=$(go test -list '^Fuzz' -run '^$' "${pkgs[@]}" 2>&1) || {
  echo "$listing" | grep -v '^Fuzz' >&2
  echo "fuzz.sh: listing the fuzz targets failed (a package does not build?)" >&2
  exit 1
}
# go test -list prints the matching names of a package, then "ok <package> <time>".
targets=$(echo "$listing" | awk '
  /^Fuzz[A-Za-z0-9_]*$/ { names[++n] = $1; next }
  /^ok[ \t]/ { for (i = 1; i <= n; i++) print $2, names[i]; n = 0; next }
  { n = 0 }')
targets=$(echo "$targets" | awk -v re="$FUZZ_TARGETS" 'NF == 2 && $2 ~ re')
if [ -z "$targets" ]; then
  echo "fuzz.sh: no fuzz targets found" >&2
  exit 1
fi
echo "$targets" | sed 's/^/   /'

# deadline_race LOG: whether a failed run is only golang/go#75804: the
# coordinator reports "context deadline exceeded" as the target's failure
# when -fuzztime runs out while a worker is mid-call. It is that and
# nothing else when the failure is exactly that line and no failing input
# was written.
deadline_race() {
  grep -q '^    context deadline exceeded$' "$1" &&
    ! grep -q 'Failing input written to' "$1" &&
    ! grep -q -e 'panic:' -e '^    .*_test.go:[0-9]*:' "$1"
}

summary=()
while read -r pkg target; do
  echo "== $pkg $target (fuzztime $FUZZTIME, $FUZZPARALLEL worker(s))"
  log=$(mktemp)
  # -run '^$' skips the package's tests; the seed corpus of the target
  # itself still runs first.
  if go test -count=1 -run '^$' -fuzz "^${target}\$" -fuzztime "$FUZZTIME" \
      -fuzzminimizetime "$FUZZMINIMIZETIME" -parallel "$FUZZPARALLEL" \
      -timeout "$FUZZTIMEOUT" "$pkg" < /dev/null > "$log" 2>&1; then
    status=ok
  elif deadline_race "$log"; then
    # Go's fuzz coordinator (go1.26 and older) can report its own
    # -fuzztime deadline as a failure of the target: golang/go#75804.
    # No input failed and none was written; the target did run its time.
    status="ok (go#75804: the coordinator's deadline, no failing input)"
  else
    status=FAILED
    failed+=("$pkg $target")
  fi
  grep -v '^fuzz: elapsed:' "$log" || true
  grep '^fuzz: elapsed:' "$log" | tail -1 || true
  execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | awk '{print $2}')
  execs="${execs:-0}"
  summary+=("$(printf '%-55s %-24s %12s  %s' "$pkg" "$target" "$execs" "$status")")
  if [ -n "${FUZZLOG:-}" ]; then
    echo "$pkg $target $execs $status $(date -u +%Y-%m-%dT%H:%M:%SZ) fuzztime=$FUZZTIME" >> "$FUZZLOG"
  fi
  rm -f "$log"
done <<< "$targets"

echo "== fuzzing summary (execs = executions counted by go test)"
printf '%s\n' "${summary[@]}"
if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz.sh: FAILED: ${failed[*]}" >&2
  echo "fuzz.sh: failing inputs are under <package>/testdata/fuzz/<Target>/; commit them with the fix" >&2
  exit 1
fi
echo "fuzz.sh: every target ran for $FUZZTIME without a finding"
