#!/usr/bin/python3
"""Independent geometry references for core/Prep (astropy.wcs and sunpy.coordinates do all the world
coordinates here; numpy the patterns).

  prep_geometry.py make-pattern OUT.fits SPEC_JSON
      A synthetic SDO map whose pixel values are an analytic function of helioprojective coordinates,
      f(Tx, Ty) = 1000 + 300 sin(2 pi Tx / 40") cos(2 pi Ty / 55") + 0.5 Tx  (arcsec),
      evaluated at every pixel's world coordinate by astropy.wcs. SPEC: width, height, cdelt, crota2,
      crpix [x, y], crval [x, y], instrument ("AIA"/"HMI"), optional nan_box [x0, y0, x1, y1].
  prep_geometry.py check-pattern FILE.fits
      Evaluates f at every finite pixel of FILE through FILE's own WCS (astropy) and prints the errors.
  prep_geometry.py make-blobs OUT.fits SPEC_JSON
      A synthetic map with Gaussian blobs (sigma 3") centred where solar-surface points (Stonyhurst lon/lat
      in SPEC "points") appear from this map's observer (sunpy.coordinates), on a zero background.
      SPEC as make-pattern plus observer: dsun (m), hgln, hglt (deg).
  prep_geometry.py check-blobs FILE.fits SPEC_JSON
      Measures each blob's centroid in FILE, converts it to helioprojective with FILE's WCS (astropy), and
      compares with where sunpy puts the same surface point seen from FILE's observer.
  prep_geometry.py world FILE.fits PIXELS_JSON
      astropy world coordinates (arcsec) of 0-based pixels [[x, y], ...] of FILE.
  prep_geometry.py diskmask FILE.fits
      sunpy's on-disk test (sunpy.map.maputils.coordinate_is_on_solar_disk) for every pixel, and each pixel's
      angular distance from disk centre minus sunpy's solar angular radius (arcsec).
  prep_geometry.py areamean FILE.fits WIDTH HEIGHT MIN_VALID
      Area average to WIDTH x HEIGHT for any ratio, by an integral image: pixels are constant over their
      unit cells, so the cumulative integral is bilinear within each cell and the mean over any rectangle
      [j s, (j+1) s) is exact from four interpolated corner values (NaN-aware: values and valid area apart).
  prep_geometry.py blockmean FILE.fits FACTOR_Y FACTOR_X MIN_VALID
      skimage.transform.downscale_local_mean of FILE (no NaN) and a NaN-aware block mean (numpy), as JSON.
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

warnings.filterwarnings("ignore")

RSUN_REF = 696000000.0


def pattern(tx, ty):
    return 1000.0 + 300.0 * np.sin(2 * np.pi * tx / 40.0) * np.cos(2 * np.pi * ty / 55.0) + 0.5 * tx


def header_for(spec):
    h = fits.Header()
    aia = spec.get("instrument", "AIA") == "AIA"
    h["TELESCOP"] = "SDO/AIA" if aia else "SDO/HMI"
    h["INSTRUME"] = "AIA_3" if aia else "HMI_FRONT2"
    if aia:
        h["WAVELNTH"] = 171
        h["T_OBS"] = "2013-03-10T12:00:12.34Z"
        h["EXPTIME"] = 2.0
        h["PIXLUNIT"] = "DN"
    else:
        h["WAVELNTH"] = 6173.0
        h["CONTENT"] = "MAGNETOGRAM"
        h["T_OBS"] = "2013.03.10_12:00:45_TAI"
        h["BUNIT"] = "Gauss"
    h["LVL_NUM"] = 1.0
    h["CTYPE1"] = "HPLN-TAN"
    h["CTYPE2"] = "HPLT-TAN"
    h["CUNIT1"] = "arcsec"
    h["CUNIT2"] = "arcsec"
    h["CDELT1"] = spec["cdelt"]
    h["CDELT2"] = spec["cdelt"]
    h["CRPIX1"] = spec["crpix"][0]
    h["CRPIX2"] = spec["crpix"][1]
    h["CRVAL1"] = spec.get("crval", [0, 0])[0]
    h["CRVAL2"] = spec.get("crval", [0, 0])[1]
    h["CROTA2"] = spec.get("crota2", 0.0)
    dsun = spec.get("dsun", 1.48e11)
    h["DSUN_OBS"] = dsun
    h["RSUN_REF"] = RSUN_REF
    h["RSUN_OBS"] = float(np.degrees(np.arcsin(RSUN_REF / dsun)) * 3600.0)
    h["HGLN_OBS"] = spec.get("hgln", 0.0)
    h["HGLT_OBS"] = spec.get("hglt", -7.2)
    h["CRLN_OBS"] = 100.0 + spec.get("hgln", 0.0)
    h["CRLT_OBS"] = spec.get("hglt", -7.2)
    h["DATE-OBS"] = "2013-03-10T12:00:12.34"
    return h


def world_grid(h, shape):
    w = WCS(h).celestial
    ny, nx = shape
    yy, xx = np.mgrid[0:ny, 0:nx]
    lon, lat = w.wcs_pix2world(xx, yy, 0)
    lon = (lon + 180.0) % 360.0 - 180.0
    return lon * 3600.0, lat * 3600.0


def make_pattern(out, spec):
    h = header_for(spec)
    tx, ty = world_grid(h, (spec["height"], spec["width"]))
    data = pattern(tx, ty).astype(np.float32)
    if "nan_box" in spec:
        x0, y0, x1, y1 = spec["nan_box"]
        data[y0:y1, x0:x1] = np.nan
    fits.PrimaryHDU(data, h).writeto(out, overwrite=True)


def check_pattern(path):
    hdu = [x for x in fits.open(path) if x.data is not None][0]
    tx, ty = world_grid(hdu.header, hdu.data.shape)
    d = hdu.data.astype(np.float64)
    ok = np.isfinite(d)
    err = d[ok] - pattern(tx[ok], ty[ok])
    print(json.dumps({"valid": int(ok.sum()), "total": int(d.size), "max_abs_err": float(np.max(np.abs(err))),
                      "rms_err": float(np.sqrt(np.mean(err ** 2))), "amplitude": 300.0}))


def observer_coord(h):
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from sunpy.coordinates import frames

    return SkyCoord(h["HGLN_OBS"] * u.deg, h["HGLT_OBS"] * u.deg, h["DSUN_OBS"] * u.m,
                    frame=frames.HeliographicStonyhurst, obstime=h["DATE-OBS"])


def expected_hpc(h, points):
    """Where Stonyhurst surface points appear (arcsec) from the observer in header h (sunpy)."""
    import astropy.units as u
    from astropy.coordinates import SkyCoord
    from sunpy.coordinates import frames

    obs = observer_coord(h)
    out = []
    for lon, lat in points:
        c = SkyCoord(lon * u.deg, lat * u.deg, RSUN_REF * u.m, frame=frames.HeliographicStonyhurst,
                     obstime=h["DATE-OBS"])
        hp = c.transform_to(frames.Helioprojective(observer=obs, obstime=h["DATE-OBS"]))
        out.append([float(hp.Tx.to_value(u.arcsec)), float(hp.Ty.to_value(u.arcsec))])
    return out


def make_blobs(out, spec):
    h = header_for(spec)
    tx, ty = world_grid(h, (spec["height"], spec["width"]))
    data = np.zeros((spec["height"], spec["width"]), dtype=np.float64)
    for cx, cy in expected_hpc(h, spec["points"]):
        data += 1000.0 * np.exp(-((tx - cx) ** 2 + (ty - cy) ** 2) / (2 * 3.0 ** 2))
    fits.PrimaryHDU(data.astype(np.float32), h).writeto(out, overwrite=True)


def check_blobs(path, spec):
    hdu = [x for x in fits.open(path) if x.data is not None][0]
    h = hdu.header
    d = np.nan_to_num(hdu.data.astype(np.float64))
    w = WCS(h).celestial
    cdelt = abs(h["CDELT1"])
    result = []
    for cx, cy in expected_hpc(h, spec["points"]):
        px, py = w.wcs_world2pix(cx / 3600.0, cy / 3600.0, 0)
        r = int(np.ceil(15.0 / cdelt))  # 5 sigma window
        x0, x1 = int(round(float(px))) - r, int(round(float(px))) + r + 1
        y0, y1 = int(round(float(py))) - r, int(round(float(py))) + r + 1
        if x0 < 0 or y0 < 0 or x1 > d.shape[1] or y1 > d.shape[0]:
            result.append({"expected": [cx, cy], "error": "blob window leaves the image"})
            continue
        win = d[y0:y1, x0:x1]
        yy, xx = np.mgrid[y0:y1, x0:x1]
        s = win.sum()
        mx, my = (win * xx).sum() / s, (win * yy).sum() / s
        lon, lat = w.wcs_pix2world(mx, my, 0)
        lon = (float(lon) + 180.0) % 360.0 - 180.0
        result.append({"expected": [cx, cy], "measured": [lon * 3600.0, float(lat) * 3600.0],
                       "error_arcsec": float(np.hypot(lon * 3600.0 - cx, float(lat) * 3600.0 - cy)),
                       "sum": float(s)})
    print(json.dumps(result))


def world(path, pixels):
    hdu = [x for x in fits.open(path) if x.data is not None and x.data.ndim == 2][0]
    w = WCS(hdu.header).celestial
    p = np.asarray(pixels, dtype=float)
    lon, lat = w.wcs_pix2world(p[:, 0], p[:, 1], 0)
    lon = (lon + 180.0) % 360.0 - 180.0
    print(json.dumps([[float(a) * 3600.0, float(b) * 3600.0] for a, b in zip(lon, lat)]))


def diskmask(path):
    import astropy.units as u
    import sunpy.map
    from sunpy.map.maputils import all_coordinates_from_map, coordinate_is_on_solar_disk
    from sunpy.coordinates.sun import _angular_radius

    m = sunpy.map.Map(path)
    c = all_coordinates_from_map(m)
    on = coordinate_is_on_solar_disk(c)
    radius = _angular_radius(c.rsun, c.observer.radius).to_value(u.arcsec)
    dist = np.sqrt(c.Tx.to_value(u.arcsec) ** 2 + c.Ty.to_value(u.arcsec) ** 2)
    print(json.dumps({"shape": list(on.shape), "on": [int(v) for v in on.ravel()],
                      "margin": [float(v) for v in (dist - radius).ravel()], "radius": float(radius)}))


def areamean(path, width, height, min_valid):
    hdu = [x for x in fits.open(path) if x.data is not None and x.data.ndim == 2][0]
    d = hdu.data.astype(np.float64)
    valid = np.isfinite(d).astype(np.float64)
    vals = np.where(valid > 0, d, 0.0)

    def integral(a):
        f = np.zeros((a.shape[0] + 1, a.shape[1] + 1))
        f[1:, 1:] = a.cumsum(0).cumsum(1)
        return f

    def at(f, x, y):  # bilinear interpolation of the integral image at edge coordinates (x, y)
        x0 = np.minimum(np.floor(x).astype(int), f.shape[1] - 2)
        y0 = np.minimum(np.floor(y).astype(int), f.shape[0] - 2)
        u, v = x - x0, y - y0
        return ((1 - u) * (1 - v) * f[y0, x0] + u * (1 - v) * f[y0, x0 + 1] + (1 - u) * v * f[y0 + 1, x0]
                + u * v * f[y0 + 1, x0 + 1])

    sx, sy = d.shape[1] / width, d.shape[0] / height
    jj, ii = np.mgrid[0:height, 0:width]
    ax, bx, ay, by = ii * sx, (ii + 1) * sx, jj * sy, (jj + 1) * sy
    fv, fm = integral(vals), integral(valid)

    def box(f):
        return at(f, bx, by) - at(f, ax, by) - at(f, bx, ay) + at(f, ax, ay)

    s_, w_ = box(fv), box(fm)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = s_ / w_
    mean[(w_ <= 0) | (w_ < min_valid * sx * sy * (1 - 1e-9))] = np.nan
    print(json.dumps({"mean": [None if not np.isfinite(v) else float(v) for v in mean.ravel()]}))


def blockmean(path, fy, fx, min_valid):
    from skimage.transform import downscale_local_mean

    hdu = [x for x in fits.open(path) if x.data is not None and x.data.ndim == 2][0]
    d = hdu.data.astype(np.float64)
    ny, nx = d.shape[0] // fy, d.shape[1] // fx
    blocks = d[: ny * fy, : nx * fx].reshape(ny, fy, nx, fx)
    valid = np.isfinite(blocks).sum(axis=(1, 3))
    with np.errstate(invalid="ignore"):
        nanmean = np.nansum(blocks, axis=(1, 3)) / valid
    nanmean[valid < min_valid * fy * fx] = np.nan
    nanmean[valid == 0] = np.nan
    out = {"nanmean": [None if not np.isfinite(v) else float(v) for v in nanmean.ravel()], "shape": [ny, nx]}
    if np.all(np.isfinite(d)):
        out["skimage"] = [float(v) for v in downscale_local_mean(d, (fy, fx)).ravel()]
    print(json.dumps(out))


def main():
    a = sys.argv
    if len(a) == 4 and a[1] == "make-pattern":
        make_pattern(a[2], json.loads(a[3]))
    elif len(a) == 3 and a[1] == "check-pattern":
        check_pattern(a[2])
    elif len(a) == 4 and a[1] == "make-blobs":
        make_blobs(a[2], json.loads(a[3]))
    elif len(a) == 4 and a[1] == "check-blobs":
        check_blobs(a[2], json.loads(a[3]))
    elif len(a) == 4 and a[1] == "world":
        world(a[2], json.loads(a[3]))
    elif len(a) == 3 and a[1] == "diskmask":
        diskmask(a[2])
    elif len(a) == 6 and a[1] == "areamean":
        areamean(a[2], int(a[3]), int(a[4]), float(a[5]))
    elif len(a) == 6 and a[1] == "blockmean":
        blockmean(a[2], int(a[3]), int(a[4]), float(a[5]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
