#include "widgets/MapReadout.h"

#include <QCoreApplication>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("solarchip::MapReadout", text); }

// Angles: a fixed number of decimals (arcsec to 0.1", degrees to 0.001 deg, ~12 km on the Sun).
QString angle(double v, int decimals)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    return QString::number(v, 'f', decimals);
}

QString withUnit(const QString &v, const QString &unit) { return unit.isEmpty() ? v : v + QLatin1Char(' ') + unit; }
}  // namespace

MapReadout MapReadout::at(const SdoMap &map, double x, double y)
{
    MapReadout r;
    r.x = x;
    r.y = y;
    r.unit = map.meta.unit;
    r.time = map.meta.tObs;
    r.channel = map.meta.channel;
    r.ix = static_cast<int>(std::floor(x + 0.5));
    r.iy = static_cast<int>(std::floor(y + 0.5));
    if (map.image.isEmpty() || r.ix < 0 || r.iy < 0 || r.ix >= map.image.width || r.iy >= map.image.height) {
        r.ix = r.iy = -1;
        return r;
    }
    r.valid = true;
    r.value = map.image.at(r.ix, r.iy);
    // The file's pixel: the nearest file pixel to the cursor position (a display pixel of a reduced map covers
    // several file pixels; the cursor says which).
    const FilePixels &fp = map.filePixels;
    if (fp.known && fp.nearestFilePixel(x, y, r.fileX, r.fileY)) {
        r.hasFilePixel = true;
        r.file = fp.file;
        r.fileApproximate = fp.resampled;
        r.fileIsDisplay = fp.holdsFileValues();
        if (fp.isIdentity()) {  // the same pixel exactly (no rounding through the mapping)
            r.fileX = r.ix;
            r.fileY = r.iy;
        }
        if (r.fileIsDisplay) {
            r.fileValue = r.value;
            r.fileValueState = FileValue::Ready;
        } else {
            r.fileValueState = FileValue::Pending;
        }
    }
    // World coordinates of the pixel centre (the value belongs to the whole pixel).
    if (map.wcs.isValid()) {
        r.hasHelioprojective = map.wcs.pixelToHelioprojective(r.ix, r.iy, r.tx, r.ty);
        LonLat hgs;
        r.onDisk = map.wcs.pixelToStonyhurst(r.ix, r.iy, hgs);
        if (r.onDisk) {
            r.lon = hgs.lon;
            r.lat = hgs.lat;
        }
        const Wcs::Kind kind = map.wcs.kind();
        if (kind == Wcs::Kind::Carrington || kind == Wcs::Kind::Stonyhurst) {
            r.heliographicMap = true;
            r.carrington = kind == Wcs::Kind::Carrington;
            r.hasNative = map.wcs.pixelToWorld(r.ix, r.iy, r.nativeLon, r.nativeLat);
        }
    }
    return r;
}

QString MapReadout::formatNumber(double v)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    if (std::isinf(v))
        return v > 0 ? QStringLiteral("inf") : QStringLiteral("-inf");
    const double a = std::abs(v);
    if (a == 0)
        return QStringLiteral("0");
    if (a >= 1e6 || a < 1e-3)
        return QString::number(v, 'e', 4);
    const int decimals = std::clamp(4 - static_cast<int>(std::floor(std::log10(a))), 0, 7);
    QString s = QString::number(v, 'f', decimals);
    if (s.contains(QLatin1Char('.'))) {
        while (s.endsWith(QLatin1Char('0')))
            s.chop(1);
        if (s.endsWith(QLatin1Char('.')))
            s.chop(1);
    }
    return s;
}

QString MapReadout::pixelText() const
{
    if (!valid)
        return {};
    if (hasFilePixel)
        return (fileApproximate ? tr("pixel \u2248%1, %2 (file)") : tr("pixel %1, %2 (file)")).arg(fileX).arg(fileY);
    return tr("pixel %1, %2 (map)").arg(ix).arg(iy);
}

QString MapReadout::valueText() const
{
    if (!valid)
        return {};
    const QString shown = std::isnan(value) ? tr("no data") : withUnit(formatNumber(value), unit);
    if (!hasFilePixel || fileIsDisplay)
        return shown;
    switch (fileValueState) {
    case FileValue::Ready:
        return tr("%1 (file; shown %2)")
            .arg(std::isnan(fileValue) ? tr("no data") : withUnit(formatNumber(fileValue), unit),
                 std::isnan(value) ? tr("no data") : formatNumber(value));
    case FileValue::Pending:
        return tr("%1 shown (reading file\u2026)").arg(shown);
    case FileValue::Failed:
    case FileValue::None:
        break;
    }
    return tr("%1 shown").arg(shown);
}

QString MapReadout::nativeText() const
{
    if (!valid || !heliographicMap)
        return {};
    if (!hasNative)
        return tr("outside the projection");
    return (carrington ? tr("Carrington lon %1\u00b0 lat %2\u00b0") : tr("Stonyhurst lon %1\u00b0 lat %2\u00b0"))
        .arg(angle(nativeLon, 3), angle(nativeLat, 3));
}

QString MapReadout::helioprojectiveText() const
{
    if (!valid || !hasHelioprojective)
        return {};
    return tr("Tx %1\u2033 Ty %2\u2033").arg(angle(tx, 1), angle(ty, 1));
}

QString MapReadout::stonyhurstText() const
{
    if (!valid)
        return {};
    if (!onDisk)
        return tr("off disk");
    return tr("lon %1\u00b0 lat %2\u00b0").arg(angle(lon, 3), angle(lat, 3));
}

QString MapReadout::timeText() const
{
    if (!time.isValid())
        return {};
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")) + QStringLiteral(" UTC");
}

QString MapReadout::toString() const
{
    if (!valid)
        return {};
    QStringList parts{pixelText(), valueText()};
    if (heliographicMap)
        parts << nativeText();
    if (hasHelioprojective)
        parts << helioprojectiveText();
    if (!heliographicMap)  // a heliographic map's own lon/lat say it; Stonyhurst beside Carrington confuses
        parts << stonyhurstText();
    if (time.isValid())
        parts << timeText();
    return parts.join(QStringLiteral("   "));
}

}  // namespace solarchip
