#!/usr/bin/python3
"""Independent reference for tests/core/tst_mapfile.cpp and tests/core/tst_fits_astropy_data.cpp.

Usage:
  mapfile_reference.py jp2 FILE [FILE...]
      One JSON object per Helioviewer JPEG2000 file (a list), from sunpy/astropy/glymur alone:
        - file, width, height: the codestream size from glymur's header read (nothing decoded);
        - instrument ("AIA"/"HMI"), wavelength (Angstrom) and measurement from sunpy.map.Map built on the
          XML box header (sunpy.io.jp2.get_header), e.g. "continuum", "magnetogram" for HMI;
        - t_obs_utc: the observation time in UTC, ISO with milliseconds: T_OBS (mid-exposure) when present,
          else DATE-OBS, parsed by astropy.time.Time (HMI writes T_OBS in TAI as 2010.12.06_18:57:38_TAI;
          astropy converts to UTC with its own leap-second table).
  mapfile_reference.py fits-folder [DIR]
      {"root": DIR, "files": [...]}: for every *.fits file below DIR (default: astropy's own test data,
      astropy/io/fits/tests/data; root is "" when that folder is absent), sorted, with relative paths, what
      astropy makes of it:
        - opens: astropy.io.fits could open it and read every header;
        - image: the first HDU holding a 2-D image with data (ndim 2, or more axes whose extra lengths are 1,
          every length > 0; random groups are not images), as {hdu: 1-based, width, height, finite, sum}:
          finite = number of finite pixels after BLANK masking and BSCALE/BZERO, sum = their float64 sum;
        - cube: true when an HDU before any 2-D image holds an image of 3 or more real axes.
"""
import glob
import json
import math
import os
import sys
import warnings

warnings.simplefilter("ignore")


def iso_ms(t):
    return t.utc.strftime("%Y-%m-%dT%H:%M:%S.%f")[:23]


def parse_sdo_time(text):
    from astropy.time import Time
    text = text.strip()
    scale = "utc"
    if text.endswith("_TAI"):
        text, scale = text[:-4], "tai"
    elif text.endswith("Z"):
        text = text[:-1]
    if "_" in text:  # JSOC: 2010.12.06_18:57:38
        day, clock = text.split("_", 1)
        text = day.replace(".", "-") + "T" + clock
    return Time(text, format="isot", scale=scale)


def jp2(files):
    import numpy as np
    import glymur
    import sunpy.map
    from sunpy.io.jp2 import get_header
    out = []
    for path in files:
        header = get_header(path)[0]
        m = sunpy.map.Map((np.zeros((1, 1)), header))
        shape = glymur.Jp2k(path).shape
        keys = {str(k).upper(): v for k, v in header.items()}  # some headers come back with lower-case keys
        t_text = keys.get("T_OBS") or keys.get("DATE-OBS")
        out.append({
            "file": path,
            "width": int(shape[1]),
            "height": int(shape[0]),
            "instrument": "AIA" if "AIA" in str(m.instrument).upper() else "HMI",
            "wavelength": float(getattr(m.wavelength, "value", m.wavelength)),
            "measurement": str(m.measurement),
            "t_obs_utc": iso_ms(parse_sdo_time(str(t_text))),
        })
    json.dump(out, sys.stdout, indent=1)


def image_of(hdu):
    """(width, height, finite, sum) of a 2-D image HDU with data, 'cube' for 3+ real axes, else None."""
    from astropy.io import fits
    import numpy as np
    if isinstance(hdu, fits.GroupsHDU) or not (hdu.is_image or isinstance(hdu, fits.CompImageHDU)):
        return None
    shape = tuple(hdu.shape) if hdu.shape is not None else ()
    if len(shape) < 2 or any(n == 0 for n in shape):
        return None
    real = [n for n in shape[:-2] if n != 1]
    if real:
        return "cube"
    raw = np.asarray(hdu.data).reshape(shape[-2], shape[-1])
    data = raw.astype(np.float64)
    if raw.dtype.kind in "iu" and "BLANK" in hdu.header:
        blank = hdu.header["BLANK"]
        # astropy scales integer data on access; compare BLANK against the stored integers.
        stored = (raw - hdu.header.get("BZERO", 0)) / hdu.header.get("BSCALE", 1)
        data[np.isclose(stored, blank)] = np.nan
    finite = np.isfinite(data)
    return {"width": shape[-1], "height": shape[-2], "finite": int(finite.sum()),
            "sum": float(data[finite].sum())}


def fits_folder(root):
    from astropy.io import fits
    if root is None:
        import astropy
        root = os.path.join(os.path.dirname(astropy.__file__), "io", "fits", "tests", "data")
    if not os.path.isdir(root):
        json.dump({"root": "", "files": []}, sys.stdout)
        return
    out = []
    for path in sorted(glob.glob(os.path.join(root, "**", "*.fits"), recursive=True)):
        row = {"path": os.path.relpath(path, root), "opens": False, "image": None, "cube": False}
        try:
            with fits.open(path, do_not_scale_image_data=False) as hl:
                for i, hdu in enumerate(hl):
                    hdu.header  # noqa: B018 (parse every header)
                    found = image_of(hdu)
                    if found == "cube":
                        row["cube"] = row["cube"] or row["image"] is None
                    elif found is not None and row["image"] is None:
                        found["hdu"] = i + 1
                        row["image"] = found
                row["opens"] = True
        except Exception as e:  # astropy refuses the file: we must refuse it too
            row["astropy_error"] = "%s: %s" % (type(e).__name__, e)
            row["image"] = None
        out.append(row)
    json.dump({"root": root, "files": out}, sys.stdout, indent=1)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "jp2":
        jp2(sys.argv[2:])
    elif len(sys.argv) in (2, 3) and sys.argv[1] == "fits-folder":
        fits_folder(sys.argv[2] if len(sys.argv) == 3 else None)
    else:
        sys.exit(__doc__)
