// solarchip: the command-line face of SolarCHIP Studio (same engine as the GUI, no display needed).
#include "app/cli/Command.h"
#include "app/cli/LabelEfficiencyPlot.h"
#include "resources/resources.h"

#include <QCoreApplication>
#include <QTextStream>

#ifdef SOLARCHIP_CLI_QCUSTOMPLOT
#include <QApplication>
#endif

#include <algorithm>
#include <memory>

using namespace solarchip;

static void printHelp(QTextStream &out)
{
    out << "usage: solarchip <command> [options]   (solarchip <command> --help for details)\n\ncommands:\n";
    auto commands = cli::registry();
    std::sort(commands.begin(), commands.end(), [](const auto &a, const auto &b) { return a.name < b.name; });
    for (const auto &c : commands)
        out << "  " << c.name.leftJustified(18) << c.summary << '\n';
    out.flush();
}

int main(int argc, char **argv)
{
    // Only a command that draws with QCustomPlot (label-efficiency's PNG) gets a QApplication, and on the
    // offscreen platform unless QT_QPA_PLATFORM says otherwise: the CLI never shows a window, and a job that
    // outlives the desktop session it was started from must not depend on its display.
    std::unique_ptr<QCoreApplication> appHolder;
#ifdef SOLARCHIP_CLI_QCUSTOMPLOT
    if (argc >= 2 && cli::commandDrawsWidgets(QString::fromLocal8Bit(argv[1]))) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        appHolder = std::make_unique<QApplication>(argc, argv);
    }
#endif
    if (!appHolder)
        appHolder = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication &app = *appHolder;
    QCoreApplication::setApplicationName(QStringLiteral("solarchip"));
    QCoreApplication::setOrganizationName(QStringLiteral("SolarCHIP"));
    QCoreApplication::setApplicationVersion(QStringLiteral(SOLARCHIP_VERSION_STRING));
    initResources();

    const QStringList args = app.arguments();
    if (args.size() < 2 || args[1] == QLatin1String("--help") || args[1] == QLatin1String("-h")
        || args[1] == QLatin1String("help")) {
        QTextStream out(stdout);
        printHelp(out);
        return args.size() < 2 ? cli::kUsage : cli::kOk;
    }
    if (args[1] == QLatin1String("--version")) {
        QTextStream(stdout) << "solarchip " << SOLARCHIP_VERSION_STRING << Qt::endl;
        return cli::kOk;
    }
    for (const auto &command : cli::registry()) {
        if (command.name == args[1]) {
            QStringList rest = args.mid(2);
            rest.prepend(QStringLiteral("solarchip ") + command.name);
            return command.run(rest);
        }
    }
    QTextStream err(stderr);
    err << "solarchip: unknown command '" << args[1] << "'\n\n";
    printHelp(err);
    return cli::kUsage;
}
