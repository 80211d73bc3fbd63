#include "app/gui/FlareJumpReaction.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/ObservationDocument.h"
#include "core/archive/FlareList.h"
#include "widgets/TimelineModel.h"
#include "widgets/TimelineView.h"

#include <QAction>
#include <QTimeZone>

#include <algorithm>

namespace solarchip {

FlareJumpReaction::FlareJumpReaction(QAction *action, TimelineView *timeline, ArchiveDocument *archive,
                                     ObservationDocument *document, bool forward, double minFlux)
    : Reaction(action), m_timeline(timeline), m_archive(archive), m_document(document), m_forward(forward),
      m_minFlux(minFlux)
{
    action->setAutoRepeat(true);
    connect(document, &ObservationDocument::timeChanged, this, [this] { updateEnableState(); });
    connect(archive, &ArchiveDocument::dataChanged, this, [this] { updateEnableState(); });
    connect(timeline, &TimelineView::flaresChanged, this, [this] { updateEnableState(); });
    updateEnableState();
}

int FlareJumpReaction::target() const
{
    const QVector<TimelineFlare> &flares = m_timeline->flares();
    if (!m_document->hasTime() || flares.isEmpty())
        return -1;
    const qint64 now = m_document->timeMs();
    const QString channel = m_document->anchorChannel();
    const TimeIndex &index = m_archive->timeline()->index();
    auto reachable = [&](const TimelineFlare &f) {
        if (f.peakFlux < m_minFlux)
            return false;
        const auto nearest = index.nearest(f.peakMs, channel);
        return nearest && *nearest != now;
    };
    const auto byPeak = [](const TimelineFlare &f, qint64 t) { return f.peakMs < t; };
    if (m_forward) {
        // Flares peaking after the time shown, earliest first.
        for (auto it = std::lower_bound(flares.begin(), flares.end(), now + 1, byPeak); it != flares.end(); ++it)
            if (reachable(*it))
                return static_cast<int>(it - flares.begin());
    } else {
        // Flares peaking before it, latest first.
        for (auto it = std::lower_bound(flares.begin(), flares.end(), now, byPeak); it != flares.begin();) {
            --it;
            if (reachable(*it))
                return static_cast<int>(it - flares.begin());
        }
    }
    return -1;
}

void FlareJumpReaction::onTriggered()
{
    const int i = target();
    const QString which = m_minFlux >= kGoesM ? tr("M or X flare") : tr("flare");
    if (i < 0) {
        Q_EMIT reported(m_timeline->hasFlareRow()
                            ? (m_forward ? tr("No later %1 in the archive's flare list").arg(which)
                                         : tr("No earlier %1 in the archive's flare list").arg(which))
                            : tr("No flare list: the archive has no swpc_flarelist_*.csv at its top (or View > GOES "
                                 "flares in the timeline is off)"));
        return;
    }
    const TimelineFlare &f = m_timeline->flares()[i];
    const QDateTime peak = QDateTime::fromMSecsSinceEpoch(f.peakMs, QTimeZone::utc());
    m_document->goToTime(peak);
    Q_EMIT reported(tr("%1 peaking %2 UTC%3")
                        .arg(f.goesClass, peak.toString(QStringLiteral("yyyy-MM-dd HH:mm")),
                             f.noaa > 0 ? tr(", NOAA %1").arg(f.noaa) : QString()));
}

void FlareJumpReaction::updateEnableState()
{
    // Enabled with a time and a flare list; target() itself runs when triggered (it may walk past many flares).
    parentAction()->setEnabled(m_document->hasTime() && m_timeline->hasFlareRow());
}

}  // namespace solarchip
