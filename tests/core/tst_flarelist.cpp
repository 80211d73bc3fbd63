// FlareList: the shipped SWPC and cycle-24 lists against facts read independently by Python's csv module
// (tests/reference/flarelist_reference.py), a hand-written HEK export (tests/data/flarelists), GOES class <->
// flux closed forms, label windows, bad rows and their messages.
#include "TestSupport.h"

#include "core/archive/FlareList.h"
#include "core/archive/FlareListCache.h"

#include <QJsonArray>
#include <QElapsedTimer>
#include <QJsonObject>
#include <QThreadPool>
#include <QtConcurrent>
#include <QTimeZone>
#include <QtTest>

#include <cmath>

using namespace solarchip;

namespace {

QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s), QTimeZone::utc());
}

QDateTime iso(const QJsonValue &v)
{
    if (v.isNull())
        return {};
    QDateTime t = QDateTime::fromString(v.toString(), Qt::ISODate);
    t.setTimeZone(QTimeZone::utc());
    return t;
}

FlareEvent flare(const QDateTime &peak, const QString &cls)
{
    FlareEvent e;
    e.start = peak.addSecs(-600);
    e.peak = peak;
    e.end = peak.addSecs(900);
    e.goesClass = cls;
    e.peakFlux = goesClassToFlux(cls).value();
    return e;
}

const QByteArray kSwpcHeader =
    "date,event_no,start_time,max_time,end_time,goes_sat,goes_channel,goes_class_ind,goes_class,integrated_flux,noaa_ar,ts\n";

}  // namespace

class TestFlareList : public QObject {
    Q_OBJECT
private:
    QJsonObject m_ref;
    QString m_swpc, m_sc24;

private slots:
    void initTestCase()
    {
        if (test::sdoDir().isEmpty())
            return;
        m_swpc = test::sdoFile(QStringLiteral("labels/swpc_flarelist_20100101-20210810.csv"));
        m_sc24 = test::sdoFile(QStringLiteral("labels/final_flare_list_sc24.csv"));
        const auto r = test::runPython(QStringLiteral("flarelist_reference.py"), {m_swpc, m_sc24});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_ref = test::parseJson(r.out).object();
    }

    void classFluxClosedForms_data()
    {
        QTest::addColumn<QString>("cls");
        QTest::addColumn<double>("flux");
        QTest::newRow("A1.0") << "A1.0" << 1e-8;
        QTest::newRow("B5.5") << "B5.5" << 5.5e-7;
        QTest::newRow("C1.0") << "C1.0" << 1e-6;
        QTest::newRow("M2.5") << "M2.5" << 2.5e-5;
        QTest::newRow("X1.0") << "X1.0" << 1e-4;
        QTest::newRow("X9.3") << "X9.3" << 9.3e-4;
        QTest::newRow("X17.2") << "X17.2" << 1.72e-3;
    }
    void classFluxClosedForms()
    {
        QFETCH(QString, cls);
        QFETCH(double, flux);
        const auto f = goesClassToFlux(cls);
        QVERIFY(f.has_value());
        QVERIFY(qFuzzyCompare(*f, flux));
        QCOMPARE(goesFluxToClass(flux), cls);
        QCOMPARE(goesClassLetter(flux), cls.at(0));
    }

    void classEdgeCases()
    {
        QCOMPARE(goesClassToFlux(QStringLiteral("X10")).value(), 1e-3);
        QCOMPARE(goesClassToFlux(QStringLiteral("c")).value(), 1e-6);  // letter alone = mantissa 1
        QVERIFY(!goesClassToFlux(QStringLiteral("Q1.0")));
        QVERIFY(!goesClassToFlux(QStringLiteral("M-1")));
        QVERIFY(!goesClassToFlux(QString()));
        // Rounding across a decade moves to the next letter: 9.96e-6 is M1.0, not C10.0.
        QCOMPARE(goesFluxToClass(9.96e-6), QStringLiteral("M1.0"));
        QCOMPARE(goesFluxToClass(9.94e-6), QStringLiteral("C9.9"));
        QCOMPARE(goesFluxToClass(5e-9), QStringLiteral("A0.5"));
        QCOMPARE(goesFluxToClass(2e-3), QStringLiteral("X20.0"));
        QCOMPARE(goesFluxToClass(0), QString());
        QCOMPARE(goesFluxToClass(std::nan("")), QString());
    }

