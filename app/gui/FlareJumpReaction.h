#pragma once
// Time > Next flare / Previous flare (Alt+Right / Alt+Left) and Next / Previous M or X flare (Alt+Shift+Right /
// Alt+Shift+Left): go to the observation nearest the peak of the next (previous) flare of the archive's list — the
// flares of the timeline's GOES row, C1 and above — skipping flares whose nearest observation is the one shown, so
// repeated presses walk through the list even where several flares share one observation (a 12 h cadence). Answered
// from memory (the row's flares and the archive's time index): no catalogue query on the UI thread.

#include "app/gui/Reaction.h"

#include <QString>

namespace solarchip {

class ArchiveDocument;
class ObservationDocument;
class TimelineView;

class FlareJumpReaction : public Reaction {
    Q_OBJECT
public:
    FlareJumpReaction(QAction *action, TimelineView *timeline, ArchiveDocument *archive, ObservationDocument *document,
                      bool forward, double minFlux);

    /// Index in the timeline's flares of the flare the action goes to from the current time, -1 when none.
    int target() const;

Q_SIGNALS:
    /// What the action did or why it could not ("M2.5 peaking 2011-06-07 06:41 UTC, NOAA 11226"), for the status bar.
    void reported(const QString &text);

protected:
    void onTriggered() override;
    void updateEnableState() override;

private:
    TimelineView *m_timeline;
    ArchiveDocument *m_archive;
    ObservationDocument *m_document;
    bool m_forward;
    double m_minFlux;
};

}  // namespace solarchip
