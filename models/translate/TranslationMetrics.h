#pragma once
// Image-to-image scores of a translated AIA map against the observed one (issue 14), torch-free.
//   cc          Pearson correlation of the on-disk pixels (DN/s)
//   cc_active   the same over active-region pixels: on the disk where |B_LOS| > kActiveGauss (HMI at the same side)
//   cc_quiet    over the rest of the disk (an all-quiet image can score a high SSIM: this tells them apart)
//   ssim        mean SSIM (Wang et al. 2004; Gaussian window sigma 1.5, truncated at 3.5 sigma, population
//               covariances, K1 0.01, K2 0.03; as skimage.metrics.structural_similarity(gaussian_weights=True,
//               sigma=1.5, use_sample_covariance=False, data_range=L)) on log1p(DN/s) of the whole frame, the
//               mean taken over the pixels at least 3 from the border (skimage's crop), L the true image's
//               max - min (on log1p)
//   psnr        10 log10(L^2 / MSE) on log1p(DN/s), on-disk pixels
//   flux_rel_err  |sum(pred) - sum(true)| / sum(true) over the on-disk pixels (DN/s)
// Summaries: the mean over images with a percentile bootstrap 95% interval over images (NaN scores, e.g. an image
// without active pixels, are left out and counted).
#include <QJsonObject>

#include <cstdint>
#include <vector>

namespace solarchip {

inline constexpr double kActiveGauss = 50.0;

/// Pearson correlation of x and y over the pixels where `mask` is non-zero (all when empty); NaN for fewer than 3
/// pixels or a constant image.
double pearsonCc(const float *x, const float *y, int n, const std::vector<uint8_t> &mask = {});

/// Mean SSIM of two side x side images (definition above) with data range L.
double ssim(const float *x, const float *y, int side, double dataRange);

/// PSNR of `pred` against `truth` over the masked pixels with data range L (inf when identical).
double psnr(const float *pred, const float *truth, int n, double dataRange, const std::vector<uint8_t> &mask = {});

struct ImageScores {
    double cc = 0, ccActive = 0, ccQuiet = 0, ssim = 0, psnr = 0, fluxRelErr = 0;
};

/// All scores of one image pair (DN/s, side x side); `disk` and `active` masks as above.
ImageScores scoreImage(const float *pred, const float *truth, int side, const std::vector<uint8_t> &disk,
                       const std::vector<uint8_t> &active);

/// {"cc": {"mean", "ci95": [lo, hi], "n"}, ...} over images; `bootstrap` resamples drawn from `seed`.
QJsonObject summariseScores(const std::vector<ImageScores> &scores, int bootstrap, unsigned seed);

}  // namespace solarchip
