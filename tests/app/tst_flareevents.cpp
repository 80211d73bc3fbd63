// View > Flare events (app/gui/FlareEventController, widgets/OverlayFlareEvents):
// - (the tooltip over a burst names the flare: class, times, in progress or hours from the peak)
// - on a synthetic archive whose flares are known (`solarchip synth` writes flarelist_sites_*.csv, and for every step
//   the flares in progress with their pixels in each channel, the truth JSON): the list is found in the archive folder;
//   at each step with a listed flare in progress, its marker is drawn in progress on the truth's pixel of that flare
//   (171 and the HMI view, co-registered onto the same grid); the markers of a map are exactly the list's flares peaking
//   within the window (the SWPC list of the same archive, counted independently); they are drawn (switched off the
//   view around them changes back); the window is honoured and remembered; the table lists them in time order and a
//   row goes to the observation nearest the flare's peak; the table exports as CSV (read back by Python's csv module
//   and astropy) and copies a row as tab-separated text; the globe wears them;
// - on the real AIA 171 map of 2011-02-15 with the cycle-24 list chosen (File > Open flare list): NOAA 11158's X2.2 of
//   01:56 is marked where sunpy carries its listed site to the map (tests/reference/srs_reference.py); SWPC's list is
//   placed by the one report beside it (nothing near the map), and refused, naming the file and why, without it.
// - without a list with sites, the archive's SWPC list is used, its flares placed at their NOAA regions' centres by the
//   archive's Solar Region Summaries: the same flares marked as with the list with sites, each within a region's size
//   of where that list puts it, said so in the table and the tooltip;
// - the timeline's GOES flares row (app/gui/TimelineFlareController): the archive's SWPC list's C, M and X flares
//   (counted here with a plain split of the file), the strongest at its peak; a click on it goes to the observation
//   nearest the peak; View > GOES flares in the timeline hides and shows the row; loose files have none; Time > Next /
//   Previous flare walk the list as a brute-force search over the observation times expects; the status bar names
//   the strongest flare in progress at the time shown (a brute-force search of the file's start/end columns).
#include "app/gui/ActionRegistry.h"
#include "app/gui/ArchiveDocument.h"
#include "app/gui/FlareEventController.h"
#include "app/gui/LayerTableDock.h"
#include "app/gui/MainWindow.h"
#include "app/gui/ObservationDocument.h"
#include "app/gui/StudioSettings.h"
#include "app/gui/TimelineFlareController.h"
#include "app/gui/WindowState.h"
#include "core/archive/FlareList.h"
#include "core/base/AtomicFile.h"
#include "core/map/SdoTime.h"
#include "widgets/MapGrid.h"
#include "widgets/MapView.h"
#include "widgets/TimelineModel.h"
#include "widgets/TimelineView.h"

#include "GuiTestSupport.h"
#include "TestSupport.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDir>
#include <QDirIterator>
#include <QDockWidget>
#include <QFile>
#include <QJsonArray>
#include <QLabel>
#include <QSettings>
#include <QStatusBar>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimeZone>

#include <cmath>
#include <optional>

using namespace solarchip;

namespace {

QDateTime at(const char *iso) { return *SdoTime::parseUserTime(QString::fromLatin1(iso)); }

// A row of an SWPC list read with a plain split (not FlareList): its class, class index (0 C, 1 M, 2 X, -1 below C),
// the flux the class gives, and start, peak and end (the date column, then HHMM; one before the start is on the next
// day).
struct SwpcRow {
    QString cls;
    int k = -1;
    double flux = 0;
    qint64 start = 0, peak = 0, end = 0;
};
QVector<SwpcRow> swpcRows(const QString &path)
{
    QVector<SwpcRow> out;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return out;
    const QList<QByteArray> lines = f.readAll().split('\n');
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> cols = lines[i].split(',');
        if (cols.size() < 13)
            continue;
        SwpcRow r;
        r.cls = QString::fromLatin1(cols[9]).trimmed();
        r.k = r.cls.isEmpty() ? -1 : int(QStringLiteral("CMX").indexOf(r.cls.at(0)));
        const int decade = r.cls.isEmpty() ? -1 : int(QStringLiteral("ABCMX").indexOf(r.cls.at(0)));
        r.flux = decade < 0 ? 0 : std::pow(10.0, decade - 8) * r.cls.mid(1).toDouble();
        const QDate day = QDate::fromString(QString::fromLatin1(cols[1]), QStringLiteral("yyyyMMdd"));
        const QTime start = QTime::fromString(QString::fromLatin1(cols[3]), QStringLiteral("HHmm"));
        auto after = [&](const QByteArray &hhmm) {
            const QTime t = QTime::fromString(QString::fromLatin1(hhmm), QStringLiteral("HHmm"));
            return QDateTime(t < start ? day.addDays(1) : day, t, QTimeZone::utc()).toMSecsSinceEpoch();
        };
        r.start = QDateTime(day, start, QTimeZone::utc()).toMSecsSinceEpoch();
        r.peak = after(cols[4]);
        r.end = after(cols[5]);
        out << r;
    }
    return out;
}

}  // namespace

