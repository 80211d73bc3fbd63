// solarchip index DIR [--db PATH] [--json] [--threads N]: build or bring up to date the catalog of an archive.
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "core/archive/Catalog.h"
#include "core/map/SdoTime.h"

#include <QJsonArray>
#include <QTextStream>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("index");
constexpr int kMaxBadListed = 1000;

QString phaseName(CatalogScanProgress::Phase phase)
{
    switch (phase) {
    case CatalogScanProgress::Phase::Listing: return QStringLiteral("listing");
    case CatalogScanProgress::Phase::Reading: return QStringLiteral("reading");
    case CatalogScanProgress::Phase::Done: return QStringLiteral("done");
    }
    return {};
}

int runIndex(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "Catalog a folder tree of SDO FITS files (headers are read; names are not trusted). Re-running reads only "
        "new and changed files and drops deleted ones; it is safe to interrupt at any moment."));
    p.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The archive folder."));
    p.addOption({QStringLiteral("db"), QStringLiteral("Catalog file (default DIR/.solarchip/catalog.sqlite, or a "
                                                      "per-user cache file when DIR is read-only)."),
                 QStringLiteral("PATH")});
    p.addJsonOption(QStringLiteral("Print the summary as JSON."));
    p.addOption({QStringLiteral("threads"), QStringLiteral("Reader threads (default: all cores)."), QStringLiteral("N")});
    p.addOption({QStringLiteral("batch"), QStringLiteral("Files per write transaction (default 256)."),
                 QStringLiteral("N")});
    p.addOption({QStringLiteral("reread"), QStringLiteral("Read every file again, changed or not.")});
    p.addOption({QStringLiteral("retry-errors"), QStringLiteral("Read again unchanged files that failed before.")});
    p.addOption({QStringLiteral("progress"), QStringLiteral("Print progress as JSON lines on stderr.")});
    if (auto exit = p.parseOrExit(args, Positionals::exactly(1, QStringLiteral("expected one DIR"))))
        return *exit;
    const QString dir = p.positionalArguments().first();
    CatalogScanOptions options;
    if (p.isSet(QStringLiteral("threads"))) {
        bool ok = false;
        options.threads = p.value(QStringLiteral("threads")).toInt(&ok);
        if (!ok || options.threads < 1)
            return p.usage(QStringLiteral("--threads needs a positive integer"));
    }
    if (p.isSet(QStringLiteral("batch"))) {
        bool ok = false;
        options.batchSize = p.value(QStringLiteral("batch")).toInt(&ok);
        if (!ok || options.batchSize < 1)
            return p.usage(QStringLiteral("--batch needs a positive integer"));
    }
    options.rereadAll = p.isSet(QStringLiteral("reread"));
    options.retryErrors = p.isSet(QStringLiteral("retry-errors"));
    const bool json = p.json();
    if (p.isSet(QStringLiteral("progress"))) {
        options.progress = [](const CatalogScanProgress &pr) {
            QTextStream err(stderr);
            err << QJsonDocument(QJsonObject{{QStringLiteral("event"), QStringLiteral("progress")},
                                             {QStringLiteral("phase"), phaseName(pr.phase)},
                                             {QStringLiteral("found"), pr.found},
                                             {QStringLiteral("done"), pr.done},
                                             {QStringLiteral("total"), pr.total}})
                       .toJson(QJsonDocument::Compact)
                << Qt::endl;
        };
    }

    auto catalog = Catalog::open(dir, p.value(QStringLiteral("db")));
    if (!catalog)
        return fail(kName, catalog.error());
    auto summary = catalog->update(options);
    if (!summary)
        return fail(kName, summary.error());
    auto stats = catalog->stats();
    if (!stats)
        return fail(kName, stats.error());
    auto bad = catalog->badFiles();
    if (!bad)
        return fail(kName, bad.error());

    QJsonObject channels;
    for (auto it = stats->channels.cbegin(); it != stats->channels.cend(); ++it)
        channels.insert(it.key(), it.value());
    QJsonArray badList;
    for (const CatalogBadFile &b : *bad) {
        if (badList.size() >= kMaxBadListed)
            break;
        badList.append(QJsonObject{{QStringLiteral("path"), b.path}, {QStringLiteral("error"), b.message}});
    }
    const QJsonObject out{
        {QStringLiteral("archive"), catalog->archiveDir()},
        {QStringLiteral("db"), catalog->dbPath()},
        {QStringLiteral("db_location"), catalogLocationName(catalog->location())},
        {QStringLiteral("files"), stats->files},
        {QStringLiteral("observations"), stats->observations},
        {QStringLiteral("bad"), stats->bad},
        {QStringLiteral("channels"), channels},
        {QStringLiteral("first"), isoOrNull(stats->first)},
        {QStringLiteral("last"), isoOrNull(stats->last)},
        {QStringLiteral("seen"), summary->seen},
        {QStringLiteral("added"), summary->added},
        {QStringLiteral("updated"), summary->updated},
        {QStringLiteral("removed"), summary->removed},
        {QStringLiteral("skipped"), summary->skipped},
        {QStringLiteral("failed"), summary->failed},
        {QStringLiteral("elapsed_s"), summary->elapsedS},
        {QStringLiteral("scan_complete"), stats->scanComplete},
        {QStringLiteral("bad_files"), badList},
        {QStringLiteral("warnings"), QJsonArray::fromStringList(summary->warnings)},
    };
    if (json) {
        printJson(out);
        return kOk;
    }

    QTextStream o(stdout);
    const QString where = catalog->location() == CatalogLocation::UserCache
        ? QStringLiteral(" (per-user cache: the archive folder is not writable)")
        : catalog->location() == CatalogLocation::InArchive ? QStringLiteral(" (inside the archive folder)")
                                                           : QString();
    o << "catalog " << catalog->dbPath() << where << '\n'
      << catalog->archiveDir() << ": " << stats->files << " FITS files, " << stats->observations
      << " observations, " << stats->bad << " unreadable\n";
    if (stats->first.isValid())
        o << "  from " << SdoTime::toIso(stats->first) << " to " << SdoTime::toIso(stats->last) << " UTC\n";
    for (auto it = stats->channels.cbegin(); it != stats->channels.cend(); ++it)
        o << "  " << it.key().leftJustified(10) << ' ' << it.value() << '\n';
    o << "  this run: " << summary->added << " added, " << summary->updated << " updated, " << summary->removed
      << " removed, " << summary->skipped << " unchanged, in " << QString::number(summary->elapsedS, 'f', 2) << " s\n";
    for (const CatalogBadFile &b : *bad)
        o << "  unreadable: " << b.path << ": " << b.message << '\n';
    for (const QString &w : summary->warnings)
        o << "  warning: " << w << '\n';
    o.flush();
    return kOk;
}

const Registration reg(kName, QStringLiteral("catalog a folder of SDO FITS files (incremental, SQLite)"), runIndex);

}  // namespace
}  // namespace solarchip::cli
