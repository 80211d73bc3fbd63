#include "widgets/MapView.h"

#include "core/base/ThreadBudget.h"
#include "core/map/FileValue.h"
#include "core/map/MapDifference.h"
#include "widgets/OverlayAxes.h"
#include "widgets/OverlayColorBar.h"
#include "widgets/OverlayGrid.h"
#include "widgets/OverlayLabel.h"
#include "widgets/OverlayLimb.h"
#include "widgets/OverlayProjectionNote.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QPainter>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>
#include <utility>

namespace solarchip {

namespace {

const QColor kBackground(0, 0, 0);

QString defaultTitleOf(const SdoMap &map)
{
    return channelLabel(map.meta.channel) + QLatin1Char(' ')
           + map.meta.tObs.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

// Screen pixels per source pixel of a transform's linear part.
double linearScale(const QTransform &t) { return std::sqrt(std::abs(t.m11() * t.m22() - t.m12() * t.m21())); }

}  // namespace

MapView::MapView(QWidget *parent) : QWidget(parent)
{
    qRegisterMetaType<MapReadout>();
    qRegisterMetaType<DisplaySettings>();
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_blinkTimer.setInterval(500);
    connect(&m_blinkTimer, &QTimer::timeout, this, [this] {
        m_blinkShowsComparison = !m_blinkShowsComparison;
        update();
    });
    m_zoomAnimation.setDuration(120);
    m_zoomAnimation.setEasingCurve(QEasingCurve::OutCubic);
    m_zoomAnimation.setStartValue(0.0);
    m_zoomAnimation.setEndValue(1.0);
    connect(&m_zoomAnimation, &QVariantAnimation::valueChanged, this, [this](const QVariant &v) {
        // Log-linear in zoom: equal steps look equal at every scale.
        const double t = v.toDouble();
        zoomAbout(m_zoomFrom * std::pow(m_zoomTarget / m_zoomFrom, t), m_zoomAnchor);
    });
    ensureDefaultOverlays();
}

MapView::~MapView() = default;

void MapView::ensureDefaultOverlays()
{
    auto limb = std::make_shared<OverlayLimb>();
    limb->setVisible(false);
    auto grid = std::make_shared<OverlayGrid>();
    grid->setVisible(false);
    auto label = std::make_shared<OverlayLabel>();
    auto bar = std::make_shared<OverlayColorBar>();
    bar->setVisible(false);
    auto axes = std::make_shared<OverlayAxes>();
    axes->setVisible(false);
    m_overlays = {limb, grid, label, bar, axes, std::make_shared<OverlayProjectionNote>()};
}

// ---- data ---------------------------------------------------------------------------------------------

void MapView::setMap(std::shared_ptr<const SdoMap> map)
{
    if (!map) {
        clear();
        return;
    }
    const DisplaySettings s = defaultDisplaySettings(map->meta);
    setMap(std::move(map), s);
}

void MapView::setMap(std::shared_ptr<const SdoMap> map, const DisplaySettings &settings)
{
    if (!map || map->image.isEmpty()) {
        clear();
        return;
    }
    if (map == m_map && settings == m_settings)
        return;  // already shown (or on its way)
    const bool sameGeometry = m_map && m_map->image.width == map->image.width && m_map->image.height == map->image.height;
    const WorldView before = worldView();
    m_map = std::move(map);
    m_settings = settings;
    m_base.map = m_map;
    m_base.settings = settings;
    m_base.hasCachedRange = false;
    if (!sameGeometry)
        m_base.rendered = RenderedMap();
    m_title.clear();
    m_defaultTitle = defaultTitleOf(*m_map);
    updateOrientation();
    for (const auto &layer : m_overlays)
        layer->mapChanged(m_map.get());
    updateComparisonPlacement();

    if (!sameGeometry || m_fitMode)
        applyFit();
    else if (before.valid)
        setWorldView(before);  // stepping in time: the same patch of Sun stays on screen
    startRender(m_base);
    Q_EMIT mapChanged();
    // The mouse has not moved but what is under it has.
    if (m_lastReadout.valid || underMouse()) {
        const QPointF p = widgetToMap(mapFromGlobal(QCursor::pos()));
        setReadout(readoutAt(p));
    }
    update();
}

void MapView::setDifferenceMap(const DifferenceMap &difference)
{
    setDifferenceMap(difference, defaultDifferenceDisplaySettings());
}

void MapView::setDifferenceMap(const DifferenceMap &difference, const DisplaySettings &settings)
{
    setMap(std::make_shared<const SdoMap>(difference.map), settings);
    setTitle(differenceTitle(difference));
}

void MapView::clear()
{
    m_map.reset();
    // Bumping the generations turns renders still in flight into stale results.
    for (Layer *layer : {&m_base, &m_compare}) {
        layer->map.reset();
        layer->rendered = RenderedMap();
        layer->hasCachedRange = false;
        layer->shownGeneration = ++layer->generation;
    }
    m_title.clear();
    m_defaultTitle.clear();
    for (const auto &layer : m_overlays)
        layer->mapChanged(nullptr);
    m_lastReadout = MapReadout();
    m_linkedCursorVisible = false;
    Q_EMIT mapChanged();
    update();
}

void MapView::setDisplaySettings(const DisplaySettings &settings)
{
    if (settings == m_settings)
        return;
    const DisplaySettings &o = m_settings;
    const bool sameLimits = o.limits == settings.limits && o.percentileLow == settings.percentileLow
                            && o.percentileHigh == settings.percentileHigh && o.manualMin == settings.manualMin
                            && o.manualMax == settings.manualMax && o.symmetric == settings.symmetric;
    m_settings = settings;
    m_base.settings = settings;
    if (!sameLimits)
        m_base.hasCachedRange = false;  // colormap or stretch only: reuse the limits (no percentile pass)
    if (m_map)
        startRender(m_base);
    Q_EMIT displaySettingsChanged(m_settings);
}

void MapView::startRender(Layer &layer)
{
    if (!layer.map) {
        layer.rendered = RenderedMap();
        layer.shownGeneration = ++layer.generation;
        return;
    }
    const quint64 generation = ++layer.generation;
    std::shared_ptr<const Image> image(layer.map, &layer.map->image);
    const DisplaySettings settings = layer.settings;
    const bool haveRange = layer.hasCachedRange;
    const DisplayRange range = layer.cachedRange;
    auto *watcher = new QFutureWatcher<RenderedMap>(this);
    connect(watcher, &QFutureWatcherBase::finished, this,
            [this, &layer, generation, watcher] { onRenderDone(layer, generation, watcher); });
    watcher->setFuture(QtConcurrent::run(MapRenderer::pool(), [image, settings, haveRange, range]() {
        return haveRange ? MapRenderer::render(*image, settings, range) : MapRenderer::render(*image, settings);
    }));
    layer.watcher = watcher;
}

void MapView::onRenderDone(Layer &layer, quint64 generation, QFutureWatcher<RenderedMap> *watcher)
{
    watcher->deleteLater();
    if (layer.watcher == watcher)
        layer.watcher = nullptr;
    if (generation != layer.generation)
        return;  // superseded while it ran
    layer.rendered = watcher->result();
    layer.shownGeneration = generation;
    layer.cachedRange = layer.rendered.range;
    layer.hasCachedRange = true;
    update();
    Q_EMIT renderFinished();
}

bool MapView::isMapRenderPending() const
{
    return m_base.generation != m_base.shownGeneration || m_compare.generation != m_compare.shownGeneration;
}

bool MapView::isRenderPending() const
{
    return isMapRenderPending()
           || std::any_of(m_overlays.begin(), m_overlays.end(),
                       [](const std::shared_ptr<OverlayLayer> &l) { return l->isVisible() && l->isGeometryPending(); });
}

void MapView::overlayGeometryArrived()
{
    update();
    if (!isRenderPending())
        Q_EMIT renderFinished();
}

bool MapView::waitForRender(int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (isRenderPending()) {
        const qint64 left = timeoutMs - timer.elapsed();
        if (left <= 0)
            return false;
        QCoreApplication::processEvents(QEventLoop::WaitForMoreEvents, int(std::min<qint64>(left, 50)));
    }
    QCoreApplication::processEvents();
    return true;
}

void MapView::setTitle(const QString &title)
{
    m_title = title;
    update();
}

QString MapView::title() const { return m_title.isEmpty() ? m_defaultTitle : m_title; }

// ---- comparison ---------------------------------------------------------------------------------------

void MapView::setComparisonMap(std::shared_ptr<const SdoMap> map)
{
    const DisplaySettings s = map ? defaultDisplaySettings(map->meta) : DisplaySettings();
    setComparisonMap(std::move(map), s);
}

void MapView::setComparisonMap(std::shared_ptr<const SdoMap> map, const DisplaySettings &settings)
{
    m_compare.map = std::move(map);
    m_compare.settings = settings;
    m_compare.hasCachedRange = false;
    m_compare.rendered = RenderedMap();
    updateComparisonPlacement();
    startRender(m_compare);
    if (!m_compare.map)
        m_blinkShowsComparison = false;
    update();
}

void MapView::updateComparisonPlacement()
{
    m_compareToBase = QTransform();
    if (!m_map || !m_compare.map || !m_map->wcs.isValid() || !m_compare.map->wcs.isValid())
        return;
    // An affine fit through three points placed by both WCSs (exact for co-registered maps; maps of one
    // observer differ by rotation, scale and shift only).
    const Image &ci = m_compare.map->image;
    const double d = std::max(1.0, std::min(100.0, std::min(ci.width, ci.height) / 4.0));
    const QPointF p0((ci.width - 1) / 2.0, (ci.height - 1) / 2.0);
    const QPointF ps[3] = {p0, p0 + QPointF(d, 0), p0 + QPointF(0, d)};
    QPointF q[3];
    for (int i = 0; i < 3; ++i) {
        double tx = 0, ty = 0, x = 0, y = 0;
        if (!m_compare.map->wcs.pixelToHelioprojective(ps[i].x(), ps[i].y(), tx, ty)
            || !m_map->wcs.helioprojectiveToPixel(tx, ty, x, y))
            return;
        q[i] = QPointF(x, y);
    }
    const QPointF a = (q[1] - q[0]) / d, b = (q[2] - q[0]) / d;
    const double dx = q[0].x() - (a.x() * p0.x() + b.x() * p0.y());
    const double dy = q[0].y() - (a.y() * p0.x() + b.y() * p0.y());
    m_compareToBase = QTransform(a.x(), a.y(), b.x(), b.y(), dx, dy);
}

void MapView::setCompareMode(CompareMode mode)
{
    m_compareMode = mode;
    m_blinkShowsComparison = false;
    if (mode == CompareMode::Blink)
        m_blinkTimer.start();
    else
        m_blinkTimer.stop();
    update();
}

void MapView::setComparisonOpacity(double opacity)
{
    m_compareOpacity = std::clamp(opacity, 0.0, 1.0);
    update();
}

void MapView::setBlinkInterval(int milliseconds) { m_blinkTimer.setInterval(std::max(20, milliseconds)); }

void MapView::setShowingComparison(bool comparison)
{
    m_blinkShowsComparison = comparison;
    update();
}

// ---- geometry -----------------------------------------------------------------------------------------

void MapView::updateOrientation()
{
    m_orient[0][0] = 1;
    m_orient[0][1] = 0;
    m_orient[1][0] = 0;
    m_orient[1][1] = -1;  // FITS row 0 at the bottom
    m_plateScale = 1.0;
    if (!m_map || !m_map->wcs.isValid())
        return;
    const double cx = (m_map->image.width - 1) / 2.0, cy = (m_map->image.height - 1) / 2.0;
    // Plate scale (arcsec per pixel) for world-linked zoom, from the helioprojective Jacobian.
    double t0x, t0y, t1x, t1y, t2x, t2y;
    if (m_map->wcs.pixelToHelioprojective(cx, cy, t0x, t0y) && m_map->wcs.pixelToHelioprojective(cx + 1, cy, t1x, t1y)
        && m_map->wcs.pixelToHelioprojective(cx, cy + 1, t2x, t2y)) {
        const double det = (t1x - t0x) * (t2y - t0y) - (t2x - t0x) * (t1y - t0y);
        if (std::isfinite(det) && det != 0)
            m_plateScale = std::sqrt(std::abs(det));
    }
    // A map in a heliographic projection (a Carrington CEA SHARP patch) is shown in its own projection, as
    // sunpy and DS9 show it: its pixel grid as a rectangle of square pixels, row 0 at the bottom. Following its
    // world axes would shear and stretch it (an oblique CEA's lon/lat axes are not quite its pixel axes).
    if (!m_northUp || m_map->wcs.kind() != Wcs::Kind::Helioprojective)
        return;
    // North up: the display follows the helioprojective world axes (Tx right, Ty up), so a rolled map (HMI's
    // CROTA2 ~ 180) is turned upright.
    double w0a, w0b, w1a, w1b, w2a, w2b;
    if (!m_map->wcs.pixelToWorld(cx, cy, w0a, w0b) || !m_map->wcs.pixelToWorld(cx + 1, cy, w1a, w1b)
        || !m_map->wcs.pixelToWorld(cx, cy + 1, w2a, w2b))
        return;
    const double j00 = w1a - w0a, j01 = w2a - w0a, j10 = w1b - w0b, j11 = w2b - w0b;
    const double det = j00 * j11 - j01 * j10;
    if (!std::isfinite(det) || det == 0)
        return;
    const double s = std::sqrt(std::abs(det));
    m_orient[0][0] = j00 / s;
    m_orient[0][1] = j01 / s;
    m_orient[1][0] = -j10 / s;
    m_orient[1][1] = -j11 / s;
}

void MapView::setNorthUp(bool on)
{
    if (on == m_northUp)
        return;
    const QPointF c = m_centre;
    m_northUp = on;
    updateOrientation();
    m_centre = c;
    if (m_fitMode)
        applyFit();
    emitViewChanged();
    update();
}

double MapView::displayRotation() const
{
    // The screen direction of the map's +y axis, measured from screen-up, clockwise positive.
    return std::atan2(m_orient[0][1], -m_orient[1][1]) * 180.0 / M_PI;
}

QTransform MapView::pixelToTarget(const QRectF &area, double zoom) const
{
    const double m11 = zoom * m_orient[0][0], m21 = zoom * m_orient[0][1];
    const double m12 = zoom * m_orient[1][0], m22 = zoom * m_orient[1][1];
    const QPointF c = area.center();
    const double dx = c.x() - (m11 * m_centre.x() + m21 * m_centre.y());
    const double dy = c.y() - (m12 * m_centre.x() + m22 * m_centre.y());
    return QTransform(m11, m12, m21, m22, dx, dy);
}

QRectF MapView::mapAreaFor(const QSizeF &size, bool withOverlays) const
{
    const QRectF all(QPointF(0, 0), size);
    if (!withOverlays || !m_map)
        return all;
    QMarginsF m;
    for (const auto &layer : m_overlays)
        if (layer->isVisible())
            m += layer->margins(size, font());
    const QRectF area = all.marginsRemoved(m);
    // A view too small for its margins still shows the map (the layers then overlap it).
    return area.width() >= 16 && area.height() >= 16 ? area : all;
}

QRectF MapView::mapArea() const { return mapAreaFor(QSizeF(size()), true); }

QString MapView::zoomText(double zoom) { return tr("zoom %1%").arg(zoom * 100.0, 0, 'f', zoom < 0.1 ? 1 : 0); }

void MapView::setSelected(bool selected)
{
    if (selected == m_selected)
        return;
    m_selected = selected;
    update();
}

void MapView::overlayMarginsChanged()
{
    // The map's area grew or shrank: refit, or keep the same world centre in the middle of the new area.
    if (m_fitMode && m_map)
        applyFit();
    else
        emitViewChanged();
    update();
}

QTransform MapView::pixelToWidget() const { return pixelToTarget(mapArea(), m_zoom); }
QPointF MapView::mapToWidget(const QPointF &pixel) const { return pixelToWidget().map(pixel); }
QPointF MapView::widgetToMap(const QPointF &widgetPoint) const { return pixelToWidget().inverted().map(widgetPoint); }

double MapView::fitZoomFor(const QSizeF &size) const
{
    if (!m_map)
        return 1.0;
    const double w = m_map->image.width, h = m_map->image.height;
    const double bw = std::abs(m_orient[0][0]) * w + std::abs(m_orient[0][1]) * h;
    const double bh = std::abs(m_orient[1][0]) * w + std::abs(m_orient[1][1]) * h;
    if (bw <= 0 || bh <= 0 || size.isEmpty())
        return 1.0;
    return std::min(size.width() / bw, size.height() / bh);
}

double MapView::minimumZoom() const { return std::max(1e-3, fitZoomFor(mapArea().size()) / 8.0); }

void MapView::applyFit()
{
    m_fitMode = true;
    if (m_map)
        m_centre = QPointF((m_map->image.width - 1) / 2.0, (m_map->image.height - 1) / 2.0);
    m_zoom = fitZoomFor(mapArea().size());
    emitViewChanged();
    update();
}

void MapView::setZoomInternal(double zoom)
{
    if (!std::isfinite(zoom) || zoom <= 0)
        return;
    m_zoom = std::clamp(zoom, minimumZoom(), maximumZoom());
}

void MapView::emitViewChanged() { Q_EMIT viewChanged(); }

void MapView::setZoom(double zoom) { zoomAbout(zoom, mapArea().center()); }

void MapView::zoomAbout(double zoom, const QPointF &widgetPoint)
{
    const QPointF before = widgetToMap(widgetPoint);
    setZoomInternal(zoom);
    const QPointF after = widgetToMap(widgetPoint);
    m_centre += before - after;
    m_fitMode = false;
    emitViewChanged();
    update();
}

void MapView::setCentre(const QPointF &pixel)
{
    m_centre = pixel;
    m_fitMode = false;
    emitViewChanged();
    update();
}

void MapView::setPixelView(const QPointF &centre, double zoom)
{
    m_centre = centre;
    setZoomInternal(zoom);
    m_fitMode = false;
    emitViewChanged();
    update();
}

void MapView::panBy(const QPointF &widgetDelta)
{
    m_centre = widgetToMap(mapArea().center() - widgetDelta);
    m_fitMode = false;
    emitViewChanged();
    update();
}

void MapView::setAnimatedZoom(bool on)
{
    m_animatedZoom = on;
    if (!on)
        m_zoomAnimation.stop();
}

void MapView::animateZoomAbout(double zoom, const QPointF &widgetPoint)
{
    if (!m_animatedZoom) {
        zoomAbout(zoom, widgetPoint);
        return;
    }
    const bool running = m_zoomAnimation.state() == QAbstractAnimation::Running;
    // A new tick while gliding continues from the current target, so fast wheel spins add up.
    const double base = running ? m_zoomTarget : m_zoom;
    const double target = std::clamp(zoom * (base / m_zoom), minimumZoom(), maximumZoom());
    m_zoomAnimation.stop();
    m_zoomFrom = m_zoom;
    m_zoomTarget = target;
    m_zoomAnchor = widgetPoint;
    if (std::abs(m_zoomTarget / m_zoomFrom - 1.0) < 1e-12)
        return;
    m_zoomAnimation.start();
}

void MapView::zoomIn() { animateZoomAbout(m_zoom * 1.25, mapArea().center()); }
void MapView::zoomOut() { animateZoomAbout(m_zoom / 1.25, mapArea().center()); }
void MapView::fitToWindow()
{
    m_zoomAnimation.stop();
    applyFit();
}
void MapView::zoomToActualSize()
{
    m_zoomAnimation.stop();
    setZoom(1.0);
}

MapView::WorldView MapView::worldView() const
{
    WorldView v;
    if (!m_map || !m_map->wcs.isValid())
        return v;
    v.valid = m_map->wcs.pixelToHelioprojective(m_centre.x(), m_centre.y(), v.tx, v.ty);
    v.arcsecPerScreenPixel = m_plateScale / m_zoom;
    return v;
}

void MapView::setWorldView(const WorldView &view)
{
    if (!view.valid || !m_map || !m_map->wcs.isValid() || !(view.arcsecPerScreenPixel > 0))
        return;
    double x = 0, y = 0;
    if (!m_map->wcs.helioprojectiveToPixel(view.tx, view.ty, x, y))
        return;
    m_centre = QPointF(x, y);
    setZoomInternal(m_plateScale / view.arcsecPerScreenPixel);
    m_fitMode = false;
    emitViewChanged();
    update();
}

QRect MapView::visiblePixelRect() const
{
    if (!m_map)
        return {};
    const QTransform inv = pixelToWidget().inverted();
    const QPolygonF corners = inv.map(QPolygonF(mapArea()));
    const QRectF b = corners.boundingRect();
    const int x0 = std::max(0, int(std::floor(b.left() + 0.5))), y0 = std::max(0, int(std::floor(b.top() + 0.5)));
    const int x1 = std::min(m_map->image.width - 1, int(std::ceil(b.right() - 0.5)));
    const int y1 = std::min(m_map->image.height - 1, int(std::ceil(b.bottom() - 0.5)));
    if (x1 < x0 || y1 < y0)
        return {};
    return QRect(x0, y0, x1 - x0 + 1, y1 - y0 + 1);
}

// ---- overlays -----------------------------------------------------------------------------------------

void MapView::addOverlay(std::shared_ptr<OverlayLayer> layer)
{
    if (!layer)
        return;
    removeOverlay(layer->id());
    layer->setGeometryArrived([view = QPointer<MapView>(this)] {
        if (view)
            view->overlayGeometryArrived();
    });
    layer->mapChanged(m_map.get());
    const bool takesRoom = layer->isVisible() && !layer->margins(QSizeF(size()), font()).isNull();
    // Layers added to the view hold data (heatmaps, cell values, search hits): under the view's own annotations
    // (limb, grid, title, colour bar, axes), which stay readable over them; among themselves in the order added.
    m_overlays.insert(m_overlays.begin() + static_cast<std::ptrdiff_t>(m_addedOverlays), std::move(layer));
    ++m_addedOverlays;
    if (takesRoom)
        overlayMarginsChanged();
    update();
}

void MapView::removeOverlay(const QString &id)
{
    const OverlayLayer *old = overlay(id);
    const bool tookRoom = old && old->isVisible() && !old->margins(QSizeF(size()), font()).isNull();
    m_addedOverlays -= static_cast<std::size_t>(std::count_if(
        m_overlays.begin(), m_overlays.begin() + static_cast<std::ptrdiff_t>(m_addedOverlays),
        [&](const std::shared_ptr<OverlayLayer> &l) { return l->id() == id; }));
    m_overlays.erase(std::remove_if(m_overlays.begin(), m_overlays.end(),
                                    [&](const std::shared_ptr<OverlayLayer> &l) { return l->id() == id; }),
                     m_overlays.end());
    if (tookRoom)
        overlayMarginsChanged();
    update();
}

OverlayLayer *MapView::overlay(const QString &id) const
{
    for (const auto &l : m_overlays)
        if (l->id() == id)
            return l.get();
    return nullptr;
}

QStringList MapView::overlayIds() const
{
    QStringList ids;
    for (const auto &l : m_overlays)
        ids << l->id();
    return ids;
}

void MapView::setOverlayVisible(const QString &id, bool visible)
{
    if (OverlayLayer *l = overlay(id)) {
        if (l->isVisible() == visible)
            return;
        l->setVisible(visible);
        if (!l->margins(QSizeF(size()), font()).isNull())
            overlayMarginsChanged();
        update();
    }
}

bool MapView::isOverlayVisible(const QString &id) const
{
    const OverlayLayer *l = overlay(id);
    return l && l->isVisible();
}

// ---- cursor -------------------------------------------------------------------------------------------

MapReadout MapView::readoutAt(const QPointF &pixel) const
{
    if (!m_map)
        return {};
    MapReadout r = MapReadout::at(*m_map, pixel.x(), pixel.y());
    r.title = title();
    if (r.fileValueState == MapReadout::FileValue::Pending && m_haveFileValue && r.file == m_fileValueFile
        && r.fileX == m_fileValueX && r.fileY == m_fileValueY) {
        r.fileValueState = m_fileValueOk ? MapReadout::FileValue::Ready : MapReadout::FileValue::Failed;
        r.fileValue = m_fileValue;
    }
    return r;
}

void MapView::setReadout(const MapReadout &readout)
{
    m_lastReadout = readout;
    Q_EMIT readoutChanged(m_lastReadout);
    fetchFileValue();
}

void MapView::fetchFileValue()
{
    const MapReadout &r = m_lastReadout;
    if (m_fileValueBusy || !r.valid || r.fileValueState != MapReadout::FileValue::Pending)
        return;
    m_fileValueBusy = true;
    const QString file = r.file;
    const int x = r.fileX, y = r.fileY;
    using Result = std::pair<bool, double>;
    auto *watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, file, x, y] {
        watcher->deleteLater();
        m_fileValueBusy = false;
        const Result result = watcher->result();
        m_haveFileValue = true;
        m_fileValueOk = result.first;
        m_fileValue = result.second;
        m_fileValueFile = file;
        m_fileValueX = x;
        m_fileValueY = y;
        MapReadout &last = m_lastReadout;
        if (last.valid && last.fileValueState == MapReadout::FileValue::Pending && last.file == file
            && last.fileX == x && last.fileY == y) {
            last.fileValueState = result.first ? MapReadout::FileValue::Ready : MapReadout::FileValue::Failed;
            last.fileValue = result.second;
            Q_EMIT readoutChanged(last);
        }
        fetchFileValue();  // the cursor may have moved on meanwhile
    });
    // A JPEG2000 file is decoded at full resolution on first use (about a second for 4096^2): the Io pool.
    watcher->setFuture(QtConcurrent::run(ThreadBudget::instance().pool(ThreadBudget::Pool::Io), [file, x, y]() {
        auto v = FileValue::at(file, x, y);
        return v ? Result{true, *v} : Result{false, std::numeric_limits<double>::quiet_NaN()};
    }));
}

