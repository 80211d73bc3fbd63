#!/usr/bin/python3
"""Independent reference for tests/core/tst_jp2reader.cpp.

Usage: jp2_reference.py FILE [FILE...] > tests/reference/jp2_reference.json
The committed jp2_reference.json was made with (needs python3-glymur and python3-sunpy from Debian):
  /usr/bin/python3 tests/reference/jp2_reference.py ../shared/sdo/jp2/{2023_01_31__03_39_23_200__SDO_HMI_HMI_continuum,\
    2013_06_24__17_31_30_84__SDO_AIA_AIA_193,2010_12_06__18_56_41_105__SDO_HMI_HMI_continuum,\
    2024_04_16__11_15_41_129__SDO_AIA_AIA_304}.jp2 > tests/reference/jp2_reference.json
Prints one JSON object keyed by file name with, for each Helioviewer JPEG2000 file:
  - keywords: the <fits> element of the XML box, found by walking the JP2 boxes by hand (struct) and parsed
    with xml.etree, typed with sunpy's rules (digits -> int, float-like -> float, else str; nan flagged);
  - width/height and pixel samples from glymur's decode (the OpenJPEG Python binding sunpy uses), in FITS
    row order (sunpy flips JPEG2000 rows: data = Jp2k(path)[...][::-1]), at full resolution and at reduce 2
    (glymur's jp2[::4, ::4]);
  - the apparent solar radius seen from Earth at DATE-OBS (sunpy.coordinates.sun.angular_radius);
  - helioprojective coordinates of a few pixels from sunpy.map.Map(path).wcs (astropy WCS) when the header's
    NAXIS matches the image.
"""
import json
import os
import math
import struct
import sys
import warnings
import xml.etree.ElementTree as ET

warnings.simplefilter("ignore")


def boxes(data, begin, end):
    pos = begin
    while pos + 8 <= end:
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        header = 8
        if length == 1:
            length = struct.unpack(">Q", data[pos + 8:pos + 16])[0]
            header = 16
        elif length == 0:
            length = end - pos
        yield kind, data[pos + header:pos + length]
        if kind in (b"jp2h", b"res ", b"uinf", b"asoc"):
            yield from boxes(data[pos + header:pos + length], 0, length - header)
        pos += length


def typed(text):
    text = (text or "").strip()
    if text.isdigit():
        return "int", int(text)
    try:
        v = float(text)
    except ValueError:
        return "str", text
    if math.isnan(v) or math.isinf(v):
        return "nan", None
    return "float", v


def keywords(path):
    data = open(path, "rb").read()
    xml = next(content for kind, content in boxes(data, 0, len(data)) if kind == b"xml ")
    # Helioviewer files end the box with NUL padding, which is not XML.
    root = ET.fromstring(xml.rstrip(b"\x00 \t\r\n").decode("utf-8", "replace"))
    fits = root if root.tag.lower() == "fits" else next(e for e in root.iter() if e.tag.lower() == "fits")
    out = {}
    for child in fits:
        key = child.tag.upper()
        if key in ("HISTORY", "COMMENT"):
            continue
        kind, value = typed("".join(child.itertext()))
        out.setdefault(key, {"type": kind, "value": value})
    return out


def main():
    import glymur
    import numpy as np
    import sunpy.map

    result = {}
    for path in sys.argv[1:]:
        jp2 = glymur.Jp2k(path)
        full = np.asarray(jp2[:])[::-1]  # FITS row order, as sunpy
        h, w = full.shape[:2]
        kw = keywords(path)
        cod = next(s for s in jp2.codestream.segment if s.marker_id == "COD")
        samples = []
        for fx, fy in [(0, 0), (0.5, 0.5), (0.25, 0.75), (0.61, 0.33), (0.9, 0.1), (0.999, 0.999), (0.4, 0.55)]:
            x, y = int(fx * (w - 1)), int(fy * (h - 1))
            samples.append([x, y, int(full[y, x])])
        reduced = np.asarray(jp2[::4, ::4])[::-1]
        rh, rw = reduced.shape[:2]
        rsamples = []
        for fx, fy in [(0, 0), (0.5, 0.5), (0.3, 0.7), (0.8, 0.2), (0.999, 0.999)]:
            x, y = int(fx * (rw - 1)), int(fy * (rh - 1))
            rsamples.append([x, y, int(reduced[y, x])])
        entry = {
            "width": w, "height": h, "levels": int(cod.num_res),
            "keywords": kw, "pixels": samples,
            "reduced2": {"width": rw, "height": rh, "pixels": rsamples},
            "mean": float(full.mean()),
        }
        # Apparent solar radius seen from Earth at the observation date (sunpy's ephemeris).
        from sunpy.coordinates import sun
        date = str(kw.get("DATE-OBS", kw.get("DATE_OBS"))["value"]).rstrip("Z")
        entry["earth_angular_radius_arcsec"] = float(sun.angular_radius(date).to_value("arcsec"))
        naxis_ok = kw.get("NAXIS1", {}).get("value") == w and kw.get("NAXIS2", {}).get("value") == h
        if naxis_ok:
            m = sunpy.map.Map(path)
            pts = [(0, 0), (w / 2 - 0.5, h / 2 - 0.5), (0.3 * w, 0.6 * h), (w - 1, h - 1), (0.7 * w, 0.25 * h)]
            world = []
            for x, y in pts:
                c = m.wcs.pixel_to_world(x, y)
                world.append([x, y, c.Tx.to_value("arcsec"), c.Ty.to_value("arcsec")])
            entry["wcs"] = world
        result[os.path.basename(path)] = entry
    json.dump(result, sys.stdout, indent=1)


if __name__ == "__main__":
    main()
