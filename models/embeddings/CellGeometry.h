#pragma once
// Where the cells of a stored set are on the Sun: for every model cell (row * grid + col, row 0 = south) its
// centre in helioprojective arcsec and in Stonyhurst lon/lat, and its distance from the disk centre in solar
// radii, through the model frame of the set's reference file (core/map/ModelFrame, the frame the Dataset
// prepared the set on: PrepSpec::referenceChannel, else the first AIA member). Only the reference file's
// header is read. Used by the similarity index (which cells are on the disk) and the archive search (where a
// hit is).

#include "core/base/Expected.h"
#include "core/map/ModelFrame.h"
#include "core/map/Wcs.h"

#include <QPointF>
#include <QStringList>

#include <optional>
#include <vector>

namespace solarchip {

struct PrepSpec;

struct CellGeometry {
    int grid = 0;
    QString referenceFile;
    double rsunArcsec = 0;          ///< 0 when the header gives no radius
    std::vector<QPointF> hpc;       ///< cell centres, arcsec (NaN where WCSLIB has no answer)
    std::vector<QPointF> lonlat;    ///< Stonyhurst lon/lat (deg); NaN off the disk
    std::vector<float> radius;      ///< distance of the centre from the disk centre, solar radii (NaN: unknown)
    std::optional<ModelFrame> frame;
    Observer observer;              ///< of the reference file

    /// The cell under helioprojective `hpc` (-1 outside the model frame).
    int cellAt(QPointF hpc) const;
};

/// The index of the member a set's model frame is built on (prep's reference channel, else the first AIA
/// channel, else 0).
int referenceMember(const QStringList &channels, const QString &referenceChannel);

/// The geometry of the cells of a set with member `files` (one per channel of `channels`).
Expected<CellGeometry> cellGeometry(const QStringList &files, const QStringList &channels, const PrepSpec &prep, int grid);

}  // namespace solarchip
