#!/usr/bin/env python3
"""Pearson CC of two maps on the same grid (the translation view's translated and real panels, exported as FITS),
over the pixels on the solar disk where both are finite. The disk: each pixel's helioprojective position from the
first file's WCS (astropy), inside RSUN_OBS of the Sun centre (angular distance, as core/map/DiskMask).
Usage: translation_cc.py TRANSLATED.fits REAL.fits -> {"cc": ..., "pixels": n}"""
import json
import sys

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS
from astropy.wcs.utils import proj_plane_pixel_scales  # noqa: F401 (astropy present)


def main():
    a_hdu = fits.open(sys.argv[1])[0]
    b_hdu = fits.open(sys.argv[2])[0]
    a = a_hdu.data.astype(np.float64)
    b = b_hdu.data.astype(np.float64)
    assert a.shape == b.shape, (a.shape, b.shape)
    h = a_hdu.header
    w = WCS(h)
    ny, nx = a.shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    tx, ty = w.wcs_pix2world(xx, yy, 0)
    # degrees -> arcsec when CUNIT says deg (astropy converts to degrees)
    scale = 3600.0
    tx = np.deg2rad(((tx * scale + 648000) % 1296000 - 648000) / 3600.0)
    ty = np.deg2rad(ty)
    # angular distance from disk centre: cos(d) = cos(tx) cos(ty)
    d = np.rad2deg(np.arccos(np.clip(np.cos(tx) * np.cos(ty), -1, 1))) * 3600.0
    rsun = float(h["RSUN_OBS"])
    m = (d <= rsun) & np.isfinite(a) & np.isfinite(b)
    x, y = a[m], b[m]
    cc = float(np.corrcoef(x, y)[0, 1]) if m.sum() > 1 else float("nan")
    print(json.dumps({"cc": cc, "pixels": int(m.sum())}))


if __name__ == "__main__":
    main()
