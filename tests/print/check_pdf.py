#!/usr/bin/env python3
"""Checks that a table printed to PDF shows every cell whole.

    check_pdf.py xlsx FILE.xlsx FILE.pdf     an XLSX and LibreOffice's PDF of it
    check_pdf.py html FILE.pdf HEADER...     a print page (HTML) and Chromium's PDF of it

For an XLSX the expected cell texts come from the file itself. The PDF is read twice:
`pdftoppm` draws each page, and the cell borders found in the picture give the grid
(rows and columns); `pdftotext -bbox-layout` gives every word with its box, and each word
goes into the grid cell its centre falls in. A cell passes when the words in its box spell
its whole text (whitespace aside). Text that LibreOffice clips at a cell's border is still
in the PDF's text layer, so only its position tells it was cut: a word whose centre lies
below its row's bottom border is not in the cell, and one that reaches well past the border
is counted as cut.

Checked and printed per file: pages, paper (A4 landscape), the printed size of the text
(measured from the width of full-width characters in the PDF), the header row on every page,
and the cells not printed whole. Exit status 1 on any failure, 2 when the input can't be read.

Only the Python standard library and poppler-utils (pdfinfo, pdftotext, pdftoppm).
"""

import glob
import os
import re
import statistics
import subprocess
import sys
import tempfile
import unicodedata
import xml.etree.ElementTree as ET
import zipfile

MIN_FONT_PT = 9.0
A4_LONG, A4_SHORT = 841.89, 595.28  # points
DPI = 100  # for finding the borders; a thin border is one pixel at this size
PT_PER_PX = 72.0 / DPI
DARK = bytes(1 if v < 160 else 0 for v in range(256))  # grey level -> 1 where dark
# A word whose box reaches below its row's bottom border by more than this share of its
# height is cut (its line's lower part is not printed).
CUT_SHARE = 0.25

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "pr": "http://schemas.openxmlformats.org/package/2006/relationships",
}
XHTML = "{http://www.w3.org/1999/xhtml}"


# ---------------------------------------------------------------------------------------
# Text


def squeeze(s):
    """Text as compared: NFKC, without any whitespace."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", s))


def is_full_width(ch):
    return unicodedata.east_asian_width(ch) in ("W", "F")


def short(s, n=24, tail=False):
    s = s.replace("\n", "⏎")
    if len(s) <= n:
        return s
    return "…" + s[-n:] if tail else s[:n] + "…"


# ---------------------------------------------------------------------------------------
# XLSX


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def rich_text(el):
    """The text of a <si> or <is>: its <t>s, or its runs' <t>s, without phonetic runs."""
    parts = []
    for child in el:
        tag = child.tag.split("}")[1]
        if tag == "t":
            parts.append(child.text or "")
        elif tag == "r":
            parts.extend(t.text or "" for t in child.findall("m:t", NS))
    return "".join(parts)


