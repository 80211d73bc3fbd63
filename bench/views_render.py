#!/usr/bin/env python3
"""Map rendering speed, side by side in one run: SolarCHIP's MapRenderer (through
tests/widgets/tst_colormap's render4096 case) and the sunpy way (astropy ImageNormalize with
AsinhStretch(0.01) and numpy percentile limits, then the sdoaia171 matplotlib colormap to 8-bit RGBA)
on the same 4096x4096 float32 image (value = x + 4096 y). Prints one JSON line per implementation.

Usage: /usr/bin/python3 bench/views_render.py BUILD_DIR
"""
import json
import os
import subprocess
import sys
import time
import warnings

import numpy as np

warnings.filterwarnings("ignore")

build = sys.argv[1] if len(sys.argv) > 1 else "build"
env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
exe = os.path.join(build, "tests", "widgets_tst_colormap")
out = subprocess.run([exe, "render4096"], capture_output=True, text=True, env=env)
ours = [json.loads(l) for l in out.stdout.splitlines() if l.startswith("{")]
if not ours:
    sys.exit("no benchmark line from %s:\n%s%s" % (exe, out.stdout, out.stderr))
ours = ours[0]
ours["impl"] = "solarchip MapRenderer (limits + colours + mipmaps)"
print(json.dumps(ours))

from astropy.visualization import AsinhStretch, ImageNormalize  # noqa: E402
import sunpy.visualization.colormaps  # noqa: E402,F401  (registers sdoaia171)
import matplotlib  # noqa: E402

n = 4096
img = (np.arange(n, dtype=np.float64)[None, :] + n * np.arange(n, dtype=np.float64)[:, None]).astype(np.float32)
cmap = matplotlib.colormaps["sdoaia171"]
best = {}
for _ in range(2):
    t0 = time.perf_counter()
    f = img[np.isfinite(img)]
    vmin, vmax = float(f.min()), float(np.percentile(f, 99.9))
    t1 = time.perf_counter()
    norm = ImageNormalize(vmin=vmin, vmax=vmax, stretch=AsinhStretch(0.01), clip=True)
    rgba = cmap(norm(img), bytes=True)
    t2 = time.perf_counter()
    for k, v in (("limits_ms", (t1 - t0) * 1e3), ("colour_ms", (t2 - t1) * 1e3), ("aia_default_ms", (t2 - t0) * 1e3)):
        best[k] = min(best.get(k, 1e300), v)
print(json.dumps({"benchmark": "render_4096", "impl": "astropy ImageNormalize + matplotlib sdoaia171 (sunpy's display)",
                  "threads": 1, **{k: round(v, 1) for k, v in best.items()}, "shape": list(rgba.shape)}))
