#pragma once
// The outlines of a model frame's grid cells in a displayed map's pixels (ModelFrame::cellPolygonsInMap through
// the map's WCS), kept for the layers that draw per-cell values over a map (CellValueLayer, HeatmapLayer).
//
// They cost a few thousand WCS transforms per map (milliseconds per view, for every view of the grid on every
// step), so a layer shown in a view asks for them on the render pool as soon as the map or the frame changes
// (prefetch) and, on screen, keeps drawing the last outlines made while the new ones are on their way
// (forPaint: stepping through time moves a map's pointing by a fraction of a pixel); images of the view and
// callers that need the exact outlines now make them on the spot (current). Everything but the computation itself
// runs on the UI thread.

#include "core/map/ModelFrame.h"

#include <QPolygonF>
#include <QSize>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace solarchip {

struct SdoMap;

class CellOutlines {
public:
    CellOutlines();

    /// A new map (or null): the outlines must be made again. The map outlives its use until the next call.
    void setMap(const SdoMap *map);
    const SdoMap *map() const { return m_map; }
    /// A new frame (or null); false when it is the frame already set (nothing to make again).
    bool setFrame(std::shared_ptr<const ModelFrame> frame);
    const std::shared_ptr<const ModelFrame> &frame() const { return m_frame; }

    /// The outlines for the current map and frame have been made.
    bool isCurrent() const { return m_madeFor == m_generation; }
    /// Starts making the outlines for the current map and frame on the render pool, unless they are made or being
    /// made, or there is no map, frame or application. `arrived` runs on the UI thread once they are in (not
    /// when the map or frame changed meanwhile: the newer request reports).
    void prefetch(std::function<void()> arrived);
    /// The outlines for the current map and frame (index row * gridSize + col; an empty polygon for a cell with
    /// no place in the map), made here if they are not yet.
    const std::vector<QPolygonF> &current() const;
    /// What a paint draws. On screen: the current outlines (made here unless they are being made off the UI
    /// thread); while they are, the last ones made when they fit the map shown (its image size, the frame's
    /// grid), none otherwise. An image of the view (`onScreen` false: export, a texture): current().
    const std::vector<QPolygonF> &forPaint(bool onScreen) const;
    /// One cell's outline from `polygons` (index row * gridSize + col); empty for an index outside them.
    static QPolygonF at(const std::vector<QPolygonF> &polygons, int cell);

private:
    void arrive(quint64 generation, std::vector<QPolygonF> polygons, QSize mapSize);
    void makeHere() const;

    const SdoMap *m_map = nullptr;
    std::shared_ptr<const ModelFrame> m_frame;
    quint64 m_generation = 1;           // bumped by every new map or frame
    quint64 m_requested = 0;            // the generation being made off the UI thread (0: none)
    std::function<void()> m_arrived;    // for the request in flight
    mutable quint64 m_madeFor = 0;      // the generation m_polygons were made for
    mutable std::vector<QPolygonF> m_polygons;
    mutable QSize m_mapSize;            // the image size of the map they were made for
    std::shared_ptr<std::atomic<quint64>> m_latest;  // shared with the workers: superseded requests are skipped
    std::shared_ptr<int> m_alive;                    // results arriving after this is gone are dropped
};

}  // namespace solarchip