    void realSwpcList()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto list = FlareList::load(m_swpc);
        QVERIFY2(list.ok(), qPrintable(list.errorString()));
        const QJsonObject ref = m_ref.value(QStringLiteral("swpc")).toObject();
        QCOMPARE(list->size(), ref.value(QStringLiteral("rows")).toInt());
        const QJsonObject classes = ref.value(QStringLiteral("classes")).toObject();
        int c = 0, m = 0, x = 0, missingPeak = 0;
        for (const FlareEvent &e : list->events()) {
            c += e.goesClass.startsWith(QLatin1Char('C'));
            m += e.goesClass.startsWith(QLatin1Char('M'));
            x += e.goesClass.startsWith(QLatin1Char('X'));
            missingPeak += !e.peak.isValid();
        }
        QCOMPARE(c, classes.value(QStringLiteral("C")).toInt());
        QCOMPARE(m, classes.value(QStringLiteral("M")).toInt());
        QCOMPARE(x, classes.value(QStringLiteral("X")).toInt());
        QCOMPARE(missingPeak, ref.value(QStringLiteral("missing_peak")).toInt());
        // Selected rows (first, last, missing peaks, past midnight): every field as Python read it.
        QHash<int, FlareEvent> byLine;
        for (const FlareEvent &e : list->events())
            byLine.insert(e.line, e);
        for (const QJsonValue &v : ref.value(QStringLiteral("samples")).toArray()) {
            const QJsonObject s = v.toObject();
            const int line = s.value(QStringLiteral("line")).toInt();
            QVERIFY2(byLine.contains(line), qPrintable(QString::number(line)));
            const FlareEvent &e = byLine[line];
            QCOMPARE(e.start, iso(s.value(QStringLiteral("start"))));
            QCOMPARE(e.peak, iso(s.value(QStringLiteral("peak"))));
            QCOMPARE(e.end, iso(s.value(QStringLiteral("end"))));
            QCOMPARE(e.goesClass, s.value(QStringLiteral("class")).toString());
            QVERIFY(qFuzzyCompare(e.peakFlux, s.value(QStringLiteral("flux")).toDouble()));
            QCOMPARE(e.noaaAr, s.value(QStringLiteral("noaa")).toInt());
        }
        // Hard facts from the file: the first event.
        const FlareEvent &first = byLine[2];
        QCOMPARE(first.satellite, QStringLiteral("G14"));
        QCOMPARE(first.eventNo, QStringLiteral("4300"));
        QCOMPARE(first.integratedFlux, 1.2e-3);
    }

    void realSwpcLabels()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto list = FlareList::load(m_swpc, FlareList::Format::Swpc);
        QVERIFY(list.ok());
        const QJsonArray labels = m_ref.value(QStringLiteral("swpc")).toObject().value(QStringLiteral("labels")).toArray();
        QVERIFY(labels.size() > 50);
        QVector<QDateTime> times;
        for (const QJsonValue &v : labels)
            times << iso(v.toObject().value(QStringLiteral("t")));
        const QVector<int> c = list->labels(times, kGoesC);
        const QVector<int> m = list->labels(times, kGoesM);
        int positives = 0;
        for (int i = 0; i < labels.size(); ++i) {
            const QJsonObject l = labels[i].toObject();
            QCOMPARE(c[i], l.value(QStringLiteral("c")).toInt());
            QCOMPARE(m[i], l.value(QStringLiteral("m")).toInt());
            const auto strongest = list->strongestIn(times[i]);
            const double maxFlux = l.value(QStringLiteral("max_flux")).toDouble();
            QCOMPARE(strongest.has_value(), maxFlux > 0);
            if (strongest)
                QVERIFY(qFuzzyCompare(strongest->peakFlux, maxFlux));
            positives += m[i];
        }
        // The sample covers the X2.2 of 2011-02-15 and quiet days: both label values occur.
        QVERIFY(positives > 0 && positives < labels.size());
    }

    void realSc24List()
    {
        SOLARCHIP_REQUIRE_SDO();
        auto list = FlareList::load(m_sc24);
        QVERIFY2(list.ok(), qPrintable(list.errorString()));
        const QJsonObject ref = m_ref.value(QStringLiteral("sc24")).toObject();
        QCOMPARE(list->size(), ref.value(QStringLiteral("rows")).toInt());
        int withPosition = 0, m = 0;
        for (const FlareEvent &e : list->events()) {
            withPosition += std::isfinite(e.hgsLat);
            m += e.goesClass.startsWith(QLatin1Char('M'));
        }
        QCOMPARE(withPosition, ref.value(QStringLiteral("with_position")).toInt());
        QCOMPARE(m, ref.value(QStringLiteral("classes")).toObject().value(QStringLiteral("M")).toInt());
        const QJsonObject f = ref.value(QStringLiteral("first")).toObject();
        const FlareEvent &e = list->events().first();
        QCOMPARE(e.start, iso(f.value(QStringLiteral("start"))));
        QCOMPARE(e.peak, iso(f.value(QStringLiteral("peak"))));
        QCOMPARE(e.end, iso(f.value(QStringLiteral("end"))));
        QCOMPARE(e.goesClass, f.value(QStringLiteral("class")).toString());
        QCOMPARE(e.noaaAr, f.value(QStringLiteral("noaa")).toInt());
        // The off-by-one layout: values sit one column right of their names; read correctly they are these.
        QCOMPARE(e.location, f.value(QStringLiteral("location")).toString());
        QCOMPARE(e.hgsLat, f.value(QStringLiteral("lat")).toDouble());
        QCOMPARE(e.hgsLon, f.value(QStringLiteral("lon")).toDouble());
        QCOMPARE(e.hpcX, f.value(QStringLiteral("hpc_x")).toDouble());
        QCOMPARE(e.hpcY, f.value(QStringLiteral("hpc_y")).toDouble());
    }

    void labelWindows()
    {
        const QDateTime t = utc(2014, 10, 24, 0, 0);
        FlareList list({flare(t, QStringLiteral("C1.0")),                       // at t: inside [t, t+24h)
                        flare(t.addSecs(86400), QStringLiteral("X1.0")),        // at t+24h: outside
                        flare(t.addSecs(-60), QStringLiteral("M5.0")),          // before t: outside
                        flare(t.addSecs(3600 * 10), QStringLiteral("B9.0"))});
        QVERIFY(list.isPositive(t, kGoesC));
        QVERIFY(!list.isPositive(t, kGoesM));
        QVERIFY(list.isPositive(t.addSecs(1), kGoesM));   // the X1.0 is now inside
        QVERIFY(!list.isPositive(t.addSecs(1), kGoesX * 2));
        QVERIFY(list.isPositive(t.addSecs(-60), kGoesM)); // the M5.0 peaks exactly at this t
        QCOMPARE(list.labels({t, t.addSecs(1), t.addSecs(86400 + 1)}, kGoesM), (QVector<int>{0, 1, 0}));
        QCOMPARE(list.strongestIn(t)->goesClass, QStringLiteral("C1.0"));
        QCOMPARE(list.strongestIn(t, 6 * 3600)->goesClass, QStringLiteral("C1.0"));
        QCOMPARE(list.strongestIn(t.addSecs(1))->goesClass, QStringLiteral("X1.0"));
        QCOMPARE(list.between(t, t.addSecs(86400)).size(), 2);
        QCOMPARE(list.between(t, t.addSecs(86400), kGoesC).size(), 1);
        // Events without a peak are labelled at their start.
        FlareEvent noPeak = flare(t.addSecs(7200), QStringLiteral("M1.0"));
        noPeak.peak = QDateTime();
        FlareList list2({noPeak});
        QVERIFY(list2.isPositive(t.addSecs(6600), kGoesM));  // its start: peak - 10 min
        QVERIFY(!list2.isPositive(t.addSecs(6601), kGoesM));
    }

    void swpcCsvRoundTrip()
    {
        QVector<FlareEvent> events;
        FlareEvent a = flare(utc(2011, 4, 11, 23, 58), QStringLiteral("C2.5"));  // runs past midnight
        a.start = utc(2011, 4, 11, 23, 40);
        a.end = utc(2011, 4, 12, 0, 3);
        a.noaaAr = 11190;
        a.integratedFlux = 1.7e-3;
        a.satellite = QStringLiteral("G15");
        FlareEvent b = flare(utc(2011, 6, 7, 6, 41), QStringLiteral("M2.5"));
        b.integratedFlux = 2.6e-2;  // no NOAA number: blank column
        events << a << b;
        const QByteArray csv = FlareList::toSwpcCsv(events);
        QVERIFY(csv.startsWith(kSwpcHeader));
        QVERIFY(csv.contains("0,20110411,0001,2340,2358,0003,G15,1-8A,C,C2.5,1.7E-03,11190,201104112340\n"));
        QVERIFY(csv.contains(",M,M2.5,2.6E-02,     ,"));
        auto back = FlareList::parse(csv, QStringLiteral("roundtrip.csv"));
        QVERIFY2(back.ok(), qPrintable(back.errorString()));
        QCOMPARE(back->size(), 2);
        QCOMPARE(back->events()[0].start, a.start);
        QCOMPARE(back->events()[0].peak, a.peak);
        QCOMPARE(back->events()[0].end, a.end);
        QCOMPARE(back->events()[0].noaaAr, 11190);
        QCOMPARE(back->events()[1].noaaAr, 0);
        QCOMPARE(back->events()[1].peakFlux, 2.5e-5);
        // Written atomically.
        auto dir = test::scratchDir();
        const QString path = dir.filePath(QStringLiteral("list.csv"));
        QVERIFY(FlareList::writeSwpcCsv(path, events).ok());
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), csv);
        QVERIFY(!FlareList::writeSwpcCsv(dir.filePath(QStringLiteral("no/such/dir/list.csv")), events).ok());
    }

    void malformedRows_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("expect");
        QTest::newRow("field count") << kSwpcHeader + "0,20100102,4300,0709,0724,0740,G14,1-8A,C,C1.0,1.2E-03,11039,201001020709\n"
                                                      "1,20100102,4370,1408,1416\n"
                                     << "line 3: 5 fields";
        QTest::newRow("bad date") << kSwpcHeader + "0,2010-01-02,4300,0709,0724,0740,G14,1-8A,C,C1.0,1.2E-03,11039,201001020709\n"
                                  << "line 2: date '2010-01-02' is not YYYYMMDD";
        QTest::newRow("bad time") << kSwpcHeader + "0,20100102,4300,07:09,0724,0740,G14,1-8A,C,C1.0,1.2E-03,11039,201001020709\n"
                                  << "line 2: start_time '07:09' is not HHMM";
        QTest::newRow("bad class") << kSwpcHeader + "0,20100102,4300,0709,0724,0740,G14,1-8A,C,Z1.0,1.2E-03,11039,201001020709\n"
                                   << "line 2: goes_class 'Z1.0'";
        QTest::newRow("bad noaa") << kSwpcHeader + "0,20100102,4300,0709,0724,0740,G14,1-8A,C,C1.0,1.2E-03,AR39,201001020709\n"
                                  << "line 2: noaa_ar 'AR39'";
        QTest::newRow("unknown header") << QByteArray("a,b,c\n1,2,3\n") << "line 1: not a known flare list layout; found the header \"a,b,c\"";
        QTest::newRow("empty") << QByteArray("\n\n") << "empty flare list";
        QTest::newRow("sc24 time") << QByteArray("event_starttime,event_peaktime,event_endtime,goes_class_ind,goes_class,"
                                                 "goes_class_val,integrated_flux,noaa_ar,position_hgs,hgs_lat,hgs_lon,hpc_x,hpc_y\n"
                                                 "0,yesterday,2010-01-02 07:24:00,2010-01-02 07:40:00,C,C1.0,1e-06,1.2E-03,11039,S26W41,-26.0,41.0,577.1,-391.8\n")
                                   << "line 2: event_starttime 'yesterday'";
    }
    void malformedRows()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, expect);
        auto list = FlareList::parse(text, QStringLiteral("/data/flares.csv"));
        QVERIFY(!list.ok());
        QVERIFY2(list.errorString().startsWith(QStringLiteral("/data/flares.csv: ")), qPrintable(list.errorString()));
        QVERIFY2(list.errorString().contains(expect), qPrintable(list.errorString()));
    }

    // A HEK flare query exported to CSV (the columns sunpy's HEKClient returns, astropy's ISO times with
    // milliseconds, a float region number, a quoted field with a comma), written by hand: what it says is known.
    void hekExport()
    {
        const QString path = test::sourceDir() + QStringLiteral("/tests/data/flarelists/hek_fl_20110808-20110810.csv");
        auto list = FlareList::load(path);
        QVERIFY2(list.ok(), qPrintable(list.errorString()));
        QCOMPARE(list->size(), 4);
        // The Flare Detective row (line 4) has no GOES class: skipped and listed.
        QCOMPARE(list->skippedRows().size(), 1);
        QCOMPARE(list->skippedRows()[0].line, 4);
        QVERIFY(list->skippedRows()[0].text.contains(QStringLiteral("Flare Detective")));
        const FlareEvent &m = list->events()[0];
        QCOMPARE(m.goesClass, QStringLiteral("M3.5"));
        QCOMPARE(m.start, utc(2011, 8, 8, 18, 0));
        QCOMPARE(m.peak, utc(2011, 8, 8, 18, 10));
        QCOMPARE(m.end, utc(2011, 8, 8, 18, 18));
        QCOMPARE(m.noaaAr, 11263);  // written 11263.0
        QCOMPARE(m.hpcX, 745.2);
        QCOMPARE(m.hpcY, 247.9);
        QCOMPARE(m.hgsLon, 61.0);
        QCOMPARE(m.hgsLat, 16.0);
        QCOMPARE(m.line, 2);
        const FlareEvent &x = list->events()[2];
        QCOMPARE(x.goesClass, QStringLiteral("X6.9"));
        QCOMPARE(x.peakFlux, 6.9e-4);
        QCOMPARE(x.peak, utc(2011, 8, 9, 8, 5));
        QCOMPARE(x.satellite, QStringLiteral("SWPC"));  // frm_name
        QCOMPARE(x.line, 5);
        const FlareEvent &b = list->events()[3];
        QCOMPARE(b.goesClass, QStringLiteral("B8.1"));
        QVERIFY(!b.peak.isValid());                     // empty peak: labelled at its start
        QCOMPARE(b.labelTime(), utc(2011, 8, 10, 11, 5));
        QCOMPARE(b.noaaAr, 0);
        QVERIFY(std::isnan(b.hpcX));
        // Labels from it: >= M in [t, t + 24 h).
        QVERIFY(list->isPositive(utc(2011, 8, 8, 12, 0), kGoesM));   // the M3.5
        QVERIFY(list->isPositive(utc(2011, 8, 9, 8, 0), kGoesX));    // the X6.9 peaks at 08:05
        QVERIFY(!list->isPositive(utc(2011, 8, 9, 8, 6), kGoesC));   // only the B8.1 after it
        // The same rows with the pandas index column parse the same.
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QByteArray indexed = lines[0] + '\n';
        for (int i = 1; i < lines.size(); ++i)
            if (!lines[i].isEmpty())
                indexed += QByteArray::number(i - 1) + ',' + lines[i] + '\n';
        auto again = FlareList::parse(indexed, QStringLiteral("indexed.csv"));
        QVERIFY2(again.ok(), qPrintable(again.errorString()));
        QCOMPARE(again->size(), 4);
        QCOMPARE(again->events()[2].peak, x.peak);
    }

    // Messages for bad lists name the file, the row (number and text) and what happened to the file.
    void badListMessages()
    {
        auto dir = test::scratchDir();
        auto write = [&](const QString &name, const QByteArray &text) {
            const QString path = dir.filePath(name);
            QFile f(path);
            if (f.open(QIODevice::WriteOnly))
                f.write(text);
            return path;
        };
        const QByteArray hekHeader = "event_starttime,event_peaktime,event_endtime,fl_goescls,ar_noaanum\n";
        const QString badClass = write(QStringLiteral("hek_badclass.csv"),
                                       hekHeader + "2011-08-09 07:48:00.000,2011-08-09 08:05:00.000,2011-08-09 08:08:00.000,X6.9,11263\n"
                                                   "2011-08-09 09:00:00.000,2011-08-09 09:05:00.000,2011-08-09 09:08:00.000,Q2.0,11263\n");
        auto a = FlareList::load(badClass);
        QVERIFY(!a.ok());
        const QString am = a.errorString();
        QVERIFY2(am.startsWith(badClass + QStringLiteral(": line 3: fl_goescls 'Q2.0'")), qPrintable(am));
        QVERIFY2(am.contains(QStringLiteral("2011-08-09 09:00:00.000,2011-08-09 09:05:00.000,2011-08-09 09:08:00.000,Q2.0,11263")), qPrintable(am));
        QVERIFY2(am.contains(QStringLiteral("the file was refused")), qPrintable(am));

        const QString badTime = write(QStringLiteral("hek_badtime.csv"), hekHeader + "09/08/2011 07:48,,,M1.0,0\n");
        auto b = FlareList::load(badTime);
        QVERIFY(!b.ok());
        QVERIFY2(b.errorString().startsWith(badTime + QStringLiteral(": line 2: event_starttime '09/08/2011 07:48'")),
                 qPrintable(b.errorString()));
        QVERIFY2(b.errorString().contains(QStringLiteral("(row: \"09/08/2011 07:48,,,M1.0,0\")")), qPrintable(b.errorString()));

        const QString swpc = write(QStringLiteral("swpc_short.csv"),
                                   kSwpcHeader + "0,20100102,4300,0709,0724,0740,G14,1-8A,C,C1.0,1.2E-03,11039,201001020709\n"
                                                 "1,20100102,4370,1408,1416\n");
        auto c = FlareList::load(swpc);
        QVERIFY(!c.ok());
        QVERIFY2(c.errorString().startsWith(swpc + QStringLiteral(": line 3: 5 fields")), qPrintable(c.errorString()));
        QVERIFY2(c.errorString().contains(QStringLiteral("1,20100102,4370,1408,1416")), qPrintable(c.errorString()));

        // An unknown layout: the header found and the layouts known.
        const QString other = write(QStringLiteral("donki.csv"), "flrID,beginTime,peakTime,classType\nx,2011-08-09T07:48Z,2011-08-09T08:05Z,X6.9\n");
        auto d = FlareList::load(other);
        QVERIFY(!d.ok());
        const QString dm = d.errorString();
        QVERIFY2(dm.startsWith(other + QStringLiteral(": line 1: not a known flare list layout")), qPrintable(dm));
        QVERIFY2(dm.contains(QStringLiteral("found the header \"flrID,beginTime,peakTime,classType\"")), qPrintable(dm));
        QVERIFY2(dm.contains(QStringLiteral("SWPC event list")) && dm.contains(QStringLiteral("cycle-24 list"))
                     && dm.contains(QStringLiteral("HEK flare export")), qPrintable(dm));
    }

    // core/archive/FlareListCache: one parse per unchanged file whoever asks; a rewritten, fixed or newly placed file is
    // read again; a list handed out outlives the cache's eviction.
    void sharedListsReadOnceAndFollowTheFile()
    {
        auto dir = test::scratchDir();
        const QString path = dir.filePath(QStringLiteral("swpc_flarelist_test.csv"));
        const QByteArray rowA = "0,20110411,0001,2340,2358,0003,G15,1-8A,C,C2.5,1.7E-03,11190,201104112340\n";
        const QByteArray rowB = "1,20110607,0002,0616,0641,0659,G15,1-8A,M,M2.5,2.6E-02,11226,201106070616\n";
        const QByteArray rowBad = "2,20110608,0003,0700,07xx,0730,G15,1-8A,C,C1.0,1.0E-03,11226,201106080700\n";
        auto write = [&](const QByteArray &text) {
            QFile f(path);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write(text);
        };
        // Missing: the reader's own message, naming the file.
        auto missing = loadFlareListShared(path);
        QVERIFY(!missing.ok());
        QCOMPARE(missing.errorString(), FlareList::load(path).errorString());
        // Put in place: parsed, then shared (the same object, no second parse), also through another spelling of the path.
        write(kSwpcHeader + rowA);
        const int reads = flareListParses();
        auto first = loadFlareListShared(path);
        QVERIFY2(first.ok(), qPrintable(first.errorString()));
        QCOMPARE((*first)->size(), 1);
        QCOMPARE((*first)->events()[0].goesClass, QStringLiteral("C2.5"));
        auto again = loadFlareListShared(dir.filePath(QStringLiteral("./swpc_flarelist_test.csv")));
        QVERIFY(again.ok());
        QCOMPARE(again->get(), first->get());
        QCOMPARE(flareListParses(), reads + 1);
        // From the background pool at once: all the same object.
        QList<const FlareList *> seen = QtConcurrent::blockingMapped(QList<int>(8, 0), [&path](int) {
            auto l = loadFlareListShared(path);
            return l.ok() ? l->get() : static_cast<const FlareList *>(nullptr);
        });
        for (const FlareList *l : seen)
            QCOMPARE(l, first->get());
        // Rewritten (another row): parsed again; the list handed out before is unchanged.
        write(kSwpcHeader + rowA + rowB);
        auto grown = loadFlareListShared(path);
        QVERIFY(grown.ok());
        QCOMPARE((*grown)->size(), 2);
        QCOMPARE((*grown)->events()[1].noaaAr, 11226);
        QCOMPARE((*first)->size(), 1);
        QCOMPARE(flareListParses(), reads + 2);
        // A bad row: the reader's error (the file and the line); fixed on disk, the same size: parsed again.
        write(kSwpcHeader + rowA + rowB + rowBad);
        auto bad = loadFlareListShared(path);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.errorString(), FlareList::load(path).errorString());
        QVERIFY2(bad.errorString().contains(QStringLiteral("line 4")), qPrintable(bad.errorString()));
        write(kSwpcHeader + rowA + rowB + QByteArray(rowBad).replace("07xx", "0710"));
        auto fixed = loadFlareListShared(path);
        QVERIFY2(fixed.ok(), qPrintable(fixed.errorString()));
        QCOMPARE((*fixed)->size(), 3);
        // Evicted by other lists (the cache keeps a few): the old object stays valid for whoever holds it.
        for (int i = 0; i < 6; ++i) {
            const QString other = dir.filePath(QStringLiteral("other%1.csv").arg(i));
            QFile f(other);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(kSwpcHeader + rowB);
            f.close();
            QVERIFY(loadFlareListShared(other).ok());
        }
        QCOMPARE((*fixed)->events()[2].goesClass, QStringLiteral("C1.0"));
        // The real SWPC list: what a second reader costs (reading and hashing the bytes) against the first (parsing).
        if (!m_swpc.isEmpty()) {
            QElapsedTimer clock;
            clock.start();
            auto parsed = loadFlareListShared(m_swpc);
            const double firstMs = clock.nsecsElapsed() / 1e6;
            clock.restart();
            auto shared = loadFlareListShared(m_swpc);
            const double againMs = clock.nsecsElapsed() / 1e6;
            QVERIFY(parsed.ok() && shared.ok());
            QCOMPARE(shared->get(), parsed->get());
            QCOMPARE((*shared)->size(), m_ref.value(QStringLiteral("swpc")).toObject().value(QStringLiteral("rows")).toInt());
            qInfo("real SWPC list (%d rows): parsed in %.1f ms, shared again in %.2f ms", (*shared)->size(), firstMs, againMs);
        }
    }

    void missingFile()
    {
        auto list = FlareList::load(QStringLiteral("/nonexistent/flares.csv"));
        QVERIFY(!list.ok());
        QCOMPARE(list.errorString(), QStringLiteral("/nonexistent/flares.csv: no such file"));
    }
};

QTEST_GUILESS_MAIN(TestFlareList)
#include "tst_flarelist.moc"