void MapView::setLinkedCursor(bool visible, double tx, double ty)
{
    double x = 0, y = 0;
    const bool show = visible && m_map && m_map->wcs.isValid() && m_map->wcs.helioprojectiveToPixel(tx, ty, x, y);
    if (!show && !m_linkedCursorVisible)
        return;
    m_linkedCursorVisible = show;
    m_linkedCursorPixel = QPointF(x, y);
    update();
}

// ---- painting -----------------------------------------------------------------------------------------

void MapView::paintLayer(QPainter &painter, const RenderedMap &rendered, const QTransform &pixelToTarget, double zoom,
                         double opacity, int mapHeight) const
{
    if (rendered.isNull())
        return;
    (void)zoom;
    const double screenPerPixel = linearScale(pixelToTarget);
    const int level = rendered.levelFor(screenPerPixel);
    const QImage &img = rendered.pyramid[static_cast<size_t>(level)];
    const double f = double(1 << level);
    // Continuous QImage coordinates of this level -> map pixel coordinates (row 0 of the QImage is FITS
    // row height-1, pixel centres at half-integers).
    const QTransform imageToPixel(f, 0, 0, -f, -0.5, mapHeight - 0.5);
    const QTransform toTarget = imageToPixel * pixelToTarget;
    // Only the part of the image that lands on the target.
    const QRectF visible = toTarget.inverted().mapRect(QRectF(painter.clipBoundingRect().isEmpty()
                                                                  ? QRectF(painter.viewport())
                                                                  : painter.clipBoundingRect()));
    QRectF source = visible.adjusted(-1, -1, 1, 1).intersected(QRectF(0, 0, img.width(), img.height()));
    source = QRectF(QPointF(std::floor(source.left()), std::floor(source.top())),
                    QPointF(std::ceil(source.right()), std::ceil(source.bottom())));
    if (source.isEmpty())
        return;
    painter.save();
    painter.setOpacity(opacity);
    painter.setRenderHint(QPainter::SmoothPixmapTransform, screenPerPixel * f < 0.999);
    painter.setTransform(toTarget);
    painter.drawImage(source, img, source);
    painter.restore();
}

