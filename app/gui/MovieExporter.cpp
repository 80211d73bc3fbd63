#include "app/gui/MovieExporter.h"

#include "core/base/AtomicFile.h"
#include "core/map/SdoTime.h"
#include "widgets/MapView.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QJsonArray>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTimeZone>
#include <QTimer>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <numeric>

namespace solarchip {

namespace {

constexpr int kMaxPending = 3;  // frames captured and not yet written

QString isoOf(qint64 ms)
{
    return SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc())) + QStringLiteral("Z");
}

// The command as a POSIX shell line: arguments with anything but safe characters in single quotes.
QString shellLine(const QString &program, const QStringList &args)
{
    static const QRegularExpression safe(QStringLiteral("^[A-Za-z0-9_./:=%+-]+$"));
    QStringList words{program};
    for (const QString &a : args)
        words << (safe.match(a).hasMatch() ? a : QStringLiteral("'%1'").arg(QString(a).replace(QLatin1Char('\''), QStringLiteral("'\\''"))));
    return words.join(QLatin1Char(' '));
}

}  // namespace

MovieExporter::MovieExporter(ObservationDocument *document, std::function<bool()> settled, std::function<QImage()> capture,
                             QObject *parent)
    : QObject(parent), m_document(document), m_settled(std::move(settled)), m_capture(std::move(capture))
{
    m_pool.setMaxThreadCount(1);
    // Settling is also signalled (poke), but a jump to the time already shown settles without a signal: look again.
    m_tick.setInterval(100);
    connect(&m_tick, &QTimer::timeout, this, &MovieExporter::poke);
}

MovieExporter::~MovieExporter()
{
    m_pool.waitForDone();
    if (m_ffmpeg && m_ffmpeg->state() != QProcess::NotRunning) {
        m_ffmpeg->kill();
        m_ffmpeg->waitForFinished(2000);
    }
}

QString MovieExporter::framePath(int number) const
{
    return QDir(m_options.folder).filePath(QStringLiteral("%1_%2.png").arg(m_options.stem).arg(number, 4, 10, QLatin1Char('0')));
}

QStringList MovieExporter::ffmpegArguments(const MovieExportOptions &o, const QString &output)
{
    // Even sizes (H.264 with 4:2:0 chroma needs them) by one padding pixel at most; yuv420p for every player.
    return {QStringLiteral("-y"), QStringLiteral("-loglevel"), QStringLiteral("error"), QStringLiteral("-framerate"),
            QString::number(o.fps, 'g', 6), QStringLiteral("-i"), QDir(o.folder).filePath(o.stem + QStringLiteral("_%04d.png")),
            QStringLiteral("-vf"), QStringLiteral("pad=ceil(iw/2)*2:ceil(ih/2)*2"), QStringLiteral("-c:v"), QStringLiteral("libx264"),
            QStringLiteral("-pix_fmt"), QStringLiteral("yuv420p"), QStringLiteral("-f"), QStringLiteral("mp4"), output};
}

QString MovieExporter::ffmpegCommand() const
{
    return shellLine(QStringLiteral("ffmpeg"), ffmpegArguments(m_options, QDir(m_options.folder).filePath(m_options.stem + QStringLiteral(".mp4"))));
}

Status MovieExporter::start(const MovieExportOptions &options)
{
    if (m_running)
        return Error{options.folder, tr("a movie export is already running")};
    if (!m_document || !m_document->hasTime())
        return Error{options.folder, tr("no archive with a time axis is open")};
    if (!options.from.isValid() || !options.to.isValid() || options.to < options.from)
        return Error{options.folder, tr("the time range is empty (from %1 to %2)")
                                         .arg(options.from.toString(Qt::ISODate), options.to.toString(Qt::ISODate))};
    static const QRegularExpression safeStem(QStringLiteral("^[A-Za-z0-9._-]+$"));
    if (!safeStem.match(options.stem).hasMatch())
        return Error{options.folder, tr("the file name stem '%1' must be letters, digits, '.', '_' or '-'").arg(options.stem)};
    if (options.folder.isEmpty() || !QDir().mkpath(options.folder))
        return Error{options.folder, tr("cannot create the folder")};
    if (!QFileInfo(options.folder).isWritable())
        return Error{options.folder, tr("the folder is not writable")};
    m_options = options;
    m_options.folder = QFileInfo(options.folder).absoluteFilePath();
    m_running = true;
    m_stopping = m_canceled = false;
    m_waitingForTime = true;
    m_lastMs = std::numeric_limits<qint64>::min();
    m_captured = m_pending = 0;
    m_written.clear();
    m_error.clear();
    m_mp4.clear();
    m_index.clear();
    m_captureMs.clear();
    m_hadTime = m_document->hasTime();
    m_returnMs = m_document->timeMs();
    m_clock.start();
    m_tick.start();
    m_document->goToTime(m_options.from.toUTC());
    QTimer::singleShot(0, this, &MovieExporter::poke);
    return {};
}

