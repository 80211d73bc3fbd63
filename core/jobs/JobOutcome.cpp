#include "core/jobs/JobOutcome.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QRegularExpression>

namespace solarchip {

QByteArray readFileTail(const QString &path, qint64 maxBytes)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const qint64 size = f.size();
    const qint64 from = std::max<qint64>(0, size - maxBytes);
    f.seek(from);
    QByteArray bytes = f.readAll();
    if (from > 0) {  // drop the partial first line
        const qsizetype nl = bytes.indexOf('\n');
        bytes = nl >= 0 ? bytes.mid(nl + 1) : QByteArray();
    }
    return bytes;
}

static bool isEventLine(const QByteArray &line)
{
    return line.startsWith("{\"event\"");
}

QJsonObject lastJsonEvent(const QByteArray &text)
{
    const QList<QByteArray> lines = text.split('\n');
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        const QByteArray line = it->trimmed();
        if (!isEventLine(line))
            continue;
        const QJsonDocument doc = QJsonDocument::fromJson(line);
        if (doc.isObject())
            return doc.object();
    }
    return {};
}

QStringList lastPlainLines(const QByteArray &text, int count)
{
    QStringList out;
    const QList<QByteArray> lines = text.split('\n');
    for (auto it = lines.rbegin(); it != lines.rend() && out.size() < count; ++it) {
        const QByteArray line = it->trimmed();
        if (line.isEmpty() || isEventLine(line))
            continue;
        out.prepend(QString::fromUtf8(*it).trimmed());
    }
    return out;
}

QString failedFileOf(const QStringList &lines)
{
    static const QRegularExpression re(QStringLiteral("^solarchip [A-Za-z0-9-]+: ([^:]+): "));
    for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
        const auto m = re.match(*it);
        if (!m.hasMatch())
            continue;
        const QString file = m.captured(1).trimmed();
        if (file.contains(QLatin1Char('/')) || QFileInfo::exists(file))
            return file;
    }
    return {};
}

QString describeJobEvent(const QJsonObject &e)
{
    const QString event = e.value(QStringLiteral("event")).toString();
    if (event.isEmpty())
        return {};
    QStringList parts{event};
    if (e.contains(QStringLiteral("step")))
        parts << QStringLiteral("step %1").arg(qint64(e.value(QStringLiteral("step")).toDouble()));
    if (e.contains(QStringLiteral("done")) && e.contains(QStringLiteral("total")))
        parts << QStringLiteral("%1/%2").arg(e.value(QStringLiteral("done")).toInteger()).arg(e.value(QStringLiteral("total")).toInteger());
    if (e.contains(QStringLiteral("loss")))
        parts << QStringLiteral("loss %1").arg(e.value(QStringLiteral("loss")).toDouble(), 0, 'g', 4);
    if (e.contains(QStringLiteral("val_loss")))
        parts << QStringLiteral("val loss %1").arg(e.value(QStringLiteral("val_loss")).toDouble(), 0, 'g', 4);
    return parts.join(QStringLiteral(", "));
}

JobOutcome jobOutcome(const JobRecord &job, int exitCode, const QByteArray &logTail)
{
    const QJsonObject last = lastJsonEvent(logTail);
    const QString lastName = last.value(QStringLiteral("event")).toString();
    const QString where = describeJobEvent(last);
    JobOutcome o;
    if (exitCode == 0 && lastName != QLatin1String("cancelled")) {
        o.state = JobState::Finished;  // (a stop asked for too late: the job had finished anyway)
        o.message = where;
        return o;
    }
    if (job.stopRequest == QLatin1String("cancel")) {
        o.state = JobState::Cancelled;
        o.message = where.isEmpty() ? QStringLiteral("cancelled") : QStringLiteral("cancelled after: ") + where;
        return o;
    }
    if (job.stopRequest == QLatin1String("pause") || lastName == QLatin1String("cancelled")) {
        // pretrain's clean stop (a signal or --stop-at) wrote a checkpoint: resume continues from it.
        o.state = JobState::Paused;
        o.message = where.isEmpty() ? QStringLiteral("paused") : QStringLiteral("paused after: ") + where;
        return o;
    }
    o.state = JobState::Failed;
    const QStringList lines = lastPlainLines(logTail, 8);
    o.failedFile = failedFileOf(lines);
    const QString how = exitCode > 128 ? QStringLiteral("killed by signal %1").arg(exitCode - 128)
                                       : QStringLiteral("exit code %1").arg(exitCode);
    o.message = QStringLiteral("solarchip %1 failed (%2)").arg(job.kind, how);
    if (!where.isEmpty())
        o.message += QStringLiteral("; last event: ") + where;
    if (!lines.isEmpty())
        o.message += QStringLiteral(":\n") + lines.join(QLatin1Char('\n'));
    return o;
}

}  // namespace solarchip
