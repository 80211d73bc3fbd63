// core/Prep and core/Resample against independent references: analytic patterns whose expected values come
// from astropy's WCS of the written files (tests/reference/prep_geometry.py), the written header, footprint
// rules for NaN, exact reproduction on the same grid, and the real files' EXPTIME (astropy,
// core_reference.json) for exposure normalisation. Co-registration, area averaging and the disk mask are in
// tst_prep_coreg.cpp; agreement with sunpy's rotate on real files in tst_prep_sunpy.cpp.
#include "TestSupport.h"
#include "prep_test_support.h"

#include "core/map/DiskMask.h"
#include "core/map/FitsWriter.h"
#include "core/map/Prep.h"
#include "core/map/ResampleKernel.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

using namespace prep_test;

class TestPrep : public QObject {
    Q_OBJECT

private slots:
    // A map whose values are an analytic function of helioprojective coordinates is rotated, rescaled and
    // (optionally) recentred; astropy evaluates the function at every output pixel through the written
    // file's WCS. Passing needs both right pixels and a right header (a 0.01" WCS error would show as ~0.5).
    void closedForm_data()
    {
        QTest::addColumn<QJsonObject>("spec");
        QTest::addColumn<double>("scale");
        QTest::addColumn<bool>("recenter");
        QTest::addColumn<int>("size");
        QTest::addColumn<int>("order");
        QTest::addColumn<QString>("method");
        QTest::addColumn<double>("maxErr");
        QTest::addColumn<double>("rmsErr");
        // Cubic (Catmull-Rom) is third-order: errors ~1e-5 of the amplitude 300 at these wavelengths (80-110 px).
        QTest::newRow("rotate 30 deg, 0.5 -> 0.6, cubic")
            << patternSpec(400, 360, 0.5, 30.0, 150.3, 170.8, 0, 0) << 0.6 << false << 0 << 3 << "affine" << 0.05 << 0.01;
        // Bilinear: the classic bound h^2/8 |f''| ~ 0.35 for this pattern.
        QTest::newRow("rotate 30 deg, 0.5 -> 0.6, bilinear")
            << patternSpec(400, 360, 0.5, 30.0, 150.3, 170.8, 0, 0) << 0.6 << false << 0 << 1 << "affine" << 0.5 << 0.2;
        // HMI-like: stored upside down at 0.504"/px, tangent point off the disk centre, recentred: the tangent
        // points differ, so the mapping is a homography.
        QTest::newRow("HMI 179.93 deg, CRVAL off centre, recentred")
            << patternSpec(400, 360, 0.504, 179.93, 150.3, 170.8, 350, -420, QStringLiteral("HMI")) << 0.6 << true << 1800
            << 3 << "homography" << 0.05 << 0.01;
        QTest::newRow("no rotation, upsample 0.6 -> 0.45")
            << patternSpec(300, 300, 0.6, 0.0, 120.0, 140.0, 0, 0) << 0.45 << false << 360 << 3 << "affine" << 0.05 << 0.01;
    }

    void closedForm()
    {
        QFETCH(QJsonObject, spec);
        QFETCH(double, scale);
        QFETCH(bool, recenter);
        QFETCH(int, size);
        QFETCH(int, order);
        QFETCH(QString, method);
        QFETCH(double, maxErr);
        QFETCH(double, rmsErr);
        auto dir = test::scratchDir();
        const QString in = dir.filePath(QStringLiteral("pattern.fits")), out = dir.filePath(QStringLiteral("out.fits"));
        QVERIFY(make({QStringLiteral("make-pattern"), in, json(spec)}));
        auto map = SdoMap::load(in);
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        PrepOptions o;
        o.scale = scale;
        o.recenter = recenter;
        o.width = o.height = size;
        o.interpolation = order == 1 ? Interpolation::Bilinear : Interpolation::Cubic;
        ResampleInfo info;
        auto prepped = Prep::level15(std::move(map.value()), o, &info);
        QVERIFY2(prepped.ok(), qPrintable(prepped.errorString()));
        QCOMPARE(info.method, method);
        QVERIFY(info.modelErrorPx < 1e-6);
        QCOMPARE(prepped->meta.level, 1.5);
        QCOMPARE(prepped->meta.crota2, 0.0);
        QCOMPARE(prepped->meta.cdelt1, scale);
        QVERIFY(write(*prepped, out));
        const QJsonObject r = python({QStringLiteral("check-pattern"), out}).object();
        const double valid = r.value(QStringLiteral("valid")).toDouble();
        qInfo("valid %g px, max |err| %.5f, rms %.5f (amplitude 300)", valid, r.value(QStringLiteral("max_abs_err")).toDouble(),
              r.value(QStringLiteral("rms_err")).toDouble());
        QVERIFY2(valid > 20000, "too few valid output pixels to judge");
        QVERIFY(r.value(QStringLiteral("max_abs_err")).toDouble() < maxErr);
        QVERIFY(r.value(QStringLiteral("rms_err")).toDouble() < rmsErr);
    }

