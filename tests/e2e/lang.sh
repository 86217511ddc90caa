#!/bin/sh
# Languages end to end: a sample night with parties in all thirteen
# languages; every non-English document carries both parts; the Korean and
# Haitian Creole PIN letters carry the agency flyer's own sentences; the
# catalog report is honest about what is unreviewed.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
tmp=$(mktemp -d /tmp/noticegen-e2e-lang.XXXXXX)
[ "${KEEP:-}" = 1 ] && echo "# kept: $tmp" || trap 'rm -rf "$tmp"' EXIT

"$GEN" --out "$tmp/ledger.db" --cases 40 --seed 1 --as-of 2026-11-03 >/dev/null
"$NG" keygen "$tmp/pin.key"
write_config "$tmp/config.ini" "$tmp"
"$NG" run --config "$tmp/config.ini" --date 2026-11-03 --quiet 2>"$tmp/log"
rc=$?
[ "$rc" -le 1 ] && ok "the night runs (exit $rc)" || notok "the night failed (exit $rc): $(tail -n 3 "$tmp/log")"

python3 - "$tmp/out/2026-11-03" "$ROOT/config/lang" > "$tmp/checks" 2>&1 <<'PY'
import csv, functools, os, re, subprocess, sys, unicodedata
run, langdir = sys.argv[1], sys.argv[2]

@functools.lru_cache(maxsize=None)
def catalog(code):
    d = {}
    for line in open(os.path.join(langdir, code + ".cat"), encoding="utf-8"):
        m = re.match(r"^([a-z0-9_.]+)\s*\??=\s*(.*)$", line)
        if m:
            d[m.group(1)] = m.group(2).strip()
    return d

@functools.lru_cache(maxsize=None)
def pages(path):
    """The document's text, page by page (pdftotext once per document)."""
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", os.path.join(run, path), "-"],
                         capture_output=True, text=True).stdout
    return out.split("\f")

def flat(s):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", s))

def text(path):
    return flat("\f".join(pages(path)))

rows = list(csv.DictReader(open(os.path.join(run, "manifest.csv"), encoding="utf-8")))
langs = sorted({r["language"] for r in rows})
want = "ar bn en es fr ht it ko pl ru ur yi zh".split()
print(("ok" if langs == want else "not ok") + " - all thirteen languages in the manifest: " + " ".join(langs))

en = catalog("en")
titles = {"notice": "notice.title", "statement": "statement.title", "coupon": "coupon.title", "pinletter": "pin.title"}
checked, bad = 0, []
for r in rows:
    # Text extraction is reliable for left-to-right scripts drawn as text, Bengali included
    # (its glyph runs carry the text as /ActualText); Arabic-script (presentation forms,
    # visual order) is checked on pixels instead.
    if r["language"] in ("en", "ar", "ur", "yi"):
        continue
    t = text(r["pdf_path"])
    key = titles[r["doc_type"]]
    tr = catalog(r["language"])[key]
    if en[key] not in t or tr not in t or int(r["pages"]) < 2:
        bad.append(r["pdf_path"])
    checked += 1
print(("ok" if checked and not bad else "not ok") +
      f" - {checked} non-English documents carry the English and the translated title on two parts or more"
      + (f"; missing in {bad[:3]}" if bad else ""))

# Each part numbers its own pages: the translation's footers run 1..n of n, as the English ones do.
@functools.lru_cache(maxsize=None)
def footer_re(code):
    f = re.escape(unicodedata.normalize("NFKC", catalog(code)["footer"]))
    for k, v in (("case", r".+?"), ("title", r".+?"), ("page", r"(\d+)"), ("pages", r"(\d+)")):
        f = f.replace(re.escape("{" + k + "}"), v)
    return re.compile(f)

numbered, bad = 0, []
for r in rows:
    if r["language"] not in ("es", "ht", "ko", "pl", "ru"):
        continue
    got = {code: [m.groups() for m in map(footer_re(code).search, map(flat, pages(r["pdf_path"]))) if m]
           for code in ("en", r["language"])}
    for code, found in got.items():
        n = len(found)
        if not n or found != [(str(i + 1), str(n)) for i in range(n)]:
            bad.append((r["pdf_path"], code, found))
    numbered += 1
print(("ok" if numbered and not bad else "not ok") +
      f" - {numbered} bilingual documents number each part's pages 1..n of n" + (f"; {bad[:2]}" if bad else ""))

# No two words drawn over each other, in any language: poppler's word boxes, any two on a
# page sharing more than half of the smaller one's area (a label and its amount in one spot;
# the boxes of neighbouring lines share up to a third where the leading is tight).
def word_boxes(path):
    out = subprocess.run(["pdftotext", "-bbox", os.path.join(run, path), "-"],
                         capture_output=True, text=True).stdout
    box = r'<word xMin="([-\d.]+)" yMin="([-\d.]+)" xMax="([-\d.]+)" yMax="([-\d.]+)">(.*?)</word>'
    return [[(float(a), float(b), float(c), float(d), w) for a, b, c, d, w in re.findall(box, page)]
            for page in out.split("<page ")[1:]]

def clashes(words):
    found = []
    for i, a in enumerate(words):
        for b in words[i + 1:]:
            ix, iy = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
            small = min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))
            if ix > 1 and iy > 1 and small > 0 and ix * iy > 0.5 * small:
                found.append((a[4], b[4]))
    return found

bad = [(r["pdf_path"], n + 1, c[:2]) for r in rows
       for n, page in enumerate(word_boxes(r["pdf_path"])) for c in [clashes(page)] if c]
print(("ok" if rows and not bad else "not ok") +
      f" - no two words overlap on any page of the {len(rows)} documents" + (f"; {bad[:3]}" if bad else ""))

flyer = {
    "ko": ["개인 식별 번호(Personal Identification Number, PIN)를 받아야 합니다.",
           "QR 코드를 스캔해 등록 페이지로 이동하세요. 등록 시 유효한 이메일 주소가 필요합니다.",
           "기존 NY.gov 계정으로 연결되는 링크"],
    "ht": ["W ap bezwen Nimewo Idantifikasyon Pèsonèl (PIN) ou a.",
           "Itilize kòd QR la pou jwenn aksè nan paj anrejistrasyon an. Ou bezwen yon adrès imel ki valab.",
           "Lye yon kont NY.gov ki deja egziste"],
}
for code, sentences in flyer.items():
    letters = [r for r in rows if r["doc_type"] == "pinletter" and r["language"] == code]
    missing = [s for r in letters for s in sentences if unicodedata.normalize("NFKC", s) not in text(r["pdf_path"])]
    print(("ok" if letters and not missing else "not ok") +
          f" - {len(letters)} {code} PIN letters carry the flyer's sentences" + (f"; missing: {missing[:1]}" if missing else ""))
PY
while IFS= read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) notok "${line#not ok - }" ;;
	*) echo "# $line" ;;
	esac
done < "$tmp/checks"
grep -q "^ok\|^not ok" "$tmp/checks" || notok "the language checks did not run: $(tail -n 3 "$tmp/checks")"

"$NG" lang-report --config "$tmp/config.ini" > "$tmp/report"
rc=$?
n=$(grep -ci "not reviewed" "$tmp/report")
[ "$rc" -eq 1 ] && [ "$n" -eq 12 ] && ok "lang-report exits 1 and names the 12 unreviewed translations" ||
	notok "lang-report: exit $rc, $n unreviewed lines: $(head -n 3 "$tmp/report")"

finish
