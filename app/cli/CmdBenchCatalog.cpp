// solarchip bench catalog [--files N] [--json]: writes N tiny SDO-like FITS files (CatalogFixture), indexes them,
// re-indexes them unchanged, and times every catalog query the GUI and training use. Prints JSON.
#include "app/cli/BenchRegistry.h"
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "core/archive/Catalog.h"
#include "core/archive/CatalogFixture.h"
#include "core/map/SdoTime.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QThread>

#include <algorithm>
#include <ctime>
#include <optional>

#include <sys/resource.h>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("bench catalog");

struct Timing {
    double firstMs = 0, medianMs = 0, minMs = 0, maxMs = 0;
    double cpuMedianMs = 0;  // CPU time of this thread: what the query costs when the machine is busy
    qint64 resultSize = 0;
};

double processCpuS()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double threadCpuMs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

// Runs `fn` `repeat` times; fn returns the size of its result (rows, sets, bins) or -1 after an error.
template <class Fn>
Expected<Timing> timeIt(int repeat, Fn &&fn, QString *error)
{
    QVector<double> ms, cpu;
    Timing t;
    for (int i = 0; i < repeat; ++i) {
        QElapsedTimer c;
        const double cpu0 = threadCpuMs();
        c.start();
        const qint64 n = fn(i);
        ms << c.nsecsElapsed() / 1e6;
        cpu << threadCpuMs() - cpu0;
        if (n < 0)
            return Error{{}, *error};
        t.resultSize = n;
    }
    t.firstMs = ms.first();
    std::sort(ms.begin(), ms.end());
    t.medianMs = ms[ms.size() / 2];
    t.minMs = ms.first();
    t.maxMs = ms.last();
    std::sort(cpu.begin(), cpu.end());
    t.cpuMedianMs = cpu[cpu.size() / 2];
    return t;
}

qint64 du(const QString &path)
{
    qint64 total = 0;
    for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
        total += QFileInfo(path + suffix).size();
    return total;
}

