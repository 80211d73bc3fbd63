#include "app/cli/Command.h"

#include "core/map/SdoTime.h"

#include <QTextStream>

#include <cstdio>

namespace solarchip::cli {

std::vector<Command> &registry()
{
    static std::vector<Command> commands;
    return commands;
}

Registration::Registration(QString name, QString summary, std::function<int(const QStringList &)> run)
{
    registry().push_back(Command{std::move(name), std::move(summary), std::move(run)});
}

void printJson(const QJsonObject &object) { printJson(QJsonDocument(object)); }

void printJson(const QJsonDocument &document)
{
    const QByteArray bytes = document.toJson(QJsonDocument::Indented);
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

void printJsonLine(const QJsonObject &object)
{
    QByteArray bytes = QJsonDocument(object).toJson(QJsonDocument::Compact);
    bytes.append('\n');
    std::fwrite(bytes.constData(), 1, static_cast<size_t>(bytes.size()), stdout);
    std::fflush(stdout);
}

int fail(const QString &command, const QString &message)
{
    QTextStream err(stderr);
    err << "solarchip " << command << ": " << message << Qt::endl;
    return kFailed;
}

int fail(const QString &command, const Error &error) { return fail(command, error.toString()); }

int usage(const QString &command, const QString &message, const QString &help)
{
    QTextStream err(stderr);
    err << "solarchip " << command << ": " << message << "\n\n" << help << Qt::endl;
    return kUsage;
}

QJsonValue isoOrNull(const QDateTime &t) { return t.isValid() ? QJsonValue(SdoTime::toIso(t)) : QJsonValue(); }

}  // namespace solarchip::cli
