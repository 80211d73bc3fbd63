#!/usr/bin/python3
"""Side by side: `solarchip bench jp2` (core/Jp2Reader: header + OpenJPEG decode + row flip + WCS) and glymur
(OpenJPEG's Python binding, what sunpy.map.Map uses for .jp2) decoding the same file at the same levels with
the same number of threads, in one run. Prints one JSON object.

Usage: bench/jp2_vs_glymur.py BUILD/bin/solarchip FILE.jp2 [--reduce 0,1,2,3] [--repeat 3]
"""
import argparse
import json
import os
import subprocess
import time

import glymur


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("solarchip")
    ap.add_argument("file")
    ap.add_argument("--reduce", default="0,1,2,3")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    ours = json.loads(subprocess.run([a.solarchip, "bench", "jp2", a.file, "--reduce", a.reduce,
                                      "--repeat", str(a.repeat), "--json"],
                                     check=True, capture_output=True, text=True).stdout)
    threads = ours["threads"]
    glymur.set_option("lib.num_threads", threads)
    ref = []
    for r in [int(x) for x in a.reduce.split(",")]:
        times = []
        for _ in range(a.repeat):
            t0 = time.perf_counter()
            jp2 = glymur.Jp2k(a.file)
            step = 2 ** r
            data = jp2[::step, ::step][::-1]  # sunpy's row flip
            times.append(time.perf_counter() - t0)
        times.sort()
        ref.append({"reduce": r, "width": int(data.shape[1]), "height": int(data.shape[0]), "seconds": times,
                    "median_s": times[len(times) // 2]})
    print(json.dumps({"file": os.path.basename(a.file), "threads": threads, "solarchip": ours["levels"],
                      "glymur": ref}, indent=1))


if __name__ == "__main__":
    main()
