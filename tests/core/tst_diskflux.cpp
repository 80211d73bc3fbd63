// Total unsigned flux of a line-of-sight magnetogram (core/map/DiskFlux), the flare heads' non-learned baseline:
// on the real HMI magnetogram of NOAA 11158 against sunpy's coordinate frames (tests/reference/disk_flux.py, whose
// mu is the angle between the surface normal and the direction to the observer, computed in the Heliocentric
// frame: not the formula of the code under test), and on a full-disk radial field of known strength against the
// closed form B0 * 2 pi R^2 (1 - cos gamma_max) of the visible cap; maps that are not magnetograms are refused.
#include "TestSupport.h"

#include "core/map/DiskFlux.h"
#include "core/map/SdoMap.h"

#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

class TestDiskFlux : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void realActiveRegionAgainstSunpy()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString file = test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"));
        auto map = SdoMap::load(file);
        QVERIFY2(map, qPrintable(map.errorString()));
        auto flux = diskUnsignedFlux(*map, 0.95);
        QVERIFY2(flux, qPrintable(flux.errorString()));
        const auto r = test::runPython(QStringLiteral("disk_flux.py"), {file, QStringLiteral("0.95")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject ref = test::parseJson(r.out).object();
        const double want = ref.value(QStringLiteral("flux_mx")).toDouble();
        QVERIFY2(std::abs(flux->unsignedMx / want - 1) < 2e-3,
                 qPrintable(QStringLiteral("%1 Mx vs sunpy %2 Mx").arg(flux->unsignedMx).arg(want)));
        QVERIFY(std::abs(flux->pixels - ref.value(QStringLiteral("pixels")).toInteger()) <= 2);
        // The submap is NOAA 11158 a day before its X2.2 flare; its unsigned flux was 2-3e22 Mx (Sun et al. 2012,
        // ApJ 748, 77, fig. 4, from the same HMI data): the quiet Sun around it adds a little.
        QVERIFY2(flux->unsignedMx > 2.0e22 && flux->unsignedMx < 3.5e22, qPrintable(QString::number(flux->unsignedMx)));
    }

    void radialFieldGivesTheVisibleCapArea()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto real = SdoMap::load(test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits")));
        QVERIFY(real);
        // The real header's observer, on a full-disk 1024 px frame centred on the Sun, north up.
        FitsHeader h = real->header;
        const int n = 1024;
        const double cdelt = 2.2;
        h.setInteger(QStringLiteral("NAXIS1"), n);
        h.setInteger(QStringLiteral("NAXIS2"), n);
        h.setNumber(QStringLiteral("CRPIX1"), (n + 1) / 2.0);
        h.setNumber(QStringLiteral("CRPIX2"), (n + 1) / 2.0);
        h.setNumber(QStringLiteral("CRVAL1"), 0);
        h.setNumber(QStringLiteral("CRVAL2"), 0);
        h.setNumber(QStringLiteral("CDELT1"), cdelt);
        h.setNumber(QStringLiteral("CDELT2"), cdelt);
        h.setNumber(QStringLiteral("CROTA2"), 0);
        for (const char *k : {"PC1_1", "PC1_2", "PC2_1", "PC2_2"})
            h.remove(QLatin1String(k));
        const double arcsec = M_PI / 180 / 3600;
        const double d = real->meta.dsunObs, rhoSun = real->meta.rsunObs * arcsec, radius = d * std::sin(rhoSun);
        // B_los = B0 mu of a radial field B0: the line of sight at angle rho from the centre (TAN plane: tan rho
        // = |(xi, eta)|) meets the sphere where sin(alpha) = d sin(rho) / R, mu = cos(alpha).
        const double b0 = 100;
        Image img(n, n, std::numeric_limits<float>::quiet_NaN());
        for (int y = 0; y < n; ++y)
            for (int x = 0; x < n; ++x) {
                const double xi = (x + 1 - (n + 1) / 2.0) * cdelt * arcsec, eta = (y + 1 - (n + 1) / 2.0) * cdelt * arcsec;
                const double s = d * std::sin(std::atan(std::hypot(xi, eta))) / radius;
                if (s < 1)
                    img.at(x, y) = static_cast<float>(b0 * std::sqrt(1 - s * s) * (x % 2 ? 1 : -1));  // signs alternate
            }
        img.at(n / 2, n / 2) = std::numeric_limits<float>::quiet_NaN();  // one missing pixel, skipped and counted
        auto map = SdoMap::fromHeaderAndImage(h, img, QStringLiteral("radial-field.fits"));
        QVERIFY2(map, qPrintable(map.errorString()));
        for (double factor : {0.5, 0.95}) {
            auto flux = diskUnsignedFlux(*map, factor);
            QVERIFY2(flux, qPrintable(flux.errorString()));
            // The visible cap up to the line of sight at factor * rho_sun: heliocentric angle gamma = alpha - rho.
            const double rho = factor * rhoSun, gamma = std::asin(d * std::sin(rho) / radius) - rho;
            const double want = b0 * 2 * M_PI * radius * radius * (1 - std::cos(gamma)) * 1e4;  // m^2 -> cm^2
            QVERIFY2(std::abs(flux->unsignedMx / want - 1) < 0.01,
                     qPrintable(QStringLiteral("factor %1: %2 Mx vs %3 Mx").arg(factor).arg(flux->unsignedMx).arg(want)));
            QCOMPARE(flux->nanPixels, 1LL);
        }
    }

    void otherMapsAreRefused()
    {
        SOLARCHIP_REQUIRE_SDO();
        for (const char *rel : {"fits/aia_171_level1.fits", "fits/resampled_hmi.fits"}) {
            auto map = SdoMap::load(test::sdoFile(QLatin1String(rel)));
            QVERIFY2(map, qPrintable(map.errorString()));
            auto flux = diskUnsignedFlux(*map);
            QVERIFY(!flux);
            QVERIFY2(flux.errorString().contains(QStringLiteral("not an HMI line-of-sight magnetogram"))
                         && flux.errorString().contains(QFileInfo(QLatin1String(rel)).fileName()),
                     qPrintable(flux.errorString()));
        }
    }
};

QTEST_GUILESS_MAIN(TestDiskFlux)
#include "tst_diskflux.moc"
