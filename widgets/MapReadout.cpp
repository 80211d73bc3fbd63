#include "widgets/MapReadout.h"

#include <QCoreApplication>

#include <cmath>

namespace solarchip {

namespace {
QString tr(const char *text) { return QCoreApplication::translate("solarchip::MapReadout", text); }

QString number(double v, int decimals)
{
    if (std::isnan(v))
        return QStringLiteral("NaN");
    return QString::number(v, 'f', decimals);
}
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
    // World coordinates of the pixel centre (the value belongs to the whole pixel).
    if (map.wcs.isValid()) {
        r.hasHelioprojective = map.wcs.pixelToHelioprojective(r.ix, r.iy, r.tx, r.ty);
        LonLat hgs;
        r.onDisk = map.wcs.pixelToStonyhurst(r.ix, r.iy, hgs);
        if (r.onDisk) {
            r.lon = hgs.lon;
            r.lat = hgs.lat;
        }
    }
    return r;
}

QString MapReadout::pixelText() const
{
    if (!valid)
        return {};
    return tr("x %1 y %2").arg(ix).arg(iy);
}

QString MapReadout::valueText() const
{
    if (!valid)
        return {};
    if (std::isnan(value))
        return tr("no data");
    const double a = std::abs(value);
    QString v;
    if (a != 0 && (a >= 1e6 || a < 1e-3))
        v = QString::number(value, 'g', 5);
    else
        v = QString::number(value, 'f', a >= 100 ? 1 : 3);
    return unit.isEmpty() ? v : v + QLatin1Char(' ') + unit;
}

QString MapReadout::helioprojectiveText() const
{
    if (!valid || !hasHelioprojective)
        return {};
    return tr("Tx %1\u2033 Ty %2\u2033").arg(number(tx, 1), number(ty, 1));
}

QString MapReadout::stonyhurstText() const
{
    if (!valid)
        return {};
    if (!onDisk)
        return tr("off disk");
    return tr("lon %1\u00b0 lat %2\u00b0").arg(number(lon, 2), number(lat, 2));
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
    if (hasHelioprojective)
        parts << helioprojectiveText();
    parts << stonyhurstText();
    if (time.isValid())
        parts << timeText();
    return parts.join(QStringLiteral("   "));
}

}  // namespace solarchip
