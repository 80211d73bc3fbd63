#!/usr/bin/python3
"""Total unsigned flux of a line-of-sight magnetogram, computed with sunpy's coordinate frames (the reference for
core/map/DiskFlux, tests/core/tst_diskflux).

  disk_flux.py FILE.fits RADIUS_FACTOR
      Every pixel's line of sight through sunpy (all_coordinates_from_map, then the Heliocentric frame, whose z
      axis points at the observer); mu = the cosine between the surface normal at the point where the line of
      sight meets the sphere and the direction from that point to the observer; pixels within RADIUS_FACTOR of
      sunpy's apparent radius (angle from the disk centre) are summed as |B| A / mu^2, A the pixel's plane-of-sky
      area at the observer's distance (CDELT1 * CDELT2 arcsec^2 * DSUN_OBS^2). Prints JSON {"flux_mx", "pixels"}.
"""
import json
import sys
import warnings

import numpy as np

warnings.filterwarnings("ignore")


def main():
    import astropy.units as u
    import sunpy.map
    from sunpy.coordinates import Heliocentric
    from sunpy.coordinates.sun import _angular_radius
    from sunpy.map.maputils import all_coordinates_from_map

    path, factor = sys.argv[1], float(sys.argv[2])
    m = sunpy.map.Map(path)
    c = all_coordinates_from_map(m)
    radius = _angular_radius(c.rsun, c.observer.radius).to_value(u.rad)
    tx, ty = c.Tx.to_value(u.rad), c.Ty.to_value(u.rad)
    # Angle of each line of sight from the disk centre (exact on the sphere of directions).
    rho = np.arccos(np.cos(tx) * np.cos(ty))
    inside = rho < factor * radius
    h = c.transform_to(Heliocentric(observer=c.observer, obstime=c.obstime))
    x, y, z = (h.x.to_value(u.m), h.y.to_value(u.m), h.z.to_value(u.m))
    d = c.observer.radius.to_value(u.m)
    r = np.sqrt(x * x + y * y + z * z)
    vx, vy, vz = -x, -y, d - z
    mu = (x * vx + y * vy + z * vz) / (r * np.sqrt(vx * vx + vy * vy + vz * vz))
    data = np.asarray(m.data, dtype=np.float64)
    ok = inside & np.isfinite(data) & np.isfinite(mu) & (mu > 0)
    arcsec = np.pi / 180 / 3600
    area_cm2 = abs(m.scale.axis1.to_value(u.arcsec / u.pix) * m.scale.axis2.to_value(u.arcsec / u.pix)) * arcsec**2 * d * d * 1e4
    flux = float(np.sum(np.abs(data[ok]) / mu[ok] ** 2) * area_cm2)
    print(json.dumps({"flux_mx": flux, "pixels": int(ok.sum())}))


if __name__ == "__main__":
    main()
