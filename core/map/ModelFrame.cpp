#include "core/map/ModelFrame.h"

#include "core/map/FramePrep.h"
#include "core/map/Prep.h"

#include <algorithm>
#include <cmath>

namespace solarchip {

QString ModelFrameSpec::validate() const
{
    if (resolution <= 0)
        return QStringLiteral("resolution must be positive (got %1)").arg(resolution);
    if (oversample <= 0)
        return QStringLiteral("oversample must be positive (got %1)").arg(oversample);
    if (!(diskRadiusFraction >= 0 && diskRadiusFraction <= 1.5))
        return QStringLiteral("disk radius fraction %1 is outside 0..1.5").arg(diskRadiusFraction);
    if (gridSize <= 0 || resolution % gridSize != 0)
        return QStringLiteral("the model grid (%1 cells per side) must divide the resolution %2").arg(gridSize).arg(resolution);
    return {};
}

bool ModelFrame::showsWholeDisk(const MapMeta &reference, int width, int height)
{
    if (!(reference.rsunObs > 0))
        return true;
    auto frame = PixelFrame::fromMeta(width, height, reference);
    if (!frame)
        return true;
    const double r = reference.rsunObs;
    for (const QPointF limb : {QPointF(r, 0), QPointF(-r, 0), QPointF(0, r), QPointF(0, -r)}) {
        double x = 0, y = 0;
        if (!frame->wcs.helioprojectiveToPixel(limb.x(), limb.y(), x, y) || !(x >= -0.5 && x <= width - 0.5)
            || !(y >= -0.5 && y <= height - 0.5))
            return false;
    }
    return true;
}

Expected<ModelFrame> ModelFrame::forReference(const MapMeta &reference, int width, int height, const ModelFrameSpec &spec)
{
    const QString problem = spec.validate();
    if (!problem.isEmpty())
        return Error{reference.file, QStringLiteral("model frame: ") + problem};
    if (width <= 0 || height <= 0)
        return Error{reference.file, QStringLiteral("model frame: the reference has no pixels (%1x%2)").arg(width).arg(height)};
    const int side = spec.resolution * spec.oversample;
    PrepOptions po;
    po.scale = FramePrep::meanPlateScale(reference) * std::max(width, height) / side;
    if (spec.diskRadiusFraction > 0) {
        if (!(reference.rsunObs > 0))
            return Error{reference.file, QStringLiteral("model frame: a fixed disk radius needs the apparent solar radius "
                                                        "(RSUN_OBS or DSUN_OBS), which the reference header lacks")};
        po.scale = reference.rsunObs / (spec.diskRadiusFraction * side / 2.0);
    }
    po.width = side;
    po.height = side;
    po.recenter = showsWholeDisk(reference, width, height);
    po.interpolation = spec.interpolation;
    auto working = Prep::level15Frame(reference, width, height, po);
    if (!working)
        return working.error();
    auto input = Resample::areaAverageFrame(*working, spec.resolution, spec.resolution);
    if (!input)
        return input.error();
    ModelFrame f;
    f.m_spec = spec;
    f.m_working = std::move(*working);
    f.m_input = std::move(*input);
    return f;
}

Expected<ModelFrame> ModelFrame::forReference(const PixelFrame &reference, const ModelFrameSpec &spec)
{
    return forReference(reference.meta, reference.width, reference.height, spec);
}

Expected<ModelFrame> ModelFrame::forReference(const SdoMap &reference, const ModelFrameSpec &spec)
{
    return forReference(reference.meta, reference.image.width, reference.image.height, spec);
}

Expected<SdoMap> ModelFrame::prepare(SdoMap map) const
{
    auto onFrame = FramePrep::ontoFrame(std::move(map), m_working, m_spec.interpolation);
    if (!onFrame || m_spec.oversample == 1)
        return onFrame;
    return Prep::downsample(std::move(*onFrame), m_spec.resolution, m_spec.resolution);
}

std::optional<QPointF> ModelFrame::hpcToInputPixel(QPointF hpc) const
{
    double x = 0, y = 0;
    if (!m_input.wcs.helioprojectiveToPixel(hpc.x(), hpc.y(), x, y) || !std::isfinite(x) || !std::isfinite(y))
        return std::nullopt;
    return QPointF(x, y);
}

std::optional<QPointF> ModelFrame::inputPixelToHpc(QPointF pixel) const
{
    double tx = 0, ty = 0;
    if (!m_input.wcs.pixelToHelioprojective(pixel.x(), pixel.y(), tx, ty) || !std::isfinite(tx) || !std::isfinite(ty))
        return std::nullopt;
    return QPointF(tx, ty);
}

ModelCell ModelFrame::cellAtInputPixel(QPointF pixel) const
{
    // Pixel i covers [i - 0.5, i + 0.5): shift by half a pixel so cell edges fall on whole numbers.
    const double x = pixel.x() + 0.5, y = pixel.y() + 0.5;
    const double n = m_spec.resolution;
    if (!(x >= 0 && x < n && y >= 0 && y < n))
        return {};
    const int c = cellSide();
    return ModelCell{std::min(gridSize() - 1, static_cast<int>(std::floor(y)) / c),
                     std::min(gridSize() - 1, static_cast<int>(std::floor(x)) / c)};
}

QRectF ModelFrame::cellRect(ModelCell cell) const
{
    if (!cell.isValid() || cell.row >= gridSize() || cell.col >= gridSize())
        return {};
    const double c = cellSide();
    return QRectF(cell.col * c - 0.5, cell.row * c - 0.5, c, c);
}

QPointF ModelFrame::cellCentrePixel(ModelCell cell) const
{
    const double c = cellSide();
    return QPointF(cell.col * c + (c - 1) / 2.0, cell.row * c + (c - 1) / 2.0);
}

int ModelFrame::cellIndex(ModelCell cell) const
{
    if (!cell.isValid() || cell.row >= gridSize() || cell.col >= gridSize())
        return -1;
    return cell.row * gridSize() + cell.col;
}

ModelCell ModelFrame::cellOfIndex(int index) const
{
    if (index < 0 || index >= gridSize() * gridSize())
        return {};
    return ModelCell{index / gridSize(), index % gridSize()};
}

ModelCell ModelFrame::cellAt(QPointF hpc) const
{
    const auto p = hpcToInputPixel(hpc);
    return p ? cellAtInputPixel(*p) : ModelCell{};
}

std::optional<QPointF> ModelFrame::cellCentreHpc(ModelCell cell) const
{
    if (cellIndex(cell) < 0)
        return std::nullopt;
    return inputPixelToHpc(cellCentrePixel(cell));
}

std::optional<QPointF> ModelFrame::inputPixelToMapPixel(QPointF pixel, const Wcs &map) const
{
    const auto hpc = inputPixelToHpc(pixel);
    if (!hpc)
        return std::nullopt;
    double x = 0, y = 0;
    if (!map.helioprojectiveToPixel(hpc->x(), hpc->y(), x, y) || !std::isfinite(x) || !std::isfinite(y))
        return std::nullopt;
    return QPointF(x, y);
}

std::optional<QPointF> ModelFrame::mapPixelToInputPixel(QPointF pixel, const Wcs &map) const
{
    double tx = 0, ty = 0;
    if (!map.pixelToHelioprojective(pixel.x(), pixel.y(), tx, ty) || !std::isfinite(tx) || !std::isfinite(ty))
        return std::nullopt;
    return hpcToInputPixel(QPointF(tx, ty));
}

ModelCell ModelFrame::cellAtMapPixel(QPointF pixel, const Wcs &map) const
{
    const auto p = mapPixelToInputPixel(pixel, map);
    return p ? cellAtInputPixel(*p) : ModelCell{};
}

QVector<QPointF> ModelFrame::cellPolygonInMap(ModelCell cell, const Wcs &map, int pointsPerEdge) const
{
    const QRectF r = cellRect(cell);
    if (r.isNull())
        return {};
    const int n = std::max(1, pointsPerEdge);
    // Corners in input pixels, counter-clockwise (x east->west, y south->north): (left, top) is the south-east.
    const QPointF corners[4] = {r.topLeft(), r.topRight(), r.bottomRight(), r.bottomLeft()};
    QVector<QPointF> out;
    out.reserve(4 * n);
    for (int e = 0; e < 4; ++e) {
        const QPointF a = corners[e], b = corners[(e + 1) % 4];
        for (int i = 0; i < n; ++i) {
            const auto p = inputPixelToMapPixel(a + (b - a) * (double(i) / n), map);
            if (!p)
                return {};
            out << *p;
        }
    }
    return out;
}

std::vector<QVector<QPointF>> ModelFrame::cellPolygonsInMap(const Wcs &map, int pointsPerEdge) const
{
    const int g = gridSize();
    const int n = std::max(1, pointsPerEdge);
    const double c = cellSide();
    const int m = g * n + 1;  // points along a lattice line
    // Position k along a line, as cellPolygonInMap places it: the cell's edge a + (b - a) * i / n.
    auto along = [&](int k) {
        const int cell = std::min(k / n, g - 1);
        const int i = k - cell * n;
        const double a = cell * c - 0.5, b = (cell + 1) * c - 0.5;
        return a + (b - a) * (double(i) / n);
    };
    const auto edge = [&](int j) { return j * c - 0.5; };
    // Horizontal lines y = edge(j) (row edges), every point; vertical lines x = edge(j), the points between corners
    // (the corners are the horizontal lines').
    std::vector<std::optional<QPointF>> h(static_cast<std::size_t>(g + 1) * m), v(static_cast<std::size_t>(g + 1) * m);
    for (int j = 0; j <= g; ++j)
        for (int k = 0; k < m; ++k) {
            h[static_cast<std::size_t>(j) * m + k] = inputPixelToMapPixel(QPointF(along(k), edge(j)), map);
            if (k % n != 0)
                v[static_cast<std::size_t>(j) * m + k] = inputPixelToMapPixel(QPointF(edge(j), along(k)), map);
        }
    auto H = [&](int row, int k) { return h[static_cast<std::size_t>(row) * m + k]; };
    auto V = [&](int col, int k) { return k % n == 0 ? H(k / n, col * n) : v[static_cast<std::size_t>(col) * m + k]; };
    std::vector<QVector<QPointF>> out(static_cast<std::size_t>(g) * g);
    for (int row = 0; row < g; ++row)
        for (int col = 0; col < g; ++col) {
            QVector<QPointF> poly;
            poly.reserve(4 * n);
            bool ok = true;
            auto add = [&](const std::optional<QPointF> &p) {
                ok = ok && p.has_value();
                if (p)
                    poly << *p;
            };
            // Counter-clockwise in input pixels from the south-east corner, as cellPolygonInMap.
            for (int i = 0; i < n; ++i)
                add(H(row, col * n + i));
            for (int i = 0; i < n; ++i)
                add(V(col + 1, row * n + i));
            for (int i = 0; i < n; ++i)
                add(H(row + 1, (col + 1) * n - i));
            for (int i = 0; i < n; ++i)
                add(V(col, (row + 1) * n - i));
            if (ok)
                out[static_cast<std::size_t>(row) * g + col] = std::move(poly);
        }
    return out;
}

}  // namespace solarchip
