#!/usr/bin/env python3
"""Schrijver's (2007) R measured on a synthetic HMI magnetogram FITS, independently of the C++ code.

Usage: rvalue_reference.py ROOT
For every truth JSON under ROOT/truth, reads the HMI file it names (astropy), and for each visible region
measures R in a box of +-100 pixels around the region's pixel (0-based x, y from the truth):
  1. B = the magnetogram (Gauss; NaN off disk is treated as no field);
  2. masks B > 150 G and B < -150 G, each dilated by a 3x3 square (OR of the 9 shifted masks);
  3. PIL = their intersection;
  4. W = PIL convolved with a Gaussian of FWHM 15 Mm (numpy, separable, truncated at 3 sigma, the 2-D kernel
     divided by the sum of its 1-D profile so that a long straight one-pixel PIL gets W = 1);
  5. R = sum(|B| W) * pixel area (cm^2), the pixel's side from CDELT1 and DSUN_OBS (at disk centre).
Prints JSON: [{"time", "id", "complexity", "r_truth", "r_image", "x", "y"}, ...].
"""
import glob
import json
import math
import os
import sys
import warnings

import numpy as np
from astropy.io import fits

warnings.simplefilter("ignore")


def r_value(b, pixel_km):
    b = np.nan_to_num(b, nan=0.0)
    def dilate(m):
        p = np.pad(m, 1)
        h, w = m.shape
        return np.any([p[dy:dy + h, dx:dx + w] for dy in range(3) for dx in range(3)], axis=0)

    pil = (dilate(b > 150.0) & dilate(b < -150.0)).astype(float)
    if not pil.any():
        return 0.0
    sigma = 15.0e3 / (2.0 * math.sqrt(2.0 * math.log(2.0))) / pixel_km
    r = int(math.ceil(3.0 * sigma))
    k = np.exp(-0.5 * (np.arange(-r, r + 1) / sigma) ** 2)
    rows = np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), 1, pil)
    w = np.apply_along_axis(lambda v: np.convolve(v, k, mode="same"), 0, rows) / k.sum()
    return float(np.sum(np.abs(b) * w) * (pixel_km * 1e5) ** 2)


def main(root):
    out = []
    for path in sorted(glob.glob(os.path.join(root, "truth", "**", "*.json"), recursive=True)):
        truth = json.load(open(path))
        frame = truth["frames"]["hmi"]
        with fits.open(os.path.join(root, frame["file"])) as hdul:
            hdu = next(h for h in hdul if h.data is not None)
            data = hdu.data.astype(float)
            hdr = hdu.header
        pixel_km = abs(hdr["CDELT1"]) * math.pi / (180 * 3600) * hdr["DSUN_OBS"] / 1e3
        for reg in truth["regions"]:
            if not reg["visible"]:
                continue
            x, y = reg["pixels"]["hmi"]["x"], reg["pixels"]["hmi"]["y"]
            i, j = int(round(x)), int(round(y))
            box = data[max(0, j - 100): j + 101, max(0, i - 100): i + 101]
            out.append({"time": truth["time"], "id": reg["id"], "complexity": reg["complexity"],
                        "r_truth": reg["r_value"], "r_image": r_value(box, pixel_km), "x": x, "y": y,
                        "pixel_km": pixel_km})
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
