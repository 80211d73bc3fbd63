// File > FITS header (app/gui/HeaderDialog): the header "as stored in the file" against astropy's reading of the
// same file (tests/reference/fits_header_cards.py: every keyword card's value, the image HDU's number; a RICE
// tile-compressed HDU read as the image it holds), the filter, the header "as shown" (the map's own cards, with
// the HISTORY prep adds), a file gone since the map was loaded (a message naming it, nothing pending), and
// `solarchip-studio FILE --view header --screenshot PNG --state-json J` (the dialog's window is the picture).
#include "app/gui/HeaderDialog.h"
#include "core/map/FitsHeader.h"
#include "core/map/Prep.h"
#include "core/map/SdoMap.h"

#include "TestSupport.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QLabel>
#include <QJsonObject>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace solarchip;

namespace {

std::shared_ptr<const SdoMap> load(const QString &path)
{
    auto m = SdoMap::load(path);
    if (!m) {
        qWarning("%s", qPrintable(m.errorString()));
        return nullptr;
    }
    return std::make_shared<const SdoMap>(std::move(*m));
}

// The dialog's cards read back as a header (each line is one card's text).
FitsHeader parseShown(const QStringList &cards)
{
    QByteArray block;
    for (const QString &c : cards)
        block += c.toLatin1().leftJustified(80, ' ', true);
    return FitsHeader::fromCardString(block);
}


}  // namespace

