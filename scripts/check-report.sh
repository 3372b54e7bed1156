#!/usr/bin/env bash
# Renders an HTML training report with headless Chromium and checks that the screenshot is
# not blank: the PNG must exist, exceed a minimum size and (when python3 is available) hold
# more than a handful of distinct colors.
#
# Usage: scripts/check-report.sh REPORT.html [OUTPUT.png] [WIDTH,HEIGHT]
#   OUTPUT.png defaults to REPORT.png next to the report; the window defaults to 1000,2000.
# Needs Chromium (Debian: apt-get install -y chromium). Exit status 0 when the check passes.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 3 ]]; then
    echo "usage: $0 REPORT.html [OUTPUT.png] [WIDTH,HEIGHT]" >&2
    exit 2
fi
report=$1
output=${2:-${report%.html}.png}
window=${3:-1000,2000}
minimum_bytes=${MINIMUM_PNG_BYTES:-20000}

if [[ ! -f $report ]]; then
    echo "check-report: $report: no such file" >&2
    exit 2
fi
browser=""
for candidate in chromium chromium-browser google-chrome; do
    if command -v "$candidate" >/dev/null 2>&1; then browser=$candidate; break; fi
done
if [[ -z $browser ]]; then
    echo "check-report: no Chromium found (Debian: apt-get install -y chromium)" >&2
    exit 2
fi

absolute_report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
absolute_output=$(mkdir -p "$(dirname "$output")" && cd "$(dirname "$output")" && pwd)/$(basename "$output")
rm -f "$absolute_output"
# The report needs no network: every request goes to a closed local port, so the screenshot
# shows the report as it renders offline. (Turning scripts off with --blink-settings also
# stops headless Chromium from taking the screenshot, so JavaScript stays on.)
"$browser" --headless --no-sandbox --disable-gpu --hide-scrollbars \
    --no-first-run --no-default-browser-check \
    --proxy-server=127.0.0.1:9 --window-size="$window" \
    --screenshot="$absolute_output" "file://$absolute_report" >/dev/null 2>&1 || true

if [[ ! -s $absolute_output ]]; then
    echo "check-report: FAIL: Chromium wrote no screenshot to $absolute_output" >&2
    exit 1
fi
bytes=$(wc -c <"$absolute_output")
if (( bytes < minimum_bytes )); then
    echo "check-report: FAIL: $absolute_output is only $bytes bytes (minimum $minimum_bytes): blank page?" >&2
    exit 1
fi

if command -v python3 >/dev/null 2>&1; then
    # Decode the PNG with the standard library (zlib + PNG row filters) and count colors.
    python3 - "$absolute_output" <<'PYTHON'
import struct, sys, zlib

path = sys.argv[1]
data = open(path, "rb").read()
if data[:8] != b"\x89PNG\r\n\x1a\n":
    sys.exit(f"check-report: FAIL: {path} is not a PNG")
offset, idat, header = 8, b"", None
while offset < len(data):
    length, kind = struct.unpack(">I4s", data[offset:offset + 8])
    body = data[offset + 8:offset + 8 + length]
    if kind == b"IHDR":
        header = struct.unpack(">IIBBBBB", body)
    elif kind == b"IDAT":
        idat += body
    offset += 12 + length
width, height, depth, color_type, _, _, interlace = header
channels = {0: 1, 2: 3, 4: 2, 6: 4}.get(color_type)
if depth != 8 or channels is None or interlace != 0:
    print(f"check-report: {path}: {width}x{height}, color type {color_type}; color count skipped")
    sys.exit(0)
raw = zlib.decompress(idat)
stride = width * channels
previous = bytearray(stride)
colors = set()
position = 0
for row in range(height):
    kind = raw[position]
    line = bytearray(raw[position + 1:position + 1 + stride])
    position += 1 + stride
    for i in range(stride):
        left = line[i - channels] if i >= channels else 0
        up = previous[i]
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            upper_left = previous[i - channels] if i >= channels else 0
            estimate = left + up - upper_left
            a, b, c = abs(estimate - left), abs(estimate - up), abs(estimate - upper_left)
            line[i] = (line[i] + (left if a <= b and a <= c else up if b <= c else upper_left)) & 0xFF
    if row % 4 == 0:
        for i in range(0, stride, channels * 4):
            colors.add(bytes(line[i:i + channels]))
    previous = line
print(f"check-report: {path}: {width}x{height}, {len(colors)} distinct colors sampled")
if len(colors) < 16:
    sys.exit(f"check-report: FAIL: only {len(colors)} distinct colors: the page looks blank")
PYTHON
fi
echo "check-report: OK: $absolute_output ($bytes bytes)"
