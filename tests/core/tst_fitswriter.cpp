// core/FitsWriter output as astropy reads it: layout (RICE in HDU 2 like real AIA files), BITPIX, scaling,
// BLANK -> NaN, header cards and HISTORY, pixel values; and our reader reads it back identically.
#include "TestSupport.h"

#include "core/map/FitsReader.h"
#include "core/map/FitsWriter.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>

using namespace solarchip;

class TestFitsWriter : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir = test::scratchDir();

    static Image pattern(int w, int h)
    {
        Image img(w, h);
        for (int y = 0; y < h; ++y)
            for (int x = 0; x < w; ++x)
                img.at(x, y) = static_cast<float>(std::round(1000.0 * std::sin(0.05 * x) * std::cos(0.03 * y) + 3.0 * x));
        img.at(5, 7) = std::nanf("");
        return img;
    }

    static FitsHeader header()
    {
        FitsHeader h;
        h.setString(QStringLiteral("TELESCOP"), QStringLiteral("SDO/AIA"));
        h.setNumber(QStringLiteral("WAVELNTH"), 193);
        h.setString(QStringLiteral("T_OBS"), QStringLiteral("2011-06-07T06:00:07.84Z"));
        h.setNumber(QStringLiteral("CDELT1"), 0.600109);
        h.setNumber(QStringLiteral("CRPIX1"), 2048.5);
        h.setString(QStringLiteral("BUNIT"), QStringLiteral("DN"));
        h.setNumber(QStringLiteral("LVL_NUM"), 1.5);
        h.addHistory(QStringLiteral("first step"));
        h.addHistory(QStringLiteral("second step"));
        return h;
    }

    QJsonObject astropyView(const QString &file)
    {
        const auto r = test::runPython(QStringLiteral("fits_roundtrip.py"),
                                       {file, QStringLiteral("0,0"), QStringLiteral("5,7"), QStringLiteral("63,31"),
                                        QStringLiteral("17,40")});
        if (r.exitCode != 0)
            qWarning("%s", r.err.constData());
        return test::parseJson(r.out).object();
    }

