// core/Scaling against numpy formulas and astropy.visualization (tests/reference/scaling_reference.py, run
// once per test executable on deterministic data with NaN and inf): percentiles, stretches, display limits
// (min/max, percentiles, zscale), ImageNormalize, the model transforms and their inverses, z-score statistics
// accumulated in parts, and the JSON round trip of a stored normalisation.
#include "TestSupport.h"

#include "core/map/Scaling.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonObject>
#include <QtTest>

#include <cmath>
#include <limits>
#include <vector>

using namespace solarchip;

namespace {

std::vector<float> readF32(const QString &path, int n)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    std::vector<float> v(static_cast<std::size_t>(n));
    if (f.read(reinterpret_cast<char *>(v.data()), n * 4) != n * 4)
        return {};
    return v;
}

bool close(double a, double b, double rel, double abs = 0)
{
    return std::fabs(a - b) <= rel * std::max(std::fabs(a), std::fabs(b)) + abs;
}

QString msg(const char *what, double got, double want)
{
    return QStringLiteral("%1: %2 vs reference %3").arg(QLatin1String(what)).arg(got, 0, 'g', 12).arg(want, 0, 'g', 12);
}

}  // namespace

class TestScaling : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir = test::scratchDir();
    QJsonObject m_ref;
    std::vector<float> m_aia, m_hmi;

