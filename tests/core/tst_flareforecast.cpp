// Flare-forecast targets, splits and verification (issue 12): closed-form metric values (perfect, inverted and
// constant forecasts; a contingency table computed by hand), AUC / Brier / BSS against numpy
// (tests/reference/flare_metrics.py, pairwise AUC), Platt scaling recovering a known law, the window labels
// and persistence, and the time-block split's guarantees (buffers at least the window, no label window crossing
// into another split, counts recorded), the label-fraction draw by time blocks, and a split without flares.
#include "TestSupport.h"

#include "core/archive/FlareLabels.h"
#include "core/archive/FlareMetrics.h"
#include "core/synthetic/SyntheticSun.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTimeZone>
#include <QtTest>

#include <cmath>
#include <random>

using namespace solarchip;

namespace {

QDateTime utc(int y, int mo, int d, int h = 0) { return QDateTime(QDate(y, mo, d), QTime(h, 0), QTimeZone::utc()); }

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

}  // namespace

class TestFlareForecast : public QObject {
    Q_OBJECT
private slots:
    void contingencyByHand()
    {
        // TP 30, FN 10, FP 20, TN 140: POD 0.75, POFD 0.125, TSS 0.625;
        // HSS = 2(30*140 - 10*20) / ((40)(150) + (50)(160)) = 8000 / 14000.
        Contingency t{30, 10, 20, 140};
        QCOMPARE(t.tss(), 0.625);
        QVERIFY(std::abs(t.hss() - 8000.0 / 14000.0) < 1e-12);
        std::vector<double> p;
        std::vector<int> y;
        for (int i = 0; i < 30; ++i) { p.push_back(0.9); y.push_back(1); }
        for (int i = 0; i < 10; ++i) { p.push_back(0.1); y.push_back(1); }
        for (int i = 0; i < 20; ++i) { p.push_back(0.8); y.push_back(0); }
        for (int i = 0; i < 140; ++i) { p.push_back(0.2); y.push_back(0); }
        const Contingency c = contingencyAt(p, y, 0.5);
        QCOMPARE(c.tp, 30LL);
        QCOMPARE(c.fn, 10LL);
        QCOMPARE(c.fp, 20LL);
        QCOMPARE(c.tn, 140LL);
    }

    void perfectInvertedConstant()
    {
        const std::vector<int> y{1, 0, 0, 1, 0, 0, 0, 1};
        std::vector<double> perfect, inverted, constant(y.size(), 0.375);
        for (int v : y) {
            perfect.push_back(v);
            inverted.push_back(1 - v);
        }
        auto sp = scoreForecast(perfect, y, 0.5, 0.375, QStringLiteral("perfect"), 50);
        QVERIFY(sp);
        QCOMPARE(sp->tss, 1.0);
        QCOMPARE(sp->hss, 1.0);
        QCOMPARE(sp->auc, 1.0);
        QCOMPARE(sp->bss, 1.0);
        auto si = scoreForecast(inverted, y, 0.5, 0.375, QStringLiteral("inverted"), 50);
        QVERIFY(si);
        QCOMPARE(si->tss, -1.0);
        QCOMPARE(si->auc, 0.0);
        // Brier 1 against the climatology's 0.375 * 0.625 = 0.234375.
        QVERIFY(std::abs(si->bss - (1.0 - 1.0 / 0.234375)) < 1e-12);
        auto sc = scoreForecast(constant, y, 0.375, 0.375, QStringLiteral("constant"), 50);
        QVERIFY(sc);
        QCOMPARE(sc->tss, 0.0);
        QCOMPARE(sc->hss, 0.0);
        QCOMPARE(sc->auc, 0.5);
        QVERIFY(std::abs(sc->bss) < 1e-12);
        QCOMPARE(sc->nPos, 3);
        QCOMPARE(sc->nNeg, 5);
        // The best threshold of the perfect forecast separates the classes.
        QCOMPARE(contingencyAt(perfect, y, maxTssThreshold(perfect, y)).tss(), 1.0);
    }

