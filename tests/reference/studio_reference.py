#!/usr/bin/env python3
"""Independent references for the solarchip-studio tests (tests/app).

colormap NAME...   -> {"NAME": [[r, g, b], ...256 entries, 8-bit]} from sunpy/matplotlib's own tables
                      (sdoaia171 etc. are registered by importing sunpy.visualization.colormaps).
"""
import json
import sys


def colormap(names):
    import matplotlib
    import numpy as np
    import sunpy.visualization.colormaps  # noqa: F401  (registers sdoaia*, hmimag)
    out = {}
    for name in names:
        cmap = matplotlib.colormaps[name]
        rgb = np.round(cmap(np.arange(256))[:, :3] * 255).astype(int)
        out[name] = rgb.tolist()
    return out


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    if argv[1] == "colormap":
        print(json.dumps(colormap(argv[2:])))
        return 0
    print("unknown command " + argv[1], file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
