// The header of the image a tile-compressed HDU holds, as FitsReader gives it without CFITSIO's
// fits_convert_hdr2str (which builds the whole uncompressed image in memory: core/map/FitsReader.cpp), against
// astropy's CompImageHDU.header for the same file (tests/reference/fits_header_cards.py, independent of CFITSIO):
// the same keywords, structure included (XTENSION 'IMAGE', PCOUNT, GCOUNT for an extension; SIMPLE and EXTEND for a
// compressed primary image), the same values and as many cards, but for the compressed table's own CHECKSUM and
// DATASUM, which astropy shows and which do not sum the image. Files: the real AIA cutout (RICE, HDU 2), a synthetic
// AIA 171 and HMI level-1 file (RICE, as the real archive), and astropy's own compressed test files (skipped when
// python3-astropy's test data is not installed).
#include "TestSupport.h"

#include "core/map/FitsReader.h"

#include <QDir>
#include <QDirIterator>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

class TestCompressedHeader : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir = test::scratchDir();

private Q_SLOTS:
    void matchesAstropy_data()
    {
        QTest::addColumn<QString>("file");
        if (!test::sdoDir().isEmpty())
            QTest::newRow("real AIA 171 cutout") << test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits"));
        const auto made = test::run(test::binPath(QStringLiteral("solarchip")),
                                    {QStringLiteral("synth"), m_dir.path(), QStringLiteral("--start"), QStringLiteral("2013-06-01T00:00"),
                                     QStringLiteral("--days"), QStringLiteral("1"), QStringLiteral("--cadence"), QStringLiteral("24"),
                                     QStringLiteral("--size"), QStringLiteral("128"), QStringLiteral("--channels"),
                                     QStringLiteral("hmi,171"), QStringLiteral("--seed"), QStringLiteral("3"), QStringLiteral("--quiet")});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        QDirIterator it(m_dir.path(), {QStringLiteral("*.fits")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString f = it.next();
            QTest::newRow(qPrintable(QStringLiteral("synthetic ") + QFileInfo(f).fileName())) << f;
        }
        const QString astropy = QStringLiteral("/usr/lib/python3/dist-packages/astropy/io/fits/tests/data/");
        for (const char *name : {"comp.fits", "compressed_image.fits"})
            if (QFileInfo::exists(astropy + QLatin1String(name)))
                QTest::newRow(name) << astropy + QLatin1String(name);
    }

    void matchesAstropy()
    {
        QFETCH(QString, file);
        auto info = FitsReader::readInfo(file);
        QVERIFY2(info, qPrintable(info.errorString()));
        QVERIFY(info->compressed);
        const auto r = test::runPython(QStringLiteral("fits_header_cards.py"), {file}, 120000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject ref = test::parseJson(r.out).object();
        QCOMPARE(info->hdu, ref.value(QStringLiteral("hdu")).toInt());
        const QJsonObject values = ref.value(QStringLiteral("values")).toObject();
        QSet<QString> ours;
        for (const FitsCard &c : info->header.cards()) {
            if (c.key.isEmpty() || c.key == QLatin1String("COMMENT") || c.key == QLatin1String("HISTORY"))
                continue;
            ours << c.key;
            QVERIFY2(values.contains(c.key), qPrintable(c.key + QStringLiteral(" is not in astropy's header")));
            QVERIFY2(test::sameFitsValue(c.value, values.value(c.key)),
                     qPrintable(QStringLiteral("%1: %2 vs astropy's %3").arg(c.key, c.value, values.value(c.key).toVariant().toString())));
        }
        // astropy also shows the compressed table's CHECKSUM and DATASUM, which sum the table, not the image.
        int tableSums = 0;
        for (auto it = values.begin(); it != values.end(); ++it) {
            if ((it.key() == QLatin1String("CHECKSUM") || it.key() == QLatin1String("DATASUM")) && !ours.contains(it.key())) {
                ++tableSums;
                continue;
            }
            QVERIFY2(ours.contains(it.key()), qPrintable(it.key() + QStringLiteral(" is missing")));
        }
        // (Blank cards, which astropy keeps, are not cards to us.)
        QCOMPARE(static_cast<int>(info->header.cards().size()) + tableSums, ref.value(QStringLiteral("nonblank_cards")).toInt());
        // The structure comes first, as in any image HDU.
        const QString first = info->header.cards().first().key;
        QVERIFY2(first == QLatin1String("XTENSION") || first == QLatin1String("SIMPLE"), qPrintable(first));
        QCOMPARE(info->header.cards().at(1).key, QStringLiteral("BITPIX"));
    }
};

QTEST_GUILESS_MAIN(TestCompressedHeader)
#include "tst_compressedheader.moc"
