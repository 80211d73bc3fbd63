// Difference images keep what lies off the limb (issue 9, item 11). The viewer prepares the reference of a
// difference onto the current map's display grid (core/archive/DisplayPrep, as ObservationDocument keys it). When
// the two observers differ (SDO hours apart) that goes through the solar sphere, where off-disk points have no
// place: every off-limb pixel came out NaN (the synthetic archive's 12 h differences were about half NaN). Now
// off-disk points sit on a spherical screen (sunpy's assume_spherical_screen). Checked on two consecutive real AIA
// 304 exposures 12 s apart (AIA20220402_131341/131353, a limb cutout) against numpy on the same files
// (tests/reference/difference_offlimb.py: astropy data, sunpy WCS for the limb): the same off-limb pixels, finite,
// with the same values; on the same pair with the earlier observer moved as hours would (NaN without the screen,
// kept with it); what stays blank is counted and said (differenceBlankNote). Plus the screen against its closed
// form (identity for one observer).

#include "core/archive/DisplayPrep.h"
#include "core/map/FitsWriter.h"
#include "core/map/MapDifference.h"
#include "core/map/PixelFrame.h"
#include "core/map/Resample.h"
#include "core/map/Wcs.h"

#include "TestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace solarchip;

class TestDifferenceOffLimb : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void screenIsIdentityForOneObserverAndNearlySoForNearbyOnes()
    {
        Observer a;
        a.hgln = 0.0142746717;
        a.hglt = -6.46418095;
        a.dsun = 149526290501.0;
        double tx = 0, ty = 0;
        QVERIFY(Wcs::helioprojectiveViaScreen(1100.0, 250.0, a, a, tx, ty));
        QVERIFY(std::abs(tx - 1100.0) < 1e-7 && std::abs(ty - 250.0) < 1e-7);
        // 12 s later (the second file's keywords): well under a hundredth of an AIA pixel (0.6").
        Observer b = a;
        b.hgln = 0.0142774256;
        b.dsun = 149526266983.0;
        QVERIFY(Wcs::helioprojectiveViaScreen(1100.0, 250.0, a, b, tx, ty));
        QVERIFY(std::abs(tx - 1100.0) < 6e-3 && std::abs(ty - 250.0) < 6e-3);
        // An observer 1 % closer sees the screen point (about 1 Rsun from the Sun centre) 1 % farther out.
        Observer c = a;
        c.dsun = a.dsun * 0.99;
        QVERIFY(Wcs::helioprojectiveViaScreen(1100.0, 0.0, a, c, tx, ty));
        const double arcsec = 180.0 / M_PI * 3600.0, t = 1100.0 / arcsec;
        const double expected = std::atan(a.dsun * std::sin(t) / (c.dsun - a.dsun * (1 - std::cos(t)))) * arcsec;
        QVERIFY2(std::abs(tx - expected) < 1e-6, qPrintable(QString::number(tx - expected)));
    }

    void runningDifferenceOfReal304KeepsOffLimb()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString current = test::sdoFile(QStringLiteral("fits/AIA20220402_131353_0304.fits"));
        const QString earlier = test::sdoFile(QStringLiteral("fits/AIA20220402_131341_0304.fits"));
        auto cur = loadDisplayMap(MapKey{current, QString()});
        QVERIFY2(cur.ok(), qPrintable(cur.errorString()));
        // The reference onto the current map's display grid, exactly as the viewer keys it.
        DisplayPrep into{DisplayPrep::Kind::IntoFrameOf, cur->image.width, cur->image.height, current};
        auto ref = loadDisplayMap(MapKey{earlier, into.toKey()});
        QVERIFY2(ref.ok(), qPrintable(ref.errorString()));
        auto diff = differenceMap(*cur, *ref, DifferenceMap::Kind::Running);
        QVERIFY2(diff.ok(), qPrintable(diff.errorString()));

        const test::ProcessResult py = test::runPython(QStringLiteral("difference_offlimb.py"), {current, earlier});
        QVERIFY2(py.exitCode == 0, py.err.constData());
        const QJsonObject ref0 = test::parseJson(py.out).object();
        const int pixels = ref0.value(QStringLiteral("pixels")).toInt();
        const int offLimb = ref0.value(QStringLiteral("offlimb")).toInt();
        QCOMPARE(int(diff->map.image.size()), pixels);
        QCOMPARE(ref0.value(QStringLiteral("offlimb_finite")).toInt(), offLimb);  // numpy: every one finite

        // Our off-limb pixels (through our WCS) and how many are finite.
        const SdoMap &d = diff->map;
        const double rsun = cur->meta.rsunObs;
        int ours = 0, oursFinite = 0;
        for (int y = 0; y < d.image.height; ++y)
            for (int x = 0; x < d.image.width; ++x) {
                double tx = 0, ty = 0;
                QVERIFY(d.wcs.pixelToHelioprojective(x, y, tx, ty));
                if (std::hypot(tx, ty) <= rsun)
                    continue;
                ++ours;
                oursFinite += std::isfinite(d.image.at(x, y));
            }
        qInfo("off-limb pixels: numpy/sunpy %d, ours %d, finite %d (%.2f %%); blank note: %s", offLimb, ours, oursFinite,
              100.0 * oursFinite / std::max(1, ours), qPrintable(differenceBlankNote(*diff)));
        QVERIFY(std::abs(ours - offLimb) <= offLimb / 1000);
        // Only a rim of the field may be lost (the interpolation footprint at the edges): at least 98 %.
        QVERIFY2(oursFinite >= 0.98 * offLimb, qPrintable(QStringLiteral("%1 of %2").arg(oursFinite).arg(offLimb)));
        // The same values as numpy's direct subtraction, up to the resampling: the two exposures' pointing
        // differs by CROTA2 0.00023 deg, a hundredth of a pixel across this cutout, which the cubic
        // interpolation of the noisy earlier frame turns into about a DN at most (numpy ignores it).
        std::vector<double> errors, sizes;
        for (const QJsonValue &v : ref0.value(QStringLiteral("samples")).toArray()) {
            const QJsonArray a = v.toArray();
            const float ourValue = d.image.at(a[0].toInt(), a[1].toInt());
            QVERIFY(std::isfinite(ourValue));
            errors.push_back(std::abs(double(ourValue) - a[2].toDouble()));
            sizes.push_back(std::abs(a[2].toDouble()));
        }
        QVERIFY(errors.size() > 500);
        std::sort(errors.begin(), errors.end());
        std::sort(sizes.begin(), sizes.end());
        const double medianError = errors[errors.size() / 2], medianSize = sizes[sizes.size() / 2];
        qInfo("%zu off-limb samples: |ours - numpy| median %.3g DN, max %.3g DN; median |difference| %.3g DN",
              errors.size(), medianError, errors.back(), medianSize);
        QVERIFY(errors.back() < 2.0);
        QVERIFY(medianError < 0.1 * medianSize);

        // What stays blank is counted and said.
        QCOMPARE(diff->pixels, (long long)pixels);
        QCOMPARE(diff->blankInCurrent, 0LL);
        long long nan = 0;
        for (float v : d.image.pixels)
            nan += !std::isfinite(v);
        QCOMPARE(diff->blank(), nan);
        QVERIFY(nan < pixels / 50);
        if (nan > 0) {
            const QString note = differenceBlankNote(*diff);
            QVERIFY(note.contains(QStringLiteral("none in the reference")));
            QVERIFY(d.header.commentary(QStringLiteral("HISTORY")).join(QLatin1Char('\n')).contains(QStringLiteral("pixels blank")));
        }
    }

    // Hours apart SDO's observer has moved (here the second file's keywords with HGLN_OBS + 0.005 deg and DSUN_OBS +
    // 30 000 km, a few hours of its orbit): the reference then goes through the solar sphere, where nothing off the
    // disk has a place. Without the screen every off-limb pixel was NaN (the synthetic archive's 12 h differences,
    // about half of each map); with it they stay.
    void movedObserverKeepsOffLimbOnTheScreen()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto cur = loadDisplayMap(MapKey{test::sdoFile(QStringLiteral("fits/AIA20220402_131353_0304.fits")), QString()});
        auto earlier = SdoMap::load(test::sdoFile(QStringLiteral("fits/AIA20220402_131341_0304.fits")));
        QVERIFY2(cur.ok() && earlier.ok(), qPrintable(cur.errorString() + earlier.errorString()));
        FitsHeader h = earlier->header;
        h.setNumber(QStringLiteral("HGLN_OBS"), earlier->meta.hglnObs + 0.005);
        h.setNumber(QStringLiteral("DSUN_OBS"), earlier->meta.dsunObs + 3.0e7);
        QTemporaryDir dir = test::scratchDir();
        const QString moved = dir.filePath(QStringLiteral("moved_0304.fits"));
        QVERIFY(FitsWriter::write(moved, h, earlier->image).ok());
        auto movedMap = SdoMap::load(moved);
        QVERIFY2(movedMap.ok(), qPrintable(movedMap.errorString()));
        auto curFrame = PixelFrame::fromMap(*cur);
        auto srcFrame = PixelFrame::fromMap(*movedMap);
        QVERIFY(curFrame.ok() && srcFrame.ok());

        auto offLimbFinite = [&](const Image &img, int &offLimb) {
            int finite = 0;
            offLimb = 0;
            for (int y = 0; y < img.height; ++y)
                for (int x = 0; x < img.width; ++x) {
                    double tx = 0, ty = 0;
                    cur->wcs.pixelToHelioprojective(x, y, tx, ty);
                    if (std::hypot(tx, ty) <= cur->meta.rsunObs)
                        continue;
                    ++offLimb;
                    finite += std::isfinite(img.at(x, y));
                }
            return finite;
        };
        ResampleInfo info;
        auto undefined = Resample::toFrame(movedMap->image, *srcFrame, *curFrame, Interpolation::Cubic, &info, OffDisk::Undefined);
        QVERIFY(undefined.ok());
        QVERIFY(info.throughSphere);  // the observers differ enough
        int offLimb = 0;
        const int before = offLimbFinite(*undefined, offLimb);
        QCOMPARE(before, 0);

        // What the viewer does for a difference reference (DisplayPrep: onto the current grid, screen on).
        DisplayPrep into{DisplayPrep::Kind::IntoFrameOf, cur->image.width, cur->image.height, cur->meta.file};
        auto ref = loadDisplayMap(MapKey{moved, into.toKey()});
        QVERIFY2(ref.ok(), qPrintable(ref.errorString()));
        QVERIFY(ref->header.commentary(QStringLiteral("HISTORY")).join(QLatin1Char(' ')).contains(QStringLiteral("spherical screen")));
        const int after = offLimbFinite(ref->image, offLimb);
        qInfo("observer moved: off-limb finite %d of %d without the screen, %d with it", before, offLimb, after);
        QVERIFY(after >= 0.98 * offLimb);
        auto diff = differenceMap(*cur, *ref);
        QVERIFY2(diff.ok(), qPrintable(diff.errorString()));
        QVERIFY(diff->blank() < diff->pixels / 50);
    }

    void blankNoteSaysWhy()
    {
        SdoMap a, b;
        a.meta.channel = b.meta.channel = QStringLiteral("hmi");
        a.meta.instrument = b.meta.instrument = Instrument::HMI;
        a.image = Image(4, 1);
        b.image = Image(4, 1);
        const float nan = std::numeric_limits<float>::quiet_NaN();
        a.image.pixels = {1, 2, nan, 4};
        b.image.pixels = {1, nan, nan, 3};
        auto d = differenceMap(a, b);
        QVERIFY2(d.ok(), qPrintable(d.errorString()));
        QCOMPARE(d->blankInCurrent, 1LL);
        QCOMPARE(d->blankByReference, 1LL);
        QCOMPARE(differenceBlankNote(*d), QStringLiteral("blank: 25.0 % no data in this map (HMI has none off the disk); "
                                                         "25.0 % none in the reference (outside its field of view or blank there)"));
        b.image.pixels = {1, 1, 1, 1};
        a.image.pixels = {1, 1, 1, 1};
        QVERIFY(differenceBlankNote(*differenceMap(a, b)).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestDifferenceOffLimb)
#include "tst_difference_offlimb.moc"