class TestFlareEvents : public QObject {
    Q_OBJECT
private:
    QTemporaryDir m_dir = test::scratchDir();
    QString m_archive;
    std::unique_ptr<StudioSettings> m_settings;
    std::unique_ptr<MainWindow> m_window;

    QJsonObject state() const { return windowState(m_window.get()).value(QStringLiteral("flare_events")).toObject(); }
    QJsonObject timelineFlares() const
    {
        return windowState(m_window.get()).value(QStringLiteral("timeline")).toObject().value(QStringLiteral("flares")).toObject();
    }
    bool flareRowShown() const
    {
        return timelineFlares().value(QStringLiteral("row")).toObject().value(QStringLiteral("visible")).toBool();
    }
    QJsonArray markers(const QString &channel) const
    {
        for (const QJsonValue &v : state().value(QStringLiteral("views")).toArray())
            if (v.toObject().value(QStringLiteral("channel")).toString() == channel)
                return v.toObject().value(QStringLiteral("markers")).toArray();
        return {};
    }
    MapView *viewOf(const char *channel) const { return m_window->grid()->viewForChannel(QLatin1String(channel)); }
    QAction *toggle() const { return m_window->actions()->action(QStringLiteral("view.overlay.flareEvents")); }
    bool showsTime(const QDateTime &t) const
    {
        MapView *v = viewOf("171");
        return m_window->isSettled() && v && v->map()
               && std::llabs(v->map()->meta.tObs.toMSecsSinceEpoch() - t.toMSecsSinceEpoch()) < 15 * 60 * 1000;
    }
    bool goTo(const QDateTime &t)
    {
        m_window->observation()->goToTime(t);
        return QTest::qWaitFor([&] { return showsTime(t); }, 60000);
    }
    // The truth's listed flares in progress at a step: class, peak and the 0-based pixel in `channel`.
    struct InProgress {
        QString cls;
        QDateTime peak;
        QPointF pixel;
    };
    QVector<InProgress> truthAt(const QDateTime &step, const char *channel) const
    {
        QVector<InProgress> out;
        QFile f(m_archive + step.toString(QStringLiteral("'/truth/'yyyy/MM/dd'/truth_'yyyyMMdd_HHmmss'.json'")));
        if (!f.open(QIODevice::ReadOnly))
            return out;
        for (const QJsonValue &v : test::parseJson(f.readAll()).object().value(QStringLiteral("flares_in_progress")).toArray()) {
            const QJsonObject o = v.toObject();
            const QJsonObject px = o.value(QStringLiteral("pixels")).toObject().value(QLatin1String(channel)).toObject();
            if (o.value(QStringLiteral("listed")).toBool())
                out.push_back({o.value(QStringLiteral("class")).toString(),
                               QDateTime::fromString(o.value(QStringLiteral("peak")).toString(), Qt::ISODateWithMs),
                               QPointF(px.value(QStringLiteral("x")).toDouble(), px.value(QStringLiteral("y")).toDouble())});
        }
        return out;
    }
    QImage around(MapView *view, const QPointF &pixel, int radius) const { return test::viewPixelsAround(view, pixel, radius); }
    static int differing(const QImage &a, const QImage &b) { return test::differingPixels(a, b); }

private Q_SLOTS:
    void initTestCase()
    {
        qputenv("SOLARCHIP_SAMPLE_DIR", m_dir.filePath(QStringLiteral("no-sample")).toUtf8());
        m_archive = m_dir.filePath(QStringLiteral("archive"));
        const auto made = test::run(test::binPath(QStringLiteral("solarchip")),
                                    {QStringLiteral("synth"), m_archive, QStringLiteral("--start"), QStringLiteral("2014-02-01T00:00"),
                                     QStringLiteral("--days"), QStringLiteral("2"), QStringLiteral("--cadence"), QStringLiteral("3"),
                                     QStringLiteral("--size"), QStringLiteral("128"), QStringLiteral("--channels"), QStringLiteral("hmi,171"),
                                     QStringLiteral("--seed"), QStringLiteral("23"), QStringLiteral("--quiet")});
        QVERIFY2(made.exitCode == 0, made.err.constData());
        m_settings = std::make_unique<StudioSettings>(m_dir.filePath(QStringLiteral("settings.ini")));
        m_window = std::make_unique<MainWindow>(m_settings.get());
        m_window->setInteractive(false);
        m_window->resize(1200, 800);
        m_window->show();
        QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
        m_window->openArchive(m_archive);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && viewOf("171") && viewOf("hmi"), 60000);
        QVERIFY(goTo(at("2014-02-01T15:00")));
    }

    void cleanupTestCase() { m_window.reset(); }

    void offByDefault()
    {
        QVERIFY(!toggle()->isChecked());
        QCOMPARE(state().value(QStringLiteral("enabled")).toBool(), false);
        QCOMPARE(markers(QStringLiteral("171")).size(), 0);
    }

    void inProgressFlaresOnTheTruthsPixels()
    {
        toggle()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("enabled")).toBool(), 30000);
        const QJsonObject s = state();
        QVERIFY2(s.value(QStringLiteral("list")).toString().endsWith(QStringLiteral("/flarelist_sites_20140201-20140203.csv")),
                 qPrintable(s.value(QStringLiteral("list")).toString()));
        QCOMPARE(s.value(QStringLiteral("chosen")).toBool(), false);
        QVERIFY(s.value(QStringLiteral("flares")).toInt() > 10);
        QCOMPARE(s.value(QStringLiteral("with_site")).toInt(), s.value(QStringLiteral("flares")).toInt());
        QCOMPARE(s.value(QStringLiteral("window_hours")).toDouble(), 6.0);
        int checked = 0;
        for (const char *iso : {"2014-02-01T15:00", "2014-02-01T18:00", "2014-02-01T21:00", "2014-02-02T12:00"}) {
            QVERIFY(goTo(at(iso)));
            const QVector<InProgress> truth = truthAt(at(iso), "171");
            QVERIFY2(!truth.isEmpty(), iso);
            for (const InProgress &t : truth) {
                bool found = false;
                for (const char *channel : {"171", "hmi"})
                    for (const QJsonValue &v : markers(QString::fromLatin1(channel))) {
                        const QJsonObject m = v.toObject();
                        if (m.value(QStringLiteral("class")).toString() != t.cls
                            || std::llabs(SdoTime::parseUserTime(m.value(QStringLiteral("peak")).toString())->secsTo(t.peak)) >= 60)
                            continue;
                        QVERIFY(m.value(QStringLiteral("in_progress")).toBool());
                        const double off = std::hypot(m.value(QStringLiteral("x")).toDouble() - t.pixel.x(),
                                                      m.value(QStringLiteral("y")).toDouble() - t.pixel.y());
                        // The truth's pixel is the site at the frame's time; the list's, carried from the start.
                        QVERIFY2(off < 0.05, qPrintable(QStringLiteral("%1 %2 %3: %4 px from the truth").arg(QLatin1String(iso), QLatin1String(channel), t.cls).arg(off)));
                        found = true;
                        ++checked;
                    }
                QVERIFY2(found, qPrintable(QStringLiteral("%1: %2 not marked").arg(QLatin1String(iso), t.cls)));
            }
        }
        QVERIFY(checked >= 8);  // four flares on two views
    }

    void theMarkersAreTheWindowsFlares()
    {
        // The archive's SWPC list (the same flares, another file) peaking within 6 h of the map's time.
        const QStringList lists = QDir(m_archive).entryList({QStringLiteral("swpc_flarelist_*.csv")});
        QCOMPARE(lists.size(), 1);
        auto list = FlareList::load(QDir(m_archive).filePath(lists.front()));
        QVERIFY2(list, qPrintable(list.errorString()));
        for (const char *iso : {"2014-02-01T15:00", "2014-02-02T12:00"}) {
            QVERIFY(goTo(at(iso)));
            const QDateTime t = viewOf("171")->map()->meta.tObs;
            QStringList expected, drawn;
            for (const FlareEvent &e : list->events())
                if (std::llabs(e.labelTime().secsTo(t)) <= 6 * 3600)
                    expected << e.goesClass + QLatin1Char('@') + SdoTime::toIso(e.labelTime());
            for (const QJsonValue &v : markers(QStringLiteral("171"))) {
                drawn << v.toObject().value(QStringLiteral("class")).toString() + QLatin1Char('@') + v.toObject().value(QStringLiteral("peak")).toString();
                QVERIFY(std::abs(v.toObject().value(QStringLiteral("hours_from_peak")).toDouble()) <= 6);
            }
            expected.sort();
            drawn.sort();
            QVERIFY(expected.size() >= 3);
            QCOMPARE(drawn, expected);
        }
    }

    void theyAreDrawn()
    {
        QVERIFY(goTo(at("2014-02-01T15:00")));
        const QVector<InProgress> truth = truthAt(at("2014-02-01T15:00"), "171");
        QVERIFY(!truth.isEmpty());
        MapView *view = viewOf("171");
        const QImage on = around(view, truth.front().pixel, 8);
        toggle()->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && markers(QStringLiteral("171")).isEmpty(), 30000);
        const QImage off = around(view, truth.front().pixel, 8);
        QVERIFY2(differing(on, off) > 20, qPrintable(QString::number(differing(on, off))));
        toggle()->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !markers(QStringLiteral("171")).isEmpty(), 30000);
        QCOMPARE(differing(on, around(view, truth.front().pixel, 8)), 0);
        QCOMPARE(QSettings(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat)
                     .value(QStringLiteral("overlays/flareEvents")).toBool(), true);
    }

    void theTooltipNamesTheFlare()
    {
        const QVector<InProgress> truth = truthAt(at("2014-02-01T15:00"), "171");
        QVERIFY(!truth.isEmpty());
        MapView *view = viewOf("171");
        const QString tip = view->toolTipAt(view->mapToWidget(truth.front().pixel));
        QVERIFY2(tip.startsWith(truth.front().cls) && tip.contains(QStringLiteral("in progress at this map"))
                     && tip.contains(QStringLiteral("peak ") + truth.front().peak.toString(QStringLiteral("HH:mm"))),
                 qPrintable(tip));
        // Far from every burst (a corner of the map): nothing.
        QVERIFY2(view->toolTipAt(view->mapToWidget(QPointF(2, 2))).isEmpty(), qPrintable(view->toolTipAt(view->mapToWidget(QPointF(2, 2)))));
    }

    void theWindowIsHonouredAndRemembered()
    {
        const int six = markers(QStringLiteral("171")).size();
        m_window->setFlareEventWindow(1);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("window_hours")).toDouble() == 1.0, 30000);
        const QJsonArray one = markers(QStringLiteral("171"));
        QVERIFY(one.size() < six);
        for (const QJsonValue &v : one)
            QVERIFY(std::abs(v.toObject().value(QStringLiteral("hours_from_peak")).toDouble()) <= 1);
        QCOMPARE(QSettings(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat)
                     .value(QStringLiteral("flareEvents/windowHours")).toDouble(), 1.0);
        m_window->setFlareEventWindow(6);
        QTRY_COMPARE_WITH_TIMEOUT(markers(QStringLiteral("171")).size(), six, 30000);
    }

    void theTableListsThemAndARowGoesToThePeak()
    {
        m_window->flareEvents()->dock()->show();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("table")).toObject()
                                                              .value(QStringLiteral("rows")).toArray().size() == markers(QStringLiteral("171")).size(),
                                 30000);
        auto *table = m_window->flareEvents()->dock()->findChild<QTableWidget *>(QStringLiteral("flareEventTable"));
        QVERIFY(table);
        QStringList peaks;
        for (int r = 0; r < table->rowCount(); ++r)
            peaks << table->item(r, 0)->text();
        QStringList sorted = peaks;
        sorted.sort();
        QCOMPARE(peaks, sorted);
        QVERIFY2(state().value(QStringLiteral("table")).toObject().value(QStringLiteral("caption")).toString().contains(QStringLiteral("flarelist_sites_")),
                 qPrintable(state().value(QStringLiteral("table")).toObject().value(QStringLiteral("caption")).toString()));
        // Exported as CSV (the context menu's Export): read back by Python's csv module cell for cell, and by astropy's
        // ascii reader with the caption as a comment; a row copied (Ctrl+C) as tab-separated text under the header.
        {
            const QString caption = state().value(QStringLiteral("table")).toObject().value(QStringLiteral("caption")).toString();
            const QString csvPath = m_dir.filePath(QStringLiteral("flare-table.csv"));
            QVERIFY(writeFileAtomically(csvPath, tableToCsv(table, caption)).ok());
            const auto ref = test::runPython(QStringLiteral("table_csv.py"), {csvPath});
            QVERIFY2(ref.exitCode == 0, ref.err.constData());
            const QJsonObject r = test::parseJson(ref.out).object();
            QCOMPARE(r.value(QStringLiteral("comments")).toArray().first().toString(), caption);
            QStringList headers;
            for (int c = 0; c < table->columnCount(); ++c)
                headers << table->horizontalHeaderItem(c)->text();
            QStringList astropyColumns, csvHeader;
            for (const QJsonValue &v : r.value(QStringLiteral("columns")).toArray())
                astropyColumns << v.toString();
            for (const QJsonValue &v : r.value(QStringLiteral("csv_header")).toArray())
                csvHeader << v.toString();
            QCOMPARE(astropyColumns, headers);  // "Tx, Ty now (″)" among them: quoted
            QCOMPARE(csvHeader, headers);
            QCOMPARE(r.value(QStringLiteral("rows")).toArray().size(), table->rowCount());
            const QJsonArray rows = r.value(QStringLiteral("csv_rows")).toArray();
            QCOMPARE(rows.size(), table->rowCount());
            for (int row = 0; row < table->rowCount(); ++row)
                for (int c = 0; c < table->columnCount(); ++c)
                    QCOMPARE(rows[row].toArray()[c].toString(), table->item(row, c)->text());
            table->selectRow(0);
            QAction *copy = table->actions().value(0);
            QVERIFY(copy && copy->shortcut() == QKeySequence(QKeySequence::Copy));
            copy->trigger();
            QStringList expected{headers.join(QLatin1Char('\t'))};
            QStringList first;
            for (int c = 0; c < table->columnCount(); ++c)
                first << table->item(0, c)->text();
            expected << first.join(QLatin1Char('\t'));
            QTRY_COMPARE(QApplication::clipboard()->text(), expected.join(QLatin1Char('\n')) + QLatin1Char('\n'));
        }
        // The last row: a flare peaking after 15:00; the observation nearest its peak (3 h cadence) follows.
        const int last = table->rowCount() - 1;
        const QDateTime peak = QDateTime::fromString(table->item(last, 0)->text(), QStringLiteral("yyyy-MM-dd HH:mm"));
        const QDateTime peakUtc(peak.date(), peak.time(), QTimeZone::utc());
        const qint64 step = 3 * 3600 * 1000;
        const QDateTime nearest = QDateTime::fromMSecsSinceEpoch((peakUtc.toMSecsSinceEpoch() + step / 2) / step * step, QTimeZone::utc());
        m_window->flareEvents()->activateRow(last);
        QTRY_VERIFY_WITH_TIMEOUT(showsTime(nearest), 60000);
        m_window->flareEvents()->dock()->hide();
        QVERIFY(goTo(at("2014-02-01T15:00")));
    }

    void theGlobeWearsThem()
    {
        const int onMap = markers(QStringLiteral("171")).size();
        QVERIFY(onMap > 0);
        m_window->setFocusChannel(QStringLiteral("171"));
        m_window->setViewMode(QStringLiteral("globe"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled()
                                     && windowState(m_window.get()).value(QStringLiteral("globe_flare_events")).toInt() == onMap,
                                 60000);
        m_window->setViewMode(QStringLiteral("map"));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
    }

    void withoutASitesListTheSwpcListIsPlacedByRegion()
    {
        QVERIFY(goTo(at("2014-02-01T15:00")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("enabled")).toBool()
                                     && !markers(QStringLiteral("171")).isEmpty(), 30000);
        const QJsonArray withSites = markers(QStringLiteral("171"));
        const double windowHours = state().value(QStringLiteral("window_hours")).toDouble();
        const QStringList sitesLists = QDir(m_archive).entryList({QStringLiteral("flarelist_sites_*.csv")}, QDir::Files);
        QCOMPARE(sitesLists.size(), 1);
        const QString sitesList = QDir(m_archive).filePath(sitesLists.front());
        QVERIFY(QFile::rename(sitesList, sitesList + QStringLiteral(".off")));
        m_window->archive()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("sites_from_regions")).toInt() > 0, 60000);
        QVERIFY(goTo(at("2014-02-01T15:00")));  // the rescan may have moved the current time
        const QJsonObject s = state();
        QVERIFY2(s.value(QStringLiteral("list")).toString().contains(QStringLiteral("swpc_flarelist_")), qPrintable(s.value(QStringLiteral("list")).toString()));
        QVERIFY(s.value(QStringLiteral("region_reports")).toInt() >= 2);
        QVERIFY2(m_window->flareEvents()->statusText().contains(QStringLiteral("NOAA regions' centres")), qPrintable(m_window->flareEvents()->statusText()));
        // The same flares, each within a region's size of where the list with sites put it (128 px: 5 deg is about 4 px
        // at disk centre).
        const QJsonArray byRegion = markers(QStringLiteral("171"));
        QCOMPARE(byRegion.size(), withSites.size());
        QCOMPARE(state().value(QStringLiteral("window_hours")).toDouble(), windowHours);
        for (const QJsonValue &v : byRegion) {
            const QJsonObject m = v.toObject();
            QVERIFY(m.value(QStringLiteral("site_from_region")).toBool());
            const auto same = std::find_if(withSites.begin(), withSites.end(), [&](const QJsonValue &w) {
                return w.toObject().value(QStringLiteral("peak")) == m.value(QStringLiteral("peak"))
                       && w.toObject().value(QStringLiteral("class")) == m.value(QStringLiteral("class"));
            });
            QVERIFY(same != withSites.end());
            const double d = std::hypot(m.value(QStringLiteral("x")).toDouble() - same->toObject().value(QStringLiteral("x")).toDouble(),
                                        m.value(QStringLiteral("y")).toDouble() - same->toObject().value(QStringLiteral("y")).toDouble());
            QVERIFY2(d < 8.0, qPrintable(QStringLiteral("%1 %2: %3 px").arg(m.value(QStringLiteral("class")).toString(),
                                                                            m.value(QStringLiteral("peak")).toString()).arg(d)));
        }
        // The table and the tooltip say where the site comes from.
        m_window->setFocusChannel(QStringLiteral("171"));
        m_window->flareEvents()->dock()->show();
        m_window->flareEvents()->dock()->raise();  // tabbed with the display dock: brought to the front, as the View menu does
        auto tableRows = [&] { return state().value(QStringLiteral("table")).toObject().value(QStringLiteral("rows")).toArray().size(); };
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && tableRows() == byRegion.size(), 30000);
        const auto *table = m_window->flareEvents()->dock()->findChild<QTableWidget *>(QStringLiteral("flareEventTable"));
        QVERIFY(table && table->rowCount() > 0);
        QVERIFY2(table->item(0, 3)->text().endsWith(QStringLiteral("(region centre)")), qPrintable(table->item(0, 3)->text()));
        m_window->flareEvents()->dock()->hide();
        const QJsonObject first = byRegion.first().toObject();
        MapView *view = viewOf("171");
        const QString tip = view->toolTipAt(view->mapToWidget(QPointF(first.value(QStringLiteral("x")).toDouble(),
                                                                      first.value(QStringLiteral("y")).toDouble())));
        QVERIFY2(tip.contains(QStringLiteral("region's centre")), qPrintable(tip));
        // The list with sites back: used again.
        QVERIFY(QFile::rename(sitesList + QStringLiteral(".off"), sitesList));
        m_window->archive()->refresh();
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("list")).toString() == sitesList
                                     && state().value(QStringLiteral("sites_from_regions")).toInt() == 0, 60000);
    }

    void theTimelineMarksTheArchiveListsFlares()
    {
        // The archive's SWPC list read with a plain split (not FlareList): its C, M and X rows and the strongest's peak.
        const QStringList lists = QDir(m_archive).entryList({QStringLiteral("swpc_flarelist_*.csv")}, QDir::Files);
        QCOMPARE(lists.size(), 1);
        const QVector<SwpcRow> rows = swpcRows(QDir(m_archive).filePath(lists.front()));
        int counts[3] = {0, 0, 0};
        int bFlares = 0;
        double best = 0;
        QString bestClass;
        QDateTime bestPeak;
        for (const SwpcRow &r : rows) {
            bFlares += r.cls.startsWith(QLatin1Char('B'));
            if (r.k < 0)
                continue;
            ++counts[r.k];
            if (r.flux > best) {
                best = r.flux;
                bestClass = r.cls;
                bestPeak = QDateTime::fromMSecsSinceEpoch(r.peak, QTimeZone::utc());
            }
        }
        QVERIFY(counts[0] + counts[1] + counts[2] > 0);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && flareRowShown(), 30000);
        QJsonObject t = timelineFlares();
        QVERIFY2(t.value(QStringLiteral("list")).toString().endsWith(lists.front()), qPrintable(t.value(QStringLiteral("list")).toString()));
        QCOMPARE(t.value(QStringLiteral("c")).toInt(), counts[0]);
        QCOMPARE(t.value(QStringLiteral("m")).toInt(), counts[1]);
        QCOMPARE(t.value(QStringLiteral("x")).toInt(), counts[2]);
        QCOMPARE(t.value(QStringLiteral("flares")).toInt(), counts[0] + counts[1] + counts[2]);
        // The strip grew to show the row under its channel rows.
        QVERIFY2(test::timelineRowsProblem(windowState(m_window.get())).isEmpty(),
                 qPrintable(test::timelineRowsProblem(windowState(m_window.get()))));
        // The strongest flare at its peak; a click on its bar goes to the observation nearest the peak (3 h cadence).
        double x = -1;
        for (const QJsonValue &v : t.value(QStringLiteral("listed")).toArray())
            if (v.toObject().value(QStringLiteral("class")).toString() == bestClass
                && v.toObject().value(QStringLiteral("peak")).toString() == bestPeak.toString(Qt::ISODate))
                x = v.toObject().value(QStringLiteral("x")).toDouble();
        QVERIFY2(x >= 0, qPrintable(bestClass + QLatin1Char(' ') + bestPeak.toString(Qt::ISODate)));
        TimelineView *view = m_window->timelineView();
        const QRect row = view->flareRowRect();
        QVERIFY(row.left() <= x && x <= row.right());
        const qint64 step = 3 * 3600 * 1000;
        const QDateTime nearest = QDateTime::fromMSecsSinceEpoch((bestPeak.toMSecsSinceEpoch() + step / 2) / step * step, QTimeZone::utc());
        QVERIFY(goTo(nearest.addSecs(nearest.time().hour() >= 12 ? -12 * 3600 : 12 * 3600)));  // elsewhere first
        QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(int(std::lround(x)) + 1, row.center().y()));
        QTRY_VERIFY_WITH_TIMEOUT(showsTime(nearest), 60000);
        // View > GOES flares in the timeline: off hides the row and the strip shrinks to its channel rows; on again.
        QAction *toggle = m_window->actions()->action(QStringLiteral("view.timelineFlares"));
        QVERIFY(toggle && toggle->isCheckable() && toggle->isChecked());
        const int withRow = windowState(m_window.get()).value(QStringLiteral("timeline")).toObject().value(QStringLiteral("rows_height")).toInt();
        toggle->setChecked(false);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !flareRowShown(), 30000);
        QVERIFY(windowState(m_window.get()).value(QStringLiteral("timeline")).toObject().value(QStringLiteral("rows_height")).toInt() < withRow);
        QTRY_VERIFY_WITH_TIMEOUT(test::timelineRowsProblem(windowState(m_window.get())).isEmpty(), 10000);
        QCOMPARE(m_settings->raw().value(QStringLiteral("timeline/flares")).toBool(), false);
        toggle->setChecked(true);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && flareRowShown()
                                     && timelineFlares().value(QStringLiteral("flares")).toInt() == counts[0] + counts[1] + counts[2],
                                 30000);
        // The row's context menu "GOES flares from class": B adds the list's B flares, M keeps M and X; remembered.
        Q_EMIT view->flareMinFluxRequested(1e-7);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && timelineFlares().value(QStringLiteral("flares")).toInt()
                                                              == bFlares + counts[0] + counts[1] + counts[2], 30000);
        QVERIFY(bFlares > 0);
        Q_EMIT view->flareMinFluxRequested(1e-5);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && timelineFlares().value(QStringLiteral("flares")).toInt() == counts[1] + counts[2]
                                     && timelineFlares().value(QStringLiteral("c")).toInt() == 0, 30000);
        QCOMPARE(m_settings->raw().value(QStringLiteral("timeline/flareMinFlux")).toDouble(), 1e-5);
        Q_EMIT view->flareMinFluxRequested(1e-6);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && timelineFlares().value(QStringLiteral("flares")).toInt()
                                                              == counts[0] + counts[1] + counts[2], 30000);
        // Time > Next / Previous flare walk the list: each goes to the observation nearest the next (previous) flare's
        // peak that is not the one shown. Expected by brute force over the anchor channel's observation times and the
        // list's peaks read above.
        QVector<qint64> peaks, majorPeaks;
        for (const SwpcRow &r : rows) {
            if (r.k < 0)
                continue;
            peaks << r.peak;
            if (r.k > 0)
                majorPeaks << r.peak;
        }
        std::sort(peaks.begin(), peaks.end());
        const QVector<qint64> obs = m_window->archive()->timeline()->times(m_window->observation()->anchorChannel());
        QVERIFY(!obs.isEmpty());
        auto nearestObs = [&](qint64 t) {
            qint64 best = obs.front();
            for (qint64 o : obs)
                if (std::llabs(o - t) < std::llabs(best - t))
                    best = o;
            return best;
        };
        auto expectedJump = [&](qint64 now, bool forward) -> std::optional<qint64> {
            if (forward) {
                for (qint64 p : peaks)
                    if (p > now && nearestObs(p) != now)
                        return nearestObs(p);
            } else {
                for (auto it = peaks.rbegin(); it != peaks.rend(); ++it)
                    if (*it < now && nearestObs(*it) != now)
                        return nearestObs(*it);
            }
            return std::nullopt;
        };
        QVERIFY(goTo(QDateTime::fromMSecsSinceEpoch(obs.front(), QTimeZone::utc())));
        QAction *next = m_window->actions()->action(QStringLiteral("time.nextFlare"));
        QAction *previous = m_window->actions()->action(QStringLiteral("time.previousFlare"));
        QVERIFY(next && previous && next->isEnabled());
        int jumps = 0;
        for (bool forward : {true, true, true, false}) {
            const qint64 now = m_window->observation()->timeMs();
            const auto expected = expectedJump(now, forward);
            if (!expected)
                break;
            (forward ? next : previous)->trigger();
            QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && m_window->observation()->timeMs() == *expected, 30000);
            ++jumps;
        }
        QVERIFY(jumps >= 2);
        // The status bar says which flare of the list is in progress at the time shown: at each observation, the
        // flares whose start <= t < end + 1 min (brute force over the file's rows), the strongest named, or nothing.
        const auto *flareNow = m_window->findChild<QLabel *>(QStringLiteral("flareNowLabel"));
        QVERIFY(flareNow);
        int withFlare = 0, without = 0;
        for (qint64 t : obs) {
            if (withFlare >= 2 && without >= 1)
                break;
            const SwpcRow *strongest = nullptr;
            for (const SwpcRow &r : rows)
                if (r.k >= 0 && r.start <= t && t < r.end + 60000 && (!strongest || r.flux > strongest->flux))
                    strongest = &r;
            if (strongest ? withFlare >= 2 : without >= 1)
                continue;
            QVERIFY(goTo(QDateTime::fromMSecsSinceEpoch(t, QTimeZone::utc())));
            QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled(), 30000);
            if (strongest) {
                ++withFlare;
                QVERIFY2(flareNow->isVisible() && flareNow->text().startsWith(QStringLiteral("GOES %1 in progress").arg(strongest->cls)),
                         qPrintable(flareNow->text()));
                QCOMPARE(timelineFlares().value(QStringLiteral("in_progress")).toArray().first().toString(), strongest->cls);
            } else {
                ++without;
                QVERIFY2(flareNow->text().isEmpty() && !flareNow->isVisible(), qPrintable(flareNow->text()));
                QVERIFY(timelineFlares().value(QStringLiteral("in_progress")).toArray().isEmpty());
            }
        }
        QVERIFY2(withFlare >= 1 && without >= 1, qPrintable(QStringLiteral("%1 with, %2 without").arg(withFlare).arg(without)));
        // M and X only: the list's first one, or, with none, a message and no move.
        QVERIFY(goTo(QDateTime::fromMSecsSinceEpoch(obs.front(), QTimeZone::utc())));
        m_window->actions()->action(QStringLiteral("time.nextMajorFlare"))->trigger();
        if (majorPeaks.isEmpty()) {
            QTest::qWait(200);
            QCOMPARE(m_window->observation()->timeMs(), obs.front());
            QVERIFY2(m_window->statusBar()->currentMessage().contains(QStringLiteral("No later M or X flare")),
                     qPrintable(m_window->statusBar()->currentMessage()));
        } else {
            std::sort(majorPeaks.begin(), majorPeaks.end());
            QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && m_window->observation()->timeMs() == nearestObs(majorPeaks.front()), 30000);
        }
        QVERIFY(goTo(at("2014-02-01T15:00")));
    }

    void theRealMapWithTheCycle24List()
    {
        SOLARCHIP_REQUIRE_SDO();
        const QString fits = test::sdoFile(QStringLiteral("fits/aia_171_level1.fits"));
        // SWPC's real list: its folder holds one Solar Region Summary (2011-06-07), which places the flares of its
        // regions within 36 h of it, none near the map's 2011-02-15: nothing is marked.
        const QString swpc = test::sdoFile(QStringLiteral("labels/swpc_flarelist_20100101-20210810.csv"));
        m_window->openFiles({fits});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !flareRowShown(), 60000);  // loose files: no archive list
        m_window->flareEvents()->setListPath(swpc);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && viewOf("171") && viewOf("171")->map()
                                     && state().value(QStringLiteral("list")).toString() == swpc,
                                 60000);
        QCOMPARE(state().value(QStringLiteral("region_reports")).toInt(), 1);
        QVERIFY(state().value(QStringLiteral("sites_from_regions")).toInt() >= 2);
        QVERIFY(markers(QStringLiteral("171")).isEmpty());
        // A list without sites and no report beside it is refused, naming it and why.
        const QString bare = m_dir.filePath(QStringLiteral("bare/swpc_flarelist_2011.csv"));
        QVERIFY(QDir().mkpath(QFileInfo(bare).absolutePath()));
        QVERIFY(QFile::copy(swpc, bare));
        m_window->flareEvents()->setListPath(bare);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && !state().value(QStringLiteral("list_error")).toString().isEmpty(), 60000);
        QVERIFY2(state().value(QStringLiteral("list_error")).toString().contains(QStringLiteral("swpc_flarelist_2011.csv"))
                     && state().value(QStringLiteral("list_error")).toString().contains(QStringLiteral("no flare of this list has a site"))
                     && state().value(QStringLiteral("list_error")).toString().contains(QStringLiteral("SRS")),
                 qPrintable(state().value(QStringLiteral("list_error")).toString()));
        QVERIFY(markers(QStringLiteral("171")).isEmpty());

        // A file that is no flare list: named, with what was found on its first line.
        const QString junk = m_dir.filePath(QStringLiteral("notes.csv"));
        {
            QFile f(junk);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("observer,seeing\nme,good\n");
        }
        m_window->flareEvents()->setListPath(junk);
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("list_error")).toString().contains(QStringLiteral("notes.csv")),
                                 30000);
        QVERIFY2(state().value(QStringLiteral("list_error")).toString().contains(QStringLiteral("not a known flare list layout")),
                 qPrintable(state().value(QStringLiteral("list_error")).toString()));
        QVERIFY(markers(QStringLiteral("171")).isEmpty());

        m_window->flareEvents()->setListPath(test::sdoFile(QStringLiteral("labels/final_flare_list_sc24.csv")));
        QTRY_VERIFY_WITH_TIMEOUT(m_window->isSettled() && state().value(QStringLiteral("with_site")).toInt() == 8302, 60000);
        QCOMPARE(state().value(QStringLiteral("chosen")).toBool(), true);
        QJsonObject x22;
        for (const QJsonValue &v : markers(QStringLiteral("171")))
            if (v.toObject().value(QStringLiteral("class")).toString() == QLatin1String("X2.2"))
                x22 = v.toObject();
        QVERIFY(!x22.isEmpty());
        QCOMPARE(x22.value(QStringLiteral("noaa")).toInt(), 11158);
        QCOMPARE(x22.value(QStringLiteral("location")).toString(), QStringLiteral("S20W12"));
        // Its listed site (S20W12 at the 01:44 start) carried by sunpy to the map's time and placed on its pixels.
        const auto ref = test::runPython(QStringLiteral("srs_reference.py"),
                                         {QStringLiteral("seen"), QStringLiteral("12"), QStringLiteral("-20"),
                                          QStringLiteral("2011-02-15T01:44:00"),
                                          viewOf("171")->map()->meta.tObs.toUTC().toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss.zzz")), fits});
        QVERIFY2(ref.exitCode == 0, ref.err.constData());
        const QJsonObject r = test::parseJson(ref.out).object();
        const double off = std::hypot(x22.value(QStringLiteral("x")).toDouble() - r.value(QStringLiteral("x")).toDouble(),
                                      x22.value(QStringLiteral("y")).toDouble() - r.value(QStringLiteral("y")).toDouble());
        QVERIFY2(off < 0.05, qPrintable(QString::number(off)));
        QVERIFY(!x22.value(QStringLiteral("in_progress")).toBool());
    }
};

QTEST_MAIN(TestFlareEvents)
#include "tst_flareevents.moc"