private slots:
    void riceInt16LikeAia()
    {
        const QString file = m_dir.filePath(QStringLiteral("rice16.fits"));
        const Image img = pattern(64, 48);
        FitsWriteOptions o;
        o.type = FitsWriteOptions::Type::Int16;
        o.compression = QStringLiteral("RICE_1");
        QVERIFY(FitsWriter::write(file, header(), img, o).ok());
        const QJsonObject a = astropyView(file);
        QCOMPARE(a.value(QStringLiteral("hdu")).toInt(), 2);
        QVERIFY(a.value(QStringLiteral("compressed")).toBool());
        QCOMPARE(a.value(QStringLiteral("zcmptype")).toString(), QStringLiteral("RICE_1"));
        QCOMPARE(a.value(QStringLiteral("bitpix")).toInt(), 16);
        QCOMPARE(a.value(QStringLiteral("shape")).toArray(), QJsonArray({48, 64}));
        const QJsonObject h = a.value(QStringLiteral("header")).toObject();
        QCOMPARE(h.value(QStringLiteral("TELESCOP")).toString(), QStringLiteral("SDO/AIA"));
        QCOMPARE(h.value(QStringLiteral("CDELT1")).toDouble(), 0.600109);
        QCOMPARE(h.value(QStringLiteral("T_OBS")).toString(), QStringLiteral("2011-06-07T06:00:07.84Z"));
        QCOMPARE(a.value(QStringLiteral("history")).toArray(), QJsonArray({"first step", "second step"}));
        const QJsonArray v = a.value(QStringLiteral("values")).toArray();
        QCOMPARE(v[0].toDouble(), double(img.at(0, 0)));
        // Unscaled integers: astropy hands back the stored BLANK value itself (an int16 array has no NaN).
        QCOMPARE(h.value(QStringLiteral("BLANK")).toInt(), -32768);
        QCOMPARE(v[1].toDouble(), -32768.0);
        QCOMPARE(v[2].toDouble(), double(img.at(63, 31)));
        QCOMPARE(v[3].toDouble(), double(img.at(17, 40)));

        auto back = FitsReader::read(file);
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QCOMPARE(back->info.hdu, 2);
        QCOMPARE(back->info.compression, QStringLiteral("RICE_1"));
        for (int i = 0; i < int(img.size()); ++i) {
            if (std::isnan(img.pixels[i]))
                QVERIFY(std::isnan(back->image.pixels[i]));
            else
                QCOMPARE(back->image.pixels[i], img.pixels[i]);
        }
        QCOMPARE(back->info.header.string(QStringLiteral("TELESCOP"), {}), QStringLiteral("SDO/AIA"));
    }

    void scaledInt32LikeHmi()
    {
        // HMI magnetograms: int32 with BSCALE 0.1 (stored = round(B / 0.1)).
        const QString file = m_dir.filePath(QStringLiteral("hmi32.fits"));
        Image img(32, 32);
        for (int i = 0; i < int(img.size()); ++i)
            img.pixels[i] = -1500.0f + 2.7f * i;
        img.at(0, 0) = std::nanf("");
        FitsWriteOptions o;
        o.type = FitsWriteOptions::Type::Int32;
        o.bscale = 0.1;
        o.compression = QStringLiteral("RICE_1");
        QVERIFY(FitsWriter::write(file, header(), img, o).ok());
        const auto r = test::runPython(QStringLiteral("fits_roundtrip.py"),
                                       {file, QStringLiteral("0,0"), QStringLiteral("5,7"), QStringLiteral("31,31")});
        const QJsonObject a = test::parseJson(r.out).object();
        QCOMPARE(a.value(QStringLiteral("bitpix")).toInt(), 32);
        QCOMPARE(a.value(QStringLiteral("header")).toObject().value(QStringLiteral("BSCALE")).toDouble(), 0.1);
        const QJsonArray v = a.value(QStringLiteral("values")).toArray();
        QVERIFY(v[0].isNull());  // scaled data: astropy applies BLANK -> NaN
        QVERIFY(std::fabs(v[1].toDouble() - (-1500.0 + 2.7 * (7 * 32 + 5))) <= 0.05 + 1e-9);
        QVERIFY(std::fabs(v[2].toDouble() - (-1500.0 + 2.7 * (31 * 32 + 31))) <= 0.05 + 1e-9);
        auto back = FitsReader::read(file);
        QVERIFY(back.ok());
        for (int i = 1; i < int(img.size()); ++i)
            QVERIFY(std::fabs(back->image.pixels[i] - std::round(img.pixels[i] / 0.1) * 0.1) < 1e-3);
        QVERIFY(std::isnan(back->image.pixels[0]));
    }

    void float32Plain()
    {
        const QString file = m_dir.filePath(QStringLiteral("f32.fits"));
        const Image img = pattern(64, 48);
        { auto st = FitsWriter::write(file, header(), img); QVERIFY2(st.ok(), qPrintable(st.errorString())); }
        const QJsonObject a = astropyView(file);
        QCOMPARE(a.value(QStringLiteral("hdu")).toInt(), 1);
        QVERIFY(!a.value(QStringLiteral("compressed")).toBool());
        QCOMPARE(a.value(QStringLiteral("bitpix")).toInt(), -32);
        QCOMPARE(a.value(QStringLiteral("header")).toObject().value(QStringLiteral("LVL_NUM")).toDouble(), 1.5);
        const QJsonArray v = a.value(QStringLiteral("values")).toArray();
        QCOMPARE(v[2].toDouble(), double(img.at(63, 31)));
        QVERIFY(v[1].isNull());
    }

    // Keys longer than 8 characters are written as HIERARCH cards, read back by astropy and by our reader under
    // their long names, in a plain and in a tile-compressed file; a card no record can hold becomes a COMMENT.
    void longKeysAsHierarch_data()
    {
        QTest::addColumn<QString>("compression");
        QTest::newRow("plain") << QString();
        QTest::newRow("rice") << QStringLiteral("RICE_1");
    }

    void longKeysAsHierarch()
    {
        QFETCH(QString, compression);
        const QString file = m_dir.filePath(QStringLiteral("hierarch_%1.fits").arg(compression.isEmpty() ? QStringLiteral("plain") : compression));
        FitsHeader h = header();
        h.setString(QStringLiteral("WAVE_UNIT_NAME"), QStringLiteral("angstrom"), QStringLiteral("a long string key"));
        h.setNumber(QStringLiteral("EXPOSURE_SECONDS"), 2.901);
        h.setInteger(QStringLiteral("ZENITH_COUNT"), 42);  // starts with Z, yet no tile-compression keyword
        const QString huge = QString(80, QLatin1Char('x'));
        h.setString(QStringLiteral("TOO_LONG_FOR_ANY_CARD"), huge);
        FitsWriteOptions o;
        o.compression = compression;
        o.type = compression.isEmpty() ? FitsWriteOptions::Type::Float32 : FitsWriteOptions::Type::Int16;
        QVERIFY(FitsWriter::write(file, h, pattern(64, 48), o).ok());

        QFile raw(file);
        QVERIFY(raw.open(QIODevice::ReadOnly));
        const QByteArray bytes = raw.readAll();
        QVERIFY(bytes.contains("HIERARCH WAVE_UNIT_NAME = 'angstrom'"));
        QVERIFY(!bytes.contains("WAVE_UNI= "));  // never cut down to 8 characters

        const QJsonObject a = astropyView(file);
        const QJsonObject keys = a.value(QStringLiteral("long_keys")).toObject();
        QVERIFY2(keys.contains(QStringLiteral("WAVE_UNIT_NAME")), QJsonDocument(a).toJson().constData());
        QCOMPARE(keys.value(QStringLiteral("WAVE_UNIT_NAME")).toArray().at(0).toString(), QStringLiteral("angstrom"));
        QCOMPARE(keys.value(QStringLiteral("WAVE_UNIT_NAME")).toArray().at(1).toString(), QStringLiteral("a long string key"));
        QCOMPARE(keys.value(QStringLiteral("EXPOSURE_SECONDS")).toArray().at(0).toDouble(), 2.901);
        QCOMPARE(keys.value(QStringLiteral("ZENITH_COUNT")).toArray().at(0).toInt(), 42);
        QVERIFY(!keys.contains(QStringLiteral("TOO_LONG_FOR_ANY_CARD")));
        const QString comments = a.value(QStringLiteral("comments")).toVariant().toStringList().join(QString());
        QVERIFY2(comments.contains(QStringLiteral("TOO_LONG_FOR_ANY_CARD")), qPrintable(comments));  // kept, as text

        auto back = FitsReader::readInfo(file);
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QCOMPARE(back->header.string(QStringLiteral("WAVE_UNIT_NAME")).value_or(QString()), QStringLiteral("angstrom"));
        QCOMPARE(back->header.number(QStringLiteral("EXPOSURE_SECONDS")).value_or(0), 2.901);
        QCOMPARE(back->header.number(QStringLiteral("ZENITH_COUNT")).value_or(0), 42.0);
        QCOMPARE(back->header.string(QStringLiteral("TELESCOP")).value_or(QString()), QStringLiteral("SDO/AIA"));

        // Written again from what was read: the same cards, still HIERARCH.
        const QString again = file + QStringLiteral(".again.fits");
        QVERIFY(FitsWriter::write(again, back->header, pattern(64, 48), o).ok());
        auto twice = FitsReader::readInfo(again);
        QVERIFY(twice.ok());
        QCOMPARE(twice->header.string(QStringLiteral("WAVE_UNIT_NAME")).value_or(QString()), QStringLiteral("angstrom"));
    }

    void overwriteIsAtomic()
    {
        const QString file = m_dir.filePath(QStringLiteral("over.fits"));
        QVERIFY(FitsWriter::write(file, header(), Image(8, 8, 1.0f)).ok());
        QVERIFY(FitsWriter::write(file, header(), Image(16, 4, 2.0f)).ok());
        auto back = FitsReader::read(file);
        QVERIFY(back.ok());
        QCOMPARE(back->image.width, 16);
        QCOMPARE(back->image.at(3, 3), 2.0f);
    }
};

QTEST_GUILESS_MAIN(TestFitsWriter)
#include "tst_fitswriter.moc"
