-- noticegen ledger schema (applied by `noticegen init-db LEDGER`).
--
-- Conventions:
--   * money is INTEGER cents (never REAL);
--   * dates are TEXT in ISO 8601 (YYYY-MM-DD), months YYYY-MM;
--   * codes are checked by noticegen, not by CHECK constraints, so that a bad
--     row reaches the exceptions report with its reason instead of being
--     silently refused by whichever loader wrote the ledger.

PRAGMA user_version = 2;

-- A child-support case, identified as New York does: the case identifier
-- (e.g. AB12345C1) together with the county. case_key is a stable numeric
-- key, used where a machine-readable digit string is needed (the coupon's
-- scan line).
CREATE TABLE IF NOT EXISTS cases (
    case_key   INTEGER PRIMARY KEY,
    case_id    TEXT NOT NULL,
    county     TEXT NOT NULL,
    status     TEXT NOT NULL DEFAULT 'open',      -- open | closed
    opened_on  TEXT,
    UNIQUE (case_id, county)
);

-- The parties of a case. role: CP (custodial parent, receives support) or
-- NCP (noncustodial parent, pays). lang: the preferred language code
-- (en, es, zh, ru, yi, bn, ko, ht, it, ar, pl, fr, ur).
CREATE TABLE IF NOT EXISTS parties (
    party_id   INTEGER PRIMARY KEY,
    case_key   INTEGER NOT NULL REFERENCES cases(case_key),
    role       TEXT NOT NULL,
    name       TEXT NOT NULL,
    addr1      TEXT,
    addr2      TEXT,
    city       TEXT,
    state      TEXT,
    zip        TEXT,                               -- 12345 or 12345-6789
    delivery_point TEXT,                           -- USPS delivery point (2 digits), where known
    country    TEXT NOT NULL DEFAULT 'US',
    lang       TEXT NOT NULL DEFAULT 'en',
    ssn        TEXT                                -- only ever printed as its last four digits
);
CREATE INDEX IF NOT EXISTS parties_case ON parties(case_key);

-- Support orders. pay_method: 'direct' (the NCP pays the agency, and gets
-- coupons) or 'iwo' (income withholding order: the employer pays).
CREATE TABLE IF NOT EXISTS orders (
    order_id      INTEGER PRIMARY KEY,
    case_key      INTEGER NOT NULL REFERENCES cases(case_key),
    monthly_cents INTEGER NOT NULL,
    start_date    TEXT NOT NULL,
    end_date      TEXT,                            -- NULL while the order runs
    pay_method    TEXT NOT NULL,
    recorded_on   TEXT NOT NULL                    -- the day the order was recorded
);
CREATE INDEX IF NOT EXISTS orders_case ON orders(case_key);
CREATE INDEX IF NOT EXISTS orders_recorded ON orders(recorded_on);

-- What the NCP owes: one row per order per month (kind 'support'), plus fees.
CREATE TABLE IF NOT EXISTS charges (
    charge_id    INTEGER PRIMARY KEY,
    case_key     INTEGER NOT NULL REFERENCES cases(case_key),
    order_id     INTEGER REFERENCES orders(order_id),
    charge_date  TEXT NOT NULL,
    amount_cents INTEGER NOT NULL,
    kind         TEXT NOT NULL DEFAULT 'support'
);
CREATE INDEX IF NOT EXISTS charges_case ON charges(case_key, charge_date);

