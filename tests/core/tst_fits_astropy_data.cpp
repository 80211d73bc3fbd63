// Our FITS reader over astropy's own test files (python3-astropy's astropy/io/fits/tests/data): every file is
// either read or refused for its true reason, judged against astropy's view of the same file
// (tests/reference/mapfile_reference.py fits-folder). Where astropy finds a 2-D image with data, we read it
// (the same HDU, size, finite-pixel count and sum, tile-compressed images included, also those whose original
// was an extension: ZTENSION) and refuse it as a map only because it is not an SDO map; where astropy finds
// none, we say there is no 2-D image (or a cube, when astropy sees one first). A valid FITS file is never
// called "not a FITS file". Skips when python3-astropy's test data is not installed.
#include "TestSupport.h"

#include "core/map/FitsReader.h"
#include "core/map/MapFile.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;
using namespace solarchip::test;

class TestFitsAstropyData : public QObject {
    Q_OBJECT

    QString m_root;
    QJsonArray m_files;

private slots:
    void initTestCase()
    {
        const ProcessResult r = runPython(QStringLiteral("mapfile_reference.py"), {QStringLiteral("fits-folder")});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject o = parseJson(r.out).object();
        m_root = o[QStringLiteral("root")].toString();
        m_files = o[QStringLiteral("files")].toArray();
    }

    void eachFileReadOrRefusedForTheTrueReason_data()
    {
        QTest::addColumn<QJsonObject>("ref");
        if (m_files.isEmpty())
            QTest::newRow("no test data") << QJsonObject();  // the test itself says why it skips
        for (const QJsonValue &v : std::as_const(m_files))
            QTest::newRow(qPrintable(v[QStringLiteral("path")].toString())) << v.toObject();
    }

    void eachFileReadOrRefusedForTheTrueReason()
    {
        if (m_root.isEmpty())
            QSKIP("python3-astropy's test data folder (astropy/io/fits/tests/data) is not installed");
        QFETCH(QJsonObject, ref);
        const QString path = QDir(m_root).filePath(ref[QStringLiteral("path")].toString());
        const QJsonObject image = ref[QStringLiteral("image")].toObject();
        const bool hasImage = !image.isEmpty();

        auto read = FitsReader::read(path);
        auto map = MapFile::load(path);
        QVERIFY2(!map.ok(), "none of astropy's test files is an SDO map");
        const QString why = map.errorString();
        QVERIFY2(why.contains(path), qPrintable(why));
        if (ref[QStringLiteral("opens")].toBool())
            QVERIFY2(!why.contains(QStringLiteral("not a FITS file")), qPrintable(why));

        if (hasImage) {
            QVERIFY2(read.ok(), qPrintable(read.errorString()));
            QCOMPARE(read->info.hdu, image[QStringLiteral("hdu")].toInt());
            QCOMPARE(read->image.width, image[QStringLiteral("width")].toInt());
            QCOMPARE(read->image.height, image[QStringLiteral("height")].toInt());
            qint64 finite = 0;
            double sum = 0;
            for (float v : read->image.pixels)
                if (std::isfinite(v)) {
                    ++finite;
                    sum += v;
                }
            QCOMPARE(finite, qint64(image[QStringLiteral("finite")].toDouble()));
            const double expected = image[QStringLiteral("sum")].toDouble();
            QVERIFY2(std::fabs(sum - expected) <= 1e-5 * std::max(1.0, std::fabs(expected)),
                     qPrintable(QStringLiteral("sum %1, astropy %2").arg(sum, 0, 'g', 12).arg(expected, 0, 'g', 12)));
            // Read fine, refused as a map for the reason that is true of these files.
            QVERIFY2(why.contains(QStringLiteral("not an SDO map")), qPrintable(why));
            return;
        }
        QVERIFY2(!read.ok(), qPrintable(path + QStringLiteral(": read, but astropy finds no 2-D image with data")));
        const QString readWhy = read.errorString();
        if (ref[QStringLiteral("cube")].toBool())
            QVERIFY2(readWhy.contains(QStringLiteral("cube")), qPrintable(readWhy));
        else if (ref[QStringLiteral("opens")].toBool())
            QVERIFY2(readWhy.contains(QStringLiteral("no 2-D image HDU")) || readWhy.contains(QStringLiteral("invalid FITS header")),
                     qPrintable(readWhy));
        QCOMPARE(why, readWhy);  // MapFile passes the reader's reason on unchanged
    }

    // `solarchip info` over the whole folder: one refusal line per file, each naming its file, none of them
    // "not a FITS file"; the JSON keys of what it does read are the usual ones.
    void infoOverTheFolder()
    {
        if (m_root.isEmpty())
            QSKIP("python3-astropy's test data folder (astropy/io/fits/tests/data) is not installed");
        QStringList files;
        for (const QJsonValue &v : std::as_const(m_files))
            files << QDir(m_root).filePath(v[QStringLiteral("path")].toString());
        const ProcessResult r = run(binPath(QStringLiteral("solarchip")), QStringList{QStringLiteral("info")} + files + QStringList{QStringLiteral("--json")});
        QVERIFY(!r.crashed);
        QVERIFY(r.exitCode != 0);  // none is an SDO map
        const QStringList lines = QString::fromUtf8(r.err).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), files.size());
        for (int i = 0; i < files.size(); ++i) {
            QVERIFY2(lines[i].contains(files[i]), qPrintable(lines[i]));
            QVERIFY2(!lines[i].contains(QStringLiteral("not a FITS file")), qPrintable(lines[i]));
        }
    }
};

QTEST_GUILESS_MAIN(TestFitsAstropyData)
#include "tst_fits_astropy_data.moc"
