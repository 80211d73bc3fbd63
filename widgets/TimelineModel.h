#pragma once
// What the timeline strip shows, as a Qt model: a core TimeIndex (per-channel observation times, counts per
// bin, neighbours of a time) plus the changed() signal the strip repaints on. Everything it answers is the
// index's (core/archive/TimeIndex.h); this class only tells the views when the index was replaced.

#include "core/archive/TimeIndex.h"

#include <QHash>
#include <QObject>
#include <QStringList>
#include <QVector>

namespace solarchip {

class TimelineModel : public QObject {
    Q_OBJECT
public:
    explicit TimelineModel(QObject *parent = nullptr);

    /// Replaces all data. Times need not be sorted. Channels are shown in knownChannels() order.
    void setObservations(const QHash<QString, QVector<qint64>> &timesByChannel);
    void setIndex(TimeIndex index);
    void clear();
    const TimeIndex &index() const { return m_index; }

    bool isEmpty() const { return m_index.isEmpty(); }
    QStringList channels() const { return m_index.channels(); }
    /// Sorted times of one channel (empty for an unknown channel).
    const QVector<qint64> &times(const QString &channel) const { return m_index.times(channel); }
    /// Earliest and latest observation over all channels (0 when empty).
    qint64 first() const { return m_index.first(); }
    qint64 last() const { return m_index.last(); }

    /// Observations of `channel` with from <= t < to.
    int count(const QString &channel, qint64 from, qint64 to) const { return m_index.count(channel, from, to); }
    /// Counts in `n` bins splitting [from, to) (TimeIndex::bins).
    QVector<int> bins(const QString &channel, qint64 from, qint64 to, int n) const
    {
        return m_index.bins(channel, from, to, n);
    }
    /// Start of bin i as used by bins().
    static qint64 binEdge(qint64 from, qint64 to, int n, int i) { return TimeIndex::binEdge(from, to, n, i); }

Q_SIGNALS:
    void changed();

private:
    TimeIndex m_index;
};

}  // namespace solarchip
