#pragma once
// What the user asked the encoders about: a point (a click) or a box (a drag) on a map of the set shown at
// `timeMs`, in helioprojective arcsec (so every view, whatever its plate scale or roll, and the globe agree on
// it), and the channel of the map clicked (the query vector is that channel's cell embedding). Emitted by
// HeatmapController::queryChanged (and forwarded by MainWindow::queryChanged) on a click, a box drag and for
// --query-hpc; the similarity heatmaps, the cross-modal alignment view and the archive search follow it.

#include <QLineF>
#include <QMetaType>
#include <QPointF>
#include <QSizeF>
#include <QString>

#include <optional>

namespace solarchip {

struct QueryPoint {
    qint64 timeMs = 0;           ///< the set's reference time (UTC ms)
    QString channel;             ///< catalog key of the map clicked ("171", "hmi")
    QPointF hpc;                 ///< helioprojective arcsec of the click (the box centre)
    std::optional<QSizeF> box;   ///< width x height arcsec of a dragged box (the mean of its cells); none: one cell
    int noaa = 0;                ///< the NOAA region asked about (View > Query a NOAA region): the light curve follows
                                 ///< it by the Solar Region Summaries; 0: a click
    std::optional<QLineF> drag;  ///< a Shift+drag from its press to its release, helioprojective arcsec (the box's
                                 ///< diagonal; the time-distance view's slit)

    bool operator==(const QueryPoint &o) const
    {
        return timeMs == o.timeMs && channel == o.channel && hpc == o.hpc && box == o.box && noaa == o.noaa
               && drag == o.drag;
    }
};

}  // namespace solarchip

Q_DECLARE_METATYPE(solarchip::QueryPoint)
