#!/usr/bin/env python3
"""Independent read of a table exported by solarchip-studio as CSV (a layer table's context menu): with astropy's
ascii reader (comment lines '#' skipped, as astropy and pandas with comment='#' read them) and with Python's csv module
on the lines that are not comments. Prints JSON {"comments": [...], "columns": [...], "rows": [[...], ...],
"csv_rows": [[...], ...]} with every cell as text.
Usage: table_csv.py FILE"""
import csv
import io
import json
import sys
import warnings

from astropy.io import ascii

warnings.filterwarnings("ignore")


def main():
    path = sys.argv[1]
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    comments = [line[1:].strip() for line in text.splitlines() if line.startswith("#")]
    body = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    plain = list(csv.reader(io.StringIO(body)))
    table = ascii.read(path, format="csv", comment="#", fast_reader=False)
    rows = [["" if getattr(v, "mask", False) is True else str(v) for v in row] for row in table]
    print(json.dumps({"comments": comments, "columns": list(table.colnames), "rows": rows, "csv_rows": plain[1:],
                      "csv_header": plain[0] if plain else []}))


if __name__ == "__main__":
    main()
