#!/usr/bin/python3
"""Independent reference for the view-link groups (tests/widgets/tst_viewlink.cpp), with sunpy/astropy only.

  footprint_reference.py FILE [FILE...] -> JSON list, one entry per file:
      {"file": basename, "width", "height", "helioprojective": bool,
       "box": [tx_min, tx_max, ty_min, ty_max]}   (arcsec; the outer edges of the four corner pixels,
                                                     -0.5 and N-0.5 in 0-based pixels, through sunpy's
                                                     pixel_to_world; only for helioprojective maps)
"""
import json
import os
import sys
import warnings

warnings.simplefilter("ignore")

import astropy.units as u  # noqa: E402
import sunpy.map  # noqa: E402


def footprint(path):
    m = sunpy.map.Map(path)
    if isinstance(m, list):
        m = m[0]
    ny, nx = m.data.shape
    out = {"file": os.path.basename(path), "width": int(nx), "height": int(ny),
           "helioprojective": m.coordinate_frame.name == "helioprojective"}
    if out["helioprojective"]:
        xs = [-0.5, nx - 0.5, -0.5, nx - 0.5]
        ys = [-0.5, -0.5, ny - 0.5, ny - 0.5]
        c = m.pixel_to_world(xs * u.pix, ys * u.pix)
        tx = c.Tx.to_value(u.arcsec)
        ty = c.Ty.to_value(u.arcsec)
        out["box"] = [float(min(tx)), float(max(tx)), float(min(ty)), float(max(ty))]
    return out


print(json.dumps([footprint(p) for p in sys.argv[1:]]))