private slots:
    void initTestCase()
    {
        const auto r = test::runPython(QStringLiteral("scaling_reference.py"), {m_dir.path()});
        QVERIFY2(r.exitCode == 0, r.err.constData());
        m_ref = test::parseJson(r.out).object();
        QVERIFY(!m_ref.isEmpty());
        m_aia = readF32(m_dir.filePath(QStringLiteral("aia.f32")), 60000);
        m_hmi = readF32(m_dir.filePath(QStringLiteral("hmi.f32")), 60000);
        QCOMPARE(int(m_aia.size()), 60000);
        QCOMPARE(int(m_hmi.size()), 60000);
    }

    void percentilesMatchNumpy()
    {
        const QJsonObject p = m_ref.value(QStringLiteral("percentiles")).toObject();
        std::vector<double> ps;
        for (const QJsonValue &v : p.value(QStringLiteral("p")).toArray())
            ps.push_back(v.toDouble());
        for (const char *name : {"aia", "hmi"}) {
            const std::vector<float> &d = QLatin1String(name) == QLatin1String("aia") ? m_aia : m_hmi;
            const std::vector<double> got = percentiles(d.data(), d.size(), ps);
            const QJsonArray want = p.value(QLatin1String(name)).toArray();
            for (std::size_t i = 0; i < ps.size(); ++i)
                QVERIFY2(close(got[i], want[int(i)].toDouble(), 1e-9, 1e-9), qPrintable(msg(name, got[i], want[int(i)].toDouble())));
            QVERIFY(close(percentile(d.data(), d.size(), 50.0), want[3].toDouble(), 1e-9));
        }
        const float nothing[3] = {NAN, INFINITY, NAN};
        QVERIFY(std::isnan(percentile(nothing, 3, 50)));
    }

    void stretchesMatchAstropy()
    {
        const QJsonArray t = m_ref.value(QStringLiteral("stretch_t")).toArray();
        const QJsonObject s = m_ref.value(QStringLiteral("stretches")).toObject();
        for (auto it = s.constBegin(); it != s.constEnd(); ++it) {
            const auto stretch = Stretch::fromString(it.key());
            QVERIFY2(stretch.has_value(), qPrintable(it.key()));
            const QJsonArray want = it.value().toArray();
            for (int i = 0; i < t.size(); ++i) {
                const double x = t[i].toDouble(), y = (*stretch)(x);
                QVERIFY2(close(y, want[i].toDouble(), 1e-12, 1e-15), qPrintable(it.key() + QLatin1Char(' ') + msg("y", y, want[i].toDouble())));
                QVERIFY2(close(stretch->inverse(y), x, 1e-9, 1e-12), qPrintable(it.key() + QStringLiteral(" inverse")));
            }
        }
        QVERIFY(!Stretch::fromString(QStringLiteral("gamma")).has_value());
        QVERIFY(!Stretch::fromString(QStringLiteral("log:-3")).has_value());
        QCOMPARE(Stretch::asinh().a, 0.1);  // astropy's defaults
        QCOMPARE(Stretch::log().a, 1000.0);
    }

    void limitsMatchAstropy()
    {
        const QJsonObject l = m_ref.value(QStringLiteral("limits")).toObject();
        for (const char *name : {"aia", "hmi"}) {
            const std::vector<float> &d = QLatin1String(name) == QLatin1String("aia") ? m_aia : m_hmi;
            const QJsonObject r = l.value(QLatin1String(name)).toObject();
            const struct {
                const char *key;
                Interval interval;
            } cases[] = {{"minmax", Interval::minMax()},
                         {"percentile99.5", Interval::percentile(99.5)},
                         {"asym1_99.9", Interval::percentiles(1.0, 99.9)},
                         {"zscale", Interval::zscale()}};
            for (const auto &c : cases) {
                const Limits got = c.interval.limits(d.data(), d.size());
                const QJsonArray want = r.value(QLatin1String(c.key)).toArray();
                QVERIFY2(close(got.vmin, want[0].toDouble(), 1e-6, 1e-6), qPrintable(QStringLiteral("%1 %2 ").arg(name, c.key) + msg("vmin", got.vmin, want[0].toDouble())));
                QVERIFY2(close(got.vmax, want[1].toDouble(), 1e-6, 1e-6), qPrintable(QStringLiteral("%1 %2 ").arg(name, c.key) + msg("vmax", got.vmax, want[1].toDouble())));
            }
        }
    }

    void imageNormalizeMatchesAstropy()
    {
        const QJsonArray idx = m_ref.value(QStringLiteral("normalize_index")).toArray();
        const auto n1 = DisplayNormalize::fromData(m_aia.data(), m_aia.size(), Interval::minMax(), Stretch::asinh(0.01));
        const auto n2 = DisplayNormalize::fromData(m_aia.data(), m_aia.size(), Interval::percentile(99.5), Stretch::log(1000));
        std::vector<float> all(m_aia.size());
        n1.apply(m_aia.data(), all.data(), all.size());
        for (const auto &[key, norm] : {std::pair{"normalize_asinh_minmax", &n1}, std::pair{"normalize_log_p99.5", &n2}}) {
            const QJsonArray want = m_ref.value(QLatin1String(key)).toArray();
            for (int i = 0; i < idx.size(); ++i) {
                const int k = idx[i].toInt();
                const double got = (*norm)(m_aia[k]);
                if (want[i].isNull()) {
                    QVERIFY(std::isnan(got));
                    continue;
                }
                QVERIFY2(close(got, want[i].toDouble(), 1e-6, 1e-7), qPrintable(msg(key, got, want[i].toDouble())));
                if (norm == &n1)
                    QVERIFY(close(all[k], want[i].toDouble(), 1e-5, 1e-6));
            }
        }
        QVERIFY(close(n2.inverse(n2(1234.5)), 1234.5, 1e-9));
    }

    void modelTransformsMatchNumpy()
    {
        const QJsonArray x = m_ref.value(QStringLiteral("model_x")).toArray();
        const QJsonObject m = m_ref.value(QStringLiteral("model")).toObject();
        for (auto it = m.constBegin(); it != m.constEnd(); ++it) {
            ModelNormalize n;
            n.transform = *ModelNormalize::transformFromName(it.key().section(QLatin1Char(':'), 0, 0));
            n.scale = it.key().section(QLatin1Char(':'), 1).toDouble();
            const QJsonArray want = it.value().toArray();
            for (int i = 0; i < x.size(); ++i) {
                const double y = n.transformValue(x[i].toDouble());
                QVERIFY2(close(y, want[i].toDouble(), 1e-12, 1e-15), qPrintable(it.key() + QLatin1Char(' ') + msg("y", y, want[i].toDouble())));
                // Inverse where the transform is one-to-one.
                if (n.transform == ModelTransform::SignedLog || n.transform == ModelTransform::Asinh || x[i].toDouble() >= 0)
                    QVERIFY2(close(n.inverseTransformValue(y), x[i].toDouble(), 1e-9, 1e-12), qPrintable(it.key() + QStringLiteral(" inverse")));
            }
        }
        QCOMPARE(signedLog(-std::expm1(2.0)), -2.0);
        QVERIFY(std::isnan(signedLog(NAN)));
        // The model stretches equal astropy's display stretches up to their constant normalisation.
        const QJsonArray t = m_ref.value(QStringLiteral("stretch_t")).toArray();
        const QJsonObject a = m_ref.value(QStringLiteral("model_vs_astropy")).toObject();
        ModelNormalize asinh, log1p, sq;
        asinh.transform = ModelTransform::Asinh;
        asinh.scale = 10.0;
        log1p.transform = ModelTransform::Log1p;
        log1p.scale = 1000.0;
        sq.transform = ModelTransform::Sqrt;
        for (int i = 0; i < t.size(); ++i) {
            QVERIFY(close(asinh.transformValue(t[i].toDouble()), a.value(QStringLiteral("asinh_a0.1")).toArray()[i].toDouble(), 1e-12, 1e-15));
            QVERIFY(close(log1p.transformValue(t[i].toDouble()), a.value(QStringLiteral("log_a1000")).toArray()[i].toDouble(), 1e-12, 1e-15));
            QVERIFY(close(sq.transformValue(t[i].toDouble()), a.value(QStringLiteral("sqrt")).toArray()[i].toDouble(), 1e-12, 1e-15));
        }
    }

    // Statistics accumulated image by image (here: in two halves each) equal numpy over all of it; saved and
    // reloaded they normalise exactly as numpy's (x' - mean) / std.
    void zscoreStoredStatistics()
    {
        ModelNormalize n;
        n.transform = ModelTransform::SignedLog;
        n.accumulate(QStringLiteral("171"), m_aia.data(), 25000);
        n.accumulate(QStringLiteral("171"), m_aia.data() + 25000, 35000);
        // HMI clipped at +-1500 G before the transform: a separate normalisation per channel family is usual,
        // but one object with clipping must also give numpy's numbers for the clipped data.
        ModelNormalize h = n;
        h.clipMin = -1500.0;
        h.clipMax = 1500.0;
        h.accumulate(QStringLiteral("hmi"), m_hmi.data(), 30000);
        h.accumulate(QStringLiteral("hmi"), m_hmi.data() + 30000, 30000);
        n.finishStats();
        h.finishStats();
        const QJsonObject z = m_ref.value(QStringLiteral("zscore")).toObject();
        const QJsonArray za = z.value(QStringLiteral("aia")).toArray(), zh = z.value(QStringLiteral("hmi")).toArray();
        QVERIFY(n.zscore);
        QVERIFY2(close(n.stats[QStringLiteral("171")].mean, za[0].toDouble(), 1e-6), qPrintable(msg("mean", n.stats[QStringLiteral("171")].mean, za[0].toDouble())));
        QVERIFY(close(n.stats[QStringLiteral("171")].std, za[1].toDouble(), 1e-6));
        QCOMPARE(n.stats[QStringLiteral("171")].count, static_cast<long long>(za[2].toInt()));
        QVERIFY(close(h.stats[QStringLiteral("hmi")].mean, zh[0].toDouble(), 1e-5, 1e-7));
        QVERIFY(close(h.stats[QStringLiteral("hmi")].std, zh[1].toDouble(), 1e-6));

        auto dir = test::scratchDir();
        const QString path = dir.filePath(QStringLiteral("norm.json"));
        QVERIFY(h.save(path).ok());
        auto loaded = ModelNormalize::load(path);
        QVERIFY2(loaded.ok(), qPrintable(loaded.errorString()));
        QCOMPARE(loaded->transform, ModelTransform::SignedLog);
        QCOMPARE(*loaded->clipMax, 1500.0);
        const QJsonObject s = m_ref.value(QStringLiteral("zscore_sample")).toObject();
        const float v = static_cast<float>(s.value(QStringLiteral("hmi_value")).toDouble());
        float out = 0;
        QVERIFY(loaded->apply(QStringLiteral("hmi"), &v, &out, 1).ok());
        QVERIFY2(close(out, s.value(QStringLiteral("normalised")).toDouble(), 1e-5), qPrintable(msg("z", out, s.value(QStringLiteral("normalised")).toDouble())));
        float back = 0;
        QVERIFY(loaded->invert(QStringLiteral("hmi"), &out, &back, 1).ok());
        QVERIFY(close(back, std::clamp(v, -1500.0f, 1500.0f), 1e-4));
        // Unknown channel, broken file: clear errors.
        QVERIFY(!loaded->apply(QStringLiteral("193"), &v, &out, 1).ok());
        QFile bad(dir.filePath(QStringLiteral("bad.json")));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("{\"transform\": \"cube\"}");
        bad.close();
        auto broken = ModelNormalize::load(bad.fileName());
        QVERIFY(!broken.ok());
        QVERIFY(broken.errorString().contains(QLatin1String("bad.json")));
        QVERIFY(!ModelNormalize::load(dir.filePath(QStringLiteral("missing.json"))).ok());
    }

    // The radial climatology: closed forms. Two images per channel, constant c1 and c2 everywhere: every radius
    // has mean (c1+c2)/2 and (population) std |c1-c2|/2. A disk of value D (r < R) on 0, and 2D on 0: inside
    // mean 1.5D, std 0.5D; far outside mean 0 and the std floor.
    void radialClimatology()
    {
        const int side = 64;
        const std::size_t n = static_cast<std::size_t>(side) * side;
        ModelNormalize norm;
        norm.transform = ModelTransform::SignedLog;
        std::vector<float> a(n, 1.0f), b(n, 3.0f);
        norm.accumulateRadial(QStringLiteral("171"), a.data(), side);
        norm.accumulateRadial(QStringLiteral("171"), b.data(), side);
        const double c = 0.5 * (side - 1), R = 20.0, D = 4.0;
        std::vector<float> d1(n), d2(n);
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x) {
                const bool in = std::hypot(x - c, y - c) < R;
                d1[y * side + x] = in ? D : 0.0f;
                d2[y * side + x] = in ? 2 * D : 0.0f;
            }
        d2[0] = std::numeric_limits<float>::quiet_NaN();  // skipped, not poisoning its bin
        norm.accumulateRadial(QStringLiteral("hmi"), d1.data(), side);
        norm.accumulateRadial(QStringLiteral("hmi"), d2.data(), side);
        norm.finishRadial();
        QVERIFY(norm.radial.contains(QStringLiteral("171")) && norm.radial.contains(QStringLiteral("hmi")));
        const auto &p171 = norm.radial[QStringLiteral("171")];
        QCOMPARE(p171.side, side);
        QVERIFY(p171.mean.size() >= static_cast<std::size_t>(std::ceil(c * std::sqrt(2.0))) + 1);
        for (std::size_t k = 0; k < p171.mean.size(); ++k) {
            QVERIFY2(close(p171.mean[k], 2.0, 1e-12, 1e-12), qPrintable(msg("mean", p171.mean[k], 2.0)));
            QVERIFY(close(p171.std[k], 1.0, 1e-9, 1e-9));
        }
        const auto &ph = norm.radial[QStringLiteral("hmi")];
        for (int k : {0, 5, 15})
            QVERIFY2(close(ph.mean[k], 1.5 * D, 1e-9, 1e-9) && close(ph.std[k], 0.5 * D, 1e-9, 1e-9),
                     qPrintable(msg("disk mean", ph.mean[k], 1.5 * D)));
        for (int k : {25, 35, 44}) {
            QVERIFY(close(ph.mean[k], 0.0, 1e-12, 1e-12));
            QCOMPARE(ph.std[k], ModelNormalize::kRadialStdFloor);
        }
        // apply(): the transform, then (v - mean(r)) / std(r), for a value at the image centre and at a corner.
        std::vector<float> img(n, 10.0f), out(n);
        QVERIFY(norm.apply(QStringLiteral("171"), img.data(), out.data(), n).ok());
        const double expect = (std::log1p(10.0) - 2.0) / 1.0;
        QVERIFY(close(out[0], expect, 1e-5));
        QVERIFY(close(out[(side / 2) * side + side / 2], expect, 1e-5));
        std::vector<float> back(n);
        QVERIFY(norm.invert(QStringLiteral("171"), out.data(), back.data(), n).ok());
        QVERIFY(close(back[123], 10.0, 1e-4));
        // The wrong image size is an error naming the channel; the profiles survive JSON.
        auto wrong = norm.apply(QStringLiteral("171"), img.data(), out.data(), n / 4);
        QVERIFY(!wrong.ok() && wrong.errorString().contains(QLatin1String("171")));
        auto again = ModelNormalize::fromJson(norm.toJson());
        QVERIFY2(again.ok(), qPrintable(again.errorString()));
        QCOMPARE(again->radial[QStringLiteral("hmi")].mean, ph.mean);
        QCOMPARE(again->radial[QStringLiteral("hmi")].std, ph.std);
        QCOMPARE(again->radial[QStringLiteral("hmi")].side, side);
        // A channel without a profile keeps the plain transform.
        float v = 10.0f, o = 0;
        QVERIFY(norm.apply(QStringLiteral("193"), &v, &o, 1).ok());
        QVERIFY(close(o, std::log1p(10.0), 1e-6));
    }

    void clipPercentiles()
    {
        ModelNormalize n;
        n.setClipPercentiles(m_aia.data(), m_aia.size(), 0.5, 99.5);
        const QJsonArray p = m_ref.value(QStringLiteral("percentiles")).toObject().value(QStringLiteral("aia")).toArray();
        QVERIFY(n.clipMin && close(*n.clipMin, p[1].toDouble(), 1e-9));
        QVERIFY(n.clipMax && close(*n.clipMax, p[4].toDouble(), 1e-9));
        QCOMPARE(n.transformValue(1e9), *n.clipMax);
    }

    void runningStatsMerge()
    {
        RunningStats a, b, all;
        for (int i = 0; i < 1000; ++i) {
            const double v = std::sin(i * 0.37) * 100 + i * 0.01;
            (i < 300 ? a : b).add(v);
            all.add(v);
        }
        a.merge(b);
        QCOMPARE(a.count(), 1000LL);
        QVERIFY(close(a.mean(), all.mean(), 1e-12, 1e-12));
        QVERIFY(close(a.std(), all.std(), 1e-12));
        QVERIFY(std::isnan(RunningStats().mean()));
    }
};

QTEST_GUILESS_MAIN(TestScaling)
#include "tst_scaling.moc"
