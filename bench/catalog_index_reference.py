#!/usr/bin/python3
"""Reference for `solarchip bench catalog`: the straightforward Python way to catalog an SDO archive.

Walks the folder, reads each FITS header with astropy (first image HDU), takes instrument, channel and T_OBS
(TAI -> UTC through astropy.time for HMI), and inserts one row per file into SQLite with Python's sqlite3 in one
transaction. Prints JSON: files, elapsed_s, files_per_s. Single process, as such a script usually is.

usage: catalog_index_reference.py DIR [--max-files N]
"""
import json
import os
import sqlite3
import sys
import tempfile
import time
import warnings

from astropy.io import fits
from astropy.time import Time

warnings.simplefilter("ignore")


def header_row(path):
    with fits.open(path, memmap=False, lazy_load_hdus=True) as hdul:
        for hdu in hdul:
            h = hdu.header
            if h.get("NAXIS", 0) >= 2 or "ZNAXIS" in h:
                tel = str(h.get("TELESCOP", "")).upper()
                ins = str(h.get("INSTRUME", "")).upper()
                instrument = "AIA" if ("AIA" in tel or ins.startswith("AIA")) else "HMI" if "HMI" in tel + ins else None
                if instrument is None:
                    return None
                tobs = str(h.get("T_OBS", h.get("DATE-OBS", "")))
                scale = "utc"
                if tobs.endswith("_TAI"):
                    scale, tobs = "tai", tobs[:-4]
                    d, t = tobs.split("_")
                    tobs = d.replace(".", "-") + "T" + t
                t = Time(tobs.rstrip("Z"), format="isot", scale=scale).utc
                channel = str(int(h["WAVELNTH"])) if instrument == "AIA" else "hmi"
                return (instrument, channel, int(round((t.unix) * 1000)), int(h.get("NAXIS1", 0)),
                        int(h.get("NAXIS2", 0)))
    return None


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    max_files = int(sys.argv[sys.argv.index("--max-files") + 1]) if "--max-files" in sys.argv else 0
    paths = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        paths += [os.path.join(dirpath, f) for f in sorted(filenames) if f.lower().endswith(".fits")]
    if max_files:
        paths = paths[:max_files]
    with tempfile.TemporaryDirectory() as tmp:
        db = sqlite3.connect(os.path.join(tmp, "ref.sqlite"))
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("CREATE TABLE files(path TEXT PRIMARY KEY, size INT, mtime REAL, instrument TEXT, channel TEXT,"
                   " t_ms INT, naxis1 INT, naxis2 INT, error TEXT)")
        db.execute("CREATE INDEX files_ct ON files(channel, t_ms)")
        start = time.perf_counter()
        bad = 0
        with db:
            for p in paths:
                st = os.stat(p)
                try:
                    r = header_row(p)
                    err = None if r else "not an SDO map"
                except Exception as e:  # noqa: BLE001 - a bad file is recorded, never fatal
                    r, err = None, str(e)
                bad += err is not None
                r = r or (None, None, None, None, None)
                db.execute("INSERT INTO files VALUES (?,?,?,?,?,?,?,?,?)",
                           (os.path.relpath(p, root), st.st_size, st.st_mtime) + tuple(r) + (err,))
        elapsed = time.perf_counter() - start
        db.close()
    json.dump({"files": len(paths), "bad": bad, "elapsed_s": elapsed,
               "files_per_s": len(paths) / elapsed if elapsed > 0 else None}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
