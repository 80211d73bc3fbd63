// Real files opened directly (issue 9, items 1 and 4 and the small opening items):
//  * the eight AIA 304 cut-outs of 2022-04-02 opened together are one movie: one view, eight times on the
//    timeline, next/previous/first/last, play, go-to-date and running difference all work and walk the files
//    in T_OBS order (times from the file names, to within 2 s);
//  * dropping more files asks add-or-replace (scripted here through the non-interactive choice);
//  * views pan and zoom together only when their maps share a frame: a 171 cut-out beside a full-disk AIA
//    193 JPEG2000 are two link groups, each fitted to its own data; two full disks are one group;
//  * a folder with no SDO map opens empty and gets no .solarchip/ catalogue written into it; an archive
//    with an unreadable file names it in the status.
#include "app/gui/ActionRegistry.h"
#include "app/gui/ArchiveDocument.h"
#include "app/gui/DisplayPanel.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/PlaybackController.h"
#include "app/gui/StudioSettings.h"
#include "core/archive/CatalogFixture.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/TimelineModel.h"
#include "widgets/ViewLink.h"

#include "TestSupport.h"

#include <QAction>
#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QAbstractButton>
#include <QApplication>
#include <QMessageBox>
#include <QTimer>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>

using namespace solarchip;

namespace {

using Step = ObservationDocument::Step;

// The eight 304 files in name (= time) order.
QStringList aia304Files()
{
    const QDir dir(test::sdoFile(QStringLiteral("fits")));
    QStringList out;
    for (const QString &n : dir.entryList({QStringLiteral("AIA20220402_*_0304.fits")}, QDir::Files, QDir::Name))
        out << dir.filePath(n);
    return out;
}

// The time in an AIA file name "AIA20220402_131341_0304.fits" (DATE-OBS to the second).
qint64 nameTimeMs(const QString &path)
{
    const auto m = QRegularExpression(QStringLiteral("AIA(\\d{8})_(\\d{6})_")).match(QFileInfo(path).fileName());
    QDateTime t = QDateTime::fromString(m.captured(1) + m.captured(2), QStringLiteral("yyyyMMddHHmmss"));
    t.setTimeZone(QTimeZone::utc());
    return t.toMSecsSinceEpoch();
}

QString shownFile(MainWindow &w, int view = 0)
{
    MapView *v = w.grid()->view(view);
    return v && v->map() ? QFileInfo(v->map()->meta.file).fileName() : QString();
}

}  // namespace

