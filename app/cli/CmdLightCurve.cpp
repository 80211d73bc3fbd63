// solarchip lightcurve (--archive DIR | FILE...) (--center TX,TY [--follow-rotation --reference ISO] | --noaa N)
// [--size W,H] [--channels LIST] [--from ISO --to ISO] [--csv FILE] [--json]: the light curve of a box on the Sun,
// from the files' own pixels (core/archive/LightCurve); with --noaa the box follows a NOAA region where the Solar
// Region Summaries (*SRS.txt of the archive, or of the files' folder) put it.
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "core/archive/Catalog.h"
#include "core/archive/LightCurve.h"
#include "core/archive/RegionSummary.h"
#include "core/base/AtomicFile.h"
#include "core/base/NumberPair.h"
#include "core/map/MapFile.h"
#include "core/map/SdoTime.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>
#include <QTimeZone>

#include <cmath>
#include <optional>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("lightcurve");

QJsonValue numberOrNull(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

QJsonObject pointJson(const LightCurvePoint &p)
{
    QJsonObject o{{QStringLiteral("time"), SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(p.timeMs, QTimeZone::utc()))},
                  {QStringLiteral("file"), p.file}};
    if (!p.measure) {
        o.insert(QStringLiteral("error"), p.error);
        return o;
    }
    const RegionMeasure &m = *p.measure;
    o.insert(QStringLiteral("tx"), m.box.tx);
    o.insert(QStringLiteral("ty"), m.box.ty);
    o.insert(QStringLiteral("mean"), numberOrNull(m.mean));
    o.insert(QStringLiteral("mean_abs"), numberOrNull(m.meanAbs));
    o.insert(QStringLiteral("min"), numberOrNull(m.min));
    o.insert(QStringLiteral("max"), numberOrNull(m.max));
    o.insert(QStringLiteral("std"), numberOrNull(m.std));
    o.insert(QStringLiteral("sum"), numberOrNull(m.sum));
    o.insert(QStringLiteral("pixels"), static_cast<double>(m.pixels));
    o.insert(QStringLiteral("nan_pixels"), static_cast<double>(m.nanPixels));
    o.insert(QStringLiteral("exptime"), m.exptime);
    o.insert(QStringLiteral("per_second"), m.perSecond);
    o.insert(QStringLiteral("quality"), static_cast<double>(m.quality));
    o.insert(QStringLiteral("pixel_box"), QJsonArray{m.x0, m.y0, m.x1, m.y1});
    return o;
}

