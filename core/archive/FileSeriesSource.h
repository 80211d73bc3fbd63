#pragma once
// Files opened together (command line, File > Open files, drag and drop) as a time series per channel, as
// JHelioviewer treats them: the files of one channel are the frames of that channel's movie, walked by time
// exactly like an archive (next/previous, steps, jumps, running and base difference), with no catalogue
// behind it. Everything is answered from the files' header fields held in memory (times per channel, sorted
// once), so it needs no folder, writes nothing and cannot be rescanned.
//
// Each channel shows its file nearest to the asked time however far it is (a file the user opened is never
// hidden behind a tolerance meant for archives), so one lone HMI file stays on screen beside a 304 movie.
// Files with no time relation (every channel one time) are not a series: formsSeries() tells the caller to
// keep them as one fixed set (FileSetSource). Immutable once built, safe to query from any thread.

#include "core/archive/ObservationSource.h"

#include <QHash>
#include <QVector>

namespace solarchip {

class FileSeriesSource final : public ObservationSource {
public:
    /// The files' observations, in any order. Two files of one channel at the same time are both kept (the
    /// first given is the one shown).
    explicit FileSeriesSource(QVector<Observation> observations);

    /// True when some channel has observations at two or more different times: the files are a movie, not
    /// one co-temporal set.
    static bool formsSeries(const QVector<Observation> &observations);

    /// Every observation, ordered by time (then by the order given).
    const QVector<Observation> &observations() const { return m_all; }
    /// Channels present, in the order their first observation was given.
    const QStringList &channels() const { return m_channels; }
    /// A channel's observations ordered by time (empty for an unknown channel).
    QVector<Observation> observations(const QString &channel) const { return m_byChannel.value(channel); }
    /// Times per channel, for the timeline's TimeIndex.
    QHash<QString, QVector<qint64>> timesByChannel() const;

    QString folder() const override { return {}; }
    bool hasTimeAxis() const override { return true; }
    bool canRescan() const override { return false; }
    /// A movie starts at its first frame: that of the channel with the most files (of two as long, the one
    /// starting first), not at a lone file of years before.
    std::optional<qint64> startTime() const override;
    /// Per channel asked (empty: every channel, in channels() order) its observation nearest to the time,
    /// ties to the earlier; the tolerance is recorded in the set but hides nothing (see above).
    Expected<ObservationSet> nearestSet(qint64 timeMs, const QStringList &channels, qint64 toleranceMs) const override;
    Expected<Observation> next(qint64 timeMs, const QString &channel) const override;
    Expected<Observation> previous(qint64 timeMs, const QString &channel) const override;
    Expected<QVector<Observation>> observationsIn(const QString &channel, qint64 fromMs, qint64 toMs) const override;

private:
    Observation nearest(qint64 timeMs, const QString &channel) const;

    QVector<Observation> m_all;
    QStringList m_channels;
    QHash<QString, QVector<Observation>> m_byChannel;
};

}  // namespace solarchip
