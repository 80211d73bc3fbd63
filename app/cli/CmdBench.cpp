// solarchip bench <name> [options]: dispatches to the benchmarks registered through BenchRegistry.h.
#include "app/cli/BenchRegistry.h"
#include "app/cli/Command.h"

#include <QTextStream>

#include <algorithm>

namespace solarchip::cli {

std::vector<Bench> &benchRegistry()
{
    static std::vector<Bench> benches;
    return benches;
}

void registerBench(QString name, QString summary, BenchFn run)
{
    benchRegistry().push_back(Bench{std::move(name), std::move(summary), std::move(run)});
}

namespace {

QString benchHelp()
{
    std::vector<Bench> sorted = benchRegistry();
    std::sort(sorted.begin(), sorted.end(), [](const Bench &a, const Bench &b) { return a.name < b.name; });
    QString text = QStringLiteral("Usage: solarchip bench <name> [options]   (solarchip bench <name> --help)\n\n"
                                  "Benchmarks (JSON with --json, run side by side with their reference):\n");
    for (const Bench &b : sorted)
        text += QStringLiteral("  %1  %2\n").arg(b.name, -14).arg(b.summary);
    return text;
}

int runBench(const QStringList &args)
{
    const QString cmd = QStringLiteral("bench");
    if (args.size() < 2)
        return usage(cmd, QStringLiteral("no benchmark named"), benchHelp());
    const QString name = args.at(1);
    if (name == QLatin1String("--help") || name == QLatin1String("-h") || name == QLatin1String("help")) {
        QTextStream(stdout) << benchHelp();
        return kOk;
    }
    for (const Bench &b : benchRegistry()) {
        if (b.name != name)
            continue;
        QStringList rest{QStringLiteral("solarchip bench ") + name};
        rest += args.mid(2);
        return b.run(rest);
    }
    return usage(cmd, QStringLiteral("unknown benchmark '%1'").arg(name), benchHelp());
}

const Registration reg(QStringLiteral("bench"), QStringLiteral("performance benchmarks (bench --help lists them)"),
                       runBench);

}  // namespace
}  // namespace solarchip::cli
