// widgets/TimelineModel + TimelineView: availability bins against a brute-force count (each time put in bin
// floor((t - from) * n / (to - from)) directly), and the strip's interaction: a click asks for the time under
// the cursor, the wheel zooms about the cursor, a drag pans, the marker follows the current time, and the
// rows are painted in the channel's colour exactly where the data are. The GOES flares row: pinned between the rows
// and the axis, a bar per flare at its peak as high as its class on the log scale (closed form below), the strongest
// under the cursor clicked goes to its peak, the tooltip names the flares.
#include "widgets/FlareClassColours.h"
#include "widgets/TimelineModel.h"
#include "widgets/TimelineView.h"

#include <QApplication>
#include <QHelpEvent>
#include <QRandomGenerator>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTest>
#include <QTimeZone>
#include <QToolTip>
#include <QWheelEvent>

using namespace solarchip;

namespace {

constexpr qint64 kHour = 3600 * 1000LL;
constexpr qint64 kDay = 24 * kHour;
const qint64 kT0 = QDateTime(QDate(2011, 6, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();

QVector<int> bruteForceBins(const QVector<qint64> &times, qint64 from, qint64 to, int n)
{
    QVector<int> out(n, 0);
    for (qint64 t : times) {
        if (t < from || t >= to)
            continue;
        const long double bin = (long double)(t - from) * n / (long double)(to - from);
        out[int(bin)]++;
    }
    return out;
}

// The view 800 px wide over the ten days from kT0, on screen.
bool showTenDays(TimelineView &view, TimelineModel &model)
{
    view.resize(800, 120);
    view.setModel(&model);
    view.setViewRange(kT0, kT0 + 10 * kDay);
    view.show();
    return QTest::qWaitForWindowExposed(&view);
}

QDateTime utc(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc());
}

TimelineFlare goesFlare(qint64 peak, const char *cls, double flux, int noaa = 0)
{
    TimelineFlare f;
    f.startMs = peak - 20 * 60 * 1000;
    f.peakMs = peak;
    f.endMs = peak + 40 * 60 * 1000;
    f.goesClass = QString::fromLatin1(cls);
    f.peakFlux = flux;
    f.noaa = noaa;
    return f;
}

// Pixels of the column at x inside `row` painted exactly `colour`.
int paintedInColumn(const QImage &img, int x, const QRect &row, const QColor &colour)
{
    int n = 0;
    for (int y = row.top(); y <= row.bottom(); ++y)
        n += img.pixelColor(x, y).rgb() == colour.rgb();
    return n;
}

}  // namespace

class TestTimelineView : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void binsMatchBruteForce_data()
    {
        QTest::addColumn<qint64>("from");
        QTest::addColumn<qint64>("to");
        QTest::addColumn<int>("n");
        QTest::newRow("whole span, 100 bins") << kT0 - kDay << kT0 + 31 * kDay << 100;
        QTest::newRow("one day, 7 bins (uneven)") << kT0 + 3 * kDay << kT0 + 4 * kDay << 7;
        QTest::newRow("one hour, 333 bins") << kT0 + 5 * kDay + 11 * kHour << kT0 + 5 * kDay + 12 * kHour << 333;
        QTest::newRow("decades, 500 bins") << kT0 - 3650 * kDay << kT0 + 3650 * kDay << 500;
        QTest::newRow("before the data") << kT0 - 10 * kDay << kT0 - 9 * kDay << 10;
    }
    void binsMatchBruteForce()
    {
        QFETCH(qint64, from);
        QFETCH(qint64, to);
        QFETCH(int, n);
        // Random times over 30 days, plus times exactly on bin edges (the ambiguous case).
        QRandomGenerator rng(42);
        QVector<qint64> times;
        for (int i = 0; i < 5000; ++i)
            times << kT0 + qint64(rng.bounded(30 * 24 * 3600)) * 1000;
        for (int i = 0; i <= n; ++i)
            times << TimelineModel::binEdge(from, to, n, i);
        TimelineModel model;
        model.setObservations({{QStringLiteral("171"), times}});
        QCOMPARE(model.bins(QStringLiteral("171"), from, to, n), bruteForceBins(times, from, to, n));
        int inRange = 0;
        for (qint64 t : times)
            inRange += t >= from && t < to;
        QCOMPARE(model.count(QStringLiteral("171"), from, to), inRange);
    }

