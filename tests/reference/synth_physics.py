#!/usr/bin/python3
"""Measurements on a synthetic archive made with sunpy/astropy only (independent of the project's code).

usage:
  synth_physics.py rotation ARCHIVE ID...   leading-spot Carrington longitude per step (HMI), and sunpy's
                                            closed-form rate (diff_rot 'snodgrass', sidereal) at its latitude
  synth_physics.py profile ARCHIVE          median intensity per channel in mu bins and just above the limb
  synth_physics.py holes ARCHIVE            mean intensity per channel in the polar caps (|lat| > 65) and in
                                            the quiet low latitudes (|lat| < 40, away from active regions),
                                            both at 0.2 < mu < 0.55
Prints JSON.
"""
import glob
import json
import os
import sys
import warnings

import numpy as np

warnings.simplefilter("ignore")

import astropy.units as u  # noqa: E402
import sunpy.map  # noqa: E402
from sunpy.coordinates import frames  # noqa: E402
from sunpy.map import all_coordinates_from_map  # noqa: E402
from sunpy.physics.differential_rotation import diff_rot  # noqa: E402


def truths(root):
    for path in sorted(glob.glob(os.path.join(root, "truth", "*", "*", "*", "*.json"))):
        yield json.load(open(path))


def geometry(m):
    """mu (NaN off disk), projected radius in solar radii, HGS lat/lon (deg), by sunpy."""
    hpc = all_coordinates_from_map(m)
    rho = np.hypot(hpc.Tx.to_value(u.arcsec), hpc.Ty.to_value(u.arcsec)) / m.rsun_obs.to_value(u.arcsec)
    hgs = hpc.transform_to(frames.HeliographicStonyhurst(obstime=m.date))
    lat = hgs.lat.to_value(u.deg)
    lon = hgs.lon.to_value(u.deg)
    ob = m.observer_coordinate
    b0, l0 = np.radians(ob.lat.to_value(u.deg)), np.radians(ob.lon.to_value(u.deg))
    mu = (np.cos(np.radians(lat)) * np.cos(b0) * np.cos(np.radians(lon) - l0)
          + np.sin(np.radians(lat)) * np.sin(b0))
    return mu, rho, lat, lon


def rotation(root, ids):
    out = {"steps": []}
    for t in truths(root):
        path = os.path.join(root, t["frames"]["hmi"]["file"])
        m = sunpy.map.Map(path)
        data = np.nan_to_num(m.data)
        step = {"time": t["time"], "regions": {}}
        for r in t["regions"]:
            if str(r["id"]) not in ids:
                continue
            sign = 1.0 if r["leading_polarity"] == "+" else -1.0
            p = r["leading"]["pixels"]["hmi"]
            x0, y0 = int(round(p["x"])), int(round(p["y"]))
            w = 12
            win = sign * data[y0 - w:y0 + w + 1, x0 - w:x0 + w + 1]
            # The spot: the connected strong-field core around the window's maximum.
            iy, ix = np.unravel_index(np.argmax(win), win.shape)
            core = win[max(0, iy - 4):iy + 5, max(0, ix - 4):ix + 5]
            wts = np.clip(core - 0.8 * core.max(), 0, None)
            yy, xx = np.mgrid[max(0, iy - 4):iy + 5, max(0, ix - 4):ix + 5]
            cx = (wts * xx).sum() / wts.sum() + x0 - w
            cy = (wts * yy).sum() / wts.sum() + y0 - w
            c = m.pixel_to_world(cx * u.pix, cy * u.pix)
            hgc = c.transform_to(frames.HeliographicCarrington(observer=m.observer_coordinate, obstime=m.date))
            lat = float(hgc.lat.to_value(u.deg))
            step["regions"][str(r["id"])] = {
                "carrington_lon": float(hgc.lon.to_value(u.deg)),
                "lat": lat,
                "date": m.date.isot,
                "x": float(cx), "y": float(cy),
                # sunpy's closed form: sidereal degrees per day at this latitude, minus the Carrington rate.
                "rate_snodgrass_sidereal": float(diff_rot(1 * u.day, lat * u.deg, rot_type="snodgrass",
                                                          frame_time="sidereal").to_value(u.deg)),
            }
        out["steps"].append(step)
    return out


def profile(root):
    out = {}
    t = next(truths(root))
    for ch, fr in t["frames"].items():
        m = sunpy.map.Map(os.path.join(root, fr["file"]))
        mu, rho, lat, lon = geometry(m)
        d = m.data.astype(float)
        res = {}
        for lo, hi in ((0.9, 1.0), (0.7, 0.8), (0.5, 0.6), (0.3, 0.4), (0.1, 0.2)):
            sel = (mu >= lo) & (mu < hi) & np.isfinite(d)
            res["mu_%.1f_%.1f" % (lo, hi)] = float(np.median(d[sel])) if sel.any() else None
        for lo, hi in ((1.005, 1.03), (1.1, 1.15), (1.3, 1.35)):
            sel = (rho >= lo) & (rho < hi) & np.isfinite(d)
            res["rho_%.3f_%.3f" % (lo, hi)] = float(np.median(d[sel])) if sel.any() else None
        out[ch] = res
    return out


def holes(root):
    out = {}
    t = next(truths(root))
    regions = [(r["lon"], r["lat"]) for r in t["regions"] if r["visible"]]
    for ch, fr in t["frames"].items():
        m = sunpy.map.Map(os.path.join(root, fr["file"]))
        mu, rho, lat, lon = geometry(m)
        d = m.data.astype(float)
        near = np.zeros(d.shape, bool)
        for rl, rb in regions:
            near |= np.hypot((lon - rl) * np.cos(np.radians(rb)), lat - rb) < 15
        # Same range of mu for both, so limb brightening does not bias the comparison.
        band = (mu > 0.2) & (mu < 0.55) & np.isfinite(d)
        polar = (np.abs(lat) > 65) & band
        quiet = (np.abs(lat) < 40) & band & ~near
        out[ch] = {"polar_mean": float(np.mean(d[polar])) if polar.any() else None,
                   "polar_pixels": int(polar.sum()),
                   "quiet_mean": float(np.mean(d[quiet])) if quiet.any() else None,
                   "quiet_pixels": int(quiet.sum())}
    return out


def main():
    mode, root = sys.argv[1], sys.argv[2]
    if mode == "rotation":
        res = rotation(root, set(sys.argv[3:]))
    elif mode == "profile":
        res = profile(root)
    elif mode == "holes":
        res = holes(root)
    else:
        raise SystemExit("unknown mode " + mode)
    json.dump(res, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
