#!/usr/bin/python3
"""Independent checks of a synthetic SDO archive with astropy and sunpy (Debian's python3-sunpy 4.1).

usage: synth_check.py ARCHIVE_DIR

Reads every FITS file of the archive and the ground-truth JSON of each time step, and prints one JSON object:
  files[]: per file: path, the sunpy map class, wavelength (Angstrom), unit, observer (HGS lon/lat deg,
           radius m), the largest |sunpy world - truth| over the visible active-region centres of that step
           (degrees), astropy's checksum verdict, BITPIX/ZCMPTYPE/BLANK/BSCALE of the image HDU.
  steps[]: per step: for each pair of channels, how far apart (pixels) sunpy puts the same truth position
           through the two maps' WCS compared with the truth's own pixel positions.
Nothing here uses the project's code: sunpy's WCS (astropy.wcs/WCSLIB) and frames do the coordinates.
"""
import glob
import json
import os
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")

import astropy.units as u  # noqa: E402
from astropy.coordinates import SkyCoord  # noqa: E402
from astropy.io import fits  # noqa: E402
import sunpy.map  # noqa: E402
from sunpy.coordinates import frames  # noqa: E402


def image_hdu(hdul):
    for h in hdul:
        if h.data is not None and h.header.get("NAXIS", 0) == 2:
            return h
    return hdul[-1]


def main():
    root = sys.argv[1]
    out = {"files": [], "steps": []}
    truths = sorted(glob.glob(os.path.join(root, "truth", "*", "*", "*", "*.json")))
    for tpath in truths:
        truth = json.load(open(tpath))
        step = {"truth": os.path.relpath(tpath, root), "channels": {}}
        maps = {}
        for ch, fr in truth["frames"].items():
            path = os.path.join(root, fr["file"])
            if not os.path.exists(path):
                continue
            m = sunpy.map.Map(path)
            maps[ch] = m
            with warnings.catch_warnings(record=True) as caught, fits.open(path, checksum=True) as hdul:
                warnings.simplefilter("always")
                # The stored layout, read before astropy scales the data (it then rewrites BITPIX in memory).
                raw = getattr(hdul[1], "_header", hdul[1].header) if len(hdul) > 1 else hdul[0].header
                stored = {"zcmptype": raw.get("ZCMPTYPE"), "zbitpix": raw.get("ZBITPIX"),
                          "stored_bscale": raw.get("BSCALE", 1.0), "stored_blank": raw.get("BLANK")}
                hdu = image_hdu(hdul)
                fileinfo = {
                    "path": os.path.relpath(path, root),
                    "channel": ch,
                    "class": type(m).__name__,
                    "wavelength": float(m.wavelength.to_value(u.AA)) if m.wavelength is not None else None,
                    "unit": m.unit.to_string() if m.unit is not None else None,
                    "observer_lon": float(m.observer_coordinate.lon.to_value(u.deg)),
                    "observer_lat": float(m.observer_coordinate.lat.to_value(u.deg)),
                    "observer_radius": float(m.observer_coordinate.radius.to_value(u.m)),
                    "rsun_obs": float(m.rsun_obs.to_value(u.arcsec)),
                    "date": m.date.isot,
                    "exposure": float(m.exposure_time.to_value(u.s)) if m.exposure_time is not None else None,
                    "processing_level": m.processing_level,
                    "bitpix": int(hdu.header.get("BITPIX", 0)),
                    **stored,
                    "checksum_failures": sum("checksum" in str(w.message).lower() for w in caught),
                    "hdu_index": hdul.index_of(hdu),
                    "hdu_class": type(hdu).__name__,
                    "nan_fraction": float(np.mean(~np.isfinite(m.data))),
                    "instrument": m.instrument,
                    "detector": m.detector,
                    "nickname": m.nickname,
                }
            # sunpy's world coordinate of the truth pixel of every visible region centre (and its polarities).
            worst = 0.0
            count = 0
            for r in truth["regions"]:
                for where in (r, r["leading"], r["following"]):
                    p = where["pixels"].get(ch)
                    if p is None or not p["visible"]:
                        continue
                    c = m.pixel_to_world(p["x"] * u.pix, p["y"] * u.pix)
                    hgs = c.transform_to(frames.HeliographicStonyhurst(obstime=m.date))
                    dlon = (hgs.lon.to_value(u.deg) - p["lon"] + 180) % 360 - 180
                    dlat = hgs.lat.to_value(u.deg) - p["lat"]
                    if np.isfinite(dlon) and np.isfinite(dlat):
                        worst = max(worst, abs(dlon), abs(dlat))
                        count += 1
            fileinfo["regions_checked"] = count
            fileinfo["max_truth_error_deg"] = worst
            out["files"].append(fileinfo)
        # The same solar position through every map's WCS: sunpy's pixel vs the truth's pixel.
        worst_px = 0.0
        for r in truth["regions"]:
            for ch, m in maps.items():
                p = r["pixels"].get(ch)
                if p is None or not p["visible"]:
                    continue
                c = SkyCoord(p["lon"] * u.deg, p["lat"] * u.deg, frame=frames.HeliographicStonyhurst,
                             obstime=m.date, observer=m.observer_coordinate, rsun=m.rsun_meters)
                x, y = m.world_to_pixel(c)
                worst_px = max(worst_px, abs(x.to_value(u.pix) - p["x"]), abs(y.to_value(u.pix) - p["y"]))
        step["max_pixel_error"] = worst_px
        out["steps"].append(step)
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
