#pragma once
// One flare-forecast run (issue 12): the embeddings of an archive's sets (through its embedding store, filled
// on first use), labels from the archive's flare list, the time-block split, a head trained on the training
// block, Platt calibration and the max-TSS threshold from the validation block, and the test-block scores with
// the no-skill and reference baselines (climatology, persistence, the synthetic generator's oracle).
//
// A run folder holds head.json (written atomically): the head, calibration, threshold, training base rate, the
// target and window, the encoder's hash and the split. A run refuses features from any other encoder.
//
// The primary event of a run is >= C for target C, >= M for targets M and 4class (the 4-class head's P(>=M) =
// P(M) + P(X) is what is calibrated and scored).

#include "core/archive/FlareFluxBaseline.h"
#include "core/archive/FlareLabels.h"
#include "core/archive/FlareMetrics.h"
#include "models/data/Dataset.h"
#include "models/flare/FlareHead.h"
#include "models/networks/TrainedModel.h"

#include <QJsonObject>

#include <functional>

namespace solarchip {

/// Embeddings of every complete set of an archive (time order), read from the store at `storeDir` (empty: the
/// default ARCHIVE/.solarchip/embeddings/<hash16>, as `solarchip embed` writes it); sets missing from the store
/// are encoded and appended first. `patches` false keeps only the CLS rows.
struct FlareFeatureLoad {
    FlareFeatures features;
    QString storeDir;
    qint64 encoded = 0;   ///< sets encoded now
};
Expected<FlareFeatureLoad> loadFlareFeatures(const TrainedModel &model, const DatasetOptions &base, const QString &storeDir,
                                             bool patches, const std::function<void(qint64 done, qint64 total)> &progress = {});

/// The generator oracle's probability of the event (>= minFlux) in [t, t + window) for each time, from the
/// archive's synth.json. Errors when the archive is not synthetic.
Expected<std::vector<double>> oracleProbabilities(const QString &archiveDir, const QVector<QDateTime> &times,
                                                  double windowHours, double minFlux);

struct FlareRunSpec {
    FlareTarget target = FlareTarget::GeM;
    double windowHours = 24;
    FlareHeadOptions head;
    double labelsFraction = 1.0;
    FlareSplitOptions split;
};

/// Probabilities of a run for each row: `primary` calibrated P(event), plus per-target values.
struct FlareProbabilities {
    std::vector<double> primary;
    std::vector<double> geC, geM;            ///< binary heads: only the trained one is filled
    std::vector<double> fourClass;           ///< [n, 4] softmax (4class only)
    std::vector<float> attention;            ///< [n, cells] (attention heads)
};

class FlareRun {
public:
    /// Empty for heads on frozen embeddings. For `finetune` / `scratch` runs (models/flare/FlareFinetune.h): the
    /// encoder the run trained, kept in the run folder: {"mode": "finetune"|"scratch", "file": "encoder.safetensors",
    /// "hash": its weights' hash, "base_hash": the encoder it started from (scratch: whose architecture, channels and
    /// prep it copies), "resolution": input px, "training": the fine-tuning report}. modelHash is then base_hash.
    QJsonObject encoder;
    FlareHead head;
    FlareRunSpec spec;
    PlattScaling platt;
    double threshold = 0.5;
    double climatology = 0;   ///< training base rate of the primary event
    /// The non-learned reference fitted on the same labelled rows (core/archive/FlareFluxBaseline): invalid when
    /// the features had no HMI flux, or for heads saved before it existed. Scored by evaluateFlareRun.
    FluxBaseline fluxBaseline;
    QString modelHash, modelPath, archiveDir;
    QJsonObject split;        ///< FlareSplit::toJson() with counts
    QJsonObject training;     ///< seconds, best epoch, train/val sizes, validation scores

