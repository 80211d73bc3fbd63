#include "app/gui/WizardJobs.h"

#include "app/gui/JobRunner.h"
#include "core/base/ThreadPriority.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QProcess>
#include <QTimer>

namespace solarchip {

WizardJobs::WizardJobs(JobRunner *runner, QObject *parent) : QObject(parent), m_runner(runner)
{
    m_program = qEnvironmentVariable("SOLARCHIP_CLI");
    if (m_program.isEmpty())
        m_program = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("solarchip"));
    if (m_runner) {
        connect(m_runner, &JobRunner::jobEvent, this, &WizardJobs::jobEvent);
        connect(m_runner, &JobRunner::jobFinished, this, &WizardJobs::jobFinished);
    }
}

QString WizardJobs::program() const
{
    return m_runner ? m_runner->program() : m_program;
}

void WizardJobs::setProgram(const QString &program)
{
    if (m_runner)
        m_runner->setProgram(program);
    m_program = program;
}

WizardJobs::~WizardJobs()
{
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(3000);
    }
}

bool WizardJobs::isRunning(qint64 id) const
{
    if (m_runner)
        return m_runner->runningJobs().contains(id);
    return id == m_id && m_process && m_process->state() != QProcess::NotRunning;
}

qint64 WizardJobs::enqueue(const QString &kind, const QStringList &arguments, const QString &runDir, const QString &title)
{
    if (m_runner)
        return m_runner->enqueue(kind, arguments, runDir, title);
    const qint64 id = m_nextId++;
    auto refuse = [this, id](const QString &message) {
        QTimer::singleShot(0, this, [this, id, message] { Q_EMIT jobFinished(id, -1, message); });
        return id;
    };
    if (m_process && m_process->state() != QProcess::NotRunning)
        return refuse(tr("Another wizard job is still running"));
    if (!QFileInfo(m_program).isExecutable())
        return refuse(tr("%1: the solarchip command is missing").arg(QDir::toNativeSeparators(m_program)));
    if (!QDir().mkpath(runDir))
        return refuse(tr("%1: cannot create the run folder").arg(QDir::toNativeSeparators(runDir)));
    delete m_process;
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    m_id = id;
    m_buffer.clear();
    m_output.clear();
    m_cancelling = false;
    m_log = QDir(runDir).filePath(QStringLiteral("job.log"));
    QFile::remove(m_log);
    connect(m_process, &QProcess::readyReadStandardOutput, this, &WizardJobs::readLines);
    connect(m_process, &QProcess::finished, this,
            [this](int code, QProcess::ExitStatus status) { onFinished(code, int(status)); });
    connect(m_process, &QProcess::errorOccurred, this, [this, id](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            Q_EMIT jobFinished(id, -1, tr("%1: could not start: %2").arg(QDir::toNativeSeparators(m_program),
                                                                         m_process->errorString()));
    });
    ThreadPriority::lowerChildProcess(m_process);  // bulk work: painting and input in the app come first
    m_process->start(m_program, arguments);
    return id;
}

void WizardJobs::cancel(qint64 id)
{
    if (m_runner) {
        m_runner->cancel(id);
        return;
    }
    if (!isRunning(id))
        return;
    m_cancelling = true;
    m_process->terminate();
    QProcess *p = m_process;
    QTimer::singleShot(5000, p, [p] {
        if (p->state() != QProcess::NotRunning)
            p->kill();
    });
}

void WizardJobs::readLines()
{
    const QByteArray chunk = m_process->readAllStandardOutput();
    m_output += chunk;
    QFile log(m_log);
    if (log.open(QIODevice::Append))
        log.write(chunk);
    m_buffer += chunk;
    qsizetype nl;
    while ((nl = m_buffer.indexOf('\n')) >= 0) {
        const QByteArray line = m_buffer.left(nl).trimmed();
        m_buffer.remove(0, nl + 1);
        if (!line.startsWith('{') || !line.endsWith('}'))
            continue;
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        if (o.contains(QStringLiteral("event")))
            Q_EMIT jobEvent(m_id, o);
    }
}

void WizardJobs::onFinished(int exitCode, int status)
{
    readLines();
    QString message;
    if (m_cancelling) {
        message = tr("cancelled");
        exitCode = exitCode == 0 ? -1 : exitCode;
    } else if (status != QProcess::NormalExit) {
        message = tr("the command crashed");
        exitCode = -1;
    } else if (exitCode != 0) {
        // The CLI's own words: its last lines that are not JSON events.
        QStringList lines;
        for (const QByteArray &l : m_output.split('\n')) {
            const QByteArray t = l.trimmed();
            if (!t.isEmpty() && !t.startsWith('{'))
                lines << QString::fromUtf8(t);
        }
        message = lines.mid(std::max<qsizetype>(0, lines.size() - 3)).join(QLatin1Char('\n'));
        if (message.isEmpty())
            message = tr("exit code %1").arg(exitCode);
    }
    Q_EMIT jobFinished(m_id, exitCode, message);
}

}  // namespace solarchip
