#!/usr/bin/env bash
# Remakes src/content_huffman.h: the deflate symbol counts from which the
# Huffman code for page content is built (src/flate.c). The sample is a
# night of 100 cases in each catalog's language (PIN letters left out),
# up to 1 MB of streams each, so that no one script's letters weigh more.
# Run after a change to what pages draw; then make, and check the sizes
# make bench prints. Needs a build (make) and python3.
set -eu
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HERE=$ROOT/tests/e2e
. "$HERE/lib.sh"
tmp=$(mktemp -d /tmp/noticegen-huffman.XXXXXX)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT

"$GEN" --out "$tmp/base.db" --cases 100 --seed 7 --as-of 2026-11-03 >/dev/null
"$NG" keygen "$tmp/pin.key"
cc -O2 -o "$tmp/count" "$ROOT/scripts/content_huffman.c" -lisal
for cat in "$ROOT"/config/lang/*.cat; do
	lang=$(basename "$cat" .cat)
	cp "$tmp/base.db" "$tmp/ledger.db"
	sqlite3 "$tmp/ledger.db" "UPDATE parties SET lang = '$lang';"
	write_config "$tmp/c.ini" "$tmp" && set_key "$tmp/c.ini" paths output "$tmp/out-$lang"
	"$NG" run --config "$tmp/c.ini" --date 2026-11-03 --quiet 2>/dev/null || [ $? -eq 1 ]
	python3 - "$tmp/out-$lang" <<'PY'
import glob, re, struct, sys, zlib
# Each stream a document compresses (not a font program or glyph map, image or form), as length and bytes.
out, left = sys.stdout.buffer, 1000000
for f in sorted(glob.glob(sys.argv[1] + '/*/cases/*/*.pdf')):
    if '/pinletter' in f:
        continue
    pdf = open(f, 'rb').read()
    maps = set(re.findall(rb'/CIDToGIDMap (\d+) 0 R', pdf))  # a font's, compressed once a run
    for m in re.finditer(rb'(\d+) 0 obj\s*(.*?)endobj', pdf, re.S):
        head, _, data = m.group(2).partition(b'stream')
        if not data or m.group(1) in maps or re.search(rb'/Length1|/Type|/Subtype', head) or left <= 0:
            continue
        raw = zlib.decompressobj().decompress(data.lstrip(b'\r\n'))
        out.write(struct.pack('<I', len(raw)) + raw)
        left -= len(raw)
PY
done > "$tmp/sample"
"$tmp/count" < "$tmp/sample" > "$ROOT/src/content_huffman.h"
echo "content-huffman: src/content_huffman.h made from $(wc -c < "$tmp/sample") bytes"
