#!/usr/bin/python3
"""Independent reference for core/map/ModelFrame: where pixels of a displayed map fall in the model input and
its g x g cell grid, by astropy.wcs alone.

  model_frame.py REF.fits RESOLUTION OVERSAMPLE GRID MAP.fits PIXELS_JSON

The model input frame of a full-disk reference (a cut-out keeps its own pointing instead: ModelFrame.h) is
written down from its definition (not from the C++ code): the reference's level 1.5
frame, north up, disk centre (0", 0") at the array centre, the reference's full field of view, i.e. the plate
scale mean(|CDELT1|, |CDELT2|) * max(NAXIS1, NAXIS2) / (RESOLUTION * OVERSAMPLE) on RESOLUTION * OVERSAMPLE
pixels, then area-averaged by OVERSAMPLE: CDELT * OVERSAMPLE on RESOLUTION pixels, CRPIX (RESOLUTION + 1) / 2.
Cell (row, col) holds input pixels with floor((y + 0.5) / cell) = row, floor((x + 0.5) / cell) = col.

Prints JSON: for each 0-based pixel [x, y] of MAP, its helioprojective coordinates (arcsec, MAP's own WCS),
its 0-based input pixel and cell; and for every cell its centre in helioprojective arcsec.
"""
import json
import math
import sys
import warnings

from astropy.io import fits
from astropy.wcs import WCS

warnings.simplefilter("ignore")


def main():
    ref_path, res, over, grid, map_path, pixels = sys.argv[1:7]
    res, over, grid = int(res), int(over), int(grid)
    pixels = json.loads(pixels)
    rh = fits.getheader(ref_path, 0 if fits.getheader(ref_path).get("NAXIS", 0) else 1)
    scale = 0.5 * (abs(rh["CDELT1"]) + abs(rh["CDELT2"])) * max(rh["NAXIS1"], rh["NAXIS2"]) / (res * over)
    model = WCS(naxis=2)
    model.wcs.ctype = ["HPLN-TAN", "HPLT-TAN"]
    model.wcs.cunit = ["arcsec", "arcsec"]
    model.wcs.crval = [0.0, 0.0]
    model.wcs.cdelt = [scale * over, scale * over]
    model.wcs.crpix = [(res + 1) / 2.0, (res + 1) / 2.0]
    mh = fits.getheader(map_path, 0 if fits.getheader(map_path).get("NAXIS", 0) else 1)
    mw = WCS(mh).celestial
    cell = res // grid
    out = {"pixels": [], "centres": []}
    for x, y in pixels:
        lon, lat = mw.wcs_pix2world([[x, y]], 0)[0]  # degrees for HPLN/HPLT (astropy converts arcsec to deg)
        tx, ty = lon * 3600.0, lat * 3600.0
        if tx > 648000:
            tx -= 1296000
        ix, iy = model.wcs_world2pix([[tx / 3600.0, ty / 3600.0]], 0)[0]
        inside = -0.5 <= ix < res - 0.5 and -0.5 <= iy < res - 0.5
        row = math.floor((iy + 0.5) / cell) if inside else -1
        col = math.floor((ix + 0.5) / cell) if inside else -1
        out["pixels"].append({"hpc": [tx, ty], "input": [ix, iy], "cell": [row, col]})
    for row in range(grid):
        for col in range(grid):
            px = col * cell + (cell - 1) / 2.0
            py = row * cell + (cell - 1) / 2.0
            lon, lat = model.wcs_pix2world([[px, py]], 0)[0]
            tx, ty = lon * 3600.0, lat * 3600.0
            if tx > 648000:
                tx -= 1296000
            out["centres"].append([tx, ty])
    print(json.dumps(out))


if __name__ == "__main__":
    main()
