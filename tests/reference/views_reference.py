#!/usr/bin/env python3
"""Independent reference values for the map-viewing widgets (tests/widgets/tst_colormap, tst_mapview,
tst_overlay, tests/core/tst_displaylimits), computed with Debian's sunpy 4.1, astropy 5.2, matplotlib, numpy.

Subcommands (JSON on stdout):
  colormaps                       every colormap's 256 RGB entries: sunpy cmlist['sdoaia<wl>'] / 'hmimag' and
                                  matplotlib 'gray', 'viridis', 'inferno', 'magma', 'cividis', 'RdBu_r' evaluated
                                  at np.linspace(0, 1, 256); plus cmap(t) for awkward t (index rule)
  display FILE [FILE...]          per file (data as float32): min/max, numpy percentiles, astropy ZScaleInterval,
                                  astropy stretches on a grid, HistEqStretch on sample pixels
  readout FILE x,y [x,y ...]      per 0-based pixel: value, helioprojective Tx/Ty (sunpy pixel_to_world) and
                                  heliographic Stonyhurst lon/lat (None off disk)
  world FILE x,y [x,y ...]        helioprojective Tx/Ty in arcsec (sunpy pixel_to_world) of fractional 0-based
                                  pixels (the WCS axes' tick positions)
  limb FILE [n]                   n points of the solar limb (angular radius asin(R/D) from the map's observer)
                                  as 0-based pixels through sunpy's world_to_pixel; and the Stonyhurst grid
                                  points lon/lat = multiples of 15 deg on the visible hemisphere
  difference A B x,y [x,y ...]    A - B (float32) and A/EXPTIME - B/EXPTIME at pixels, the symmetric limit
                                  max(|p0.5|, |p99.5|) of A - B and matplotlib RdBu_r colours of the pixels
  batch JSON                      several of these in one process: JSON is a list of argument lists; prints
                                  the list of their results
  colours FILE stretch a low high cmap x,y [x,y ...]
                                  sunpy/astropy display colour of pixels: ImageNormalize(vmin, vmax from numpy
                                  percentiles [low, high], stretch) then the colormap, as 8-bit RGB (rounded)
"""
import json
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")
import astropy.units as u  # noqa: E402
import matplotlib  # noqa: E402
from astropy.coordinates import SkyCoord  # noqa: E402
from astropy.io import fits  # noqa: E402
from astropy.time import Time  # noqa: E402
from astropy.visualization import (AsinhStretch, HistEqStretch, LinearStretch, LogStretch,  # noqa: E402
                                   PowerStretch, SqrtStretch, ZScaleInterval)


def image_data(path):
    with fits.open(path) as hdul:
        for h in hdul:
            if h.is_image and h.header.get("NAXIS", 0) >= 2:
                return np.asarray(h.data, dtype=np.float32)
    raise RuntimeError("no image in " + path)


def cmap_by_name(name):
    import sunpy.visualization.colormaps as scm
    if name in scm.cm.cmlist:
        return scm.cm.cmlist[name]
    return matplotlib.colormaps["gray" if name == "grey" else name]


def cmd_colormaps():
    names = ["sdoaia94", "sdoaia131", "sdoaia171", "sdoaia193", "sdoaia211", "sdoaia304", "sdoaia335",
             "sdoaia1600", "sdoaia1700", "sdoaia4500", "hmimag", "grey", "viridis", "inferno", "magma",
             "cividis", "RdBu_r"]
    x = np.linspace(0, 1, 256)
    tables = {n: cmap_by_name(n)(x)[:, :3].tolist() for n in names}
    ts = [0.0, 1e-9, 1.0 / 256, 1.0 / 256 - 1e-9, 0.5, 0.999, 1.0 - 1e-12, 1.0, 37.5 / 256, 200.0 / 256 + 1e-7]
    cm = cmap_by_name("sdoaia171")
    probes = [{"t": t, "rgb": list(map(float, cm(t)[:3]))} for t in ts]
    json.dump({"tables": tables, "probes": probes}, sys.stdout)


