#pragma once
// File > Export movie: the frames of a time range as numbered PNG files, what JHelioviewer users make for talks and
// papers. The exporter drives the observation document through the range (each observation of the anchor channel,
// or the playback step) and, each time the window is settled on a new time (every map of the set loaded, rendered
// and on screen, overlays computed: the same condition the --screenshot hook waits for), captures one image (the
// selected view as File > Export view as PNG renders it, or every view as on screen, without the selection frame) on the UI thread and hands it to a
// writer thread, which encodes it and writes it atomically (core/base/AtomicFile). At most three frames wait to be
// written; the next step waits for the writer beyond that, so memory stays bounded at any speed.
//
// Output, in the chosen folder: STEM_0001.png, STEM_0002.png, ... and STEM_frames.csv (frame, time of the set,
// file), the index written last (atomically) and also after a cancel or a failure for the frames that were written.
// A failed write (a full disk, a read-only folder) stops the export with a message naming the file; frames already
// written stay. When ffmpeg is on the PATH the frames are also joined into STEM.mp4 (H.264, written under a temporary
// name and renamed); without it the report gives the ffmpeg command to run later. The document returns to the time
// it showed before the export.

#include "app/gui/ObservationDocument.h"
#include "core/base/Expected.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QImage>
#include <QJsonObject>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QStringList>
#include <QThreadPool>
#include <QTimer>
#include <QVector>

#include <functional>
#include <limits>
#include <memory>

namespace solarchip {

struct MovieExportOptions {
    QString folder;
    QString stem = QStringLiteral("movie");
    QDateTime from, to;  ///< UTC; frames of sets with from <= time <= to (from snaps to the nearest observation)
    ObservationDocument::Step step = ObservationDocument::Step::NextObservation;  ///< or ForwardByCadence
    double fps = 10;     ///< frame rate of the MP4 (and of the ffmpeg command)
    bool mp4 = true;     ///< join the frames with ffmpeg when it is installed
};

class MovieExporter : public QObject {
    Q_OBJECT
public:
    /// `settled`: whether everything asked for is on screen (MainWindow::isSettled); `capture`: the frame's image.
    MovieExporter(ObservationDocument *document, std::function<bool()> settled, std::function<QImage()> capture,
                  QObject *parent = nullptr);
    ~MovieExporter() override;

    /// Starts an export; refuses (with the reason) a missing time range, an empty stem, a folder that cannot be
    /// created or written, or a second export while one runs.
    Status start(const MovieExportOptions &options);
    bool isRunning() const { return m_running; }
    int framesWritten() const { return static_cast<int>(m_written.size()); }
    /// {"running", "frames", "files", "times", "index", "folder", "canceled", "error", "mp4", "ffmpeg_command",
    ///  "capture_ms_max", "capture_ms_mean", "seconds"}: what the state JSON and the tests read.
    QJsonObject report() const;
    /// The ffmpeg command that joins the frames of `options` (what the export runs when ffmpeg is installed).
    static QStringList ffmpegArguments(const MovieExportOptions &options, const QString &output);
    /// The shell command that makes STEM.mp4 from the frames of the last export.
    QString ffmpegCommand() const;

public Q_SLOTS:
    /// Something may have settled (connect MainWindow::settledMaybe): capture the frame when it is the next one.
    void poke();
    /// Stops after the frame being written; the frames written stay, with their index.
    void cancel();

Q_SIGNALS:
    /// A frame was captured (1-based count) at the set's time.
    void progress(int frames, const QDateTime &time);
    /// The export ended: written, canceled or failed (`message` says which and where).
    void finished(bool ok, const QString &message);

private:
    struct Frame {
        int number = 0;
        qint64 timeMs = 0;
        QString file;
    };
    void capture();
    void advance();
    void writerDone(const Frame &frame, const Status &status);
    void finishWhenWritten();
    void finish();
    QString framePath(int number) const;

    QPointer<ObservationDocument> m_document;
    std::function<bool()> m_settled;
    std::function<QImage()> m_capture;
    MovieExportOptions m_options;
    QThreadPool m_pool;  // one writer thread: frames are encoded and written in order
    QTimer m_tick;
    bool m_running = false, m_stopping = false, m_canceled = false, m_waitingForTime = false;
    qint64 m_lastMs = std::numeric_limits<qint64>::min();
    qint64 m_returnMs = 0;
    bool m_hadTime = false;
    int m_captured = 0, m_pending = 0;
    QVector<Frame> m_written;
    QString m_error, m_mp4, m_index;
    std::vector<double> m_captureMs;
    QElapsedTimer m_clock;
    double m_seconds = 0;
    std::unique_ptr<QProcess> m_ffmpeg;
};

}  // namespace solarchip
