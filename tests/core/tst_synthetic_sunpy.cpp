// Synthetic files read by astropy and sunpy (Debian's python3-sunpy 4.1) as real SDO maps
// (tests/reference/synth_check.py): map class, wavelength, units, observer against sunpy's own ephemeris,
// storage (RICE_1 in HDU 2, int16 / int32 with BSCALE), checksums, and sunpy's world coordinates of the
// ground-truth pixels; the flare list in the layout of the real SWPC file (tests/reference/flarelist_reference.py).
#include "TestSupport.h"

#include "core/archive/FlareList.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoMap.h"
#include "core/synthetic/SyntheticArchiveWriter.h"
#include "core/synthetic/SyntheticSun.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTimeZone>
#include <QtTest>

#include <cmath>

using namespace solarchip;

class TestSyntheticSunpy : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    SyntheticOptions m_options;
    QJsonObject m_check;
    SyntheticSummary m_summary;

private slots:
    void initTestCase()
    {
        m_options.outDir = m_dir.path();
        m_options.start = QDateTime(QDate(2014, 2, 25), QTime(3, 0), QTimeZone::utc());
        m_options.days = 1;
        m_options.cadenceHours = 12;
        m_options.size = 256;
        m_options.channels = SyntheticOptions::defaultChannels() << QStringLiteral("hmi_ic") << QStringLiteral("4500");
        m_options.seed = 5;
        auto run = SyntheticArchiveWriter::run(m_options);
        QVERIFY2(run.ok(), qPrintable(run.errorString()));
        m_summary = *run;
        QCOMPARE(m_summary.written, 2 * 12);
        const auto r = test::runPython(QStringLiteral("synth_check.py"), {m_dir.path()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_check = test::parseJson(r.out).object();
    }

    void sunpyReadsRealMaps()
    {
        const QJsonArray files = m_check.value(QStringLiteral("files")).toArray();
        QCOMPARE(files.size(), 24);
        for (const QJsonValue &v : files) {
            const QJsonObject f = v.toObject();
            const QString ch = f.value(QStringLiteral("channel")).toString();
            const QString what = f.value(QStringLiteral("path")).toString();
            const bool hmi = ch.startsWith(QLatin1String("hmi"));
            QCOMPARE(f.value(QStringLiteral("class")).toString(), hmi ? QStringLiteral("HMIMap") : QStringLiteral("AIAMap"));
            QCOMPARE(f.value(QStringLiteral("wavelength")).toDouble(), hmi ? 6173.0 : ch.toDouble());
            const QString unit = f.value(QStringLiteral("unit")).toString();
            if (ch == QLatin1String("hmi"))
                QCOMPARE(unit, QStringLiteral("G"));
            else if (ch == QLatin1String("hmi_ic"))
                QCOMPARE(unit, QStringLiteral("ct / s"));  // sunpy reads DN as ct
            else
                QCOMPARE(unit, QStringLiteral("ct"));  // sunpy's unit for AIA's DN
            if (!hmi) {
                QCOMPARE(f.value(QStringLiteral("processing_level")).toDouble(), 1.0);
                QVERIFY(f.value(QStringLiteral("exposure")).toDouble() > 0.5);
            }
            // Storage as JSOC writes it.
            QCOMPARE(f.value(QStringLiteral("zcmptype")).toString(), QStringLiteral("RICE_1"));
            QCOMPARE(f.value(QStringLiteral("hdu_index")).toInt(), 1);  // 0-based: the second HDU
            QCOMPARE(f.value(QStringLiteral("zbitpix")).toInt(), ch == QLatin1String("hmi") ? 32 : 16);
            if (ch == QLatin1String("hmi"))
                QCOMPARE(f.value(QStringLiteral("stored_bscale")).toDouble(), 0.1);
            QCOMPARE(f.value(QStringLiteral("checksum_failures")).toInt(), 0);
            QCOMPARE(f.value(QStringLiteral("nan_fraction")).toDouble() > 0.1, hmi);
            // Observer: SDO near the Earth of sunpy's ephemeris.
            QVERIFY2(std::fabs(f.value(QStringLiteral("observer_radius")).toDouble() - f.value(QStringLiteral("earth_distance")).toDouble()) < 5e7,
                     qPrintable(what));
            QVERIFY(std::fabs(f.value(QStringLiteral("observer_lat")).toDouble() - f.value(QStringLiteral("earth_b0")).toDouble()) < 0.03);
            QVERIFY(std::fabs(f.value(QStringLiteral("observer_lon")).toDouble()) < 0.05);
            QVERIFY(std::fabs(f.value(QStringLiteral("rsun_obs")).toDouble() - f.value(QStringLiteral("rsun_from_distance")).toDouble()) < 0.01);
            QCOMPARE(f.value(QStringLiteral("car_rot_header")).toInt(), f.value(QStringLiteral("car_rot_sunpy")).toInt());
            if (!hmi)  // HGLN_OBS = CRLN_OBS - L0 with sunpy's L0
                QVERIFY(std::fabs(f.value(QStringLiteral("hgln_from_carrington")).toDouble() - f.value(QStringLiteral("observer_lon")).toDouble()) < 0.01);
            // sunpy's world coordinates of the truth's region pixels are the truth's lon/lat.
            QVERIFY(f.value(QStringLiteral("regions_checked")).toInt() >= 3);
            const double err = f.value(QStringLiteral("max_truth_error_deg")).toDouble();
            // (near the limb a 1e-4 px rounding of the truth moves longitude by ~0.01 deg; the pixel check below
            // is the strict one)
            QVERIFY2(err < 0.1, qPrintable(QStringLiteral("%1: %2 deg").arg(what).arg(err)));
        }
        // The same solar position through every map's WCS lands on the truth's pixel in each map.
        for (const QJsonValue &s : m_check.value(QStringLiteral("steps")).toArray())
            QVERIFY(s.toObject().value(QStringLiteral("max_pixel_error")).toDouble() < 0.1);
    }

    void coreAndSunpyAgreeOnTheObserver()
    {
        const QJsonArray files = m_check.value(QStringLiteral("files")).toArray();
        for (const QJsonValue &v : files) {
            const QJsonObject f = v.toObject();
            auto map = SdoMap::load(m_dir.filePath(f.value(QStringLiteral("path")).toString()));
            QVERIFY(map.ok());
            QVERIFY(std::fabs(map->meta.hgltObs - f.value(QStringLiteral("observer_lat")).toDouble()) < 1e-6);
            QVERIFY(std::fabs(map->meta.dsunObs - f.value(QStringLiteral("observer_radius")).toDouble()) < 1.0);
            // HMI headers carry no HGLN_OBS (as JSOC's): core converts CRLN_OBS at T_OBS, sunpy at DATE-OBS,
            // about a minute apart: 0.01 deg of Carrington rotation.
            QVERIFY(std::fabs(map->meta.hglnObs - f.value(QStringLiteral("observer_lon")).toDouble()) < 0.015);
        }
    }

    void flareListHasTheSwpcLayout()
    {
        SOLARCHIP_REQUIRE_SDO();
        QVERIFY(QFileInfo::exists(m_summary.flareListPath));
        const auto r = test::runPython(QStringLiteral("flarelist_reference.py"),
                                       {test::sdoFile(QStringLiteral("labels/swpc_flarelist_20100101-20210810.csv")),
                                        test::sdoFile(QStringLiteral("labels/final_flare_list_sc24.csv")), m_summary.flareListPath});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject syn = test::parseJson(r.out).object().value(QStringLiteral("synthetic")).toObject();
        QVERIFY(syn.value(QStringLiteral("header_equal")).toBool());
        QCOMPARE(syn.value(QStringLiteral("bad_count")).toInt(), 0);
        QCOMPARE(syn.value(QStringLiteral("rows")).toInt(), m_summary.flaresListed);
        QVERIFY(m_summary.flaresListed > 0);
        // core's reader takes it like the real file, with the times Python reads.
        auto list = FlareList::load(m_summary.flareListPath);
        QVERIFY2(list.ok(), qPrintable(list.errorString()));
        QCOMPARE(list->size(), m_summary.flaresListed);
        const QJsonObject first = syn.value(QStringLiteral("first")).toObject();
        const FlareEvent &e = list->events().first();
        QCOMPARE(e.start.toString(Qt::ISODate).left(19), first.value(QStringLiteral("start")).toString());
        QCOMPARE(e.peak.toString(Qt::ISODate).left(19), first.value(QStringLiteral("peak")).toString());
        QCOMPARE(e.end.toString(Qt::ISODate).left(19), first.value(QStringLiteral("end")).toString());
        QCOMPARE(e.goesClass, first.value(QStringLiteral("class")).toString());
    }
};

QTEST_GUILESS_MAIN(TestSyntheticSunpy)
#include "tst_synthetic_sunpy.moc"
