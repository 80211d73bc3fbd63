#include "app/gui/SampleArchive.h"

#include "core/base/AtomicFile.h"
#include "core/base/ThreadPriority.h"
#include "core/map/SdoTime.h"
#include "core/synthetic/SyntheticArchiveWriter.h"
#include "core/base/ThreadBudget.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QPointer>
#include <QStandardPaths>
#include <QtConcurrent>

namespace solarchip {

namespace {

const char *const kManifest = ":/solarchip/sample-archive.json";
const char *const kStamp = ".solarchip-sample.json";

QByteArray manifestBytes()
{
    QFile f(QString::fromLatin1(kManifest));
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
}

// What the stamp of a finished sample holds: the manifest and the generator's model version, so a sample
// made by an older generator is made again rather than kept.
QByteArray stampBytes()
{
    return manifestBytes() + "\nmodel_version=" + QByteArray::number(SyntheticSun::kModelVersion) + "\n";
}

QString stampPath(const QString &dir)
{
    return QDir(dir).filePath(QString::fromLatin1(kStamp));
}

}  // namespace

QString SampleArchive::defaultDir()
{
    const QString env = qEnvironmentVariable("SOLARCHIP_SAMPLE_DIR");
    if (!env.isEmpty())
        return QDir(env).absolutePath();
    return QDir(QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation))
        .filePath(QStringLiteral("sample-archive"));
}

Expected<SyntheticOptions> SampleArchive::manifestOptions(const QString &dir)
{
    const QByteArray bytes = manifestBytes();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &error);
    if (bytes.isEmpty() || !doc.isObject())
        return Error{QString::fromLatin1(kManifest), tr("the bundled sample manifest is missing or not JSON: %1")
                                                         .arg(error.errorString())};
    const QJsonObject o = doc.object();
    SyntheticOptions options;
    options.outDir = dir;
    const auto start = SdoTime::parse(o.value(QLatin1String("start")).toString());
    if (!start)
        return Error{QString::fromLatin1(kManifest), tr("bad start time")};
    options.start = *start;
    options.days = o.value(QLatin1String("days")).toDouble(30);
    options.cadenceHours = o.value(QLatin1String("cadence_hours")).toDouble(12);
    options.size = o.value(QLatin1String("size")).toInt(512);
    options.seed = quint64(o.value(QLatin1String("seed")).toDouble(1));
    options.channels.clear();
    for (const QJsonValue &c : o.value(QLatin1String("channels")).toArray())
        options.channels << c.toString();
    if (Status valid = options.validate(); !valid)
        return valid.error();
    return options;
}

namespace {

bool stampMatches(const QString &dir)
{
    QFile stamp(stampPath(dir));
    return stamp.open(QIODevice::ReadOnly) && stamp.readAll() == stampBytes();
}

}  // namespace

bool SampleArchive::isComplete(const QString &dir)
{
    // (a sample made before the generator wrote Solar Region Summaries lacks srs/, one made before it wrote the
    // flares' sites lacks flarelist_sites_*.csv: ensureBlocking completes it)
    return stampMatches(dir) && QFileInfo::exists(QDir(dir).filePath(QStringLiteral("srs")))
           && !QDir(dir).entryList({QStringLiteral("flarelist_sites_*.csv")}, QDir::Files).isEmpty();
}

Expected<SyntheticSummary> SampleArchive::ensureBlocking(const QString &dir,
                                                         const std::function<bool(int, int)> &progress)
{
    if (isComplete(dir))
        return SyntheticSummary{};
    // A sample made from another manifest is ours to replace (it carries our stamp); anything else in the
    // folder is left alone and the generator refuses to mix runs. One of this manifest made before the generator
    // wrote Solar Region Summaries (srs/) or the flares' sites is completed by running the generator again: it skips
    // every file that exists and writes only what is missing.
    if (!stampMatches(dir) && QFile::exists(stampPath(dir)))
        QDir(dir).removeRecursively();
    auto options = manifestOptions(dir);
    if (!options)
        return options.error();
    if (!QDir().mkpath(dir))
        return Error{dir, tr("cannot create the sample archive folder")};
    options->threads = ThreadBudget::instance().size(ThreadBudget::Pool::Background);
    auto summary = SyntheticArchiveWriter::run(*options, [&](const SyntheticProgress &p) {
        return progress ? progress(p.step, p.steps) : true;
    });
    if (!summary)
        return summary.error();
    if (summary->cancelled)
        return *summary;
    if (Status s = writeFileAtomically(stampPath(dir), stampBytes()); !s)
        return s.error();
    return *summary;
}

SampleArchive::SampleArchive(const QString &dir, QObject *parent) : QObject(parent), m_dir(dir) {}

SampleArchive::~SampleArchive()
{
    m_cancel = true;
    m_future.waitForFinished();
}

void SampleArchive::ensure()
{
    if (m_running)
        return;
    if (isReady()) {
        Q_EMIT ready(m_dir, 0.0);
        return;
    }
    m_running = true;
    m_cancel = false;
    QPointer<SampleArchive> self(this);
    const QString dir = m_dir;
    // Background work (not the global pool: Qt's painting waits for helpers there): the generator's own
    // threads are started from this one and inherit its low priority.
    m_future = QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Background), [self, dir, this] {
        auto summary = ensureBlocking(dir, [&](int step, int steps) {
            QMetaObject::invokeMethod(self.data(), [self, step, steps] {
                if (self)
                    Q_EMIT self->progress(step, steps);
            }, Qt::QueuedConnection);
            return !m_cancel.load();
        });
        QMetaObject::invokeMethod(self.data(), [self, summary, dir] {
            if (!self)
                return;
            self->m_running = false;
            if (!summary)
                Q_EMIT self->failed(summary.errorString());
            else if (summary->cancelled)
                Q_EMIT self->failed(tr("%1: generating the sample archive was cancelled").arg(dir));
            else
                Q_EMIT self->ready(dir, summary->elapsedS);
        }, Qt::QueuedConnection);
    });
}

}  // namespace solarchip
