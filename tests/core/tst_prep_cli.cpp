// `solarchip prep` and `solarchip bench load-prep` as a user meets them: exit codes (0 ok, 1 data problem
// with the file named, 2 usage), the JSON summary, the written header read back, and bad input leaving what
// was on disk untouched.
#include "TestSupport.h"

#include "core/map/FitsReader.h"
#include "core/base/Image.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

QString cli() { return test::binPath(QStringLiteral("solarchip")); }

#define REQUIRE_CLI()                                                                                      \
    do {                                                                                                   \
        if (!QFileInfo::exists(cli()))                                                                     \
            QSKIP("build/bin/solarchip not built (build the 'solarchip' target to run the CLI tests)");    \
    } while (0)

}  // namespace

class TestPrepCli : public QObject {
    Q_OBJECT

private slots:
    void usageErrors_data()
    {
        QTest::addColumn<QStringList>("args");
        const QString in = QStringLiteral("in.fits");
        QTest::newRow("no input") << QStringList{QStringLiteral("prep")};
        QTest::newRow("no output") << QStringList{QStringLiteral("prep"), in};
        QTest::newRow("bad order") << QStringList{QStringLiteral("prep"), in, QStringLiteral("-o"), QStringLiteral("x.fits"), QStringLiteral("--order"), QStringLiteral("5")};
        QTest::newRow("bad size") << QStringList{QStringLiteral("prep"), in, QStringLiteral("-o"), QStringLiteral("x.fits"), QStringLiteral("--size"), QStringLiteral("12xq")};
        QTest::newRow("bad scale") << QStringList{QStringLiteral("prep"), in, QStringLiteral("-o"), QStringLiteral("x.fits"), QStringLiteral("--scale"), QStringLiteral("-1")};
        QTest::newRow("to-frame with scale") << QStringList{QStringLiteral("prep"), in, QStringLiteral("-o"), QStringLiteral("x.fits"), QStringLiteral("--to-frame"), QStringLiteral("r.fits"), QStringLiteral("--scale"), QStringLiteral("0.6")};
        QTest::newRow("bench without file") << QStringList{QStringLiteral("bench"), QStringLiteral("load-prep")};
    }

