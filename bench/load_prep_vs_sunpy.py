#!/usr/bin/python3
"""Load + level 1.5 prep: `solarchip bench load-prep` side by side with sunpy, on the same files, in one run.

Ours:  solarchip bench load-prep FILE --json --repeat N   (SdoMap::load + Prep::level15: 0.6"/px, north up,
       disk recentred, Catmull-Rom cubic)
sunpy: sunpy.map.Map(FILE); integer data -> float64 (sunpy 4.1 fails on int16 in rotate; aiapy's register
       does the same conversion); Map.rotate(scale=CDELT/0.6, order=3, recenter=True, missing=data.min())
       (missing as aiapy's register sets it; a NaN `missing` would make sunpy slower).

Each side runs in its own process, N times; the minimum wall time of load + prep is compared. Peak memory:
the kernel's peak-RSS mark is reset before each run (echo 5 > /proc/self/clear_refs) and VmHWM after the run
minus VmRSS before it is the extra memory the run needed; it is reported in bytes and as a multiple of the
image's float32 size (width * height * 4).

Files: by default the real AIA level-1 cutout in ../shared/sdo and a 4096x4096 RICE-compressed int16
synthetic AIA level-1 file written here with astropy (CompImageHDU RICE_1, AIA header conventions, a
limb-brightened disk with loops and Poisson noise), cached in --workdir.

usage: bench/load_prep_vs_sunpy.py [--solarchip PATH] [--repeat N] [--workdir DIR] [FILE ...]
Prints one JSON document.
"""
import argparse
import json
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SUNPY_RUNNER = r"""
import json, sys, time, warnings
warnings.filterwarnings("ignore")
import numpy as np
import astropy.units as u
import sunpy.map

def status(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key):
                return int(line.split()[1]) * 1024
    return -1

path, repeat, scale = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
runs = []
reset_ok = True
for _ in range(repeat):
    rss = status("VmRSS:")
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        reset_ok = False
    t0 = time.perf_counter()
    m = sunpy.map.Map(path)
    data = m.data
    if not np.issubdtype(data.dtype, np.floating):
        m = sunpy.map.Map(data.astype(np.float64), m.meta)
    t1 = time.perf_counter()
    factor = m.scale[0].to_value(u.arcsec / u.pix) / scale
    r = m.rotate(scale=factor, order=3, recenter=True, missing=float(np.nanmin(m.data)))
    t2 = time.perf_counter()
    hwm = status("VmHWM:")
    runs.append({"load_s": t1 - t0, "prep_s": t2 - t1, "total_s": t2 - t0,
                 "peak_rss_growth_bytes": hwm - rss, "shape": list(m.data.shape)})
    del m, r, data
print(json.dumps({"runs": runs, "peak_reset": reset_ok}))
"""


def make_synthetic_aia(path, size=4096, seed=1):
    """A 4096x4096 AIA 171 level-1-like file: int16 RICE_1 in HDU 2, AIA header keywords, small CROTA2."""
    from astropy.io import fits

    rng = np.random.default_rng(seed)
    cdelt = 0.599489
    crpix1, crpix2 = 2053.56, 2045.12
    rsun_obs = 975.3
    y, x = np.mgrid[0:size, 0:size].astype(np.float32)
    r = np.hypot((x - (crpix1 - 1)) * cdelt, (y - (crpix2 - 1)) * cdelt) / rsun_obs
    inside = r < 1.0
    mu = np.sqrt(np.clip(1.0 - r * r, 0.0, 1.0))
    disk = np.where(inside, 600.0 + 250.0 * (1.0 - mu), 0.0)  # EUV limb brightening
    corona = np.where(inside, 0.0, 850.0 * np.exp(-(r - 1.0) / 0.08))
    img = disk + corona
    for _ in range(12):  # active regions: bright blobs with loop-like elongation
        cx, cy = rng.uniform(1200, 2900, 2)
        sx, sy = rng.uniform(15, 60, 2)
        img += rng.uniform(1500, 6000) * np.exp(-(((x - cx) / sx) ** 2 + ((y - cy) / sy) ** 2) / 2)
    img = rng.poisson(np.clip(img, 1, None)).astype(np.float32)
    data = np.clip(img, -32767, 32767).astype(np.int16)
    h = fits.Header()
    h["TELESCOP"] = "SDO/AIA"
    h["INSTRUME"] = "AIA_3"
    h["WAVELNTH"] = 171
    h["WAVEUNIT"] = "angstrom"
    h["T_OBS"] = "2013-03-10T12:00:12.34Z"
    h["DATE-OBS"] = "2013-03-10T12:00:11.34"
    h["EXPTIME"] = 1.999605
    h["PIXLUNIT"] = "DN"
    h["LVL_NUM"] = 1.0
    h["QUALITY"] = 0
    h["CTYPE1"], h["CTYPE2"] = "HPLN-TAN", "HPLT-TAN"
    h["CUNIT1"], h["CUNIT2"] = "arcsec", "arcsec"
    h["CRPIX1"], h["CRPIX2"] = crpix1, crpix2
    h["CRVAL1"], h["CRVAL2"] = 0.0, 0.0
    h["CDELT1"], h["CDELT2"] = cdelt, cdelt
    h["CROTA2"] = 0.0191973
    h["RSUN_OBS"] = rsun_obs
    h["RSUN_REF"] = 696000000.0
    h["DSUN_OBS"] = 1.47185e11
    h["CRLN_OBS"] = 251.3
    h["CRLT_OBS"] = -7.23
    h["HGLN_OBS"] = 0.0
    h["HGLT_OBS"] = -7.23
    h["R_SUN"] = rsun_obs / cdelt
    hdus = fits.HDUList([fits.PrimaryHDU(), fits.CompImageHDU(data, h, compression_type="RICE_1")])
    tmp = path + ".tmp"
    hdus.writeto(tmp, overwrite=True)
    os.replace(tmp, path)


