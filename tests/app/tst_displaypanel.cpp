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

#include <cmath>

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

    // "Manual…" starts from the limits on screen (not 0–1 DN, which turned the map white), and each stretch
    // starts with its own parameter (log with asinh's a = 0.01 is linear within 0.5 %).
    void manualStartsFromCurrentLimitsAndStretchesKeepTheirParameter()
    {
        StudioSettings s(m_dir.filePath(QStringLiteral("manual.ini")));
        MainWindow w(&s);
        w.setInteractive(false);
        w.show();
        w.openFiles(m_files);
        QTRY_VERIFY_WITH_TIMEOUT(w.isSettled(), 30000);
        MapView *view = w.grid()->view(0);
        DisplayPanel *panel = w.displayPanel();
        panel->setView(view);
        QTRY_VERIFY_WITH_TIMEOUT(!view->isRenderPending() && !view->rendered().isNull(), 10000);
        const DisplayRange before = view->rendered().range;
        // The channel default (0 to the 99.9th percentile) computed independently on the map shown.
        const DisplayRange expected = resolveLimits(view->map()->image, defaultDisplaySettings(view->map()->meta));
        QCOMPARE(before.min, expected.min);
        QCOMPARE(before.max, expected.max);
        QVERIFY(before.max > 1.0);  // the old start (0..1) was far from this

        auto *limits = panel->findChild<QComboBox *>(QStringLiteral("limitsCombo"));
        limits->setCurrentIndex(limits->findText(QStringLiteral("Manual…")));
        QCOMPARE(view->displaySettings().limits, DisplayLimitsMode::Manual);
        // The spin boxes round to 3 decimals.
        QVERIFY(std::abs(view->displaySettings().manualMin - before.min) <= 5e-4);
        QVERIFY(std::abs(view->displaySettings().manualMax - before.max) <= 5e-4);
        QTRY_VERIFY_WITH_TIMEOUT(!view->isRenderPending(), 10000);
        QVERIFY(std::abs(view->rendered().range.max - before.max) <= 5e-4);

        auto *stretch = panel->findChild<QComboBox *>(QStringLiteral("stretchCombo"));
        QCOMPARE(view->displaySettings().stretch, DisplayStretch::Asinh);
        QCOMPARE(view->displaySettings().effectiveStretchParameter(), 0.01);  // sunpy's AIA default
        stretch->setCurrentIndex(stretch->findData(int(DisplayStretch::Log)));
        QCOMPARE(view->displaySettings().stretch, DisplayStretch::Log);
        const double a = view->displaySettings().effectiveStretchParameter();
        QCOMPARE(a, 1000.0);  // astropy's LogStretch default
        // Not linear: the middle of the range sits at log(501)/log(1001) = 0.90 of the colours, not 0.5.
        QVERIFY(std::abs(applyStretch(DisplayStretch::Log, a, 0.5) - std::log(501.0) / std::log(1001.0)) < 1e-12);
        QVERIFY(applyStretch(DisplayStretch::Log, a, 0.5) > 0.85);
        // Back to asinh: the channel's own a again.
        stretch->setCurrentIndex(stretch->findData(int(DisplayStretch::Asinh)));
        QCOMPARE(view->displaySettings().effectiveStretchParameter(), 0.01);
    }
};

QTEST_MAIN(TestDisplayPanel)
#include "tst_displaypanel.moc"
