// The alignment view's widgets. AlignmentTimeline: the cursor line follows the current time (and the plot pans to
// keep it in view), a click asks for the nearest set's time, a drag does not, points are kept sorted and replaced
// by time. CellValueLayer: a cell drawn over a map covers exactly the map pixels whose helioprojective position
// the model frame puts in that cell, on the reference map itself (shown rescaled) and on a real HMI submap stored
// rolled by ~180 deg at another plate scale (shown north up): every changed pixel lies in the cell, and the
// cell's pixels are coloured.
#include "TestSupport.h"

#include "core/map/ModelFrame.h"
#include "core/map/PixelFrame.h"
#include "core/map/SdoMap.h"
#include "widgets/AlignmentTimeline.h"
#include "widgets/CellValueLayer.h"
#include "widgets/MapView.h"

#include <QCoreApplication>
#include <QSignalSpy>
#include <QTimeZone>
#include <QtTest>

#include <qcustomplot.h>

#include <cmath>

using namespace solarchip;

namespace {

const qint64 kDay = 86400000;
const qint64 kT0 = QDateTime(QDate(2011, 6, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();

QVector<AlignmentTimeline::Point> tenDays()
{
    QVector<AlignmentTimeline::Point> points;
    for (int i = 9; i >= 0; --i)  // given out of order
        points.push_back({kT0 + i * kDay, 0.5 + 0.01 * i, 0.1 * i});
    return points;
}

std::shared_ptr<const SdoMap> loadMap(const QString &relative)
{
    auto m = SdoMap::load(test::sdoFile(relative));
    if (!m.ok()) {
        qWarning("%s", qPrintable(m.errorString()));
        return nullptr;
    }
    return std::make_shared<const SdoMap>(std::move(m.value()));
}

struct Landing {
    int changed = 0;         // pixels of the map area the layer changed
    int changedInCell = 0;   // of those, pixels whose map position lies in the cell
    int cellPixels = 0;      // sampled map-area pixels inside the cell
    int cellChanged = 0;     // of those, changed
    int changedOffMap = 0;   // changed pixels beside the map's image (must be none)
};

// Renders `view` with the layer's values and without (the same margins: an empty value vector draws nothing) and
// classifies the map area's pixels by the cell the frame puts them in (through the shown map's WCS). Pixels
// within `edge` screen pixels of the cell's outline are left out: the outline is sampled and filled without
// antialiasing, so the border is a pixel either way.
Landing land(MapView &view, CellValueLayer &layer, const ModelFrame &frame, int cell, std::vector<float> values)
{
    layer.setValues({});
    const QImage plain = view.renderView(true);
    layer.setValues(std::move(values));
    const QImage drawn = view.renderView(true);
    Landing l;
    const QRectF area = view.mapArea();
    const QPolygonF outline = view.pixelToWidget().map(layer.cellPolygon(cell));
    auto nearOutline = [&](QPointF p) {
        for (int i = 0; i < outline.size(); ++i) {
            const QPointF a = outline[i], b = outline[(i + 1) % outline.size()];
            const QPointF ab = b - a;
            const double len2 = QPointF::dotProduct(ab, ab);
            const double t = len2 > 0 ? std::clamp(QPointF::dotProduct(p - a, ab) / len2, 0.0, 1.0) : 0.0;
            const QPointF d = p - (a + t * ab);
            if (std::hypot(d.x(), d.y()) < 2.0)
                return true;
        }
        return false;
    };
    for (int y = int(area.top()) + 1; y < int(area.bottom()) - 1; ++y)
        for (int x = int(area.left()) + 1; x < int(area.right()) - 1; ++x) {
            const QPointF centre(x + 0.5, y + 0.5);
            if (nearOutline(centre))
                continue;
            const QPointF mapPixel = view.widgetToMap(centre);
            const std::shared_ptr<const SdoMap> map = view.map();
            const bool changed = plain.pixel(x, y) != drawn.pixel(x, y);
            if (mapPixel.x() < -0.5 || mapPixel.y() < -0.5 || mapPixel.x() > map->image.width - 0.5
                || mapPixel.y() > map->image.height - 0.5) {
                l.changedOffMap += changed ? 1 : 0;
                continue;
            }
            const bool inCell = frame.cellIndex(frame.cellAtMapPixel(mapPixel, map->wcs)) == cell;
            l.changed += changed ? 1 : 0;
            l.changedInCell += changed && inCell ? 1 : 0;
            l.cellPixels += inCell ? 1 : 0;
            l.cellChanged += inCell && changed ? 1 : 0;
        }
    return l;
}

// The model frame's shape used here: a 64 px input in `grid` x `grid` cells.
ModelFrameSpec inputOf64(int grid)
{
    ModelFrameSpec spec;
    spec.resolution = 64;
    spec.gridSize = grid;
    return spec;
}

// A view of `map` at `size`, on screen and rendered.
bool showMap(MapView &view, std::shared_ptr<const SdoMap> map, QSize size)
{
    view.setAnimatedZoom(false);
    // The cells' pixels alone: the title and zoom labels are drawn over added layers and would hide some.
    view.setOverlayVisible(QStringLiteral("label"), false);
    view.resize(size);
    view.setMap(std::move(map));
    view.show();
    return QTest::qWaitForWindowExposed(&view) && view.waitForRender();
}

// A cell layer over the view for `frame` (cosines 0..1 on viridis, opaque), the map fitted to the view.
std::shared_ptr<CellValueLayer> addCellLayer(MapView &view, const ModelFrame &frame)
{
    auto layer = std::make_shared<CellValueLayer>(QStringLiteral("alignment"));
    layer->setFrame(std::make_shared<const ModelFrame>(frame));
    layer->setScale(0.0, 1.0, QStringLiteral("viridis"), false, QStringLiteral("cosine"));
    layer->setOpacity(1.0);
    view.addOverlay(layer);
    view.fitToWindow();
    return layer;
}

}  // namespace

class TestAlignmentWidgets : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void timelineKeepsPointsSortedByTime();
    void cursorFollowsTheCurrentTime();
    void clickAsksForTheNearestSet();
    void dragDoesNotJump();
    void layerScaleColours();
    void cellLandsOnItsPixelsOnTheReferenceMap();
    void cellLandsOnItsPixelsOnARolledSubmap();
    void outlinesComeOffTheUiThreadWithoutBlanking();
};

void TestAlignmentWidgets::timelineKeepsPointsSortedByTime()
{
    AlignmentTimeline t;
    t.setPoints(tenDays());
    QCOMPARE(t.points().size(), 10);
    for (int i = 1; i < t.points().size(); ++i)
        QVERIFY(t.points()[i - 1].timeMs < t.points()[i].timeMs);
    t.addPoint({kT0 + 3 * kDay, 0.9, 1.0});  // replaces the point of that time
    QCOMPARE(t.points().size(), 10);
    QCOMPARE(t.points()[3].fractionRank1, 1.0);
    t.addPoint({kT0 + 3 * kDay + kDay / 2, 0.2, 0.0});  // a new time goes in its place
    QCOMPARE(t.points().size(), 11);
    QCOMPARE(t.points()[4].timeMs, kT0 + 3 * kDay + kDay / 2);
    QCOMPARE(t.plot()->graph(0)->dataCount(), 11);
    QCOMPARE(t.nearestPoint(kT0 + 3 * kDay + kDay / 3), 4);
    QCOMPARE(t.nearestPoint(kT0 - kDay), 0);
    QCOMPARE(t.nearestPoint(kT0 + 100 * kDay), 10);
    t.setMessage(QStringLiteral("run solarchip embed"));
    QCOMPARE(t.message(), QStringLiteral("run solarchip embed"));
    t.clear();
    QCOMPARE(t.points().size(), 0);
    QCOMPARE(t.nearestPoint(kT0), -1);
}

void TestAlignmentWidgets::cursorFollowsTheCurrentTime()
{
    AlignmentTimeline t;
    t.resize(900, 260);
    t.show();
    QVERIFY(QTest::qWaitForWindowExposed(&t));
    t.setPoints(tenDays());
    QVERIFY(std::isnan(t.cursorX()));
    const QDateTime at = QDateTime::fromMSecsSinceEpoch(kT0 + 4 * kDay, QTimeZone::utc());
    t.setCurrentTime(at);
    QCOMPARE(t.currentTime(), at);
    QVERIFY(std::abs(t.cursorX() - t.xAtTime(kT0 + 4 * kDay)) < 1e-6);
    const double x4 = t.cursorX();
    QCoreApplication::processEvents();  // the plot drawn whole with the cursor at day 4
    t.setCurrentTime(at.addDays(2));
    QVERIFY2(t.cursorX() > x4 + 10, qPrintable(QStringLiteral("%1 vs %2").arg(t.cursorX()).arg(x4)));
    // On screen (a step redraws the cursor's layer alone): the red line is drawn at its new place down the whole
    // plot area, and nothing of it is left at the old one.
    QCoreApplication::processEvents();
    const QImage shown = t.plot()->grab().toImage();
    const QRect area = t.plot()->axisRect()->rect();
    auto cursorRows = [&](double x) {
        int n = 0;
        const int col = int(std::lround(x - t.plot()->x()));
        for (int y = area.top() + 2; y < area.bottom() - 2; ++y) {
            const QColor c = shown.pixelColor(col, y);
            n += c.red() > 150 && c.green() < 90 && c.blue() < 90;
        }
        return n;
    };
    QVERIFY2(cursorRows(t.cursorX()) > (area.height() - 4) * 9 / 10,
             qPrintable(QStringLiteral("%1 of %2 rows").arg(cursorRows(t.cursorX())).arg(area.height() - 4)));
    QCOMPARE(cursorRows(x4), 0);
    // The line item sits at the time in plot coordinates.
    // A time outside the visible range pans the plot to it, keeping the zoom.
    const qint64 span = t.viewTo() - t.viewFrom();
    const QDateTime far = QDateTime::fromMSecsSinceEpoch(kT0 + 60 * kDay, QTimeZone::utc());
    t.setCurrentTime(far);
    QVERIFY(t.viewFrom() <= far.toMSecsSinceEpoch() && far.toMSecsSinceEpoch() <= t.viewTo());
    QVERIFY(std::abs((t.viewTo() - t.viewFrom()) - span) < 1000);
    const QRect plotArea = t.plot()->axisRect()->rect().translated(t.plot()->pos());
    QVERIFY(t.cursorX() >= plotArea.left() && t.cursorX() <= plotArea.right());
}

void TestAlignmentWidgets::clickAsksForTheNearestSet()
{
    AlignmentTimeline t;
    t.resize(900, 260);
    t.show();
    QVERIFY(QTest::qWaitForWindowExposed(&t));
    t.setPoints(tenDays());
    QSignalSpy asked(&t, &AlignmentTimeline::timeRequested);
    // A click a third of a day after day 6 asks for day 6's set.
    const double x = t.xAtTime(kT0 + 6 * kDay + kDay / 3) - t.plot()->x();
    const int y = t.plot()->axisRect()->rect().center().y();
    QTest::mouseClick(t.plot(), Qt::LeftButton, Qt::NoModifier, QPoint(int(std::lround(x)), y));
    QCOMPARE(asked.count(), 1);
    QCOMPARE(asked.at(0).at(0).toDateTime().toMSecsSinceEpoch(), kT0 + 6 * kDay);
    // The owner moves the current time there: the cursor follows.
    t.setCurrentTime(asked.at(0).at(0).toDateTime());
    QVERIFY(std::abs(t.cursorX() - t.xAtTime(kT0 + 6 * kDay)) < 1e-6);
    // Without points a click asks for the time under it.
    t.clear();
    t.setCurrentTime(QDateTime::fromMSecsSinceEpoch(kT0, QTimeZone::utc()));
    const qint64 wanted = (t.viewFrom() + t.viewTo()) / 2;
    const double xm = t.xAtTime(wanted) - t.plot()->x();
    QTest::mouseClick(t.plot(), Qt::LeftButton, Qt::NoModifier, QPoint(int(std::lround(xm)), y));
    QCOMPARE(asked.count(), 2);
    const qint64 msPerPixel = (t.viewTo() - t.viewFrom()) / t.plot()->axisRect()->width();
    QVERIFY(std::abs(asked.at(1).at(0).toDateTime().toMSecsSinceEpoch() - wanted) <= msPerPixel);
}

void TestAlignmentWidgets::dragDoesNotJump()
{
    AlignmentTimeline t;
    t.resize(900, 260);
    t.show();
    QVERIFY(QTest::qWaitForWindowExposed(&t));
    t.setPoints(tenDays());
    QSignalSpy asked(&t, &AlignmentTimeline::timeRequested);
    const QPoint from = t.plot()->axisRect()->rect().center();
    const qint64 before = t.viewFrom();
    QTest::mousePress(t.plot(), Qt::LeftButton, Qt::NoModifier, from);
    QMouseEvent move(QEvent::MouseMove, QPointF(from + QPoint(80, 0)), t.plot()->mapToGlobal(QPointF(from + QPoint(80, 0))),
                     Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(t.plot(), &move);
    QTest::mouseRelease(t.plot(), Qt::LeftButton, Qt::NoModifier, from + QPoint(80, 0));
    QCOMPARE(asked.count(), 0);
    QVERIFY2(t.viewFrom() < before, "the drag panned the time axis back");
}

void TestAlignmentWidgets::layerScaleColours()
{
    CellValueLayer layer(QStringLiteral("alignment"));
    QCOMPARE(layer.id(), QStringLiteral("alignment"));
    layer.setScale(0.0, 1.0, QStringLiteral("viridis"), false, QStringLiteral("cosine"));
    const Colormap viridis = Colormap::byName(QStringLiteral("viridis"));
    QCOMPARE(layer.colourOf(0.0).rgba(), viridis.map(0.0));
    QCOMPARE(layer.colourOf(1.0).rgba(), viridis.map(1.0));
    QCOMPARE(layer.colourOf(-3.0).rgba(), viridis.map(0.0));  // clipped
    QCOMPARE(layer.colourOf(std::nan("")).alpha(), 0);
    // Ranks on a log scale from 1 to 100: rank 10 is half way.
    layer.setScale(1.0, 100.0, QStringLiteral("viridis_r"), true, QStringLiteral("rank"));
    QCOMPARE(layer.colourOf(10.0).rgba(), Colormap::byName(QStringLiteral("viridis_r")).map(0.5));
    QCOMPARE(layer.colourOf(1.0).rgba(), viridis.map(1.0));
}

void TestAlignmentWidgets::cellLandsOnItsPixelsOnTheReferenceMap()
{
    SOLARCHIP_REQUIRE_SDO();
    const auto map = loadMap(QStringLiteral("fits/aia_171_level1.fits"));  // 128 x 128 full disk
    QVERIFY(map);
    auto frame = ModelFrame::forReference(*map, inputOf64(8));
    QVERIFY2(frame.ok(), qPrintable(frame.errorString()));
    MapView view;
    QVERIFY(showMap(view, map, QSize(520, 560)));  // rescaled: ~3.5 screen pixels per map pixel
    const auto layer = addCellLayer(view, *frame);
    for (int cell : {8 * 3 + 5, 8 * 6 + 1}) {
        std::vector<float> values(64, std::nanf(""));
        values[static_cast<std::size_t>(cell)] = 0.5f;
        const Landing l = land(view, *layer, *frame, cell, values);
        QVERIFY2(l.changed > 200, qPrintable(QString::number(l.changed)));
        QCOMPARE(l.changedInCell, l.changed);
        QCOMPARE(l.changedOffMap, 0);
        QCOMPARE(l.cellChanged, l.cellPixels);
        QCOMPARE(layer->cellAtMapPixel(frame->inputPixelToMapPixel(frame->cellCentrePixel(frame->cellOfIndex(cell)), map->wcs).value()),
                 cell);
    }
}

void TestAlignmentWidgets::cellLandsOnItsPixelsOnARolledSubmap()
{
    SOLARCHIP_REQUIRE_SDO();
    // The frame of the full-disk AIA map (16 x 16 cells of ~77"), shown over an HMI submap stored rolled by
    // 179.93 deg at 0.504"/px: the cell under the submap's centre, drawn through the submap's own WCS.
    auto reference = PixelFrame::fromFile(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
    QVERIFY2(reference.ok(), qPrintable(reference.errorString()));
    auto frame = ModelFrame::forReference(*reference, inputOf64(16));
    QVERIFY2(frame.ok(), qPrintable(frame.errorString()));
    const auto hmi = loadMap(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"));
    QVERIFY(hmi);
    QVERIFY(std::abs(hmi->meta.crota2 - 179.93) < 0.01);
    MapView view;
    QVERIFY(showMap(view, hmi, QSize(500, 540)));
    QVERIFY(std::abs(view.displayRotation()) > 170);  // shown north up: turned by the roll
    const auto layer = addCellLayer(view, *frame);
    const int cell = frame->cellIndex(frame->cellAtMapPixel(QPointF(247, 248), hmi->wcs));
    QVERIFY(cell >= 0);
    std::vector<float> values(256, std::nanf(""));
    values[static_cast<std::size_t>(cell)] = 0.5f;
    const Landing l = land(view, *layer, *frame, cell, values);
    QVERIFY2(l.changed > 500, qPrintable(QString::number(l.changed)));
    QCOMPARE(l.changedInCell, l.changed);
    QCOMPARE(l.cellChanged, l.cellPixels);
    QCOMPARE(l.changedOffMap, 0);
    // A neighbour cell that the submap also shows: the same.
    const int other = frame->cellIndex(frame->cellAtMapPixel(QPointF(30, 450), hmi->wcs));
    if (other >= 0 && other != cell) {
        std::vector<float> v(256, std::nanf(""));
        v[static_cast<std::size_t>(other)] = 0.5f;
        const Landing o = land(view, *layer, *frame, other, v);
        QVERIFY(o.changed > 50);
        QCOMPARE(o.changedInCell, o.changed);
        QCOMPARE(o.cellChanged, o.cellPixels);
    }
}

// The outlines of a layer shown in a view are computed on the render pool: the view counts them as a render in
// flight until they arrive, the screen then shows what an image of the view (computed at once) shows, and a new
// map keeps the previous outlines on screen until its own arrive, so stepping does not blank the cells.
void TestAlignmentWidgets::outlinesComeOffTheUiThreadWithoutBlanking()
{
    SOLARCHIP_REQUIRE_SDO();
    const auto map = loadMap(QStringLiteral("fits/aia_171_level1.fits"));
    QVERIFY(map);
    auto frame = ModelFrame::forReference(*map, inputOf64(8));
    QVERIFY2(frame.ok(), qPrintable(frame.errorString()));
    MapView view;
    QVERIFY(showMap(view, map, QSize(420, 460)));
    auto layer = addCellLayer(view, *frame);
    QVERIFY(view.waitForRender());
    QVERIFY(!layer->isGeometryPending());  // no values, nothing to outline

    std::vector<float> values(64);
    for (std::size_t i = 0; i < values.size(); ++i)
        values[i] = float(i) / 63.0f;
    QSignalSpy finished(&view, &MapView::renderFinished);
    layer->setValues(values);
    QVERIFY(layer->isGeometryPending());  // handed to the render pool, not computed here
    QVERIFY(view.isRenderPending());
    QVERIFY(view.waitForRender());
    QVERIFY(!layer->isGeometryPending());
    QVERIFY(finished.count() >= 1);
    const QImage exported = view.renderView(true).convertToFormat(QImage::Format_RGB32);
    const QImage screen = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
    QCOMPARE(screen.size(), exported.size());
    auto differing = [](const QImage &a, const QImage &b) {
        int n = 0;
        for (int y = 0; y < a.height(); ++y)
            for (int x = 0; x < a.width(); ++x)
                n += a.pixel(x, y) != b.pixel(x, y) ? 1 : 0;
        return n;
    };
    QCOMPARE(differing(screen, exported), 0);
    const QImage plain = [&] {
        layer->setValues({});
        QImage i = view.grab().toImage().convertToFormat(QImage::Format_RGB32);
        layer->setValues(values);
        return i;
    }();
    QVERIFY2(differing(plain, screen) > 5000, "the cells were drawn");

    // The next map (here the same pixels and pointing as a new map object, as a step to the next set of a still
    // pointing gives): its outlines are being made, and the screen still shows the cells meanwhile.
    view.setMap(std::make_shared<const SdoMap>(*map));
    QVERIFY(layer->isGeometryPending());
    QCOMPARE(differing(view.grab().toImage().convertToFormat(QImage::Format_RGB32), screen), 0);
    QVERIFY(view.waitForRender());
    QCOMPARE(differing(view.grab().toImage().convertToFormat(QImage::Format_RGB32), screen), 0);

    // A layer taken off its view while its outlines are being made: the result is dropped, nothing breaks.
    view.setMap(std::make_shared<const SdoMap>(*map));
    QVERIFY(layer->isGeometryPending());
    view.removeOverlay(layer->id());
    layer.reset();
    QTest::qWait(200);
    QVERIFY(view.waitForRender());
}

QTEST_MAIN(TestAlignmentWidgets)
#include "tst_alignmentwidgets.moc"
