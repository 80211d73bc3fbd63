// HMI -> AIA translation (issue 14): the ControlNet property (a zero-initialised control branch leaves the base
// denoiser's output unchanged, and can still learn), DDIM determinism for a fixed seed, the written FITS read back
// by astropy (WCS, synthetic keywords), bad input, a run for another encoder, and the metrics against closed forms
// and skimage's SSIM. Networks and archives are tiny (32 px); training runs a handful of steps, never to convergence.
#include "TestSupport.h"
#include "TranslatorFixtures.h"

#include "core/map/SdoMap.h"
#include "models/translate/TranslationMetrics.h"
#include "models/translate/Translator.h"
#include "models/translate/TranslatorTraining.h"
#include "models/translate/detail/TranslatorCore.h"

#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

#include <cmath>

using namespace solarchip;
using namespace solarchip::test;

class TestTranslate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void zeroControlLeavesBaseUnchanged();
    void hmiDecoderReadsThePixels();
    void ddimIsDeterministicForASeed();
    void ddimStartKeepsTheMeanOfGaussianData();
    void residualDesignAddsTheRegressionMean();
    void metricsClosedForms();
    void ssimMatchesSkimage();
    void trainTranslateWriteAndRefuse();
};

void TestTranslate::initTestCase()
{
    torch::set_num_threads(1);
}

// For both control hints: tokens only (the first shipped default) and tokens + HMI pixels (the full-resolution hint
// encoder beside the tokens, here with 8 latent channels). With the pixel hint, the pixels' own zero conv must
// also leave the output unchanged, and the branch must learn to read the pixels: after two steps, changing only
// the pixels changes the output.
void TestTranslate::zeroControlLeavesBaseUnchanged()
{
    for (const bool pixelHint : {false, true}) {
        solarchip::detail::TranslatorCore core;
        core.kind = QStringLiteral("translator");
        core.channels = {QStringLiteral("171")};
        core.pixelHint = pixelHint;
        core.latentChannels = pixelHint ? 8 : solarchip::detail::kLatentChannels;
        core.createNets(16, 3);
        QCOMPARE(bool(core.control->pixelHint), pixelHint);
        torch::manual_seed(5);
        // A base that is not at its initialisation (the property must hold for any base weights).
        {
            torch::NoGradGuard ng;
            for (auto &p : core.base->parameters())
                p.add_(0.05 * torch::randn(p.sizes()));
        }
        core.control->initFrom(core.base->encoder);
        auto z = torch::randn({2, core.latentChannels, 8, 8});
        auto t = torch::tensor(std::vector<int64_t>{10, 700});
        auto tokens = torch::randn({2, 16, 4, 4});
        // Pixels at the translator's side (4 x the latent's), large so a path that were not zeroed would show.
        auto pixels = pixelHint ? 3 * torch::randn({2, 1, 32, 32}) : torch::Tensor();
        torch::NoGradGuard ng;
        auto plain = core.base->forward(z, t);
        auto res = core.control->forward(z, t, tokens, pixels);
        QCOMPARE(res.size(), std::size_t(5));
        for (const auto &r : res)
            QCOMPARE(r.abs().max().item<double>(), 0.0);
        auto controlled = core.base->forward(z, t, &res);
        QCOMPARE((plain - controlled).abs().max().item<double>(), 0.0);
        if (pixelHint) {
            // The pixel path alone (before its zero conv) is not zero: the zero conv is what keeps the output.
            QVERIFY(core.control->pixelHint->forward(pixels).abs().max().item<double>() > 1e-3);
            QCOMPARE(core.control->pixelZero->forward(core.control->pixelHint->forward(pixels)).abs().max().item<double>(), 0.0);
        }

        // ... and the branch learns: one gradient step moves the output (the output zero convs get gradients). The
        // hint paths sit behind those zero convs, so (as in ControlNet) their own zero convs get a gradient from the
        // second step on; after it, the output depends on the pixels.
        torch::GradMode::set_enabled(true);
        torch::optim::SGD sgd(core.control->parameters(), torch::optim::SGDOptions(0.1));
        for (int step = 0; step < 2; ++step) {
            auto r2 = core.control->forward(z, t, tokens, pixels);
            auto loss = (core.base->forward(z, t, &r2) - torch::ones_like(plain)).pow(2).mean();
            sgd.zero_grad();
            loss.backward();
            if (pixelHint && step == 1)
                QVERIFY(core.control->pixelZero->weight.grad().abs().max().item<double>() > 0);
            sgd.step();
            if (step == 0) {
                torch::NoGradGuard ng1;
                auto r3 = core.control->forward(z, t, tokens, pixels);
                QVERIFY((core.base->forward(z, t, &r3) - plain).abs().max().item<double>() > 1e-6);
            }
        }
        torch::GradMode::set_enabled(false);
        if (pixelHint) {
            auto r3 = core.control->forward(z, t, tokens, pixels);
            auto r4 = core.control->forward(z, t, tokens, torch::zeros_like(pixels));
            QVERIFY((core.base->forward(z, t, &r4) - core.base->forward(z, t, &r3)).abs().max().item<double>() > 1e-6);
        }
    }
}

