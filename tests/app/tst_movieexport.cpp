// File > Export movie (app/gui/MovieExporter, MovieExportReaction) on FITS files whose content is known in closed form:
// a ridge across x moving at 500 km/s on the plane of the sky, 10 frames 12 s apart (tests/reference/time_distance.py
// fixture, written by astropy):
// - every observation of the range becomes one PNG, in time order, listed with its time in NAME_frames.csv (the
//   fixture's T_OBS: 00:00:00, 00:00:12, ...); the app returns to the time it showed;
// - at data resolution (one image pixel per map pixel) the ridge's column moves by the closed-form 13.78 px per frame
//   (500 km/s x 12 s / 725.3 km per arcsec / 0.6 arcsec per pixel);
// - a range inside the archive gives only its observations; every view as on screen gives frames of the grid's size;
// - a folder that cannot be made is refused naming it; a canceled export keeps the frames written, with their index.
#include "app/gui/ActionRegistry.h"
#include "app/gui/MainWindow.h"
#include "app/gui/MovieExportReaction.h"
#include "app/gui/MovieExporter.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/WindowState.h"
#include "app/gui/ExportViewReaction.h"
#include "core/map/SdoTime.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"

#include "AppTestSupport.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QDateTimeEdit>
#include <QDialog>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QImage>
#include <QJsonArray>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>
#include <QTimer>

#include <cmath>

using namespace solarchip;

