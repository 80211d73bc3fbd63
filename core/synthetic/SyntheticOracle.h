#pragma once
// The best forecast anyone could make of the synthetic Sun's flares: it reads the truth (each region's flare
// rate, from its flux and Schrijver's R by SyntheticHistory's documented law) and turns the expected number of
// flares of the next window on the Earth-facing side into a probability, P = 1 - exp(-expected) (the flares
// of a region are a Poisson process given its rate). Its skill on a run is the ceiling a forecast from the
// images can reach; evaluate() reports it as the field does (TSS at the threshold that maximises it).

#include "core/synthetic/SyntheticSun.h"

#include <QDateTime>
#include <QVector>

namespace solarchip {

class SyntheticOracle {
public:
    explicit SyntheticOracle(const SyntheticSun &sun) : m_sun(sun) {}

    struct Forecast {
        double expectedC = 0, expectedM = 0;  // flares >= C1 / >= M1 expected in the window
        double pC = 0, pM = 0;                // P(at least one)
    };
    Forecast at(const QDateTime &utc, double windowHours = 24.0) const;

    /// Skill of probabilities against outcomes: the threshold maximising TSS = TP/(TP+FN) - FP/(FP+TN), and
    /// the contingency table there (a forecast is "yes" when p >= threshold).
    struct Skill {
        int n = 0, tp = 0, fn = 0, fp = 0, tn = 0;
        double threshold = 0, tss = 0;
    };
    static Skill bestTss(const QVector<double> &p, const QVector<bool> &outcome);

    /// Daily forecasts at `start` + k days (k < days) against the run's flare list (a flare of the class or
    /// above peaking in [t, t + 24 h)): the skill for >= C (`minFlux` = 1e-6) or >= M (1e-5).
    Skill evaluate(const QDateTime &start, int days, double minFlux) const;

private:
    const SyntheticSun &m_sun;
};

}  // namespace solarchip
