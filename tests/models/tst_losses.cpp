// Loss values and gradients against an independent Python implementation of the method's formulas
// (tests/reference/solarchip_ref.py losses: per-position loops with F.cross_entropy, float64), to 1e-5:
// global CLS, fixed-position patch and intra-sample cross-location losses (gradients w.r.t. both token sets
// and the log-temperature; one temperature above the CLIP clamp, one zero token), and the total objective
// with weights, per-pixel reconstruction weights and both pair topologies.
#include "ModelTestUtil.h"

#include "models/training/detail/ContrastiveLoss.h"
#include "models/networks/detail/SolarChipNet.h"

#include <QJsonDocument>
#include <QtTest>

using namespace solarchip;
using namespace solarchip::test;

namespace {
constexpr double kTol = 1e-5;
}

class TestLosses : public QObject {
    Q_OBJECT
    QTemporaryDir m_dir = scratchDir();
    solarchip::detail::TensorMap m_ref;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(runReference({QStringLiteral("losses"), QStringLiteral("--seed"), QStringLiteral("11"), QStringLiteral("--batch"),
                              QStringLiteral("4"), QStringLiteral("--tokens"), QStringLiteral("9"), QStringLiteral("--dim"),
                              QStringLiteral("6"), QStringLiteral("--out"), m_dir.path()}));
        m_ref = readTensors(m_dir.path() + QStringLiteral("/losses.safetensors"));
        QVERIFY(!m_ref.empty());
    }

    void pairLosses_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("cls") << "cls";
        QTest::newRow("pat") << "pat";
        QTest::newRow("int") << "int";
    }

    void pairLosses()
    {
        QFETCH(QString, name);
        const std::string n = name.toStdString();
        torch::Tensor pa = m_ref.at("pa").clone().requires_grad_(true);
        torch::Tensor pb = m_ref.at("pb").clone().requires_grad_(true);
        torch::Tensor s = m_ref.at("scale." + n).clone().requires_grad_(true);
        torch::Tensor v;
        if (n == "cls")
            v = solarchip::detail::clsContrastiveLoss(pa, pb, s);
        else if (n == "pat")
            v = solarchip::detail::patContrastiveLoss(pa, pb, s);
        else
            v = solarchip::detail::intContrastiveLoss(pa, pb, s);
        v.backward();
        SOLARCHIP_COMPARE_TENSORS(v, m_ref.at(n + ".value"), kTol, name + QStringLiteral(" value"));
        SOLARCHIP_COMPARE_TENSORS(pa.grad(), m_ref.at(n + ".grad_pa"), kTol, name + QStringLiteral(" grad pa"));
        SOLARCHIP_COMPARE_TENSORS(pb.grad(), m_ref.at(n + ".grad_pb"), kTol, name + QStringLiteral(" grad pb"));
        SOLARCHIP_COMPARE_TENSORS(s.grad(), m_ref.at(n + ".grad_scale"), kTol, name + QStringLiteral(" grad scale"));
        QVERIFY(torch::isfinite(pb.grad()).all().item<bool>());  // pb holds a zero token
        if (n == "int")  // ln(150) is above the clamp: the temperature gets no gradient
            QCOMPARE(s.grad().item<double>(), 0.0);
        else
            QVERIFY(std::abs(s.grad().item<double>()) > 1e-6);
    }

    void totalObjective_data()
    {
        QTest::addColumn<QString>("topology");
        QTest::newRow("hmi-star") << "star";
        QTest::newRow("all-pairs") << "all";
    }

    void totalObjective()
    {
        QFETCH(QString, topology);
        const std::string t = topology.toStdString();
        SolarChipConfig cfg;
        cfg.backbone.arch = Architecture::Vit;  // the backbones are not used: outputs are given directly
        cfg.backbone.resolution = 8;
        cfg.backbone.vit.patchSize = 8;
        cfg.backbone.vit.width = 8;
        cfg.backbone.vit.heads = 1;
        cfg.backbone.vit.layers = 1;
        cfg.backbone.contrastiveDim = 6;
        cfg.modalities = {QStringLiteral("hmi"), QStringLiteral("0171"), QStringLiteral("0193")};
        cfg.topology = t == "star" ? PairTopology::HmiStar : PairTopology::AllPairs;
        cfg.weights = {0.7, 1.3, 0.5, 2.0};
        solarchip::detail::SolarChipNet net(cfg);
        {
            torch::NoGradGuard g;
            net->contrastive_loss_fn->cls_logit_scale.copy_(m_ref.at("scale.cls"));
            net->contrastive_loss_fn->pat_logit_scale.copy_(m_ref.at("scale.pat"));
            net->contrastive_loss_fn->int_logit_scale.copy_(m_ref.at("scale.int"));
        }
        std::map<std::string, torch::Tensor> images;
        std::map<std::string, solarchip::detail::ModalityOutput> outputs;
        for (const char *m : {"hmi", "0171", "0193"}) {
            const std::string k(m);
            images.emplace(k, m_ref.at("img." + k));
            solarchip::detail::ModalityOutput o;
            o.recon = m_ref.at("rec." + k).clone().requires_grad_(true);
            o.tokens = m_ref.at("tok." + k).clone().requires_grad_(true);
            outputs.emplace(k, o);
        }
        const auto terms = net->loss(images, outputs, {{"hmi", m_ref.at("pixel_weight.hmi")}});
        terms.total.backward();
        const std::string p = "total." + t + ".";
        SOLARCHIP_COMPARE_TENSORS(terms.total, m_ref.at(p + "value"), kTol, QStringLiteral("total"));
        QCOMPARE(terms.cls.size(), size_t(t == "star" ? 2 : 3));
        for (const char *m : {"hmi", "0171", "0193"}) {
            const std::string k(m);
            SOLARCHIP_COMPARE_TENSORS(outputs.at(k).tokens.grad(), m_ref.at(p + "grad_tok." + k), kTol,
                                      QStringLiteral("grad tokens ") + m);
            SOLARCHIP_COMPARE_TENSORS(outputs.at(k).recon.grad(), m_ref.at(p + "grad_rec." + k), kTol,
                                      QStringLiteral("grad recon ") + m);
        }
        const auto &c = net->contrastive_loss_fn;
        SOLARCHIP_COMPARE_TENSORS(c->cls_logit_scale.grad(), m_ref.at(p + "grad_scale.cls"), kTol, QStringLiteral("grad s_cls"));
        SOLARCHIP_COMPARE_TENSORS(c->pat_logit_scale.grad(), m_ref.at(p + "grad_scale.pat"), kTol, QStringLiteral("grad s_pat"));
        SOLARCHIP_COMPARE_TENSORS(c->int_logit_scale.grad(), m_ref.at(p + "grad_scale.int"), kTol, QStringLiteral("grad s_int"));
    }

    void closedForms()
    {
        // Identical unit tokens on both sides with a huge separation: the loss tends to 0; all-equal logits
        // give ln(M) exactly.
        const torch::Tensor same = torch::zeros({5, 5});
        QVERIFY(std::abs(solarchip::detail::symmetricInfoNce(same.unsqueeze(0)).item<double>() - std::log(5.0)) < 1e-6);
        const torch::Tensor zeros = torch::zeros({3, 4, 6}, torch::requires_grad());
        const torch::Tensor v = solarchip::detail::intContrastiveLoss(zeros, zeros, torch::tensor(2.0));
        v.backward();
        QVERIFY(std::abs(v.item<double>() - std::log(3.0)) < 1e-6);  // all-zero tokens: uniform over 3 positions
        QVERIFY(torch::isfinite(zeros.grad()).all().item<bool>());
        QCOMPARE(solarchip::detail::initialLogitScale(), std::log(1 / 0.07));
        // Clamp of the raw parameters.
        solarchip::detail::ContrastiveLoss c;
        {
            torch::NoGradGuard g;
            c->cls_logit_scale.fill_(7.0);
            c->pat_logit_scale.fill_(-1.0);
        }
        c->clampParameters();
        QCOMPARE(c->cls_logit_scale.item<double>(), double(float(std::log(100.0))));
        QCOMPARE(c->pat_logit_scale.item<double>(), 0.0);
    }
};

QTEST_GUILESS_MAIN(TestLosses)
#include "tst_losses.moc"