    void usageErrors()
    {
        REQUIRE_CLI();
        QFETCH(QStringList, args);
        const auto r = test::run(cli(), args, 60000);
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("solarchip"));
    }

    void dataErrorsNameTheFile()
    {
        REQUIRE_CLI();
        SOLARCHIP_REQUIRE_SDO();
        auto dir = test::scratchDir();
        const QString out = dir.filePath(QStringLiteral("keep.fits"));
        {
            QFile f(out);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("previous result");
        }
        // Missing input: exit 1, the input named, the existing output untouched.
        const QString missing = dir.filePath(QStringLiteral("nope.fits"));
        auto r = test::run(cli(), {QStringLiteral("prep"), missing, QStringLiteral("-o"), out}, 60000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("solarchip prep: ") && r.err.contains("nope.fits"), r.err.constData());
        // HMI has no EXPTIME.
        const QString hmi = test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"));
        r = test::run(cli(), {QStringLiteral("prep"), hmi, QStringLiteral("-o"), out, QStringLiteral("--exposure-normalise")}, 60000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("EXPTIME") && r.err.contains("sdo-hmi_2011-02-14_20-34-12.fits"), r.err.constData());
        // A non-image FITS file as the reference frame.
        r = test::run(cli(), {QStringLiteral("prep"), hmi, QStringLiteral("-o"), out, QStringLiteral("--to-frame"),
                              test::sdoFile(QStringLiteral("fits/go1520110607.fits"))}, 60000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("go1520110607.fits"), r.err.constData());
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), QByteArray("previous result"));
        // An output folder that does not exist: exit 1, the output named, nothing created.
        const QString nowhere = dir.filePath(QStringLiteral("no/such/dir/out.fits"));
        r = test::run(cli(), {QStringLiteral("prep"), hmi, QStringLiteral("-o"), nowhere}, 60000);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("out.fits"), r.err.constData());
        QVERIFY(!QFileInfo::exists(nowhere));
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).size(), 1);  // no stray temporaries
    }

    void prepWritesLevel15()
    {
        REQUIRE_CLI();
        SOLARCHIP_REQUIRE_SDO();
        auto dir = test::scratchDir();
        const QString out = dir.filePath(QStringLiteral("aia15.fits"));
        auto r = test::run(cli(), {QStringLiteral("prep"), test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits")),
                                   QStringLiteral("-o"), out, QStringLiteral("--exposure-normalise"), QStringLiteral("--json")},
                           120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject j = test::parseJson(r.out).object();
        QCOMPARE(j.value(QStringLiteral("method")).toString(), QStringLiteral("affine"));
        const QJsonObject o = j.value(QStringLiteral("out")).toObject();
        QCOMPARE(o.value(QStringLiteral("level")).toDouble(), 1.5);
        QCOMPARE(o.value(QStringLiteral("cdelt1")).toDouble(), 0.6);
        QCOMPARE(o.value(QStringLiteral("crota2")).toDouble(), 0.0);
        QCOMPARE(o.value(QStringLiteral("unit")).toString(), QStringLiteral("DN/s"));
        QCOMPARE(o.value(QStringLiteral("naxis1")).toInt(), 769);
        auto info = FitsReader::readInfo(out);
        QVERIFY2(info.ok(), qPrintable(info.errorString()));
        QCOMPARE(info->bitpix, -32);
        QCOMPARE(info->header.number(QStringLiteral("LVL_NUM"), 0), 1.5);
        QCOMPARE(info->header.string(QStringLiteral("PIXLUNIT"), {}), QStringLiteral("DN/s"));
        QVERIFY(info->header.commentary(QStringLiteral("HISTORY")).join(QString()).contains(QLatin1String("EXPTIME")));

        // Full disk: model resolution and the disk mask.
        const QString small = dir.filePath(QStringLiteral("small.fits"));
        r = test::run(cli(), {QStringLiteral("prep"), test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")), QStringLiteral("-o"),
                              small, QStringLiteral("--scale"), QStringLiteral("19.2"), QStringLiteral("--recenter"),
                              QStringLiteral("--downsample"), QStringLiteral("32"), QStringLiteral("--mask-off-disk"),
                              QStringLiteral("--json")},
                      120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject s = test::parseJson(r.out).object().value(QStringLiteral("out")).toObject();
        QCOMPARE(s.value(QStringLiteral("naxis1")).toInt(), 32);
        QCOMPARE(s.value(QStringLiteral("cdelt1")).toDouble(), 19.2 * 4);
        // Disk radius ~972" = 12.7 px of 76.8": about pi 12.7^2 = 500 of 1024 pixels are on the disk.
        const double nan = s.value(QStringLiteral("stats")).toObject().value(QStringLiteral("nan_count")).toDouble();
        QVERIFY2(nan > 450 && nan < 600, qPrintable(QString::number(nan)));

        // --to-frame: the HMI map onto its own level-1.5 frame written by a first run (CROTA2 180 -> 0), an
        // exact affine mapping; both routes must give the same pixels.
        const QString hmi15 = dir.filePath(QStringLiteral("hmi15.fits")), hmiReg = dir.filePath(QStringLiteral("hmireg.fits"));
        const QString hmi = test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits"));
        r = test::run(cli(), {QStringLiteral("prep"), hmi, QStringLiteral("-o"), hmi15, QStringLiteral("--scale"), QStringLiteral("0.6")}, 120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        r = test::run(cli(), {QStringLiteral("prep"), hmi, QStringLiteral("-o"), hmiReg, QStringLiteral("--to-frame"), hmi15,
                              QStringLiteral("--json")}, 120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject t = test::parseJson(r.out).object();
        QCOMPARE(t.value(QStringLiteral("method")).toString(), QStringLiteral("affine"));
        QVERIFY(std::fabs(std::fabs(t.value(QStringLiteral("rotation_deg")).toDouble()) - 179.929855) < 1e-6);
        QCOMPARE(t.value(QStringLiteral("out")).toObject().value(QStringLiteral("level")).toDouble(), 1.5);
        auto a = FitsReader::read(hmi15), b = FitsReader::read(hmiReg);
        QVERIFY(a.ok() && b.ok());
        QCOMPARE(a->image.size(), b->image.size());
        for (std::size_t k = 0; k < a->image.size(); k += 13) {
            const float x = a->image.pixels[k], y = b->image.pixels[k];
            QVERIFY((std::isnan(x) && std::isnan(y)) || std::fabs(x - y) <= 1e-4 * std::fabs(x) + 1e-3);
        }
    }

    void benchLoadPrep()
    {
        REQUIRE_CLI();
        SOLARCHIP_REQUIRE_SDO();
        const auto r = test::run(cli(), {QStringLiteral("bench"), QStringLiteral("load-prep"),
                                         test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits")), QStringLiteral("--repeat"),
                                         QStringLiteral("2"), QStringLiteral("--json")},
                                 120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject j = test::parseJson(r.out).object();
        QCOMPARE(j.value(QStringLiteral("bench")).toString(), QStringLiteral("load-prep"));
        QCOMPARE(j.value(QStringLiteral("naxis1")).toInt(), 769);
        QCOMPARE(j.value(QStringLiteral("runs")).toArray().size(), 2);
        QVERIFY(j.value(QStringLiteral("total_s_min")).toDouble() > 0);
        QCOMPARE(j.value(QStringLiteral("image_float32_bytes")).toDouble(), 769.0 * 705 * 4);
        // The output image alone is one float32 image: the measured peak cannot be below it.
        QVERIFY(j.value(QStringLiteral("peak_rss_growth_bytes")).toDouble() >= 769.0 * 705 * 4);
    }
};

QTEST_GUILESS_MAIN(TestPrepCli)
#include "tst_prep_cli.moc"
