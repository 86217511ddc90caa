#!/usr/bin/env python3
"""Checks for tests/e2e/run.sh: reads noticegen's outputs (through the PDF
tools nobody here wrote) and compares them with the ledger (through the
sqlite3 command-line shell). Standard library only.

    python3 ngcheck.py CHECK

The paths come from the environment run.sh sets:
    NG_RUN_DIR  the run folder (<output>/<date>)
    NG_CACHE    a scratch folder for extracted text, images, ...
    NG_DB       the ledger
    NG_CONFIG   the config file the run used
    NG_DATE     the run date, YYYY-MM-DD

Every check prints "ok - ..." or "not ok - ..." lines (run.sh counts them),
with "#   ..." lines saying what went wrong. Exit status 0 if all were ok.
"""
import calendar
import configparser
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import subprocess
import sys
import zipfile
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor

MANIFEST_HEADER = ["seq", "doc_type", "case_id", "county", "party_role", "recipient_name",
                   "address_line1", "address_line2", "city", "state", "zip", "delivery_point", "country",
                   "language", "pages", "sheets", "bytes", "pdf_path", "sha256", "copy", "reprint_of",
                   "batch", "batch_page", "batch_pages", "imb_barcode_id", "imb_service_type",
                   "imb_mailer_id", "imb_serial", "imb_routing"]
