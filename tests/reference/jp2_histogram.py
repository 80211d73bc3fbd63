#!/usr/bin/python3
"""Independent reference for the display of Helioviewer JPEG2000 files (tests/core/tst_displaylimits.cpp).

Usage: jp2_histogram.py FILE REDUCE
Decodes FILE with Pillow (its own OpenJPEG binding; Image.reduce = REDUCE decodes at 1/2^REDUCE resolution) and
prints JSON: width, height and the histogram of the 8-bit values (256 counts), which the viewer shows linearly
over 0..255 (what JHelioviewer does with Helioviewer's bytes).
"""
import json
import sys

import numpy as np
from PIL import Image


def main():
    path, reduce = sys.argv[1], int(sys.argv[2])
    im = Image.open(path)
    im.reduce = reduce
    im.load()
    a = np.asarray(im)
    print(json.dumps({"width": int(a.shape[1]), "height": int(a.shape[0]),
                      "hist": [int(c) for c in np.bincount(a.ravel(), minlength=256)[:256]]}))


if __name__ == "__main__":
    main()
