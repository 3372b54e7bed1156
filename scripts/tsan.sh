#!/bin/sh
# Runs the whole test suite under ThreadSanitizer and fails on any warning.
#
# The suite runs its tests in parallel, and ExecutionTests trains two networks at once on two
# threads with different thread counts, so a setting shared between trainings (a global
# backend, a thread count written mid-epoch) shows up here as a data race. Takes about ten
# minutes on two cores; it builds into its own scratch directory so it leaves .build alone.
#
#   scripts/tsan.sh [SCRATCH_DIRECTORY]
set -eu
cd "$(dirname "$0")/.."
scratch="${1:-.build-tsan}"
log="$(mktemp)"
trap 'rm -f "$log"' EXIT
status=0
swift test -c release --sanitize=thread --scratch-path "$scratch" >"$log" 2>&1 || status=$?
warnings=$(grep -c "WARNING: ThreadSanitizer" "$log" || true)
tail -n 3 "$log"
if [ "$warnings" -ne 0 ]; then
    grep -A 30 "WARNING: ThreadSanitizer" "$log" | head -n 120
    echo "tsan.sh: $warnings ThreadSanitizer warning(s)" >&2
    exit 1
fi
if [ "$status" -ne 0 ]; then
    grep -E "✘|error:" "$log" | head -n 40
    echo "tsan.sh: the tests failed (status $status)" >&2
    exit "$status"
fi
echo "tsan.sh: no ThreadSanitizer warning"
