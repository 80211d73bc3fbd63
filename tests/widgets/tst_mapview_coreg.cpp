// HMI shown co-registered with an AIA-like frame: the real HMI magnetogram (stored ~180 deg rotated at
// 0.504"/px) resampled by core's Prep into a north-up 0.6"/px frame, next to the raw file in a linked view
// and as a blink/blend partner in one view. Both routes put the same field on the same screen pixels
// (north up from the WCS, world-linked zoom), which the screenshots must show; a 3-pixel shift of one
// of them must show up as a much larger difference (the comparison is sensitive).

#include "core/map/Prep.h"
#include "core/map/SdoMap.h"
#include "widgets/MapView.h"
#include "widgets/ViewLink.h"

#include "TestSupport.h"

#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

// Mean absolute grey difference over pixels where both images show data (not the black background).
double meanDifference(const QImage &a, const QImage &b, int *count = nullptr)
{
    double sum = 0;
    int n = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const QRgb pa = a.pixel(x, y), pb = b.pixel(x, y);
            if ((pa & 0xffffff) == 0 || (pb & 0xffffff) == 0)
                continue;
            sum += std::abs(qGray(pa) - qGray(pb));
            ++n;
        }
    if (count)
        *count = n;
    return n ? sum / n : 1e9;
}

}  // namespace

class TestMapViewCoreg : public QObject {
    Q_OBJECT

    std::shared_ptr<const SdoMap> m_raw, m_prepped;

private Q_SLOTS:
    void initTestCase()
    {
        if (solarchip::test::sdoDir().isEmpty())
            return;
        auto raw = SdoMap::load(solarchip::test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits")));
        QVERIFY2(raw.ok(), qPrintable(raw.errorString()));
        QVERIFY(std::fabs(raw->meta.crota2 - 179.93) < 0.01);
        PrepOptions o;
        o.scale = 0.6;  // AIA's plate scale
        auto frame = Prep::level15Frame(raw.value(), o);
        QVERIFY2(frame.ok(), qPrintable(frame.errorString()));
        auto prepped = Prep::toFrame(raw.value(), frame.value());
        QVERIFY2(prepped.ok(), qPrintable(prepped.errorString()));
        m_raw = std::make_shared<const SdoMap>(std::move(raw.value()));
        m_prepped = std::make_shared<const SdoMap>(std::move(prepped.value()));
    }

    void linkedViewsShowTheSameSun()
    {
        SOLARCHIP_REQUIRE_SDO();
        MapView a, b;
        for (MapView *v : {&a, &b}) {
            v->resize(320, 320);
            v->show();
            QVERIFY(QTest::qWaitForWindowExposed(v));
            v->setOverlayVisible(QStringLiteral("label"), false);
        }
        a.setMap(m_prepped);
        b.setMap(m_raw);
        QCOMPARE(a.displayRotation(), 0.0);
        QVERIFY(std::fabs(std::fabs(b.displayRotation()) - 179.93) < 0.01);
        ViewLink link;
        link.addView(&a);
        link.addView(&b);
        a.setZoom(1.5);
        a.setCentre(QPointF(m_prepped->image.width * 0.45, m_prepped->image.height * 0.55));
        QVERIFY(a.waitForRender() && b.waitForRender());
        QVERIFY(std::fabs(b.zoom() / a.zoom() - 0.504228 / 0.6) < 1e-3);  // same arcsec per screen pixel
        const QImage ia = a.grab().toImage(), ib = b.grab().toImage();
        int n = 0;
        const double aligned = meanDifference(ia, ib, &n);
        // The control: the raw view three screen pixels off.
        b.panBy(QPointF(3, 0));
        const double shifted = meanDifference(ia, b.grab().toImage());
        qInfo("mean |grey difference|: aligned %.2f over %d px, shifted by 3 px %.2f", aligned, n, shifted);
        QVERIFY(n > 50000);
        QVERIFY(aligned < 4.0);
        QVERIFY(shifted > 2.5 * aligned);
    }

    void blinkAndBlendInOneView()
    {
        SOLARCHIP_REQUIRE_SDO();
        MapView view;
        view.resize(320, 320);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setOverlayVisible(QStringLiteral("label"), false);
        view.setMap(m_prepped);
        view.setComparisonMap(m_raw);  // placed through both WCSs
        view.setCompareMode(MapView::CompareMode::Blink);
        view.setBlinkInterval(100000);
        view.setZoom(1.5);
        QVERIFY(view.waitForRender());
        view.setShowingComparison(false);
        const QImage prepped = view.grab().toImage();
        view.setShowingComparison(true);
        const QImage raw = view.grab().toImage();
        const double d = meanDifference(prepped, raw);
        qInfo("blink: mean |grey difference| prepped vs raw = %.2f", d);
        QVERIFY(d < 4.0);
        // Blending the two at 50 % gives (nearly) the same picture again.
        view.setCompareMode(MapView::CompareMode::Overlay);
        view.setComparisonOpacity(0.5);
        QVERIFY(meanDifference(prepped, view.grab().toImage()) < 3.0);
    }
};

QTEST_MAIN(TestMapViewCoreg)
#include "tst_mapview_coreg.moc"
