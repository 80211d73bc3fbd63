// Co-registration (Gaussian features at solar-surface points placed by sunpy.coordinates, same and
// different observers; a CEA patch onto a helioprojective frame), area averaging (skimage/numpy block means
// and an integral-image area mean), and the disk mask (sunpy's on-disk test).
#include "TestSupport.h"
#include "prep_test_support.h"

#include "core/map/DiskMask.h"
#include "core/map/Prep.h"
#include "core/map/ResampleKernel.h"

#include <QFile>
#include <QtTest>

#include <cmath>

using namespace solarchip;
using namespace prep_test;

class TestPrepCoreg : public QObject {
    Q_OBJECT

private slots:
    // Co-registration: Gaussian features sit where sunpy puts solar-surface points seen from each map's
    // observer. After resampling the HMI-like map onto the AIA-like frame, they must be where sunpy puts the
    // same points seen from the AIA observer, measured through the written file's WCS.
    void coregistration_data()
    {
        QTest::addColumn<double>("hgln");
        QTest::addColumn<double>("dsun");
        QTest::addColumn<QString>("method");
        QTest::addColumn<bool>("sphere");
        QTest::newRow("same observer (HMI and AIA on SDO)") << 0.0 << 1.48e11 << "model" << false;
        QTest::newRow("observer 4 deg west and 2% closer") << 4.0 << 1.45e11 << "per-pixel" << true;
    }

    void coregistration()
    {
        QFETCH(double, hgln);
        QFETCH(double, dsun);
        QFETCH(QString, method);
        QFETCH(bool, sphere);
        auto dir = test::scratchDir();
        const QJsonArray points{QJsonArray{-5.0, -4.0}, QJsonArray{3.0, -10.0}, QJsonArray{10.0, -6.0}};
        QJsonObject aia = patternSpec(700, 640, 0.6, 0.0, 350.5, 320.5, 0, 0);
        aia.insert(QStringLiteral("points"), points);
        QJsonObject hmi = patternSpec(760, 700, 0.504, 179.93, 380.2, 351.7, 2.48, 1.70, QStringLiteral("HMI"));
        hmi.insert(QStringLiteral("points"), points);
        hmi.insert(QStringLiteral("hgln"), hgln);
        hmi.insert(QStringLiteral("dsun"), dsun);
        const QString aiaFile = dir.filePath(QStringLiteral("aia.fits")), hmiFile = dir.filePath(QStringLiteral("hmi.fits"));
        const QString out = dir.filePath(QStringLiteral("hmi_in_aia.fits"));
        QVERIFY(make({QStringLiteral("make-blobs"), aiaFile, json(aia)}));
        QVERIFY(make({QStringLiteral("make-blobs"), hmiFile, json(hmi)}));
        auto frame = PixelFrame::fromFile(aiaFile);
        QVERIFY2(frame.ok(), qPrintable(frame.errorString()));
        auto map = SdoMap::load(hmiFile);
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        ResampleInfo info;
        auto reg = Prep::toFrame(std::move(map.value()), *frame, Interpolation::Cubic, &info);
        QVERIFY2(reg.ok(), qPrintable(reg.errorString()));
        // Same observer: an exact model (affine when the homography's perspective terms are below 1e-3 px).
        QVERIFY2(method == QLatin1String("per-pixel") ? info.method == method : info.method != QLatin1String("per-pixel"),
                 qPrintable(info.method));
        QCOMPARE(info.throughSphere, sphere);
        QCOMPARE(reg->image.width, 700);
        QCOMPARE(reg->image.height, 640);
        QCOMPARE(reg->meta.instrument, Instrument::HMI);
        if (!sphere)
            QVERIFY(std::fabs(std::fabs(info.rotationDeg) - 179.93) < 1e-6);
        QVERIFY(write(*reg, out));
        const QJsonArray r = python({QStringLiteral("check-blobs"), out, json(aia)}).array();
        QCOMPARE(r.size(), points.size());
        for (const QJsonValue &v : r) {
            const QJsonObject b = v.toObject();
            QVERIFY2(!b.contains(QStringLiteral("error")), qPrintable(b.value(QStringLiteral("error")).toString()));
            qInfo("feature expected (%.2f, %.2f)\" error %.4f\"", b.value(QStringLiteral("expected")).toArray()[0].toDouble(),
                  b.value(QStringLiteral("expected")).toArray()[1].toDouble(), b.value(QStringLiteral("error_arcsec")).toDouble());
            // A blob of sigma 3" (5 px): its centroid is good to well under a tenth of an output pixel.
            QVERIFY(b.value(QStringLiteral("error_arcsec")).toDouble() < 0.05);
        }
    }

