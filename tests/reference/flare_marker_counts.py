#!/usr/bin/python3
"""Counts the C, M and X flares of an SWPC-layout flare list whose label time (the peak, else the start) lies in
[FROM_MS, TO_MS), read with Python's csv module (independent of core/FlareList): what the app's flare timeline
should mark.

usage: flare_marker_counts.py SWPC_CSV FROM_MS TO_MS
Prints JSON {"C": n, "M": n, "X": n}.
"""
import csv
import datetime as dt
import json
import sys


def main():
    path, lo, hi = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rows = list(csv.reader(open(path, newline="")))
    header, data = rows[0], rows[1:]
    counts = {"C": 0, "M": 0, "X": 0}
    epoch = dt.datetime(1970, 1, 1)
    for r in data:
        f = r[1:] if len(r) == len(header) + 1 else r
        day = dt.datetime.strptime(f[0], "%Y%m%d")

        def hhmm(s):
            return None if s.strip() == "////" else int(s[:2]) * 60 + int(s[2:])
        s, p = hhmm(f[2]), hhmm(f[3])
        minutes = s if p is None else p + (1440 if p < s else 0)
        t = day + dt.timedelta(minutes=minutes)
        ms = int((t - epoch).total_seconds() * 1000)
        letter = f[8].strip()[:1].upper()
        if letter in counts and lo <= ms < hi:
            counts[letter] += 1
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