    // Written header: LVL_NUM, CROTA2 = 0 without PC cards, NAXIS, R_SUN, HISTORY; and the recentred disk
    // centre sits exactly at the image centre (astropy on the written file).
    void header()
    {
        auto dir = test::scratchDir();
        const QString in = dir.filePath(QStringLiteral("in.fits")), out = dir.filePath(QStringLiteral("out.fits"));
        QVERIFY(make({QStringLiteral("make-pattern"), in, json(patternSpec(300, 280, 0.504, 179.93, 10.5, 300.2, 0, 0,
                                                                      QStringLiteral("HMI")))}));
        auto map = SdoMap::load(in);
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        map->header.setNumber(QStringLiteral("R_SUN"), map->meta.rsunObs / 0.504);
        map->header.setNumber(QStringLiteral("PC1_1"), std::cos(179.93 * M_PI / 180));  // stale PC must go too
        PrepOptions o;
        o.recenter = true;
        o.width = 801;
        o.height = 640;
        auto prepped = Prep::level15(std::move(map.value()), o);
        QVERIFY2(prepped.ok(), qPrintable(prepped.errorString()));
        QVERIFY(write(*prepped, out));
        auto info = FitsReader::readInfo(out);
        QVERIFY2(info.ok(), qPrintable(info.errorString()));
        const FitsHeader &h = info->header;
        QCOMPARE(info->naxis1, 801);
        QCOMPARE(info->naxis2, 640);
        QCOMPARE(h.number(QStringLiteral("LVL_NUM"), 0), 1.5);
        QCOMPARE(h.number(QStringLiteral("CROTA2"), -1), 0.0);
        QVERIFY(!h.has(QStringLiteral("PC1_1")) && !h.has(QStringLiteral("PC2_1")));
        QCOMPARE(h.number(QStringLiteral("CDELT1"), 0), 0.6);
        QCOMPARE(h.number(QStringLiteral("CDELT2"), 0), 0.6);
        QVERIFY(std::fabs(h.number(QStringLiteral("R_SUN"), 0) - prepped->meta.rsunObs / 0.6) < 1e-9);
        QCOMPARE(h.string(QStringLiteral("BUNIT"), {}), QStringLiteral("Gauss"));
        QVERIFY(h.commentary(QStringLiteral("HISTORY")).join(QString()).contains(QLatin1String("solarchip prep")));
        // astropy: world coordinate of the array centre ((W-1)/2, (H-1)/2 0-based) is the disk centre.
        const QJsonArray w = python({QStringLiteral("world"), out, QStringLiteral("[[400, 319.5], [0, 0]]")}).array();
        QCOMPARE(w.size(), 2);
        QVERIFY(std::fabs(w[0].toArray()[0].toDouble()) < 1e-9);
        QVERIFY(std::fabs(w[0].toArray()[1].toDouble()) < 1e-9);
        // And a corner agrees with our own WCS (WCSLIB) of the prepped map.
        double tx = 0, ty = 0;
        QVERIFY(prepped->wcs.pixelToHelioprojective(0, 0, tx, ty));
        QVERIFY(std::fabs(tx - w[1].toArray()[0].toDouble()) < 1e-6);
        QVERIFY(std::fabs(ty - w[1].toArray()[1].toDouble()) < 1e-6);
    }

    // A NaN block grows exactly by the interpolation footprint (2x2 bilinear, 4x4 cubic) and nowhere else.
    void nanFootprint_data()
    {
        QTest::addColumn<int>("order");
        QTest::newRow("bilinear") << 1;
        QTest::newRow("cubic") << 3;
    }

