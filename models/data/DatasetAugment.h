#pragma once
// Joint augmentation of one sample: the same geometric transform applied to every channel plane, so the
// modalities stay co-registered (the patch losses compare fixed positions across modalities).
//
// Transform, in this order: optional left-right mirror, optional up-down mirror, then a rotation by `angleDeg`
// (counter-clockwise as displayed with row 0 at the bottom, the FITS convention) about the image centre
// ((side-1)/2, (side-1)/2), bilinear, pixels that come from outside the image set to 0 (the value NaN/off-image
// data has after normalisation).

#include "models/data/DatasetSpec.h"

#include <QtGlobal>

namespace solarchip {

struct AugmentParams {
    double angleDeg = 0;
    bool hflip = false;
    bool vflip = false;

    bool isIdentity() const { return angleDeg == 0 && !hflip && !vflip; }
};

/// Draws the transform from `spec` with a counter-based generator: the same seed gives the same transform on
/// every platform and thread.
AugmentParams drawAugment(const AugmentSpec &spec, quint64 seed);

/// Applies `params` in place to `channels` planes of side x side (channel-major).
void applyAugment(const AugmentParams &params, float *data, int channels, int side);

/// SplitMix64: the seed mixer used for per-sample seeds (seed, epoch, index -> a well-spread 64-bit value).
quint64 mixSeed(quint64 a, quint64 b = 0, quint64 c = 0);
/// A uniform double in [0, 1) from a 64-bit value.
double unitInterval(quint64 bits);

}  // namespace solarchip
