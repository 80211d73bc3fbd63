#!/usr/bin/python3
"""Independent reference for the cross-modal alignment view (models/embeddings/CrossModalAlignment): numpy over an
embedding store written by `solarchip embed`, the on-disk mask from the reference file's header by astropy.wcs.

  alignment_reference.py STORE_DIR [TIME_MS]

For every stored set (or only the one at TIME_MS): per AIA channel, the same-place cosine of each AIA cell with the
HMI cell, the rank of that true match among the on-disk HMI cells (pessimistic: every other candidate with a
cosine >= the true one counts above it), and over the on-disk cells the mean cosine, the fraction ranked 1 and
the mean rank. On disk: the cell centre lies within 0.95 RSUN_OBS of the disk centre, with the model input frame
written down from its definition (the reference member's level 1.5 frame: north up, disk centre at the array
centre, the reference's full field of view on RESOLUTION pixels; the reference member is the store prep's
reference channel, else the first AIA channel). Cells whose centre lies within 0.05" of the 0.95 R circle are
reported in `ambiguous` (none is expected).

Prints JSON: {"channels": [...], "grid": g, "sets": [{"time_ms", "on_disk_cells", "ambiguous",
"channels": {C: {"mean_cosine", "fraction_rank1", "mean_rank", "cosine": [...], "rank": [...]}},
"mean_cosine", "fraction_rank1"}]} in time order.
"""
import json
import os
import sys
import warnings

import numpy as np
from astropy.io import fits
from astropy.wcs import WCS

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import safetensors_lite  # noqa: E402

warnings.simplefilter("ignore")


def header_of(path):
    with fits.open(path) as hdul:
        for h in hdul:
            if h.header.get("NAXIS", 0) == 2:
                return h.header
    raise SystemExit(f"{path}: no image HDU")


def on_disk(ref_path, res, grid, limit=0.95):
    h = header_of(ref_path)
    scale = 0.5 * (abs(h["CDELT1"]) + abs(h["CDELT2"])) * max(h["NAXIS1"], h["NAXIS2"]) / res
    w = WCS(naxis=2)
    w.wcs.ctype = ["HPLN-TAN", "HPLT-TAN"]
    w.wcs.cunit = ["arcsec", "arcsec"]
    w.wcs.crval = [0.0, 0.0]
    w.wcs.cdelt = [scale, scale]
    w.wcs.crpix = [(res + 1) / 2.0, (res + 1) / 2.0]
    rsun = float(h["RSUN_OBS"])
    cell = res // grid
    mask, ambiguous = [], 0
    for row in range(grid):
        for col in range(grid):
            px, py = col * cell + (cell - 1) / 2.0, row * cell + (cell - 1) / 2.0
            lon, lat = w.wcs_pix2world([[px, py]], 0)[0]
            tx, ty = lon * 3600.0, lat * 3600.0
            if tx > 648000:
                tx -= 1296000
            r = float(np.hypot(tx, ty))
            ambiguous += abs(r - limit * rsun) < 0.05
            mask.append(r < limit * rsun)
    return np.array(mask, dtype=bool), int(ambiguous)


def unit(x):
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return np.where(n > 0, x / np.where(n > 0, n, 1), 0)


def main():
    store = sys.argv[1]
    only = int(sys.argv[2]) if len(sys.argv) > 2 else None
    with open(os.path.join(store, "store.json")) as f:
        manifest = json.load(f)
    channels, grid, dim = manifest["channels"], manifest["grid"], manifest["dim"]
    prep = manifest.get("prep", {})
    res = int(prep.get("resolution", 256))
    ref_channel = prep.get("reference_channel") or next(c for c in channels if not c.startswith("hmi"))
    hmi = channels.index("hmi")
    sets = []
    for shard in manifest["shards"]:
        tensors, meta = safetensors_lite.load(os.path.join(store, shard["file"]))
        times = tensors["time_ms"].numpy()
        patches = tensors["patches"].float().numpy()
        files = json.loads(meta["files"])
        for k, t in enumerate(times):
            if only is not None and int(t) != only:
                continue
            mask, ambiguous = on_disk(files[k][channels.index(ref_channel)], res, grid)
            cand = np.nonzero(mask)[0]
            h = unit(patches[k, hmi].astype(np.float64))
            out = {"time_ms": int(t), "on_disk_cells": int(mask.sum()), "ambiguous": ambiguous, "channels": {}}
            for c, name in enumerate(channels):
                if c == hmi:
                    continue
                a = unit(patches[k, c].astype(np.float64))
                sims = a @ h.T                      # [cells, cells]: AIA cell i vs HMI cell j
                own = np.diag(sims)
                ranks = []
                for i in range(grid * grid):
                    others = cand[cand != i]
                    ranks.append(1 + int(np.sum(~(sims[i, others] < own[i]))))
                ranks = np.array(ranks)
                out["channels"][name] = {
                    "mean_cosine": float(own[mask].mean()),
                    "fraction_rank1": float(np.mean(ranks[mask] == 1)),
                    "mean_rank": float(ranks[mask].mean()),
                    "cosine": own.tolist(),
                    "rank": ranks.tolist(),
                }
            per = list(out["channels"].values())
            out["mean_cosine"] = float(np.mean([p["mean_cosine"] for p in per]))
            out["fraction_rank1"] = float(np.mean([p["fraction_rank1"] for p in per]))
            sets.append(out)
    sets.sort(key=lambda s: s["time_ms"])
    print(json.dumps({"channels": channels, "grid": grid, "sets": sets}))


if __name__ == "__main__":
    main()
