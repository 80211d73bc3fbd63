#include "TestSupport.h"

#include <QFileInfo>
#include <QJsonParseError>
#include <QProcess>
#include <QProcessEnvironment>
#include <QtTest>

#include <algorithm>
#include <cmath>

namespace solarchip::test {

QString sourceDir() { return QStringLiteral(SOLARCHIP_SOURCE_DIR); }
QString binaryDir() { return QStringLiteral(SOLARCHIP_BINARY_DIR); }
QString binPath(const QString &name) { return binaryDir() + QStringLiteral("/bin/") + name; }
QString fixtureModelPath() { return binaryDir() + QStringLiteral("/tests/data/fixture-cnn-hmi171.safetensors"); }

QString python3()
{
    const QString configured = QStringLiteral(SOLARCHIP_PYTHON3);
    if (QFileInfo::exists(QStringLiteral("/usr/bin/python3")))
        return QStringLiteral("/usr/bin/python3");
    return configured;
}

QString sdoDir()
{
    const QString env = qEnvironmentVariable("SOLARCHIP_SDO_DIR");
    if (!env.isEmpty() && QFileInfo(env).isDir())
        return QFileInfo(env).absoluteFilePath();
    const QString fromSource = QDir(sourceDir()).absoluteFilePath(QStringLiteral("../shared/sdo"));
    if (QFileInfo(fromSource).isDir())
        return QDir::cleanPath(fromSource);
    return {};
}

QString sdoFile(const QString &relative) { return sdoDir() + QLatin1Char('/') + relative; }

ProcessResult run(const QString &program, const QStringList &args, int timeoutMs, const QString &workDir)
{
    QProcess p;
    if (!workDir.isEmpty())
        p.setWorkingDirectory(workDir);
    p.start(program, args);
    ProcessResult r;
    if (!p.waitForStarted(30000)) {
        r.err = QStringLiteral("could not start %1: %2").arg(program, p.errorString()).toUtf8();
        return r;
    }
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        r.err = QStringLiteral("%1 timed out after %2 ms").arg(program).arg(timeoutMs).toUtf8();
    }
    r.out = p.readAllStandardOutput();
    r.err += p.readAllStandardError();
    r.crashed = p.exitStatus() == QProcess::CrashExit;
    r.exitCode = r.crashed ? -1 : p.exitCode();
    return r;
}

ProcessResult runPython(const QString &script, const QStringList &args, int timeoutMs)
{
    QStringList all{sourceDir() + QStringLiteral("/tests/reference/") + script};
    all += args;
    return run(python3(), all, timeoutMs);
}

QString timelineRowsProblem(const QJsonObject &state)
{
    const QJsonObject t = state.value(QStringLiteral("timeline")).toObject();
    if (t.isEmpty())
        return QStringLiteral("no timeline in the state");
    if (!t.value(QStringLiteral("visible")).toBool())
        return QStringLiteral("timeline hidden");
    const int height = t.value(QStringLiteral("height")).toInt(), rows = t.value(QStringLiteral("rows_height")).toInt();
    if (height < rows)
        return QStringLiteral("timeline %1 px tall, its rows need %2 px").arg(height).arg(rows);
    // Nor much taller: filling the space a hidden dock left (blank below its rows).
    if (height > rows + 48)
        return QStringLiteral("timeline %1 px tall, blank below its rows' %2 px").arg(height).arg(rows);
    return {};
}

QJsonDocument parseJson(const QByteArray &bytes)
{
    QJsonParseError err;
    QJsonDocument doc = QJsonDocument::fromJson(bytes, &err);
    if (err.error != QJsonParseError::NoError)
        qWarning("invalid JSON (%s): %s", qPrintable(err.errorString()), bytes.left(400).constData());
    return doc;
}

QTemporaryDir scratchDir()
{
    QString base = qEnvironmentVariable("SOLARCHIP_TEST_TMP");
    if (base.isEmpty())
        base = QDir::tempPath();
    QDir().mkpath(base);
    return QTemporaryDir(base + QStringLiteral("/solarchip-XXXXXX"));
}

bool sameFitsValue(const QString &rawValue, const QJsonValue &ref)
{
    const QString raw = rawValue.trimmed();
    if (ref.isNull())
        return raw.isEmpty();
    if (ref.isBool())
        return raw == (ref.toBool() ? QStringLiteral("T") : QStringLiteral("F"));
    if (ref.isDouble()) {
        bool ok = false;
        const double v = QString(raw).replace(QLatin1Char('D'), QLatin1Char('E')).toDouble(&ok);
        const double r = ref.toDouble();
        return ok && std::abs(v - r) <= 1e-12 * std::max(1.0, std::abs(r));
    }
    QString s = raw;
    if (s.startsWith(QLatin1Char('\'')) && s.endsWith(QLatin1Char('\'')))
        s = s.mid(1, s.size() - 2).replace(QStringLiteral("''"), QStringLiteral("'"));
    return s.trimmed() == ref.toString();
}

}  // namespace solarchip::test
