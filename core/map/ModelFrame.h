#pragma once
// The geometry of a model input, public so that anything shown over a map (the heatmaps of the encoders,
// a cell picked in the viewer) lands where the model looked. A co-temporal set becomes model input by putting
// every channel onto one common frame: the level 1.5 frame of the set's reference (AIA) map (north up, the
// disk centre at the image centre, the reference's full field of view) on resolution*oversample pixels (the
// working frame), then area-averaging by `oversample` to resolution x resolution pixels (the input frame).
// The model cuts the input into a gridSize x gridSize grid of cells (ViT patches, CNN latent cells); cell
// (row, col) is token row*gridSize + col, row 0 is the first image row (FITS row 1), i.e. the south edge,
// col 0 the east (left) edge.
//
// A reference that does not show the whole disk (a cut-out, a partial field of view) keeps its own pointing
// instead: its array centre, not the disk centre, goes to the frame centre, so the frame covers what the map
// shows rather than the middle of a disk the map mostly lacks (showsWholeDisk; full-disk maps, which every
// training archive holds, are framed as before).
//
// Coordinates: helioprojective (tx, ty) in arcsec; pixels 0-based with pixel centres at integers (pixel i
// covers [i - 0.5, i + 0.5)), as everywhere in this project. A point of any displayed map goes through that
// map's own WCS to helioprojective coordinates and from there into the input, so a map shown as stored
// (e.g. HMI rolled by ~180 deg at another plate scale) finds the same cells as the prepared input. The map is
// assumed to be seen from the reference's observer (the same set); another time needs differential rotation
// first.

#include "core/base/Expected.h"
#include "core/map/PixelFrame.h"
#include "core/map/Resample.h"
#include "core/map/SdoMap.h"

#include <QPointF>
#include <QRectF>
#include <QVector>

#include <optional>
#include <vector>

namespace solarchip {

/// What decides the model-input geometry (models/ PrepSpec carries the same values for a checkpoint).
struct ModelFrameSpec {
    int resolution = 256;  ///< input side in pixels
    int oversample = 2;    ///< the working frame has resolution*oversample pixels per side
    int gridSize = 16;     ///< cells per side of the model's grid; must divide resolution
    Interpolation interpolation = Interpolation::Bilinear;
    /// > 0: the plate scale puts the reference's apparent solar radius (RSUN_OBS) at this fraction of half the
    /// input side, whatever the observer's distance (a fixed apparent radius: the disk size, which changes by
    /// ~3% over a year and is the same in every channel of a set, no longer tells sets apart). 0: the
    /// reference's full field of view fills the frame (the default and the research code's).
    double diskRadiusFraction = 0;

    QString validate() const;  ///< empty when usable
};

/// One cell of the model grid; row 0 = south (first image row), col 0 = east (first image column).
struct ModelCell {
    int row = -1;
    int col = -1;
    bool isValid() const { return row >= 0 && col >= 0; }
    bool operator==(const ModelCell &) const = default;
};

class ModelFrame {
public:
    /// Whether a reference of this header shows the whole solar disk (its four limb points at +-RSUN_OBS on
    /// the axes fall inside the image). True when the header gives no radius (the full-disk assumption).
    static bool showsWholeDisk(const MapMeta &reference, int width, int height);

    /// The frame for a reference map given by its header (metadata and pixel size, e.g. PixelFrame::fromFile's
    /// frame or a loaded map): the plate scale that puts max(width, height) reference pixels' field of view on
    /// resolution*oversample pixels. Fails for a non-helioprojective reference or an unusable spec.
    static Expected<ModelFrame> forReference(const MapMeta &reference, int width, int height, const ModelFrameSpec &spec);
    static Expected<ModelFrame> forReference(const PixelFrame &reference, const ModelFrameSpec &spec);
    static Expected<ModelFrame> forReference(const SdoMap &reference, const ModelFrameSpec &spec);

    const ModelFrameSpec &spec() const { return m_spec; }
    int resolution() const { return m_spec.resolution; }
    int gridSize() const { return m_spec.gridSize; }
    /// Input pixels per cell side (resolution / gridSize).
    int cellSide() const { return m_spec.resolution / m_spec.gridSize; }
    /// The resolution*oversample frame every channel is resampled onto.
    const PixelFrame &workingFrame() const { return m_working; }
    /// The frame of the prepared input (resolution x resolution): its WCS is the model input's WCS.
    const PixelFrame &inputFrame() const { return m_input; }

    /// Prepares one map (in physical units; NaN where there is no data) into the model input: FramePrep's
    /// rule onto the working frame, then the area average by `oversample`. The result lives in inputFrame().
    /// The one function the models' Dataset uses (value normalisation comes after it, outside core).
    Expected<SdoMap> prepare(SdoMap map) const;

    // Helioprojective arcsec <-> input pixel (nullopt where WCSLIB has no answer).
    std::optional<QPointF> hpcToInputPixel(QPointF hpc) const;
    std::optional<QPointF> inputPixelToHpc(QPointF pixel) const;

    // Input pixel <-> cell.
    /// The cell holding an input pixel position; invalid outside the input.
    ModelCell cellAtInputPixel(QPointF pixel) const;
    /// A cell's area in input pixels: x from col*cellSide - 0.5 to (col+1)*cellSide - 0.5 (y likewise by row).
    QRectF cellRect(ModelCell cell) const;
    QPointF cellCentrePixel(ModelCell cell) const;
    /// Token index of a cell without the CLS token: row * gridSize + col (-1 for an invalid cell).
    int cellIndex(ModelCell cell) const;
    ModelCell cellOfIndex(int index) const;

    // Helioprojective <-> cell.
    ModelCell cellAt(QPointF hpc) const;
    std::optional<QPointF> cellCentreHpc(ModelCell cell) const;

    // Any displayed map, through its own WCS (pixels of that map, 0-based).
    std::optional<QPointF> inputPixelToMapPixel(QPointF pixel, const Wcs &map) const;
    std::optional<QPointF> mapPixelToInputPixel(QPointF pixel, const Wcs &map) const;
    ModelCell cellAtMapPixel(QPointF pixel, const Wcs &map) const;
    /// The outline of a cell in a map's pixels, counter-clockwise in input pixels from the south-east corner,
    /// `pointsPerEdge` points per edge (the edges are curves in a map of another projection or roll). Empty
    /// when a point has no counterpart in the map.
    QVector<QPointF> cellPolygonInMap(ModelCell cell, const Wcs &map, int pointsPerEdge = 4) const;
    /// cellPolygonInMap() of every cell (index row * gridSize + col), each boundary point mapped once for the cells
    /// that share it: about half the WCS work of calling it per cell, which the map views pay on every new set.
    std::vector<QVector<QPointF>> cellPolygonsInMap(const Wcs &map, int pointsPerEdge = 4) const;

private:
    ModelFrameSpec m_spec;
    PixelFrame m_working;
    PixelFrame m_input;
};

}  // namespace solarchip
