#!/usr/bin/env python3
"""Independent references for time-distance plots (core/archive/TimeDistance, `solarchip timedistance`).

  time_distance.py sample FILE SX SY EX EY N WIDTH M
      The slit's samples on one file with astropy alone: the data of the first HDU holding an image (astropy
      decompresses RICE HDUs), astropy.wcs for the helioprojective -> pixel transform of each sample position (N
      along from (SX, SY) to (EX, EY) arcsec, ends included; M across WIDTH arcsec, evenly, both edges included),
      scipy.ndimage.map_coordinates (order 1, no prefilter) for the bilinear value, the mean across, AIA DN divided by
      EXPTIME. Prints JSON {"values": [...], "unit": ...} (null where a sample falls outside the image).

  time_distance.py fixture OUTDIR N SPEED_KM_S
      Writes N AIA-like 171 FITS files 12 s apart (helioprojective TAN, 0.6 arcsec pixels, 300x200, DSUN_OBS 1 AU,
      BUNIT DN, EXPTIME 2 s) holding a Gaussian ridge (sigma 3 arcsec) across x that moves in +Tx at SPEED_KM_S on the
      plane of the sky: Tx(t) = Tx0 + v t / (DSUN tan(1 arcsec)). Prints JSON {"files": [...],
      "arcsec_per_s": ..., "km_per_arcsec": ...}.
"""
import json
import math
import os
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS
from scipy.ndimage import map_coordinates

warnings.filterwarnings("ignore")
AU = 149597870700.0


def image_hdu(hdul):
    for h in hdul:
        if h.data is not None and getattr(h.data, "ndim", 0) == 2:
            return h
    raise SystemExit("no image HDU")


def sample(path, sx, sy, ex, ey, n, width, m):
    with fits.open(path) as hdul:
        h = image_hdu(hdul)
        data = np.asarray(h.data, dtype=np.float64)
        hdr = h.header
    wcs = WCS(hdr)
    length = math.hypot(ex - sx, ey - sy)
    ux, uy = (ex - sx) / length, (ey - sy) / length
    f = np.linspace(0.0, 1.0, n)
    px, py = sx + (ex - sx) * f, sy + (ey - sy) * f
    offs = np.array([0.0]) if m == 1 else width * (np.arange(m) / (m - 1) - 0.5)
    tx = (px[:, None] - uy * offs[None, :]).ravel()
    ty = (py[:, None] + ux * offs[None, :]).ravel()
    x, y = wcs.world_to_pixel_values(tx / 3600.0, ty / 3600.0)
    vals = map_coordinates(data, [y, x], order=1, prefilter=False, mode="constant", cval=np.nan)
    inside = (x >= 0) & (y >= 0) & (x <= data.shape[1] - 1) & (y <= data.shape[0] - 1)
    vals = np.where(inside, vals, np.nan).reshape(n, m)
    with np.errstate(invalid="ignore"):
        mean = np.nanmean(vals, axis=1)
    unit = str(hdr.get("BUNIT", "") or hdr.get("PIXLUNIT", "")).strip()
    aia = "AIA" in str(hdr.get("TELESCOP", "")).upper() or str(hdr.get("INSTRUME", "")).upper().startswith("AIA")
    if aia and unit.upper() == "DN" and hdr.get("EXPTIME", 0) > 0:
        mean = mean / float(hdr["EXPTIME"])
        unit = "DN/s"
    print(json.dumps({"values": [None if not np.isfinite(v) else float(v) for v in mean], "unit": unit}))


def fixture(outdir, n, speed):
    os.makedirs(outdir, exist_ok=True)
    km_per_arcsec = AU * math.tan(math.radians(1.0 / 3600.0)) / 1000.0
    arcsec_per_s = speed / km_per_arcsec
    ny, nx, cdelt = 200, 300, 0.6
    files = []
    for k in range(n):
        t = 12.0 * k
        centre = -60.0 + arcsec_per_s * t  # Tx of the ridge
        hdr = fits.Header()
        hdr["TELESCOP"] = "SDO/AIA"
        hdr["INSTRUME"] = "AIA_3"
        hdr["WAVELNTH"] = 171
        hdr["WAVEUNIT"] = "angstrom"
        hdr["BUNIT"] = "DN"
        hdr["EXPTIME"] = 2.0
        sec = int(t)
        hdr["T_OBS"] = "2012-03-07T00:%02d:%02d.000" % (sec // 60, sec % 60)
        hdr["DATE-OBS"] = hdr["T_OBS"]
        hdr["CTYPE1"], hdr["CTYPE2"] = "HPLN-TAN", "HPLT-TAN"
        hdr["CUNIT1"], hdr["CUNIT2"] = "arcsec", "arcsec"
        hdr["CDELT1"], hdr["CDELT2"] = cdelt, cdelt
        hdr["CRPIX1"], hdr["CRPIX2"] = (nx + 1) / 2.0, (ny + 1) / 2.0
        hdr["CRVAL1"], hdr["CRVAL2"] = 0.0, 0.0
        hdr["CROTA2"] = 0.0
        hdr["DSUN_OBS"] = AU
        hdr["RSUN_OBS"] = 959.6
        hdr["RSUN_REF"] = 696000000.0
        hdr["HGLN_OBS"], hdr["HGLT_OBS"] = 0.0, -7.2
        hdr["CRLN_OBS"], hdr["CRLT_OBS"] = 100.0, -7.2
        hdr["QUALITY"] = 0
        hdr["LVL_NUM"] = 1.5
        w = WCS(hdr)
        xs, ys = np.meshgrid(np.arange(nx), np.arange(ny))
        lon, lat = w.pixel_to_world_values(xs, ys)
        tx = np.where(lon > 180, lon - 360, lon) * 3600.0
        img = 100.0 + 2000.0 * np.exp(-0.5 * ((tx - centre) / 3.0) ** 2)
        path = os.path.join(outdir, "aia_171_%02d.fits" % k)
        fits.PrimaryHDU(img.astype(np.float32), hdr).writeto(path, overwrite=True)
        files.append(path)
    print(json.dumps({"files": files, "arcsec_per_s": arcsec_per_s, "km_per_arcsec": km_per_arcsec}))


def main():
    if sys.argv[1] == "sample":
        a = sys.argv[2:]
        sample(a[0], float(a[1]), float(a[2]), float(a[3]), float(a[4]), int(a[5]), float(a[6]), int(a[7]))
    elif sys.argv[1] == "fixture":
        fixture(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
