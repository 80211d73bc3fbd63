// Display preparation on the real files (issue 9, items 3 and 5): a map smaller than the display size is shown
// at its own size (the 410x410 Helioviewer file whose header says 4096x4096), a Carrington CEA SHARP patch is
// never pushed through a helioprojective co-registration, and every display map knows which pixel of its file
// each of its pixels is (FilePixels), with the file's own value readable there (FileValue). References come from
// astropy and glymur at run time (tests/reference/frames_reference.py).
#include "TestSupport.h"

#include "core/archive/DisplayPrep.h"
#include "core/map/FileValue.h"
#include "core/map/FilePixels.h"
#include "core/map/MapFile.h"
#include "core/map/SdoMap.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {
const QString kAia410 = QStringLiteral("jp2/2013_06_24__17_31_30_84__SDO_AIA_AIA_193.jp2");
const QString kAia304 = QStringLiteral("jp2/2024_04_16__11_15_41_129__SDO_AIA_AIA_304.jp2");
const QString kSharpBr = QStringLiteral("fits/hmi.sharp_cea_720s.377.20110215_020000_TAI.Br.fits");
const QString kAiaCutout = QStringLiteral("fits/aia_171_cutout.fits");
}  // namespace

class TestFilePixels : public QObject {
    Q_OBJECT
    QJsonObject m_ref;

private slots:
    void initTestCase()
    {
        if (test::sdoDir().isEmpty())
            return;
        const auto py = test::runPython(QStringLiteral("frames_reference.py"), {test::sdoDir()}, 300000);
        QVERIFY2(py.exitCode == 0, py.err.constData());
        m_ref = test::parseJson(py.out).object();
        QVERIFY(!m_ref.isEmpty());
    }

    // Closed forms of the mapping: block averaging by 4 puts output pixel q on input (q + 0.5) 4 - 0.5; a
    // composition applies the inner grid change first.
    void filePixelsClosedForms()
    {
        const FilePixels id = FilePixels::identity(QStringLiteral("f.fits"), 100, 80);
        QVERIFY(id.isIdentity());
        const FilePixels avg = id.afterAreaAverage(100, 80, 25, 20);
        QVERIFY(!avg.isIdentity());
        double fx = 0, fy = 0;
        avg.toFile(0, 0, fx, fy);
        QCOMPARE(fx, 1.5);
        QCOMPARE(fy, 1.5);
        avg.toFile(10, 3, fx, fy);
        QCOMPARE(fx, 41.5);
        QCOMPARE(fy, 13.5);
        int ix = 0, iy = 0;
        QVERIFY(avg.nearestFilePixel(24.4, 19.4, ix, iy));  // 24.4 -> 99.1, 19.4 -> 79.1
        QCOMPARE(ix, 99);
        QCOMPARE(iy, 79);
        QVERIFY(!avg.nearestFilePixel(25, 0, ix, iy));  // 101.5: outside the file
        // Twice by 2 is once by 4.
        const FilePixels twice = id.afterAreaAverage(100, 80, 50, 40).afterAreaAverage(50, 40, 25, 20);
        twice.toFile(10, 3, fx, fy);
        QCOMPARE(fx, 41.5);
        QCOMPARE(fy, 13.5);
    }