bool MapView::isComparisonReady() const { return m_compare.map && !m_compare.rendered.isNull(); }

bool MapView::isBlinkOnComparison() const
{
    return m_compareMode == CompareMode::Blink && m_blinkShowsComparison && isComparisonReady();
}

std::shared_ptr<const SdoMap> MapView::shownMap() const
{
    // The same rule paintScene draws by.
    return isBlinkOnComparison() ? m_compare.map : m_map;
}

QString MapView::shownValueLabel() const
{
    const auto shown = shownMap();
    return shown ? valueLabel(shown->meta) : QString();
}

void MapView::paintScene(QPainter &painter, const QRectF &target, const QRectF &mapRect, const QTransform &toTarget,
                         double zoom, bool withOverlays, bool interactive) const
{
    painter.fillRect(target, kBackground);
    if (!m_map)
        return;
    const int h = m_map->image.height;
    const bool compareReady = isComparisonReady();
    const bool blinkOnComparison = isBlinkOnComparison();
    // The map stays in its area: the strips beside it (colour bar, axis labels) never show data under them.
    painter.save();
    painter.setClipRect(mapRect, Qt::IntersectClip);
    if (!blinkOnComparison)
        paintLayer(painter, m_base.rendered, toTarget, zoom, 1.0, h);
    if (compareReady && m_compareMode != CompareMode::None) {
        const QTransform cmpToTarget = m_compareToBase * toTarget;
        if (m_compareMode == CompareMode::Overlay)
            paintLayer(painter, m_compare.rendered, cmpToTarget, zoom, m_compareOpacity, m_compare.map->image.height);
        else if (blinkOnComparison)
            paintLayer(painter, m_compare.rendered, cmpToTarget, zoom, 1.0, m_compare.map->image.height);
    }
    painter.restore();
    if (!withOverlays)
        return;
    OverlayContext ctx;
    ctx.map = m_map.get();
    ctx.rendered = blinkOnComparison ? &m_compare.rendered : &m_base.rendered;
    ctx.pixelToWidget = toTarget;
    ctx.widgetRect = target;
    ctx.mapRect = mapRect;
    ctx.zoom = zoom;
    ctx.title = blinkOnComparison ? defaultTitleOf(*m_compare.map) : title();
    ctx.valueLabel = shownValueLabel();
    ctx.interactive = interactive;
    for (const auto &layer : m_overlays) {
        if (!layer->isVisible())
            continue;
        painter.save();
        // Lines on the map stay on it; labels and the layers with margins use the whole view.
        if (layer->clipsToMap())
            painter.setClipRect(mapRect, Qt::IntersectClip);
        layer->paint(painter, ctx);
        painter.restore();
    }
}

