// Level 1.5 prep of the real level-1 files against sunpy doing the same geometry (Debian's python3-sunpy 4.1,
// Map.rotate(scale=CDELT/target, order=3, recenter=...), integer data converted to float first): pixel
// correlation through the WCS of both results >= 0.998 on the overlapping valid region
// (tests/reference/prep_sunpy.py). Our output size is set to sunpy's, so when both headers are right the two
// pixel grids coincide: the comparison also checks that our written WCS puts every pixel where sunpy's does.
#include "TestSupport.h"

#include "core/map/FitsWriter.h"
#include "core/map/Prep.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

struct Case {
    const char *name;
    const char *file;
    double scale;
    bool recenter;
};

// Full resolution AIA (RICE int16, CROTA2 0.019), HMI stored upside down at 0.504"/px, a 128 px full-disk AIA
// and a 100 px full-disk HMI continuum with NaN off the disk. The full-disk maps are rescaled to scales that
// suit their size; the cutout is also recentred (its CRVAL is the disk centre, as in real level-1 files).
const Case kCases[] = {
    {"aia_cutout", "fits/aia_171_cutout.fits", 0.6, false},
    {"aia_cutout_recentred", "fits/aia_171_cutout.fits", 0.6, true},
    {"hmi_submap", "fits/sdo-hmi_2011-02-14_20-34-12.fits", 0.6, false},
    {"aia_fulldisk_128", "fits/aia_171_level1.fits", 12.0, false},
    {"hmi_fulldisk_nan", "fits/resampled_hmi.fits", 20.0, false},
};

}  // namespace

class TestPrepSunpy : public QObject {
    Q_OBJECT

private slots:
    void agreesWithSunpy()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto dir = test::scratchDir();
        QJsonArray jobs;
        for (const Case &c : kCases)
            jobs.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(c.name)},
                                    {QStringLiteral("file"), test::sdoFile(QString::fromLatin1(c.file))},
                                    {QStringLiteral("scale"), c.scale},
                                    {QStringLiteral("recenter"), c.recenter}});
        auto r = test::runPython(QStringLiteral("prep_sunpy.py"),
                                 {QStringLiteral("rotate"), dir.path(), QString::fromUtf8(QJsonDocument(jobs).toJson(QJsonDocument::Compact))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject sunpy = test::parseJson(r.out).object();

        QJsonArray pairs;
        for (const Case &c : kCases) {
            const QJsonObject s = sunpy.value(QString::fromLatin1(c.name)).toObject();
            const QJsonArray shape = s.value(QStringLiteral("shape")).toArray();
            QCOMPARE(shape.size(), 2);
            auto map = SdoMap::load(test::sdoFile(QString::fromLatin1(c.file)));
            QVERIFY2(map.ok(), qPrintable(map.errorString()));
            PrepOptions o;
            o.scale = c.scale;
            o.recenter = c.recenter;
            o.height = shape[0].toInt();
            o.width = shape[1].toInt();
            auto prepped = Prep::level15(std::move(map.value()), o);
            QVERIFY2(prepped.ok(), qPrintable(prepped.errorString()));
            const QString ours = dir.filePath(QString::fromLatin1(c.name) + QStringLiteral("_ours.fits"));
            const Status w = FitsWriter::write(ours, prepped->header, prepped->image);
            QVERIFY2(w.ok(), qPrintable(w.errorString()));
            pairs.append(QJsonObject{{QStringLiteral("name"), QString::fromLatin1(c.name)},
                                     {QStringLiteral("ours"), ours},
                                     {QStringLiteral("ref"), s.value(QStringLiteral("file")).toString()}});
        }
        // Co-registration onto a frame made by someone else: the real HMI map resampled onto sunpy's own
        // rotated grid must match sunpy's pixels there.
        {
            auto frame = PixelFrame::fromFile(sunpy.value(QStringLiteral("hmi_submap")).toObject().value(QStringLiteral("file")).toString());
            QVERIFY2(frame.ok(), qPrintable(frame.errorString()));
            auto map = SdoMap::load(test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits")));
            QVERIFY(map.ok());
            auto reg = Prep::toFrame(std::move(map.value()), *frame);
            QVERIFY2(reg.ok(), qPrintable(reg.errorString()));
            const QString ours = dir.filePath(QStringLiteral("hmi_to_frame_ours.fits"));
            QVERIFY(FitsWriter::write(ours, reg->header, reg->image).ok());
            pairs.append(QJsonObject{{QStringLiteral("name"), QStringLiteral("hmi_submap_to_frame")},
                                     {QStringLiteral("ours"), ours},
                                     {QStringLiteral("ref"), sunpy.value(QStringLiteral("hmi_submap")).toObject().value(QStringLiteral("file")).toString()}});
        }

        r = test::runPython(QStringLiteral("prep_sunpy.py"),
                            {QStringLiteral("compare"), QString::fromUtf8(QJsonDocument(pairs).toJson(QJsonDocument::Compact))});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject cmp = test::parseJson(r.out).object();
        for (const QJsonValue &p : pairs) {
            const QString name = p.toObject().value(QStringLiteral("name")).toString();
            const QJsonObject c = cmp.value(name).toObject();
            const double corr = c.value(QStringLiteral("corr")).toDouble();
            const double n = c.value(QStringLiteral("n")).toDouble(), refValid = c.value(QStringLiteral("ref_valid")).toDouble();
            qInfo("%-22s corr %.6f over %.0f px (sunpy valid %.0f), grid offset %.2g px, mean |diff| %.4g (sunpy std %.4g)",
                  qPrintable(name), corr, n, refValid, c.value(QStringLiteral("max_offset_px")).toDouble(),
                  c.value(QStringLiteral("mean_abs_diff")).toDouble(), c.value(QStringLiteral("ref_std")).toDouble());
            QVERIFY2(corr >= 0.998, qPrintable(QStringLiteral("%1: correlation %2 < 0.998").arg(name).arg(corr)));
            // Same grid: our header and sunpy's put every pixel at the same world coordinate.
            QVERIFY2(c.value(QStringLiteral("max_offset_px")).toDouble() < 1e-6, qPrintable(name));
            // We are NaN only on a one-pixel border ring where sunpy is not (the cubic footprint leaves the
            // input there); nowhere else.
            QVERIFY2(n >= 0.97 * refValid, qPrintable(name));
        }
    }
};

QTEST_GUILESS_MAIN(TestPrepSunpy)
#include "tst_prep_sunpy.moc"
