#pragma once
// The low-label wizard's view of the app's job queue: enqueue a `solarchip` command, hear its one-line JSON
// events and its end. A thin adapter so the wizard speaks the JobRunner contract (enqueue(kind, arguments,
// runDir, title), jobEvent, jobFinished) and nothing else of it.
//
// With a JobRunner (the app's: MainWindow::jobRunner()) it forwards to it, so the wizard's job is in the job
// table, survives closing the app and shows in the training panel. Without one it runs the job itself as one
// `solarchip` child process at nice 10 (the EmbedJob way), one at a time, its output in RUN/job.log.

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>

class QProcess;

namespace solarchip {

class JobRunner;

class WizardJobs : public QObject {
    Q_OBJECT
public:
    explicit WizardJobs(JobRunner *runner = nullptr, QObject *parent = nullptr);
    ~WizardJobs() override;

    /// The `solarchip` executable (default: next to this program, else $SOLARCHIP_CLI).
    QString program() const;
    void setProgram(const QString &program);

    /// Queues `solarchip <arguments>`; returns the job's id (-1: refused, jobFinished(-1, ...) says why).
    qint64 enqueue(const QString &kind, const QStringList &arguments, const QString &runDir, const QString &title);
    /// Stops the job (a later run of the same command resumes what it stored).
    void cancel(qint64 id);
    bool isRunning(qint64 id) const;

Q_SIGNALS:
    void jobEvent(qint64 id, const QJsonObject &event);
    void jobFinished(qint64 id, int exitCode, const QString &message);

private:
    void readLines();
    void onFinished(int exitCode, int status);

    JobRunner *m_runner = nullptr;
    QString m_program;
    QProcess *m_process = nullptr;
    qint64 m_id = 0;
    qint64 m_nextId = 1;
    QString m_log;
    QByteArray m_buffer;
    QByteArray m_output;  // everything the job printed (its log; the message of a failure comes from its end)
    bool m_cancelling = false;
};

}  // namespace solarchip