class Sheet:
    """The first worksheet of an XLSX: cell texts, row heights, print setup."""

    def __init__(self, path):
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
            wb = ET.fromstring(z.read("xl/workbook.xml"))
            rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
            first = wb.find("m:sheets/m:sheet", NS)
            self.name = first.get("name")
            rid = first.get("{%s}id" % NS["r"])
            target = next(r.get("Target") for r in rels if r.get("Id") == rid)
            target = target.lstrip("/")
            sheet_path = target if target.startswith("xl/") else "xl/" + target
            shared = []
            if "xl/sharedStrings.xml" in names:
                sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
                shared = [rich_text(si) for si in sst.findall("m:si", NS)]
            styles = ET.fromstring(z.read("xl/styles.xml"))
            ws = ET.fromstring(z.read(sheet_path))

        fonts = [
            float(f.find("m:sz", NS).get("val")) if f.find("m:sz", NS) is not None else 11.0
            for f in styles.findall("m:fonts/m:font", NS)
        ]
        xf_font = [int(x.get("fontId", 0)) for x in styles.findall("m:cellXfs/m:xf", NS)]
        self.font_sizes = set()

        self.rows = []  # [(sheet row number, height pt or None, [cell text])]
        self.duplicate_rows = []
        for row in ws.findall("m:sheetData/m:row", NS):
            cells = {}
            for c in row.findall("m:c", NS):
                t = c.get("t")
                if t == "inlineStr":
                    text = rich_text(c.find("m:is", NS))
                elif t == "s":
                    text = shared[int(c.find("m:v", NS).text)]
                else:
                    v = c.find("m:v", NS)
                    text = v.text if v is not None and v.text else ""
                cells[col_index(c.get("r"))] = text
                s = int(c.get("s", 0))
                if s < len(xf_font) and xf_font[s] < len(fonts):
                    self.font_sizes.add(fonts[xf_font[s]])
            width = max(cells) + 1 if cells else 0
            ht = row.get("ht")
            if self.rows and self.rows[-1][0] == int(row.get("r")):
                # The same row twice (seen: an empty repeat of the last row): one row.
                self.duplicate_rows.append(int(row.get("r")))
                for i, t in cells.items():
                    if t:
                        self.rows[-1][2][i] = t
                continue
            self.rows.append(
                (int(row.get("r")), float(ht) if ht else None,
                 [cells.get(i, "") for i in range(width)])
            )
        # Rows with no text print nothing (the writer ends the sheet with an empty cell).
        while self.rows and not any(self.rows[-1][2]):
            self.rows.pop()
        self.ncols = max((len(r[2]) for r in self.rows), default=0)
        for r in self.rows:
            r[2].extend([""] * (self.ncols - len(r[2])))

        self.widths = [
            (int(c.get("min")), int(c.get("max")), float(c.get("width")))
            for c in ws.findall("m:cols/m:col", NS)
        ]
        ps = ws.find("m:pageSetup", NS)
        self.page_setup = dict(ps.attrib) if ps is not None else {}
        fit = ws.find("m:sheetPr/m:pageSetUpPr", NS)
        self.fit_to_page = fit is not None and fit.get("fitToPage") in ("1", "true")
        self.print_titles = [
            d.text
            for d in wb.findall("m:definedNames/m:definedName", NS)
            if d.get("name") == "_xlnm.Print_Titles"
        ]

    def setup_summary(self):
        ps = self.page_setup
        parts = [
            "orientation=%s" % ps.get("orientation", "portrait"),
            "paperSize=%s" % ps.get("paperSize", "1"),
        ]
        if self.fit_to_page:
            parts.append("fitToWidth=%s fitToHeight=%s" % (ps.get("fitToWidth", "1"), ps.get("fitToHeight", "1")))
        else:
            parts.append("scale=%s%%" % ps.get("scale", "100"))
        parts.append("font=%s pt" % "/".join("%g" % f for f in sorted(self.font_sizes)))
        widths = [w for lo, hi, w in self.widths for _ in range(lo, hi + 1)]
        parts.append("widths=%s" % "+".join("%g" % w for w in widths))
        return " ".join(parts)


# ---------------------------------------------------------------------------------------
# PDF


def run(*cmd):
    return subprocess.run(cmd, check=True, capture_output=True, text=True).stdout


def pdf_info(pdf):
    info = run("pdfinfo", pdf)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    m = re.search(r"^Page size:\s+([\d.]+) x ([\d.]+) pts(.*)$", info, re.M)
    return pages, float(m.group(1)), float(m.group(2)), m.group(3).strip()


