#!/usr/bin/env python3
"""Independent facts the --state-json tests compare with, read by astropy (not by the code under test).

  state_reference.py header FILE      -> {"wavelnth", "t_obs" (ISO, ms, UTC), "bunit" (BUNIT, else PIXLUNIT), "naxis1", "naxis2"}
  state_reference.py count DIR WAVE   -> {"count": files under DIR whose image header has WAVELNTH == WAVE}
"""
import json
import sys
from pathlib import Path

from astropy.io import fits
from astropy.time import Time


def image_header(path):
    with fits.open(path) as hdul:
        for hdu in hdul:
            if hdu.header.get("NAXIS", 0) == 2:
                return hdu.header.copy()
    raise SystemExit(f"{path}: no image HDU")


def iso_utc(header):
    text = header.get("T_OBS") or header.get("DATE-OBS")
    scale = "tai" if str(text).endswith("_TAI") else "utc"
    text = str(text).replace("_TAI", "").replace("_UTC", "").rstrip("Z")
    t = Time(text, format="isot", scale=scale).utc
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.datetime.microsecond // 1000:03d}Z"


def main():
    if sys.argv[1] == "header":
        h = image_header(sys.argv[2])
        print(json.dumps({"wavelnth": h.get("WAVELNTH"), "t_obs": iso_utc(h), "bunit": h.get("BUNIT") or h.get("PIXLUNIT"),
                          "naxis1": h["NAXIS1"], "naxis2": h["NAXIS2"]}))
    elif sys.argv[1] == "count":
        wave = float(sys.argv[3])
        n = 0
        for p in sorted(Path(sys.argv[2]).rglob("*.fits")):
            if ".solarchip" in p.parts:
                continue
            if float(image_header(p).get("WAVELNTH", -1)) == wave:
                n += 1
        print(json.dumps({"count": n}))


if __name__ == "__main__":
    main()
