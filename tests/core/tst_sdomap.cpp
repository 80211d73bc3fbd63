// Real SDO files read by core/ (FitsReader, MapMeta, Wcs, SdoMap) against values computed independently by
// astropy and sunpy (tests/reference/core_reference.py -> core_reference.json, committed with the script).
#include "TestSupport.h"

#include "core/map/SdoMap.h"
#include "core/map/SdoTime.h"
#include "core/map/SunEphemeris.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

class TestSdoMap : public QObject {
    Q_OBJECT

    QJsonObject m_ref;

    QJsonObject ref(const QString &name) const { return m_ref.value(QStringLiteral("files")).toObject().value(name).toObject(); }

private slots:
    void initTestCase()
    {
        QFile f(test::sourceDir() + QStringLiteral("/tests/reference/core_reference.json"));
        QVERIFY2(f.open(QIODevice::ReadOnly), "tests/reference/core_reference.json missing");
        m_ref = QJsonDocument::fromJson(f.readAll()).object();
        QVERIFY(!m_ref.isEmpty());
    }

    void header_data()
    {
        QTest::addColumn<QString>("name");
        for (const QString &name : m_ref.value(QStringLiteral("files")).toObject().keys())
            QTest::newRow(qPrintable(name)) << name;
    }

    // Layout, keywords, time and pixel statistics against astropy/numpy.
    void header()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, name);
        const QJsonObject r = ref(name);
        auto map = SdoMap::load(test::sdoFile(QStringLiteral("fits/") + name));
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        const MapMeta &m = map->meta;
        QCOMPARE(map->source.hdu, r.value(QStringLiteral("hdu")).toInt());
        QCOMPARE(m.naxis1, r.value(QStringLiteral("naxis1")).toInt());
        QCOMPARE(m.naxis2, r.value(QStringLiteral("naxis2")).toInt());
        QCOMPARE(m.bitpix, r.value(QStringLiteral("bitpix")).toInt());
        QCOMPARE(m.cdelt1, r.value(QStringLiteral("CDELT1")).toDouble());
        QCOMPARE(m.crpix2, r.value(QStringLiteral("CRPIX2")).toDouble());
        QCOMPARE(m.crota2, r.value(QStringLiteral("CROTA2")).toDouble());
        QCOMPARE(m.rsunObs, r.value(QStringLiteral("RSUN_OBS")).toDouble());
        QCOMPARE(m.dsunObs, r.value(QStringLiteral("DSUN_OBS")).toDouble());
        if (r.contains(QStringLiteral("EXPTIME")))
            QCOMPARE(m.exptime, r.value(QStringLiteral("EXPTIME")).toDouble());
        QCOMPARE(m.detector, r.value(QStringLiteral("INSTRUME")).toString());
        if (r.value(QStringLiteral("INSTRUME")).toString().startsWith(QLatin1String("AIA"))) {
            QCOMPARE(m.instrument, Instrument::AIA);
            QCOMPARE(m.channel, QString::number(r.value(QStringLiteral("WAVELNTH")).toInt()));
            QCOMPARE(m.unit, r.value(QStringLiteral("PIXLUNIT")).toString());
        } else {
            QCOMPARE(m.instrument, Instrument::HMI);
            QCOMPARE(m.unit, r.value(QStringLiteral("BUNIT")).toString());
        }
        // T_OBS in UTC (HMI's TAI converted by astropy.time), to the millisecond.
        const QDateTime expected = QDateTime::fromString(r.value(QStringLiteral("t_obs_utc")).toString(), Qt::ISODateWithMs);
        QVERIFY(expected.isValid());
        QDateTime e = expected;
        e.setTimeZone(QTimeZone::utc());
        QVERIFY2(std::abs(m.tObs.msecsTo(e)) <= 1, qPrintable(SdoTime::toIso(m.tObs) + " vs " + e.toString(Qt::ISODateWithMs)));

        const ImageStats s = computeStats(map->image);
        const QJsonObject rs = r.value(QStringLiteral("stats")).toObject();
        QCOMPARE(static_cast<double>(s.nanCount), rs.value(QStringLiteral("nan_count")).toDouble());
        const double scale = std::max(1.0, std::fabs(rs.value(QStringLiteral("max")).toDouble()));
        QVERIFY(std::fabs(s.min - rs.value(QStringLiteral("min")).toDouble()) <= 1e-6 * scale);
        QVERIFY(std::fabs(s.max - rs.value(QStringLiteral("max")).toDouble()) <= 1e-6 * scale);
        QVERIFY(std::fabs(s.mean - rs.value(QStringLiteral("mean")).toDouble()) <= 1e-5 * scale);
        QVERIFY(std::fabs(s.std - rs.value(QStringLiteral("std")).toDouble()) <= 1e-5 * scale);
        for (const QJsonValue &v : r.value(QStringLiteral("values")).toArray()) {
            const QJsonArray a = v.toArray();
            const float got = map->image.at(a[0].toInt(), a[1].toInt());
            if (a[2].isNull())
                QVERIFY(std::isnan(got));
            else
                QCOMPARE(got, static_cast<float>(a[2].toDouble()));
        }
    }

    void coordinates_data() { header_data(); }

    // Pixel -> helioprojective (0.01 arcsec) and -> Stonyhurst (0.01 deg) against sunpy.
    void coordinates()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, name);
        const QJsonObject r = ref(name);
        auto map = SdoMap::load(test::sdoFile(QStringLiteral("fits/") + name));
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        // Observer longitude from HAE/HGLN keywords is exact; from CRLN_OBS it carries our L0's error.
        const double obsTol = map->meta.hglnFromHeader ? 0.001 : 0.006;
        QVERIFY2(std::fabs(map->meta.hglnObs - r.value(QStringLiteral("observer_hgln")).toDouble()) < obsTol,
                 qPrintable(QStringLiteral("observer lon %1 vs sunpy %2").arg(map->meta.hglnObs)
                                .arg(r.value(QStringLiteral("observer_hgln")).toDouble())));
        int checked = 0;
        for (const QJsonValue &v : r.value(QStringLiteral("coords")).toArray()) {
            const QJsonObject c = v.toObject();
            const double x = c.value(QStringLiteral("x")).toDouble(), y = c.value(QStringLiteral("y")).toDouble();
            double tx = 0, ty = 0;
            const bool hpcOk = map->wcs.pixelToHelioprojective(x, y, tx, ty);
            if (!std::isnan(c.value(QStringLiteral("tx")).toDouble(NAN)) && c.contains(QStringLiteral("tx"))
                && !c.value(QStringLiteral("tx")).isNull()) {
                QVERIFY2(hpcOk, qPrintable(QStringLiteral("pixel (%1,%2)").arg(x).arg(y)));
                QVERIFY2(std::fabs(tx - c.value(QStringLiteral("tx")).toDouble()) < 0.01,
                         qPrintable(QStringLiteral("Tx at (%1,%2): %3 vs %4").arg(x).arg(y).arg(tx, 0, 'f', 4)
                                        .arg(c.value(QStringLiteral("tx")).toDouble(), 0, 'f', 4)));
                QVERIFY2(std::fabs(ty - c.value(QStringLiteral("ty")).toDouble()) < 0.01,
                         qPrintable(QStringLiteral("Ty at (%1,%2): %3 vs %4").arg(x).arg(y).arg(ty, 0, 'f', 4)
                                        .arg(c.value(QStringLiteral("ty")).toDouble(), 0, 'f', 4)));
                // And back.
                double px = 0, py = 0;
                QVERIFY(map->wcs.helioprojectiveToPixel(tx, ty, px, py));
                QVERIFY(std::fabs(px - x) < 1e-6 && std::fabs(py - y) < 1e-6);
            }
            LonLat hgs;
            const bool onDisk = map->wcs.pixelToStonyhurst(x, y, hgs);
            if (c.value(QStringLiteral("lon")).isNull()) {
                QVERIFY2(!onDisk, qPrintable(QStringLiteral("(%1,%2) should be off disk").arg(x).arg(y)));
                QVERIFY(std::isnan(hgs.lon) && std::isnan(hgs.lat));
            } else {
                QVERIFY2(onDisk, qPrintable(QStringLiteral("(%1,%2) should be on disk").arg(x).arg(y)));
                QVERIFY2(std::fabs(hgs.lon - c.value(QStringLiteral("lon")).toDouble()) < 0.01,
                         qPrintable(QStringLiteral("lon at (%1,%2): %3 vs %4").arg(x).arg(y).arg(hgs.lon, 0, 'f', 5)
                                        .arg(c.value(QStringLiteral("lon")).toDouble(), 0, 'f', 5)));
                QVERIFY2(std::fabs(hgs.lat - c.value(QStringLiteral("lat")).toDouble()) < 0.01,
                         qPrintable(QStringLiteral("lat at (%1,%2): %3 vs %4").arg(x).arg(y).arg(hgs.lat, 0, 'f', 5)
                                        .arg(c.value(QStringLiteral("lat")).toDouble(), 0, 'f', 5)));
                ++checked;
            }
        }
        Q_UNUSED(checked);
    }

    // B0, L0, P, distance and radius against sunpy.coordinates.sun.
    void ephemeris()
    {
        for (const QJsonValue &v : m_ref.value(QStringLiteral("ephemeris")).toArray()) {
            const QJsonObject e = v.toObject();
            auto t = SdoTime::parse(e.value(QStringLiteral("t")).toString());
            QVERIFY(t);
            const SunEphemeris s = SunEphemeris::at(*t);
            const QString where = e.value(QStringLiteral("t")).toString();
            auto near = [&](double got, double want, double tol, const char *what) {
                QVERIFY2(std::fabs(got - want) < tol,
                         qPrintable(QStringLiteral("%1 %2: %3 vs sunpy %4").arg(where, QLatin1String(what))
                                        .arg(got, 0, 'f', 6).arg(want, 0, 'f', 6)));
            };
            near(s.b0Deg, e.value(QStringLiteral("b0")).toDouble(), 0.005, "B0");
            double dl = std::fmod(s.l0Deg - e.value(QStringLiteral("l0")).toDouble() + 540.0, 360.0) - 180.0;
            near(dl, 0.0, 0.006, "L0 difference");
            near(s.pDeg, e.value(QStringLiteral("p")).toDouble(), 0.005, "P");
            near(s.distanceM / e.value(QStringLiteral("distance_m")).toDouble(), 1.0, 1e-4, "distance ratio");
            near(s.radiusArcsec, e.value(QStringLiteral("radius_arcsec")).toDouble(), 0.1, "radius");
        }
    }

    // Meeus, Astronomical Algorithms, example 29.a: 1992 October 13.0 TD -> P 26.27, B0 5.99, L0 238.63.
    void ephemerisMeeusExample()
    {
        const QDateTime tdb(QDate(1992, 10, 13), QTime(0, 0), QTimeZone::utc());
        // TD - UTC in 1992 was 58.18 s.
        const SunEphemeris s = SunEphemeris::at(tdb.addMSecs(-58184));
        QVERIFY(std::fabs(s.pDeg - 26.27) < 0.01);
        QVERIFY(std::fabs(s.b0Deg - 5.99) < 0.01);
        QVERIFY(std::fabs(s.l0Deg - 238.63) < 0.01);
    }
};

QTEST_GUILESS_MAIN(TestSdoMap)
#include "tst_sdomap.moc"
