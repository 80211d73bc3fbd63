#include "core/archive/FileSetSource.h"

#include <algorithm>

namespace solarchip {

FileSetSource::FileSetSource(QVector<Observation> observations)
{
    std::stable_sort(observations.begin(), observations.end(),
                     [](const Observation &a, const Observation &b) { return a.timeMs < b.timeMs; });
    for (const Observation &o : observations)
        m_set.channels << o.channel;
    if (!observations.isEmpty())
        m_set.referenceTimeMs = observations.front().timeMs;
    m_set.members = std::move(observations);
}

Expected<ObservationSet> FileSetSource::nearestSet(qint64, const QStringList &, qint64) const
{
    return m_set;
}

Expected<QVector<Observation>> FileSetSource::observationsIn(const QString &channel, qint64 fromMs, qint64 toMs) const
{
    QVector<Observation> out;
    for (const Observation &o : m_set.members)
        if (o.channel == channel && o.timeMs >= fromMs && o.timeMs <= toMs)
            out.append(o);
    return out;
}

}  // namespace solarchip