def find_solarchip():
    for d in ("build", "build-prep", "build-shell"):
        p = os.path.join(ROOT, d, "bin", "solarchip")
        if os.access(p, os.X_OK):
            return p
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--solarchip", default=find_solarchip())
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scale", type=float, default=0.6)
    ap.add_argument("--workdir", default=os.path.join(ROOT, "build", "bench-data"))
    args = ap.parse_args()
    if not args.solarchip:
        sys.exit("solarchip binary not found (build first or pass --solarchip)")

    files = list(args.files)
    if not files:
        real = os.path.normpath(os.path.join(ROOT, "..", "shared", "sdo", "fits", "aia_171_cutout.fits"))
        if os.path.exists(real):
            files.append(real)
        os.makedirs(args.workdir, exist_ok=True)
        synth = os.path.join(args.workdir, "synthetic_aia_171_4096_rice_lev1.fits")
        if not os.path.exists(synth):
            make_synthetic_aia(synth)
        files.append(synth)

    results = []
    for path in files:
        ours = subprocess.run([args.solarchip, "bench", "load-prep", path, "--json", "--repeat", str(args.repeat),
                               "--scale", str(args.scale)], capture_output=True, text=True)
        if ours.returncode != 0:
            sys.exit(f"solarchip failed on {path}: {ours.stderr.strip()}")
        o = json.loads(ours.stdout)
        sp = subprocess.run([sys.executable, "-c", SUNPY_RUNNER, path, str(args.repeat), str(args.scale)],
                            capture_output=True, text=True)
        if sp.returncode != 0:
            sys.exit(f"sunpy failed on {path}: {sp.stderr.strip()[-2000:]}")
        s = json.loads(sp.stdout)
        image_bytes = o["image_float32_bytes"]
        sunpy_min = min(r["total_s"] for r in s["runs"])
        sunpy_peak = max(r["peak_rss_growth_bytes"] for r in s["runs"])
        results.append({
            "file": path,
            "size": [o["naxis1"], o["naxis2"]],
            "file_bytes": os.path.getsize(path),
            "image_float32_bytes": image_bytes,
            "ours": {"total_s_min": o["total_s_min"], "total_s_median": o["total_s_median"],
                     "runs": o["runs"], "threads": o["threads"], "method": o["method"],
                     "peak_rss_growth_bytes": o["peak_rss_growth_bytes"],
                     "peak_over_image_float32": o["peak_over_image_float32"]},
            "sunpy": {"total_s_min": sunpy_min, "runs": s["runs"], "peak_rss_growth_bytes": sunpy_peak,
                      "peak_over_image_float32": sunpy_peak / image_bytes,
                      "call": "Map(f); float64; rotate(scale=cdelt/%g, order=3, recenter=True, missing=min)" % args.scale},
            "time_ratio_ours_over_sunpy": o["total_s_min"] / sunpy_min,
            "targets": {"time_ratio_max": 0.5, "peak_over_image_float32_max": 3.0,
                        "time_met": o["total_s_min"] / sunpy_min <= 0.5,
                        "memory_met": o["peak_over_image_float32"] is not None
                        and o["peak_over_image_float32"] <= 3.0},
        })
    print(json.dumps({"bench": "load-prep vs sunpy", "cpu_count": os.cpu_count(), "repeat": args.repeat,
                      "memory_method": "VmHWM after the run (peak reset via /proc/self/clear_refs) minus VmRSS before",
                      "results": results}, indent=2))


if __name__ == "__main__":
    main()
