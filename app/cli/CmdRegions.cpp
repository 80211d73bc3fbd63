// solarchip regions (--archive DIR | SRS_FILE...) [--date ISO | --map FILE] [--json]: the numbered NOAA active
// regions of the Solar Region Summaries (core/archive/RegionSummary) at a time: the report valid nearest it, each
// region carried there by differential rotation and seen from the Earth, or from a map's observer (with its pixels).
// Without --date or --map, every report's regions as written.
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"
#include "app/cli/TimeObserverOptions.h"

#include "core/archive/RegionSummary.h"
#include "core/map/SdoTime.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>
#include <QTimeZone>

#include <cmath>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("regions");

QJsonValue numberOrNull(double v) { return std::isfinite(v) ? QJsonValue(v) : QJsonValue(); }

QJsonObject regionJson(const NoaaRegion &r)
{
    return QJsonObject{{QStringLiteral("number"), r.number},
                       {QStringLiteral("section"), NoaaRegion::sectionKey(r.section)},
                       {QStringLiteral("location"), r.location.isEmpty() ? QJsonValue() : QJsonValue(r.location)},
                       {QStringLiteral("lat"), numberOrNull(r.latDeg)},
                       {QStringLiteral("lon"), numberOrNull(r.lonDeg)},
                       {QStringLiteral("carrington_lon"), numberOrNull(r.carringtonLonDeg)},
                       {QStringLiteral("area_msh"), r.areaMsh >= 0 ? QJsonValue(r.areaMsh) : QJsonValue()},
                       {QStringLiteral("mcintosh"), r.mcIntosh.isEmpty() ? QJsonValue() : QJsonValue(r.mcIntosh)},
                       {QStringLiteral("extent_deg"), r.extentDeg >= 0 ? QJsonValue(r.extentDeg) : QJsonValue()},
                       {QStringLiteral("spots"), r.spotCount >= 0 ? QJsonValue(r.spotCount) : QJsonValue()},
                       {QStringLiteral("mag_type"), r.magType.isEmpty() ? QJsonValue() : QJsonValue(r.magType)}};
}

