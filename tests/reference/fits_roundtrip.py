#!/usr/bin/env python3
"""Reads a FITS file written by core/FitsWriter with astropy and prints what astropy sees, as JSON:
the HDU layout, compression, BITPIX (stored), BSCALE/BZERO, selected header values, keywords longer than 8
characters (HIERARCH cards), COMMENT lines and pixel values.
Usage: fits_roundtrip.py FILE x,y [x,y ...]"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits

warnings.filterwarnings("ignore")
path = sys.argv[1]
points = [tuple(int(v) for v in p.split(",")) for p in sys.argv[2:]]
with fits.open(path, checksum=True) as hdul:
    idx = next(i for i, h in enumerate(hdul) if h.is_image and h.header.get("NAXIS", 0) >= 2)
    hdu = hdul[idx]
    hdr = hdu.header.copy()
    raw_bitpix = hdr["BITPIX"]
    data = np.asarray(hdu.data, dtype=np.float64)
    out = {
        "hdu": idx + 1,
        "compressed": isinstance(hdu, fits.CompImageHDU),
        "zcmptype": hdul[idx]._header.get("ZCMPTYPE") if isinstance(hdu, fits.CompImageHDU) else None,
        "bitpix": raw_bitpix,
        "shape": list(data.shape),
        "header": {k: hdr[k] for k in ("TELESCOP", "WAVELNTH", "T_OBS", "CDELT1", "CRPIX1", "BUNIT", "LVL_NUM",
                                       "BLANK", "BSCALE", "BZERO")
                   if k in hdr},
        "history": [str(h) for h in hdr.get("HISTORY", [])],
        # Keywords longer than 8 characters (astropy reads HIERARCH cards under their long name).
        "long_keys": {k: [hdr[k], hdr.comments[k]] for k in hdr.keys() if len(k) > 8},
        "comments": [str(c) for c in hdr.get("COMMENT", [])],
        "values": [None if not np.isfinite(data[y, x]) else float(data[y, x]) for x, y in points],
    }
print(json.dumps(out))
