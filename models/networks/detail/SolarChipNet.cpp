#include "models/networks/detail/SolarChipNet.h"

#include "models/networks/detail/CnnAutoencoder.h"
#include "models/networks/detail/VitAutoencoder.h"

#include <stdexcept>

namespace solarchip::detail {

std::shared_ptr<BackboneImpl> makeBackbone(const BackboneConfig &config)
{
    if (config.arch == Architecture::Cnn)
        return std::make_shared<CnnAutoencoderImpl>(config);
    return std::make_shared<VitAutoencoderImpl>(config);
}

SolarChipNetImpl::SolarChipNetImpl(const SolarChipConfig &config) : m_config(config)
{
    const QString problem = config.validate();
    if (!problem.isEmpty())
        throw std::invalid_argument(problem.toStdString());
    m_modelDict = register_module("model_dict", std::make_shared<torch::nn::Module>());
    for (const QString &name : config.backboneNames()) {
        auto b = makeBackbone(config.backbone);
        m_modelDict->register_module(name.toStdString(), b);
        m_backbones.emplace(name.toStdString(), b);
    }
    contrastive_loss_fn = register_module("contrastive_loss_fn", ContrastiveLoss());
}

std::shared_ptr<BackboneImpl> SolarChipNetImpl::backbone(const std::string &modality) const
{
    const std::string name = m_config.backboneFor(QString::fromStdString(modality)).toStdString();
    const auto it = m_backbones.find(name);
    if (it == m_backbones.end())
        throw std::out_of_range("no backbone for modality '" + modality + "'");
    return it->second;
}

std::map<std::string, ModalityOutput> SolarChipNetImpl::forward(const std::map<std::string, torch::Tensor> &images)
{
    std::map<std::string, ModalityOutput> out;
    for (const auto &[modality, x] : images) {
        auto b = backbone(modality);
        ModalityOutput o;
        o.latent = b->encode(x);
        o.recon = b->decode(o.latent);
        o.tokens = b->contrastiveProjection(o.latent);
        out.emplace(modality, std::move(o));
    }
    return out;
}

torch::Tensor SolarChipNetImpl::tokens(const std::string &modality, const torch::Tensor &images)
{
    auto b = backbone(modality);
    return b->contrastiveProjection(b->encode(images));
}

LossTerms SolarChipNetImpl::loss(const std::map<std::string, torch::Tensor> &images,
                                 const std::map<std::string, ModalityOutput> &outputs,
                                 const std::map<std::string, torch::Tensor> &pixelWeights) const
{
    LossTerms t;
    const LossWeights &w = m_config.weights;
    torch::Tensor recSum;
    for (const auto &[modality, o] : outputs) {
        const auto img = images.find(modality);
        if (img == images.end())
            continue;
        const auto pw = pixelWeights.find(modality);
        torch::Tensor r = reconstructionLoss(img->second, o.recon, pw == pixelWeights.end() ? torch::Tensor() : pw->second);
        recSum = recSum.defined() ? recSum + r : r;
        t.reconstruction.emplace(modality, r);
    }
    // Mean over modalities (the research code sums them): adding a channel then does not rescale the balance
    // between reconstruction and the contrastive terms.
    torch::Tensor total;
    if (recSum.defined())
        total = w.reconstruction * recSum / static_cast<double>(t.reconstruction.size());

    torch::Tensor ctrSum;
    int pairsUsed = 0;
    for (const auto &[qa, qb] : m_config.pairs()) {
        const auto a = outputs.find(qa.toStdString());
        const auto b = outputs.find(qb.toStdString());
        if (a == outputs.end() || b == outputs.end())
            continue;
        const std::string key = (qa + u'|' + qb).toStdString();
        const torch::Tensor c = contrastive_loss_fn->cls(a->second.tokens, b->second.tokens);
        const torch::Tensor p = contrastive_loss_fn->pat(a->second.tokens, b->second.tokens);
        const torch::Tensor i = contrastive_loss_fn->intra(a->second.tokens, b->second.tokens);
        t.cls.emplace(key, c);
        t.pat.emplace(key, p);
        t.intra.emplace(key, i);
        const torch::Tensor pairLoss = w.cls * c + w.pat * p + w.intra * i;
        ctrSum = ctrSum.defined() ? ctrSum + pairLoss : pairLoss;
        ++pairsUsed;
    }
    if (pairsUsed > 0) {
        const torch::Tensor ctr = ctrSum / static_cast<double>(pairsUsed);
        total = total.defined() ? total + ctr : ctr;
    }
    t.total = total.defined() ? total : torch::zeros({});
    return t;
}

}  // namespace solarchip::detail