int runRegions(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "The numbered NOAA active regions of the Solar Region Summaries (SWPC's daily *SRS.txt reports): at a time "
        "(--date, or a map's T_OBS with --map), the report valid nearest it (within 36 h), each region of sections I "
        "and IA carried there by differential rotation (Snodgrass rates) and seen from the Earth, or from the map's "
        "observer with its pixel; regions past the limb are left out. Without --date or --map, every report's regions "
        "as written."));
    p.addPositionalArgument(QStringLiteral("SRS_FILE"), QStringLiteral("Report files instead of --archive."),
                            QStringLiteral("[SRS_FILE...]"));
    p.addOptions({
        {QStringLiteral("archive"), QStringLiteral("Folder whose *SRS.txt files (any subfolder) are read."), QStringLiteral("DIR")},
        {QStringLiteral("date"), QStringLiteral("The time (ISO, UTC) the regions are carried to, seen from the Earth."),
         QStringLiteral("ISO")},
        {QStringLiteral("map"), QStringLiteral("A map file: its time and observer, and each region's 0-based pixel in it."),
         QStringLiteral("FILE")},
    });
    p.addJsonOption(QStringLiteral("Print JSON: reports (path, issued, valid_at, regions) without a time; with one: "
                                   "time, report, regions [{number, section, ..., lon, lat, tx, ty[, x, y]}]."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    const QStringList files = p.positionalArguments();
    if (files.isEmpty() == !p.isSet(QStringLiteral("archive")))
        return p.usage(QStringLiteral("give either --archive DIR or report files"));
    if (p.isSet(QStringLiteral("date")) && p.isSet(QStringLiteral("map")))
        return p.usage(QStringLiteral("give --date or --map, not both (a map gives its own time)"));

    RegionSummaryArchive archive;
    if (p.isSet(QStringLiteral("archive"))) {
        const QString dir = p.value(QStringLiteral("archive"));
        if (!QFileInfo(dir).isDir())
            return fail(kName, Error{dir, QStringLiteral("not a folder")});
        archive = RegionSummaryArchive::scan(dir);
        for (const auto &f : archive.failures())
            QTextStream(stderr) << "solarchip regions: skipped " << f.path << ": " << f.reason << Qt::endl;
        if (archive.isEmpty())
            return fail(kName, Error{dir, QStringLiteral("no readable Solar Region Summary (*SRS.txt) in the folder")});
    } else {
        QVector<RegionSummary> reports;
        for (const QString &f : files) {
            auto r = RegionSummary::load(f);
            if (!r)
                return fail(kName, r.error());
            reports.push_back(std::move(*r));
        }
        archive = RegionSummaryArchive(std::move(reports));
    }

    // No time: the reports as written.
    if (!p.isSet(QStringLiteral("date")) && !p.isSet(QStringLiteral("map"))) {
        QJsonArray out;
        QTextStream text(stdout);
        for (const RegionSummary &r : archive.reports()) {
            QJsonArray regions;
            for (const NoaaRegion &n : r.regions)
                regions.append(regionJson(n));
            out.append(QJsonObject{{QStringLiteral("path"), r.path},
                                   {QStringLiteral("issued"), SdoTime::toIso(r.issued)},
                                   {QStringLiteral("valid_at"), SdoTime::toIso(r.validAt)},
                                   {QStringLiteral("regions"), regions}});
            if (!p.json()) {
                text << SdoTime::toIso(r.validAt) << "  " << QFileInfo(r.path).fileName() << "\n";
                for (const NoaaRegion &n : r.regions)
                    text << "  " << n.number << "  " << NoaaRegion::sectionKey(n.section).leftJustified(13) << " "
                         << (n.location.isEmpty() ? QStringLiteral("-") : n.location).leftJustified(7) << " " << n.magType << "\n";
            }
        }
        if (p.json())
            printJson(QJsonObject{{QStringLiteral("reports"), out}});
        return kOk;
    }

    // A time, and the observer: the Earth's, or the map's.
    auto placed = readTimeAndObserver(p, QStringLiteral("regions"));
    if (const int *exit = std::get_if<int>(&placed))
        return *exit;
    const auto &[time, observer, map] = std::get<TimeAndObserver>(placed);
    const RegionSummary *report = archive.nearest(time.toMSecsSinceEpoch());
    if (!report)
        return fail(kName, QStringLiteral("no Solar Region Summary valid within 36 h of %1").arg(SdoTime::toIso(time)));
    QJsonArray regions;
    QTextStream text(stdout);
    if (!p.json())
        text << SdoTime::toIso(time) << ": " << QFileInfo(report->path).fileName() << " (locations valid at "
             << SdoTime::toIso(report->validAt) << ")\n";
    for (const NoaaRegionSeen &s : regionsSeenAt(*report, time.toMSecsSinceEpoch(), observer)) {
        QJsonObject o = regionJson(s.region);
        o.insert(QStringLiteral("lon"), s.lonDeg);
        o.insert(QStringLiteral("lat"), s.latDeg);
        o.insert(QStringLiteral("location_at_report"), s.region.location);
        o.insert(QStringLiteral("tx"), s.tx);
        o.insert(QStringLiteral("ty"), s.ty);
        double x = qQNaN(), y = qQNaN();
        if (map && map->wcs.helioprojectiveToPixel(s.tx, s.ty, x, y)) {
            o.insert(QStringLiteral("x"), x);
            o.insert(QStringLiteral("y"), y);
        }
        regions.append(o);
        if (!p.json())
            text << "  " << s.region.number << "  " << NoaaRegion::sectionKey(s.region.section).leftJustified(6) << " lon "
                 << QString::number(s.lonDeg, 'f', 1) << " lat " << QString::number(s.latDeg, 'f', 1) << "  ("
                 << QString::number(s.tx, 'f', 1) << "\", " << QString::number(s.ty, 'f', 1) << "\")"
                 << (std::isfinite(x) ? QStringLiteral("  pixel %1, %2").arg(x, 0, 'f', 1).arg(y, 0, 'f', 1) : QString())
                 << "  " << s.region.magType << "\n";
    }
    if (p.json())
        printJson(QJsonObject{{QStringLiteral("time"), SdoTime::toIso(time)},
                              {QStringLiteral("map"), map ? QJsonValue(p.value(QStringLiteral("map"))) : QJsonValue()},
                              {QStringLiteral("report"), report->path},
                              {QStringLiteral("valid_at"), SdoTime::toIso(report->validAt)},
                              {QStringLiteral("regions"), regions}});
    return kOk;
}

const Registration reg(kName, QStringLiteral("NOAA active regions of the Solar Region Summaries, carried to a time or a map"),
                       runRegions);

}  // namespace

}  // namespace solarchip::cli
