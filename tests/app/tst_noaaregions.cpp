// View > NOAA active regions (app/gui/NoaaRegionController, widgets/OverlayNoaaRegions) on a synthetic archive whose
// regions are known: `solarchip synth` writes a Solar Region Summary per day (locations at 00:00 UTC, whole degrees)
// and, for every frame, where each numbered region's centre is on each channel's pixels (the truth JSON). At a
// mid-day step:
// - each label with spots sits on the truth's pixel of the region with that NOAA number (within 2 px = 19": the
//   report's rounding to whole degrees, carried 12 h by the same Snodgrass rates the generator moves regions with);
// - every numbered region with spots on the disk has its label, on both views of the set (HMI co-registered onto the
//   AIA grid: the same numbers at the same places);
// - the label is drawn there: switched off, the view around each label changes and the state lists no labels; on
//   again, the same pixels come back; the switch is remembered;
// - an unreadable report in the archive is counted and named, the others still used;
// - the labels de-clutter: each text beside its own ring, over no other label's text or ring, inside the map's area,
//   also in a small window where some have to move from their first place;
// - each label names its region's largest flare (>= C) of the archive's list peaking within 12 h of the map, at every
//   171 frame of the archive (a brute-force search of the list: the same flare, or none), and the window's state does;
// - View > Query a NOAA region makes the region's labelled place the query of the similarity, search and light-curve
//   views; a region not on the map is refused with the regions that are; --query-noaa takes a region number only;
// - the 3D globe wears the labels (its texture is the map's rendering with them drawn at the regions' pixels);
// - the region table lists the selected map's regions in the labels' order, says which report, and a row queries;
// - the "regions" view mode draws the labels and shows the table whatever the switch says, and leaving it undoes both;
// - the light curve of a queried region follows it by the reports: its box on the truth's centre in every 171 frame
//   where a report places it (within 20"), the other points saying why.
#include "app/gui/ActionRegistry.h"
#include "app/gui/HeatmapController.h"
#include "app/gui/LightCurveController.h"
#include "app/gui/MainWindow.h"
#include "app/gui/NoaaRegionController.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/WindowState.h"
#include "core/archive/FlareList.h"
#include "core/archive/LightCurve.h"
#include "core/map/MapFile.h"
#include "core/map/PixelFrame.h"
#include "core/map/SdoTime.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/OverlayNoaaRegions.h"

#include "GuiTestSupport.h"
#include "TestSupport.h"

#include <QAction>
#include <QDirIterator>
#include <QDockWidget>
#include <QFile>
#include <QJsonArray>
#include <QSettings>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <cmath>

using namespace solarchip;

namespace {

constexpr qint64 kHour = 3600 * 1000;

qint64 msOf(const char *iso) { return SdoTime::parseUserTime(QString::fromLatin1(iso))->toMSecsSinceEpoch(); }

}  // namespace

