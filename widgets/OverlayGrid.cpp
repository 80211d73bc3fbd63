#include "widgets/OverlayGrid.h"

#include "core/map/SdoMap.h"

#include <QCoreApplication>

#include <cmath>

namespace solarchip {

namespace {

// Where a Stonyhurst point lands in the map, if the observer sees it.
bool place(const Wcs &wcs, double lon, double lat, QPointF &out)
{
    double tx = 0, ty = 0, x = 0, y = 0;
    bool visible = false;
    if (!Wcs::stonyhurstToHelioprojective(LonLat{lon, lat}, wcs.observer(), tx, ty, &visible) || !visible)
        return false;
    if (!wcs.helioprojectiveToPixel(tx, ty, x, y))
        return false;
    out = QPointF(x, y);
    return true;
}

// Samples one grid line and splits it into visible runs; each run is extended by bisection to where it
// meets the limb, so lines reach the limb instead of stopping up to one sample short.
template <class PointAt>
void traceLine(const Wcs &wcs, bool isLongitude, double constant, double from, double to, double sample,
               PointAt pointAt, QVector<OverlayGrid::Line> &out)
{
    auto visibleAt = [&](double s, QPointF &p) {
        double lon, lat;
        pointAt(s, lon, lat);
        return place(wcs, lon, lat, p);
    };
    auto edge = [&](double inside, double outside) {
        QPointF p;
        for (int i = 0; i < 12; ++i) {
            const double mid = 0.5 * (inside + outside);
            if (visibleAt(mid, p))
                inside = mid;
            else
                outside = mid;
        }
        visibleAt(inside, p);
        return p;
    };
    OverlayGrid::Line run{isLongitude, constant, {}};
    const int n = static_cast<int>(std::round((to - from) / sample));
    double prev = from;
    bool prevVisible = false;
    for (int i = 0; i <= n; ++i) {
        const double s = from + (to - from) * i / n;
        QPointF p;
        const bool vis = visibleAt(s, p);
        if (vis && !prevVisible && i > 0)
            run.pixels << edge(s, prev);
        if (vis)
            run.pixels << p;
        if (!vis && prevVisible) {
            run.pixels << edge(prev, s);
            if (run.pixels.size() >= 2)
                out << run;
            run.pixels.clear();
        }
        prev = s;
        prevVisible = vis;
    }
    if (run.pixels.size() >= 2)
        out << run;
}

}  // namespace

OverlayGrid::OverlayGrid(double stepDegrees) : m_step(stepDegrees) { m_color = QColor(255, 255, 255, 150); }

QString OverlayGrid::name() const
{
    return QCoreApplication::translate("solarchip::OverlayGrid", "Heliographic grid");
}

QVector<OverlayGrid::Line> OverlayGrid::gridLines(const Wcs &wcs, double stepDegrees, double sampleDegrees)
{
    QVector<Line> lines;
    if (!wcs.isValid() || !(stepDegrees > 0) || !(sampleDegrees > 0))
        return lines;
    const int nLon = static_cast<int>(std::round(360.0 / stepDegrees));
    for (int k = 0; k < nLon; ++k) {
        const double lon = -180.0 + k * stepDegrees;
        traceLine(wcs, true, lon, -90.0, 90.0, sampleDegrees,
                  [lon](double s, double &lo, double &la) { lo = lon; la = s; }, lines);
    }
    for (double lat = -90.0 + stepDegrees; lat < 90.0 - 1e-9; lat += stepDegrees)
        traceLine(wcs, false, lat, -180.0, 180.0, sampleDegrees,
                  [lat](double s, double &lo, double &la) { lo = s; la = lat; }, lines);
    return lines;
}

void OverlayGrid::setStep(double degrees)
{
    if (!(degrees > 0))
        return;
    m_step = degrees;
    m_dirty = true;
}

// Computed when first needed: stepping through time with the grid hidden costs nothing.
void OverlayGrid::mapChanged(const SdoMap *map)
{
    m_map = map;
    m_dirty = true;
}

const QVector<OverlayGrid::Line> &OverlayGrid::lines() const
{
    if (m_dirty) {
        m_lines = m_map ? gridLines(m_map->wcs, m_step) : QVector<Line>();
        m_dirty = false;
    }
    return m_lines;
}

void OverlayGrid::paint(QPainter &painter, const OverlayContext &context)
{
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setBrush(Qt::NoBrush);
    QPen thin(m_color, 1.0), strong(m_color, 1.8);
    for (const Line &line : lines()) {
        painter.setPen(std::abs(line.degrees) < 1e-9 ? strong : thin);
        painter.drawPolyline(context.pixelToWidget.map(line.pixels));
    }
}

}  // namespace solarchip
