"""Reads label_efficiency.png (solarchip label-efficiency) with skimage, independently of Qt: its size and how
many pixels carry each curve's colour (the QCustomPlot palette of app/cli/LabelEfficiencyPlot.cpp) and the
chance line's grey. Prints JSON."""
import json
import sys

import numpy as np
from skimage import io

img = io.imread(sys.argv[1])
rgb = img[..., :3].astype(int)
colours = {"c0": (31, 119, 180), "c1": (255, 127, 14), "c2": (44, 160, 44), "grey": (90, 90, 90)}
counts = {}
for name, c in colours.items():
    d = np.abs(rgb - np.array(c)).sum(axis=2)
    counts[name] = int((d <= 12).sum())
# The chance line is dashed and horizontal: the row holding the most grey pixels.
grey = (np.abs(rgb - np.array(colours["grey"])).sum(axis=2) <= 12)
print(json.dumps({"width": int(img.shape[1]), "height": int(img.shape[0]), "counts": counts,
                  "grey_row_max": int(grey.sum(axis=1).max()),
                  "white_fraction": float((rgb.min(axis=2) >= 250).mean())}))
