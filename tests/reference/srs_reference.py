#!/usr/bin/python3
"""NOAA Solar Region Summaries read by sunpy (independent of core/archive/RegionSummary).

usage:
  srs_reference.py read FILE...
      sunpy.io.special.srs.read_srs on each file. Prints JSON {FILE: {issued, rows: [{section, number, carrington,
      area, z, ll, nn, mag, lat, lon}]}} (NaN/masked values as null).
  srs_reference.py seen LON LAT FROM_ISO TO_ISO [FITS]
      A Stonyhurst point (deg) at FROM_ISO carried to TO_ISO by sunpy's RotatedSunFrame (Snodgrass rates, with the
      Sun's centre held fixed as solar_rotate_coordinate does) and seen from the Earth at TO_ISO, or with FITS from
      that map's observer on a sphere of its RSUN_REF, and placed on its pixels by sunpy's Map.world_to_pixel.
      Prints JSON {tx, ty, lon, lat[, x, y]} (x, y 0-based).
"""
import json
import math
import sys
import warnings

warnings.filterwarnings("ignore")


def plain(v):
    """A table cell as a JSON value: masked (astropy Masked or numpy masked) and NaN as None, units dropped."""
    import numpy as np
    mask = getattr(v, "mask", False)
    if np.any(mask) or v is np.ma.masked:
        return None
    if hasattr(v, "unmasked"):
        v = v.unmasked
    if hasattr(v, "value"):
        v = v.value
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, bytes):
        v = v.decode()
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def read(paths):
    from sunpy.io.special import srs
    out = {}
    for p in paths:
        t = srs.read_srs(p)
        rows = []
        for r in t:
            def col(name):
                return plain(r[name]) if name in t.colnames else None
            rows.append({"section": col("ID"), "number": col("Number"), "carrington": col("Carrington Longitude"),
                         "area": col("Area"), "z": col("Z"), "ll": col("Longitudinal Extent"),
                         "nn": col("Number of Sunspots"), "mag": col("Mag Type"), "lat": col("Latitude"),
                         "lon": col("Longitude")})
        out[p] = {"issued": t.meta["issued"].isoformat(), "rows": rows}
    print(json.dumps(out))


def seen(lon, lat, ref, target, fits=None):
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from sunpy.coordinates import HeliographicStonyhurst, Helioprojective, RotatedSunFrame, get_earth
    from sunpy.coordinates import transform_with_sun_center

    smap = None
    rsun = None
    observer = get_earth(target)
    if fits:
        import sunpy.map
        smap = sunpy.map.Map(fits)
        observer = smap.observer_coordinate
        rsun = smap.rsun_meters
    kw = {"rsun": rsun} if rsun is not None else {}
    start = SkyCoord(lon * u.deg, lat * u.deg, frame=HeliographicStonyhurst(obstime=ref, **kw))
    rotated = RotatedSunFrame(base=start, rotated_time=target, rotation_model="snodgrass")
    with transform_with_sun_center():
        hgs = rotated.transform_to(HeliographicStonyhurst(obstime=target, **kw))
        hpc = rotated.transform_to(Helioprojective(observer=observer, obstime=target, **kw))
    out = {"tx": float(hpc.Tx.to_value(u.arcsec)), "ty": float(hpc.Ty.to_value(u.arcsec)),
           "lon": float(hgs.lon.wrap_at(180 * u.deg).to_value(u.deg)), "lat": float(hgs.lat.to_value(u.deg))}
    if smap is not None:
        x, y = smap.world_to_pixel(SkyCoord(hpc.Tx, hpc.Ty, frame=smap.coordinate_frame))
        out["x"], out["y"] = float(x.value), float(y.value)
    print(json.dumps(out))


def main():
    if sys.argv[1] == "read":
        read(sys.argv[2:])
    elif sys.argv[1] == "seen":
        seen(float(sys.argv[2]), float(sys.argv[3]), sys.argv[4], sys.argv[5], sys.argv[6] if len(sys.argv) > 6 else None)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