    bool trainsEncoder() const { return !encoder.isEmpty(); }
    /// "linear", "attn", "finetune" or "scratch".
    QString headName() const;
    int encoderResolution() const { return encoder.value(QStringLiteral("resolution")).toInt(); }
    double primaryMinFlux() const { return spec.target == FlareTarget::GeC ? kGoesC : kGoesM; }
    Expected<FlareProbabilities> predict(const FlareFeatures &x) const;
    /// The flux baseline's P(event) for rows `rows` of `x` (null: every row), the climatology for a set without a
    /// flux (`missing` counts them); empty when the run has no baseline or `x` carries no flux.
    std::vector<double> fluxProbabilities(const FlareFeatures &x, const std::vector<int> *rows = nullptr, int *missing = nullptr) const;

    /// Refuses features of another encoder.
    Status checkEncoder(const QString &hash) const;
    Status save(const QString &dir) const;
    /// Fine-tuned runs: writes the encoder (atomically, as RUN/encoder.safetensors) and then head.json.
    Status saveWithEncoder(const QString &dir, const TrainedModel &trainedEncoder) const;
    /// Fine-tuned runs: the encoder stored in `dir`, checked against the recorded hash.
    Expected<TrainedModel> loadEncoder(const QString &dir) const;
    static Expected<FlareRun> load(const QString &dir);
};

/// Labels, split, label fraction, training, calibration and threshold. `labels4` are the 4-class window
/// classes of every row of `x`.
Expected<FlareRun> trainFlareRun(const FlareFeatures &x, const QVector<int> &labels4, const FlareRunSpec &spec, quint64 seed,
                                 const std::function<void(const FlareHead::Progress &)> &progress = {});

/// The rows of a run: the time-block split of `times`, the label fraction drawn from its training block (seed),
/// the primary event per row, with the refusals of trainFlareRun (too few positives, a one-sided validation block).
/// spec.split.blockDays <= 0 asks for the split to be chosen (`--block-days auto`, for archives of weeks or months):
/// the span cut into 5, 6, 7, 8, 10, 12, 15 or 20 blocks (buffers as long as the window, a quarter block at most
/// unless the window needs more), the first whose validation block holds both outcomes and whose training labels
/// two positives; the split's JSON records the candidates tried ("auto"). Only the labels' presence is looked at,
/// never a score.
struct FlareRunRows {
    std::vector<int> train, val, y, headLabels;
    std::vector<int> trainBlock;  ///< the whole training block (its features, not its labels, may shape a head's inputs)
    int trainPos = 0, valPos = 0;
    QJsonObject split;
};
Expected<FlareRunRows> flareRunRows(const QVector<QDateTime> &times, const QVector<int> &labels4, const FlareRunSpec &spec,
                                    quint64 seed);
/// Platt calibration and the max-TSS threshold on the validation rows, the climatology and the training record;
/// the flux baseline on the same rows when `x` has flux values (else the record says why not).
Status calibrateFlareRun(FlareRun &run, const FlareFeatures &x, const FlareRunRows &rows, quint64 seed);

/// The test-time report: the run's scores and the baselines', all on rows `rows` of `x` (baselines: climatology,
/// persistence, oracle, and unsigned_flux when the run has a flux baseline and `x` flux values — sets without a
/// flux get the climatology there, counted as "missing_flux"; else null). `past4` are the
/// 4-class classes of the previous window (persistence), `oracle` the oracle's P (empty: no oracle).
/// When the rows hold no event (or only events), TSS, HSS and AUC are undefined: the report then has them
/// null (model and baselines) and a "message" such as "no >=M flares in the test block 2013-01-01..2013-06-30
/// (58 sets, 0 positive): ..."; `where` names the rows in it ("the test block"; empty: "the scored sets").
Expected<QJsonObject> evaluateFlareRun(const FlareRun &run, const FlareFeatures &x, const QVector<int> &labels4,
                                       const QVector<int> &past4, const std::vector<double> &oracle,
                                       const std::vector<int> &rows, int bootstrap = 1000, const QString &where = {});
/// The message above (also used by label-efficiency before it trains anything).
QString undefinedSkillMessage(const FlareFeatures &x, const std::vector<int> &rows, int nPos, const QString &event,
                              const QString &where);

}  // namespace solarchip