class TestNoaaRegions : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QString m_archive;
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    QJsonObject state() const { return windowState(m_window.get()).value(QStringLiteral("noaa_regions")).toObject(); }
    QJsonObject viewState(const QString &channel) const
    {
        for (const QJsonValue &v : state().value(QStringLiteral("views")).toArray())
            if (v.toObject().value(QStringLiteral("channel")).toString() == channel)
                return v.toObject();
        return {};
    }
    MapView *viewOf(const char *channel) const { return m_window->grid()->viewForChannel(QLatin1String(channel)); }
    QAction *toggle() const { return m_window->actions()->action(QStringLiteral("view.overlay.noaaRegions")); }
    // The truth of the step at `iso`: NOAA number -> the region centre's 0-based 171 pixel, and its spot area.
    struct Truth {
        QPointF pixel;
        double areaMsh = 0;
        double lonDeg = 0;
    };
    QHash<int, Truth> truthAt(const char *iso) const
    {
        QHash<int, Truth> out;
        const QDateTime t = *SdoTime::parseUserTime(QString::fromLatin1(iso));
        QFile f(m_archive + t.toString(QStringLiteral("'/truth/'yyyy/MM/dd'/truth_'yyyyMMdd_HHmmss'.json'")));
        if (!f.open(QIODevice::ReadOnly))
            return out;
        for (const QJsonValue &v : test::parseJson(f.readAll()).object().value(QStringLiteral("regions")).toArray()) {
            const QJsonObject r = v.toObject();
            const QJsonObject px = r.value(QStringLiteral("pixels")).toObject().value(QStringLiteral("171")).toObject();
            if (r.value(QStringLiteral("noaa")).toInt() > 0 && px.value(QStringLiteral("visible")).toBool())
                out.insert(r.value(QStringLiteral("noaa")).toInt(),
                           Truth{QPointF(px.value(QStringLiteral("x")).toDouble(), px.value(QStringLiteral("y")).toDouble()),
                                 r.value(QStringLiteral("area_msh")).toDouble(), r.value(QStringLiteral("lon")).toDouble()});
        }
        return out;
    }
    // The view's pixels within `radius` widget px of a map pixel.
    QImage around(MapView *view, const QPointF &pixel, int radius) const { return test::viewPixelsAround(view, pixel, radius); }
    static int differing(const QImage &a, const QImage &b) { return test::differingPixels(a, b); }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        m_archive = m_dir.filePath(QStringLiteral("archive"));
        const auto made = test::run(test::binPath(QStringLiteral("solarchip")),
                                    {QStringLiteral("synth"), m_archive, QStringLiteral("--start"), QStringLiteral("2014-02-01T00:00"),
                                     QStringLiteral("--days"), QStringLiteral("4"), QStringLiteral("--cadence"), QStringLiteral("12"),
                                     QStringLiteral("--size"), QStringLiteral("256"), QStringLiteral("--channels"), QStringLiteral("hmi,171"),
                                     QStringLiteral("--seed"), QStringLiteral("23"), QStringLiteral("--quiet")});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        // A report that cannot be read, put beside the generator's.
        QFile bad(m_archive + QStringLiteral("/srs/2014/20140210SRS.txt"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write(":Issued: 2014 Feb 10 0030 UTC\nI.  Regions with Sunspots.  Locations Valid at 09/2400Z\n1234 N99\n");
        bad.close();

        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1200, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->openArchive(m_archive);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && viewOf("171") && viewOf("hmi"), 60000);
        m_window->observation()->goToTime(QDateTime::fromMSecsSinceEpoch(msOf("2014-02-03T12:00"), QTimeZone::utc()));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && viewOf("171")->map()
                                     && std::llabs(viewOf("171")->map()->meta.tObs.toMSecsSinceEpoch() - msOf("2014-02-03T12:00")) < kHour,
                                 60000);
    }

    void cleanupTestCase() { m_window.reset(); }

    void offByDefault()
    {
        QVERIFY(!toggle()->isChecked());
        const QJsonObject s = state();
        QCOMPARE(s.value(QStringLiteral("enabled")).toBool(), false);
        QCOMPARE(viewState(QStringLiteral("171")).value(QStringLiteral("labels")).toArray().size(), 0);
    }

    void labelsSitOnTheTruthsRegions()
    {
        toggle()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("enabled")).toBool(), 30000);
        const QJsonObject s = state();
        QCOMPARE(s.value(QStringLiteral("reports")).toInt(), 5);  // four days and the day after
        QCOMPARE(s.value(QStringLiteral("failures")).toInt(), 1);
        QVERIFY2(s.value(QStringLiteral("first_failure")).toString().contains(QStringLiteral("20140210SRS.txt: line 3")),
                 qPrintable(s.value(QStringLiteral("first_failure")).toString()));
        QVERIFY2(s.value(QStringLiteral("status")).toString().contains(QStringLiteral("1 unreadable")),
                 qPrintable(s.value(QStringLiteral("status")).toString()));

        const QJsonObject aia = viewState(QStringLiteral("171"));
        QCOMPARE(aia.value(QStringLiteral("valid_at")).toString(), QStringLiteral("2014-02-03T00:00:00.000"));
        const QHash<int, Truth> truth = truthAt("2014-02-03T12:00");
        QVERIFY(!truth.isEmpty());
        QSet<int> labelled;
        int checked = 0;
        for (const QJsonValue &v : aia.value(QStringLiteral("labels")).toArray()) {
            const QJsonObject l = v.toObject();
            const int number = l.value(QStringLiteral("number")).toInt();
            labelled.insert(number);
            if (l.value(QStringLiteral("section")).toString() != QLatin1String("spots"))
                continue;
            QVERIFY2(truth.contains(number), qPrintable(QString::number(number)));
            const QPointF at(l.value(QStringLiteral("x")).toDouble(), l.value(QStringLiteral("y")).toDouble());
            const double off = std::hypot(at.x() - truth[number].pixel.x(), at.y() - truth[number].pixel.y());
            QVERIFY2(off < 2.0, qPrintable(QStringLiteral("%1 at (%2, %3), truth (%4, %5)").arg(number).arg(at.x()).arg(at.y())
                                               .arg(truth[number].pixel.x()).arg(truth[number].pixel.y())));
            ++checked;
        }
        QVERIFY2(checked >= 2, qPrintable(QString::number(checked)));
        // The tooltip over a label's ring names that region.
        {
            const QJsonObject first = aia.value(QStringLiteral("labels")).toArray().first().toObject();
            MapView *view = viewOf("171");
            const QString tip = view->toolTipAt(view->mapToWidget(QPointF(first.value(QStringLiteral("x")).toDouble(),
                                                                          first.value(QStringLiteral("y")).toDouble())));
            QVERIFY2(tip.startsWith(QStringLiteral("NOAA %1").arg(first.value(QStringLiteral("number")).toInt()))
                         && tip.contains(first.value(QStringLiteral("location")).toString()),
                     qPrintable(tip));
        }
        // Every numbered region with spots well inside the disk at the report's time has its label.
        for (auto it = truth.begin(); it != truth.end(); ++it)
            if (it.value().areaMsh >= 5 && std::abs(it.value().lonDeg) < 80)
                QVERIFY2(labelled.contains(it.key()), qPrintable(QString::number(it.key())));
        // The HMI view (co-registered onto the same grid) carries the same numbers at the same places.
        const QJsonArray hmi = viewState(QStringLiteral("hmi")).value(QStringLiteral("labels")).toArray();
        QCOMPARE(hmi.size(), aia.value(QStringLiteral("labels")).toArray().size());
        for (int i = 0; i < hmi.size(); ++i) {
            const QJsonObject a = aia.value(QStringLiteral("labels")).toArray()[i].toObject(), h = hmi[i].toObject();
            QCOMPARE(h.value(QStringLiteral("number")).toInt(), a.value(QStringLiteral("number")).toInt());
            QVERIFY(std::hypot(h.value(QStringLiteral("x")).toDouble() - a.value(QStringLiteral("x")).toDouble(),
                               h.value(QStringLiteral("y")).toDouble() - a.value(QStringLiteral("y")).toDouble()) < 0.5);
        }
    }

    // The labels de-clutter: each text beside its own ring, covering no other label's text or ring, inside the map's
    // area — at the window's size and in a small window where the views are two thirds as wide (labels crowd there).
    void labelsKeepClearOfEachOther()
    {
        auto check = [&](const char *when, int *moved) {
            for (const char *channel : {"171", "hmi"}) {
                const QJsonObject v = viewState(QLatin1String(channel));
                const QJsonArray placed = v.value(QStringLiteral("placed")).toArray();
                QCOMPARE(placed.size(), v.value(QStringLiteral("labels")).toArray().size());
                auto rect = [](const QJsonValue &b) {
                    const QJsonArray a = b.toArray();
                    return QRectF(a[0].toDouble(), a[1].toDouble(), a[2].toDouble(), a[3].toDouble());
                };
                const QRectF area = rect(v.value(QStringLiteral("map_area")));
                for (int i = 0; i < placed.size(); ++i) {
                    const QJsonObject a = placed[i].toObject();
                    const QRectF text = rect(a.value(QStringLiteral("text"))), ring = rect(a.value(QStringLiteral("ring")));
                    const QString who = QStringLiteral("%1 %2: %3").arg(QLatin1String(when), QLatin1String(channel))
                                            .arg(a.value(QStringLiteral("number")).toInt());
                    QVERIFY2(area.contains(text) || !area.contains(ring.center()), qPrintable(who + QStringLiteral(" leaves the map area")));
                    // Beside its ring: the gap between the two boxes is a few pixels at most, and they do not overlap.
                    const QRectF grown = ring.adjusted(-6, -6, 6, 6);
                    QVERIFY2(grown.intersects(text) && !ring.intersects(text.adjusted(1, 1, -1, -1)), qPrintable(who + QStringLiteral(" away from its ring")));
                    *moved += a.value(QStringLiteral("where")).toInt() != 0;
                    for (int j = 0; j < placed.size(); ++j) {
                        if (j == i)
                            continue;
                        const QJsonObject b = placed[j].toObject();
                        QVERIFY2(!text.intersects(rect(b.value(QStringLiteral("text")))),
                                 qPrintable(who + QStringLiteral(" covers the text of %1").arg(b.value(QStringLiteral("number")).toInt())));
                        QVERIFY2(!text.intersects(rect(b.value(QStringLiteral("ring")))),
                                 qPrintable(who + QStringLiteral(" covers the ring of %1").arg(b.value(QStringLiteral("number")).toInt())));
                    }
                }
            }
        };
        toggle()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !viewState(QStringLiteral("171")).value(QStringLiteral("placed")).toArray().isEmpty(), 30000);
        int moved = 0;
        check("1200x800", &moved);
        const QSize size = m_window->size();
        const int wide = viewOf("171")->width();
        m_window->resize(700, 520);  // the window's minimum width is more: views about two thirds as wide
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && viewOf("171")->width() < wide * 3 / 4, 30000);
        int movedSmall = 0;
        check("small window", &movedSmall);
        QVERIFY2(movedSmall > 0, "no label had to move in the small window: the test does not exercise the placement");
        m_window->resize(size);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
    }

    void flaresAreNamedAtTheirRegions()
    {
        const QStringList lists = QDir(m_archive).entryList({QStringLiteral("swpc_flarelist_*.csv")});
        QCOMPARE(lists.size(), 1);
        auto list = FlareList::load(QDir(m_archive).filePath(lists.first()));
        QVERIFY2(list, qPrintable(list.errorString()));
        QCOMPARE(state().value(QStringLiteral("flares")).toInt(), list->events().size());
        // The largest flare >= C of a region peaking within 12 h of t (the earlier of equal classes), by brute force.
        auto expected = [&](int number, const QDateTime &t) -> const FlareEvent * {
            const FlareEvent *best = nullptr;
            for (const FlareEvent &f : list->events())
                if (f.noaaAr == number && f.peakFlux >= 1e-6 && std::llabs(f.labelTime().secsTo(t)) <= 12 * 3600
                    && (!best || f.peakFlux > best->peakFlux))
                    best = &f;
            return best;
        };
        // Every 171 frame through the layer the window uses.
        OverlayNoaaRegions layer;
        layer.setReports(std::make_shared<const RegionSummaryArchive>(RegionSummaryArchive::scan(m_archive)));
        layer.setFlares(list->events());
        int named = 0, frames = 0;
        QDirIterator it(m_archive + QStringLiteral("/171"), {QStringLiteral("*.fits")}, QDir::Files, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            auto map = MapFile::load(it.next());
            QVERIFY2(map, qPrintable(map.errorString()));
            ++frames;
            for (const OverlayNoaaRegions::Label &l : layer.labelsOn(*map)) {
                const FlareEvent *want = expected(l.seen.region.number, map->meta.tObs);
                QCOMPARE(bool(l.flare), want != nullptr);
                if (want) {
                    QCOMPARE(l.flare->goesClass, want->goesClass);
                    QCOMPARE(l.flare->labelTime(), want->labelTime());
                    ++named;
                }
            }
        }
        QCOMPARE(frames, 8);
        QVERIFY2(named >= 2, qPrintable(QString::number(named)));  // Feb 2014: some numbered region flares
        // The window's own labels at its time agree.
        const QDateTime t = viewOf("171")->map()->meta.tObs;
        for (const QJsonValue &v : viewState(QStringLiteral("171")).value(QStringLiteral("labels")).toArray()) {
            const QJsonObject l = v.toObject();
            const FlareEvent *want = expected(l.value(QStringLiteral("number")).toInt(), t);
            QCOMPARE(l.value(QStringLiteral("flare")).isNull(), want == nullptr);
            if (want)
                QCOMPARE(l.value(QStringLiteral("flare")).toObject().value(QStringLiteral("class")).toString(), want->goesClass);
        }
    }

    void switchedOffNothingIsDrawnAndTheChoiceIsRemembered()
    {
        // What the view shows around each label with the layer on, then off: the ring and number were drawn there,
        // and nothing is left of them.
        const QJsonArray labels = viewState(QStringLiteral("171")).value(QStringLiteral("labels")).toArray();
        QVERIFY(!labels.isEmpty());
        QVector<QPointF> places;
        QVector<QImage> on;
        for (const QJsonValue &v : labels) {
            places << QPointF(v.toObject().value(QStringLiteral("x")).toDouble(), v.toObject().value(QStringLiteral("y")).toDouble());
            on << around(viewOf("171"), places.back(), 10);
        }
        toggle()->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QCOMPARE(viewState(QStringLiteral("171")).value(QStringLiteral("labels")).toArray().size(), 0);
        for (int i = 0; i < places.size(); ++i) {
            const int changed = differing(on[i], around(viewOf("171"), places[i], 10));
            QVERIFY2(changed > 20, qPrintable(QStringLiteral("label %1: %2 pixels differ").arg(i).arg(changed)));
        }
        // Off again equals off: what differed was the layer.
        QCOMPARE(differing(around(viewOf("171"), places[0], 10), around(viewOf("171"), places[0], 10)), 0);
        QCOMPARE(m_settings->overlayVisible(QStringLiteral("noaaRegions")), std::optional<bool>(false));
        toggle()->setChecked(true);
        QCOMPARE(m_settings->overlayVisible(QStringLiteral("noaaRegions")), std::optional<bool>(true));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QCOMPARE(differing(on[0], around(viewOf("171"), places[0], 10)), 0);
    }

    void queryingARegionPutsTheQueryOnIt()
    {
        const QJsonArray labels = viewState(QStringLiteral("171")).value(QStringLiteral("labels")).toArray();
        QVERIFY(!labels.isEmpty());
        for (int i = 0; i < m_window->grid()->count(); ++i)
            if (m_window->grid()->view(i) == viewOf("171"))
                m_window->grid()->setCurrentIndex(i);
        const QJsonObject first = labels[0].toObject();
        const int number = first.value(QStringLiteral("number")).toInt();
        QVERIFY(m_window->queryNoaaRegion(number));
        const auto q = m_window->heatmaps()->query();
        QVERIFY(q);
        QCOMPARE(q->channel, QStringLiteral("171"));
        QCOMPARE(q->hpc, QPointF(first.value(QStringLiteral("tx")).toDouble(), first.value(QStringLiteral("ty")).toDouble()));
        QCOMPARE(q->timeMs, viewOf("171")->map()->meta.tObs.toMSecsSinceEpoch());
        QVERIFY(!q->box);  // as a click: one cell (the light curve measures its click box there)
        QCOMPARE(state().value(QStringLiteral("query")).toObject().value(QStringLiteral("number")).toInt(), number);
        // Not on the map: refused, and the regions that are there are named.
        QVERIFY(!m_window->queryNoaaRegion(19999));
        const QString error = state().value(QStringLiteral("query")).toObject().value(QStringLiteral("error")).toString();
        QVERIFY2(error.contains(QStringLiteral("not on the map")) && error.contains(QString::number(number)), qPrintable(error));
        QCOMPARE(m_window->heatmaps()->query()->hpc, q->hpc);  // the previous query stays
        // The option takes a region number and nothing else.
        for (const char *bad : {"--query-noaa=abc", "--query-noaa=0"}) {
            const auto r = test::run(test::binPath(QStringLiteral("solarchip-studio")), {QString::fromLatin1(bad)}, 60000);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains("--query-noaa"), r.err.constData());
        }
    }

    void theGlobeWearsTheLabels()
    {
        const int onMap = viewState(QStringLiteral("171")).value(QStringLiteral("labels")).toArray().size();
        QVERIFY(onMap > 0);
        m_window->setFocusChannel(QStringLiteral("171"));
        m_window->setViewMode(QStringLiteral("globe"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled()
                                     && windowState(m_window.get()).value(QStringLiteral("globe_noaa_labels")).toInt() == onMap,
                                 60000);
        // Off: the texture is the plain map again.
        toggle()->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled()
                                     && windowState(m_window.get()).value(QStringLiteral("globe_noaa_labels")).toInt() == 0,
                                 30000);
        toggle()->setChecked(true);
        // The texture itself: the labels change it around each region and nowhere near the corners.
        MapView *view = viewOf("171");
        QVERIFY(view && view->map());
        const auto *layer = dynamic_cast<const OverlayNoaaRegions *>(view->overlay(QStringLiteral("noaaRegions")));
        QVERIFY(layer);
        const QImage rendered = view->rendered().image().convertToFormat(QImage::Format_ARGB32_Premultiplied);
        int drawn = 0;
        const QImage labelled = layer->composeOnto(rendered, *view->map(), &drawn);
        QCOMPARE(drawn, onMap);
        // (a texture under 1024 px comes back enlarged to 1024, the labels drawn on it at that size)
        QCOMPARE(labelled.height(), std::max(rendered.height(), 1024));
        const QImage plain = rendered.height() < 1024
                                 ? rendered.scaled(rendered.width() * 1024 / rendered.height(), 1024, Qt::IgnoreAspectRatio,
                                                   Qt::SmoothTransformation)
                                 : rendered;
        const double sx = double(plain.width()) / view->map()->image.width;
        // Around each region: as far as its ring reaches (the ring's radius is under half the text's height, which is
        // 1/42 of the texture's).
        const int reach = labelled.height() / 42;
        for (const auto &l : layer->labelsOn(*view->map())) {
            const QPoint c(int((l.pixel.x() + 0.5) * sx), int(plain.height() - (l.pixel.y() + 0.5) * sx));
            int changed = 0;
            for (int dy = -reach; dy <= reach; ++dy)
                for (int dx = -reach; dx <= reach; ++dx)
                    if (plain.rect().contains(c + QPoint(dx, dy)))
                        changed += plain.pixel(c + QPoint(dx, dy)) != labelled.pixel(c + QPoint(dx, dy));
            QVERIFY2(changed > 10, qPrintable(QString::number(l.seen.region.number)));
        }
        QCOMPARE(labelled.pixel(2, 2), plain.pixel(2, 2));
        m_window->setViewMode(QStringLiteral("map"));
    }

    void theTableListsTheSelectedMapsRegions()
    {
        for (int i = 0; i < m_window->grid()->count(); ++i)
            if (m_window->grid()->view(i) == viewOf("171"))
                m_window->grid()->setCurrentIndex(i);
        QDockWidget *dock = m_window->noaaRegions()->dock();
        dock->show();
        dock->raise();
        QTRY_VERIFY_WITH_TIMEOUT(state().value(QStringLiteral("table")).toObject().value(QStringLiteral("visible")).toBool(), 10000);
        const QJsonObject table = state().value(QStringLiteral("table")).toObject();
        const QJsonArray labels = viewState(QStringLiteral("171")).value(QStringLiteral("labels")).toArray();
        const QJsonArray rows = table.value(QStringLiteral("rows")).toArray();
        QCOMPARE(rows.size(), labels.size());
        for (int i = 0; i < rows.size(); ++i)
            QCOMPARE(rows[i].toInt(), labels[i].toObject().value(QStringLiteral("number")).toInt());
        QVERIFY2(table.value(QStringLiteral("caption")).toString().contains(QStringLiteral("20140203SRS.txt"))
                     && table.value(QStringLiteral("caption")).toString().contains(QStringLiteral("AIA 171")),
                 qPrintable(table.value(QStringLiteral("caption")).toString()));
        // A row activated queries its region.
        const int last = rows.size() - 1;
        m_window->noaaRegions()->activateRow(last);
        QCOMPARE(state().value(QStringLiteral("query")).toObject().value(QStringLiteral("number")).toInt(), rows[last].toInt());
        QCOMPARE(m_window->heatmaps()->query()->hpc,
                 QPointF(labels[last].toObject().value(QStringLiteral("tx")).toDouble(),
                         labels[last].toObject().value(QStringLiteral("ty")).toDouble()));
        dock->hide();
    }

    void theRegionsViewShowsLabelsAndTable()
    {
        toggle()->setChecked(false);
        m_window->setViewMode(QStringLiteral("regions"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("table")).toObject().value(QStringLiteral("visible")).toBool(),
                                 30000);
        // Labels drawn though the switch is off; the switch's remembered value is left alone.
        QCOMPARE(state().value(QStringLiteral("drawn")).toBool(), true);
        QVERIFY(!viewState(QStringLiteral("171")).value(QStringLiteral("labels")).toArray().isEmpty());
        QCOMPARE(m_settings->overlayVisible(QStringLiteral("noaaRegions")), std::optional<bool>(false));
        QVERIFY(!state().value(QStringLiteral("table")).toObject().value(QStringLiteral("rows")).toArray().isEmpty());
        // Leaving the mode: the table it showed goes, and so do the labels.
        m_window->setViewMode(QStringLiteral("map"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
        QVERIFY(!m_window->noaaRegions()->dock()->isVisible());
        QCOMPARE(state().value(QStringLiteral("drawn")).toBool(), false);
        QCOMPARE(viewState(QStringLiteral("171")).value(QStringLiteral("labels")).toArray().size(), 0);
        toggle()->setChecked(true);
    }

    void theLightCurveOfAQueriedRegionFollowsIt()
    {
        // A region with spots on the map, and where the truth puts it in each 171 frame (through that file's WCS).
        const QJsonArray labels = viewState(QStringLiteral("171")).value(QStringLiteral("labels")).toArray();
        int number = 0;
        for (const QJsonValue &v : labels)
            if (v.toObject().value(QStringLiteral("section")).toString() == QLatin1String("spots"))
                number = v.toObject().value(QStringLiteral("number")).toInt();
        QVERIFY(number > 0);
        for (int i = 0; i < m_window->grid()->count(); ++i)
            if (m_window->grid()->view(i) == viewOf("171"))
                m_window->grid()->setCurrentIndex(i);
        QVERIFY(m_window->queryNoaaRegion(number));
        QCOMPARE(m_window->heatmaps()->query()->noaa, number);
        m_window->setViewMode(QStringLiteral("lightcurve"));
        auto lcState = [this] { return windowState(m_window.get()).value(QStringLiteral("lightcurve")).toObject(); };
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && lcState().value(QStringLiteral("state")).toString() == QLatin1String("done"),
                                 60000);
        QCOMPARE(lcState().value(QStringLiteral("region")).toObject().value(QStringLiteral("noaa")).toInt(), number);
        const LightCurve *curve = nullptr;
        for (const LightCurve &c : m_window->lightCurve()->curves())
            if (c.channel == QLatin1String("171"))
                curve = &c;
        QVERIFY(curve);
        int compared = 0;
        for (const LightCurvePoint &p : curve->points) {
            if (!p.measure) {
                QVERIFY2(p.error.contains(QStringLiteral("NOAA %1").arg(number)), qPrintable(p.error));
                continue;
            }
            const QDateTime t = QDateTime::fromMSecsSinceEpoch(p.timeMs, QTimeZone::utc());
            const QDateTime step(t.addSecs(3600).date(), QTime(t.addSecs(3600).time().hour() < 12 ? 0 : 12, 0), QTimeZone::utc());
            QFile f(m_archive + step.toString(QStringLiteral("'/truth/'yyyy/MM/dd'/truth_'yyyyMMdd_HHmmss'.json'")));
            QVERIFY2(f.open(QIODevice::ReadOnly), qPrintable(f.fileName()));
            QJsonObject px;
            for (const QJsonValue &v : test::parseJson(f.readAll()).object().value(QStringLiteral("regions")).toArray())
                if (v.toObject().value(QStringLiteral("noaa")).toInt() == number)
                    px = v.toObject().value(QStringLiteral("pixels")).toObject().value(QStringLiteral("171")).toObject();
            QVERIFY(!px.isEmpty());
            auto frame = MapFile::readFrame(p.file);
            QVERIFY(frame);
            double tx = 0, ty = 0;
            QVERIFY(frame->wcs.pixelToHelioprojective(px.value(QStringLiteral("x")).toDouble(), px.value(QStringLiteral("y")).toDouble(), tx, ty));
            QVERIFY2(std::hypot(p.measure->box.tx - tx, p.measure->box.ty - ty) < 20,
                     qPrintable(QStringLiteral("%1: box (%2, %3), truth (%4, %5)").arg(t.toString(Qt::ISODate))
                                    .arg(p.measure->box.tx).arg(p.measure->box.ty).arg(tx).arg(ty)));
            ++compared;
        }
        QVERIFY2(compared >= 4, qPrintable(QString::number(compared)));
        m_window->setViewMode(QStringLiteral("map"));
    }
};

QTEST_MAIN(TestNoaaRegions)
#include "tst_noaaregions.moc"
