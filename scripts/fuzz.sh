#!/usr/bin/env bash
# libFuzzer targets for the file readers (Fuzz/Targets/*.swift), built outside SwiftPM so
# that `swift build` and `swift test` never see them.
#
#   scripts/fuzz.sh build              build every target into .build-fuzz/libfuzzer/bin
#   scripts/fuzz.sh run TARGET SECONDS fuzz one target, corpus Fuzz/corpus/TARGET
#   scripts/fuzz.sh all SECONDS        fuzz every target in turn, SECONDS each
#   scripts/fuzz.sh list               the target names
#
# Build recipe: the library's Swift sources are compiled once, whole-module, into one object
# with libFuzzer coverage and AddressSanitizer (-sanitize=fuzzer,address) and -enable-testing,
# so that targets can `@testable import Backprop` and reach internal bytes-level entry points.
# The C kernels are compiled with clang -fsanitize=address; zlib comes from the system (-lz).
# Each target is then compiled and linked against that object with libFuzzer's main.
#
# A finding is a trap, a sanitizer report, an allocation over 2 GiB, an input taking over 10 s,
# or a broken promise checked by the target: every thrown error's description must be one
# line naming the file (BACKPROP_FUZZ_LENIENT_MESSAGES=1 skips that check, to go on looking
# for traps in a reader whose messages are known to break it). Findings (crash-*, oom-*,
# timeout-*) are written to .build-fuzz/libfuzzer/findings/TARGET; new corpus entries go to
# .build-fuzz/libfuzzer/corpus/TARGET, never into the seeds (Fuzz/make-seeds.py writes those).
# Fuzz/dictionaries/TARGET.dict, where present, gives libFuzzer the format's tokens.
# The library is built from a commit (git archive; FUZZ_REV, default HEAD), so that files
# being edited in the working tree cannot break the build; FUZZ_REV=worktree builds the
# working tree as it is.
# Environment: SWIFTC, CLANG (toolchain tools), FUZZ_ARGS (extra libFuzzer flags).
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
out="$root/.build-fuzz/libfuzzer"
swiftc="${SWIFTC:-$(command -v swiftc)}"
clang="${CLANG:-$(dirname "$swiftc")/clang}"
targets=(safetensors json idx npy gzip csv cs229-csv model-file checkpoint)

max_len() {
    case "$1" in
        model-file) echo 8192 ;;
        checkpoint) echo 16384 ;;
        *) echo 4096 ;;
    esac
}

build() {
    mkdir -p "$out/objects" "$out/modules" "$out/bin" "$out/cmodules/CBackpropKernels"
    local src="$root/Sources"
    local revision="${FUZZ_REV:-HEAD}"
    if [[ "$revision" != worktree ]]; then
        src="$out/source"
        rm -rf "$src" && mkdir -p "$src"
        git -C "$root" archive "$revision" Sources/Backprop Sources/CBackpropKernels Sources/CZlib \
            | tar -x -C "$src" --strip-components=1
        echo "library sources: commit $(git -C "$root" rev-parse --short "$revision")"
    fi
    # SwiftPM writes this module map for the C target's include folder; outside SwiftPM we do.
    cat > "$out/cmodules/CBackpropKernels/module.modulemap" <<MAP
module CBackpropKernels {
    umbrella header "$src/CBackpropKernels/include/CBackpropKernels.h"
    export *
}
MAP
    local cflags=(-O2 -fPIC -fsanitize=address -I "$src/CBackpropKernels/include")
    local kernels=()
    for source in "$src"/CBackpropKernels/*.c; do
        local object="$out/objects/$(basename "${source%.c}").o"
        echo "clang $(basename "$source")"
        "$clang" "${cflags[@]}" -c "$source" -o "$object"
        kernels+=("$object")
    done
    local moduleflags=(
        -Xcc -fmodule-map-file="$out/cmodules/CBackpropKernels/module.modulemap"
        -Xcc -fmodule-map-file="$src/CZlib/module.modulemap"
    )
    echo "swiftc Backprop (whole module, -O, fuzzer and address sanitizers)"
    local sources=()
    while IFS= read -r -d '' source; do sources+=("$source"); done \
        < <(find "$src/Backprop" -name '*.swift' -print0 | sort -z)
    "$swiftc" -module-name Backprop -parse-as-library -O -wmo -enable-testing \
        -sanitize=fuzzer,address "${moduleflags[@]}" \
        -emit-module -emit-module-path "$out/modules/Backprop.swiftmodule" \
        -c "${sources[@]}" -o "$out/objects/Backprop.o"
    for target in "${targets[@]}"; do
        echo "swiftc fuzz-$target"
        local module="Fuzz$(echo "$target" | tr -d '-')"
        "$swiftc" -module-name "$module" -parse-as-library -O \
            -sanitize=fuzzer,address -use-ld=lld "${moduleflags[@]}" -I "$out/modules" \
            "$root/Fuzz/Targets/$target.swift" "$root/Fuzz/Support/FuzzInput.swift" \
            "$out/objects/Backprop.o" "${kernels[@]}" -lz \
            -o "$out/bin/fuzz-$target"
    done
}

run() {
    local target="$1" seconds="$2"
    local binary="$out/bin/fuzz-$target"
    [[ -x "$binary" ]] || { echo "no $binary; run: scripts/fuzz.sh build" >&2; exit 1; }
    local corpus="$out/corpus/$target" findings="$out/findings/$target"
    mkdir -p "$corpus" "$findings"
    local dictionary=()
    [[ -f "$root/Fuzz/dictionaries/$target.dict" ]] && dictionary=(-dict="$root/Fuzz/dictionaries/$target.dict")
    # Swift's runtime keeps metadata caches for the life of the process, which
    # LeakSanitizer would report after every run: leaks are not what these targets look for.
    # Swift's own crash backtracer reads memory that AddressSanitizer then reports; libFuzzer
    # prints the stack itself.
    ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" SWIFT_BACKTRACE="${SWIFT_BACKTRACE:-enable=no}" "$binary" \
        -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$(max_len "$target")" \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$findings/" "${dictionary[@]}" \
        ${FUZZ_ARGS:-} "$corpus" "$root/Fuzz/corpus/$target"
}

case "${1:-}" in
    build) build ;;
    run) [[ $# -eq 3 ]] || { echo "usage: $0 run TARGET SECONDS" >&2; exit 2; }; run "$2" "$3" ;;
    all)
        [[ $# -eq 2 ]] || { echo "usage: $0 all SECONDS" >&2; exit 2; }
        failed=()
        for target in "${targets[@]}"; do run "$target" "$2" || failed+=("$target"); done
        [[ ${#failed[@]} -eq 0 ]] || { echo "findings in: ${failed[*]}" >&2; exit 1; } ;;
    list) printf '%s\n' "${targets[@]}" ;;
    *) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