def pdf_words(pdf):
    """Per page: (width, height, [(text, x0, y0, x1, y1)]) in points, y down."""
    out = run("pdftotext", "-bbox-layout", pdf, "-")
    # The XHTML names no entities we need; drop the doctype for ElementTree.
    out = re.sub(r"<!DOCTYPE[^>]*>", "", out)
    root = ET.fromstring(out)
    pages = []
    for page in root.iter(XHTML + "page"):
        words = [
            (w.text or "", float(w.get("xMin")), float(w.get("yMin")),
             float(w.get("xMax")), float(w.get("yMax")))
            for w in page.iter(XHTML + "word")
        ]
        pages.append((float(page.get("width")), float(page.get("height")), words))
    return pages


def read_pgm(path):
    with open(path, "rb") as f:
        data = f.read()
    # P5 header: magic, width height, maxval, one whitespace, then the pixels.
    m = re.match(rb"P5\s+(\d+)\s+(\d+)\s+(\d+)\s", data)
    w, h = int(m.group(1)), int(m.group(2))
    return w, h, data[m.end():m.end() + w * h]


def longest_run(pixels, gap=2):
    """(start, end) of the longest dark run of a pixel row, small gaps allowed."""
    best, start, last = (0, 0), None, None
    for i, dark in enumerate(pixels):
        if not dark:
            continue
        if start is None or i - last > gap + 1:
            start = i
        last = i
        if last - start > best[1] - best[0]:
            best = (start, last)
    return best


def merge(positions):
    """Adjacent pixel rows (or columns) as one rule at their middle."""
    out = []
    for p in positions:
        if out and p - out[-1][-1] <= 2:
            out[-1].append(p)
        else:
            out.append([p])
    return [sum(g) / len(g) for g in out]


def page_grid(pgm):
    """Horizontal and vertical border positions (points) of the table on one page.

    The table's outer width is the longest horizontal line on the page; a horizontal
    border covers nearly all of it (an underlined line of text covers one column at most),
    and a vertical border covers nearly all of the height between the top and bottom ones.
    """
    w, h, px = read_pgm(pgm)
    dark = px.translate(DARK)
    rows = [dark[y * w:(y + 1) * w] for y in range(h)]
    # Only a pixel row with enough dark pixels can hold a border: measure its runs.
    runs = [longest_run(r) if r.count(1) >= w * 0.3 else (0, 0) for r in rows]
    left, right = max(runs, key=lambda r: r[1] - r[0])
    if right - left < w * 0.3:
        return [], []
    need = (right - left + 1) * 0.95
    hs = merge([y for y in range(h) if rows[y][left:right + 1].count(1) >= need])
    if len(hs) < 2:
        return [], []
    top, bottom = int(hs[0]), int(hs[-1])
    span = bottom - top
    cols = [x for x in range(max(left - 2, 0), min(right + 3, w))
            if dark[top * w + x:(bottom + 1) * w:w].count(1) >= span * 0.9]
    vs = merge(cols)
    return [y * PT_PER_PX for y in hs], [x * PT_PER_PX for x in vs]


def render(pdf, workdir):
    prefix = os.path.join(workdir, "page")
    subprocess.run(
        ["pdftoppm", "-gray", "-r", str(DPI), "-aa", "no", "-aaVector", "no", pdf, prefix],
        check=True,
    )
    return sorted(glob.glob(prefix + "-*.pgm"))


def cell_texts(words, hs, vs):
    """Words placed in the grid: {(band, column): text}, and the words cut by a border."""
    cells, cut = {}, []
    placed = []
    for text, x0, y0, x1, y1 in words:
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if not (vs[0] < cx < vs[-1] and hs[0] < cy < hs[-1]):
            continue  # page header and footer, or text below the table
        col = max(i for i in range(len(vs) - 1) if vs[i] < cx)
        band = max(i for i in range(len(hs) - 1) if hs[i] < cy)
        bottom = hs[band + 1]
        if y1 - bottom > CUT_SHARE * (y1 - y0):
            cut.append((band, col, text))
            continue
        placed.append((band, col, y0, x0, text))
    # Reading order in a cell: lines top to bottom (words within 2 pt are one line), then x.
    placed.sort(key=lambda p: (p[0], p[1], round(p[2] / 2), p[3]))
    for band, col, _, _, text in placed:
        cells[(band, col)] = cells.get((band, col), "") + text
    return cells, cut


