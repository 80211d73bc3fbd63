#include "core/synthetic/SyntheticArchiveWriter.h"

#include "core/map/FitsWriter.h"
#include "core/synthetic/SyntheticChannel.h"
#include "core/synthetic/SyntheticFrameSpec.h"
#include "core/synthetic/SyntheticRegionSummary.h"
#include "core/synthetic/SyntheticRenderer.h"
#include "core/base/AtomicFile.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QLockFile>
#include <QMutex>
#include <QMutexLocker>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <QSet>

#include <atomic>
#include <optional>

namespace solarchip {

namespace {

Status ensureDir(const QString &path)
{
    if (QFileInfo(path).isDir())
        return Status::success();
    if (QFileInfo::exists(path))
        return Error{path, QStringLiteral("exists and is not a folder")};
    if (!QDir().mkpath(path))
        return Error{path, QStringLiteral("cannot create the folder (permissions or a full disk?)")};
    return Status::success();
}

// Temporaries left by a killed run (every file here is written through AtomicFile, which names them).
void removeStaleTemporaries(const QString &root)
{
    QDirIterator it(root, QStringList{QStringLiteral(".*.tmp-*")}, QDir::Files | QDir::Hidden,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString path = it.next();
        if (AtomicFile::isTemporaryName(it.fileName()))
            QFile::remove(path);
    }
}

Status checkManifest(const QString &path, const QJsonObject &options)
{
    if (!QFileInfo::exists(path)) {
        const QByteArray json = QJsonDocument(options).toJson(QJsonDocument::Indented);
        return writeFileAtomically(path, json);
    }
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return Error{path, QStringLiteral("cannot read the archive manifest: %1").arg(f.errorString())};
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(f.readAll(), &err);
    if (err.error != QJsonParseError::NoError || !doc.isObject())
        return Error{path, QStringLiteral("the archive manifest is not valid JSON (%1); remove it or use another folder")
                               .arg(err.errorString())};
    const QJsonObject old = doc.object();
    QStringList differ;
    for (auto it = options.begin(); it != options.end(); ++it)
        if (old.value(it.key()) != it.value())
            differ << it.key();
    for (auto it = old.begin(); it != old.end(); ++it)
        if (!options.contains(it.key()))
            differ << it.key();
    if (!differ.isEmpty())
        return Error{path, QStringLiteral("this folder holds a synthetic archive made with other options (%1 differ); "
                                          "use another folder, or the same options to resume")
                               .arg(differ.join(QStringLiteral(", ")))};
    return Status::success();
}

// "YYYYMMDD-YYYYMMDD": the first day and the last day a run's flare lists cover (the run plus the 24 h after it).
QString flareListDays(const SyntheticOptions &o)
{
    const QDateTime last = o.start.addMSecs(static_cast<qint64>((o.days + 1.0) * 86400000.0) - 1);
    return o.start.toString(QStringLiteral("yyyyMMdd")) + QLatin1Char('-') + last.toString(QStringLiteral("yyyyMMdd"));
}

}  // namespace

QString SyntheticArchiveWriter::flareListName(const SyntheticOptions &o)
{
    return QStringLiteral("swpc_flarelist_%1.csv").arg(flareListDays(o));
}

QString SyntheticArchiveWriter::flareSitesName(const SyntheticOptions &o)
{
    return QStringLiteral("flarelist_sites_%1.csv").arg(flareListDays(o));
}

QString SyntheticArchiveWriter::truthRelativePath(const QDateTime &step)
{
    return QStringLiteral("truth/%1/truth_%2.json")
        .arg(step.toString(QStringLiteral("yyyy/MM/dd")), step.toString(QStringLiteral("yyyyMMdd_HHmmss")));
}

Expected<SyntheticSummary> SyntheticArchiveWriter::run(const SyntheticOptions &options, const SyntheticProgressFn &progress)
{
    QElapsedTimer clock;
    clock.start();
    if (options.outDir.isEmpty())
        return Error{{}, QStringLiteral("no output folder given")};
    if (Status s = options.validate(); !s)
        return s.error();
    const QString root = QDir(options.outDir).absolutePath();
    if (Status s = ensureDir(root); !s)
        return s.error();
    QLockFile lock(root + QStringLiteral("/.synth.lock"));
    lock.setStaleLockTime(0);
    if (!lock.tryLock(0)) {
        qint64 pid = 0;
        QString host, app;
        lock.getLockInfo(&pid, &host, &app);
        return Error{root, QStringLiteral("another solarchip synth (pid %1) is writing this folder").arg(pid)};
    }
    removeStaleTemporaries(root);
    if (Status s = checkManifest(root + QStringLiteral("/synth.json"), options.toJson()); !s)
        return s.error();

    SyntheticSun sun(options);
    SyntheticSummary summary;
    const QVector<QDateTime> steps = sun.timeSteps();
    summary.steps = static_cast<int>(steps.size());

    if (options.writeFlareList) {
        summary.flareListPath = root + QLatin1Char('/') + flareListName(options);
        const QVector<FlareEvent> events = sun.flareListEvents();
        summary.flaresListed = static_cast<int>(events.size());
        if (!QFileInfo::exists(summary.flareListPath))
            if (Status s = FlareList::writeSwpcCsv(summary.flareListPath, events); !s)
                return s.error();
        // The same flares with their sites (an archive made before this list existed gets it when resumed).
        summary.flareSitesPath = root + QLatin1Char('/') + flareSitesName(options);
        if (!QFileInfo::exists(summary.flareSitesPath))
            if (Status s = FlareList::writeSc24Csv(summary.flareSitesPath, events); !s)
                return s.error();
        // A Solar Region Summary for every day of the run and the day after its last step (a step late in a day is
        // nearer the next day's report).
        if (!steps.isEmpty()) {
            for (QDate day = steps.front().date(); day <= steps.back().date().addDays(1); day = day.addDays(1)) {
                const QString path = root + QLatin1Char('/') + syntheticRegionSummaryPath(day);
                if (QFileInfo::exists(path))
                    continue;
                if (Status s = ensureDir(QFileInfo(path).absolutePath()); !s)
                    return s.error();
                if (Status s = writeFileAtomically(path, syntheticRegionSummary(sun, day).format()); !s)
                    return s.error();
                ++summary.regionSummaries;
            }
        }
    }

    QThreadPool pool;
    pool.setMaxThreadCount(options.threads > 0 ? options.threads : QThread::idealThreadCount());
    QMutex mutex;  // guards the counters, the first error and calls of `progress`
    std::atomic<bool> cancel{false};
    qint64 written = 0, skipped = 0;
    std::optional<Error> firstError;
    QSet<int> regionIds;

    for (int k = 0; k < steps.size() && !cancel; ++k) {
        const QDateTime step = steps[k];
        struct Job {
            const SyntheticChannel *channel;
            SyntheticFrameSpec spec;
            QString path;
            bool exists;
        };
        QVector<Job> jobs;
        QVector<int> missing;
        for (const QString &c : options.channels) {
            const SyntheticChannel *ch = SyntheticChannel::find(c);
            Job j{ch, SyntheticFrameSpec::make(*ch, step, options.size, options.seed), {}, false};
            j.path = root + QLatin1Char('/') + j.spec.relativeDir + QLatin1Char('/') + j.spec.fileName;
            j.exists = QFileInfo::exists(j.path);
            if (!j.exists) {
                if (Status s = ensureDir(QFileInfo(j.path).absolutePath()); !s)
                    return s.error();
                missing.push_back(static_cast<int>(jobs.size()));
            }
            jobs.push_back(j);
        }
        auto report = [&](const QString &path, bool wasSkipped) {
            // Called with `mutex` held.
            (wasSkipped ? skipped : written) += 1;
            if (progress) {
                SyntheticProgress p;
                p.step = k + 1;
                p.steps = static_cast<int>(steps.size());
                p.time = step;
                p.written = written;
                p.skipped = skipped;
                p.lastFile = path;
                p.lastSkipped = wasSkipped;
                if (!progress(p))
                    cancel = true;
            }
        };
        {
            QMutexLocker l(&mutex);
            for (const Job &j : jobs)
                if (j.exists)
                    report(j.path, true);
        }
        // The frames' headers (pixels dropped) give the truth its per-channel geometry.
        QVector<SyntheticFrame> frames(jobs.size());
        for (int i = 0; i < jobs.size(); ++i) {
            frames[i].channel = jobs[i].channel->key;
            frames[i].fileName = jobs[i].spec.fileName;
            frames[i].relativeDir = jobs[i].spec.relativeDir;
            frames[i].tObs = jobs[i].spec.tObs;
            frames[i].header = jobs[i].spec.header(SyntheticImageStats{}, jobs[i].spec.exptime, false, options.seed);
        }
        if (!missing.isEmpty() && !cancel) {
            QtConcurrent::blockingMap(&pool, missing, [&](int i) {
                if (cancel)
                    return;
                auto frame = sun.render(jobs[i].channel->key, step);
                Status s = frame ? FitsWriter::write(jobs[i].path, frame->header, frame->image, frame->writeOptions)
                                 : Status(frame.error());
                QMutexLocker l(&mutex);
                if (!s) {
                    if (!firstError)
                        firstError = s.error();
                    cancel = true;
                    return;
                }
                report(jobs[i].path, false);
            });
        }
        if (firstError)
            return *firstError;
        for (const SyntheticRegionState &r : sun.regionsAt(step))
            regionIds.insert(r.id);
        const QString truthPath = root + QLatin1Char('/') + truthRelativePath(step);
        if (options.writeTruth && !cancel && !QFileInfo::exists(truthPath)) {
            if (Status s = ensureDir(QFileInfo(truthPath).absolutePath()); !s)
                return s.error();
            const QByteArray json = QJsonDocument(sun.truth(step, frames)).toJson(QJsonDocument::Indented);
            if (Status s = writeFileAtomically(truthPath, json); !s)
                return s.error();
        }
    }
    summary.written = written;
    summary.skipped = skipped;
    summary.cancelled = cancel;
    summary.regions = static_cast<int>(regionIds.size());
    summary.elapsedS = clock.elapsed() / 1000.0;
    return summary;
}

}  // namespace solarchip
