// Colormaps against sunpy/matplotlib (every RGB entry of sdoaia94..4500, hmimag, grey and the perceptual and
// diverging maps, and matplotlib's value -> index rule), and MapRenderer's colours against sunpy's display
// of a real AIA file (astropy ImageNormalize + sunpy colormap at known pixels). Also times a 4096^2 render
// (JSON line "render_4096").

#include "core/map/DisplayLimits.h"
#include "core/map/SdoMap.h"
#include "widgets/Colormap.h"
#include "widgets/MapRenderer.h"

#include "TestSupport.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

struct Case {
    QString name, stretch;
    double a, low, high;
    QString cmap;
};

// Display cases checked against astropy + matplotlib, including the steep log and sqrt stretches where a
// per-bin lookup alone would be off by one entry near zero.
const std::vector<Case> &cases()
{
    static const std::vector<Case> c{{"asinh 0.01, sdoaia171", "asinh", 0.01, 0.5, 99.5, "sdoaia171"},
                                     {"log 1000, sdoaia193", "log", 1000.0, 0.0, 100.0, "sdoaia193"},
                                     {"sqrt, hmimag", "sqrt", 0.0, 1.0, 99.0, "hmimag"},
                                     {"power 2, viridis", "power", 2.0, 0.5, 99.9, "viridis"},
                                     {"linear, grey", "linear", 0.0, 0.0, 100.0, "grey"}};
    return c;
}

// 150 pixels spread over aia_171_cutout (769 x 705) and two corners.
QStringList samplePixels()
{
    QStringList pts;
    for (int k = 0; k < 150; ++k)
        pts << QStringLiteral("%1,%2").arg((k * 97 + 13) % 769).arg((k * 61 + 7) % 705);
    pts << QStringLiteral("0,0") << QStringLiteral("768,704");
    return pts;
}

class TestColormap : public QObject {
    Q_OBJECT

    QJsonObject m_ref;    // colormap tables
    QJsonArray m_batch;   // [tables, colours of case 0, case 1, ...]

