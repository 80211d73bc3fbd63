// Running and base difference images (core/MapDifference) on the real AIA 304 sequence (8 frames, 12 s
// cadence): values and exposure-normalised values against numpy, labels from the files' T_OBS, the checks
// that refuse maps that cannot be subtracted, and MapView showing a difference with the diverging colormap
// (grabbed colours = matplotlib RdBu_r at numpy's symmetric 99.5 % limit).

#include "core/map/MapDifference.h"
#include "core/map/SdoMap.h"
#include "widgets/MapView.h"

#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

const QStringList kSeq{"AIA20220402_131341_0304.fits", "AIA20220402_131353_0304.fits", "AIA20220402_131405_0304.fits",
                       "AIA20220402_131417_0304.fits", "AIA20220402_131429_0304.fits", "AIA20220402_131441_0304.fits",
                       "AIA20220402_131453_0304.fits", "AIA20220402_131505_0304.fits"};

QString seqFile(int i) { return solarchip::test::sdoFile(QStringLiteral("fits/") + kSeq[i]); }

SdoMap load(const QString &path)
{
    auto m = SdoMap::load(path);
    if (!m.ok())
        qFatal("%s", qPrintable(m.errorString()));
    return std::move(m.value());
}

MapMeta metaAt(const QString &channel, const QString &iso)
{
    MapMeta m;
    m.channel = channel;
    m.tObs = QDateTime::fromString(iso, Qt::ISODate);
    m.tObs.setTimeSpec(Qt::UTC);
    return m;
}

}  // namespace

class TestDifference : public QObject {
    Q_OBJECT

    QJsonObject m_ref;
    QStringList m_points{"10,10", "200,200", "300,120", "449,399", "50,350", "400,30", "225,200", "120,260"};

private Q_SLOTS:
    void initTestCase()
    {
        if (solarchip::test::sdoDir().isEmpty())
            return;
        const auto r = solarchip::test::runPython(QStringLiteral("views_reference.py"),
                                                  QStringList{QStringLiteral("difference"), seqFile(1), seqFile(0)} + m_points);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_ref = solarchip::test::parseJson(r.out).object();
    }

    void timeStepsAndLabels()
    {
        QCOMPARE(formatTimeStep(0), QStringLiteral("0 s"));
        QCOMPARE(formatTimeStep(12.002), QStringLiteral("12 s"));
        QCOMPARE(formatTimeStep(59.6), QStringLiteral("1 min"));
        QCOMPARE(formatTimeStep(90), QStringLiteral("1 min 30 s"));
        QCOMPARE(formatTimeStep(3600), QStringLiteral("1 h"));
        QCOMPARE(formatTimeStep(5400), QStringLiteral("1 h 30 min"));
        QCOMPARE(formatTimeStep(43200), QStringLiteral("12 h"));
        QCOMPARE(formatTimeStep(2 * 86400), QStringLiteral("2 d"));
        QCOMPARE(formatTimeStep(2 * 86400 + 3 * 3600), QStringLiteral("2 d 3 h"));
        QCOMPARE(formatTimeStep(-43200), QStringLiteral("\u221212 h"));
        // The example, and a step across midnight.
        QCOMPARE(differenceLabel(metaAt("171", "2011-06-07T12:00:00"), metaAt("171", "2011-06-07T00:00:00")),
                 QStringLiteral("AIA 171 \u00c5 2011-06-07 12:00 \u2212 00:00 (\u0394t = 12 h)"));
        QCOMPARE(differenceLabel(metaAt("171", "2011-06-07T12:00:00"), metaAt("171", "2011-06-06T12:00:00")),
                 QStringLiteral("AIA 171 \u00c5 2011-06-07 12:00 \u2212 2011-06-06 12:00 (\u0394t = 24 h)"));
        QCOMPARE(differenceLabel(metaAt("hmi", "2011-06-07T00:12:00"), metaAt("hmi", "2011-06-07T00:00:00")),
                 QStringLiteral("HMI magnetogram 2011-06-07 00:12 \u2212 00:00 (\u0394t = 12 min)"));
    }

    void runningDifferenceMatchesNumpy()
    {
        SOLARCHIP_REQUIRE_SDO();
        const SdoMap a = load(seqFile(1)), b = load(seqFile(0));
        auto d = differenceMap(a, b);
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        // T_OBS 13:13:54.582 and 13:13:42.580 (the files' headers).
        QCOMPARE(m_ref.value(QStringLiteral("t_obs_a")).toString(), QStringLiteral("2022-04-02T13:13:54.582"));
        QCOMPARE(d->label, QStringLiteral("AIA 304 \u00c5 2022-04-02 13:13:54 \u2212 13:13:42 (\u0394t = 12 s)"));
        QVERIFY(std::fabs(d->dtSeconds - 12.002) < 1e-6);
        QCOMPARE(d->kind, DifferenceMap::Kind::Running);
        QCOMPARE(d->map.meta.unit, QStringLiteral("DN"));
        QVERIFY(d->map.header.commentary(QStringLiteral("HISTORY")).join(' ').contains(kSeq[0]));
        auto n = differenceMap(a, b, DifferenceMap::Kind::Running, DifferenceOptions{true});
        QVERIFY2(n.ok(), qPrintable(n.errorString()));
        QCOMPARE(n->map.meta.unit, QStringLiteral("DN/s"));
        for (const QJsonValue &v : m_ref.value(QStringLiteral("points")).toArray()) {
            const QJsonObject o = v.toObject();
            const int x = o.value(QStringLiteral("x")).toInt(), y = o.value(QStringLiteral("y")).toInt();
            QCOMPARE(double(d->map.image.at(x, y)), o.value(QStringLiteral("diff")).toDouble());
            QVERIFY(std::fabs(n->map.image.at(x, y) - o.value(QStringLiteral("diff_per_s")).toDouble()) < 1e-5);
        }
        // The WCS is the current map's: the same pixel is the same place on the Sun.
        double t1, t2, u1, u2;
        QVERIFY(d->map.wcs.pixelToHelioprojective(100, 100, t1, t2));
        QVERIFY(a.wcs.pixelToHelioprojective(100, 100, u1, u2));
        QCOMPARE(t1, u1);
        QCOMPARE(t2, u2);
    }

