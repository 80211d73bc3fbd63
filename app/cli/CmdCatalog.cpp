// solarchip catalog DIR [--json] [--from ISO --to ISO] [--channels ...]: what an indexed archive holds, by day and
// channel; and the questions the GUI and training ask of it (--nearest, --sets, --availability, --list, --bad).
#include "app/cli/Command.h"
#include "app/cli/CommandLine.h"

#include "core/archive/Catalog.h"
#include "core/map/SdoTime.h"

#include <QJsonArray>
#include <QTextStream>

#include <cmath>
#include <optional>

namespace solarchip::cli {

namespace {

const QString kName = QStringLiteral("catalog");

QJsonObject observationJson(const Observation &o)
{
    return QJsonObject{
        {QStringLiteral("path"), o.path},
        {QStringLiteral("instrument"), o.instrument},
        {QStringLiteral("channel"), o.channel},
        {QStringLiteral("time"), SdoTime::toIso(o.time())},
        {QStringLiteral("wavelength"), o.wavelength},
        {QStringLiteral("exptime"), o.exptime},
        {QStringLiteral("naxis1"), o.naxis1},
        {QStringLiteral("naxis2"), o.naxis2},
        {QStringLiteral("bitpix"), o.bitpix},
        {QStringLiteral("level"), o.level},
        {QStringLiteral("quality"), o.quality},
        {QStringLiteral("compression"), o.compression},
        {QStringLiteral("size"), o.fileSize},
    };
}

QJsonObject setJson(const ObservationSet &s)
{
    QJsonObject members;
    for (int i = 0; i < s.channels.size(); ++i) {
        const Observation &o = s.members.value(i);
        if (!o.isValid())
            continue;
        QJsonObject m = observationJson(o);
        m.insert(QStringLiteral("offset_s"), (o.timeMs - s.referenceTimeMs) / 1000.0);
        members.insert(s.channels[i], m);
    }
    return QJsonObject{{QStringLiteral("reference"), SdoTime::toIso(s.referenceTime())},
                       {QStringLiteral("complete"), s.isComplete()},
                       {QStringLiteral("missing"), QJsonArray::fromStringList(s.missingChannels())},
                       {QStringLiteral("max_offset_s"), s.maxOffsetMs() / 1000.0},
                       {QStringLiteral("members"), members}};
}

std::optional<QDateTime> timeOption(const QCommandLineParser &p, const QString &name, QString *error)
{
    if (!p.isSet(name))
        return QDateTime();
    auto t = SdoTime::parseUserTime(p.value(name));
    if (!t)
        *error = QStringLiteral("--%1: '%2' is not a date/time (use ISO, e.g. 2011-06-07T06:00)").arg(name, p.value(name));
    return t;
}

// First/last observation in [from, to) of the given channels (or of any channel).
Expected<std::pair<QDateTime, QDateTime>> spanIn(const Catalog &c, const QDateTime &from, const QDateTime &to,
                                                 const QStringList &channels)
{
    QDateTime first, last;
    const QStringList each = channels.isEmpty() ? QStringList{QString()} : channels;
    for (const QString &ch : each) {
        auto f = from.isValid() ? c.next(from.addMSecs(-1), ch) : Expected<Observation>(Observation{});
        if (!f)
            return f.error();
        QDateTime tf = from.isValid() ? (f->isValid() ? f->time() : QDateTime()) : QDateTime();
        if (!from.isValid()) {
            auto ft = c.firstTime(ch);
            if (!ft)
                return ft.error();
            tf = *ft;
        }
        auto l = to.isValid() ? c.previous(to, ch) : Expected<Observation>(Observation{});
        if (!l)
            return l.error();
        QDateTime tl = to.isValid() ? (l->isValid() ? l->time() : QDateTime()) : QDateTime();
        if (!to.isValid()) {
            auto lt = c.lastTime(ch);
            if (!lt)
                return lt.error();
            tl = *lt;
        }
        if (tf.isValid() && (!to.isValid() || tf < to) && (!first.isValid() || tf < first))
            first = tf;
        if (tl.isValid() && (!from.isValid() || tl >= from) && (!last.isValid() || tl > last))
            last = tl;
    }
    return std::pair{first, last};
}

// What every mode reads (the catalog and the parsed options) and where its answer goes: with --json, `out`
// (printed once every mode's keys are in); without, `text` (stdout).
struct CatalogQuery {
    const Catalog &catalog;
    const CommandLine &p;
    QDateTime from;
    QDateTime to;
    QStringList channels;
    double tolMin = 1;
    double spacingMin = 0;
    int step = 1;
    int limit = 1000;
    QJsonObject &out;
    QTextStream &text;