    void noFlaresIsReportedNotDivided()
    {
        const std::vector<double> p{0.1, 0.2, 0.3};
        const std::vector<int> y{0, 0, 0};
        auto s = scoreForecast(p, y, 0.5, 0.1, QStringLiteral("test block"), 10);
        QVERIFY(!s);
        QVERIFY2(s.error().message.contains(QLatin1String("no positive cases")), qPrintable(s.error().message));
        QVERIFY(s.error().message.contains(QLatin1String("test block")));
        QVERIFY(std::isnan(rocAuc(p, y)));
    }

    void aucBrierAgainstNumpy()
    {
        std::mt19937_64 rng(7);
        std::uniform_real_distribution<double> u(0, 1);
        std::vector<double> p;
        std::vector<int> y;
        for (int i = 0; i < 400; ++i) {
            // Rounded probabilities make ties, which the pairwise reference counts half.
            const double q = std::round(u(rng) * 20) / 20;
            p.push_back(q);
            y.push_back(u(rng) < 0.2 + 0.6 * q ? 1 : 0);
        }
        const double clim = 0.45;
        QTemporaryDir dir;
        QJsonArray pa, ya;
        for (size_t i = 0; i < p.size(); ++i) {
            pa.append(p[i]);
            ya.append(y[i]);
        }
        QFile f(dir.filePath(QStringLiteral("case.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QJsonDocument(QJsonObject{{QStringLiteral("p"), pa}, {QStringLiteral("y"), ya}, {QStringLiteral("clim"), clim}}).toJson());
        f.close();
        const auto r = test::runPython(QStringLiteral("flare_metrics.py"), {f.fileName()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        const QJsonObject ref = QJsonDocument::fromJson(r.out).object();
        QVERIFY(std::abs(rocAuc(p, y) - ref.value(QStringLiteral("auc")).toDouble()) < 1e-12);
        QVERIFY(std::abs(brierScore(p, y) - ref.value(QStringLiteral("brier")).toDouble()) < 1e-12);
        QVERIFY(std::abs(brierSkillScore(p, y, clim) - ref.value(QStringLiteral("bss")).toDouble()) < 1e-12);
        // The bootstrap interval brackets the point value.
        auto s = scoreForecast(p, y, 0.5, clim, QStringLiteral("case"), 300);
        QVERIFY(s);
        QVERIFY(s->aucLo <= s->auc && s->auc <= s->aucHi);
        QVERIFY(s->tssLo <= s->tss && s->tss <= s->tssHi);
        QVERIFY(s->aucHi - s->aucLo < 0.2);
    }

    void plattRecoversALogisticLaw()
    {
        // Outcomes drawn from P = sigmoid(2 z - 1): the fit finds a ~ 2, b ~ -1 on many cases.
        std::mt19937_64 rng(3);
        std::normal_distribution<double> g(0, 1.5);
        std::uniform_real_distribution<double> u(0, 1);
        std::vector<double> z;
        std::vector<int> y;
        for (int i = 0; i < 20000; ++i) {
            const double v = g(rng);
            z.push_back(v);
            y.push_back(u(rng) < 1 / (1 + std::exp(-(2 * v - 1))) ? 1 : 0);
        }
        const PlattScaling s = PlattScaling::fit(z, y);
        QVERIFY2(std::abs(s.a - 2) < 0.1, qPrintable(QString::number(s.a)));
        QVERIFY2(std::abs(s.b + 1) < 0.1, qPrintable(QString::number(s.b)));
        // Four separable cases stay finite (no probability of exactly 0 or 1).
        const PlattScaling t = PlattScaling::fit({-1, -0.5, 0.5, 1}, {0, 0, 1, 1});
        QVERIFY(t.apply(1) < 1 && t.apply(-1) > 0);

        // Saturated scores (a head that overfits a few training cases: logits of +-16 on the validation block),
        // 15 of 60 "yes" and 11 of 72 "no" cases positive. The fit is the minimum of the penalised cross-entropy
        // against Platt's smoothed targets: its gradient (computed here from the definition) vanishes, and the
        // calibrated probabilities are the smoothed positive rates of the two groups, not 0 and 1.
        std::vector<double> zs;
        std::vector<int> ys;
        for (int i = 0; i < 60; ++i) {
            zs.push_back(16.1);
            ys.push_back(i < 15 ? 1 : 0);
        }
        for (int i = 0; i < 72; ++i) {
            zs.push_back(-16.1);
            ys.push_back(i < 11 ? 1 : 0);
        }
        const PlattScaling sat = PlattScaling::fit(zs, ys);
        QVERIFY2(std::isfinite(sat.a) && std::isfinite(sat.b) && std::abs(sat.b) < 100,
                 qPrintable(QStringLiteral("a %1 b %2").arg(sat.a).arg(sat.b)));
        const double tPos = 27.0 / 28.0, tNeg = 1.0 / 108.0;  // (26 + 1) / (26 + 2), 1 / (106 + 2)
        double ga = sat.a - 1, gb = 0;
        for (size_t i = 0; i < zs.size(); ++i) {
            const double d = sat.apply(zs[i]) - (ys[i] ? tPos : tNeg);
            ga += d * zs[i];
            gb += d;
        }
        QVERIFY2(std::abs(ga) < 1e-5 && std::abs(gb) < 1e-5, qPrintable(QStringLiteral("gradient %1 %2").arg(ga).arg(gb)));
        QVERIFY(sat.apply(16.1) > 0.1 && sat.apply(16.1) < 0.5);    // ~ 25 % of the "yes" group flared
        QVERIFY(sat.apply(-16.1) > 0.05 && sat.apply(-16.1) < 0.3); // ~ 15 % of the "no" group
        QVERIFY(sat.apply(16.1) > sat.apply(-16.1));
    }

    void windowLabelsAndPersistence()
    {
        FlareList list({flare(utc(2012, 3, 1, 6), QStringLiteral("C3.0")), flare(utc(2012, 3, 1, 20), QStringLiteral("M1.2")),
                        flare(utc(2012, 3, 3, 1), QStringLiteral("X2.0")), flare(utc(2012, 3, 5, 0), QStringLiteral("B9.0"))});
        const QVector<QDateTime> t{utc(2012, 3, 1), utc(2012, 3, 2), utc(2012, 3, 3), utc(2012, 3, 4), utc(2012, 3, 5)};
        // [t, t+24h): day 1 holds C3 and M1.2 -> M; day 2 none; day 3 X2 (01:00); day 4 none; day 5 B9 (quiet).
        QCOMPARE(flareWindowClasses(list, t, 86400), (QVector<int>{2, 0, 3, 0, 0}));
        // 48 h: day 2 reaches the X at 01:00 on day 3.
        QCOMPARE(flareWindowClasses(list, t, 2 * 86400), (QVector<int>{2, 3, 3, 0, 0}));
        // 12 h from 00:00 on day 1 sees only the C3 at 06:00.
        QCOMPARE(flareWindowClasses(list, t, 12 * 3600).front(), 1);
        // Persistence looks back: [t-24h, t).
        QCOMPARE(flarePastClasses(list, t, 86400), (QVector<int>{0, 2, 0, 3, 0}));
        QCOMPARE(flareLabelOf(2, FlareTarget::GeC), 1);
        QCOMPARE(flareLabelOf(1, FlareTarget::GeM), 0);
        QCOMPARE(flareLabelOf(3, FlareTarget::FourClass), 3);
        QCOMPARE(flareClassIndex(9.96e-6), 2);  // rounds to M1.0 as the list writes it
        QVERIFY(!flareTargetFromString(QStringLiteral("Q")));
        QCOMPARE(*flareTargetFromString(QStringLiteral("4CLASS")), FlareTarget::FourClass);

        // The balance the wizard shows: by hand from the list above, windows of 24 h after days 1..5 (any order):
        // >=C on days 1 and 3, >=M on the same two; flares in [day 1, day 5 + 24 h): C3, M1.2, X2 (B9 is below C).
        const FlareTargetBalance b = flareTargetBalance(list, {t[4], t[0], t[2], t[1], t[3]}, 86400);
        QCOMPARE(b.samples, 5);
        QCOMPARE(b.positiveC, 2);
        QCOMPARE(b.positiveM, 2);
        QCOMPARE(b.flaresC, 1);
        QCOMPARE(b.flaresM, 1);
        QCOMPARE(b.flaresX, 1);
        // Only days 2..4: the span [day 2, day 5) holds the X alone; day 2's 48 h window reaches it.
        const FlareTargetBalance mid = flareTargetBalance(list, {t[1], t[2], t[3]}, 2 * 86400);
        QCOMPARE(mid.positiveM, 2);  // days 2 and 3
        QCOMPARE(mid.flaresC + mid.flaresM + mid.flaresX, 1);
        QCOMPARE(flareTargetBalance(list, {}, 86400).samples, 0);
    }

    void syntheticOptionsRoundTrip()
    {
        // The oracle of an existing archive rebuilds its Sun from synth.json: the options must come back whole.
        SyntheticOptions o;
        o.start = utc(2012, 7, 1, 6);
        o.days = 40;
        o.cadenceHours = 6;
        o.size = 256;
        o.channels = {QStringLiteral("hmi"), QStringLiteral("171")};
        o.seed = 18446744073709551557ULL;
        o.activity = 0.7;
        SyntheticRegionSpec r;
        r.emergence = utc(2012, 7, 3);
        r.lonDeg = -30;
        r.complexity = 3;
        r.flareRatePerDay = 4;
        o.regions << r;
        auto back = SyntheticOptions::fromJson(o.toJson());
        QVERIFY2(back, qPrintable(back ? QString() : back.error().message));
        QCOMPARE(back->toJson(), o.toJson());
        QCOMPARE(back->seed, o.seed);
        QJsonObject old = o.toJson();
        old.insert(QStringLiteral("model_version"), 1);
        auto refused = SyntheticOptions::fromJson(old);
        QVERIFY(!refused);
        QVERIFY(refused.error().message.contains(QLatin1String("model_version 1")));
    }

    void timeBlockSplit()
    {
        QVector<QDateTime> t;
        for (int d = 0; d < 1095; ++d)
            t << utc(2011, 1, 1, 12).addDays(d);
        FlareSplitOptions o;
        o.windowSeconds = 48 * 3600;
        auto s = makeFlareSplit(t, o);
        QVERIFY(s);
        QCOMPARE(s->blocks.size(), 19);  // floor(1094 / 60) + 1
        QCOMPARE(s->blocks[2].part, FlareSplitPart::Validation);
        QCOMPARE(s->blocks[4].part, FlareSplitPart::Test);
        // Between any kept sample and a later sample of another split lie at least the buffer (27 d >= window).
        const auto train = s->indices(FlareSplitPart::Train), val = s->indices(FlareSplitPart::Validation),
                   test = s->indices(FlareSplitPart::Test);
        QVERIFY(!train.empty() && !val.empty() && !test.empty());
        for (int i = 0; i < t.size(); ++i) {
            if (s->part[i] == FlareSplitPart::Buffer)
                continue;
            for (int j = i + 1; j < std::min<int>(t.size(), i + 40); ++j)
                if (s->part[j] != FlareSplitPart::Buffer && s->part[j] != s->part[i])
                    QVERIFY2(t[i].secsTo(t[j]) >= 27 * 86400, qPrintable(t[i].toString(Qt::ISODate)));
        }
        // About 60/20/20 of the kept samples.
        const double kept = static_cast<double>(train.size() + val.size() + test.size());
        QVERIFY(train.size() / kept > 0.5 && train.size() / kept < 0.7);
        const QJsonObject j = s->toJson(QVector<int>(t.size(), 0));
        QCOMPARE(j.value(QStringLiteral("counts")).toObject().value(QStringLiteral("test")).toObject().value(QStringLiteral("n")).toInt(),
                 static_cast<int>(test.size()));
        QCOMPARE(j.value(QStringLiteral("blocks")).toArray().size(), 19);
        // Too short a span is refused with the reason.
        auto shortSplit = makeFlareSplit(t.mid(0, 100), o);
        QVERIFY(!shortSplit);
        QVERIFY(shortSplit.error().message.contains(QLatin1String("too short")));

        // Label fractions by time blocks: 3-day runs; 5% of them, the same for the same seed, whole runs only.
        const auto five = drawLabelFraction(t, train, 0.05, 9);
        QCOMPARE(five, drawLabelFraction(t, train, 0.05, 9));
        QVERIFY(five != drawLabelFraction(t, train, 0.05, 10));
        QVERIFY(five.size() >= 10 && five.size() <= 3 * 12);
        QCOMPARE(drawLabelFraction(t, train, 1.0, 9), train);
    }
};

QTEST_GUILESS_MAIN(TestFlareForecast)
#include "tst_flareforecast.moc"
