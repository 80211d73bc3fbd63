#include "app/cli/CommandLine.h"

#include "app/cli/Command.h"
#include "core/map/SdoTime.h"

#include <QTextStream>

namespace solarchip::cli {

CommandLine::CommandLine(QString command, const QString &description) : m_command(std::move(command))
{
    setApplicationDescription(description);
    addHelpOption();
}

void CommandLine::addJsonOption(const QString &help) { addOption({QStringLiteral("json"), help}); }

bool CommandLine::json() const { return isSet(QStringLiteral("json")); }

std::optional<int> CommandLine::parseOrExit(const QStringList &args, const Positionals &positionals)
{
    if (!parse(args))
        return usage(errorText());
    if (isSet(QStringLiteral("help"))) {
        QTextStream(stdout) << helpText();
        return kOk;
    }
    const qsizetype n = positionalArguments().size();
    if (n < positionals.min)
        return usage(positionals.tooFew);
    if (n > positionals.max)
        return usage(positionals.tooMany.isEmpty() ? positionals.tooFew : positionals.tooMany);
    return std::nullopt;
}

int CommandLine::usage(const QString &message) const { return cli::usage(m_command, message, helpText()); }

bool CommandLine::timeOption(const QString &name, QDateTime &out, QString &error) const
{
    if (!isSet(name))
        return true;
    const auto t = SdoTime::parseUserTime(value(name));
    if (!t) {
        error = QStringLiteral("--%1: '%2' is not a date/time (use ISO, e.g. 2011-06-07T06:00)").arg(name, value(name));
        return false;
    }
    out = *t;
    return true;
}

bool CommandLine::rotationTimeOptions(QDateTime &from, QDateTime &to, QDateTime &reference, const QString &anchored,
                                      QString &error) const
{
    if (!timeOption(QStringLiteral("from"), from, error) || !timeOption(QStringLiteral("to"), to, error)
        || !timeOption(QStringLiteral("reference"), reference, error))
        return false;
    if (isSet(QStringLiteral("reference")) != isSet(QStringLiteral("follow-rotation"))) {
        error = isSet(QStringLiteral("reference"))
                    ? QStringLiteral("--reference only applies with --follow-rotation")
                    : QStringLiteral("--follow-rotation needs --reference ISO: the time at which %1").arg(anchored);
        return false;
    }
    return true;
}

}  // namespace solarchip::cli
