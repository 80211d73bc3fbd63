// solarchip synth OUT --start ISO --days N --cadence HOURS --size PX --channels LIST --seed S [--json]:
// write a synthetic SDO archive (real file names and header conventions, ground truth, flare list, NOAA Solar
// Region Summaries).
// Layout (see core/synthetic/SyntheticSun.h):
//   OUT/synth.json, OUT/<channel>/YYYY/MM/DD/<JSOC name>.fits, OUT/truth/YYYY/MM/DD/truth_*.json,
//   OUT/swpc_flarelist_YYYYMMDD-YYYYMMDD.csv, OUT/srs/YYYY/YYYYMMDDSRS.txt (one per day)
// Re-running with the same arguments skips the files that exist (resume after a kill).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "core/map/MapMeta.h"
#include "core/map/SdoTime.h"
#include "core/synthetic/SyntheticArchiveWriter.h"
#include "core/synthetic/SyntheticSun.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QTextStream>

#include <cmath>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("synth");

// "2011-06-07T00:00,30,-15,3e22[,lifetime_days]": a hand-placed active region.
std::optional<SyntheticRegionSpec> parseRegion(const QString &text, QString &why)
{
    const QStringList f = text.split(QLatin1Char(','));
    if (f.size() < 4 || f.size() > 5) {
        why = QStringLiteral("--region '%1': expected TIME,LON,LAT,FLUX_MX[,LIFETIME_DAYS]").arg(text);
        return std::nullopt;
    }
    SyntheticRegionSpec r;
    const auto t = SdoTime::parseUserTime(f[0]);
    bool ok1 = false, ok2 = false, ok3 = false, ok4 = true;
    r.lonDeg = f[1].toDouble(&ok1);
    r.latDeg = f[2].toDouble(&ok2);
    r.fluxMx = f[3].toDouble(&ok3);
    if (f.size() == 5)
        r.lifetimeDays = f[4].toDouble(&ok4);
    if (!t || !ok1 || !ok2 || !ok3 || !ok4) {
        why = QStringLiteral("--region '%1': a field is not a number or the time is not ISO").arg(text);
        return std::nullopt;
    }
    r.emergence = *t;
    return r;
}

