#include "core/base/NumberPair.h"

#include <QStringList>

#include <cmath>

namespace solarchip {

std::optional<QPointF> parseNumberPair(const QString &text, bool oneForBoth)
{
    const QStringList parts = text.split(QLatin1Char(','));
    if (parts.size() != 2 && !(oneForBoth && parts.size() == 1))
        return std::nullopt;
    bool okX = false, okY = true;
    const double x = parts[0].trimmed().toDouble(&okX);
    const double y = parts.size() == 2 ? parts[1].trimmed().toDouble(&okY) : x;
    if (!okX || !okY || !std::isfinite(x) || !std::isfinite(y))
        return std::nullopt;
    return QPointF(x, y);
}

}  // namespace solarchip
