#pragma once
// The `solarchip` command-line tool: one small file per subcommand, each registering itself here.
// Subcommands are thin adapters over core/ and models/ (the GUI calls the same engine); each parses its
// command line through CommandLine (app/cli/CommandLine.h), which holds the prologue they share.

#include "core/base/Expected.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <functional>
#include <vector>

namespace solarchip::cli {

/// Exit codes: 0 success, 1 a failure on the data (message names the file), 2 bad usage.
enum ExitCode { kOk = 0, kFailed = 1, kUsage = 2 };

struct Command {
    QString name;
    QString summary;
    /// args[0] is "solarchip <name>" (for QCommandLineParser); returns the process exit code.
    std::function<int(const QStringList &args)> run;
};

std::vector<Command> &registry();

/// Registers a subcommand at static-initialisation time (each app/cli/Cmd*.cpp has one).
struct Registration {
    Registration(QString name, QString summary, std::function<int(const QStringList &)> run);
};

/// Writes a JSON document (indented) to stdout.
void printJson(const QJsonObject &object);
void printJson(const QJsonDocument &document);
/// Writes one compact JSON line to stdout and flushes (for progress streams a GUI follows).
void printJsonLine(const QJsonObject &object);
/// Prints "solarchip <command>: <message>" to stderr and returns kFailed.
int fail(const QString &command, const QString &message);
int fail(const QString &command, const Error &error);
/// Prints a usage error with the parser help and returns kUsage.
int usage(const QString &command, const QString &message, const QString &help);

/// A time as ISO-8601 UTC, or JSON null when invalid (no observation).
QJsonValue isoOrNull(const QDateTime &t);

}  // namespace solarchip::cli
