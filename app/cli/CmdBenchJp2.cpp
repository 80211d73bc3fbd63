// solarchip bench jp2 FILE [--reduce 0,2,3] [--repeat N] [--json]: time of reading a Helioviewer JPEG2000 file
// into an SdoMap (read + box walk + XML header + OpenJPEG decode on all cores + row flip + WCS) at several
// resolution levels. bench/jp2_vs_glymur.py runs it side by side with glymur (OpenJPEG's Python binding,
// what sunpy uses) decoding the same file at the same levels.
#include "app/cli/BenchRegistry.h"
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "core/map/Jp2Reader.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTextStream>
#include <QThread>

#include <algorithm>

namespace solarchip::cli {

namespace {

const QString kCmd = QStringLiteral("bench jp2");

int runBenchJp2(const QStringList &args)
{
    CommandLine p(kCmd, QStringLiteral("Time of reading a Helioviewer JPEG2000 file at several resolution levels."));
    p.addPositionalArgument(QStringLiteral("FILE"), QStringLiteral("A Helioviewer .jp2 file."));
    p.addOption({QStringLiteral("reduce"), QStringLiteral("Comma-separated levels (default 0,1,2,3)."), QStringLiteral("LIST"),
                 QStringLiteral("0,1,2,3")});
    p.addOption({QStringLiteral("repeat"), QStringLiteral("Runs per level (default 3)."), QStringLiteral("N"), QStringLiteral("3")});
    p.addJsonOption();
    if (auto exit = p.parseOrExit(args, Positionals::exactly(1, QStringLiteral("exactly one FILE"))))
        return *exit;
    const QString file = p.positionalArguments().first();
    bool ok = false;
    const int repeat = p.value(QStringLiteral("repeat")).toInt(&ok);
    if (!ok || repeat < 1)
        return p.usage(QStringLiteral("--repeat must be >= 1"));
    QList<int> levels;
    for (const QString &s : p.value(QStringLiteral("reduce")).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int r = s.trimmed().toInt(&ok);
        if (!ok || r < 0)
            return p.usage(QStringLiteral("--reduce takes levels >= 0, e.g. 0,2,3"));
        levels << r;
    }

    QJsonArray results;
    for (int r : levels) {
        std::vector<double> times;
        int w = 0, h = 0;
        for (int i = 0; i < repeat; ++i) {
            QElapsedTimer t;
            t.start();
            auto map = Jp2Reader::read(file, r);
            times.push_back(t.nsecsElapsed() * 1e-9);
            if (!map)
                return fail(kCmd, map.error());
            w = map->image.width;
            h = map->image.height;
        }
        std::sort(times.begin(), times.end());
        QJsonArray all;
        for (double t : times)
            all.append(t);
        results.append(QJsonObject{{QStringLiteral("reduce"), r},
                                   {QStringLiteral("width"), w},
                                   {QStringLiteral("height"), h},
                                   {QStringLiteral("seconds"), all},
                                   {QStringLiteral("median_s"), times[times.size() / 2]}});
    }
    const QJsonObject out{{QStringLiteral("bench"), QStringLiteral("jp2")},
                          {QStringLiteral("file"), file},
                          {QStringLiteral("threads"), QThread::idealThreadCount()},
                          {QStringLiteral("levels"), results}};
    if (p.json()) {
        printJson(out);
    } else {
        QTextStream ts(stdout);
        for (const QJsonValue &v : results) {
            const QJsonObject o = v.toObject();
            ts << "reduce " << o.value(QStringLiteral("reduce")).toInt() << " (" << o.value(QStringLiteral("width")).toInt()
               << "x" << o.value(QStringLiteral("height")).toInt() << "): median " << o.value(QStringLiteral("median_s")).toDouble()
               << " s" << Qt::endl;
        }
    }
    return kOk;
}

const BenchRegistration reg(QStringLiteral("jp2"), QStringLiteral("read a Helioviewer JPEG2000 file at several resolution levels"),
                            runBenchJp2);

}  // namespace
}  // namespace solarchip::cli
