#include "core/archive/TimeIndex.h"

#include "core/map/MapMeta.h"

#include <algorithm>
#include <limits>
#include <vector>

namespace solarchip {

TimeIndex::TimeIndex(const QHash<QString, QVector<qint64>> &timesByChannel)
{
    bool any = false;
    for (auto it = timesByChannel.begin(); it != timesByChannel.end(); ++it) {
        if (it.value().isEmpty())
            continue;
        QVector<qint64> sorted = it.value();
        std::sort(sorted.begin(), sorted.end());
        m_first = any ? std::min(m_first, sorted.front()) : sorted.front();
        m_last = any ? std::max(m_last, sorted.back()) : sorted.back();
        any = true;
        m_size += sorted.size();
        m_times.insert(it.key(), std::move(sorted));
    }
    const QStringList known = knownChannels();
    for (const QString &c : known)
        if (m_times.contains(c))
            m_channels << c;
    QStringList others;
    for (auto it = m_times.begin(); it != m_times.end(); ++it)
        if (!known.contains(it.key()))
            others << it.key();
    others.sort();
    m_channels += others;
}

const QVector<qint64> &TimeIndex::times(const QString &channel) const
{
    static const QVector<qint64> none;
    auto it = m_times.find(channel);
    return it == m_times.end() ? none : *it;
}

std::optional<qint64> TimeIndex::next(qint64 t, const QString &channel) const
{
    if (channel.isEmpty()) {
        std::optional<qint64> best;
        for (const QString &c : m_channels)
            if (const auto n = next(t, c); n && (!best || *n < *best))
                best = n;
        return best;
    }
    const QVector<qint64> &v = times(channel);
    const auto it = std::upper_bound(v.begin(), v.end(), t);
    return it == v.end() ? std::nullopt : std::optional<qint64>(*it);
}

std::optional<qint64> TimeIndex::previous(qint64 t, const QString &channel) const
{
    if (channel.isEmpty()) {
        std::optional<qint64> best;
        for (const QString &c : m_channels)
            if (const auto p = previous(t, c); p && (!best || *p > *best))
                best = p;
        return best;
    }
    const QVector<qint64> &v = times(channel);
    const auto it = std::lower_bound(v.begin(), v.end(), t);
    return it == v.begin() ? std::nullopt : std::optional<qint64>(*(it - 1));
}

std::optional<qint64> TimeIndex::nearest(qint64 t, const QString &channel) const
{
    const std::optional<qint64> before = t == std::numeric_limits<qint64>::max() ? previous(t, channel)
                                                                                   : previous(t + 1, channel);
    const std::optional<qint64> after = next(t, channel);
    if (!before)
        return after;
    if (!after)
        return before;
    return *after - t < t - *before ? after : before;
}

qint64 TimeIndex::medianCadence(const QString &channel) const
{
    const QVector<qint64> &t = times(channel);
    std::vector<qint64> gaps;
    for (int i = 1; i < t.size(); ++i)
        if (t[i] > t[i - 1])
            gaps.push_back(t[i] - t[i - 1]);
    if (gaps.empty())
        return 0;
    std::nth_element(gaps.begin(), gaps.begin() + gaps.size() / 2, gaps.end());
    return gaps[gaps.size() / 2];
}

int TimeIndex::count(const QString &channel, qint64 from, qint64 to) const
{
    const QVector<qint64> &t = times(channel);
    if (to <= from)
        return 0;
    return int(std::lower_bound(t.begin(), t.end(), to) - std::lower_bound(t.begin(), t.end(), from));
}

qint64 TimeIndex::binEdge(qint64 from, qint64 to, int n, int i)
{
    // Exact integer ceil(i * span / n): a time exactly on an edge belongs to the bin that starts there.
    const __int128 span = to - from;
    return from + qint64((span * i + n - 1) / n);
}

QVector<int> TimeIndex::bins(const QString &channel, qint64 from, qint64 to, int n) const
{
    QVector<int> out(std::max(0, n), 0);
    const QVector<qint64> &t = times(channel);
    if (n <= 0 || to <= from || t.isEmpty())
        return out;
    auto lo = std::lower_bound(t.begin(), t.end(), from);
    for (int i = 0; i < n && lo != t.end(); ++i) {
        const auto hi = std::lower_bound(lo, t.end(), binEdge(from, to, n, i + 1));
        out[i] = int(hi - lo);
        lo = hi;
    }
    return out;
}

}  // namespace solarchip
