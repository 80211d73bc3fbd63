// Co-temporal sets: which files of several channels belong to one moment. The GUI asks for the set nearest a
// time; training asks for every complete set in a range. Both pick, per channel, the observation closest to
// the reference time within the tolerance (inclusive), the earlier one on a tie.
#include "core/CatalogImpl.h"

#include <QHash>
#include <QSet>

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

    // 1. Times and ids per channel from the covering index (channel, t_ms, quality): no table reads.
    const qint64 tol = options.toleranceMs;
    const qint64 lo = lowerMs(from), hi = upperMs(to);
    const int nch = int(ch->size());
    const int anchorIndex = int(ch->indexOf(anchor));
    QVector<QVector<TimeId>> series(nch);
    QSqlQuery q(*dbx);
    q.setForwardOnly(true);
    for (int c = 0; c < nch; ++c) {
        const bool isAnchor = c == anchorIndex;
        QString sql = QStringLiteral("SELECT t_ms, id FROM files WHERE channel = ? AND t_ms >= ? AND t_ms %1 ?")
                          .arg(isAnchor ? QStringLiteral("<") : QStringLiteral("<="));
        if (options.nominalQualityOnly)
            sql += QStringLiteral(" AND quality = 0");
        sql += QStringLiteral(" ORDER BY t_ms");
        const QVariantList binds{ch->at(c), isAnchor ? lo : saturatingAdd(lo, -tol),
                                 isAnchor ? hi : saturatingAdd(hi, tol)};
        if (Status s = d->db->exec(q, sql, binds); !s)
            return s.error();
        while (q.next())
            series[c].push_back(TimeId{q.value(0).toLongLong(), q.value(1).toLongLong()});
    }

    // 2. Walk the anchor's observations; one moving cursor per channel (both lists are in time order).
    QVector<int> cursor(nch, -1);  // index of the last observation at or before the anchor time
    QVector<QVector<qint64>> chosen;  // per set, ids aligned with the channels
    QVector<qint64> refTimes;
    bool haveLast = false;
    qint64 lastRef = 0;
    QVector<qint64> ids(nch);
    for (const TimeId &a : std::as_const(series[anchorIndex])) {
        if (options.minSpacingMs > 0 && haveLast && a.t - lastRef < options.minSpacingMs)
            continue;
        bool complete = true;
        for (int c = 0; c < nch && complete; ++c) {
            if (c == anchorIndex) {
                ids[c] = a.id;
                continue;
            }
            const QVector<TimeId> &s = series[c];
            int &p = cursor[c];
            while (p + 1 < s.size() && s[p + 1].t <= a.t)
                ++p;
            qint64 best = -1, bestDt = std::numeric_limits<qint64>::max();
            if (p >= 0) {
                best = s[p].id;
                bestDt = a.t - s[p].t;
            }
            if (p + 1 < s.size() && s[p + 1].t - a.t < bestDt) {  // strictly closer: ties keep the earlier
                best = s[p + 1].id;
                bestDt = s[p + 1].t - a.t;
            }
            if (best < 0 || bestDt > tol)
                complete = false;
            else
                ids[c] = best;
        }
        if (!complete)
            continue;
        chosen.push_back(ids);
        refTimes.push_back(a.t);
        haveLast = true;
        lastRef = a.t;
    }

    // 3. The rows of the chosen files. Decoding a row through Qt Sql costs ~2 us, so read only what is needed:
    // a channel whose series is mostly chosen is read by one range scan; a sparse choice by id lookups.
    QHash<qint64, Observation> rows;
    if (!chosen.isEmpty()) {
        QSqlQuery scan(*dbx), byId(*dbx);
        scan.setForwardOnly(true);
        byId.setForwardOnly(true);
        constexpr int kChunk = 256;
        bool byIdPrepared = false;
        for (int c = 0; c < nch; ++c) {
            QVector<qint64> want;
            want.reserve(chosen.size());
            for (const auto &set : std::as_const(chosen))
                want << set[c];
            std::sort(want.begin(), want.end());
            want.erase(std::unique(want.begin(), want.end()), want.end());
            const QSet<qint64> wanted(want.begin(), want.end());
            rows.reserve(rows.size() + want.size());
            qint64 tFirst = std::numeric_limits<qint64>::max(), tLast = std::numeric_limits<qint64>::min();
            qint64 inSpan = 0;
            for (const TimeId &ti : std::as_const(series[c]))
                if (wanted.contains(ti.id)) {
                    tFirst = std::min(tFirst, ti.t);
                    tLast = std::max(tLast, ti.t);
                }
            for (const TimeId &ti : std::as_const(series[c]))
                inSpan += (ti.t >= tFirst && ti.t <= tLast) ? 1 : 0;
            if (want.size() * 2 >= inSpan) {
                if (Status s = d->db->exec(scan, QStringLiteral("SELECT %1 FROM files WHERE channel = ? AND t_ms >= ? "
                                                                "AND t_ms <= ?")
                                                     .arg(kObservationColumns),
                                           {ch->at(c), tFirst, tLast});
                    !s)
                    return s.error();
                while (scan.next()) {
                    const qint64 id = scan.value(0).toLongLong();
                    if (wanted.contains(id))
                        rows.insert(id, d->observationFromRow(scan));
                }
                continue;
            }
            if (!byIdPrepared) {
                if (!byId.prepare(QStringLiteral("SELECT %1 FROM files WHERE id IN (%2)")
                                      .arg(kObservationColumns, placeholders(kChunk))))
                    return d->db->sqlError(QStringLiteral("query failed"), byId.lastError());
                byIdPrepared = true;
            }
            for (qsizetype start = 0; start < want.size(); start += kChunk) {
                for (int i = 0; i < kChunk; ++i)
                    byId.bindValue(i, start + i < want.size() ? want[start + i] : qint64(0));  // 0: no row
                if (!byId.exec())
                    return d->db->sqlError(QStringLiteral("query failed"), byId.lastError());
                while (byId.next()) {
                    Observation o = d->observationFromRow(byId);
                    rows.insert(o.id, std::move(o));
                }
            }
        }
    }

    QVector<ObservationSet> out;
    out.reserve(chosen.size());
    for (qsizetype i = 0; i < chosen.size(); ++i) {
        ObservationSet set;
        set.referenceTimeMs = refTimes[i];
        set.toleranceMs = tol;
        set.channels = *ch;
        set.members.reserve(nch);
        for (qint64 id : chosen[i])
            set.members << rows.value(id);  // a row deleted meanwhile by a concurrent scan: invalid member
        out.push_back(std::move(set));
    }
    return out;
}

}  // namespace solarchip