class TestHeaderDialog : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void fileHeaderMatchesAstropy_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("AIA level 1, primary HDU") << QStringLiteral("fits/aia_171_level1.fits");
        QTest::newRow("AIA cut-out, RICE in HDU 2") << QStringLiteral("fits/aia_171_cutout.fits");
    }

    void fileHeaderMatchesAstropy()
    {
        SOLARCHIP_REQUIRE_SDO();
        QFETCH(QString, file);
        const QString path = test::sdoFile(file);
        const auto map = load(path);
        QVERIFY(map);
        const auto ref = test::runPython(QStringLiteral("fits_header_cards.py"), {path}, 120000);
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const QJsonObject expected = test::parseJson(ref.out).object();
        const QJsonObject values = expected.value(QStringLiteral("values")).toObject();

        HeaderDialog dialog;
        dialog.setMap(map);
        QVERIFY(!dialog.isSettled());  // read in the background
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isSettled(), 10000);
        const QJsonObject s = dialog.state();
        QCOMPARE(s.value(QStringLiteral("source")).toString(), QStringLiteral("file"));
        QCOMPARE(s.value(QStringLiteral("error")).toString(), QString());
        QCOMPARE(s.value(QStringLiteral("hdu")).toInt(), expected.value(QStringLiteral("hdu")).toInt());
        // Every keyword card holds astropy's value; every keyword astropy reads is shown, but for the structure
        // of the HDU that holds the image (XTENSION, PCOUNT, GCOUNT of a compressed extension, its checksums).
        const FitsHeader shown = parseShown(dialog.shownCards());
        QSet<QString> keys;
        int checked = 0;
        for (const FitsCard &card : shown.cards()) {
            if (card.key.isEmpty() || card.key == QLatin1String("COMMENT") || card.key == QLatin1String("HISTORY"))
                continue;
            keys << card.key;
            QVERIFY2(values.contains(card.key), qPrintable(card.key + QStringLiteral(" is not in astropy's header")));
            QVERIFY2(test::sameFitsValue(card.value, values.value(card.key)),
                     qPrintable(QStringLiteral("%1: %2 vs astropy's %3")
                                    .arg(card.key, card.value, values.value(card.key).toVariant().toString())));
            ++checked;
        }
        QVERIFY(checked > 150);
        static const QSet<QString> structural{QStringLiteral("XTENSION"), QStringLiteral("PCOUNT"), QStringLiteral("GCOUNT"),
                                              QStringLiteral("EXTEND"), QStringLiteral("SIMPLE"), QStringLiteral("CHECKSUM"),
                                              QStringLiteral("DATASUM")};
        for (auto it = values.begin(); it != values.end(); ++it)
            QVERIFY2(keys.contains(it.key()) || structural.contains(it.key()),
                     qPrintable(it.key() + QStringLiteral(" is missing from the dialog")));

        // The filter keeps the cards that hold its text: CRPIX1 and CRPIX2.
        dialog.setFilter(QStringLiteral("crpix"));
        QCOMPARE(dialog.shownCards().size(), 2);
        for (const QString &c : dialog.shownCards())
            QVERIFY(c.startsWith(QStringLiteral("CRPIX")));
        dialog.setFilter({});

        // As shown: the map's own header, card for card.
        dialog.setSource(HeaderDialog::Source::Shown);
        QCOMPARE(dialog.state().value(QStringLiteral("cards")).toInt(), static_cast<int>(map->header.cards().size()));
        QCOMPARE(dialog.shownCards().size(), static_cast<int>(map->header.cards().size()));
    }

    void shownHeaderCarriesThePrepHistory()
    {
        SOLARCHIP_REQUIRE_SDO();
        const auto map = load(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        QVERIFY(map);
        auto prepped = Prep::level15(*map);
        QVERIFY2(prepped, qPrintable(prepped.errorString()));
        HeaderDialog dialog;
        dialog.setMap(std::make_shared<const SdoMap>(std::move(*prepped)));
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isSettled(), 10000);
        dialog.setSource(HeaderDialog::Source::Shown);
        dialog.setFilter(QStringLiteral("solarchip prep"));
        QVERIFY(!dialog.shownCards().isEmpty());
        for (const QString &c : dialog.shownCards())
            QVERIFY(c.startsWith(QStringLiteral("HISTORY")));
        // The file's own header has no such card, and says LVL_NUM 1.
        dialog.setSource(HeaderDialog::Source::File);
        QVERIFY(dialog.shownCards().isEmpty());
        dialog.setFilter(QStringLiteral("LVL_NUM"));
        QCOMPARE(dialog.shownCards().size(), 1);
        QVERIFY(parseShown(dialog.shownCards()).number(QStringLiteral("LVL_NUM")) == 1.0);
    }

    void fileGoneSinceLoading()
    {
        SOLARCHIP_REQUIRE_SDO();
        QTemporaryDir dir(test::scratchDir().path());
        const QString copy = dir.filePath(QStringLiteral("aia.fits"));
        QVERIFY(QFile::copy(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")), copy));
        const auto map = load(copy);
        QVERIFY(map);
        QVERIFY(QFile::remove(copy));
        HeaderDialog dialog;
        dialog.setMap(map);
        QTRY_VERIFY_WITH_TIMEOUT(dialog.isSettled(), 10000);
        const QJsonObject s = dialog.state();
        QVERIFY2(s.value(QStringLiteral("error")).toString().contains(copy), qPrintable(s.value(QStringLiteral("error")).toString()));
        QCOMPARE(s.value(QStringLiteral("cards")).toInt(), 0);
        // What the app still has: the map as shown.
        dialog.setSource(HeaderDialog::Source::Shown);
        QCOMPARE(dialog.shownCards().size(), static_cast<int>(map->header.cards().size()));
    }

    // A map made in the app (a translation, a difference) has no file: nothing to read, no header "as stored",
    // its own header as shown.
    void mapWithoutAFile()
    {
        SOLARCHIP_REQUIRE_SDO();
        const auto loaded = load(test::sdoFile(QStringLiteral("fits/aia_171_level1.fits")));
        QVERIFY(loaded);
        SdoMap made = *loaded;
        made.meta.file.clear();
        HeaderDialog dialog;
        dialog.setMap(std::make_shared<const SdoMap>(made));
        QVERIFY(dialog.isSettled());
        QCOMPARE(dialog.state().value(QStringLiteral("cards")).toInt(), 0);
        QVERIFY(dialog.shownCards().isEmpty());
        QVERIFY(dialog.findChild<QLabel *>(QStringLiteral("headerAbout"))->text().contains(QStringLiteral("no file")));
        dialog.setSource(HeaderDialog::Source::Shown);
        QCOMPARE(dialog.shownCards().size(), static_cast<int>(made.header.cards().size()));
    }

    void scriptedViewHeader()
    {
        SOLARCHIP_REQUIRE_SDO();
        QTemporaryDir dir(test::scratchDir().path());
        const QString png = dir.filePath(QStringLiteral("header.png"));
        const QString json = dir.filePath(QStringLiteral("header.json"));
        const auto r = test::run(test::binPath(QStringLiteral("solarchip-studio")),
                                 {test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits")), QStringLiteral("--view"),
                                  QStringLiteral("header"), QStringLiteral("--screenshot"), png, QStringLiteral("--state-json"),
                                  json, QStringLiteral("--settings"), dir.filePath(QStringLiteral("studio.ini")),
                                  QStringLiteral("--timeout"), QStringLiteral("60")},
                                 90000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject header = test::parseJson(f.readAll()).object().value(QStringLiteral("header")).toObject();
        QCOMPARE(header.value(QStringLiteral("file")).toString(), test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits")));
        QCOMPARE(header.value(QStringLiteral("hdu")).toInt(), 2);
        QCOMPARE(header.value(QStringLiteral("compression")).toString(), QStringLiteral("RICE_1"));
        QVERIFY(!header.value(QStringLiteral("pending")).toBool());
        QVERIFY(header.value(QStringLiteral("cards")).toInt() > 150);
        const QImage image(png);
        QVERIFY(!image.isNull());
        QVERIFY2(image.width() < 1000, qPrintable(QString::number(image.width())));  // the dialog, not the main window
    }
};

QTEST_MAIN(TestHeaderDialog)
#include "tst_headerdialog.moc"