    // Area averaging: integer factors against skimage.transform.downscale_local_mean and a NaN-aware numpy
    // block mean; a non-integer factor against the closed form (the mean of a linear ramp over a footprint
    // is its value at the footprint centre); the WCS of the result against astropy on the input.
    void downsample()
    {
        auto dir = test::scratchDir();
        const QString in = dir.filePath(QStringLiteral("ds.fits")), out = dir.filePath(QStringLiteral("ds_out.fits"));
        QVERIFY(make({QStringLiteral("make-pattern"), in, json(patternSpec(120, 96, 0.6, 0.0, 60.5, 48.5, 0, 0))}));
        auto map = SdoMap::load(in);
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        for (auto [fy, fx] : {std::pair{4, 4}, std::pair{3, 2}}) {
            auto ds = Prep::downsample(*map, 120 / fx, 96 / fy);
            QVERIFY2(ds.ok(), qPrintable(ds.errorString()));
            const QJsonObject r = python({QStringLiteral("blockmean"), in, QString::number(fy), QString::number(fx),
                                          QStringLiteral("0.5")}).object();
            const QJsonArray sk = r.value(QStringLiteral("skimage")).toArray();
            QCOMPARE(sk.size(), int(ds->image.size()));
            for (int k = 0; k < sk.size(); ++k)
                QVERIFY(std::fabs(ds->image.pixels[k] - sk[k].toDouble()) < 1e-3);
            if (fx == 4) {
                QVERIFY(write(*ds, out));
                // Output pixel (i, j) covers input pixels [4i, 4i+3]: its centre is input 4i + 1.5.
                const QJsonArray wo = python({QStringLiteral("world"), out, QStringLiteral("[[0,0],[7,5],[29,23]]")}).array();
                const QJsonArray wi = python({QStringLiteral("world"), in, QStringLiteral("[[1.5,1.5],[29.5,21.5],[117.5,93.5]]")}).array();
                for (int k = 0; k < 3; ++k)
                    for (int c = 0; c < 2; ++c)
                        QVERIFY(std::fabs(wo[k].toArray()[c].toDouble() - wi[k].toArray()[c].toDouble()) < 1e-6);
            }
        }
        // NaN-aware: a block with less than half valid pixels is NaN, otherwise the mean of its valid part.
        QJsonObject spec = patternSpec(120, 96, 0.6, 0.0, 60.5, 48.5, 0, 0);
        spec.insert(QStringLiteral("nan_box"), QJsonArray{10, 10, 31, 27});
        const QString inNan = dir.filePath(QStringLiteral("dsnan.fits"));
        QVERIFY(make({QStringLiteral("make-pattern"), inNan, json(spec)}));
        auto nanMap = SdoMap::load(inNan);
        QVERIFY(nanMap.ok());
        auto dsNan = Prep::downsample(*nanMap, 30, 24);
        QVERIFY(dsNan.ok());
        const QJsonArray ref = python({QStringLiteral("blockmean"), inNan, QStringLiteral("4"), QStringLiteral("4"),
                                       QStringLiteral("0.5")}).object().value(QStringLiteral("nanmean")).toArray();
        QCOMPARE(ref.size(), int(dsNan->image.size()));
        int nans = 0;
        for (int k = 0; k < ref.size(); ++k) {
            if (ref[k].isNull()) {
                QVERIFY(std::isnan(dsNan->image.pixels[k]));
                ++nans;
            } else {
                QVERIFY(std::fabs(dsNan->image.pixels[k] - ref[k].toDouble()) < 1e-3);
            }
        }
        QVERIFY(nans > 10);
        // Non-integer factors (with and without NaN) against an integral-image area mean (numpy).
        for (const QString &file : {in, inNan}) {
            auto src = SdoMap::load(file);
            QVERIFY(src.ok());
            const Image small = Resample::areaAverage(src->image, 37, 29, 0.5);
            const QJsonArray mean = python({QStringLiteral("areamean"), file, QStringLiteral("37"), QStringLiteral("29"),
                                            QStringLiteral("0.5")}).object().value(QStringLiteral("mean")).toArray();
            QCOMPARE(mean.size(), int(small.size()));
            for (int k = 0; k < mean.size(); ++k) {
                if (mean[k].isNull())
                    QVERIFY(std::isnan(small.pixels[k]));
                else
                    QVERIFY2(std::fabs(small.pixels[k] - mean[k].toDouble()) < 1e-3,
                             qPrintable(QStringLiteral("%1: %2 vs %3").arg(k).arg(small.pixels[k]).arg(mean[k].toDouble())));
            }
        }
    }

