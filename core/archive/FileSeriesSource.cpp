#include "core/archive/FileSeriesSource.h"

#include <algorithm>
#include <cstdlib>

namespace solarchip {

namespace {

bool earlier(const Observation &a, const Observation &b) { return a.timeMs < b.timeMs; }

// The first observation strictly after t in a time-ordered list, or an invalid one.
Observation firstAfter(const QVector<Observation> &list, qint64 t)
{
    const auto it = std::upper_bound(list.begin(), list.end(), t,
                                     [](qint64 v, const Observation &o) { return v < o.timeMs; });
    return it == list.end() ? Observation{} : *it;
}

// The last observation strictly before t (of several at that time, the first given), or an invalid one.
Observation lastBefore(const QVector<Observation> &list, qint64 t)
{
    auto it = std::lower_bound(list.begin(), list.end(), t,
                               [](const Observation &o, qint64 v) { return o.timeMs < v; });
    if (it == list.begin())
        return {};
    const qint64 found = std::prev(it)->timeMs;
    return *std::lower_bound(list.begin(), list.end(), found,
                             [](const Observation &o, qint64 v) { return o.timeMs < v; });
}

}  // namespace

FileSeriesSource::FileSeriesSource(QVector<Observation> observations)
{
    std::stable_sort(observations.begin(), observations.end(), earlier);
    m_all = std::move(observations);
    for (const Observation &o : std::as_const(m_all)) {
        if (!m_byChannel.contains(o.channel))
            m_channels << o.channel;
        m_byChannel[o.channel].append(o);  // stays time-ordered: m_all is
    }
}

bool FileSeriesSource::formsSeries(const QVector<Observation> &observations)
{
    QHash<QString, qint64> firstTime;
    for (const Observation &o : observations) {
        const auto it = firstTime.constFind(o.channel);
        if (it == firstTime.constEnd())
            firstTime.insert(o.channel, o.timeMs);
        else if (*it != o.timeMs)
            return true;
    }
    return false;
}

QHash<QString, QVector<qint64>> FileSeriesSource::timesByChannel() const
{
    QHash<QString, QVector<qint64>> times;
    for (auto it = m_byChannel.cbegin(); it != m_byChannel.cend(); ++it) {
        QVector<qint64> &t = times[it.key()];
        t.reserve(it->size());
        for (const Observation &o : *it)
            t << o.timeMs;
    }
    return times;
}

std::optional<qint64> FileSeriesSource::startTime() const
{
    // The first frame of the longest movie (of two as long, the one starting first).
    std::optional<qint64> start;
    qsizetype longest = 0;
    for (const QString &c : m_channels) {
        const QVector<Observation> list = m_byChannel.value(c);  // shared, not copied
        const qint64 first = list.front().timeMs;
        if (list.size() > longest || (list.size() == longest && first < *start)) {
            longest = list.size();
            start = first;
        }
    }
    return start;
}

Observation FileSeriesSource::nearest(qint64 timeMs, const QString &channel) const
{
    const auto found = m_byChannel.constFind(channel);
    if (found == m_byChannel.constEnd())
        return {};
    const Observation before = lastBefore(*found, timeMs + 1);  // at or before
    const Observation after = firstAfter(*found, timeMs);
    if (!before.isValid())
        return after;
    if (!after.isValid())
        return before;
    return std::llabs(after.timeMs - timeMs) < std::llabs(timeMs - before.timeMs) ? after : before;
}

Expected<ObservationSet> FileSeriesSource::nearestSet(qint64 timeMs, const QStringList &channels,
                                                      qint64 toleranceMs) const
{
    ObservationSet set;
    set.referenceTimeMs = timeMs;
    set.toleranceMs = toleranceMs;
    set.channels = channels.isEmpty() ? m_channels : channels;
    for (const QString &c : std::as_const(set.channels))
        set.members << nearest(timeMs, c);
    return set;
}

Expected<Observation> FileSeriesSource::next(qint64 timeMs, const QString &channel) const
{
    return firstAfter(channel.isEmpty() ? m_all : m_byChannel.value(channel), timeMs);
}

Expected<Observation> FileSeriesSource::previous(qint64 timeMs, const QString &channel) const
{
    return lastBefore(channel.isEmpty() ? m_all : m_byChannel.value(channel), timeMs);
}

Expected<QVector<Observation>> FileSeriesSource::observationsIn(const QString &channel, qint64 fromMs, qint64 toMs) const
{
    QVector<Observation> out;
    for (const Observation &o : m_byChannel.value(channel))
        if (o.timeMs >= fromMs && o.timeMs <= toMs)
            out.append(o);
    return out;
}

}  // namespace solarchip
