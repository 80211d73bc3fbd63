#pragma once
// Helioviewer JPEG2000 files (.jp2): the 8-bit display image plus the FITS header that Helioviewer stores
// as XML in the JP2 "xml " box (<meta><fits><KEY>value</KEY>...</fits></meta>). Decoding uses OpenJPEG 2.5.
// The result is an ordinary SdoMap, so these files can be browsed like FITS maps; pixel values are the
// scaled 8-bit values of the file (0..255), not physical units: the map's header says BUNIT = '8-bit
// scaled' (the original unit kept as HVBUNIT), its MapMeta is displayScaled with unit "byte" (shown linearly
// over 0..255 with the channel's colours, like JHelioviewer), keywords FITS cannot hold (longer than 8 characters)
// become COMMENT cards, and placeholder observer keywords are dropped (HISTORY says which).
//
// Row order: JPEG2000 stores the top row first; Image row 0 is FITS row 1 (the bottom), so rows are flipped
// (as sunpy does), which makes the header's WCS apply unchanged.
//
// Reduced resolution: `reduce` = r decodes only the wavelet's low-pass band after r levels (each halves
// the size, h = ceil(H / 2^r)); the JPEG2000 low-pass sample n sits on input sample 2n, counted from the
// top row. In FITS row order (from the bottom) reduced pixel (x, y) is therefore full-resolution pixel
// (2^r x, 2^r y + H - 1 - 2^r (h - 1)), and the WCS is adjusted accordingly.

#include "core/base/Expected.h"
#include "core/map/FitsHeader.h"
#include "core/base/Image.h"
#include "core/map/SdoMap.h"

#include <QByteArray>
#include <QString>

namespace solarchip {

/// What a .jp2 file holds, read without decoding the image.
struct Jp2Info {
    QString file;
    int width = 0;             // full-resolution size from the codestream
    int height = 0;
    int components = 0;
    int precision = 0;         // bits per sample
    bool isSigned = false;
    int resolutionLevels = 0;  // wavelet decomposition levels: the largest usable `reduce`
    QByteArray xml;            // the first XML box, verbatim
    bool helioviewer = false;  // the XML has a <helioviewer> element
    FitsHeader header;         // cards from the <fits> element (empty if none)
};

class Jp2Reader {
public:
    /// True when `bytes` start with the JP2 signature box (00 00 00 0C 6A 50 20 20 0D 0A 87 0A).
    static bool hasJp2Signature(const QByteArray &bytes);
    /// Reads the first 12 bytes of a file and checks the signature (false if unreadable).
    static bool isJp2File(const QString &path);

    /// Boxes and codestream header only: sizes, levels and the FITS header of the XML box. Reads the boxes and
    /// the first 64 KiB of the codestream, not the whole file (the whole file only when that is not enough).
    static Expected<Jp2Info> readInfo(const QString &path);

    /// Threads OpenJPEG starts for each decode (default: every core, right for one decode at a time). The app
    /// decodes on its Io pool, several maps side by side, and sets the thread budget's share here at start-up.
    static void setDecoderThreads(int threads);

    /// Decodes component 0 into an Image in FITS row order (row 0 = bottom), at 1/2^reduce resolution.
    static Expected<Image> readImage(const QString &path, int reduce = 0);

    /// The whole map: header from the XML box (adjusted for `reduce` and for images whose size differs
    /// from NAXIS1/2, e.g. resampled files), the decoded image and the WCS.
    static Expected<SdoMap> read(const QString &path, int reduce = 0);

    /// The header of the map that read(path, reduce) returns, from the boxes alone (nothing decoded): the XML
    /// box's cards with placeholder observer keywords dropped, the WCS adjusted for resampled files and for
    /// `reduce`, BUNIT = '8-bit scaled' and keywords FITS cannot hold kept as COMMENT text. Fails when the file
    /// has no XML box or no <fits> element, or when the image and NAXIS1/2 disagree in aspect.
    static Expected<FitsHeader> mapHeader(const Jp2Info &info, int reduce = 0);
    /// Width or height of the image decoded at `reduce`: ceil(side / 2^reduce), as OpenJPEG decodes it.
    static int reducedSide(int side, int reduce);
    /// BITPIX that describes the stored samples (8 for Helioviewer's 8-bit files, else 16).
    static int storedBitpix(const Jp2Info &info);

    /// Smallest `reduce` whose image is at most `maxSide` pixels on its longer side (capped at the
    /// file's levels): e.g. 2 for a 4096^2 file and maxSide 1024.
    static int reduceForMaxSide(const Jp2Info &info, int maxSide);

    /// The <fits> element of a Helioviewer XML box as FITS cards: numbers stay numbers, other text
    /// becomes quoted strings, "nan" values are dropped (FITS has no NaN literal; the keyword is treated
    /// as absent), multi-line <history>/<comment> become HISTORY/COMMENT cards.
    static Expected<FitsHeader> headerFromXml(const QByteArray &xml, const QString &file);

    /// The header of the same field sampled on a width x height grid whose pixel (x, y) sits at original
    /// pixel (scale x + offsetX, scale y + offsetY) (0-based): CRPIXn, CDELTn (or CDn_m) and NAXISn
    /// updated, a HISTORY card added.
    static FitsHeader rescaledHeader(const FitsHeader &header, double scale, double offsetX, double offsetY,
                                     int width, int height, const QString &why);
};

}  // namespace solarchip
