#!/bin/sh
# The print shop's handoff (issue #6): batches in ZIP order matching the
# per-case PDFs, IMb and DataMatrix marks read back from pixels, the job
# ticket against manifest and journal, READY last, address hygiene,
# reconciliation and the reprint of a spoiled piece, resume of a batch.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib.sh"
D=2026-11-03
TMP=$(mktemp -d /tmp/noticegen-e2e-print.XXXXXX)
[ "${KEEP:-}" = 1 ] && echo "# kept: $TMP" || trap 'rm -rf "$TMP"' EXIT
PROBS=$TMP/problems
need qpdf pdftotext pdfinfo pdftoppm dmtxread zint sqlite3 sha256sum python3
W=$TMP/w
mkdir -p "$W" "$TMP/px"

"$GEN" --out "$W/ledger.db" --cases 60 --seed 5 --as-of $D --bad >/dev/null || bail "genledger failed"
"$NG" keygen "$W/pin.key" || bail "keygen failed"
write_config "$W/c.ini" "$W"
set_key "$W/c.ini" print batch_max_pages 60 || bail "no print:batch_max_pages in the config"
"$NG" run --config "$W/c.ini" --date $D --quiet 2>"$TMP/run.err"
rc=$?
RD=$W/out/$D
[ "$rc" -eq 1 ] && [ -f "$RD/print/READY" ] && ok "a night with faulty cases: exit 1 and print/READY" ||
	bail "run: exit $rc, READY $(ls "$RD/print" 2>&1 | tr '\n' ' '): $(tail -n 3 "$TMP/run.err")"

