// The Display dock edits the selected view and the choice is remembered per channel: a second window with the
// same settings file shows the same channel with the same stretch, colormap and limits, while another channel
// keeps its default.
#include "app/gui/DisplayPanel.h"
#include "app/gui/MainWindow.h"
#include "app/gui/StudioSettings.h"
#include "core/archive/CatalogFixture.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include "TestSupport.h"

#include <QComboBox>
#include <QPushButton>
#include <QTest>
#include <QTimeZone>

using namespace solarchip;

class TestDisplayPanel : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QStringList m_files;

    static int indexOfData(QComboBox *combo, const QVariant &data)
    {
        const int i = combo->findData(data);
        return i;
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        const qint64 t = QDateTime(QDate(2011, 6, 7), QTime(6, 0), QTimeZone::utc()).toMSecsSinceEpoch();
        FixtureOptions options;
        options.size = 32;
        QVERIFY(CatalogFixture::write(m_dir.filePath(QStringLiteral("maps")),
                                      {{QStringLiteral("171"), t, 0, QStringLiteral("a171.fits")},
                                       {QStringLiteral("193"), t + 5000, 0, QStringLiteral("b193.fits")}},
                                      options)
                    .ok());
        m_files = QStringList{m_dir.filePath(QStringLiteral("maps/a171.fits")),
                              m_dir.filePath(QStringLiteral("maps/b193.fits"))};
    }

    void editIsAppliedAndRememberedPerChannel()
    {
        const QString ini = m_dir.filePath(QStringLiteral("display.ini"));
        {
            StudioSettings s(ini);
            MainWindow w(&s);
            w.setInteractive(false);
            w.show();
            w.openFiles(m_files);
            QTRY_VERIFY_WITH_TIMEOUT(w.isSettled(), 30000);
            QCOMPARE(w.grid()->count(), 2);
            MapView *v171 = w.grid()->view(0);
            QCOMPARE(v171->map()->meta.channel, QStringLiteral("171"));
            DisplayPanel *panel = w.displayPanel();
            panel->setView(v171);
            QVERIFY(panel->isEnabled());
            // sunpy's default for AIA: sdoaia171, asinh.
            QCOMPARE(v171->displaySettings().colormap, QStringLiteral("sdoaia171"));
            QCOMPARE(v171->displaySettings().stretch, DisplayStretch::Asinh);

            auto *stretch = panel->findChild<QComboBox *>(QStringLiteral("stretchCombo"));
            auto *colormap = panel->findChild<QComboBox *>(QStringLiteral("colormapCombo"));
            auto *limits = panel->findChild<QComboBox *>(QStringLiteral("limitsCombo"));
            stretch->setCurrentIndex(indexOfData(stretch, int(DisplayStretch::Log)));
            colormap->setCurrentIndex(indexOfData(colormap, QStringLiteral("viridis")));
            limits->setCurrentIndex(limits->findText(QStringLiteral("ZScale")));
            QCOMPARE(v171->displaySettings().stretch, DisplayStretch::Log);
            QCOMPARE(v171->displaySettings().colormap, QStringLiteral("viridis"));
            QCOMPARE(v171->displaySettings().limits, DisplayLimitsMode::ZScale);
            QTRY_VERIFY_WITH_TIMEOUT(!v171->isRenderPending(), 10000);
            QCOMPARE(v171->rendered().colormap.name(), QStringLiteral("viridis"));
            w.close();
        }
        StudioSettings s(ini);
        const auto saved = s.displaySettings(QStringLiteral("171"));
        QVERIFY(saved);
        QCOMPARE(saved->stretch, DisplayStretch::Log);
        QVERIFY(!s.displaySettings(QStringLiteral("193")));

        MainWindow w(&s);
        w.setInteractive(false);
        w.show();
        w.openFiles(m_files);
        QTRY_VERIFY_WITH_TIMEOUT(w.isSettled(), 30000);
        QCOMPARE(w.grid()->view(0)->displaySettings().stretch, DisplayStretch::Log);
        QCOMPARE(w.grid()->view(0)->displaySettings().colormap, QStringLiteral("viridis"));
        QCOMPARE(w.grid()->view(1)->displaySettings().colormap, QStringLiteral("sdoaia193"));

        // "Channel default" forgets the choice.
        w.displayPanel()->setView(w.grid()->view(0));
        auto *reset = w.displayPanel()->findChild<QPushButton *>();
        QVERIFY(reset);
        reset->click();
        QCOMPARE(w.grid()->view(0)->displaySettings().colormap, QStringLiteral("sdoaia171"));
        QVERIFY(!s.displaySettings(QStringLiteral("171")));
    }
};

QTEST_MAIN(TestDisplayPanel)
#include "tst_displaypanel.moc"
