#include "core/map/PixelFrame.h"

#include "core/map/MapFile.h"
#include "core/map/SdoMap.h"

#include <cmath>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;

bool nearlyEqual(double a, double b, double tol = 1e-12) { return std::fabs(a - b) <= tol; }

}  // namespace

Expected<PixelFrame> PixelFrame::fromMap(const SdoMap &map)
{
    if (map.image.isEmpty())
        return Error{map.meta.file, QStringLiteral("the map has no pixels")};
    if (!map.wcs.isValid())
        return Error{map.meta.file, QStringLiteral("the map has no usable world coordinates")};
    PixelFrame f;
    f.width = map.image.width;
    f.height = map.image.height;
    f.meta = map.meta;
    f.meta.naxis1 = f.width;
    f.meta.naxis2 = f.height;
    f.wcs = map.wcs;
    return f;
}

Expected<PixelFrame> PixelFrame::fromFile(const QString &path)
{
    return MapFile::readFrame(path);
}

Expected<PixelFrame> PixelFrame::fromMeta(int width, int height, const MapMeta &meta)
{
    if (width <= 0 || height <= 0)
        return Error{meta.file, QStringLiteral("invalid frame size %1x%2").arg(width).arg(height)};
    PixelFrame f;
    f.width = width;
    f.height = height;
    f.meta = meta;
    f.meta.naxis1 = width;
    f.meta.naxis2 = height;
    auto wcs = Wcs::fromMeta(f.meta);
    if (!wcs)
        return wcs.error();
    f.wcs = std::move(wcs.value());
    return f;
}

void PixelFrame::writeWcs(FitsHeader &h, bool withObserver) const
{
    const MapMeta &m = meta;
    h.setInteger(QStringLiteral("NAXIS1"), width);
    h.setInteger(QStringLiteral("NAXIS2"), height);
    h.setString(QStringLiteral("CTYPE1"), m.ctype1);
    h.setString(QStringLiteral("CTYPE2"), m.ctype2);
    h.setString(QStringLiteral("CUNIT1"), m.cunit1);
    h.setString(QStringLiteral("CUNIT2"), m.cunit2);
    h.setNumber(QStringLiteral("CRPIX1"), m.crpix1, QStringLiteral("reference pixel (1-based)"));
    h.setNumber(QStringLiteral("CRPIX2"), m.crpix2, QStringLiteral("reference pixel (1-based)"));
    h.setNumber(QStringLiteral("CRVAL1"), m.crval1);
    h.setNumber(QStringLiteral("CRVAL2"), m.crval2);
    h.setNumber(QStringLiteral("CDELT1"), m.cdelt1);
    h.setNumber(QStringLiteral("CDELT2"), m.cdelt2);
    for (const char *k : {"CROTA1", "CROTA2", "PC1_1", "PC1_2", "PC2_1", "PC2_2", "CD1_1", "CD1_2", "CD2_1", "CD2_2",
                          "PC001001", "PC001002", "PC002001", "PC002002"})
        h.remove(QString::fromLatin1(k));

    // A pure rotation (the SDO case) is written as CROTA2 like JSOC does; anything else as PCi_j.
    const double angle = std::atan2(m.pc[1][0] * m.cdelt2 / m.cdelt1, m.pc[0][0]) / kDeg;
    const double c = std::cos(angle * kDeg), s = std::sin(angle * kDeg);
    const double ratio = m.cdelt2 / m.cdelt1;
    const bool isRotation = nearlyEqual(m.pc[0][0], c) && nearlyEqual(m.pc[1][1], c)
        && nearlyEqual(m.pc[0][1], -s * ratio) && nearlyEqual(m.pc[1][0], s / ratio);
    if (isRotation) {
        h.setNumber(QStringLiteral("CROTA2"), std::fabs(angle) < 1e-13 ? 0.0 : angle,
                    QStringLiteral("degrees; 0 = solar north up"));
    } else {
        h.setNumber(QStringLiteral("PC1_1"), m.pc[0][0]);
        h.setNumber(QStringLiteral("PC1_2"), m.pc[0][1]);
        h.setNumber(QStringLiteral("PC2_1"), m.pc[1][0]);
        h.setNumber(QStringLiteral("PC2_2"), m.pc[1][1]);
    }
    // R_SUN (AIA/HMI: the solar radius in pixels) follows the plate scale.
    if (h.has(QStringLiteral("R_SUN")) && m.rsunObs > 0)
        h.setNumber(QStringLiteral("R_SUN"), m.rsunObs / std::sqrt(std::fabs(m.cdelt1 * m.cdelt2)),
                    QStringLiteral("solar radius in pixels"));
    if (withObserver) {
        h.setNumber(QStringLiteral("DSUN_OBS"), m.dsunObs);
        h.setNumber(QStringLiteral("RSUN_OBS"), m.rsunObs);
        h.setNumber(QStringLiteral("RSUN_REF"), m.rsunRef);
        h.setNumber(QStringLiteral("HGLN_OBS"), m.hglnObs);
        h.setNumber(QStringLiteral("HGLT_OBS"), m.hgltObs);
        h.setNumber(QStringLiteral("CRLN_OBS"), m.crlnObs);
        h.setNumber(QStringLiteral("CRLT_OBS"), m.crltObs);
    }
}

}  // namespace solarchip