int runSynth(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral("Write a synthetic SDO archive: AIA level-1 and HMI 720 s files with real "
                                        "JSOC names and header conventions, a ground-truth JSON per time step and "
                                        "the flare list in the SWPC CSV layout. Deterministic for a seed; re-running "
                                        "with the same arguments resumes."));
    p.addPositionalArgument(QStringLiteral("OUT"), QStringLiteral("Output folder (created if missing)."));
    p.addOption({QStringLiteral("start"), QStringLiteral("First time step, ISO UTC (e.g. 2011-06-07T00:00)."), QStringLiteral("ISO")});
    p.addOption({QStringLiteral("days"), QStringLiteral("Span in days (default 1)."), QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("cadence"), QStringLiteral("Hours between time steps (default 12)."), QStringLiteral("HOURS"), QStringLiteral("12")});
    p.addOption({QStringLiteral("size"), QStringLiteral("Image size in pixels (default 1024; 4096 = full resolution)."), QStringLiteral("PX"), QStringLiteral("1024")});
    p.addOption({QStringLiteral("channels"), QStringLiteral("Comma-separated channels (default hmi,94,131,171,193,211,304,335,1600,1700; also hmi_ic, 4500)."),
                 QStringLiteral("LIST"), SyntheticOptions::defaultChannels().join(QLatin1Char(','))});
    p.addOption({QStringLiteral("seed"), QStringLiteral("Random seed (default 1)."), QStringLiteral("S"), QStringLiteral("1")});
    p.addOption({QStringLiteral("activity"), QStringLiteral("Fixed activity level (1 = cycle-24 maximum, 0 = no active regions); default: from the date's solar-cycle phase."),
                 QStringLiteral("A")});
    p.addOption({QStringLiteral("region"), QStringLiteral("Add an active region: TIME,LON,LAT,FLUX_MX[,LIFETIME_DAYS] (Stonyhurst degrees at TIME; repeatable)."),
                 QStringLiteral("SPEC")});
    p.addOption({QStringLiteral("no-random-regions"), QStringLiteral("Only the --region regions.")});
    p.addOption({QStringLiteral("no-flares"), QStringLiteral("No flares.")});
    p.addOption({QStringLiteral("no-noise"), QStringLiteral("No photon/read/magnetogram noise.")});
    p.addOption({QStringLiteral("no-truth"), QStringLiteral("Do not write the ground-truth JSON files.")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Worker threads (default: all cores)."), QStringLiteral("N"), QStringLiteral("0")});
    p.addJsonOption(QStringLiteral("Progress as JSON lines on stderr, summary as JSON on stdout."));
    p.addOption({QStringLiteral("quiet"), QStringLiteral("No progress lines.")});
    if (auto exit = p.parseOrExit(args, {1, 1, QStringLiteral("no OUT folder given"), QStringLiteral("one OUT folder expected")}))
        return *exit;
    if (!p.isSet(QStringLiteral("start")))
        return p.usage(QStringLiteral("--start is required"));

    SyntheticOptions o;
    o.outDir = p.positionalArguments().first();
    const auto start = SdoTime::parseUserTime(p.value(QStringLiteral("start")));
    if (!start)
        return p.usage(QStringLiteral("--start '%1' is not an ISO time").arg(p.value(QStringLiteral("start"))));
    o.start = *start;
    bool ok = true;
    auto number = [&](const char *name, double &out) {
        bool good = false;
        out = p.value(QString::fromLatin1(name)).toDouble(&good);
        if (!good) {
            ok = false;
            p.usage(QStringLiteral("--%1 '%2' is not a number").arg(QLatin1String(name), p.value(QString::fromLatin1(name))));
        }
    };
    double size = 0, seed = 0, threads = 0;
    number("days", o.days);
    if (ok) number("cadence", o.cadenceHours);
    if (ok) number("size", size);
    if (ok) number("threads", threads);
    if (!ok)
        return kUsage;
    bool seedOk = false;
    o.seed = p.value(QStringLiteral("seed")).toULongLong(&seedOk);
    if (!seedOk)
        return p.usage(QStringLiteral("--seed '%1' is not a non-negative integer").arg(p.value(QStringLiteral("seed"))));
    static_cast<void>(seed);
    if (size != std::floor(size))
        return p.usage(QStringLiteral("--size must be a whole number of pixels"));
    o.size = static_cast<int>(size);
    o.threads = static_cast<int>(threads);
    if (p.isSet(QStringLiteral("activity"))) {
        number("activity", o.activity);
        if (!ok)
            return kUsage;
        if (o.activity < 0)
            return p.usage(QStringLiteral("--activity must be >= 0"));
    }
    o.channels.clear();
    for (const QString &c : p.value(QStringLiteral("channels")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString key = canonicalChannel(c);
        if (key.isEmpty())
            return p.usage(QStringLiteral("--channels: '%1' is not an SDO channel").arg(c));
        o.channels << key;
    }
    for (const QString &r : p.values(QStringLiteral("region"))) {
        QString why;
        const auto spec = parseRegion(r, why);
        if (!spec)
            return p.usage(why);
        o.regions << *spec;
    }
    o.randomRegions = !p.isSet(QStringLiteral("no-random-regions"));
    o.flares = !p.isSet(QStringLiteral("no-flares"));
    o.noise = !p.isSet(QStringLiteral("no-noise"));
    o.writeTruth = !p.isSet(QStringLiteral("no-truth"));
    if (Status s = o.validate(); !s)
        return p.usage(s.errorString());

    const bool json = p.json();
    const bool quiet = p.isSet(QStringLiteral("quiet"));
    QElapsedTimer clock;
    clock.start();
    int lastStep = 0;
    qint64 stepStartMs = 0;
    QTextStream err(stderr);
    auto progress = [&](const SyntheticProgress &pr) {
        if (quiet)
            return true;
        if (json) {
            QJsonDocument doc(QJsonObject{{QStringLiteral("event"), QStringLiteral("file")},
                                          {QStringLiteral("step"), pr.step},
                                          {QStringLiteral("steps"), pr.steps},
                                          {QStringLiteral("time"), SdoTime::toIso(pr.time) + QStringLiteral("Z")},
                                          {QStringLiteral("file"), pr.lastFile},
                                          {QStringLiteral("skipped"), pr.lastSkipped},
                                          {QStringLiteral("written"), pr.written},
                                          {QStringLiteral("skipped_total"), pr.skipped}});
            err << doc.toJson(QJsonDocument::Compact) << Qt::endl;
            return true;
        }
        if (pr.step != lastStep) {
            const qint64 now = clock.elapsed();
            if (lastStep > 0)
                err << QStringLiteral(" (%1 s)").arg((now - stepStartMs) / 1000.0, 0, 'f', 2) << Qt::endl;
            err << QStringLiteral("[%1/%2] %3Z").arg(pr.step).arg(pr.steps).arg(pr.time.toString(Qt::ISODate).left(19));
            lastStep = pr.step;
            stepStartMs = now;
        }
        // The channel is the first folder under OUT: "<OUT>/<channel>/YYYY/MM/DD/<file>".
        err << (pr.lastSkipped ? " =" : " +") << QFileInfo(pr.lastFile).dir().path().section(QLatin1Char('/'), -4, -4);
        err.flush();
        return true;
    };
    auto result = SyntheticArchiveWriter::run(o, progress);
    if (!quiet && !json && lastStep > 0)
        err << QStringLiteral(" (%1 s)").arg((clock.elapsed() - stepStartMs) / 1000.0, 0, 'f', 2) << Qt::endl;
    if (!result)
        return fail(kName, result.error());
    const SyntheticSummary &s = *result;
    const QJsonObject summary{
        {QStringLiteral("out"), QFileInfo(o.outDir).absoluteFilePath()},
        {QStringLiteral("steps"), s.steps},
        {QStringLiteral("channels"), QJsonArray::fromStringList(o.channels)},
        {QStringLiteral("written"), s.written},
        {QStringLiteral("skipped"), s.skipped},
        {QStringLiteral("regions"), s.regions},
        {QStringLiteral("flares_listed"), s.flaresListed},
        {QStringLiteral("flare_list"), s.flareListPath},
        {QStringLiteral("flare_sites_list"), s.flareSitesPath},
        {QStringLiteral("region_summaries"), s.regionSummaries},
        {QStringLiteral("cancelled"), s.cancelled},
        {QStringLiteral("elapsed_s"), s.elapsedS},
        {QStringLiteral("seconds_per_step"), s.steps > 0 ? s.elapsedS / s.steps : 0.0},
    };
    if (json) {
        printJson(summary);
    } else {
        QTextStream out(stdout);
        out << o.outDir << ": " << s.steps << " steps x " << o.channels.size() << " channels, " << s.written
            << " files written, " << s.skipped << " already there; " << s.regions << " active regions, "
            << s.flaresListed << " flares listed (" << QFileInfo(s.flareListPath).fileName() << "), "
            << s.regionSummaries << " region summaries (srs/); "
            << QString::number(s.elapsedS, 'f', 1) << " s" << Qt::endl;
    }
    return s.cancelled ? kFailed : kOk;
}

const Registration reg(kName, QStringLiteral("write a synthetic SDO archive with ground truth (deterministic per seed)"),
                       runSynth);

}  // namespace
}  // namespace solarchip::cli
