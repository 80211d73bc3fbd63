#pragma once
// What the timeline strip shows: for each channel, the sorted times of its observations, and counts of them in
// equal bins over any time range (one bin per few pixels at whatever zoom). Times are milliseconds since the
// Unix epoch, UTC. Counting is two binary searches per bin, so zooming and dragging never touch the catalog.

#include <QDateTime>
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
    void clear();

    bool isEmpty() const { return m_channels.isEmpty(); }
    QStringList channels() const { return m_channels; }
    /// Sorted times of one channel (empty for an unknown channel).
    const QVector<qint64> &times(const QString &channel) const;
    /// Earliest and latest observation over all channels (0 when empty).
    qint64 first() const { return m_first; }
    qint64 last() const { return m_last; }

    /// Observations of `channel` with from <= t < to.
    int count(const QString &channel, qint64 from, qint64 to) const;
    /// Counts in `n` bins splitting [from, to): bin i holds from + ceil(i*(to-from)/n) <= t < the next edge, i.e.
    /// the bin of t is floor((t - from) * n / (to - from)).
    QVector<int> bins(const QString &channel, qint64 from, qint64 to, int n) const;
    /// Start of bin i as used by bins().
    static qint64 binEdge(qint64 from, qint64 to, int n, int i);

Q_SIGNALS:
    void changed();

private:
    QStringList m_channels;
    QHash<QString, QVector<qint64>> m_times;
    qint64 m_first = 0;
    qint64 m_last = 0;
};

}  // namespace solarchip
