// core/map/Contours (the HMI contours drawn over AIA): a cell by hand, a saddle split by its mean, NaN cells left
// out, and a real HMI magnetogram (area-averaged to 256 px, off-disk pixels set to 0) at +-100 G and +-500 G
// against scikit-image's find_contours on the same pixels (tests/reference/contour_points.py): every crossing
// found here is one of skimage's vertices and every vertex of skimage's is found here (both to 1e-4 px).
#include "core/map/Contours.h"
#include "core/map/Prep.h"
#include "core/map/SdoMap.h"

#include "TestSupport.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace solarchip;

namespace {

// A point snapped to 1e-4 px, as a hashable key.
QPair<qint64, qint64> key(QPointF p) { return {std::llround(p.x() * 1e4), std::llround(p.y() * 1e4)}; }

bool near(QPointF a, QPointF b) { return std::abs(a.x() - b.x()) < 1e-9 && std::abs(a.y() - b.y()) < 1e-9; }

bool sameSegment(const QLineF &s, QPointF a, QPointF b)
{
    return (near(s.p1(), a) && near(s.p2(), b)) || (near(s.p1(), b) && near(s.p2(), a));
}

}  // namespace

class TestContours : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void oneCellByHand()
    {
        // Corners (0,0)=0, (1,0)=1, (1,1)=3, (0,1)=2; level 1.5 crosses the right edge a quarter up from 1 to 3
        // and the left edge a quarter down from 2 to 0.
        Image img(2, 2);
        img.pixels = {0, 1, 2, 3};
        const auto s = contourSegments(img, 1.5);
        QCOMPARE(s.size(), std::size_t(1));
        QVERIFY(sameSegment(s[0], QPointF(1, 0.25), QPointF(0, 0.75)));
        QVERIFY(contourSegments(img, 5).empty());
        QVERIFY(contourSegments(img, -1).empty());
    }

    void saddleSplitByItsMean()
    {
        // Diagonal corners high: (0,0)=1, (1,1)=1; the others 0. Level 0.4 < mean 0.5: the centre is high, the
        // two low corners are cut off alone.
        Image img(2, 2);
        img.pixels = {1, 0, 0, 1};
        const auto low = contourSegments(img, 0.4);
        QCOMPARE(low.size(), std::size_t(2));
        // corner (1,0) cut off by the crossings on its two edges, 0.6 of the way from the high corners
        QVERIFY(sameSegment(low[0], QPointF(0.6, 0), QPointF(1, 0.4)) || sameSegment(low[1], QPointF(0.6, 0), QPointF(1, 0.4)));
        // Level 0.6 > mean: the high corners are cut off alone, corner (0,0) by (0.4, 0) and (0, 0.4).
        const auto high = contourSegments(img, 0.6);
        QCOMPARE(high.size(), std::size_t(2));
        QVERIFY(sameSegment(high[0], QPointF(0, 0.4), QPointF(0.4, 0)) || sameSegment(high[1], QPointF(0, 0.4), QPointF(0.4, 0)));
    }

    void nanCellsGiveNothing()
    {
        Image img(3, 2);
        img.pixels = {0, 2, 0, 0, 2, std::nanf("")};
        // Left cell crossed twice (a line down x = 0.5); the right cell has a NaN corner.
        const auto s = contourSegments(img, 1);
        QCOMPARE(s.size(), std::size_t(1));
        QVERIFY(sameSegment(s[0], QPointF(0.5, 0), QPointF(0.5, 1)));
    }

    void hmiMagnetogramMatchesScikitImage()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto map = SdoMap::load(test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits")));
        QVERIFY2(map, qPrintable(map.errorString()));
        auto small = Prep::downsample(std::move(*map), 256, 256);
        QVERIFY2(small, qPrintable(small.errorString()));
        Image img = small->image;
        for (float &v : img.pixels)
            if (!std::isfinite(v))
                v = 0;
        QTemporaryDir dir(test::scratchDir().path());
        const QString raw = dir.filePath(QStringLiteral("hmi.f32"));
        QFile f(raw);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(reinterpret_cast<const char *>(img.data()), static_cast<qint64>(img.size() * sizeof(float)));
        f.close();
        for (double level : {-500.0, -100.0, 100.0, 500.0}) {
            const auto ref = test::runPython(QStringLiteral("contour_points.py"),
                                             {raw, QString::number(img.width), QString::number(img.height),
                                              QString::number(level, 'g', 17)},
                                             120000);
            QVERIFY2(ref.exitCode == 0, ref.err.constData());
            QSet<QPair<qint64, qint64>> theirs, ours;
            for (const QJsonValue &p : test::parseJson(ref.out).object().value(QStringLiteral("points")).toArray())
                theirs << key(QPointF(p.toArray()[0].toDouble(), p.toArray()[1].toDouble()));
            const auto segments = contourSegments(img, level);
            for (const QLineF &s : segments)
                ours << key(s.p1()) << key(s.p2());
            QVERIFY2(segments.size() > 20, qPrintable(QString::number(segments.size())));
            QCOMPARE(ours.size(), theirs.size());
            QVERIFY(ours == theirs);
        }
    }
};

QTEST_MAIN(TestContours)
#include "tst_contours.moc"
