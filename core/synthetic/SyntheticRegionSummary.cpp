#include "core/synthetic/SyntheticRegionSummary.h"

#include "core/map/DifferentialRotation.h"
#include "core/synthetic/SyntheticSun.h"

#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace solarchip {

namespace {

constexpr double kSpotAreaMsh = 5;       // below: no spots left (section IA)
constexpr double kPlageFluxMx = 4e21;    // below: faded into the network (not listed)
constexpr double kReturnDays = 3;        // section II: onto the disk within this many days

QString mountWilson(const QString &complexity)
{
    if (complexity == QLatin1String("beta-gamma-delta"))
        return QStringLiteral("Beta-Gamma-Delta");
    if (complexity == QLatin1String("beta-gamma"))
        return QStringLiteral("Beta-Gamma");
    return QStringLiteral("Beta");
}

QString mcIntosh(double area, int extent, const QString &complexity)
{
    QChar z = QLatin1Char('B');
    if (area >= 60)
        z = extent <= 10 ? QLatin1Char('D') : extent <= 15 ? QLatin1Char('E') : QLatin1Char('F');
    else if (area >= 20)
        z = QLatin1Char('C');
    const QChar p = z == QLatin1Char('B') ? QLatin1Char('x')
                    : area < 100          ? QLatin1Char('s')
                    : area < 300          ? QLatin1Char('a')
                    : area < 600          ? QLatin1Char('h')
                                          : QLatin1Char('k');
    const QChar c = complexity == QLatin1String("beta-gamma-delta") ? QLatin1Char('c')
                    : complexity == QLatin1String("beta-gamma")     ? QLatin1Char('i')
                                                                    : QLatin1Char('o');
    return QString(z) + p + c;
}

}  // namespace

RegionSummary syntheticRegionSummary(const SyntheticSun &sun, const QDate &day)
{
    RegionSummary s;
    s.validAt = QDateTime(day, QTime(0, 0), QTimeZone::utc());
    s.issued = s.validAt.addSecs(30 * 60);
    s.srsNumber = day.dayOfYear();
    s.comments = {QStringLiteral("Synthetic Solar Region Summary written by solarchip synth (seed %1) from its")
                      .arg(sun.options().seed),
                  QStringLiteral("model Sun: SWPC's layout, not a NOAA/SWPC product.")};
    const qint64 t0 = s.validAt.toMSecsSinceEpoch();
    QVector<SyntheticRegionState> regions = sun.regionsAt(s.validAt);
    std::sort(regions.begin(), regions.end(),
              [](const SyntheticRegionState &a, const SyntheticRegionState &b) { return a.noaa < b.noaa; });
    for (const SyntheticRegionState &r : regions) {
        if (r.noaa <= 0)
            continue;
        NoaaRegion n;
        n.number = r.noaa;
        n.latDeg = std::round(r.latDeg);
        n.carringtonLonDeg = std::round(r.carringtonLonDeg);
        if (std::abs(r.lonDeg) <= 90) {
            n.lonDeg = std::round(r.lonDeg);
            n.location = NoaaRegion::locationText(n.latDeg, n.lonDeg);
            if (r.areaMsh >= kSpotAreaMsh) {
                n.section = NoaaRegion::Section::Spots;
                n.areaMsh = static_cast<int>(std::lround(r.areaMsh));
                n.extentDeg = static_cast<int>(std::lround(std::abs(r.leadingLonDeg - r.followingLonDeg) + 2));
                n.mcIntosh = mcIntosh(r.areaMsh, n.extentDeg, r.complexity);
                const bool delta = r.complexity == QLatin1String("beta-gamma-delta");
                n.spotCount = std::min(60, 2 + static_cast<int>(r.areaMsh / 15)) + (delta ? 4 : 0);
                n.magType = mountWilson(r.complexity);
            } else if (r.fluxMx >= kPlageFluxMx) {
                n.section = NoaaRegion::Section::Plage;
            } else {
                continue;
            }
            s.regions.push_back(n);
        } else if (r.lonDeg < -90 && r.fluxMx >= kPlageFluxMx) {
            const QPointF later = rotateStonyhurst(QPointF(r.lonDeg, r.latDeg), t0,
                                                   t0 + static_cast<qint64>(kReturnDays * 86400000.0));
            if (later.x() >= -90 && later.x() < 0) {
                n.section = NoaaRegion::Section::DueToReturn;
                n.lonDeg = std::numeric_limits<double>::quiet_NaN();
                s.regions.push_back(n);
            }
        }
    }
    return s;
}

QString syntheticRegionSummaryPath(const QDate &day)
{
    return QStringLiteral("srs/%1/%2").arg(day.year()).arg(RegionSummary::fileNameFor(QDateTime(day, QTime(0, 30), QTimeZone::utc())));
}

}  // namespace solarchip
