// The HMI → AIA translation view (view mode "translation", issue 14) on a small synthetic archive with a tiny
// translator run trained in the test by the CLI (`solarchip translate-train`, --threads 1, a few steps: its
// quality does not matter here, only that the app shows what the translator makes):
//  - the translated panel's pixels are exactly what `solarchip translate` writes for the same file and seed
//    (read back from its FITS file);
//  - the real AIA panel, the difference (translated − real, checked pixel by pixel) and the CC (against numpy +
//    astropy over the panels' exported FITS files, on-disk pixels from each file's WCS and RSUN_OBS);
//  - the five panels are linked: panning one moves the others to the same helioprojective centre;
//  - the colour tables are the real AIA maps' (sdoaia171); the work runs off the UI thread; answers are cached
//    per (set, model, seed, samples) and another seed gives another picture;
//  - Cancel stops a long job; a single HMI file with no AIA beside it is translated and the real and difference
//    panels say why they are empty;
//  - the scripted run (--view translation --screenshot --state-json) waits for the translation.
#include "TestSupport.h"

#include "app/gui/ArchiveDocument.h"
#include "app/gui/DisplayPanel.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/TranslationView.h"
#include "app/gui/TranslationWorker.h"
#include "app/gui/WindowState.h"
#include "core/map/FitsReader.h"
#include "core/map/SdoMap.h"
#include "models/networks/Device.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include <QImage>
#include <QJsonArray>
#include <QJsonObject>
#include <QThread>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

QString defaultModelPath() { return test::sourceDir() + QStringLiteral("/models/default/solarchip-tiny-default.safetensors"); }

}  // namespace