int runLightCurve(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "The light curve of a box on the Sun: for every observation of each channel, the statistics of the file's own "
        "pixels whose centres lie inside a helioprojective box (mean, mean |value|, min, max, std, sum, pixel count). "
        "AIA files in DN are divided by EXPTIME (DN/s). The box is fixed on the sky, or follows the Sun's "
        "differential rotation (Snodgrass rates) from --reference. Files that cannot be measured are listed with "
        "their reason; the curve goes on."));
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Map files (FITS) instead of --archive."),
                            QStringLiteral("[FILE...]"));
    p.addOptions({
        {QStringLiteral("archive"), QStringLiteral("Archive folder (catalogued first, as the app does)."), QStringLiteral("DIR")},
        {QStringLiteral("center"), QStringLiteral("Box centre, helioprojective arcsec."), QStringLiteral("TX,TY")},
        {QStringLiteral("size"), QStringLiteral("Box width and height in arcsec (one number: a square; default 120)."),
         QStringLiteral("W,H"), QStringLiteral("120")},
        {QStringLiteral("channels"), QStringLiteral("Channels to measure, e.g. 171,hmi (default: all)."), QStringLiteral("LIST")},
        {QStringLiteral("from"), QStringLiteral("First time (ISO, UTC; inclusive)."), QStringLiteral("ISO")},
        {QStringLiteral("to"), QStringLiteral("Last time (ISO, UTC; exclusive)."), QStringLiteral("ISO")},
        {QStringLiteral("follow-rotation"), QStringLiteral("Carry the box centre with the Sun's differential rotation.")},
        {QStringLiteral("reference"), QStringLiteral("With --follow-rotation: the time at which the box is at --center "
                                                     "(the map it was drawn on)."),
         QStringLiteral("ISO")},
        {QStringLiteral("noaa"), QStringLiteral("Instead of --center: follow NOAA region N where the Solar Region "
                                                "Summaries (*SRS.txt of the archive, or of the files' folder) put it "
                                                "at each time."),
         QStringLiteral("N")},
        {QStringLiteral("csv"), QStringLiteral("Also write the points as CSV (atomically)."), QStringLiteral("FILE")},
    });
    p.addJsonOption(QStringLiteral("Print the curves as JSON: region, curves{channel: {unit, measured, failed, points}}."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    const QStringList files = p.positionalArguments();
    if (files.isEmpty() == !p.isSet(QStringLiteral("archive")))
        return p.usage(QStringLiteral("give either --archive DIR or map files"));
    int noaa = 0;
    if (p.isSet(QStringLiteral("noaa"))) {
        bool ok = false;
        noaa = p.value(QStringLiteral("noaa")).toInt(&ok);
        if (!ok || noaa <= 0)
            return p.usage(QStringLiteral("--noaa: '%1' is not a NOAA region number (e.g. 11158)").arg(p.value(QStringLiteral("noaa"))));
        if (p.isSet(QStringLiteral("center")) || p.isSet(QStringLiteral("follow-rotation")))
            return p.usage(QStringLiteral("--noaa places the box itself: give it without --center and --follow-rotation"));
    } else if (!p.isSet(QStringLiteral("center"))) {
        return p.usage(QStringLiteral("--center TX,TY (helioprojective arcsec) or --noaa N is required"));
    }
    const auto centre = noaa > 0 ? std::optional<QPointF>(QPointF()) : parseNumberPair(p.value(QStringLiteral("center")));
    if (!centre)
        return p.usage(QStringLiteral("--center: '%1' is not two numbers TX,TY").arg(p.value(QStringLiteral("center"))));
    const auto size = parseNumberPair(p.value(QStringLiteral("size")), true);
    if (!size || size->x() <= 0 || size->y() <= 0)
        return p.usage(QStringLiteral("--size: '%1' is not a positive W,H in arcsec").arg(p.value(QStringLiteral("size"))));
    QDateTime from, to, reference;
    QString timeError;
    if (!p.rotationTimeOptions(from, to, reference, QStringLiteral("the box is at --center"), timeError))
        return p.usage(timeError);
    QStringList channels;
    for (const QString &c : p.value(QStringLiteral("channels")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        channels << c.trimmed().toLower();

    QVector<Observation> observations;
    if (p.isSet(QStringLiteral("archive"))) {
        auto catalog = Catalog::open(p.value(QStringLiteral("archive")));
        if (!catalog)
            return fail(kName, catalog.error());
        auto scan = catalog->update();
        if (!scan)
            return fail(kName, scan.error());
        auto obs = catalog->observations(channels, from, to);
        if (!obs)
            return fail(kName, obs.error());
        observations = std::move(obs.value());
    } else {
        for (const QString &f : files) {
            auto info = MapFile::readInfo(f);
            if (!info)
                return fail(kName, info.error());
            Observation o;
            o.setFromFile(*info);
            o.path = QFileInfo(f).absoluteFilePath();
            if ((channels.isEmpty() || channels.contains(o.channel)) && (!from.isValid() || o.time() >= from)
                && (!to.isValid() || o.time() < to))
                observations.append(o);
        }
    }
    if (observations.isEmpty())
        return fail(kName, QStringLiteral("no observations%1%2").arg(channels.isEmpty() ? QString() : QStringLiteral(" of %1").arg(channels.join(QLatin1Char(','))),
                                                               from.isValid() || to.isValid() ? QStringLiteral(" in the time span") : QString()));

    LightCurveRegion region;
    region.box = SkyBox{centre->x(), centre->y(), size->x(), size->y()};
    region.followRotation = p.isSet(QStringLiteral("follow-rotation"));
    if (noaa > 0) {
        // The reports: the archive's whole tree, or the folder of the files given (not its subfolders).
        const bool archive = p.isSet(QStringLiteral("archive"));
        const QString folder = archive ? p.value(QStringLiteral("archive")) : QFileInfo(files.first()).absolutePath();
        auto reports = std::make_shared<const RegionSummaryArchive>(RegionSummaryArchive::scan(folder, archive));
        if (reports->isEmpty())
            return fail(kName, Error{folder, QStringLiteral("no readable Solar Region Summary (*SRS.txt) to place NOAA %1").arg(noaa)});
        region.noaa = noaa;
        region.reports = std::move(reports);
    }
    region.referenceMs = reference.isValid() ? reference.toMSecsSinceEpoch() : observations.first().timeMs;
    const QVector<LightCurve> curves = measureLightCurves(observations, region);

    if (p.isSet(QStringLiteral("csv"))) {
        const Status written = writeFileAtomically(p.value(QStringLiteral("csv")), lightCurvesCsv(curves));
        if (!written)
            return fail(kName, written.error());
    }
    int measured = 0;
    for (const LightCurve &c : curves)
        measured += c.measured();
    if (p.json()) {
        QJsonObject out;
        out.insert(QStringLiteral("region"),
                   QJsonObject{{QStringLiteral("tx"), region.box.tx},
                               {QStringLiteral("ty"), region.box.ty},
                               {QStringLiteral("width"), region.box.width},
                               {QStringLiteral("height"), region.box.height},
                               {QStringLiteral("follow_rotation"), region.followRotation},
                               {QStringLiteral("noaa"), region.noaa > 0 ? QJsonValue(region.noaa) : QJsonValue()},
                               {QStringLiteral("reference"),
                                SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(region.referenceMs, QTimeZone::utc()))}});
        QJsonObject byChannel;
        for (const LightCurve &c : curves) {
            QJsonArray points;
            for (const LightCurvePoint &pt : c.points)
                points.append(pointJson(pt));
            byChannel.insert(c.channel, QJsonObject{{QStringLiteral("unit"), c.unit},
                                                    {QStringLiteral("measured"), c.measured()},
                                                    {QStringLiteral("failed"), static_cast<int>(c.points.size()) - c.measured()},
                                                    {QStringLiteral("points"), points}});
        }
        out.insert(QStringLiteral("curves"), byChannel);
        printJson(out);
    } else {
        QTextStream text(stdout);
        for (const LightCurve &c : curves) {
            text << c.channel << " (" << (c.unit.isEmpty() ? QStringLiteral("no unit") : c.unit) << "): " << c.measured()
                 << " of " << c.points.size() << " observations measured\n";
            for (const LightCurvePoint &pt : c.points) {
                text << "  " << SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(pt.timeMs, QTimeZone::utc())) << "  ";
                if (pt.measure)
                    text << "mean " << QString::number(pt.measure->mean, 'g', 6) << "  mean|.| "
                         << QString::number(pt.measure->meanAbs, 'g', 6) << "  max " << QString::number(pt.measure->max, 'g', 6)
                         << "  (" << pt.measure->pixels << " px at " << QString::number(pt.measure->box.tx, 'f', 1) << ", "
                         << QString::number(pt.measure->box.ty, 'f', 1) << ")\n";
                else
                    text << pt.error << "\n";
            }
        }
    }
    return measured > 0 ? kOk : fail(kName, QStringLiteral("no observation could be measured (see the errors above)"));
}

const Registration reg(kName, QStringLiteral("the light curve of a box on the Sun, per channel, from the files' own pixels"),
                       runLightCurve);

}  // namespace
}  // namespace solarchip::cli
