#pragma once
// The observation times of an archive or of a list of files, per channel, in memory: what the timeline strip
// draws and what stepping through time asks (next, previous, nearest observation of a channel), answered
// with binary searches so zooming, dragging and stepping never wait for the catalogue. Times are milliseconds
// since the Unix epoch, UTC. A plain value (no Qt objects): build it on a worker thread, hand it to the UI.

#include <QHash>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace solarchip {

class TimeIndex {
public:
    TimeIndex() = default;
    /// Times need not be sorted; duplicates are kept (two files at the same time are two observations).
    explicit TimeIndex(const QHash<QString, QVector<qint64>> &timesByChannel);

    bool isEmpty() const { return m_channels.isEmpty(); }
    /// Channels with at least one observation: known channels in their usual order (AIA by wavelength,
    /// then HMI), anything else after them by name.
    const QStringList &channels() const { return m_channels; }
    bool hasChannel(const QString &channel) const { return m_times.contains(channel); }
    /// Sorted times of one channel (empty for an unknown channel).
    const QVector<qint64> &times(const QString &channel) const;
    /// Earliest and latest observation over all channels (0 when empty).
    qint64 first() const { return m_first; }
    qint64 last() const { return m_last; }
    qint64 size() const { return m_size; }

    // Neighbours of a time in one channel, or (channel empty) in any channel; nullopt when there is none.
    /// The first observation strictly after t.
    std::optional<qint64> next(qint64 t, const QString &channel) const;
    /// The last observation strictly before t.
    std::optional<qint64> previous(qint64 t, const QString &channel) const;
    /// The observation closest to t; of two equally close, the earlier (as the catalogue's nearestSet).
    std::optional<qint64> nearest(qint64 t, const QString &channel) const;
    /// Median spacing between successive distinct times of a channel (0 with fewer than two).
    qint64 medianCadence(const QString &channel) const;

    /// Observations of `channel` with from <= t < to.
    int count(const QString &channel, qint64 from, qint64 to) const;
    /// Counts in `n` bins splitting [from, to): bin i holds binEdge(i) <= t < binEdge(i + 1), i.e. the bin of t
    /// is floor((t - from) * n / (to - from)).
    QVector<int> bins(const QString &channel, qint64 from, qint64 to, int n) const;
    /// Start of bin i as used by bins(): from + ceil(i * (to - from) / n), exactly (128-bit arithmetic).
    static qint64 binEdge(qint64 from, qint64 to, int n, int i);

private:
    QStringList m_channels;
    QHash<QString, QVector<qint64>> m_times;
    qint64 m_first = 0;
    qint64 m_last = 0;
    qint64 m_size = 0;
};

}  // namespace solarchip
