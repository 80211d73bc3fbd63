// Time strings of SDO headers and TAI <-> UTC, against the IERS leap-second table (independent facts).
#include "TestSupport.h"

#include "core/map/SdoTime.h"

#include <QtTest>

using namespace solarchip;

static QDateTime utc(int y, int mo, int d, int h, int mi, int s, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), QTimeZone::utc());
}

class TestSdoTime : public QObject {
    Q_OBJECT
private slots:
    void formats_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QDateTime>("expected");
        QTest::newRow("AIA T_OBS Z") << "2011-02-15T00:00:01.34Z" << utc(2011, 2, 15, 0, 0, 1, 340);
        QTest::newRow("ISO no zone") << "2013-03-10T12:00:12.341" << utc(2013, 3, 10, 12, 0, 12, 341);
        QTest::newRow("space") << "2010-05-01 00:00:00" << utc(2010, 5, 1, 0, 0, 0);
        QTest::newRow("date only") << "2011-06-07" << utc(2011, 6, 7, 0, 0, 0);
        // HMI T_OBS is TAI; TAI-UTC was 34 s in 2011 and 35 s from 2012-07-01.
        QTest::newRow("JSOC TAI 2011") << "2011.02.14_20:35:09_TAI" << utc(2011, 2, 14, 20, 34, 35);
        QTest::newRow("JSOC TAI 2014") << "2014.03.01_00:01:25_TAI" << utc(2014, 3, 1, 0, 0, 50);
        QTest::newRow("JSOC TAI 2018") << "2018.01.01_00:00:37_TAI" << utc(2018, 1, 1, 0, 0, 0);
        QTest::newRow("JSOC fraction") << "2011.02.15_02:00:00.5_TAI" << utc(2011, 2, 15, 1, 59, 26, 500);
        QTest::newRow("JSOC UTC") << "2011.02.15_02:00:00_UTC" << utc(2011, 2, 15, 2, 0, 0);
    }

    void formats()
    {
        QFETCH(QString, text);
        QFETCH(QDateTime, expected);
        auto t = SdoTime::parse(text);
        QVERIFY2(t.has_value(), qPrintable(text));
        QCOMPARE(*t, expected);
    }

    void rejects()
    {
        for (const char *bad : {"", "yesterday", "2011-13-01", "2011-02-30T00:00:00", "2011-02-15T25:00:00",
                                "12:00:00", "2011-02-15X"})
            QVERIFY2(!SdoTime::parse(QString::fromLatin1(bad)).has_value(), bad);
    }

    void leapSeconds()
    {
        QCOMPARE(SdoTime::taiMinusUtc(utc(2010, 5, 1, 0, 0, 0)), 34);
        QCOMPARE(SdoTime::taiMinusUtc(utc(2012, 6, 30, 23, 59, 59)), 34);
        QCOMPARE(SdoTime::taiMinusUtc(utc(2012, 7, 1, 0, 0, 0)), 35);
        QCOMPARE(SdoTime::taiMinusUtc(utc(2015, 7, 1, 0, 0, 0)), 36);
        QCOMPARE(SdoTime::taiMinusUtc(utc(2017, 1, 1, 0, 0, 0)), 37);
        QCOMPARE(SdoTime::taiMinusUtc(utc(2026, 11, 25, 0, 0, 0)), 37);
        // Round trips either side of the 2016-12-31 leap second.
        for (const QDateTime &t : {utc(2016, 12, 31, 23, 59, 0), utc(2017, 1, 1, 0, 0, 30), utc(2011, 6, 7, 12, 0, 0)})
            QCOMPARE(SdoTime::taiToUtc(SdoTime::utcToTai(t)), t);
    }

    void writes()
    {
        QCOMPARE(SdoTime::toIso(utc(2011, 6, 7, 0, 0, 1, 340)), QStringLiteral("2011-06-07T00:00:01.340"));
        QCOMPARE(SdoTime::toFitsDate(utc(2011, 6, 7, 0, 0, 1, 340)), QStringLiteral("2011-06-07T00:00:01.34"));
        QCOMPARE(SdoTime::toJsocTai(utc(2011, 6, 7, 0, 0, 0)), QStringLiteral("2011.06.07_00:00:34_TAI"));
        QCOMPARE(SdoTime::toJsocTai(utc(2020, 1, 1, 0, 0, 0)), QStringLiteral("2020.01.01_00:00:37_TAI"));
    }
};

QTEST_GUILESS_MAIN(TestSdoTime)
#include "tst_sdotime.moc"