void MovieExporter::poke()
{
    if (!m_running || m_stopping || !m_waitingForTime || !m_document)
        return;
    if (m_document->isResolving() || m_document->isLoading() || (m_settled && !m_settled()))
        return;
    const qint64 t = m_document->timeMs();
    if (t == m_lastMs) {
        // The step found nothing further (the end of the archive).
        m_stopping = true;
        finishWhenWritten();
        return;
    }
    if (t > m_options.to.toMSecsSinceEpoch()) {
        if (m_captured == 0)
            m_error = tr("no observation between %1 and %2").arg(isoOf(m_options.from.toMSecsSinceEpoch()), isoOf(m_options.to.toMSecsSinceEpoch()));
        m_stopping = true;
        finishWhenWritten();
        return;
    }
    if (t < m_options.from.toMSecsSinceEpoch()) {
        // `from` snapped to an observation before it: start with the next one.
        m_lastMs = t;
        advance();
        return;
    }
    capture();
}

void MovieExporter::capture()
{
    QElapsedTimer clock;
    clock.start();
    QImage image = m_capture ? m_capture() : QImage();
    m_captureMs.push_back(static_cast<double>(clock.nsecsElapsed()) / 1e6);
    const qint64 t = m_document->timeMs();
    m_lastMs = t;
    if (image.isNull()) {
        m_error = tr("there is nothing on screen to capture at %1").arg(isoOf(t));
        m_stopping = true;
        finishWhenWritten();
        return;
    }
    ++m_captured;
    const Frame frame{m_captured, t, framePath(m_captured)};
    ++m_pending;
    auto *watcher = new QFutureWatcher<Status>(this);
    connect(watcher, &QFutureWatcher<Status>::finished, this, [this, watcher, frame] {
        writerDone(frame, watcher->result());
        watcher->deleteLater();
    });
    const QString path = frame.file;
    watcher->setFuture(QtConcurrent::run(&m_pool, [image = std::move(image), path]() { return MapView::writePng(image, path); }));
    Q_EMIT progress(frame.number, QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc()));
    m_waitingForTime = false;
    if (m_pending < kMaxPending)
        advance();  // else writerDone() moves on when the writer catches up
}

void MovieExporter::advance()
{
    if (m_stopping || !m_document)
        return;
    if (m_lastMs >= m_options.to.toMSecsSinceEpoch() || !m_document->canStep(m_options.step)) {
        m_stopping = true;
        finishWhenWritten();
        return;
    }
    m_waitingForTime = true;
    m_document->step(m_options.step);
    QTimer::singleShot(0, this, &MovieExporter::poke);
}

void MovieExporter::writerDone(const Frame &frame, const Status &status)
{
    --m_pending;
    if (status) {
        m_written.push_back(frame);
    } else if (m_error.isEmpty()) {
        m_error = status.errorString();  // names the file
        m_stopping = true;
    }
    if (m_stopping)
        finishWhenWritten();
    else if (!m_waitingForTime && m_pending < kMaxPending)
        advance();
}

void MovieExporter::cancel()
{
    if (!m_running)
        return;
    m_canceled = true;
    if (m_ffmpeg && m_ffmpeg->state() != QProcess::NotRunning) {
        m_ffmpeg->kill();  // finished() follows
        return;
    }
    m_stopping = true;
    finishWhenWritten();
}

