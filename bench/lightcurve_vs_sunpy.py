#!/usr/bin/python3
"""Side by side, in one run: the time to measure a helioprojective box on each file as `solarchip lightcurve` does
(`solarchip bench lightcurve`: the header, then only the tiles that hold the box; and the same selection after reading
the whole image) and as a sunpy user does (sunpy.map.Map, then Map.submap(bottom_left, top_right) of the box, then
the mean of the submap's data divided by the exposure time for AIA). sunpy's submap keeps the pixels of the
box's bounding rectangle, so its mean differs a little from ours (pixel centres inside the box); both are printed.

Usage: bench/lightcurve_vs_sunpy.py BUILD/bin/solarchip --center=TX,TY [--size W,H] [--repeat 3] FILE...
Prints one JSON object: ours (bench lightcurve's), sunpy {median_s, means}, ratio_sunpy_over_ours.
"""
import argparse
import json
import subprocess
import time
import warnings

warnings.filterwarnings("ignore")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("solarchip")
    ap.add_argument("--center", required=True)
    ap.add_argument("--size", default="120,120")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    ours = json.loads(subprocess.run([a.solarchip, "bench", "lightcurve", *a.files, "--center", a.center, "--size", a.size,
                                      "--repeat", str(a.repeat), "--json"],
                                     check=True, capture_output=True, text=True).stdout)

    import astropy.units as u
    import numpy as np
    import sunpy.map
    from astropy.coordinates import SkyCoord

    tx, ty = (float(v) for v in a.center.split(","))
    w, h = (float(v) for v in a.size.split(","))
    per_file, means = [], []
    for f in a.files:
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            m = sunpy.map.Map(f)
            bl = SkyCoord((tx - w / 2) * u.arcsec, (ty - h / 2) * u.arcsec, frame=m.coordinate_frame)
            tr = SkyCoord((tx + w / 2) * u.arcsec, (ty + h / 2) * u.arcsec, frame=m.coordinate_frame)
            sub = m.submap(bl, top_right=tr)
            data = sub.data.astype(np.float64)
            mean = float(np.nanmean(data))
            if m.instrument.upper().startswith("AIA") and m.exposure_time.to_value(u.s) > 0:
                mean /= m.exposure_time.to_value(u.s)
            times.append(time.perf_counter() - t0)
        times.sort()
        per_file.append(times[len(times) // 2])
        means.append(mean)
    per_file.sort()
    sunpy_median = per_file[len(per_file) // 2]
    print(json.dumps({"files": len(a.files), "ours": ours,
                      "sunpy": {"median_s": sunpy_median, "means": means},
                      "ratio_sunpy_over_ours": sunpy_median / ours["section_median_s"] if ours["section_median_s"] else None},
                     indent=1))


if __name__ == "__main__":
    main()
