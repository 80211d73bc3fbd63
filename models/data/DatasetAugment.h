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

#include <vector>

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

/// Per-modality quarter turns (AugmentSpec::modalityQuarterTurns): the number of quarter turns (0..3) of
/// channel `channel`, drawn independently for every channel from `seed` (counter-based, as drawAugment).
int drawQuarterTurns(quint64 seed, int channel);

/// Rotates one side x side plane in place by `turns` quarter turns counter-clockwise as displayed with row 0
/// at the bottom (the sense of AugmentParams::angleDeg): one turn maps out[y][x] = in[side-1-x][y]. Exact (a
/// permutation of the pixels), so with a grid that divides the side every model cell lands on a whole cell.
void applyQuarterTurns(float *plane, int side, int turns);

/// The same permutation on a grid x grid cell grid, inverted: out[i] = in[index[i]] brings the cells of a
/// plane turned by `turns` back to the unturned layout (row-major, `grid * grid` entries).
std::vector<int> quarterTurnsUndoIndex(int grid, int turns);

/// SplitMix64: the seed mixer used for per-sample seeds (seed, epoch, index -> a well-spread 64-bit value).
quint64 mixSeed(quint64 a, quint64 b = 0, quint64 c = 0);
/// A uniform double in [0, 1) from a 64-bit value.
double unitInterval(quint64 bits);

}  // namespace solarchip