-- Money collected from (or on behalf of) the NCP. source: iwo (income
-- withholding), direct, tax_offset (tax refund offset), ui (unemployment
-- insurance benefit intercept), other.
CREATE TABLE IF NOT EXISTS payments (
    payment_id    INTEGER PRIMARY KEY,
    case_key      INTEGER NOT NULL REFERENCES cases(case_key),
    received_on   TEXT NOT NULL,
    credit_month  TEXT NOT NULL,                   -- YYYY-MM the payment was credited to
    amount_cents  INTEGER NOT NULL,
    source        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS payments_case ON payments(case_key, received_on);

-- Money sent to the CP. method: direct_deposit, debit_card, check.
CREATE TABLE IF NOT EXISTS disbursements (
    disbursement_id INTEGER PRIMARY KEY,
    case_key        INTEGER NOT NULL REFERENCES cases(case_key),
    party_id        INTEGER NOT NULL REFERENCES parties(party_id),
    disbursed_on    TEXT NOT NULL,
    amount_cents    INTEGER NOT NULL,
    method          TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS disbursements_case ON disbursements(case_key, disbursed_on);

-- Corrections to what is owed: positive adds to the NCP's balance, negative
-- reduces it.
CREATE TABLE IF NOT EXISTS adjustments (
    adjustment_id INTEGER PRIMARY KEY,
    case_key      INTEGER NOT NULL REFERENCES cases(case_key),
    adjusted_on   TEXT NOT NULL,
    amount_cents  INTEGER NOT NULL,
    reason        TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS adjustments_case ON adjustments(case_key, adjusted_on);

-- Account PINs, only ever encrypted: XChaCha20-Poly1305 (libsodium) under
-- the key file named by the config, with the party id and case key as
-- associated data so that a ciphertext copied onto another row fails to open.
CREATE TABLE IF NOT EXISTS pins (
    party_id    INTEGER PRIMARY KEY REFERENCES parties(party_id),
    key_id      TEXT NOT NULL,                     -- fingerprint of the key it is sealed under
    nonce       BLOB NOT NULL,
    sealed      BLOB NOT NULL,
    issued_on   TEXT NOT NULL
);

-- Who did what to a PIN, and why. Never holds a PIN.
CREATE TABLE IF NOT EXISTS pin_audit (
    audit_id    INTEGER PRIMARY KEY,
    party_id    INTEGER,
    case_key    INTEGER,
    at          TEXT NOT NULL,
    event       TEXT NOT NULL,                     -- issue | reissue | replace | refuse | rekey
    staff       TEXT,
    reason      TEXT
);
CREATE INDEX IF NOT EXISTS pin_audit_case ON pin_audit(case_key, at);
CREATE INDEX IF NOT EXISTS pin_audit_party ON pin_audit(party_id, at);

-- The run journal: one row per document written, recorded only after its
-- file is durable. The natural key (doc_type, party_id, period, copy) makes a
-- re-run of a date produce no duplicates. ord places the document in the
-- night's fixed order (case key * 16 + its place among the case's pieces):
-- the manifest's sequence numbers are its rank, so they come out the same
-- however many workers or shards made the night. copy is 0 for a document's
-- first printing; a piece the print shop spoiled is printed again, byte for
-- byte, as copy 1, 2... on a later night (made as of reprint_of, the first
-- printing's run date; ord 2^52 + that date's day number * 2^32 + the first
-- printing's ord, after the night's own pieces).
CREATE TABLE IF NOT EXISTS journal (
    run_date    TEXT NOT NULL,
    ord         INTEGER NOT NULL,
    doc_type    TEXT NOT NULL,                     -- notice | statement | coupon | pinletter
    period      TEXT NOT NULL,                     -- what the document is for (month, due date, order)
    case_key    INTEGER NOT NULL,
    party_id    INTEGER NOT NULL,
    lang        TEXT NOT NULL,
    pages       INTEGER NOT NULL,
    sheets      INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    path        TEXT NOT NULL,                     -- relative to the run folder
    sha256      TEXT NOT NULL,
    copy        INTEGER NOT NULL DEFAULT 0,
    reprint_of  TEXT,                              -- a reprint: the first printing's run date
    PRIMARY KEY (doc_type, party_id, period, copy),
    UNIQUE (run_date, ord)
);
CREATE INDEX IF NOT EXISTS journal_case ON journal(case_key);

-- Cases a run could not serve, with the reason (the exceptions report is
-- made from this table, so a resumed run reports the same).
CREATE TABLE IF NOT EXISTS exceptions (
    run_date    TEXT NOT NULL,
    case_key    INTEGER,
    party_id    INTEGER,
    doc_type    TEXT,
    reason      TEXT NOT NULL,
    UNIQUE (run_date, case_key, party_id, doc_type, reason)
);

-- One row per run date: when it started and finished.
CREATE TABLE IF NOT EXISTS runs (
    run_date    TEXT PRIMARY KEY,
    started_at  TEXT NOT NULL,
    finished_at TEXT,
    status      TEXT NOT NULL                      -- running | done | done_with_exceptions | failed
);

-- The print shop's view of a night: each journaled piece's place in a print
-- batch (batch file, first page, pages with duplex padding) and its USPS
-- Intelligent Mail barcode (serial and routing code; none abroad). Written
-- once per date, before any batch is drawn, so a resumed run draws the same.
CREATE TABLE IF NOT EXISTS print_pieces (
    run_date    TEXT NOT NULL,
    ord         INTEGER NOT NULL,
    seq         INTEGER NOT NULL,                  -- the manifest's sequence number
    batch       TEXT NOT NULL,
    batch_page  INTEGER NOT NULL,                  -- the piece's first page in the batch (from 1)
    batch_pages INTEGER NOT NULL,                  -- its pages there, blank backs included
    serial      INTEGER,                           -- IMb serial number; NULL without an IMb
    tracking    TEXT,                              -- IMb tracking code: barcode ID, STID, Mailer ID, serial
    routing     TEXT,                              -- IMb routing code: ZIP, ZIP+4, ZIP+4+delivery point
    PRIMARY KEY (run_date, ord),
    UNIQUE (run_date, seq)
);
CREATE INDEX IF NOT EXISTS print_pieces_batch ON print_pieces(run_date, batch, batch_page);

-- Each print batch once written: what the job ticket reports.
CREATE TABLE IF NOT EXISTS print_batches (
    run_date    TEXT NOT NULL,
    batch       TEXT NOT NULL,                     -- file name in the run's print/ folder
    doc_type    TEXT NOT NULL,
    pieces      INTEGER NOT NULL,
    pages       INTEGER NOT NULL,
    sheets      INTEGER NOT NULL,
    first_seq   INTEGER NOT NULL,
    last_seq    INTEGER NOT NULL,
    bytes       INTEGER NOT NULL,
    sha256      TEXT NOT NULL,
    PRIMARY KEY (run_date, batch)
);

-- The next IMb serial number per Mailer ID. Serials must not repeat within
-- 45 days; the run refuses a night that would wrap onto a recent one.
CREATE TABLE IF NOT EXISTS imb_serials (
    mailer_id   TEXT PRIMARY KEY,
    next        INTEGER NOT NULL
);

-- What became of each mail piece, from the print shop's return files
-- (`noticegen reconcile`). A spoiled piece is printed again on the next
-- night; mailed and returned are recorded for the agency.
CREATE TABLE IF NOT EXISTS fates (
    run_date    TEXT NOT NULL,
    seq         INTEGER NOT NULL,                  -- the manifest's sequence number that night
    case_key    INTEGER NOT NULL,
    doc_type    TEXT NOT NULL,
    party_id    INTEGER NOT NULL,
    period      TEXT NOT NULL,
    copy        INTEGER NOT NULL,
    status      TEXT NOT NULL,                     -- mailed | spoiled | returned
    recorded_at TEXT NOT NULL,
    source      TEXT NOT NULL,                     -- the return file it came from
    PRIMARY KEY (run_date, seq)
);
CREATE INDEX IF NOT EXISTS fates_case ON fates(case_key, status);
