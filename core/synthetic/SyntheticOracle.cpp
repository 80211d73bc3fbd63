#include "core/synthetic/SyntheticOracle.h"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace solarchip {

SyntheticOracle::Forecast SyntheticOracle::at(const QDateTime &utc, double windowHours) const
{
    Forecast f;
    f.expectedC = m_sun.expectedVisibleFlares(utc, windowHours, kGoesC);
    f.expectedM = m_sun.expectedVisibleFlares(utc, windowHours, kGoesM);
    f.pC = 1.0 - std::exp(-f.expectedC);
    f.pM = 1.0 - std::exp(-f.expectedM);
    return f;
}

SyntheticOracle::Skill SyntheticOracle::bestTss(const QVector<double> &p, const QVector<bool> &outcome)
{
    Skill best;
    const int n = static_cast<int>(std::min(p.size(), outcome.size()));
    best.n = n;
    int pos = 0;
    for (int i = 0; i < n; ++i)
        pos += outcome[i];
    const int neg = n - pos;
    // Sweep thresholds from high to low over the sorted probabilities: each step says "yes" to one more case.
    QVector<int> idx(n);
    std::iota(idx.begin(), idx.end(), 0);
    std::sort(idx.begin(), idx.end(), [&](int a, int b) { return p[a] > p[b]; });
    int tp = 0, fp = 0;
    best.tn = neg;
    best.fn = pos;
    best.threshold = n > 0 ? p[idx[0]] + 1.0 : 1.0;
    for (int k = 0; k < n; ++k) {
        (outcome[idx[k]] ? tp : fp) += 1;
        if (k + 1 < n && p[idx[k + 1]] == p[idx[k]])
            continue;  // ties go together
        const double tss = (pos > 0 ? double(tp) / pos : 0.0) - (neg > 0 ? double(fp) / neg : 0.0);
        if (tss > best.tss) {
            best.tss = tss;
            best.threshold = p[idx[k]];
            best.tp = tp;
            best.fp = fp;
            best.fn = pos - tp;
            best.tn = neg - fp;
        }
    }
    return best;
}

SyntheticOracle::Skill SyntheticOracle::evaluate(const QDateTime &start, int days, double minFlux) const
{
    const QVector<FlareEvent> events = m_sun.flareListEvents();
    QVector<double> p;
    QVector<bool> y;
    for (int k = 0; k < days; ++k) {
        const QDateTime t = start.addDays(k), end = t.addDays(1);
        const Forecast f = at(t);
        p.push_back(minFlux >= kGoesM ? f.pM : f.pC);
        bool hit = false;
        for (const FlareEvent &e : events)
            if (e.peak >= t && e.peak < end && e.peakFlux >= minFlux) {
                hit = true;
                break;
            }
        y.push_back(hit);
    }
    return bestTss(p, y);
}

}  // namespace solarchip