    // "cannot downsample 410x410 to a larger 1024x1024": the catalogue's size for a Helioviewer file can be
    // larger than its image; the map is then shown at its own size, not refused.
    void smallJp2IsShownAtItsOwnSize()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString path = test::sdoFile(kAia410);
        for (const QString &prep : {QStringLiteral("ds:1024x1024"), QStringLiteral("ds:2048x2048"), QString()}) {
            auto map = loadDisplayMap(MapKey{path, prep});
            QVERIFY2(map, map ? "" : qPrintable(map.error().toString()));
            QCOMPARE(map->image.width, 410);
            QCOMPARE(map->image.height, 410);
            QVERIFY(map->filePixels.isIdentity());
            QCOMPARE(map->filePixels.width, 410);
        }
        // Smaller display sizes still reduce it: wavelet level 1 gives 205x205, whose pixel (x, y) is file pixel
        // (2x, 2y + 409 - 2 * 204) (the low-pass sample sits on every second row counted from the top).
        auto small = loadDisplayMap(MapKey{path, QStringLiteral("ds:256x256")});
        QVERIFY2(small, small ? "" : qPrintable(small.error().toString()));
        QCOMPARE(small->image.width, 205);
        double fx = 0, fy = 0;
        small->filePixels.toFile(100, 50, fx, fy);
        QCOMPARE(fx, 200.0);
        QCOMPARE(fy, 101.0);
        // Any display size the catalogue may ask for: never an error.
        auto odd = loadDisplayMap(MapKey{path, QStringLiteral("ds:1024x512")});
        QVERIFY2(odd, odd ? "" : qPrintable(odd.error().toString()));
        QVERIFY(odd->image.width <= 410);
    }

    // A Carrington CEA patch in a set with AIA maps is not put onto the AIA grid (that drew it as a skewed
    // helioprojective quadrilateral, or failed with "invalid output size 1x0"): it stays in its own projection.
    void ceaIsNeverCoRegistered()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString path = test::sdoFile(kSharpBr);
        const QString aia = test::sdoFile(kAiaCutout);
        for (const QString &ref : {aia, path}) {
            auto map = loadDisplayMap(MapKey{path, DisplayPrep{DisplayPrep::Kind::IntoFrameOf, 769, 705, ref}.toKey()});
            QVERIFY2(map, map ? "" : qPrintable(map.error().toString()));
            QCOMPARE(map->image.width, 744);
            QCOMPARE(map->image.height, 377);
            QCOMPARE(map->meta.ctype1, QStringLiteral("CRLN-CEA"));
            QCOMPARE(map->wcs.kind(), Wcs::Kind::Carrington);
            QVERIFY(map->filePixels.isIdentity());
        }
    }

    // The WCS of a CEA patch gives astropy's Carrington lon/lat at every checked pixel.
    void ceaWorldMatchesAstropy()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QJsonObject cea = m_ref.value(QStringLiteral("cea")).toObject();
        QCOMPARE(cea.size(), 4);
        for (auto it = cea.begin(); it != cea.end(); ++it) {
            auto map = loadDisplayMap(MapKey{test::sdoFile(QStringLiteral("fits/") + it.key()), QString()});
            QVERIFY2(map, map ? "" : qPrintable(map.error().toString()));
            const QJsonObject r = it.value().toObject();
            QCOMPARE(map->image.width, r.value(QStringLiteral("width")).toInt());
            QCOMPARE(map->image.height, r.value(QStringLiteral("height")).toInt());
            for (const QJsonValue &v : r.value(QStringLiteral("points")).toArray()) {
                const QJsonObject p = v.toObject();
                const int x = p.value(QStringLiteral("x")).toInt(), y = p.value(QStringLiteral("y")).toInt();
                double lon = 0, lat = 0;
                QVERIFY(map->wcs.pixelToWorld(x, y, lon, lat));
                QVERIFY2(std::abs(lon - p.value(QStringLiteral("lon")).toDouble()) < 1e-6,
                         qPrintable(QStringLiteral("%1 (%2,%3) lon %4 vs astropy %5").arg(it.key()).arg(x).arg(y)
                                        .arg(lon, 0, 'f', 6).arg(p.value(QStringLiteral("lon")).toDouble(), 0, 'f', 6)));
                QVERIFY(std::abs(lat - p.value(QStringLiteral("lat")).toDouble()) < 1e-6);
                // The file value through FileValue (one pixel read from the tile-compressed file).
                auto fv = FileValue::at(map->filePixels.file, x, y);
                QVERIFY2(fv, fv ? "" : qPrintable(fv.error().toString()));
                if (p.value(QStringLiteral("value")).isNull())
                    QVERIFY(std::isnan(*fv));
                else
                    QVERIFY2(std::abs(*fv - p.value(QStringLiteral("value")).toDouble()) < 1e-6,
                             qPrintable(QStringLiteral("%1 (%2,%3) value %4 vs astropy %5").arg(it.key()).arg(x).arg(y)
                                            .arg(*fv).arg(p.value(QStringLiteral("value")).toDouble())));
            }
        }
    }

    // An HMI map co-registered onto an AIA grid: its display pixels map onto the HMI file's pixels through the
    // affine fit of the resampling, which agrees with placing each display pixel through both WCSs.
    void coRegisteredMapsOntoFilePixels()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString hmi = test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"));
        const QString aia = test::sdoFile(kAiaCutout);
        auto map = loadDisplayMap(MapKey{hmi, DisplayPrep{DisplayPrep::Kind::IntoFrameOf, 769, 705, aia}.toKey()});
        QVERIFY2(map, map ? "" : qPrintable(map.error().toString()));
        QCOMPARE(map->image.width, 769);
        const FilePixels &fp = map->filePixels;
        QVERIFY(fp.known && fp.resampled && !fp.isIdentity());
        QCOMPARE(fp.width, 495);
        QCOMPARE(fp.height, 496);
        auto source = MapFile::load(hmi);
        QVERIFY(source);
        double worst = 0;
        for (const QPointF p : {QPointF(384, 352), QPointF(300, 400), QPointF(450, 300), QPointF(384.3, 351.6)}) {
            double tx = 0, ty = 0, sx = 0, sy = 0, fx = 0, fy = 0;
            QVERIFY(map->wcs.pixelToHelioprojective(p.x(), p.y(), tx, ty));
            QVERIFY(source->wcs.helioprojectiveToPixel(tx, ty, sx, sy));
            fp.toFile(p.x(), p.y(), fx, fy);
            worst = std::max({worst, std::abs(fx - sx), std::abs(fy - sy)});
        }
        QVERIFY2(worst < 0.01, qPrintable(QStringLiteral("affine vs WCS: %1 px").arg(worst)));
    }

    // A 4096^2 JPEG2000 file shown at 1024^2 (wavelet level 2): display pixel (x, y) is file pixel
    // (4x, 4y + 3) (the low-pass sample sits on every fourth input sample, counted from the top row), its world
    // position is astropy's for that file pixel, and the file's value there is glymur's.
    void reducedJp2MapsOntoFilePixels()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString path = test::sdoFile(kAia304);
        auto map = loadDisplayMap(MapKey{path, QStringLiteral("ds:1024x1024")});
        QVERIFY2(map, map ? "" : qPrintable(map.error().toString()));
        QCOMPARE(map->image.width, 1024);
        const FilePixels &fp = map->filePixels;
        QVERIFY(fp.known);
        QVERIFY(!fp.resampled);
        QCOMPARE(fp.width, 4096);
        QCOMPARE(fp.height, 4096);
        const QJsonObject ref = m_ref.value(QStringLiteral("jp2")).toObject().value(QFileInfo(path).fileName()).toObject();
        const QJsonArray points = ref.value(QStringLiteral("points")).toArray();
        QVERIFY(points.size() >= 3);
        int checked = 0;
        for (const QJsonValue &v : points) {
            const QJsonObject p = v.toObject();
            const int fx = p.value(QStringLiteral("x")).toInt(), fy = p.value(QStringLiteral("y")).toInt();
            if (fx % 4 != 0 || (fy - 3) % 4 != 0)
                continue;  // not a display pixel centre at this level
            const int dx = fx / 4, dy = (fy - 3) / 4;
            int ix = 0, iy = 0;
            QVERIFY(fp.nearestFilePixel(dx, dy, ix, iy));
            QCOMPARE(ix, fx);
            QCOMPARE(iy, fy);
            double tx = 0, ty = 0;
            QVERIFY(map->wcs.pixelToHelioprojective(dx, dy, tx, ty));
            QVERIFY2(std::abs(tx - p.value(QStringLiteral("tx")).toDouble()) < 0.01,
                     qPrintable(QStringLiteral("Tx %1 vs astropy %2").arg(tx).arg(p.value(QStringLiteral("tx")).toDouble())));
            QVERIFY(std::abs(ty - p.value(QStringLiteral("ty")).toDouble()) < 0.01);
            auto value = FileValue::at(path, ix, iy);
            QVERIFY2(value, value ? "" : qPrintable(value.error().toString()));
            QCOMPARE(*value, p.value(QStringLiteral("value")).toDouble());
            ++checked;
        }
        QVERIFY(checked >= 3);
        QVERIFY(FileValue::isCheap(path));  // kept after the first decode
        QVERIFY(!FileValue::at(path, 4096, 0));  // outside: an error, not a crash
    }
};

QTEST_GUILESS_MAIN(TestFilePixels)
#include "tst_filepixels.moc"