def full_width_size(words_in_cells):
    """The printed font size: median width of a full-width character, in points."""
    sizes = []
    for text, x0, _, x1, _ in words_in_cells:
        if len(text) >= 6 and all(is_full_width(ch) for ch in text):
            sizes.append((x1 - x0) / len(text))
    return statistics.median(sizes) if sizes else None


def describe_cut(expected, printed):
    """What of `expected` is missing from `printed`, for a person to read."""
    e, p = squeeze(expected), squeeze(printed)
    if e in p:
        extra = p.replace(e, "", 1)
        return "extra text %r in the cell (spilled from the row above?)" % short(extra)
    k = 0
    while k < min(len(e), len(p)) and e[k] == p[k]:
        k += 1
    return "printed %d of %d chars; cut after %r; missing %r" % (
        k, len(e), short(e[:k], 16, tail=True), short(e[k:], 30)
    )


# ---------------------------------------------------------------------------------------
# Checks


class Report:
    def __init__(self, name):
        self.name = name
        self.facts = []
        self.failures = []

    def fact(self, k, v):
        self.facts.append((k, v))

    def fail(self, msg):
        self.failures.append(msg)

    def print(self, limit=None):
        if limit is None:
            limit = 10**9 if os.environ.get("PRINT_CHECK_ALL") else 15
        status = "FAIL" if self.failures else "ok"
        print("== %s: %s" % (self.name, status))
        for k, v in self.facts:
            print("   %-14s %s" % (k + ":", v))
        for msg in self.failures[:limit]:
            print("   FAIL  " + msg)
        if len(self.failures) > limit:
            print("   FAIL  … and %d more (PRINT_CHECK_ALL=1 lists all)" % (len(self.failures) - limit))


def check_paper(rep, pdf):
    pages, w, h, label = pdf_info(pdf)
    rep.fact("pages", pages)
    a4_landscape = abs(w - A4_LONG) < 3 and abs(h - A4_SHORT) < 3
    rep.fact("paper", "%.0f x %.0f pt %s%s" % (w, h, label, " landscape" if w > h else " portrait"))
    if not a4_landscape:
        rep.fail("paper is not A4 landscape (%.0f x %.0f pt)" % (w, h))
    return pages


def check_font(rep, size, what):
    if size is None:
        rep.fact("font", "not measured (no full-width text)")
        return
    rep.fact("font", "%.1f pt printed (%s)" % (size, what))
    if size < MIN_FONT_PT - 0.05:
        rep.fail("printed text is %.1f pt, below %.0f pt" % (size, MIN_FONT_PT))


CONTINUED = "（続き）"


def row_label(sheet_rows, i):
    """'row 7 (No. 5)' for the i-th sheet row; a （続き） row names the No. it continues."""
    number, _, cells = sheet_rows[i]
    if squeeze(sheet_rows[0][2][0]).lower() not in ("no.", "資料no."):
        return "row %d" % number
    j = i
    while j > 0 and sheet_rows[j][2][0] == CONTINUED:
        j -= 1
    no = sheet_rows[j][2][0]
    cont = " （続き）" if j != i else ""
    return "row %d (No. %s%s)" % (number, no, cont)


def records(rows):
    """Sheet rows (after the header) grouped as table rows: a row and its （続き） rows."""
    out = []
    for i in range(1, len(rows)):
        if out and rows[i][2][0] == CONTINUED:
            out[-1].append(i)
        else:
            out.append([i])
    return out