    void nanFootprint()
    {
        QFETCH(int, order);
        auto dir = test::scratchDir();
        const QString in = dir.filePath(QStringLiteral("nan.fits"));
        QJsonObject spec = patternSpec(200, 180, 0.5, 17.0, 100.5, 90.5, 0, 0);
        spec.insert(QStringLiteral("nan_box"), QJsonArray{60, 50, 90, 75});
        QVERIFY(make({QStringLiteral("make-pattern"), in, json(spec)}));
        auto map = SdoMap::load(in);
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        const SdoMap original = *map;
        PrepOptions o;
        o.scale = 0.55;
        o.interpolation = order == 1 ? Interpolation::Bilinear : Interpolation::Cubic;
        auto prepped = Prep::level15(std::move(map.value()), o);
        QVERIFY2(prepped.ok(), qPrintable(prepped.errorString()));
        const int reach = order == 1 ? 0 : 1;  // taps floor(s)-reach .. floor(s)+1+reach
        long long nanOut = 0, mismatches = 0, ambiguous = 0;
        for (int y = 0; y < prepped->image.height; ++y) {
            for (int x = 0; x < prepped->image.width; ++x) {
                double tx, ty, sx, sy;
                QVERIFY(prepped->wcs.pixelToHelioprojective(x, y, tx, ty));
                QVERIFY(original.wcs.helioprojectiveToPixel(tx, ty, sx, sy));
                const double fx = sx - std::floor(sx), fy = sy - std::floor(sy);
                if (std::min(fx, 1 - fx) < 1e-7 || std::min(fy, 1 - fy) < 1e-7) {
                    ++ambiguous;  // on a pixel centre: fewer taps, rule below does not apply
                    continue;
                }
                bool expectNan = false;
                const int x0 = int(std::floor(sx)) - reach, y0 = int(std::floor(sy)) - reach;
                for (int j = y0; j <= y0 + 1 + 2 * reach && !expectNan; ++j)
                    for (int i = x0; i <= x0 + 1 + 2 * reach && !expectNan; ++i)
                        expectNan = i < 0 || j < 0 || i >= original.image.width || j >= original.image.height
                            || std::isnan(original.image.at(i, j));
                const bool isNan = std::isnan(prepped->image.at(x, y));
                nanOut += isNan;
                mismatches += isNan != expectNan;
            }
        }
        qInfo("%lld NaN output pixels, %lld mismatches, %lld on pixel centres", nanOut, mismatches, ambiguous);
        QVERIFY(nanOut > 900);  // the box (30x25 input px) and the border are there
        QCOMPARE(mismatches, 0LL);
    }

    // Resampling onto the map's own frame reproduces it exactly, NaN pattern included.
    void identity()
    {
        auto dir = test::scratchDir();
        const QString in = dir.filePath(QStringLiteral("id.fits"));
        QJsonObject spec = patternSpec(120, 100, 0.6, 0.0, 60.5, 50.5, 0, 0);
        spec.insert(QStringLiteral("nan_box"), QJsonArray{10, 10, 20, 15});
        QVERIFY(make({QStringLiteral("make-pattern"), in, json(spec)}));
        auto map = SdoMap::load(in);
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        auto frame = PixelFrame::fromMap(*map);
        QVERIFY(frame.ok());
        const Image before = map->image;
        for (Interpolation i : {Interpolation::Bilinear, Interpolation::Cubic}) {
            auto same = Prep::toFrame(*map, *frame, i);
            QVERIFY2(same.ok(), qPrintable(same.errorString()));
            for (std::size_t k = 0; k < before.size(); ++k) {
                const float a = before.pixels[k], b = same->image.pixels[k];
                QVERIFY2((std::isnan(a) && std::isnan(b)) || a == b, qPrintable(QStringLiteral("pixel %1").arg(k)));
            }
        }
    }

