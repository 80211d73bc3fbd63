#include "core/map/FitsReader.h"

#include "core/base/FileHead.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QStringList>

#include <fitsio.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <memory>

namespace solarchip {

namespace {

struct FitsCloser {
    void operator()(fitsfile *f) const
    {
        int status = 0;
        fits_close_file(f, &status);
    }
};
using FitsPtr = std::unique_ptr<fitsfile, FitsCloser>;

QString cfitsioText(int status)
{
    char text[FLEN_STATUS] = {0};
    fits_get_errstatus(status, text);
    return QString::fromLatin1(text);
}

// Turns a CFITSIO status into a sentence a user can act on.
QString describe(int status, const QString &path)
{
    switch (status) {
    case FILE_NOT_OPENED:
    case FILE_NOT_CREATED:
        if (!QFileInfo::exists(path))
            return QStringLiteral("no such file");
        if (QFileInfo(path).isDir())
            return QStringLiteral("is a folder, not a FITS file");
        if (!QFileInfo(path).isReadable())
            return QStringLiteral("permission denied");
        return QStringLiteral("could not be opened (%1)").arg(cfitsioText(status));
    case UNKNOWN_REC:
    case NO_SIMPLE:
    case BAD_SIMPLE:
    case NO_XTENSION:
        return QStringLiteral("not a FITS file (it does not start with a SIMPLE = T header card)");
    case END_OF_FILE:
    case READ_ERROR:
    case BAD_HEADER_FILL:
        return QStringLiteral("truncated: the file ends before the header or data it declares");
    case NO_END:
        return QStringLiteral("truncated or corrupt header: no END card found");
    case NO_BITPIX:
    case BAD_BITPIX:
    case NO_NAXIS:
    case BAD_NAXIS:
    case NO_NAXES:
    case BAD_NAXES:
    case NO_PCOUNT:
    case NO_GCOUNT:
    case NOT_POS_INT:
        return QStringLiteral("invalid FITS header: %1 (the mandatory keywords are missing or out of order)")
            .arg(cfitsioText(status));
    case DATA_DECOMPRESSION_ERR:
    case DATA_COMPRESSION_ERR:
        return QStringLiteral("corrupt tile-compressed data (%1)").arg(cfitsioText(status));
    default:
        return cfitsioText(status);
    }
}

Error fitsError(const QString &path, int status, const QString &context = {})
{
    QString msg = describe(status, path);
    if (!context.isEmpty())
        msg = context + QStringLiteral(": ") + msg;
    return Error{path, msg};
}

// The current HDU's cards (fits_hdr2str).
Expected<FitsHeader> cardsOf(fitsfile *f, const QString &path, int hdu)
{
    char *cards = nullptr;
    int ncards = 0, status = 0;
    fits_hdr2str(f, 0, nullptr, 0, &cards, &ncards, &status);
    int freeStatus = 0;  // fits_free_memory does nothing under a non-zero status
    if (status) {
        if (cards)
            fits_free_memory(cards, &freeStatus);
        return fitsError(path, status, QStringLiteral("reading the header of HDU %1").arg(hdu));
    }
    FitsHeader h = FitsHeader::fromCardString(QByteArray(cards, static_cast<qsizetype>(ncards) * 80));
    fits_free_memory(cards, &freeStatus);
    return h;
}

// The header of the image a tile-compressed table holds, by the tiled-image convention (FITS standard 4.0, sec.
// 10.1): the image's structure first (SIMPLE from ZSIMPLE, else XTENSION from ZTENSION or 'IMAGE'; BITPIX, NAXIS,
// NAXISn from ZBITPIX, ZNAXIS, ZNAXISn; EXTEND from ZEXTEND for a primary image, PCOUNT and GCOUNT from ZPCOUNT and
// ZGCOUNT, else 0 and 1, for an extension), then every other card in order, ZHECKSUM/ZDATASUM as the image's
// CHECKSUM/DATASUM; the table's own structure, its checksums (they sum the compressed table, not the image), the
// compression bookkeeping (Z*, TTYPEn...) and the default EXTNAME 'COMPRESSED_IMAGE' go.
// CFITSIO's fits_convert_hdr2str gives the same cards but builds the whole uncompressed image in memory to do so
// (a zero-filled 32 MiB for a 4096^2 AIA file: 30 ms per header on this machine), so it is not used.
FitsHeader uncompressedHeader(const FitsHeader &table)
{
    FitsHeader h;
    auto copy = [&](const char *from, const char *to) {
        for (const FitsCard &c : table.cards())
            if (c.key == QLatin1String(from)) {
                h.append(FitsCard{QLatin1String(to), c.value, c.comment});
                return;
            }
    };
    const bool primary = table.has(QStringLiteral("ZSIMPLE"));
    if (primary)
        copy("ZSIMPLE", "SIMPLE");
    else if (table.has(QStringLiteral("ZTENSION")))
        copy("ZTENSION", "XTENSION");
    else
        h.setString(QStringLiteral("XTENSION"), QStringLiteral("IMAGE"), QStringLiteral("Image extension"));
    copy("ZBITPIX", "BITPIX");
    copy("ZNAXIS", "NAXIS");
    const int naxis = static_cast<int>(table.number(QStringLiteral("ZNAXIS"), 0));
    for (int i = 1; i <= naxis; ++i)
        copy(qPrintable(QStringLiteral("ZNAXIS%1").arg(i)), qPrintable(QStringLiteral("NAXIS%1").arg(i)));
    if (primary) {
        copy("ZEXTEND", "EXTEND");
    } else {
        if (table.has(QStringLiteral("ZPCOUNT")))
            copy("ZPCOUNT", "PCOUNT");
        else
            h.setInteger(QStringLiteral("PCOUNT"), 0);
        if (table.has(QStringLiteral("ZGCOUNT")))
            copy("ZGCOUNT", "GCOUNT");
        else
            h.setInteger(QStringLiteral("GCOUNT"), 1);
    }
    for (const FitsCard &c : table.cards()) {
        FitsCard card = c;
        if (c.key == QLatin1String("ZHECKSUM"))
            card.key = QStringLiteral("CHECKSUM");
        else if (c.key == QLatin1String("ZDATASUM"))
            card.key = QStringLiteral("DATASUM");
        else if (FitsHeader::isStructuralKey(c.key) && c.key != QLatin1String("BSCALE") && c.key != QLatin1String("BZERO")
                 && c.key != QLatin1String("BLANK") && c.key != QLatin1String("EXTNAME"))
            continue;  // XTENSION, the table's BITPIX/NAXISn/PCOUNT/GCOUNT/TFIELDS/TTYPEn..., Z* bookkeeping
        else if (c.key == QLatin1String("EXTNAME") && table.string(c.key).value_or(QString()) == QLatin1String("COMPRESSED_IMAGE"))
            continue;  // the convention's default name of the table, not the image's
        h.append(card);
    }
    return h;
}

Expected<FitsHeader> imageHeader(fitsfile *f, bool compressed, const QString &path, int hdu)
{
    auto cards = cardsOf(f, path, hdu);
    if (!cards || !compressed)
        return cards;
    return uncompressedHeader(*cards);
}

// Opens the file (READONLY) and moves to the first 2-D image HDU.
Expected<FitsImageInfo> openImage(const QString &path, FitsPtr &out)
{
    const QFileInfo fi(path);
    {
        // Cheap signature check gives a clearer message than CFITSIO for arbitrary files.
        auto read = readFileHead(path, 30, QStringLiteral("FITS file"));
        if (!read)
            return read.error();
        const QByteArray &head = *read;
        if (!head.startsWith("SIMPLE  =") || head.mid(29, 1) != "T")
            return Error{path, QStringLiteral("not a FITS file (it does not start with a SIMPLE = T header card)")};
        if (fi.size() < 2880)
            return Error{path, QStringLiteral("truncated: %1 bytes, shorter than one 2880-byte FITS header block")
                                   .arg(fi.size())};
    }

    fitsfile *raw = nullptr;
    int status = 0;
    // Escape CFITSIO's extended filename syntax: a literal path never has [] filters applied.
    const QByteArray name = QFile::encodeName(path);
    fits_open_diskfile(&raw, name.constData(), READONLY, &status);
    if (status)
        return fitsError(path, status);
    out.reset(raw);

    int nhdu = 0;
    fits_get_num_hdus(raw, &nhdu, &status);
    if (status)
        return fitsError(path, status);

    QStringList seen;  // what each HDU holds, for the message when none is a 2-D image
    for (int hdu = 1; hdu <= nhdu; ++hdu) {
        int type = 0;
        fits_movabs_hdu(raw, hdu, &type, &status);
        if (status)
            return fitsError(path, status, QStringLiteral("HDU %1").arg(hdu));
        if (type == BINARY_TBL || type == ASCII_TBL) {  // CFITSIO reports tile-compressed images as IMAGE_HDU
            seen << QStringLiteral("HDU %1 a%2 table").arg(hdu).arg(type == ASCII_TBL ? QStringLiteral("n ASCII")
                                                                                     : QStringLiteral(" binary"));
            continue;
        }
        if (type != IMAGE_HDU)
            continue;
        int groups = 0, s = 0;
        if (fits_read_key(raw, TLOGICAL, "GROUPS", &groups, nullptr, &s) == 0 && groups) {
            seen << QStringLiteral("HDU %1 random groups (GROUPS = T)").arg(hdu);
            continue;
        }
        constexpr int kMaxAxes = 9;
        long dims[kMaxAxes] = {0};
        int bitpix = 0, naxis = 0;
        fits_get_img_param(raw, kMaxAxes, &bitpix, &naxis, dims, &status);
        if (status)
            return fitsError(path, status, QStringLiteral("HDU %1").arg(hdu));
        if (naxis < 2) {
            seen << (naxis == 0 ? QStringLiteral("HDU %1 a header without data").arg(hdu)
                                : QStringLiteral("HDU %1 a 1-D array of %2").arg(hdu).arg(dims[0]));
            continue;
        }
        QStringList shape;
        bool empty = false, cube = false;
        for (int i = 0; i < std::min(naxis, kMaxAxes); ++i) {
            shape << QString::number(dims[i]);
            empty = empty || dims[i] <= 0;
            cube = cube || (i >= 2 && dims[i] > 1);
        }
        if (empty) {
            seen << QStringLiteral("HDU %1 an image with a zero-length axis (%2)").arg(hdu).arg(shape.join(QLatin1Char('x')));
            continue;
        }
        if (cube)
            return Error{path, QStringLiteral("HDU %1 is a %2-D cube (%3); SDO maps are 2-D images")
                                   .arg(hdu).arg(naxis).arg(shape.join(QLatin1Char('x')))};

        FitsImageInfo info;
        info.file = path;
        info.hdu = hdu;
        info.naxis1 = static_cast<int>(dims[0]);
        info.naxis2 = static_cast<int>(dims[1]);
        info.fileSize = fi.size();
        info.bitpix = bitpix;  // the stored BITPIX (BSCALE/BZERO are applied on reading)
        status = 0;
        info.compressed = fits_is_compressed_image(raw, &status);

        auto header = imageHeader(raw, info.compressed, path, hdu);
        if (!header)
            return header.error();
        info.header = std::move(header.value());
        if (info.compressed) {
            // The compressed table's own header keeps ZCMPTYPE.
            char value[FLEN_VALUE] = {0};
            int s = 0;
            fits_read_key(raw, TSTRING, "ZCMPTYPE", value, nullptr, &s);
            if (!s)
                info.compression = QString::fromLatin1(value).trimmed();
            // The compressed tiles live in the table (NAXIS1 x NAXIS2 bytes) and its heap (PCOUNT bytes): a file
            // cut short (an interrupted download) would otherwise only fail when the pixels are read.
            LONGLONG rowBytes = 0, rows = 0, heap = 0, headStart = 0, dataStart = 0, dataEnd = 0;
            s = 0;
            fits_read_key(raw, TLONGLONG, "NAXIS1", &rowBytes, nullptr, &s);
            fits_read_key(raw, TLONGLONG, "NAXIS2", &rows, nullptr, &s);
            fits_read_key(raw, TLONGLONG, "PCOUNT", &heap, nullptr, &s);
            fits_get_hduaddrll(raw, &headStart, &dataStart, &dataEnd, &s);
            if (!s && dataStart + rowBytes * rows + heap > fi.size())
                return Error{path, QStringLiteral("truncated: the compressed %1x%2 image in HDU %3 needs %4 bytes but "
                                                  "the file has %5")
                                       .arg(dims[0]).arg(dims[1]).arg(hdu).arg(dataStart + rowBytes * rows + heap)
                                       .arg(fi.size())};
        }

        // Check the file is long enough for uncompressed data (CFITSIO would only fail on reading).
        if (!info.compressed) {
            LONGLONG headStart = 0, dataStart = 0, dataEnd = 0;
            fits_get_hduaddrll(raw, &headStart, &dataStart, &dataEnd, &status);
            const LONGLONG needed = dataStart
                + static_cast<LONGLONG>(std::abs(bitpix) / 8) * dims[0] * dims[1];
            if (!status && needed > fi.size())
                return Error{path, QStringLiteral("truncated: the %1x%2 image in HDU %3 needs %4 bytes but the "
                                                  "file has %5")
                                       .arg(dims[0]).arg(dims[1]).arg(hdu).arg(needed).arg(fi.size())};
            status = 0;
        }
        return info;
    }
    // FITS files are whole 2880-byte blocks: a file that is not, with no image found, was most likely cut inside
    // the header of its image HDU.
    if (fi.size() % 2880 != 0)
        return Error{path, QStringLiteral("truncated: %1 bytes is not a whole number of 2880-byte FITS blocks, and no "
                                          "complete image HDU was found").arg(fi.size())};
    constexpr int kListed = 6;
    QString what = seen.mid(0, kListed).join(QStringLiteral(", "));
    if (seen.size() > kListed)
        what += QStringLiteral(" and %1 more").arg(seen.size() - kListed);
    return Error{path, QStringLiteral("no 2-D image HDU in the file (%1 HDU%2: %3)")
                           .arg(nhdu).arg(nhdu == 1 ? "" : "s").arg(what)};
}

}  // namespace

Expected<FitsImageInfo> FitsReader::readInfo(const QString &path)
{
    FitsPtr f;
    return openImage(path, f);
}

Expected<FitsImage> FitsReader::read(const QString &path)
{
    FitsPtr f;
    auto info = openImage(path, f);
    if (!info)
        return info.error();

    FitsImage out;
    out.info = std::move(info.value());
    const int w = out.info.naxis1;
    const int h = out.info.naxis2;
    try {
        out.image = Image(w, h);
    } catch (const std::bad_alloc &) {
        return Error{path, QStringLiteral("not enough memory for a %1x%2 image").arg(w).arg(h)};
    }

    int status = 0;
    int anynul = 0;
    float nanValue = std::numeric_limits<float>::quiet_NaN();
    const LONGLONG n = static_cast<LONGLONG>(w) * h;
    // CFITSIO applies BSCALE/BZERO and writes NaN for BLANK (integer) pixels; float NaNs stay NaN.
    fits_read_img(f.get(), TFLOAT, 1, n, &nanValue, out.image.data(), &anynul, &status);
    if (status)
        return fitsError(path, status, QStringLiteral("reading the %1x%2 image of HDU %3").arg(w).arg(h).arg(out.info.hdu));
    // Infinities are not data either.
    float *p = out.image.data();
    for (LONGLONG i = 0; i < n; ++i)
        if (std::isinf(p[i]))
            p[i] = nanValue;
    return out;
}

Expected<double> FitsReader::readPixel(const QString &path, int x, int y)
{
    FitsPtr f;
    auto info = openImage(path, f);
    if (!info)
        return info.error();
    if (x < 0 || y < 0 || x >= info->naxis1 || y >= info->naxis2)
        return Error{path, QStringLiteral("pixel (%1, %2) is outside the %3x%4 image").arg(x).arg(y)
                               .arg(info->naxis1).arg(info->naxis2)};
    int status = 0, anynul = 0;
    double nanValue = std::numeric_limits<double>::quiet_NaN();
    double value = 0;
    long first[2] = {x + 1L, y + 1L};
    fits_read_pix(f.get(), TDOUBLE, first, 1, &nanValue, &value, &anynul, &status);
    if (status)
        return fitsError(path, status, QStringLiteral("reading pixel (%1, %2) of HDU %3").arg(x).arg(y).arg(info->hdu));
    return std::isinf(value) ? nanValue : value;
}

Expected<FitsImage> FitsReader::readSection(const QString &path, int x0, int y0, int width, int height)
{
    FitsPtr f;
    auto info = openImage(path, f);
    if (!info)
        return info.error();
    if (width <= 0 || height <= 0 || x0 < 0 || y0 < 0 || x0 + width > info->naxis1 || y0 + height > info->naxis2)
        return Error{path, QStringLiteral("pixels %1..%2 x %3..%4 are not inside the %5x%6 image")
                               .arg(x0).arg(x0 + width - 1).arg(y0).arg(y0 + height - 1)
                               .arg(info->naxis1).arg(info->naxis2)};
    FitsImage out;
    out.info = std::move(info.value());
    try {
        out.image = Image(width, height);
    } catch (const std::bad_alloc &) {
        return Error{path, QStringLiteral("not enough memory for a %1x%2 section").arg(width).arg(height)};
    }
    int status = 0, anynul = 0;
    float nanValue = std::numeric_limits<float>::quiet_NaN();
    long first[2] = {x0 + 1L, y0 + 1L};
    long last[2] = {static_cast<long>(x0) + width, static_cast<long>(y0) + height};
    long step[2] = {1, 1};
    fits_read_subset(f.get(), TFLOAT, first, last, step, &nanValue, out.image.data(), &anynul, &status);
    if (status)
        return fitsError(path, status, QStringLiteral("reading pixels %1..%2 x %3..%4 of HDU %5")
                                           .arg(x0).arg(x0 + width - 1).arg(y0).arg(y0 + height - 1).arg(out.info.hdu));
    for (float &v : out.image.pixels)
        if (std::isinf(v))
            v = nanValue;
    return out;
}

}  // namespace solarchip
