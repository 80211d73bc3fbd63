#include "core/map/MapFile.h"

#include "core/base/FileHead.h"
#include "core/map/Jp2Reader.h"

#include <QFileInfo>

namespace solarchip {

namespace {

// The metadata of a map from the header it carries and the size and storage of its image. The header's own
// NAXISn/BITPIX are not trusted for these: a tile-compressed HDU's header describes the table, a reduced or
// resampled JPEG2000 image is not the size its XML says.
Expected<MapMeta> metaFor(const FitsHeader &header, const QString &path, int width, int height, int bitpix)
{
    auto meta = MapMeta::fromHeader(header, path);
    if (!meta)
        return meta.error();
    meta->naxis1 = width;
    meta->naxis2 = height;
    meta->bitpix = bitpix;
    return meta;
}

Expected<MapFileInfo> fitsInfo(const QString &path)
{
    auto fits = FitsReader::readInfo(path);
    if (!fits)
        return fits.error();
    MapFileInfo info;
    info.format = MapFormat::Fits;
    auto meta = metaFor(fits->header, path, fits->naxis1, fits->naxis2, fits->bitpix);
    if (!meta)
        return meta.error();
    info.meta = std::move(meta.value());
    info.source = std::move(fits.value());
    return info;
}

int jp2Reduce(const Jp2Info &jp2, int maxSide)
{
    return maxSide > 0 ? Jp2Reader::reduceForMaxSide(jp2, maxSide) : 0;
}

Expected<MapFileInfo> jp2Info(const QString &path, int maxSide)
{
    auto jp2 = Jp2Reader::readInfo(path);
    if (!jp2)
        return jp2.error();
    MapFileInfo info;
    info.format = MapFormat::Jp2;
    info.reduce = jp2Reduce(*jp2, maxSide);
    info.resolutionLevels = jp2->resolutionLevels;
    auto header = Jp2Reader::mapHeader(*jp2, info.reduce);
    if (!header)
        return header.error();
    const int width = Jp2Reader::reducedSide(jp2->width, info.reduce);
    const int height = Jp2Reader::reducedSide(jp2->height, info.reduce);
    auto meta = metaFor(*header, path, width, height, Jp2Reader::storedBitpix(*jp2));
    if (!meta)
        return meta.error();
    info.meta = std::move(meta.value());
    FitsImageInfo &s = info.source;
    s.file = path;
    s.hdu = 0;
    s.bitpix = info.meta.bitpix;
    s.naxis1 = width;
    s.naxis2 = height;
    s.compressed = true;
    s.compression = QStringLiteral("JPEG2000");
    s.fileSize = QFileInfo(path).size();
    s.header = std::move(header.value());
    return info;
}

Expected<SdoMap> loadFits(const QString &path)
{
    auto fits = FitsReader::read(path);
    if (!fits)
        return fits.error();
    SdoMap map;
    auto meta = metaFor(fits->info.header, path, fits->image.width, fits->image.height, fits->info.bitpix);
    if (!meta)
        return meta.error();
    map.meta = std::move(meta.value());
    map.source = std::move(fits->info);
    map.header = map.source.header;
    auto wcs = Wcs::fromHeader(map.header, map.meta);
    if (!wcs)
        return wcs.error();
    map.wcs = std::move(wcs.value());
    map.image = std::move(fits->image);
    map.filePixels = FilePixels::identity(path, map.image.width, map.image.height);
    return map;
}

}  // namespace

Expected<MapFormat> MapFile::detectBytes(const QByteArray &head, const QString &path)
{
    if (head.startsWith("SIMPLE  ="))
        return MapFormat::Fits;  // FitsReader says precisely what is wrong with a broken one (SIMPLE = F, cut)
    if (Jp2Reader::hasJp2Signature(head))
        return MapFormat::Jp2;
    if (head.startsWith("\xFF\x4F\xFF\x51"))
        return Error{path, QStringLiteral("a bare JPEG2000 codestream without the JP2 boxes: it carries no FITS "
                                          "header, so it is not a Helioviewer map (those are JP2 files)")};
    if (head.startsWith("\x1F\x8B"))
        return Error{path, QStringLiteral("gzip-compressed: not a FITS file as it stands; decompress it first "
                                          "(gunzip)")};
    if (head.size() < 12 && QByteArray("SIMPLE  =").startsWith(head))
        return Error{path, QStringLiteral("truncated: %1 bytes, shorter than one FITS header card").arg(head.size())};
    return Error{path, QStringLiteral("not a FITS file (it does not start with a SIMPLE = T header card) and not a "
                                      "JPEG2000 file (no JP2 signature box): not a map file")};
}

Expected<MapFormat> MapFile::detect(const QString &path)
{
    auto head = readFileHead(path, 30, QStringLiteral("map file"));
    if (!head)
        return head.error();
    return detectBytes(*head, path);
}

QString MapFile::formatName(MapFormat format)
{
    return format == MapFormat::Jp2 ? QStringLiteral("JPEG2000") : QStringLiteral("FITS");
}

bool MapFile::isCandidateName(const QString &fileName)
{
    static const char *const suffixes[] = {".fits", ".fit", ".fts", ".fz", ".jp2", ".jpx"};
    for (const char *s : suffixes)
        if (fileName.endsWith(QLatin1String(s), Qt::CaseInsensitive))
            return true;
    return false;
}

Expected<MapFileInfo> MapFile::readInfo(const QString &path, int maxSide)
{
    auto format = detect(path);
    if (!format)
        return format.error();
    return *format == MapFormat::Jp2 ? jp2Info(path, maxSide) : fitsInfo(path);
}

Expected<SdoMap> MapFile::load(const QString &path, int maxSide)
{
    auto format = detect(path);
    if (!format)
        return format.error();
    if (*format == MapFormat::Fits)
        return loadFits(path);
    int reduce = 0;
    if (maxSide > 0) {
        auto jp2 = Jp2Reader::readInfo(path);
        if (!jp2)
            return jp2.error();
        reduce = jp2Reduce(*jp2, maxSide);
    }
    return Jp2Reader::read(path, reduce);
}

Expected<PixelFrame> MapFile::readFrame(const QString &path, int maxSide)
{
    auto info = readInfo(path, maxSide);
    if (!info)
        return info.error();
    if (info->meta.naxis1 <= 0 || info->meta.naxis2 <= 0)
        return Error{path, QStringLiteral("the image has no pixels (NAXIS1=%1, NAXIS2=%2)")
                               .arg(info->meta.naxis1).arg(info->meta.naxis2)};
    auto wcs = Wcs::fromHeader(info->source.header, info->meta);
    if (!wcs)
        return wcs.error();
    PixelFrame f;
    f.width = info->meta.naxis1;
    f.height = info->meta.naxis2;
    f.meta = std::move(info->meta);
    f.wcs = std::move(wcs.value());
    return f;
}

}  // namespace solarchip
