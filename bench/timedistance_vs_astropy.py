#!/usr/bin/python3
"""Side by side, in one run: a time-distance slit over FILES as `solarchip timedistance` computes it (the whole
command, process start-up included: each file's header, then only the tiles around the slit, bilinear samples through
the file's WCS) and as an astropy user does (astropy.io.fits opens the file and decompresses the image, astropy.wcs
world_to_pixel for the samples, scipy.ndimage.map_coordinates order 1, the mean across the width, DN / EXPTIME; the
imports are not timed). Both use the same sample positions (ours: one per pixel of the first file, read back from
our JSON), and the values are compared.

Usage: bench/timedistance_vs_astropy.py BUILD/bin/solarchip --start=TX,TY --end=TX,TY [--width W] [--repeat 3] FILE...
Prints one JSON object: ours {median_s, per_file_s}, astropy {median_s, per_file_s}, ratio_astropy_over_ours,
max_rel_diff (over samples both have), samples, files.
"""
import argparse
import json
import os
import subprocess
import sys
import time
import warnings

warnings.filterwarnings("ignore")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("solarchip")
    ap.add_argument("--start", required=True)
    ap.add_argument("--end", required=True)
    ap.add_argument("--width", default="5")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    cmd = [a.solarchip, "timedistance", "--start=" + a.start, "--end=" + a.end, "--width", a.width, "--json", *a.files]
    ours_times, out = [], None
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        ours_times.append(time.perf_counter() - t0)
    ours_times.sort()
    n, m = out["slit"]["points"], out["slit"]["across"]

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "reference"))
    import io
    from contextlib import redirect_stdout

    import numpy as np
    import time_distance as ref

    sx, sy = (float(v) for v in a.start.split(","))
    ex, ey = (float(v) for v in a.end.split(","))
    ref_times, worst = [], 0.0
    by_file = {p["file"]: p for p in out["profiles"] if "values" in p}
    for _ in range(a.repeat):
        t0 = time.perf_counter()
        results = []
        for f in a.files:
            buf = io.StringIO()
            with redirect_stdout(buf):
                ref.sample(f, sx, sy, ex, ey, n, float(a.width), m)
            results.append((f, json.loads(buf.getvalue())["values"]))
        ref_times.append(time.perf_counter() - t0)
    for f, values in results:
        mine = by_file.get(os.path.abspath(f)) or by_file.get(f)
        if not mine:
            continue
        for x, y in zip(mine["values"], values):
            if x is not None and y is not None:
                worst = max(worst, abs(x - y) / max(1.0, abs(y)))
    ref_times.sort()
    k = len(a.files)
    ours_med, ref_med = ours_times[len(ours_times) // 2], ref_times[len(ref_times) // 2]
    print(json.dumps({"files": k, "samples": [n, m],
                      "ours": {"median_s": ours_med, "per_file_s": ours_med / k},
                      "astropy": {"median_s": ref_med, "per_file_s": ref_med / k},
                      "ratio_astropy_over_ours": ref_med / ours_med, "max_rel_diff": worst}, indent=1))


if __name__ == "__main__":
    main()
