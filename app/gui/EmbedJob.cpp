#include "app/gui/EmbedJob.h"

#include "core/base/ThreadPriority.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QJsonDocument>
#include <QTimer>

namespace solarchip {

EmbedJob::EmbedJob(QObject *parent) : QObject(parent)
{
    m_program = qEnvironmentVariable("SOLARCHIP_CLI");
    if (m_program.isEmpty())
        m_program = QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("solarchip"));
}

EmbedJob::~EmbedJob()
{
    if (isRunning()) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(3000);
    }
}

bool EmbedJob::start(const QString &archiveDir, const QString &modelFile)
{
    if (isRunning()) {
        Q_EMIT failed(tr("An embedding job is already running"));
        return false;
    }
    if (!QFileInfo(m_program).isExecutable()) {
        Q_EMIT failed(tr("%1: the solarchip command is missing; cannot embed the archive")
                          .arg(QDir::toNativeSeparators(m_program)));
        return false;
    }
    delete m_process;
    m_process = new QProcess(this);
    m_buffer.clear();
    m_tail.clear();
    m_stderr.clear();
    m_summary = {};
    m_done = m_total = m_already = 0;
    m_seconds = 0;
    m_store.clear();
    m_cancelling = false;
    QStringList args{QStringLiteral("embed"), QStringLiteral("--archive"), archiveDir, QStringLiteral("--json"),
                     QStringLiteral("--shard"), QString::number(m_shard), QStringLiteral("--batch"),
                     QString::number(std::min(m_shard, 8))};
    if (!modelFile.isEmpty())
        args << QStringLiteral("--model") << modelFile;
    connect(m_process, &QProcess::readyReadStandardOutput, this, &EmbedJob::readLines);
    connect(m_process, &QProcess::readyReadStandardError, this,
            [this] { m_stderr += m_process->readAllStandardError(); });
    connect(m_process, &QProcess::finished, this, &EmbedJob::onFinished);
    connect(m_process, &QProcess::errorOccurred, this, [this](QProcess::ProcessError e) {
        if (e == QProcess::FailedToStart)
            Q_EMIT failed(tr("%1: could not start: %2").arg(QDir::toNativeSeparators(m_program), m_process->errorString()));
    });
    m_clock.start();
    ThreadPriority::lowerChildProcess(m_process);  // bulk work: painting and input in the app come first
    m_process->start(m_program, args);
    return true;
}

void EmbedJob::cancel()
{
    if (!isRunning())
        return;
    m_cancelling = true;
    m_process->terminate();
    // A child stuck in a long batch gets a hard kill: the store is safe either way (atomic shards).
    QProcess *p = m_process;
    QTimer::singleShot(3000, p, [p] {
        if (p->state() != QProcess::NotRunning)
            p->kill();
    });
}

double EmbedJob::etaSeconds() const
{
    if (m_done <= 0 || m_total <= 0)
        return -1;
    const double elapsed = m_clock.elapsed() / 1000.0;
    return elapsed / double(m_done) * double(m_total - m_done);
}

void EmbedJob::readLines()
{
    m_buffer += m_process->readAllStandardOutput();
    int nl;
    while ((nl = static_cast<int>(m_buffer.indexOf('\n'))) >= 0) {
        const QByteArray line = m_buffer.left(nl).trimmed();
        m_buffer.remove(0, nl + 1);
        QJsonParseError err;
        const QJsonDocument doc = line.startsWith('{') ? QJsonDocument::fromJson(line, &err) : QJsonDocument();
        const QJsonObject o = doc.object();
        const QString event = o.value(QStringLiteral("event")).toString();
        if (event == QLatin1String("start")) {
            m_total = o.value(QStringLiteral("todo")).toInteger();
            m_already = o.value(QStringLiteral("already_stored")).toInteger();
            m_store = o.value(QStringLiteral("store")).toString();
            Q_EMIT started(m_total, m_already);
        } else if (event == QLatin1String("progress")) {
            m_done = o.value(QStringLiteral("done")).toInteger();
            m_total = o.value(QStringLiteral("total")).toInteger();
            m_seconds = o.value(QStringLiteral("seconds")).toDouble();
            Q_EMIT progress(m_done, m_total, etaSeconds());
        } else {
            m_tail += line + '\n';
        }
    }
}

void EmbedJob::onFinished(int exitCode, QProcess::ExitStatus status)
{
    readLines();
    m_tail += m_buffer;
    m_buffer.clear();
    if (m_cancelling) {
        Q_EMIT cancelled();
        return;
    }
    const QJsonObject summary = QJsonDocument::fromJson(m_tail).object();
    if (status != QProcess::NormalExit || exitCode != 0 || summary.isEmpty()) {
        QString why = QString::fromUtf8(m_stderr).trimmed();
        if (why.isEmpty())
            why = status == QProcess::NormalExit ? tr("exit code %1").arg(exitCode) : tr("it crashed");
        Q_EMIT failed(tr("Embedding the archive failed: %1").arg(why.section(QLatin1Char('\n'), -3)));
        return;
    }
    m_summary = summary;
    if (m_store.isEmpty())
        m_store = summary.value(QStringLiteral("store")).toString();
    Q_EMIT finished(summary);
}

}  // namespace solarchip