class TestLooseSeries : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();

    void settle(MainWindow &w)
    {
        QTRY_VERIFY_WITH_TIMEOUT(w.isSettled(), 60000);
    }

    // build/bin/solarchip-studio ARGS --state-json: the window's state once everything is loaded.
    QJsonObject studioState(const QStringList &args, const QString &name)
    {
        const QString json = m_dir.filePath(name + QStringLiteral(".json"));
        QStringList all = args;
        all << QStringLiteral("--state-json") << json << QStringLiteral("--settings")
            << m_dir.filePath(name + QStringLiteral(".ini")) << QStringLiteral("--window-size")
            << QStringLiteral("1000x760") << QStringLiteral("--timeout") << QStringLiteral("240");
        const auto r = test::run(test::binPath(QStringLiteral("solarchip-studio")), all, 300000);
        if (r.exitCode != 0) {
            qWarning("%s", r.err.constData());
            return {};
        }
        QFile f(json);
        if (!f.open(QIODevice::ReadOnly))
            return {};
        return test::parseJson(f.readAll()).object();
    }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
    }

    void seriesOfFilesIsAMovie()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QStringList files = aia304Files();
        QCOMPARE(files.size(), 8);
        StudioSettings s(m_dir.filePath(QStringLiteral("series.ini")));
        MainWindow w(&s);
        w.setInteractive(false);
        w.resize(1000, 760);
        w.show();
        QStringList shuffled{files[5], files[0], files[7], files[2], files[1], files[6], files[3], files[4]};
        w.openFiles(shuffled);
        settle(w);

        ArchiveDocument *archive = w.archive();
        QVERIFY(archive->hasTimeAxis());
        QVERIFY(!archive->canRescan());
        QCOMPARE(archive->channels(), QStringList{QStringLiteral("304")});
        QCOMPARE(archive->timeline()->index().size(), 8);  // the timeline holds eight times
        QCOMPARE(w.grid()->count(), 1);                    // one view, not eight tiles

        // The movie starts at its first frame; every time control is on.
        ObservationDocument *doc = w.observation();
        QCOMPARE(shownFile(w), QFileInfo(files[0]).fileName());
        QVERIFY(std::llabs(doc->timeMs() - nameTimeMs(files[0])) <= 2000);
        for (const char *id : {"time.next", "time.last", "time.play", "time.goToDate", "view.diff.running"})
            QVERIFY2(w.actions()->action(QLatin1String(id))->isEnabled(), id);
        QVERIFY(doc->canStep(Step::NextObservation));
        QVERIFY(!doc->canStep(Step::PreviousObservation));

        // Next, next... walks the files in time order, view and time together.
        for (int i = 1; i < files.size(); ++i) {
            const qint64 before = doc->timeMs();
            w.actions()->action(QStringLiteral("time.next"))->trigger();
            settle(w);
            QVERIFY(doc->timeMs() > before);
            QVERIFY2(std::llabs(doc->timeMs() - nameTimeMs(files[i])) <= 2000, qPrintable(files[i]));
            QCOMPARE(shownFile(w), QFileInfo(files[i]).fileName());
        }
        QVERIFY(!doc->canStep(Step::NextObservation));
        w.actions()->action(QStringLiteral("time.previous"))->trigger();
        settle(w);
        QCOMPARE(shownFile(w), QFileInfo(files[6]).fileName());

        // Running difference: this frame minus the one before, 12 s earlier.
        w.actions()->action(QStringLiteral("view.diff.running"))->trigger();
        settle(w);
        QCOMPARE(doc->members().size(), 1);
        const auto &m = doc->members()[0];
        QVERIFY(m.reference.isValid());
        QCOMPARE(QFileInfo(m.reference.path).fileName(), QFileInfo(files[5]).fileName());
        QVERIFY(std::llabs((m.observation.timeMs - m.reference.timeMs) - 12000) <= 100);
        MapView *view = w.grid()->view(0);
        QVERIFY(view->map());
        QVERIFY2(view->title().contains(QStringLiteral("304")), qPrintable(view->title()));
        QVERIFY(!view->title().contains(QStringLiteral("no earlier")));
        w.actions()->action(QStringLiteral("view.diff.none"))->trigger();
        settle(w);

        // Go to a date: snaps to the nearest frame.
        doc->goToTime(QDateTime::fromMSecsSinceEpoch(nameTimeMs(files[3]) + 3000, QTimeZone::utc()));
        settle(w);
        QCOMPARE(shownFile(w), QFileInfo(files[3]).fileName());

        // Play runs through the frames to the last one.
        w.actions()->action(QStringLiteral("time.first"))->trigger();
        settle(w);
        w.actions()->action(QStringLiteral("time.play"))->trigger();
        QVERIFY(w.playback()->isPlaying());
        QTRY_COMPARE_WITH_TIMEOUT(shownFile(w), QFileInfo(files[7]).fileName(), 60000);
        w.playback()->pause();
        settle(w);
        doc->goToTime(QDateTime::fromMSecsSinceEpoch(nameTimeMs(files[3]), QTimeZone::utc()));
        settle(w);
        QCOMPARE(shownFile(w), QFileInfo(files[3]).fileName());

        // Dropping more files: added to the movie when the choice is Add (no dialog in a scripted run).
        const QString cutout = test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits"));
        w.setFileDropChoice(DropFilesDialog::Choice::Add);
        const QString hmi = test::sdoFile(QStringLiteral("fits/resampled_hmi.fits"));
        w.dropFiles({cutout, hmi, files[0]});  // files[0] is open already: not twice
        settle(w);
        QCOMPARE(archive->looseFiles().size(), 10);
        QCOMPARE(archive->channels(),
                 (QStringList{QStringLiteral("171"), QStringLiteral("304"), QStringLiteral("hmi_ic")}));
        QCOMPARE(w.grid()->count(), 3);
        QCOMPARE(doc->anchorChannel(), QStringLiteral("304"));  // the channel with frames to walk
        // The 2013 cut-out and the 2014 full-disk HMI stay on screen beside the 2022 movie (no tolerance hides
        // a loose file); the HMI map keeps its own 100 px frame (no AIA map of its time to co-register onto),
        // and the three regions are three link groups.
        MapView *hmiView = w.grid()->viewForChannel(QStringLiteral("hmi_ic"));
        QVERIFY(hmiView && hmiView->map());
        QCOMPARE(QSize(hmiView->map()->image.width, hmiView->map()->image.height), QSize(100, 100));
        QCOMPARE(w.grid()->linkedGroups().size(), 3);
        w.actions()->action(QStringLiteral("time.next"))->trigger();  // the movie still plays
        settle(w);
        QCOMPARE(QFileInfo(w.grid()->viewForChannel(QStringLiteral("304"))->map()->meta.file).fileName(),
                 QFileInfo(files[4]).fileName());
        // Interactive, a drop asks: the dialog offers Add and Replace (Replace clicked here).
        w.setInteractive(true);
        w.setFileDropChoice(DropFilesDialog::Choice::Ask);
        bool asked = false;
        QTimer::singleShot(200, &w, [&asked] {
            auto *box = qobject_cast<QMessageBox *>(QApplication::activeModalWidget());
            if (!box || box->objectName() != QLatin1String("dropFilesDialog"))
                return;
            asked = true;
            for (QAbstractButton *b : box->buttons())
                if (b->text().remove(QLatin1Char('&')) == QLatin1String("Replace"))
                    b->click();
        });
        w.dropFiles({files[0], files[1]});
        QVERIFY(asked);
        settle(w);
        QCOMPARE(archive->looseFiles().size(), 2);
        w.setInteractive(false);
        // ... or replaces them without asking.
        w.setFileDropChoice(DropFilesDialog::Choice::Replace);
        w.dropFiles({cutout});
        settle(w);
        QCOMPARE(archive->looseFiles(), QStringList{cutout});
        QVERIFY(!archive->hasTimeAxis());  // one file: one set at one time, as before
        QCOMPARE(w.grid()->count(), 1);
    }

    // The same from the command line, as a user starts it: `solarchip-studio AIA20220402_*.fits`.
    void stateJsonOfTheSeries()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QStringList files = aia304Files();
        QJsonObject state = studioState(files, QStringLiteral("series-first"));
        QCOMPARE(state.value(QStringLiteral("times_count")).toInt(), 8);
        QJsonArray views = state.value(QStringLiteral("views")).toArray();
        QCOMPARE(views.size(), 1);
        QCOMPARE(views[0].toObject().value(QStringLiteral("channel")).toString(), QStringLiteral("304"));
        QCOMPARE(QFileInfo(views[0].toObject().value(QStringLiteral("file")).toString()).fileName(),
                 QFileInfo(files[0]).fileName());
        QCOMPARE(state.value(QStringLiteral("linked_groups")).toArray(), (QJsonArray{QJsonArray{0}}));

        // --date picks the nearest frame; --difference running subtracts the frame before it.
        const QString at = QDateTime::fromMSecsSinceEpoch(nameTimeMs(files[4]) + 4000, QTimeZone::utc())
                               .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss"));
        state = studioState(QStringList(files) << QStringLiteral("--date") << at << QStringLiteral("--difference")
                                               << QStringLiteral("running"),
                            QStringLiteral("series-diff"));
        views = state.value(QStringLiteral("views")).toArray();
        QCOMPARE(views.size(), 1);
        const QJsonObject v = views[0].toObject();
        QCOMPARE(QFileInfo(v.value(QStringLiteral("file")).toString()).fileName(), QFileInfo(files[4]).fileName());
        const QString title = v.value(QStringLiteral("title")).toString();
        QVERIFY2(!title.contains(QStringLiteral("no earlier")) && title.contains(QStringLiteral("304")), qPrintable(title));
        QVERIFY(v.value(QStringLiteral("shown")).toBool());
        QCOMPARE(state.value(QStringLiteral("errors")).toArray().size(), 0);

        // A cut-out with a full disk: two link groups.
        state = studioState({test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits")),
                             test::sdoFile(QStringLiteral("jp2/2022_01_01__00_03_52_835__SDO_AIA_AIA_193.jp2"))},
                            QStringLiteral("cutout-disk"));
        QCOMPARE(state.value(QStringLiteral("views")).toArray().size(), 2);
        QCOMPARE(state.value(QStringLiteral("linked_groups")).toArray(), (QJsonArray{QJsonArray{0}, QJsonArray{1}}));
    }

    void onlyViewsSharingAFrameAreLinked()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString cutout = test::sdoFile(QStringLiteral("fits/aia_171_cutout.fits"));
        const QString fullDisk193 = test::sdoFile(QStringLiteral("jp2/2022_01_01__00_03_52_835__SDO_AIA_AIA_193.jp2"));
        const QString fullDisk171 = test::sdoFile(QStringLiteral("fits/aia_171_level1.fits"));
        StudioSettings s(m_dir.filePath(QStringLiteral("link.ini")));
        MainWindow w(&s);
        w.setInteractive(false);
        w.resize(1000, 760);
        w.show();
        w.openFiles({cutout, fullDisk193});
        settle(w);
        QCOMPARE(w.grid()->count(), 2);
        QCOMPARE(w.grid()->linkedGroups(), (QVector<QVector<int>>{{0}, {1}}));

        // Each view fitted to its own data: the whole map visible and filling its cell along one side.
        auto checkFitted = [](MapView *v) {
            QVERIFY(v->map());
            const QRect visible = v->visiblePixelRect();
            QCOMPARE(visible.size(), QSize(v->map()->image.width, v->map()->image.height));
            const double shown = std::max(v->map()->image.width * v->zoom() / v->width(),
                                          v->map()->image.height * v->zoom() / v->height());
            QVERIFY2(shown > 0.8 && shown <= 1.01, qPrintable(QString::number(shown)));
        };
        checkFitted(w.grid()->view(0));
        checkFitted(w.grid()->view(1));
        // Zooming the full disk leaves the cut-out alone; Fit to window fits each group to its own data.
        MapView *a = w.grid()->view(0), *b = w.grid()->view(1);
        const double zoomA = a->zoom(), zoomB = b->zoom();
        b->setZoom(zoomB * 4);
        QCOMPARE(a->zoom(), zoomA);
        w.actions()->action(QStringLiteral("view.fit"))->trigger();
        checkFitted(a);
        checkFitted(b);

        // Two full disks share a frame: one group, panned and zoomed together in arcsec.
        w.openFiles({fullDisk171, fullDisk193});
        settle(w);
        QCOMPARE(w.grid()->count(), 2);
        QCOMPARE(w.grid()->linkedGroups(), (QVector<QVector<int>>{{0, 1}}));
        a = w.grid()->view(0);
        b = w.grid()->view(1);
        b->setZoom(b->zoom() * 2);
        QVERIFY(a->worldView().valid && b->worldView().valid);
        QVERIFY(std::abs(a->worldView().arcsecPerScreenPixel / b->worldView().arcsecPerScreenPixel - 1) < 1e-6);
    }

    void folderWithoutSdoDataStaysClean()
    {
        const QString empty = m_dir.filePath(QStringLiteral("nothing-here"));
        QVERIFY(QDir().mkpath(empty));
        QFile note(empty + QStringLiteral("/notes.txt"));
        QVERIFY(note.open(QIODevice::WriteOnly));
        note.write("no maps\n");
        note.close();
        QFile junk(empty + QStringLiteral("/junk.fits"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("not a FITS file");
        junk.close();

        // First a folder with maps, so there is something on screen to reset.
        const QString maps = m_dir.filePath(QStringLiteral("maps"));
        FixtureOptions options;
        options.size = 32;
        const QDateTime start(QDate(2012, 3, 7), QTime(0, 0), QTimeZone::utc());
        QVERIFY(CatalogFixture::write(maps, CatalogFixture::schedule({QStringLiteral("171")}, start, 3600000, 3), options)
                    .ok());
        StudioSettings s(m_dir.filePath(QStringLiteral("empty.ini")));
        MainWindow w(&s);
        w.setInteractive(false);
        w.show();
        w.openArchive(maps);
        settle(w);
        QVERIFY(w.grid()->count() > 0);
        QTRY_VERIFY(w.displayPanel()->isEnabled());

        w.openArchive(empty);
        QTRY_VERIFY_WITH_TIMEOUT(!w.archive()->isBusy() && w.archive()->archiveDir() == QDir(empty).absolutePath(),
                                 30000);
        QVERIFY(!QFileInfo::exists(empty + QStringLiteral("/.solarchip")));
        QVERIFY(!w.archive()->hasData());
        QVERIFY(w.archive()->timeline()->isEmpty());
        QVERIFY(!w.observation()->hasTime());
        QTRY_COMPARE(w.grid()->count(), 0);
        QVERIFY(!w.displayPanel()->view());  // the Display dock edits nothing of the folder left
        QVERIFY(!w.displayPanel()->isEnabled());
        QVERIFY(w.archive()->statusText().contains(QStringLiteral("no SDO maps")));
    }

    // Only hidden folders below the opened one are skipped: an archive whose own path passes through a hidden
    // folder (the sample archive lives in ~/.local/share) is an archive, and a map hidden inside an otherwise
    // empty folder does not make it one.
    void archiveBelowAHiddenFolderOpens()
    {
        const QString maps = m_dir.filePath(QStringLiteral(".hidden-parent/maps"));
        FixtureOptions options;
        options.size = 32;
        const QDateTime start(QDate(2012, 3, 7), QTime(0, 0), QTimeZone::utc());
        QVERIFY(CatalogFixture::write(maps, CatalogFixture::schedule({QStringLiteral("171")}, start, 3600000, 3), options)
                    .ok());
        const QString onlyHidden = m_dir.filePath(QStringLiteral("only-hidden"));
        QVERIFY(CatalogFixture::write(onlyHidden + QStringLiteral("/.cache"),
                                      CatalogFixture::schedule({QStringLiteral("171")}, start, 3600000, 1), options)
                    .ok());
        StudioSettings s(m_dir.filePath(QStringLiteral("hidden.ini")));
        MainWindow w(&s);
        w.setInteractive(false);
        w.show();
        w.openArchive(maps);
        settle(w);
        QVERIFY(w.archive()->hasData());
        QCOMPARE(w.archive()->timeline()->times(QStringLiteral("171")).size(), 3);  // the three files written

        w.openArchive(onlyHidden);
        QTRY_VERIFY_WITH_TIMEOUT(!w.archive()->isBusy() && w.archive()->archiveDir() == QDir(onlyHidden).absolutePath(),
                                 30000);
        QVERIFY(!w.archive()->hasData());
        QVERIFY(!QFileInfo::exists(onlyHidden + QStringLiteral("/.solarchip")));
    }

    void unreadableFilesAreNamed()
    {
        const QString dir = m_dir.filePath(QStringLiteral("with-bad"));
        FixtureOptions options;
        options.size = 32;
        const QDateTime start(QDate(2012, 3, 7), QTime(0, 0), QTimeZone::utc());
        QVERIFY(CatalogFixture::write(dir, CatalogFixture::schedule({QStringLiteral("171")}, start, 3600000, 2), options)
                    .ok());
        QFile junk(dir + QStringLiteral("/broken_171.fits"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("SIMPLE  =                    T / truncated");
        junk.close();
        ArchiveDocument archive;
        QSignalSpy finished(&archive, &ArchiveDocument::indexingFinished);
        archive.openArchive(dir);
        QTRY_VERIFY_WITH_TIMEOUT(finished.count() == 1, 60000);
        const QString message = finished.at(0).at(1).toString();
        QVERIFY2(message.contains(QStringLiteral("1 unreadable file(s): broken_171.fits")), qPrintable(message));
    }
};

QTEST_MAIN(TestLooseSeries)
#include "tst_looseseries.moc"
