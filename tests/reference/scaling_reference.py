#!/usr/bin/python3
"""Independent reference for core/Scaling: numpy formulas and astropy.visualization on deterministic data.

  scaling_reference.py OUT_DIR
      Writes OUT_DIR/aia.f32 and OUT_DIR/hmi.f32 (raw little-endian float32, 300x200, with NaN and inf) and
      prints JSON with the expected values: percentiles (numpy), stretches (astropy LinearStretch,
      SqrtStretch, LogStretch, AsinhStretch, PowerStretch), limits (MinMaxInterval, PercentileInterval,
      AsymmetricPercentileInterval, ZScaleInterval), ImageNormalize(clip=True) at sample indices, and the
      model transforms (sign(x)*ln(1+s|x|), ln(1+s x), sqrt(s x), asinh(s x)) with their z-score statistics.
"""
import json
import sys

import numpy as np
from astropy.visualization import (AsinhStretch, AsymmetricPercentileInterval, ImageNormalize, LinearStretch,
                                   LogStretch, MinMaxInterval, PercentileInterval, PowerStretch, SqrtStretch,
                                   ZScaleInterval)


def data(seed):
    rng = np.random.default_rng(seed)
    aia = rng.lognormal(mean=5.0, sigma=1.2, size=(200, 300)).astype(np.float32)
    aia[10:14, 20:40] = np.nan
    aia[150, 7] = np.inf
    hmi = (rng.standard_t(3, size=(200, 300)) * 40.0).astype(np.float32)
    hmi[50:60, 100:130] += 1800.0
    hmi[120:125, 200:240] -= 2100.0
    hmi[:, :15] = np.nan
    return aia, hmi


def finite(a):
    return a[np.isfinite(a)].astype(np.float64)


def main():
    out = sys.argv[1]
    aia, hmi = data(20110607)
    aia.astype("<f4").tofile(f"{out}/aia.f32")
    hmi.astype("<f4").tofile(f"{out}/hmi.f32")
    ref = {"shape": [200, 300]}

    ps = [0.0, 0.5, 25.0, 50.0, 99.5, 99.9, 100.0]
    ref["percentiles"] = {"p": ps, "aia": [float(v) for v in np.percentile(finite(aia), ps)],
                          "hmi": [float(v) for v in np.percentile(finite(hmi), ps)]}

    t = np.linspace(0.0, 1.0, 41)
    stretches = {"linear": LinearStretch(), "sqrt": SqrtStretch(), "log:1000": LogStretch(1000),
                 "log:50": LogStretch(50), "asinh:0.1": AsinhStretch(0.1), "asinh:0.01": AsinhStretch(0.01),
                 "power:2": PowerStretch(2.0)}
    ref["stretch_t"] = [float(v) for v in t]
    ref["stretches"] = {k: [float(v) for v in s(t.copy(), clip=True)] for k, s in stretches.items()}

    ref["limits"] = {}
    for name, a in (("aia", aia), ("hmi", hmi)):
        ref["limits"][name] = {
            "minmax": [float(v) for v in MinMaxInterval().get_limits(a)],
            "percentile99.5": [float(v) for v in PercentileInterval(99.5).get_limits(a)],
            "asym1_99.9": [float(v) for v in AsymmetricPercentileInterval(1.0, 99.9).get_limits(a)],
            "zscale": [float(v) for v in ZScaleInterval().get_limits(a)],
        }

    # sunpy's AIA default display: ImageNormalize(stretch=AsinhStretch(0.01)) over the data range, and a
    # percentile-clipped log normalisation.
    idx = list(range(0, aia.size, 997))
    flat = aia.ravel()
    n1 = ImageNormalize(flat, interval=MinMaxInterval(), stretch=AsinhStretch(0.01), clip=True)
    n2 = ImageNormalize(flat, interval=PercentileInterval(99.5), stretch=LogStretch(1000), clip=True)
    ref["normalize_index"] = idx
    ref["normalize_asinh_minmax"] = [None if not np.isfinite(v) else float(v) for v in np.asarray(n1(flat[idx]))]
    ref["normalize_log_p99.5"] = [None if not np.isfinite(v) else float(v) for v in np.asarray(n2(flat[idx]))]

    x = np.array([-2500.0, -100.0, -1.0, -1e-3, 0.0, 1e-3, 0.5, 1.0, 7.0, 100.0, 2500.0, 16000.0])
    ref["model_x"] = [float(v) for v in x]
    ref["model"] = {}
    for s in (1.0, 0.01):
        ref["model"][f"signed_log:{s}"] = [float(v) for v in np.sign(x) * np.log1p(s * np.abs(x))]
        ref["model"][f"log1p:{s}"] = [float(v) for v in np.log1p(s * np.maximum(x, 0.0))]
        ref["model"][f"sqrt:{s}"] = [float(v) for v in np.sqrt(s * np.maximum(x, 0.0))]
        ref["model"][f"asinh:{s}"] = [float(v) for v in np.arcsinh(s * x)]
    # Model stretches agree with astropy's display stretches up to their constant normalisation.
    ref["model_vs_astropy"] = {
        "asinh_a0.1": [float(v) for v in AsinhStretch(0.1)(t.copy()) * np.arcsinh(1 / 0.1)],
        "log_a1000": [float(v) for v in LogStretch(1000)(t.copy()) * np.log(1001.0)],
        "sqrt": [float(v) for v in SqrtStretch()(t.copy())],
    }

    # z-score statistics of sign(x) ln(1 + |x|) (SolarCHIP), per channel, over both images of each channel
    # (accumulated in two halves), with clipping at +-1500 G for HMI.
    def sl(a, s=1.0):
        return np.sign(a) * np.log1p(s * np.abs(a))

    fa = finite(aia)
    fh = np.clip(finite(hmi), -1500.0, 1500.0)
    ref["zscore"] = {"aia": [float(np.mean(sl(fa))), float(np.std(sl(fa))), int(fa.size)],
                     "hmi": [float(np.mean(sl(fh))), float(np.std(sl(fh))), int(fh.size)]}
    v = float(hmi[55, 110])
    ref["zscore_sample"] = {"hmi_value": v,
                            "normalised": float((sl(np.clip(v, -1500, 1500)) - np.mean(sl(fh))) / np.std(sl(fh)))}
    print(json.dumps(ref))


if __name__ == "__main__":
    main()
