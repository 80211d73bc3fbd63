// The flare heads' non-learned baseline (core/archive/FlareFluxBaseline): a logistic regression on log10 of the
// total unsigned HMI flux. Checked on data drawn from a known logistic law (the fit recovers its slope and
// intercept), by the maximum-likelihood score equations written out here (the mean probability equals the base
// rate, the residuals are orthogonal to the feature), by a brute-force max-TSS threshold on the validation rows,
// and for the rows it must leave out (no flux) and the samples it must refuse (one-sided).
#include "TestSupport.h"

#include "core/archive/FlareFluxBaseline.h"
#include "core/archive/FlareMetrics.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <random>

using namespace solarchip;

namespace {

double tssAt(const std::vector<double> &p, const std::vector<int> &y, double threshold)
{
    double tp = 0, fn = 0, fp = 0, tn = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        const bool yes = p[i] >= threshold;
        (y[i] ? (yes ? tp : fn) : (yes ? fp : tn)) += 1;
    }
    return tp / (tp + fn) - fp / (fp + tn);
}

}  // namespace

class TestFlareFluxBaseline : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void recoversAKnownLogisticLaw()
    {
        // log10 flux ~ N(22, 0.3); P(flare) = sigmoid(2 (u - 22) / 0.3 - 1).
        std::mt19937_64 rng(7);
        std::normal_distribution<double> g(22, 0.3);
        std::uniform_real_distribution<double> uni(0, 1);
        const int n = 40000;
        std::vector<double> flux;
        std::vector<int> y, train, val;
        for (int i = 0; i < n; ++i) {
            const double u = g(rng);
            flux.push_back(std::pow(10.0, u));
            y.push_back(uni(rng) < 1 / (1 + std::exp(-(2 * (u - 22) / 0.3 - 1))) ? 1 : 0);
            (i % 5 == 4 ? val : train).push_back(i);
        }
        flux[3] = std::nan("");  // a set without a magnetogram: left out
        flux[8] = 0;
        auto f = FluxBaseline::fit(flux, y, train, val);
        QVERIFY2(f, qPrintable(f.errorString()));
        QCOMPARE(f->trainRows, static_cast<int>(train.size()) - 2);
        // The fit's slope per standard deviation of the training rows, back in the law's units.
        const double slope = f->w / f->spread * 0.3, intercept = f->b - f->w * (22 - f->mean) / f->spread;
        QVERIFY2(std::abs(slope - 2) < 0.1, qPrintable(QString::number(slope)));
        QVERIFY2(std::abs(intercept + 1) < 0.08, qPrintable(QString::number(intercept)));
        // Score equations of the maximum-likelihood fit: sum (p - y) = 0 and sum (p - y) z / n + 1e-6 w = 0 on the
        // rows used (the fit's documented ridge of 1e-6 on w; without it the second would be off by 2e-6 here).
        double r = 0, rz = 0;
        int used = 0;
        for (int i : train) {
            const double p = f->probability(flux[static_cast<size_t>(i)]);
            if (!std::isfinite(p))
                continue;
            ++used;
            r += p - y[static_cast<size_t>(i)];
            rz += (p - y[static_cast<size_t>(i)]) * (std::log10(flux[static_cast<size_t>(i)]) - f->mean) / f->spread;
        }
        QCOMPARE(used, f->trainRows);
        QVERIFY2(std::abs(r / used) < 1e-10 && std::abs(rz / used + 1e-6 * f->w) < 1e-10,
                 qPrintable(QStringLiteral("%1 %2").arg(r / used).arg(rz / used + 1e-6 * f->w)));
        // The threshold maximises TSS on the validation rows (brute force over every distinct probability).
        std::vector<double> pv;
        std::vector<int> yv;
        for (int i : val) {
            pv.push_back(f->probability(flux[static_cast<size_t>(i)]));
            yv.push_back(y[static_cast<size_t>(i)]);
        }
        double best = -2;
        for (double t : pv)
            best = std::max(best, tssAt(pv, yv, t));
        QVERIFY2(std::abs(tssAt(pv, yv, f->threshold) - best) < 1e-12, qPrintable(QStringLiteral("%1 vs %2").arg(tssAt(pv, yv, f->threshold)).arg(best)));
        // Kept in head.json and read back.
        const FluxBaseline back = FluxBaseline::fromJson(f->toJson());
        QVERIFY(back.valid());
        QCOMPARE(back.probability(2e22), f->probability(2e22));
        QVERIFY(!FluxBaseline::fromJson({}).valid());
        QVERIFY(std::isnan(f->probability(std::nan(""))) && std::isnan(f->probability(-1)));
    }

    void oneSidedSamplesAreRefused()
    {
        const std::vector<double> flux{1e22, 2e22, 3e22, 4e22, 5e22, 6e22};
        auto f = FluxBaseline::fit(flux, {0, 0, 0, 1, 0, 1}, {0, 1, 2}, {3, 4, 5});
        QVERIFY(!f);
        QVERIFY2(f.errorString().contains(QStringLiteral("0 positives")), qPrintable(f.errorString()));
        const std::vector<double> none(6, std::nan(""));
        auto h = FluxBaseline::fit(none, {0, 1, 0, 1, 0, 1}, {0, 1, 2}, {3, 4, 5});
        QVERIFY(!h);
        QVERIFY2(h.errorString().contains(QStringLiteral("none of the 3 training rows")), qPrintable(h.errorString()));
        auto g = FluxBaseline::fit(flux, {0, 1, 0, 0, 0, 0}, {0, 1, 2}, {3, 4, 5});
        QVERIFY(!g);
        QVERIFY2(g.errorString().contains(QStringLiteral("validation")), qPrintable(g.errorString()));
    }

    // The cache: a second pass reads it (the magnetogram replaced by a file of the same size and time would not be
    // read again, so the cached value is returned), a changed file is read again, a broken cache is rebuilt.
    void cacheSkipsUnchangedFiles()
    {
        SOLARCHIP_REQUIRE_SDO();
        QTemporaryDir dir = test::scratchDir();
        const QString hmi = dir.filePath(QStringLiteral("hmi.fits"));
        QVERIFY(QFile::copy(test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits")), hmi));
        ObservationSet s;
        s.referenceTimeMs = 1297715709000;
        s.channels = {QStringLiteral("hmi")};
        Observation o;
        o.id = 1;
        o.path = hmi;
        o.channel = QStringLiteral("hmi");
        s.members << o;
        const QString cache = dir.filePath(QStringLiteral(".solarchip/disk_flux.json"));
        QString problem;
        const double first = diskFluxOfSets({s}, &problem, nullptr, cache).at(0);
        QVERIFY2(first > 2e22 && first < 3.5e22, qPrintable(problem));
        QVERIFY(QFileInfo::exists(cache));
        // Same size and time, other content (a file of zeros): the cache answers.
        const QDateTime mtime = QFileInfo(hmi).lastModified();
        const qint64 size = QFileInfo(hmi).size();
        {
            QFile f(hmi);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(QByteArray(size, '\0'));
        }
        {
            QFile f(hmi);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.setFileTime(mtime, QFileDevice::FileModificationTime));
        }
        QCOMPARE(diskFluxOfSets({s}, nullptr, nullptr, cache).at(0), first);
        // Without the cache the zeros are read: not a FITS file, NaN and the reason.
        problem.clear();
        QVERIFY(std::isnan(diskFluxOfSets({s}, &problem, nullptr, {}).at(0)));
        QVERIFY2(problem.contains(QStringLiteral("hmi.fits")), qPrintable(problem));
        // A changed time: read again (the zeros fail), and nothing wrong is cached for it.
        {
            QFile f(hmi);
            QVERIFY(f.open(QIODevice::ReadWrite));
            QVERIFY(f.setFileTime(mtime.addSecs(60), QFileDevice::FileModificationTime));
        }
        QVERIFY(std::isnan(diskFluxOfSets({s}, nullptr, nullptr, cache).at(0)));
        // The real file back, a broken cache: recomputed, the same value, the cache rewritten.
        QVERIFY(QFile::remove(hmi));
        QVERIFY(QFile::copy(test::sdoFile(QStringLiteral("fits/sdo-hmi_2011-02-14_20-34-12.fits")), hmi));
        {
            QFile f(cache);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("{\"format\": \"solarchip-disk-flux/1\", \"files\": [tor");
        }
        QCOMPARE(diskFluxOfSets({s}, nullptr, nullptr, cache).at(0), first);
        QFile f(cache);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(QJsonDocument::fromJson(f.readAll()).object().value(QStringLiteral("files")).toObject().contains(hmi));
    }

    void setsWithoutAMagnetogramGetNaN()
    {
        ObservationSet s;
        s.referenceTimeMs = 1296000000000;
        s.channels = {QStringLiteral("171")};
        QString problem;
        int missing = 0;
        const std::vector<double> f = diskFluxOfSets({s}, &problem, &missing);
        QCOMPARE(f.size(), size_t(1));
        QVERIFY(std::isnan(f[0]));
        QCOMPARE(missing, 1);
        QVERIFY2(problem.contains(QStringLiteral("no HMI magnetogram")), qPrintable(problem));
    }
};

QTEST_GUILESS_MAIN(TestFlareFluxBaseline)
#include "tst_flarefluxbaseline.moc"
