#!/usr/bin/python3
"""Light-curve references (for core/map/RegionMeasure and core/archive/LightCurve, tests/core/tst_lightcurve).

  region_stats.py box FILE TX TY W H
      The statistics of the file's pixels whose centres lie in the helioprojective box |Tx - TX| <= W/2,
      |Ty - TY| <= H/2 (arcsec), computed with astropy alone: the image HDU read by astropy.io.fits (RICE tiles
      included), every pixel centre through astropy.wcs (WCSLIB's own pixel -> world, degrees -> arcsec, wrapped to
      [-180, 180) deg), NaN pixels counted apart. AIA files whose BUNIT is DN (or absent) are divided by EXPTIME.
      Prints JSON {mean, mean_abs, min, max, std, sum, pixels, nan_pixels, per_second}.

  region_stats.py rotate TX TY REF_ISO TARGET_ISO
      Where a point at helioprojective (TX, TY) arcsec seen from Earth at REF_ISO is at TARGET_ISO, seen from Earth,
      after differential rotation: sunpy's RotatedSunFrame with the Snodgrass rates (rotation_model='snodgrass'),
      transformed with the Sun's centre fixed (transform_with_sun_center, as solar_rotate_coordinate does).
      Prints JSON {tx, ty, visible}.
"""
import json
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")


def box(path, tx, ty, w, h):
    from astropy.io import fits
    from astropy.wcs import WCS

    with fits.open(path) as hdul:
        hdu = next(x for x in hdul if x.data is not None and x.data.ndim == 2)
        data = np.asarray(hdu.data, dtype=np.float64)
        header = hdu.header
    wcs = WCS(header)
    ny, nx = data.shape
    y, x = np.mgrid[0:ny, 0:nx]
    lon, lat = wcs.wcs_pix2world(x.astype(np.float64), y.astype(np.float64), 0)
    lon = (np.asarray(lon) + 180.0) % 360.0 - 180.0
    wx, wy = lon * 3600.0, np.asarray(lat) * 3600.0
    inside = (np.abs(wx - tx) <= w / 2) & (np.abs(wy - ty) <= h / 2)
    values = data[inside]
    finite = values[np.isfinite(values)]
    instrument = str(header.get("INSTRUME", "")) + str(header.get("TELESCOP", ""))
    unit = str(header.get("BUNIT", "")).strip()
    exptime = float(header.get("EXPTIME", 0) or 0)
    per_second = "AIA" in instrument.upper() and unit.upper() in ("", "DN") and exptime > 0
    if per_second:
        finite = finite / exptime
    out = {"pixels": int(finite.size), "nan_pixels": int(values.size - finite.size), "per_second": per_second}
    if finite.size:
        out.update(mean=float(finite.mean()), mean_abs=float(np.abs(finite).mean()), min=float(finite.min()),
                   max=float(finite.max()), std=float(finite.std()), sum=float(finite.sum()))
    print(json.dumps(out))


def rotate(tx, ty, ref, target):
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from sunpy.coordinates import Helioprojective, RotatedSunFrame, get_earth, transform_with_sun_center

    start = SkyCoord(tx * u.arcsec, ty * u.arcsec, frame=Helioprojective(observer=get_earth(ref), obstime=ref))
    rotated = RotatedSunFrame(base=start, rotated_time=target, rotation_model="snodgrass")
    # With the Sun's centre held fixed between the two times, as sunpy's solar_rotate_coordinate does: otherwise a
    # point on the surface stays put in barycentric space while the Sun moves (~0.25 deg in 3 days).
    with transform_with_sun_center():
        seen = rotated.transform_to(Helioprojective(observer=get_earth(target), obstime=target))
    out = {"tx": float(seen.Tx.to_value(u.arcsec)), "ty": float(seen.Ty.to_value(u.arcsec)),
           "visible": bool(np.isfinite(seen.Tx.value))}
    print(json.dumps(out))


def main():
    if sys.argv[1] == "box":
        box(sys.argv[2], *map(float, sys.argv[3:7]))
    elif sys.argv[1] == "rotate":
        rotate(float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5])
    else:
        sys.exit("usage: region_stats.py box FILE TX TY W H | rotate TX TY REF TARGET")


if __name__ == "__main__":
    main()