// The HMI decoder reads the pixels (another HMI image, another decoded image; the latent alone does not decide it),
// the latent-only decoder has no pixel path, and an HMI decoder refuses to decode without the pixels.
void TestTranslate::hmiDecoderReadsThePixels()
{
    torch::manual_seed(2);
    solarchip::detail::LatentAutoencoder plain(2, 6), withHmi(2, 6, true);
    QVERIFY(!plain->decHint && withHmi->decHint && withHmi->decOut);
    torch::NoGradGuard ng;
    auto z = torch::randn({2, 6, 8, 8});
    auto h1 = torch::randn({2, 1, 32, 32}), h2 = torch::randn({2, 1, 32, 32});
    auto a = withHmi->decode(z, h1), b = withHmi->decode(z, h2);
    QCOMPARE(a.sizes(), (torch::IntArrayRef{2, 2, 32, 32}));
    QVERIFY((a - b).abs().max().item<double>() > 1e-4);
    QCOMPARE((plain->decode(z, h1) - plain->decode(z, h2)).abs().max().item<double>(), 0.0);
    bool threw = false;
    try {
        withHmi->decode(z);
    } catch (const std::exception &) {
        threw = true;
    }
    QVERIFY(threw);
}

void TestTranslate::ddimIsDeterministicForASeed()
{
    auto ab = solarchip::detail::cosineAlphaBar();
    QCOMPARE(ab.size(0), int64_t(solarchip::detail::kDiffusionSteps));
    QVERIFY(ab[0].item<double>() > 0.99 && ab[-1].item<double>() < 1e-3);
    torch::manual_seed(1);
    solarchip::detail::DenoiserUNet net;
    torch::NoGradGuard ng;
    auto eps = [&](const torch::Tensor &z, const torch::Tensor &t) { return net->forward(z, t); };
    auto draw = [&](quint64 seed) {
        auto gen = at::detail::createCPUGenerator(seed);
        auto noise = torch::randn({1, solarchip::detail::kLatentChannels, 8, 8}, gen, torch::TensorOptions().dtype(torch::kFloat32));
        return solarchip::detail::ddimSample(eps, noise, ab, 5);
    };
    auto a = draw(42), b = draw(42), c = draw(43);
    QCOMPARE((a - b).abs().max().item<double>(), 0.0);
    QVERIFY((a - c).abs().max().item<double>() > 1e-4);
    // Cancelling stops and says so with an undefined tensor.
    int calls = 0;
    auto gen = at::detail::createCPUGenerator(1);
    auto stopped = solarchip::detail::ddimSample(eps, torch::randn({1, solarchip::detail::kLatentChannels, 8, 8}, gen, torch::TensorOptions().dtype(torch::kFloat32)),
                                      ab, 5, [&](int, int) { return ++calls < 2; });
    QVERIFY(!stopped.defined());
    QCOMPARE(calls, 2);
}

// Data x0 ~ N(m, s^2) per element has the exact noise predictor E[eps | z_t] = sqrt(1-a)(z - sqrt(a) m) /
// (a s^2 + 1 - a). DDIM with it must turn N(0, 1) noise into samples of mean m and std ~s (20 steps from
// alpha_bar 1e-2: mean 0.46, std 0.76 by a numpy replica); with a network-like error of 0.002 in eps the start at
// the cosine schedule's last step (alpha_bar ~ 2e-9) turned the first x0 into +-6 and lost the mean (0.5 -> 0.09:
// the "translated disk without its brightness"); the fixed start keeps it (0.46).
void TestTranslate::ddimStartKeepsTheMeanOfGaussianData()
{
    namespace D = solarchip::detail;
    auto ab = D::cosineAlphaBar();
    const double m = 0.5, s = 0.8;
    const auto ts = D::ddimTimesteps(ab, 20);
    QCOMPARE(int(ts.size()), 20);
    QVERIFY(ab[ts.front()].item<double>() >= D::kDdimMinAlphaBar);
    QVERIFY(ts.front() + 1 >= D::kDiffusionSteps || ab[ts.front() + 1].item<double>() < D::kDdimMinAlphaBar);
    QCOMPARE(ts.back(), 0);
    auto gen = at::detail::createCPUGenerator(3);
    auto noise = torch::randn({64, 4, 16, 16}, gen, torch::TensorOptions().dtype(torch::kFloat32));
    const float *abp = ab.data_ptr<float>();
    auto exact = [&](double error) {
        return [&, error](const torch::Tensor &z, const torch::Tensor &t) {
            const double a = abp[t[0].item<int64_t>()];
            return std::sqrt(1 - a) * (z - std::sqrt(a) * m) / (a * s * s + 1 - a) + error;
        };
    };
    torch::NoGradGuard ng;
    auto clean = D::ddimSample(exact(0), noise, ab, 20);
    QVERIFY2(std::abs(clean.mean().item<double>() - m) < 0.06, qPrintable(QString::number(clean.mean().item<double>())));
    QVERIFY2(std::abs(clean.std().item<double>() - s) < 0.08, qPrintable(QString::number(clean.std().item<double>())));
    auto noisy = D::ddimSample(exact(0.002), noise, ab, 20);
    QVERIFY2(std::abs(noisy.mean().item<double>() - m) < 0.07, qPrintable(QString::number(noisy.mean().item<double>())));
    // The old start (the last timestep) with the same small error: the mean is gone.
    auto old = D::ddimSample(exact(0.002), noise, ab, 20, {}, 0.0);
    QVERIFY2(std::abs(old.mean().item<double>() - m) > 0.3, qPrintable(QString::number(old.mean().item<double>())));
}