class TestTranslationView : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;
    QString m_run;

    QString archive() const { return m_dir.filePath(QStringLiteral("archive")); }
    TranslationView *view() const { return m_window->translation(); }
    QJsonObject state() const { return windowState(m_window.get())[QStringLiteral("translation")].toObject(); }

    void waitDone()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && view()->state() != TranslationView::State::Running
                                     && view()->state() != TranslationView::State::LoadingTranslator,
                                 120000);
        QVERIFY2(view()->state() == TranslationView::State::Done, qPrintable(view()->message()));
    }

    /// The file the set shown takes its HMI (or AIA 171) map from.
    QString memberFile(const QString &channel) const
    {
        const Observation *o = m_window->observation()->set().member(channel);
        return o ? o->path : QString();
    }

    static double maxAbsDifference(const Image &a, const Image &b, int &nanMismatch)
    {
        double worst = 0;
        nanMismatch = 0;
        for (std::size_t i = 0; i < a.pixels.size(); ++i) {
            const float u = a.pixels[i], v = b.pixels[i];
            if (std::isnan(u) || std::isnan(v)) {
                nanMismatch += std::isnan(u) != std::isnan(v);
                continue;
            }
            worst = std::max(worst, double(std::abs(u - v)));
        }
        return worst;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        qputenv("OMP_NUM_THREADS", "1");
        // Eight days at 12 h of HMI + AIA 171 at 128 px: the smallest archive whose train/validation split the
        // translator's training accepts.
        const auto synth = test::run(test::binPath(QStringLiteral("solarchip")),
                                     {QStringLiteral("synth"), archive(), QStringLiteral("--start"),
                                      QStringLiteral("2011-06-01T00:00"), QStringLiteral("--days"), QStringLiteral("8"),
                                      QStringLiteral("--size"), QStringLiteral("128"), QStringLiteral("--channels"),
                                      QStringLiteral("hmi,171"), QStringLiteral("--threads"), QStringLiteral("1"),
                                      QStringLiteral("--quiet")});
        QVERIFY2(synth.exitCode == 0, synth.err.constData());
        // A tiny translator run: a few steps, one thread (its quality does not matter here).
        m_run = m_dir.filePath(QStringLiteral("run"));
        const auto train = test::run(test::binPath(QStringLiteral("solarchip")),
                                     {QStringLiteral("translate-train"), QStringLiteral("--archive"), archive(),
                                      QStringLiteral("--model"), defaultModelPath(), QStringLiteral("--channels"),
                                      QStringLiteral("171"), QStringLiteral("--out"), m_run, QStringLiteral("--threads"),
                                      QStringLiteral("1"), QStringLiteral("--side"), QStringLiteral("16"),
                                      QStringLiteral("--ae-steps"), QStringLiteral("3"), QStringLiteral("--base-steps"),
                                      QStringLiteral("3"), QStringLiteral("--control-steps"), QStringLiteral("3"),
                                      QStringLiteral("--batch"), QStringLiteral("2"), QStringLiteral("--ddim-steps"),
                                      QStringLiteral("40")});
        QVERIFY2(train.exitCode == 0, train.err.constData());

        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1400, 900);
        view()->setRunDir(m_run);
        m_window->setViewMode(QStringLiteral("translation"));
        m_window->show();
        m_window->openArchive(archive());
        waitDone();
        QCOMPARE(m_window->viewMode(), QStringLiteral("translation"));
    }

    void cleanupTestCase() { m_window.reset(); }

    void showsTranslatedRealDifferenceWithTheAiaColours()
    {
        const QJsonObject s = state();
        QCOMPARE(s[QStringLiteral("state")].toString(), QStringLiteral("done"));
        QCOMPARE(s[QStringLiteral("channel")].toString(), QStringLiteral("171"));
        QCOMPARE(s[QStringLiteral("run")].toString(), m_run);
        QVERIFY(!s[QStringLiteral("model_hash")].toString().isEmpty());
        // Where it ran: the build's default device (the CPU with its threads, or CUDA).
        QVERIFY2(s[QStringLiteral("device")].toString().startsWith(defaultDevice().toString()),
                 qPrintable(s[QStringLiteral("device")].toString()));
        QCOMPARE(s[QStringLiteral("hmi_file")].toString(), memberFile(QStringLiteral("hmi")));
        QCOMPARE(s[QStringLiteral("aia_file")].toString(), memberFile(QStringLiteral("171")));
        QVERIFY(s[QStringLiteral("real_present")].toBool());
        const double cc = s[QStringLiteral("cc")].toDouble(std::nan(""));
        QVERIFY(std::isfinite(cc) && cc >= -1 && cc <= 1);
        const QJsonArray views = s[QStringLiteral("views")].toArray();
        QCOMPARE(views.size(), 5);
        for (int i : {0, 1, 2, 3})
            QVERIFY2(views[i][QStringLiteral("shown")].toBool(), qPrintable(views[i][QStringLiteral("role")].toString()));
        QVERIFY(!views[4][QStringLiteral("shown")].toBool());  // one sample: no spread, and the panel says so
        QVERIFY(views[4][QStringLiteral("title")].toString().contains(QStringLiteral("Samples to 2")));
        // The translated and the real panel wear the real AIA 171 maps' colour table; the translated one says it is
        // synthetic.
        QCOMPARE(views[1][QStringLiteral("colormap")].toString(), QStringLiteral("sdoaia171"));
        QCOMPARE(views[2][QStringLiteral("colormap")].toString(), QStringLiteral("sdoaia171"));
        QVERIFY(views[1][QStringLiteral("title")].toString().contains(QStringLiteral("not an observation")));
        QVERIFY(view()->worker()->lastJobThread() && view()->worker()->lastJobThread() != QThread::currentThread());

        // The difference is translated − real, pixel by pixel.
        const auto t = view()->panel(TranslationView::TranslatedPanel)->map();
        const auto r = view()->panel(TranslationView::RealPanel)->map();
        const auto d = view()->panel(TranslationView::DifferencePanel)->map();
        QVERIFY(t && r && d);
        QCOMPARE(r->image.width, t->image.width);
        QCOMPARE(d->image.height, t->image.height);
        for (std::size_t i = 0; i < t->image.pixels.size(); ++i) {
            const float want = t->image.pixels[i] - r->image.pixels[i];
            const float got = d->image.pixels[i];
            QVERIFY(std::isnan(want) ? std::isnan(got) : got == want);
        }

        // The CC against numpy over the exported panels (on-disk pixels from each file's own header).
        const QString tf = m_dir.filePath(QStringLiteral("translated.fits")), rf = m_dir.filePath(QStringLiteral("real.fits"));
        QVERIFY(view()->panel(TranslationView::TranslatedPanel)->exportFits(tf).ok());
        QVERIFY(view()->panel(TranslationView::RealPanel)->exportFits(rf).ok());
        const auto py = test::runPython(QStringLiteral("translation_cc.py"), {tf, rf});
        QVERIFY2(py.exitCode == 0, py.err.constData());
        const QJsonObject ref = test::parseJson(py.out).object();
        QCOMPARE(qint64(s[QStringLiteral("cc_pixels")].toDouble()), qint64(ref[QStringLiteral("pixels")].toDouble()));
        QVERIFY2(std::abs(cc - ref[QStringLiteral("cc")].toDouble()) < 1e-5,
                 qPrintable(QStringLiteral("%1 vs numpy %2").arg(cc).arg(ref[QStringLiteral("cc")].toDouble())));
    }

    void translatedPixelsEqualTheCli()
    {
        const QString out = m_dir.filePath(QStringLiteral("cli-seed0.fits"));
        const auto cli = test::run(test::binPath(QStringLiteral("solarchip")),
                                   {QStringLiteral("translate"), QStringLiteral("--run"), m_run,
                                    memberFile(QStringLiteral("hmi")), QStringLiteral("--reference"),
                                    memberFile(QStringLiteral("171")), QStringLiteral("--channel"), QStringLiteral("171"),
                                    QStringLiteral("--seed"), QStringLiteral("0"), QStringLiteral("--samples"),
                                    QStringLiteral("1"), QStringLiteral("--threads"), QStringLiteral("1"),
                                    QStringLiteral("-o"), out});
        QVERIFY2(cli.exitCode == 0, cli.err.constData());
        // The CLI's header is synthetic on purpose (not an SDO instrument): read the image and keywords as FITS.
        auto written = FitsReader::read(out);
        QVERIFY2(written.ok(), qPrintable(written.errorString()));
        const auto shown = view()->panel(TranslationView::TranslatedPanel)->map();
        QVERIFY(shown);
        QCOMPARE(shown->image.width, written->image.width);
        QCOMPARE(shown->image.height, written->image.height);
        int nanMismatch = 0;
        const double worst = maxAbsDifference(shown->image, written->image, nanMismatch);
        QCOMPARE(nanMismatch, 0);
        QVERIFY2(worst == 0, qPrintable(QStringLiteral("max |app - cli| = %1").arg(worst)));
        // The same place on the sky: the file's WCS keywords are the panel's.
        const FitsHeader &h = written->info.header;
        const MapMeta &m = shown->meta;
        QVERIFY(std::abs(h.number(QStringLiteral("CRPIX1"), -1e9) - m.crpix1) < 1e-6);
        QVERIFY(std::abs(h.number(QStringLiteral("CRPIX2"), -1e9) - m.crpix2) < 1e-6);
        QVERIFY(std::abs(h.number(QStringLiteral("CDELT1"), -1e9) - m.cdelt1) < 1e-9 * std::abs(m.cdelt1) + 1e-12);
        QVERIFY(std::abs(h.number(QStringLiteral("CRVAL1"), -1e9) - m.crval1) < 1e-6);
        QVERIFY(std::abs(h.number(QStringLiteral("CRVAL2"), -1e9) - m.crval2) < 1e-6);
    }

    void showingOneChannelStillTranslates()
    {
        // One channel in focus (View > Channels > AIA 171): the grid loads 171 alone, but the translation reads the
        // HMI file of the same time all the same (the archive has it), not "no HMI magnetogram".
        const QString hmi = memberFile(QStringLiteral("hmi"));
        QVERIFY(!hmi.isEmpty());
        m_window->setFocusChannel(QStringLiteral("171"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !m_window->observation()->set().member(QStringLiteral("hmi")), 30000);
        QCOMPARE(m_window->observation()->wholeSet().member(QStringLiteral("hmi"))->path, hmi);
        waitDone();
        QCOMPARE(state()[QStringLiteral("hmi_file")].toString(), hmi);
        QVERIFY(state()[QStringLiteral("real_present")].toBool());
        m_window->setFocusChannel(QString());
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && m_window->observation()->set().member(QStringLiteral("hmi")), 30000);
        waitDone();
    }

    void panelsAreLinked()
    {
        // The panels with a map share a frame (HMI co-registered to AIA, the rest on the translation's grid); the
        // spread panel is empty with one sample (a group of its own).
        const QJsonArray groups = state()[QStringLiteral("linked_groups")].toArray();
        QCOMPARE(groups.size(), 2);
        QCOMPARE(groups[0].toArray(), (QJsonArray{0, 1, 2, 3}));
        MapView *t = view()->panel(TranslationView::TranslatedPanel);
        const MapView::WorldView before = t->worldView();
        t->setZoom(t->zoom() * 2);
        t->panBy(QPointF(40, -25));
        const MapView::WorldView after = t->worldView();
        QVERIFY(std::abs(after.tx - before.tx) > 1 || std::abs(after.ty - before.ty) > 1);
        for (auto p : {TranslationView::HmiPanel, TranslationView::RealPanel, TranslationView::DifferencePanel}) {
            const MapView::WorldView w = view()->panel(p)->worldView();
            QVERIFY2(std::abs(w.tx - after.tx) < 0.5 && std::abs(w.ty - after.ty) < 0.5,
                     qPrintable(QStringLiteral("panel %1 at (%2, %3), translated at (%4, %5)")
                                    .arg(int(p)).arg(w.tx).arg(w.ty).arg(after.tx).arg(after.ty)));
            QVERIFY(std::abs(w.arcsecPerScreenPixel - after.arcsecPerScreenPixel) < 1e-6 * after.arcsecPerScreenPixel);
        }
        m_window->grid();  // (the main grid is untouched by the translation page)
        view()->grid()->fitAll();
    }

    void seedsAndSamplesAreCached()
    {
        const auto first = view()->panel(TranslationView::TranslatedPanel)->map();
        view()->setSeed(7);
        waitDone();
        QCOMPARE(state()[QStringLiteral("seed")].toInt(), 7);
        QCOMPARE(state()[QStringLiteral("cached")].toBool(), false);
        const auto other = view()->panel(TranslationView::TranslatedPanel)->map();
        int nanMismatch = 0;
        QVERIFY(maxAbsDifference(first->image, other->image, nanMismatch) > 0);  // another seed, another picture
        // Two samples: the spread panel fills in.
        view()->setSamples(2);
        waitDone();
        QVERIFY(state()[QStringLiteral("views")].toArray()[4][QStringLiteral("shown")].toBool());
        // Back to seed 0, one sample: answered from the cache, the same pixels as before.
        view()->setSamples(1);
        view()->setSeed(0);
        waitDone();
        QCOMPARE(state()[QStringLiteral("cached")].toBool(), true);
        const auto again = view()->panel(TranslationView::TranslatedPanel)->map();
        QCOMPARE(maxAbsDifference(first->image, again->image, nanMismatch), 0.0);
    }

    void cancelStopsALongJob()
    {
        view()->setSamples(64);
        view()->setSeed(1234);
        QTRY_VERIFY_WITH_TIMEOUT(view()->state() == TranslationView::State::Running, 10000);
        QTRY_VERIFY_WITH_TIMEOUT(view()->progressDone() > 0, 60000);
        view()->cancel();
        QTRY_VERIFY_WITH_TIMEOUT(view()->state() == TranslationView::State::Cancelled, 60000);
        QVERIFY(!view()->worker()->isBusy());
        QVERIFY(view()->progressDone() < view()->progressTotal());
        QCOMPARE(state()[QStringLiteral("state")].toString(), QStringLiteral("cancelled"));
        QVERIFY(!view()->panel(TranslationView::TranslatedPanel)->hasMap());
        QVERIFY(view()->panel(TranslationView::TranslatedPanel)->title().contains(QStringLiteral("cancelled")));
        // Nothing restarts by itself; Translate does.
        QTest::qWait(200);
        QCOMPARE(view()->state(), TranslationView::State::Cancelled);
        view()->setSamples(1);
        view()->setSeed(0);
        waitDone();
    }

    void singleHmiFileSaysWhyTheRealPanelsAreEmpty()
    {
        const QString hmi = memberFile(QStringLiteral("hmi"));
        m_window->openFiles({hmi});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->archive()->channels() == QStringList{QStringLiteral("hmi")}, 30000);
        waitDone();
        const QJsonObject s = state();
        QCOMPARE(s[QStringLiteral("hmi_file")].toString(), hmi);
        QCOMPARE(s[QStringLiteral("aia_file")].toString(), QString());
        QCOMPARE(s[QStringLiteral("real_present")].toBool(), false);
        QVERIFY(s[QStringLiteral("cc")].isNull());
        QVERIFY(s[QStringLiteral("real_note")].toString().contains(QStringLiteral("no real AIA")));
        const QJsonArray views = s[QStringLiteral("views")].toArray();
        QVERIFY(views[1][QStringLiteral("shown")].toBool());
        QVERIFY(!views[2][QStringLiteral("shown")].toBool());
        QVERIFY(!views[3][QStringLiteral("shown")].toBool());
        QVERIFY(views[2][QStringLiteral("title")].toString().contains(QStringLiteral("No real AIA map")));
        QVERIFY(views[3][QStringLiteral("title")].toString().contains(QStringLiteral("no real AIA 171")));
        m_window->openArchive(archive());
        waitDone();
    }

    void displayDockEditsThePanelShown()
    {
        // In the translation view the Display dock edits the panel selected there, not a map of the hidden grid; a
        // choice for the translated panel is the channel's (remembered, the grid's 171 view takes it) and the real
        // panel takes it too, so the two stay comparable; back in the map view the dock edits the grid again.
        MapView *translated = view()->panel(TranslationView::TranslatedPanel);
        MapView *real = view()->panel(TranslationView::RealPanel);
        view()->grid()->setCurrentIndex(TranslationView::TranslatedPanel);
        QCOMPARE(m_window->displayPanel()->view(), translated);
        QCOMPARE(translated->displaySettings(), defaultDisplaySettings(QStringLiteral("171"), QStringLiteral("DN/s")));
        DisplaySettings log = translated->displaySettings();
        log.stretch = DisplayStretch::Log;
        log.stretchParameter = 300;
        translated->setDisplaySettings(log);  // what the dock's stretch box does
        QCOMPARE(real->displaySettings(), log);
        QVERIFY(m_settings->displaySettings(QStringLiteral("171")).has_value());
        QCOMPARE(*m_settings->displaySettings(QStringLiteral("171")), log);
        QCOMPARE(view()->panel(TranslationView::DifferencePanel)->displaySettings().colormap, QStringLiteral("RdBu_r"));
        view()->grid()->setCurrentIndex(TranslationView::HmiPanel);
        QCOMPARE(m_window->displayPanel()->view(), view()->panel(TranslationView::HmiPanel));

        // Another set: the translation shows it with the channel's choice.
        const qint64 before = m_window->observation()->timeMs();
        m_window->observation()->step(ObservationDocument::Step::BackByCadence);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->observation()->timeMs() != before, 30000);
        waitDone();
        QCOMPARE(translated->displaySettings(), log);
        QCOMPARE(real->displaySettings(), log);
        // A choice made on the real panel: the translated one follows, and so does the grid's 171 view (placed
        // before it), at once when the map view comes back.
        log.stretchParameter = 500;
        real->setDisplaySettings(log);
        QCOMPARE(translated->displaySettings(), log);

        m_window->setViewMode(QStringLiteral("map"));
        QCOMPARE(m_window->displayPanel()->view(), m_window->grid()->currentView());
        MapView *grid171 = nullptr;
        for (int i = 0; i < m_window->grid()->count(); ++i)
            if (m_window->grid()->view(i)->map() && m_window->grid()->view(i)->map()->meta.channel == QLatin1String("171"))
                grid171 = m_window->grid()->view(i);
        QVERIFY(grid171);
        QCOMPARE(grid171->displaySettings(), log);  // at once, not at the next step

        // Manual limits chosen on the grid's 171 map, in DN (level 1, no BUNIT: DN): remembered with their unit,
        // and not applied to the translation's DN/s panels, which keep the stretch and colours with their default
        // limits (a range in DN means nothing in DN/s).
        QCOMPARE(grid171->map()->meta.unit, QStringLiteral("DN"));
        DisplaySettings manual = log;
        manual.limits = DisplayLimitsMode::Manual;
        manual.manualMin = 0;
        manual.manualMax = 5000;
        grid171->setDisplaySettings(manual);  // what the dock's limit boxes do
        QCOMPARE(m_settings->displaySettings(QStringLiteral("171"))->manualUnit, QStringLiteral("DN"));
        QCOMPARE(m_settings->displaySettings(QStringLiteral("171"))->manualMax, 5000.0);

        // Back: the translation shows the next set with the channel's stretch but its own limits.
        m_window->setViewMode(QStringLiteral("translation"));
        QCOMPARE(m_window->displayPanel()->view(), view()->panel(TranslationView::HmiPanel));
        m_window->observation()->step(ObservationDocument::Step::ForwardByCadence);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->observation()->timeMs() == before, 30000);
        waitDone();
        const DisplaySettings dnPerS = defaultDisplaySettings(QStringLiteral("171"), QStringLiteral("DN/s"));
        for (MapView *v : {translated, real}) {
            QCOMPARE(v->map()->meta.unit, QStringLiteral("DN/s"));
            QCOMPARE(v->displaySettings().stretch, DisplayStretch::Log);
            QCOMPARE(v->displaySettings().stretchParameter, 500.0);
            QCOMPARE(v->displaySettings().limits, DisplayLimitsMode::Percentile);  // sunpy-like 0..99.9 %
            QCOMPARE(v->displaySettings().percentileHigh, 99.9);
            QCOMPARE(v->displaySettings().limits, dnPerS.limits);
        }

        // The channel default again (as the dock's "Channel default" does), for the tests after this one.
        translated->setDisplaySettings(defaultDisplaySettings(QStringLiteral("171"), QStringLiteral("DN/s")));
        m_settings->clearDisplaySettings(QStringLiteral("171"));
        QCOMPARE(real->displaySettings(), defaultDisplaySettings(QStringLiteral("171"), QStringLiteral("DN/s")));
    }

    void scriptedScreenshotWaitsForTheTranslation()
    {
        const QString png = m_dir.filePath(QStringLiteral("translation.png"));
        const QString json = m_dir.filePath(QStringLiteral("translation.json"));
        const auto r = test::run(test::binPath(QStringLiteral("solarchip-studio")),
                                 {QStringLiteral("--archive"), archive(), QStringLiteral("--date"),
                                  QStringLiteral("2011-06-03T12:00:00"), QStringLiteral("--view"),
                                  QStringLiteral("translation"), QStringLiteral("--translator"), m_run,
                                  QStringLiteral("--translate-channel"), QStringLiteral("171"),
                                  QStringLiteral("--translate-samples"), QStringLiteral("2"), QStringLiteral("--screenshot"),
                                  png, QStringLiteral("--state-json"), json, QStringLiteral("--window-size"),
                                  QStringLiteral("1400x900"), QStringLiteral("--settings"),
                                  m_dir.filePath(QStringLiteral("scripted.ini"))},
                                 180000);
        QVERIFY2(r.exitCode == 0, r.err.constData());
        QFile f(json);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject s = test::parseJson(f.readAll()).object();
        QCOMPARE(s[QStringLiteral("view_mode")].toString(), QStringLiteral("translation"));
        const QJsonObject t = s[QStringLiteral("translation")].toObject();
        QCOMPARE(t[QStringLiteral("state")].toString(), QStringLiteral("done"));
        QCOMPARE(t[QStringLiteral("samples")].toInt(), 2);
        QVERIFY(t[QStringLiteral("real_present")].toBool());
        QVERIFY(t[QStringLiteral("views")].toArray()[4][QStringLiteral("shown")].toBool());
        const QImage img(png);
        QCOMPARE(img.size(), QSize(1400, 900));
    }
};

QTEST_MAIN(TestTranslationView)
#include "tst_translationview.moc"
