#pragma once
// How a co-temporal set of SDO files becomes one training sample, as plain values that travel with every
// checkpoint and embedding store (so `embed` and `eval-align` prepare their input exactly as training did).
//
//  PrepSpec     geometry and values: every member is resampled (through core/Prep, i.e. the WCS of both maps)
//               onto one common frame, the level 1.5 frame of the reference AIA channel (north up, disk
//               centred, the reference's full field of view on resolution*oversample pixels), then
//               area-averaged to the model resolution. HMI is thereby co-registered into the AIA frame (the
//               research code skipped this: HMI stays ~180 deg rolled at another plate scale, so a fixed
//               patch index meant different places on the Sun in the two modalities). Then the value
//               normalisation (core/Scaling ModelNormalize; sign(x)*ln(1+|x|) by default) and NaN -> 0.
//  AugmentSpec  joint augmentation, identical for every channel of a sample: a small rotation about the image
//               centre; flips are off by default because they mirror the Sun's handedness (hemispheric
//               helicity rules, Joy's law, the Hale polarity order).
//  SplitSpec    train/validation split by time with a gap, so validation times are never neighbours of
//               training times (consecutive SDO frames are nearly identical).

#include "core/base/Expected.h"
#include "core/map/ModelFrame.h"
#include "core/map/Resample.h"
#include "core/map/Scaling.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace solarchip {

struct PrepSpec {
    int resolution = 256;   ///< model input side in pixels
    /// The common frame has resolution*oversample pixels per side; the final area average by `oversample`
    /// removes the aliasing a direct resample to the model grid would cause.
    int oversample = 2;
    /// Channel whose level 1.5 frame all members are resampled onto; empty: the first AIA channel of the set
    /// (the first channel when the set has no AIA channel).
    QString referenceChannel;
    Interpolation interpolation = Interpolation::Bilinear;
    bool exposureNormalise = false;  ///< AIA DN -> DN/s before the normalisation
    /// > 0: fixed apparent radius, the disk radius at this fraction of half the side (ModelFrameSpec); 0: the
    /// reference's field of view (default). JSON `disk_radius_fraction`, written only when set.
    double diskRadiusFraction = 0;
    /// Value normalisation (applied after the geometry; NaN becomes 0 afterwards, as the research code did
    /// with nan_to_num). Default: signed log, scale 1.
    ModelNormalize normalize = defaultNormalize();

    static ModelNormalize defaultNormalize();
    /// What decides the cached geometry (resolution, oversample, reference, interpolation, exposure): the
    /// normalisation is applied after the cache and is not part of it.
    QString geometryKey() const;
    /// The model-input geometry these values describe (core/map/ModelFrame), for a model grid of `gridSize`
    /// cells per side (1: the pixels only).
    ModelFrameSpec frameSpec(int gridSize = 1) const;
    QString validate() const;  ///< empty when usable
    QJsonObject toJson() const;
    static Expected<PrepSpec> fromJson(const QJsonObject &json);
};

struct AugmentSpec {
    double maxRotationDeg = 10.0;  ///< uniform angle in [-max, +max]; 0 disables rotation
    double hflipProbability = 0.0; ///< left-right mirror (off: it mirrors solar handedness)
    double vflipProbability = 0.0; ///< up-down mirror (off, same reason)
    /// After the joint transform, each channel turned by its own 0..3 quarter turns (drawQuarterTurns): the
    /// two modalities of a pair then share no rotation the CLS term could match on, while the patch terms,
    /// which see the cell grid turned back (quarterTurnsUndoIndex), still compare grid-exact cells. Off by
    /// default (JSON `modality_quarter_turns`, written only when on). Not in the research code.
    bool modalityQuarterTurns = false;

    bool enabled() const { return maxRotationDeg > 0 || hflipProbability > 0 || vflipProbability > 0 || modalityQuarterTurns; }
    QJsonObject toJson() const;
    static AugmentSpec fromJson(const QJsonObject &json);
};

struct SplitSpec {
    /// Fraction of the sets (by time, the latest ones) used for validation; 0 puts everything in training.
    double validationFraction = 0.1;
    /// No training set lies within this many milliseconds before the first validation time.
    qint64 gapMs = 24LL * 3600 * 1000;

    QJsonObject toJson() const;
    static SplitSpec fromJson(const QJsonObject &json);
};

/// Which co-temporal sets of an archive a dataset uses.
struct SelectionSpec {
    QStringList channels;           ///< canonical catalog keys, e.g. {"hmi", "171"}; the first is the anchor
    qint64 toleranceMs = 120'000;   ///< each member within this of the anchor's time
    qint64 minSpacingMs = 0;        ///< thin the sets to at least this spacing (0: every anchor observation)
    bool nominalQualityOnly = false;
    qint64 fromMs = 0, toMs = 0;    ///< UTC ms half-open range; 0 = unbounded

    QJsonObject toJson() const;
    static Expected<SelectionSpec> fromJson(const QJsonObject &json);
};

}  // namespace solarchip
