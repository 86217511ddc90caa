#!/usr/bin/env python3
"""Checks of a night's print/ folder with tools nobody here wrote:
pdftotext, pdfinfo, pdftoppm (pages to PGM), dmtxread (DataMatrix),
zint --dump (the IMb encoder's own bar pattern) and sha256.

usage: printcheck.py CHECK RUN_DIR CONFIG_JSON
Prints "ok - ..." / "not ok - ..." lines, one per check.
"""
import csv
import hashlib
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

PT = 72.0


def run(*args, **kw):
    return subprocess.run(args, capture_output=True, check=False, **kw)


def report(desc, probs):
    if probs:
        print("not ok - " + desc)
        for p in probs[:12]:
            print("#   " + str(p))
        if len(probs) > 12:
            print("#   ... and %d more" % (len(probs) - 12))
    else:
        print("ok - " + desc)


def manifest(rd):
    with open(os.path.join(rd, "manifest.csv"), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def ticket(rd):
    with open(os.path.join(rd, "print", "jobticket.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    return [r for r in rows if r["batch"] != "TOTAL"], [r for r in rows if r["batch"] == "TOTAL"]


def pages_text(pdf):
    out = run("pdftotext", "-layout", pdf, "-").stdout.decode("utf-8", "replace")
    pages = out.split("\f")
    return pages[:-1] if pages and pages[-1] == "" else pages


def pdf_pages(pdf):
    m = re.search(rb"Pages:\s+(\d+)", run("pdfinfo", pdf).stdout)
    return int(m.group(1)) if m else -1


def by_batch(man):
    out = {}
    for m in man:
        if m["batch"]:
            out.setdefault(m["batch"], []).append(m)
    for rows in out.values():
        rows.sort(key=lambda m: int(m["batch_page"]))
    return out


def zipkey(m):
    z = m["zip"]
    return (z[:5], z[6:10], m["delivery_point"])


def check_order(rd, cfg):
    """Batch page order follows ZIP order; pieces tile the batch; duplex pieces even."""
    man = manifest(rd)
    probs = []
    batches = by_batch(man)
    for b, rows in sorted(batches.items()):
        pdf = os.path.join(rd, "print", b)
        n = pdf_pages(pdf)
        if run("qpdf", "--check", pdf).returncode != 0:
            probs.append("%s: qpdf --check fails" % b)
        page = 1
        for m in rows:
            if int(m["batch_page"]) != page:
                probs.append("%s: seq %s starts on page %s, expected %d" % (b, m["seq"], m["batch_page"], page))
            page = int(m["batch_page"]) + int(m["batch_pages"])
            if "-duplex" in b and int(m["batch_pages"]) % 2:
                probs.append("%s: seq %s has %s pages in a duplex batch" % (b, m["seq"], m["batch_pages"]))
        if page - 1 != n:
            probs.append("%s: pieces cover %d pages, the file has %d" % (b, page - 1, n))
        keys = [zipkey(m) for m in rows]
        if keys != sorted(keys):
            probs.append("%s: pieces are not in ZIP, ZIP+4, delivery point order" % b)
        if n > cfg["batch_max_pages"]:
            probs.append("%s: %d pages, over the limit %d" % (b, n, cfg["batch_max_pages"]))
        kinds = {m["doc_type"] for m in rows}
        if len(kinds) != 1 or not b.split("-")[1] in kinds:
            probs.append("%s holds %s" % (b, sorted(kinds)))
    unbatched = [m["seq"] for m in man if not m["batch"]]
    if unbatched:
        probs.append("pieces in no batch: %s" % unbatched[:10])
    report("print batches: page order = ZIP order of the manifest, pieces tile each batch, duplex pieces "
           "even, under %d pages, one job each, qpdf --check (%d batches, %d pieces)"
           % (cfg["batch_max_pages"], len(batches), len(man)), probs)


def check_text(rd, cfg):
    """Every piece's pages in its batch read the same as its per-case PDF; padding pages are blank."""
    man = manifest(rd)
    probs = []
    batches = by_batch(man)

    def one(item):
        b, rows = item
        bt = pages_text(os.path.join(rd, "print", b))
        out = []
        for m in rows:
            own = pages_text(os.path.join(rd, m["pdf_path"]))
            first = int(m["batch_page"]) - 1
            got = bt[first:first + len(own)]
            if got != own:
                out.append("%s seq %s: batch pages %d.. differ from %s" % (b, m["seq"], first + 1, m["pdf_path"]))
            for extra in bt[first + len(own):first + int(m["batch_pages"])]:
                if extra.strip():
                    out.append("%s seq %s: padding page is not blank" % (b, m["seq"]))
        return out

    with ThreadPoolExecutor(4) as ex:
        for r in ex.map(one, sorted(batches.items())):
            probs += r
    report("every piece's pages in its batch = its per-case PDF (pdftotext, %d pieces); blank backs blank"
           % sum(len(r) for r in batches.values()), probs)


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():]


def bars_from_pgm(path):
    """The IMb's bars as F/A/D/T from a rendered strip: each bar's top and bottom ink rows."""
    w, h, px = read_pgm(path)
    cols = []
    for x in range(w):
        ink = [y for y in range(h) if px[y * w + x] < 128]
        cols.append((min(ink), max(ink)) if ink else None)
    bars, x = [], 0
    while x < w:
        if cols[x] is None:
            x += 1
            continue
        top, bot = cols[x]
        while x < w and cols[x] is not None:
            top, bot = min(top, cols[x][0]), max(bot, cols[x][1])
            x += 1
        bars.append((top, bot))
    if not bars:
        return ""
    hi, lo = min(t for t, _ in bars), max(b for _, b in bars)
    tol = (lo - hi) * 0.15
    out = ""
    for t, b in bars:
        asc, desc = t - hi <= tol, lo - b <= tol
        out += "F" if asc and desc else "A" if asc else "D" if desc else "T"
    return out


def zint_bars(tracking, routing):
    data = tracking + ("-" + routing if routing else "")
    rows = run("zint", "-b", "85", "--dump", "-d", data).stdout.decode().split("\n")[:3]
    bits = []
    for r in rows:
        parts = r.split()
        bits.append("".join(bin(int(h, 16))[2:].zfill(8) for h in parts[:-1]) + bin(int(parts[-1], 16))[2:].zfill(4))
    out = ""
    for i in range(0, 129, 2):
        a, d = bits[0][i] == "1", bits[2][i] == "1"
        out += "F" if a and d else "A" if a else "D" if d else "T"
    return out


def crop(pdf, first, last, box, dpi, outprefix, gray=True):
    """Renders box (x, y from the top, w, h in points) of pages first..last to PGM files."""
    s = dpi / PT
    x, y, w, h = box
    run("pdftoppm", "-r", str(dpi), "-f", str(first), "-l", str(last), "-x", str(int(x * s)), "-y", str(int(y * s)),
        "-W", str(int(w * s)), "-H", str(int(h * s)), "-gray" if gray else "-png", pdf, outprefix)


def rendered(prefix, page):
    d = os.path.dirname(prefix)
    base = os.path.basename(prefix)
    for f in os.listdir(d):
        m = re.fullmatch(re.escape(base) + r"-0*(\d+)\.(pgm|png)", f)
        if m and int(m.group(1)) == page:
            return os.path.join(d, f)
    return None


def check_imb(rd, cfg, tmp):
    """Each piece's IMb, read from pixels, is zint's encoding of its manifest fields; serials unique."""
    man = manifest(rd)
    probs = []
    serials = [m["imb_serial"] for m in man if m["imb_serial"]]
    if len(set(serials)) != len(serials):
        probs.append("IMb serials repeat in the manifest")
    box = cfg["imb_box"]
    n = 0
    for b, rows in sorted(by_batch(man).items()):
        pdf = os.path.join(rd, "print", b)
        prefix = os.path.join(tmp, "imb-" + b)
        crop(pdf, 1, pdf_pages(pdf), (box[0] - 4, box[1] - 3, box[2] + 8, box[3] + 6), 300, prefix)
        for m in rows:
            fields = (m["imb_barcode_id"], m["imb_service_type"], m["imb_mailer_id"], m["imb_serial"])
            if m["country"] not in ("", "US"):
                if any(fields) or m["imb_routing"]:
                    probs.append("seq %s (abroad) has IMb fields" % m["seq"])
                if "-intl" not in b:
                    probs.append("seq %s (abroad) is in %s" % (m["seq"], b))
                continue
            if (m["imb_barcode_id"], m["imb_service_type"], m["imb_mailer_id"]) != \
                    (cfg["barcode_id"], cfg["service_type"], cfg["mailer_id"]):
                probs.append("seq %s: IMb fields %s are not the config's" % (m["seq"], fields))
            zipd = re.sub(r"\D", "", m["zip"]) + (m["delivery_point"] if len(m["zip"]) == 10 else "")
            if m["imb_routing"] != zipd:
                probs.append("seq %s: routing %s for ZIP %s dp %s" % (m["seq"], m["imb_routing"], m["zip"],
                                                                     m["delivery_point"]))
            png = rendered(prefix, int(m["batch_page"]))
            got = bars_from_pgm(png) if png else ""
            want = zint_bars("".join(fields), m["imb_routing"])
            if got != want:
                probs.append("seq %s: bars read %r, zint encodes %r" % (m["seq"], got, want))
            n += 1
    report("IMb of every domestic piece (%d), read from 300 dpi pixels = zint --dump of its manifest fields; "
           "routing = ZIP+4+delivery point; serials unique; none abroad" % n, probs)


def check_datamatrix(rd, cfg, tmp):
    """Every sheet front's DataMatrix decodes (dmtxread) to its batch, piece and sheet n of m."""
    man = manifest(rd)
    probs = []
    box = cfg["mark_box"]
    jobs = []
    for b, rows in sorted(by_batch(man).items()):
        pdf = os.path.join(rd, "print", b)
        prefix = os.path.join(tmp, "dm-" + b)
        crop(pdf, 1, pdf_pages(pdf), (box[0] - 6, box[1] - 6, box[2] + 12, box[3] + 12), 300, prefix, gray=False)
        step = 2 if "-duplex" in b else 1
        for m in rows:
            sheets = int(m["batch_pages"]) // step
            for s in range(sheets):
                page = int(m["batch_page"]) + s * step
                want = "%s %06d %d/%d" % (b.split("-")[0], int(m["seq"]), s + 1, sheets)
                jobs.append((rendered(prefix, page), want))

    def decode(job):
        png, want = job
        got = run("dmtxread", "-N1", "-m", "2000", png).stdout.decode().strip() if png else ""
        return None if got == want else "%s: read %r, want %r" % (os.path.basename(png or "?"), got, want)

    with ThreadPoolExecutor(2) as ex:
        probs = [p for p in ex.map(decode, jobs) if p]
    report("DataMatrix on every sheet front (%d) decodes with dmtxread to batch, piece seq, sheet n/m" % len(jobs),
           probs)


def check_totals(rd, cfg):
    """Ticket rows = batch files; ticket totals = manifest = journal; SHA256SUMS holds."""
    man = manifest(rd)
    rows, total = ticket(rd)
    probs = []
    j = cfg["journal"]
    for r in rows:
        pdf = os.path.join(rd, "print", r["batch"])
        sha = hashlib.sha256(open(pdf, "rb").read()).hexdigest()
        if sha != r["sha256"]:
            probs.append("%s: ticket sha256 is not the file's" % r["batch"])
        if int(r["pages"]) != pdf_pages(pdf):
            probs.append("%s: ticket pages %s, file %d" % (r["batch"], r["pages"], pdf_pages(pdf)))
        mine = sorted((m for m in man if m["batch"] == r["batch"]), key=lambda m: int(m["batch_page"]))
        if int(r["pieces"]) != len(mine):
            probs.append("%s: ticket pieces %s, manifest %d" % (r["batch"], r["pieces"], len(mine)))
        if mine and (int(r["first_seq"]), int(r["last_seq"])) != (int(mine[0]["seq"]), int(mine[-1]["seq"])):
            probs.append("%s: first/last seq %s/%s, manifest %s/%s" % (r["batch"], r["first_seq"], r["last_seq"],
                                                                     mine[0]["seq"], mine[-1]["seq"]))
    if len(total) != 1:
        probs.append("no TOTAL row")
    else:
        t = total[0]
        want = (len(man), sum(int(m["batch_pages"]) for m in man), sum(int(m["sheets"]) for m in man))
        got = (int(t["pieces"]), int(t["pages"]), int(t["sheets"]))
        if got != want:
            probs.append("ticket TOTAL pieces/pages/sheets %s, manifest %s" % (got, want))
        if (len(man), sum(int(m["sheets"]) for m in man)) != (j["pieces"], j["sheets"]):
            probs.append("manifest pieces/sheets %s, journal %s" % ((len(man), sum(int(m["sheets"]) for m in man)),
                                                                   (j["pieces"], j["sheets"])))
        if sum(int(r["pieces"]) for r in rows) != got[0]:
            probs.append("ticket rows do not add up to TOTAL")
    c = run("sha256sum", "-c", "--quiet", "SHA256SUMS", cwd=os.path.join(rd, "print"))
    if c.returncode != 0:
        probs.append("sha256sum -c SHA256SUMS: %s" % c.stdout.decode()[:200])
    listed = {l.split()[1] for l in open(os.path.join(rd, "print", "SHA256SUMS")) if l.strip()}
    want = {r["batch"] for r in rows} | {"jobticket.csv", "jobticket.xlsx"}
    if listed != want:
        probs.append("SHA256SUMS lists %s" % sorted(listed ^ want))
    report("job ticket: rows = batch files (sha256, pages, pieces, first/last seq), TOTAL = manifest = journal "
           "(%d pieces); sha256sum -c SHA256SUMS" % len(man), probs)


def main():
    check, rd, cfgfile = sys.argv[1], sys.argv[2], sys.argv[3]
    cfg = json.load(open(cfgfile))
    tmp = cfg["tmp"]
    {"order": lambda: check_order(rd, cfg), "text": lambda: check_text(rd, cfg),
     "imb": lambda: check_imb(rd, cfg, tmp), "datamatrix": lambda: check_datamatrix(rd, cfg, tmp),
     "totals": lambda: check_totals(rd, cfg)}[check]()


if __name__ == "__main__":
    main()
