#include "core/map/DifferentialRotation.h"

#include "core/map/SunEphemeris.h"

#include <QDateTime>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

constexpr double kDeg = M_PI / 180.0;
constexpr double kDayMs = 86400000.0;

double wrap180(double a)
{
    a = std::fmod(a + 180.0, 360.0);
    if (a < 0)
        a += 360.0;
    return a - 180.0;
}

}  // namespace

double heliographicDistanceDeg(QPointF a, QPointF b)
{
    const double la = a.y() * kDeg, lb = b.y() * kDeg, dl = (a.x() - b.x()) * kDeg;
    const double c = std::sin(la) * std::sin(lb) + std::cos(la) * std::cos(lb) * std::cos(dl);
    return std::acos(std::clamp(c, -1.0, 1.0)) / kDeg;
}

double siderealRateDegPerDay(double latDeg)
{
    // Snodgrass (1983) magnetic-feature rates in microrad/s, as sunpy.physics.differential_rotation.diff_rot.
    const double s2 = std::pow(std::sin(latDeg * kDeg), 2);
    const double microradPerS = 2.851 - 0.343 * s2 - 0.474 * s2 * s2;
    return microradPerS * 1e-6 * 86400.0 / kDeg;
}

QPointF rotateStonyhurst(QPointF lonlat, qint64 fromMs, qint64 toMs)
{
    const QDateTime t0 = QDateTime::fromMSecsSinceEpoch(fromMs, QTimeZone::utc());
    const QDateTime t1 = QDateTime::fromMSecsSinceEpoch(toMs, QTimeZone::utc());
    const double lat = lonlat.y();
    const double days = static_cast<double>(toMs - fromMs) / kDayMs;
    // Carrington longitude at t0, moved at the feature's rate relative to the Carrington frame, seen at t1.
    const double car0 = lonlat.x() + SunEphemeris::at(t0).l0Deg;
    const double car1 = car0 + (siderealRateDegPerDay(lat) - kCarringtonRateDegPerDay) * days;
    return QPointF(wrap180(car1 - SunEphemeris::at(t1).l0Deg), lat);
}

}  // namespace solarchip