    void sequences()
    {
        SOLARCHIP_REQUIRE_SDO();
        std::vector<SdoMap> maps;
        for (int i = 0; i < kSeq.size(); ++i)
            maps.push_back(load(seqFile(i)));
        auto running = runningDifferences(maps);
        QVERIFY2(running.ok(), qPrintable(running.errorString()));
        QCOMPARE(running->size(), size_t(7));
        for (const DifferenceMap &d : *running)
            QVERIFY2(d.label.endsWith(QStringLiteral("(\u0394t = 12 s)")), qPrintable(d.label));
        auto base = baseDifferences(maps, maps.front());
        QVERIFY2(base.ok(), qPrintable(base.errorString()));
        QCOMPARE(base->size(), size_t(8));
        for (float v : base->front().map.image.pixels)
            QVERIFY(v == 0.0f || std::isnan(v));
        // 13:15:06.583 - 13:13:42.580 = 84.003 s.
        QCOMPARE(base->back().label, QStringLiteral("AIA 304 \u00c5 2022-04-02 13:15:06 \u2212 13:13:42 (\u0394t = 1 min 24 s)"));
        QCOMPARE(base->back().kind, DifferenceMap::Kind::Base);
        QVERIFY(!runningDifferences({maps.front()}).ok());
    }

    void refusesWhatCannotBeSubtracted()
    {
        SOLARCHIP_REQUIRE_SDO();
        const SdoMap a = load(seqFile(1)), b = load(seqFile(0));
        const SdoMap other = load(solarchip::test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        auto sizes = differenceMap(a, other);
        QVERIFY(!sizes.ok());
        QVERIFY2(sizes.errorString().contains(kSeq[1]) && sizes.errorString().contains(QStringLiteral("sizes differ")),
                 qPrintable(sizes.errorString()));
        SdoMap renamed = b;
        renamed.meta.channel = QStringLiteral("171");
        auto channels = differenceMap(a, renamed);
        QVERIFY(!channels.ok());
        QVERIFY(channels.errorString().contains(QStringLiteral("different channels")));
        // The same pixels three columns off on the Sun.
        FitsHeader h = b.header;
        h.setNumber(QStringLiteral("CRPIX1"), b.meta.crpix1 + 3);
        auto shifted = SdoMap::fromHeaderAndImage(h, b.image, b.meta.file);
        QVERIFY2(shifted.ok(), qPrintable(shifted.errorString()));
        auto misaligned = differenceMap(a, shifted.value());
        QVERIFY(!misaligned.ok());
        QVERIFY2(misaligned.errorString().contains(QStringLiteral("not co-aligned"))
                     && misaligned.errorString().contains(QStringLiteral("3.0")),
                 qPrintable(misaligned.errorString()));
        SdoMap noExposure = b;
        noExposure.meta.exptime = 0;
        auto exposure = differenceMap(a, noExposure, DifferenceMap::Kind::Running, DifferenceOptions{true});
        QVERIFY(!exposure.ok());
        QVERIFY(exposure.errorString().contains(QStringLiteral("EXPTIME")));
    }

    void viewShowsDivergingDifference()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto d = differenceMap(load(seqFile(1)), load(seqFile(0)));
        QVERIFY(d.ok());
        MapView view;
        view.resize(450, 400);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        view.setDifferenceMap(d.value());
        view.setOverlayVisible(QStringLiteral("label"), false);
        QVERIFY(view.waitForRender());
        QCOMPARE(view.title(), d->label);
        QCOMPARE(view.displaySettings().colormap, QStringLiteral("RdBu_r"));
        QVERIFY(std::fabs(view.rendered().range.max - m_ref.value(QStringLiteral("limit")).toDouble()) < 1e-6);
        QCOMPARE(view.rendered().range.min, -view.rendered().range.max);
        view.setZoom(2.0);
        int checked = 0;
        for (const QJsonValue &v : m_ref.value(QStringLiteral("points")).toArray()) {
            const QJsonObject o = v.toObject();
            const QPointF p(o.value(QStringLiteral("x")).toInt(), o.value(QStringLiteral("y")).toInt());
            view.setCentre(p);
            const QRgb got = view.grab().toImage().pixel(view.mapToWidget(p).toPoint());
            const QJsonArray rgb = o.value(QStringLiteral("rgb")).toArray();
            bool ok = qRed(got) == rgb[0].toInt() && qGreen(got) == rgb[1].toInt() && qBlue(got) == rgb[2].toInt();
            const double t = o.value(QStringLiteral("t")).toDouble(), frac = t * 256 - std::floor(t * 256);
            for (const QJsonValue &nb : o.value(QStringLiteral("neighbours")).toArray())
                if (frac < 0.05 || frac > 0.95)
                    ok = ok || (qRed(got) == nb[0].toInt() && qGreen(got) == nb[1].toInt() && qBlue(got) == nb[2].toInt());
            QVERIFY2(ok, qPrintable(QStringLiteral("(%1,%2) diff %3: %4").arg(p.x()).arg(p.y())
                                        .arg(o.value(QStringLiteral("diff")).toDouble()).arg(got, 8, 16)));
            ++checked;
        }
        QCOMPARE(checked, m_points.size());
    }
};

QTEST_MAIN(TestDifference)
#include "tst_difference.moc"