void MapView::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setClipRect(rect());
    // The selected view (what the Display dock and the exports act on) wears a frame; never exported.
    auto paintSelection = [&] {
        if (!m_selected)
            return;
        painter.setRenderHint(QPainter::Antialiasing, false);
        painter.setBrush(Qt::NoBrush);
        painter.setPen(QPen(palette().color(QPalette::Active, QPalette::Highlight), 3));
        painter.drawRect(QRectF(rect()).adjusted(1.5, 1.5, -1.5, -1.5));
    };
    if (!m_map) {
        // An empty view says why when the caller set a title ("171 Å: no data within ±6 min").
        painter.fillRect(rect(), kBackground);
        painter.setPen(QColor(160, 160, 160));
        painter.drawText(rect().adjusted(8, 8, -8, -8), Qt::AlignCenter | Qt::TextWordWrap,
                         m_title.isEmpty() ? tr("No map") : m_title);
        paintSelection();
        return;
    }
    paintScene(painter, QRectF(rect()), mapArea(), pixelToWidget(), m_zoom, true, true);
    if (m_base.rendered.isNull()) {
        painter.setPen(QColor(160, 160, 160));
        painter.drawText(mapArea(), Qt::AlignCenter, tr("Rendering\u2026"));
    }
    if (m_linkedCursorVisible) {
        const QPointF c = mapToWidget(m_linkedCursorPixel);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(QColor(0, 255, 255, 220), 1.0));
        painter.drawLine(c + QPointF(-10, 0), c + QPointF(-3, 0));
        painter.drawLine(c + QPointF(3, 0), c + QPointF(10, 0));
        painter.drawLine(c + QPointF(0, -10), c + QPointF(0, -3));
        painter.drawLine(c + QPointF(0, 3), c + QPointF(0, 10));
    }
    paintSelection();
}

}  // namespace solarchip
