#!/usr/bin/env bash
# Print check of the exported tables (issue 18): every XLSX the product writes is printed to
# PDF by LibreOffice and checked — A4 landscape, text of at least 9 pt, the header row on
# every page, and every cell printed whole (no comment or answer cut at a row's border).
# The print pages (HTML) are printed by Chromium, when it is installed, and checked for
# paper, text size and header titles kept whole on one line (「No.」, not 「N / o.」).
#
#   tests/print/check_xlsx.sh [PUBCOM_BINARY] [OUT_DIR]
#
# PUBCOM_BINARY defaults to target/debug/pubcom. OUT_DIR (default: a temporary folder,
# removed afterwards) keeps the database, the exported files, their PDFs and the reports.
# Exit status: 0 all checks pass, 1 a check failed, 2 a tool or an export is missing.
# Each file's report lists its first 15 failures; PRINT_CHECK_ALL=1 lists them all. One file
# can be checked alone: python3 tests/print/check_pdf.py xlsx FILE.xlsx FILE.pdf
#
# Data: the demo (both sample consultations) and tests/print/print-stress.csv, a table of
# five comments made to be hard to print: a 1,900-character comment with a long answer and a
# long revision, 31 one-line items, English with URLs, half-width kana, and a comment one
# line longer than a spreadsheet row holds (so a （続き） row of one line follows).
#
# Needs (Debian): libreoffice-calc-nogui poppler-utils fonts-noto-cjk fonts-liberation and,
# for the HTML pages, chromium. The workbooks' font is Arial (Liberation Sans stands in for
# it); Carlito (fonts-crosextra-carlito) only matters for XLSX files made with Calibri.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
bin="${1:-$repo/target/debug/pubcom}"
out="${2:-}"

die() { echo "check_xlsx: $*" >&2; exit 2; }

[ -x "$bin" ] || die "no pubcom binary at $bin (build it, or pass its path)"
for tool in soffice pdftotext pdftoppm pdfinfo python3; do
    command -v "$tool" >/dev/null || die "$tool not found (apt-get install libreoffice-calc-nogui poppler-utils)"
done
chromium="$(command -v chromium || command -v chromium-browser || true)"
if ! fc-match Calibri 2>/dev/null | grep -qi carlito; then
    echo "warning: no Carlito font (fonts-crosextra-carlito): LibreOffice will print Calibri columns wider and the text smaller than an office user sees"
fi

if [ -z "$out" ]; then
    out="$(mktemp -d)"
    trap 'rm -rf "$out"' EXIT
fi
mkdir -p "$out"
out="$(cd "$out" && pwd)"
db="sqlite://$out/demo.sqlite3"
rm -f "$out/demo.sqlite3"

pubcom() {
    "$bin" --database "$db" --profiles "$repo/import/profiles" --templates "$repo/templates" "$@"
}

echo "== data"
pubcom demo --no-serve >"$out/demo.log" 2>&1 || { cat "$out/demo.log"; die "pubcom demo failed"; }
pubcom import comments --consultation print-stress "$here/print-stress.csv" >>"$out/demo.log" 2>&1 ||
    { cat "$out/demo.log"; die "importing print-stress.csv failed"; }
slugs="$(pubcom consultations list | cut -f1)"
echo "consultations: $(tr "\n" " " <<<"$slugs")"

# Every file: the result table in each layout, the 新旧対照表; the final version where the
# pre-publication check allows it (in the demo it refuses, so the 【案】 files are what print).
echo "== export"
xlsx=() html=()
export_one() {  # name, then export arguments
    local name="$1"; shift
    if pubcom export "$@" -o "$out/$name" >>"$out/export.log" 2>&1; then
        case "$name" in *.xlsx) xlsx+=("$name") ;; *.html) html+=("$name") ;; esac
        return 0
    fi
    return 1
}
for slug in $slugs; do
    for layout in mhlw mic summary; do
        export_one "$slug-results-$layout.xlsx" results --consultation "$slug" --layout "$layout" ||
            die "export of $slug $layout failed: $(tail -3 "$out/export.log")"
        export_one "$slug-results-$layout-final.xlsx" results --consultation "$slug" --layout "$layout" --final ||
            echo "$slug $layout: final version refused by the pre-publication check (the 【案】 file is checked)"
        export_one "$slug-results-$layout.html" results --consultation "$slug" --layout "$layout" --format html ||
            die "HTML export of $slug $layout failed"
    done
    export_one "$slug-shinkyu.xlsx" shinkyu --consultation "$slug" || die "新旧対照表 export of $slug failed"
    export_one "$slug-shinkyu-final.xlsx" shinkyu --consultation "$slug" --final || true
    export_one "$slug-shinkyu.html" shinkyu --consultation "$slug" --format html || die "新旧対照表 HTML of $slug failed"
done

echo "== print (LibreOffice)"
# A profile of its own: no clash with a LibreOffice the user has open, no first-run state.
lo_profile="file://$out/lo-profile"
(cd "$out" && soffice -env:UserInstallation="$lo_profile" --headless --convert-to pdf --outdir "$out" "${xlsx[@]}" \
    >"$out/soffice.log" 2>&1) || { cat "$out/soffice.log"; die "soffice failed"; }

failed=0
for f in "${xlsx[@]}"; do
    pdf="$out/${f%.xlsx}.pdf"
    if [ ! -s "$pdf" ]; then
        echo "== $f: FAIL (LibreOffice made no PDF)"; failed=1; continue
    fi
    python3 "$here/check_pdf.py" xlsx "$out/$f" "$pdf" | tee "$out/${f%.xlsx}.report.txt"
    [ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
done

echo "== print (HTML)"
if [ -z "$chromium" ]; then
    echo "chromium not found: the print pages are not checked"
else
    for f in "${html[@]}"; do
        pdf="$out/${f%.html}.html.pdf"
        timeout 180 "$chromium" --headless --no-sandbox --disable-gpu --no-pdf-header-footer --print-to-pdf-no-header \
            --user-data-dir="$out/chromium-profile" --print-to-pdf="$pdf" "file://$out/$f" \
            >>"$out/chromium.log" 2>&1
        if [ ! -s "$pdf" ]; then
            echo "== $f: FAIL (Chromium made no PDF)"; failed=1; continue
        fi
        # The header titles, as the page has them.
        mapfile -t titles < <(python3 -c '
import re, sys, html
page = open(sys.argv[1], encoding="utf-8").read()
head = re.search(r"<thead>(.*?)</thead>", page, re.S).group(1)
for th in re.findall(r"<th[^>]*>(.*?)</th>", head, re.S):
    print(html.unescape(re.sub(r"<[^>]+>", "", th)).strip())' "$out/$f")
        python3 "$here/check_pdf.py" html "$pdf" "${titles[@]}" | tee "$out/${f%.html}.html.report.txt"
        [ "${PIPESTATUS[0]}" -eq 0 ] || failed=1
    done
fi

echo
if [ "$failed" -ne 0 ]; then
    echo "print check: FAILED${2:+ (files in $out)}"
else
    echo "print check: all passed"
fi
exit "$failed"
