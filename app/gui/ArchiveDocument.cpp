#include "app/gui/ArchiveDocument.h"

#include "core/archive/Catalog.h"
#include "core/archive/CatalogSource.h"
#include "core/archive/FileSeriesSource.h"
#include "core/archive/FileSetSource.h"
#include "core/map/MapFile.h"
#include "core/map/MapMeta.h"
#include "core/base/ThreadBudget.h"
#include "widgets/TimelineModel.h"

#include <QCoreApplication>
#include <QDir>
#include <QDirIterator>
#include <QFileInfo>
#include <QPointer>
#include <QSet>
#include <QtConcurrent>

#include <algorithm>

namespace solarchip {

// One background open/scan. The document ignores what a job posts once a newer job has started.
struct ArchiveDocument::Job {
    QString dir;
    QStringList files;
    std::atomic<bool> cancel{false};
};

namespace {

QHash<QString, QVector<qint64>> timesByChannel(const QVector<Observation> &observations)
{
    QHash<QString, QVector<qint64>> times;
    for (const Observation &o : observations)
        times[o.channel].append(o.timeMs);
    return times;
}

// The catalogue fields of a loose file, from its header alone.
Expected<Observation> describeFile(const QString &path, qint64 id)
{
    auto info = MapFile::readInfo(path);
    if (!info)
        return info.error();
    const QFileInfo fi(path);
    Observation o;
    o.id = id;
    o.path = fi.absoluteFilePath();
    o.relativePath = fi.fileName();
    o.setFromFile(*info);
    return o;
}

// A folder a catalogue may be written into: one that has a catalogue already, or holds at least one file
// that reads as an SDO map. Opening a folder of something else must leave no .solarchip/ behind. Hidden
// folders are skipped as the scan skips them; at most kMaxProbes candidates are read (a tree with that many
// unreadable map-like files is taken as an archive and its scan reports them).
bool worthCataloguing(const QString &dir, const std::atomic<bool> &cancel)
{
    if (QFileInfo::exists(Catalog::locate(dir).dbPath))
        return true;
    constexpr int kMaxProbes = 200;
    int probes = 0;
    const QDir root(dir);
    QDirIterator it(dir, QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    while (it.hasNext() && !cancel) {
        it.next();
        const QFileInfo fi = it.fileInfo();
        if (fi.isDir() || !MapFile::isCandidateName(fi.fileName()))
            continue;
        // Inside a hidden folder below `dir` (or a hidden file); the folders above it may be hidden
        // (~/.local/share holds the sample archive).
        const QString below = QLatin1Char('/') + root.relativeFilePath(it.filePath());
        if (below.contains(QLatin1String("/.")))
            continue;
        if (MapFile::readInfo(fi.absoluteFilePath()) || ++probes >= kMaxProbes)
            return true;
    }
    return false;
}

// "a.fits, b.jp2 and 3 more": the names of unreadable files for a one-line status message.
QString nameList(const QStringList &paths)
{
    constexpr int kShown = 3;
    QStringList names;
    for (int i = 0; i < paths.size() && i < kShown; ++i)
        names << QFileInfo(paths[i]).fileName();
    QString text = names.join(QLatin1String(", "));
    if (paths.size() > kShown)
        text += QCoreApplication::translate("solarchip::ArchiveDocument", " and %1 more").arg(paths.size() - kShown);
    return text;
}

QThreadPool *jobPool()
{
    return ThreadBudget::instance().pool(ThreadBudget::Pool::Background);
}

}  // namespace

ArchiveDocument::ArchiveDocument(QObject *parent) : QObject(parent), m_timeline(new TimelineModel(this)) {}

ArchiveDocument::~ArchiveDocument()
{
    if (m_job)
        m_job->cancel = true;
    m_future.waitForFinished();
}

bool ArchiveDocument::hasData() const
{
    return !m_timeline->isEmpty();
}

QStringList ArchiveDocument::channels() const
{
    return m_timeline->channels();
}

void ArchiveDocument::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    Q_EMIT busyChanged(busy);
}

void ArchiveDocument::applyTimes(const QHash<QString, QVector<qint64>> &times)
{
    m_timeline->setObservations(times);
    Q_EMIT dataChanged();
}

void ArchiveDocument::startJob(std::shared_ptr<Job> job)
{
    // A previous job stops after its current batch and what it still posts is ignored (it is no longer the
    // current job). It must finish before this document goes away, so the new job waits for it, off the UI
    // thread.
    if (m_job)
        m_job->cancel = true;
    QFuture<void> previous = m_future;
    m_job = job;
    setBusy(true);
    QPointer<ArchiveDocument> self(this);
    auto post = [self, job](auto fn) {
        QMetaObject::invokeMethod(
            self.data(),
            [self, job, fn] {
                if (self && self->m_job == job)
                    fn(self.data());
            },
            Qt::QueuedConnection);
    };

    if (!job->files.isEmpty()) {
        m_future = QtConcurrent::run(jobPool(), [job, post, previous]() mutable {
            previous.waitForFinished();
            QVector<Observation> observations;
            QStringList errors;
            qint64 id = 0;
            for (const QString &path : job->files) {
                auto o = describeFile(path, ++id);
                if (!o) {
                    errors << o.errorString();
                    continue;
                }
                observations << *o;
            }
            // Several times of one channel make a movie per channel; otherwise one set at one time.
            std::shared_ptr<const ObservationSource> source;
            ObservationSet set;
            QHash<QString, QVector<qint64>> times;
            if (FileSeriesSource::formsSeries(observations)) {
                auto series = std::make_shared<const FileSeriesSource>(std::move(observations));
                for (const Observation &o : series->observations())
                    set.channels << o.channel;
                set.members = series->observations();
                set.referenceTimeMs = series->startTime().value_or(0);
                times = series->timesByChannel();
                source = series;
            } else {
                auto fixed = std::make_shared<const FileSetSource>(std::move(observations));
                set = fixed->set();
                times = timesByChannel(set.members);
                source = fixed;
            }
            post([source, set, errors, times](ArchiveDocument *d) {
                if (!set.members.isEmpty()) {
                    d->m_source = source;
                    d->m_dir.clear();
                    d->m_fileSet = set;
                    d->m_status = tr("%1 file(s) opened").arg(set.members.size());
                    if (!errors.isEmpty())
                        d->m_status += tr(", %1 unreadable (see the message)").arg(errors.size());
                    Q_EMIT d->opened();
                    d->applyTimes(times);
                }
                if (!errors.isEmpty())
                    Q_EMIT d->failed(errors.join(QLatin1Char('\n')));
                d->setBusy(false);
            });
        });
        return;
    }

    m_future = QtConcurrent::run(jobPool(), [job, post, previous]() mutable {
        // Indexing is background work: the pool's threads run at ThreadPriority::kIdleNice, and the scan's
        // reader threads, started from here, inherit it.
        previous.waitForFinished();
        if (!worthCataloguing(job->dir, job->cancel)) {
            // Nothing to catalogue: no catalogue is written into the folder; it is open but empty (the
            // timeline and the views are cleared, the window says so).
            const QString dir = job->dir;
            post([dir](ArchiveDocument *d) {
                d->m_source = std::make_shared<const FileSetSource>(QVector<Observation>{});
                d->m_dir = dir;
                d->m_fileSet = {};
                d->m_status = tr("%1: no SDO maps found").arg(QDir::toNativeSeparators(dir));
                Q_EMIT d->opened();
                d->applyTimes({});
                d->setBusy(false);
            });
            return;
        }
        auto opened = Catalog::open(job->dir);
        if (!opened) {
            const QString message = opened.errorString();
            post([message](ArchiveDocument *d) {
                Q_EMIT d->failed(message);
                d->setBusy(false);
            });
            return;
        }
        auto catalog = std::make_shared<Catalog>(std::move(opened).value());
        // What the catalog already knows is shown at once; the scan below brings it up to date.
        auto times = catalog->timesByChannel();
        post([catalog, times, job](ArchiveDocument *d) {
            d->m_source = std::make_shared<const CatalogSource>(catalog);
            d->m_dir = catalog->archiveDir();
            d->m_fileSet = {};
            d->m_indexing = true;
            Q_EMIT d->opened();
            if (times)
                d->applyTimes(*times);
        });
        CatalogScanOptions options;
        options.cancel = &job->cancel;
        options.threads = ThreadBudget::instance().size(ThreadBudget::Pool::Background);
        options.progress = [post](const CatalogScanProgress &p) {
            const QString phase = p.phase == CatalogScanProgress::Phase::Listing ? tr("Listing files")
                                                                                 : tr("Reading headers");
            const qint64 done = p.phase == CatalogScanProgress::Phase::Listing ? p.found : p.done;
            const qint64 total = p.phase == CatalogScanProgress::Phase::Listing ? 0 : p.total;
            post([phase, done, total](ArchiveDocument *d) { Q_EMIT d->indexingProgress(phase, done, total); });
        };
        auto summary = catalog->update(options);
        if (!summary) {
            const QString message = summary.errorString();
            post([message](ArchiveDocument *d) {
                d->m_indexing = false;
                Q_EMIT d->failed(message);
                Q_EMIT d->indexingFinished(false, message);
                d->setBusy(false);
            });
            return;
        }
        const bool changed = summary->added + summary->updated + summary->removed > 0;
        std::optional<QHash<QString, QVector<qint64>>> newTimes;
        if (changed) {
            auto t = catalog->timesByChannel();
            if (t)
                newTimes = *t;
        }
        auto stats = catalog->stats();
        QString message = tr("%1: %2 observations").arg(QDir::toNativeSeparators(catalog->archiveDir()))
                              .arg(stats ? stats->observations : 0);
        if (stats && stats->bad) {
            QStringList badPaths;
            if (auto bad = catalog->badFiles())
                for (const CatalogBadFile &b : std::as_const(*bad))
                    badPaths << b.path;
            message += tr(", %1 unreadable file(s)").arg(stats->bad);
            if (!badPaths.isEmpty())
                message += QLatin1String(": ") + nameList(badPaths);
        }
        if (summary->cancelled)
            message += tr(" (indexing cancelled: the catalog may be incomplete)");
        const bool cancelled = summary->cancelled;
        post([newTimes, message, cancelled](ArchiveDocument *d) {
            d->m_indexing = false;
            d->m_status = message;
            if (newTimes)
                d->applyTimes(*newTimes);
            Q_EMIT d->indexingFinished(cancelled, message);
            d->setBusy(false);
        });
    });
}

void ArchiveDocument::openArchive(const QString &dir)
{
    const QFileInfo fi(dir);
    if (!fi.exists()) {
        Q_EMIT failed(tr("%1: no such folder").arg(QDir::toNativeSeparators(dir)));
        return;
    }
    if (!fi.isDir()) {
        Q_EMIT failed(tr("%1: not a folder").arg(QDir::toNativeSeparators(dir)));
        return;
    }
    auto job = std::make_shared<Job>();
    job->dir = fi.absoluteFilePath();
    startJob(job);
}

void ArchiveDocument::openFiles(const QStringList &paths)
{
    if (paths.isEmpty())
        return;
    auto job = std::make_shared<Job>();
    job->files = paths;
    startJob(job);
}

QStringList ArchiveDocument::looseFiles() const
{
    QStringList files;
    for (const Observation &o : m_fileSet.members)
        files << o.path;
    return files;
}

void ArchiveDocument::addFiles(const QStringList &paths)
{
    // The loose files open now and the new ones, each once (a file dropped twice is one frame).
    QStringList files = looseFiles();
    QSet<QString> known;
    for (const QString &f : std::as_const(files))
        known.insert(QFileInfo(f).absoluteFilePath());
    for (const QString &p : paths)
        if (!known.contains(QFileInfo(p).absoluteFilePath())) {
            known.insert(QFileInfo(p).absoluteFilePath());
            files << p;
        }
    openFiles(files);
}

void ArchiveDocument::refresh()
{
    if (canRescan() && !m_indexing)
        openArchive(m_source->folder());
}

void ArchiveDocument::cancelIndexing()
{
    if (m_job)
        m_job->cancel = true;
}

qint64 ArchiveDocument::cadenceMs(const QString &channel) const
{
    return m_timeline->index().medianCadence(channel);
}

ArchiveQuery ArchiveDocument::query() const
{
    return ArchiveQuery(m_source, m_timeline->index());
}

namespace {
template <class T>
T valueOr(Expected<T> result)
{
    if (!result) {
        qWarning("solarchip-studio: %s", qPrintable(result.errorString()));
        return T{};
    }
    return std::move(result).value();
}
}  // namespace

ObservationSet ArchiveDocument::nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const
{
    return valueOr(query().nearestSet(timeMs, channels, toleranceMs));
}

Observation ArchiveDocument::next(qint64 timeMs, const QString &channel) const
{
    return valueOr(query().next(timeMs, channel));
}

Observation ArchiveDocument::previous(qint64 timeMs, const QString &channel) const
{
    return valueOr(query().previous(timeMs, channel));
}

Observation ArchiveDocument::nearest(qint64 timeMs, const QString &channel) const
{
    return valueOr(query().nearest(timeMs, channel));
}

Observation ArchiveDocument::first(const QString &channel) const
{
    return valueOr(query().first(channel));
}

Observation ArchiveDocument::last(const QString &channel) const
{
    return valueOr(query().last(channel));
}

}  // namespace solarchip
