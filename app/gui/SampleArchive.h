#pragma once
// The bundled sample archive: what solarchip-studio opens on first start when no archive was ever opened.
// It is described by resources/sample-archive.json (dates, cadence, channels, size, seed) and generated on
// first use by the synthetic generator (core/SyntheticSun) into the per-user data folder, in the background
// with progress. A stamp file written after a complete run records the manifest it was made from; a killed
// run resumes (the generator skips finished files), a changed manifest makes a fresh archive.

#include "core/base/Expected.h"
#include "core/synthetic/SyntheticSun.h"

#include <QFuture>
#include <QObject>

#include <atomic>
#include <functional>
#include <memory>

namespace solarchip {

class SampleArchive : public QObject {
    Q_OBJECT
public:
    /// <AppLocalDataLocation>/sample-archive, or $SOLARCHIP_SAMPLE_DIR when set.
    static QString defaultDir();
    /// The generator options of the bundled manifest, writing into `dir`.
    static Expected<SyntheticOptions> manifestOptions(const QString &dir);
    /// Generates the archive in `dir` unless it is already complete (blocking; for scripts and benchmarks).
    /// `progress(step, steps)` may return false to cancel.
    static Expected<SyntheticSummary> ensureBlocking(const QString &dir,
                                                     const std::function<bool(int, int)> &progress = {});
    /// True when `dir` holds a complete sample archive made from the current manifest.
    static bool isComplete(const QString &dir);

    explicit SampleArchive(const QString &dir = defaultDir(), QObject *parent = nullptr);
    /// Cancels a running generation and waits for the file being written.
    ~SampleArchive() override;

    QString dir() const { return m_dir; }
    bool isReady() const { return isComplete(m_dir); }
    bool isGenerating() const { return m_running; }
    /// Emits ready() at once when the archive is complete, else generates it in the background.
    void ensure();
    void cancel() { m_cancel = true; }

Q_SIGNALS:
    void progress(int step, int steps);
    /// The archive is complete; `seconds` is how long generation took (0 when it already existed).
    void ready(const QString &dir, double seconds);
    void failed(const QString &message);

private:
    QString m_dir;
    QFuture<void> m_future;
    std::atomic<bool> m_cancel{false};
    bool m_running = false;
};

}  // namespace solarchip
