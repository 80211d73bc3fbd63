// Co-temporal sets: which files of several channels belong to one moment. The GUI asks for the set nearest a
// time; training asks for every complete set in a range. Both pick, per channel, the observation closest to
// the reference time within the tolerance (inclusive), the earlier one on a tie.
#include "core/archive/CatalogImpl.h"

#include <QHash>
#include <QScopeGuard>

#include <algorithm>
#include <cstdlib>
#include <limits>

namespace solarchip {

namespace {

qint64 saturatingAdd(qint64 a, qint64 b)
{
    if (b > 0 && a > std::numeric_limits<qint64>::max() - b)
        return std::numeric_limits<qint64>::max();
    if (b < 0 && a < std::numeric_limits<qint64>::min() - b)
        return std::numeric_limits<qint64>::min();
    return a + b;
}

struct TimeId {
    qint64 t;
    qint64 id;
};

}  // namespace

Expected<ObservationSet> Catalog::nearestSet(const QDateTime &time, const QStringList &channelsIn,
                                             qint64 toleranceMs) const
{
    if (!time.isValid())
        return Error{{}, QStringLiteral("no time given for the co-temporal set")};
    if (toleranceMs < 0)
        return Error{{}, QStringLiteral("negative tolerance (%1 ms)").arg(toleranceMs)};
    auto ch = canonicalChannels(channelsIn);
    if (!ch)
        return ch.error();
    if (ch->isEmpty())
        return Error{{}, QStringLiteral("no channels given for the co-temporal set")};
    auto dbx = d->db->connection();
    if (!dbx)
        return dbx.error();
    ObservationSet set;
    set.referenceTimeMs = time.toMSecsSinceEpoch();
    set.toleranceMs = toleranceMs;
    set.channels = *ch;
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    for (const QString &c : std::as_const(set.channels)) {
        auto o = d->nearest(q, c, set.referenceTimeMs, toleranceMs);
        if (!o)
            return o.error();
        set.members << *o;
    }
    return set;
}

Expected<QVector<ObservationSet>> Catalog::completeSets(const QDateTime &from, const QDateTime &to,
                                                        const QStringList &channelsIn,
                                                        const CoTemporalOptions &options) const
{
    if (options.toleranceMs < 0)
        return Error{{}, QStringLiteral("negative tolerance (%1 ms)").arg(options.toleranceMs)};
    auto ch = canonicalChannels(channelsIn);
    if (!ch)
        return ch.error();
    if (ch->isEmpty())
        return Error{{}, QStringLiteral("no channels given for co-temporal sets")};
    QString anchor = ch->first();
    if (!options.anchorChannel.isEmpty()) {
        auto a = canonicalChannels({options.anchorChannel});
        if (!a)
            return a.error();
        anchor = a->first();
        if (!ch->contains(anchor))
            return Error{{}, QStringLiteral("anchor channel %1 is not among the requested channels (%2)")
                                 .arg(anchor, ch->join(QStringLiteral(",")))};
    }
    auto dbx = d->db->connection();
    if (!dbx)
        return dbx.error();

    // One read transaction: a consistent snapshot even while a scan commits batches (WAL), so the row reads in
    // step 3 see exactly the series read in step 1.
    QSqlQuery control(*dbx);
    if (!control.exec(QStringLiteral("BEGIN")))
        return d->db->sqlError(QStringLiteral("cannot start a read transaction"), control.lastError());
    auto endRead = qScopeGuard([&] { control.exec(QStringLiteral("COMMIT")); });

    // 1. Times and ids per channel from the covering index (channel, t_ms, quality): no table reads.
    const qint64 tol = options.toleranceMs;
    const qint64 lo = lowerMs(from), hi = upperMs(to);
    const int nch = int(ch->size());
    const int anchorIndex = int(ch->indexOf(anchor));
    QVector<QVector<TimeId>> series(nch);
    QVector<qint64> seriesLo(nch), seriesHi(nch);
    const QString qualityFilter = options.nominalQualityOnly ? QStringLiteral(" AND quality = 0") : QString();
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    // Bulk reads go through SQLite directly (detail/SqliteStatement.h): Qt Sql's per-value QVariant costs more
    // than the rest of this function on a large archive.
    for (int c = 0; c < nch; ++c) {
        const bool isAnchor = c == anchorIndex;
        // [lo, hi) for the anchor; others within the tolerance of it: [lo - tol, hi + tol) (inclusive is fine).
        seriesLo[c] = isAnchor ? lo : saturatingAdd(lo, -tol);
        seriesHi[c] = isAnchor ? saturatingAdd(hi, -1) : saturatingAdd(hi, tol);
        auto scan = detail::SqliteStatement::prepare(
            *dbx, QStringLiteral("SELECT t_ms, id FROM files WHERE channel = ? AND t_ms >= ? AND t_ms <= ?%1 ORDER BY t_ms")
                      .arg(qualityFilter));
        if (!scan)
            return scan.error();
        scan->bind(1, ch->at(c));
        scan->bind(2, seriesLo[c]);
        scan->bind(3, seriesHi[c]);
        Status st;
        while (scan->next(&st))
            series[c].push_back(TimeId{scan->int64(0), scan->int64(1)});
        if (!st)
            return st.error();
    }

    // 2. Walk the anchor's observations; one moving cursor per channel (both lists are in time order). A set is
    // kept as indices into the series.
    QVector<int> cursor(nch, -1);  // index of the last observation at or before the anchor time
    QVector<int> chosen;           // nch indices per set
    QVector<qint64> refTimes;
    bool haveLast = false;
    qint64 lastRef = 0;
    QVector<int> picks(nch);
    for (int ai = 0; ai < series[anchorIndex].size(); ++ai) {
        const TimeId &a = series[anchorIndex][ai];
        if (options.minSpacingMs > 0 && haveLast && a.t - lastRef < options.minSpacingMs)
            continue;
        bool complete = true;
        for (int c = 0; c < nch && complete; ++c) {
            if (c == anchorIndex) {
                picks[c] = ai;
                continue;
            }
            const QVector<TimeId> &s = series[c];
            int &p = cursor[c];
            while (p + 1 < s.size() && s[p + 1].t <= a.t)
                ++p;
            int best = -1;
            qint64 bestDt = std::numeric_limits<qint64>::max();
            if (p >= 0) {
                best = p;
                bestDt = a.t - s[p].t;
            }
            if (p + 1 < s.size() && s[p + 1].t - a.t < bestDt) {  // strictly closer: ties keep the earlier
                best = p + 1;
                bestDt = s[p + 1].t - a.t;
            }
            if (best < 0 || bestDt > tol)
                complete = false;
            else
                picks[c] = best;
        }
        if (!complete)
            continue;
        chosen += picks;
        refTimes.push_back(a.t);
        haveLast = true;
        lastRef = a.t;
    }
    const qsizetype nsets = refTimes.size();

    // 3. The rows of the chosen files. Decoding a row through Qt Sql costs microseconds, so read only what is
    // needed: a channel whose series is mostly chosen by one range scan (same index, same order as step 1: row k
    // of the scan is series index first + k), a sparse choice by id lookups.
    QVector<QVector<Observation>> obs(nch);
    for (int c = 0; c < nch && nsets > 0; ++c) {
        const QVector<TimeId> &s = series[c];
        QVector<char> used(s.size(), 0);
        int first = int(s.size()), last = -1, count = 0;
        for (qsizetype i = 0; i < nsets; ++i) {
            const int k = chosen[i * nch + c];
            if (!used[k]) {
                used[k] = 1;
                ++count;
                first = std::min(first, k);
                last = std::max(last, k);
            }
        }
        obs[c].resize(s.size());
        QVector<int> missing;  // used indices not filled by the scan
        if (count * 2 >= last - first + 1) {
            auto rows = detail::SqliteStatement::prepare(
                *dbx, QStringLiteral("SELECT %1 FROM files WHERE channel = ? AND t_ms >= ? AND t_ms <= ?%2 ORDER BY t_ms")
                          .arg(kObservationColumns, qualityFilter));
            if (!rows)
                return rows.error();
            rows->bind(1, ch->at(c));
            rows->bind(2, s[first].t);
            rows->bind(3, s[last].t);
            Catalog::Impl::RepeatedTexts texts;
            Status st;
            int k = first;
            while (k <= last && rows->next(&st)) {
                if (rows->int64(0) == s[k].id && used[k])
                    obs[c][k] = d->observationFromStatement(*rows, texts);
                ++k;
            }
            if (!st)
                return st.error();
            for (int i = first; i <= last; ++i)
                if (used[i] && !obs[c][i].isValid())
                    missing << i;
        } else {
            for (int i = first; i <= last; ++i)
                if (used[i])
                    missing << i;
        }
        if (missing.isEmpty())
            continue;
        constexpr int kChunk = 256;
        QSqlQuery byId(*dbx);
        byId.setForwardOnly(true);
        if (!byId.prepare(QStringLiteral("SELECT %1 FROM files WHERE id IN (%2)").arg(kObservationColumns,
                                                                                     placeholders(kChunk))))
            return d->db->sqlError(QStringLiteral("query failed"), byId.lastError());
        QHash<qint64, int> slot;
        slot.reserve(missing.size());
        for (int k : std::as_const(missing))
            slot.insert(s[k].id, k);
        for (qsizetype start = 0; start < missing.size(); start += kChunk) {
            for (int i = 0; i < kChunk; ++i)
                byId.bindValue(i, start + i < missing.size() ? s[missing[start + i]].id : qint64(0));  // 0: no row
            if (!byId.exec())
                return d->db->sqlError(QStringLiteral("query failed"), byId.lastError());
            while (byId.next()) {
                Observation o = d->observationFromRow(byId);
                const int k = slot.value(o.id, -1);
                if (k >= 0)
                    obs[c][k] = std::move(o);
            }
        }
    }

    QVector<ObservationSet> out;
    out.reserve(nsets);
    for (qsizetype i = 0; i < nsets; ++i) {
        ObservationSet set;
        set.referenceTimeMs = refTimes[i];
        set.toleranceMs = tol;
        set.channels = *ch;
        set.members.reserve(nch);
        for (int c = 0; c < nch; ++c)
            set.members << obs[c][chosen[i * nch + c]];
        out.push_back(std::move(set));
    }
    return out;
}

}  // namespace solarchip
