#!/usr/bin/env python3
"""Independent read of a map exported by solarchip-studio (File > Export map as FITS) next to its source file,
with astropy only. Prints JSON: for "export" and "source" the first image HDU's shape, CRPIX/CDELT/CRVAL,
BITPIX, BUNIT, the HISTORY and COMMENT texts and the values at the given 0-based pixels (x,y); "limb": 0-based pixel positions (astropy WCS of the
source) of helioprojective points at fractions of RSUN_OBS along +x, -x, +y, -y from (0, 0) arcsec.
Usage: export_check.py EXPORT SOURCE --points x,y [x,y ...] --radii r [r ...]"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

warnings.filterwarnings("ignore")


def describe(path, points):
    with fits.open(path) as hdul:
        hdu = next(h for h in hdul if h.is_image and h.header.get("NAXIS", 0) >= 2)
        hdr = hdu.header.copy()
        data = np.asarray(hdu.data, dtype=np.float64)
        out = {
            "shape": list(data.shape),
            "bitpix": int(hdr["BITPIX"]) if not isinstance(hdu, fits.CompImageHDU) else int(hdr.get("ZBITPIX", 0)),
            "values": [None if not np.isfinite(data[y, x]) else float(data[y, x]) for x, y in points],
        }
        for k in ("CRPIX1", "CRPIX2", "CDELT1", "CDELT2", "CRVAL1", "CRVAL2", "RSUN_OBS"):
            out[k] = float(hdr[k]) if k in hdr else None
        # What a FITS reader shows a user: the unit and the commentary cards, as text.
        out["BUNIT"] = str(hdr["BUNIT"]) if "BUNIT" in hdr else None
        out["HISTORY"] = [str(v) for v in hdr.get("HISTORY", [])]
        out["COMMENT"] = [str(v) for v in hdr.get("COMMENT", [])]
        return out, hdr


args = sys.argv[1:]
export_path, source_path = args[0], args[1]
points, radii, mode = [], [], None
for a in args[2:]:
    if a in ("--points", "--radii"):
        mode = a
    elif mode == "--points":
        points.append(tuple(int(v) for v in a.split(",")))
    elif mode == "--radii":
        radii.append(float(a))

exported, _ = describe(export_path, points)
source, src_hdr = describe(source_path, points)
wcs = WCS(src_hdr, naxis=2)
rsun = float(src_hdr["RSUN_OBS"])
limb = {}
for r in radii:
    world = [(r * rsun, 0.0), (-r * rsun, 0.0), (0.0, r * rsun), (0.0, -r * rsun)]
    # astropy's WCS works in degrees for HPLN/HPLT; pixel coordinates 0-based (origin 0).
    px = wcs.wcs_world2pix(np.array([[tx / 3600.0, ty / 3600.0] for tx, ty in world]), 0)
    limb[str(r)] = [[float(x), float(y)] for x, y in px]
print(json.dumps({"export": exported, "source": source, "limb": limb}))
