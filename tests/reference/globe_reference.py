#!/usr/bin/python3
"""Independent reference for tests/widgets/tst_globeview.cpp (sunpy 4.1 / astropy 5.2 from Debian).

Usage: globe_reference.py FITS [FITS...] > tests/reference/globe_reference.json
The committed globe_reference.json was made with:
  /usr/bin/python3 tests/reference/globe_reference.py ../shared/sdo/fits/aia_171_level1.fits \
      ../shared/sdo/fits/aia_171_cutout.fits ../shared/sdo/fits/resampled_hmi.fits \
      ../shared/sdo/jp2/2023_01_31__03_39_23_200__SDO_HMI_HMI_continuum.jp2 > tests/reference/globe_reference.json
Prints, keyed by file name, for each map: its size, the pixel of the Sun centre (helioprojective 0, 0), the apparent solar radius
(map.rsun_obs) in arcsec and pixels, the observer, the helioprojective coordinates of the map centre and of a
5x5 lattice of pixels (map.pixel_to_world), and for a few heliographic Stonyhurst points on the solar surface
their helioprojective coordinates and map pixel (map.world_to_pixel) and whether they face the observer
(heliocentric z > R^2 / D).
"""
import json
import os
import sys
import warnings

warnings.simplefilter("ignore")

import astropy.units as u
import sunpy.map
from astropy.coordinates import SkyCoord
from sunpy.coordinates import frames


def describe(path):
    m = sunpy.map.Map(path)
    centre = m.world_to_pixel(SkyCoord(0 * u.arcsec, 0 * u.arcsec, frame=m.coordinate_frame))
    obs = m.observer_coordinate
    rsun_m = m.rsun_meters.to_value(u.m)
    dsun_m = obs.radius.to_value(u.m)
    points = []
    for lon, lat in [(0, 60), (30, 45), (-40, 70), (0, 80), (0, 0), (45, -20), (-60, 10), (20, 30)]:
        c = SkyCoord(lon * u.deg, lat * u.deg, rsun_m * u.m, frame=frames.HeliographicStonyhurst,
                     obstime=m.date)
        px = m.world_to_pixel(c)
        hcc = c.transform_to(frames.Heliocentric(observer=obs, obstime=m.date))
        visible = bool(hcc.z.to_value(u.m) > rsun_m ** 2 / dsun_m)
        hpc = c.transform_to(m.coordinate_frame)
        points.append({"lon": lon, "lat": lat, "x": float(px.x.value), "y": float(px.y.value), "visible": visible,
                       "tx": float(hpc.Tx.to_value(u.arcsec)), "ty": float(hpc.Ty.to_value(u.arcsec))})
    out = {
        "file": os.path.basename(path),
        "naxis1": int(m.data.shape[1]), "naxis2": int(m.data.shape[0]),
        "cdelt1": float(m.scale.axis1.to_value(u.arcsec / u.pix)),
        "cdelt2": float(m.scale.axis2.to_value(u.arcsec / u.pix)),
        "centre_pixel": [float(centre.x.value), float(centre.y.value)],
        "rsun_obs_arcsec": float(m.rsun_obs.to_value(u.arcsec)),
        "rsun_pixels": float(m.rsun_obs.to_value(u.arcsec) / m.scale.axis1.to_value(u.arcsec / u.pix)),
        "observer": {"hgln": float(obs.lon.to_value(u.deg)), "hglt": float(obs.lat.to_value(u.deg)),
                     "dsun_m": dsun_m, "rsun_m": rsun_m},
        "points": points,
    }
    mid = m.pixel_to_world((m.data.shape[1] - 1) / 2 * u.pix, (m.data.shape[0] - 1) / 2 * u.pix)
    cx, cy = int(round(centre.x.value)), int(round(centre.y.value))
    if 0 <= cx < m.data.shape[1] and 0 <= cy < m.data.shape[0]:
        out["data_at_centre"] = float(m.data[cy, cx])
    out["map_centre_hpc"] = [float(mid.Tx.to_value(u.arcsec)), float(mid.Ty.to_value(u.arcsec))]
    samples = []
    ny, nx = m.data.shape
    for fy in (0.1, 0.3, 0.5, 0.7, 0.9):
        for fx in (0.1, 0.3, 0.5, 0.7, 0.9):
            x, y = fx * (nx - 1), fy * (ny - 1)
            c = m.pixel_to_world(x * u.pix, y * u.pix)
            samples.append({"x": x, "y": y, "tx": float(c.Tx.to_value(u.arcsec)), "ty": float(c.Ty.to_value(u.arcsec))})
    out["samples"] = samples
    return out


if __name__ == "__main__":
    json.dump({os.path.basename(p): describe(p) for p in sys.argv[1:]}, sys.stdout, indent=1)
