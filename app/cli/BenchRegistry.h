#pragma once
// `solarchip bench <name> ...`: one subcommand that dispatches to benchmarks registered from their own files.
// Each benchmark lives in app/cli/CmdBench<Name>.cpp and registers itself at static-initialisation time:
//
//     const BenchRegistration reg(QStringLiteral("encoder"), QStringLiteral("..."), runBenchEncoder);
//
// The function receives args[0] = "solarchip bench <name>" (for QCommandLineParser) followed by the remaining
// arguments, and returns the process exit code (cli::ExitCode). Benchmarks print JSON with --json and compare
// against the Python reference in the same run (see bench/).

#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace solarchip::cli {

using BenchFn = std::function<int(const QStringList &args)>;

struct Bench {
    QString name;
    QString summary;
    BenchFn run;
};

/// All registered benchmarks (in registration order; the dispatcher sorts them for help output).
std::vector<Bench> &benchRegistry();

/// Adds a benchmark; call from a static initialiser (prefer BenchRegistration).
void registerBench(QString name, QString summary, BenchFn run);

struct BenchRegistration {
    BenchRegistration(QString name, QString summary, BenchFn run)
    {
        registerBench(std::move(name), std::move(summary), std::move(run));
    }
};

}  // namespace solarchip::cli
