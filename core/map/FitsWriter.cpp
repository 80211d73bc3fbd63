#include "core/map/FitsWriter.h"

#include "core/base/AtomicFile.h"

#include <QFile>
#include <QFileInfo>

#include <fitsio.h>

#include <cmath>
#include <limits>
#include <vector>

namespace solarchip {

namespace {

QString cfitsioText(int status)
{
    char text[FLEN_STATUS] = {0};
    fits_get_errstatus(status, text);
    return QString::fromLatin1(text);
}

int compressionCode(const QString &name, bool &ok)
{
    ok = true;
    const QString n = name.toUpper();
    if (n == QLatin1String("RICE_1") || n == QLatin1String("RICE"))
        return RICE_1;
    if (n == QLatin1String("GZIP_1") || n == QLatin1String("GZIP"))
        return GZIP_1;
    if (n == QLatin1String("GZIP_2"))
        return GZIP_2;
    if (n == QLatin1String("HCOMPRESS_1"))
        return HCOMPRESS_1;
    if (n == QLatin1String("PLIO_1"))
        return PLIO_1;
    ok = false;
    return 0;
}

// The COMMENT block CFITSIO writes into every primary header it creates ("FITS (Flexible Image Transport
// System) format is defined in 'Astronomy / and Astrophysics', volume 376, page 359; bibcode: 2001A&A...376..359H").
bool isFitsDefinitionComment(const FitsCard &c)
{
    if (c.key != QLatin1String("COMMENT"))
        return false;
    const QString t = c.value.trimmed();
    return t.startsWith(QLatin1String("FITS (Flexible Image Transport System) format is defined"))
           || t.startsWith(QLatin1String("and Astrophysics', volume 376, page 359"));
}

template <class T>
void quantise(const Image &image, double bscale, double bzero, T blank, std::vector<T> &out)
{
    const double lo = static_cast<double>(std::numeric_limits<T>::min());
    const double hi = static_cast<double>(std::numeric_limits<T>::max());
    out.resize(image.size());
    const float *p = image.data();
    for (std::size_t i = 0; i < image.size(); ++i) {
        const double v = p[i];
        if (!std::isfinite(v)) {
            out[i] = blank;
            continue;
        }
        double s = std::nearbyint((v - bzero) / bscale);
        // Keep the BLANK value for missing data only.
        s = std::clamp(s, lo + 1.0, hi);
        out[i] = static_cast<T>(s);
    }
}

}  // namespace

Status FitsWriter::write(const QString &path, const FitsHeader &header, const Image &image,
                         const FitsWriteOptions &options)
{
    if (image.isEmpty())
        return Error{path, QStringLiteral("refusing to write an empty image")};
    // AtomicFile refuses a missing folder or a folder path with the same words a user would get here.
    AtomicFile atomic(path);
    auto opened = atomic.reserveName();
    if (!opened)
        return opened.error();
    const QString tmp = *opened;
    const QString dir = QFileInfo(tmp).absolutePath();
    auto failWith = [&](const QString &msg) -> Status {
        atomic.discard();
        return Error{path, msg};
    };

    int status = 0;
    fitsfile *f = nullptr;
    // CFITSIO creates its file itself and refuses an existing one: AtomicFile reserved a fresh name that does
    // not exist. A leading '!' would mean "overwrite" in CFITSIO's extended syntax, which
    // fits_create_diskfile does not parse (the path is taken literally).
    const QByteArray tmpName = QFile::encodeName(tmp);
    fits_create_diskfile(&f, tmpName.constData(), &status);
    if (status)
        return failWith(QStringLiteral("cannot create a file in %1: %2").arg(dir, cfitsioText(status)));

    bool isInt = false;
    int bitpix = FLOAT_IMG, datatype = TFLOAT;
    switch (options.type) {
    case FitsWriteOptions::Type::Float32: bitpix = FLOAT_IMG; datatype = TFLOAT; break;
    case FitsWriteOptions::Type::Float64: bitpix = DOUBLE_IMG; datatype = TDOUBLE; break;
    case FitsWriteOptions::Type::Int16: bitpix = SHORT_IMG; datatype = TSHORT; isInt = true; break;
    case FitsWriteOptions::Type::Int32: bitpix = LONG_IMG; datatype = TINT; isInt = true; break;
    }

    if (!options.compression.isEmpty()) {
        bool ok = false;
        const int code = compressionCode(options.compression, ok);
        if (!ok) {
            fits_close_file(f, &status);
            return failWith(QStringLiteral("unknown compression '%1'").arg(options.compression));
        }
        fits_set_compression_type(f, code, &status);
        long tile[2] = {options.tileWidth > 0 ? options.tileWidth : image.width,
                        options.tileHeight > 0 ? options.tileHeight : 1};
        fits_set_tile_dim(f, 2, tile, &status);
        if (!isInt && options.quantizeLevel != 0.0f)
            fits_set_quantize_level(f, options.quantizeLevel, &status);
        // Real SDO files: an empty primary HDU, the compressed image in HDU 2.
        fits_create_img(f, BYTE_IMG, 0, nullptr, &status);
    }
    long naxes[2] = {image.width, image.height};
    fits_create_img(f, bitpix, 2, naxes, &status);
    if (status) {
        fits_close_file(f, &status);
        return failWith(QStringLiteral("cannot create the image HDU: %1").arg(cfitsioText(status)));
    }

    // Copy the caller's cards, except the ones CFITSIO owns: the structural keys, and the two COMMENT lines on
    // the FITS definition that fits_create_img has just written (a header read from a file carries them too;
    // copied, the block would appear twice). Text goes in as plain ASCII, as FITS requires (a label's minus
    // sign or delta would otherwise come out as '?').
    for (const FitsCard &original : header.cards()) {
        if (FitsHeader::isStructuralKey(original.key) || isFitsDefinitionComment(original))
            continue;
        FitsCard c = original;
        c.value = FitsHeader::asciiText(c.value);
        c.comment = FitsHeader::asciiText(c.comment);
        if (c.key == QLatin1String("HISTORY")) {
            fits_write_history(f, c.value.toLatin1().constData(), &status);
        } else if (c.key == QLatin1String("COMMENT")) {
            fits_write_comment(f, c.value.toLatin1().constData(), &status);
        } else {
            // Keys longer than 8 characters become HIERARCH cards (FitsHeader::cardImage).
            const QByteArray card = FitsHeader::cardImage(c);
            if (card.isEmpty())
                status = BAD_KEYCHAR;  // too long even for HIERARCH: kept as a COMMENT below
            else
                fits_write_record(f, card.constData(), &status);
        }
        if (status) {
            // A malformed card: write it as a COMMENT so nothing is lost, and continue.
            status = 0;
            fits_write_comment(f, (c.key + QStringLiteral(" ") + c.value).toLatin1().constData(), &status);
        }
    }

    const LONGLONG n = static_cast<LONGLONG>(image.size());
    if (isInt) {
        const double bscale = options.bscale != 0.0 ? options.bscale : 1.0;
        const double bzero = options.bzero;
        if (bscale != 1.0 || bzero != 0.0) {
            fits_write_key(f, TDOUBLE, "BSCALE", const_cast<double *>(&bscale), "physical = BZERO + BSCALE * stored", &status);
            fits_write_key(f, TDOUBLE, "BZERO", const_cast<double *>(&bzero), nullptr, &status);
        }
        // Write the stored integers directly; CFITSIO must not rescale them again.
        fits_set_bscale(f, 1.0, 0.0, &status);
        if (options.type == FitsWriteOptions::Type::Int16) {
            short blank = std::numeric_limits<short>::min();
            fits_write_key(f, TSHORT, "BLANK", &blank, "value of missing pixels", &status);
            fits_set_imgnull(f, blank, &status);
            std::vector<short> buf;
            quantise<short>(image, bscale, bzero, blank, buf);
            fits_write_img(f, TSHORT, 1, n, buf.data(), &status);
        } else {
            int blank = std::numeric_limits<int>::min();
            fits_write_key(f, TINT, "BLANK", &blank, "value of missing pixels", &status);
            fits_set_imgnull(f, blank, &status);
            std::vector<int> buf;
            quantise<int>(image, bscale, bzero, blank, buf);
            fits_write_img(f, TINT, 1, n, buf.data(), &status);
        }
    } else if (datatype == TDOUBLE) {
        std::vector<double> buf(image.pixels.begin(), image.pixels.end());
        fits_write_img(f, TDOUBLE, 1, n, buf.data(), &status);
    } else {
        fits_write_img(f, TFLOAT, 1, n, const_cast<float *>(image.data()), &status);
    }
    if (!status)
        fits_write_chksum(f, &status);
    if (!status && !options.checksumTime.isEmpty()) {
        // Replace the time stamps in the comments, then recompute CHECKSUM by the FITS checksum convention
        // (value zeroed, ones'-complement sum of header + data, complement encoded); DATASUM is unchanged.
        // fits_write_chksum would stamp the current time again.
        const QByteArray when = options.checksumTime.toLatin1();
        fits_modify_comment(f, "DATASUM", ("data unit checksum updated " + when).constData(), &status);
        fits_modify_comment(f, "CHECKSUM", ("HDU checksum updated " + when).constData(), &status);
        char zero[] = "0000000000000000";
        fits_modify_key_str(f, "CHECKSUM", zero, "&", &status);
        unsigned long datasum = 0, hdusum = 0;
        fits_get_chksum(f, &datasum, &hdusum, &status);
        char encoded[FLEN_VALUE] = {0};
        fits_encode_chksum(hdusum, TRUE, encoded);
        fits_modify_key_str(f, "CHECKSUM", encoded, "&", &status);
    }
    const int writeStatus = status;
    int closeStatus = 0;
    fits_close_file(f, &closeStatus);
    if (writeStatus || closeStatus) {
        const int s = writeStatus ? writeStatus : closeStatus;
        QString why = cfitsioText(s);
        if (s == WRITE_ERROR || s == FILE_NOT_CREATED)
            why = QStringLiteral("write failed (disk full or not writable?): ") + why;
        return failWith(why);
    }
    return atomic.commit();
}

}  // namespace solarchip
