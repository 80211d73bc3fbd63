#!/usr/bin/python3
"""Counts the C, M and X flares of an SWPC-layout flare list whose label time (the peak, else the start) lies in
[FROM_MS, TO_MS), read with Python's csv module (independent of core/FlareList): what the app's flare timeline
should mark.

usage: flare_marker_counts.py SWPC_CSV FROM_MS TO_MS
Prints JSON {"C": n, "M": n, "X": n}.

usage: flare_marker_counts.py SWPC_CSV --windows HMI_DIR WINDOW_HOURS
The low-label wizard's task balance: the times of the HMI magnetograms under HMI_DIR (T_OBS, TAI, read with
astropy and converted to UTC), how many have a >=C / >=M flare peaking in [t, t + window), and the C, M, X flares in
[first time, last time + window). Prints JSON {"samples", "positive_c", "positive_m", "flares_c", "flares_m",
"flares_x"}.
"""
import csv
import datetime as dt
import json
import os
import sys

EPOCH = dt.datetime(1970, 1, 1)


def flares(path):
    """(label time in UTC ms, class letter) of every row."""
    rows = list(csv.reader(open(path, newline="")))
    header, data = rows[0], rows[1:]
    out = []
    for r in data:
        f = r[1:] if len(r) == len(header) + 1 else r
        day = dt.datetime.strptime(f[0], "%Y%m%d")

        def hhmm(s):
            return None if s.strip() == "////" else int(s[:2]) * 60 + int(s[2:])
        s, p = hhmm(f[2]), hhmm(f[3])
        minutes = s if p is None else p + (1440 if p < s else 0)
        t = day + dt.timedelta(minutes=minutes)
        out.append((int((t - EPOCH).total_seconds() * 1000), f[8].strip()[:1].upper()))
    return out


def windows(path, hmi_dir, hours):
    from astropy.io import fits
    from astropy.time import Time
    times = []
    for root, _, files in os.walk(hmi_dir):
        for name in files:
            if not name.endswith(".fits"):
                continue
            for hdu in fits.open(os.path.join(root, name)):
                t_obs = hdu.header.get("T_OBS")
                if t_obs:
                    iso = t_obs.replace("_TAI", "").replace("_", "T").replace(".", "-", 2)
                    utc = Time(iso, scale="tai").utc.to_datetime()
                    times.append(round((utc - EPOCH).total_seconds() * 1000))
                    break
    w = int(hours * 3600 * 1000)
    events = flares(path)
    rank = {"C": 1, "M": 2, "X": 3}
    out = {"samples": len(times), "positive_c": 0, "positive_m": 0, "flares_c": 0, "flares_m": 0, "flares_x": 0}
    for t in times:
        best = max([rank.get(c, 0) for ms, c in events if t <= ms < t + w], default=0)
        out["positive_c"] += best >= 1
        out["positive_m"] += best >= 2
    if times:
        lo, hi = min(times), max(times) + w
        for ms, c in events:
            if lo <= ms < hi and c in rank:
                out["flares_" + c.lower()] += 1
    return out


def main():
    path = sys.argv[1]
    if sys.argv[2] == "--windows":
        print(json.dumps(windows(path, sys.argv[3], float(sys.argv[4]))))
        return
    lo, hi = int(sys.argv[2]), int(sys.argv[3])
    counts = {"C": 0, "M": 0, "X": 0}
    for ms, letter in flares(path):
        if letter in counts and lo <= ms < hi:
            counts[letter] += 1
    print(json.dumps(counts))


if __name__ == "__main__":
    main()
