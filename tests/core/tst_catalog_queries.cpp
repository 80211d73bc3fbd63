// Catalog queries against brute force over the ground truth the test itself chose: tiny FITS files written with
// known T_OBS values (HMI ones in TAI, as JSOC writes them), indexed, then every query compared with a direct
// computation over that list — days, availability bins, neighbours, nearest and complete co-temporal sets,
// including the tolerance edge cases (exactly at the tolerance, one millisecond beyond, ties).
#include "TestSupport.h"

#include "core/archive/Catalog.h"
#include "core/archive/CatalogFixture.h"
#include "core/map/MapMeta.h"
#include "core/map/SdoTime.h"

#include <QRandomGenerator>
#include <QtTest>

#include <algorithm>
#include <cstdlib>
#include <optional>

using namespace solarchip;
using namespace solarchip::test;

namespace {

constexpr qint64 kMin = 60'000;
constexpr qint64 kHour = 3'600'000;
constexpr qint64 kDay = 86'400'000;

QDateTime utc(int y, int mo, int d, int h = 0, int mi = 0, int s = 0, int ms = 0)
{
    return QDateTime(QDate(y, mo, d), QTime(h, mi, s, ms), QTimeZone::utc());
}
QDateTime fromMs(qint64 ms) { return QDateTime::fromMSecsSinceEpoch(ms, QTimeZone::utc()); }

// The edge-case window: only hand-placed files within +-1 day of it.
const QDateTime kEdge = utc(2011, 8, 1, 12);

}  // namespace

class TestCatalogQueries : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir = scratchDir();
    QVector<FixtureFile> m_truth;
    std::optional<Catalog> m_catalog;
    const QStringList m_channels{QStringLiteral("171"), QStringLiteral("193"), QStringLiteral("1600"),
                                 QStringLiteral("hmi")};

    QVector<FixtureFile> of(const QString &ch, bool nominalOnly = false) const
    {
        QVector<FixtureFile> out;
        for (const FixtureFile &f : m_truth)
            if (f.channel == ch && (!nominalOnly || f.quality == 0))
                out << f;
        std::sort(out.begin(), out.end(), [](const auto &a, const auto &b) { return a.timeMs < b.timeMs; });
        return out;
    }

    // Closest within tol (inclusive), the earlier on a tie.
    std::optional<FixtureFile> bruteNearest(const QString &ch, qint64 t, qint64 tol, bool nominalOnly = false) const
    {
        std::optional<FixtureFile> best;
        for (const FixtureFile &f : of(ch, nominalOnly)) {
            const qint64 dt = std::llabs(f.timeMs - t);
            if (dt > tol)
                continue;
            if (!best || dt < std::llabs(best->timeMs - t)
                || (dt == std::llabs(best->timeMs - t) && f.timeMs < best->timeMs))
                best = f;
        }
        return best;
    }

    void compareSet(const ObservationSet &got, const QStringList &channels, qint64 t, qint64 tol)
    {
        QCOMPARE(got.channels, channels);
        QCOMPARE(got.members.size(), channels.size());
        for (int i = 0; i < channels.size(); ++i) {
            const auto want = bruteNearest(channels[i], t, tol);
            const Observation &o = got.members[i];
            QVERIFY2(o.isValid() == want.has_value(),
                     qPrintable(QStringLiteral("%1 at %2 tol %3").arg(channels[i], SdoTime::toIso(fromMs(t))).arg(tol)));
            if (want) {
                QCOMPARE(o.relativePath, want->relativePath);
                QCOMPARE(o.timeMs, want->timeMs);
                QCOMPARE(o.channel, channels[i]);
            }
        }
    }

