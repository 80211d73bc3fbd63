#include "core/archive/FlareSites.h"

#include "core/map/DifferentialRotation.h"
#include "core/map/EarthObserver.h"

#include <QDir>
#include <QFile>
#include <QTimeZone>

#include <algorithm>
#include <cmath>

namespace solarchip {

std::optional<LonLat> flareSite(const FlareEvent &e)
{
    if (std::isfinite(e.hgsLon) && std::isfinite(e.hgsLat))
        return LonLat{e.hgsLon, e.hgsLat};
    if (std::isfinite(e.hpcX) && std::isfinite(e.hpcY) && e.siteTime().isValid()) {
        LonLat out;
        if (Wcs::helioprojectiveToStonyhurst(e.hpcX, e.hpcY, earthObserverAt(e.siteTime(), kSunpyRsunM), out))
            return out;
    }
    return std::nullopt;
}

Expected<QString> findFlareSitesList(const QString &folder)
{
    QDir dir(folder);
    if (folder.isEmpty() || !dir.exists())
        return Error{folder, QStringLiteral("not a folder")};
    QStringList found;
    for (const QString &name : dir.entryList({QStringLiteral("*.csv"), QStringLiteral("*.CSV")}, QDir::Files, QDir::Name)) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const QList<QByteArray> header = f.readLine(8192).trimmed().split(',');
        const auto has = [&](const char *c) { return header.contains(QByteArray(c)); };
        if ((has("hgs_lat") && has("hgs_lon")) || (has("hgs_x") && has("hgs_y")) || (has("hpc_x") && has("hpc_y")))
            found << name;
    }
    if (found.isEmpty())
        return Error{folder, QStringLiteral("no flare list with sites (a *.csv in the cycle-24 layout or a HEK export, with "
                                            "hgs_lat/hgs_lon or hpc_x/hpc_y columns) in the folder")};
    if (found.size() > 1)
        return Error{folder, QStringLiteral("several flare lists with sites (%1): choose one").arg(found.join(QStringLiteral(", ")))};
    return dir.filePath(found.front());
}

int flaresWithSite(const FlareList &list)
{
    return static_cast<int>(std::count_if(list.events().begin(), list.events().end(),
                                          [](const FlareEvent &e) { return flareSite(e).has_value(); }));
}

QVector<FlareEvent> flaresPeakingWithin(const FlareList &list, qint64 utcMs, double windowHours, double minFlux)
{
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc());
    const qint64 half = static_cast<qint64>(std::llround(windowHours * 3600.0));
    // between() is half-open: one second past the window's end keeps a flare peaking exactly at it.
    return list.between(t.addSecs(-half), t.addSecs(half + 1), minFlux);
}

QVector<FlareSeen> flaresSeenAt(const FlareList &list, qint64 utcMs, const Observer &observer, double windowHours,
                                double minFlux)
{
    QVector<FlareSeen> out;
    const QDateTime t = QDateTime::fromMSecsSinceEpoch(utcMs, QTimeZone::utc());
    for (const FlareEvent &e : flaresPeakingWithin(list, utcMs, windowHours, minFlux)) {
        const auto site = flareSite(e);
        if (!site)
            continue;
        const qint64 peakMs = e.labelTime().toMSecsSinceEpoch();
        const QPointF moved = rotateStonyhurst(QPointF(site->lon, site->lat), e.siteTime().toMSecsSinceEpoch(), utcMs);
        FlareSeen s;
        s.event = e;
        s.site = *site;
        s.lonDeg = moved.x();
        s.latDeg = moved.y();
        bool visible = false;
        if (!Wcs::stonyhurstToHelioprojective(LonLat{s.lonDeg, s.latDeg}, observer, s.tx, s.ty, &visible) || !visible)
            continue;
        s.hoursFromPeak = (utcMs - peakMs) / 3.6e6;
        // The lists give whole minutes: the end's minute is still the flare's. A start dated after the peak is not
        // trusted (siteTime: the peak then).
        const QDateTime start = e.siteTime();
        const QDateTime end = e.end.isValid() ? e.end.addSecs(60) : start.addSecs(3600);
        s.inProgress = start.isValid() && start <= t && t < end;
        out.push_back(s);
    }
    std::stable_sort(out.begin(), out.end(), [](const FlareSeen &a, const FlareSeen &b) {
        return a.event.peakFlux > b.event.peakFlux;
    });
    return out;
}

}  // namespace solarchip