    // Disk mask against sunpy's coordinate_is_on_solar_disk; disagreement is allowed only within the
    // difference between RSUN_OBS and sunpy's radius (from RSUN_REF and DSUN_OBS) plus 0.01".
    void diskMask_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("aia_171_level1") << QStringLiteral("fits/aia_171_level1.fits");
        QTest::newRow("resampled_hmi (180 deg)") << QStringLiteral("fits/resampled_hmi.fits");
    }

    void diskMask()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, file);
        auto map = SdoMap::load(test::sdoFile(file));
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        auto frame = PixelFrame::fromMap(*map);
        QVERIFY(frame.ok());
        auto mask = DiskMask::compute(*frame);
        QVERIFY2(mask.ok(), qPrintable(mask.errorString()));
        const QJsonObject r = python({QStringLiteral("diskmask"), test::sdoFile(file)}).object();
        const QJsonArray on = r.value(QStringLiteral("on")).toArray(), margin = r.value(QStringLiteral("margin")).toArray();
        QCOMPARE(on.size(), int(mask->inside.size()));
        const double slack = std::fabs(map->meta.rsunObs - r.value(QStringLiteral("radius")).toDouble()) + 0.01;
        int disagree = 0, inside = 0;
        for (int k = 0; k < on.size(); ++k) {
            inside += on[k].toInt();
            if ((mask->inside[k] != 0) != (on[k].toInt() != 0)) {
                ++disagree;
                QVERIFY2(std::fabs(margin[k].toDouble()) < slack,
                         qPrintable(QStringLiteral("pixel %1 is %2\" from the limb").arg(k).arg(margin[k].toDouble())));
            }
        }
        QVERIFY(inside > 1000);
        QVERIFY(disagree <= 2);
        // Masking sets exactly the outside pixels to NaN.
        auto masked = Prep::maskOffDisk(std::move(map.value()));
        QVERIFY(masked.ok());
        for (std::size_t k = 0; k < mask->inside.size(); k += 7)
            if (!mask->inside[k])
                QVERIFY(std::isnan(masked->image.pixels[k]));
    }

    // A CEA patch (SHARP) resampled onto a helioprojective frame goes through the WCS per pixel.
    void ceaOntoHelioprojective()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto cea = SdoMap::load(test::sdoFile(QStringLiteral("fits/hmi.sharp_cea_720s.377.20110215_020000_TAI.magnetogram.fits")));
        QVERIFY(cea.ok());
        // A 0.6"/px helioprojective frame around the patch centre, same observer.
        double tx = 0, ty = 0;
        QVERIFY(cea->wcs.pixelToHelioprojective(cea->image.width / 2.0, cea->image.height / 2.0, tx, ty));
        MapMeta m = cea->meta;
        m.ctype1 = QStringLiteral("HPLN-TAN");
        m.ctype2 = QStringLiteral("HPLT-TAN");
        m.cunit1 = m.cunit2 = QStringLiteral("arcsec");
        m.cdelt1 = m.cdelt2 = 0.6;
        m.crval1 = tx;
        m.crval2 = ty;
        m.crpix1 = m.crpix2 = 100.5;
        m.pc[0][0] = m.pc[1][1] = 1;
        m.pc[0][1] = m.pc[1][0] = 0;
        auto frame = PixelFrame::fromMeta(200, 200, m);
        QVERIFY2(frame.ok(), qPrintable(frame.errorString()));
        ResampleInfo info;
        auto out = Prep::toFrame(*cea, *frame, Interpolation::Bilinear, &info);
        QVERIFY2(out.ok(), qPrintable(out.errorString()));
        QCOMPARE(info.method, QStringLiteral("per-pixel"));
        // Spot checks: an output pixel's value is the CEA map sampled where WCSLIB puts the same point.
        int checked = 0;
        for (int y = 20; y < 200; y += 45)
            for (int x = 20; x < 200; x += 45) {
                double wx, wy, sx, sy;
                QVERIFY(out->wcs.pixelToHelioprojective(x, y, wx, wy));
                if (!cea->wcs.helioprojectiveToPixel(wx, wy, sx, sy))
                    continue;
                const double expected = detail::sample(cea->image, sx, sy, false);
                if (std::isnan(expected))
                    continue;
                QVERIFY(std::fabs(out->image.at(x, y) - expected) < 1e-3 * std::max(1.0, std::fabs(expected)));
                ++checked;
            }
        QVERIFY(checked >= 10);
    }
};

QTEST_GUILESS_MAIN(TestPrepCoreg)
#include "tst_prep_coreg.moc"
