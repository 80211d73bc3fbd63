#!/usr/bin/python3
"""Independent reference for `solarchip similarity --json`: the same similarity maps from the vectors
`solarchip embed` stored, with numpy, and the query cell from the model frame's definition with astropy.wcs.

  similarity_reference.py STORE_DIR SIMILARITY_JSON REF_FITS RESOLUTION OVERSAMPLE

The model input frame (full-disk reference) by definition: north up, disk centre at the array centre, the
reference's full field of view: CDELT = mean(|CDELT1|, |CDELT2|) * max(NAXIS1, NAXIS2) / RESOLUTION (after the
area average by OVERSAMPLE), CRPIX (RESOLUTION + 1) / 2; cell (row, col) = floor((y + 0.5) / cell side),
floor((x + 0.5) / cell side) of the 0-based input pixel. Cosine similarity of unit vectors = dot product.

Prints JSON: query_cell [row, col], max_abs_diff over the cells the command gave a value, the cells it left
null, whether those all lie off the disk, whether each channel's top list is the reference's order.
"""
import json
import math
import os
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_lite  # noqa: E402

warnings.simplefilter("ignore")


def image_hdu(path):
    with fits.open(path) as hdul:
        for h in hdul:
            if h.header.get("NAXIS", 0) == 2 or h.header.get("ZNAXIS", 0) == 2:
                hd = h.header.copy()
                if "ZNAXIS1" in hd:
                    hd["NAXIS1"], hd["NAXIS2"] = hd["ZNAXIS1"], hd["ZNAXIS2"]
                return hd
    raise SystemExit("no image HDU in " + path)


def main():
    store, sim_path, ref_path, res, over = sys.argv[1:6]
    res, over = int(res), int(over)
    sim = json.load(open(sim_path))
    manifest = json.load(open(os.path.join(store, "store.json")))
    grid, channels = manifest["grid"], manifest["channels"]
    # The stored record of the command's set: the one whose files are the command's files.
    rec = None
    for shard in manifest["shards"]:
        t, meta = safetensors_lite.load(os.path.join(store, shard["file"]))
        files = json.loads(meta["files"])
        for i, f in enumerate(files):
            if sorted(f) == sorted(sim["files"]):
                rec = t["patches"][i].numpy().astype(np.float64)
    if rec is None:
        raise SystemExit("the command's set is not in the store")

    hd = image_hdu(ref_path)
    naxis = max(hd["NAXIS1"], hd["NAXIS2"])
    cdelt = (abs(hd["CDELT1"]) + abs(hd["CDELT2"])) / 2 * naxis / res
    w = WCS(naxis=2)
    w.wcs.ctype = ["HPLN-TAN", "HPLT-TAN"]
    w.wcs.cunit = ["deg", "deg"]  # astropy works in degrees; arcsec / 3600 in and out
    w.wcs.crval = [0, 0]
    w.wcs.crpix = [(res + 1) / 2, (res + 1) / 2]
    w.wcs.cdelt = [cdelt / 3600.0, cdelt / 3600.0]
    qx, qy = sim["query_hpc"]
    x, y = w.all_world2pix([[qx / 3600.0, qy / 3600.0]], 0)[0]
    side = res // grid
    row, col = int(math.floor((y + 0.5) / side)), int(math.floor((x + 0.5) / side))
    qc = channels.index(sim["query_channel"])
    q = rec[qc, row * grid + col]
    q = q / np.linalg.norm(q)
    rsun = hd.get("RSUN_OBS", 0)
    out = {"query_cell": [row, col], "max_abs_diff": 0.0, "null_cells": 0, "nulls_off_disk": True, "top_order": True}
    for c, name in enumerate(channels):
        v = rec[c] / np.linalg.norm(rec[c], axis=1, keepdims=True)
        ref = (v @ q).reshape(grid, grid)
        got = np.array([[np.nan if e is None else e for e in r] for r in sim["maps"][name]], dtype=np.float64)
        ok = np.isfinite(got)
        out["max_abs_diff"] = max(out["max_abs_diff"], float(np.max(np.abs(got[ok] - ref[ok]))))
        for r_, c_ in zip(*np.where(~ok)):
            out["null_cells"] += 1
            px, py = c_ * side + (side - 1) / 2, r_ * side + (side - 1) / 2
            tx, ty = w.all_pix2world([[px, py]], 0)[0] * 3600.0
            if rsun and math.hypot(tx, ty) < rsun * 0.95:
                out["nulls_off_disk"] = False
        order = sorted(((float(ref[r_, c_]), r_ * grid + c_) for r_, c_ in zip(*np.where(ok))), key=lambda p: -p[0])
        top = [e["index"] for e in sim["top"][name]]
        want = [i for _, i in order[:len(top)]]
        # Ties within float noise may swap: compare scores at each rank instead of indices.
        for a, b in zip(top, want):
            if abs(ref.flat[a] - ref.flat[b]) > 2e-3:
                out["top_order"] = False
    print(json.dumps(out))


main()
