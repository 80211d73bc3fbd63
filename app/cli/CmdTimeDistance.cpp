// solarchip timedistance (--archive DIR --channel C | FILE...) --start TX,TY --end TX,TY [--width W] [--points N]
// [--from ISO --to ISO] [--follow-rotation --reference ISO] [--csv FILE] [--json]: a time-distance plot along a slit
// on the Sun, from the files' own pixels (core/archive/TimeDistance).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "core/archive/Catalog.h"
#include "core/archive/TimeDistance.h"
#include "core/base/AtomicFile.h"
#include "core/base/NumberPair.h"
#include "core/map/MapFile.h"
#include "core/map/SdoTime.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>
#include <QTimeZone>

#include <cmath>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("timedistance");

QJsonValue numberOrNull(double v)
{
    return std::isfinite(v) ? QJsonValue(v) : QJsonValue();
}

QString iso(qint64 ms)
{
    return SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()));
}

int runTimeDistance(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "A time-distance plot: the files' own values along a straight slit on the sky (helioprojective arcsec), one "
        "profile per observation of one channel, stacked in time; the slope of a ridge is a plane-of-sky speed. Each "
        "sample is the bilinear interpolation of the file's pixels at its place (through the file's WCS), averaged "
        "across --width. AIA files in DN are divided by EXPTIME (DN/s). The slit is fixed on the sky, or carried "
        "rigidly with the differential rotation of its midpoint from --reference. Files that cannot be measured are "
        "listed with their reason."));
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("Map files (FITS) instead of --archive."),
                            QStringLiteral("[FILE...]"));
    p.addOptions({
        {QStringLiteral("archive"), QStringLiteral("Archive folder (catalogued first, as the app does)."), QStringLiteral("DIR")},
        {QStringLiteral("channel"), QStringLiteral("The channel, e.g. 171 (default: the first file's)."), QStringLiteral("C")},
        {QStringLiteral("start"), QStringLiteral("Slit start, helioprojective arcsec (distance 0)."), QStringLiteral("TX,TY")},
        {QStringLiteral("end"), QStringLiteral("Slit end, helioprojective arcsec."), QStringLiteral("TX,TY")},
        {QStringLiteral("width"), QStringLiteral("Arcsec across the slit averaged over (default 0: the line only)."),
         QStringLiteral("W"), QStringLiteral("0")},
        {QStringLiteral("points"), QStringLiteral("Samples along the slit, ends included (default: one per pixel)."),
         QStringLiteral("N"), QStringLiteral("0")},
        {QStringLiteral("from"), QStringLiteral("First time (ISO, UTC; inclusive)."), QStringLiteral("ISO")},
        {QStringLiteral("to"), QStringLiteral("Last time (ISO, UTC; exclusive)."), QStringLiteral("ISO")},
        {QStringLiteral("follow-rotation"), QStringLiteral("Carry the slit with the Sun's differential rotation of its midpoint.")},
        {QStringLiteral("reference"), QStringLiteral("With --follow-rotation: the time at which the slit is where given."),
         QStringLiteral("ISO")},
        {QStringLiteral("csv"), QStringLiteral("Also write the plot as CSV (a row per time, a column per sample; atomically)."),
         QStringLiteral("FILE")},
    });
    p.addJsonOption(QStringLiteral("Print the plot as JSON: channel, unit, slit, mm_per_arcsec, distance_arcsec, distance_mm, "
                                   "profiles[{time, file, start, end, values | error}], measured, failed, skipped[{file, error}] (files "
                                   "that could not be opened)."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    const QStringList files = p.positionalArguments();
    if (files.isEmpty() == !p.isSet(QStringLiteral("archive")))
        return p.usage(QStringLiteral("give either --archive DIR or map files"));
    if (!p.isSet(QStringLiteral("start")) || !p.isSet(QStringLiteral("end")))
        return p.usage(QStringLiteral("--start TX,TY and --end TX,TY (helioprojective arcsec) are required"));
    const auto start = parseNumberPair(p.value(QStringLiteral("start")));
    const auto end = parseNumberPair(p.value(QStringLiteral("end")));
    if (!start || !end)
        return p.usage(QStringLiteral("--start/--end: '%1' is not two numbers TX,TY")
                           .arg(!start ? p.value(QStringLiteral("start")) : p.value(QStringLiteral("end"))));
    if (*start == *end)
        return p.usage(QStringLiteral("--start and --end are the same point: the slit needs a length"));
    bool ok = false;
    const double width = p.value(QStringLiteral("width")).toDouble(&ok);
    if (!ok || !(width >= 0) || !std::isfinite(width))
        return p.usage(QStringLiteral("--width: '%1' is not a width in arcsec (>= 0)").arg(p.value(QStringLiteral("width"))));
    const int points = p.value(QStringLiteral("points")).toInt(&ok);
    if (!ok || points < 0 || points == 1)
        return p.usage(QStringLiteral("--points: '%1' is not a sample count (2 or more; 0: one per pixel)").arg(p.value(QStringLiteral("points"))));
    QDateTime from, to, reference;
    QString timeError;
    if (!p.rotationTimeOptions(from, to, reference, QStringLiteral("the slit is where given"), timeError))
        return p.usage(timeError);
    QString channel = p.value(QStringLiteral("channel")).trimmed().toLower();

    QVector<Observation> observations;
    QJsonArray skipped;
    if (p.isSet(QStringLiteral("archive"))) {
        if (channel.isEmpty())
            return p.usage(QStringLiteral("--channel C is required with --archive (e.g. --channel 171)"));
        auto catalog = Catalog::open(p.value(QStringLiteral("archive")));
        if (!catalog)
            return fail(kName, catalog.error());
        auto scan = catalog->update();
        if (!scan)
            return fail(kName, scan.error());
        auto obs = catalog->observations(QStringList{channel}, from, to);
        if (!obs)
            return fail(kName, obs.error());
        observations = std::move(obs.value());
    }
    if (!p.isSet(QStringLiteral("archive"))) {
        for (const QString &f : files) {
            auto info = MapFile::readInfo(f);
            if (!info) {  // named on stderr and in the JSON; the plot goes on without it
                QTextStream(stderr) << kName << ": skipped " << info.error().toString() << Qt::endl;
                skipped.append(QJsonObject{{QStringLiteral("file"), f}, {QStringLiteral("error"), info.error().message}});
                continue;
            }
            Observation o;
            o.setFromFile(*info);
            o.path = QFileInfo(f).absoluteFilePath();
            if (channel.isEmpty())
                channel = o.channel;
            if (o.channel == channel && (!from.isValid() || o.time() >= from) && (!to.isValid() || o.time() < to))
                observations.append(o);
        }
    }
    if (observations.isEmpty())
        return fail(kName, QStringLiteral("no observations of %1%2").arg(channel, from.isValid() || to.isValid() ? QStringLiteral(" in the time span") : QString()));

    Slit slit;
    slit.start = *start;
    slit.end = *end;
    slit.width = width;
    slit.points = points;
    slit.followRotation = p.isSet(QStringLiteral("follow-rotation"));
    slit.referenceMs = reference.isValid() ? reference.toMSecsSinceEpoch() : observations.first().timeMs;
    auto td = measureTimeDistance(observations, slit);
    if (!td)
        return fail(kName, td.error());

    if (p.isSet(QStringLiteral("csv"))) {
        const Status written = writeFileAtomically(p.value(QStringLiteral("csv")), timeDistanceCsv(*td));
        if (!written)
            return fail(kName, written.error());
    }
    const int measured = td->measured();
    if (p.json()) {
        QJsonArray dArc, dMm, profiles;
        for (double d : td->distanceArcsec) {
            dArc.append(d);
            dMm.append(d * td->mmPerArcsec);
        }
        for (const SlitProfile &pr : td->profiles) {
            QJsonObject o{{QStringLiteral("time"), iso(pr.timeMs)}, {QStringLiteral("file"), pr.file}};
            if (!pr.measured()) {
                o.insert(QStringLiteral("error"), pr.error);
            } else {
                QJsonArray values;
                for (double v : pr.values)
                    values.append(numberOrNull(v));
                o.insert(QStringLiteral("start"), QJsonArray{pr.start.x(), pr.start.y()});
                o.insert(QStringLiteral("end"), QJsonArray{pr.end.x(), pr.end.y()});
                o.insert(QStringLiteral("exptime"), pr.exptime);
                o.insert(QStringLiteral("quality"), static_cast<double>(pr.quality));
                o.insert(QStringLiteral("values"), values);
            }
            profiles.append(o);
        }
        const Slit &s = td->slit;
        printJson(QJsonObject{
            {QStringLiteral("channel"), td->channel},
            {QStringLiteral("unit"), td->unit},
            {QStringLiteral("slit"), QJsonObject{{QStringLiteral("start"), QJsonArray{s.start.x(), s.start.y()}},
                                                 {QStringLiteral("end"), QJsonArray{s.end.x(), s.end.y()}},
                                                 {QStringLiteral("length_arcsec"), s.lengthArcsec()},
                                                 {QStringLiteral("width"), s.width},
                                                 {QStringLiteral("points"), s.points},
                                                 {QStringLiteral("across"), s.across},
                                                 {QStringLiteral("follow_rotation"), s.followRotation},
                                                 {QStringLiteral("reference"), iso(s.referenceMs)}}},
            {QStringLiteral("mm_per_arcsec"), td->mmPerArcsec},
            {QStringLiteral("distance_arcsec"), dArc},
            {QStringLiteral("distance_mm"), dMm},
            {QStringLiteral("profiles"), profiles},
            {QStringLiteral("measured"), measured},
            {QStringLiteral("skipped"), skipped},
            {QStringLiteral("failed"), static_cast<int>(td->profiles.size()) - measured}});
    } else {
        QTextStream text(stdout);
        text << td->channel << " (" << (td->unit.isEmpty() ? QStringLiteral("no unit") : td->unit) << "): " << measured << " of "
             << td->profiles.size() << " observations measured along " << QString::number(td->slit.lengthArcsec(), 'f', 1)
             << " arcsec (" << QString::number(td->slit.lengthArcsec() * td->mmPerArcsec, 'f', 1) << " Mm), "
             << td->slit.points << " samples\n";
        for (const SlitProfile &pr : td->profiles)
            if (!pr.measured())
                text << "  " << iso(pr.timeMs) << "  " << pr.error << "\n";
    }
    return measured > 0 ? kOk : fail(kName, QStringLiteral("no observation could be measured (see the errors above)"));
}

const Registration reg(kName, QStringLiteral("a time-distance plot along a slit on the Sun, from the files' own pixels"),
                       runTimeDistance);

}  // namespace
}  // namespace solarchip::cli
