#!/usr/bin/python3
"""Facts about the shipped GOES flare lists, read with Python's csv module (independent of core/FlareList).

usage: flarelist_reference.py SWPC_CSV SC24_CSV [SYNTHETIC_SWPC_CSV]
Prints JSON: event counts, class counts, selected rows with their times as ISO UTC (HHMM on the event date,
times past midnight on the next day), >=M / >=C labels for sample times (a flare peaking in [t, t+24h)),
and, with a third file, whether it has the SWPC layout of the real list (same header, 13 fields per row,
every value shaped as the real column's values are).
"""
import csv
import datetime as dt
import json
import re
import sys

FLUX = {"A": 1e-8, "B": 1e-7, "C": 1e-6, "M": 1e-5, "X": 1e-4}


def goes_flux(cls):
    return FLUX[cls[0]] * (float(cls[1:]) if len(cls) > 1 else 1.0)


def swpc_events(path):
    rows = list(csv.reader(open(path, newline="")))
    header, data = rows[0], rows[1:]
    events = []
    for line, r in enumerate(data, start=2):
        f = r[1:] if len(r) == len(header) + 1 else r
        day = dt.datetime.strptime(f[0], "%Y%m%d")

        def hhmm(s):
            return None if s.strip() == "////" else int(s[:2]) * 60 + int(s[2:])
        s, p, e = hhmm(f[2]), hhmm(f[3]), hhmm(f[4])
        start = day + dt.timedelta(minutes=s)
        peak = None if p is None else day + dt.timedelta(minutes=p + (1440 if p < s else 0))
        ref = (p + (1440 if p < s else 0)) if p is not None else s
        end = None
        if e is not None:
            while e < ref:
                e += 1440
            end = day + dt.timedelta(minutes=e)
        events.append({"line": line, "start": start, "peak": peak, "end": end, "class": f[8].strip(),
                       "flux": goes_flux(f[8].strip()), "noaa": int(f[10]) if f[10].strip() else 0})
    return header, data, events


def iso(t):
    return None if t is None else t.strftime("%Y-%m-%dT%H:%M:%S")


def shape(v):
    return re.sub(r"[A-Za-z]", "a", re.sub(r"\d", "9", v))


def main():
    swpc, sc24 = sys.argv[1], sys.argv[2]
    header, data, ev = swpc_events(swpc)
    out = {"swpc": {"header": header, "rows": len(data), "fields_per_row": sorted({len(r) for r in data}),
                    "classes": {k: sum(e["class"][0] == k for e in ev) for k in "ABCMX"},
                    "missing_peak": sum(e["peak"] is None for e in ev)}}
    pick = [0, 1, len(ev) - 1] + [i for i, e in enumerate(ev) if e["peak"] is None][:2] \
        + [i for i, e in enumerate(ev) if e["end"] and e["start"] and e["end"].date() != e["start"].date()][:2]
    out["swpc"]["samples"] = [{"index": i, "line": ev[i]["line"], "start": iso(ev[i]["start"]),
                               "peak": iso(ev[i]["peak"]), "end": iso(ev[i]["end"]), "class": ev[i]["class"],
                               "flux": ev[i]["flux"], "noaa": ev[i]["noaa"]} for i in pick]
    # Labels: positive when a flare of at least the class peaks (start when no peak) in [t, t + 24 h).
    times = [dt.datetime(2011, 2, 14, 0, 0) + dt.timedelta(hours=7 * k) for k in range(60)] + \
            [dt.datetime(2017, 9, 5, 12, 0), dt.datetime(2018, 6, 1), dt.datetime(2014, 10, 24, 21, 0)]
    labels = []
    for t in times:
        when = [(e["peak"] or e["start"], e["flux"]) for e in ev]
        inwin = [f for (p, f) in when if t <= p < t + dt.timedelta(hours=24)]
        labels.append({"t": iso(t), "c": int(any(f >= 1e-6 for f in inwin)), "m": int(any(f >= 1e-5 for f in inwin)),
                       "max_flux": max(inwin) if inwin else 0.0})
    out["swpc"]["labels"] = labels

    rows = list(csv.reader(open(sc24, newline="")))
    h24, d24 = rows[0], rows[1:]
    f0 = d24[0][1:]
    out["sc24"] = {"header": h24, "rows": len(d24), "fields_per_row": sorted({len(r) for r in d24}),
                   "with_position": sum(1 for r in d24 if r[10].strip() != ""),
                   "first": {"start": f0[0].replace(" ", "T"), "peak": f0[1].replace(" ", "T"),
                             "end": f0[2].replace(" ", "T"), "class": f0[4], "noaa": int(f0[7]),
                             "lat": float(f0[9]), "lon": float(f0[10]), "hpc_x": float(f0[11]),
                             "hpc_y": float(f0[12]), "location": f0[8]},
                   "classes": {k: sum(r[5][0] == k for r in d24) for k in "ABCMX"}}

    if len(sys.argv) > 3:
        real_shapes = [set() for _ in range(len(header) + 1)]
        for r in data:
            for i, v in enumerate(r):
                real_shapes[i].add(shape(v))
        syn = list(csv.reader(open(sys.argv[3], newline="")))
        bad = []
        for line, r in enumerate(syn[1:], start=2):
            if len(r) != len(header) + 1:
                bad.append("line %d: %d fields" % (line, len(r)))
                continue
            for i, v in enumerate(r):
                if i == 0:
                    ok = v == str(line - 2)  # the running index
                else:
                    ok = shape(v) in real_shapes[i] or (i == 9 and re.fullmatch(r"[ABCMX]\d+\.\d", v) is not None)
                if not ok:
                    bad.append("line %d column %d: '%s' (shape %s)" % (line, i, v, shape(v)))
        _, _, sev = swpc_events(sys.argv[3])
        out["synthetic"] = {"header_equal": syn[0] == header, "rows": len(syn) - 1, "bad": bad[:20],
                            "bad_count": len(bad), "classes": {k: sum(e["class"][0] == k for e in sev) for k in "ABCMX"},
                            "first": ({"start": iso(sev[0]["start"]), "peak": iso(sev[0]["peak"]),
                                       "end": iso(sev[0]["end"]), "class": sev[0]["class"]} if sev else None)}
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