int runBenchCatalog(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "Index N tiny SDO-like FITS files and time every catalog query (median of --repeat runs, warm cache)."));
    p.addOption({QStringLiteral("files"), QStringLiteral("Number of files (default 100000)."), QStringLiteral("N"),
                 QStringLiteral("100000")});
    p.addOption({QStringLiteral("channels"), QStringLiteral("Channels (default the 9 AIA EUV/UV channels + hmi)."),
                 QStringLiteral("LIST"), QStringLiteral("94,131,171,193,211,304,335,1600,1700,hmi")});
    p.addOption({QStringLiteral("cadence-min"), QStringLiteral("Minutes between time steps (default 60)."),
                 QStringLiteral("MIN"), QStringLiteral("60")});
    p.addOption({QStringLiteral("dir"), QStringLiteral("Archive folder to create (default: a temporary folder, "
                                                       "removed afterwards)."),
                 QStringLiteral("PATH")});
    p.addOption({QStringLiteral("keep"), QStringLiteral("Keep the archive and its catalog.")});
    p.addOption({QStringLiteral("reuse"), QStringLiteral("Use the files already in --dir (no generation; the catalog "
                                                         "is still rebuilt from scratch).")});
    p.addOption({QStringLiteral("queries-only"), QStringLiteral("Time the queries on the catalog already in --dir "
                                                                "(no generation, no indexing).")});
    p.addOption({QStringLiteral("threads"), QStringLiteral("Reader threads for indexing (default: all cores)."),
                 QStringLiteral("N"), QStringLiteral("0")});
    p.addOption({QStringLiteral("repeat"), QStringLiteral("Runs per query (default 20)."), QStringLiteral("N"),
                 QStringLiteral("20")});
    p.addOption({QStringLiteral("only"), QStringLiteral("Time only these queries (comma separated names)."),
                 QStringLiteral("LIST")});
    p.addJsonOption(QStringLiteral("Print JSON (the default output)."));
    if (auto exit = p.parseOrExit(args))
        return *exit;
    const int nFiles = p.value(QStringLiteral("files")).toInt();
    const QStringList channels = p.value(QStringLiteral("channels")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    const double cadenceMin = p.value(QStringLiteral("cadence-min")).toDouble();
    const int repeat = std::max(1, p.value(QStringLiteral("repeat")).toInt());
    const int threads = p.value(QStringLiteral("threads")).toInt();
    if (nFiles < channels.size() || channels.isEmpty() || cadenceMin <= 0)
        return p.usage(QStringLiteral("need --files >= number of channels and a positive --cadence-min"));

    // Without --dir: a temporary folder, removed at the end unless --keep. A --dir is never removed.
    std::optional<QTemporaryDir> tmp;
    QString dir = p.value(QStringLiteral("dir"));
    if (dir.isEmpty()) {
        tmp.emplace(QDir::tempPath() + QStringLiteral("/solarchip-catalog-bench-XXXXXX"));
        if (!tmp->isValid())
            return fail(kName, Error{QDir::tempPath(), QStringLiteral("cannot create a temporary folder")});
        tmp->setAutoRemove(!p.isSet(QStringLiteral("keep")));
        dir = tmp->path();
    }
    QJsonObject out{{QStringLiteral("files"), nFiles},
                    {QStringLiteral("channels"), QJsonArray::fromStringList(channels)},
                    {QStringLiteral("cadence_min"), cadenceMin},
                    {QStringLiteral("cpu_threads"), QThread::idealThreadCount()},
                    {QStringLiteral("archive"), dir}};

    const int steps = nFiles / int(channels.size());
    const QDateTime start(QDate(2011, 1, 1), QTime(0, 0), QTimeZone::utc());
    const qint64 cadenceMs = qint64(cadenceMin * 60000.0);
    const bool queriesOnly = p.isSet(QStringLiteral("queries-only"));
    if (queriesOnly && p.value(QStringLiteral("dir")).isEmpty())
        return p.usage(QStringLiteral("--queries-only needs --dir"));
    if (!p.isSet(QStringLiteral("reuse")) && !queriesOnly) {
        QElapsedTimer c;
        c.start();
        const auto files = CatalogFixture::schedule(channels, start, cadenceMs, steps, 60'000, 7);
        if (Status s = CatalogFixture::write(dir, files); !s)
            return fail(kName, s.error());
        out.insert(QStringLiteral("generate_s"), c.elapsed() / 1000.0);
    }

    const QString db = dir + QStringLiteral("/.solarchip/catalog.sqlite");
    if (!queriesOnly) {
        // Always a fresh catalog: the first update() reads every file.
        for (const QString &suffix : {QString(), QStringLiteral("-wal"), QStringLiteral("-shm")})
            QFile::remove(db + suffix);
        auto catalog = Catalog::open(dir, db);
        if (!catalog)
            return fail(kName, catalog.error());
        CatalogScanOptions opt;
        opt.threads = threads;
        const double cpu0 = processCpuS();
        auto first = catalog->update(opt);
        if (!first)
            return fail(kName, first.error());
        const double indexCpuS = processCpuS() - cpu0;
        auto again = catalog->update(opt);
        if (!again)
            return fail(kName, again.error());
        out.insert(QStringLiteral("index"), QJsonObject{{QStringLiteral("seen"), first->seen},
                                                        {QStringLiteral("added"), first->added},
                                                        {QStringLiteral("failed"), first->failed},
                                                        {QStringLiteral("elapsed_s"), first->elapsedS},
                                                        {QStringLiteral("files_per_s"), first->added / first->elapsedS},
                                                        {QStringLiteral("cpu_s"), indexCpuS},
                                                        {QStringLiteral("threads"), threads > 0 ? threads
                                                                                                : QThread::idealThreadCount()}});
        out.insert(QStringLiteral("reindex_unchanged"), QJsonObject{{QStringLiteral("skipped"), again->skipped},
                                                                    {QStringLiteral("elapsed_s"), again->elapsedS}});
        out.insert(QStringLiteral("db_bytes"), du(db));
    }

    // Queries on a fresh handle (as the GUI opens it).
    auto ro = Catalog::open(dir, db, Catalog::OpenMode::ReadOnly);
    if (!ro)
        return fail(kName, ro.error());
    const Catalog &c = *ro;
    auto t0 = c.firstTime();
    auto t1 = c.lastTime();
    if (!t0 || !t1 || !t0->isValid())
        return fail(kName, Error{db, QStringLiteral("empty catalog after indexing")});
    const QDateTime a = *t0, b = t1->addMSecs(1);
    const qint64 span = a.msecsTo(b);
    const QDateTime mid = a.addMSecs(span / 2);
    const QString ch0 = channels.first();
    QRandomGenerator rng(42);
    auto randomTime = [&] { return a.addMSecs(qint64(rng.bounded(1.0) * double(span))); };
    auto samplePath = c.observations({ch0}, mid, {}, 1);
    if (!samplePath || samplePath->isEmpty())
        return fail(kName, Error{db, QStringLiteral("no observation to look up")});
    const QString path = samplePath->first().path;

    QString error;
    auto check = [&](const auto &r, qint64 n) -> qint64 {
        if (r)
            return n;
        error = r.errorString();
        return -1;
    };
    CoTemporalOptions setOpt;
    setOpt.toleranceMs = 5 * 60'000;
    struct Q {
        const char *name;
        std::function<qint64(int)> fn;
    };
    const std::vector<Q> queries{
        {"stats", [&](int) { auto r = c.stats(); return check(r, r ? r->files : 0); }},
        {"channels", [&](int) { auto r = c.channels(); return check(r, r ? r->size() : 0); }},
        {"first_last_all", [&](int) { auto r = c.firstTime(); auto s = c.lastTime(); return check(r, 2) < 0 ? -1 : check(s, 2); }},
        {"first_last_channel", [&](int) { auto r = c.firstTime(ch0); auto s = c.lastTime(ch0); return check(r, 2) < 0 ? -1 : check(s, 2); }},
        {"days_all", [&](int) { auto r = c.days({}, {}, {}); return check(r, r ? r->size() : 0); }},
        {"days_30d", [&](int) { auto r = c.days(mid, mid.addDays(30), {}); return check(r, r ? r->size() : 0); }},
        {"observations_1ch_1day", [&](int) { auto r = c.observations({ch0}, mid, mid.addDays(1)); return check(r, r ? r->size() : 0); }},
        {"observations_all_1day", [&](int) { auto r = c.observations({}, mid, mid.addDays(1)); return check(r, r ? r->size() : 0); }},
        {"times_by_channel_all", [&](int) { auto r = c.timesByChannel(); qint64 n = 0; if (r) for (const auto &v : *r) n += v.size(); return check(r, n); }},
        {"observations_1ch_all", [&](int) { auto r = c.observations({ch0}, {}, {}); return check(r, r ? r->size() : 0); }},
        {"nearest_set_all_channels", [&](int) { auto r = c.nearestSet(randomTime(), channels, 30 * 60'000); return check(r, r ? r->members.size() : 0); }},
        {"complete_sets_1day", [&](int) { auto r = c.completeSets(mid, mid.addDays(1), channels, setOpt); return check(r, r ? r->size() : 0); }},
        {"complete_sets_30d", [&](int) { auto r = c.completeSets(mid, mid.addDays(30), channels, setOpt); return check(r, r ? r->size() : 0); }},
        {"complete_sets_all", [&](int) { auto r = c.completeSets({}, {}, channels, setOpt); return check(r, r ? r->size() : 0); }},
        {"availability_hour_7d", [&](int) { auto r = c.availability(mid, mid.addDays(7), Availability::Unit::Hour); return check(r, r ? r->binCount() : 0); }},
        {"availability_hour_all", [&](int) { auto r = c.availability({}, {}, Availability::Unit::Hour); return check(r, r ? r->binCount() : 0); }},
        {"availability_day_all", [&](int) { auto r = c.availability({}, {}, Availability::Unit::Day); return check(r, r ? r->binCount() : 0); }},
        {"availability_month_all", [&](int) { auto r = c.availability({}, {}, Availability::Unit::Month); return check(r, r ? r->binCount() : 0); }},
        {"previous_next_channel", [&](int) { const QDateTime t = randomTime(); auto r = c.previous(t, ch0); auto s = c.next(t, ch0); return check(r, 2) < 0 ? -1 : check(s, 2); }},
        {"previous_next_any", [&](int) { const QDateTime t = randomTime(); auto r = c.previous(t); auto s = c.next(t); return check(r, 2) < 0 ? -1 : check(s, 2); }},
        {"observation_for_path", [&](int) { auto r = c.observationForPath(path); return check(r, r && r->isValid() ? 1 : 0); }},
    };
    QJsonObject times;
    double worst = 0;
    const QStringList only = p.value(QStringLiteral("only")).split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const Q &q : queries) {
        if (!only.isEmpty() && !only.contains(QString::fromLatin1(q.name)))
            continue;
        auto t = timeIt(repeat, q.fn, &error);
        if (!t)
            return fail(kName, Error{db, QStringLiteral("%1: %2").arg(QString::fromLatin1(q.name), error)});
        worst = std::max(worst, t->medianMs);
        times.insert(QString::fromLatin1(q.name),
                     QJsonObject{{QStringLiteral("median_ms"), t->medianMs}, {QStringLiteral("first_ms"), t->firstMs},
                                 {QStringLiteral("min_ms"), t->minMs}, {QStringLiteral("max_ms"), t->maxMs},
                                 {QStringLiteral("cpu_median_ms"), t->cpuMedianMs},
                                 {QStringLiteral("result_size"), t->resultSize}});
    }
    out.insert(QStringLiteral("queries"), times);
    out.insert(QStringLiteral("worst_median_ms"), worst);
    out.insert(QStringLiteral("repeat"), repeat);
    printJson(out);
    return kOk;
}

const BenchRegistration reg(QStringLiteral("catalog"),
                            QStringLiteral("index N tiny FITS files and time every catalog query"), runBenchCatalog);

}  // namespace
}  // namespace solarchip::cli