private slots:
    void initTestCase()
    {
        // Regular series with jitter over 2011-06-27 .. 2011-07-05 (across a month boundary), a missing day for
        // 1600, some files flagged with a non-zero QUALITY, half of them under arbitrary names.
        const QDateTime start = utc(2011, 6, 27, 0, 7);
        QVector<FixtureFile> files;
        files += CatalogFixture::schedule({QStringLiteral("171")}, start, 20 * kMin, 8 * 72, 90'000, 11);
        files += CatalogFixture::schedule({QStringLiteral("193")}, start, 30 * kMin, 8 * 48, 5 * kMin, 12);
        files += CatalogFixture::schedule({QStringLiteral("hmi")}, start, 45 * kMin, 8 * 32, 0, 13);
        for (const FixtureFile &f : CatalogFixture::schedule({QStringLiteral("1600")}, start, 2 * kHour, 8 * 12, 20 * kMin, 14))
            if (fromMs(f.timeMs).date() != QDate(2011, 6, 30))
                files << f;
        // Hand-placed tolerance cases around kEdge (tolerance 10 min):
        const qint64 e = kEdge.toMSecsSinceEpoch();
        files << FixtureFile{QStringLiteral("171"), e + 10 * kMin, 0, {}};          // exactly at +tol: in
        files << FixtureFile{QStringLiteral("193"), e - 5 * kMin, 0, {}};           // tie: the earlier wins
        files << FixtureFile{QStringLiteral("193"), e + 5 * kMin, 0, {}};
        files << FixtureFile{QStringLiteral("193"), e + 15 * kMin, 0, {}};         // tie around the 171 anchor
        files << FixtureFile{QStringLiteral("hmi"), e + 10 * kMin + 1, 0, {}};      // 1 ms beyond: out
        files << FixtureFile{QStringLiteral("1600"), e - 10 * kMin, 0, {}};         // exactly at -tol: in
        QRandomGenerator rng(5);
        for (int i = 0; i < files.size(); ++i) {
            FixtureFile &f = files[i];
            if (f.channel == QLatin1String("171") && i % 7 == 3)
                f.quality = 0x100 << (i % 3);
            f.relativePath = i % 2 ? QStringLiteral("misc/%1/obs_%2.fits").arg(i % 5).arg(i)
                                   : CatalogFixture::jsocPath(f);
        }
        m_truth = files;
        QVERIFY(CatalogFixture::write(m_dir.path(), m_truth));
        auto c = Catalog::open(m_dir.path());
        QVERIFY2(c, qPrintable(c.errorString()));
        auto s = c->update();
        QVERIFY2(s, qPrintable(s.errorString()));
        QCOMPARE(s->added, qint64(m_truth.size()));
        QCOMPARE(s->failed, qint64(0));
        m_catalog.emplace(std::move(*c));
    }

    void totals()
    {
        auto st = m_catalog->stats();
        QVERIFY(st);
        QCOMPARE(st->observations, qint64(m_truth.size()));
        QCOMPARE(st->bad, qint64(0));
        for (const QString &ch : m_channels)
            QCOMPARE(st->channels.value(ch), qint64(of(ch).size()));
        auto chans = m_catalog->channels();
        QVERIFY(chans);
        QCOMPARE(*chans, m_channels);  // AIA by wavelength, then HMI
        qint64 lo = std::numeric_limits<qint64>::max(), hi = std::numeric_limits<qint64>::min();
        for (const FixtureFile &f : m_truth) {
            lo = std::min(lo, f.timeMs);
            hi = std::max(hi, f.timeMs);
        }
        QCOMPARE(m_catalog->firstTime()->toMSecsSinceEpoch(), lo);
        QCOMPARE(m_catalog->lastTime()->toMSecsSinceEpoch(), hi);
        for (const QString &ch : m_channels) {
            QCOMPARE(m_catalog->firstTime(ch)->toMSecsSinceEpoch(), of(ch).first().timeMs);
            QCOMPARE(m_catalog->lastTime(ch)->toMSecsSinceEpoch(), of(ch).last().timeMs);
        }
        QVERIFY(!m_catalog->firstTime(QStringLiteral("304"))->isValid());
    }

    void days()
    {
        struct Range { QDateTime from, to; QStringList channels; };
        const QVector<Range> ranges{
            {{}, {}, {}},
            {utc(2011, 6, 29, 13, 30), utc(2011, 7, 2, 0, 0, 0, 1), {}},  // partial first day, 1 ms into the last
            {utc(2011, 6, 30), utc(2011, 7, 1), {QStringLiteral("1600")}},  // the missing day
            {utc(2011, 6, 28), utc(2011, 7, 3), {QStringLiteral("hmi"), QStringLiteral("aia193")}},
            {utc(2011, 7, 3), utc(2011, 7, 3), {}},  // empty
        };
        for (const Range &r : ranges) {
            QStringList chans;
            for (const QString &c : r.channels)
                chans << canonicalChannel(c);
            QMap<QDate, QMap<QString, int>> want;
            const qint64 lo = r.from.isValid() ? r.from.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
            const qint64 hi = r.to.isValid() ? r.to.toMSecsSinceEpoch() : std::numeric_limits<qint64>::max();
            for (const FixtureFile &f : m_truth) {
                // The whole day of f counts when that day overlaps [lo, hi).
                const QDateTime dayStart = fromMs(f.timeMs).date().startOfDay(QTimeZone::utc());
                const qint64 d0 = dayStart.toMSecsSinceEpoch(), d1 = d0 + kDay;
                if (d1 <= lo || d0 >= hi || lo >= hi || (!chans.isEmpty() && !chans.contains(f.channel)))
                    continue;
                want[dayStart.date()][f.channel] += 1;
            }
            auto got = m_catalog->days(r.from, r.to, r.channels);
            QVERIFY2(got, qPrintable(got.errorString()));
            QCOMPARE(got->size(), want.size());
            int i = 0;
            for (auto it = want.cbegin(); it != want.cend(); ++it, ++i) {
                QCOMPARE((*got)[i].date, it.key());
                QCOMPARE((*got)[i].counts, it.value());
            }
        }
    }

    void availability_data()
    {
        QTest::addColumn<int>("unit");
        QTest::addColumn<int>("step");
        QTest::addColumn<QDateTime>("from");
        QTest::addColumn<QDateTime>("to");
        QTest::newRow("hour x1 partial") << int(Availability::Unit::Hour) << 1 << utc(2011, 6, 29, 10, 17) << utc(2011, 7, 1, 3, 5);
        QTest::newRow("hour x5") << int(Availability::Unit::Hour) << 5 << utc(2011, 6, 27) << utc(2011, 7, 6);
        QTest::newRow("day x1") << int(Availability::Unit::Day) << 1 << utc(2011, 6, 26, 23) << utc(2011, 7, 10);
        QTest::newRow("day x3") << int(Availability::Unit::Day) << 3 << utc(2011, 6, 28, 12) << utc(2011, 8, 2);
        QTest::newRow("month x1") << int(Availability::Unit::Month) << 1 << utc(2011, 6, 15) << utc(2011, 8, 1, 12, 5);
        QTest::newRow("month x2") << int(Availability::Unit::Month) << 2 << utc(2011, 5, 31, 23) << utc(2011, 9, 1);
        QTest::newRow("open range, days") << int(Availability::Unit::Day) << 1 << QDateTime() << QDateTime();
    }

    void availability()
    {
        QFETCH(int, unit);
        QFETCH(int, step);
        QFETCH(QDateTime, from);
        QFETCH(QDateTime, to);
        const auto u = Availability::Unit(unit);
        auto got = m_catalog->availability(from, to, u, step);
        QVERIFY2(got, qPrintable(got.errorString()));
        QCOMPARE(got->channels, m_channels);

        // Independent bin edges: aligned to the unit at or before `from`, stepping until `to` is covered.
        QDateTime f = from.isValid() ? from : *m_catalog->firstTime();
        QDateTime t = to.isValid() ? to : m_catalog->lastTime()->addMSecs(1);
        QVector<QDateTime> edges;
        QDateTime e;
        if (u == Availability::Unit::Hour)
            e = QDateTime(f.date(), QTime(f.time().hour(), 0), QTimeZone::utc());
        else if (u == Availability::Unit::Day)
            e = f.date().startOfDay(QTimeZone::utc());
        else
            e = QDate(f.date().year(), f.date().month(), 1).startOfDay(QTimeZone::utc());
        edges << e;
        while (e < t) {
            e = u == Availability::Unit::Hour ? e.addSecs(3600LL * step)
                : u == Availability::Unit::Day ? e.addDays(step)
                                               : e.addMonths(step);
            edges << e;
        }
        QCOMPARE(got->edgesMs.size(), edges.size());
        for (int i = 0; i < edges.size(); ++i)
            QCOMPARE(got->edgesMs[i], edges[i].toMSecsSinceEpoch());
        for (const QString &ch : m_channels) {
            QVector<int> want(int(edges.size()) - 1, 0);
            for (const FixtureFile &file : of(ch))
                for (int i = 0; i + 1 < edges.size(); ++i)
                    if (file.timeMs >= edges[i].toMSecsSinceEpoch() && file.timeMs < edges[i + 1].toMSecsSinceEpoch())
                        want[i] += 1;
            QCOMPARE(got->counts.value(ch), want);
        }
    }

    void observationsAndNeighbours()
    {
        QRandomGenerator rng(9);
        const qint64 lo = utc(2011, 6, 26).toMSecsSinceEpoch(), hi = utc(2011, 8, 3).toMSecsSinceEpoch();
        for (int k = 0; k < 150; ++k) {
            const qint64 t = lo + qint64(rng.bounded(double(hi - lo)));
            const QString ch = m_channels[k % m_channels.size()];
            const QVector<FixtureFile> series = of(ch);
            // previous / next of one channel
            std::optional<FixtureFile> prev, next;
            for (const FixtureFile &f : series) {
                if (f.timeMs < t)
                    prev = f;
                if (f.timeMs > t && !next)
                    next = f;
            }
            auto p = m_catalog->previous(fromMs(t), ch);
            auto n = m_catalog->next(fromMs(t), ch);
            QVERIFY(p && n);
            QCOMPARE(p->isValid(), prev.has_value());
            QCOMPARE(n->isValid(), next.has_value());
            if (prev)
                QCOMPARE(p->relativePath, prev->relativePath);
            if (next)
                QCOMPARE(n->relativePath, next->relativePath);
            // any channel: compare times (equal times in two channels may return either)
            qint64 anyPrev = std::numeric_limits<qint64>::min(), anyNext = std::numeric_limits<qint64>::max();
            for (const FixtureFile &f : m_truth) {
                if (f.timeMs < t)
                    anyPrev = std::max(anyPrev, f.timeMs);
                if (f.timeMs > t)
                    anyNext = std::min(anyNext, f.timeMs);
            }
            auto ap = m_catalog->previous(fromMs(t));
            auto an = m_catalog->next(fromMs(t));
            QVERIFY(ap && an);
            QCOMPARE(ap->isValid() ? ap->timeMs : std::numeric_limits<qint64>::min(), anyPrev);
            QCOMPARE(an->isValid() ? an->timeMs : std::numeric_limits<qint64>::max(), anyNext);
            // a range of observations
            const qint64 t2 = t + qint64(rng.bounded(2 * kDay));
            QVector<FixtureFile> want;
            for (const FixtureFile &f : m_truth)
                if (f.timeMs >= t && f.timeMs < t2 && (k % 2 ? f.channel == ch : true))
                    want << f;
            std::sort(want.begin(), want.end(), [](const auto &a, const auto &b) {
                return a.timeMs != b.timeMs ? a.timeMs < b.timeMs : a.channel < b.channel;
            });
            auto got = m_catalog->observations(k % 2 ? QStringList{ch} : QStringList{}, fromMs(t), fromMs(t2));
            QVERIFY(got);
            QCOMPARE(got->size(), want.size());
            for (int i = 0; i < want.size(); ++i)
                QCOMPARE((*got)[i].relativePath, want[i].relativePath);
        }
    }

    void timesByChannel()
    {
        for (const auto &[from, to] : {std::pair{QDateTime(), QDateTime()},
                                       std::pair{utc(2011, 6, 29, 7, 3), utc(2011, 7, 1, 22)}}) {
            auto got = m_catalog->timesByChannel({}, from, to);
            QVERIFY2(got, qPrintable(got.errorString()));
            QCOMPARE(got->size(), m_channels.size());
            for (const QString &ch : m_channels) {
                QVector<qint64> want;
                for (const FixtureFile &f : of(ch))
                    if ((!from.isValid() || f.timeMs >= from.toMSecsSinceEpoch())
                        && (!to.isValid() || f.timeMs < to.toMSecsSinceEpoch()))
                        want << f.timeMs;
                QCOMPARE(got->value(ch), want);
            }
        }
        auto one = m_catalog->timesByChannel({QStringLiteral("magnetogram")});
        QVERIFY(one);
        QCOMPARE(one->keys(), QList<QString>{QStringLiteral("hmi")});
    }

    void nearestSetRandom()
    {
        QRandomGenerator rng(21);
        const qint64 lo = utc(2011, 6, 26, 20).toMSecsSinceEpoch(), hi = utc(2011, 7, 5, 4).toMSecsSinceEpoch();
        for (int k = 0; k < 200; ++k) {
            const qint64 t = lo + qint64(rng.bounded(double(hi - lo)));
            const qint64 tol = qint64(rng.bounded(90)) * kMin + qint64(rng.bounded(60000));
            auto got = m_catalog->nearestSet(fromMs(t), m_channels, tol);
            QVERIFY2(got, qPrintable(got.errorString()));
            QCOMPARE(got->referenceTimeMs, t);
            compareSet(*got, m_channels, t, tol);
            if (QTest::currentTestFailed())
                return;
        }
    }

    void nearestSetToleranceEdges()
    {
        const qint64 e = kEdge.toMSecsSinceEpoch();
        auto set = m_catalog->nearestSet(kEdge, m_channels, 10 * kMin);
        QVERIFY(set);
        compareSet(*set, m_channels, e, 10 * kMin);
        // And by hand, so the expectations do not rest on the brute force alone:
        QCOMPARE(set->member(QStringLiteral("171"))->timeMs, e + 10 * kMin);   // exactly at +tol: in
        QCOMPARE(set->member(QStringLiteral("193"))->timeMs, e - 5 * kMin);    // tie: the earlier
        QCOMPARE(set->member(QStringLiteral("1600"))->timeMs, e - 10 * kMin);  // exactly at -tol: in
        QVERIFY(!set->member(QStringLiteral("hmi")));                           // 1 ms beyond: out
        QVERIFY(!set->isComplete());
        QCOMPARE(set->missingChannels(), QStringList{QStringLiteral("hmi")});
        QCOMPARE(set->maxOffsetMs(), 10 * kMin);
        QCOMPARE(set->spreadMs(), 20 * kMin);
        auto wider = m_catalog->nearestSet(kEdge, m_channels, 10 * kMin + 1);
        QVERIFY(wider);
        QVERIFY(wider->isComplete());
        QCOMPARE(wider->member(QStringLiteral("hmi"))->timeMs, e + 10 * kMin + 1);
        auto narrow = m_catalog->nearestSet(kEdge, m_channels, 10 * kMin - 1);
        QVERIFY(narrow);
        QCOMPARE(narrow->missingChannels(), (QStringList{QStringLiteral("171"), QStringLiteral("1600"), QStringLiteral("hmi")}));
        auto zero = m_catalog->nearestSet(fromMs(e - 5 * kMin), {QStringLiteral("193")}, 0);
        QVERIFY(zero && zero->isComplete());  // an exact hit with zero tolerance
        // Bad arguments are errors, not empty sets.
        QVERIFY(!m_catalog->nearestSet(kEdge, {QStringLiteral("172")}, kMin));
        QVERIFY(!m_catalog->nearestSet(kEdge, {}, kMin));
        QVERIFY(!m_catalog->nearestSet(kEdge, m_channels, -1));
    }

    void completeSets_data()
    {
        QTest::addColumn<QStringList>("channels");
        QTest::addColumn<QString>("anchor");
        QTest::addColumn<qint64>("tolerance");
        QTest::addColumn<qint64>("spacing");
        QTest::addColumn<bool>("nominal");
        QTest::addColumn<QDateTime>("from");
        QTest::addColumn<QDateTime>("to");
        QTest::addColumn<int>("expected");  // number of sets known by hand, or -1 (then: some)
        const QStringList all = m_channels;
        QTest::newRow("4ch 5min") << all << QString() << 5 * kMin << qint64(0) << false << QDateTime() << QDateTime() << -1;
        QTest::newRow("4ch 12min anchor hmi") << all << QStringLiteral("hmi") << 12 * kMin << qint64(0) << false
                                              << utc(2011, 6, 28) << utc(2011, 7, 3) << -1;
        QTest::newRow("2ch 3min spacing 2h") << QStringList{QStringLiteral("hmi"), QStringLiteral("171")} << QString()
                                             << 3 * kMin << 2 * kHour << false << QDateTime() << QDateTime() << -1;
        QTest::newRow("2ch nominal quality") << QStringList{QStringLiteral("193"), QStringLiteral("171")} << QString()
                                             << 4 * kMin << qint64(0) << true << utc(2011, 6, 29, 6) << utc(2011, 7, 2, 18) << -1;
        // Anchored on the 171 file at edge+10min: 1600 (edge-10min) is exactly 20 min away, hmi 1 ms, 193 5 min
        // before and 5 min after (the earlier one wins).
        QTest::newRow("edge window 20min") << all << QStringLiteral("171") << 20 * kMin << qint64(0) << false
                                           << kEdge.addDays(-1) << kEdge.addDays(1) << 1;
        QTest::newRow("edge window 20min-1ms") << all << QStringLiteral("171") << 20 * kMin - 1 << qint64(0) << false
                                               << kEdge.addDays(-1) << kEdge.addDays(1) << 0;
        // The anchor's range is half-open: an anchor exactly at `to` is out, exactly at `from` in.
        QTest::newRow("edge anchor at from") << all << QStringLiteral("171") << 20 * kMin << qint64(0) << false
                                             << kEdge.addSecs(600) << kEdge.addDays(1) << 1;
        QTest::newRow("edge anchor at to") << all << QStringLiteral("171") << 20 * kMin << qint64(0) << false
                                           << kEdge.addDays(-1) << kEdge.addSecs(600) << 0;
    }

    void completeSets()
    {
        QFETCH(QStringList, channels);
        QFETCH(QString, anchor);
        QFETCH(qint64, tolerance);
        QFETCH(qint64, spacing);
        QFETCH(bool, nominal);
        QFETCH(QDateTime, from);
        QFETCH(QDateTime, to);
        QFETCH(int, expected);
        CoTemporalOptions o;
        o.toleranceMs = tolerance;
        o.anchorChannel = anchor;
        o.minSpacingMs = spacing;
        o.nominalQualityOnly = nominal;
        auto got = m_catalog->completeSets(from, to, channels, o);
        QVERIFY2(got, qPrintable(got.errorString()));

        const QString a = anchor.isEmpty() ? channels.first() : anchor;
        const qint64 lo = from.isValid() ? from.toMSecsSinceEpoch() : std::numeric_limits<qint64>::min();
        const qint64 hi = to.isValid() ? to.toMSecsSinceEpoch() : std::numeric_limits<qint64>::max();
        QVector<QVector<FixtureFile>> want;
        QVector<qint64> refs;
        std::optional<qint64> last;
        for (const FixtureFile &f : of(a, nominal)) {
            if (f.timeMs < lo || f.timeMs >= hi)
                continue;
            if (spacing > 0 && last && f.timeMs - *last < spacing)
                continue;
            QVector<FixtureFile> members;
            for (const QString &ch : channels) {
                const auto m = ch == a ? std::optional<FixtureFile>(f) : bruteNearest(ch, f.timeMs, tolerance, nominal);
                if (!m)
                    break;
                members << *m;
            }
            if (members.size() != channels.size())
                continue;
            want << members;
            refs << f.timeMs;
            last = f.timeMs;
        }
        QCOMPARE(got->size(), want.size());
        if (QTest::currentDataTag() == QByteArray("edge window 20min"))
            QCOMPARE((*got)[0].member(QStringLiteral("193"))->timeMs, kEdge.toMSecsSinceEpoch() + 5 * kMin);
        if (expected >= 0)
            QCOMPARE(int(want.size()), expected);
        else
            QVERIFY(!want.isEmpty());
        for (int i = 0; i < want.size(); ++i) {
            const ObservationSet &s = (*got)[i];
            QCOMPARE(s.referenceTimeMs, refs[i]);
            QVERIFY(s.isComplete());
            QVERIFY(s.maxOffsetMs() <= tolerance);
            for (int c = 0; c < channels.size(); ++c)
                QCOMPARE(s.members[c].relativePath, want[i][c].relativePath);
        }
        // Bulk rows are decoded through SQLite's C API, single ones through Qt Sql: every field agrees.
        for (int i = 0; i < std::min<qsizetype>(got->size(), 5); ++i) {
            for (const Observation &m : (*got)[i].members) {
                auto one = m_catalog->observationForPath(m.path);
                QVERIFY2(one, qPrintable(one.errorString()));
                QCOMPARE(m.id, one->id);
                QCOMPARE(m.path, one->path);
                QCOMPARE(m.instrument, one->instrument);
                QCOMPARE(m.detector, one->detector);
                QCOMPARE(m.channel, one->channel);
                QCOMPARE(m.timeMs, one->timeMs);
                QCOMPARE(m.wavelength, one->wavelength);
                QCOMPARE(m.exptime, one->exptime);
                QCOMPARE(m.naxis1, one->naxis1);
                QCOMPARE(m.naxis2, one->naxis2);
                QCOMPARE(m.bitpix, one->bitpix);
                QCOMPARE(m.hdu, one->hdu);
                QCOMPARE(m.compression, one->compression);
                QCOMPARE(m.unit, one->unit);
                QCOMPARE(m.level, one->level);
                QCOMPARE(m.quality, one->quality);
                QCOMPARE(m.cdelt1, one->cdelt1);
                QCOMPARE(m.cdelt2, one->cdelt2);
                QCOMPARE(m.crota2, one->crota2);
                QCOMPARE(m.rsunObs, one->rsunObs);
                QCOMPARE(m.fileSize, one->fileSize);
                QCOMPARE(m.mtimeMs, one->mtimeMs);
            }
        }
    }

    void completeSetErrors()
    {
        CoTemporalOptions o;
        o.anchorChannel = QStringLiteral("304");
        QVERIFY(!m_catalog->completeSets({}, {}, m_channels, o));  // anchor not among the channels
        QVERIFY(!m_catalog->completeSets({}, {}, {}, {}));
        QVERIFY(!m_catalog->availability({}, {}, Availability::Unit::Day, 0));
        QVERIFY(!m_catalog->availability(utc(2011, 7, 2), utc(2011, 7, 1), Availability::Unit::Day));
    }
};

QTEST_GUILESS_MAIN(TestCatalogQueries)
#include "tst_catalog_queries.moc"