    void channelsInKnownOrderAndSpan()
    {
        TimelineModel model;
        model.setObservations({{QStringLiteral("hmi"), {kT0 + 5}},
                               {QStringLiteral("304"), {kT0 + 9, kT0 + 1}},
                               {QStringLiteral("94"), {kT0 + 3}},
                               {QStringLiteral("empty"), {}}});
        QCOMPARE(model.channels(), (QStringList{QStringLiteral("94"), QStringLiteral("304"), QStringLiteral("hmi")}));
        QCOMPARE(model.first(), kT0 + 1);
        QCOMPARE(model.last(), kT0 + 9);
        QCOMPARE(model.times(QStringLiteral("304")), (QVector<qint64>{kT0 + 1, kT0 + 9}));
    }

    void clickAsksForTimeUnderCursor()
    {
        TimelineModel model;
        model.setObservations({{QStringLiteral("171"), {kT0, kT0 + 10 * kDay}}});
        TimelineView view;
        QVERIFY(showTenDays(view, model));
        QSignalSpy spy(&view, &TimelineView::timeRequested);
        const QRect plot = view.plotRect();
        // A quarter of the way across the plot is a quarter of the range (closed form, no view code).
        const int x = plot.left() + plot.width() / 4;
        const qint64 expected = kT0 + qint64((x - plot.left()) / double(plot.width()) * 10 * kDay);
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(x, plot.center().y()));
        QCOMPARE(spy.count(), 1);
        const qint64 got = spy.at(0).at(0).toDateTime().toMSecsSinceEpoch();
        QVERIFY2(std::llabs(got - expected) <= 1000, qPrintable(QString::number(got - expected)));
    }

    void wheelZoomsAboutCursorAndDragPans()
    {
        TimelineModel model;
        model.setObservations({{QStringLiteral("171"), {kT0, kT0 + 10 * kDay}}});
        TimelineView view;
        QVERIFY(showTenDays(view, model));
        const QRect plot = view.plotRect();
        const QPointF pos(plot.left() + plot.width() * 0.3, plot.center().y());
        const qint64 under = view.timeAtX(pos.x());
        QWheelEvent wheel(pos, view.mapToGlobal(pos), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&view, &wheel);
        // One notch in: the span shrinks by 1.25 and the time under the cursor stays put.
        QVERIFY(std::llabs((view.viewTo() - view.viewFrom()) - qint64(10 * kDay / 1.25)) < 1000);
        QVERIFY(std::llabs(view.timeAtX(pos.x()) - under) < 60 * 1000);

        const qint64 spanBefore = view.viewTo() - view.viewFrom();
        const qint64 fromBefore = view.viewFrom();
        QSignalSpy clicks(&view, &TimelineView::timeRequested);
        QTest::mousePress(&view, Qt::LeftButton, {}, pos.toPoint());
        QTest::mouseMove(&view, pos.toPoint() + QPoint(200, 0));
        QTest::mouseRelease(&view, Qt::LeftButton, {}, pos.toPoint() + QPoint(200, 0));
        QCOMPARE(clicks.count(), 0);  // a drag is not a click
        QCOMPARE(view.viewTo() - view.viewFrom(), spanBefore);
        const qint64 expectedShift = qint64(200.0 / plot.width() * spanBefore);
        QVERIFY(std::llabs((fromBefore - view.viewFrom()) - expectedShift) < 1000);
    }

    void zoomLimits()
    {
        TimelineView view;
        view.setViewRange(kT0, kT0 + 1000);  // below the minimum span
        QCOMPARE(view.viewTo() - view.viewFrom(), TimelineView::kMinSpanMs);
        view.setViewRange(kT0 - 100 * 365 * kDay, kT0);
        QCOMPARE(view.viewTo() - view.viewFrom(), TimelineView::kMaxSpanMs);
    }

    void markerFollowsCurrentTime()
    {
        TimelineModel model;
        model.setObservations({{QStringLiteral("171"), {kT0, kT0 + 30 * kDay}}});
        TimelineView view;
        view.resize(800, 120);
        view.setModel(&model);
        view.setViewRange(kT0, kT0 + 2 * kDay);
        view.setCurrentTime(utc(kT0 + 20 * kDay));
        QVERIFY(view.viewFrom() <= kT0 + 20 * kDay && kT0 + 20 * kDay < view.viewTo());
        QCOMPARE(view.viewTo() - view.viewFrom(), 2 * kDay);  // zoom kept
    }

    void rowsPaintedInChannelColourWhereDataAre()
    {
        // Data only in the first half of the view: the 171 row is coloured there and plain base on the right.
        TimelineModel model;
        QVector<qint64> times;
        for (int m = 0; m < 5 * 24 * 6; ++m)  // every 10 min: every 2-pixel bin (36 min) holds some
            times << kT0 + m * kHour / 6;
        model.setObservations({{QStringLiteral("171"), times}});
        TimelineView view;
        view.resize(800, 100);
        view.setModel(&model);
        view.setViewRange(kT0, kT0 + 10 * kDay);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QImage img = view.grab().toImage();
        const QRect row = view.rowRect(QStringLiteral("171"));
        const QColor left = img.pixelColor(int(view.xAtTime(kT0 + 2 * kDay)), row.center().y());
        const QColor right = img.pixelColor(int(view.xAtTime(kT0 + 8 * kDay)), row.center().y());
        const QColor base = view.palette().color(QPalette::Base);
        // sdoaia171's mid-tone is orange-gold: red > green > blue, far from the base colour.
        QVERIFY2(left.red() > left.green() && left.green() > left.blue(), qPrintable(left.name()));
        QVERIFY2(std::abs(left.red() - base.red()) + std::abs(left.blue() - base.blue()) > 100, qPrintable(left.name()));
        QCOMPARE(right.rgb(), base.rgb());
    }

    // Ten channels (the 1024² synthetic archive's nine AIA passbands and HMI) in strips of several heights:
    // the date axis is always inside the widget under the rows; the rows shrink to fit, and where even the
    // smallest rows do not fit they scroll, and every row can be brought into view (scrollbar range, row
    // heights, and the row's colour painted there).
    void channelNamesNeverOutgrowTheirColumn()
    {
        // Rows a pixel or two lower than a line of text once made the names' font a few per cent larger than the
        // one their column is measured in: "HMI magnetogram" was cut at the window's left edge.
        TimelineView probe;
        const QFont base = probe.font();
        const int line = QFontMetrics(base).height();
        for (int h = 1; h <= line + 5; ++h)
            QVERIFY2(QFontMetrics(TimelineView::labelFont(base, h)).horizontalAdvance(QStringLiteral("HMI magnetogram"))
                         <= QFontMetrics(base).horizontalAdvance(QStringLiteral("HMI magnetogram")),
                     qPrintable(QString::number(h)));
        // On screen, at every widget height from roomy to scrolling: the names' column is clear at its left edge.
        const QStringList channels{QStringLiteral("94"), QStringLiteral("171"), QStringLiteral("304"), QStringLiteral("hmi")};
        QHash<QString, QVector<qint64>> observations;
        for (const QString &c : channels)
            observations[c] << kT0 + kHour;
        TimelineModel model;
        model.setObservations(observations);
        TimelineView view;
        view.setModel(&model);
        view.setViewRange(kT0, kT0 + kDay);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        for (int height = view.sizeHint().height(); height >= view.minimumSizeHint().height(); height -= 3) {
            view.resize(600, height);
            QCoreApplication::processEvents();
            const QImage img = view.grab().toImage();
            const QColor window = view.palette().color(QPalette::Window);
            for (int y = 0; y < img.height(); ++y)
                for (int x = 0; x < 2; ++x)
                    QVERIFY2(img.pixelColor(x, y).rgb() == window.rgb(),
                             qPrintable(QStringLiteral("text at (%1, %2) of a %3 px timeline").arg(x).arg(y).arg(height)));
        }
    }

    void flareRowPinnedAboveTheAxis()
    {
        TimelineModel model;
        model.setObservations({{QStringLiteral("171"), {kT0, kT0 + 10 * kDay}}, {QStringLiteral("hmi"), {kT0}}});
        TimelineView view;
        QVERIFY(showTenDays(view, model));
        const int hintWithout = view.sizeHint().height();
        QVERIFY(!view.hasFlareRow());
        QVERIFY(view.flareRowRect().isEmpty());
        view.setFlares({goesFlare(kT0 + 5 * kDay, "M5.0", 5e-5)}, QStringLiteral("list.csv"));
        QVERIFY(view.hasFlareRow());
        const QRect row = view.flareRowRect(), plot = view.plotRect(), axis = view.axisRect();
        // Under the channel rows, over the axis, as wide as the rows, and the strip asks for its height more.
        QVERIFY2(row.top() > plot.bottom() && row.bottom() < axis.top(), qPrintable(QStringLiteral("%1..%2 between %3 and %4")
                     .arg(row.top()).arg(row.bottom()).arg(plot.bottom()).arg(axis.top())));
        QCOMPARE(row.left(), plot.left());
        QCOMPARE(row.width(), plot.width());
        QVERIFY(row.height() >= 12);
        QVERIFY(view.sizeHint().height() >= hintWithout + row.height());
        QVERIFY(view.rect().contains(axis));
        view.clearFlares();
        QVERIFY(!view.hasFlareRow());
        QCOMPARE(view.sizeHint().height(), hintWithout);
        // With the rows scrolled (ten channels in the smallest strip) the flares row stays in the widget.
        QHash<QString, QVector<qint64>> ten;
        for (const char *c : {"94", "131", "171", "193", "211", "304", "335", "1600", "1700", "hmi"})
            ten[QString::fromLatin1(c)] << kT0;
        TimelineModel tenModel;
        tenModel.setObservations(ten);
        TimelineView small;
        small.setModel(&tenModel);
        small.setFlares({goesFlare(kT0 + 5 * kDay, "M5.0", 5e-5)});
        small.resize(800, small.minimumSizeHint().height());
        small.show();
        QVERIFY(QTest::qWaitForWindowExposed(&small));
        QVERIFY(small.rowScrollBar()->isVisible());
        small.rowScrollBar()->setValue(small.rowScrollBar()->maximum());
        QVERIFY(small.rect().contains(small.flareRowRect()));
        QVERIFY(small.rect().contains(small.axisRect()));
        QVERIFY(small.flareRowRect().top() > small.plotRect().bottom());
    }

    void flareBarsByClassAtTheirPeaks()
    {
        TimelineModel model;
        model.setObservations({{QStringLiteral("171"), {kT0, kT0 + 10 * kDay}}});
        TimelineView view;
        QVERIFY(showTenDays(view, model));
        const qint64 tc = kT0 + 2 * kDay, tm = kT0 + 5 * kDay, tx = kT0 + 7 * kDay;
        view.setFlares({goesFlare(tx, "X2.2", 2.2e-4, 11158), goesFlare(tc, "C1.0", 1e-6), goesFlare(tm, "M5.0", 5e-5, 11158)});
        QCOMPARE(view.flares().size(), 3);
        QCOMPARE(view.flares().front().peakMs, tc);  // kept in peak order
        const QImage img = view.grab().toImage();
        const QRect row = view.flareRowRect();
        // Height on the log scale: (log10 flux + 7) / 3 of the row, so C1 a third, M1 two thirds, X1 and above all.
        const struct { qint64 t; double flux; int classIndex; double fraction; } bars[] = {
            {tc, 1e-6, 1, 1.0 / 3.0}, {tm, 5e-5, 2, (std::log10(5e-5) + 7.0) / 3.0}, {tx, 2.2e-4, 3, 1.0}};
        for (const auto &b : bars) {
            QCOMPARE(TimelineView::flareBarFraction(b.flux), b.fraction);
            const int x = int(std::floor(view.xAtTime(b.t)));
            const int n = paintedInColumn(img, x, row, flareClassColourOnPlot(b.classIndex));
            QVERIFY2(std::abs(n - b.fraction * row.height()) <= 1.0,
                     qPrintable(QStringLiteral("class %1: %2 px of %3").arg(b.classIndex).arg(n).arg(b.fraction * row.height())));
            // The bar stands on the row's bottom.
            QCOMPARE(img.pixelColor(x, row.bottom()).rgb(), flareClassColourOnPlot(b.classIndex).rgb());
        }
        // No flare, no colour: a column halfway between two flares holds only the row's background and guides.
        const int empty = int(view.xAtTime(kT0 + 3 * kDay + kDay / 2));
        for (int k = 1; k <= 3; ++k)
            QCOMPARE(paintedInColumn(img, empty, row, flareClassColourOnPlot(k)), 0);
        // Zoomed in to a day, the M flare's start-to-end span (60 min: 33 px) is shaded, tinted with its class colour.
        view.setViewRange(tm - kDay / 2, tm + kDay / 2);
        const QImage zoomed = view.grab().toImage();
        const QColor inSpan = zoomed.pixelColor(int(view.xAtTime(tm - 10 * 60 * 1000)), row.bottom() - 1);
        const QColor outside = zoomed.pixelColor(int(view.xAtTime(tm - 2 * kHour)), row.bottom() - 1);
        QCOMPARE(outside.rgb(), view.palette().color(QPalette::Base).rgb());
        QVERIFY2(inSpan.rgb() != outside.rgb() && inSpan.red() > inSpan.blue(), qPrintable(inSpan.name()));
    }

    void clickingAFlareGoesToItsPeak()
    {
        TimelineModel model;
        model.setObservations({{QStringLiteral("171"), {kT0, kT0 + 10 * kDay}}});
        TimelineView view;
        QVERIFY(showTenDays(view, model));
        // 800 px over ten days: 3.3 px an hour. A C5 and an M1 an hour apart share the cursor's 4 px: the M1 wins.
        const qint64 tm = kT0 + 5 * kDay;
        view.setFlares({goesFlare(tm - kHour, "C5.0", 5e-6), goesFlare(tm, "M1.0", 1e-5, 11158),
                        goesFlare(kT0 + 8 * kDay, "C2.0", 2e-6)});
        const double xm = view.xAtTime(tm);
        QCOMPARE(view.flareAt(xm - 3), 1);
        QCOMPARE(view.flareAt(view.xAtTime(kT0 + 8 * kDay) + 2), 2);
        QCOMPARE(view.flareAt(view.xAtTime(kT0 + 6 * kDay)), -1);
        QSignalSpy spy(&view, &TimelineView::timeRequested);
        const int y = view.flareRowRect().center().y();
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(int(xm) - 2, y));
        QCOMPARE(spy.count(), 1);
        QCOMPARE(spy.at(0).at(0).toDateTime().toMSecsSinceEpoch(), tm);  // the peak, not the time under the cursor
        // Away from any flare the row asks for the time under the cursor, as the channel rows do.
        const int xEmpty = int(view.xAtTime(kT0 + 6 * kDay));
        QTest::mouseClick(&view, Qt::LeftButton, {}, QPoint(xEmpty, y));
        QCOMPARE(spy.count(), 2);
        QVERIFY(std::llabs(spy.at(1).at(0).toDateTime().toMSecsSinceEpoch() - view.timeAtX(xEmpty)) <= 1000);
    }

    void flareTooltipNamesThem()
    {
        TimelineModel model;
        model.setObservations({{QStringLiteral("171"), {kT0, kT0 + 10 * kDay}}});
        TimelineView view;
        QVERIFY(showTenDays(view, model));
        const qint64 tm = kT0 + 5 * kDay + 13 * kHour + 56 * 60 * 1000;
        view.setFlares({goesFlare(tm, "M5.0", 5e-5, 11158), goesFlare(tm - kHour, "C5.0", 5e-6)}, QStringLiteral("swpc.csv"));
        const int y = view.flareRowRect().center().y();
        QHelpEvent help(QEvent::ToolTip, QPoint(int(view.xAtTime(tm)), y), view.mapToGlobal(QPoint(int(view.xAtTime(tm)), y)));
        QApplication::sendEvent(&view, &help);
        QTRY_VERIFY(QToolTip::isVisible());
        const QString text = QToolTip::text();
        // Strongest first, with its peak (UTC), start and end, region, and the list it came from.
        QVERIFY2(text.contains(QStringLiteral("swpc.csv")), qPrintable(text));
        QVERIFY2(text.indexOf(QStringLiteral("M5.0 peak 2011-06-06 13:56 (13:36–14:36), NOAA 11158")) >= 0, qPrintable(text));
        QVERIFY2(text.indexOf(QStringLiteral("C5.0")) > text.indexOf(QStringLiteral("M5.0")), qPrintable(text));
        QToolTip::hideText();
    }

    void tenChannelsFitOrScroll_data()
    {
        QTest::addColumn<int>("height");
        QTest::addColumn<bool>("scrolls");
        QTest::newRow("roomy 240 px: full rows") << 240 << false;
        QTest::newRow("150 px: smaller rows") << 150 << false;
        QTest::newRow("100 px: scrolls") << 100 << true;
        QTest::newRow("minimum height: scrolls") << -1 << true;
    }
    void tenChannelsFitOrScroll()
    {
        QFETCH(int, height);
        QFETCH(bool, scrolls);
        const QStringList channels{QStringLiteral("94"),   QStringLiteral("131"),  QStringLiteral("171"),
                                   QStringLiteral("193"),  QStringLiteral("211"),  QStringLiteral("304"),
                                   QStringLiteral("335"),  QStringLiteral("1600"), QStringLiteral("1700"),
                                   QStringLiteral("hmi")};
        QHash<QString, QVector<qint64>> observations;
        for (const QString &c : channels)
            for (int m = 0; m < 10 * 24 * 6; ++m)  // every 10 min: every bin holds some
                observations[c] << kT0 + m * kHour / 6;
        TimelineModel model;
        model.setObservations(observations);
        TimelineView view;
        view.setModel(&model);
        QCOMPARE(view.sizeHint().height(), 10 * 17 + 20 + 8);  // every row at full height when there is room
        view.resize(800, height > 0 ? height : view.minimumSizeHint().height());
        view.setViewRange(kT0, kT0 + 10 * kDay);
        view.show();
        QVERIFY(QTest::qWaitForWindowExposed(&view));
        const QRect widget = view.rect();
        const QRect plot = view.plotRect();
        const QRect axis = view.axisRect();
        QVERIFY2(widget.contains(axis), qPrintable(QStringLiteral("axis %1..%2 in a %3 px widget").arg(axis.top()).arg(axis.bottom()).arg(widget.height())));
        QVERIFY(axis.top() > plot.bottom());
        QVERIFY(widget.contains(plot));
        QCOMPARE(view.rowScrollBar()->isVisible(), scrolls);
        QVERIFY(view.rowPitch() >= 11 && view.rowPitch() <= 17);
        if (!scrolls) {
            for (const QString &c : channels)
                QVERIFY2(plot.contains(view.rowRect(c)), qPrintable(c));
        } else {
            // The scroll range covers exactly the rows that do not fit.
            QCOMPARE(view.rowScrollBar()->maximum(), 10 * view.rowPitch() - plot.height());
            QVERIFY(!plot.contains(view.rowRect(QStringLiteral("hmi"))));
        }
        for (const QString &c : channels) {
            view.ensureRowVisible(c);
            const QRect row = view.rowRect(c);
            QVERIFY2(plot.contains(row), qPrintable(c));
            QVERIFY(row.height() >= 9);
            // The row is painted in its channel's colour where the data are.
            const QImage img = view.grab().toImage();
            const QColor painted = img.pixelColor(int(view.xAtTime(kT0 + 5 * kDay)), row.center().y());
            const QColor expected = view.channelColor(c);
            QVERIFY2(std::abs(painted.hue() - expected.hue()) <= 12 || expected.saturation() < 40,
                     qPrintable(c + QLatin1Char(' ') + painted.name() + QLatin1Char(' ') + expected.name()));
            QVERIFY2(painted.rgb() != view.palette().color(QPalette::Base).rgb(), qPrintable(c));
        }
        // The wheel over the channel names scrolls the rows, and never changes the time range.
        if (scrolls) {
            view.rowScrollBar()->setValue(0);
            const qint64 from = view.viewFrom(), to = view.viewTo();
            const QPoint over(5, plot.center().y());
            QWheelEvent wheel(over, view.mapToGlobal(over), QPoint(), QPoint(0, -120), Qt::NoButton, Qt::NoModifier,
                              Qt::NoScrollPhase, false);
            QApplication::sendEvent(&view, &wheel);
            QCOMPARE(view.rowScrollBar()->value(), view.rowPitch());
            QCOMPARE(view.viewFrom(), from);
            QCOMPARE(view.viewTo(), to);
        }
    }
};

QTEST_MAIN(TestTimelineView)
#include "tst_timelineview.moc"
