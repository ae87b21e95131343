"""Reference for the XLSX export: openpyxl in write-only mode writing the same cells as
pubcom's result table (read from pubcom's CSV export of it), with wrapped text.

    pubcom export results --consultation SLUG -o results.csv
    python3 tests/bench/reference_xlsx.py results.csv out.xlsx
"""
import csv
import resource
import sys
import time

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment


def main(source, target):
    start = time.perf_counter()
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("意見")
    wrap = Alignment(wrap_text=True, vertical="top")
    rows = 0
    with open(source, encoding="utf-8-sig", newline="") as f:
        for record in csv.reader(f):
            cells = []
            for value in record:
                cell = WriteOnlyCell(ws, value=value)
                cell.alignment = wrap
                cells.append(cell)
            ws.append(cells)
            rows += 1
    wb.save(target)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"openpyxl write-only: {rows} rows in {elapsed:.1f} s, peak memory {peak:.0f} MB")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
