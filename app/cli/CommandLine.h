#pragma once
// One subcommand's command line. Every `solarchip` subcommand starts the same way: a parser with its
// description and --help, often --json; parse; print --help and stop (exit 0); stop on a parse error or a wrong
// number of positional arguments with a usage error (the message, then the help, on stderr; exit 2). This class
// does that once. A subcommand adds its own options and reads them through the QCommandLineParser interface,
// and reports a bad value found later with usage().

#include <QCommandLineParser>
#include <QDateTime>
#include <QString>
#include <QStringList>

#include <limits>
#include <optional>

namespace solarchip::cli {

/// How many positional arguments a subcommand takes, and the usage message when there are fewer or more.
struct Positionals {
    int min = 0;
    int max = std::numeric_limits<int>::max();
    QString tooFew;
    QString tooMany;  // empty: tooFew

    /// Exactly `n` (one message either way).
    static Positionals exactly(int n, const QString &message) { return {n, n, message, message}; }
    /// `n` or more.
    static Positionals atLeast(int n, const QString &message) { return {n, std::numeric_limits<int>::max(), message, {}}; }
    /// `n` at most.
    static Positionals atMost(int n, const QString &message) { return {0, n, {}, message}; }
};

class CommandLine : public QCommandLineParser {
public:
    /// `command` as typed after "solarchip" ("prep", "bench jp2"): every message starts "solarchip <command>: ".
    CommandLine(QString command, const QString &description);

    const QString &command() const { return m_command; }

    /// Adds --json; `help` says what it prints.
    void addJsonOption(const QString &help = QStringLiteral("Print JSON."));
    bool json() const;

    /// Parses `args` (args[0] is "solarchip <command>"). Returns the exit code when the subcommand is finished
    /// already: kOk after printing --help, kUsage after a parse error or a wrong positional count. std::nullopt:
    /// go on.
    std::optional<int> parseOrExit(const QStringList &args, const Positionals &positionals = {});

    /// Prints "solarchip <command>: <message>" and the help to stderr; returns kUsage.
    int usage(const QString &message) const;

    /// --`name` as a UTC time (ISO, as SdoTime::parseUserTime reads it) into `out`, left as it was when the option
    /// is not given; false, with the message for usage() in `error`, when it is given but is not a time.
    bool timeOption(const QString &name, QDateTime &out, QString &error) const;
    /// --from, --to and --reference (timeOption each), and --reference given exactly when --follow-rotation is; false
    /// with the message for usage() in `error` otherwise. `anchored` completes "the time at which ..." (what
    /// --reference places: "the box is at --center").
    bool rotationTimeOptions(QDateTime &from, QDateTime &to, QDateTime &reference, const QString &anchored, QString &error) const;

private:
    QString m_command;
};

}  // namespace solarchip::cli