// The residual design's output is mu(HMI) + D(sample): with a decoder whose output is zero the translation IS
// the regression mean, whatever the noise.
void TestTranslate::residualDesignAddsTheRegressionMean()
{
    solarchip::detail::TranslatorCore core;
    core.kind = QStringLiteral("translator");
    core.design = QStringLiteral("residual");
    core.channels = {QStringLiteral("171"), QStringLiteral("193")};
    core.side = 32;
    core.createNets(16, 3);
    QVERIFY(core.residual() && core.unet && core.ae);
    core.latentScale.assign(solarchip::detail::kLatentChannels, 1.0f);
    {
        torch::NoGradGuard ng;
        auto last = core.ae->dec->ptr(core.ae->dec->size() - 1)->as<torch::nn::Conv2dImpl>();
        QVERIFY(last);
        last->weight.zero_();
        last->bias.zero_();
    }
    torch::manual_seed(4);
    auto hmi = torch::randn({2, 1, 64, 64});
    torch::NoGradGuard ng;
    auto mu = core.unet->forward(solarchip::detail::areaDown(hmi, 32));
    QCOMPARE((core.regressionMean(hmi) - mu).abs().max().item<double>(), 0.0);
    QCOMPARE(core.ae->decode(torch::randn({2, solarchip::detail::kLatentChannels, 8, 8})).abs().max().item<double>(), 0.0);
    QCOMPARE((core.autoencode(torch::randn({2, 2, 32, 32}), hmi) - mu).abs().max().item<double>(), 0.0);
}

void TestTranslate::metricsClosedForms()
{
    const int S = 32, n = S * S;
    std::vector<float> a(n), lin(n), cst(n, 3.0f), shiftHalf(n), shiftQuarter(n);
    const double k = 2 * M_PI / 8;  // 4 whole periods across the image
    for (int y = 0; y < S; ++y)
        for (int x = 0; x < S; ++x) {
            const int i = y * S + x;
            a[i] = static_cast<float>(10 + 5 * std::cos(k * x));
            lin[i] = 2.5f * a[i] + 7.0f;
            shiftHalf[i] = static_cast<float>(10 + 5 * std::cos(k * (x + 4)));     // half a period: -cos
            shiftQuarter[i] = static_cast<float>(10 + 5 * std::cos(k * (x + 2)));  // a quarter: -sin
        }
    QCOMPARE(pearsonCc(a.data(), a.data(), n), 1.0);
    QVERIFY(std::abs(pearsonCc(a.data(), lin.data(), n) - 1.0) < 1e-12);
    QVERIFY(std::abs(pearsonCc(a.data(), shiftHalf.data(), n) + 1.0) < 1e-9);
    QVERIFY(std::abs(pearsonCc(a.data(), shiftQuarter.data(), n)) < 1e-6);
    QVERIFY(std::isnan(pearsonCc(a.data(), cst.data(), n)));  // a constant image has no correlation
    QVERIFY(std::abs(ssim(a.data(), a.data(), S, 10.0) - 1.0) < 1e-12);
    QVERIFY(std::abs(ssim(cst.data(), cst.data(), S, 10.0) - 1.0) < 1e-12);
    QVERIFY(std::isinf(psnr(a.data(), a.data(), n, 10.0)));
    // A constant offset d: MSE = d^2, PSNR = 20 log10(L / d).
    std::vector<float> off(a);
    for (float &v : off)
        v += 0.5f;
    QVERIFY(std::abs(psnr(off.data(), a.data(), n, 10.0) - 20 * std::log10(10.0 / 0.5)) < 1e-4);
    // scoreImage: identical -> cc 1, ssim 1, flux error 0; a scaled image -> flux error |s - 1|, cc 1.
    std::vector<uint8_t> disk(n, 1), active(n, 0);
    for (int i = 0; i < n / 4; ++i)
        active[i] = 1;
    const ImageScores same = scoreImage(a.data(), a.data(), S, disk, active);
    QCOMPARE(same.cc, 1.0);
    QVERIFY(std::abs(same.ssim - 1.0) < 1e-12);
    QCOMPARE(same.fluxRelErr, 0.0);
    std::vector<float> scaled(a);
    for (float &v : scaled)
        v *= 1.2f;
    const ImageScores sc = scoreImage(scaled.data(), a.data(), S, disk, active);
    QVERIFY(std::abs(sc.fluxRelErr - 0.2) < 1e-6);
    QVERIFY(std::abs(sc.cc - 1.0) < 1e-9);
    // Summary: identical scores -> a zero-width interval at the value.
    const QJsonObject sum = summariseScores({same, same, same}, 200, 1);
    QCOMPARE(sum[QStringLiteral("cc")].toObject()[QStringLiteral("mean")].toDouble(), 1.0);
    QCOMPARE(sum[QStringLiteral("cc")].toObject()[QStringLiteral("ci95")].toArray().at(0).toDouble(), 1.0);
}