def cmd_display(paths):
    out = {}
    for path in paths:
        d = image_data(path)
        f = d[np.isfinite(d)]
        rec = {"min": float(f.min()), "max": float(f.max()), "n_finite": int(f.size)}
        ps = [0.0, 0.5, 1.0, 25.0, 50.0, 99.5, 99.9, 100.0, 33.3]
        rec["percentiles"] = {str(p): float(v) for p, v in zip(ps, np.percentile(f, ps))}
        zmin, zmax = ZScaleInterval().get_limits(d)
        rec["zscale"] = [float(zmin), float(zmax)]
        zmin, zmax = ZScaleInterval(n_samples=300, contrast=0.1).get_limits(d)
        rec["zscale_300_0.1"] = [float(zmin), float(zmax)]
        # Stretches on a grid of normalised values.
        t = np.linspace(0, 1, 101)
        rec["stretch_t"] = t.tolist()
        rec["stretches"] = {
            "linear": LinearStretch()(t.copy()).tolist(),
            "sqrt": SqrtStretch()(t.copy()).tolist(),
            "log:1000": LogStretch()(t.copy()).tolist(),
            "log:100": LogStretch(a=100)(t.copy()).tolist(),
            "asinh:0.1": AsinhStretch()(t.copy()).tolist(),
            "asinh:0.01": AsinhStretch(0.01)(t.copy()).tolist(),
            "power:2": PowerStretch(2)(t.copy()).tolist(),
        }
        # Histogram equalisation on data normalised to the [0.5, 99.5] percentile limits and clipped, so
        # the equalised data spans [0, 1] as HistEqStretch assumes.
        lo, hi = np.percentile(f, [0.5, 99.5])
        norm = np.clip((f - lo) / (hi - lo), 0, 1)
        heq = HistEqStretch(norm)
        ny, nx = d.shape
        samples = []
        rng = np.random.default_rng(7)
        for _ in range(40):
            x, y = int(rng.integers(0, nx)), int(rng.integers(0, ny))
            v = d[y, x]
            if not np.isfinite(v):
                continue
            tv = np.clip((v - lo) / (hi - lo), 0, 1)
            # Equal values share no single rank: np.interp returns one somewhere in their run, so also give
            # the run's first and last rank over n - 1.
            first = float(np.count_nonzero(norm < tv)) / (norm.size - 1)
            last = float(np.count_nonzero(norm <= tv) - 1) / (norm.size - 1)
            samples.append({"x": x, "y": y, "value": float(v), "histeq": float(heq(np.array([tv]))[0]),
                            "tie_first": first, "tie_last": last})
        rec["histeq"] = {"low": float(lo), "high": float(hi), "samples": samples}
        out[path] = rec
    json.dump(out, sys.stdout)


def sunpy_map_and_observer(path):
    import sunpy.map
    from sunpy.coordinates import frames
    m = sunpy.map.Map(path)
    observer = m.observer_coordinate
    if "hgln_obs" not in m.meta and "haex_obs" not in m.meta:
        # Carrington-only headers (HMI): the observer at T_OBS, the instant CRLN_OBS refers to.
        t = m.meta.get("t_obs", m.meta.get("date-obs"))
        if t.endswith("_TAI"):
            tobs = Time(t[:-4].replace(".", "-", 2).replace("_", "T"), scale="tai").utc
        else:
            tobs = Time(t.rstrip("Z"))
        observer = SkyCoord(m.meta["crln_obs"] * u.deg, m.meta["crlt_obs"] * u.deg, m.meta["dsun_obs"] * u.m,
                            frame=frames.HeliographicCarrington(obstime=tobs, observer="self"))
        observer = observer.transform_to(frames.HeliographicStonyhurst(obstime=tobs))
    rsun = m.meta.get("rsun_ref", 695700000.0) * u.m
    return m, observer, rsun


def cmd_readout(path, points):
    from sunpy.coordinates import frames
    m, observer, rsun = sunpy_map_and_observer(path)
    d = image_data(path)
    out = []
    for x, y in points:
        c = m.pixel_to_world(x * u.pix, y * u.pix)
        hpc = SkyCoord(c.Tx, c.Ty, frame=frames.Helioprojective(observer=observer, obstime=observer.obstime,
                                                                 rsun=rsun))
        g = hpc.transform_to(frames.HeliographicStonyhurst(obstime=observer.obstime, rsun=rsun))
        lon, lat = float(g.lon.wrap_at(180 * u.deg).to_value(u.deg)), float(g.lat.to_value(u.deg))
        v = float(d[y, x])
        out.append({"x": x, "y": y, "value": v if np.isfinite(v) else None,
                    "tx": float(c.Tx.to_value(u.arcsec)), "ty": float(c.Ty.to_value(u.arcsec)),
                    "lon": lon if np.isfinite(lon) else None, "lat": lat if np.isfinite(lat) else None})
    json.dump({"points": out, "unit": str(m.meta.get("bunit", m.meta.get("pixlunit", "")))}, sys.stdout)


def cmd_world(path, points):
    m, _, _ = sunpy_map_and_observer(path)
    xs = np.array([p[0] for p in points], dtype=float)
    ys = np.array([p[1] for p in points], dtype=float)
    c = m.pixel_to_world(xs * u.pix, ys * u.pix)
    json.dump({"tx": [float(v) for v in np.atleast_1d(c.Tx.to_value(u.arcsec))],
               "ty": [float(v) for v in np.atleast_1d(c.Ty.to_value(u.arcsec))]}, sys.stdout)