def check_xlsx(xlsx, pdf):
    rep = Report(os.path.basename(xlsx))
    sheet = Sheet(xlsx)
    rep.fact("xlsx setup", sheet.setup_summary())
    check_paper(rep, pdf)
    if not sheet.print_titles:
        rep.fail("no print titles: the header row is not set to repeat")
    if sheet.duplicate_rows:
        rep.fact("note", "sheet XML has row %s twice (Excel may offer to repair the file)" % (
            ", ".join(map(str, sheet.duplicate_rows))))
    header = sheet.rows[0][2]
    head_key = [squeeze(h) for h in header]

    words = pdf_words(pdf)
    with tempfile.TemporaryDirectory() as tmp:
        grids = [page_grid(p) for p in render(pdf, tmp)]
    next_row = 0  # index into sheet.rows of the next row to find
    ok = {}  # (sheet row index, column) -> printed whole
    measured, fill = [], []
    for pno, ((_, _, pwords), (hs, vs)) in enumerate(zip(words, grids), start=1):
        if len(hs) < 2 or len(vs) < 2:
            rep.fail("page %d: no table found" % pno)
            continue
        if len(vs) - 1 != sheet.ncols:
            rep.fail("page %d: %d columns printed, the sheet has %d" % (pno, len(vs) - 1, sheet.ncols))
            continue
        cells, cut = cell_texts(pwords, hs, vs)
        cut_at = {(band, col) for band, col, _ in cut}
        inside = [w for w in pwords
                  if vs[0] < (w[1] + w[3]) / 2 < vs[-1] and hs[0] < (w[2] + w[4]) / 2 < hs[-1]]
        band_rows = []  # sheet row index printed in each band
        for band in range(len(hs) - 1):
            got = [squeeze(cells.get((band, c), "")) for c in range(sheet.ncols)]
            if band == 0 and pno > 1:
                # The repeated header, if it is there: it matches the header better than
                # the next row of data does.
                if next_row < len(sheet.rows):
                    want = [squeeze(t) for t in sheet.rows[next_row][2]]
                else:
                    want = []
                as_header = sum(g == h for g, h in zip(got, head_key))
                as_data = sum(g == d for g, d in zip(got, want))
                if as_header > as_data:
                    band_rows.append(0)
                    continue
                rep.fail("page %d: header row not repeated" % pno)
            if next_row >= len(sheet.rows):
                rep.fail("page %d: more rows printed than the sheet has" % pno)
                break
            band_rows.append(next_row)
            next_row += 1
        for band, i in enumerate(band_rows):
            expected = sheet.rows[i][2]
            for c in range(sheet.ncols):
                printed = cells.get((band, c), "")
                whole = squeeze(printed) == squeeze(expected[c]) and (band, c) not in cut_at
                if i == 0 and pno > 1 and not whole:
                    rep.fail("p.%d repeated header col %d 「%s」: %s" % (
                        pno, c + 1, header[c], describe_cut(expected[c], printed)))
                if i == 0 and pno > 1:
                    continue
                ok[(i, c)] = ok.get((i, c), True) and whole
                if not whole:
                    where = "header" if i == 0 else row_label(sheet.rows, i)
                    why = describe_cut(expected[c], printed)
                    if (band, c) in cut_at and squeeze(printed) == squeeze(expected[c]):
                        why = "last line reaches below the row's bottom border (partly cut)"
                    rep.fail("p.%d %s col %d 「%s」: %s" % (pno, where, c + 1, header[c], why))
            # How much of a tall row its text fills (how close the row heights are).
            top, bottom = hs[band], hs[band + 1]
            ys = [w[4] for w in inside if top < (w[2] + w[4]) / 2 < bottom]
            if i > 0 and ys and bottom - top > 40:
                fill.append(((max(ys) - top) / (bottom - top), pno, i))
        measured.extend(w for w in inside if (w[2] + w[4]) / 2 > hs[1])
    if next_row < len(sheet.rows):
        rep.fail("%d rows of the sheet were not found in the PDF (from %s)" % (
            len(sheet.rows) - next_row, row_label(sheet.rows, next_row)))
    rep.fact("cells", "%d checked, %d not printed whole" % (len(ok), sum(not v for v in ok.values())))

    # The longest text of each column (a row and its （続き） rows together): its last line.
    groups = records(sheet.rows)
    for c in range(sheet.ncols):
        if not groups:
            break
        g = max(groups, key=lambda g: sum(len(sheet.rows[i][2][c]) for i in g))
        text = "".join(sheet.rows[i][2][c] for i in g)
        if len(text) < 100:
            continue
        whole = all(ok.get((i, c), False) for i in g)
        rep.fact("longest", "col %d 「%s」 %s, %d chars in %d row(s), ends %r: %s" % (
            c + 1, header[c], row_label(sheet.rows, g[0]), len(text), len(g),
            short(text.rstrip(), 14, tail=True), "printed whole" if whole else "NOT printed whole"))
    if fill:
        full, pno, i = max(fill)
        rep.fact("row fill", "text fills %.0f%% of a tall row's height (median); fullest %.0f%%, p.%d %s" % (
            100 * statistics.median(f for f, _, _ in fill), 100 * full, pno, row_label(sheet.rows, i)))
    check_font(rep, full_width_size(measured), "width of full-width characters")
    return rep


