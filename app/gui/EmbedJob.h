#pragma once
// The archive embedding job of the search gallery: `solarchip embed --archive A --json` run as a child process
// (architecture: bulk work in child processes of the CLI: crash and memory isolation, the same code path as a
// headless run), its JSON-lines progress parsed into signals with an ETA. Cancel stops the child; because the
// store appends atomic shards and lists them in an atomically rewritten manifest, whatever was listed survives
// a cancel or a kill, and the next start resumes: `embed` skips the sets already stored, which also makes a
// run after new files arrived incremental.
//
// Lines the CLI prints with --json: {"event":"start","sets":N,"already_stored":A,"todo":T,"store":DIR,
// "model_hash":H}, then {"event":"progress","done":d,"total":T,"seconds":s} per appended shard, then the summary
// object (indented; it ends the output).

#include <QElapsedTimer>
#include <QJsonObject>
#include <QObject>
#include <QProcess>
#include <QString>

namespace solarchip {

class EmbedJob : public QObject {
    Q_OBJECT
public:
    explicit EmbedJob(QObject *parent = nullptr);
    ~EmbedJob() override;

    /// The `solarchip` executable (default: next to this program, else $SOLARCHIP_CLI).
    void setProgram(const QString &program) { m_program = program; }
    QString program() const { return m_program; }
    /// Sets per shard the child appends (smaller: finer progress and less lost to a kill; default 4).
    void setShardSize(int sets) { m_shard = sets; }

    /// Starts embedding `archiveDir` with `modelFile` (empty: the default model). False (and failed()) when a
    /// job is already running or the program is missing.
    bool start(const QString &archiveDir, const QString &modelFile = {});
    /// Stops the child (what it stored so far stays; a later start resumes).
    void cancel();
    bool isRunning() const { return m_process && m_process->state() != QProcess::NotRunning; }

    qint64 done() const { return m_done; }
    qint64 total() const { return m_total; }
    qint64 alreadyStored() const { return m_already; }
    QString storeDir() const { return m_store; }
    /// Seconds left by the rate so far (-1: unknown).
    double etaSeconds() const;
    /// The CLI's final summary (empty until it finished).
    QJsonObject summary() const { return m_summary; }

Q_SIGNALS:
    void started(qint64 todo, qint64 alreadyStored);
    void progress(qint64 done, qint64 total, double etaSeconds);
    /// The child finished and the store holds every set (summary: the CLI's JSON).
    void finished(const QJsonObject &summary);
    void cancelled();
    void failed(const QString &message);

private:
    void readLines();
    void onFinished(int exitCode, QProcess::ExitStatus status);

    QString m_program;
    int m_shard = 4;
    QProcess *m_process = nullptr;
    QByteArray m_buffer;
    QByteArray m_tail;  // output that is not a one-line event (the summary)
    QByteArray m_stderr;
    QElapsedTimer m_clock;
    qint64 m_done = 0, m_total = 0, m_already = 0;
    double m_seconds = 0;
    QString m_store;
    QJsonObject m_summary;
    bool m_cancelling = false;
};

}  // namespace solarchip
