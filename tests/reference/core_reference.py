#!/usr/bin/env python3
"""Independent reference values for tests/core/tst_sdomap.cpp, computed with astropy and sunpy (Debian).

For each real FITS file in ../shared/sdo/fits: header facts, pixel statistics over finite pixels (numpy),
selected pixel values, and world coordinates of selected 0-based pixels: helioprojective (arcsec) from
sunpy's Map.pixel_to_world and heliographic Stonyhurst (deg) from the same coordinates transformed to
sunpy's HeliographicStonyhurst frame. Also the solar ephemeris (B0, L0, P, distance, radius) from sunpy.

Usage: core_reference.py SDO_DIR > tests/reference/core_reference.json
"""
import json
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")
import astropy.units as u  # noqa: E402
from astropy.io import fits  # noqa: E402
from astropy.coordinates import SkyCoord  # noqa: E402
from astropy.time import Time  # noqa: E402
import sunpy.map  # noqa: E402
from sunpy.coordinates import frames, sun  # noqa: E402

sdo = sys.argv[1] if len(sys.argv) > 1 else "../shared/sdo"
FILES = [
    "aia_171_cutout.fits", "aia_171_level1.fits", "AIA20220402_131341_0304.fits",
    "sdo-hmi_2011-02-14_20-34-12.fits", "resampled_hmi.fits",
    "hmi.sharp_cea_720s.377.20110215_020000_TAI.magnetogram.fits",
    "hmi.sharp_cea_720s.377.20110215_020000_TAI.continuum.fits",
]


def image_hdu(hdul):
    for i, h in enumerate(hdul):
        if h.is_image and h.header.get("NAXIS", 0) >= 2:
            return i, h
    raise RuntimeError("no image")


out = {"files": {}, "ephemeris": []}
for name in FILES:
    path = f"{sdo}/fits/{name}"
    with fits.open(path) as hdul:
        hdul.verify("silentfix")
        idx, hdu = image_hdu(hdul)
        hdr = hdu.header.copy()  # before .data: astropy rewrites BITPIX when it applies BSCALE
        data = np.asarray(hdu.data, dtype=np.float64)
        finite = np.isfinite(data)
        rec = {
            "hdu": idx + 1,
            "naxis1": int(hdr["NAXIS1"]), "naxis2": int(hdr["NAXIS2"]),
            "bitpix": int(hdr["BITPIX"]),
            "stats": {
                "min": float(data[finite].min()), "max": float(data[finite].max()),
                "mean": float(data[finite].mean()), "std": float(data[finite].std()),
                "nan_count": int((~finite).sum()),
            },
        }
        for k in ["WAVELNTH", "EXPTIME", "CRPIX1", "CRPIX2", "CDELT1", "CDELT2", "CROTA2", "RSUN_OBS",
                  "DSUN_OBS", "QUALITY", "T_OBS", "DATE-OBS", "INSTRUME", "TELESCOP", "BUNIT", "PIXLUNIT"]:
            if k in hdr:
                v = hdr[k]
                rec[k] = v if isinstance(v, (str, int, float)) else str(v)
        # T_OBS as UTC (HMI's is TAI: astropy converts).
        t = hdr.get("T_OBS", hdr.get("DATE-OBS"))
        if t.endswith("_TAI"):
            s = t[:-4].replace(".", "-", 2).replace("_", "T")
            rec["t_obs_utc"] = Time(s, scale="tai").utc.isot
        else:
            rec["t_obs_utc"] = Time(t.rstrip("Z")).utc.isot
        ny, nx = data.shape
        pix = [(0, 0), (nx - 1, ny - 1), (nx // 2, ny // 3), (nx // 4, 3 * ny // 4), (nx // 3, ny // 2)]
        # As float32, the type every reader of this project produces.
        rec["values"] = [[x, y, None if not np.isfinite(data[y, x]) else float(np.float32(data[y, x]))]
                         for x, y in pix]
    m = sunpy.map.Map(path)
    # The observer. sunpy 4.1 takes HAE*_OBS (AIA), HGLN_OBS, or CRLN_OBS at DATE-OBS. For Carrington-only
    # headers (HMI) we place the observer at T_OBS instead, the instant CRLN_OBS refers to (DATE-OBS is the
    # start of HMI's integration, ~1 min earlier, i.e. ~0.01 deg of Carrington rotation).
    observer = m.observer_coordinate
    if "hgln_obs" not in m.meta and "haex_obs" not in m.meta:
        tobs = Time(rec["t_obs_utc"], scale="utc")
        observer = SkyCoord(m.meta["crln_obs"] * u.deg, m.meta["crlt_obs"] * u.deg, m.meta["dsun_obs"] * u.m,
                            frame=frames.HeliographicCarrington(obstime=tobs, observer="self"))
        observer = observer.transform_to(frames.HeliographicStonyhurst(obstime=tobs))
    rsun = m.meta.get("rsun_ref", 695700000.0) * u.m
    coords = []
    for x, y in pix:
        c = m.pixel_to_world(x * u.pix, y * u.pix)
        entry = {"x": x, "y": y}
        hgs = frames.HeliographicStonyhurst(obstime=observer.obstime, rsun=rsun)
        if isinstance(c.frame, frames.Helioprojective):
            entry["tx"] = float(c.Tx.to_value(u.arcsec))
            entry["ty"] = float(c.Ty.to_value(u.arcsec))
            hpc = SkyCoord(c.Tx, c.Ty, frame=frames.Helioprojective(observer=observer, obstime=observer.obstime,
                                                                     rsun=rsun))
            g = hpc.transform_to(hgs)
            lon, lat = float(g.lon.to_value(u.deg)), float(g.lat.to_value(u.deg))
        else:
            # Carrington map: its longitudes are converted with the same observer as above.
            crl = SkyCoord(c.lon, c.lat, frame=frames.HeliographicCarrington(obstime=observer.obstime,
                                                                            observer=observer, rsun=rsun))
            g = crl.transform_to(hgs)
            lon, lat = float(g.lon.wrap_at(180 * u.deg).to_value(u.deg)), float(g.lat.to_value(u.deg))
            h = crl.transform_to(frames.Helioprojective(observer=observer, obstime=observer.obstime, rsun=rsun))
            entry["tx"] = float(h.Tx.to_value(u.arcsec))
            entry["ty"] = float(h.Ty.to_value(u.arcsec))
        entry["lon"] = None if not np.isfinite(lon) else lon
        entry["lat"] = None if not np.isfinite(lat) else lat
        coords.append(entry)
    rec["coords"] = coords
    obs = observer.transform_to(frames.HeliographicStonyhurst(obstime=observer.obstime))
    rec["observer_hgln"] = float(obs.lon.to_value(u.deg))
    rec["observer_hglt"] = float(obs.lat.to_value(u.deg))
    out["files"][name] = rec

for iso in ["2011-02-15T00:00:00", "2013-03-10T12:00:12", "2022-04-02T13:13:42", "2010-05-01T00:00:00",
            "2014-09-10T17:45:00", "2024-01-08T06:00:00"]:
    t = Time(iso)
    out["ephemeris"].append({
        "t": iso,
        "b0": float(sun.B0(t).to_value(u.deg)),
        "l0": float(sun.L0(t).to_value(u.deg)),
        "p": float(sun.P(t).to_value(u.deg)),
        "distance_m": float(sun.earth_distance(t).to_value(u.m)),
        "radius_arcsec": float(sun.angular_radius(t).to_value(u.arcsec)),
    })

json.dump(out, sys.stdout, indent=1)