void TestTranslate::ssimMatchesSkimage()
{
    const int S = 40, n = S * S;
    std::vector<float> x(n), y(n);
    for (int r = 0; r < S; ++r)
        for (int c = 0; c < S; ++c) {
            x[r * S + c] = static_cast<float>(std::sin(0.3 * c) * std::cos(0.2 * r) + 0.01 * ((r * 7 + c * 13) % 11));
            y[r * S + c] = static_cast<float>(std::sin(0.3 * c + 0.4) * std::cos(0.2 * r) + 0.02 * ((r * 5 + c * 3) % 7));
        }
    const double mine = ssim(x.data(), y.data(), S, 2.5);
    QString xs, ys;
    for (int i = 0; i < n; ++i) {
        xs += QString::number(x[i], 'g', 9) + QLatin1Char(',');
        ys += QString::number(y[i], 'g', 9) + QLatin1Char(',');
    }
    const QString code = QStringLiteral(
        "import numpy as np\nfrom skimage.metrics import structural_similarity as s\n"
        "x=np.array([%1],dtype=np.float64).reshape(%3,%3)\ny=np.array([%2],dtype=np.float64).reshape(%3,%3)\n"
        "print(repr(float(s(x,y,gaussian_weights=True,sigma=1.5,use_sample_covariance=False,data_range=2.5))))\n")
                             .arg(xs, ys)
                             .arg(S);
    const ProcessResult r = run(python3(), {QStringLiteral("-c"), code}, 120000);
    if (r.exitCode != 0)
        QSKIP(qPrintable(QStringLiteral("skimage not usable: ") + QString::fromUtf8(r.err)));
    const double ref = QString::fromUtf8(r.out).trimmed().toDouble();
    QVERIFY2(std::abs(mine - ref) < 1e-6, qPrintable(QStringLiteral("ssim %1 vs skimage %2").arg(mine).arg(ref)));
    QVERIFY(mine < 0.99 && mine > -1);
}

