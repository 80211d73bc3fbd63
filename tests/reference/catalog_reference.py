#!/usr/bin/python3
"""Independent reference for the archive catalog tests (tests/core/tst_catalog.cpp), using astropy only.

  catalog_reference.py rows DIR         -> JSON list, one entry per FITS-named file under DIR (sorted by path):
        {"path": rel, "bad": false, "instrument", "channel", "time" (UTC ISO, ms), "naxis1", "naxis2", "bitpix",
         "wavelength", "exptime", "quality", "level", "compression"}   or   {"path": rel, "bad": true, "why": ...}
  catalog_reference.py make-bad NONSDO NOTIME -> writes a valid FITS image whose header names no SDO instrument
        (NONSDO) and an SDO/AIA-looking FITS image without any observation time (NOTIME), then prints the rows of
        their folder as `rows` does

Conventions encoded here (from JSOC / the SDO headers themselves, not from the C++ code):
  * AIA channel = WAVELNTH as an integer; HMI observable from CONTENT (MAGNETOGRAM -> "hmi", CONTINUUM -> "hmi_ic",
    DOPPLERGRAM -> "hmi_v"), else from the JSOC segment name in the file name (SHARP segments: magnetogram,
    continuum, Br, bitmap, ...).
  * Time = T_OBS; "..._TAI" values are TAI (HMI), converted to UTC with astropy.time; others are UTC.
"""
import json
import os
import re
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.time import Time

warnings.simplefilter("ignore")

FITS_SUFFIXES = (".fits", ".fit", ".fts", ".fz")
SEGMENTS = {"magnetogram": "hmi", "continuum": "hmi_ic", "dopplergram": "hmi_v"}


def image_hdu(hdul):
    for hdu in hdul:
        if isinstance(hdu, (fits.PrimaryHDU, fits.ImageHDU, fits.CompImageHDU)):
            h = hdu.header
            if h.get("NAXIS", 0) >= 2 and h.get("NAXIS1", 0) > 0 and h.get("NAXIS2", 0) > 0:
                return hdu
    return None


def utc_iso(value):
    value = value.strip()
    scale = "utc"
    if value.upper().endswith("_TAI"):
        scale = "tai"
        value = value[:-4]
    elif value.upper().endswith("Z"):
        value = value[:-1]
    # JSOC form 2011.02.15_01:59:54 -> ISO
    m = re.match(r"^(\d{4})\.(\d{2})\.(\d{2})_(.*)$", value)
    if m:
        value = "%s-%s-%sT%s" % m.groups()
    t = Time(value, format="isot", scale=scale)
    t.precision = 3
    return t.utc.isot


def channel_of(header, instrument, filename):
    if instrument == "AIA":
        return str(int(round(float(header["WAVELNTH"]))))
    content = str(header.get("CONTENT", "")).upper()
    if "MAGNETOGRAM" in content:
        return "hmi"
    if "CONTINUUM" in content:
        return "hmi_ic"
    if "DOPPLER" in content:
        return "hmi_v"
    m = re.search(r"\.(br|bt|bp|magnetogram|continuum|bitmap|dopplergram|conf_disambig)\.fits", filename.lower())
    if m:
        return SEGMENTS.get(m.group(1), "hmi_" + m.group(1))
    return None


def row(root, rel):
    path = os.path.join(root, rel)
    try:
        hdul = fits.open(path, memmap=False)
    except Exception as e:  # not FITS, truncated header...
        return {"path": rel, "bad": True, "why": "astropy cannot open it: %s" % e}
    with hdul:
        hdu = image_hdu(hdul)
        if hdu is None:
            return {"path": rel, "bad": True, "why": "no image HDU"}
        h = hdu.header
        tel = str(h.get("TELESCOP", "")).upper()
        ins = str(h.get("INSTRUME", "")).upper()
        if ins.startswith("AIA") or "AIA" in tel:
            instrument = "AIA"
        elif ins.startswith("HMI") or "HMI" in tel:
            instrument = "HMI"
        else:
            return {"path": rel, "bad": True, "why": "not SDO: TELESCOP=%r INSTRUME=%r" % (tel, ins)}
        tobs = h.get("T_OBS") or h.get("DATE-OBS")
        if not tobs:
            return {"path": rel, "bad": True, "why": "no time"}
        compression = ""
        if isinstance(hdu, fits.CompImageHDU):
            compression = str(hdu._header.get("ZCMPTYPE", "")).strip()
        return {
            "path": rel,
            "bad": False,
            "instrument": instrument,
            "channel": channel_of(h, instrument, os.path.basename(rel)),
            "time": utc_iso(str(tobs)),
            "naxis1": int(h["NAXIS1"]),
            "naxis2": int(h["NAXIS2"]),
            "bitpix": int(h["BITPIX"]),
            "wavelength": float(h.get("WAVELNTH", 6173.0 if instrument == "HMI" else 0.0)),
            "exptime": float(h.get("EXPTIME", 0.0)),
            "quality": int(h.get("QUALITY", 0)),
            "level": float(h.get("LVL_NUM", 1.0)),
            "compression": compression,
        }


def rows(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in filenames:
            if name.startswith(".") or not name.lower().endswith(FITS_SUFFIXES):
                continue
            out.append(os.path.relpath(os.path.join(dirpath, name), root))
    return [row(root, rel) for rel in sorted(out)]


def make_nonsdo(path):
    hdu = fits.PrimaryHDU(np.arange(256, dtype=np.float32).reshape(16, 16))
    hdu.header["TELESCOP"] = "HST"
    hdu.header["INSTRUME"] = "WFC3"
    hdu.header["DATE-OBS"] = "2011-06-07T06:00:00.000"
    hdu.writeto(path, overwrite=True)


def make_notime(path):
    hdu = fits.PrimaryHDU(np.arange(256, dtype=np.int16).reshape(16, 16))
    h = hdu.header
    h["TELESCOP"] = "SDO/AIA"
    h["INSTRUME"] = "AIA_3"
    h["WAVELNTH"] = 171
    for k, v in (("CTYPE1", "HPLN-TAN"), ("CTYPE2", "HPLT-TAN"), ("CRPIX1", 8.5), ("CRPIX2", 8.5),
                 ("CDELT1", 153.6), ("CDELT2", 153.6)):
        h[k] = v
    hdu.writeto(path, overwrite=True)


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "rows":
        json.dump(rows(sys.argv[2]), sys.stdout, indent=1)
    elif len(sys.argv) == 4 and sys.argv[1] == "make-bad":
        make_nonsdo(sys.argv[2])
        make_notime(sys.argv[3])
        json.dump(rows(os.path.dirname(os.path.abspath(sys.argv[2]))), sys.stdout, indent=1)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