def cmd_limb(path, n):
    from sunpy.coordinates import frames
    m, observer, rsun = sunpy_map_and_observer(path)
    dsun = observer.radius.to_value(u.m)
    r = np.degrees(np.arcsin(rsun.to_value(u.m) / dsun)) * 3600.0
    phi = np.linspace(0, 2 * np.pi, n, endpoint=False)
    frame = frames.Helioprojective(observer=observer, obstime=observer.obstime, rsun=rsun)
    limb = SkyCoord(r * np.cos(phi) * u.arcsec, r * np.sin(phi) * u.arcsec, frame=frame)
    px, py = m.world_to_pixel(limb)
    grid = []
    for lon in range(-90, 91, 15):
        for lat in range(-75, 76, 15):
            g = SkyCoord(lon * u.deg, lat * u.deg, frame=frames.HeliographicStonyhurst(obstime=observer.obstime,
                                                                                       rsun=rsun))
            h = g.transform_to(frame)
            # Visible when the point faces the observer (its distance is less than the limb distance).
            if h.distance.to_value(u.m) > np.sqrt(dsun ** 2 - rsun.to_value(u.m) ** 2):
                continue
            gx, gy = m.world_to_pixel(h)
            grid.append({"lon": lon, "lat": lat, "x": float(gx.value), "y": float(gy.value)})
    json.dump({"radius_arcsec": float(r), "x": np.asarray(px.value).tolist(), "y": np.asarray(py.value).tolist(),
               "grid": grid}, sys.stdout)


def cmd_colours(path, stretch, a, low, high, cmap, points):
    d = image_data(path)
    f = d[np.isfinite(d)]
    lo, hi = np.percentile(f, [low, high])
    s = {"linear": lambda: LinearStretch(), "sqrt": lambda: SqrtStretch(), "log": lambda: LogStretch(a=a),
         "asinh": lambda: AsinhStretch(a), "power": lambda: PowerStretch(a)}[stretch]()
    cm = cmap_by_name(cmap)
    out = []
    for x, y in points:
        v = float(d[y, x])
        t = float(np.clip((v - lo) / (hi - lo), 0, 1))
        st = float(s(np.array([t]))[0])
        rgb = [int(round(c * 255)) for c in cm(st)[:3]]
        # The neighbouring entries, for values on a colour boundary.
        k = min(int(st * 256), 255)
        nb = [[int(round(c * 255)) for c in cm(j / 255.0)[:3]] for j in (max(k - 1, 0), min(k + 1, 255))]
        out.append({"x": x, "y": y, "value": v, "t": st, "index": k, "rgb": rgb, "neighbours": nb})
    json.dump({"vmin": float(lo), "vmax": float(hi), "points": out}, sys.stdout)


def cmd_difference(path_a, path_b, points):
    a, b = image_data(path_a), image_data(path_b)
    ha = [h for h in fits.open(path_a) if h.is_image and h.header.get("NAXIS", 0) >= 2][0].header
    hb = [h for h in fits.open(path_b) if h.is_image and h.header.get("NAXIS", 0) >= 2][0].header
    d = (a.astype(np.float64) - b.astype(np.float64)).astype(np.float32)
    dn = (a.astype(np.float64) / ha["EXPTIME"] - b.astype(np.float64) / hb["EXPTIME"]).astype(np.float32)
    f = d[np.isfinite(d)]
    lo, hi = np.percentile(f, [0.5, 99.5])
    m = max(abs(lo), abs(hi))
    cm = matplotlib.colormaps["RdBu_r"]
    out = []
    for x, y in points:
        t = float(np.clip((d[y, x] + m) / (2 * m), 0, 1))
        k = min(int(t * 256), 255)
        out.append({"x": x, "y": y, "diff": float(d[y, x]), "diff_per_s": float(dn[y, x]), "t": t,
                    "rgb": [int(round(c * 255)) for c in cm(t)[:3]],
                    "neighbours": [[int(round(c * 255)) for c in cm(j / 255.0)[:3]]
                                   for j in (max(k - 1, 0), min(k + 1, 255))]})
    json.dump({"t_obs_a": ha["T_OBS"], "t_obs_b": hb["T_OBS"], "exptime_a": ha["EXPTIME"], "exptime_b": hb["EXPTIME"],
               "limit": float(m), "points": out}, sys.stdout)


def dispatch(argv):
    cmd = argv[0]
    if cmd == "colormaps":
        cmd_colormaps()
    elif cmd == "display":
        cmd_display(argv[1:])
    elif cmd == "readout":
        cmd_readout(argv[1], parse_points(argv[2:]))
    elif cmd == "world":
        cmd_world(argv[1], [tuple(float(v) for v in a.split(",")) for a in argv[2:]])
    elif cmd == "limb":
        cmd_limb(argv[1], int(argv[2]) if len(argv) > 2 else 72)
    elif cmd == "colours":
        cmd_colours(argv[1], argv[2], float(argv[3]), float(argv[4]), float(argv[5]), argv[6], parse_points(argv[7:]))
    elif cmd == "difference":
        cmd_difference(argv[1], argv[2], parse_points(argv[3:]))
    else:
        sys.exit("unknown subcommand " + cmd)


def cmd_batch(spec):
    """Several subcommands in one process (imports paid once): a JSON list of argument lists in, a JSON list
    of their results out."""
    import io
    results = []
    real = sys.stdout
    for argv in json.loads(spec):
        buf = io.StringIO()
        sys.stdout = buf
        try:
            dispatch(argv)
        finally:
            sys.stdout = real
        results.append(json.loads(buf.getvalue()))
    json.dump(results, sys.stdout)


def parse_points(args):
    return [tuple(int(v) for v in a.split(",")) for a in args]


if __name__ == "__main__":
    if sys.argv[1] == "batch":
        cmd_batch(sys.argv[2])
    else:
        dispatch(sys.argv[1:])
