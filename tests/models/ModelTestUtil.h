#pragma once
// Helpers for the models tests: reading the Python reference's safetensors outputs as torch tensors, moving
// tensors in and out of the facade's ImageBatch, and comparing tensors with a tolerance that names the offending
// tensor.
#include "TestSupport.h"
#include "models/networks/SafetensorsFile.h"
#include "models/networks/SolarChipModel.h"
#include "models/networks/detail/TensorIo.h"

#include <QTest>

#include <torch/torch.h>

#include <map>
#include <string>

namespace solarchip::test {

inline solarchip::detail::TensorMap readTensors(const QString &path)
{
    auto f = SafetensorsFile::read(path);
    if (!f) {
        qWarning("%s", qPrintable(f.errorString()));
        return {};
    }
    solarchip::detail::TensorMap out;
    for (const auto &[k, v] : f->tensors)
        out.emplace(k, solarchip::detail::toTensor(v));
    return out;
}

/// A (batch, channels, side, side) float tensor as the facade's ImageBatch.
inline ImageBatch toBatch(const torch::Tensor &t)
{
    ImageBatch b;
    b.batch = static_cast<int>(t.size(0));
    b.channels = static_cast<int>(t.size(1));
    b.side = static_cast<int>(t.size(2));
    const torch::Tensor c = t.contiguous();
    b.data.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
    return b;
}

/// The reference model's inputs (io.safetensors: input.hmi, input.0171) as the facade's batches per modality.
inline std::map<QString, ImageBatch> referenceInputs(const solarchip::detail::TensorMap &io)
{
    std::map<QString, ImageBatch> batches;
    for (const char *m : {"hmi", "0171"})
        batches.emplace(QString::fromLatin1(m), toBatch(io.at(std::string("input.") + m)));
    return batches;
}

/// A copy of `v` as a float tensor of `shape`.
inline torch::Tensor fromFloats(const std::vector<float> &v, std::vector<int64_t> shape)
{
    return torch::from_blob(const_cast<float *>(v.data()), shape).clone();
}

inline double maxAbsDiff(const torch::Tensor &a, const torch::Tensor &b)
{
    return (a.detach().to(torch::kFloat64) - b.detach().to(torch::kFloat64)).abs().max().item<double>();
}

/// max |a - e| / (1 + |e|): an absolute error for values up to ~1 and a relative one beyond (float32 gradients
/// through a zero token reach ~1e6, where only relative agreement is meaningful).
inline double maxScaledDiff(const torch::Tensor &a, const torch::Tensor &e)
{
    const torch::Tensor e64 = e.detach().to(torch::kFloat64);
    return ((a.detach().to(torch::kFloat64) - e64).abs() / (1.0 + e64.abs())).max().item<double>();
}

/// Runs tests/reference/solarchip_ref.py; fails the test on a non-zero exit.
inline bool runReference(const QStringList &args)
{
    const ProcessResult r = runPython(QStringLiteral("solarchip_ref.py"), args, 300000);
    if (r.exitCode != 0 || r.crashed) {
        qWarning("solarchip_ref.py %s failed (%d): %s", qPrintable(args.join(u' ')), r.exitCode, r.err.constData());
        return false;
    }
    return true;
}

}  // namespace solarchip::test

#define SOLARCHIP_COMPARE_TENSORS(actual, expected, tol, what)                                                   \
    do {                                                                                                         \
        const torch::Tensor a_ = (actual), e_ = (expected);                                                      \
        QVERIFY2(a_.sizes().equals(e_.sizes()),                                                                  \
                 qPrintable(QStringLiteral("%1: shape %2 vs %3").arg(what, solarchip::detail::shapeString(a_), solarchip::detail::shapeString(e_)))); \
        const double d_ = solarchip::test::maxScaledDiff(a_, e_);                                                \
        QVERIFY2(d_ <= (tol), qPrintable(QStringLiteral("%1: max |diff|/(1+|ref|) %2 > %3").arg(what).arg(d_).arg(tol))); \
    } while (0)
