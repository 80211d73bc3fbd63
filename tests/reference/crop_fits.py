#!/usr/bin/python3
"""Writes a cut-out of a FITS map with astropy: crop_fits.py IN OUT X0 Y0 WIDTH HEIGHT (0-based pixel origin).
The WCS follows the crop (CRPIX shifted by the origin), so the same sky lands on the same world coordinates:
a test then knows exactly how far the content moved in the array."""
import sys
import warnings

import numpy as np
from astropy.io import fits

warnings.simplefilter("ignore")
src, dst, x0, y0, w, h = sys.argv[1:7]
x0, y0, w, h = int(x0), int(y0), int(w), int(h)
with fits.open(src) as hdul:
    hdu = next(u for u in hdul if u.data is not None and getattr(u.data, "ndim", 0) == 2)
    data = np.asarray(hdu.data, dtype=np.float32)[y0:y0 + h, x0:x0 + w]
    hd = hdu.header.copy()
for k in ("ZIMAGE", "ZBITPIX", "ZNAXIS", "ZNAXIS1", "ZNAXIS2", "ZTILE1", "ZTILE2", "ZCMPTYPE", "ZNAME1", "ZVAL1",
          "ZNAME2", "ZVAL2", "ZQUANTIZ", "BLANK", "BSCALE", "BZERO", "CHECKSUM", "DATASUM", "XTENSION", "PCOUNT",
          "GCOUNT", "TFIELDS", "TTYPE1", "TFORM1", "TTYPE2", "TFORM2", "TTYPE3", "TFORM3", "ZDITHER0", "ZSIMPLE",
          "ZEXTEND", "ZBLANK"):
    hd.remove(k, ignore_missing=True, remove_all=True)
hd["CRPIX1"] = hd["CRPIX1"] - x0
hd["CRPIX2"] = hd["CRPIX2"] - y0
out = fits.PrimaryHDU(data=data)
for card in hd.cards:
    if card.keyword in ("SIMPLE", "BITPIX", "NAXIS", "NAXIS1", "NAXIS2", "EXTEND", "COMMENT", "HISTORY", ""):
        continue
    try:
        out.header[card.keyword] = (card.value, card.comment)
    except Exception:
        pass
out.writeto(dst, overwrite=True)