    // Catmull-Rom reproduces quadratics exactly (the property OpenCV's a = -0.75 kernel lacks).
    void kernelReproducesQuadratics()
    {
        Image img(12, 10);
        auto f = [](double x, double y) { return 3.0 + 2.0 * x - 1.5 * y + 0.25 * x * x - 0.1 * x * y + 0.3 * y * y; };
        for (int y = 0; y < img.height; ++y)
            for (int x = 0; x < img.width; ++x)
                img.at(x, y) = static_cast<float>(f(x, y));
        for (double sx : {1.0, 2.25, 4.5, 5.8125, 8.999})
            for (double sy : {1.5, 3.3, 7.75}) {
                const double v = detail::sample(img, sx, sy, true);
                QVERIFY2(std::fabs(v - f(sx, sy)) < 1e-4 * std::max(1.0, std::fabs(f(sx, sy))),
                         qPrintable(QStringLiteral("(%1,%2): %3 vs %4").arg(sx).arg(sy).arg(v).arg(f(sx, sy))));
            }
        QVERIFY(std::isnan(detail::sample(img, 0.5, 5.0, true)));  // footprint leaves the image
        QVERIFY(!std::isnan(detail::sample(img, 0.5, 5.0, false)));
    }

    // DN -> DN/s with the EXPTIME astropy reads from the real file; clear errors otherwise.
    void exposure()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFile f(test::sourceDir() + QStringLiteral("/tests/reference/core_reference.json"));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const double exptime = QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("files")).toObject()
                                   .value(QStringLiteral("aia_171_cutout.fits")).toObject().value(QStringLiteral("EXPTIME")).toDouble();
        QVERIFY(exptime > 1.9 && exptime < 2.1);
        auto map = SdoMap::load(test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits")));
        QVERIFY2(map.ok(), qPrintable(map.errorString()));
        PrepOptions o;
        auto plain = Prep::level15(*map, o);
        o.exposureNormalise = true;
        auto norm = Prep::level15(*map, o);
        QVERIFY(plain.ok() && norm.ok());
        QCOMPARE(norm->meta.unit, QStringLiteral("DN/s"));
        QCOMPARE(norm->header.string(QStringLiteral("PIXLUNIT"), {}), QStringLiteral("DN/s"));
        long long checked = 0;
        for (std::size_t k = 0; k < plain->image.size(); k += 97) {
            const float a = plain->image.pixels[k], b = norm->image.pixels[k];
            if (std::isnan(a)) {
                QVERIFY(std::isnan(b));
                continue;
            }
            QVERIFY(std::fabs(b - a / exptime) <= 1e-6 * std::fabs(a / exptime) + 1e-6);
            ++checked;
        }
        QVERIFY(checked > 1000);
        // Twice: refused.
        auto twice = Prep::normaliseExposure(std::move(norm.value()));
        QVERIFY(!twice.ok());
        QVERIFY(twice.errorString().contains(QLatin1String("already")));
        // HMI has no EXPTIME: refused with the file named.
        auto hmi = SdoMap::load(test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits")));
        QVERIFY(hmi.ok());
        auto bad = Prep::normaliseExposure(std::move(hmi.value()));
        QVERIFY(!bad.ok());
        QVERIFY(bad.errorString().contains(QLatin1String("EXPTIME")));
        QVERIFY(bad.errorString().contains(QLatin1String("sdo-hmi_2011-02-14_20-34-12.fits")));
    }

    // Maps that prep cannot handle say so, naming the file.
    void errors()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto cea = SdoMap::load(test::sdoFile(QStringLiteral("fits/hmi.sharp_cea_720s.377.20110215_020000_TAI.magnetogram.fits")));
        QVERIFY2(cea.ok(), qPrintable(cea.errorString()));
        auto r = Prep::level15(std::move(cea.value()));
        QVERIFY(!r.ok());
        QVERIFY(r.errorString().contains(QLatin1String("helioprojective")));
        QVERIFY(r.errorString().contains(QLatin1String("magnetogram.fits")));
        auto aia = SdoMap::load(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        QVERIFY(aia.ok());
        PrepOptions o;
        o.width = -3;
        QVERIFY(!Prep::level15(*aia, o).ok());
        QVERIFY(!Prep::downsample(*aia, 256, 256).ok());  // larger than the input
        QVERIFY(!PixelFrame::fromFile(test::sdoFile(QStringLiteral("fits/go1520110607.fits"))).ok());
    }

};

QTEST_GUILESS_MAIN(TestPrep)
#include "tst_prep.moc"
