#!/usr/bin/python3
"""Independent reference for the file-pixel readout and Carrington CEA maps (tests/core/tst_filepixels.cpp,
tests/widgets/tst_mapview_frames.cpp).

Usage: frames_reference.py SDO_DIR  (prints one JSON object)
  - "cea": for the HMI SHARP CEA Br/magnetogram/continuum/bitmap files, the Carrington lon/lat (degrees) of a few
    0-based pixels from astropy.wcs on the file's own header (WCS(header).wcs_pix2world(x, y, 0)), and the
    file's value there (astropy.io.fits, NaN -> null);
  - "jp2": for 4096^2 Helioviewer JPEG2000 files, the value glymur decodes at a few full-resolution 0-based
    FITS pixels (rows flipped as sunpy does: FITS row y is JPEG2000 row H-1-y), and Tx/Ty (arcsec) of those
    pixels from astropy.wcs on the <fits> keywords of the XML box.
"""
import glob
import json
import math
import os
import sys
import warnings
import xml.etree.ElementTree as ET

warnings.simplefilter("ignore")

import glymur  # noqa: E402
import numpy as np  # noqa: E402
from astropy.io import fits  # noqa: E402
from astropy.wcs import WCS  # noqa: E402
from astropy.utils.exceptions import AstropyWarning  # noqa: E402,F401

sdo = sys.argv[1]
out = {"cea": {}, "jp2": {}}

CEA_PIXELS = [(0, 0), (100, 50), (371, 188), (600, 300), (743, 376)]
for path in sorted(glob.glob(os.path.join(sdo, "fits", "hmi.sharp_cea_720s.*.fits"))):
    with fits.open(path) as hdul:
        hdu = [h for h in hdul if h.data is not None and h.data.ndim == 2][0]
        header, data = hdu.header, hdu.data
        wcs = WCS(header)
        points = []
        for x, y in CEA_PIXELS:
            lon, lat = wcs.wcs_pix2world([[x, y]], 0)[0]
            v = float(data[y, x])
            points.append({"x": x, "y": y, "lon": float(lon), "lat": float(lat),
                           "value": None if math.isnan(v) else v})
        out["cea"][os.path.basename(path)] = {"width": int(data.shape[1]), "height": int(data.shape[0]),
                                              "ctype1": header["CTYPE1"], "ctype2": header["CTYPE2"],
                                              "points": points}

JP2_FILES = ["2024_04_16__11_15_41_129__SDO_AIA_AIA_304.jp2", "2022_08_02__10_47_53_000__SDO_HMI_HMI_magnetogram.jp2"]
JP2_PIXELS = [(2040, 2051), (1200, 2803), (3200, 803), (1600, 2403)]
for name in JP2_FILES:
    path = os.path.join(sdo, "jp2", name)
    jp2 = glymur.Jp2k(path)
    a = jp2[:]
    height = a.shape[0]
    xml = [b for b in jp2.box if b.box_id == "xml "][0].xml.getroot()
    header = fits.Header()
    for el in xml.find(".//fits"):
        if el.tag in ("HISTORY", "COMMENT") or len(el.tag) > 8 or el.text is None:
            continue
        t = el.text.strip()
        try:
            v = float(t) if any(c in t for c in ".eE") else int(t)
        except ValueError:
            v = t
        try:
            header[el.tag] = v
        except Exception:
            pass
    wcs = WCS(header, naxis=2)
    points = []
    for x, y in JP2_PIXELS:
        lon, lat = wcs.wcs_pix2world([[x, y]], 0)[0]
        points.append({"x": x, "y": y, "value": int(a[height - 1 - y, x]),
                       "tx": ((lon + 180.0) % 360.0 - 180.0) * 3600.0, "ty": lat * 3600.0})
    out["jp2"][name] = {"width": int(a.shape[1]), "height": int(height), "points": points}

json.dump(out, sys.stdout, indent=1)
