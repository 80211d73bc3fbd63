// widgets/ContourLayer: contours of one map carried onto a map on another grid through both WCS. The level-1 AIA
// file and the same map area-averaged 2x2 (core Prep::downsample): a pixel x of the full grid is x' = (x + 0.5) / 2
// - 0.5 on the half grid (closed form, both axes), which the fitted transform must give; a map of another kind
// (heliographic SHARP patch) gets no placement; the layer draws on a view of the half-size map where the lines
// of the full-size one fall.
#include "core/map/Prep.h"
#include "core/map/SdoMap.h"
#include "widgets/ContourLayer.h"
#include "widgets/MapView.h"

#include "TestSupport.h"

#include <QPainter>
#include <QTest>

#include <cmath>

using namespace solarchip;

class TestContourLayer : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void carriedOntoAHalfSizeGrid()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto full = SdoMap::load(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        QVERIFY2(full, qPrintable(full.errorString()));
        auto half = Prep::downsample(*full, full->image.width / 2, full->image.height / 2);
        QVERIFY2(half, qPrintable(half.errorString()));
        const ContourSet set = ContourSet::gridOf(*full);
        QVERIFY(set.sharesGridWith(*full));
        QVERIFY(!set.sharesGridWith(*half));
        QVERIFY(set.toPixelsOf(*full)->isIdentity());
        const auto t = set.toPixelsOf(*half);
        QVERIFY(t.has_value());
        for (QPointF p : {QPointF(0, 0), QPointF(17.3, 101.9), QPointF(127, 127), QPointF(64, 3.5)}) {
            const QPointF got = t->map(p);
            const QPointF want((p.x() + 0.5) / 2 - 0.5, (p.y() + 0.5) / 2 - 0.5);
            QVERIFY2(QLineF(got, want).length() < 1e-3,
                     qPrintable(QStringLiteral("(%1, %2) -> (%3, %4), want (%5, %6)")
                                    .arg(p.x()).arg(p.y()).arg(got.x()).arg(got.y()).arg(want.x()).arg(want.y())));
        }
    }

    void noPlacementOnAnotherKindOfMap()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto aia = SdoMap::load(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        auto sharp = SdoMap::load(test::sdoFile(QStringLiteral("fits/hmi.sharp_cea_720s.377.20110215_020000_TAI.Br.fits")));
        QVERIFY2(aia && sharp, qPrintable(aia.errorString() + sharp.errorString()));
        QVERIFY(!ContourSet::gridOf(*aia).toPixelsOf(*sharp).has_value());
    }

    void drawnWhereTheLinesFall()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto full = SdoMap::load(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        QVERIFY(full);
        auto half = Prep::downsample(*full, full->image.width / 2, full->image.height / 2);
        QVERIFY(half);
        // One red line across the full grid's row 80, from column 20 to 100: on the half grid, row 39.75.
        auto set = std::make_shared<ContourSet>(ContourSet::gridOf(*full));
        ContourSet::Level level;
        level.value = 500;
        level.colour = QColor(255, 0, 0);
        level.segments = {QLineF(20, 80, 100, 80)};
        set->levels.push_back(level);
        MapView view;
        view.resize(400, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        for (const QString &id : view.overlayIds())
            view.setOverlayVisible(id, false);
        view.setMap(std::make_shared<const SdoMap>(std::move(*half)));
        QVERIFY(view.waitForRender());
        auto layer = std::make_shared<ContourLayer>();
        layer->setContours(set);
        view.addOverlay(layer);
        view.setOverlayVisible(QStringLiteral("contours"), true);
        QVERIFY(layer->drawsOnCurrentMap());
        const QImage shot = view.grab().toImage();
        // The middle of the line, (60, 80) on the full grid, is (29.75, 39.75) on the half one.
        const QPointF mid = view.mapToWidget(QPointF(29.75, 39.75)) * shot.devicePixelRatio();
        const QColor c(shot.pixel(mid.toPoint()));
        QVERIFY2(c.red() > 180 && c.green() < 120, qPrintable(c.name()));
        // Two half-grid pixels above it, no line.
        const QPointF above = view.mapToWidget(QPointF(29.75, 41.75)) * shot.devicePixelRatio();
        const QColor d(shot.pixel(above.toPoint()));
        QVERIFY2(!(d.red() > 180 && d.green() < 120 && d.blue() < 120), qPrintable(d.name()));
    }
};

QTEST_MAIN(TestContourLayer)
#include "tst_contourlayer.moc"
