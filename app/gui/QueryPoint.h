#pragma once
// A query picked on a map (issue 11, shared by the heatmap, alignment and search views): the time and channel of
// the map clicked, the helioprojective point under the click (arcsec) and, for a box drag, the box's size in
// arcsec centred there (the query is then the mean of the cells inside it). MainWindow (or the document owning
// the selection) emits it on a click or box and for --query-hpc / --query-box.

#include <QPointF>
#include <QSizeF>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace solarchip {

struct QueryPoint {
    qint64 timeMs = 0;
    QString channel;
    QPointF hpc;
    std::optional<QSizeF> box;
};

}  // namespace solarchip
