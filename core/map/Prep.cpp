#include "core/map/Prep.h"

#include "core/map/DiskMask.h"

#include <opencv2/core.hpp>

#include <cmath>

namespace solarchip {

namespace {

QString num(double v, int precision = 6) { return QString::number(v, 'g', precision); }

QString interpolationName(Interpolation i)
{
    return i == Interpolation::Bilinear ? QStringLiteral("bilinear") : QStringLiteral("Catmull-Rom cubic");
}

// Rebuilds the map from its edited header and new pixels so header, MapMeta and Wcs agree exactly
// (the Wcs is parsed from the very cards a FitsWriter will write).
Expected<SdoMap> rebuild(const FitsHeader &header, Image image, const SdoMap &from)
{
    auto map = SdoMap::fromHeaderAndImage(header, std::move(image), from.meta.file);
    if (!map)
        return map.error();
    map->source.file = from.source.file;
    return map;
}

void divideInPlace(Image &image, double divisor)
{
    const float inv = static_cast<float>(1.0 / divisor);
    float *p = image.data();
    cv::parallel_for_(cv::Range(0, image.height), [&](const cv::Range &r) {
        float *b = p + static_cast<std::size_t>(r.start) * image.width;
        float *e = p + static_cast<std::size_t>(r.end) * image.width;
        for (; b != e; ++b)
            *b *= inv;  // NaN stays NaN
    });
}

// Checks and returns the per-second unit for exposure normalisation.
Expected<QString> perSecondUnit(const MapMeta &m)
{
    if (!(m.exptime > 0) || !std::isfinite(m.exptime))
        return Error{m.file, m.exptime == 0 ? QStringLiteral("cannot normalise by exposure: no EXPTIME in the header")
                                            : QStringLiteral("cannot normalise by exposure: EXPTIME=%1 is not positive")
                                                  .arg(m.exptime)};
    const QString unit = m.unit.trimmed();
    const QString u = unit.toLower().remove(QLatin1Char(' '));
    if (u.endsWith(QLatin1String("/s")) || u.endsWith(QLatin1String("s-1")) || u.endsWith(QLatin1String("/sec")))
        return Error{m.file, QStringLiteral("already normalised by exposure (unit %1)").arg(unit)};
    return unit.isEmpty() ? QStringLiteral("DN/s") : unit + QStringLiteral("/s");
}

void setUnit(FitsHeader &h, const QString &unit)
{
    h.setString(QStringLiteral("BUNIT"), unit, QStringLiteral("physical unit of the pixels"));
    if (h.has(QStringLiteral("PIXLUNIT")))
        h.setString(QStringLiteral("PIXLUNIT"), unit);
}

}  // namespace

Expected<PixelFrame> Prep::level15Frame(const SdoMap &map, const PrepOptions &o)
{
    return level15Frame(map.meta, map.image.width, map.image.height, o);
}

Expected<PixelFrame> Prep::level15Frame(const MapMeta &in, int inWidth, int inHeight, const PrepOptions &o)
{
    if (!in.isHelioprojective())
        return Error{in.file, QStringLiteral("prep needs a helioprojective map (CTYPE %1/%2); resample other "
                                             "projections onto a helioprojective frame instead")
                                  .arg(in.ctype1, in.ctype2)};
    if (std::isnan(o.scale))
        return Error{in.file, QStringLiteral("invalid plate scale")};
    if (o.width < 0 || o.height < 0)
        return Error{in.file, QStringLiteral("invalid output size %1x%2").arg(o.width).arg(o.height)};
    const double scale = o.scale > 0 ? o.scale : in.plateScale();
    if (!std::isfinite(scale) || scale <= 0)
        return Error{in.file, QStringLiteral("invalid plate scale %1").arg(scale)};
    const int w = o.width > 0 ? o.width : inWidth;
    const int h = o.height > 0 ? o.height : inHeight;

    MapMeta m = in;
    m.cdelt1 = scale;
    m.cdelt2 = scale;
    m.pc[0][0] = m.pc[1][1] = 1.0;
    m.pc[0][1] = m.pc[1][0] = 0.0;
    m.hasPc = false;
    m.crota2 = 0.0;
    if (o.recenter) {
        // The disk centre (helioprojective 0, 0) at the array centre, as the reference point.
        m.crval1 = 0.0;
        m.crval2 = 0.0;
        m.crpix1 = (w + 1) / 2.0;
        m.crpix2 = (h + 1) / 2.0;
    } else {
        // Same tangent point (CRVAL), so intermediate coordinates are shared: put the input's array centre at
        // the output's array centre. Input: I = CD_in (c_in - crpix0_in); output: I = scale (c_out - crpix0_out).
        const double cx = (inWidth - 1) / 2.0 - (in.crpix1 - 1.0);
        const double cy = (inHeight - 1) / 2.0 - (in.crpix2 - 1.0);
        const double ix = in.cdelt1 * (in.pc[0][0] * cx + in.pc[0][1] * cy);
        const double iy = in.cdelt2 * (in.pc[1][0] * cx + in.pc[1][1] * cy);
        m.crpix1 = (w - 1) / 2.0 - ix / scale + 1.0;
        m.crpix2 = (h - 1) / 2.0 - iy / scale + 1.0;
    }
    return PixelFrame::fromMeta(w, h, m);
}

Expected<SdoMap> Prep::level15(SdoMap map, const PrepOptions &o, ResampleInfo *infoOut)
{
    QString unit;
    if (o.exposureNormalise) {
        auto u = perSecondUnit(map.meta);
        if (!u)
            return u.error();
        unit = *u;
    }
    auto frame = level15Frame(map, o);
    if (!frame)
        return frame.error();
    auto srcFrame = PixelFrame::fromMap(map);
    if (!srcFrame)
        return srcFrame.error();
    ResampleInfo info;
    auto image = Resample::toFrame(map.image, *srcFrame, *frame, o.interpolation, &info);
    if (!image)
        return image.error();
    map.image = Image();  // release the input pixels before anything else is allocated

    FitsHeader header = map.header;
    frame->writeWcs(header);
    header.setNumber(QStringLiteral("LVL_NUM"), 1.5, QStringLiteral("level 1.5: north up, fixed plate scale"));
    header.addHistory(QStringLiteral("solarchip prep: level 1.5: CROTA2 %1 deg removed (north up), plate scale %2 x %3 -> %4 "
                                     "arcsec/px, %5 interpolation")
                          .arg(num(map.meta.crota2), num(map.meta.cdelt1), num(map.meta.cdelt2), num(frame->meta.cdelt1),
                               interpolationName(o.interpolation)));
    header.addHistory(QStringLiteral("solarchip prep: %1x%2 -> %3x%4 px, %5 mapping (max %6 px from WCSLIB)%7")
                          .arg(srcFrame->width).arg(srcFrame->height).arg(frame->width).arg(frame->height)
                          .arg(info.method, num(info.modelErrorPx, 2),
                               o.recenter ? QStringLiteral(", disk centre at image centre") : QString()));
    if (o.exposureNormalise) {
        divideInPlace(*image, map.meta.exptime);
        setUnit(header, unit);
        header.addHistory(QStringLiteral("solarchip prep: divided by EXPTIME %1 s (%2 -> %3)")
                              .arg(num(map.meta.exptime, 10), map.meta.unit, unit));
    }
    if (infoOut)
        *infoOut = info;
    return rebuild(header, std::move(image.value()), map);
}

Expected<SdoMap> Prep::toFrame(SdoMap map, const PixelFrame &frame, Interpolation interpolation, ResampleInfo *infoOut,
                               OffDisk offDisk)
{
    auto srcFrame = PixelFrame::fromMap(map);
    if (!srcFrame)
        return srcFrame.error();
    ResampleInfo info;
    auto image = Resample::toFrame(map.image, *srcFrame, frame, interpolation, &info, offDisk);
    if (!image)
        return image.error();
    map.image = Image();

    FitsHeader header = map.header;
    // The observer keywords follow the frame only when positions went through the sphere; otherwise the
    // two observers are the same to well under a hundredth of a pixel and the map keeps its own.
    frame.writeWcs(header, info.throughSphere);
    const bool northUp = frame.meta.pc[0][0] == 1.0 && frame.meta.pc[1][1] == 1.0 && frame.meta.pc[0][1] == 0.0
        && frame.meta.pc[1][0] == 0.0;
    if (northUp && frame.meta.level >= 1.5)
        header.setNumber(QStringLiteral("LVL_NUM"), 1.5, QStringLiteral("level 1.5: north up, fixed plate scale"));
    header.addHistory(QStringLiteral("solarchip prep: resampled onto the frame of %1 (%2x%3 px, %4 arcsec/px, CROTA2 %5)")
                          .arg(frame.meta.file.section(QLatin1Char('/'), -1)).arg(frame.width).arg(frame.height)
                          .arg(num(frame.meta.cdelt1), num(frame.meta.crota2)));
    header.addHistory(QStringLiteral("solarchip prep: %1 mapping (max %2 px from WCSLIB), %3 interpolation%4")
                          .arg(info.method, num(info.modelErrorPx, 2), interpolationName(interpolation),
                               info.throughSphere ? QStringLiteral(", through the solar sphere (observers differ)")
                                                  : QString()));
    if (info.offDiskScreen)
        header.addHistory(QStringLiteral("solarchip prep: off-disk pixels on a spherical screen about the observer"));
    if (infoOut)
        *infoOut = info;
    return rebuild(header, std::move(image.value()), map);
}

Expected<SdoMap> Prep::normaliseExposure(SdoMap map)
{
    auto unit = perSecondUnit(map.meta);
    if (!unit)
        return unit.error();
    divideInPlace(map.image, map.meta.exptime);
    FitsHeader header = map.header;
    setUnit(header, *unit);
    header.addHistory(QStringLiteral("solarchip prep: divided by EXPTIME %1 s (%2 -> %3)")
                          .arg(num(map.meta.exptime, 10), map.meta.unit, *unit));
    map.header = header;
    map.meta.unit = *unit;
    return map;
}

Expected<SdoMap> Prep::downsample(SdoMap map, int width, int height, double minValidFraction)
{
    if (width <= 0 || height <= 0)
        return Error{map.meta.file, QStringLiteral("invalid output size %1x%2").arg(width).arg(height)};
    if (width > map.image.width || height > map.image.height)
        return Error{map.meta.file, QStringLiteral("cannot downsample %1x%2 to a larger %3x%4")
                                        .arg(map.image.width).arg(map.image.height).arg(width).arg(height)};
    auto srcFrame = PixelFrame::fromMap(map);
    if (!srcFrame)
        return srcFrame.error();
    auto frame = Resample::areaAverageFrame(*srcFrame, width, height);
    if (!frame)
        return frame.error();
    Image image = Resample::areaAverage(map.image, width, height, minValidFraction);
    map.image = Image();
    FitsHeader header = map.header;
    frame->writeWcs(header);
    header.addHistory(QStringLiteral("solarchip prep: area-averaged %1x%2 -> %3x%4 px (NaN-aware, min valid fraction %5)")
                          .arg(srcFrame->width).arg(srcFrame->height).arg(width).arg(height).arg(num(minValidFraction)));
    return rebuild(header, std::move(image), map);
}

Expected<SdoMap> Prep::maskOffDisk(SdoMap map, double radiusFactor, float outside)
{
    auto frame = PixelFrame::fromMap(map);
    if (!frame)
        return frame.error();
    auto mask = DiskMask::compute(*frame, radiusFactor);
    if (!mask)
        return mask.error();
    float *p = map.image.data();
    for (std::size_t i = 0; i < map.image.size(); ++i)
        if (!mask->inside[i])
            p[i] = outside;
    map.header.addHistory(QStringLiteral("solarchip prep: pixels beyond %1 x RSUN_OBS set to %2")
                              .arg(num(radiusFactor), num(outside)));
    return map;
}

}  // namespace solarchip