    static int channelDiff(QRgb a, const QJsonArray &rgb)
    {
        return std::max({std::abs(qRed(a) - rgb[0].toInt()), std::abs(qGreen(a) - rgb[1].toInt()),
                         std::abs(qBlue(a) - rgb[2].toInt())});
    }

private Q_SLOTS:
    void initTestCase()
    {
        // One Python process for every reference (sunpy's import dominates): the colormap tables, then the
        // display colours of each renderMatchesSunpyDisplay case.
        QJsonArray spec{QJsonArray{QStringLiteral("colormaps")}};
        if (!solarchip::test::sdoDir().isEmpty()) {
            const QString file = solarchip::test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits"));
            for (const Case &c : cases()) {
                QJsonArray call{QStringLiteral("colours"), file, c.stretch, QString::number(c.a, 'g', 17),
                                QString::number(c.low), QString::number(c.high), c.cmap};
                for (const QString &p : samplePixels())
                    call.append(p);
                spec.append(call);
            }
        }
        const auto r = solarchip::test::runPython(QStringLiteral("views_reference.py"),
                                                  {QStringLiteral("batch"), QString::fromUtf8(QJsonDocument(spec).toJson(QJsonDocument::Compact))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_batch = solarchip::test::parseJson(r.out).array();
        QCOMPARE(m_batch.size(), spec.size());
        m_ref = m_batch[0].toObject();
        QVERIFY(m_ref.contains(QStringLiteral("tables")));
    }

    void tablesMatchSunpy_data()
    {
        QTest::addColumn<QString>("name");
        for (const QString &n : Colormap::names())
            QTest::newRow(qPrintable(n)) << n;
    }
    void tablesMatchSunpy()
    {
        QFETCH(QString, name);
        const QJsonArray ref = m_ref.value(QStringLiteral("tables")).toObject().value(name).toArray();
        QCOMPARE(ref.size(), Colormap::kSize);
        const Colormap cm = Colormap::byName(name);
        QCOMPARE(cm.name(), name);
        double worst = 0;
        for (int i = 0; i < Colormap::kSize; ++i) {
            const QJsonArray e = ref[i].toArray();
            for (int c = 0; c < 3; ++c) {
                const double d = std::fabs(double(cm.entry(i)[c]) - e[c].toDouble());
                worst = std::max(worst, d);
                QVERIFY2(d <= 1.0 / 255.0, qPrintable(QStringLiteral("%1[%2][%3]: %4 vs sunpy %5").arg(name).arg(i)
                                                          .arg(c).arg(cm.entry(i)[c]).arg(e[c].toDouble())));
                // The 8-bit colour is the rounded entry.
                const int mine8 = c == 0 ? qRed(cm.rgb(i)) : c == 1 ? qGreen(cm.rgb(i)) : qBlue(cm.rgb(i));
                QVERIFY(std::abs(mine8 - e[c].toDouble() * 255.0) <= 0.5 + 1e-3);
            }
        }
        qInfo("%s: max |entry - sunpy| = %.3g", qPrintable(name), worst);
        // Formulas reproduce sunpy's float tables well inside a level.
        QVERIFY(worst < 1e-5);
    }

    void indexRuleMatchesMatplotlib()
    {
        const Colormap cm = Colormap::byName(QStringLiteral("sdoaia171"));
        for (const QJsonValue &v : m_ref.value(QStringLiteral("probes")).toArray()) {
            const QJsonObject o = v.toObject();
            const double t = o.value(QStringLiteral("t")).toDouble();
            const QJsonArray rgb = o.value(QStringLiteral("rgb")).toArray();
            const auto &e = cm.entry(Colormap::indexOf(t));
            for (int c = 0; c < 3; ++c)
                QVERIFY2(std::fabs(e[c] - rgb[c].toDouble()) < 1e-6, qPrintable(QStringLiteral("t = %1").arg(t, 0, 'g', 17)));
        }
        QCOMPARE(Colormap::indexOf(-0.5), 0);
        QCOMPARE(Colormap::indexOf(7.0), 255);
        QCOMPARE(Colormap::indexOf(std::nan("")), -1);
        QCOMPARE(qAlpha(cm.map(std::nan(""))), 0);
    }

    void namesAndVariants()
    {
        const Colormap a = Colormap::byName(QStringLiteral("SDOAIA304"));
        QCOMPARE(a.name(), QStringLiteral("sdoaia304"));
        const Colormap r = Colormap::byName(QStringLiteral("sdoaia304_r"));
        for (int i = 0; i < 256; ++i)
            QCOMPARE(r.rgb(i), a.rgb(255 - i));
        QCOMPARE(a.reversed().name(), QStringLiteral("sdoaia304_r"));
        QCOMPARE(Colormap::byName(QStringLiteral("gray")).name(), QStringLiteral("grey"));
        QTest::ignoreMessage(QtWarningMsg, "unknown colormap 'nope', using grey");
        QCOMPARE(Colormap::byName(QStringLiteral("nope")).name(), QStringLiteral("grey"));
        QVERIFY(!Colormap::exists(QStringLiteral("nope")));
        QVERIFY(Colormap::exists(QStringLiteral("viridis_r")));
        QCOMPARE(Colormap::forChannel(QStringLiteral("193")).name(), QStringLiteral("sdoaia193"));
        QCOMPARE(Colormap::forChannel(QStringLiteral("hmi")).name(), QStringLiteral("hmimag"));
        QCOMPARE(Colormap::forChannel(QStringLiteral("hmi_ic")).name(), QStringLiteral("grey"));
        QVERIFY(Colormap::byName(QStringLiteral("RdBu_r")).isDiverging());
        QCOMPARE(Colormap().name(), QStringLiteral("grey"));
        QCOMPARE(Colormap::label(QStringLiteral("sdoaia171")), QStringLiteral("SDO AIA 171 \u00c5"));
    }

    // The renderer colours pixels exactly like sunpy's display: astropy ImageNormalize with numpy percentile
    // limits and each stretch, then the colormap; 150 pixels of a real AIA file per case, including the
    // steep log stretch where a per-bin lookup alone would be off by one entry near zero.
    void renderMatchesSunpyDisplay_data()
    {
        QTest::addColumn<int>("index");
        for (size_t i = 0; i < cases().size(); ++i)
            QTest::newRow(qPrintable(cases()[i].name)) << int(i);
    }
    void renderMatchesSunpyDisplay()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(int, index);
        const Case &c = cases()[static_cast<size_t>(index)];
        auto map = SdoMap::load(solarchip::test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits")));
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        const Image &img = map->image;
        QCOMPARE(img.width, 769);
        QCOMPARE(img.height, 705);
        const QJsonObject ref = m_batch[index + 1].toObject();
        const QString stretch = c.stretch;

        DisplaySettings s;
        QVERIFY(stretchFromName(c.stretch, s.stretch));
        s.stretchParameter = c.a;
        s.limits = DisplayLimitsMode::Percentile;
        s.percentileLow = c.low;
        s.percentileHigh = c.high;
        s.colormap = c.cmap;
        const RenderedMap out = MapRenderer::render(img, s);
        QVERIFY(!out.isNull());
        QCOMPARE(out.image().size(), QSize(img.width, img.height));
        QVERIFY(std::fabs(out.range.min - ref.value(QStringLiteral("vmin")).toDouble()) < 1e-6);
        QVERIFY(std::fabs(out.range.max - ref.value(QStringLiteral("vmax")).toDouble()) < 1e-6);
        int exact = 0, tie = 0;
        for (const QJsonValue &v : ref.value(QStringLiteral("points")).toArray()) {
            const QJsonObject o = v.toObject();
            const int x = o.value(QStringLiteral("x")).toInt(), y = o.value(QStringLiteral("y")).toInt();
            // North up: FITS row y is QImage row height-1-y.
            const QRgb got = out.image().pixel(x, img.height - 1 - y);
            QCOMPARE(qAlpha(got), 255);
            if (channelDiff(got, o.value(QStringLiteral("rgb")).toArray()) == 0) {
                ++exact;
                continue;
            }
            // Only a value on a colour boundary to rounding may take the neighbouring entry.
            const double t = o.value(QStringLiteral("t")).toDouble();
            const double frac = t * 256.0 - std::floor(t * 256.0);
            bool ok = false;
            for (const QJsonValue &nb : o.value(QStringLiteral("neighbours")).toArray())
                ok = ok || channelDiff(got, nb.toArray()) == 0;
            QVERIFY2(ok && (frac < 1e-4 || frac > 1 - 1e-4),
                     qPrintable(QStringLiteral("pixel (%1,%2) value %3 t %4: colour %5 vs sunpy %6")
                                    .arg(x).arg(y).arg(o.value(QStringLiteral("value")).toDouble()).arg(t, 0, 'g', 12)
                                    .arg(got, 8, 16).arg(QString::fromUtf8(QJsonDocument(o.value(QStringLiteral("rgb")).toArray()).toJson(QJsonDocument::Compact)))));
            ++tie;
        }
        qInfo("%s: %d pixels exactly sunpy's colour, %d on a boundary", qPrintable(stretch), exact, tie);
        QVERIFY(exact >= 150);
    }

    void nanIsTransparentAndPyramid()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto map = SdoMap::load(solarchip::test::sdoFile(QStringLiteral("fits/resampled_hmi.fits")));
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        QVERIFY(std::isnan(map->image.at(0, 0)));  // off-disk corner
        const RenderedMap out = MapRenderer::render(map->image, defaultDisplaySettings(map->meta));
        QCOMPARE(qAlpha(out.image().pixel(0, map->image.height - 1)), 0);
        QCOMPARE(qAlpha(out.image().pixel(50, 50)), 255);
        // 100 px: no pyramid level is needed below 256.
        QCOMPARE(out.pyramid.size(), size_t(1));
    }

    // Renders a 4096^2 map with the AIA default settings (percentile limits, asinh) and checks pixels of a
    // closed-form image: value = x + 4096 * y (so each row's linear position in [0, 4096^2) is known).
    void render4096()
    {
        const int n = 4096;
        auto img = std::make_shared<Image>(n, n);
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x)
                img->at(x, y) = float(x + y * n);
        DisplaySettings lin;
        lin.limits = DisplayLimitsMode::Manual;
        lin.manualMin = 0;
        lin.manualMax = double(n) * n - 1;
        lin.colormap = QStringLiteral("grey");
        QElapsedTimer t;
        t.start();
        const RenderedMap a = MapRenderer::render(*img, lin);
        const double linearMs = t.nsecsElapsed() / 1e6;
        for (int y : {0, 1000, 2047, 4095})
            for (int x : {0, 17, 4095}) {
                const double v = double(float(x + y * n)) / (double(n) * n - 1);
                const int idx = Colormap::indexOf(v);
                const int got = qRed(a.image().pixel(x, n - 1 - y));
                QVERIFY2(std::abs(got - idx) <= 1, qPrintable(QStringLiteral("(%1,%2): %3 vs %4").arg(x).arg(y).arg(got).arg(idx)));
            }
        // AIA defaults: 99.9th percentile (a full selection over 16.7 M pixels), asinh, sdoaia171, mipmaps.
        DisplaySettings aia = defaultDisplaySettings(QStringLiteral("171"));
        t.restart();
        const RenderedMap b = MapRenderer::render(*img, aia);
        const double aiaMs = t.nsecsElapsed() / 1e6;
        QCOMPARE(b.pyramid.size(), size_t(5));  // 4096, 2048, 1024, 512, 256
        QCOMPARE(b.pyramid.back().width(), 256);
        QVERIFY(std::fabs(b.range.max - 0.999 * (double(n) * n - 1)) < 2.0);
        // Async path: the same result delivered through a future.
        t.restart();
        QFuture<RenderedMap> f = MapRenderer::renderAsync(img, aia);
        f.waitForFinished();
        const double asyncMs = t.nsecsElapsed() / 1e6;
        QCOMPARE(f.result().image().pixel(123, 456), b.image().pixel(123, 456));
        printf("{\"benchmark\": \"render_4096\", \"threads\": %d, \"linear_manual_ms\": %.1f, \"aia_default_ms\": %.1f, "
               "\"limits_ms\": %.1f, \"colour_ms\": %.1f, \"pyramid_ms\": %.1f, \"async_ms\": %.1f}\n",
               QThread::idealThreadCount(), linearMs, aiaMs, b.limitsMs, b.colourMs, b.pyramidMs, asyncMs);
        fflush(stdout);
    }
};

QTEST_MAIN(TestColormap)
#include "tst_colormap.moc"
