// solarchip bench load-prep FILE [--json]: time and peak memory of loading an SDO map and prepping it to
// level 1.5 (0.6"/px, north up, disk recentred, cubic) - the work the viewer and the training pipeline do per
// file. bench/load_prep_vs_sunpy.py runs it side by side with sunpy (Map + rotate) on the same files.
//
// Memory: before each run the kernel's peak-RSS mark is reset (write "5" to /proc/self/clear_refs, Linux
// >= 4.0), so VmHWM afterwards is the peak of that run alone; the figure reported is that peak minus VmRSS
// just before the run, i.e. the extra resident memory the load + prep needed at its worst moment.
#include "app/cli/BenchRegistry.h"
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "core/map/Prep.h"

#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <thread>

namespace solarchip::cli {

namespace {

const QString kCmd = QStringLiteral("bench load-prep");

// A "VmXXX:   1234 kB" line of /proc/self/status, in bytes (-1 if unavailable).
qint64 procStatusBytes(const char *key)
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const QByteArray k(key);
    for (const QByteArray &line : f.readAll().split('\n')) {
        if (!line.startsWith(k))
            continue;
        const QByteArray v = line.mid(k.size()).trimmed();
        bool ok = false;
        const qint64 kb = v.left(v.indexOf(' ')).toLongLong(&ok);
        return ok ? kb * 1024 : -1;
    }
    return -1;
}

bool resetPeakRss()
{
    QFile f(QStringLiteral("/proc/self/clear_refs"));
    if (!f.open(QIODevice::WriteOnly))
        return false;
    return f.write("5") == 1;
}

int runLoadPrep(const QStringList &args)
{
    CommandLine p(kCmd, QStringLiteral(
        "Time and peak memory of load + level 1.5 prep (0.6\"/px, north up, recentred, cubic) of one file."));
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("An AIA or HMI FITS file."));
    p.addOption({QStringLiteral("scale"), QStringLiteral("Plate scale (default 0.6)."), QStringLiteral("ARCSEC"),
                 QStringLiteral("0.6")});
    p.addOption({QStringLiteral("order"), QStringLiteral("1 or 3 (default 3)."), QStringLiteral("N"), QStringLiteral("3")});
    p.addOption({QStringLiteral("repeat"), QStringLiteral("Runs (default 3); times of each are reported."),
                 QStringLiteral("N"), QStringLiteral("3")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Resampling threads (default: all cores)."), QStringLiteral("N")});
    p.addJsonOption();
    if (auto exit = p.parseOrExit(args, Positionals::exactly(1, QStringLiteral("exactly one FILE"))))
        return *exit;
    const QString file = p.positionalArguments().first();
    bool ok = false;
    PrepOptions opts;
    opts.recenter = true;
    opts.scale = p.value(QStringLiteral("scale")).toDouble(&ok);
    if (!ok || !(opts.scale > 0))
        return p.usage(QStringLiteral("--scale must be positive"));
    const int order = p.value(QStringLiteral("order")).toInt(&ok);
    if (!ok || (order != 1 && order != 3))
        return p.usage(QStringLiteral("--order must be 1 or 3"));
    opts.interpolation = order == 1 ? Interpolation::Bilinear : Interpolation::Cubic;
    const int repeat = p.value(QStringLiteral("repeat")).toInt(&ok);
    if (!ok || repeat < 1)
        return p.usage(QStringLiteral("--repeat must be >= 1"));
    if (p.isSet(QStringLiteral("threads"))) {
        const int n = p.value(QStringLiteral("threads")).toInt(&ok);
        if (!ok || n < 1)
            return p.usage(QStringLiteral("--threads must be >= 1"));
        Resample::setThreads(n);
    }

    QJsonArray runs;
    std::vector<double> totals;
    qint64 worstGrowth = -1;
    int width = 0, height = 0;
    QString method;
    bool peakReset = true;
    for (int r = 0; r < repeat; ++r) {
        const qint64 rssBefore = procStatusBytes("VmRSS:");
        peakReset = resetPeakRss() && peakReset;
        QElapsedTimer t;
        t.start();
        auto map = SdoMap::load(file);
        if (!map)
            return fail(kCmd, map.error());
        const double loadS = t.nsecsElapsed() * 1e-9;
        width = map->image.width;
        height = map->image.height;
        ResampleInfo info;
        auto prepped = Prep::level15(std::move(map.value()), opts, &info);
        if (!prepped)
            return fail(kCmd, prepped.error());
        const double totalS = t.nsecsElapsed() * 1e-9;
        const qint64 hwm = procStatusBytes("VmHWM:");
        const qint64 growth = rssBefore >= 0 && hwm >= 0 ? hwm - rssBefore : -1;
        worstGrowth = std::max(worstGrowth, growth);
        method = info.method;
        totals.push_back(totalS);
        runs.append(QJsonObject{{QStringLiteral("load_s"), loadS},
                                {QStringLiteral("prep_s"), totalS - loadS},
                                {QStringLiteral("total_s"), totalS},
                                {QStringLiteral("peak_rss_growth_bytes"), static_cast<double>(growth)}});
    }
    std::vector<double> sorted = totals;
    std::sort(sorted.begin(), sorted.end());
    const double imageBytes = double(width) * height * sizeof(float);
    const QJsonObject result{
        {QStringLiteral("bench"), QStringLiteral("load-prep")},
        {QStringLiteral("file"), file},
        {QStringLiteral("naxis1"), width},
        {QStringLiteral("naxis2"), height},
        {QStringLiteral("scale"), opts.scale},
        {QStringLiteral("order"), order},
        {QStringLiteral("method"), method},
        {QStringLiteral("threads"), Resample::threads()},
        {QStringLiteral("hardware_threads"), static_cast<int>(std::thread::hardware_concurrency())},
        {QStringLiteral("runs"), runs},
        {QStringLiteral("total_s_min"), sorted.front()},
        {QStringLiteral("total_s_median"), sorted[sorted.size() / 2]},
        {QStringLiteral("image_float32_bytes"), imageBytes},
        {QStringLiteral("peak_rss_growth_bytes"), static_cast<double>(worstGrowth)},
        {QStringLiteral("peak_over_image_float32"), worstGrowth >= 0 ? QJsonValue(worstGrowth / imageBytes) : QJsonValue()},
        {QStringLiteral("memory_method"),
         peakReset ? QStringLiteral("VmHWM after the run (peak reset via /proc/self/clear_refs before it) minus VmRSS before")
                   : QStringLiteral("VmHWM (could not reset: process-lifetime peak) minus VmRSS before the run")},
    };
    if (p.json()) {
        printJson(result);
    } else {
        QTextStream(stdout) << "load+prep " << file << " (" << width << "x" << height << "): min " << sorted.front()
                            << " s, median " << sorted[sorted.size() / 2] << " s, peak RSS growth "
                            << worstGrowth / 1048576.0 << " MiB = " << worstGrowth / imageBytes
                            << " x the float32 image" << Qt::endl;
    }
    return kOk;
}

const BenchRegistration reg(QStringLiteral("load-prep"),
                            QStringLiteral("load + level 1.5 prep of one FITS file (time, peak memory)"), runLoadPrep);

}  // namespace
}  // namespace solarchip::cli