void TestTranslate::trainTranslateWriteAndRefuse()
{
    QTemporaryDir dir = scratchDir();
    const TranslatorFixture fixture = TranslatorFixture::write(dir.path());
    QVERIFY(!fixture.archive.isEmpty());
    const QString archive = fixture.archive;
    auto encoder = TrainedModel::load(fixture.encoder);
    QVERIFY2(encoder.ok(), qPrintable(encoder.errorString()));

    TranslatorTrainOptions o = fixture.options(dir.path() + QStringLiteral("/run"), 3);
    o.saveEvery = 2;
    o.logEvery = 1;
    // The wider latent, the pixel hint and the HMI decoder (the residual run below keeps the first default's shape:
    // 4 channels, tokens only, a decoder of the latent alone).
    o.latentChannels = 6;
    o.pixelHint = true;
    o.hmiDecoder = true;
    QList<QJsonObject> events;
    auto trained = trainTranslator(*encoder, o, [&](const QJsonObject &e) {
        events << e;
        return true;
    });
    QVERIFY2(trained.ok(), qPrintable(trained.errorString()));
    QCOMPARE((*trained)[QStringLiteral("channels")].toArray().at(0).toString(), QStringLiteral("171"));  // from the encoder
    QVERIFY(QFileInfo::exists(o.outDir + QStringLiteral("/metrics.jsonl")));
    QCOMPARE(events.last()[QStringLiteral("event")].toString(), QStringLiteral("done"));
    QCOMPARE((*trained)[QStringLiteral("latent_channels")].toInt(), 6);
    QCOMPARE((*trained)[QStringLiteral("control_hint")].toString(), QStringLiteral("tokens+pixels"));
    QCOMPARE((*trained)[QStringLiteral("decoder_hint")].toString(), QStringLiteral("hmi_pixels"));
    {
        // Resuming with other latent settings is refused, naming the run's.
        TranslatorTrainOptions w = o;
        w.latentChannels = 4;
        auto e = trainTranslator(*encoder, w);
        QVERIFY(!e.ok() && e.errorString().contains(QStringLiteral("--latent-channels 6")));
        w = o;
        w.pixelHint = false;
        e = trainTranslator(*encoder, w);
        QVERIFY(!e.ok() && e.errorString().contains(QStringLiteral("--control-hint tokens+pixels")));
        w = o;
        w.hmiDecoder = false;
        e = trainTranslator(*encoder, w);
        QVERIFY(!e.ok() && e.errorString().contains(QStringLiteral("--decoder-hint hmi_pixels")));
    }
    // Running it again resumes a finished run: nothing is trained again.
    events.clear();
    auto again = trainTranslator(*encoder, o, [&](const QJsonObject &e) {
        events << e;
        return true;
    });
    QVERIFY2(again.ok(), qPrintable(again.errorString()));
    for (const auto &e : events)
        QVERIFY(e[QStringLiteral("event")].toString() != QLatin1String("step"));

    auto runA = TranslatorRun::load(o.outDir);
    QVERIFY2(runA.ok(), qPrintable(runA.errorString()));
    QCOMPARE(runA->channels(), QStringList{QStringLiteral("171")});
    const QString hmi = archive + QStringLiteral("/hmi_003.fits");
    TranslationRequest req;
    req.hmiFile = hmi;
    req.channel = QStringLiteral("171");
    req.seed = 7;
    int calls = 0;
    auto r1 = runA->translate(req, [&](int, int) {
        ++calls;
        return true;
    });
    QVERIFY2(r1.ok(), qPrintable(r1.errorString()));
    QCOMPARE(calls, 4);
    auto r2 = runA->translate(req);
    QVERIFY(r2.ok());
    QCOMPARE(r1->mean.pixels, r2->mean.pixels);  // same seed, same map
    req.seed = 8;
    auto r3 = runA->translate(req);
    QVERIFY(r3.ok() && r3->mean.pixels != r1->mean.pixels);
    req.seed = 7;
    req.samples = 3;
    auto r4 = runA->translate(req);
    QVERIFY(r4.ok());
    QVERIFY(computeStats(r4->spread).max > 0);
    QCOMPARE(r4->mean.width, 32);
    for (float v : r4->mean.pixels)
        QVERIFY(std::isfinite(v) && v >= 0);
    // Cancel.
    auto cancelled = runA->translate(req, [](int, int) { return false; });
    QVERIFY(!cancelled.ok() && cancelled.errorString().contains(QStringLiteral("cancelled")));

    // The FITS file through astropy: WCS and keywords.
    const QString out = dir.path() + QStringLiteral("/t171.fits");
    QVERIFY(writeTranslatedFits(*r4, out).ok());
    const QString code = QStringLiteral(
        "import json,warnings\nwarnings.simplefilter('ignore')\nfrom astropy.io import fits\nfrom astropy.wcs import WCS\n"
        "h=fits.open('%1')[0]\nw=WCS(h.header)\nx,y=w.wcs_pix2world([[3.0,20.0]],0)[0]\n"
        "print(json.dumps({k:h.header.get(k) for k in ['TELESCOP','INSTRUME','WAVELNTH','BUNIT','SYNTHETC','TRSRC','TRNSAMP',"
        "'TRSEED','TRKIND','CTYPE1','CTYPE2','DATE-OBS']}|{'x':x,'y':y,'shape':list(h.data.shape),'hist':str(h.header['HISTORY']),"
        "'sum':float(h.data.sum())}))\n").arg(out);
    const ProcessResult py = run(python3(), {QStringLiteral("-c"), code}, 120000);
    QVERIFY2(py.exitCode == 0, py.err.constData());
    const QJsonObject h = parseJson(py.out).object();
    QCOMPARE(h[QStringLiteral("TELESCOP")].toString(), QStringLiteral("SolarCHIP"));
    QVERIFY(!h[QStringLiteral("INSTRUME")].toString().startsWith(QStringLiteral("AIA")));
    QVERIFY(!h[QStringLiteral("INSTRUME")].toString().startsWith(QStringLiteral("HMI")));
    // Never mistaken for an observation: the app's own reader (and so the catalog) refuses it as SDO data.
    auto asSdo = SdoMap::load(out);
    QVERIFY(!asSdo.ok());
    QVERIFY2(asSdo.errorString().contains(QStringLiteral("not an SDO map")), qPrintable(asSdo.errorString()));
    QCOMPARE(h[QStringLiteral("WAVELNTH")].toInt(), 171);
    QCOMPARE(h[QStringLiteral("BUNIT")].toString(), QStringLiteral("DN/s"));
    QCOMPARE(h[QStringLiteral("SYNTHETC")].toBool(), true);
    QCOMPARE(h[QStringLiteral("TRSRC")].toString(), QStringLiteral("hmi_003.fits"));
    QCOMPARE(h[QStringLiteral("TRNSAMP")].toInt(), 3);
    QCOMPARE(h[QStringLiteral("TRSEED")].toInt(), 7);
    QCOMPARE(h[QStringLiteral("CTYPE1")].toString(), QStringLiteral("HPLN-TAN"));
    QVERIFY(h[QStringLiteral("hist")].toString().contains(QStringLiteral("SYNTHETIC")));
    QCOMPARE(h[QStringLiteral("shape")].toArray().at(0).toInt(), 32);
    double tx = 0, ty = 0;
    QVERIFY(r4->frame.wcs.pixelToHelioprojective(3.0, 20.0, tx, ty));
    // astropy gives degrees in [0, 360): wrap to (-180, 180] before comparing in arcsec.
    auto arcsec = [](double deg) { return (deg > 180 ? deg - 360 : deg) * 3600; };
    QVERIFY2(std::abs(arcsec(h[QStringLiteral("x")].toDouble()) - tx) < 0.05 && std::abs(arcsec(h[QStringLiteral("y")].toDouble()) - ty) < 0.05,
             qPrintable(QStringLiteral("astropy %1 %2 vs %3 %4").arg(arcsec(h[QStringLiteral("x")].toDouble())).arg(arcsec(h[QStringLiteral("y")].toDouble())).arg(tx).arg(ty)));
    double sum = 0;
    for (float v : r4->mean.pixels)
        sum += v;
    QVERIFY(std::abs(h[QStringLiteral("sum")].toDouble() - sum) < 1e-3 * std::max(1.0, sum));
    // The frame is the AIA-like one: north up, the disk centre at the image centre.
    double cx = 0, cy = 0;
    QVERIFY(r4->frame.wcs.pixelToHelioprojective(15.5, 15.5, cx, cy));
    QVERIFY2(std::hypot(cx, cy) < 0.6 * r4->frame.meta.plateScale(), qPrintable(QStringLiteral("%1 %2").arg(cx).arg(cy)));

    // Bad input: an AIA map, a cut-out, all NaN, a channel the run lacks.
    req.samples = 1;
    req.hmiFile = archive + QStringLiteral("/aia_003.fits");
    auto notHmi = runA->translate(req);
    QVERIFY(!notHmi.ok());
    QVERIFY2(notHmi.errorString().contains(QStringLiteral("not an HMI map")), qPrintable(notHmi.errorString()));
    auto hmiMap = SdoMap::load(hmi);
    QVERIFY(hmiMap.ok());
    {
        SdoMap nan = *hmiMap;
        std::fill(nan.image.pixels.begin(), nan.image.pixels.end(), std::nanf(""));
        TranslationRequest rq;
        rq.hmiFile = QStringLiteral("nan.fits");
        rq.hmiMap = std::make_shared<const SdoMap>(nan);
        auto e = runA->translate(rq);
        QVERIFY(!e.ok() && e.errorString().contains(QStringLiteral("NaN")));
        SdoMap cut = *hmiMap;
        cut.image = Image(40, 40, 1.0f);  // 40 px of a 150 px map around its reference pixel: not the whole disk
        cut.meta.crpix1 = 20;
        cut.meta.crpix2 = 20;
        rq.hmiMap = std::make_shared<const SdoMap>(cut);
        auto c = runA->translate(rq);
        QVERIFY(!c.ok());
        QVERIFY2(c.errorString().contains(QStringLiteral("cut-out")), qPrintable(c.errorString()));
        SdoMap cont = *hmiMap;
        cont.meta.channel = QStringLiteral("hmi_ic");
        cont.meta.unit = QStringLiteral("DN/s");
        rq.hmiMap = std::make_shared<const SdoMap>(cont);
        auto ic = runA->translate(rq);
        QVERIFY(!ic.ok());
        QVERIFY2(ic.errorString().contains(QStringLiteral("continuum")), qPrintable(ic.errorString()));
    }
    req.hmiFile = hmi;
    req.channel = QStringLiteral("304");
    auto noChannel = runA->translate(req);
    QVERIFY(!noChannel.ok() && noChannel.errorString().contains(QStringLiteral("171 only")));

    // A run for another encoder is refused, naming both.
    const QString other = dir.path() + QStringLiteral("/other.safetensors");
    {
        auto cfg = tinyVitConfig();
        auto m = SolarChipModel::create(*cfg, 99);
        PrepSpec prep;
        prep.resolution = 32;
        QVERIFY(saveTrainedModel(*m, {QStringLiteral("hmi"), QStringLiteral("171")}, prep, {}, other).ok());
    }
    auto wrong = TranslatorRun::load(o.outDir, other);
    QVERIFY(!wrong.ok());
    QVERIFY2(wrong.errorString().contains(QStringLiteral("another encoder")), qPrintable(wrong.errorString()));

    // Where it runs: the build's default device (CUDA when this LibTorch has it), said in each result. CUDA asked of
    // a build or machine without it is refused naming the run, before anything is loaded or written: a finished
    // run asked to resume on CUDA keeps its weights byte for byte.
    QCOMPARE(r1->device, defaultDevice().toString());
    QCOMPARE(runA->device(), defaultDevice().toString());
    if (!cudaAvailable()) {
        const DeviceChoice cuda{DeviceKind::Cuda, 0};
        auto onCuda = TranslatorRun::load(o.outDir, {}, cuda);
        QVERIFY(!onCuda.ok());
        QVERIFY2(onCuda.errorString().contains(QStringLiteral("cuda:0 asked for"))
                     && onCuda.errorString().contains(QFileInfo(o.outDir).absoluteFilePath()),
                 qPrintable(onCuda.errorString()));
        auto bytesOf = [](const QString &file) {
            QFile f(file);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        };
        const QByteArray before = bytesOf(o.outDir + QStringLiteral("/weights.safetensors"));
        TranslatorTrainOptions g = o;
        g.device = cuda;
        auto trainedOnCuda = trainTranslator(*encoder, g);
        QVERIFY(!trainedOnCuda.ok());
        QVERIFY2(trainedOnCuda.errorString().contains(QStringLiteral("no CUDA")), qPrintable(trainedOnCuda.errorString()));
        QCOMPARE(bytesOf(o.outDir + QStringLiteral("/weights.safetensors")), before);
    }

    // The U-Net baseline trains and translates through the same interface, and evaluation scores both runs.
    TranslatorTrainOptions u = o;
    u.kind = QStringLiteral("unet");
    u.outDir = dir.path() + QStringLiteral("/unet");
    u.unetSteps = 3;
    auto tu = trainTranslator(*encoder, u);
    QVERIFY2(tu.ok(), qPrintable(tu.errorString()));
    TranslatorEvalOptions eo;
    eo.archiveDir = archive;
    eo.bootstrap = 50;
    eo.maxSets = 3;
    auto ev = evaluateTranslators({o.outDir, u.outDir}, eo);
    QVERIFY2(ev.ok(), qPrintable(ev.errorString()));
    const QJsonArray runs = (*ev)[QStringLiteral("runs")].toArray();
    QCOMPARE(runs.size(), 2);
    QCOMPARE(runs.at(1).toObject()[QStringLiteral("kind")].toString(), QStringLiteral("unet"));
    QCOMPARE((*ev)[QStringLiteral("device")].toString(), defaultDevice().toString());
    const QJsonObject cc = runs.at(0).toObject()[QStringLiteral("channels")].toObject()[QStringLiteral("171")]
                               .toObject()[QStringLiteral("cc")].toObject();
    QCOMPARE(cc[QStringLiteral("n")].toInt(), 3);
    QVERIFY(cc[QStringLiteral("ci95")].toArray().size() == 2);
    // The translator's entry also has the autoencoder's ceiling (the latent design has no regression mean).
    QVERIFY(runs.at(0).toObject()[QStringLiteral("autoencoder_ceiling")].toObject().contains(QStringLiteral("171")));
    QVERIFY(runs.at(0).toObject()[QStringLiteral("regression_mean")].isNull());

    // The residual design trains its regression mean first; a U-Net baseline made from that mean (no extra step)
    // translates exactly as the mean does.
    TranslatorTrainOptions res = o;
    res.design = QStringLiteral("residual");
    res.outDir = dir.path() + QStringLiteral("/residual");
    res.latentChannels = 4;
    res.pixelHint = false;
    res.hmiDecoder = false;
    auto tr = trainTranslator(*encoder, res);
    QVERIFY2(tr.ok(), qPrintable(tr.errorString()));
    QCOMPARE((*tr)[QStringLiteral("design")].toString(), QStringLiteral("residual"));
    {
        // A run written before "latent_channels" and "control_hint" existed (the first shipped default) loads as
        // 4 channels, tokens only, and translates as before.
        TranslationRequest rq;
        rq.hmiFile = archive + QStringLiteral("/hmi_003.fits");
        rq.seed = 3;
        auto before = TranslatorRun::load(res.outDir);
        QVERIFY2(before.ok(), qPrintable(before.errorString()));
        auto tb = before->translate(rq);
        QVERIFY(tb.ok());
        const QString js = res.outDir + QStringLiteral("/translator.json");
        QFile f(js);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QJsonObject info = QJsonDocument::fromJson(f.readAll()).object();
        f.close();
        QCOMPARE(info[QStringLiteral("latent_channels")].toInt(), 4);
        QCOMPARE(info[QStringLiteral("control_hint")].toString(), QStringLiteral("tokens"));
        QCOMPARE(info[QStringLiteral("decoder_hint")].toString(), QStringLiteral("none"));
        info.remove(QStringLiteral("latent_channels"));
        info.remove(QStringLiteral("control_hint"));
        info.remove(QStringLiteral("decoder_hint"));
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write(QJsonDocument(info).toJson());
        f.close();
        auto old = TranslatorRun::load(res.outDir);
        QVERIFY2(old.ok(), qPrintable(old.errorString()));
        auto to = old->translate(rq);
        QVERIFY(to.ok());
        QCOMPARE(to->mean.pixels, tb->mean.pixels);
    }
    QVERIFY((*tr)[QStringLiteral("stages")].toObject().contains(QStringLiteral("mean")));
    TranslatorTrainOptions um = u;
    um.outDir = dir.path() + QStringLiteral("/unet-mean");
    um.initFrom = o.outDir;
    um.unetSteps = 0;
    QVERIFY(!trainTranslator(*encoder, um).ok());  // a latent run has no mean to copy
    um.initFrom = res.outDir;
    auto tm = trainTranslator(*encoder, um);
    QVERIFY2(tm.ok(), qPrintable(tm.errorString()));
    QVERIFY((*tm)[QStringLiteral("stages")].toObject()[QStringLiteral("unet")].toObject().contains(QStringLiteral("copied_from")));
    auto ev2 = evaluateTranslators({res.outDir, um.outDir}, eo);
    QVERIFY2(ev2.ok(), qPrintable(ev2.errorString()));
    const QJsonArray runs2 = (*ev2)[QStringLiteral("runs")].toArray();
    // (equal up to float rounding: the mean is computed in batches of 32 there, one set at a time here)
    const double ccUnet = runs2.at(1).toObject()[QStringLiteral("channels")].toObject()[QStringLiteral("171")].toObject()
                              [QStringLiteral("cc")].toObject()[QStringLiteral("mean")].toDouble();
    const double ccMean = runs2.at(0).toObject()[QStringLiteral("regression_mean")].toObject()[QStringLiteral("171")]
                              .toObject()[QStringLiteral("cc")].toObject()[QStringLiteral("mean")].toDouble();
    QVERIFY2(std::abs(ccUnet - ccMean) < 1e-6, qPrintable(QStringLiteral("%1 vs %2").arg(ccUnet).arg(ccMean)));
    // A residual translator started from the U-Net run: that network is its regression mean (same CC).
    TranslatorTrainOptions ru = res;
    ru.outDir = dir.path() + QStringLiteral("/residual-from-unet");
    ru.initFrom = u.outDir;
    auto trf = trainTranslator(*encoder, ru);
    QVERIFY2(trf.ok(), qPrintable(trf.errorString()));
    QVERIFY((*trf)[QStringLiteral("stages")].toObject()[QStringLiteral("mean")].toObject().contains(QStringLiteral("copied_from")));
    auto ev3 = evaluateTranslators({ru.outDir, u.outDir}, eo);
    QVERIFY2(ev3.ok(), qPrintable(ev3.errorString()));
    const QJsonArray runs3 = (*ev3)[QStringLiteral("runs")].toArray();
    const double ccU = runs3.at(1).toObject()[QStringLiteral("channels")].toObject()[QStringLiteral("171")].toObject()
                           [QStringLiteral("cc")].toObject()[QStringLiteral("mean")].toDouble();
    const double ccM = runs3.at(0).toObject()[QStringLiteral("regression_mean")].toObject()[QStringLiteral("171")]
                           .toObject()[QStringLiteral("cc")].toObject()[QStringLiteral("mean")].toDouble();
    QVERIFY2(std::abs(ccU - ccM) < 1e-6, qPrintable(QStringLiteral("%1 vs %2").arg(ccU).arg(ccM)));

    // The shipped form: float16 weights, the encoder found by hash, the same translation up to float16 rounding.
    const QString half = dir.path() + QStringLiteral("/half");
    auto wh = writeHalfTranslator(o.outDir, half, fixture.encoder);
    QVERIFY2(wh.ok(), qPrintable(wh.errorString()));
    QVERIFY((*wh)[QStringLiteral("encoder")].toObject()[QStringLiteral("path")].toString().isEmpty());
    auto runH = TranslatorRun::load(half, fixture.encoder);
    QVERIFY2(runH.ok(), qPrintable(runH.errorString()));
    TranslationRequest hq;
    hq.hmiFile = hmi;
    hq.seed = 7;
    auto rh = runH->translate(hq);
    auto rf = runA->translate(hq);
    QVERIFY(rh.ok() && rf.ok());
    const ImageStats sf = computeStats(rf->mean);
    double maxDiff = 0;
    for (std::size_t k = 0; k < rf->mean.pixels.size(); ++k)
        maxDiff = std::max(maxDiff, double(std::abs(rh->mean.pixels[k] - rf->mean.pixels[k])));
    QVERIFY2(maxDiff <= 0.05 * std::max(1.0, double(sf.max)), qPrintable(QString::number(maxDiff)));
}

QTEST_GUILESS_MAIN(TestTranslate)
#include "tst_translate.moc"
