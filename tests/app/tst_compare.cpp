// View > Compare: blink or blend every view with another channel of the current co-temporal set. A main window
// on a small archive (CatalogFixture: 171 and 193 every 12 h, 193 six seconds later; real AIA WCS, the same
// pixel ramp in both, so only the colour tables differ). Overlay at opacity 0 must render exactly the plain
// view, at opacity 1 the comparison channel's own view; Blink must flip on its timer; a time step must bring
// the new set's 193 map (its time is known from the file list); the menu entries and "No comparison" drive the
// presenter; with one channel shown the comparison channel is still loaded.
#include "app/gui/ActionRegistry.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/SetViewPresenter.h"
#include "app/gui/StudioSettings.h"
#include "core/archive/CatalogFixture.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include "TestSupport.h"

#include <QAction>
#include <QElapsedTimer>
#include <QMenu>
#include <QMenuBar>
#include <QLabel>
#include <QSlider>
#include <QSpinBox>
#include <QTest>
#include <QTimeZone>

#include <memory>

using namespace solarchip;
using Mode = MapView::CompareMode;

namespace {

constexpr qint64 kHour = 3600 * 1000;
const qint64 kT0 = QDateTime(QDate(2011, 6, 7), QTime(0, 0, 1), QTimeZone::utc()).toMSecsSinceEpoch();
qint64 t171(int k) { return kT0 + k * 12 * kHour; }
qint64 t193(int k) { return t171(k) + 6000; }

struct Diff {
    int max = 0;
    double mean = 0;
    double fractionOver8 = 0;
};

Diff compareImages(const QImage &a, const QImage &b)
{
    Diff d;
    if (a.size() != b.size())
        return {255, 255, 1};
    qint64 sum = 0, over = 0, n = 0;
    for (int y = 0; y < a.height(); ++y)
        for (int x = 0; x < a.width(); ++x) {
            const QRgb u = a.pixel(x, y), v = b.pixel(x, y);
            const int m = std::max({std::abs(qRed(u) - qRed(v)), std::abs(qGreen(u) - qGreen(v)),
                                    std::abs(qBlue(u) - qBlue(v))});
            d.max = std::max(d.max, m);
            sum += m;
            over += m > 8;
            ++n;
        }
    d.mean = double(sum) / double(n);
    d.fractionOver8 = double(over) / double(n);
    return d;
}

}  // namespace

