#!/usr/bin/python3
"""Independent reference for running differences of real AIA data off the limb (tests/core/tst_difference_offlimb.cpp).

Usage: difference_offlimb.py CURRENT.fits REFERENCE.fits
Reads both files with astropy, subtracts them pixel by pixel with numpy (current - reference, on the current
file's grid: two consecutive AIA exposures share their pointing keywords), finds the pixels beyond the limb
through sunpy.map.Map(CURRENT).wcs (helioprojective radius > RSUN_OBS) and prints JSON:
  offlimb: number of off-limb pixels; offlimb_finite: how many of them the numpy difference has finite;
  pixels: total; samples: [x, y, diff] (0-based FITS order) for every 97th off-limb pixel at least 3 pixels from
  the edges (a deterministic sample).
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits

warnings.simplefilter("ignore")


def main():
    cur_path, ref_path = sys.argv[1], sys.argv[2]
    cur = fits.getdata(cur_path).astype(np.float64)
    ref = fits.getdata(ref_path).astype(np.float64)
    diff = cur - ref
    import sunpy.map
    import astropy.units as u
    m = sunpy.map.Map(cur_path)
    ny, nx = cur.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    c = m.pixel_to_world(xx * u.pix, yy * u.pix)
    r = np.hypot(c.Tx.to_value(u.arcsec), c.Ty.to_value(u.arcsec))
    off = r > m.rsun_obs.to_value(u.arcsec)
    inner = np.zeros_like(off)
    inner[3:-3, 3:-3] = True
    ys, xs = np.nonzero(off & inner)
    samples = [[int(x), int(y), float(diff[y, x])] for x, y in list(zip(xs, ys))[::97]]
    print(json.dumps({"offlimb": int(off.sum()), "offlimb_finite": int(np.isfinite(diff[off]).sum()),
                      "pixels": int(diff.size), "samples": samples}))


if __name__ == "__main__":
    main()
