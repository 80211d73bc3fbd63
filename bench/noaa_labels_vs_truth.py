#!/usr/bin/python3
"""Where the NOAA region labels land on a synthetic archive's maps, against the generator's truth.

usage: noaa_labels_vs_truth.py SOLARCHIP_BIN ARCHIVE [CHANNEL]
For every map of CHANNEL (default 171) in ARCHIVE (written by `solarchip synth`, which writes a Solar Region Summary
per day), `solarchip regions --archive ARCHIVE --map FILE --json` places each region with spots (the report's whole
degrees at 00:00 UTC carried to the map's time by differential rotation); the truth JSON of the step gives the
region's centre pixel in that channel. Prints JSON {labels, median_px, max_px, arcsec_per_px}.
"""
import datetime
import glob
import json
import math
import subprocess
import sys


def main():
    binary, archive = sys.argv[1], sys.argv[2]
    channel = sys.argv[3] if len(sys.argv) > 3 else "171"
    truths = sorted(glob.glob(archive + "/truth/**/truth_*.json", recursive=True))
    stamp = lambda p: datetime.datetime.strptime(p[-20:-5], "%Y%m%d_%H%M%S")
    offsets, scale = [], None
    for f in sorted(glob.glob(f"{archive}/{channel}/**/*.fits", recursive=True)):
        out = json.loads(subprocess.run([binary, "regions", "--archive", archive, "--map", f, "--json"],
                                        capture_output=True, text=True, check=True).stdout)
        t = datetime.datetime.strptime(out["time"][:19], "%Y-%m-%dT%H:%M:%S")
        truth_file = min(truths, key=lambda p: abs((stamp(p) - t).total_seconds()))
        truth = {r["noaa"]: r for r in json.load(open(truth_file))["regions"] if r["noaa"] > 0}
        if scale is None:
            from astropy.io import fits
            with fits.open(f) as h:
                hdu = next(x for x in h if x.data is not None)
                scale = abs(hdu.header["CDELT1"])
        for r in out["regions"]:
            if r["section"] != "spots":
                continue
            px = truth[r["number"]]["pixels"][channel]
            offsets.append(math.hypot(r["x"] - px["x"], r["y"] - px["y"]))
    offsets.sort()
    print(json.dumps({"labels": len(offsets), "median_px": offsets[len(offsets) // 2] if offsets else None,
                      "max_px": offsets[-1] if offsets else None, "arcsec_per_px": scale}))


if __name__ == "__main__":
    main()
