#!/usr/bin/python3
"""The iso-line vertices scikit-image finds (skimage.measure.find_contours, marching squares) on a float32 image
written raw (row-major, little endian), independent of core/map/Contours: what the app's contour overlay should
pass through.

usage: contour_points.py RAW WIDTH HEIGHT LEVEL
Prints JSON {"points": [[x, y], ...]} (x along the rows' length, y across them: skimage's (row, col) swapped) and
"lines": the number of contour lines.
"""
import json
import sys

import numpy as np
from skimage import measure


def main():
    path, w, h, level = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
    image = np.fromfile(path, dtype="<f4").reshape(h, w)
    lines = measure.find_contours(image.astype(np.float64), level)
    points = [[float(c), float(r)] for line in lines for r, c in line]
    print(json.dumps({"points": points, "lines": len(lines)}))


if __name__ == "__main__":
    main()
