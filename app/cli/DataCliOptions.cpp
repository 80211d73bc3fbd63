#include "app/cli/DataCliOptions.h"

#include "core/map/MapMeta.h"
#include "core/map/SdoTime.h"

#include <cstdio>

namespace solarchip::cli {

void addDataOptions(QCommandLineParser &p, const QString &defaultChannels)
{
    p.addOption({QStringLiteral("archive"), QStringLiteral("Archive folder of SDO FITS files."), QStringLiteral("DIR")});
    p.addOption({QStringLiteral("channels"),
                 QStringLiteral("Channels, HMI first (default %1).").arg(defaultChannels), QStringLiteral("LIST")});
    p.addOption({QStringLiteral("db"), QStringLiteral("Catalog database (default: the archive's)."), QStringLiteral("PATH")});
    p.addOption({QStringLiteral("no-index"), QStringLiteral("Do not bring the catalog up to date first.")});
    p.addOption({QStringLiteral("tolerance-s"),
                 QStringLiteral("Co-temporal tolerance in seconds (default 120)."), QStringLiteral("S"), QStringLiteral("120")});
    p.addOption({QStringLiteral("min-spacing-hours"),
                 QStringLiteral("Thin the sets to at least this spacing (default 0: all)."), QStringLiteral("H"), QStringLiteral("0")});
    p.addOption({QStringLiteral("from"), QStringLiteral("First time (ISO, UTC)."), QStringLiteral("ISO")});
    p.addOption({QStringLiteral("to"), QStringLiteral("End time, exclusive (ISO, UTC)."), QStringLiteral("ISO")});
    p.addOption({QStringLiteral("cache"), QStringLiteral("Prepared-tensor cache folder (default: ARCHIVE/.solarchip/tensor-cache)."),
                 QStringLiteral("DIR")});
    p.addOption({QStringLiteral("no-cache"), QStringLiteral("Do not cache prepared tensors.")});
}

QStringList parseChannels(const QString &text, QString *error)
{
    QStringList out;
    for (const QString &part : text.split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const QString c = canonicalChannel(part.trimmed());
        if (c.isEmpty()) {
            *error = QStringLiteral("'%1' is not an SDO channel").arg(part.trimmed());
            return {};
        }
        out << c;
    }
    if (out.isEmpty())
        *error = QStringLiteral("no channels given");
    return out;
}

QString readDataOptions(const QCommandLineParser &p, DatasetOptions &o, const QStringList &channelsFallback)
{
    o.archiveDir = p.value(QStringLiteral("archive"));
    if (o.archiveDir.isEmpty())
        return QStringLiteral("--archive DIR is required");
    o.catalogDb = p.value(QStringLiteral("db"));
    o.updateCatalog = !p.isSet(QStringLiteral("no-index"));
    if (p.isSet(QStringLiteral("channels"))) {
        QString error;
        o.selection.channels = parseChannels(p.value(QStringLiteral("channels")), &error);
        if (!error.isEmpty())
            return error;
    } else {
        o.selection.channels = channelsFallback;
        // Without --channels: the fallback channels (a model's) that the archive has, so a 4-channel model still
        // embeds or evaluates an archive of HMI + 171 alone; said on stderr, never silently. The Dataset resolves
        // it after its own catalog scan (one scan per command).
        o.onlyChannelsPresent = !channelsFallback.isEmpty();
        const QString archive = o.archiveDir;
        o.onChannelsNarrowed = [archive](const QStringList &wanted, const QStringList &kept) {
            std::fprintf(stderr, "solarchip: %s has %s of %s: using those (--channels chooses)\n", qPrintable(archive),
                         qPrintable(kept.join(QLatin1Char(','))), qPrintable(wanted.join(QLatin1Char(','))));
        };
    }
    bool ok = false;
    const double tol = p.value(QStringLiteral("tolerance-s")).toDouble(&ok);
    if (!ok || tol < 0)
        return QStringLiteral("--tolerance-s needs a non-negative number");
    o.selection.toleranceMs = static_cast<qint64>(tol * 1000);
    const double spacing = p.value(QStringLiteral("min-spacing-hours")).toDouble(&ok);
    if (!ok || spacing < 0)
        return QStringLiteral("--min-spacing-hours needs a non-negative number");
    o.selection.minSpacingMs = static_cast<qint64>(spacing * 3600 * 1000);
    for (const char *key : {"from", "to"}) {
        const QString name = QLatin1String(key);
        if (!p.isSet(name))
            continue;
        const auto t = SdoTime::parseUserTime(p.value(name));
        if (!t)
            return QStringLiteral("--%1: '%2' is not a time").arg(name, p.value(name));
        (name == QLatin1String("from") ? o.selection.fromMs : o.selection.toMs) = t->toMSecsSinceEpoch();
    }
    o.useCache = !p.isSet(QStringLiteral("no-cache"));
    o.cacheDir = p.value(QStringLiteral("cache"));
    return {};
}

}  // namespace solarchip::cli