def title_pieces(title):
    """A header title cut before each full-width opening bracket: the only places a title
    may break (「ページ（原案）」 as 「ページ」「（原案）」)."""
    return [p for p in re.split(r"(?=（)", title) if p]


def check_html(pdf, headers):
    """A print page's PDF: paper, text size, and on every page a header row whose titles
    each stand whole on one line in their own cell (repeated, and 「No.」 not broken into
    「N」「o.」); a title may break before a full-width bracket only."""
    rep = Report(os.path.basename(pdf))
    check_paper(rep, pdf)
    rep.fact("headers", " | ".join(headers))
    words = pdf_words(pdf)
    with tempfile.TemporaryDirectory() as tmp:
        grids = [page_grid(p) for p in render(pdf, tmp)]
    all_words = []
    broken = {}  # header -> pages where it is not whole on one line
    for pno, ((_, _, pwords), (hs, vs)) in enumerate(zip(words, grids), start=1):
        all_words.extend(pwords)
        if len(hs) < 2 or len(vs) - 1 != len(headers):
            rep.fail("page %d: no table of %d columns found (a blank page, before a row taller than a page?)" % (pno, len(headers)))
            continue
        for c, h in enumerate(headers):
            # The header cell's words by line (same top within 1.5 pt), in x order.
            lines = {}
            for text, x0, y0, x1, y1 in pwords:
                cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
                if vs[c] < cx < vs[c + 1] and hs[0] < cy < hs[1]:
                    key = next((k for k in lines if abs(k - y0) < 1.5), y0)
                    lines.setdefault(key, []).append((x0, text))
            printed = [squeeze("".join(t for _, t in sorted(ws))) for _, ws in sorted(lines.items())]
            # Whole on one line; or broken only before a full-width bracket: ページ／（原案）.
            if squeeze(h) not in printed and printed != [squeeze(p) for p in title_pieces(h)]:
                broken.setdefault(h, []).append((pno, "/".join(printed)))
    for h, where in broken.items():
        pages = [p for p, _ in where]
        rep.fail("header 「%s」 not whole on one line on %d page(s) (%s), printed as %r" % (
            h, len(pages), ", ".join(map(str, pages[:6])) + (" …" if len(pages) > 6 else ""),
            where[0][1] or "(nothing)"))
    check_font(rep, full_width_size(all_words), "width of full-width characters")
    return rep


def main(argv):
    if len(argv) >= 3 and argv[0] == "xlsx":
        rep = check_xlsx(argv[1], argv[2])
    elif len(argv) >= 3 and argv[0] == "html":
        rep = check_html(argv[1], argv[2:])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    rep.print()
    return 1 if rep.failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