void MovieExporter::finishWhenWritten()
{
    if (!m_running || m_pending > 0 || (m_ffmpeg && m_ffmpeg->state() != QProcess::NotRunning))
        return;
    if (!m_index.isEmpty())
        return;  // the index is written: ffmpeg's end finishes
    std::sort(m_written.begin(), m_written.end(), [](const Frame &a, const Frame &b) { return a.number < b.number; });
    QByteArray csv("frame,time_utc,file\n");
    for (const Frame &f : m_written)
        csv += QStringLiteral("%1,%2,%3\n").arg(f.number).arg(isoOf(f.timeMs), QFileInfo(f.file).fileName()).toUtf8();
    const QString index = QDir(m_options.folder).filePath(m_options.stem + QStringLiteral("_frames.csv"));
    if (Status s = writeFileAtomically(index, csv); !s) {
        if (m_error.isEmpty())
            m_error = s.errorString();
    } else {
        m_index = index;
    }
    const QString ffmpeg = QStandardPaths::findExecutable(QStringLiteral("ffmpeg"));
    if (m_options.mp4 && !ffmpeg.isEmpty() && !m_canceled && m_error.isEmpty() && !m_written.isEmpty()) {
        const QString out = QDir(m_options.folder).filePath(m_options.stem + QStringLiteral(".mp4"));
        const QString part = out + QStringLiteral(".part");
        m_ffmpeg = std::make_unique<QProcess>();
        m_ffmpeg->setProcessChannelMode(QProcess::MergedChannels);
        connect(m_ffmpeg.get(), &QProcess::finished, this, [this, out, part](int code, QProcess::ExitStatus status) {
            if (!m_canceled && status == QProcess::NormalExit && code == 0 && QFile::exists(part)) {
                QFile::remove(out);
                if (QFile::rename(part, out))
                    m_mp4 = out;
                else
                    m_error = tr("%1: could not rename the finished movie").arg(out);
            } else if (!m_canceled) {
                m_error = tr("%1: ffmpeg failed (exit %2): %3").arg(out).arg(code).arg(QString::fromLocal8Bit(m_ffmpeg->readAll()).trimmed());
            }
            QFile::remove(part);
            finish();
        });
        m_ffmpeg->start(ffmpeg, ffmpegArguments(m_options, part));
        return;
    }
    finish();
}

void MovieExporter::finish()
{
    m_running = false;
    m_stopping = false;
    m_tick.stop();
    m_seconds = static_cast<double>(m_clock.elapsed()) / 1e3;
    if (m_document && m_hadTime)
        m_document->showTime(m_returnMs);
    const QString where = QDir::toNativeSeparators(m_options.folder);
    QString message;
    if (!m_error.isEmpty())
        message = tr("Movie export stopped after %n frame(s) in %1: %2", nullptr, framesWritten()).arg(where, m_error);
    else if (m_canceled)
        message = tr("Movie export canceled: %n frame(s) kept in %1", nullptr, framesWritten()).arg(where);
    else if (!m_mp4.isEmpty())
        message = tr("Movie exported: %n frame(s) and %1 in %2", nullptr, framesWritten()).arg(QFileInfo(m_mp4).fileName(), where);
    else
        message = tr("Movie exported: %n frame(s) in %1 (for an MP4, install ffmpeg and run: %2)", nullptr, framesWritten())
                      .arg(where, ffmpegCommand());
    Q_EMIT finished(m_error.isEmpty() && !m_canceled, message);
}

QJsonObject MovieExporter::report() const
{
    QJsonArray files, times;
    for (const Frame &f : m_written) {
        files.append(f.file);
        times.append(isoOf(f.timeMs));
    }
    const double maxMs = m_captureMs.empty() ? 0.0 : *std::max_element(m_captureMs.begin(), m_captureMs.end());
    const double meanMs = m_captureMs.empty() ? 0.0
                                              : std::accumulate(m_captureMs.begin(), m_captureMs.end(), 0.0) / static_cast<double>(m_captureMs.size());
    return QJsonObject{{QStringLiteral("running"), m_running},
                       {QStringLiteral("folder"), m_options.folder},
                       {QStringLiteral("frames"), framesWritten()},
                       {QStringLiteral("files"), files},
                       {QStringLiteral("times"), times},
                       {QStringLiteral("index"), m_index},
                       {QStringLiteral("canceled"), m_canceled},
                       {QStringLiteral("error"), m_error},
                       {QStringLiteral("mp4"), m_mp4},
                       {QStringLiteral("ffmpeg_command"), ffmpegCommand()},
                       {QStringLiteral("capture_ms_max"), maxMs},
                       {QStringLiteral("capture_ms_mean"), meanMs},
                       {QStringLiteral("seconds"), m_seconds}};
}

}  // namespace solarchip
