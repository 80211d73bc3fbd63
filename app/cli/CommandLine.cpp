#include "app/cli/CommandLine.h"

#include "app/cli/Command.h"

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

}  // namespace solarchip::cli
