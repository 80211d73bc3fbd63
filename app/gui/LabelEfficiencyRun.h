#pragma once
// What the low-label wizard (LowLabelWizard) asks `solarchip label-efficiency` to do and what it reads back,
// kept apart from the widgets so a test can check both without a window:
// - LowLabelChoices -> the command's arguments (labelEfficiencyArguments). Time-block splits need five blocks
//   (train, train, validation, train, test); the command's default 60-day blocks need ~300 days, so for a
//   shorter archive (the sample archive spans 30 days) the blocks are sized from the archive's span
//   (splitForSpan) and passed explicitly.
// - one-line JSON events and the files the command writes -> EfficiencyPoint records:
//     {"event":"point","strategy":"frozen|finetune|scratch","budget":5,"seed":0,"tss":..,"tss_ci95":[lo,hi],
//      "auc":..,"bss":..,"n_train_pos":..,"n_train_neg":..,"done":d,"total":P,"run":RUNDIR}
//     {"event":"skipped","strategy":..,"budget":..,"seed":..,"reason":"too few positives ..."}
//   and OUT/points.jsonl (the same point/skipped objects, one a line: what a resumed or reopened run shows).
//   Builds of the command without --strategies print {"event":"budget","curve":"frozen|untrained",
//   "budget":..,"tss":..|null,"seeds_ok":n} per budget and the per-budget means in OUT/label_efficiency.json
//   (curves.<curve>[{budget, tss, tss_ci95, auc, bss, error}]); those are read too (seed -1: the mean over
//   seeds; no run folder, so such points cannot be installed as a head).

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <QVector>

#include <optional>

namespace solarchip {

struct LowLabelChoices {
    QString archive;                                  // the archive folder (with its flare list)
    QString target = QStringLiteral("M");             // "C" or "M": flare >= that class within windowHours
    double windowHours = 24;
    QString model;                                    // a trained model file; empty: the shipped default
    QVector<double> budgets{1, 5, 10, 25, 100};       // percent of the training labels
    bool frozen = true;                               // frozen probe on the encoder's embeddings
    bool finetune = true;                             // fine-tuning the encoder
    // The from-scratch baseline is always run: it is what pretraining has to beat.
    int seeds = 1;
    // Encoder training (fine-tune and scratch heads): passes over a budget's training rows, and the fewest
    // optimizer steps whatever the budget (the command's defaults). These heads are nearly all of the run's
    // time: at least finetuneSteps steps of 16 sets at 64 px each, where a frozen probe takes a fraction of a
    // second.
    int finetuneEpochs = 6;
    int finetuneSteps = 30;
    int threads = 1;                                  // --threads of the child (1: see platform notes)
    double spanDays = 0;                              // the archive's span (0: unknown -> the command's default split)
    QString outDir;                                   // where the command writes (points, runs, curve files)

    QStringList strategies() const;  // e.g. {"frozen", "finetune", "scratch"}; "scratch" always last
    int headCount() const;           // budgets x strategies x seeds
    int encoderTrainings() const;    // of those, the fine-tune and scratch heads (budgets x (1 or 2) x seeds)
};

/// Block and buffer lengths (days) for five time blocks in `spanDays` with gaps of at least the label
/// window; nullopt when the command's defaults (60-day blocks, 27-day buffers) fit, or the span is unknown.
struct SplitDays {
    double blockDays = 0;
    double bufferDays = 0;
};
std::optional<SplitDays> splitForSpan(double spanDays, double windowHours);

/// The `solarchip` arguments (without the program). `withStrategies` false: a command build without
/// --strategies (frozen probe and its untrained-encoder control only).
QStringList labelEfficiencyArguments(const LowLabelChoices &choices, bool withStrategies = true);

struct EfficiencyPoint {
    QString strategy;     // frozen, finetune, scratch, unsigned_flux (or "untrained" from older builds)
    double budget = 0;    // percent
    int seed = -1;        // -1: a mean over seeds
    bool skipped = false; // no result for this budget: `reason` says why (e.g. too few positives)
    QString reason;
    double tss = 0, tssLo = 0, tssHi = 0, auc = 0, bss = 0;
    int trainPositives = -1, trainNegatives = -1;
    QString runDir;       // the point's head, a flare run folder (empty: none saved)
    int done = -1, total = -1;

    QString key() const;  // strategy/budget/seed: the same point read twice is one point
    QJsonObject toJson() const;
};

/// A point from one event object; nullopt for other events (start, embed, progress...).
std::optional<EfficiencyPoint> parseEfficiencyEvent(const QJsonObject &event);
/// The non-learned baseline a frozen point event carries (`flux_tss`, `flux_tss_ci95`, `flux_auc`, `flux_bss`:
/// the unsigned-flux logistic fitted on that point's labels) as a point of strategy "unsigned_flux" with no head;
/// nullopt for other events.
std::optional<EfficiencyPoint> fluxBaselineOfEvent(const QJsonObject &event);
/// The points `outDir` holds: points.jsonl when there is one, else label_efficiency.json's curves.
QVector<EfficiencyPoint> readEfficiencyPoints(const QString &outDir);
/// The `total` of a start event (-1 otherwise).
int efficiencyTotal(const QJsonObject &event);

}  // namespace solarchip
