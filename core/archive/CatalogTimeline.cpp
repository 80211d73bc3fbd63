// Catalog queries for the day list and the timeline, answered from the per-day and per-hour summary tables
// that triggers keep exact (see CatalogDatabase.cpp), so their cost grows with days x channels, not files.
#include "core/archive/CatalogImpl.h"

#include <QHash>
#include <QTimeZone>

namespace solarchip {

namespace {

constexpr qint64 kJulianDay1970 = 2440588;  // Julian day number of 1970-01-01
constexpr int kMaxBins = 500'000;

QDate dateOfDay(qint64 day) { return QDate::fromJulianDay(day + kJulianDay1970); }
qint64 dayOfDate(const QDate &d) { return d.toJulianDay() - kJulianDay1970; }
int monthIndex(const QDate &d) { return d.year() * 12 + d.month() - 1; }
QDate monthStart(int index) { return QDate(index / 12, index % 12 + 1, 1); }

}  // namespace

Expected<QVector<DaySummary>> Catalog::days(const QDateTime &from, const QDateTime &to,
                                            const QStringList &channelsIn) const
{
    auto dbx = d->db->connection();
    if (!dbx)
        return dbx.error();
    auto ch = canonicalChannels(channelsIn);
    if (!ch)
        return ch.error();
    QVector<DaySummary> out;
    if (from.isValid() && to.isValid() && to <= from)
        return out;
    // Whole days overlapping [from, to).
    const qint64 dayLo = from.isValid() ? floorDiv(from.toMSecsSinceEpoch(), kMsPerDay) : std::numeric_limits<qint64>::min();
    const qint64 dayHi = to.isValid() ? floorDiv(to.toMSecsSinceEpoch() - 1, kMsPerDay) : std::numeric_limits<qint64>::max();
    auto present = channelsOrPresent(*ch);
    if (!present)
        return present.error();
    const QStringList chans = *present;
    // One query per channel with integer columns (decoding a text column per row costs more than the scan).
    QMap<qint64, QMap<QString, int>> byDay;
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    if (!q.prepare(QStringLiteral("SELECT day, n FROM counts_day WHERE channel = ? AND day >= ? AND day <= ?")))
        return d->db->sqlError(QStringLiteral("query failed"), q.lastError());
    for (const QString &c : std::as_const(chans)) {
        q.bindValue(0, c);
        q.bindValue(1, dayLo);
        q.bindValue(2, dayHi);
        if (!q.exec())
            return d->db->sqlError(QStringLiteral("query failed"), q.lastError());
        while (q.next())
            byDay[q.value(0).toLongLong()].insert(c, q.value(1).toInt());
    }
    out.reserve(byDay.size());
    for (auto it = byDay.cbegin(); it != byDay.cend(); ++it)
        out.push_back(DaySummary{dateOfDay(it.key()), it.value()});
    return out;
}

Expected<Availability> Catalog::availability(const QDateTime &fromIn, const QDateTime &toIn, Availability::Unit unit,
                                             int step, const QStringList &channelsIn) const
{
    if (step < 1)
        return Error{{}, QStringLiteral("availability bin step must be at least 1 (got %1)").arg(step)};
    auto dbx = d->db->connection();
    if (!dbx)
        return dbx.error();
    Availability a;
    a.unit = unit;
    a.step = step;
    auto ch = canonicalChannels(channelsIn);
    if (!ch)
        return ch.error();
    ch = channelsOrPresent(*ch);
    if (!ch)
        return ch.error();
    a.channels = *ch;

    // An open range means the catalog's span.
    QDateTime from = fromIn, to = toIn;
    if (!from.isValid()) {
        auto f = firstTime();
        if (!f)
            return f.error();
        from = *f;
    }
    if (!to.isValid()) {
        auto l = lastTime();
        if (!l)
            return l.error();
        to = l->isValid() ? l->addMSecs(1) : QDateTime();
    }
    if (!from.isValid() || !to.isValid())
        return a;  // empty catalog: no bins
    if (to <= from)
        return Error{{}, QStringLiteral("empty time range: %1 is not before %2")
                             .arg(from.toString(Qt::ISODate), to.toString(Qt::ISODate))};
    const qint64 fromMs = from.toMSecsSinceEpoch(), toMs = to.toMSecsSinceEpoch();

    // Bin edges, aligned to the unit, covering [from, to) whole.
    qint64 first = 0, nBins = 0;  // Hour/Day: first bin's unit index; Month: first month index
    QString table = QStringLiteral("counts_day"), column = QStringLiteral("day");
    qint64 lo = 0, hi = 0;  // summary-table key range [lo, hi)
    if (unit == Availability::Unit::Month) {
        const int m0 = monthIndex(from.toUTC().date());
        const int m1 = monthIndex(to.addMSecs(-1).toUTC().date());
        nBins = (m1 - m0) / step + 1;
        if (nBins > kMaxBins)
            return Error{{}, QStringLiteral("too many timeline bins (%1); use a wider bin").arg(nBins)};
        first = m0;
        for (qint64 i = 0; i <= nBins; ++i)
            a.edgesMs << QDateTime(monthStart(int(m0 + i * step)), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        lo = dayOfDate(monthStart(m0));
        hi = dayOfDate(monthStart(int(m0 + nBins * step)));
    } else {
        const qint64 unitMs = unit == Availability::Unit::Hour ? kMsPerHour : kMsPerDay;
        if (unit == Availability::Unit::Hour) {
            table = QStringLiteral("counts_hour");
            column = QStringLiteral("hour");
        }
        first = floorDiv(fromMs, unitMs);
        const qint64 lastUnit = floorDiv(toMs - 1, unitMs);
        nBins = (lastUnit - first) / step + 1;
        if (nBins > kMaxBins)
            return Error{{}, QStringLiteral("too many timeline bins (%1); use a wider bin").arg(nBins)};
        for (qint64 i = 0; i <= nBins; ++i)
            a.edgesMs << (first + i * step) * unitMs;
        lo = first;
        hi = first + nBins * step;
    }

    for (const QString &c : std::as_const(a.channels))
        a.counts.insert(c, QVector<int>(int(nBins), 0));

    // One query per channel with integer columns only: decoding a text column per row would cost more than
    // SQLite's range scan itself (the hour table has a row per channel-hour with data).
    const QString sql = QStringLiteral("SELECT %1, n FROM %2 WHERE channel = ? AND %1 >= ? AND %1 < ?")
                            .arg(column, table);
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    if (!q.prepare(sql))
        return d->db->sqlError(QStringLiteral("query failed"), q.lastError());
    for (auto it = a.counts.begin(); it != a.counts.end(); ++it) {
        QVector<int> &target = it.value();
        int *bins = target.data();
        q.bindValue(0, it.key());
        q.bindValue(1, lo);
        q.bindValue(2, hi);
        if (!q.exec())
            return d->db->sqlError(QStringLiteral("query failed"), q.lastError());
        int cachedMonthBin = -1;
        qint64 cachedDay = std::numeric_limits<qint64>::min();
        while (q.next()) {
            const qint64 key = q.value(0).toLongLong();
            qint64 bin = 0;
            if (unit == Availability::Unit::Month) {
                if (key != cachedDay) {
                    cachedDay = key;
                    cachedMonthBin = int((monthIndex(dateOfDay(key)) - first) / step);
                }
                bin = cachedMonthBin;
            } else {
                bin = (key - first) / step;
            }
            if (bin >= 0 && bin < nBins)
                bins[bin] += q.value(1).toInt();
        }
    }
    return a;
}

}  // namespace solarchip