EXCEPTIONS_HEADER = ["case_key", "case_id", "party_id", "doc_type", "reason"]
DOC_TYPES = ["notice", "statement", "coupon", "pinletter"]
REPORT_FILES = {"manifest.csv", "manifest.xlsx", "exceptions.csv", "summary.json"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December"]
MAX_DIAG = 12          # diagnostic lines shown per check
WORKERS = max(2, min(4, os.cpu_count() or 2))

# ---------------------------------------------------------------------------
# reporting

FAILED = 0


def report(desc, problems, max_diag=MAX_DIAG):
    """One check line; problems is a list of strings (empty: ok)."""
    global FAILED
    if problems:
        FAILED += 1
        print("not ok - " + desc)
        for p in problems[:max_diag]:
            print("#   " + p)
        if len(problems) > max_diag:
            print("#   ... and %d more" % (len(problems) - max_diag))
    else:
        print("ok - " + desc)
    sys.stdout.flush()


def env(name):
    v = os.environ.get(name)
    if not v:
        sys.exit("ngcheck: %s is not set" % name)
    return v


# ---------------------------------------------------------------------------
# the ledger, through the sqlite3 shell

def lit(s):
    return "'" + str(s).replace("'", "''") + "'"


def sql(query, db=None):
    r = subprocess.run(["sqlite3", "-json", "-bail", db or env("NG_DB"), query],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("sqlite3 failed on %r: %s" % (query[:120], r.stderr.strip()))
    out = r.stdout.strip()
    return json.loads(out) if out else []


class Ledger:
    """What the tests need from the ledger, read once."""

    def __init__(self):
        self.cases = {r["case_key"]: r for r in sql(
            "SELECT case_key, case_id, county, status FROM cases")}
        self.by_id = {(r["case_id"], r["county"]): k for k, r in self.cases.items()}
        self.parties = {r["party_id"]: r for r in sql(
            "SELECT party_id, case_key, role, name, coalesce(addr1,'') AS addr1,"
            " coalesce(addr2,'') AS addr2, coalesce(city,'') AS city, coalesce(state,'') AS state,"
            " coalesce(zip,'') AS zip, coalesce(country,'') AS country, lang, coalesce(ssn,'') AS ssn"
            " FROM parties")}
        self.orders = sql("SELECT case_key, monthly_cents, start_date, end_date, pay_method,"
                          " recorded_on FROM orders")

    def party(self, case_key, role):
        ps = [p for p in self.parties.values() if p["case_key"] == case_key and p["role"] == role]
        return ps[0] if len(ps) == 1 else None

    def case_key_of(self, case_id, county):
        return self.by_id.get((case_id, county))


def address_problem(p):
    """A party the mail cannot reach (the README's 'no usable address')."""
    if not p["addr1"].strip():
        return "no street address"
    if p["country"] in ("", "US"):
        if not p["city"].strip() or not p["state"].strip():
            return "no city or state"
        if not re.fullmatch(r"\d{5}(-\d{4})?", p["zip"]):
            return "no valid ZIP code"
    elif not p["city"].strip():
        return "no city"
    return None


# ---------------------------------------------------------------------------
# the config and the night's periods

def load_config():
    cp = configparser.ConfigParser(inline_comment_prefixes=(";", "#"), interpolation=None)
    cp.read(env("NG_CONFIG"), encoding="utf-8")

    def get(sec, key):
        v = cp.get(sec, key).strip()
        if len(v) >= 2 and v[0] == v[-1] == '"':
            v = v[1:-1]
        return v
    return get


def add_months(d, n):
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return dt.date(y, m, min(d.day, calendar.monthrange(y, m)[1]))


class Night:
    """The periods of the run date, from the schedule in the config (the README's rules)."""

    def __init__(self):
        get = load_config()
        self.run = dt.date.fromisoformat(env("NG_DATE"))
        cycle = int(get("schedule", "cycle_day"))
        freq = get("schedule", "statement_frequency").lower()
        due_day = int(get("schedule", "coupon_due_day"))
        lead = int(get("schedule", "coupon_lead_days"))
        lookback = int(get("schedule", "pin_lookback_days"))
        self.duplex = get("print", "duplex").lower() in ("yes", "true", "1", "on")
        self.portal = get("urls", "portal")
        self.register = get("urls", "register")
        self.link = get("urls", "link")
        first = self.run.replace(day=1)
        self.mfrom = add_months(first, -1)
        self.mto = first - dt.timedelta(days=1)
        self.month = self.mfrom.strftime("%Y-%m")
        self.notice_due = self.run.day >= cycle
        self.sfrom = self.mfrom
        self.statement_due = self.notice_due
        if freq == "quarterly":
            self.statement_due = self.statement_due and (self.run.month - 1) % 3 == 0
            self.sfrom = add_months(first, -3)
        self.due = self.run.replace(day=due_day)
        if self.run.day > due_day:
            self.due = add_months(self.due, 1)
        self.coupon_due = self.run >= self.due - dt.timedelta(days=lead)
        self.pin_from = self.run - dt.timedelta(days=lookback)

    def portal_url(self, lang):
        return self.portal + ("&" if "?" in self.portal else "?") + "lang=" + lang


def long_date(d):
    return "%s %d, %d" % (MONTHS[d.month - 1], d.day, d.year)


def active(o, frm, to, direct_only=False):
    if direct_only and o["pay_method"] != "direct":
        return False
    return o["start_date"] <= to.isoformat() and (o["end_date"] is None or o["end_date"] >= frm.isoformat())


def expected_documents(L, N):
    """(case_key, party_id, doc_type) of every document due tonight, by the README's rules."""
    want = []
    past_due = {r["case_key"]: r["v"] for r in sql(
        "SELECT c.case_key AS case_key,"
        " (SELECT coalesce(sum(amount_cents),0) FROM charges WHERE case_key = c.case_key"
        "   AND charge_date < %s)"
        " + (SELECT coalesce(sum(amount_cents),0) FROM adjustments WHERE case_key = c.case_key"
        "   AND adjusted_on <= %s)"
        " - (SELECT coalesce(sum(amount_cents),0) FROM payments WHERE case_key = c.case_key"
        "   AND received_on <= %s) AS v FROM cases c"
        % (lit(N.due.replace(day=1).isoformat()), lit(N.run.isoformat()), lit(N.run.isoformat())))}
    for key in sorted(L.cases):
        if L.cases[key]["status"] != "open":
            continue
        cp, ncp = L.party(key, "CP"), L.party(key, "NCP")
        orders = [o for o in L.orders if o["case_key"] == key]
        if cp is None or ncp is None:
            continue
        if N.notice_due and any(active(o, N.mfrom, N.mto) for o in orders):
            want.append((key, cp["party_id"], "notice"))
        if N.statement_due and any(active(o, N.sfrom, N.mto) for o in orders):
            want.append((key, cp["party_id"], "statement"))
            want.append((key, ncp["party_id"], "statement"))
        if N.coupon_due:
            direct = [o for o in orders if active(o, N.due, N.due, True)]
            current = sum(o["monthly_cents"] for o in direct)
            if direct and current + past_due.get(key, 0) > 0:
                want.append((key, ncp["party_id"], "coupon"))
        if any(N.pin_from.isoformat() <= o["recorded_on"] <= N.run.isoformat() for o in orders):
            want.append((key, cp["party_id"], "pinletter"))
            want.append((key, ncp["party_id"], "pinletter"))
    return want


# ---------------------------------------------------------------------------
# the run's outputs

def run_dir():
    return env("NG_RUN_DIR")


def read_manifest(problems=None):
    path = os.path.join(run_dir(), "manifest.csv")
    with open(path, "rb") as f:
        raw = f.read()
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    if not rows or rows[0] != MANIFEST_HEADER:
        raise RuntimeError("manifest.csv header is %r" % (rows[0] if rows else None))
    out = []
    for i, r in enumerate(rows[1:], 2):
        if len(r) != len(MANIFEST_HEADER):
            if problems is not None:
                problems.append("manifest.csv line %d has %d fields, not %d" % (i, len(r), len(MANIFEST_HEADER)))
            continue
        out.append(dict(zip(MANIFEST_HEADER, r)))
    return out, raw


def pdfs_on_disk():
    """The per-case PDFs (print/ holds the print shop's batches, checked by print.sh)."""
    found = []
    for dirpath, _, files in os.walk(run_dir()):
        if os.path.relpath(dirpath, run_dir()).split(os.sep)[0] == "print":
            continue
        for f in files:
            if f.endswith(".pdf"):
                found.append(os.path.relpath(os.path.join(dirpath, f), run_dir()))
    return sorted(found)


def load_cache():
    with open(os.path.join(env("NG_CACHE"), "pdfs.json"), encoding="utf-8") as f:
        return json.load(f)


def norm_ws(s):
    return " ".join(s.split())


def tool(args, stderr=False):
    r = subprocess.run(args, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT if stderr else subprocess.DEVNULL)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def tool_warns(args):
    """Exit code, output and what the tool said on stderr (poppler's syntax warnings)."""
    r = subprocess.run(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return r.returncode, r.stdout.decode("utf-8", "replace"), r.stderr.decode("utf-8", "replace")


def cmd_extract():
    """Runs the PDF tools once per PDF, in parallel, into NG_CACHE/pdfs.json."""
    rd = run_dir()
    path = os.path.join(env("NG_CACHE"), "pdfs.json")
    old = {}
    if os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            old = json.load(f)

    def one(rel):
        p = os.path.join(rd, rel)
        with open(p, "rb") as f:
            sha = hashlib.sha256(f.read()).hexdigest()
        if old.get(rel, {}).get("sha") == sha:       # the same bytes as last time: same answers
            return rel, old[rel]
        rc_t, txt, warn_t = tool_warns(["pdftotext", "-enc", "UTF-8", p, "-"])
        rc_l, lay = tool(["pdftotext", "-enc", "UTF-8", "-layout", p, "-"])
        rc_f, fonts = tool(["pdffonts", p])
        rc_q, qpdf = tool(["qpdf", "--check", p], stderr=True)
        rc_i, info = tool(["pdfinfo", "-enc", "UTF-8", p])
        m = re.search(r"^Pages:\s+(\d+)", info, re.M)
        return rel, {"sha": sha, "text": txt, "text_rc": rc_t, "text_warn": warn_t[-500:], "layout": lay, "layout_rc": rc_l, "info": info,
                     "fonts": fonts, "fonts_rc": rc_f, "qpdf": qpdf[-2000:], "qpdf_rc": rc_q,
                     "npages": int(m.group(1)) if m else None}
    with ThreadPoolExecutor(WORKERS) as ex:
        res = dict(ex.map(one, pdfs_on_disk()))
    with open(path, "w", encoding="utf-8") as f:
        json.dump(res, f)
    print("# extracted text, fonts and checks of %d PDFs (%d new)"
          % (len(res), sum(1 for k, v in res.items() if old.get(k) is not v)))


# ---------------------------------------------------------------------------
# 1. exceptions, and every other due document exists

def period_of(N, doc):
    return {"notice": N.month, "statement": N.month if N.sfrom == N.mfrom else None,
            "coupon": N.due.isoformat()}.get(doc)


def cmd_c1():
    L, N = Ledger(), Night()
    want = expected_documents(L, N)
    # exceptions.csv
    probs = []
    with open(os.path.join(run_dir(), "exceptions.csv"), newline="", encoding="utf-8") as f:
        xrows = list(csv.reader(f))
    if not xrows or xrows[0] != EXCEPTIONS_HEADER:
        probs.append("exceptions.csv header is %r" % (xrows[0] if xrows else None))
        xrows = [EXCEPTIONS_HEADER]
    exc = {}
    for r in xrows[1:]:
        if len(r) != 5:
            probs.append("exceptions.csv row %r has %d fields" % (r, len(r)))
            continue
        exc[(r[0], r[2], r[3])] = r
    noaddr = {pid for pid, p in L.parties.items()
              if address_problem(p) and L.cases[p["case_key"]]["status"] == "open"}
    if not noaddr:
        probs.append("the ledger has no party without a usable address: the test's premise is gone")
    want_exc = [(k, pid, d) for k, pid, d in want if pid in noaddr]
    if noaddr and not want_exc:
        probs.append("no document is due tonight for the parties without a usable address (%s)"
                     % sorted(noaddr))
    named = []
    for k, pid, d in want_exc:
        r = exc.pop((str(k), str(pid), d), None)
        c = L.cases[k]
        if r is None:
            probs.append("exceptions.csv does not name case %s (%s) party %d, %s (%s)"
                         % (c["case_id"], c["county"], pid, d, address_problem(L.parties[pid])))
            continue
        if r[1] != c["case_id"]:
            probs.append("exceptions.csv row %r: case_id should be %s" % (r, c["case_id"]))
        if not r[4].strip():
            probs.append("exceptions.csv row %r gives no reason" % (r,))
        named.append("%s/%s/%s" % (c["case_id"], L.parties[pid]["role"], d))
    for r in exc.values():
        probs.append("unexpected exception (a document the ledger allows was not made): %s" % ",".join(r))
    report("1 exceptions.csv names the case without a usable address, with a reason (%s), and nothing else"
           % ", ".join(named), probs)

    # every other due document, in the manifest and on disk at the documented path
    probs = []
    man, _ = read_manifest(probs)
    got = {}
    for m in man:
        key = L.case_key_of(m["case_id"], m["county"])
        p = L.party(key, m["party_role"]) if key else None
        if p is None:
            probs.append("manifest row %s: no case %s (%s) with a %s in the ledger"
                         % (m["seq"], m["case_id"], m["county"], m["party_role"]))
            continue
        got.setdefault((key, p["party_id"], m["doc_type"]), []).append(m)
    n = 0
    for k, pid, d in want:
        if pid in noaddr:
            continue
        c, p = L.cases[k], L.parties[pid]
        rows = got.pop((k, pid, d), [])
        if len(rows) != 1:
            probs.append("case %s (%s): %d %s(s) for the %s, expected 1"
                         % (c["case_id"], c["county"], len(rows), d, p["role"]))
            continue
        rel = rows[0]["pdf_path"]
        folder = "cases/%s-%s/" % (re.sub(r"[^A-Za-z0-9-]", "", c["county"]),
                                  re.sub(r"[^A-Za-z0-9-]", "", c["case_id"]))
        per = period_of(N, d)
        pattern = re.escape(folder) + (re.escape("%s-%s-%s.pdf" % (d, p["role"], per)) if per else
                                       re.escape("%s-%s-" % (d, p["role"])) + r"[^/]+\.pdf")
        if not re.fullmatch(pattern, rel):
            probs.append("%s is not at %s%s-%s-%s.pdf" % (rel, folder, d, p["role"], per or "<period>"))
        if not os.path.isfile(os.path.join(run_dir(), rel)):
            probs.append("%s is in the manifest but not on disk" % rel)
        n += 1
    for (k, pid, d), rows in got.items():
        for m in rows:
            probs.append("not due by the ledger, yet made: %s (%s)" % (m["pdf_path"], m["party_role"]))
    if n == 0:
        probs.append("no due document found at all")
    report("1 every other case's due documents exist (%d documents, derived from the ledger)" % n, probs)


# ---------------------------------------------------------------------------
# 2.

def cmd_c2():
    probs = []
    man, _ = read_manifest(probs)
    types = {}
    for m in man:
        types[m["doc_type"]] = types.get(m["doc_type"], 0) + 1
    for d in DOC_TYPES:
        if not types.get(d):
            probs.append("no %s in the manifest" % d)
    for d in types:
        if d not in DOC_TYPES:
            probs.append("unknown doc_type %r in the manifest" % d)
    report("2 all four document types are in the manifest (%s)"
           % ", ".join("%s %d" % (d, types.get(d, 0)) for d in DOC_TYPES), probs)


# ---------------------------------------------------------------------------
# 3.

def parse_pdffonts(out):
    """Rows of pdffonts as dicts, cut by the dashes line's columns."""
    lines = out.splitlines()
    for i, l in enumerate(lines):
        if l.startswith("---"):
            spans = [(m.start(), m.end()) for m in re.finditer(r"-+", l)]
            names = lines[i - 1] if i else ""
            cols = [names[a:b + 1].strip() if a < len(names) else "" for a, b in spans]
            rows = []
            for r in lines[i + 1:]:
                if r.strip():
                    rows.append({c: r[a:b + 1].strip() for c, (a, b) in zip(cols, spans)})
            return rows
    return None


def cmd_c3():
    cache = load_cache()
    probs_q, probs_f, probs_w = [], [], []
    nfonts = 0
    for rel, c in sorted(cache.items()):
        if c.get("text_warn", "?").strip():
            probs_w.append("%s: pdftotext says: %s" % (rel, norm_ws(c.get("text_warn", "(not run)"))[:200]))
        if c["qpdf_rc"] != 0:
            probs_q.append("%s: qpdf --check exit %d: %s" % (rel, c["qpdf_rc"], norm_ws(c["qpdf"])[-300:]))
        rows = parse_pdffonts(c["fonts"]) if c["fonts_rc"] == 0 else None
        if rows is None:
            probs_f.append("%s: pdffonts failed (exit %d)" % (rel, c["fonts_rc"]))
            continue
        if not rows:
            probs_f.append("%s: pdffonts lists no font" % rel)
        for r in rows:
            nfonts += 1
            if r.get("emb") != "yes":
                probs_f.append("%s: font %s is not embedded (emb=%r)" % (rel, r.get("name"), r.get("emb")))
    if not cache:
        probs_q.append("no PDF found")
        probs_f.append("no PDF found")
    report("3 qpdf --check passes for every PDF (%d)" % len(cache), probs_q)
    # Poppler parses more than qpdf checks: fonts' ToUnicode CMaps, for one.
    report("3 pdftotext reads every PDF without a warning (%d)" % len(cache), probs_w)
    report("3 pdffonts: every font embedded (%d fonts in %d PDFs)" % (nfonts, len(cache)), probs_f)


# ---------------------------------------------------------------------------
# 4.

def cmd_c4():
    probs = []
    man, _ = read_manifest(probs)
    cache = load_cache()
    n = 0
    for m in man:
        c = cache.get(m["pdf_path"])
        if c is None:
            probs.append("%s: no such PDF" % m["pdf_path"])
            continue
        text = norm_ws(c["text"])
        if norm_ws(m["case_id"]) not in text:
            probs.append("%s: text lacks the case_id %r" % (m["pdf_path"], m["case_id"]))
        if not m["recipient_name"].strip() or norm_ws(m["recipient_name"]) not in text:
            probs.append("%s: text lacks the recipient name %r" % (m["pdf_path"], m["recipient_name"]))
        n += 1
    if n == 0:
        probs.append("no manifest row checked")
    report("4 text of every PDF has its case_id and recipient name (%d PDFs)" % n, probs)


# ---------------------------------------------------------------------------
# 5. money

DATE_RE = r"(?:%s) \d{1,2}, \d{4}" % "|".join(MONTHS)
AMOUNT_RE = re.compile(r"(?<!\S)(-?)\$(-?)(\d{1,3}(?:,\d{3})*)\.(\d{2})(?!\S)")


def parse_date(s):
    m = re.fullmatch(r"(\w+) (\d{1,2}), (\d{4})", s)
    return dt.date(int(m.group(3)), MONTHS.index(m.group(1)) + 1, int(m.group(2)))


def amounts(line, where, errs):
    """[(cents, right edge)] of the amounts on a line; every '$' must be part of one."""
    out = []
    for m in AMOUNT_RE.finditer(line):
        if m.group(1) and m.group(2):
            errs.append("%s: doubly negative amount %r" % (where, m.group(0)))
        v = int(m.group(3).replace(",", "")) * 100 + int(m.group(4))
        out.append((-v if (m.group(1) or m.group(2)) else v, m.end()))
    if line.count("$") != len(out):
        errs.append("%s: unparseable amount in %r" % (where, line.strip()))
    return out


def money(v):
    return ("-" if v < 0 else "") + "$" + "{:,}.{:02d}".format(abs(v) // 100, abs(v) % 100)


def ledger_sums(table, date_col, key, frm, to):
    r = sql("SELECT count(*) AS n, coalesce(sum(amount_cents),0) AS s FROM %s WHERE case_key = %d"
            " AND %s >= %s AND %s <= %s" % (table, key, date_col, lit(frm), date_col, lit(to)))[0]
    return r["n"], r["s"]


FOOTER_RE = re.compile(r"Case \S+ · .+ · Page (\d+) of (\d+)\s*$")


def english_part(text, where, errs):
    """The pages of the English part: a bilingual document is English first, then the
    same document in the recipient's language; the English footer ends with 'Page n of n'."""
    pages = text.split("\f")
    for i, pg in enumerate(pages):
        ms = [m for m in map(FOOTER_RE.search, pg.splitlines()) if m]
        m = ms[-1] if ms else None
        if m and m.group(1) == m.group(2):
            if int(m.group(2)) != i + 1:
                errs.append("%s: English footer 'Page %s of %s' on page %d" % (where, m.group(1), m.group(2), i + 1))
            return "\n".join(pages[:i + 1])
    errs.append("%s: no English footer 'Page n of n' found" % where)
    return text


def parse_notice(text, N, where, errs):
    """{'collected': (rows, total), 'disbursed': (rows, total)} from pdftotext -layout."""
    month = "%s %d" % (MONTHS[N.mfrom.month - 1], N.mfrom.year)
    sections = {
        "collected": ("Collected on your case in " + month, "Total collected",
                      "No payments were collected on your case in %s." % month),
        "disbursed": ("Sent to you in " + month, "Total sent to you",
                      "No payments were sent to you in %s." % month),
    }
    res = {}
    state = None
    for ln, line in enumerate(text.replace("\f", "\n").splitlines(), 1):
        w = "%s line %d" % (where, ln)
        s = norm_ws(line)
        for name, (head, total, none) in sections.items():
            if s == head and name not in res and state is None:
                state = name
                res[name] = ([], None)
                break
            if s == none and (state is None and name not in res or state == name and not res[name][0]):
                res[name] = ([], "none")
                state = None
                break
        else:
            am = amounts(line, w, errs)
            if state is None:
                if am:
                    errs.append("%s: amount outside the tables: %r" % (w, s))
                continue
            rows, _ = res[state]
            head, total, none = sections[state]
            if s.startswith(total + " ") or s == total:
                if len(am) != 1 or not re.fullmatch(re.escape(total) + r" \S+", s):
                    errs.append("%s: total line not 'label amount': %r" % (w, s))
                else:
                    res[state] = (rows, am[0][0])
                state = None
                continue
            m = re.match(r"(%s) (.+) (\S+)$" % DATE_RE, s)
            if am and m and len(am) == 1:
                d = parse_date(m.group(1))
                if not N.mfrom <= d <= N.mto:
                    errs.append("%s: row dated outside %s: %r" % (w, month, s))
                rows.append(am[0][0])
            elif am:
                errs.append("%s: a line with an amount that is not a row: %r" % (w, s))
    for name, (head, total, none) in sections.items():
        if name not in res:
            errs.append("%s: no %r table (nor %r)" % (where, head, none))
        elif res[name][1] is None:
            errs.append("%s: the %r table has no %r line" % (where, head, total))
    return res


def parse_statement(text, N, where, errs):
    frm, to = long_date(N.sfrom), long_date(N.mto)
    summary, rows, totals = {}, [], None
    cols = None
    state = "before"
    for ln, line in enumerate(text.replace("\f", "\n").splitlines(), 1):
        w = "%s line %d" % (where, ln)
        s = norm_ws(line)
        am = amounts(line, w, errs)
        if state == "before":
            if s == "Summary":
                state = "summary"
            elif am:
                errs.append("%s: amount before the summary: %r" % (w, s))
        elif state == "summary":
            if s == "Account activity":
                state = "activity"
            elif am:
                lab = AMOUNT_RE.sub("", line).strip()
                if len(am) != 1:
                    errs.append("%s: summary line with %d amounts: %r" % (w, len(am), s))
                elif lab in summary:
                    errs.append("%s: summary label %r twice" % (w, lab))
                else:
                    summary[lab] = am[0][0]
        elif state == "activity":
            if re.fullmatch(r"Date Description Charged Paid Balance", s):
                cols = {k: line.index(k) + len(k) for k in ("Charged", "Paid", "Balance")}
                continue
            if s.startswith("Totals for the period"):
                if len(am) != 3 or cols is None:
                    errs.append("%s: totals line is not 3 amounts under a header: %r" % (w, s))
                else:
                    totals = (am[0][0], am[1][0], am[2][0])
                state = "after"
                continue
            if not am:
                continue
            m = re.match(r"(%s) (.+)$" % DATE_RE, s)
            if not m or cols is None:
                errs.append("%s: a line with an amount that is not a row: %r" % (w, s))
                continue
            d = parse_date(m.group(1))
            if not N.sfrom <= d <= N.mto:
                errs.append("%s: row dated outside the period: %r" % (w, s))
            charged = paid = None
            if len(am) == 2:
                v, edge = am[0]
                if abs(edge - cols["Charged"]) < abs(edge - cols["Paid"]):
                    charged = v
                else:
                    paid = v
            elif len(am) != 1:
                errs.append("%s: row with %d amounts: %r" % (w, len(am), s))
                continue
            rows.append({"what": m.group(2), "charged": charged, "paid": paid, "balance": am[-1][0],
                         "line": s})
        elif am:
            errs.append("%s: amount after the totals: %r" % (w, s))
    if totals is None:
        errs.append("%s: no 'Totals for the period' line" % where)
    need = ["Balance on " + frm, "Support charged", "Payments received", "Adjustments", "Balance on " + to]
    for k in need:
        if k not in summary:
            errs.append("%s: summary has no %r line (has %s)" % (where, k, sorted(summary)))
    return summary, rows, totals


def cmd_c5():
    L, N = Ledger(), Night()
    probs = []
    man, _ = read_manifest(probs)
    cache = load_cache()
    mfrom, mto = N.mfrom.isoformat(), N.mto.isoformat()

    # notices
    nprob, ndocs, nrows = list(probs), 0, 0
    for m in man:
        if m["doc_type"] != "notice":
            continue
        rel = m["pdf_path"]
        key = L.case_key_of(m["case_id"], m["county"])
        c = cache.get(rel)
        if key is None or c is None:
            nprob.append("%s: no case or no PDF" % rel)
            continue
        errs = []
        res = parse_notice(english_part(c["layout"], rel, errs), N, rel, errs)
        for name, table, col in (("collected", "payments", "received_on"),
                                 ("disbursed", "disbursements", "disbursed_on")):
            if name not in res or res[name][1] is None:
                continue
            rows, total = res[name]
            n, s = ledger_sums(table, col, key, mfrom, mto)
            if total == "none":
                if n:
                    errs.append("%s: says nothing was %s, the ledger has %d rows (%s)" % (rel, name, n, money(s)))
                continue
            if total != sum(rows):
                errs.append("%s: printed %s total %s != sum of its %d printed rows %s"
                            % (rel, name, money(total), len(rows), money(sum(rows))))
            if total != s:
                errs.append("%s: printed %s total %s != ledger's %s (%s, %s..%s)"
                            % (rel, name, money(total), money(s), table, mfrom, mto))
            if len(rows) != n:
                errs.append("%s: %d %s rows printed, the ledger has %d" % (rel, len(rows), name, n))
            nrows += len(rows)
        nprob += errs
        ndocs += 1
    if ndocs == 0 or nrows == 0:
        nprob.append("nothing checked (%d notices, %d rows)" % (ndocs, nrows))
    report("5 notices: Total collected / Total sent to you = sum of printed rows = ledger "
           "(%d notices, %d rows)" % (ndocs, nrows), nprob)

    # statements
    sprob, sdocs, srows = list(probs), 0, 0
    sfrom = N.sfrom.isoformat()
    for m in man:
        if m["doc_type"] != "statement":
            continue
        rel = m["pdf_path"]
        key = L.case_key_of(m["case_id"], m["county"])
        c = cache.get(rel)
        if key is None or c is None:
            sprob.append("%s: no case or no PDF" % rel)
            continue
        errs = []
        summary, rows, totals = parse_statement(english_part(c["layout"], rel, errs), N, rel, errs)
        led = sql(
            "SELECT (SELECT coalesce(sum(amount_cents),0) FROM charges WHERE case_key=%(k)d AND charge_date < %(f)s)"
            " + (SELECT coalesce(sum(amount_cents),0) FROM adjustments WHERE case_key=%(k)d AND adjusted_on < %(f)s)"
            " - (SELECT coalesce(sum(amount_cents),0) FROM payments WHERE case_key=%(k)d AND received_on < %(f)s)"
            " AS opening,"
            " (SELECT coalesce(sum(amount_cents),0) FROM charges WHERE case_key=%(k)d AND charge_date <= %(t)s)"
            " + (SELECT coalesce(sum(amount_cents),0) FROM adjustments WHERE case_key=%(k)d AND adjusted_on <= %(t)s)"
            " - (SELECT coalesce(sum(amount_cents),0) FROM payments WHERE case_key=%(k)d AND received_on <= %(t)s)"
            " AS closing,"
            " (SELECT count(*) FROM charges WHERE case_key=%(k)d AND charge_date BETWEEN %(f)s AND %(t)s)"
            " + (SELECT count(*) FROM adjustments WHERE case_key=%(k)d AND adjusted_on BETWEEN %(f)s AND %(t)s)"
            " + (SELECT count(*) FROM payments WHERE case_key=%(k)d AND received_on BETWEEN %(f)s AND %(t)s)"
            " AS n" % {"k": key, "f": lit(sfrom), "t": lit(mto)})[0]
        if totals and rows:
            opening = rows[0]
            if opening["charged"] is not None or opening["paid"] is not None:
                errs.append("%s: first row is not the opening balance: %r" % (rel, opening["line"]))
            body = rows[1:]
            ch = sum(r["charged"] or 0 for r in body)
            pd = sum(r["paid"] or 0 for r in body)
            if totals[0] != ch:
                errs.append("%s: totals row Charged %s != sum of printed rows %s" % (rel, money(totals[0]), money(ch)))
            if totals[1] != pd:
                errs.append("%s: totals row Paid %s != sum of printed rows %s" % (rel, money(totals[1]), money(pd)))
            bal = opening["balance"]
            for r in body:
                bal += (r["charged"] or 0) - (r["paid"] or 0)
                if r["balance"] != bal:
                    errs.append("%s: running balance %s should be %s: %r" % (rel, money(r["balance"]), money(bal), r["line"]))
                    bal = r["balance"]
            if totals[2] != rows[-1]["balance"]:
                errs.append("%s: totals row balance %s != last row's %s" % (rel, money(totals[2]), money(rows[-1]["balance"])))
            if totals[2] != led["closing"]:
                errs.append("%s: totals row balance %s != ledger closing balance %s" % (rel, money(totals[2]), money(led["closing"])))
            if opening["balance"] != led["opening"]:
                errs.append("%s: opening balance row %s != ledger's %s" % (rel, money(opening["balance"]), money(led["opening"])))
            if len(body) != led["n"]:
                errs.append("%s: %d rows printed, the ledger has %d charges, adjustments and payments" % (rel, len(body), led["n"]))
            srows += len(body)
        elif totals and not rows:
            errs.append("%s: no rows (not even the opening balance)" % rel)
        closing = summary.get("Balance on " + long_date(N.mto))
        if closing is not None:
            if closing != led["closing"]:
                errs.append("%s: closing balance printed %s != ledger's %s (charges + adjustments - payments to %s)"
                            % (rel, money(closing), money(led["closing"]), mto))
            # By the period's end every charge in it is past its due day: what is owed is past due
            # (the coupon mailed the same night calls it so too).
            if closing >= 0 and summary.get("Past-due support (arrears)") != closing:
                errs.append("%s: arrears printed %s, but %s is owed at the period's end"
                            % (rel, money(summary.get("Past-due support (arrears)", 0)), money(closing)))
            if closing < 0 and summary.get("Credit on the account") != -closing:
                errs.append("%s: credit printed %s, the balance is %s"
                            % (rel, money(summary.get("Credit on the account", 0)), money(closing)))
            op = summary.get("Balance on " + long_date(N.sfrom))
            if op is not None and op != led["opening"]:
                errs.append("%s: summary opening balance %s != ledger's %s" % (rel, money(op), money(led["opening"])))
            if totals and all(k in summary for k in ("Support charged", "Adjustments", "Payments received")):
                if summary["Support charged"] + summary["Adjustments"] != totals[0]:
                    errs.append("%s: summary charged + adjustments %s != totals row Charged %s"
                                % (rel, money(summary["Support charged"] + summary["Adjustments"]), money(totals[0])))
                if summary["Payments received"] != totals[1]:
                    errs.append("%s: summary payments %s != totals row Paid %s" % (rel, money(summary["Payments received"]), money(totals[1])))
        sprob += errs
        sdocs += 1
    if sdocs == 0 or srows == 0:
        sprob.append("nothing checked (%d statements, %d rows)" % (sdocs, srows))
    report("5 statements: totals row = sum of printed rows, closing balance = ledger, arrears or credit = it "
           "(%d statements, %d rows)" % (sdocs, srows), sprob)

    # coupons: the README's amount due, and the scan line
    cprob, cdocs = list(probs), 0
    for m in man:
        if m["doc_type"] != "coupon":
            continue
        rel = m["pdf_path"]
        key = L.case_key_of(m["case_id"], m["county"])
        c = cache.get(rel)
        if key is None or c is None:
            cprob.append("%s: no case or no PDF" % rel)
            continue
        errs = []
        got = parse_coupon(english_part(c["layout"], rel, errs), N, rel, errs)
        led = sql(
            "SELECT (SELECT coalesce(sum(amount_cents),0) FROM charges WHERE case_key=%(k)d AND charge_date < %(m)s)"
            " + (SELECT coalesce(sum(amount_cents),0) FROM adjustments WHERE case_key=%(k)d AND adjusted_on <= %(r)s)"
            " - (SELECT coalesce(sum(amount_cents),0) FROM payments WHERE case_key=%(k)d AND received_on <= %(r)s)"
            " AS past_due,"
            " (SELECT coalesce(sum(monthly_cents),0) FROM orders WHERE case_key=%(k)d AND pay_method='direct'"
            "  AND start_date <= %(d)s AND (end_date IS NULL OR end_date >= %(d)s)) AS current"
            % {"k": key, "m": lit(N.due.replace(day=1).isoformat()), "r": lit(N.run.isoformat()),
               "d": lit(N.due.isoformat())})[0]
        if got:
            cur, past, due_amts, scan = got
            if cur != led["current"]:
                errs.append("%s: current support printed %s; the case's direct-pay orders in force on %s: %s"
                            % (rel, money(cur), N.due, money(led["current"])))
            if past != led["past_due"]:
                errs.append("%s: past-due balance printed %s, ledger %s" % (rel, money(past), money(led["past_due"])))
            if any(a != cur + past for a in due_amts):
                errs.append("%s: amount due printed %s, current + past-due printed %s"
                            % (rel, "/".join(money(a) for a in due_amts), money(cur + past)))
            if scan:
                k, a, d, chk = scan
                if int(k) != key or int(a) != led["current"] + led["past_due"] or d != N.due.strftime("%Y%m%d"):
                    errs.append("%s: scan line %s %s %s; expected case key %010d, amount %s, due %s"
                                % (rel, k, a, d, key, money(led["current"] + led["past_due"]), N.due.strftime("%Y%m%d")))
                if not luhn_ok(k + a + d + chk):
                    errs.append("%s: scan line check digit %s is wrong" % (rel, chk))
        cprob += errs
        cdocs += 1
    if cdocs == 0:
        cprob.append("no coupon checked")
    report("5 coupons: current support, past-due balance and amount due = ledger, scan line agrees with a "
           "Luhn check digit (%d coupons)" % cdocs, cprob)


def luhn_ok(digits):
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d * 2 > 9 else d * 2
        total += d
    return total % 10 == 0


SCAN_RE = re.compile(r"(?<!\d)(\d{10}) (\d{10}) (\d{8}) (\d)(?!\d)")


def parse_coupon(text, N, where, errs):
    """(current, past_due, [amount due, ...], scan line parts) from a coupon's English part."""
    cur = past = None
    dues, scans = [], []
    for ln, line in enumerate(text.replace("\f", "\n").splitlines(), 1):
        w = "%s line %d" % (where, ln)
        line = re.sub(r"(?<!\S)\$\s*$", "", line)     # the empty "Amount enclosed  $" box
        s = norm_ws(line)
        am = amounts(line, w, errs)
        label = norm_ws(AMOUNT_RE.sub("", line))
        if label == "Current support due " + long_date(N.due) and len(am) == 1:
            cur = am[0][0]
        elif label in ("Past-due balance", "Credit on the account") and len(am) == 1:
            past = am[0][0]
        elif label == "Amount due" and len(am) == 1:
            dues.append(am[0][0])
        elif am:
            errs.append("%s: unexpected amount: %r" % (w, s))
        scans += SCAN_RE.findall(s)
    if cur is None or past is None or len(dues) != 2 or len(scans) != 1:
        errs.append("%s: found current %s, past-due %s, %d 'Amount due' lines (2 expected), %d scan lines (1 expected)"
                    % (where, cur, past, len(dues), len(scans)))
        return None
    return cur, past, dues, scans[0]


# ---------------------------------------------------------------------------
# 6. QR codes

def cmd_c6():
    L, N = Ledger(), Night()
    probs = []
    man, _ = read_manifest(probs)
    sample, seen = [], {}
    for m in man:
        key = L.case_key_of(m["case_id"], m["county"])
        p = L.party(key, m["party_role"]) if key else None
        if p is None:
            probs.append("%s: no party in the ledger" % m["pdf_path"])
            continue
        d, lang = m["doc_type"], p["lang"]
        if d == "pinletter":
            take = True
        else:   # a few per type: English, and as many other languages as there are (up to 3)
            k = (d, lang == "en")
            take = seen.get(k, 0) < (1 if lang == "en" else 3) and (d, lang) not in seen
            if take:
                seen[k] = seen.get(k, 0) + 1
                seen[(d, lang)] = 1
        if take:
            sample.append((m, lang))
    qdir = os.path.join(env("NG_CACHE"), "qr")
    os.makedirs(qdir, exist_ok=True)

    def decode(item):
        m, lang = item
        png = os.path.join(qdir, "%s" % m["seq"])
        r = subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile",
                            os.path.join(run_dir(), m["pdf_path"]), png], capture_output=True)
        if r.returncode != 0:
            return item, None
        r = subprocess.run(["zbarimg", "-q", "--raw", png + ".png"], capture_output=True)
        return item, r.stdout.decode("utf-8", "replace").splitlines()
    n, types = 0, set()
    with ThreadPoolExecutor(WORKERS) as ex:
        for (m, lang), codes in ex.map(decode, sample):
            rel = m["pdf_path"]
            if codes is None:
                probs.append("%s: pdftoppm failed" % rel)
                continue
            want = [N.portal_url(lang)]
            if m["doc_type"] == "pinletter":
                want += [N.register, N.link]
            for u in want:
                if u not in codes:
                    probs.append("%s (%s, lang %s): no QR code %r; decoded %r" % (rel, m["doc_type"], lang, u, codes))
            n += 1
            types.add(m["doc_type"])
    for d in DOC_TYPES:
        if d not in types:
            probs.append("no %s among the QR samples" % d)
    langs = sorted({lang for _, lang in sample})
    report("6 QR codes: portal URL with the party's lang, PIN letters' register and link URLs "
           "(%d PDFs: every PIN letter and %d others; langs %s)"
           % (n, n - sum(1 for m, _ in sample if m["doc_type"] == "pinletter"), " ".join(langs)), probs)


# ---------------------------------------------------------------------------
# 7. manifest, journal, XLSX, summary

def xlsx_sheets(path):
    ns = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    rns = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    z = zipfile.ZipFile(path)
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    target = {r.get("Id"): r.get("Target") for r in rels}
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).iter(ns + "si"):
            shared.append("".join(t.text or "" for t in si.iter(ns + "t")))
    out = {}
    for s in wb.iter(ns + "sheet"):
        t = target[s.get(rns + "id")]
        t = t.lstrip("/") if t.startswith("/") else "xl/" + t
        rows = []
        for row in ET.fromstring(z.read(t)).iter(ns + "row"):
            cells = {}
            for c in row.iter(ns + "c"):
                col = 0
                for ch in re.match(r"[A-Z]+", c.get("r")).group(0):
                    col = col * 26 + ord(ch) - 64
                typ = c.get("t")
                v = c.find(ns + "v")
                if typ == "inlineStr":
                    val = "".join(x.text or "" for x in c.iter(ns + "t"))
                elif typ == "s":
                    val = shared[int(v.text)]
                else:
                    val = v.text if v is not None and v.text is not None else ""
                    if typ in (None, "n") and re.fullmatch(r"-?\d+(\.0+)?", val):
                        val = str(int(float(val)))
                cells[col] = val
            rows.append([cells.get(i, "") for i in range(1, max(cells) + 1)] if cells else [])
        out[s.get("name")] = rows
    return out


def cmd_c7():
    L, N = Ledger(), Night()
    cache = load_cache()
    rd = run_dir()

    # format
    probs = []
    try:
        man, raw = read_manifest(probs)
    except Exception as e:
        report("7 manifest.csv: CRLF, header, 29 fields, seq 1..N", [str(e)])
        return
    if not raw.endswith(b"\r\n") or re.search(rb"(?<!\r)\n", raw):
        probs.append("manifest.csv has line ends other than CRLF")
    seqs = [m["seq"] for m in man]
    if not all(re.fullmatch(r"[1-9]\d*", s) for s in seqs):
        probs.append("non-numeric seq: %r" % [s for s in seqs if not s.isdigit()][:5])
    elif [int(s) for s in seqs] != list(range(1, len(man) + 1)):
        ss = sorted(int(s) for s in seqs)
        gaps = sorted(set(range(1, len(man) + 1)) - set(ss))
        probs.append("seq is not 1..%d in order (missing %s, max %s, duplicates %s)"
                     % (len(man), gaps[:10], ss[-1] if ss else None,
                        sorted({s for s in ss if ss.count(s) > 1})[:10]))
    if not man:
        probs.append("manifest.csv has no rows")
    report("7 manifest.csv: CRLF line ends, header, 29 fields a row, seq 1..%d without gaps" % len(man), probs)

    # rows = PDFs on disk; sha256, bytes, pages, sheets
    probs = []
    disk = set(pdfs_on_disk())
    listed = [m["pdf_path"] for m in man]
    if len(set(listed)) != len(listed):
        probs.append("a pdf_path is listed twice")
    for p in sorted(disk - set(listed)):
        probs.append("on disk, not in the manifest: %s" % p)
    for p in sorted(set(listed) - disk):
        probs.append("in the manifest, not on disk: %s" % p)
    stray = []
    for dirpath, _, files in os.walk(rd):
        for f in files:
            rel = os.path.relpath(os.path.join(dirpath, f), rd)
            if not rel.endswith(".pdf") and rel not in REPORT_FILES and not rel.startswith("print/"):
                stray.append(rel)
    for s in stray:
        probs.append("stray file in the run folder: %s" % s)
    present = [m for m in man if m["pdf_path"] in disk]
    sums = {}
    if present:
        r = subprocess.run(["sha256sum", "--"] + [m["pdf_path"] for m in present], cwd=rd,
                           capture_output=True, text=True)
        for line in r.stdout.splitlines():
            h, _, name = line.partition("  ")
            sums[name] = h
    for m in present:
        rel = m["pdf_path"]
        if sums.get(rel) != m["sha256"]:
            probs.append("%s: manifest sha256 %s, sha256sum %s" % (rel, m["sha256"], sums.get(rel)))
        size = os.path.getsize(os.path.join(rd, rel))
        if m["bytes"] != str(size):
            probs.append("%s: manifest bytes %s, file has %d" % (rel, m["bytes"], size))
        np = cache.get(rel, {}).get("npages")
        if m["pages"] != str(np):
            probs.append("%s: manifest pages %s, PDF has %s" % (rel, m["pages"], np))
        elif m["sheets"] != str((np + 1) // 2 if N.duplex and m["doc_type"] in ("notice", "statement") else np):
            probs.append("%s: manifest sheets %s for %s pages (duplex %s; coupons and PIN letters simplex)"
                         % (rel, m["sheets"], np, N.duplex))
    report("7 manifest rows = PDFs on disk (%d), each sha256 = sha256sum, bytes and pages match, no stray files"
           % len(disk), probs)

    # rows agree with the ledger's parties (and survive CSV quoting)
    probs = []
    for m in man:
        key = L.case_key_of(m["case_id"], m["county"])
        p = L.party(key, m["party_role"]) if key else None
        if p is None:
            probs.append("row %s: no case %s (%s) / %s in the ledger" % (m["seq"], m["case_id"], m["county"], m["party_role"]))
            continue
        for col, f in (("recipient_name", "name"), ("address_line1", "addr1"), ("address_line2", "addr2"),
                       ("city", "city"), ("state", "state"), ("zip", "zip"), ("country", "country")):
            if m[col] != p[f]:
                probs.append("row %s %s: %r, ledger %r" % (m["seq"], col, m[col], p[f]))
    report("7 manifest names and addresses equal the ledger's parties (%d rows)" % len(man), probs)

    # journal: matched to the manifest by path; the manifest's seq is the journal's seq,
    # or (a schema with ord instead) the rank of ord among the night's rows
    probs = []
    jcols = [r["name"] for r in sql("SELECT name FROM pragma_table_info('journal')")]
    jr = sql("SELECT * FROM journal WHERE run_date = %s" % lit(N.run.isoformat()))
    order = "seq" if "seq" in jcols else "ord" if "ord" in jcols else None
    if order is None:
        probs.append("journal has neither seq nor ord (columns %s)" % jcols)
    else:
        for i, j in enumerate(sorted(jr, key=lambda j: j[order]), 1):
            j["rank"] = j[order] if order == "seq" else i
    if len(jr) != len(man):
        probs.append("journal has %d rows for %s, the manifest %d" % (len(jr), N.run, len(man)))
    bypath = {m["pdf_path"]: m for m in man}
    for j in jr:
        m = bypath.pop(j["path"], None)
        if m is None:
            probs.append("journal path %s is not in the manifest" % j["path"])
            continue
        key = L.case_key_of(m["case_id"], m["county"])
        p = L.party(key, m["party_role"]) if key else None
        for col, jv in (("seq", str(j.get("rank"))), ("doc_type", j["doc_type"]), ("sha256", j["sha256"]),
                        ("pages", str(j["pages"])), ("sheets", str(j["sheets"])), ("bytes", str(j["bytes"]))):
            if m[col] != jv:
                probs.append("%s %s: manifest %r, journal %r" % (j["path"], col, m[col], jv))
        if key != j["case_key"] or p is None or p["party_id"] != j["party_id"]:
            probs.append("%s: journal case/party %s/%s, manifest %s (%s) %s"
                         % (j["path"], j["case_key"], j["party_id"], m["case_id"], m["county"], m["party_role"]))
    for path in bypath:
        probs.append("manifest row %s is not in the journal" % path)
    report("7 journal rows of %s = manifest rows (%d; seq from journal %s)" % (N.run, len(jr), order), probs)

    # XLSX
    probs = []
    try:
        sheets = xlsx_sheets(os.path.join(rd, "manifest.xlsx"))
    except Exception as e:
        sheets = {}
        probs.append("cannot read manifest.xlsx: %r" % e)
    ms, ts = sheets.get("Manifest"), sheets.get("Totals")
    if sheets and (ms is None or ts is None):
        probs.append("manifest.xlsx sheets are %s, not Manifest and Totals" % list(sheets))
    if ms is not None:
        body = ms[1:] if ms and ms[0][:len(MANIFEST_HEADER)] == MANIFEST_HEADER else ms
        body = [r for r in body if any(c != "" for c in r)]
        if len(body) != len(man):
            probs.append("sheet Manifest has %d rows, manifest.csv %d" % (len(body), len(man)))
        else:
            for r, m in zip(body, man):
                want = [m[h] for h in MANIFEST_HEADER]
                got = (r + [""] * len(want))[:len(want)]
                if got != want:
                    diff = [(h, a, b) for h, a, b in zip(MANIFEST_HEADER, got, want) if a != b]
                    probs.append("sheet Manifest row of seq %s differs from the CSV: %s" % (m["seq"], diff[:4]))
    if ts is not None:
        agg = {}
        for m in man:
            a = agg.setdefault((m["doc_type"], m["language"]), [0, 0, 0])
            a[0] += 1
            a[1] += int(m["pages"])
            a[2] += int(m["sheets"])
        hdr = ts[0] if ts else []
        if hdr[:5] != ["doc_type", "language", "pieces", "pages", "sheets"]:
            probs.append("sheet Totals header is %r" % hdr)
        got, total = {}, None
        for r in ts[1:]:
            r = (r + [""] * 5)[:5]
            try:
                nums = [int(x) for x in r[2:5]]
            except ValueError:
                probs.append("sheet Totals row %r: not numbers" % r)
                continue
            if r[0] == "TOTAL":
                total = nums
            elif (r[0], r[1]) in got:
                probs.append("sheet Totals lists %s/%s twice" % (r[0], r[1]))
            else:
                got[(r[0], r[1])] = nums
        for k in sorted(set(agg) | set(got)):
            if agg.get(k) != got.get(k):
                probs.append("sheet Totals %s/%s: pieces,pages,sheets %s; manifest.csv %s" % (k[0], k[1], got.get(k), agg.get(k)))
        want_total = [len(man), sum(int(m["pages"]) for m in man), sum(int(m["sheets"]) for m in man)]
        if total != want_total:
            probs.append("sheet Totals TOTAL row %s; manifest.csv %s" % (total, want_total))
    report("7 manifest.xlsx: sheet Manifest has the CSV's rows, sheet Totals agrees (pieces, pages, sheets)", probs)

    # summary.json
    probs = []
    try:
        with open(os.path.join(rd, "summary.json"), encoding="utf-8") as f:
            sj = json.load(f)
        with open(os.path.join(rd, "exceptions.csv"), newline="", encoding="utf-8") as f:
            nexc = len(list(csv.reader(f))) - 1
        want = {"run_date": N.run.isoformat(), "pieces": len(man), "pages": sum(int(m["pages"]) for m in man),
                "sheets": sum(int(m["sheets"]) for m in man), "exceptions": nexc}
        for k, v in want.items():
            if sj.get(k) != v:
                probs.append("summary.json %s = %r, expected %r" % (k, sj.get(k), v))
    except Exception as e:
        probs.append("cannot read summary.json: %r" % e)
    report("7 summary.json totals agree with manifest.csv and exceptions.csv", probs)


# ---------------------------------------------------------------------------
# 10. secrets

PIN_RE = re.compile(r"Your 5-digit account PIN:\s*(\d{5})(?!\d)")


def cmd_c10(scan_dir, pristine_dump):
    """Builds the material to grep for PINs in scan_dir; writes pins-to-grep.txt.
    The grep -w itself is run by run.sh."""
    L, N = Ledger(), Night()
    probs = []
    man, _ = read_manifest(probs)
    cache = load_cache()
    rd = run_dir()
    pins, letters = {}, []
    for m in man:
        if m["doc_type"] != "pinletter":
            continue
        letters.append(m["pdf_path"])
        found = PIN_RE.findall(cache.get(m["pdf_path"], {}).get("text", ""))
        if len(found) != 1:
            probs.append("%s: %d PINs after 'Your 5-digit account PIN:' (expected 1)" % (m["pdf_path"], len(found)))
        for p in found:
            pins[p] = m["pdf_path"]
    # mode 600
    mprobs = []
    for rel in letters:
        mode = os.stat(os.path.join(rd, rel)).st_mode & 0o7777
        if mode != 0o600:
            mprobs.append("%s has mode %o" % (rel, mode))
    if not letters:
        mprobs.append("no PIN letter in the manifest")
    report("10 every PIN letter is mode 600 (%d)" % len(letters), mprobs)

    # Numbers that are in the ledger before any PIN existed, or are file sizes: a PIN
    # equal to one of them cannot be told from it by grep, so it is left out (and said).
    with open(pristine_dump, encoding="utf-8", errors="replace") as f:
        public = set(re.findall(r"(?<![0-9A-Za-z_])(\d{5})(?![0-9A-Za-z_])", f.read()))
    for dirpath, _, files in os.walk(os.path.dirname(rd)):
        for f in files:
            public.add(str(os.path.getsize(os.path.join(dirpath, f))))
    usable = sorted(p for p in pins if p not in public)
    skipped = sorted(set(pins) - set(usable))
    # the material: text and metadata of every other PDF, the reports, the XLSX cells
    os.makedirs(scan_dir, exist_ok=True)
    letterset = set(letters)
    n = 0
    for dirpath, _, files in os.walk(os.path.dirname(rd)):
        for fname in files:
            full = os.path.join(dirpath, fname)
            rel = os.path.relpath(full, os.path.dirname(rd))
            out = os.path.join(scan_dir, "run", rel + ".txt")
            os.makedirs(os.path.dirname(out), exist_ok=True)
            relr = os.path.relpath(full, rd)
            # PIN letters, alone or in their secure print batch (owner-only; print.sh checks both)
            if relr in letterset or re.fullmatch(r"print/B\d+-pinletter-.*-secure\.pdf", relr):
                continue
            if fname.endswith(".pdf"):
                if relr in cache:
                    t = cache[relr]["text"] + "\n" + cache[relr]["info"]
                else:
                    t = tool(["pdftotext", "-enc", "UTF-8", full, "-"])[1] + "\n" + \
                        tool(["pdfinfo", "-enc", "UTF-8", full])[1]
            elif fname.endswith(".xlsx"):
                try:
                    t = "\n".join("\t".join(r) for rows in xlsx_sheets(full).values() for r in rows)
                    with zipfile.ZipFile(full) as z:
                        for nm in z.namelist():
                            if nm.startswith("docProps/") or "sharedStrings" in nm:
                                t += "\n" + z.read(nm).decode("utf-8", "replace")
                except Exception as e:
                    probs.append("cannot read %s: %r" % (rel, e))
                    t = ""
            else:
                with open(full, "rb") as f:
                    t = f.read().decode("utf-8", "replace")
            with open(out, "w", encoding="utf-8") as f:
                f.write(t)
            n += 1
    with open(os.path.join(scan_dir, "..", "pins-to-grep.txt"), "w") as f:
        f.write("".join(p + "\n" for p in usable))
    with open(os.path.join(scan_dir, "..", "pins-all.txt"), "w") as f:
        f.write("".join(p + "\n" for p in sorted(pins)))
    print("# %d PINs read from %d PIN letters; %d to grep for%s; %d files of the output folder prepared"
          % (len(pins), len(letters), len(usable),
             (" (%s left out: the same number is ledger data or a file size)" % " ".join(skipped)) if skipped else "",
             n))
    report("10 every PIN letter shows one 5-digit PIN (%d PINs)" % len(pins),
           probs + ([] if pins else ["no PIN found"]) + ([] if usable else ["no PIN left to grep for"]))


def cmd_pins_table(pinfile):
    """The pins table: nothing in it is a plain 5-digit value or holds a PIN's digits in clear."""
    with open(pinfile) as f:
        pins = [l.strip() for l in f if l.strip()]
    probs = []
    cols = [r["name"] for r in sql("SELECT name FROM pragma_table_info('pins')")]
    if not cols:
        report("10 the pins table holds no plain PIN", ["no pins table"])
        return
    q = "SELECT " + ", ".join("quote(%s) AS %s, typeof(%s) AS t_%s" % (c, c, c, c) for c in cols) + " FROM pins"
    rows = sql(q)
    hexpins = {p: p.encode().hex().upper() for p in pins}
    for r in rows:
        for c in cols:
            v, t = r[c], r["t_" + c]
            if t == "blob":
                h = v[2:-1].upper()
                for p, hp in hexpins.items():
                    if any(h[i:i + len(hp)] == hp for i in range(0, len(h) - len(hp) + 1, 2)):
                        probs.append("pins row %s: column %s holds PIN %s in clear" % (r.get("party_id"), c, p))
                if len(h) // 2 == 5:
                    probs.append("pins row %s: column %s is a 5-byte blob" % (r.get("party_id"), c))
            else:
                s = v[1:-1] if t == "text" else v
                if re.fullmatch(r"\s*\d{5}\s*", s or "") or s in pins or \
                        (t == "integer" and c != "party_id" and int(s) in {int(p) for p in pins}):
                    probs.append("pins row %s: column %s = %s (a plain 5-digit value)" % (r.get("party_id"), c, v))
    if not rows:
        probs.append("the pins table is empty")
    report("10 the pins table holds no plain 5-digit value (%d rows, columns %s)" % (len(rows), " ".join(cols)), probs)


def cmd_ssn():
    L = Ledger()
    cache = load_cache()
    probs = []
    ssns = []
    for p in L.parties.values():
        d = re.sub(r"\D", "", p["ssn"])
        if len(d) == 9:
            ssns.append((p["party_id"], d))
    texts = {rel: c["text"] for rel, c in cache.items()}
    nt = {rel: norm_ws(t) for rel, t in texts.items()}
    for pid, d in ssns:
        pats = [d, "%s-%s-%s" % (d[:3], d[3:5], d[5:])]
        for rel, t in nt.items():
            for pat in pats:
                if pat in t or pat in texts[rel]:
                    probs.append("%s prints party %d's full SSN as %s" % (rel, pid, pat))
    if not ssns:
        probs.append("no 9-digit SSN in the ledger to look for")
    if not texts:
        probs.append("no PDF text")
    report("10 no full SSN in the text of any PDF (%d SSNs, %d PDFs)" % (len(ssns), len(texts)), probs)


# ---------------------------------------------------------------------------

def main():
    cmds = {"extract": cmd_extract, "c1": cmd_c1, "c2": cmd_c2, "c3": cmd_c3, "c4": cmd_c4,
            "c5": cmd_c5, "c6": cmd_c6, "c7": cmd_c7, "c10": cmd_c10, "pins-table": cmd_pins_table,
            "ssn": cmd_ssn}
    if len(sys.argv) < 2 or sys.argv[1] not in cmds:
        sys.exit("usage: ngcheck.py %s" % "|".join(cmds))
    try:
        cmds[sys.argv[1]](*sys.argv[2:])
    except Exception as e:      # a missing or unreadable output: say what, briefly
        print("#   %s: %s" % (type(e).__name__, e))
        sys.exit(2)
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
