#pragma once
// Verification of probabilistic yes/no forecasts as the flare-forecasting field reports it (Bloomfield et al.
// 2012; Leka et al. 2019): the contingency table at a threshold, TSS = POD - POFD, the Heidke skill score,
// ROC AUC (Mann-Whitney with ties counted half), the Brier score and its skill against climatology
// (BSS = 1 - BS / BS_clim, BS_clim the Brier score of the constant training base rate), bootstrap 95%
// intervals (percentiles of resampled cases) and reliability-diagram bins. Platt calibration (a logistic fit
// of outcome on score) and the threshold that maximises TSS live here too, so every head and every baseline
// goes through the same code. Torch-free.
//
// Degenerate cases are reported, never divided by: scores() fails with a message when the cases hold no
// positive or no negative (a split without flares), saying which.

#include "core/base/Expected.h"

#include <QJsonObject>

#include <vector>

namespace solarchip {

struct Contingency {
    long long tp = 0, fn = 0, fp = 0, tn = 0;
    /// POD - POFD; 0 when a row of the table is empty.
    double tss() const;
    /// Heidke skill score 2(TP TN - FN FP) / ((TP+FN)(FN+TN) + (TP+FP)(FP+TN)); 0 when the denominator is 0.
    double hss() const;
};

/// "Yes" when p >= threshold.
Contingency contingencyAt(const std::vector<double> &p, const std::vector<int> &y, double threshold);
/// The area under the ROC curve (probability a random positive outranks a random negative, ties half); NaN
/// without positives or negatives.
double rocAuc(const std::vector<double> &p, const std::vector<int> &y);
double brierScore(const std::vector<double> &p, const std::vector<int> &y);
/// 1 - BS(p) / BS(constant climatology rate); NaN when the climatology's score is 0.
double brierSkillScore(const std::vector<double> &p, const std::vector<int> &y, double climatology);

/// The threshold (one of the forecast values) with the largest TSS; ties keep the higher threshold.
double maxTssThreshold(const std::vector<double> &p, const std::vector<int> &y);

/// Platt scaling: p = 1 / (1 + exp(-(a z + b))) fitted by Newton's method on (score z, outcome y), with
/// Platt's target smoothing (y+ = (N+ + 1)/(N+ + 2), y- = 1/(N- + 2)) and a unit ridge on a - 1, so separable
/// data stays finite.
struct PlattScaling {
    double a = 1, b = 0;
    double apply(double z) const;
    static PlattScaling fit(const std::vector<double> &z, const std::vector<int> &y);
};

struct ReliabilityBin {
    double lo = 0, hi = 0;
    int n = 0;
    double meanForecast = 0, observedRate = 0;
};
/// `bins` equal-width bins of forecast probability.
std::vector<ReliabilityBin> reliability(const std::vector<double> &p, const std::vector<int> &y, int bins = 10);

struct ForecastScores {
    double threshold = 0.5;
    Contingency table;
    double tss = 0, hss = 0, auc = 0, brier = 0, bss = 0;
    double tssLo = 0, tssHi = 0, hssLo = 0, hssHi = 0, aucLo = 0, aucHi = 0, bssLo = 0, bssHi = 0;
    int nPos = 0, nNeg = 0;
    std::vector<ReliabilityBin> bins;
    /// tss, tss_ci95 [lo, hi], hss, hss_ci95, auc, auc_ci95, brier, bss, bss_ci95, threshold, n_pos, n_neg,
    /// tp/fn/fp/tn and the reliability bins.
    QJsonObject toJson() const;
};

/// Every score of probabilities `p` against outcomes `y` (0/1) at `threshold`, with `bootstrap` resamples
/// (seeded) for the intervals. Fails, naming `what`, when the cases hold no positive or no negative.
Expected<ForecastScores> scoreForecast(const std::vector<double> &p, const std::vector<int> &y, double threshold,
                                       double climatology, const QString &what, int bootstrap = 1000,
                                       unsigned long long seed = 12);

/// The 95% interval of the mean TSS of several forecasts of the same cases (e.g. one per training seed, each at
/// its own threshold): the cases are resampled jointly `bootstrap` times. Returns {lo, hi}.
std::pair<double, double> meanTssInterval(const std::vector<std::vector<double>> &p, const std::vector<double> &thresholds,
                                          const std::vector<int> &y, int bootstrap = 1000, unsigned long long seed = 12);

}  // namespace solarchip
