#!/usr/bin/env python3
"""Counts the flares of SWPC-layout flare lists per year and GOES class letter, independently of the C++ code.

Usage: swpc_yearly_counts.py LIST.csv [LIST.csv ...]
Prints JSON: {path: {"years": {"2011": {"C": n, "M": n, "X": n}, ...},
                     "alpha_above_c1": {"2011": a, ...}, "n_above_c1": {...}}}
The real SWPC export has one more field per row than its header (a leading row index without a name), so the
columns are found from the header and shifted when the rows are longer. The peak flux is read from the class
string (C2.6 -> 2.6e-6 W/m^2); the power-law index above C1 is the maximum-likelihood (Hill) estimator
alpha = 1 + n / sum(ln(F / 1e-6)) (Clauset, Shalizi & Newman 2009).
"""
import csv
import json
import math
import sys

DECADE = {"A": 1e-8, "B": 1e-7, "C": 1e-6, "M": 1e-5, "X": 1e-4}


def count(path):
    with open(path, newline="") as fh:
        rows = list(csv.reader(fh))
    header = [h.strip() for h in rows[0]]
    years, logs = {}, {}
    for row in rows[1:]:
        if not row:
            continue
        date = cls = None
        for shift in (len(row) - len(header), 0, 1):
            if shift < 0 or header.index("goes_class") + shift >= len(row):
                continue
            d, c = row[header.index("date") + shift].strip(), row[header.index("goes_class") + shift].strip()
            if len(d) == 8 and d.isdigit() and c[:1] in DECADE:
                date, cls = d, c
                break
        if date is None:
            continue
        year = date[:4]
        letter = cls[0]
        years.setdefault(year, {"A": 0, "B": 0, "C": 0, "M": 0, "X": 0})[letter] += 1
        try:
            flux = DECADE[letter] * float(cls[1:])
        except ValueError:
            continue
        if flux >= 1e-6:
            logs.setdefault(year, []).append(math.log(flux / 1e-6))
    alpha = {y: (1.0 + len(v) / sum(v)) if sum(v) > 0 else None for y, v in logs.items()}
    return {"years": years, "alpha_above_c1": alpha, "n_above_c1": {y: len(v) for y, v in logs.items()}}


if __name__ == "__main__":
    print(json.dumps({p: count(p) for p in sys.argv[1:]}, indent=1, sort_keys=True))