class TestCompare : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    MapView *view(const char *channel) const { return m_window->grid()->viewForChannel(QString::fromLatin1(channel)); }
    SetViewPresenter *presenter() const { return m_window->presenter(); }

    const ObservationDocument::Member *member(const char *channel) const
    {
        for (const auto &m : m_window->observation()->members())
            if (m.channel == QLatin1String(channel))
                return &m;
        return nullptr;
    }

    // The comparison of the 171 view is the current set's 193 map, rendered and on screen.
    bool comparisonReady() const
    {
        MapView *v = view("171");
        const auto *m = member("193");
        return v && m && m->map && v->comparisonMap() == m->map && !v->isRenderPending()
               && !v->comparisonRendered().isNull() && m_window->isSettled();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        QVector<FixtureFile> files;
        for (int k = 0; k < 3; ++k) {
            files << FixtureFile{QStringLiteral("171"), t171(k), 0, {}};
            files << FixtureFile{QStringLiteral("193"), t193(k), 0, {}};
        }
        FixtureOptions options;
        options.size = 64;
        QVERIFY(CatalogFixture::write(m_dir.filePath(QStringLiteral("archive")), files, options).ok());

        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1000, 600);
        m_window->setInitialTime(QDateTime::fromMSecsSinceEpoch(t171(0), QTimeZone::utc()));
        m_window->show();
        m_window->openArchive(m_dir.filePath(QStringLiteral("archive")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QCOMPARE(m_window->observation()->timeMs(), t171(0));
        QCOMPARE(m_window->grid()->count(), 2);
        QVERIFY(view("171") && view("193"));
        // Labels name the channel shown (the comparison's when blinking): keep the rendering to the map.
        presenter()->setOverlayVisible(QStringLiteral("label"), false);
    }

    void cleanupTestCase() { m_window.reset(); }

    void overlayOpacityZeroIsPlainOneIsTheOtherChannel()
    {
        MapView *v171 = view("171");
        MapView *v193 = view("193");
        QCOMPARE(v171->size(), v193->size());  // two equal cells, linked: the same framing
        const QImage plain = v171->renderView(false);
        const QImage other = v193->renderView(false);
        // The two channels differ on screen (colour tables), or the checks below could not fail.
        QVERIFY(compareImages(plain, other).mean > 10);

        presenter()->setComparison(QStringLiteral("193"), Mode::Overlay);
        presenter()->setComparisonOpacity(0.0);
        QTRY_VERIFY_WITH_TIMEOUT(comparisonReady(), 20000);
        QCOMPARE(v171->compareMode(), Mode::Overlay);
        QCOMPARE(v193->compareMode(), Mode::None);  // the comparison channel's own view compares with nothing
        QVERIFY(!v193->comparisonMap());
        // The comparison wears its channel's colours: the same rendering as the 193 view.
        QCOMPARE(v171->comparisonRendered().image(), v193->rendered().image());
        const Diff zero = compareImages(v171->renderView(false), plain);
        QVERIFY2(zero.max == 0,
                 qPrintable(QStringLiteral("opacity 0 differs from the plain view by up to %1").arg(zero.max)));

        presenter()->setComparisonOpacity(1.0);
        QCOMPARE(v171->comparisonOpacity(), 1.0);
        const Diff one = compareImages(v171->renderView(false), other);
        QVERIFY2(one.fractionOver8 < 0.01 && one.mean < 1.0,
                 qPrintable(QStringLiteral("opacity 1 vs the 193 view: mean %1, %2 % over 8 levels")
                                .arg(one.mean).arg(one.fractionOver8 * 100)));
        presenter()->setComparisonOpacity(0.5);
        const Diff half = compareImages(v171->renderView(false), plain);
        QVERIFY(half.mean > 2);  // between the two
    }

    void blinkFlipsOnItsTimer()
    {
        MapView *v171 = view("171");
        presenter()->setBlinkInterval(60);
        presenter()->setComparison(QStringLiteral("193"), Mode::Blink);
        QCOMPARE(v171->compareMode(), Mode::Blink);
        QCOMPARE(v171->blinkInterval(), 60);
        int flips = 0;
        bool last = v171->isShowingComparison();
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 1000) {
            QTest::qWait(10);
            if (v171->isShowingComparison() != last) {
                ++flips;
                last = !last;
            }
        }
        QVERIFY2(flips >= 6 && flips <= 25, qPrintable(QStringLiteral("%1 flips in 1 s at 60 ms").arg(flips)));
        // While the comparison is up, the view shows the 193 rendering.
        v171->setShowingComparison(true);
        if (v171->isShowingComparison()) {
            const Diff d = compareImages(v171->renderView(false), view("193")->renderView(false));
            QVERIFY2(d.fractionOver8 < 0.01, qPrintable(QString::number(d.fractionOver8)));
        }
        presenter()->setBlinkInterval(500);
    }

    void comparisonFollowsTimeSteps()
    {
        presenter()->setComparison(QStringLiteral("193"), Mode::Overlay);
        m_window->observation()->step(ObservationDocument::Step::NextObservation);
        QTRY_COMPARE(m_window->observation()->timeMs(), t171(1));
        QTRY_VERIFY_WITH_TIMEOUT(comparisonReady(), 20000);
        QCOMPARE(view("171")->comparisonMap()->meta.tObs.toMSecsSinceEpoch(), t193(1));
        QCOMPARE(view("171")->map()->meta.tObs.toMSecsSinceEpoch(), t171(1));
        m_window->observation()->step(ObservationDocument::Step::NextObservation);
        QTRY_COMPARE(m_window->observation()->timeMs(), t171(2));
        QTRY_VERIFY_WITH_TIMEOUT(comparisonReady(), 20000);
        QCOMPARE(view("171")->comparisonMap()->meta.tObs.toMSecsSinceEpoch(), t193(2));
    }

    void menuEntriesAndNoComparison()
    {
        QMenu *overlay = m_window->menuBar()->findChild<QMenu *>(QStringLiteral("menu.compare.overlay"));
        QMenu *blink = m_window->menuBar()->findChild<QMenu *>(QStringLiteral("menu.compare.blink"));
        QVERIFY(overlay && blink);
        QCOMPARE(overlay->actions().size(), 2);  // 171 and 193
        QAction *blink171 = nullptr;
        for (QAction *a : blink->actions())
            if (a->text().contains(QStringLiteral("171")))
                blink171 = a;
        QVERIFY(blink171);
        blink171->trigger();
        QCOMPARE(presenter()->comparisonChannel(), QStringLiteral("171"));
        QCOMPARE(presenter()->compareMode(), Mode::Blink);
        QVERIFY(blink171->isChecked());
        QCOMPARE(view("193")->compareMode(), Mode::Blink);
        QCOMPARE(view("171")->compareMode(), Mode::None);
        QTRY_VERIFY(view("193")->comparisonMap() == member("171")->map);

        QAction *none = m_window->actions()->action(QStringLiteral("view.compare.none"));
        QVERIFY(none);
        none->trigger();
        QVERIFY(none->isChecked());
        QVERIFY(!blink171->isChecked());
        for (MapView *v : {view("171"), view("193")}) {
            QCOMPARE(v->compareMode(), Mode::None);
            QVERIFY(!v->comparisonMap());
        }
    }

    void oneChannelShownStillLoadsTheComparison()
    {
        m_window->setFocusChannel(QStringLiteral("171"));
        presenter()->setComparison(QStringLiteral("193"), Mode::Overlay);
        QCOMPARE(m_window->observation()->channels(), (QStringList{QStringLiteral("171"), QStringLiteral("193")}));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->grid()->count() == 1 && comparisonReady(), 20000);
        QCOMPARE(m_window->grid()->view(0), view("171"));
        QCOMPARE(view("171")->comparisonMap()->meta.channel, QStringLiteral("193"));
        presenter()->setComparison({}, Mode::None);
        QCOMPARE(m_window->observation()->channels(), QStringList{QStringLiteral("171")});
        m_window->setFocusChannel({});
    }

    void settingsRemembered()
    {
        // The settings dialog applies its values to the views and stores them; a new window starts with them.
        QAction *open = m_window->actions()->action(QStringLiteral("view.compare.settings"));
        QVERIFY(open);
        open->trigger();
        auto *slider = m_window->findChild<QSlider *>(QStringLiteral("compareOpacitySlider"));
        auto *spin = m_window->findChild<QSpinBox *>(QStringLiteral("blinkIntervalSpin"));
        QVERIFY(slider && spin);
        presenter()->setComparison(QStringLiteral("193"), Mode::Overlay);
        slider->setValue(30);
        spin->setValue(750);
        QCOMPARE(presenter()->comparisonOpacity(), 0.3);
        QCOMPARE(view("171")->comparisonOpacity(), 0.3);
        QCOMPARE(view("171")->blinkInterval(), 750);
        // The slider says its value.
        auto *value = m_window->findChild<QLabel *>(QStringLiteral("compareOpacityValue"));
        QVERIFY(value);
        QCOMPARE(value->text(), QStringLiteral("30 %"));
        presenter()->setComparison({}, Mode::None);
        MainWindow second(m_settings.get());
        QCOMPARE(second.presenter()->comparisonOpacity(), 0.3);
        QCOMPARE(second.presenter()->blinkInterval(), 750);
    }
};

QTEST_MAIN(TestCompare)
#include "tst_compare.moc"
