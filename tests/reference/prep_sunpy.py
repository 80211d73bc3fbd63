#!/usr/bin/python3
"""Independent reference for `solarchip prep`: sunpy's Map.rotate on the same real level-1 files, and a
pixel-by-pixel comparison through the WCS of both results (astropy.wcs), on the overlapping valid region.

  prep_sunpy.py rotate OUTDIR JOBS_JSON
      JOBS_JSON: [{"name": ..., "file": ..., "scale": target arcsec/px, "recenter": bool}, ...]
      Writes OUTDIR/<name>_sunpy.fits (sunpy 4.1 Map.rotate(scale=cdelt/target, order=3, recenter=...),
      integer data converted to float64 first: sunpy 4.1 fails on int16 there) and prints
      {name: {"shape": [ny, nx], "crpix": [..], "crval": [..], "cdelt": [..]}}.
  prep_sunpy.py compare PAIRS_JSON
      PAIRS_JSON: [{"name": ..., "ours": FITS, "ref": FITS}, ...]
      For every valid pixel of the reference, its world coordinate (reference WCS) is converted to a pixel of
      ours (our WCS). When all of those land on our pixel centres (offset < 1e-3 px) ours is sampled there
      directly; otherwise bilinearly (reported). Prints {name: {"corr": r, "n": pixels compared, ...}}.
"""
import json
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

warnings.filterwarnings("ignore")


def image_hdu(path):
    hdul = fits.open(path)
    for hdu in hdul:
        if hdu.data is not None and getattr(hdu.data, "ndim", 0) == 2:
            return hdu
    raise SystemExit(f"{path}: no 2-D image")


def rotate(outdir, jobs):
    import astropy.units as u
    import sunpy.map

    result = {}
    for job in jobs:
        m = sunpy.map.Map(job["file"])
        if not np.issubdtype(m.data.dtype, np.floating):
            m = sunpy.map.Map(m.data.astype(np.float64), m.meta)
        factor = (m.scale[0].to_value(u.arcsec / u.pix)) / job["scale"]
        r = m.rotate(scale=factor, order=3, recenter=bool(job.get("recenter", False)))
        path = f"{outdir}/{job['name']}_sunpy.fits"
        r.save(path, overwrite=True)
        h = fits.getheader(path)
        result[job["name"]] = {
            "shape": list(r.data.shape),
            "crpix": [h["CRPIX1"], h["CRPIX2"]],
            "crval": [h["CRVAL1"], h["CRVAL2"]],
            "cdelt": [h["CDELT1"], h["CDELT2"]],
            "file": path,
        }
    print(json.dumps(result))


def bilinear(img, x, y):
    from scipy.ndimage import map_coordinates

    return map_coordinates(img, [y, x], order=1, mode="constant", cval=np.nan)


def compare(pairs):
    result = {}
    for pair in pairs:
        ours_hdu = image_hdu(pair["ours"])
        ref_hdu = image_hdu(pair["ref"])
        ours = ours_hdu.data.astype(np.float64)
        ref = ref_hdu.data.astype(np.float64)
        w_ours = WCS(ours_hdu.header).celestial
        w_ref = WCS(ref_hdu.header).celestial
        ny, nx = ref.shape
        yy, xx = np.mgrid[0:ny, 0:nx]
        valid_ref = np.isfinite(ref)
        lon, lat = w_ref.wcs_pix2world(xx[valid_ref], yy[valid_ref], 0)
        px, py = w_ours.wcs_world2pix(lon, lat, 0)
        rx, ry = np.rint(px), np.rint(py)
        offset = float(np.max(np.hypot(px - rx, py - ry))) if px.size else 0.0
        inside = (rx >= 0) & (ry >= 0) & (rx < ours.shape[1]) & (ry < ours.shape[0])
        sampled = np.full(px.shape, np.nan)
        if offset < 1e-3:
            sampled[inside] = ours[ry[inside].astype(int), rx[inside].astype(int)]
            how = "nearest (grids coincide)"
        else:
            sampled = bilinear(ours, px, py)
            how = "bilinear"
        refv = ref[valid_ref]
        both = np.isfinite(sampled)
        a, b = sampled[both], refv[both]
        corr = float(np.corrcoef(a, b)[0, 1]) if a.size > 2 else float("nan")
        # Pixels that are valid in sunpy's result, inside our frame, but NaN in ours (and the reverse).
        ours_nan_where_ref_valid = int(np.sum(inside & ~np.isfinite(sampled)))
        ref_nan_where_ours_valid = 0
        ov = np.isfinite(ours)
        oy, ox = np.nonzero(ov)
        lon2, lat2 = w_ours.wcs_pix2world(ox, oy, 0)
        qx, qy = w_ref.wcs_world2pix(lon2, lat2, 0)
        qx, qy = np.rint(qx).astype(int), np.rint(qy).astype(int)
        inref = (qx >= 0) & (qy >= 0) & (qx < nx) & (qy < ny)
        ref_nan_where_ours_valid = int(np.sum(~np.isfinite(ref[qy[inref], qx[inref]])))
        result[pair["name"]] = {
            "corr": corr,
            "n": int(a.size),
            "ref_valid": int(valid_ref.sum()),
            "sampling": how,
            "max_offset_px": offset,
            "ours_nan_where_ref_valid": ours_nan_where_ref_valid,
            "ref_nan_where_ours_valid": ref_nan_where_ours_valid,
            "mean_abs_diff": float(np.mean(np.abs(a - b))) if a.size else float("nan"),
            "ref_std": float(np.std(b)) if b.size else float("nan"),
        }
    print(json.dumps(result))


def main():
    if len(sys.argv) >= 4 and sys.argv[1] == "rotate":
        rotate(sys.argv[2], json.loads(sys.argv[3]))
    elif len(sys.argv) >= 3 and sys.argv[1] == "compare":
        compare(json.loads(sys.argv[2]))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
