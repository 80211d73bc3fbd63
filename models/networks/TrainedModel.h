#pragma once
// A SolarCHIP model together with what it takes to feed it: the channel list (catalog keys, in the model's
// modality order) and the PrepSpec it was trained with (geometry + normalisation), plus the training
// provenance. `embed`, `eval-align` and the GUI load this, so their input is prepared exactly as in training.
//
// The extra facts travel in the model file's safetensors metadata, next to the model's own configuration:
//   "solarchip_channels"  JSON array of catalog channel keys, e.g. ["hmi","171"]
//   "solarchip_prep"      PrepSpec::toJson()
//   "solarchip_training"  provenance (run folder, step, archive, seed, the training time range, metrics)
// A model file without them (e.g. `solarchip import-checkpoint` output) gets its channels from the modality
// names and the default PrepSpec at the model's resolution.
//
// The shipped default model (models/default/solarchip-tiny-default.safetensors, see its MODEL_CARD.md) is
// compiled into every binary as the Qt resource ":/solarchip/models/default.safetensors"; loadDefault() also
// looks for an installed copy first.

#include "core/base/Expected.h"
#include "models/data/DatasetSpec.h"
#include "models/networks/SolarChipModel.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace solarchip {

struct TrainedModel {
    SolarChipModel model;
    QStringList channels;   ///< catalog keys in the model's modality order ("hmi", "171", ...)
    PrepSpec prep;
    QJsonObject training;   ///< provenance; empty when unknown
    QString path;           ///< where it was loaded from
    QString hash;           ///< model.hash(), computed once at load

    /// Loads a model file (written by save(), SolarChipModel::save() or import-checkpoint).
    static Expected<TrainedModel> load(const QString &path);
    /// The shipped default model: $SOLARCHIP_DEFAULT_MODEL, else <exe>/../share/solarchip/models/default.safetensors,
    /// else the compiled-in resource. Fails with a clear message when none is available.
    static Expected<TrainedModel> loadDefault();
    /// Where loadDefault() would read from (a file path or a ":/" resource path); empty if nowhere.
    static QString defaultModelLocation();

    /// The catalog key of the model's first AIA modality ("171" for hmi,0171), empty when none.
    QString firstAiaChannel() const;

    /// Writes the model with the channel/prep/training metadata, atomically. `halfPrecision` stores the
    /// floating-point tensors as float16 (half the size; used for the shipped default model).
    Status save(const QString &path, bool halfPrecision = false) const;
};

/// The catalog channel key of a research modality name: "0171" -> "171", "hmi" -> "hmi".
QString channelOfModality(const QString &modality);

/// TrainedModel::save() for a model held elsewhere (the trainer's).
Status saveTrainedModel(const SolarChipModel &model, const QStringList &channels, const PrepSpec &prep,
                        const QJsonObject &training, const QString &path, bool halfPrecision = false);

}  // namespace solarchip
