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
from sunpy.coordinates import frames, get_earth, sun  # noqa: E402


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
                    # sunpy's own ephemeris at the map's date: SDO sits within ~42000 km of the Earth.
                    "earth_distance": float(get_earth(m.date).radius.to_value(u.m)),
                    "earth_b0": float(sun.B0(m.date).to_value(u.deg)),
                    "rsun_from_distance": float(np.degrees(np.arcsin(m.rsun_meters.to_value(u.m)
                                                                     / m.observer_coordinate.radius.to_value(u.m))) * 3600),
                    "car_rot_header": m.meta.get("car_rot"),
                    "car_rot_sunpy": int(np.floor(sun.carrington_rotation_number(m.date))),
                    "hgln_from_carrington": float(((m.meta["crln_obs"] - sun.L0(m.date).to_value(u.deg)) + 180) % 360 - 180),
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
            # sunpy's world coordinate of the truth pixel of every visible region centre (and its polarities),
            # transformed in one batch.
            xs, ys, lons, lats = [], [], [], []
            for r in truth["regions"]:
                for where in (r, r["leading"], r["following"]):
                    p = where["pixels"].get(ch)
                    if p is None or not p["visible"]:
                        continue
                    xs.append(p["x"]); ys.append(p["y"]); lons.append(p["lon"]); lats.append(p["lat"])
            worst = 0.0
            count = len(xs)
            if count:
                c = m.pixel_to_world(np.array(xs) * u.pix, np.array(ys) * u.pix)
                hgs = c.transform_to(frames.HeliographicStonyhurst(obstime=m.date))
                dlon = (hgs.lon.to_value(u.deg) - np.array(lons) + 180) % 360 - 180
                dlat = hgs.lat.to_value(u.deg) - np.array(lats)
                ok = np.isfinite(dlon) & np.isfinite(dlat)
                count = int(ok.sum())
                if count:
                    worst = float(max(np.abs(dlon[ok]).max(), np.abs(dlat[ok]).max()))
            fileinfo["regions_checked"] = count
            fileinfo["max_truth_error_deg"] = worst
            out["files"].append(fileinfo)
        # The same solar position through every map's WCS: sunpy's pixel vs the truth's pixel.
        worst_px = 0.0
        for ch, m in maps.items():
            pts = [r["pixels"][ch] for r in truth["regions"] if ch in r["pixels"] and r["pixels"][ch]["visible"]]
            if not pts:
                continue
            c = SkyCoord([p["lon"] for p in pts] * u.deg, [p["lat"] for p in pts] * u.deg,
                         frame=frames.HeliographicStonyhurst, obstime=m.date, observer=m.observer_coordinate,
                         rsun=m.rsun_meters)
            x, y = m.world_to_pixel(c)
            worst_px = max(worst_px, float(np.max(np.abs(x.to_value(u.pix) - [p["x"] for p in pts]))),
                           float(np.max(np.abs(y.to_value(u.pix) - [p["y"] for p in pts]))))
        step["max_pixel_error"] = worst_px
        out["steps"].append(step)
    json.dump(out, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
