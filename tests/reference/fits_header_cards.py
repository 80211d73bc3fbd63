#!/usr/bin/python3
"""The header of a FITS file's first image HDU as astropy reads it (a tile-compressed HDU: the header of the image
it holds, as CompImageHDU presents it), independent of CFITSIO and core/FitsHeader: what the app's FITS header
dialog shows "as stored in the file".

usage: fits_header_cards.py FILE
Prints JSON {"hdu": 1-based HDU number, "cards": n (without END), "nonblank_cards": n without the blank cards,
"values": {KEY: value}} for the keyword cards
(not COMMENT, HISTORY or blank ones; numbers as numbers, strings stripped, booleans as booleans, null for a
keyword without a value).
"""
import json
import sys

from astropy.io import fits


def main():
    with fits.open(sys.argv[1]) as hdul:
        for i, hdu in enumerate(hdul):
            if hdu.is_image and hdu.header.get("NAXIS", 0) == 2:
                break
        else:
            raise SystemExit("no 2-D image HDU")
        header = hdu.header
        values = {}
        for card in header.cards:
            key = card.keyword
            if key in ("", "COMMENT", "HISTORY", "END"):
                continue
            value = card.value
            if isinstance(value, fits.card.Undefined):
                value = None  # a keyword without a value
            elif isinstance(value, str):
                value = value.strip()
            elif not isinstance(value, (bool, int, float)):
                value = str(value)
            values[key] = value
        nonblank = sum(1 for card in header.cards if card.keyword != "")
        print(json.dumps({"hdu": i + 1, "cards": len(header.cards), "nonblank_cards": nonblank, "values": values}))


if __name__ == "__main__":
    main()