# What the checker needs to know: the layout's boxes, the config's IMb fields, the journal's totals.
box() { awk -v s="[$1]" '$0 == s { on = 1; next } /^\[/ { on = 0 } on && $1 ~ /^[xywh]$/ { v[$1] = $3 }
	END { printf "[%s, %s, %s, %s]", v["x"], v["y"], v["w"], v["h"] }' "$ROOT/layouts/common.ini"; }
jrow=$(sqlite3 "$W/ledger.db" "SELECT count(*), sum(sheets) FROM journal WHERE run_date = '$D'")
cat > "$TMP/cfg.json" <<JSON
{"tmp": "$TMP/px", "batch_max_pages": 60, "barcode_id": "00", "service_type": "040", "mailer_id": "123456",
 "imb_box": $(box imb), "mark_box": $(box sheet_mark),
 "journal": {"pieces": ${jrow%%|*}, "sheets": ${jrow##*|}}}
JSON
for c in order text imb datamatrix totals; do
	out=$(python3 "$HERE/printcheck.py" $c "$RD" "$TMP/cfg.json" 2>&1)
	printf '%s\n' "$out" | grep -E '^(ok|not ok|#)'
	PASS=$((PASS + $(printf '%s\n' "$out" | grep -c '^ok')))
	FAIL=$((FAIL + $(printf '%s\n' "$out" | grep -c '^not ok')))
	printf '%s\n' "$out" | grep -qE '^(ok|not ok)' || notok "printcheck.py $c did not finish: $(printf '%s\n' "$out" | tail -n 2)"
done

# READY last, and what it says.
# No file is newer (files written in the same clock tick share a time: a tie is no fault).
later=$(find "$W/out" -type f -newer "$RD/print/READY" -printf '%P ' | head -c 300)
[ -z "$later" ] || problem "written after READY: $later"
grep -qx "pieces=${jrow%%|*}" "$RD/print/READY" || problem "READY says $(tr '\n' ' ' < "$RD/print/READY"), the journal ${jrow%%|*} pieces"
verdict "print/READY is the newest file of the run and states the pieces"

# Secure job: PIN letters only, owner-only.
for f in "$RD"/print/*-secure.pdf; do
	[ -f "$f" ] || { problem "no secure batch"; continue; }
	[ "$(stat -c %a "$f")" = 600 ] || problem "$(basename "$f") is mode $(stat -c %a "$f")"
	case $(basename "$f") in *-pinletter-*) ;; *) problem "$(basename "$f") is secure but not PIN letters" ;; esac
done
for f in "$RD"/print/*.pdf; do
	case $(basename "$f") in *-pinletter-*-secure.pdf|*-secure.pdf) ;; *-pinletter-*) problem "PIN letters outside a secure batch: $(basename "$f")" ;; esac
done
verdict "PIN letters print as a secure job of their own, mode 0600"

# Address hygiene: the faulty addresses reach the exceptions and no batch; the foreign one is served.
for fault in address-foreign-without-country address-no-zip delivery-point-bad; do
	key=$(awk -F'\t' -v f=$fault '$4 == f { print $1 }' "$W/ledger.db.faults.tsv")
	id=$(awk -F'\t' -v f=$fault '$4 == f { print $2 }' "$W/ledger.db.faults.tsv")
	[ -n "$key" ] || { problem "no $fault case in the ledger"; continue; }
	grep -q "^$key,$id," "$RD/exceptions.csv" || problem "$fault (case $id) is not in exceptions.csv"
done
abroad=$(awk -F'\t' '$4 == "address-abroad" { print $2 }' "$W/ledger.db.faults.tsv")
awk -F, -v id="$abroad" '$3 == id && $13 == "Canada" && $22 ~ /-intl/ && $28 == "" { f = 1 } END { exit !f }' "$RD/manifest.csv" ||
	problem "the address in Canada is not served in an -intl batch without an IMb"
verdict "address hygiene: foreign state without a country, no ZIP, bad delivery point -> exceptions; Canada -> intl batch, no IMb"

# An address with more lines than the window holds: an exception, in no batch (a window of 3 lines here).
W2=$TMP/w2
mkdir -p "$W2"
cp -r "$ROOT/layouts" "$TMP/layouts3"
set_key "$TMP/layouts3/common.ini" address max_lines 3 || problem "test set-up: no address max_lines"
"$GEN" --out "$W2/ledger.db" --cases 30 --seed 5 --as-of $D >/dev/null
cp "$W/pin.key" "$W2/pin.key"
write_config "$W2/c.ini" "$W2"
sed -i "s|^layouts .*|layouts = $TMP/layouts3|" "$W2/c.ini"
"$NG" run --config "$W2/c.ini" --date $D --quiet 2>/dev/null
long=$(sqlite3 "$W2/ledger.db" "SELECT count(*) FROM parties WHERE coalesce(addr2, '') <> ''")
held=$(grep -c "the window holds 3" "$W2/out/$D/exceptions.csv")
[ "$long" -gt 0 ] || problem "test set-up: no four-line address in the sample"
[ "$held" -gt 0 ] || problem "no exception says the window holds 3 lines"
awk -F, 'NR > 1 && $8 != "" { print "a four-line address in the manifest: " $1 }' "$W2/out/$D/manifest.csv" | head -n 3 >> "$PROBS"
verdict "addresses longer than the window ($long parties with four lines, window of three): $held exceptions, none in the manifest or a batch"

# IMb serials must not repeat within 45 days: a 9-digit Mailer ID has a million; with
# 999,990 given out yesterday, tonight's pieces would reuse some: the run stops (78), no READY.
W3=$TMP/w3
mkdir -p "$W3"
cp "$W2/ledger.db" "$W3/ledger.db"
cp "$W/pin.key" "$W3/pin.key"
write_config "$W3/c.ini" "$W3"
set_key "$W3/c.ini" print imb_mailer_id 912345678 || problem "test set-up: no print:imb_mailer_id"
sqlite3 "$W3/ledger.db" "DELETE FROM journal; DELETE FROM print_pieces; DELETE FROM runs; DELETE FROM exceptions;
	WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 999990)
	INSERT INTO print_pieces (run_date, ord, seq, batch, batch_page, batch_pages, serial, tracking, routing)
	SELECT '2026-11-02', i, i, 'B001', i, 1, i, '', '' FROM k;"
"$NG" run --config "$W3/c.ini" --date $D --quiet 2>"$TMP/imb.err"
rc=$?
[ $rc -eq 78 ] || problem "exit $rc, not 78"
grep -q "912345678" "$TMP/imb.err" && grep -q "45 days" "$TMP/imb.err" || problem "the message does not name the Mailer ID and the 45 days: $(tail -n 1 "$TMP/imb.err")"
[ ! -e "$W3/out/$D/print/READY" ] && [ -z "$(ls "$W3/out/$D/print" 2>/dev/null)" ] || problem "print/ is not empty: $(ls "$W3/out/$D/print" | head -n 3 | tr '\n' ' ')"
verdict "a night that would reuse an IMb serial within 45 days stops with exit 78 before any batch: $(sed -n 's/.*error: //p' "$TMP/imb.err" | cut -c 1-90)"

# Resume: a batch lost after it was written is drawn again, byte for byte; the rest is left.
b=$(ls "$RD/print" | grep -m1 statement)
sum=$(sha256sum < "$RD/print/$b")
rm "$RD/print/$b" "$RD/print/READY"
"$NG" run --config "$W/c.ini" --date $D --quiet 2>/dev/null
[ "$(sha256sum < "$RD/print/$b" 2>/dev/null)" = "$sum" ] || problem "$b came back different"
[ -f "$RD/print/READY" ] || problem "no READY after the resumed run"
(cd "$RD/print" && sha256sum -c --quiet SHA256SUMS) >/dev/null 2>&1 || problem "SHA256SUMS does not hold after the resume"
verdict "a batch deleted after the night is drawn again byte-identical by the next try of the date"

# A plan that no longer matches the journal (a case's rows removed by hand, then the case closed)
# is made again: the ticket still equals the manifest.
cp -r "$W" "$TMP/w4"
W4=$TMP/w4
sed -i "s|$W|$W4|g" "$W4/c.ini"
k=$(sqlite3 "$W4/ledger.db" "SELECT case_key FROM journal WHERE run_date = '$D' LIMIT 1")
sqlite3 "$W4/ledger.db" "DELETE FROM journal WHERE case_key = $k; UPDATE cases SET status = 'closed' WHERE case_key = $k"
"$NG" run --config "$W4/c.ini" --date $D 2>"$TMP/stale.err"
grep -q "planning the batches again" "$TMP/stale.err" || problem "no warning that the plan was made again"
n=$(sqlite3 "$W4/ledger.db" "SELECT count(*) FROM journal WHERE run_date = '$D'")
grep -qx "pieces=$n" "$W4/out/$D/print/READY" || problem "READY says $(grep pieces "$W4/out/$D/print/READY"), the journal $n"
[ "$(grep -c . "$W4/out/$D/manifest.csv")" -eq $((n + 1)) ] || problem "the manifest does not have $n rows"
verdict "a print plan that no longer matches the journal is made again ($n pieces)"

# Reconciliation: a bad return file records nothing; a good one records each fate.
spoil=$(awk -F, '$2 == "statement" { print $1; exit }' "$RD/manifest.csv")
printf 'run_date,seq,status\n%s,%s,spoiled\n%s,999999,mailed\n%s,2,lost\n' $D "$spoil" $D $D > "$TMP/bad.csv"
"$NG" reconcile --config "$W/c.ini" "$TMP/bad.csv" 2>"$TMP/rec.err"
rc=$?
[ $rc -eq 65 ] || problem "a return file with an unknown piece and status: exit $rc, not 65"
grep -q "line 3" "$TMP/rec.err" && grep -q "line 4" "$TMP/rec.err" || problem "the error does not name lines 3 and 4: $(cat "$TMP/rec.err")"
[ "$(sqlite3 "$W/ledger.db" 'SELECT count(*) FROM fates')" = 0 ] || problem "a rejected file left fates in the ledger"
verdict "reconcile: a bad return file exits 65, names the bad lines, records nothing"
mailed=$(awk -F, '$2 == "notice" { print $1; exit }' "$RD/manifest.csv")
returned=$(awk -F, '$2 == "coupon" { print $1; exit }' "$RD/manifest.csv")
printf 'seq,status,run_date\r\n%s,spoiled,%s\r\n%s,mailed,%s\r\n%s,returned,%s\r\n' "$spoil" $D "$mailed" $D "$returned" $D > "$TMP/ret.csv"
"$NG" reconcile --config "$W/c.ini" "$TMP/ret.csv" 2>"$TMP/rec.err" || problem "reconcile failed: $(cat "$TMP/rec.err")"
got=$(sqlite3 "$W/ledger.db" "SELECT group_concat(seq || ':' || status, ' ') FROM (SELECT * FROM fates ORDER BY seq)")
want=$(printf '%s:mailed\n%s:returned\n%s:spoiled\n' "$mailed" "$returned" "$spoil" | sort -t: -n -k1 | tr '\n' ' ' | sed 's/ $//')
[ "$got" = "$want" ] || problem "fates recorded: '$got', want '$want'"
verdict "reconcile: each piece's fate recorded in the ledger ($want)"

# The spoiled piece comes back on the next night: same SHA-256, a new IMb serial, in a batch.
orig=$(awk -F, -v s="$spoil" '$1 == s { print $18 "," $19 "," $28 }' "$RD/manifest.csv")
D2=2026-11-04
"$NG" run --config "$W/c.ini" --date $D2 --quiet 2>/dev/null
R2=$W/out/$D2
line=$(awk -F, -v p="${orig%%,*}" '$18 == p && $20 == 1 && $21 == "'$D'"' "$R2/manifest.csv")
if [ -z "$line" ]; then
	problem "no reprint (copy 1 of $D) of ${orig%%,*} in the manifest of $D2"
else
	sha=$(echo "$line" | cut -d, -f19)
	[ "$sha" = "$(echo "$orig" | cut -d, -f2)" ] || problem "the reprint's SHA-256 is not the spoiled piece's"
	[ "$(sha256sum < "$R2/${orig%%,*}" | cut -d' ' -f1)" = "$sha" ] || problem "the reprinted file is not its manifest SHA-256"
	[ -n "$(echo "$line" | cut -d, -f22)" ] || problem "the reprint is in no batch"
	[ "$(echo "$line" | cut -d, -f28)" != "$(echo "$orig" | cut -d, -f3)" ] || problem "the reprint has the spoiled piece's IMb serial"
fi
"$NG" run --config "$W/c.ini" --date 2026-11-05 --quiet 2>"$TMP/third.err"
rc=$?
# Nothing is due on the 5th: an empty night still hands the shop a ticket and READY.
{ [ $rc -le 1 ] && grep -q "^pieces=0" "$W/out/2026-11-05/print/READY"; } ||
	problem "the next night (nothing due) failed: exit $rc, $(tail -n 1 "$TMP/third.err")"
grep -q ",1,$D," "$W/out/2026-11-05/manifest.csv" 2>/dev/null && problem "the spoiled piece was printed a second time on 2026-11-05"
verdict "the spoiled piece is printed again on the next night, SHA-256 identical, new IMb serial, once"

# More than 999 batches: each keeps its own number on the sheets and in the ticket's order.
W4=$TMP/many
mkdir -p "$W4"
"$GEN" --out "$W4/ledger.db" --cases 2000 --seed 5 --as-of $D >/dev/null
cp "$W/pin.key" "$W4/pin.key"
write_config "$W4/c.ini" "$W4"
set_key "$W4/c.ini" print batch_max_pages 10
"$NG" run --config "$W4/c.ini" --date $D --quiet 2>"$TMP/many.err"
rc=$?
R4=$W4/out/$D/print
[ $rc -le 1 ] && [ -f "$R4/B1000-"*.pdf ] || problem "a 2,000-case night in batches of 10 pages: exit $rc, no B1000 ($(tail -n 1 "$TMP/many.err"))"
order=$(cut -d, -f1 "$R4/jobticket.csv" | grep '^B[0-9]' | sed 's/^B\([0-9]*\)-.*/\1/' | awk 'NR > 1 && $1 != prev + 1 { print "B" $1 " follows B" prev; exit } { prev = $1 }')
[ -z "$order" ] || problem "the job ticket's batches out of order: $order"
seq=$(sed 1d "$W4/out/$D/manifest.csv" | awk -F, '$22 ~ /^B1000-/ && $23 == 1 { print $1 }')
pdftoppm -r 300 -f 1 -l 1 -gray "$R4"/B1000-*.pdf "$TMP/b1000" 2>/dev/null
got=$(dmtxread -N1 -m 4000 "$TMP"/b1000-*.pgm 2>/dev/null)
case $got in "B1000 $(printf '%06d' "$seq") 1/"*) ;; *) problem "B1000's first sheet mark reads '$got', want 'B1000 $(printf '%06d' "$seq") 1/n'" ;; esac
verdict "$(grep -c "^B[0-9]" "$R4/jobticket.csv") batches: the ticket lists them by number, B1000's sheet mark says B1000"

finish
