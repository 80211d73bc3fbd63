#include "widgets/TimelineModel.h"

#include "core/map/MapMeta.h"

#include <algorithm>

namespace solarchip {

TimelineModel::TimelineModel(QObject *parent) : QObject(parent) {}

void TimelineModel::setObservations(const QHash<QString, QVector<qint64>> &timesByChannel)
{
    m_times.clear();
    m_channels.clear();
    m_first = m_last = 0;
    bool any = false;
    for (auto it = timesByChannel.begin(); it != timesByChannel.end(); ++it) {
        if (it.value().isEmpty())
            continue;
        QVector<qint64> sorted = it.value();
        std::sort(sorted.begin(), sorted.end());
        m_first = any ? std::min(m_first, sorted.front()) : sorted.front();
        m_last = any ? std::max(m_last, sorted.back()) : sorted.back();
        any = true;
        m_times.insert(it.key(), std::move(sorted));
    }
    // Known channels in their usual order (AIA by wavelength, then HMI), anything else after them by name.
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
    Q_EMIT changed();
}

void TimelineModel::clear()
{
    setObservations({});
}

const QVector<qint64> &TimelineModel::times(const QString &channel) const
{
    static const QVector<qint64> none;
    auto it = m_times.find(channel);
    return it == m_times.end() ? none : *it;
}

int TimelineModel::count(const QString &channel, qint64 from, qint64 to) const
{
    const QVector<qint64> &t = times(channel);
    if (to <= from)
        return 0;
    return int(std::lower_bound(t.begin(), t.end(), to) - std::lower_bound(t.begin(), t.end(), from));
}

qint64 TimelineModel::binEdge(qint64 from, qint64 to, int n, int i)
{
    // Exact integer ceil(i * span / n): a time exactly on an edge belongs to the bin that starts there.
    const __int128 span = to - from;
    return from + qint64((span * i + n - 1) / n);
}

QVector<int> TimelineModel::bins(const QString &channel, qint64 from, qint64 to, int n) const
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