class TestMovieExport : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QString m_archive;
    double m_arcsecPerS = 0;
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    MovieExportReaction *movie() const { return m_window->movieExport(); }
    static QDateTime at(int seconds)
    {
        return SdoTime::parseUserTime(QStringLiteral("2012-03-07T00:00"))->addSecs(seconds).toUTC();
    }
    MovieExportOptions options(const QString &name, int fromS, int toS) const
    {
        MovieExportOptions o;
        o.folder = m_dir.filePath(name);
        o.stem = QStringLiteral("ridge");
        o.from = at(fromS);
        o.to = at(toS);
        o.mp4 = false;
        return o;
    }
    // Runs an export to its end; false when it did not finish within the timeout.
    bool run(const MovieExportOptions &o, MovieExportReaction::Content content, bool dataResolution, bool *ok = nullptr)
    {
        QSignalSpy done(movie(), &MovieExportReaction::finished);
        const Status s = movie()->exportMovie(o, content, dataResolution, false);
        if (!s) {
            qWarning("%s", qPrintable(s.errorString()));
            return false;
        }
        if (!done.wait(120000))
            return false;
        if (ok)
            *ok = done.first().at(0).toBool();
        // The app goes back to the time it showed: wait until it is there before the next export starts.
        QElapsedTimer back;
        back.start();
        while (!(m_window->isSettled() && !m_window->observation()->isResolving()) && back.elapsed() < 60000)
            QTest::qWait(20);
        return true;
    }
    static QStringList csvRows(const QString &path)
    {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        QStringList rows = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
        return rows;
    }
    // The column of the brightest mean luminance over the middle half of the rows (the ridge runs along y).
    static double ridgeColumn(const QImage &img)
    {
        int best = 0;
        double bestValue = -1;
        for (int x = 0; x < img.width(); ++x) {
            double sum = 0;
            for (int y = img.height() / 4; y < img.height() * 3 / 4; ++y)
                sum += qGray(img.pixel(x, y));
            if (sum > bestValue) {
                bestValue = sum;
                best = x;
            }
        }
        // Parabolic refinement around the peak.
        auto column = [&](int x) {
            double s = 0;
            for (int y = img.height() / 4; y < img.height() * 3 / 4; ++y)
                s += qGray(img.pixel(std::clamp(x, 0, img.width() - 1), y));
            return s;
        };
        const double l = column(best - 1), c = column(best), r = column(best + 1);
        const double d = l - 2 * c + r;
        return best + (d < 0 ? 0.5 * (l - r) / d : 0.0);
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        m_archive = m_dir.filePath(QStringLiteral("archive"));
        QString error;
        m_arcsecPerS = test::writeRidgeFixture(m_archive, 10, 500, &error);
        QVERIFY2(m_arcsecPerS > 0.6 && m_arcsecPerS < 0.8, qPrintable(error));
        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        QVERIFY(test::openTestWindow(m_window, m_settings.get(), m_archive, QSize(1200, 900)));
        m_window->observation()->goToTime(at(48));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && m_window->observation()->timeMs() == at(48).toMSecsSinceEpoch(), 60000);
    }

    void everyObservationOneFrame()
    {
        const MovieExportOptions o = options(QStringLiteral("all"), 0, 108);
        bool ok = false;
        QVERIFY(run(o, MovieExportReaction::Content::SelectedViewWithoutOverlays, true, &ok));
        QVERIFY(ok);
        const QJsonObject report = windowState(m_window.get()).value(QStringLiteral("movie_export")).toObject();
        QCOMPARE(report.value(QStringLiteral("frames")).toInt(), 10);
        QCOMPARE(report.value(QStringLiteral("error")).toString(), QString());
        const QStringList rows = csvRows(o.folder + QStringLiteral("/ridge_frames.csv"));
        QCOMPARE(rows.size(), 11);
        QCOMPARE(rows.at(0), QStringLiteral("frame,time_utc,file"));
        for (int k = 0; k < 10; ++k) {
            const QStringList cells = rows.at(k + 1).split(QLatin1Char(','));
            QCOMPARE(cells.at(0).toInt(), k + 1);
            QCOMPARE(QDateTime::fromString(cells.at(1), Qt::ISODateWithMs).toMSecsSinceEpoch(), at(12 * k).toMSecsSinceEpoch());
            QCOMPARE(cells.at(2), QStringLiteral("ridge_%1.png").arg(k + 1, 4, 10, QLatin1Char('0')));
        }
        // Back where it was.
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && m_window->observation()->timeMs() == at(48).toMSecsSinceEpoch(), 60000);

        // One image pixel per map pixel: the ridge moves by the closed form per frame (least-squares slope).
        const QSize expected = ExportViewReaction::dataResolutionSize(m_window->grid()->view(0));
        std::vector<double> col;
        for (int k = 1; k <= 10; ++k) {
            const QImage img(QStringLiteral("%1/ridge_%2.png").arg(o.folder).arg(k, 4, 10, QLatin1Char('0')));
            QVERIFY(!img.isNull());
            QCOMPARE(img.size(), expected);
            col.push_back(ridgeColumn(img));
        }
        double sx = 0, sy = 0, sxx = 0, sxy = 0;
        for (int k = 0; k < 10; ++k) {
            sx += k;
            sy += col[static_cast<size_t>(k)];
            sxx += k * k;
            sxy += k * col[static_cast<size_t>(k)];
        }
        const double slope = (10 * sxy - sx * sy) / (10 * sxx - sx * sx);
        const double closedForm = m_arcsecPerS * 12.0 / 0.6;
        QVERIFY2(std::abs(slope - closedForm) < 0.3,
                 qPrintable(QStringLiteral("ridge moves %1 px per frame, closed form %2").arg(slope).arg(closedForm)));
        qInfo("ridge %.3f px per frame (closed form %.3f); capture on the UI thread: max %.1f ms, mean %.1f ms", slope, closedForm,
              report.value(QStringLiteral("capture_ms_max")).toDouble(), report.value(QStringLiteral("capture_ms_mean")).toDouble());
        QVERIFY(report.value(QStringLiteral("ffmpeg_command")).toString().contains(QStringLiteral("'pad=ceil(iw/2)*2:ceil(ih/2)*2'")));
    }

    void rangeInsideTheArchiveAndTheWholeGrid()
    {
        // 30 s lies between the observations at 24 and 36 s: the frames are those of 36, 48 and 60 s.
        const MovieExportOptions o = options(QStringLiteral("part"), 30, 70);
        bool ok = false;
        QVERIFY(run(o, MovieExportReaction::Content::AllViews, false, &ok));
        QVERIFY(ok);
        const QStringList rows = csvRows(o.folder + QStringLiteral("/ridge_frames.csv"));
        QCOMPARE(rows.size(), 4);
        for (int k = 0; k < 3; ++k)
            QCOMPARE(QDateTime::fromString(rows.at(k + 1).split(QLatin1Char(',')).at(1), Qt::ISODateWithMs).toMSecsSinceEpoch(),
                     at(36 + 12 * k).toMSecsSinceEpoch());
        const QImage img(o.folder + QStringLiteral("/ridge_0001.png"));
        QCOMPARE(img.size(), m_window->grid()->size() * m_window->grid()->devicePixelRatio());
    }

    // With ffmpeg installed (scripts/deps.sh installs it) the frames are joined into NAME.mp4: ffprobe counts its
    // frames (the 10 observations) and reads its size (the PNG frames' size rounded up to even numbers).
    void mp4WhenFfmpegIsThere()
    {
        const QString ffprobe = QStandardPaths::findExecutable(QStringLiteral("ffprobe"));
        if (QStandardPaths::findExecutable(QStringLiteral("ffmpeg")).isEmpty() || ffprobe.isEmpty())
            QSKIP("ffmpeg/ffprobe are not installed (scripts/deps.sh installs them): the MP4 is not made");
        MovieExportOptions o = options(QStringLiteral("mp4"), 0, 108);
        o.mp4 = true;
        o.fps = 5;
        bool ok = false;
        QVERIFY(run(o, MovieExportReaction::Content::SelectedViewWithOverlays, false, &ok));
        QVERIFY(ok);
        const QString mp4 = o.folder + QStringLiteral("/ridge.mp4");
        QCOMPARE(movie()->exporter()->report().value(QStringLiteral("mp4")).toString(), mp4);
        QVERIFY(!QFile::exists(mp4 + QStringLiteral(".part")));
        const QImage first(o.folder + QStringLiteral("/ridge_0001.png"));
        QVERIFY(!first.isNull());
        const auto probe = test::run(ffprobe, {QStringLiteral("-v"), QStringLiteral("error"), QStringLiteral("-count_frames"),
                                               QStringLiteral("-select_streams"), QStringLiteral("v:0"), QStringLiteral("-show_entries"),
                                               QStringLiteral("stream=nb_read_frames,width,height,codec_name,r_frame_rate"),
                                               QStringLiteral("-of"), QStringLiteral("json"), mp4},
                                     60000);
        QVERIFY2(probe.exitCode == 0, probe.err.constData());
        const QJsonObject stream = test::parseJson(probe.out).object().value(QStringLiteral("streams")).toArray().at(0).toObject();
        QCOMPARE(stream.value(QStringLiteral("codec_name")).toString(), QStringLiteral("h264"));
        QCOMPARE(stream.value(QStringLiteral("nb_read_frames")).toString().toInt(), 10);
        QCOMPARE(stream.value(QStringLiteral("r_frame_rate")).toString(), QStringLiteral("5/1"));
        QCOMPARE(stream.value(QStringLiteral("width")).toInt(), (first.width() + 1) / 2 * 2);
        QCOMPARE(stream.value(QStringLiteral("height")).toInt(), (first.height() + 1) / 2 * 2);
    }

    // File > Export movie's dialog: the range starts at the time shown and ends a day on or at the last observation
    // (here 00:01:48), the names follow the channel and time; Cancel starts nothing. (SOLARCHIP_DIALOG_PNG=FILE
    // saves the dialog as it looks.)
    void dialogDefaults()
    {
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && m_window->observation()->timeMs() == at(48).toMSecsSinceEpoch(), 60000);
        QAction *action = m_window->actions()->action(QStringLiteral("file.exportMovie"));
        QVERIFY(action && action->isEnabled());
        // Read in the dialog (it runs its own event loop), compared once it is closed.
        bool seen = false;
        QVector<qint64> range;
        QStringList texts;
        QTimer::singleShot(200, this, [&] {
            auto *dialog = qobject_cast<QDialog *>(QApplication::activeModalWidget());
            if (!dialog)
                return;
            seen = true;
            for (QDateTimeEdit *e : dialog->findChildren<QDateTimeEdit *>())
                range << e->dateTime().toMSecsSinceEpoch();
            for (QLineEdit *e : dialog->findChildren<QLineEdit *>())
                texts << e->text();
            if (const QString png = qEnvironmentVariable("SOLARCHIP_DIALOG_PNG"); !png.isEmpty())
                dialog->grab().save(png);
            dialog->reject();
        });
        action->trigger();
        QVERIFY(seen);
        QCOMPARE(range, (QVector<qint64>{at(48).toMSecsSinceEpoch(), at(108).toMSecsSinceEpoch()}));
        QVERIFY2(texts.contains(QStringLiteral("aia171_20120307T0000")), qPrintable(texts.join(QLatin1Char('|'))));
        QVERIFY(!movie()->exporter()->isRunning());
    }

    // Real files: the eight AIA 304 frames of the 2022-04-02 west-limb eruption (level 0.5 cutouts, 12 s apart) opened
    // together: one frame each, in order, at each file's T_OBS as astropy reads it.
    void realEruptionFrames()
    {
        SOLARCHIP_REQUIRE_SDO();
        QStringList files = QDir(test::sdoFile(QStringLiteral("fits"))).entryList({QStringLiteral("AIA20220402_*_0304.fits")}, QDir::Files, QDir::Name);
        QCOMPARE(files.size(), 8);
        QStringList expected;
        for (QString &f : files) {
            f = test::sdoFile(QStringLiteral("fits/") + f);
            const auto cards = test::runPython(QStringLiteral("fits_header_cards.py"), {f});
            QVERIFY2(cards.exitCode == 0, cards.err.constData());
            expected << test::parseJson(cards.out).object().value(QStringLiteral("values")).toObject().value(QStringLiteral("T_OBS")).toString();
        }
        StudioSettings settings(m_dir.filePath(QStringLiteral("settings-real.ini")));
        MainWindow window(&settings);
        window.setInteractive(false);
        window.resize(1000, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openFiles(files);
        QTRY_VERIFY_WITH_TIMEOUT(window.isSettled() && window.grid()->view(0) && window.grid()->view(0)->map(), 60000);
        MovieExportOptions o;
        o.folder = m_dir.filePath(QStringLiteral("eruption"));
        o.stem = QStringLiteral("aia304");
        o.from = QDateTime::fromString(expected.first() + QLatin1Char('Z'), Qt::ISODateWithMs);
        o.to = QDateTime::fromString(expected.last() + QLatin1Char('Z'), Qt::ISODateWithMs);
        o.mp4 = false;
        QSignalSpy done(window.movieExport(), &MovieExportReaction::finished);
        QVERIFY(window.movieExport()->exportMovie(o, MovieExportReaction::Content::SelectedViewWithOverlays, false, false));
        QVERIFY(done.wait(120000));
        QVERIFY2(done.first().at(0).toBool(), qPrintable(done.first().at(1).toString()));
        const QStringList rows = csvRows(o.folder + QStringLiteral("/aia304_frames.csv"));
        QCOMPARE(rows.size(), 9);
        for (int k = 0; k < 8; ++k)
            QCOMPARE(QDateTime::fromString(rows.at(k + 1).split(QLatin1Char(',')).at(1), Qt::ISODateWithMs).toMSecsSinceEpoch(),
                     QDateTime::fromString(expected.at(k) + QLatin1Char('Z'), Qt::ISODateWithMs).toMSecsSinceEpoch());
    }

    void refusalsAndCancel()
    {
        // A folder below a plain file cannot be made: refused, naming it; nothing starts.
        QFile plain(m_dir.filePath(QStringLiteral("plain")));
        QVERIFY(plain.open(QIODevice::WriteOnly));
        plain.close();
        MovieExportOptions bad = options(QStringLiteral("plain/sub"), 0, 108);
        const Status refused = movie()->exportMovie(bad, MovieExportReaction::Content::SelectedViewWithOverlays, false, false);
        QVERIFY(!refused);
        QVERIFY2(refused.errorString().contains(bad.folder) && refused.errorString().contains(QStringLiteral("cannot create")),
                 qPrintable(refused.errorString()));
        MovieExportOptions empty = options(QStringLiteral("empty"), 60, 10);
        const Status backwards = movie()->exportMovie(empty, MovieExportReaction::Content::SelectedViewWithOverlays, false, false);
        QVERIFY(!backwards);
        QVERIFY2(backwards.errorString().contains(QStringLiteral("time range is empty")), qPrintable(backwards.errorString()));

        // Canceled after the second frame: the frames written stay, with their index.
        const MovieExportOptions o = options(QStringLiteral("cancel"), 0, 108);
        QSignalSpy done(movie(), &MovieExportReaction::finished);
        connect(movie()->exporter(), &MovieExporter::progress, this, [this](int frames) {
            if (frames == 2)
                movie()->exporter()->cancel();
        });
        QVERIFY(movie()->exportMovie(o, MovieExportReaction::Content::SelectedViewWithOverlays, false, false));
        QVERIFY(done.wait(120000));
        disconnect(movie()->exporter(), &MovieExporter::progress, this, nullptr);
        QCOMPARE(done.first().at(0).toBool(), false);
        QVERIFY2(done.first().at(1).toString().contains(QStringLiteral("canceled")), qPrintable(done.first().at(1).toString()));
        const QJsonObject report = movie()->exporter()->report();
        QVERIFY(report.value(QStringLiteral("canceled")).toBool());
        QCOMPARE(report.value(QStringLiteral("frames")).toInt(), 2);
        QCOMPARE(csvRows(o.folder + QStringLiteral("/ridge_frames.csv")).size(), 3);
        QVERIFY(QFile::exists(o.folder + QStringLiteral("/ridge_0002.png")));
        QVERIFY(!QFile::exists(o.folder + QStringLiteral("/ridge_0003.png")));
    }
};

QTEST_MAIN(TestMovieExport)
#include "tst_movieexport.moc"