    qint64 toleranceMs() const { return std::llround(tolMin * 60000.0); }
    bool json() const { return p.json(); }
};

// --nearest: the co-temporal set closest to `at` (of the channels present when none are named).
int showNearest(CatalogQuery &q, const QDateTime &at)
{
    if (q.channels.isEmpty()) {
        auto present = q.catalog.channels();
        if (!present)
            return fail(kName, present.error());
        q.channels = *present;
    }
    auto set = q.catalog.nearestSet(at, q.channels, q.toleranceMs());
    if (!set)
        return fail(kName, set.error());
    q.out.insert(QStringLiteral("tolerance_min"), q.tolMin);
    q.out.insert(QStringLiteral("nearest"), setJson(*set));
    if (!q.json()) {
        q.text << "set nearest " << SdoTime::toIso(at) << " (tolerance " << q.tolMin << " min): "
               << (set->isComplete() ? "complete" : "incomplete") << '\n';
        for (int i = 0; i < set->channels.size(); ++i) {
            const Observation &o = set->members[i];
            q.text << "  " << set->channels[i].leftJustified(8)
                   << (o.isValid() ? SdoTime::toIso(o.time()) + QStringLiteral("  ") + o.path
                                   : QStringLiteral("(none within tolerance)"))
                   << '\n';
        }
    }
    return kOk;
}

// --sets: every complete co-temporal set in the range.
int showSets(const CatalogQuery &q)
{
    if (q.channels.isEmpty())
        return q.p.usage(QStringLiteral("--sets needs --channels"));
    CoTemporalOptions opt;
    opt.toleranceMs = q.toleranceMs();
    opt.minSpacingMs = std::llround(q.spacingMin * 60000.0);
    opt.anchorChannel = q.p.value(QStringLiteral("anchor"));
    auto sets = q.catalog.completeSets(q.from, q.to, q.channels, opt);
    if (!sets)
        return fail(kName, sets.error());
    QJsonArray arr;
    for (const ObservationSet &s : *sets)
        arr.append(setJson(s));
    q.out.insert(QStringLiteral("count"), int(sets->size()));
    q.out.insert(QStringLiteral("sets"), arr);
    if (!q.json()) {
        q.text << sets->size() << " complete sets of " << q.channels.join(QLatin1Char(',')) << '\n';
        for (const ObservationSet &s : *sets)
            q.text << "  " << SdoTime::toIso(s.referenceTime()) << "  spread " << s.spreadMs() / 1000.0 << " s\n";
    }
    return kOk;
}

// --availability UNIT: observations per channel per bin of `step` hours, days or months.
int showAvailability(const CatalogQuery &q)
{
    const QString u = q.p.value(QStringLiteral("availability")).toLower();
    Availability::Unit unit = Availability::Unit::Day;
    if (u == QLatin1String("hour") || u == QLatin1String("hours"))
        unit = Availability::Unit::Hour;
    else if (u == QLatin1String("month") || u == QLatin1String("months"))
        unit = Availability::Unit::Month;
    else if (u != QLatin1String("day") && u != QLatin1String("days"))
        return q.p.usage(QStringLiteral("--availability takes hour, day or month"));
    auto a = q.catalog.availability(q.from, q.to, unit, q.step, q.channels);
    if (!a)
        return fail(kName, a.error());
    QJsonArray edges;
    for (qint64 e : a->edgesMs)
        edges.append(SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(e, QTimeZone::utc())));
    QJsonObject counts;
    for (auto it = a->counts.cbegin(); it != a->counts.cend(); ++it) {
        QJsonArray v;
        for (int n : it.value())
            v.append(n);
        counts.insert(it.key(), v);
    }
    q.out.insert(QStringLiteral("unit"), u);
    q.out.insert(QStringLiteral("step"), q.step);
    q.out.insert(QStringLiteral("edges"), edges);
    q.out.insert(QStringLiteral("counts"), counts);
    if (!q.json()) {
        for (int b = 0; b < a->binCount(); ++b) {
            q.text << SdoTime::toIso(QDateTime::fromMSecsSinceEpoch(a->edgesMs[b], QTimeZone::utc()));
            for (const QString &ch : a->channels)
                q.text << "  " << ch << ' ' << a->counts[ch][b];
            q.text << '\n';
        }
    }
    return kOk;
}

// --list: the observations in the range (at most --limit).
int showList(const CatalogQuery &q)
{
    auto obs = q.catalog.observations(q.channels, q.from, q.to, q.limit);
    if (!obs)
        return fail(kName, obs.error());
    QJsonArray arr;
    for (const Observation &o : *obs)
        arr.append(observationJson(o));
    q.out.insert(QStringLiteral("observations"), arr);
    if (!q.json())
        for (const Observation &o : *obs)
            q.text << SdoTime::toIso(o.time()) << "  " << o.channel.leftJustified(7) << ' ' << o.path << '\n';
    return kOk;
}

// --bad: the files the index could not read, and why.
int showBad(const CatalogQuery &q)
{
    auto bad = q.catalog.badFiles();
    if (!bad)
        return fail(kName, bad.error());
    QJsonArray arr;
    for (const CatalogBadFile &b : *bad)
        arr.append(QJsonObject{{QStringLiteral("path"), b.path}, {QStringLiteral("error"), b.message},
                               {QStringLiteral("size"), b.fileSize}});
    q.out.insert(QStringLiteral("bad_files"), arr);
    if (!q.json())
        for (const CatalogBadFile &b : *bad)
            q.text << b.path << ": " << b.message << '\n';
    return kOk;
}

// The default: observations per day and channel, the first and last time, and the index's state.
int showDays(const CatalogQuery &q)
{
    auto days = q.catalog.days(q.from, q.to, q.channels);
    if (!days)
        return fail(kName, days.error());
    QJsonArray dayList;
    QMap<QString, qint64> totals;
    for (const DaySummary &d : *days) {
        QJsonObject counts;
        for (auto it = d.counts.cbegin(); it != d.counts.cend(); ++it) {
            counts.insert(it.key(), it.value());
            totals[it.key()] += it.value();
        }
        dayList.append(QJsonObject{{QStringLiteral("date"), d.date.toString(Qt::ISODate)},
                                   {QStringLiteral("channels"), counts},
                                   {QStringLiteral("total"), d.total()}});
    }
    QJsonObject chans;
    for (auto it = totals.cbegin(); it != totals.cend(); ++it)
        chans.insert(it.key(), it.value());
    auto span = spanIn(q.catalog, q.from, q.to, q.channels);
    if (!span)
        return fail(kName, span.error());
    auto stats = q.catalog.stats();
    if (!stats)
        return fail(kName, stats.error());
    q.out.insert(QStringLiteral("days"), dayList);
    q.out.insert(QStringLiteral("channels"), chans);
    q.out.insert(QStringLiteral("first"), isoOrNull(span->first));
    q.out.insert(QStringLiteral("last"), isoOrNull(span->second));
    q.out.insert(QStringLiteral("files"), stats->files);
    q.out.insert(QStringLiteral("bad"), stats->bad);
    q.out.insert(QStringLiteral("scan_complete"), stats->scanComplete);
    if (!q.json()) {
        q.text << q.catalog.archiveDir() << " (" << stats->files << " files, " << stats->bad << " unreadable"
               << (stats->scanComplete ? "" : "; the last index run did not finish") << ")\n";
        for (const DaySummary &d : *days) {
            q.text << d.date.toString(Qt::ISODate);
            for (auto it = d.counts.cbegin(); it != d.counts.cend(); ++it)
                q.text << "  " << it.key() << ':' << it.value();
            q.text << '\n';
        }
    }
    return kOk;
}

void addCatalogOptions(CommandLine &p)
{
    p.addPositionalArgument(QStringLiteral("DIR"), QStringLiteral("The archive folder."));
    p.addOption({QStringLiteral("db"), QStringLiteral("Catalog file (default: where `solarchip index` puts it)."),
                 QStringLiteral("PATH")});
    p.addJsonOption();
    p.addOption({QStringLiteral("from"), QStringLiteral("Start of the range (UTC, inclusive)."), QStringLiteral("ISO")});
    p.addOption({QStringLiteral("to"), QStringLiteral("End of the range (UTC, exclusive)."), QStringLiteral("ISO")});
    p.addOption({QStringLiteral("channels"), QStringLiteral("Channels, comma separated (171,193,hmi...)."),
                 QStringLiteral("LIST")});
    p.addOption({QStringLiteral("nearest"), QStringLiteral("The co-temporal set closest to this time."),
                 QStringLiteral("ISO")});
    p.addOption({QStringLiteral("sets"), QStringLiteral("Every complete co-temporal set in the range.")});
    p.addOption({QStringLiteral("tolerance-min"), QStringLiteral("Co-temporal tolerance in minutes (default 1)."),
                 QStringLiteral("MIN"), QStringLiteral("1")});
    p.addOption({QStringLiteral("spacing-min"), QStringLiteral("--sets: minimum minutes between sets (default 0)."),
                 QStringLiteral("MIN"), QStringLiteral("0")});
    p.addOption({QStringLiteral("anchor"), QStringLiteral("--sets: channel giving the reference times (default: the "
                                                          "first of --channels)."),
                 QStringLiteral("CHANNEL")});
    p.addOption({QStringLiteral("availability"), QStringLiteral("Counts per channel per bin: hour, day or month."),
                 QStringLiteral("UNIT")});
    p.addOption({QStringLiteral("step"), QStringLiteral("--availability: bin width in units (default 1)."),
                 QStringLiteral("N"), QStringLiteral("1")});
    p.addOption({QStringLiteral("list"), QStringLiteral("List the observations in the range.")});
    p.addOption({QStringLiteral("limit"), QStringLiteral("--list: at most N rows (default 1000, 0: all)."),
                 QStringLiteral("N"), QStringLiteral("1000")});
    p.addOption({QStringLiteral("bad"), QStringLiteral("List the files that could not be read.")});
}

int runCatalog(const QStringList &args)
{
    CommandLine p(kName, QStringLiteral(
        "Show what the catalog of an archive holds (run `solarchip index DIR` first): observations per day and "
        "channel, or with --nearest the co-temporal set closest to a time, with --sets every complete set in the "
        "range, with --availability timeline counts, with --list the observations, with --bad the unreadable files."));
    addCatalogOptions(p);
    if (auto exit = p.parseOrExit(args, Positionals::exactly(1, QStringLiteral("expected one DIR"))))
        return *exit;
    QString err;
    const auto from = timeOption(p, QStringLiteral("from"), &err);
    const auto to = timeOption(p, QStringLiteral("to"), &err);
    const auto nearest = timeOption(p, QStringLiteral("nearest"), &err);
    if (!err.isEmpty())
        return p.usage(err);
    bool okTol = false, okSpacing = false, okStep = false, okLimit = false;
    const double tolMin = p.value(QStringLiteral("tolerance-min")).toDouble(&okTol);
    const double spacingMin = p.value(QStringLiteral("spacing-min")).toDouble(&okSpacing);
    const int step = p.value(QStringLiteral("step")).toInt(&okStep);
    const int limit = p.value(QStringLiteral("limit")).toInt(&okLimit);
    if (!okTol || tolMin < 0 || !okSpacing || spacingMin < 0 || !okStep || step < 1 || !okLimit || limit < 0)
        return p.usage(QStringLiteral("--tolerance-min, --spacing-min, --step and --limit need non-negative "
                                      "numbers (--step at least 1)"));
    QStringList channels;
    for (const QString &c : p.value(QStringLiteral("channels")).split(QLatin1Char(','), Qt::SkipEmptyParts))
        channels << c.trimmed();

    auto catalog = Catalog::open(p.positionalArguments().first(), p.value(QStringLiteral("db")),
                                 Catalog::OpenMode::ReadOnly);
    if (!catalog)
        return fail(kName, catalog.error());
    QJsonObject out{{QStringLiteral("archive"), catalog->archiveDir()}, {QStringLiteral("db"), catalog->dbPath()}};
    QTextStream text(stdout);
    CatalogQuery q{*catalog, p, *from, *to, channels, tolMin, spacingMin, step, limit, out, text};
    const int rc = p.isSet(QStringLiteral("nearest"))        ? showNearest(q, *nearest)
                   : p.isSet(QStringLiteral("sets"))         ? showSets(q)
                   : p.isSet(QStringLiteral("availability")) ? showAvailability(q)
                   : p.isSet(QStringLiteral("list"))         ? showList(q)
                   : p.isSet(QStringLiteral("bad"))          ? showBad(q)
                                                             : showDays(q);
    if (rc != kOk)
        return rc;
    if (p.json())
        printJson(out);
    text.flush();
    return kOk;
}

const Registration reg(kName, QStringLiteral("what an indexed archive holds: days, channels, co-temporal sets"),
                       runCatalog);

}  // namespace
}  // namespace solarchip::cli
